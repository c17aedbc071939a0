//! Live profiles over HTTP: a tiny server on 127.0.0.1 (std only) serves
//! corpus files, error pages and a slow response; each case checks the exit
//! code and the one-line message.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

fn testdata(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(p)
}

fn heapscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_heapscope"))
        .args(args)
        .output()
        .expect("run heapscope")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

struct Resp {
    status: &'static str,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

fn resp(status: &'static str, ct: &str, body: impl Into<Vec<u8>>) -> Resp {
    Resp {
        status,
        headers: vec![("Content-Type", ct.to_string())],
        body: body.into(),
    }
}

/// Starts the server; returns its base URL (`http://127.0.0.1:PORT`).
fn serve() -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", l.local_addr().unwrap());
    let seq = Arc::new(AtomicUsize::new(0));
    thread::spawn(move || {
        for c in l.incoming() {
            let Ok(c) = c else { continue };
            let seq = Arc::clone(&seq);
            thread::spawn(move || handle(c, &seq));
        }
    });
    base
}

fn handle(mut c: TcpStream, seq: &AtomicUsize) {
    let mut req = Vec::new();
    let mut buf = [0u8; 1024];
    while !req.windows(4).any(|w| w == b"\r\n\r\n") {
        match c.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => req.extend_from_slice(&buf[..n]),
        }
    }
    let req = String::from_utf8_lossy(&req).into_owned();
    let target = req.split(' ').nth(1).unwrap_or("/").to_string();
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let octet = "application/octet-stream";
    let r = match path {
        "/debug/pprof/heap" => resp(
            "200 OK",
            octet,
            std::fs::read(testdata("snap5.pb.gz")).unwrap(),
        ),
        "/html" => resp(
            "200 OK",
            "text/html; charset=utf-8",
            "<!DOCTYPE html>\n<html><body>Sign in</body></html>\n",
        ),
        "/pprof500" => {
            let mut r = resp(
                "500 Internal Server Error",
                "text/plain; charset=utf-8",
                "Could not enable CPU profiling: cpu profiling already in use\nsecond line\n",
            );
            r.headers.push(("X-Go-Pprof", "1".to_string()));
            r
        }
        "/query" => {
            // Echoes the query in a pprof-style error, so a test can see it.
            let mut r = resp(
                "400 Bad Request",
                "text/plain",
                format!("query was {query}"),
            );
            r.headers.push(("X-Go-Pprof", "1".to_string()));
            r
        }
        "/slow" => {
            thread::sleep(Duration::from_secs(10));
            resp("200 OK", octet, Vec::new())
        }
        "/seq" => {
            let i = seq.fetch_add(1, Ordering::SeqCst) % 3 + 1;
            resp(
                "200 OK",
                octet,
                std::fs::read(testdata(&format!("diff/snap{i}.pb.gz"))).unwrap(),
            )
        }
        "/flaky" => {
            // The second request fails; the others serve snap1, snap3.
            let i = seq.fetch_add(1, Ordering::SeqCst);
            if i == 1 {
                resp("503 Service Unavailable", "text/plain", "busy\n")
            } else {
                resp(
                    "200 OK",
                    octet,
                    std::fs::read(testdata(&format!("diff/snap{}.pb.gz", i + 1))).unwrap(),
                )
            }
        }
        "/redirect" => Resp {
            status: "302 Found",
            headers: vec![("Location", "/redirect".to_string())],
            body: Vec::new(),
        },
        _ => resp("404 Not Found", "text/plain", "404 page not found\n"),
    };
    let mut out = format!(
        "HTTP/1.1 {}\r\nContent-Length: {}\r\nConnection: close\r\n",
        r.status,
        r.body.len()
    );
    for (k, v) in &r.headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    let _ = c.write_all(out.as_bytes());
    let _ = c.write_all(&r.body);
}

/// Asserts exit code 2 and a single stderr line containing every `want`.
fn fails_with(o: &Output, want: &[&str]) {
    let e = stderr(o);
    assert_eq!(o.status.code(), Some(2), "stderr: {e}");
    assert_eq!(e.lines().count(), 1, "one line expected: {e}");
    for w in want {
        assert!(e.contains(w), "{w:?} not in {e:?}");
    }
}

#[test]
fn top_of_a_url_equals_top_of_the_file() {
    let base = serve();
    let local = heapscope(&["top", testdata("snap5.pb.gz").to_str().unwrap()]);
    assert!(local.status.success());
    let url = format!("{base}/debug/pprof/heap");
    let remote = heapscope(&["top", &url]);
    assert!(remote.status.success(), "{}", stderr(&remote));
    assert_eq!(
        String::from_utf8_lossy(&remote.stdout),
        String::from_utf8_lossy(&local.stdout)
    );
    // Without a scheme, as pprof: host:port/path gets http://.
    let bare = heapscope(&["top", url.trim_start_matches("http://")]);
    assert!(bare.status.success(), "{}", stderr(&bare));
    assert_eq!(bare.stdout, local.stdout);
}

#[test]
fn html_page_is_not_a_profile() {
    let base = serve();
    let url = format!("{base}/html");
    let o = heapscope(&["top", &url]);
    fails_with(&o, &[&url, "not a profile", "text/html"]);
}

#[test]
fn not_found_names_the_status() {
    let base = serve();
    let url = format!("{base}/missing");
    let o = heapscope(&["top", &url]);
    fails_with(&o, &[&url, "404 Not Found"]);
    // Not a Go pprof handler: the body is not shown.
    assert!(!stderr(&o).contains("page not found"));
}

