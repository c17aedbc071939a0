//! check_rates: the false-alarm and detection rates of `heapscope check`,
//! measured on a simulation of Go's heap sampler.
//!
//! ```text
//! cargo run --release --example check_rates -- [--pairs 1000] [--seed 1]
//! ```
//!
//! The model (Go's `runtime.MemProfileRate`, default 512 KiB): every
//! object of size `s` is recorded with probability `q = 1 - exp(-s/rate)`;
//! the profile stores, per allocation site and size, the recorded count
//! scaled as Go's `scaleHeapSample` does (`n/q` objects, `n*s/q` bytes),
//! with the numeric label `bytes = s`. A heap *shape* is a list of sites
//! (object size, live objects). For each shape the example builds
//! `--pairs` unchanged pairs (two independent samplings of the same heap)
//! and `--pairs` changed pairs (NEW's site of sixteen 4 MiB objects +25%:
//! twenty; two more shapes show the limits with eight and four), encodes
//! each profile as profile.proto, and runs the real check code (decode,
//! node values, `report::check::evaluate`) with the rules
//! `--max-node-increase 256KiB --max-increase 5%`. A check that fails on
//! an unchanged pair is a false alarm; one that passes a changed pair is a
//! miss. The old policy (each node and rule judged at 2σ on its own) is
//! measured on the same pairs for comparison. `CHECK_RATES_DEBUG=1` prints
//! every failing check on stderr.
//!
//! Everything depends only on `--seed`.

use heapscope::aggregate::NodeOptions;
use heapscope::profile::decode::{DecodeOptions, decode_bytes, no_text_formats};
use heapscope::proto;
use heapscope::report::check::{self, CheckInput, Rule, Verdict};
use heapscope::report::{diff, nodes};
use prost::Message;

const RATE: f64 = 524288.0;
const KIB: i64 = 1024;
const MIB: i64 = 1 << 20;

/// splitmix64: a small, seeded generator (no dependency).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1].
    fn unit(&mut self) -> f64 {
        ((self.next() >> 11) as f64 + 1.0) / (1u64 << 53) as f64
    }

    /// How many of `n` objects are recorded with probability `q` each
    /// (skipping ahead geometrically between recorded objects).
    fn binomial(&mut self, n: i64, q: f64) -> i64 {
        if q >= 1.0 {
            return n;
        }
        let l = (1.0 - q).ln();
        let (mut i, mut k) = (0i64, 0i64);
        loop {
            i += (self.unit().ln() / l).floor() as i64 + 1;
            if i > n {
                return k;
            }
            k += 1;
        }
    }
}

/// One allocation site: a function name, an object size, live objects.
#[derive(Clone)]
struct Site {
    name: String,
    size: i64,
    objects: i64,
}

fn site(name: &str, size: i64, objects: i64) -> Site {
    Site {
        name: name.to_string(),
        size,
        objects,
    }
}

/// The changed site: 4 MiB objects.
const BIG: &str = "main.fourMiBSite";

