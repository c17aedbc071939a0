//! Go's `/debug/pprof/heap?debug=1` text (`runtime/pprof` `writeHeapInternal`).
//!
//! The grammar is gperftools' (see [`super::tcmalloc`]) with the header tag
//! `heap/RATE`. Go writes twice its `MemProfileRate` there, so, as pprof
//! does, the period is RATE/2 and every pair is un-sampled with pprof's
//! Poisson rule at that rate. Go adds 1 to the header's alloc bytes when
//! they equal the inuse bytes, so its profiles always get the four sample
//! types.
//!
//! Lines starting with `#` are symbol comments (`# 0x4a1b2c main.f+0x1c
//! file.go:12`), ignored like pprof ignores them, and after
//! `# runtime.MemStats` the `# Name = value` lines of the runtime's memory
//! statistics, which are kept in [`Profile::memstats`] for `heapscope info`.

use super::tcmalloc::{header, parse_body};
use super::{LegacyFormat, first_line};
use crate::profile::{DecodeError, Profile};

/// Go heap text; `None` when the first line is not a `@ heap/RATE` header.
pub fn parse(text: &str) -> Option<Result<Profile, DecodeError>> {
    let h = match header(first_line(text))? {
        Ok(h) if h.format == LegacyFormat::GoHeap => h,
        _ => return None,
    };
    let mut in_memstats = false;
    let mut memstats: Vec<(String, String)> = Vec::new();
    let r = parse_body(text, h, |_, line| {
        let body = line.trim_start_matches('#').trim();
        if body == "runtime.MemStats" {
            in_memstats = true;
            return true;
        }
        if in_memstats {
            if let Some((k, v)) = body.split_once(" = ") {
                memstats.push((k.trim().to_string(), v.trim().to_string()));
                return true;
            }
        }
        false
    });
    Some(r.map(|mut p| {
        p.memstats = memstats;
        p
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memstats_and_halved_rate() {
        let text = "\
heap profile: 1: 524288 [3: 1572865] @ heap/1048576
1: 524288 [3: 1572864] @ 0x420cef 0x422151
#\t0x420cee\tmain.f+0x1e\t/x/main.go:10

# runtime.MemStats
# Alloc = 34385304
# PauseNs = [1 2 3]
";
        let p = parse(text).unwrap().unwrap();
        assert_eq!(p.period, 524288);
        assert_eq!(p.samples.get(0).values, &[4, 2488234, 1, 829411]);
        assert_eq!(p.location(p.samples.get(0).locs[0]).address, 0x420cee);
        assert_eq!(
            p.memstats,
            vec![
                ("Alloc".to_string(), "34385304".to_string()),
                ("PauseNs".to_string(), "[1 2 3]".to_string())
            ]
        );
        assert_eq!(p.mappings.len(), 1, "fake mapping");
        assert_eq!(p.mappings[0].memory_limit, u64::MAX);
    }
}
