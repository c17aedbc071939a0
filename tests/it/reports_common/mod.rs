//! Shared by tests/it/reports.rs and tests/it/filters.rs: golden cases produced by
//! `go tool pprof` (scripts/regen-report-goldens.sh), run against the built binary.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};

pub struct Case {
    pub name: String,
    pub args: Vec<String>,
    pub profiles: Vec<String>,
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixtures() -> PathBuf {
    root().join("testdata/reports")
}

pub fn load_cases(which: &str) -> Vec<Case> {
    let path = root().join("tests/golden").join(which).join("cases.txt");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut out = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 4, "{}: bad line {line:?}", path.display());
        let split = |s: &str| -> Vec<String> {
            if s == "-" {
                Vec::new()
            } else {
                s.split_whitespace().map(str::to_owned).collect()
            }
        };
        out.push(Case {
            name: f[0].to_string(),
            args: split(f[2]),
            profiles: split(f[3]),
        });
    }
    assert!(!out.is_empty(), "no cases in {}", path.display());
    out
}

/// Runs heapscope from testdata/reports with TZ=UTC, as the goldens were made.
pub fn heapscope(args: &[String]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_heapscope"))
        .args(args)
        .current_dir(fixtures())
        .env("TZ", "UTC")
        .output()
        .expect("run heapscope")
}

pub fn run_case(c: &Case) -> Output {
    let mut args = c.args.clone();
    args.extend(c.profiles.iter().cloned());
    heapscope(&args)
}

/// A short diff: the first differing line and some context.
pub fn first_diff(got: &str, want: &str) -> String {
    let g: Vec<&str> = got.lines().collect();
    let w: Vec<&str> = want.lines().collect();
    let i = (0..g.len().max(w.len()))
        .find(|&i| g.get(i) != w.get(i))
        .unwrap_or(0);
    format!(
        "first difference at line {}:\n  got:  {:?}\n  want: {:?}",
        i + 1,
        g.get(i),
        w.get(i)
    )
}

/// Runs every case of tests/golden/<which>/ and checks stdout byte for
/// byte, and the filter messages on stderr when pprof printed any.
pub fn check_goldens(which: &str) {
    let dir = root().join("tests/golden").join(which);
    let only = std::env::var("HEAPSCOPE_CASE").unwrap_or_default();
    let mut failures = Vec::new();
    let mut ran = 0;
    for c in load_cases(which) {
        if !c.name.contains(&only) {
            continue;
        }
        ran += 1;
        let out = run_case(&c);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        if !out.status.success() {
            failures.push(format!(
                "{}: exit {:?}: {stderr}",
                c.name,
                out.status.code()
            ));
            continue;
        }
        let want = std::fs::read_to_string(dir.join(format!("{}.txt", c.name)))
            .unwrap_or_else(|e| panic!("{}: golden missing: {e}", c.name));
        if stdout != want {
            failures.push(format!("{}: {}", c.name, first_diff(&stdout, &want)));
        }
        let want_err =
            std::fs::read_to_string(dir.join(format!("{}.stderr", c.name))).unwrap_or_default();
        for l in want_err.lines() {
            if !stderr.lines().any(|x| x == l) {
                failures.push(format!("{}: stderr lacks {l:?} (got {stderr:?})", c.name));
            }
        }
        for l in stderr.lines() {
            if (l.contains("matched no samples") || l.contains("as range, not regexp"))
                && !want_err.lines().any(|x| x == l)
            {
                failures.push(format!("{}: unexpected stderr line {l:?}", c.name));
            }
        }
    }
    assert!(ran > 0, "no case matched HEAPSCOPE_CASE={only:?}");
    assert!(
        failures.is_empty(),
        "{} of {ran} cases differ from pprof:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
