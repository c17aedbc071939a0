//! Arbitrary bytes -> decode (gzip sniff, profile.proto, validation, text
//! formats) -> drop_frames pruning -> `top` at every granularity -> text
//! and JSON: the path of `heapscope top FILE`. Nothing may panic, hang or
//! allocate without bound.
#![no_main]

use heapscope::aggregate::Granularity;
use heapscope::profile::decode::{self, DecodeOptions};
use heapscope::profile::prune;
use heapscope::report::{self, TopOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let opts = DecodeOptions {
        max_input_size: 64 << 20,
        ..Default::default()
    };
    let Ok(mut p) = decode::decode_bytes(data, opts, &heapscope::profile::legacy::parse) else {
        return;
    };
    if prune::remove_uninteresting(&mut p).is_err() {
        return;
    }
    for idx in 0..p.sample_types.len().min(4) {
        for g in [Granularity::Functions, Granularity::Lines, Granularity::Addresses] {
            let mut o = TopOptions {
                sample_index: idx,
                ..Default::default()
            };
            o.nodes.granularity = g;
            let r = report::top(&p, &o);
            let mut out = Vec::new();
            let _ = heapscope::render::top_text(&r, &mut out);
            let _ = heapscope::render::top_json(&r, &mut out);
        }
    }
});
