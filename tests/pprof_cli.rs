//! `heapscope pprof ARGS` against go tool pprof: every row of
//! `tests/golden/pprof/cases.tsv` is a pprof command line over the fixtures
//! in `testdata/`, with a golden printed by go tool pprof itself
//! (`HEAPSCOPE_BLESS=1` reruns pprof to regenerate them; see the README
//! there). Also: pprof's flag syntax and errors, the interactive and
//! not-yet-available reports, and heapscope installed as `pprof`.
//! `HEAPSCOPE_CASE=substring` runs only matching golden cases.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn testdata() -> PathBuf {
    root().join("testdata")
}

fn golden_dir() -> PathBuf {
    root().join("tests/golden/pprof")
}

/// Runs `program ARGS` in testdata/ with a fixed time zone.
fn run(program: &Path, args: &[String]) -> Output {
    Command::new(program)
        .args(args)
        .current_dir(testdata())
        .env("TZ", "UTC")
        .env_remove("PPROF_BINARY_PATH")
        .env_remove("HEAPSCOPE_BINARY_PATH")
        .output()
        .expect("run")
}

fn heapscope_pprof(args: &[String]) -> Output {
    let mut all = vec!["pprof".to_string()];
    all.extend(args.iter().cloned());
    run(Path::new(env!("CARGO_BIN_EXE_heapscope")), &all)
}

fn words(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_string).collect()
}

