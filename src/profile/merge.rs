//! Merging several profiles into one, the way pprof does it.
//!
//! 1. Keep only the sample types every profile has (by type name), in the
//!    first profile's order (pprof's `CompatibilizeSampleTypes`).
//! 2. Require equal period types and equal sample types (name and unit).
//! 3. Combine headers: the largest period, summed durations, pprof's
//!    "earliest" time rule, de-duplicated comments, the first
//!    default_sample_type / doc_url / drop_frames / keep_frames.
//! 4. Deduplicate mappings (size rounded to 4 KiB, offset, build ID or
//!    file), functions (name, system name, file, start line) and locations
//!    (address relative to the mapping start, mapping, lines), and sum
//!    samples with the same locations and labels. Samples whose values are
//!    all zero are dropped.
//!
//! The first mapping of the first profile stays first: it names the main
//! binary in report headers.

use super::{
    Builder, FuncIdx, Function, Label, Line, LocIdx, Location, MapIdx, Mapping, Profile, StrIdx,
    ValueType,
};
use rustc_hash::FxHashMap;

/// Why profiles could not be merged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeError(pub String);

impl std::fmt::Display for MergeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for MergeError {}

/// How a base profile is subtracted (pprof's `-base` / `-diff_base`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BaseMode {
    /// `-base`: base samples cancel source samples with the same stack and
    /// labels; the percentages are of the merged total.
    Subtract,
    /// `-diff_base`: base samples stay separate (labelled
    /// `pprof::base=true`) and the percentages are of the base total.
    Diff,
}

/// Combines a (merged) source profile with a (merged) base profile as
/// pprof's fetch does: mark the base for `-diff_base`, negate it, merge.
pub fn subtract_base(p: Profile, mut base: Profile, mode: BaseMode) -> Result<Profile, MergeError> {
    if mode == BaseMode::Diff {
        base.set_label("pprof::base", "true");
    }
    base.negate();
    let mut ps = vec![p, base];
    compatibilize_sample_types(&mut ps)?;
    compatible(&ps[0], &ps[1])?;
    let mut m = Merger::new(&ps);
    for q in &ps {
        m.add(q);
    }
    Ok(m.finish())
}

/// Merges `profiles` (at least one). A single profile is returned as it is.
pub fn merge(mut profiles: Vec<Profile>) -> Result<Profile, MergeError> {
    if profiles.is_empty() {
        return Err(MergeError("no profiles to merge".into()));
    }
    if profiles.len() == 1 {
        return Ok(profiles.pop().expect("one profile"));
    }
    compatibilize_sample_types(&mut profiles)?;
    for q in &profiles[1..] {
        compatible(&profiles[0], q)?;
    }
    let mut m = Merger::new(&profiles);
    for q in &profiles {
        m.add(q);
    }
    Ok(m.finish())
}

