//! profile.proto's fields: the top-level message read field by field from
//! the streaming input, and each sub-message (sample, mapping, location,
//! function, value type) parsed from memory into the model's tables.
//!
//! Ids are kept as written ([`RawProfile`]); [`resolve`](super::resolve)
//! turns them into dense indices. Samples go straight into the flat arrays
//! of [`Samples`](crate::profile::Samples): no allocation per sample.

use super::super::error::{Invalid, Malformed};
use super::super::{
    DecodeError, Function, Label, Line, Location, Mapping, Profile, StrIdx, ValueType,
};
use super::input::Input;
use super::lean::LeanState;
use super::wire::Slice;
use rustc_hash::FxHashMap;
use std::io::BufRead;

/// Location ids below this are stored as-is in the sample arrays; larger ids
/// are interned through `big_ids` and stored as `BIG + k`.
pub(super) const BIG: u32 = 1 << 31;

#[derive(Default)]
pub(super) struct RawProfile {
    pub(super) p: Profile,
    /// Sample location ids, encoded (see `BIG`).
    pub(super) locs: Vec<u32>,
    pub(super) big_ids: Vec<u64>,
    big_map: FxHashMap<u64, u32>,
    /// Per sample: number of values (checked against the types at the end).
    value_counts_ok: bool,
    /// The first sample (index, value count) whose count differs from the
    /// first sample's.
    pub(super) bad_value_count: Option<(usize, usize)>,
    /// Mapping id of each location (0 = none), resolved at the end.
    pub(super) loc_mapping_ids: Vec<u64>,
    /// Function id of each line, resolved at the end.
    pub(super) line_function_ids: Vec<u64>,
    seen_time: bool,
    /// Set for a lean decode (see [`lean`](super::lean)).
    pub(super) lean: Option<LeanState>,
}

pub(super) fn parse_top<R: BufRead>(
    input: &mut Input<R>,
    lean: Option<LeanState>,
) -> Result<RawProfile, DecodeError> {
    let mut raw = RawProfile {
        value_counts_ok: true,
        lean,
        ..Default::default()
    };
    let mut buf = Vec::with_capacity(4096);
    let mut value_scratch: Vec<i64> = Vec::with_capacity(8);
    let mut label_scratch: Vec<Label> = Vec::new();
    loop {
        // The common case, whole samples in the buffer, in one tight loop
        // that consumes them at once; anything else (another field, a
        // sample that straddles a refill or passes the size cap) takes the
        // general path below, one field at a time.
        let room = input.room();
        let mut s = Slice {
            b: input.fill()?,
            i: 0,
        };
        while s.b.get(s.i) == Some(&SAMPLE_KEY) {
            let start = s.i;
            s.i += 1;
            let len = match s.varint() {
                Ok(len) if len <= (s.b.len() - s.i) as u64 && s.i as u64 + len <= room => {
                    len as usize
                }
                _ => {
                    s.i = start;
                    break;
                }
            };
            let body = &s.b[s.i..s.i + len];
            s.i += len;
            parse_sample(
                &mut Slice { b: body, i: 0 },
                &mut raw,
                &mut value_scratch,
                &mut label_scratch,
            )?;
        }
        let consumed = s.i;
        if consumed > 0 {
            input.advance(consumed)?;
            continue;
        }
        let Some(key) = input.varint_or_eof()? else {
            break;
        };
        let field = key >> 3;
        let wire = key & 7;
        match field {
            1 | 2 | 3 | 4 | 5 | 6 | 11 => {
                want_wire(field, wire, 2)?;
                let len = input.varint()?;
                input.with_bytes(len, &mut buf, |b| {
                    let mut s = Slice { b, i: 0 };
                    match field {
                        1 => {
                            let vt = parse_value_type(&mut s)?;
                            raw.p.sample_types.push(vt);
                        }
                        2 => {
                            parse_sample(&mut s, &mut raw, &mut value_scratch, &mut label_scratch)?
                        }
                        3 => {
                            let m = parse_mapping(&mut s)?;
                            raw.p.mappings.push(m);
                        }
                        4 => parse_location(&mut s, &mut raw)?,
                        5 => {
                            let f = parse_function(&mut s)?;
                            raw.p.functions.push(f);
                        }
                        6 => raw
                            .p
                            .strings
                            .push(String::from_utf8_lossy(b).into_owned().into_boxed_str()),
                        11 => raw.p.period_type = parse_value_type(&mut s)?,
                        _ => unreachable!(),
                    }
                    Ok(())
                })?;
            }
            7 | 8 | 9 | 10 | 12 | 14 | 15 => {
                want_wire(field, wire, 0)?;
                let v = input.varint()?;
                match field {
                    7 => raw.p.drop_frames = str_idx(v, "drop_frames")?,
                    8 => raw.p.keep_frames = str_idx(v, "keep_frames")?,
                    9 => {
                        if raw.seen_time && raw.p.time_nanos != 0 {
                            return Err(Malformed::Concatenated.into());
                        }
                        raw.seen_time = true;
                        raw.p.time_nanos = v as i64;
                    }
                    10 => raw.p.duration_nanos = v as i64,
                    12 => raw.p.period = v as i64,
                    14 => raw.p.default_sample_type = str_idx(v, "default_sample_type")?,
                    15 => raw.p.doc_url = str_idx(v, "doc_url")?,
                    _ => unreachable!(),
                }
            }
            13 => match wire {
                0 => {
                    let v = input.varint()?;
                    raw.p.comments.push(str_idx(v, "comment")?);
                }
                2 => {
                    let len = input.varint()?;
                    input.bytes(len, &mut buf)?;
                    let mut s = Slice { b: &buf, i: 0 };
                    while !s.done() {
                        let v = s.varint()?;
                        raw.p.comments.push(str_idx(v, "comment")?);
                    }
                }
                w => want_wire(13, w, 0)?,
            },
            0 => return Err(Malformed::FieldZero.into()),
            _ => input.skip_field(wire)?,
        }
    }
    Ok(raw)
}

