//! gperftools / tcmalloc heap text (pprof's `parseHeap`), also the grammar
//! of Go's `debug=1` output (see [`super::go_heap`]):
//!
//! ```text
//! heap profile: <inuse n>: <inuse bytes> [<alloc n>: <alloc bytes>] @ <tag>[/<rate>]
//! <inuse n>: <inuse bytes> [<alloc n>: <alloc bytes>] @ 0xaddr 0xaddr ...   (leaf first)
//! ...
//! MAPPED_LIBRARIES:            (or --- Memory map: ---)
//! <proc maps lines>
//! ```
//!
//! | tag | period | un-sampling |
//! |---|---|---|
//! | `heapprofile` (gperftools `HEAPPROFILE=`) | 1 | none |
//! | `heap_v2/R`, `heapz_v2/R` (tcmalloc sampled) | R | [`scale_heap_sample`] at rate R |
//! | `heap/R` (Go debug=1, which writes twice its rate) | R/2 | at rate R/2 |
//! | `growthz`, `growth` | 1 | none |
//! | `fragmentationz`, `fragmentation` | 1 | none |
//!
//! Four sample types (`alloc_objects, alloc_space, inuse_objects,
//! inuse_space`) when the header's bracketed pair differs from the inuse
//! pair and is not zero; otherwise two (`objects, space`). Each sample gets
//! the numeric label `bytes`, the average object size (integer division
//! before scaling) of its last non-empty pair, inuse winning.

use super::{
    Body, LegacyFormat, RawLegacy, first_line, line_err, parse_addresses, scale_heap_sample,
};
use crate::profile::{DecodeError, Profile};
use regex::Regex;
use std::sync::LazyLock;

static HEAP_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"heap profile: *(\d+): *(\d+) *\[ *(\d+): *(\d+) *\] *@ *(heap[_a-z0-9]*)/?(\d*)")
        .expect("valid regex")
});
static GROWTH_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"heap profile: *(\d+): *(\d+) *\[ *(\d+): *(\d+) *\] @ growthz?")
        .expect("valid regex")
});
static FRAG_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"heap profile: *(\d+): *(\d+) *\[ *(\d+): *(\d+) *\] @ fragmentationz?")
        .expect("valid regex")
});
static SAMPLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(-?\d+): *(-?\d+) *\[ *(-?\d+): *(-?\d+) *\] *@(.*)$").expect("valid regex")
});

/// How the header says samples were taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Header {
    pub format: LegacyFormat,
    pub period: i64,
    /// Apply the Poisson un-sampling at rate `period`.
    pub v2: bool,
    pub has_alloc: bool,
}

/// Reads the first line's header. `None`: not a `heap profile:` file;
/// `Some(Err)`: it starts like one, but the header is broken.
pub(crate) fn header(line: &str) -> Option<Result<Header, DecodeError>> {
    if let Some(c) = HEAP_HEADER.captures(line) {
        let has_alloc = (c[3] != c[1] && &c[3] != "0") || (c[4] != c[2] && &c[4] != "0");
        let mut period = 0i64;
        if !c[6].is_empty() {
            match c[6].parse::<i64>() {
                Ok(v) => period = v,
                Err(_) => {
                    return Some(Err(line_err(
                        1,
                        format!("sampling rate {:?} is out of range", &c[6]),
                    )));
                }
            }
        }
        let (format, period, v2) = match &c[5] {
            "heap_v2" | "heapz_v2" => (LegacyFormat::TcmallocHeap, period, true),
            "heapprofile" => (LegacyFormat::TcmallocHeap, 1, false),
            "heap" => (LegacyFormat::GoHeap, period / 2, true),
            other => {
                return Some(Err(line_err(
                    1,
                    format!(
                        "unknown heap profile type {other:?} (expected heap, heap_v2, heapz_v2, heapprofile, growthz or fragmentationz)"
                    ),
                )));
            }
        };
        return Some(Ok(Header {
            format,
            period,
            v2,
            has_alloc,
        }));
    }
    for (re, format) in [
        (&*GROWTH_HEADER, LegacyFormat::TcmallocGrowth),
        (&*FRAG_HEADER, LegacyFormat::TcmallocFragmentation),
    ] {
        if re.is_match(line) {
            return Some(Ok(Header {
                format,
                period: 1,
                v2: false,
                has_alloc: false,
            }));
        }
    }
    if line.trim_start().starts_with("heap profile:") {
        return Some(Err(line_err(
            1,
            format!(
                "malformed heap profile header {:?} (expected `heap profile: N: B [N: B] @ TYPE[/RATE]`)",
                line.trim()
            ),
        )));
    }
    None
}

