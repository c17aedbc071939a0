//! Legacy text heap profiles (Go debug=1, gperftools/tcmalloc, jemalloc heap_v2, Java heapz).
//!
//! - `top_matches_pprof`: for each case of `tests/golden/legacy/cases.txt`, `heapscope top ARGS
//!   PROFILE` prints, from `Showing nodes` on, what `go tool pprof -top -symbolize=none` printed
//!   (goldens written by `scripts/regen-legacy-goldens.sh`). Every profile heapscope reads is in
//!   the repo (pprof's own test files under `testdata/legacy/pprof/`); `@corpus/` in the table is
//!   the shared corpus, which only the regeneration script reads.
//! - `convert_round_trips`: `heapscope convert` of each legacy fixture, read back by heapscope,
//!   prints the same goldens (pprof reading the converted files is checked by hand and by the
//!   parity script; see the final report).
//! - `malformed_inputs_exit_2_with_line`: every broken line is a one-line error naming the file
//!   and the line, exit 2.
//! - `info_*`: the summary command on legacy and proto inputs, text and JSON.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn heapscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_heapscope"))
        .args(args)
        .current_dir(root())
        .env("TZ", "UTC")
        .output()
        .expect("run heapscope")
}

fn from_showing(s: &str) -> String {
    match s.find("Showing nodes") {
        Some(i) => s[i..].to_string(),
        None => s.to_string(),
    }
}

struct Case {
    name: String,
    args: Vec<String>,
    profile: PathBuf,
}

/// The cases of the table; every profile they read is in the repo.
fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(root().join("tests/golden/legacy/cases.txt")).unwrap();
    let mut out = Vec::new();
    for l in text.lines() {
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        let f: Vec<&str> = l.split('\t').collect();
        assert_eq!(f.len(), 5, "bad case line {l:?}");
        let profile = root().join(f[4]);
        assert!(profile.exists(), "{}: no such profile", f[4]);
        let args = if f[2] == "-" {
            vec![]
        } else {
            f[2].split(' ').map(String::from).collect()
        };
        out.push(Case {
            name: f[0].to_string(),
            args,
            profile,
        });
    }
    out
}

fn golden(name: &str) -> String {
    std::fs::read_to_string(root().join(format!("tests/golden/legacy/{name}.txt")))
        .unwrap_or_else(|e| panic!("golden {name}: {e}"))
}

