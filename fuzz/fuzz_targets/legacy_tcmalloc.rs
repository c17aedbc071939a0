//! Arbitrary bytes -> one legacy text parser, called directly whatever the
//! first line says: gperftools/tcmalloc heap, growth and fragmentation
//! profiles, with their memory maps -> pruning and `top` (`common.rs`).
//! Nothing may panic, hang or allocate without bound.
#![no_main]

#[path = "common.rs"]
mod common;

use heapscope::aggregate::Granularity;
use heapscope::profile::legacy::tcmalloc;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(Ok(p)) = tcmalloc::parse(&String::from_utf8_lossy(data)) {
        common::prune_and_top(p, &[Granularity::Functions], false);
    }
});
