//! `heapscope pprof ARGS` against go tool pprof: every row of
//! `tests/golden/pprof/cases.tsv` is a pprof command line over the fixtures
//! in `testdata/`, with a golden printed by go tool pprof itself
//! (`HEAPSCOPE_BLESS=1` reruns pprof to regenerate them; see the README
//! there). Also: pprof's flag syntax and errors, the interactive shell
//! (refused), the call graph (-dot against pprof's goldens, -svg/-png), -http, and heapscope installed as `pprof`.
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

/// The node boxes of a DOT graph: the `tooltip` of each `N<k> [...]` line.
fn dot_node_tooltips(dot: &str) -> Vec<String> {
    let mut v: Vec<String> = dot
        .lines()
        .filter(|l| l.starts_with('N') && l.contains(" [label=") && !l.contains(" -> "))
        .filter_map(|l| l.split("tooltip=\"").nth(1))
        .map(|t| t.split('"').next().unwrap().to_string())
        .collect();
    v.sort();
    v
}

/// The node boxes of heapscope's SVG: the `<title>` of each `class="node"`
/// group, XML entities decoded.
fn svg_node_titles(svg: &str) -> Vec<String> {
    let mut v: Vec<String> = svg
        .split("class=\"node\"><title>")
        .skip(1)
        .map(|t| {
            t.split("</title>")
                .next()
                .unwrap()
                .replace("&quot;", "\"")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&")
        })
        .collect();
    v.sort();
    v
}

#[test]
fn svg_draws_the_nodes_of_dot() {
    for args in [
        &["go_shapes.pb.gz"][..],
        &[
            "-nodecount=5",
            "-sample_index=alloc_space",
            "go_shapes.pb.gz",
        ],
        &["-focus=newPayload", "snap5.pb.gz"],
    ] {
        let mut a = s(&["-dot"]);
        a.extend(s(args));
        let dot = ok_stdout(&heapscope_pprof(&a), "-dot");
        a[0] = "-svg".into();
        let svg = ok_stdout(&heapscope_pprof(&a), "-svg");
        assert!(svg.contains("<svg "), "{args:?}: not an SVG");
        let want = dot_node_tooltips(&dot);
        assert!(!want.is_empty(), "{args:?}: no nodes in the DOT");
        assert_eq!(svg_node_titles(&svg), want, "{args:?}");
    }
    // -nodecount is honoured: 5 nodes at most.
    let dot = ok_stdout(
        &heapscope_pprof(&s(&["-dot", "-nodecount=5", "go_shapes.pb.gz"])),
        "-dot",
    );
    assert!(dot_node_tooltips(&dot).len() <= 5);
}

#[test]
fn png_to_a_pipe_and_to_output() {
    const MAGIC: &[u8] = b"\x89PNG\r\n\x1a\n";
    let o = heapscope_pprof(&s(&["-png", "go_shapes.pb.gz"]));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(o.stdout.starts_with(MAGIC), "stdout is not a PNG");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("g.png");
    let o = heapscope_pprof(&s(&[
        "-png",
        "-output",
        path.to_str().unwrap(),
        "go_shapes.pb.gz",
    ]));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(o.stdout.is_empty());
    assert!(std::fs::read(&path).unwrap().starts_with(MAGIC));
}

#[test]
fn graph_reports_refuse_what_they_do_not_support() {
    fails_with(
        &["-dot", "-call_tree", "go_shapes.pb.gz"],
        "-call_tree with -dot",
    );
    fails_with(&["-svg", "-mean", "go_shapes.pb.gz"], "-mean");
    fails_with(&["-http=nocolon", "go_shapes.pb.gz"], "could not split");
    fails_with(&["-http=:http", "go_shapes.pb.gz"], "not a number");
    fails_with(
        &[
            "-http=:0",
            "-normalize",
            "-base",
            "snap1.pb.gz",
            "snap5.pb.gz",
        ],
        "-http does not support",
    );
}

/// `heapscope pprof -http=...`: the URL it prints, and the child.
fn start_http(args: &[&str], browser: &Path) -> (std::process::Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_heapscope"))
        .arg("pprof")
        .args(args)
        .current_dir(testdata())
        .env("BROWSER", browser)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let url = crate::common::served_url(&mut child);
    (child, url)
}

fn http_get(url: &str) -> String {
    use std::io::{Read, Write};
    let rest = url.trim_start_matches("http://");
    let (addr, path) = rest.split_at(rest.find('/').unwrap());
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(60)))
        .unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let mut buf = String::new();
    s.read_to_string(&mut buf).unwrap();
    buf
}

#[test]
fn http_serves_the_page_with_the_command_line_options() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    // A "browser" that records the URL it was asked to open.
    let opened = dir.path().join("opened");
    let browser = dir.path().join("browser.sh");
    std::fs::write(
        &browser,
        format!("#!/bin/sh\necho \"$1\" > {}\n", opened.display()),
    )
    .unwrap();
    std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755)).unwrap();

    // `HOST:` takes a free port; -no_browser opens nothing.
    let (mut child, url) = start_http(
        &[
            "-http=localhost:",
            "-no_browser",
            "-sample_index=alloc_space",
            "-focus=allocBuf",
            "go_shapes.pb.gz",
        ],
        &browser,
    );
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let page = http_get(&url);
    assert!(
        page.starts_with("HTTP/1.1 200"),
        "{}",
        &page[..page.len().min(200)]
    );
    assert!(page.contains("\"mode\":\"server\""), "a server page");
    // The command line's sample index is the page's default type, and its
    // focus is applied (named in the labels).
    assert!(page.contains("focus=allocBuf"), "the focus is not applied");
    let json = http_get(&format!("{url}api/view?t=1&f=main"));
    assert!(json.contains("\"views\""), "{json}");
    assert!(json.contains("<svg "), "the refined view has no graph");
    let _ = child.kill();
    let _ = child.wait();
    assert!(!opened.exists(), "-no_browser opened a browser");

    // Without -no_browser, the browser is asked to open the URL.
    let (mut child, url) = start_http(&["-http=127.0.0.1:0", "go_shapes.pb.gz"], &browser);
    let t0 = std::time::Instant::now();
    while !opened.exists() && t0.elapsed() < std::time::Duration::from_secs(20) {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    let got = std::fs::read_to_string(&opened).expect("the browser was not started");
    assert_eq!(got.trim(), url);
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