fn vt_str(p: &Profile, vt: ValueType) -> String {
    format!("{}/{}", p.str(vt.r#type), p.str(vt.unit))
}

fn types_str(p: &Profile) -> String {
    let v: Vec<String> = p.sample_types.iter().map(|&t| vt_str(p, t)).collect();
    format!("[{}]", v.join(" "))
}

fn compatible(a: &Profile, b: &Profile) -> Result<(), MergeError> {
    let eq = |x: ValueType, y: ValueType| {
        a.str(x.r#type) == b.str(y.r#type) && a.str(x.unit) == b.str(y.unit)
    };
    if !eq(a.period_type, b.period_type) {
        return Err(MergeError(format!(
            "incompatible period types {} and {}",
            vt_str(a, a.period_type),
            vt_str(b, b.period_type)
        )));
    }
    if a.sample_types.len() != b.sample_types.len()
        || a.sample_types
            .iter()
            .zip(&b.sample_types)
            .any(|(&x, &y)| !eq(x, y))
    {
        return Err(MergeError(format!(
            "incompatible sample types {} and {}",
            types_str(a),
            types_str(b)
        )));
    }
    Ok(())
}

/// Keeps only the sample types present (by name) in every profile, in the
/// first profile's order.
pub fn compatibilize_sample_types(ps: &mut [Profile]) -> Result<(), MergeError> {
    let first: Vec<String> = (0..ps[0].sample_types.len())
        .map(|i| ps[0].sample_type_name(i).to_string())
        .collect();
    let common: Vec<String> = first
        .into_iter()
        .filter(|t| {
            ps.iter()
                .all(|p| (0..p.sample_types.len()).any(|i| p.sample_type_name(i) == t))
        })
        .collect();
    if common.is_empty() {
        return Err(MergeError(
            "profiles have empty common sample type list".into(),
        ));
    }
    for p in ps.iter_mut() {
        let cols: Vec<usize> = common
            .iter()
            .map(|t| {
                (0..p.sample_types.len())
                    .find(|&i| p.sample_type_name(i) == t)
                    .expect("common type present")
            })
            .collect();
        if cols.len() == p.sample_types.len() && cols.iter().enumerate().all(|(i, &c)| i == c) {
            continue;
        }
        let old_stride = p.samples.stride;
        let n = p.samples.len();
        let mut values = Vec::with_capacity(n * cols.len());
        for s in 0..n {
            for &c in &cols {
                values.push(p.samples.values[s * old_stride + c]);
            }
        }
        p.samples.values = values;
        p.samples.stride = cols.len();
        p.sample_types = cols.iter().map(|&c| p.sample_types[c]).collect();
    }
    Ok(())
}

/// Identity of a location across profiles: mapping, address relative to
/// the mapping start, folded flag, and (function, line, column) per frame.
type LocationKey = (Option<MapIdx>, u64, bool, Vec<(FuncIdx, i64, i64)>);

struct Merger {
    out: Builder,
    mappings: FxHashMap<(u64, u64, String), MapIdx>,
    functions: FxHashMap<(i64, StrIdx, StrIdx, StrIdx), FuncIdx>,
    locations: FxHashMap<LocationKey, LocIdx>,
    samples: FxHashMap<Vec<u8>, usize>,
    seen_comments: FxHashMap<String, ()>,
}

impl Merger {
    fn new(ps: &[Profile]) -> Merger {
        let mut out = Builder::new();
        let first = &ps[0];
        let mut m = Merger {
            out: Builder::new(),
            mappings: FxHashMap::default(),
            functions: FxHashMap::default(),
            locations: FxHashMap::default(),
            samples: FxHashMap::default(),
            seen_comments: FxHashMap::default(),
        };
        // Header.
        let s = |p: &Profile, i: StrIdx, out: &mut Builder| out.intern(p.str(i));
        for &vt in &first.sample_types {
            let t = s(first, vt.r#type, &mut out);
            let u = s(first, vt.unit, &mut out);
            out.sample_types.push(ValueType { r#type: t, unit: u });
        }
        out.samples.stride = out.sample_types.len();
        out.period_type = ValueType {
            r#type: s(first, first.period_type.r#type, &mut out),
            unit: s(first, first.period_type.unit, &mut out),
        };
        out.drop_frames = s(first, first.drop_frames, &mut out);
        out.keep_frames = s(first, first.keep_frames, &mut out);
        let (mut time, mut dur, mut period) = (0i64, 0i64, 0i64);
        let mut dst = String::new();
        let mut doc = String::new();
        for p in ps {
            if time == 0 || p.time_nanos < time {
                time = p.time_nanos;
            }
            dur = dur.wrapping_add(p.duration_nanos);
            if period == 0 || period < p.period {
                period = p.period;
            }
            for &c in &p.comments {
                let c = p.str(c).to_string();
                if m.seen_comments.insert(c.clone(), ()).is_none() {
                    let i = out.intern(&c);
                    out.comments.push(i);
                }
            }
            if dst.is_empty() {
                dst = p.str(p.default_sample_type).to_string();
            }
            if doc.is_empty() {
                doc = p.str(p.doc_url).to_string();
            }
        }
        out.time_nanos = time;
        out.duration_nanos = dur;
        out.period = period;
        out.default_sample_type = out.intern(&dst);
        out.doc_url = out.intern(&doc);
        m.out = out;
        m
    }

    fn string(&mut self, p: &Profile, i: StrIdx) -> StrIdx {
        self.out.intern(p.str(i))
    }

    /// Returns the merged mapping and the address offset to apply.
    fn mapping(&mut self, p: &Profile, mi: MapIdx) -> (MapIdx, i64) {
        let src = p.mapping(mi);
        let size = src.memory_limit.wrapping_sub(src.memory_start);
        let size = size.wrapping_add(0xfff) / 0x1000 * 0x1000;
        let ident = if !p.str(src.build_id).is_empty() {
            p.str(src.build_id).to_string()
        } else {
            p.str(src.filename).to_string()
        };
        let key = (size, src.file_offset, ident);
        if let Some(&m) = self.mappings.get(&key) {
            let off = self.out.mapping(m).memory_start as i64 - src.memory_start as i64;
            return (m, off);
        }
        let m = Mapping {
            id: self.out.mappings.len() as u64 + 1,
            memory_start: src.memory_start,
            memory_limit: src.memory_limit,
            file_offset: src.file_offset,
            filename: self.string(p, src.filename),
            build_id: self.string(p, src.build_id),
            has_functions: src.has_functions,
            has_filenames: src.has_filenames,
            has_line_numbers: src.has_line_numbers,
            has_inline_frames: src.has_inline_frames,
        };
        let idx = MapIdx(self.out.mappings.len() as u32);
        self.out.mappings.push(m);
        self.mappings.insert(key, idx);
        (idx, 0)
    }

    fn function(&mut self, p: &Profile, fi: FuncIdx) -> FuncIdx {
        let f = p.function(fi);
        let key = (
            f.start_line,
            self.string(p, f.name),
            self.string(p, f.system_name),
            self.string(p, f.filename),
        );
        if let Some(&i) = self.functions.get(&key) {
            return i;
        }
        let idx = FuncIdx(self.out.functions.len() as u32);
        self.out.functions.push(Function {
            id: u64::from(idx.0) + 1,
            name: key.1,
            system_name: key.2,
            filename: key.3,
            start_line: f.start_line,
        });
        self.functions.insert(key, idx);
        idx
    }

    fn location(&mut self, p: &Profile, li: LocIdx, memo: &mut [u32]) -> LocIdx {
        if memo[li.0 as usize] != u32::MAX {
            return LocIdx(memo[li.0 as usize]);
        }
        let src = p.location(li);
        let (mapping, address) = match src.mapping {
            Some(mi) => {
                let (m, off) = self.mapping(p, mi);
                (Some(m), (src.address as i64).wrapping_add(off) as u64)
            }
            None => (None, src.address),
        };
        let lines: Vec<(FuncIdx, i64, i64)> = p
            .lines_of(src)
            .iter()
            .map(|l| (self.function(p, l.function), l.line, l.column))
            .collect();
        let rel = match mapping {
            Some(m) => address.wrapping_sub(self.out.mapping(m).memory_start),
            None => address,
        };
        let key = (mapping, rel, src.is_folded, lines);
        if let Some(&i) = self.locations.get(&key) {
            memo[li.0 as usize] = i.0;
            return i;
        }
        let start = self.out.lines.len() as u32;
        for &(f, line, column) in &key.3 {
            self.out.lines.push(Line {
                function: f,
                line,
                column,
            });
        }
        let idx = LocIdx(self.out.locations.len() as u32);
        let end = self.out.lines.len() as u32;
        self.out.locations.push(Location {
            id: u64::from(idx.0) + 1,
            mapping,
            address,
            lines_start: start,
            lines_end: end,
            is_folded: src.is_folded,
        });
        self.locations.insert(key, idx);
        memo[li.0 as usize] = idx.0;
        idx
    }

    fn add(&mut self, p: &Profile) {
        if self.out.mappings.is_empty() && !p.mappings.is_empty() {
            self.mapping(p, MapIdx(0));
        }
        let mut memo = vec![u32::MAX; p.locations.len()];
        let mut locs: Vec<LocIdx> = Vec::new();
        let mut labels: Vec<Label> = Vec::new();
        let mut key: Vec<u8> = Vec::new();
        for s in p.samples.iter() {
            if s.values.iter().all(|&v| v == 0) {
                continue;
            }
            locs.clear();
            for &l in s.locs {
                let m = self.location(p, l, &mut memo);
                locs.push(m);
            }
            labels.clear();
            for l in s.labels {
                labels.push(Label {
                    key: self.string(p, l.key),
                    str: self.string(p, l.str),
                    num: l.num,
                    num_unit: self.string(p, l.num_unit),
                });
            }
            key.clear();
            for l in &locs {
                key.extend_from_slice(&l.0.to_le_bytes());
            }
            key.push(0xff);
            // Labels as a sorted multiset: (key string, then string labels
            // before numeric ones, each in order of appearance).
            let mut sorted: Vec<(usize, &Label)> = labels.iter().enumerate().collect();
            let out = &self.out;
            sorted.sort_by(|a, b| {
                out.str(a.1.key)
                    .cmp(out.str(b.1.key))
                    .then((a.1.str.0 == 0).cmp(&(b.1.str.0 == 0)))
                    .then(a.0.cmp(&b.0))
            });
            for (_, l) in sorted {
                key.extend_from_slice(&l.key.0.to_le_bytes());
                key.extend_from_slice(&l.str.0.to_le_bytes());
                key.extend_from_slice(&l.num.to_le_bytes());
                key.extend_from_slice(&l.num_unit.0.to_le_bytes());
            }
            let stride = self.out.samples.stride;
            if let Some(&i) = self.samples.get(&key) {
                for (j, &v) in s.values.iter().enumerate() {
                    let x = &mut self.out.samples.values[i * stride + j];
                    *x = x.wrapping_add(v);
                }
            } else {
                let i = self.out.samples.len();
                self.out.samples.push(&locs, s.values, &labels);
                self.samples.insert(key.clone(), i);
            }
        }
    }

    fn finish(self) -> Profile {
        let stride = self.out.samples.stride;
        let s = &self.out.samples;
        let has_zero = (0..s.len()).any(|i| {
            s.values[i * stride..(i + 1) * stride]
                .iter()
                .all(|&v| v == 0)
        });
        if has_zero {
            // As pprof: merge the result once more, which leaves out the
            // zero samples and the locations, functions and mappings only
            // they used (ids renumbered in order of use).
            let ps = [self.out.finish()];
            let mut m = Merger::new(&ps);
            m.add(&ps[0]);
            return m.finish();
        }
        self.out.finish()
    }
}
