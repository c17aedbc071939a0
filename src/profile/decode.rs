//! Bytes -> [`Profile`]: gzip sniffing, a size cap, a streaming profile.proto
//! decoder and validation.
//!
//! The decoder is hand-written rather than prost-generated because profiles
//! are big: prost would allocate three vectors per sample, while this reads
//! the top-level fields one at a time from a buffered (possibly gzip) stream
//! and appends each sample straight into the flat arrays of [`Samples`]. The
//! decompressed bytes are never held in memory as a whole.
//!
//! Validation follows pprof's `CheckValid` and happens once, here: every
//! string index, every id reference (sample -> location, location ->
//! mapping, line -> function), unique non-zero ids, one value per sample
//! type. After `decode` returns, every index in the profile is in range.
//!
//! Untrusted lengths never size an allocation before the bytes exist:
//! length-delimited fields are read in bounded chunks, and the total number
//! of decompressed bytes is capped.

use super::{
    DecodeError, FuncIdx, Function, Label, Line, LocIdx, Location, MapIdx, Mapping, Profile,
    StrIdx, ValueType,
};
use flate2::bufread::MultiGzDecoder;
use rustc_hash::FxHashMap;
use std::io::{BufRead, BufReader, Read};

/// The default cap on decompressed input: 2 GiB.
pub const DEFAULT_MAX_INPUT_SIZE: u64 = 2 << 30;

#[derive(Clone, Copy, Debug)]
pub struct DecodeOptions {
    /// Refuse inputs whose (decompressed) size exceeds this many bytes.
    pub max_input_size: u64,
    /// Inflate gzip on a second thread, pipelined with parsing. Worth it
    /// for big inputs only; `decode_bytes` turns it off for small ones.
    pub parallel: bool,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        DecodeOptions {
            max_input_size: DEFAULT_MAX_INPUT_SIZE,
            parallel: true,
        }
    }
}

/// What the first bytes of the (decompressed) input look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniff {
    Proto,
    Text,
}

/// Decodes a profile from a reader: gzip when it starts with 1f 8b,
/// otherwise raw bytes. Text input is handed to `text_fallback`, which
/// receives the whole (decompressed) text and returns a profile or an error;
/// the legacy parsers plug in there.
pub fn decode_reader<R: Read + Send>(
    r: R,
    opts: DecodeOptions,
    text_fallback: &dyn Fn(&[u8]) -> Result<Profile, DecodeError>,
) -> Result<Profile, DecodeError> {
    let mut br = BufReader::with_capacity(256 * 1024, r);
    let head = br.fill_buf().map_err(DecodeError::Io)?;
    if head.is_empty() {
        return Err(DecodeError::Empty);
    }
    if head.len() >= 2 && head[0] == 0x1f && head[1] == 0x8b && !opts.parallel {
        let gz = BufReader::with_capacity(256 * 1024, MultiGzDecoder::new(br));
        decode_stream(gz, opts, true, text_fallback)
    } else if head.len() >= 2 && head[0] == 0x1f && head[1] == 0x8b {
        // Inflate on a second thread, pipelined with parsing: the two
        // costs overlap instead of adding up.
        let (tx, rx) = std::sync::mpsc::sync_channel::<std::io::Result<Vec<u8>>>(4);
        std::thread::scope(|scope| {
            scope.spawn(move || {
                let mut gz = MultiGzDecoder::new(br);
                loop {
                    let mut chunk = vec![0u8; CHUNK];
                    let mut filled = 0;
                    let res = loop {
                        match gz.read(&mut chunk[filled..]) {
                            Ok(0) => break Ok(true),
                            Ok(n) => {
                                filled += n;
                                if filled == chunk.len() {
                                    break Ok(false);
                                }
                            }
                            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                            Err(e) => break Err(e),
                        }
                    };
                    chunk.truncate(filled);
                    match res {
                        Ok(eof) => {
                            if !chunk.is_empty() && tx.send(Ok(chunk)).is_err() {
                                return;
                            }
                            if eof {
                                return;
                            }
                        }
                        Err(e) => {
                            let _ = tx.send(Err(e));
                            return;
                        }
                    }
                }
            });
            let reader = ChunkReader {
                rx,
                cur: Vec::new(),
                pos: 0,
                done: false,
            };
            decode_stream(reader, opts, true, text_fallback)
        })
    } else {
        decode_stream(br, opts, false, text_fallback)
    }
}

