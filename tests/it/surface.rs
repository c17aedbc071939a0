//! The command-line surface every command shares: `--unit` names, `-o`
//! with `-` for standard output, and the hint a pprof-style flag gets.

use crate::common;

use common::{repo, run_in};
use std::process::Output;

fn run(args: &[&str]) -> Output {
    run_in(&repo().join("testdata"), args, None)
}

fn out(o: &Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `--unit` takes check's binary size names as pprof's, and refuses a unit
/// it does not know instead of printing bytes.
#[test]
fn unit_names() {
    for cmd in ["top", "traces", "tree", "tags"] {
        let mb = out(&run(&[cmd, "snap5.pb.gz", "--unit", "MB"]));
        assert!(mb.contains("MB"), "{mb}");
        assert_eq!(
            out(&run(&[cmd, "snap5.pb.gz", "--unit", "MiB"])),
            mb,
            "{cmd}"
        );
        let kb = out(&run(&[cmd, "snap5.pb.gz", "--unit", "kB"]));
        assert_eq!(
            out(&run(&[cmd, "snap5.pb.gz", "--unit", "KiB"])),
            kb,
            "{cmd}"
        );
        let e = err(&run(&[cmd, "snap5.pb.gz", "--unit", "parsecs"]));
        assert!(e.contains("unknown unit \"parsecs\""), "{e}");
    }
    let e = err(&run(&["graph", "snap5.pb.gz", "--unit", "furlongs"]));
    assert!(e.contains("unknown unit"), "{e}");
}

/// `diff`, `trend` and `watch` take `--unit` as `top` does; their default
/// stays `auto` (each value scaled on its own).
#[test]
fn compare_units() {
    for cmd in ["diff", "trend"] {
        let base = ["--color", "never", "--nodecount", "0"];
        let args = |unit: Option<&'static str>| {
            let mut a = vec![cmd, "snap1.pb.gz", "snap5.pb.gz"];
            a.extend(base);
            if let Some(u) = unit {
                a.extend(["--unit", u]);
            }
            a
        };
        let auto = out(&run(&args(None)));
        assert_eq!(out(&run(&args(Some("auto")))), auto, "{cmd}");
        // Each value on its own: both MB and kB values.
        assert!(auto.contains("MB") && auto.contains("kB"), "{auto}");
        let kb = out(&run(&args(Some("kB"))));
        assert_eq!(out(&run(&args(Some("KiB")))), kb, "{cmd}");
        assert!(!kb.contains("MB"), "{kb}");
        assert_ne!(kb, auto, "{cmd}");
        // minimum: one unit for the whole report, here kB (the smallest
        // value is under 1MB).
        let min = out(&run(&args(Some("minimum"))));
        assert_eq!(min, kb, "{cmd}");
        let e = err(&run(&args(Some("parsecs"))));
        assert!(e.contains("unknown unit \"parsecs\""), "{e}");
    }
    let e = err(&run(&[
        "watch",
        "http://127.0.0.1:1/heap",
        "--unit",
        "bogus",
    ]));
    assert!(e.contains("unknown unit"), "{e}");
}

/// `--symbolize` is one of its modes (with pprof's `local` and `no` as
/// aliases); anything else is refused by the command line, naming them.
#[test]
fn symbolize_modes() {
    let plain = out(&run(&["top", "snap5.pb.gz"]));
    for mode in ["auto", "local", "none", "no", "force"] {
        let arg = format!("--symbolize={mode}");
        assert_eq!(out(&run(&["top", &arg, "snap5.pb.gz"])), plain, "{mode}");
    }
    let e = err(&run(&["top", "--symbolize=remote", "snap5.pb.gz"]));
    assert!(e.contains("possible values: auto, force, none"), "{e}");
}

/// `-o FILE` writes what standard output would show; `-o -` is standard
/// output (no file named `-`), for every command that prints a report.
#[test]
fn output_flag_everywhere() {
    let d = tempfile::tempdir().unwrap();
    let p = repo().join("testdata/snap5.pb.gz");
    let b = repo().join("testdata/snap1.pb.gz");
    let (p, b) = (p.to_str().unwrap(), b.to_str().unwrap());
    let cases: Vec<Vec<&str>> = vec![
        vec!["top", p],
        vec!["top", p, "--format", "json"],
        vec!["traces", p],
        vec!["tree", p],
        vec!["peek", "main", p],
        vec!["tags", p],
        vec!["list", "newPayload", p],
        vec!["list", "newPayload", p, "--format", "json"],
        vec!["folded", p],
        vec!["info", p],
        vec!["diff", b, p, "--color", "always"],
        vec!["trend", b, p, "--format", "csv"],
    ];
    for args in cases {
        let plain = out(&run_in(d.path(), &args, None));
        let mut dash = args.clone();
        dash.extend(["-o", "-"]);
        assert_eq!(out(&run_in(d.path(), &dash, None)), plain, "{args:?}");
        assert!(
            !d.path().join("-").exists(),
            "{args:?} wrote a file named -"
        );
        let mut file = args.clone();
        file.extend(["--output", "r.out"]);
        assert_eq!(out(&run_in(d.path(), &file, None)), "", "{args:?}");
        let written = std::fs::read_to_string(d.path().join("r.out")).unwrap();
        // A file gets no colours.
        let want = if args.contains(&"always") {
            out(&run_in(
                d.path(),
                &[args[0], b, p, "--color", "never"],
                None,
            ))
        } else {
            plain
        };
        assert_eq!(written, want, "{args:?}");
    }
    // flame writes its SVG to standard output with -o -.
    let svg = out(&run_in(d.path(), &["flame", p, "-o", "-"], None));
    assert!(svg.starts_with("<?xml") || svg.starts_with("<svg"), "{svg}");
    out(&run_in(d.path(), &["flame", p, "-o", "f.svg"], None));
    assert_eq!(
        std::fs::read_to_string(d.path().join("f.svg")).unwrap(),
        svg
    );
    // check -o - prints the report in --format instead of the summary.
    let o = run_in(
        d.path(),
        &[
            "check",
            p,
            "--max-total",
            "1GiB",
            "--format",
            "junit",
            "-o",
            "-",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).contains("<testsuite"));
    assert!(!d.path().join("-").exists());
}

