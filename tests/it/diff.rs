//! `diff`, `check` and `trend` on the leaking Go service (testdata/diff,
//! five scrapes of one process) and on small synthetic profiles: the leak
//! is found, exit codes follow the rules on both sides of each threshold,
//! sampling noise is forgiven unless --strict, and every format matches
//! its golden (tests/golden/diff/, heapscope's own output checked by eye;
//! regenerate with HEAPSCOPE_BLESS=1 cargo test --test it diff::).

use crate::common;

use common::{Builder, repo, run_in};
use std::path::{Path, PathBuf};
use std::process::Output;

fn dir() -> PathBuf {
    repo().join("testdata/diff")
}

fn run(args: &[&str]) -> Output {
    run_in(&dir(), args, None)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(o)))
}

const SNAPS: [&str; 5] = [
    "snap1.pb.gz",
    "snap2.pb.gz",
    "snap3.pb.gz",
    "snap4.pb.gz",
    "snap5.pb.gz",
];

#[test]
fn the_leak_tops_diff() {
    let o = run(&[
        "diff",
        "snap1.pb.gz",
        "snap5.pb.gz",
        "--format",
        "json",
        "--nodecount",
        "0",
    ]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let v = json(&o);
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["command"], "diff");
    assert_eq!(v["rows"][0]["name"], "main.newPayload");
    let d = v["rows"][0]["delta"].as_i64().unwrap();
    assert!(d > 20 << 20, "{d}");
    let (b, n) = (
        v["base_total"].as_i64().unwrap(),
        v["new_total"].as_i64().unwrap(),
    );
    assert_eq!(v["delta_total"].as_i64().unwrap(), n - b);
    // Untrimmed flat rows add up to the total delta.
    let sum: i64 = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["delta"].as_i64().unwrap())
        .sum();
    assert_eq!(sum, n - b);
    let t = stdout(&run(&["diff", "snap1.pb.gz", "snap5.pb.gz"]));
    let first_row = t.lines().nth(6).unwrap();
    assert!(first_row.ends_with("main.newPayload"), "{t}");
}

#[test]
fn the_leak_tops_trend() {
    let mut args = vec!["trend"];
    args.extend(SNAPS);
    args.extend(["--format", "json"]);
    let o = run(&args);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let v = json(&o);
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["command"], "trend");
    let top = &v["rows"][0];
    assert_eq!(top["name"], "main.newPayload");
    assert_eq!(top["kind"], "grows");
    assert_eq!(top["values"].as_array().unwrap().len(), 5);
    assert!(top["slope"].as_f64().unwrap() > 1e6);
    assert!(top["score"].as_f64().unwrap() > 0.9);
    // The snapshots carry distinct times: a per-second slope exists.
    assert!(top["slope_per_sec"].as_f64().is_some());
    // One recorded sample of small objects that comes and goes is within
    // the sampling noise: flat, ranked last.
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.last().unwrap()["name"], "main.(*requestCache).store");
    assert_eq!(rows.last().unwrap()["kind"], "flat");
}

#[test]
fn check_on_the_leak() {
    let o = run(&[
        "check",
        "snap1.pb.gz",
        "snap5.pb.gz",
        "--max-increase",
        "5%",
    ]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(
        stdout(&o).contains("FAIL  max-increase 5%"),
        "{}",
        stdout(&o)
    );
    for rule in [
        &["--max-increase", "0%"][..],
        &["--max-increase-bytes", "0"],
        &["--max-node-increase", "0"],
        &["--max-total", "34MB"],
        &["--budget", "main\\.newPayload<=34MB"],
    ] {
        let mut args = vec!["check", "snap5.pb.gz", "snap5.pb.gz"];
        args.extend(rule);
        let o = run(&args);
        assert_eq!(code(&o), 0, "{rule:?}: {}", stdout(&o));
        args.push("--strict");
        assert_eq!(code(&run(&args)), 0, "{rule:?} --strict");
    }
}

#[test]
fn check_writes_the_report_and_prints_the_summary() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("report.xml");
    let o = run(&[
        "check",
        "snap1.pb.gz",
        "snap5.pb.gz",
        "--max-increase",
        "5%",
        "--max-total",
        "1GB",
        "--format",
        "junit",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).starts_with("heapscope check: FAIL, 1 of 2 rules violated"));
    let xml = std::fs::read_to_string(&out).unwrap();
    assert!(
        xml.contains(r#"<testsuites name="heapscope check" tests="2" failures="1">"#),
        "{xml}"
    );
    assert_eq!(xml.matches("<testcase ").count(), 2);
    assert_eq!(xml.matches("<failure ").count(), 1);
    assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 1);
}

