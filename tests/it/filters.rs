//! Filters (`--focus`, `--ignore`, `--hide`, `--show`, `--show-from`,
//! `--prune-from`, `--tagfocus`, `--tagignore`, `--tagshow`, `--taghide`)
//! against goldens printed by `go tool pprof` with the same filters
//! (tests/golden/filters/, `scripts/regen-report-goldens.sh filters`):
//! stdout byte for byte (with the `Active filters:` block), and pprof's
//! warnings on stderr.

use crate::reports_common;

use reports_common::heapscope;

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

#[test]
fn filters_match_pprof() {
    reports_common::check_goldens("filters");
}

#[test]
fn bad_filter_regex_is_an_error() {
    let out = heapscope(&s(&["top", "--focus", "(", "go_shapes.pb.gz"]));
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("heapscope: parsing focus regexp"), "{err}");
    assert_eq!(err.lines().count(), 1);
}

#[test]
fn filters_change_the_json_rows_not_the_total() {
    let all = heapscope(&s(&["top", "--format", "json", "go_shapes.pb.gz"]));
    let foc = heapscope(&s(&[
        "top",
        "--format",
        "json",
        "--focus",
        "pathB",
        "go_shapes.pb.gz",
    ]));
    let all: serde_json::Value = serde_json::from_slice(&all.stdout).unwrap();
    let foc: serde_json::Value = serde_json::from_slice(&foc.stdout).unwrap();
    assert_eq!(all["total"], foc["total"]);
    assert!(foc["shown_total"].as_i64() < all["shown_total"].as_i64());
    let header: Vec<&str> = foc["header"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h.as_str().unwrap())
        .collect();
    assert!(header.contains(&"Active filters:"));
    assert!(header.contains(&"   focus=pathB"));
}

/// `--prune-from` reads function names without their argument lists, a
/// byte scan that once sliced inside a multi-byte character. pprof prints
/// the same row for this file.
#[test]
fn prune_from_with_non_ascii_names() {
    let f = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/hostile/legacy_utf8_frame_name.heap");
    let out = heapscope(&s(&[
        "top",
        "--prune-from",
        "com.example.Main.main",
        f.to_str().unwrap(),
    ]));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("1MB   100%   100%        1MB   100%  com.example.Main.main"),
        "{text}"
    );
    assert!(!text.contains("Caf"), "{text}");
}
