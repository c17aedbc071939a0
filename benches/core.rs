//! Micro-benchmarks of the three stages of `top`, with throughput:
//! decode (gzip + profile.proto + validation), aggregate (node table and
//! the flat/cum pass), and report + render (trimming, sorting, text).
//! Run with `cargo bench --bench core`. The input is a Go-like heap
//! profile built here from a fixed seed (for whole-program timings on
//! 1/20/150 MB profiles see `bench/run.sh`).

use divan::counter::{BytesCount, ItemsCount};
use divan::{Bencher, black_box};
use flate2::Compression;
use flate2::write::GzEncoder;
use heapscope::aggregate::{self, NodeOptions};
use heapscope::profile::Profile;
use heapscope::profile::decode::{self, DecodeOptions};
use heapscope::proto;
use heapscope::report::{self, TopOptions};
use prost::Message;
use std::io::Write;
use std::sync::OnceLock;

fn main() {
    divan::main();
}

/// 50,000 samples over 2,000 functions, stacks of 8..40 frames sharing
/// prefixes, four sample types and a `bytes` label.
fn gz() -> &'static Vec<u8> {
    static GZ: OnceLock<Vec<u8>> = OnceLock::new();
    GZ.get_or_init(|| {
        let mut p = proto::Profile {
            string_table: vec![String::new()],
            ..Default::default()
        };
        let s = |p: &mut proto::Profile, x: &str| -> i64 {
            p.string_table.push(x.to_string());
            (p.string_table.len() - 1) as i64
        };
        for (t, u) in [
            ("alloc_objects", "count"),
            ("alloc_space", "bytes"),
            ("inuse_objects", "count"),
            ("inuse_space", "bytes"),
        ] {
            let vt = proto::ValueType {
                r#type: s(&mut p, t),
                unit: s(&mut p, u),
            };
            p.sample_type.push(vt);
        }
        let file = s(&mut p, "github.com/acme/service/internal/handler.go");
        let bytes_key = s(&mut p, "bytes");
        for f in 1..=2000u64 {
            let name = s(
                &mut p,
                &format!(
                    "github.com/acme/service/pkg{}.(*T{}).Method{}",
                    f % 40,
                    f % 7,
                    f
                ),
            );
            p.function.push(proto::Function {
                id: f,
                name,
                system_name: name,
                filename: file,
                start_line: f as i64,
            });
            p.location.push(proto::Location {
                id: f,
                address: 0x400000 + f * 64,
                line: vec![proto::Line {
                    function_id: f,
                    line: 10 + f as i64,
                    column: 0,
                }],
                ..Default::default()
            });
        }
        let mut x: u64 = 0x9e3779b97f4a7c15;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..50_000 {
            let depth = 8 + (next() % 33) as usize;
            let root = next() % 16;
            let mut stack: Vec<u64> = (0..depth)
                .map(|d| {
                    1 + (root * 97 + d as u64 * 31 + if d > depth / 2 { next() % 50 } else { 0 })
                        % 2000
                })
                .collect();
            stack.reverse();
            let size = 16 << (next() % 10);
            let n = 1 + (next() % 8) as i64;
            p.sample.push(proto::Sample {
                location_id: stack,
                value: vec![n * 4, n * 4 * size, n, n * size],
                label: vec![proto::Label {
                    key: bytes_key,
                    str: 0,
                    num: size,
                    num_unit: 0,
                }],
            });
        }
        let mut e = GzEncoder::new(Vec::new(), Compression::default());
        e.write_all(&p.encode_to_vec()).unwrap();
        e.finish().unwrap()
    })
}

fn profile() -> &'static Profile {
    static P: OnceLock<Profile> = OnceLock::new();
    P.get_or_init(|| {
        decode::decode_bytes(gz(), DecodeOptions::default(), &decode::no_text_formats).unwrap()
    })
}

#[divan::bench]
fn decode(b: Bencher) {
    let gz = gz();
    b.counter(BytesCount::new(gz.len())).bench(|| {
        decode::decode_bytes(
            black_box(gz),
            DecodeOptions::default(),
            &decode::no_text_formats,
        )
        .unwrap()
    });
}

#[divan::bench]
fn aggregate(b: Bencher) {
    let p = profile();
    b.counter(ItemsCount::new(p.samples.locs.len())).bench(|| {
        let t = aggregate::node_table(p, NodeOptions::default());
        aggregate::flat_cum(p, &t, 3)
    });
}

#[divan::bench]
fn report_and_render(b: Bencher) {
    let p = profile();
    b.counter(ItemsCount::new(p.samples.len())).bench(|| {
        let r = report::top(
            p,
            &TopOptions {
                sample_index: 3,
                ..Default::default()
            },
        );
        let mut out = Vec::with_capacity(1 << 16);
        heapscope::render::top_text(&r, &mut out).unwrap();
        out
    });
}