const CHUNK: usize = 1 << 20;

/// A `BufRead` over chunks of inflated bytes arriving from the inflating
/// thread. Dropping it stops that thread.
struct ChunkReader {
    rx: std::sync::mpsc::Receiver<std::io::Result<Vec<u8>>>,
    cur: Vec<u8>,
    pos: usize,
    done: bool,
}

impl Read for ChunkReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let avail = self.fill_buf()?;
        let n = avail.len().min(buf.len());
        buf[..n].copy_from_slice(&avail[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for ChunkReader {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        while self.pos >= self.cur.len() && !self.done {
            match self.rx.recv() {
                Ok(Ok(chunk)) => {
                    self.cur = chunk;
                    self.pos = 0;
                }
                Ok(Err(e)) => {
                    self.done = true;
                    return Err(e);
                }
                Err(_) => self.done = true,
            }
        }
        Ok(&self.cur[self.pos.min(self.cur.len())..])
    }

    fn consume(&mut self, amt: usize) {
        self.pos += amt;
    }
}

/// Decodes a profile held in memory.
pub fn decode_bytes(
    bytes: &[u8],
    opts: DecodeOptions,
    text_fallback: &dyn Fn(&[u8]) -> Result<Profile, DecodeError>,
) -> Result<Profile, DecodeError> {
    let opts = DecodeOptions {
        parallel: opts.parallel && bytes.len() >= 1 << 20,
        ..opts
    };
    decode_reader(bytes, opts, text_fallback)
}

/// A text fallback that recognizes nothing.
pub fn no_text_formats(_: &[u8]) -> Result<Profile, DecodeError> {
    Err(DecodeError::NotAProfile(
        "the input is text, and not in a recognized profile format".into(),
    ))
}

fn decode_stream<R: BufRead>(
    r: R,
    opts: DecodeOptions,
    gzipped: bool,
    text_fallback: &dyn Fn(&[u8]) -> Result<Profile, DecodeError>,
) -> Result<Profile, DecodeError> {
    let mut input = Input {
        r,
        pos: 0,
        limit: opts.max_input_size,
        gzipped,
    };
    let head = input.peek()?;
    if head.is_empty() {
        return Err(DecodeError::Empty);
    }
    if head.starts_with(b"\x7fELF") {
        return Err(DecodeError::NotAProfile(
            "this is an ELF file (an executable or a library), not a profile".into(),
        ));
    }
    if sniff(head) == Sniff::Text {
        let mut all = Vec::new();
        input.read_to_end(&mut all)?;
        return match text_fallback(&all) {
            // pprof tries profile.proto before the text formats; text that
            // no format claims still gets that chance (a message whose
            // first bytes happen to be printable), and keeps the text
            // error otherwise.
            Err(DecodeError::NotAProfile(m)) => {
                let mut again = Input {
                    r: &all[..],
                    pos: 0,
                    limit: opts.max_input_size,
                    gzipped,
                };
                parse_top(&mut again)
                    .and_then(RawProfile::finish)
                    .map_err(|_| DecodeError::NotAProfile(m))
            }
            r => r,
        };
    }
    let raw = parse_top(&mut input)?;
    raw.finish()
}

/// Text if the first bytes hold no control bytes but whitespace: printable
/// ASCII, and bytes of 0x80 and up (UTF-8 function names, Latin-1 paths),
/// which pprof's text parsers take as they are. A profile.proto message
/// begins with a field key and a length, which are control bytes for any
/// realistic profile (and [`decode_stream`] still tries profile.proto when
/// no text format claims the input).
pub fn sniff(head: &[u8]) -> Sniff {
    let n = head.len().min(256);
    let text = head[..n]
        .iter()
        .all(|&b| b == b'\n' || b == b'\r' || b == b'\t' || (0x20..0x7f).contains(&b) || b >= 0x80);
    if text { Sniff::Text } else { Sniff::Proto }
}

// ---------------------------------------------------------------------------
// Streaming input

struct Input<R> {
    r: R,
    pos: u64,
    limit: u64,
    gzipped: bool,
}

impl<R: BufRead> Input<R> {
    fn io_err(&self, e: std::io::Error) -> DecodeError {
        Self::io_err_static(self.gzipped, e)
    }

    fn peek(&mut self) -> Result<&[u8], DecodeError> {
        let gz = self.gzipped;
        match self.r.fill_buf() {
            Ok(b) => Ok(b),
            Err(e) => Err(Self::io_err_static(gz, e)),
        }
    }

    fn io_err_static(gzipped: bool, e: std::io::Error) -> DecodeError {
        if gzipped {
            if e.kind() == std::io::ErrorKind::UnexpectedEof {
                DecodeError::Gzip("the gzip stream is truncated".into())
            } else {
                DecodeError::Gzip(e.to_string())
            }
        } else {
            DecodeError::Io(e)
        }
    }

    fn advance(&mut self, n: usize) -> Result<(), DecodeError> {
        self.r.consume(n);
        self.pos += n as u64;
        if self.pos > self.limit {
            return Err(DecodeError::TooLarge { limit: self.limit });
        }
        Ok(())
    }

    fn read_to_end(&mut self, out: &mut Vec<u8>) -> Result<(), DecodeError> {
        loop {
            let buf = match self.r.fill_buf() {
                Ok(b) => b,
                Err(e) => return Err(self.io_err(e)),
            };
            if buf.is_empty() {
                return Ok(());
            }
            let n = buf.len();
            out.extend_from_slice(buf);
            self.advance(n)?;
        }
    }

    /// Reads a varint; `Ok(None)` at a clean end of input.
    fn varint_or_eof(&mut self) -> Result<Option<u64>, DecodeError> {
        let buf = match self.r.fill_buf() {
            Ok(b) => b,
            Err(e) => return Err(self.io_err(e)),
        };
        if buf.is_empty() {
            return Ok(None);
        }
        if buf.len() >= 10 {
            let mut s = Slice { b: buf, i: 0 };
            let v = s.varint()?;
            let n = s.i;
            self.advance(n)?;
            return Ok(Some(v));
        }
        // Slow path near a buffer boundary.
        let mut v: u64 = 0;
        for shift in (0..70).step_by(7) {
            let b = match self.r.fill_buf() {
                Ok(b) => b,
                Err(e) => return Err(self.io_err(e)),
            };
            let Some(&byte) = b.first() else {
                return Err(DecodeError::Malformed(
                    "truncated varint at end of input".into(),
                ));
            };
            self.advance(1)?;
            if shift == 63 && byte > 1 {
                return Err(DecodeError::Malformed("varint overflows 64 bits".into()));
            }
            v |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return Ok(Some(v));
            }
        }
        Err(DecodeError::Malformed("varint longer than 10 bytes".into()))
    }

    fn varint(&mut self) -> Result<u64, DecodeError> {
        self.varint_or_eof()?
            .ok_or_else(|| DecodeError::Malformed("truncated field at end of input".into()))
    }

    /// Reads exactly `len` bytes into `out` (cleared first), growing it only
    /// as bytes actually arrive.
    fn bytes(&mut self, len: u64, out: &mut Vec<u8>) -> Result<(), DecodeError> {
        out.clear();
        let mut need = len;
        while need > 0 {
            let buf = match self.r.fill_buf() {
                Ok(b) => b,
                Err(e) => return Err(self.io_err(e)),
            };
            if buf.is_empty() {
                return Err(DecodeError::Malformed(format!(
                    "truncated: a field declares {len} bytes but the input ends after {}",
                    len - need
                )));
            }
            let n = (buf.len() as u64).min(need) as usize;
            out.extend_from_slice(&buf[..n]);
            self.advance(n)?;
            need -= n as u64;
        }
        Ok(())
    }

    fn skip(&mut self, len: u64) -> Result<(), DecodeError> {
        let mut need = len;
        while need > 0 {
            let buf = match self.r.fill_buf() {
                Ok(b) => b,
                Err(e) => return Err(self.io_err(e)),
            };
            if buf.is_empty() {
                return Err(DecodeError::Malformed(
                    "truncated: a field runs past the end of input".into(),
                ));
            }
            let n = (buf.len() as u64).min(need) as usize;
            self.advance(n)?;
            need -= n as u64;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// In-memory cursor for sub-messages

struct Slice<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Slice<'a> {
    #[inline]
    fn done(&self) -> bool {
        self.i >= self.b.len()
    }

    #[inline]
    fn varint(&mut self) -> Result<u64, DecodeError> {
        let b = self.b;
        let mut v: u64 = 0;
        let mut shift = 0u32;
        loop {
            let Some(&byte) = b.get(self.i) else {
                return Err(DecodeError::Malformed("truncated varint".into()));
            };
            self.i += 1;
            if shift == 63 && byte > 1 {
                return Err(DecodeError::Malformed("varint overflows 64 bits".into()));
            }
            v |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return Ok(v);
            }
            shift += 7;
            if shift > 63 {
                return Err(DecodeError::Malformed("varint longer than 10 bytes".into()));
            }
        }
    }

    #[inline]
    fn len_delimited(&mut self) -> Result<&'a [u8], DecodeError> {
        let len = self.varint()?;
        let rest = (self.b.len() - self.i) as u64;
        if len > rest {
            return Err(DecodeError::Malformed(format!(
                "truncated: a field declares {len} bytes but only {rest} remain in its message"
            )));
        }
        let s = &self.b[self.i..self.i + len as usize];
        self.i += len as usize;
        Ok(s)
    }

    fn skip(&mut self, wire: u64) -> Result<(), DecodeError> {
        match wire {
            0 => {
                self.varint()?;
            }
            1 => self.fixed(8)?,
            2 => {
                self.len_delimited()?;
            }
            5 => self.fixed(4)?,
            w => return Err(DecodeError::Malformed(format!("unsupported wire type {w}"))),
        }
        Ok(())
    }

    fn fixed(&mut self, n: usize) -> Result<(), DecodeError> {
        if self.b.len() - self.i < n {
            return Err(DecodeError::Malformed("truncated fixed-width field".into()));
        }
        self.i += n;
        Ok(())
    }

    /// Reads a repeated varint field, packed (wire type 2) or not (0).
    #[inline]
    fn repeated(
        &mut self,
        wire: u64,
        mut f: impl FnMut(u64) -> Result<(), DecodeError>,
    ) -> Result<(), DecodeError> {
        match wire {
            0 => f(self.varint()?),
            2 => {
                let mut inner = Slice {
                    b: self.len_delimited()?,
                    i: 0,
                };
                while !inner.done() {
                    f(inner.varint()?)?;
                }
                Ok(())
            }
            w => Err(DecodeError::Malformed(format!(
                "wire type {w} for a repeated integer field"
            ))),
        }
    }
}