#[test]
fn go_pprof_error_shows_the_first_body_line() {
    let base = serve();
    let url = format!("{base}/pprof500");
    let o = heapscope(&["top", &url]);
    fails_with(
        &o,
        &[
            &url,
            "500 Internal Server Error",
            "cpu profiling already in use",
        ],
    );
    assert!(!stderr(&o).contains("second line"));
}

#[test]
fn seconds_sets_the_query() {
    let base = serve();
    let o = heapscope(&[
        "top",
        "--seconds",
        "2",
        &format!("{base}/query?gc=1&seconds=9"),
    ]);
    fails_with(&o, &["query was gc=1&seconds=2", "?gc=1&seconds=2"]);
}

#[test]
fn slow_server_times_out() {
    let base = serve();
    let url = format!("{base}/slow");
    let o = heapscope(&["top", "--timeout", "1", &url]);
    fails_with(&o, &[&url, "timed out after 1s"]);
}

#[test]
fn refused_connection() {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/debug/pprof/heap", l.local_addr().unwrap());
    drop(l);
    let o = heapscope(&["top", &url]);
    fails_with(&o, &[&url, "connection refused"]);
}

#[test]
fn redirect_loop_is_capped() {
    let base = serve();
    let o = heapscope(&["top", &format!("{base}/redirect")]);
    fails_with(&o, &["redirect"]);
}

#[test]
fn body_size_is_capped() {
    let base = serve();
    let o = heapscope(&[
        "top",
        "--max-input-size",
        "100",
        &format!("{base}/debug/pprof/heap"),
    ]);
    fails_with(&o, &["--max-input-size"]);
}

/// `heapscope watch URL --every EVERY --count COUNT --dir DIR EXTRA...`.
fn watch(url: &str, every: &str, count: u32, dir: &Path, extra: &[&str]) -> Output {
    let count = count.to_string();
    let mut args = vec![
        "watch",
        url,
        "--every",
        every,
        "--count",
        &count,
        "--dir",
        dir.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    heapscope(&args)
}

#[test]
fn watch_keeps_snapshots_and_prints_the_trend() {
    let base = serve();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("snaps");
    let url = format!("{base}/seq");
    let o = watch(
        &url,
        "200ms",
        3,
        &out,
        &["--color", "never", "--nodecount", "5"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let mut files: Vec<PathBuf> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert_eq!(files.len(), 3, "{files:?}");
    for (i, f) in files.iter().enumerate() {
        let name = f.file_name().unwrap().to_str().unwrap();
        assert!(name.starts_with(&format!("{:06}-", i + 1)), "{name}");
        assert!(name.ends_with(".pb.gz"), "{name}");
        let want = std::fs::read(testdata(&format!("diff/snap{}.pb.gz", i + 1))).unwrap();
        assert_eq!(std::fs::read(f).unwrap(), want, "{name}");
    }
    let stdout = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(stdout.contains("Scrape 1/3"), "{stdout}");
    assert!(stdout.contains("Scrape 3/3"), "{stdout}");
    // After the last scrape: the same report as `trend` on the three files.
    let snaps: Vec<String> = (1..=3)
        .map(|i| {
            testdata(&format!("diff/snap{i}.pb.gz"))
                .to_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let mut args = vec!["trend", "--color", "never", "--nodecount", "5"];
    args.extend(snaps.iter().map(String::as_str));
    let t = heapscope(&args);
    assert!(t.status.success(), "{}", stderr(&t));
    let trend = String::from_utf8_lossy(&t.stdout).into_owned();
    let last = stdout.rsplit("Scrape 3/3").next().unwrap();
    let last = last.split_once('\n').unwrap().1;
    assert_eq!(last.trim_end(), trend.trim_end());
}

#[test]
fn watch_fails_on_a_first_scrape_error() {
    let base = serve();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("{base}/html");
    let o = watch(&url, "100ms", 2, dir.path(), &[]);
    fails_with(&o, &[&url, "text/html"]);
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing saved"
    );
}

#[test]
fn durations_are_checked() {
    let o = heapscope(&["watch", "http://127.0.0.1:1/x", "--every", "5parsecs"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("unknown unit"), "{}", stderr(&o));
}

#[test]
fn watch_goes_on_after_a_failed_scrape() {
    let base = serve();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("{base}/flaky");
    let o = watch(&url, "100ms", 3, dir.path(), &["--color", "never"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let e = stderr(&o);
    assert_eq!(e.lines().count(), 1, "{e}");
    assert!(
        e.starts_with(&format!(
            "heapscope: warning: scrape 2: {url}: server response: 503 Service Unavailable"
        )),
        "{e}"
    );
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(
        names[0].starts_with("000001-") && names[1].starts_with("000002-"),
        "{names:?}"
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("Scrape 3/3"), "{out}");
    assert!(out.contains("2 snapshots"), "{out}");
}

#[test]
fn watch_json_is_json_lines() {
    let base = serve();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("snaps");
    let url = format!("{base}/seq");
    let o = watch(&url, "100ms", 3, &out, &["--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let stdout = String::from_utf8_lossy(&o.stdout).into_owned();
    let lines: Vec<&str> = stdout.lines().collect();
    // One document per scrape from the second on, one per line.
    assert_eq!(lines.len(), 2, "{stdout}");
    for (i, l) in lines.iter().enumerate() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"));
        assert_eq!(v["command"], "trend");
        assert_eq!(v["snapshots"], i + 2);
    }
}
