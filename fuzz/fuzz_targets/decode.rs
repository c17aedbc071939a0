//! Arbitrary bytes -> decode (gzip sniff, profile.proto, validation, text
//! formats) -> drop_frames pruning -> `top` at every granularity -> text
//! and JSON: the path of `heapscope top FILE`. Nothing may panic, hang or
//! allocate without bound.
#![no_main]

#[path = "common.rs"]
mod common;

use heapscope::aggregate::Granularity;
use heapscope::profile::decode::{self, DecodeOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let opts = DecodeOptions {
        max_input_size: 64 << 20,
        ..Default::default()
    };
    if let Ok(p) = decode::decode_bytes(data, opts, &heapscope::profile::legacy::parse) {
        let all = [
            Granularity::Functions,
            Granularity::Lines,
            Granularity::Addresses,
        ];
        common::prune_and_top(p, &all, true);
    }
});