#[test]
fn check_errors_exit_2() {
    for args in [
        &["check", "snap5.pb.gz"][..],
        &["check", "snap5.pb.gz", "--max-increase", "5%"],
        &["check", "snap5.pb.gz", "--max-increase", "lots"],
        &["check", "snap5.pb.gz", "--max-total", "12 parsecs"],
        &["check", "snap5.pb.gz", "--budget", "(<=1MB"],
        &["check", "snap5.pb.gz", "--budget", "nolimit"],
        &[
            "check",
            "missing.pb.gz",
            "snap5.pb.gz",
            "--max-total",
            "1MB",
        ],
        &["check", "a", "b", "c", "--max-total", "1MB"],
        &["diff", "snap1.pb.gz", "missing.pb.gz"],
        &["trend", "snap1.pb.gz", "missing.pb.gz"],
    ] {
        let o = run(args);
        assert_eq!(code(&o), 2, "{args:?}: {}", stdout(&o));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!err.trim().is_empty(), "{args:?}");
    }
    let o = run(&["diff", "snap1.pb.gz", "missing.pb.gz"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.starts_with("heapscope: missing.pb.gz"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

// ---- Rules on both sides of their thresholds (unsampled: exact) ----

/// Writes a profile with inuse_space values for main.a and main.b (both
/// called from main.main); `period` 0 means unsampled.
fn synth(d: &Path, name: &str, a: i64, b: i64, period: i64, object: i64) -> String {
    let mut p = Builder::default();
    p.p.period = period;
    for (f, v) in [("main.a", a), ("main.b", b)] {
        if v > 0 {
            let objs = (v / object).max(1);
            p.sample(&[f, "main.main"], &[objs, v, objs, v]);
        }
    }
    let path = d.join(name);
    std::fs::write(&path, p.gzip()).unwrap();
    path.to_str().unwrap().to_string()
}

fn check(args: &[&str]) -> (i32, String) {
    let mut a = vec!["check"];
    a.extend(args);
    let o = run(&a);
    (code(&o), stdout(&o) + &String::from_utf8_lossy(&o.stderr))
}

#[test]
fn each_rule_on_both_sides_of_its_threshold() {
    let d = tempfile::tempdir().unwrap();
    let base = synth(d.path(), "base.pb", 1000, 1000, 0, 10);
    let new = synth(d.path(), "new.pb", 1100, 1000, 0, 10);
    let (b, n) = (base.as_str(), new.as_str());
    // Total 2000 -> 2100: +100, +5%; main.a +100.
    let cases: &[(&[&str], &[&str])] = &[
        (
            &[b, n, "--max-increase", "5%"],
            &[b, n, "--max-increase", "4.9%"],
        ),
        (
            &[b, n, "--max-increase-bytes", "100"],
            &[b, n, "--max-increase-bytes", "99B"],
        ),
        (
            &[b, n, "--max-node-increase", "100"],
            &[b, n, "--max-node-increase", "99"],
        ),
        (
            &[n, "--budget", "main\\.a<=1100"],
            &[n, "--budget", "main\\.a<=1099"],
        ),
        (
            &[b, n, "--budget", "main<=2100"],
            &[b, n, "--budget", "main<=2099"],
        ),
        (&[n, "--max-total", "2100"], &[n, "--max-total", "2099"]),
    ];
    for (pass, fail) in cases {
        let (c, out) = check(pass);
        assert_eq!(c, 0, "{pass:?}: {out}");
        let (c, out) = check(fail);
        assert_eq!(c, 1, "{fail:?}: {out}");
        assert!(out.contains("FAIL"), "{out}");
        assert!(!out.contains("within noise"), "{out}");
    }
    // Several rules: one violation is enough.
    let (c, _) = check(&[b, n, "--max-total", "1GB", "--max-node-increase", "1"]);
    assert_eq!(c, 1);
    // kB is binary.
    assert_eq!(check(&[n, "--max-total", "2kB"]).0, 1);
    assert_eq!(check(&[n, "--max-total", "3kB"]).0, 0);
}

#[test]
fn one_sample_of_growth_is_noise_unless_strict() {
    let d = tempfile::tempdir().unwrap();
    // 1 KiB objects at the default 512 KiB period: one sample stands for
    // ~512 objects, 512 KiB. NEW holds one more sample than BASE.
    let base = synth(d.path(), "base.pb", 512 << 10, 0, 524288, 1024);
    let new = synth(d.path(), "new.pb", 1024 << 10, 0, 524288, 1024);
    let (b, n) = (base.as_str(), new.as_str());
    for rule in [
        &["--max-increase-bytes", "0"][..],
        &["--max-node-increase", "0"],
        &["--max-increase", "0%"],
    ] {
        let mut args = vec![b, n];
        args.extend(rule);
        let (c, out) = check(&args);
        assert_eq!(c, 0, "{rule:?}: {out}");
        assert!(out.contains("within noise"), "{out}");
        args.push("--strict");
        let (c, out) = check(&args);
        assert_eq!(c, 1, "{rule:?} --strict: {out}");
        assert!(out.contains("failed because of --strict"), "{out}");
    }
    // Far beyond the noise: 64 samples more.
    let big = synth(d.path(), "big.pb", 64 << 20, 0, 524288, 1024);
    let (c, out) = check(&[b, &big, "--max-increase-bytes", "0"]);
    assert_eq!(c, 1, "{out}");
    assert!(!out.contains("within noise"), "{out}");
}

#[test]
fn diff_matches_nodes_by_name_not_address() {
    let d = tempfile::tempdir().unwrap();
    let base = synth(d.path(), "base.pb", 1000, 1000, 0, 10);
    // Same functions at other addresses (a rebuild).
    let mut p = Builder::default();
    p.p.period = 0;
    p.sample(&["main.b", "main.main"], &[1, 1000, 1, 1000]);
    p.sample(&["main.a", "main.main"], &[1, 1500, 1, 1500]);
    p.sample(&["main.c", "main.main"], &[1, 10, 1, 10]);
    let new = d.path().join("rebuilt.pb");
    std::fs::write(&new, p.gzip()).unwrap();
    let o = run(&["diff", &base, new.to_str().unwrap(), "--format", "json"]);
    let v = json(&o);
    let rows = v["rows"].as_array().unwrap();
    let names: Vec<&str> = rows.iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["main.a", "main.c", "main.b"]);
    assert_eq!(rows[0]["delta"], 500);
    assert_eq!(rows[1]["status"], "new");
    assert_eq!(rows[2]["status"], "same");
    let gone = run(&["diff", new.to_str().unwrap(), &base, "--format", "csv"]);
    assert!(
        stdout(&gone).contains("main.c,10,0,-10,-100.0000,gone,0.0"),
        "{}",
        stdout(&gone)
    );
}

// ---- Goldens ----

/// Each golden: its file name under tests/golden/diff/ and the command line
/// (split on spaces; no argument here contains one).
const GOLDENS: &[(&str, &str)] = &[
    ("diff.text", "diff snap1.pb.gz snap5.pb.gz"),
    (
        "diff.cum.nodecount5.text",
        "diff snap1.pb.gz snap5.pb.gz --cum --nodecount 5",
    ),
    ("diff.json", "diff snap1.pb.gz snap5.pb.gz --format json"),
    ("diff.csv", "diff snap1.pb.gz snap5.pb.gz --format csv"),
    (
        "diff.markdown",
        "diff snap4.pb.gz snap5.pb.gz --format markdown",
    ),
    (
        "diff.inuse_objects.text",
        "diff snap1.pb.gz snap5.pb.gz --inuse-objects",
    ),
    (
        "trend.text",
        "trend snap1.pb.gz snap2.pb.gz snap3.pb.gz snap4.pb.gz snap5.pb.gz",
    ),
    (
        "trend.cum.nodecount6.text",
        "trend snap1.pb.gz snap2.pb.gz snap3.pb.gz snap4.pb.gz snap5.pb.gz --cum --nodecount 6",
    ),
    (
        "trend.json",
        "trend snap1.pb.gz snap2.pb.gz snap3.pb.gz snap4.pb.gz snap5.pb.gz --format json",
    ),
    (
        "trend.csv",
        "trend snap1.pb.gz snap2.pb.gz snap3.pb.gz snap4.pb.gz snap5.pb.gz --format csv",
    ),
    (
        "trend.markdown",
        "trend snap1.pb.gz snap2.pb.gz snap3.pb.gz snap4.pb.gz snap5.pb.gz --format markdown",
    ),
    (
        "check.text",
        "check snap1.pb.gz snap5.pb.gz --max-increase 5% --max-node-increase 1MB --budget newPayload<=10MB --max-total 64MB",
    ),
    (
        "check.json",
        "check snap1.pb.gz snap5.pb.gz --max-increase 5% --max-node-increase 1MB --budget newPayload<=10MB --max-total 64MB --format json",
    ),
    (
        "check.markdown",
        "check snap1.pb.gz snap5.pb.gz --max-increase 5% --max-node-increase 1MB --budget newPayload<=10MB --max-total 64MB --format markdown",
    ),
    (
        "check.junit",
        "check snap1.pb.gz snap5.pb.gz --max-increase 5% --max-node-increase 1MB --budget newPayload<=10MB --max-total 64MB --format junit",
    ),
    (
        "check.pass.text",
        "check snap4.pb.gz snap5.pb.gz --max-increase 30% --max-total 64MB",
    ),
];

#[test]
fn goldens() {
    let bless = std::env::var_os("HEAPSCOPE_BLESS").is_some();
    let gdir = repo().join("tests/golden/diff");
    let mut failures = Vec::new();
    for (name, line) in GOLDENS {
        let args: Vec<&str> = line.split_whitespace().collect();
        let o = run(&args);
        let c = code(&o);
        let want_code = if name.starts_with("check.") && !name.contains("pass") {
            1
        } else {
            0
        };
        if c != want_code {
            failures.push(format!(
                "{name}: exit {c}: {}",
                String::from_utf8_lossy(&o.stderr)
            ));
            continue;
        }
        let got = stdout(&o);
        let path = gdir.join(format!("{name}.txt"));
        if bless {
            std::fs::write(&path, &got).unwrap();
            continue;
        }
        match std::fs::read_to_string(&path) {
            Ok(want) if want == got => {}
            Ok(want) => failures.push(format!(
                "{name}: differs from {}\n--- want\n{want}\n--- got\n{got}",
                path.display()
            )),
            Err(e) => failures.push(format!(
                "{name}: {}: {e} (HEAPSCOPE_BLESS=1 writes it)",
                path.display()
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn json_formats_parse() {
    for (name, line) in GOLDENS.iter().filter(|(n, _)| n.ends_with(".json")) {
        let args: Vec<&str> = line.split_whitespace().collect();
        let v = json(&run(&args));
        assert_eq!(v["schema_version"], 1, "{name}");
    }
}

#[test]
fn color_only_when_asked() {
    let plain = stdout(&run(&["diff", "snap1.pb.gz", "snap5.pb.gz"]));
    assert!(!plain.contains('\x1b'));
    let colored = stdout(&run(&[
        "diff",
        "snap1.pb.gz",
        "snap5.pb.gz",
        "--color",
        "always",
    ]));
    assert!(colored.contains('\x1b'));
}

// ---- trend on series made by construction (testdata/trend) ----

fn trend_dir() -> PathBuf {
    repo().join("testdata/trend")
}

fn trend_json<S: AsRef<str>>(args: &[S]) -> (serde_json::Value, String) {
    let mut a = vec!["trend"];
    a.extend(args.iter().map(AsRef::as_ref));
    a.extend(["--format", "json"]);
    let o = run_in(&trend_dir(), &a, None);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    (json(&o), String::from_utf8_lossy(&o.stderr).into_owned())
}

/// (name, kind) of the rows for the sites of the generator.
fn site_kinds(v: &serde_json::Value) -> Vec<(String, String)> {
    v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["name"].as_str().unwrap().ends_with("Site"))
        .map(|r| {
            (
                r["name"].as_str().unwrap().to_string(),
                r["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn snaps(dir: &str, order: &[usize]) -> Vec<String> {
    order
        .iter()
        .map(|i| format!("{dir}/snap-{i}.pb.gz"))
        .collect()
}

#[test]
fn trend_names_each_constructed_shape() {
    // testdata/trend/gen/main.go: one site per shape; `default` at Go's
    // default MemProfileRate (sampled, noisy), `rate1` with every
    // allocation recorded (the ground truth).
    let want = [
        ("main.leakSite", "grows"),
        ("main.cacheSite", "plateau"),
        ("main.stepSite", "step"),
        ("main.sawSite", "oscillates"),
        ("main.churnSite", "churn"),
        ("main.flatSite", "flat"),
    ];
    for dir in ["default", "rate1"] {
        let (v, _) = trend_json(&[dir]);
        assert_eq!(v["snapshots"], 8);
        let got = site_kinds(&v);
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(n, k)| (n.to_string(), k.to_string()))
            .collect();
        assert_eq!(got, want, "{dir}");
        // The leak ranks first of all rows.
        assert_eq!(v["rows"][0]["name"], "main.leakSite", "{dir}");
    }
}

#[test]
fn trend_is_the_same_in_any_argument_order() {
    let (want, err) = trend_json(&snaps("default", &[1, 2, 3, 4, 5, 6, 7, 8]));
    assert!(!err.contains("note"), "{err}");
    for order in [
        [8, 7, 6, 5, 4, 3, 2, 1],
        // What the shell gives for snap1 .. snap10: 1 10 2 3 ...
        [1, 5, 2, 3, 4, 6, 7, 8],
        [3, 1, 4, 8, 5, 2, 7, 6],
    ] {
        let (got, err) = trend_json(&snaps("default", &order));
        assert_eq!(got["rows"], want["rows"], "{order:?}");
        assert_eq!(got["totals"], want["totals"], "{order:?}");
        assert_eq!(got["order"], "time");
        assert!(
            err.contains("put in the order of the times they record"),
            "{err}"
        );
    }
    // A folder gives the same series.
    let (dir, _) = trend_json(&["default"]);
    assert_eq!(dir["rows"], want["rows"]);
    // --keep-order: reversed files make the leak shrink, and no note.
    let mut args = snaps("default", &[8, 7, 6, 5, 4, 3, 2, 1]);
    args.push("--keep-order".into());
    let (kept, err) = trend_json(&args);
    assert_eq!(kept["order"], "arguments");
    assert!(err.is_empty(), "{err}");
    let leak = kept["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "main.leakSite")
        .unwrap();
    assert_eq!(leak["kind"], "shrinks");
    // The span stays positive in any order.
    let mut args = vec!["trend".to_string()];
    args.extend(snaps("default", &[8, 7, 6, 5, 4, 3, 2, 1]));
    args.push("--keep-order".into());
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let t = stdout(&run_in(&trend_dir(), &a, None));
    let span = t.lines().find(|l| l.starts_with("Span: ")).unwrap();
    assert!(!span.contains('-'), "{span}");
    assert!(t.contains("Order: as given (--keep-order)"), "{t}");
}

#[test]
fn trend_projects_the_limit() {
    let o = run_in(&trend_dir(), &["trend", "default", "--limit", "1GiB"], None);
    assert_eq!(code(&o), 0);
    let t = stdout(&o);
    assert!(
        t.contains("Limit 1GB: the total reaches 1GB in about "),
        "{t}"
    );
    let (v, _) = trend_json(&["default", "--limit", "1GiB"]);
    let secs = v["limit"]["total_reaches_in_seconds"].as_f64().unwrap();
    let last = v["totals"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .as_i64()
        .unwrap();
    assert!(secs > 0.0 && last < 1 << 30, "{secs}");
    let leak = &v["rows"][0];
    assert_eq!(leak["name"], "main.leakSite");
    let leak_secs = leak["reaches_limit_in_seconds"].as_f64().unwrap();
    // Each projection runs at its own rate from its own last value.
    let rate = leak["slope_per_sec"].as_f64().unwrap();
    let leak_last = leak["values"].as_array().unwrap().last().unwrap();
    let expect = ((1i64 << 30) - leak_last.as_i64().unwrap()) as f64 / rate;
    assert!((leak_secs - expect).abs() < 1.0, "{leak_secs} vs {expect}");
    // Only growing rows get a projection.
    for r in v["rows"].as_array().unwrap() {
        assert_eq!(
            r.get("reaches_limit_in_seconds").is_some(),
            r["kind"] == "grows",
            "{r}"
        );
    }
    // Without times: said, not guessed.
    let d = tempfile::tempdir().unwrap();
    let a = synth(d.path(), "a.pb", 1000, 10, 0, 10);
    let b = synth(d.path(), "b.pb", 2000, 10, 0, 10);
    let o = run(&["trend", &a, &b, "--limit", "1MB"]);
    assert_eq!(code(&o), 0);
    let t = stdout(&o);
    assert!(
        t.contains("Limit 1MB: cannot project, the snapshots record no times"),
        "{t}"
    );
}

#[test]
fn snapshots_without_times_keep_argument_order_and_say_so() {
    let d = tempfile::tempdir().unwrap();
    let a = synth(d.path(), "a.pb", 1000, 10, 0, 10);
    let snap = trend_dir().join("default/snap-1.pb.gz");
    let snap = snap.to_str().unwrap();
    let o = run(&["trend", snap, &a, "--format", "json"]);
    assert_eq!(code(&o), 0);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("note: 1 of 2 snapshots record no time: kept in argument order"),
        "{err}"
    );
    assert_eq!(json(&o)["order"], "arguments (no times)");
    // None with a time: nothing to say.
    let b = synth(d.path(), "b.pb", 2000, 10, 0, 10);
    let o = run(&["trend", &b, &a]);
    assert_eq!(code(&o), 0);
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(stdout(&o).contains("Order: as given (2 snapshot(s) record no time)"));
}

#[test]
fn trend_needs_two_snapshots() {
    let d = tempfile::tempdir().unwrap();
    let a = synth(d.path(), "a.pb", 1000, 10, 0, 10);
    let o = run(&["trend", d.path().to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("at least two snapshots, got 1"), "{err}");
    assert!(err.contains(&a), "{err}");
    let empty = tempfile::tempdir().unwrap();
    let o = run(&["trend", empty.path().to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    assert!(String::from_utf8_lossy(&o.stderr).contains("holds no snapshot"));
}

// ---- check: loud failures and the noise policy ----

#[test]
fn a_budget_that_matches_nothing_is_an_error() {
    let o = run(&[
        "check",
        "snap5.pb.gz",
        "--budget",
        "main\\.newPayloda<=64MB",
        "--max-total",
        "1GB",
    ]);
    assert_eq!(code(&o), 2, "{}", stdout(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(
            "--budget 'main\\.newPayloda<=64MB': the regex matches no node of snap5.pb.gz"
        ),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    // The same budget spelled right holds.
    let (c, out) = check(&["snap5.pb.gz", "--budget", "main\\.newPayload<=64MB"]);
    assert_eq!(c, 0, "{out}");
}

#[test]
fn a_hard_cap_fails_on_the_estimate_and_says_how_sure() {
    // snap5 holds 33.51MB, with a standard error of about 4MB: a 30MB cap
    // is exceeded by less than 1σ, and fails all the same.
    let (c, out) = check(&["snap5.pb.gz", "--max-total", "30MB"]);
    assert_eq!(c, 1, "{out}");
    assert!(out.contains("FAIL  max-total 30MB"), "{out}");
    assert!(
        out.contains(
            "NOT SURE: the estimate is over the cap; the true value is over it with probability 8"
        ),
        "{out}"
    );
    // Far over: sure.
    let (c, out) = check(&["snap5.pb.gz", "--budget", "newPayload<=10MB"]);
    assert_eq!(c, 1, "{out}");
    assert!(
        out.contains("[sure: the true value is over the cap"),
        "{out}"
    );
    // Under the cap but near: passes, and says it may be over.
    let (c, out) = check(&["snap5.pb.gz", "--max-total", "36MB"]);
    assert_eq!(c, 0, "{out}");
    assert!(
        out.contains("not sure: the true value may be over the cap"),
        "{out}"
    );
    // JSON carries the probability.
    let o = run(&[
        "check",
        "snap5.pb.gz",
        "--max-total",
        "30MB",
        "--format",
        "json",
    ]);
    let p = json(&o)["rules"][0]["p_over"].as_f64().unwrap();
    assert!(p > 0.7 && p < 0.95, "{p}");
}

/// A profile with one site `main.a` of `n` recorded objects of `size`
/// bytes, scaled as Go does (each counts 1/q).
fn go_site(d: &Path, name: &str, n: i64, size: i64) -> String {
    let mut p = Builder::default();
    let q = 1.0 - (-(size as f64) / 524288.0).exp();
    let objs = (n as f64 / q) as i64;
    let bytes = ((n * size) as f64 / q) as i64;
    p.sample(&["main.a", "main.main"], &[objs, bytes, objs, bytes]);
    p.sample(&["main.b", "main.main"], &[1, 4 << 20, 1, 4 << 20]);
    let path = d.join(name);
    std::fs::write(&path, p.gzip()).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn one_missed_large_object_is_noise_two_are_not() {
    let d = tempfile::tempdir().unwrap();
    // 2 MiB objects are missed 1.8% of the time: one more of them in NEW
    // is within the noise, though its standard error is a tenth of that.
    let b = go_site(d.path(), "b.pb", 1, 2 << 20);
    let n = go_site(d.path(), "n.pb", 2, 2 << 20);
    let (c, out) = check(&[&b, &n, "--max-node-increase", "256KiB"]);
    assert_eq!(c, 0, "{out}");
    assert!(out.contains("within noise"), "{out}");
    // 8 MiB objects are missed with probability exp(-16): one more is a
    // real growth.
    let b = go_site(d.path(), "b8.pb", 3, 8 << 20);
    let n = go_site(d.path(), "n8.pb", 4, 8 << 20);
    let (c, out) = check(&[&b, &n, "--max-node-increase", "256KiB"]);
    assert_eq!(c, 1, "{out}");
    assert!(
        out.contains("[sure: sampling noise alone does this with probability"),
        "{out}"
    );
}

#[test]
fn profiles_with_no_sample_type_in_common_say_so() {
    let d = tempfile::tempdir().unwrap();
    let mut a = Builder::new(&[("alloc_objects", "count"), ("alloc_space", "bytes")]);
    a.sample(&["main.a"], &[1, 100]);
    let mut b = Builder::new(&[("inuse_space", "bytes")]);
    b.sample(&["main.a"], &[100]);
    std::fs::write(d.path().join("a.pb"), a.gzip()).unwrap();
    std::fs::write(d.path().join("b.pb"), b.gzip()).unwrap();
    let dir = d.path();
    for args in [
        &["diff", "a.pb", "b.pb"][..],
        &["check", "a.pb", "b.pb", "--max-increase", "5%"],
        &["trend", "a.pb", "b.pb"],
    ] {
        let o = run_in(dir, args, None);
        assert_eq!(code(&o), 2, "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains(
                "a.pb and b.pb have no sample type in common, so they cannot be compared: \
                 a.pb has alloc_objects/count, alloc_space/bytes; b.pb has inuse_space/bytes"
            ),
            "{args:?}: {err}"
        );
        assert!(!err.contains("--sample-index"), "{err}");
    }
    // With a type in common, the message names it.
    let mut c = Builder::new(&[("alloc_space", "bytes"), ("inuse_space", "bytes")]);
    c.sample(&["main.a"], &[100, 100]);
    std::fs::write(d.path().join("c.pb"), c.gzip()).unwrap();
    let o = run_in(dir, &["diff", "a.pb", "c.pb"], None);
    assert_eq!(code(&o), 2);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("choose a type both have with --sample-index (alloc_space)"),
        "{err}"
    );
}

/// `diff`, like `top`, prints a bounded table by default and says how
/// many rows it left out; `--nodecount 0` shows them all.
#[test]
fn diff_and_trend_are_bounded_by_default() {
    let f = repo().join("testdata/node_fine_b.pb.gz");
    let f = f.to_str().unwrap();
    for cmd in ["diff", "trend"] {
        let o = run(&[cmd, f, f, "--color", "never"]);
        assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
        let t = stdout(&o);
        assert!(t.contains("27 more nodes not shown"), "{cmd}: {t}");
        let v = json(&run(&[cmd, f, f, "--format", "json"]));
        assert_eq!(v["rows"].as_array().unwrap().len(), 20, "{cmd}");
        assert_eq!(v["hidden_rows"], 27, "{cmd}");
        let v = json(&run(&[cmd, f, f, "--format", "json", "--nodecount", "0"]));
        assert_eq!(v["rows"].as_array().unwrap().len(), 47, "{cmd}");
    }
}

/// The filters work on diff, trend and check as on top: --focus keeps
/// only the stacks through matching nodes, on both sides.
#[test]
fn filters_apply_to_diff_trend_and_check() {
    let focus = ["--focus", "mallocgc"];
    let mut args = vec!["diff", "snap1.pb.gz", "snap5.pb.gz", "--format", "json"];
    args.extend(focus);
    let v = json(&run(&args));
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{v}");
    assert_eq!(rows[0]["name"], "runtime.mallocgc");
    assert_eq!(v["delta_total"], 0);

    let mut args = vec!["trend", "--format", "json"];
    args.extend(SNAPS);
    args.extend(focus);
    let v = json(&run(&args));
    let rows = v["rows"].as_array().unwrap();
    assert!(rows.iter().all(|r| r["name"] == "runtime.mallocgc"), "{v}");

    // Without the focus the leak fails the gate; with it, it passes.
    let gate = [
        "check",
        "snap1.pb.gz",
        "snap5.pb.gz",
        "--max-increase",
        "10%",
    ];
    assert_eq!(code(&run(&gate)), 1);
    let mut args = gate.to_vec();
    args.extend(focus);
    let o = run(&args);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
}

/// The page's Diff and Trend views compare the profiles after the command
/// line's filters, as `diff` and `trend` do: same totals, same rows.
#[test]
fn report_diff_and_trend_follow_the_filters() {
    let d = tempfile::tempdir().unwrap();
    let html = d.path().join("r.html");
    for focus in [None, Some("newPayload")] {
        let mut extra: Vec<&'static str> = vec![];
        if let Some(f) = focus {
            extra = vec!["--focus", f];
        }
        let with = |args: &[&'static str]| -> Vec<&'static str> {
            let mut v = args.to_vec();
            v.extend_from_slice(&extra);
            v
        };
        let mut args = vec!["report", "snap1.pb.gz", "snap5.pb.gz", "-o"];
        args.push(html.to_str().unwrap());
        args.extend_from_slice(&extra);
        let o = run(&args);
        assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
        let page = std::fs::read_to_string(&html).unwrap();
        let start = page.find(r#"id="data">"#).unwrap() + r#"id="data">"#.len();
        let end = start + page[start..].find("</script>").unwrap();
        let data: serde_json::Value = serde_json::from_str(&page[start..end]).unwrap();

        let diff = json(&run(&with(&[
            "diff",
            "snap1.pb.gz",
            "snap5.pb.gz",
            "--format",
            "json",
        ])));
        assert_eq!(data["diff"]["base_total"], diff["base_total"], "{focus:?}");
        assert_eq!(data["diff"]["new_total"], diff["new_total"], "{focus:?}");
        let names = data["names"].as_array().unwrap();
        let page_rows: Vec<(String, i64, i64)> = data["diff"]["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let n = names[r[0].as_u64().unwrap() as usize].as_str().unwrap();
                (
                    n.to_string(),
                    r[1].as_i64().unwrap(),
                    r[2].as_i64().unwrap(),
                )
            })
            .collect();
        let mut cli_rows: Vec<(String, i64, i64)> = diff["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let n = r["name"].as_str().unwrap().to_string();
                (n, r["base"].as_i64().unwrap(), r["new"].as_i64().unwrap())
            })
            .collect();
        let mut page_sorted = page_rows.clone();
        page_sorted.sort();
        cli_rows.sort();
        assert_eq!(page_sorted, cli_rows, "{focus:?}");

        let trend = json(&run(&with(&[
            "trend",
            "snap1.pb.gz",
            "snap5.pb.gz",
            "--format",
            "json",
        ])));
        assert_eq!(data["trend"]["totals"], trend["totals"], "{focus:?}");
    }
}
