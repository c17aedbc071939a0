//! `heapscope web`: its routes, a path traversal attempt, a flood of
//! concurrent requests, refinement answered in Rust (checked against
//! `heapscope top`), and a clean stop on SIGINT.

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const HS: &str = env!("CARGO_BIN_EXE_heapscope");

fn testdata(p: &str) -> String {
    format!("{}/testdata/{p}", env!("CARGO_MANIFEST_DIR"))
}

struct Web {
    child: Child,
    addr: String,
}

impl Web {
    fn start(args: &[&str]) -> Web {
        let (child, url) = crate::common::start_web(args, Stdio::piped());
        let addr = url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        assert!(
            addr.starts_with("127.0.0.1:"),
            "loopback by default: {addr}"
        );
        Web { child, addr }
    }

    /// A raw request; (status, headers, body).
    fn raw(&self, req: &str) -> (u16, String, Vec<u8>) {
        let mut s = TcpStream::connect(&self.addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        s.write_all(req.as_bytes()).unwrap();
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).unwrap();
        let split = buf
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a response head");
        let head = String::from_utf8_lossy(&buf[..split]).to_string();
        let status: u16 = head.split_whitespace().nth(1).unwrap().parse().unwrap();
        (status, head, buf[split + 4..].to_vec())
    }

