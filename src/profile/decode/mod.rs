//! Bytes -> [`Profile`]: the decoder, split by job.
//!
//! - `input`: gzip sniffing and inflation (on a second thread for big
//!   inputs) and the size cap on decompressed bytes;
//! - `wire`: the protobuf wire format (varints, length-delimited and
//!   packed fields, skipping unknown fields);
//! - `fields`: profile.proto's messages into the model's tables, ids as
//!   written;
//! - `resolve`: ids into dense indices, then
//!   [`check_valid`];
//! - `lean`: the lean decode ([`decode_reader_lean`]), which keeps only
//!   what an aggregate report of one sample type needs.
//!
//! This file routes the input: text goes to the legacy parsers (the
//! `text_fallback`), everything else to the profile.proto decoder.
//!
//! The decoder is hand-written rather than prost-generated because profiles
//! are big: prost would allocate three vectors per sample, while this reads
//! the top-level fields one at a time from a buffered (possibly gzip) stream
//! and appends each sample straight into the flat arrays of
//! [`Samples`](super::Samples). The decompressed bytes are never held in
//! memory as a whole.
//!
//! Validation follows pprof's `CheckValid` and happens once, here: every
//! string index, every id reference (sample -> location, location ->
//! mapping, line -> function), unique non-zero ids, one value per sample
//! type. After `decode` returns, every index in the profile is in range.
//!
//! Untrusted lengths never size an allocation before the bytes exist:
//! length-delimited fields are read in bounded chunks, and the total number
//! of decompressed bytes is capped.

mod fields;
mod input;
mod lean;
mod resolve;
mod wire;

pub use lean::{LeanColumns, LeanProfile, LeanTotals};

use super::check::check_valid;
use super::{DecodeError, Profile};
use fields::parse_top;
use flate2::bufread::MultiGzDecoder;
use input::{Input, is_gzip};
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
    if !is_gzip(head) {
        decode_stream(br, opts, false, text_fallback)
    } else if opts.parallel {
        input::with_parallel_inflate(br, |inflated| {
            decode_stream(inflated, opts, true, text_fallback)
        })
    } else {
        let gz = BufReader::with_capacity(256 * 1024, MultiGzDecoder::new(br));
        decode_stream(gz, opts, true, text_fallback)
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
    let mut input = Input::new(r, opts.max_input_size, gzipped);
    let head = input.fill()?;
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
                let mut again = Input::new(&all[..], opts.max_input_size, gzipped);
                parse_top(&mut again, None)
                    .and_then(|raw| raw.finish())
                    .map_err(|_| DecodeError::NotAProfile(m))
            }
            // Every decoded profile is valid, whichever parser built it.
            Ok(p) => {
                check_valid(&p)?;
                Ok(p)
            }
            Err(e) => Err(e),
        };
    }
    let raw = parse_top(&mut input, None)?;
    raw.finish()
}

/// Decodes a profile.proto input leanly (see [`LeanProfile`]):
/// without labels, only the samples with a value in the requested column,
/// equal stacks merged. `None` when the input is text, is not a valid
/// profile, or names its default sample type only after the samples and
/// so makes the column guessed at the first sample wrong: the caller then
/// decodes it in full, which also reports what is wrong with it.
///
/// `size_hint`, the decompressed size if known (a gzip file's trailer
/// says it), sizes the sample arrays up front.
pub fn decode_reader_lean<R: Read + Send>(
    r: R,
    opts: DecodeOptions,
    cols: LeanColumns<'_>,
    size_hint: Option<u64>,
) -> Option<LeanProfile> {
    let size_hint = size_hint.map(|h| h.min(opts.max_input_size));
    let mut br = BufReader::with_capacity(256 * 1024, r);
    let head = br.fill_buf().ok()?;
    if head.is_empty() {
        return None;
    }
    if !is_gzip(head) {
        decode_lean_stream(br, opts, false, cols, size_hint)
    } else if opts.parallel {
        input::with_parallel_inflate(br, |inflated| {
            decode_lean_stream(inflated, opts, true, cols, size_hint)
        })
    } else {
        let gz = BufReader::with_capacity(256 * 1024, MultiGzDecoder::new(br));
        decode_lean_stream(gz, opts, true, cols, size_hint)
    }
}

fn decode_lean_stream<R: BufRead>(
    r: R,
    opts: DecodeOptions,
    gzipped: bool,
    cols: LeanColumns<'_>,
    size_hint: Option<u64>,
) -> Option<LeanProfile> {
    let mut input = Input::new(r, opts.max_input_size, gzipped);
    let head = input.fill().ok()?;
    if head.is_empty() || head.starts_with(b"\x7fELF") || sniff(head) == Sniff::Text {
        return None;
    }
    let raw = parse_top(&mut input, Some(lean::LeanState::new(cols, size_hint))).ok()?;
    let (p, state) = raw.finish_lean().ok()?;
    state?.finish(p)
}

/// Text if the first bytes hold no control bytes but whitespace: printable
/// ASCII, and bytes of 0x80 and up (UTF-8 function names, Latin-1 paths),
/// which pprof's text parsers take as they are. A profile.proto message
/// begins with a field key and a length, which are control bytes for any
/// realistic profile (and `decode_stream` still tries profile.proto when
/// no text format claims the input).
pub fn sniff(head: &[u8]) -> Sniff {
    let n = head.len().min(256);
    let text = head[..n]
        .iter()
        .all(|&b| b == b'\n' || b == b'\r' || b == b'\t' || (0x20..0x7f).contains(&b) || b >= 0x80);
    if text { Sniff::Text } else { Sniff::Proto }
}

/// The decompressed size a gzip file's trailer gives (ISIZE: of its last
/// member, modulo 4 GiB), to size arrays up front; `None` if `f` is not
/// gzip or cannot seek. Leaves `f` at its start.
pub fn gzip_size_hint<F: Read + std::io::Seek>(f: &mut F) -> Option<u64> {
    use std::io::SeekFrom;
    let mut head = [0u8; 2];
    let mut tail = [0u8; 4];
    let r = (|| -> std::io::Result<bool> {
        f.read_exact(&mut head)?;
        if !is_gzip(&head) {
            return Ok(false);
        }
        f.seek(SeekFrom::End(-4))?;
        f.read_exact(&mut tail)?;
        Ok(true)
    })();
    f.seek(SeekFrom::Start(0)).ok()?;
    match r {
        Ok(true) => Some(u64::from(u32::from_le_bytes(tail))),
        _ => None,
    }
}
