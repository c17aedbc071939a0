//! jemalloc's own heap dump (`prof.dump`, `jeprof.<pid>.<seq>.heap`),
//! which pprof rejects and jeprof (jemalloc's fork of the Perl pprof) reads:
//!
//! ```text
//! heap_v2/<lg_prof_sample as bytes, e.g. 524288>
//!   t*: <curobjs>: <curbytes> [<accumobjs>: <accumbytes>]      totals
//!   t<N>: ...                                                  per thread
//! @ 0xaddr 0xaddr ...                                          a stack, leaf first
//!   t*: <curobjs>: <curbytes> [<accumobjs>: <accumbytes>]      its totals
//!   t<N>: ...
//! ...
//! MAPPED_LIBRARIES:
//! <proc maps lines>
//! ```
//!
//! Only the `t*:` line of each stack is used (the per-thread lines are
//! checked, then ignored, as jeprof does without `--thread`).
//!
//! **Scaling (jeprof's `AdjustSamples`, sampling algorithm 2).** For each
//! pair (count n, bytes s) with n != 0, jeprof computes
//! `ratio = (s / n) / RATE` and multiplies both n and s by
//! `1 / (1 - exp(-ratio))`, the inverse of the probability that an
//! allocation of the average size was sampled by jemalloc's Poisson
//! sampler. Unlike pprof's `scaleHeapSample`, jeprof applies it at
//! `RATE = 1` too (where the factor is 1 except for allocations of a few
//! bytes). heapscope does the same, and, because profile.proto holds
//! integers, truncates each scaled value as pprof truncates its own (jeprof
//! keeps fractions, so its totals can exceed ours by less than one unit
//! per stack). A pair with n != 0 but s == 0 is left as it is (jeprof would
//! divide by zero). The bracketed accumulated pair is reported as
//! `alloc_*` only when it is non-zero and differs from the current pair in
//! the header totals (pprof's rule for two or four columns), which jemalloc
//! writes only with `prof_accum` enabled.
//!
//! Addresses are decremented by one like every other legacy format (pprof's
//! rule); jeprof leaves the leaf address alone, which only matters at
//! `--granularity addresses`.

use super::{Body, LegacyFormat, RawLegacy, first_line, line_err, parse_addresses};
use crate::profile::{DecodeError, Profile};
use regex::Regex;
use std::sync::LazyLock;

static HEADER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*heap_v2/(\d*)\s*$").expect("valid regex"));
static THREAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^t(\*|\d+):\s*(\d+):\s*(\d+)\s*\[\s*(\d+):\s*(\d+)\s*\]$").expect("valid regex")
});

/// jeprof's `AdjustSamples` for one pair (see the module documentation).
pub fn jeprof_scale(count: i64, size: i64, rate: i64) -> (i64, i64) {
    if rate == 0 || count == 0 || size == 0 {
        return (count, size);
    }
    let ratio = (size as f64 / count as f64) / rate as f64;
    let scale = 1.0 / (1.0 - (-ratio).exp());
    ((count as f64 * scale) as i64, (size as f64 * scale) as i64)
}

/// A jemalloc dump; `None` when the first line is not `heap_v2/RATE`.
pub fn parse(text: &str) -> Option<Result<Profile, DecodeError>> {
    let c = HEADER.captures(first_line(text))?;
    Some(parse_dump(text, &c[1]))
}

struct Pair {
    n: i64,
    s: i64,
    an: i64,
    as_: i64,
}