fn ok_stdout(o: &Output, what: &str) -> String {
    assert!(
        o.status.success(),
        "{what}: exit {:?}\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).expect("utf-8 output")
}

/// What a tool prints for one case; `tool` runs `pprof ARGS` (heapscope's
/// or the real one), `tmp` is a scratch file.
fn produce(tool: &dyn Fn(&[String]) -> Output, kind: &str, args: &str, tmp: &Path) -> String {
    let t = tmp.display().to_string();
    match kind {
        "out" => ok_stdout(&tool(&words(args)), args),
        "topproto" => {
            let mut a = vec!["-topproto".into(), "-output".into(), t.clone()];
            a.extend(words(args));
            ok_stdout(&tool(&a), args);
            ok_stdout(&tool(&["-raw".into(), t]), "-raw of -topproto")
        }
        "output" => {
            let mut a = vec!["-output".into(), t.clone()];
            a.extend(words(args));
            let o = tool(&a);
            assert!(ok_stdout(&o, args).is_empty(), "{args}: stdout not empty");
            assert!(
                String::from_utf8_lossy(&o.stderr).contains(&format!("Generating report in {t}")),
                "{args}: no 'Generating report in' line"
            );
            std::fs::read_to_string(tmp).expect("output file")
        }
        other => panic!("unknown kind {other}"),
    }
}

#[test]
fn reports_match_pprof() {
    let bless = std::env::var_os("HEAPSCOPE_BLESS").is_some();
    let only = std::env::var("HEAPSCOPE_CASE").unwrap_or_default();
    let cases = std::fs::read_to_string(golden_dir().join("cases.tsv")).expect("cases.tsv");
    let dir = tempfile::tempdir().expect("tempdir");
    let pprof_bin = std::env::var_os("HEAPSCOPE_PPROF")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/tools/pprof"));
    let pprof = |a: &[String]| run(&pprof_bin, a);
    let mut failed = Vec::new();
    let mut n = 0;
    for line in cases
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let f: Vec<&str> = line.split('\t').collect();
        let (name, kind, args) = (f[0], f[1], f[2]);
        if !name.contains(&only) {
            continue;
        }
        n += 1;
        let golden = golden_dir().join(format!("{name}.txt"));
        let tmp = dir.path().join(format!("{name}.out"));
        if kind == "proto" {
            // REPORT | SOURCES: heapscope's -proto of SOURCES, reported by
            // heapscope with REPORT, against pprof's REPORT of SOURCES.
            let (report, sources) = args.split_once('|').expect("REPORT | SOURCES");
            if bless {
                let mut a = words(report);
                a.extend(words(sources));
                std::fs::write(&golden, ok_stdout(&pprof(&a), args)).unwrap();
            }
            let mut a = vec!["-proto".into(), "-output".into(), tmp.display().to_string()];
            a.extend(words(sources));
            ok_stdout(&heapscope_pprof(&a), args);
            let mut a = words(report);
            a.push(tmp.display().to_string());
            let got = ok_stdout(&heapscope_pprof(&a), args);
            let want = std::fs::read_to_string(&golden).expect("golden");
            // The header names no file; the rest must match.
            if got != want {
                failed.push(format!("{name}: heapscope pprof {args}"));
            }
            continue;
        }
        if bless {
            let want = produce(&pprof, kind, args, &tmp);
            std::fs::write(&golden, want).unwrap();
        }
        let want = std::fs::read_to_string(&golden).unwrap_or_else(|_| panic!("{name}: no golden"));
        let got = produce(&heapscope_pprof, kind, args, &tmp);
        if got != want {
            let diff: Vec<String> = want
                .lines()
                .zip(got.lines())
                .filter(|(a, b)| a != b)
                .take(3)
                .map(|(a, b)| format!("  pprof:     {a}\n  heapscope: {b}"))
                .collect();
            failed.push(format!(
                "{name}: heapscope pprof {args}\n{}{}",
                diff.join("\n"),
                if want.lines().count() != got.lines().count() {
                    format!(
                        "\n  {} lines vs {}",
                        want.lines().count(),
                        got.lines().count()
                    )
                } else {
                    String::new()
                }
            ));
        }
    }
    assert!(n > 0, "no case matched HEAPSCOPE_CASE={only}");
    assert!(
        failed.is_empty(),
        "{} of {n} cases differ:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

/// Exit 2 with exactly one line on stderr containing `needle`.
fn fails_with(args: &[&str], needle: &str) {
    let o = heapscope_pprof(&s(args));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
    assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    assert!(err.contains(needle), "{args:?}: {err}");
    assert!(o.stdout.is_empty());
}

#[test]
fn bad_flags_exit_2_naming_the_flag() {
    fails_with(
        &["-top", "-frobnicate", "go_shapes.pb.gz"],
        "flag provided but not defined: -frobnicate",
    );
    fails_with(
        &["-top", "-nodecount=many", "go_shapes.pb.gz"],
        "invalid value \"many\" for flag -nodecount",
    );
    fails_with(&["-top", "-cum=perhaps", "go_shapes.pb.gz"], "-cum");
    fails_with(&["-disasm=main", "go_shapes.pb.gz"], "-disasm");
    fails_with(
        &["-drop_negative", "-top", "go_shapes.pb.gz"],
        "-drop_negative",
    );
    fails_with(
        &["-top", "-nodecount"],
        "flag needs an argument: -nodecount",
    );
    fails_with(
        &["-top", "-traces", "go_shapes.pb.gz"],
        "at most one output format",
    );
    fails_with(&["-top"], "no profile source specified");
    fails_with(
        &["-top", "-normalize", "go_shapes.pb.gz"],
        "base profile to normalize",
    );
    fails_with(&["-top", "-divide_by=0", "go_shapes.pb.gz"], "zero divisor");
    fails_with(&["-top", "-sample_index=nope", "go_shapes.pb.gz"], "nope");
    fails_with(&["-top", "no_such_file.pb.gz"], "no_such_file.pb.gz");
}

#[test]
fn no_report_flag_suggests_http() {
    fails_with(&["go_shapes.pb.gz"], "no interactive shell");
    fails_with(&["go_shapes.pb.gz"], "-http");
}

#[test]
fn graph_and_web_reports_are_routed_but_not_built_yet() {
    for f in ["-dot", "-svg", "-png"] {
        fails_with(
            &[f, "go_shapes.pb.gz"],
            &format!("{f} is not available yet"),
        );
    }
    fails_with(
        &["-http=localhost:0", "go_shapes.pb.gz"],
        "-http is not available yet",
    );
}

#[test]
fn sample_shorthand_warning_as_pprof() {
    let o = heapscope_pprof(&s(&[
        "-top",
        "-inuse_objects",
        "-alloc_space",
        "go_shapes.pb.gz",
    ]));
    assert!(o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("Multiple value selections, ignoring -alloc_space"),
        "{err}"
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("Type: inuse_objects"));
}

#[test]
fn help_prints_usage() {
    let o = heapscope_pprof(&s(&["-h"]));
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains("-sample_index"));
}

#[test]
fn binary_proto_refuses_nothing_when_piped() {
    // stdout is a pipe here: -proto writes gzip'd profile.proto to it.
    let o = heapscope_pprof(&s(&["-proto", "go_shapes.pb.gz"]));
    assert!(o.status.success());
    assert_eq!(&o.stdout[..2], &[0x1f, 0x8b]);
}

#[cfg(unix)]
#[test]
fn a_symlink_named_pprof_is_pprof() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("pprof");
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_heapscope"), &link).unwrap();
    let args = s(&["-top", "-nodecount=3", "go_shapes.pb.gz"]);
    let via_link = run(&link, &args);
    let via_sub = heapscope_pprof(&args);
    assert!(
        via_link.status.success(),
        "{}",
        String::from_utf8_lossy(&via_link.stderr)
    );
    assert_eq!(via_link.stdout, via_sub.stdout);
    let out = String::from_utf8_lossy(&via_link.stdout);
    assert!(out.contains("Showing top 3 nodes"), "{out}");
    // And its errors are pprof's.
    let bad = run(&link, &s(&["-bogus", "x"]));
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("-bogus"));
}