/// A command line written for go tool pprof gets one line naming
/// heapscope's flag (or `heapscope pprof`), exit 2, not clap's advice.
#[test]
fn pprof_spellings_get_a_hint() {
    let cases: [(&[&str], &str); 4] = [
        (
            &["top", "-sample_index=alloc_space", "snap5.pb.gz"],
            "--sample-index alloc_space",
        ),
        (&["tree", "-trim=false", "snap5.pb.gz"], "--no-trim"),
        (&["-top", "snap5.pb.gz"], "the `top` command"),
        (
            &["snap1.pb.gz", "snap5.pb.gz"],
            "`heapscope pprof -top snap1.pb.gz snap5.pb.gz`",
        ),
    ];
    for (args, want) in cases {
        let e = err(&run(args));
        assert_eq!(e.lines().count(), 1, "{e}");
        assert!(e.contains(want), "{args:?}: {e}");
        assert!(!e.contains("-- "), "{e}");
    }
    // Other mistakes keep clap's message.
    let e = err(&run(&["top", "--bogus", "snap5.pb.gz"]));
    assert!(e.contains("unexpected argument"), "{e}");
}

/// One JSON envelope for every command: `schema_version`, `command` and
/// `sample_type` come first.
#[test]
fn one_json_envelope() {
    let cases: [&[&str]; 10] = [
        &["top", "snap5.pb.gz"],
        &["traces", "snap5.pb.gz"],
        &["tree", "snap5.pb.gz"],
        &["peek", "main", "snap5.pb.gz"],
        &["tags", "snap5.pb.gz"],
        &["list", "newPayload", "snap5.pb.gz"],
        &["info", "snap5.pb.gz"],
        &["diff", "snap1.pb.gz", "snap5.pb.gz"],
        &["trend", "snap1.pb.gz", "snap5.pb.gz"],
        &["check", "snap5.pb.gz", "--max-total", "1GiB"],
    ];
    for args in cases {
        let mut a = args.to_vec();
        a.extend(["--format", "json"]);
        let o = run(&a);
        let s = out(&o);
        let keys: Vec<&str> = s
            .lines()
            .skip(1)
            .filter(|l| l.starts_with("  \""))
            .map(|l| l.trim().split('"').nth(1).unwrap())
            .collect();
        let cmd = if args[0] == "peek" { "peek" } else { args[0] };
        assert_eq!(keys[..2], ["schema_version", "command"], "{args:?}: {s}");
        assert!(keys.contains(&"sample_type"), "{args:?}: {s}");
        let v: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(v["schema_version"], 1);
        assert_eq!(v["command"], cmd, "{args:?}");
        assert_eq!(v["sample_type"]["type"], "inuse_space", "{args:?}");
        assert_eq!(v["sample_type"]["unit"], "bytes", "{args:?}");
    }
}

/// `top` is a table, so it has csv and markdown; reports that are no
/// table refuse them in one line.
#[test]
fn table_formats() {
    let md = out(&run(&["top", "snap5.pb.gz", "--format", "markdown"]));
    assert!(
        md.contains("| flat | flat% | sum% | cum | cum% | name |"),
        "{md}"
    );
    assert!(md.contains("|---:|---:|---:|---:|---:|---|"), "{md}");
    assert!(md.contains("| main.newPayload |"), "{md}");
    let csv = out(&run(&["top", "snap5.pb.gz", "--format", "csv"]));
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("flat,flat%,sum%,cum,cum%,name,inline"));
    let json = out(&run(&["top", "snap5.pb.gz", "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(lines.clone().count(), rows.len());
    for (l, r) in lines.zip(rows) {
        let f: Vec<&str> = l.split(',').collect();
        assert_eq!(f[0], r["flat"].to_string());
        assert_eq!(f[3], r["cum"].to_string());
        assert_eq!(f[5], r["name"].as_str().unwrap());
    }
    for cmd in [
        &["traces", "snap5.pb.gz"][..],
        &["tree", "snap5.pb.gz"],
        &["tags", "snap5.pb.gz"],
        &["info", "snap5.pb.gz"],
        &["list", "main", "snap5.pb.gz"],
    ] {
        for f in ["csv", "markdown"] {
            let mut a = cmd.to_vec();
            a.extend(["--format", f]);
            let e = err(&run(&a));
            assert!(e.contains("is not a table; use text or json"), "{e}");
        }
    }
}

/// `check --format github` prints one `::error` workflow command per
/// violated rule, on the NEW file, with GitHub's escaping; none when the
/// rules hold.
#[test]
fn check_github_annotations() {
    let o = run(&[
        "check",
        "snap1.pb.gz",
        "snap5.pb.gz",
        "--max-increase",
        "10%",
        "--max-total",
        "1GiB",
        "--format",
        "github",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let s = String::from_utf8_lossy(&o.stdout);
    let lines: Vec<&str> = s.lines().collect();
    assert_eq!(lines.len(), 1, "{s}");
    assert!(
        lines[0].starts_with(
            "::error file=snap5.pb.gz,title=heapscope check max-increase 10%25::total "
        ),
        "{s}"
    );
    let o = run(&[
        "check",
        "snap5.pb.gz",
        "--max-total",
        "1GiB",
        "--format",
        "github",
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&o.stdout), "");
}