    fn get(&self, path: &str) -> (u16, String, Vec<u8>) {
        self.raw(&format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n"))
    }
}

impl Drop for Web {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn top_names(args: &[&str]) -> Vec<String> {
    let o = Command::new(HS)
        .arg("top")
        .args(args)
        .args(["--no-trim", "--format", "json"])
        .output()
        .unwrap();
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let mut n: Vec<String> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_string())
        .collect();
    n.sort();
    n
}

#[test]
fn routes_traversal_flood_and_sigint() {
    let prof = testdata("go_shapes.pb.gz");
    let mut w = Web::start(&[&prof]);

    // The page, with its policy.
    let (st, head, body) = w.get("/");
    assert_eq!(st, 200);
    assert!(head.contains("Content-Security-Policy: default-src 'none'"));
    let body = String::from_utf8(body).unwrap();
    assert!(body.contains("\"mode\":\"server\"") && body.contains("script-src 'sha256-"));
    let (st, _, b) = w.raw("HEAD / HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!((st, b.len()), (200, 0));

    // Refinement, answered in Rust: the rows of `top --focus`.
    let (st, head, b) = w.get("/api/view?t=3&f=isOdd");
    assert_eq!(st, 200);
    assert!(head.contains("application/json"));
    let v: serde_json::Value = serde_json::from_slice(&b).unwrap();
    let names = v["names"].as_array().unwrap();
    let mut got: Vec<String> = v["views"][0]["top"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            names[r[0].as_u64().unwrap() as usize]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    got.sort();
    assert_eq!(got, top_names(&[&prof, "--focus", "isOdd"]));
    assert!(
        v["views"][0]["labels"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l == "   focus=isOdd"),
        "{}",
        v["views"][0]["labels"]
    );
    // The page holds the default type's graph only; another type's view
    // comes with its call graph, unless g=0 (not the Graph view), and an
    // unrefined view has no filter label.
    let (st, _, b) = w.get("/api/view?t=0");
    assert_eq!(st, 200);
    let v: serde_json::Value = serde_json::from_slice(&b).unwrap();
    let g = &v["views"][0]["graph"];
    assert!(g["svg"].as_str().unwrap().starts_with("<svg"), "{g}");
    assert_eq!(g["omitted"], false);
    assert!(
        g["svg"].as_str().unwrap().contains("Type: alloc_objects"),
        "the graph of type 0"
    );
    let (_, _, b) = w.get("/api/view?t=0&g=0");
    let v: serde_json::Value = serde_json::from_slice(&b).unwrap();
    let g = &v["views"][0]["graph"];
    assert_eq!(
        (g["svg"].as_str(), &g["omitted"]),
        (Some(""), &serde_json::json!(true))
    );
    assert!(!v["views"][0]["top"].as_array().unwrap().is_empty());
    let page = String::from_utf8(w.get("/").2).unwrap();
    assert_eq!(
        page.matches("\\u003csvg ").count(),
        1,
        "one graph in the page"
    );
    // A bad regex or sample type is a message, not a crash.
    let (st, _, b) = w.get("/api/view?t=0&f=%28");
    assert_eq!(st, 200);
    assert!(String::from_utf8_lossy(&b).contains("\"error\""));
    let (_, _, b) = w.get("/api/view?t=99");
    assert!(String::from_utf8_lossy(&b).contains("no sample type"));

    // Only its own routes: no traversal, no listing, no files.
    for p in [
        "/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2f..%2fetc%2fpasswd",
        "//etc/passwd",
        "/testdata/go_shapes.pb.gz",
        "/src/",
        "/api/",
        "/index.html/../../Cargo.toml",
        "http://example.com/",
    ] {
        let (st, _, b) = w.get(p);
        assert_eq!(st, 404, "{p}");
        let b = String::from_utf8_lossy(&b);
        assert!(!b.contains("root:") && !b.contains("[package]"), "{p}");
    }
    let (st, _, _) = w.raw("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
    assert_eq!(st, 405);
    // A garbage request line and an oversized head.
    let (st, _, _) = w.raw("\r\n\r\n");
    assert!(st == 400 || st == 405 || st == 404, "{st}");
    let big = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(40_000));
    let mut s = TcpStream::connect(&w.addr).unwrap();
    let _ = s.write_all(big.as_bytes());
    let mut resp = Vec::new();
    let _ = s.read_to_end(&mut resp);
    assert!(resp.starts_with(b"HTTP/1.1 431") || resp.is_empty());

    // A flood: 16 threads x 25 requests, idle connections alongside.
    let idle: Vec<TcpStream> = (0..8)
        .map(|_| TcpStream::connect(&w.addr).unwrap())
        .collect();
    let addr = w.addr.clone();
    let t0 = Instant::now();
    let handles: Vec<_> = (0..16)
        .map(|i| {
            let addr = addr.clone();
            std::thread::spawn(move || {
                let mut ok = 0;
                let mut busy = 0;
                for j in 0..25 {
                    let path = if (i + j) % 3 == 0 {
                        "/api/view?t=1&h=runtime".to_string()
                    } else {
                        "/".to_string()
                    };
                    let Ok(mut s) = TcpStream::connect(&addr) else {
                        continue;
                    };
                    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
                    let _ = s.write_all(format!("GET {path} HTTP/1.1\r\n\r\n").as_bytes());
                    let mut b = Vec::new();
                    let _ = s.read_to_end(&mut b);
                    if b.starts_with(b"HTTP/1.1 200") {
                        ok += 1;
                    } else if b.starts_with(b"HTTP/1.1 503") {
                        busy += 1;
                    }
                }
                (ok, busy)
            })
        })
        .collect();
    let (mut ok, mut busy) = (0, 0);
    for h in handles {
        let (a, b) = h.join().unwrap();
        ok += a;
        busy += b;
    }
    drop(idle);
    assert_eq!(
        ok + busy,
        400,
        "every request answered ({ok} ok, {busy} busy)"
    );
    assert!(ok >= 200, "most requests served: {ok}");
    eprintln!("flood: {ok} ok, {busy} busy in {:?}", t0.elapsed());
    // Still up.
    assert_eq!(w.get("/").0, 200);

    // Ctrl-C: a clean stop, exit 0.
    kill(Pid::from_raw(w.child.id() as i32), Signal::SIGINT).unwrap();
    let t = Instant::now();
    let status = loop {
        if let Some(s) = w.child.try_wait().unwrap() {
            break s;
        }
        assert!(t.elapsed() < Duration::from_secs(10), "did not stop");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
    let mut err = String::new();
    w.child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(err.contains("stopped"), "{err}");
}

#[test]
fn non_loopback_warns() {
    let mut c = Command::new(HS)
        .args(["web", &testdata("go_shapes.pb.gz"), "--http", "0.0.0.0:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(c.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(line.contains("http://0.0.0.0:"), "{line}");
    kill(Pid::from_raw(c.id() as i32), Signal::SIGINT).unwrap();
    let out = c.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not loopback"), "{err}");
}

#[test]
fn bad_profile_is_one_line_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.pb");
    std::fs::write(&bad, b"\x0a\xff\xff\xff").unwrap();
    for cmd in ["web", "report"] {
        let mut c = Command::new(HS);
        c.arg(cmd).arg(&bad);
        if cmd == "report" {
            c.arg("-o").arg(dir.path().join("x.html"));
        }
        let o = c.output().unwrap();
        assert_eq!(o.status.code(), Some(2));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("bad.pb") && err.lines().count() == 1, "{err}");
    }
    assert!(!dir.path().join("x.html").exists());
}