/// The key of a `Profile.sample` field: field 2, length-delimited.
const SAMPLE_KEY: u8 = 2 << 3 | 2;

/// Appends a sample's location id, encoded (see `BIG`).
#[inline(never)]
fn push_loc(
    locs: &mut Vec<u32>,
    big_ids: &mut Vec<u64>,
    big_map: &mut FxHashMap<u64, u32>,
    id: u64,
) -> Result<(), DecodeError> {
    if id < u64::from(BIG) {
        locs.push(id as u32);
        return Ok(());
    }
    let k = *big_map.entry(id).or_insert_with(|| {
        big_ids.push(id);
        (big_ids.len() - 1) as u32
    });
    if k >= BIG {
        return Err(Invalid::TooManyLocationIds.into());
    }
    locs.push(BIG + k);
    Ok(())
}

fn parse_value_type(s: &mut Slice) -> Result<ValueType, DecodeError> {
    let mut vt = ValueType::default();
    while !s.done() {
        let key = s.varint()?;
        match (key >> 3, key & 7) {
            (1, 0) => vt.r#type = str_idx(s.varint()?, "sample type")?,
            (2, 0) => vt.unit = str_idx(s.varint()?, "sample unit")?,
            (_, w) => s.skip(w)?,
        }
    }
    Ok(vt)
}

fn parse_sample(
    s: &mut Slice,
    raw: &mut RawProfile,
    values: &mut Vec<i64>,
    lean_labels: &mut Vec<Label>,
) -> Result<(), DecodeError> {
    values.clear();
    lean_labels.clear();
    let start = raw.locs.len();
    let labels: &mut Vec<Label> = if raw.lean.is_some() {
        &mut *lean_labels
    } else {
        &mut raw.p.samples.labels
    };
    while !s.done() {
        let key = s.varint()?;
        match (key >> 3, key & 7) {
            (1, 0) => {
                let id = s.varint()?;
                push_loc(&mut raw.locs, &mut raw.big_ids, &mut raw.big_map, id)?;
            }
            (1, 2) => {
                // Packed, as every writer does: a tight loop, with ids of
                // 2^31 and up (interned) out of line.
                let mut ids = Slice {
                    b: s.len_delimited()?,
                    i: 0,
                };
                raw.locs.reserve(ids.b.len());
                while !ids.done() {
                    let id = ids.varint()?;
                    if id < u64::from(BIG) {
                        raw.locs.push(id as u32);
                    } else {
                        push_loc(&mut raw.locs, &mut raw.big_ids, &mut raw.big_map, id)?;
                    }
                }
            }
            (2, w @ (0 | 2)) => s.repeated(w, |v| {
                values.push(v as i64);
                Ok(())
            })?,
            (3, 2) => {
                let mut ls = Slice {
                    b: s.len_delimited()?,
                    i: 0,
                };
                let mut l = Label::default();
                while !ls.done() {
                    let k = ls.varint()?;
                    match (k >> 3, k & 7) {
                        (1, 0) => l.key = str_idx(ls.varint()?, "label key")?,
                        (2, 0) => l.str = str_idx(ls.varint()?, "label value")?,
                        (3, 0) => l.num = ls.varint()? as i64,
                        (4, 0) => l.num_unit = str_idx(ls.varint()?, "label unit")?,
                        (_, w) => ls.skip(w)?,
                    }
                }
                // pprof keeps a label only if it has a string value, a
                // number or a unit.
                if l.str.0 != 0 || l.num != 0 || l.num_unit.0 != 0 {
                    labels.push(l);
                }
            }
            (_, w) => s.skip(w)?,
        }
    }
    if let Some(lean) = &mut raw.lean {
        // A lean decode gives up on a value count that differs (the full
        // decode that follows reports it).
        if lean.read == 0 {
            raw.p.samples.stride = values.len();
        } else if values.len() != raw.p.samples.stride {
            return Err(Invalid::TooManyFrames.into());
        }
        if raw.locs.len() > u32::MAX as usize {
            return Err(Invalid::TooManyFrames.into());
        }
        lean.add(&mut raw.p, &mut raw.locs, start, values, lean_labels);
        return Ok(());
    }
    let n = raw.p.samples.loc_ends.len();
    let samples = &mut raw.p.samples;
    if samples.loc_ends.is_empty() {
        samples.stride = values.len();
    } else if values.len() != samples.stride && raw.bad_value_count.is_none() {
        raw.value_counts_ok = false;
        raw.bad_value_count = Some((n, values.len()));
    }
    if raw.locs.len() > u32::MAX as usize || samples.labels.len() > u32::MAX as usize {
        return Err(Invalid::TooManyFrames.into());
    }
    samples.loc_ends.push(raw.locs.len() as u32);
    samples.label_ends.push(samples.labels.len() as u32);
    if raw.value_counts_ok {
        samples.values.extend_from_slice(values);
    }
    Ok(())
}