/// A string-table index as written: non-negative and below 2^32 (a larger
/// one cannot be in range of any table under the size cap).
fn str_idx(v: u64, what: &str) -> Result<StrIdx, DecodeError> {
    let v = v as i64;
    if !(0..=u32::MAX as i64).contains(&v) {
        return Err(DecodeError::Invalid(format!(
            "{what}: string index {v} is out of range"
        )));
    }
    Ok(StrIdx(v as u32))
}

fn want_wire(field: &str, wire: u64, expect: u64) -> Result<(), DecodeError> {
    if wire != expect {
        return Err(DecodeError::Malformed(format!(
            "field {field} has wire type {wire}, expected {expect}"
        )));
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// The raw profile: ids not yet resolved

/// Location ids below this are stored as-is in the sample arrays; larger ids
/// are interned through `big_ids` and stored as `BIG + k`.
const BIG: u32 = 1 << 31;

#[derive(Default)]
struct RawProfile {
    p: Profile,
    /// Sample location ids, encoded (see `BIG`).
    locs: Vec<u32>,
    big_ids: Vec<u64>,
    big_map: FxHashMap<u64, u32>,
    /// Per sample: number of values (checked against the types at the end).
    value_counts_ok: bool,
    bad_value_count: Option<(usize, usize)>,
    /// Mapping id of each location (0 = none), resolved at the end.
    loc_mapping_ids: Vec<u64>,
    /// Function id of each line, resolved at the end.
    line_function_ids: Vec<u64>,
    seen_time: bool,
}

fn parse_top<R: BufRead>(input: &mut Input<R>) -> Result<RawProfile, DecodeError> {
    let mut raw = RawProfile {
        value_counts_ok: true,
        ..Default::default()
    };
    let mut buf = Vec::with_capacity(4096);
    let mut value_scratch: Vec<i64> = Vec::with_capacity(8);
    while let Some(key) = input.varint_or_eof()? {
        let field = key >> 3;
        let wire = key & 7;
        match field {
            1 | 2 | 3 | 4 | 5 | 6 | 11 => {
                want_wire(&format!("{field}"), wire, 2)?;
                let len = input.varint()?;
                input.bytes(len, &mut buf)?;
                let mut s = Slice { b: &buf, i: 0 };
                match field {
                    1 => {
                        let vt = parse_value_type(&mut s)?;
                        raw.p.sample_types.push(vt);
                    }
                    2 => parse_sample(&mut s, &mut raw, &mut value_scratch)?,
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
                        .push(String::from_utf8_lossy(&buf).into_owned().into_boxed_str()),
                    11 => raw.p.period_type = parse_value_type(&mut s)?,
                    _ => unreachable!(),
                }
            }
            7 | 8 | 9 | 10 | 12 | 14 | 15 => {
                want_wire(&format!("{field}"), wire, 0)?;
                let v = input.varint()?;
                match field {
                    7 => raw.p.drop_frames = str_idx(v, "drop_frames")?,
                    8 => raw.p.keep_frames = str_idx(v, "keep_frames")?,
                    9 => {
                        if raw.seen_time && raw.p.time_nanos != 0 {
                            return Err(DecodeError::Malformed(
                                "concatenated profiles detected".into(),
                            ));
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
                w => want_wire("13", w, 0)?,
            },
            0 => return Err(DecodeError::Malformed("field number 0".into())),
            _ => match wire {
                0 => {
                    input.varint()?;
                }
                1 => input.skip(8)?,
                2 => {
                    let len = input.varint()?;
                    input.skip(len)?;
                }
                5 => input.skip(4)?,
                w => return Err(DecodeError::Malformed(format!("unsupported wire type {w}"))),
            },
        }
    }
    Ok(raw)
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
) -> Result<(), DecodeError> {
    values.clear();
    while !s.done() {
        let key = s.varint()?;
        match (key >> 3, key & 7) {
            (1, w @ (0 | 2)) => {
                let locs = &mut raw.locs;
                let big_ids = &mut raw.big_ids;
                let big_map = &mut raw.big_map;
                s.repeated(w, |id| {
                    if id < u64::from(BIG) {
                        locs.push(id as u32);
                    } else {
                        let k = *big_map.entry(id).or_insert_with(|| {
                            big_ids.push(id);
                            (big_ids.len() - 1) as u32
                        });
                        if k >= BIG {
                            return Err(DecodeError::Invalid(
                                "too many distinct location ids".into(),
                            ));
                        }
                        locs.push(BIG + k);
                    }
                    Ok(())
                })?;
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
                    raw.p.samples.labels.push(l);
                }
            }
            (_, w) => s.skip(w)?,
        }
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
        return Err(DecodeError::Invalid("too many frames in samples".into()));
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
        return Err(DecodeError::Invalid("too many lines".into()));
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

// ---------------------------------------------------------------------------
// Resolution and validation

/// Maps file ids to dense indices: a table when ids are small and dense
/// (the usual 1..N), a hash map otherwise.
pub(crate) enum IdIndex {
    Dense(Vec<u32>),
    Sparse(FxHashMap<u64, u32>),
}

impl IdIndex {
    const NONE: u32 = u32::MAX;

    /// Builds the index; fails on id 0 or a duplicate id.
    pub(crate) fn build(
        ids: impl Iterator<Item = u64> + Clone,
        n: usize,
        what: &str,
    ) -> Result<Self, DecodeError> {
        let max = ids.clone().max().unwrap_or(0);
        let mut idx = if max <= (4 * n as u64).max(1024) {
            IdIndex::Dense(vec![Self::NONE; max as usize + 1])
        } else {
            IdIndex::Sparse(FxHashMap::default())
        };
        for (i, id) in ids.enumerate() {
            if id == 0 {
                return Err(DecodeError::Invalid(format!(
                    "found {what} with reserved id 0"
                )));
            }
            let dup = match &mut idx {
                IdIndex::Dense(t) => {
                    let slot = &mut t[id as usize];
                    let dup = *slot != Self::NONE;
                    *slot = i as u32;
                    dup
                }
                IdIndex::Sparse(m) => m.insert(id, i as u32).is_some(),
            };
            if dup {
                return Err(DecodeError::Invalid(format!(
                    "multiple {what}s with the same id {id}"
                )));
            }
        }
        Ok(idx)
    }

    #[inline]
    pub(crate) fn get(&self, id: u64) -> Option<u32> {
        match self {
            IdIndex::Dense(t) => t.get(id as usize).copied().filter(|&v| v != Self::NONE),
            IdIndex::Sparse(m) => m.get(&id).copied(),
        }
    }
}

impl RawProfile {
    fn finish(mut self) -> Result<Profile, DecodeError> {
        let p = &mut self.p;
        let nsamples = p.samples.loc_ends.len();

        // An all-printable input slipped past sniffing only if it is very
        // short; treat a "profile" with nothing in it as not a profile.
        if p.strings.is_empty() {
            if nsamples == 0 && p.sample_types.is_empty() && p.locations.is_empty() {
                return Err(DecodeError::NotAProfile(
                    "no profile.proto content (no string table)".into(),
                ));
            }
            return Err(DecodeError::Invalid("the string table is empty".into()));
        }
        if !p.strings[0].is_empty() {
            return Err(DecodeError::Invalid(
                "string_table[0] must be the empty string".into(),
            ));
        }

        // Values per sample.
        let ntypes = p.sample_types.len();
        if ntypes == 0 && nsamples != 0 {
            return Err(DecodeError::Invalid(
                "missing sample type information".into(),
            ));
        }
        if let Some((i, n)) = self.bad_value_count {
            return Err(DecodeError::Invalid(format!(
                "sample {i} has {n} values, but the profile has {ntypes} sample types"
            )));
        }
        if nsamples > 0 && p.samples.stride != ntypes {
            return Err(DecodeError::Invalid(format!(
                "sample 0 has {} values, but the profile has {ntypes} sample types",
                p.samples.stride
            )));
        }
        p.samples.stride = ntypes;

        // String indices.
        let nstr = p.strings.len() as u32;
        let check = |i: StrIdx, what: &str| -> Result<(), DecodeError> {
            if i.0 >= nstr {
                Err(DecodeError::Invalid(format!(
                    "{what}: string index {} is out of range (the string table has {nstr} entries)",
                    i.0
                )))
            } else {
                Ok(())
            }
        };
        for vt in &p.sample_types {
            check(vt.r#type, "sample type")?;
            check(vt.unit, "sample unit")?;
        }
        check(p.period_type.r#type, "period type")?;
        check(p.period_type.unit, "period unit")?;
        check(p.drop_frames, "drop_frames")?;
        check(p.keep_frames, "keep_frames")?;
        check(p.default_sample_type, "default_sample_type")?;
        check(p.doc_url, "doc_url")?;
        for &c in &p.comments {
            check(c, "comment")?;
        }
        for l in &p.samples.labels {
            check(l.key, "label key")?;
            check(l.str, "label value")?;
            check(l.num_unit, "label unit")?;
        }
        for m in &p.mappings {
            check(m.filename, "mapping filename")?;
            check(m.build_id, "mapping build_id")?;
        }
        for f in &p.functions {
            check(f.name, "function name")?;
            check(f.system_name, "function system_name")?;
            check(f.filename, "function filename")?;
        }

        // Ids.
        let map_idx = IdIndex::build(p.mappings.iter().map(|m| m.id), p.mappings.len(), "mapping")?;
        let fn_idx = IdIndex::build(
            p.functions.iter().map(|f| f.id),
            p.functions.len(),
            "function",
        )?;
        let loc_idx = IdIndex::build(
            p.locations.iter().map(|l| l.id),
            p.locations.len(),
            "location",
        )?;

        for (li, loc) in p.locations.iter_mut().enumerate() {
            let mid = self.loc_mapping_ids[li];
            if mid != 0 {
                let Some(m) = map_idx.get(mid) else {
                    return Err(DecodeError::Invalid(format!(
                        "location id {} refers to mapping id {mid}, which does not exist",
                        loc.id
                    )));
                };
                loc.mapping = Some(MapIdx(m));
            }
            for k in loc.lines_start..loc.lines_end {
                let fid = self.line_function_ids[k as usize];
                let Some(f) = (if fid == 0 { None } else { fn_idx.get(fid) }) else {
                    return Err(DecodeError::Invalid(format!(
                        "location id {} has a line with function id {fid}, which does not exist",
                        loc.id
                    )));
                };
                p.lines[k as usize].function = FuncIdx(f);
            }
        }

        // Sample -> location, resolved in place, in parallel chunks for big
        // profiles. A failing chunk reports the first bad position; the
        // sample it belongs to is found only then.
        let big_ids = &self.big_ids;
        let resolve = |chunk: &mut [u32], offset: usize| -> Result<(), (usize, u64)> {
            for (k, slot) in chunk.iter_mut().enumerate() {
                let v = *slot;
                let id = if v < BIG {
                    u64::from(v)
                } else {
                    big_ids[(v - BIG) as usize]
                };
                match if id == 0 { None } else { loc_idx.get(id) } {
                    Some(l) => *slot = l,
                    None => return Err((offset + k, id)),
                }
            }
            Ok(())
        };
        let threads = std::thread::available_parallelism()
            .map_or(1, |x| x.get())
            .min(8);
        let n = self.locs.len();
        let result = if threads > 1 && n >= 1 << 20 {
            let per = n.div_ceil(threads);
            std::thread::scope(|scope| {
                let handles: Vec<_> = self
                    .locs
                    .chunks_mut(per)
                    .enumerate()
                    .map(|(c, chunk)| scope.spawn(move || resolve(chunk, c * per)))
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().expect("resolver thread"))
                    .find(|r| r.is_err())
                    .unwrap_or(Ok(()))
            })
        } else {
            resolve(&mut self.locs, 0)
        };
        if let Err((pos, id)) = result {
            let sample = p.samples.loc_ends.partition_point(|&e| e as usize <= pos);
            return Err(DecodeError::Invalid(format!(
                "sample {sample} refers to location id {id}, which does not exist"
            )));
        }
        // Same size and alignment: this collect reuses the allocation.
        p.samples.locs = std::mem::take(&mut self.locs)
            .into_iter()
            .map(LocIdx)
            .collect();
        Ok(self.p)
    }
}
