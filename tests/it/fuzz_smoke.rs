//! A stable-Rust stand-in for the fuzzers that runs on every change:
//! mutated real profiles (bit flips, truncations, splices, inserted
//! varints, raw and gzip) go through decode, and whatever decodes goes
//! through every granularity of `top`. Nothing may panic; every failure
//! must be a typed error, and every profile that decodes must pass
//! `check_valid`. The same for mutated HTTP responses over a real
//! socket and for mutated binaries given to the symbolizer.

use heapscope::aggregate::Granularity;
use heapscope::profile::check_valid;
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
            prop_assert_eq!(check_valid(&p), Ok(()));
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
        // As the commands read it, and as the legacy targets do (each text
        // parser called directly, whatever the first bytes look like).
        let decoded = decode::decode_bytes(&bytes, opts, &heapscope::profile::legacy::parse);
        let direct = heapscope::profile::legacy::parse(&bytes);
        for mut p in [decoded, direct].into_iter().flatten() {
            assert_eq!(check_valid(&p), Ok(()), "{}", path.display());
            if heapscope::profile::prune::remove_uninteresting(&mut p).is_err() {
                continue;
            }
            assert_eq!(check_valid(&p), Ok(()), "{}", path.display());
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

/// Serves `response` once on a fresh 127.0.0.1 port and returns the URL;
/// the server writes it all (ignoring the request) and closes.
fn serve_once(response: Vec<u8>) -> String {
    use std::io::Write;
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/debug/pprof/heap", l.local_addr().unwrap());
    std::thread::spawn(move || {
        if let Ok((mut c, _)) = l.accept() {
            let mut req = [0u8; 4096];
            let _ = c.read(&mut req);
            let _ = c.write_all(&response);
        }
    });
    url
}

/// A response around `body`, framed as the `http` fuzz target frames its
/// input: Content-Length, chunked, or delimited by the connection closing;
/// `status` 200, 404 or 302 (to itself).
fn http_response(framing: u8, status: u8, body: &[u8]) -> Vec<u8> {
    let status = ["200 OK", "404 Not Found", "302 Found"][status as usize % 3];
    let mut r = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/octet-stream\r\nLocation: /debug/pprof/heap\r\n"
    )
    .into_bytes();
    match framing % 3 {
        0 => r.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes()),
        1 => r.extend_from_slice(b"Transfer-Encoding: chunked\r\n\r\n"),
        _ => r.extend_from_slice(b"Connection: close\r\n\r\n"),
    }
    if framing % 3 == 1 {
        for c in body.chunks(997) {
            r.extend_from_slice(format!("{:x}\r\n", c.len()).as_bytes());
            r.extend_from_slice(c);
            r.extend_from_slice(b"\r\n");
        }
        r.extend_from_slice(b"0\r\n\r\n");
    } else {
        r.extend_from_slice(body);
    }
    r
}

fn binary_seeds() -> Vec<Vec<u8>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    [
        "hostile/dwarf_reference_ok.elf",
        "hostile/dwarf_broken_line_program_full.elf",
        "symbolize/heapdemo_nopie",
    ]
    .iter()
    .map(|p| std::fs::read(dir.join(p)).unwrap())
    .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    /// The `http` fuzz target's path over a real socket: a mutated
    /// response (the body, and sometimes the head) goes through the client,
    /// its status and body cap, then decode and `top`. Every failure is a
    /// one-line error.
    #[test]
    fn mutated_http_responses_never_panic(
        seed in 0usize..13,
        ms in prop::collection::vec(mutation(), 0..4),
        framing in 0u8..3,
        status in 0u8..3,
        mutate_head in any::<bool>(),
        cap in 10u32..22,
    ) {
        let seeds = seeds();
        let body = seeds[seed % seeds.len()].clone();
        let response = if mutate_head {
            apply(http_response(framing, status, &body), &ms)
        } else {
            http_response(framing, status, &apply(body, &ms))
        };
        let url = serve_once(response);
        let o = heapscope::source::FetchOptions { seconds: None, timeout: Some(5.0), max_body: 1 << cap };
        match heapscope::source::fetch(&url, &o) {
            Err((_, e)) => prop_assert!(!e.to_string().contains('\n'), "{e}"),
            Ok(f) => {
                prop_assert!(f.body.len() <= 1 << cap);
                let opts = DecodeOptions { max_input_size: 1 << cap, ..Default::default() };
                match decode::decode_bytes(&f.body, opts, &heapscope::profile::legacy::parse) {
                    Err(e) => prop_assert!(!e.to_string().contains('\n'), "{e}"),
                    Ok(p) => {
                        for idx in 0..p.sample_types.len() {
                            let o = TopOptions { sample_index: idx, ..Default::default() };
                            let r = report::top(&p, &o);
                            heapscope::render::top_text(&r, &mut Vec::new()).unwrap();
                        }
                    }
                }
            }
        }
    }

    /// The `elf` fuzz target's path: mutated binaries (with DWARF, and a
    /// real gcc executable) opened and probed at addresses.
    #[test]
    fn mutated_binaries_never_panic(seed in 0usize..3, ms in prop::collection::vec(mutation(), 1..8)) {
        let seeds = binary_seeds();
        let bytes = apply(seeds[seed % seeds.len()].clone(), &ms);
        check_binary(std::path::Path::new("mutated.bin"), &bytes);
    }
}