/// gperftools / tcmalloc text; `None` when the first line is not one of
/// its headers (Go's `@ heap/R` header belongs to [`super::go_heap`]).
pub fn parse(text: &str) -> Option<Result<Profile, DecodeError>> {
    match header(first_line(text))? {
        Ok(h) if h.format == LegacyFormat::GoHeap => None,
        Ok(h) => Some(parse_body(text, h, |_, _| false)),
        Err(e) => Some(Err(e)),
    }
}

/// Parses the samples and the map section after the header line.
/// `comment` sees each `#` line (with its 1-based number) and may keep it.
pub(crate) fn parse_body(
    text: &str,
    h: Header,
    mut comment: impl FnMut(usize, &str) -> bool,
) -> Result<Profile, DecodeError> {
    let mut raw = RawLegacy::new(h.format);
    raw.set_heap_types(h.has_alloc);
    raw.period = h.period;
    let mut body = Body::new(text, true);
    let mut addrs = Vec::new();
    let mut values = Vec::with_capacity(4);
    for (lineno, line) in body.by_ref() {
        if line.starts_with('#') {
            comment(lineno, line);
            continue;
        }
        let c = SAMPLE.captures(line).ok_or_else(|| {
            line_err(
                lineno,
                format!("malformed heap sample {line:?} (expected `N: B [N: B] @ 0xADDR ...`)"),
            )
        })?;
        values.clear();
        let mut bytes = 0i64;
        let pairs: &[(usize, &str)] = if h.has_alloc {
            &[(3, "allocation"), (1, "inuse")]
        } else {
            &[(1, "inuse")]
        };
        for &(g, what) in pairs {
            let num = |k: usize| {
                c[k].parse::<i64>().map_err(|_| {
                    line_err(lineno, format!("{what} value {:?} is out of range", &c[k]))
                })
            };
            let (mut count, mut size) = (num(g)?, num(g + 1)?);
            if count == 0 && size != 0 {
                return Err(line_err(
                    lineno,
                    format!("{what} count was 0 but {what} bytes was {size}"),
                ));
            }
            if count != 0 {
                // Go's integer division wraps (MinInt64 / -1); Rust's panics.
                bytes = size.wrapping_div(count);
                if h.v2 {
                    (count, size) = scale_heap_sample(count, size, h.period);
                }
            }
            values.push(count);
            values.push(size);
        }
        addrs.clear();
        parse_addresses(&c[5], lineno, &mut addrs)?;
        raw.push(&values, &addrs, bytes);
    }
    body.finish(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_variants() {
        let h = |s: &str| header(s).unwrap().unwrap();
        let x = h("heap profile: 1: 2 [3: 4] @ heapz_v2/524288");
        assert_eq!((x.period, x.v2, x.has_alloc), (524288, true, true));
        let x = h("heap profile: 1: 2 [1: 2] @ heapprofile");
        assert_eq!((x.period, x.v2, x.has_alloc), (1, false, false));
        let x = h("heap profile: 1: 2 [0: 0] @ heap/1048576");
        assert_eq!((x.format, x.period), (LegacyFormat::GoHeap, 524288));
        let x = h("heap profile: 85: 1 [85: 1] @ growthz");
        assert_eq!(x.format, LegacyFormat::TcmallocGrowth);
        let x = h("heap profile: 85: 1 [85: 1] @ fragmentationz");
        assert_eq!(x.format, LegacyFormat::TcmallocFragmentation);
        assert!(
            header("heap profile: 1: 2 [3: 4] @ heapfoo")
                .unwrap()
                .is_err()
        );
        assert!(header("heap profile: x").unwrap().is_err());
        assert!(header("something else").is_none());
    }
}
