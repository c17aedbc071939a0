//! Symbolization: address-only profiles (Rust jemalloc_pprof, C++
//! gperftools) symbolized in-process against their binaries, checked
//! against GNU addr2line and upstream pprof's outputs; the degraded cases
//! (build-ID mismatch, stripped, missing and truncated binaries) warn and
//! give a partial result; and heapscope symbolizes a profile of its own
//! test binary.
//!
//! Fixtures are in `testdata/symbolize/` (see its README). Tests that
//! compare with binutils skip with a note when it is absent, and fail
//! under `CI=true` (`.ci/run` installs it); only regenerating a golden
//! (`HEAPSCOPE_BLESS=1`) reads `../shared/`.

use heapscope::profile::decode::{self, DecodeOptions};
use heapscope::profile::{Profile, encode};
use heapscope::proto;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const RUST_BUILD_ID: &str = "e540a5130eccc16fee6c44b6a2d5741724f8de6e";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> PathBuf {
    root().join("testdata/symbolize").join(name)
}

fn heapscope(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_heapscope"))
        .args(args)
        .current_dir(cwd)
        .env_remove("HEAPSCOPE_BINARY_PATH")
        .env_remove("PPROF_BINARY_PATH")
        .output()
        .expect("run heapscope")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn read_profile(path: &Path) -> Profile {
    let f = std::fs::File::open(path).unwrap();
    decode::decode_reader(
        f,
        DecodeOptions {
            max_input_size: 1 << 30,
            ..Default::default()
        },
        &decode::no_text_formats,
    )
    .unwrap()
}

/// Rows of a `top` table: name -> (flat, cum) columns as printed.
fn top_rows(out: &str) -> BTreeMap<String, (String, String)> {
    let mut rows = BTreeMap::new();
    let mut in_table = false;
    for l in out.lines() {
        if l.starts_with("      flat") {
            in_table = true;
            continue;
        }
        if !in_table {
            continue;
        }
        let cols: Vec<&str> = l.split_whitespace().collect();
        if cols.len() < 6 {
            continue;
        }
        rows.insert(
            cols[5..].join(" "),
            (cols[0].to_string(), cols[3].to_string()),
        );
    }
    rows
}

#[test]
fn rust_jemalloc_profile_gets_names_inlines_and_flags() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("sym.pb.gz");
    let o = heapscope(
        &[
            "symbolize",
            root()
                .join("testdata/rust_jemalloc.pb.gz")
                .to_str()
                .unwrap(),
            "--binary",
            fixture("rust_heap_demo.debug").to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
        d.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    // The written profile needs no binary any more.
    let t = heapscope(
        &["top", "--no-trim", "--symbolize=none", "sym.pb.gz"],
        d.path(),
    );
    assert!(t.status.success(), "{}", text(&t.stderr));
    let rows = top_rows(&text(&t.stdout));
    for (name, cum) in [
        ("rust_heap_demo::path_a", "2048000B"),
        ("rust_heap_demo::path_b", "2146304B"),
        ("rust_heap_demo::build_cache", "4395008B"),
        ("rust_heap_demo::recurse", "205824B"),
    ] {
        let r = rows
            .get(name)
            .unwrap_or_else(|| panic!("no row {name} in\n{rows:#?}"));
        assert_eq!(r.1, cum, "{name}");
    }
    assert!(
        rows.keys().any(|k| k.ends_with(" (inline)")),
        "inlined frames expected"
    );
    let p = read_profile(&out);
    let m = p
        .mappings
        .iter()
        .find(|m| p.str(m.build_id) == RUST_BUILD_ID && m.has_functions)
        .expect("the text mapping is marked symbolized");
    assert!(m.has_filenames && m.has_line_numbers && m.has_inline_frames);
    // Function.start_line comes from DW_AT_decl_line.
    let f = p
        .functions
        .iter()
        .find(|f| p.str(f.name) == "rust_heap_demo::path_a")
        .unwrap();
    assert_eq!(f.start_line, 23);
    assert!(p.str(f.system_name).starts_with("_R") || p.str(f.system_name).starts_with("_ZN"));
}

#[test]
fn symbolize_none_and_demangle_none() {
    let prof = root().join("testdata/rust_jemalloc.pb.gz");
    let bin = fixture("rust_heap_demo.debug");
    let cwd = root().join("testdata/symbolize");
    let none = heapscope(
        &[
            "top",
            "--symbolize=none",
            "--binary",
            bin.to_str().unwrap(),
            prof.to_str().unwrap(),
        ],
        &cwd,
    );
    assert!(!text(&none.stdout).contains("path_a"));
    let raw = heapscope(
        &[
            "top",
            "--no-trim",
            "--demangle=none",
            "--binary",
            bin.to_str().unwrap(),
            prof.to_str().unwrap(),
        ],
        &cwd,
    );
    let out = text(&raw.stdout);
    assert!(out.contains("_ZN") || out.contains("_R"), "{out}");
    assert!(!out.contains("rust_heap_demo::path_a"));
}

/// Rows of functions from the gperftools program itself (not the system
/// libraries, which differ between machines).
const HEAPDEMO_FUNCS: [&str; 9] = [
    "alloc_leaf",
    "path_a",
    "path_b",
    "recurse",
    "make_array",
    "main",
    "thread_body",
    "build_cache[abi:cxx11]",
    "Store::add",
];

#[test]
fn gperftools_pie_and_nopie_agree_with_upstream_pprof() {
    // google/pprof's own build with binutils on the same profiles (the
    // shared corpus's gperftools/ref/KIND.0001/upstream/, copied).
    let upstream = root().join("testdata/symbolize/upstream");
    for kind in ["pie", "nopie"] {
        let cwd = root().join("testdata/symbolize");
        let o = heapscope(
            &[
                "top",
                "--no-trim",
                "--sample-index",
                "alloc_objects",
                "--binary",
                &format!("heapdemo_{kind}"),
                &format!("gperftools_{kind}.pb.gz"),
            ],
            &cwd,
        );
        assert!(o.status.success(), "{}", text(&o.stderr));
        let got = top_rows(&text(&o.stdout));
        for f in HEAPDEMO_FUNCS {
            assert!(
                got.contains_key(f),
                "{kind}: no row {f}:\n{}",
                text(&o.stdout)
            );
        }
        let refp = upstream.join(format!("{kind}_top_trimfalse__alloc_objects.txt"));
        let want =
            std::fs::read_to_string(&refp).unwrap_or_else(|e| panic!("{}: {e}", refp.display()));
        let want = top_rows(&want);
        for f in HEAPDEMO_FUNCS {
            assert_eq!(got.get(f), want.get(f), "{kind}: {f}");
        }
    }
}

/// `addr2line` output for many addresses: frames (function, file, line)
/// per address, innermost first.
fn gnu_addr2line(bin: &Path, addrs: &[u64]) -> Option<Vec<Vec<(String, String, i64)>>> {
    let args: Vec<String> = addrs.iter().map(|a| format!("{a:#x}")).collect();
    let o = Command::new("addr2line")
        .args(["-a", "-f", "-i", "-C", "-e"])
        .arg(bin)
        .args(&args)
        .output()
        .ok()?;
    if !o.status.success() {
        return None;
    }
    let out = text(&o.stdout);
    let mut res: Vec<Vec<(String, String, i64)>> = Vec::new();
    let mut lines = out.lines().peekable();
    while let Some(l) = lines.next() {
        if l.starts_with("0x") {
            res.push(Vec::new());
            continue;
        }
        let func = l.to_string();
        let loc = lines.next().unwrap_or("??:0");
        let loc = loc.split(" (discriminator").next().unwrap();
        let (file, line) = loc.rsplit_once(':').unwrap_or((loc, "0"));
        let file = if file == "??" { "" } else { file };
        res.last_mut()?
            .push((func, file.to_string(), line.parse().unwrap_or(0)));
    }
    Some(res)
}

/// Names compared without generic/template arguments, parameters and
/// hashes, which GNU addr2line and the demanglers print differently.
fn simplify(name: &str) -> String {
    let mut out = String::new();
    let (mut angle, mut paren) = (0i32, 0i32);
    let b: Vec<char> = name.chars().collect();
    for (i, &c) in b.iter().enumerate() {
        match c {
            '<' => angle += 1,
            '>' if !(i > 0 && b[i - 1] == '-') => angle -= 1,
            '(' => paren += 1,
            ')' => paren -= 1,
            _ if angle == 0 && paren == 0 => out.push(c),
            _ => {}
        }
    }
    out.trim_end_matches(" const").to_string()
}

fn clean_path(p: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for s in p.split('/') {
        if s == "." || (s.is_empty() && !parts.is_empty()) {
            continue;
        }
        parts.push(s);
    }
    parts.join("/")
}

fn check_against_addr2line(profile: &Path, bin: &Path, binary_arg: &str) -> usize {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("s.pb.gz");
    let o = heapscope(
        &[
            "symbolize",
            profile.to_str().unwrap(),
            "--binary",
            binary_arg,
            "--demangle=full",
            "-o",
            out.to_str().unwrap(),
        ],
        &root().join("testdata/symbolize"),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let p = read_profile(&out);
    let b = heapscope::symbolize::binary::Binary::open(bin).unwrap();
    let mut addrs = Vec::new();
    let mut locs = Vec::new();
    for l in &p.locations {
        let Some(mi) = l.mapping else { continue };
        let m = p.mapping(mi);
        let name = Path::new(p.str(m.filename))
            .file_name()
            .map(|s| s.to_string_lossy().into_owned());
        let want = bin.file_name().map(|s| s.to_string_lossy().into_owned());
        let by_id = !p.str(m.build_id).is_empty() && p.str(m.build_id) == b.build_id;
        if !(by_id
            || name.as_deref().map(|n| n.split('.').next())
                == want.as_deref().map(|n| n.split('.').next()))
        {
            continue;
        }
        let base = heapscope::symbolize::compute_base(
            &b.layout,
            m.memory_start,
            m.memory_limit,
            m.file_offset,
            l.address,
        )
        .unwrap();
        addrs.push(l.address.wrapping_sub(base));
        locs.push(l);
    }
    assert!(!addrs.is_empty());
    let Some(gnu) = gnu_addr2line(bin, &addrs) else {
        crate::common::missing_tool("GNU addr2line");
        return 0;
    };
    assert_eq!(gnu.len(), addrs.len());
    let mut compared = 0;
    for ((l, addr), g) in locs.iter().zip(&addrs).zip(&gnu) {
        let ours = p.lines_of(l);
        if g.iter().all(|f| f.0 == "??") {
            continue;
        }
        assert_eq!(
            ours.len(),
            g.len(),
            "{addr:#x}: frame count, ours {ours:?} vs addr2line {g:?}"
        );
        for (ln, (gf, gfile, gline)) in ours.iter().zip(g) {
            let f = p.function(ln.function);
            // GNU addr2line names an inlined C++ lambda after the function
            // enclosing it; llvm-symbolizer (so pprof) and heapscope print
            // the lambda's own DW_AT_name, `operator()`.
            if p.str(f.name) != "operator()" {
                assert_eq!(simplify(p.str(f.name)), simplify(gf), "{addr:#x}: function");
            }
            assert_eq!(
                clean_path(p.str(f.filename)),
                clean_path(gfile),
                "{addr:#x}: file"
            );
            assert_eq!(ln.line, *gline, "{addr:#x}: line");
        }
        compared += 1;
    }
    compared
}

#[test]
fn frames_agree_with_gnu_addr2line() {
    if Command::new("addr2line").arg("--version").output().is_err() {
        crate::common::missing_tool("GNU addr2line");
        return;
    }
    let n = check_against_addr2line(
        &root().join("testdata/rust_jemalloc.pb.gz"),
        &fixture("rust_heap_demo.debug"),
        fixture("rust_heap_demo.debug").to_str().unwrap(),
    );
    assert!(n >= 60, "only {n} Rust addresses compared");
    for kind in ["pie", "nopie"] {
        let bin = fixture(&format!("heapdemo_{kind}"));
        let n = check_against_addr2line(
            &fixture(&format!("gperftools_{kind}.pb.gz")),
            &bin,
            bin.to_str().unwrap(),
        );
        assert!(n >= 15, "only {n} {kind} addresses compared");
    }
}

fn assert_partial(o: &Output, must_mention: &[&str]) -> String {
    assert!(
        o.status.success(),
        "exit {:?}: {}",
        o.status,
        text(&o.stderr)
    );
    let err = text(&o.stderr);
    let warnings: Vec<&str> = err.lines().filter(|l| l.contains("warning")).collect();
    assert_eq!(warnings.len(), 1, "one warning line expected:\n{err}");
    assert!(warnings[0].contains("left unsymbolized"), "{err}");
    for m in must_mention {
        assert!(warnings[0].contains(m), "warning lacks {m:?}: {err}");
    }
    text(&o.stdout)
}

#[test]
fn build_id_mismatch_warns_and_keeps_addresses() {
    let d = tempfile::tempdir().unwrap();
    // A binary with the right name and the wrong build ID.
    std::fs::copy(fixture("heapdemo_pie"), d.path().join("rust_heap_demo")).unwrap();
    let other = heapscope::symbolize::binary::Binary::open(&fixture("heapdemo_pie")).unwrap();
    std::fs::copy(
        root().join("testdata/rust_jemalloc.pb.gz"),
        d.path().join("p.pb.gz"),
    )
    .unwrap();
    let o = heapscope(&["top", "--binary", "rust_heap_demo", "p.pb.gz"], d.path());
    let out = assert_partial(&o, &["build ID mismatch", RUST_BUILD_ID, &other.build_id]);
    assert!(out.contains("[rust_heap_demo]"), "{out}");
}

#[test]
fn missing_binary_warns() {
    let d = tempfile::tempdir().unwrap();
    let o = heapscope(
        &["top", fixture("gperftools_pie.pb.gz").to_str().unwrap()],
        d.path(),
    );
    let out = assert_partial(
        &o,
        &["/src/corpus/gperftools/heapdemo_pie", "binary not found"],
    );
    assert!(out.contains("[heapdemo_pie]"), "{out}");
}

#[test]
fn stripped_binary_warns() {
    let d = tempfile::tempdir().unwrap();
    let stripped = d.path().join("heapdemo_pie");
    let ok = Command::new("strip")
        .arg("-o")
        .arg(&stripped)
        .arg(fixture("heapdemo_pie"))
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !ok {
        crate::common::missing_tool("strip (binutils)");
        return;
    }
    let o = heapscope(
        &[
            "top",
            "--binary",
            "heapdemo_pie",
            fixture("gperftools_pie.pb.gz").to_str().unwrap(),
        ],
        d.path(),
    );
    let out = assert_partial(&o, &["heapdemo_pie"]);
    assert!(!out.contains("path_a"), "{out}");
}

#[test]
fn truncated_elf_warns() {
    let d = tempfile::tempdir().unwrap();
    for (src, keep, name) in [
        ("heapdemo_pie", 4096usize, "heapdemo_pie"),
        ("heapdemo_pie", 200_000, "heapdemo_pie"),
        ("rust_heap_demo.debug", 1_500_000, "rust_heap_demo"),
    ] {
        let bytes = std::fs::read(fixture(src)).unwrap();
        std::fs::write(d.path().join(name), &bytes[..keep.min(bytes.len())]).unwrap();
        let prof = if name == "rust_heap_demo" {
            root().join("testdata/rust_jemalloc.pb.gz")
        } else {
            fixture("gperftools_pie.pb.gz")
        };
        let o = heapscope(&["top", "--binary", name, prof.to_str().unwrap()], d.path());
        assert!(o.status.success(), "{src}@{keep}: {}", text(&o.stderr));
        let err = text(&o.stderr);
        assert!(err.contains("left unsymbolized"), "{src}@{keep}: {err}");
        assert_eq!(
            err.lines().filter(|l| l.contains("warning")).count(),
            1,
            "{err}"
        );
    }
}

#[inline(never)]
fn marker_alpha() -> u64 {
    std::hint::black_box(1)
}

#[inline(never)]
fn marker_beta() -> u64 {
    std::hint::black_box(2)
}

/// A profile of this very test binary: two locations at the addresses of
/// two functions, with mappings from /proc/self/maps; heapscope must find
/// the executable by the mapping's path and name both functions.
#[test]
fn symbolizes_its_own_test_binary() {
    let Ok(maps) = std::fs::read_to_string("/proc/self/maps") else {
        eprintln!("note: no /proc/self/maps; skipped");
        return;
    };
    let exe = std::env::current_exe().unwrap().canonicalize().unwrap();
    let exe_s = exe.to_string_lossy().into_owned();
    let _ = (marker_alpha(), marker_beta());
    let fns = [
        marker_alpha as fn() -> u64 as usize as u64,
        marker_beta as fn() -> u64 as usize as u64,
    ];
    let mut p = proto::Profile {
        string_table: vec!["".into(), "space".into(), "bytes".into(), exe_s.clone()],
        sample_type: vec![proto::ValueType { r#type: 1, unit: 2 }],
        ..Default::default()
    };
    for l in maps.lines() {
        let cols: Vec<&str> = l.split_whitespace().collect();
        if cols.len() < 6 || cols[5] != exe_s {
            continue;
        }
        let (s, e) = cols[0].split_once('-').unwrap();
        p.mapping.push(proto::Mapping {
            id: p.mapping.len() as u64 + 1,
            memory_start: u64::from_str_radix(s, 16).unwrap(),
            memory_limit: u64::from_str_radix(e, 16).unwrap(),
            file_offset: u64::from_str_radix(cols[2], 16).unwrap(),
            filename: 3,
            ..Default::default()
        });
    }
    for (i, &a) in fns.iter().enumerate() {
        let m = p
            .mapping
            .iter()
            .find(|m| a >= m.memory_start && a < m.memory_limit)
            .expect("function inside a mapping of the executable");
        p.location.push(proto::Location {
            id: i as u64 + 1,
            mapping_id: m.id,
            address: a,
            ..Default::default()
        });
        p.sample.push(proto::Sample {
            location_id: vec![i as u64 + 1],
            value: vec![100 * (i as i64 + 1)],
            ..Default::default()
        });
    }
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("self.pb.gz");
    let decoded = {
        use prost::Message;
        let bytes = p.encode_to_vec();
        decode::decode_reader(
            &bytes[..],
            DecodeOptions {
                max_input_size: 1 << 30,
                ..Default::default()
            },
            &decode::no_text_formats,
        )
        .unwrap()
    };
    encode::write_gzip(&decoded, std::fs::File::create(&path).unwrap()).unwrap();
    let o = heapscope(&["top", "--no-trim", path.to_str().unwrap()], d.path());
    assert!(o.status.success(), "{}", text(&o.stderr));
    let rows = top_rows(&text(&o.stdout));
    // Cum, not flat: in an optimized build the first instruction belongs to
    // black_box inlined into the marker, which then holds the flat value.
    assert_eq!(
        rows.get("it::symbolize::marker_beta").map(|r| r.1.as_str()),
        Some("200B"),
        "{rows:#?}\n{}",
        text(&o.stderr)
    );
    assert_eq!(
        rows.get("it::symbolize::marker_alpha")
            .map(|r| r.1.as_str()),
        Some("100B")
    );
}

/// Each frame's function start line (`DW_AT_decl_line`, followed through
/// abstract origins and specifications, also into other compilation
/// units), which pprof keeps in `files` granularity, checked against
/// llvm-symbolizer's `StartLine` (pprof's preferred symbolizer) for every
/// Rust address. The golden `rust_start_lines.txt` holds `ADDR LINE...`
/// (innermost first); `HEAPSCOPE_BLESS=1` remakes it with llvm-symbolizer
/// (`LLVM_SYMBOLIZER`, default on PATH) on the corpus's unshrunk binary
/// (`CORPUS`, default `../shared/corpus`): llvm-symbolizer 14 cannot read
/// the fixture's zstd-compressed DWARF.
#[test]
fn start_lines_agree_with_llvm_symbolizer() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("s.pb.gz");
    let bin = fixture("rust_heap_demo.debug");
    let o = heapscope(
        &[
            "symbolize",
            root()
                .join("testdata/rust_jemalloc.pb.gz")
                .to_str()
                .unwrap(),
            "--binary",
            bin.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
        &root(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let p = read_profile(&out);
    let mut ours: BTreeMap<u64, Vec<i64>> = BTreeMap::new();
    for l in &p.locations {
        let Some(mi) = l.mapping else { continue };
        if p.str(p.mapping(mi).build_id) != RUST_BUILD_ID || p.lines_of(l).is_empty() {
            continue;
        }
        let starts = p
            .lines_of(l)
            .iter()
            .map(|ln| p.function(ln.function).start_line)
            .collect();
        ours.insert(l.address, starts);
    }
    assert!(ours.len() >= 60, "only {} Rust addresses", ours.len());
    let golden = fixture("rust_start_lines.txt");
    if std::env::var_os("HEAPSCOPE_BLESS").is_some() {
        bless_start_lines(&golden, ours.keys().copied());
    }
    let want = std::fs::read_to_string(&golden).unwrap();
    let mut compared = 0;
    let mut differ = Vec::new();
    for l in want.lines().filter(|l| !l.starts_with('#')) {
        let mut it = l.split_whitespace();
        let addr = u64::from_str_radix(it.next().unwrap().trim_start_matches("0x"), 16).unwrap();
        let lines: Vec<i64> = it.map(|x| x.parse().unwrap()).collect();
        let Some(o) = ours.get(&addr) else { continue };
        if lines.iter().all(|&x| x == 0) && o.iter().all(|&x| x == 0) {
            continue; // symbol-table frames: no start line on either side
        }
        compared += 1;
        if *o != lines {
            differ.push(format!("{addr:#x}: ours {o:?}, llvm-symbolizer {lines:?}"));
        }
    }
    assert!(compared >= 60, "only {compared} addresses compared");
    assert!(differ.is_empty(), "{}", differ.join("\n"));
}

/// Writes `ADDR LINE...` for each address, from llvm-symbolizer.
fn bless_start_lines(golden: &Path, addrs: impl Iterator<Item = u64>) {
    use std::io::Write;
    let corpus = std::env::var_os("CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/corpus"));
    let bin = corpus.join("rust_jemalloc/rust_heap_demo");
    let tool = std::env::var("LLVM_SYMBOLIZER").unwrap_or_else(|_| "llvm-symbolizer".into());
    let addrs: Vec<u64> = addrs.collect();
    let mut child = Command::new(&tool)
        .args([
            "--inlining",
            "-demangle=false",
            "--output-style=JSON",
            "--obj",
        ])
        .arg(&bin)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{tool}: {e}"));
    let input: String = addrs.iter().map(|a| format!("{a:#x}\n")).collect();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success());
    let mut out =
        format!("# {tool} --inlining --output-style=JSON on rust_heap_demo: StartLine per frame\n");
    for (a, l) in addrs.iter().zip(text(&o.stdout).lines()) {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        let lines: Vec<String> = v["Symbol"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["StartLine"].as_i64().unwrap_or(0).to_string())
            .collect();
        out.push_str(&format!("{a:#x} {}\n", lines.join(" ")));
    }
    std::fs::write(golden, out).unwrap();
}

/// The warning lines of a run that must succeed.
fn warnings(o: &Output) -> Vec<String> {
    assert!(
        o.status.success(),
        "exit {:?}: {}",
        o.status,
        text(&o.stderr)
    );
    text(&o.stderr)
        .lines()
        .filter(|l| l.contains("warning"))
        .map(str::to_string)
        .collect()
}

/// `heapscope top --binary BINARY PROFILE` in `dir`, which must succeed
/// and warn that BINARY may be the wrong file: that warning line.
fn suspect_warning(binary: &Path, profile: &Path, dir: &Path) -> String {
    let o = heapscope(
        &[
            "top",
            "--binary",
            binary.to_str().unwrap(),
            profile.to_str().unwrap(),
        ],
        dir,
    );
    let name = binary.file_name().unwrap().to_string_lossy();
    suspect_line(&warnings(&o), &name).to_string()
}

fn suspect_line<'a>(w: &'a [String], binary: &str) -> &'a str {
    w.iter()
        .find(|l| l.contains(&format!("{binary} may not be the binary of mapping")))
        .unwrap_or_else(|| panic!("no suspect warning for {binary}: {w:?}"))
}

#[test]
fn wrong_binary_for_a_profile_without_build_ids_warns() {
    // Go's debug=1 text has no mappings and no build IDs: a C++ PIE binary
    // has no executable segment where Go's addresses are.
    let d = tempfile::tempdir().unwrap();
    let prof = root().join("testdata/legacy/heap_debug1.txt");
    let l = suspect_warning(&fixture("heapdemo_pie"), &prof, d.path());
    assert!(
        l.contains("addresses fall outside its executable segments"),
        "{l}"
    );
    assert!(l.contains("its frames may be wrong"), "{l}");
}

#[test]
fn pie_profile_against_the_non_pie_build_warns() {
    let d = tempfile::tempdir().unwrap();
    let prof = fixture("gperftools_pie.pb.gz");
    let l = suspect_warning(&fixture("heapdemo_nopie"), &prof, d.path());
    assert!(
        l.contains("the profile's mapping is heapdemo_pie, the binary is heapdemo_nopie"),
        "{l}"
    );
    assert!(l.contains("fixed-address (non-PIE) executable"), "{l}");
    // Renamed to the mapping's name, the build still gives itself away.
    std::fs::copy(fixture("heapdemo_nopie"), d.path().join("heapdemo_pie")).unwrap();
    let l = suspect_warning(&d.path().join("heapdemo_pie"), &prof, d.path());
    assert!(!l.contains("the profile's mapping is"), "{l}");
    assert!(l.contains("fixed-address (non-PIE) executable"), "{l}");
    assert!(l.contains("outside its executable segments"), "{l}");
}

#[test]
fn non_pie_profile_against_the_pie_build_warns() {
    let d = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("heapdemo_pie"), d.path().join("heapdemo_nopie")).unwrap();
    let l = suspect_warning(
        &d.path().join("heapdemo_nopie"),
        &fixture("gperftools_nopie.pb.gz"),
        d.path(),
    );
    assert!(l.contains("outside its executable segments"), "{l}");
}

#[test]
fn right_binaries_raise_no_suspicion() {
    let d = tempfile::tempdir().unwrap();
    for (p, b) in [
        ("gperftools_pie.pb.gz", "heapdemo_pie"),
        ("gperftools_nopie.pb.gz", "heapdemo_nopie"),
    ] {
        let o = heapscope(
            &[
                "top",
                "--binary",
                fixture(b).to_str().unwrap(),
                fixture(p).to_str().unwrap(),
            ],
            d.path(),
        );
        let w = warnings(&o);
        assert!(
            !w.iter().any(|l| l.contains(&format!("{b} may not be"))),
            "{p}: {w:?}"
        );
    }
}

#[test]
fn build_id_mismatch_is_named_even_when_the_file_names_differ() {
    let d = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("testdata/rust_jemalloc.pb.gz"),
        d.path().join("p.pb.gz"),
    )
    .unwrap();
    let other = heapscope::symbolize::binary::Binary::open(&fixture("heapdemo_pie")).unwrap();
    let bin = fixture("heapdemo_pie");
    let o = heapscope(
        &["top", "--binary", bin.to_str().unwrap(), "p.pb.gz"],
        d.path(),
    );
    let out = assert_partial(&o, &[]);
    let err = text(&o.stderr);
    let want = format!(
        "./rust_heap_demo: build ID mismatch: the profile wants {RUST_BUILD_ID}, {} has {}",
        bin.display(),
        other.build_id
    );
    assert!(err.contains(&want), "{err}");
    assert!(!err.contains("./rust_heap_demo: binary not found"), "{err}");
    assert!(out.contains("[rust_heap_demo]"), "{out}");
}

/// `symbolize` on `profile` in a fresh folder; (exit code, stderr, whether
/// OUT was written).
fn symbolize_cmd(profile: &Path, extra: &[&str]) -> (Option<i32>, String, bool) {
    let d = tempfile::tempdir().unwrap();
    let mut args = vec!["symbolize", profile.to_str().unwrap(), "-o", "out.pb.gz"];
    args.extend(extra);
    let o = heapscope(&args, d.path());
    (
        o.status.code(),
        text(&o.stderr),
        d.path().join("out.pb.gz").exists(),
    )
}

#[test]
fn symbolize_fails_when_the_main_mapping_stays_unresolved() {
    let prof = root().join("testdata/rust_jemalloc.pb.gz");
    let (code, err, written) = symbolize_cmd(&prof, &[]);
    assert_eq!(code, Some(2), "{err}");
    assert!(!written);
    assert!(
        err.contains(
            "the main binary's mapping ./rust_heap_demo stayed unresolved (binary not found"
        ),
        "{err}"
    );
    // A binary with another build ID: the mismatch is the reason given.
    let (code, err, written) = symbolize_cmd(
        &prof,
        &["--binary", fixture("heapdemo_pie").to_str().unwrap()],
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(!written);
    assert!(
        err.contains(&format!(
            "stayed unresolved (build ID mismatch: the profile wants {RUST_BUILD_ID}"
        )),
        "{err}"
    );
}

#[test]
fn symbolize_fails_when_nothing_resolves() {
    let prof = root().join("testdata/legacy/heap_debug1.txt");
    let (code, err, written) = symbolize_cmd(&prof, &[]);
    assert_eq!(code, Some(2), "{err}");
    assert!(!written);
    assert!(
        err.contains("heap_debug1.txt: none of its 89 locations could be symbolized"),
        "{err}"
    );
}

/// gperftools_pie.pb.gz with its C++ runtime mapping renamed to a file
/// that exists nowhere: the main binary resolves, that mapping does not.
fn with_missing_library(dir: &Path) -> PathBuf {
    use prost::Message;
    let raw = std::fs::read(fixture("gperftools_pie.pb.gz")).unwrap();
    let mut gz = flate2::read::GzDecoder::new(&raw[..]);
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut gz, &mut bytes).unwrap();
    let mut p = proto::Profile::decode(&bytes[..]).unwrap();
    let mut renamed = 0;
    for s in &mut p.string_table {
        if s.contains("libstdc++") {
            *s = "/nonexistent/libstdc++.so.6".into();
            renamed += 1;
        }
    }
    assert_eq!(renamed, 1);
    let out = dir.join("partial.pb");
    std::fs::write(&out, p.encode_to_vec()).unwrap();
    out
}

#[test]
fn symbolize_warns_per_mapping_and_strict_fails() {
    let d = tempfile::tempdir().unwrap();
    let prof = with_missing_library(d.path());
    let bin = fixture("heapdemo_pie");
    let (code, err, written) = symbolize_cmd(&prof, &["--binary", bin.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{err}");
    assert!(written);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(lines[0].starts_with("heapscope: warning: "), "{err}");
    assert!(
        lines[0].contains(
            "partial.pb: /nonexistent/libstdc++.so.6: 3 of 3 locations left unsymbolized: binary \
             not found"
        ),
        "{err}"
    );
    let (code, err, written) =
        symbolize_cmd(&prof, &["--binary", bin.to_str().unwrap(), "--strict"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(!written);
    assert!(
        err.contains("partial.pb: --strict: 3 of 46 locations left unsymbolized; nothing written"),
        "{err}"
    );
    // A suspect binary fails --strict too, even where every location got
    // a frame.
    let (code, err, _) = symbolize_cmd(
        &fixture("gperftools_pie.pb.gz"),
        &[
            "--binary",
            fixture("heapdemo_nopie").to_str().unwrap(),
            "--strict",
        ],
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("1 binary may not belong to its mapping"),
        "{err}"
    );
}
