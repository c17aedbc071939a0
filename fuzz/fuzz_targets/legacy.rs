//! Arbitrary bytes -> the legacy text parsers directly (Go debug=1,
//! gperftools/tcmalloc, jemalloc heap_v2, Java heapz, memory maps),
//! tried in pprof's order -> drop_frames pruning -> `top`. Nothing may
//! panic, hang or allocate without bound.
#![no_main]

use heapscope::profile::{legacy, prune};
use heapscope::report::{self, TopOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(mut p) = legacy::parse(data) else {
        return;
    };
    if prune::remove_uninteresting(&mut p).is_err() {
        return;
    }
    for idx in 0..p.sample_types.len().min(4) {
        let o = TopOptions {
            sample_index: idx,
            ..Default::default()
        };
        let r = report::top(&p, &o);
        let mut out = Vec::new();
        let _ = heapscope::render::top_text(&r, &mut out);
    }
});
