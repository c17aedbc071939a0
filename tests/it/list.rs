//! `heapscope list`: goldens from `go tool pprof -list`
//! (scripts/regen-list-goldens.sh), run from testdata/ as the script does.

use std::path::PathBuf;
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn heapscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_heapscope"))
        .args(args)
        .current_dir(root().join("testdata"))
        .env("TZ", "UTC")
        .output()
        .expect("run heapscope")
}

#[test]
fn list_matches_pprof() {
    let dir = root().join("tests/golden/list");
    let cases = std::fs::read_to_string(dir.join("cases.txt")).unwrap();
    let mut n = 0;
    for line in cases
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
    {
        let f: Vec<&str> = line.split('\t').collect();
        let (name, hargs) = (f[0], f[2]);
        let args: Vec<&str> = hargs.split_whitespace().collect();
        let o = heapscope(&args);
        assert!(
            o.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let want = std::fs::read_to_string(dir.join(format!("{name}.txt"))).unwrap();
        assert_eq!(String::from_utf8_lossy(&o.stdout), want, "{name}");
        n += 1;
    }
    assert_eq!(n, 5);
}

#[test]
fn missing_source_is_a_warning() {
    let o = heapscope(&[
        "list",
        "main\\.recurse",
        "reports/go_shapes.pb.gz",
        "--source-path=/nonexistent",
    ]);
    assert!(o.status.success());
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.starts_with("heapscope: warning: main.recurse: open /src/corpus/"),
        "{e}"
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains(" Error: open /src/corpus/"));
}

#[test]
fn no_match_is_an_error() {
    let o = heapscope(&["list", "zzz_nothing", "reports/go_shapes.pb.gz"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "heapscope: no matches found for regexp: zzz_nothing\n"
    );
}

#[test]
fn json_has_the_lines() {
    let o = heapscope(&[
        "list",
        "newPayload",
        "reports/snap5.pb.gz",
        "--format=json",
        "--trim-path=/src/corpus/go_leaky_service/src",
        "--source-path=src/go_leaky_service",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let r = &v["routines"][0];
    assert_eq!(r["function"], "main.newPayload");
    assert_eq!(r["file"], "cmd/server/main.go");
    let hot: Vec<&serde_json::Value> = r["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["flat"].as_i64() != Some(0))
        .collect();
    assert_eq!(hot.len(), 1);
    assert_eq!(hot[0]["line"], 46);
    assert!(
        hot[0]["source"]
            .as_str()
            .unwrap()
            .contains("make([]byte, n)")
    );
    assert_eq!(r["flat"], v["routines"][0]["cum"]);
}
