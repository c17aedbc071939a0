//! Arbitrary bytes -> one legacy text parser, called directly whatever the
//! first line says: Java heapz text (`--- heapz 1 ---`) -> drop_frames
//! pruning -> `top` for every sample type -> text. Nothing may panic, hang or
//! allocate without bound.
#![no_main]

use heapscope::profile::legacy::java;
use heapscope::profile::prune;
use heapscope::report::{self, TopOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Some(Ok(mut p)) = java::parse(&text) else {
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