/// Serves testdata/snap5.pb.gz to one request; returns the URL and a
/// handle giving the request line.
fn serve_once() -> (String, std::thread::JoinHandle<String>) {
    use std::io::{Read, Write};
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/debug/pprof/heap", l.local_addr().unwrap());
    let h = std::thread::spawn(move || {
        let (mut c, _) = l.accept().unwrap();
        let mut req = Vec::new();
        let mut buf = [0u8; 1024];
        while !req.windows(4).any(|w| w == b"\r\n\r\n") {
            match c.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => req.extend_from_slice(&buf[..n]),
            }
        }
        let body = std::fs::read(testdata().join("snap5.pb.gz")).unwrap();
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        let _ = c.write_all(head.as_bytes());
        let _ = c.write_all(&body);
        String::from_utf8_lossy(&req)
            .lines()
            .next()
            .unwrap_or("")
            .to_string()
    });
    (url, h)
}

#[test]
fn urls_with_seconds_and_timeout() {
    let (url, h) = serve_once();
    let o = heapscope_pprof(&s(&["-top", "-seconds=3", "-timeout", "20", &url]));
    let request = h.join().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(request.contains("seconds=3"), "{request}");
    let from_file = heapscope_pprof(&s(&["-top", "snap5.pb.gz"]));
    assert_eq!(o.stdout, from_file.stdout);
}

#[test]
fn binary_first_or_on_pprof_binary_path() {
    // With two arguments, an object file first is the binary.
    let named = heapscope_pprof(&s(&[
        "-top",
        "-nodecount=4",
        "symbolize/heapdemo_nopie",
        "legacy/nopie.0001.heap",
    ]));
    let out = ok_stdout(&named, "binary first");
    assert!(out.contains("alloc_leaf"), "{out}");
    // pprof's locateBinaries: the binary named becomes the main mapping's file.
    let raw = heapscope_pprof(&s(&[
        "-raw",
        "symbolize/heapdemo_nopie",
        "legacy/nopie.0001.heap",
    ]));
    let raw = ok_stdout(&raw, "raw");
    assert!(
        raw.contains("\n1: 0x400000/0x404000/0x0 symbolize/heapdemo_nopie "),
        "{raw}"
    );
    // Found by name in PPROF_BINARY_PATH instead.
    let found = Command::new(env!("CARGO_BIN_EXE_heapscope"))
        .args(["pprof", "-top", "-nodecount=4", "legacy/nopie.0001.heap"])
        .current_dir(testdata())
        .env("TZ", "UTC")
        .env("PPROF_BINARY_PATH", testdata().join("symbolize"))
        .output()
        .unwrap();
    assert_eq!(ok_stdout(&found, "PPROF_BINARY_PATH"), out);
    // A lone profile is never taken for a binary.
    let lone = heapscope_pprof(&s(&["-top", "symbolize/heapdemo_nopie"]));
    assert_eq!(lone.status.code(), Some(2));
}