fn parse_dump(text: &str, rate: &str) -> Result<Profile, DecodeError> {
    let rate: i64 = rate.parse().map_err(|_| {
        line_err(
            1,
            format!("jemalloc heap_v2 header needs a sampling rate (heap_v2/RATE), got {rate:?}"),
        )
    })?;
    // First pass: the records (stack, t* line), then decide the columns
    // from the totals, as the header does for gperftools files.
    let mut totals: Option<Pair> = None;
    let mut records: Vec<(Vec<u64>, Pair)> = Vec::new();
    let mut stack: Option<(usize, Vec<u64>)> = None;
    let mut body = Body::new(text, false);
    for (lineno, line) in body.by_ref() {
        if let Some(rest) = line.strip_prefix('@') {
            if let Some((at, _)) = &stack {
                return Err(line_err(*at, "stack has no `t*:` line"));
            }
            let mut a = Vec::new();
            parse_addresses(rest, lineno, &mut a)?;
            stack = Some((lineno, a));
            continue;
        }
        let c = THREAD.captures(line).ok_or_else(|| {
            line_err(
                lineno,
                format!("malformed jemalloc line {line:?} (expected `@ 0xADDR ...` or `tN: N: B [N: B]`)"),
            )
        })?;
        let num = |k: usize| {
            c[k].parse::<i64>()
                .map_err(|_| line_err(lineno, format!("value {:?} is out of range", &c[k])))
        };
        let pair = Pair {
            n: num(2)?,
            s: num(3)?,
            an: num(4)?,
            as_: num(5)?,
        };
        if &c[1] != "*" {
            continue;
        }
        match stack.take() {
            Some((_, a)) => records.push((a, pair)),
            None if totals.is_none() && records.is_empty() => totals = Some(pair),
            None => {
                return Err(line_err(
                    lineno,
                    "`t*:` line without a stack (`@ ...`) before it",
                ));
            }
        }
    }
    if let Some((at, _)) = stack {
        return Err(line_err(at, "stack has no `t*:` line"));
    }
    let has_alloc = totals
        .as_ref()
        .is_some_and(|t| (t.an != t.n && t.an != 0) || (t.as_ != t.s && t.as_ != 0));
    let mut raw = RawLegacy::new(LegacyFormat::JemallocHeap);
    raw.set_heap_types(has_alloc);
    raw.period = rate;
    let mut values = Vec::with_capacity(4);
    for (addrs, p) in &records {
        values.clear();
        let mut bytes = 0;
        let pairs: &[(i64, i64)] = if has_alloc {
            &[(p.an, p.as_), (p.n, p.s)]
        } else {
            &[(p.n, p.s)]
        };
        for &(n, s) in pairs {
            if n != 0 {
                bytes = s / n;
            }
            let (n, s) = jeprof_scale(n, s, rate);
            values.push(n);
            values.push(s);
        }
        raw.push(&values, addrs, bytes);
    }
    body.finish(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaling_follows_jeprof() {
        // 49 objects, 149921 bytes at 16 KiB: avg 3059.6 bytes, scale 1/(1-e^-0.18675) = 5.8706.
        let (n, s) = jeprof_scale(49, 149921, 16384);
        assert_eq!((n, s), (287, 880_108));
        // jeprof scales at rate 1 too; for real sizes that is the identity.
        assert_eq!(jeprof_scale(300, 921600, 1), (300, 921600));
        assert_eq!(jeprof_scale(0, 0, 16384), (0, 0));
    }

    #[test]
    fn dump_with_threads() {
        let text = "\
heap_v2/1
  t*: 3: 300 [0: 0]
  t0: 3: 300 [0: 0]
@ 0x1001 0x2001
  t*: 2: 200 [0: 0]
  t0: 2: 200 [0: 0]
@ 0x1001 0x3001
  t*: 1: 100 [0: 0]
";
        let p = parse(text).unwrap().unwrap();
        assert_eq!(p.sample_types.len(), 2);
        assert_eq!(p.samples.len(), 2);
        assert_eq!(p.samples.get(1).values, &[1, 100]);
        assert_eq!(p.locations.len(), 3);
        assert_eq!(p.location(p.samples.get(0).locs[0]).address, 0x1000);
    }

    #[test]
    fn bad_lines() {
        for (text, line) in [
            ("heap_v2/1\n@ 0x1\n@ 0x2\n  t*: 1: 1 [0: 0]\n", "line 2"),
            ("heap_v2/1\n@ 0xq\n", "line 2"),
            ("heap_v2/1\n  t*: 1: 1 [0: 0]\n@ 0x1\n t*: x\n", "line 4"),
            ("heap_v2/\n", "line 1"),
        ] {
            let e = parse(text).unwrap().unwrap_err().to_string();
            assert!(e.contains(line), "{text:?}: {e}");
        }
    }
}
