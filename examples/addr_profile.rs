//! addr_profile: writes an address-only profile (profile.proto, gzip) whose
//! N locations are N distinct code addresses of a binary, for measuring
//! symbolization (`bench/symbolize_100k.sh`).
//!
//! ```text
//! cargo run --release --example addr_profile -- BINARY N OUT.pb.gz
//! ```
//!
//! Addresses are taken inside the binary's sized text symbols, spread
//! deterministically; the one mapping spans the whole address space with
//! offset 0 (as jemalloc_pprof writes them), so addresses are the binary's
//! own virtual addresses. Each sample is a stack of 8 locations.

use flate2::Compression;
use flate2::write::GzEncoder;
use heapscope::proto;
use object::{Object, ObjectSymbol, SymbolKind};
use prost::Message;
use std::io::Write;

fn main() {
    let a: Vec<String> = std::env::args().collect();
    if a.len() != 4 {
        eprintln!("usage: addr_profile BINARY N OUT.pb.gz");
        std::process::exit(2);
    }
    let n: usize = a[2].parse().expect("N");
    let data = std::fs::read(&a[1]).expect("read binary");
    let file = object::File::parse(&*data).expect("parse binary");
    let mut syms: Vec<(u64, u64)> = file
        .symbols()
        .chain(file.dynamic_symbols())
        .filter(|s| s.kind() == SymbolKind::Text && s.size() >= 16)
        .map(|s| (s.address(), s.size()))
        .collect();
    syms.sort_unstable();
    syms.dedup();
    assert!(!syms.is_empty(), "no sized text symbols");
    let mut addrs = std::collections::BTreeSet::new();
    let mut i: u64 = 0;
    while addrs.len() < n {
        let (start, size) = syms[(i.wrapping_mul(2654435761) % syms.len() as u64) as usize];
        let off = (i.wrapping_mul(40503) >> 3) % size;
        addrs.insert(start + off);
        i += 1;
        if i > 50 * n as u64 {
            break;
        }
    }
    let addrs: Vec<u64> = addrs.into_iter().collect();
    let mut p = proto::Profile {
        string_table: vec![
            "".into(),
            "inuse_space".into(),
            "bytes".into(),
            a[1].clone(),
        ],
        sample_type: vec![proto::ValueType { r#type: 1, unit: 2 }],
        mapping: vec![proto::Mapping {
            id: 1,
            memory_start: 0,
            memory_limit: u64::MAX,
            file_offset: 0,
            filename: 3,
            ..Default::default()
        }],
        ..Default::default()
    };
    for (k, &ad) in addrs.iter().enumerate() {
        p.location.push(proto::Location {
            id: k as u64 + 1,
            mapping_id: 1,
            address: ad,
            ..Default::default()
        });
    }
    let nl = addrs.len() as u64;
    for s in 0..nl.div_ceil(8) {
        let ids = (0..8).map(|j| (s * 8 + j) % nl + 1).collect();
        p.sample.push(proto::Sample {
            location_id: ids,
            value: vec![(s as i64 % 97 + 1) * 64],
            ..Default::default()
        });
    }
    let f = std::fs::File::create(&a[3]).expect("create output");
    let mut gz = GzEncoder::new(f, Compression::fast());
    gz.write_all(&p.encode_to_vec()).unwrap();
    gz.finish().unwrap();
    eprintln!(
        "{} unique addresses, {} samples",
        addrs.len(),
        p.sample.len()
    );
}