fn shapes(rng: &mut Rng) -> Vec<(&'static str, Vec<Site>)> {
    let dozen = vec![
        site("main.s48", 48, 40000),
        site("main.s256", 256, 8000),
        site("main.s1k", KIB, 4000),
        site("main.s4k", 4 * KIB, 1000),
        site("main.s16k", 16 * KIB, 256),
        site("main.s64k", 64 * KIB, 64),
        site("main.s128k", 128 * KIB, 32),
        site("main.s512k", 512 * KIB, 8),
        site("main.s1m", MIB, 4),
        site("main.s2m", 2 * MIB, 2),
        site("main.s6m", 6 * MIB, 1),
        site(BIG, 4 * MIB, 16),
    ];
    let small: Vec<Site> = (0..20)
        .map(|i| site(&format!("main.small{i}"), 16 << (i % 9), 2000 + 500 * i))
        .chain([site(BIG, 4 * MIB, 16)])
        .collect();
    let large: Vec<Site> = (0..8)
        .map(|i| site(&format!("main.large{i}"), (256 * KIB) << (i % 6), 3 + i))
        .chain([site(BIG, 4 * MIB, 16)])
        .collect();
    // 60 sites, sizes log-uniform in 32 B .. 8 MiB, 64 KiB .. 16 MiB each.
    let many: Vec<Site> = (0..60)
        .map(|i| {
            let size = (32.0 * (2f64.powf(18.0 * rng.unit()))) as i64;
            let bytes = (64.0 * KIB as f64 * 2f64.powf(8.0 * rng.unit())) as i64;
            site(&format!("main.many{i}"), size, (bytes / size).max(1))
        })
        .chain([site(BIG, 4 * MIB, 16)])
        .collect();
    // The limits of detection: +25% of eight (four) 4 MiB objects is two
    // (one) objects, and a 4 MiB object goes unrecorded with probability
    // exp(-8) = 0.034%: one missed object in NEW (or one in BASE) and the
    // growth is within the noise at the family's level.
    let with_big = |n: i64| {
        let mut d = dozen.clone();
        d.last_mut().expect("a site").objects = n;
        d
    };
    vec![
        ("dozen sites, 48 B - 6 MiB", dozen.clone()),
        ("20 sites of small objects", small),
        ("8 sites of large objects", large),
        ("60 sites, random sizes", many),
        ("dozen sites, eight 4 MiB objects (limit)", with_big(8)),
        ("dozen sites, four 4 MiB objects (limit)", with_big(4)),
    ]
}

