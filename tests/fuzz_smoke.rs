//! A stable-Rust stand-in for the fuzzers that runs on every change:
//! mutated real profiles (bit flips, truncations, splices, inserted
//! varints, raw and gzip) go through decode, and whatever decodes goes
//! through every granularity of `top`. Nothing may panic; every failure
//! must be a typed error.

use heapscope::aggregate::Granularity;
use heapscope::profile::decode::{self, DecodeOptions};
use heapscope::report::{self, TopOptions};
use proptest::prelude::*;
use std::io::Read;

fn seeds() -> Vec<Vec<u8>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let mut out = Vec::new();
    for name in [
        "snap1.pb.gz",
        "go_shapes.pb.gz",
        "node_default_a.pb.gz",
        "rust_jemalloc.pb.gz",
        "go_seed_minimal.prof",
    ] {
        let gz = std::fs::read(dir.join(name)).unwrap();
        let mut raw = Vec::new();
        flate2::read::MultiGzDecoder::new(&gz[..])
            .read_to_end(&mut raw)
            .unwrap();
        out.push(raw);
        out.push(gz);
    }
    // Legacy text formats, raw.
    for name in [
        "legacy/heap_debug1.txt",
        "legacy/nopie.0001.heap",
        "legacy/lg14_explicit.heap",
    ] {
        if let Ok(b) = std::fs::read(dir.join(name)) {
            out.push(b);
        }
    }
    out
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Set(usize, u8),
    Truncate(usize),
    Insert(usize, Vec<u8>),
    Remove(usize, usize),
    Duplicate(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 0u8..8).prop_map(|(i, b)| Mutation::Flip(i, b)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Set(i, b)),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 1..12))
            .prop_map(|(i, v)| Mutation::Insert(i, v)),
        (any::<usize>(), 1usize..64).prop_map(|(i, n)| Mutation::Remove(i, n)),
        (any::<usize>(), 1usize..64).prop_map(|(i, n)| Mutation::Duplicate(i, n)),
    ]
}

fn apply(mut b: Vec<u8>, ms: &[Mutation]) -> Vec<u8> {
    for m in ms {
        if b.is_empty() {
            break;
        }
        let len = b.len();
        match m {
            Mutation::Flip(i, bit) => b[i % len] ^= 1 << bit,
            Mutation::Set(i, v) => b[i % len] = *v,
            Mutation::Truncate(i) => b.truncate(i % len),
            Mutation::Insert(i, v) => {
                let at = i % len;
                b.splice(at..at, v.iter().copied());
            }
            Mutation::Remove(i, n) => {
                let at = i % len;
                let end = (at + n).min(len);
                b.drain(at..end);
            }
            Mutation::Duplicate(i, n) => {
                let at = i % len;
                let end = (at + n).min(len);
                let dup: Vec<u8> = b[at..end].to_vec();
                b.splice(at..at, dup);
            }
        }
    }
    b
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_profiles_never_panic(seed in 0usize..13, ms in prop::collection::vec(mutation(), 1..6), g in 0usize..5) {
        let seeds = seeds();
        let input = apply(seeds[seed % seeds.len()].clone(), &ms);
        let opts = DecodeOptions { max_input_size: 16 << 20, ..Default::default() };
        if let Ok(p) = decode::decode_bytes(&input, opts, &heapscope::profile::legacy::parse) {
            for idx in 0..p.sample_types.len() {
                let mut o = TopOptions { sample_index: idx, ..Default::default() };
                o.nodes.granularity = [Granularity::Functions, Granularity::FileFunctions, Granularity::Files, Granularity::Lines, Granularity::Addresses][g];
                let r = report::top(&p, &o);
                let mut out = Vec::new();
                heapscope::render::top_text(&r, &mut out).unwrap();
                heapscope::render::top_json(&r, &mut out).unwrap();
            }
        }
    }
}

/// Inputs the fuzzers (fuzz/) found crashing, kept as regressions: each
/// must decode or fail cleanly, and `top` / `tags` on what decodes must
/// not panic (these tests run with overflow checks on).
#[test]
fn fuzz_regressions() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/fuzz-regressions");
    let mut n = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        if path.extension().is_some_and(|x| x == "bin") {
            // Found by the `elf` target: bytes given as a binary.
            check_binary(&path, &bytes);
            n += 1;
            continue;
        }
        let opts = DecodeOptions {
            max_input_size: 64 << 20,
            ..Default::default()
        };
        if let Ok(p) = decode::decode_bytes(&bytes, opts, &heapscope::profile::legacy::parse) {
            for idx in 0..p.sample_types.len() {
                let o = TopOptions {
                    sample_index: idx,
                    ..Default::default()
                };
                let r = report::top(&p, &o);
                let mut out = Vec::new();
                heapscope::render::top_text(&r, &mut out).unwrap();
                let _ = heapscope::report::tags::tags(&p, idx, "minimum", r.total);
            }
        }
        n += 1;
    }
    assert!(n > 0);
}

/// Arbitrary bytes as a binary: opening and looking addresses up must not
/// panic (panics inside the DWARF readers are contained).
fn check_binary(path: &std::path::Path, bytes: &[u8]) {
    use heapscope::symbolize::binary::Binary;
    let Ok(b) = Binary::from_bytes(path, bytes) else {
        return;
    };
    let mut frames = Vec::new();
    let mut probes = vec![0u64, 0x1000, 0x401000, u64::MAX];
    for c in bytes.chunks_exact(8).take(64) {
        probes.push(u64::from_le_bytes(c.try_into().unwrap()));
    }
    for a in probes {
        frames.clear();
        b.dwarf_frames(a, &mut frames);
        let _ = b.symbol_at(a);
    }
}