fn parse_mapping(s: &mut Slice) -> Result<Mapping, DecodeError> {
    let mut m = Mapping::default();
    while !s.done() {
        let key = s.varint()?;
        match (key >> 3, key & 7) {
            (1, 0) => m.id = s.varint()?,
            (2, 0) => m.memory_start = s.varint()?,
            (3, 0) => m.memory_limit = s.varint()?,
            (4, 0) => m.file_offset = s.varint()?,
            (5, 0) => m.filename = str_idx(s.varint()?, "mapping filename")?,
            (6, 0) => m.build_id = str_idx(s.varint()?, "mapping build_id")?,
            (7, 0) => m.has_functions = s.varint()? != 0,
            (8, 0) => m.has_filenames = s.varint()? != 0,
            (9, 0) => m.has_line_numbers = s.varint()? != 0,
            (10, 0) => m.has_inline_frames = s.varint()? != 0,
            (_, w) => s.skip(w)?,
        }
    }
    Ok(m)
}

fn parse_location(s: &mut Slice, raw: &mut RawProfile) -> Result<(), DecodeError> {
    let mut loc = Location {
        lines_start: raw.p.lines.len() as u32,
        ..Default::default()
    };
    let mut mapping_id = 0;
    while !s.done() {
        let key = s.varint()?;
        match (key >> 3, key & 7) {
            (1, 0) => loc.id = s.varint()?,
            (2, 0) => mapping_id = s.varint()?,
            (3, 0) => loc.address = s.varint()?,
            (4, 2) => {
                let mut ls = Slice {
                    b: s.len_delimited()?,
                    i: 0,
                };
                let mut line = Line::default();
                let mut fid = 0;
                while !ls.done() {
                    let k = ls.varint()?;
                    match (k >> 3, k & 7) {
                        (1, 0) => fid = ls.varint()?,
                        (2, 0) => line.line = ls.varint()? as i64,
                        (3, 0) => line.column = ls.varint()? as i64,
                        (_, w) => ls.skip(w)?,
                    }
                }
                raw.p.lines.push(line);
                raw.line_function_ids.push(fid);
            }
            (5, 0) => loc.is_folded = s.varint()? != 0,
            (_, w) => s.skip(w)?,
        }
    }
    if raw.p.lines.len() > u32::MAX as usize {
        return Err(Invalid::TooManyLines.into());
    }
    loc.lines_end = raw.p.lines.len() as u32;
    raw.p.locations.push(loc);
    raw.loc_mapping_ids.push(mapping_id);
    Ok(())
}

fn parse_function(s: &mut Slice) -> Result<Function, DecodeError> {
    let mut f = Function::default();
    while !s.done() {
        let key = s.varint()?;
        match (key >> 3, key & 7) {
            (1, 0) => f.id = s.varint()?,
            (2, 0) => f.name = str_idx(s.varint()?, "function name")?,
            (3, 0) => f.system_name = str_idx(s.varint()?, "function system_name")?,
            (4, 0) => f.filename = str_idx(s.varint()?, "function filename")?,
            (5, 0) => f.start_line = s.varint()? as i64,
            (_, w) => s.skip(w)?,
        }
    }
    Ok(f)
}

/// A string-table index as written: non-negative and below 2^32 (a larger
/// one cannot be in range of any table under the size cap).
fn str_idx(v: u64, field: &'static str) -> Result<StrIdx, DecodeError> {
    let v = v as i64;
    if !(0..=u32::MAX as i64).contains(&v) {
        return Err(Invalid::StringIndexOverflow { field, index: v }.into());
    }
    Ok(StrIdx(v as u32))
}

#[inline]
fn want_wire(field: u64, wire: u64, expected: u64) -> Result<(), DecodeError> {
    if wire != expected {
        return Err(Malformed::WireType {
            field,
            wire,
            expected,
        }
        .into());
    }
    Ok(())
}