/// One sampled profile of `sites` (with the 4 MiB site scaled by `grow`).
fn profile(sites: &[Site], grow: f64, rng: &mut Rng) -> Vec<u8> {
    let mut strings: Vec<String> = vec![String::new()];
    let mut s = |x: &str| -> i64 {
        if let Some(i) = strings.iter().position(|y| y == x) {
            return i as i64;
        }
        strings.push(x.to_string());
        strings.len() as i64 - 1
    };
    let vt = |t: i64, u: i64| proto::ValueType { r#type: t, unit: u };
    let (count, bytes) = (s("count"), s("bytes"));
    let sample_type = vec![
        vt(s("alloc_objects"), count),
        vt(s("alloc_space"), bytes),
        vt(s("inuse_objects"), count),
        vt(s("inuse_space"), bytes),
    ];
    let period_type = Some(vt(s("space"), bytes));
    let main = s("main.main");
    let mut function = vec![proto::Function {
        id: 1,
        name: main,
        system_name: main,
        ..Default::default()
    }];
    let mut location = vec![proto::Location {
        id: 1,
        address: 0x1000,
        line: vec![proto::Line {
            function_id: 1,
            line: 1,
            column: 0,
        }],
        ..Default::default()
    }];
    let mut sample = Vec::new();
    for (i, st) in sites.iter().enumerate() {
        let id = i as u64 + 2;
        let name = s(&st.name);
        function.push(proto::Function {
            id,
            name,
            system_name: name,
            ..Default::default()
        });
        location.push(proto::Location {
            id,
            address: 0x1000 + 16 * id,
            line: vec![proto::Line {
                function_id: id,
                line: 1,
                column: 0,
            }],
            ..Default::default()
        });
        let live = if st.name == BIG {
            (st.objects as f64 * grow).round() as i64
        } else {
            st.objects
        };
        let q = 1.0 - (-(st.size as f64) / RATE).exp();
        let n = rng.binomial(live, q);
        if n == 0 {
            continue;
        }
        // Go's scaleHeapSample.
        let scale = 1.0 / q;
        let objs = (n as f64 * scale) as i64;
        let b = ((n * st.size) as f64 * scale) as i64;
        sample.push(proto::Sample {
            location_id: vec![id, 1],
            value: vec![objs, b, objs, b],
            label: vec![proto::Label {
                key: bytes,
                num: st.size,
                ..Default::default()
            }],
        });
    }
    proto::Profile {
        sample_type,
        sample,
        location,
        function,
        string_table: strings,
        period_type,
        period: RATE as i64,
        time_nanos: 1,
        ..Default::default()
    }
    .encode_to_vec()
}

/// (fails now, fails under the old per-node 2σ policy).
fn check_pair(base: &[u8], new: &[u8], rules: &[Rule]) -> (bool, bool) {
    let dec = |b: &[u8]| {
        decode_bytes(b, DecodeOptions::default(), &no_text_formats).expect("a valid profile")
    };
    let (bp, np) = (dec(base), dec(new));
    let idx = heapscope::profile::sample_index(&np, "inuse_space").expect("inuse_space");
    let opts = NodeOptions::default();
    let (bv, nv) = (
        nodes::node_values(&bp, idx, opts),
        nodes::node_values(&np, idx, opts),
    );
    let r = check::evaluate(
        rules,
        &CheckInput {
            base: Some(&bv),
            base_name: Some("base".into()),
            new: &nv,
            new_name: "new".into(),
            new_profile: &np,
            sample_index: idx,
            nodes: opts,
            strict: false,
        },
    )
    .expect("rules evaluate");
    if std::env::var_os("CHECK_RATES_DEBUG").is_some() && !r.passed() {
        // Every failing check, to see what fails.
        let mut w = std::io::stderr();
        heapscope::render::check::text(&r, &mut w).expect("stderr");
    }
    // The old policy: every comparison on its own at 2σ.
    let old = rules.iter().any(|rule| match rule {
        Rule::MaxNodeIncrease(l) => diff::rows(&bv, &nv, false)
            .iter()
            .any(|row| check::judge(row.delta, row.sigma, *l, false, 2.0) == Verdict::Fail),
        Rule::MaxIncreasePct(p) => {
            let l = (bv.total.value as f64 * p / 100.0).floor() as i64;
            let sigma = (bv.total.var + nv.total.var).sqrt();
            check::judge(nv.total.value - bv.total.value, sigma, l, false, 2.0) == Verdict::Fail
        }
        _ => false,
    });
    (!r.passed(), old)
}

fn main() {
    let mut pairs = 1000usize;
    let mut seed = 1u64;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let v = args.next().unwrap_or_default();
        match a.as_str() {
            "--pairs" => pairs = v.parse().expect("--pairs N"),
            "--seed" => seed = v.parse().expect("--seed N"),
            _ => {
                eprintln!("usage: check_rates [--pairs N] [--seed S]");
                std::process::exit(2);
            }
        }
    }
    let mut rng = Rng(seed);
    let rules = vec![Rule::MaxNodeIncrease(256 * KIB), Rule::MaxIncreasePct(5.0)];
    println!(
        "Go sampler model, rate {} KiB; rules --max-node-increase 256KiB --max-increase 5%; \
         {pairs} unchanged and {pairs} changed pairs per shape (seed {seed})",
        RATE as i64 / 1024
    );
    println!(
        "{:<42} {:>14} {:>9} {:>9}",
        "heap shape", "false alarms", "(old 2σ)", "detected"
    );
    let (mut fa, mut fa_old, mut det, mut n_all) = (0usize, 0usize, 0usize, 0usize);
    let mut det_main = (0usize, 0usize);
    for (name, sites) in shapes(&mut rng) {
        let (mut f, mut f_old, mut d) = (0usize, 0usize, 0usize);
        for _ in 0..pairs {
            let base = profile(&sites, 1.0, &mut rng);
            let same = profile(&sites, 1.0, &mut rng);
            let (now, old) = check_pair(&base, &same, &rules);
            f += usize::from(now);
            f_old += usize::from(old);
            let grown = profile(&sites, 1.25, &mut rng);
            d += usize::from(check_pair(&base, &grown, &rules).0);
        }
        let pct = |k: usize| format!("{:.2}%", 100.0 * k as f64 / pairs as f64);
        println!(
            "{name:<42} {:>14} {:>9} {:>9}",
            format!("{f}/{pairs} {}", pct(f)),
            pct(f_old),
            format!("{}", pct(d))
        );
        fa += f;
        fa_old += f_old;
        det += d;
        n_all += pairs;
        if !name.contains("(limit)") {
            det_main.0 += d;
            det_main.1 += pairs;
        }
    }
    println!(
        "all shapes: false alarms {fa}/{n_all} ({:.2}%; old 2σ policy {:.2}%), detected {det}/{n_all}; \
         the four shapes with sixteen 4 MiB objects: detected {}/{}",
        100.0 * fa as f64 / n_all as f64,
        100.0 * fa_old as f64 / n_all as f64,
        det_main.0,
        det_main.1
    );
}
