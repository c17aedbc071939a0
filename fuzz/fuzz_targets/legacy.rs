//! Arbitrary bytes -> the legacy text parsers directly (Go debug=1,
//! gperftools/tcmalloc, jemalloc heap_v2, Java heapz, memory maps),
//! tried in pprof's order -> drop_frames pruning -> `top`. Nothing may
//! panic, hang or allocate without bound.
#![no_main]

#[path = "common.rs"]
mod common;

use heapscope::aggregate::Granularity;
use heapscope::profile::legacy;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(p) = legacy::parse(data) {
        common::prune_and_top(p, &[Granularity::Functions], false);
    }
});