fn run_top(args: &[String], profile: &Path) -> String {
    let mut a: Vec<&str> = vec!["top", "--symbolize=none"];
    a.extend(args.iter().map(String::as_str));
    a.push(profile.to_str().unwrap());
    let o = heapscope(&a);
    assert!(
        o.status.success(),
        "heapscope {a:?} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    from_showing(&String::from_utf8(o.stdout).unwrap())
}

#[test]
fn top_matches_pprof() {
    let mut failures = Vec::new();
    let mut ran = 0;
    for c in cases() {
        ran += 1;
        let got = run_top(&c.args, &c.profile);
        if got != golden(&c.name) {
            failures.push(format!(
                "{}:\n--- pprof\n{}\n--- heapscope\n{got}",
                c.name,
                golden(&c.name)
            ));
        }
    }
    assert!(ran > 0);
    assert!(
        failures.is_empty(),
        "{} of {ran} cases differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn convert_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for c in cases() {
        if !c.name.contains("top_addresses") && !c.name.ends_with("top_default") {
            continue;
        }
        let out = dir.path().join(format!("{}.pb.gz", c.name));
        // The goldens are unsymbolized: convert must not symbolize either
        // (system libraries on the test machine may match the build IDs).
        let o = heapscope(&[
            "convert",
            "--symbolize=none",
            c.profile.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let bytes = std::fs::read(&out).unwrap();
        assert_eq!(&bytes[..2], &[0x1f, 0x8b], "gzip output");
        assert_eq!(run_top(&c.args, &out), golden(&c.name), "{}", c.name);
        checked += 1;
    }
    assert!(checked > 10);
    // No temporary files are left beside the outputs.
    for e in std::fs::read_dir(dir.path()).unwrap() {
        let n = e.unwrap().file_name();
        assert!(n.to_string_lossy().ends_with(".pb.gz"), "{n:?}");
    }
}

#[test]
fn jemalloc_native_matches_its_converted_legacy_form() {
    // jeprof's scaling at 16 KiB equals pprof's on the converted file, up to truncation; the
    // goldens for the native dumps come from pprof on the converted dumps.
    let o = heapscope(&["top", "--unit", "B", "testdata/legacy/lg14_explicit.heap"]);
    let s = String::from_utf8(o.stdout).unwrap();
    // jeprof --text --show_bytes reports 2908656 B; heapscope truncates each scaled stack.
    assert!(s.contains("of 2908653B total"), "{s}");
}

#[test]
fn merging_two_and_four_column_profiles_is_an_error() {
    let o = heapscope(&[
        "top",
        "testdata/legacy/lg14_explicit.heap",
        "testdata/legacy/pie.0001.heap",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("empty common sample type list"), "{e}");
    // Four-column legacy text merges with Go's profile.proto.
    let o = heapscope(&[
        "top",
        "testdata/legacy/heap_debug1.txt",
        "testdata/snap1.pb.gz",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn malformed_inputs_exit_2_with_line() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "bad_header",
            "heap profile: one: 2 [3: 4] @ heap_v2/1\n",
            "line 1",
        ),
        (
            "unknown_type",
            "heap profile: 1: 2 [3: 4] @ heapfoo/1\n",
            "line 1",
        ),
        (
            "short_line",
            "heap profile: 1: 2 [1: 2] @ heapprofile\n1: 2 [1: 2] @ 0x10\n1: 2\n",
            "line 3",
        ),
        (
            "non_hex_address",
            "heap profile: 1: 2 [1: 2] @ heapprofile\n\n1: 2 [1: 2] @ 0x10 0xg1\n",
            "line 3",
        ),
        (
            "zero_count",
            "heap profile: 1: 2 [1: 2] @ heapprofile\n0: 2 [0: 2] @ 0x10\n",
            "line 2",
        ),
        (
            "overflow",
            "heap profile: 1: 2 [1: 2] @ heapprofile\n99999999999999999999: 2 [1: 2] @ 0x10\n",
            "line 2",
        ),
        (
            "bad_map_line",
            "heap profile: 1: 2 [1: 2] @ heapprofile\n1: 2 [1: 2] @ 0x10\nMAPPED_LIBRARIES:\n\
             1000-2000 r-xp 00000000 00:00 1 /bin/x\nthis is not a mapping\n",
            "line 5",
        ),
        (
            "bad_map_hex",
            "heap profile: 1: 2 [1: 2] @ heapprofile\n1: 2 [1: 2] @ 0x10\n--- Memory map: ---\n\
             10000000000000000000-2000 r-xp 00000000 00:00 1 /bin/x\n",
            "line 4",
        ),
        (
            "jemalloc_bad_line",
            "heap_v2/524288\n  t*: 1: 8 [0: 0]\n@ 0x10\n  t*: 1: 8\n",
            "line 4",
        ),
        (
            "jemalloc_stack_alone",
            "heap_v2/524288\n@ 0x10\n@ 0x20\n",
            "line 2",
        ),
        (
            "java_no_resolution",
            "--- heapz 1 ---\nformat = java\n",
            "line 1",
        ),
        (
            "java_zero_count",
            "--- heapz 1 ---\nformat = java\nresolution = bytes\n  100 0 @ 0x1\n",
            "line 4",
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (name, text, line) in cases {
        let p = dir.path().join(format!("{name}.heap"));
        std::fs::write(&p, text).unwrap();
        let o = heapscope(&["top", p.to_str().unwrap()]);
        let e = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{name}: {e}");
        assert!(
            e.starts_with("heapscope: ") && e.contains(&format!("{name}.heap")),
            "{name}: {e}"
        );
        assert!(e.contains(&format!("{line}:")), "{name}: want {line}: {e}");
        assert_eq!(e.trim_end().lines().count(), 1, "{name}: one line: {e}");
    }
    // Text in no known format.
    let p = dir.path().join("prose.txt");
    std::fs::write(&p, "hello, world\n").unwrap();
    let o = heapscope(&["top", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("unrecognized profile format"));
}

#[test]
fn info_go_debug1_shows_memstats() {
    let o = heapscope(&["info", "testdata/legacy/heap_debug1.txt"]);
    assert!(o.status.success());
    let s = String::from_utf8(o.stdout).unwrap();
    for want in [
        "Format: go-heap-text (debug=1)",
        "Sample types: alloc_objects/count alloc_space/bytes inuse_objects/count inuse_space/bytes",
        "Default sample type: inuse_space",
        "Period: 524288 space/bytes",
        "Samples: 33  Locations: 89  Functions: 0  Mappings: 1",
        "MemStats:\n  Alloc = 34385304\n  TotalAlloc = 138132064\n",
    ] {
        assert!(s.contains(want), "missing {want:?} in\n{s}");
    }
}

#[test]
fn info_json_covers_legacy_and_proto() {
    let o = heapscope(&[
        "info",
        "--format",
        "json",
        "testdata/legacy/pie.0001.heap",
        "testdata/legacy/lg14_explicit.heap",
        "testdata/snap1.pb.gz",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["schema_version"], 1);
    let ps = v["profiles"].as_array().unwrap();
    assert_eq!(ps.len(), 3);
    assert_eq!(ps[0]["format"], "gperftools-heap");
    // Main binary first, non-executable entries dropped, adjacent pieces merged.
    let maps = ps[0]["mappings"].as_array().unwrap();
    assert_eq!(maps[0]["file"], "/src/corpus/gperftools/heapdemo_pie");
    assert_eq!(maps.len(), 12);
    assert_eq!(ps[1]["format"], "jemalloc-heap_v2");
    assert_eq!(ps[1]["period"], 16384);
    assert_eq!(ps[1]["default_sample_type"], "space");
    assert_eq!(ps[2]["format"], "profile.proto (gzip)");
    assert_eq!(ps[2]["producer"], "Go runtime/pprof (heap profile)");
    assert_eq!(ps[2]["memstats"].as_array().unwrap().len(), 0);
}

#[test]
fn hand_written_maps_become_mappings() {
    let o = heapscope(&[
        "info",
        "--format",
        "json",
        "testdata/legacy/hand/heapprofile_2col.heap",
        "testdata/legacy/hand/heap_v2.heap",
        "testdata/legacy/hand/go_small.txt",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let ps = v["profiles"].as_array().unwrap();
    let m = ps[0]["mappings"].as_array().unwrap();
    // r--p and rw-p pieces and [stack] dropped; the main binary is first.
    assert_eq!(m.len(), 2, "{m:?}");
    assert_eq!(m[0]["file"], "/opt/demo/bin/server");
    assert_eq!(m[1]["file"], "/lib/x86_64-linux-gnu/libc.so.6");
    assert_eq!(ps[0]["sample_types"].as_array().unwrap().len(), 2);
    // Brief map lines: offset and build id; the 0x400000 main binary is rebased.
    let m = ps[1]["mappings"].as_array().unwrap();
    assert_eq!(m[0]["start"], 0x400000);
    assert_eq!(m[1]["offset"], 0x1000);
    assert_eq!(m[1]["build_id"], "0123abcd");
    // Go text: the fake mapping, MemStats kept.
    assert_eq!(ps[2]["mappings"][0]["limit"], u64::MAX);
    assert_eq!(ps[2]["memstats"][2]["name"], "NumGC");
    assert_eq!(ps[2]["period"], 512);
}
