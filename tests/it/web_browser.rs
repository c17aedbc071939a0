//! The interactive page in a real browser: headless Chromium driven over
//! the DevTools protocol (`--remote-debugging-pipe`: JSON messages ending
//! in NUL on two FIFOs, std only). Checks the Top rows against `heapscope
//! top`, a flame zoom by a real mouse click, a focus (URL and rows), the
//! Graph view (the nodes of `heapscope graph`, a click on a node focuses),
//! diff and trend views, and that names carrying HTML/JS payloads run no
//! script. Screenshots go to target/web-screens/ for a human to look at.
//!
//! Without Chromium the tests say so and pass, except under CI=true, where
//! they fail (CI installs it: see .ci/run).

use crate::common;

use common::Builder;
use serde_json::{Value, json};
use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const HS: &str = env!("CARGO_BIN_EXE_heapscope");

fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("HEAPSCOPE_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        for dir in std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()) {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

/// The browser, or None (a message) when it is missing outside CI.
fn browser_or_skip() -> Option<PathBuf> {
    match chromium() {
        Some(p) => Some(p),
        None if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("CI=true but no Chromium found (apt-get install -y chromium)")
        }
        None => {
            eprintln!("SKIPPED: no chromium on PATH (set HEAPSCOPE_CHROMIUM)");
            None
        }
    }
}

struct Cdp {
    child: Child,
    w: File,
    r: BufReader<File>,
    next: u64,
    session: String,
    _dir: tempfile::TempDir,
}

impl Cdp {
    fn launch(bin: &Path) -> Cdp {
        let dir = tempfile::tempdir().unwrap();
        let to = dir.path().join("to");
        let from = dir.path().join("from");
        for f in [&to, &from] {
            let st = Command::new("mkfifo").arg(f).status().unwrap();
            assert!(st.success());
        }
        let profile = dir.path().join("profile");
        let child = Command::new("bash")
            .arg("-c")
            .arg(r#"exec "$1" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync --disable-extensions --hide-scrollbars --window-size=1400,1000 --user-data-dir="$4" --remote-debugging-pipe 3<"$2" 4>"$3""#)
            .arg("sh")
            .arg(bin)
            .arg(&to)
            .arg(&from)
            .arg(&profile)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let w = std::fs::OpenOptions::new().write(true).open(&to).unwrap();
        let r = BufReader::new(File::open(&from).unwrap());
        let mut c = Cdp {
            child,
            w,
            r,
            next: 0,
            session: String::new(),
            _dir: dir,
        };
        let t = c.call("Target.createTarget", json!({"url": "about:blank"}));
        let tid = t["targetId"].as_str().unwrap().to_string();
        let s = c.call(
            "Target.attachToTarget",
            json!({"targetId": tid, "flatten": true}),
        );
        c.session = s["sessionId"].as_str().unwrap().to_string();
        c.call("Page.enable", json!({}));
        c.call("Runtime.enable", json!({}));
        c
    }

    fn call(&mut self, method: &str, params: Value) -> Value {
        match self.try_call(method, params) {
            Ok(v) => v,
            Err(e) => panic!("{method}: {e}"),
        }
    }

    /// [`Self::call`], with the browser's error returned instead of a
    /// panic (during a navigation, the page's context can be gone).
    fn try_call(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        self.next += 1;
        let id = self.next;
        let mut msg = json!({"id": id, "method": method, "params": params});
        if !self.session.is_empty() && !method.starts_with("Target.") {
            msg["sessionId"] = json!(self.session);
        }
        let mut b = serde_json::to_vec(&msg).unwrap();
        b.push(0);
        self.w.write_all(&b).unwrap();
        self.w.flush().unwrap();
        loop {
            let mut buf = Vec::new();
            let n = self.r.read_until(0, &mut buf).unwrap();
            assert!(n > 0, "browser closed the pipe");
            buf.pop();
            let v: Value = serde_json::from_slice(&buf).unwrap();
            if v["id"] == json!(id) {
                if let Some(e) = v.get("error") {
                    return Err(e.clone());
                }
                return Ok(v["result"].clone());
            }
            if v["method"] == "Page.javascriptDialogOpening" {
                panic!("a dialog opened: {v}");
            }
        }
    }

    /// Evaluates `expr` in the page and returns its value.
    fn eval(&mut self, expr: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({"expression": expr, "returnByValue": true, "awaitPromise": true}),
        );
        if let Some(e) = r.get("exceptionDetails") {
            panic!("{expr}: {e}");
        }
        r["result"]["value"].clone()
    }

    fn wait_for(&mut self, expr: &str) -> Value {
        let t = Instant::now();
        loop {
            // Not there yet while the page navigates: its context is gone
            // (an error) or the expression throws on a half-built page.
            let v = self
                .try_call(
                    "Runtime.evaluate",
                    json!({"expression": expr, "returnByValue": true, "awaitPromise": true}),
                )
                .ok()
                .filter(|r| r.get("exceptionDetails").is_none())
                .map(|r| r["result"]["value"].clone())
                .unwrap_or(Value::Null);
            if !v.is_null() && v != json!(false) {
                return v;
            }
            assert!(
                t.elapsed() < Duration::from_secs(20),
                "timed out waiting for {expr}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn goto(&mut self, url: &str) {
        self.call("Page.navigate", json!({"url": url}));
        self.wait_for("document.readyState === 'complete' && document.body && document.body.getAttribute('data-ready') === '1'");
    }

    /// Sets the hash and waits for the re-render.
    fn hash(&mut self, h: &str) {
        self.eval(&format!(
            "new Promise(r => {{ const h = '#' + {h}; if (location.hash === h) return r(); window.addEventListener('hashchange', () => setTimeout(r, 0), {{once: true}}); setTimeout(r, 5000); location.hash = h; }})",
            h = json!(h)
        ));
    }

    fn click_at(&mut self, x: f64, y: f64) {
        for t in ["mousePressed", "mouseReleased"] {
            self.call(
                "Input.dispatchMouseEvent",
                json!({"type": t, "x": x, "y": y, "button": "left", "clickCount": 1}),
            );
        }
    }

    fn screenshot(&mut self, name: &str) -> PathBuf {
        let r = self.call("Page.captureScreenshot", json!({"format": "png"}));
        let png = base64(r["data"].as_str().unwrap());
        assert!(png.starts_with(b"\x89PNG"));
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("web-screens");
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join(format!("{name}.png"));
        std::fs::write(&p, png).unwrap();
        p
    }
}

impl Drop for Cdp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn base64(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let b: Vec<u8> = s.bytes().filter(|&c| c != b'=').collect();
    let mut out = Vec::with_capacity(b.len() * 3 / 4);
    for ch in b.chunks(4) {
        let v: Vec<u32> = ch.iter().map(|&c| val(c) as u32).collect();
        let n = v.iter().fold(0u32, |a, &x| (a << 6) | x) << (6 * (4 - v.len()));
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..v.len() - 1]);
    }
    out
}

fn testdata(p: &str) -> String {
    format!("{}/testdata/{p}", env!("CARGO_MANIFEST_DIR"))
}

fn report(args: &[&str], out: &Path) {
    let o = Command::new(HS)
        .arg("report")
        .args(args)
        .arg("-o")
        .arg(out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// `heapscope top` rows: (flat as printed, name).
fn top_names(args: &[&str]) -> Vec<String> {
    let o = Command::new(HS).arg("top").args(args).output().unwrap();
    assert!(o.status.success());
    let text = String::from_utf8(o.stdout).unwrap();
    let mut names = Vec::new();
    let mut table = false;
    for l in text.lines() {
        if l.trim_start().starts_with("flat") {
            table = true;
            continue;
        }
        if table {
            let cols: Vec<&str> = l.split_whitespace().collect();
            let name = cols[5..].join(" ");
            names.push(
                name.trim_end_matches(" (inline)")
                    .trim_end_matches(" (partial-inline)")
                    .to_string(),
            );
        }
    }
    names
}

/// Writes the report page of `go_shapes.pb.gz` into `dir`; returns the
/// page's path and the profile's.
fn shapes_page(dir: &tempfile::TempDir) -> (PathBuf, String) {
    let html = dir.path().join("shapes.html");
    let prof = testdata("go_shapes.pb.gz");
    report(&[&prof], &html);
    (html, prof)
}

#[test]
fn top_flame_focus_in_browser() {
    let Some(bin) = browser_or_skip() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (html, prof) = shapes_page(&dir);
    let body = std::fs::read_to_string(&html).unwrap();
    assert!(
        body.contains("connect-src 'none'"),
        "a file makes no request"
    );
    let url = format!("file://{}", html.display());
    let mut b = Cdp::launch(&bin);
    b.goto(&format!("{url}#v=top"));

    // Our style applies (the policy allows it by hash).
    assert_eq!(
        b.eval("getComputedStyle(document.querySelector('header')).position"),
        json!("sticky")
    );
    // Top: the rows are `heapscope top`'s, in its order.
    let want = top_names(&[&prof, "--no-trim"]);
    assert!(want.len() >= 5);
    let got = b.eval(
        "[...document.querySelectorAll('#toptable tbody tr td.name')].map(t => t.textContent)",
    );
    let got: Vec<String> = serde_json::from_value(got).unwrap();
    assert_eq!(&got[..want.len()], &want[..]);
    // Sorting by cum puts the largest cum first.
    b.eval("document.querySelector('th[data-sort=cum]').click()");
    b.wait_for("location.hash.includes('sort=cum')");
    let cums: Vec<i64> = serde_json::from_value(b.eval(
        "[...document.querySelectorAll('#toptable tbody tr')].map(t => +t.getAttribute('data-cum'))",
    ))
    .unwrap();
    assert!(cums.windows(2).all(|w| w[0] >= w[1]), "{cums:?}");
    b.screenshot("top");

    // Flame graph: a real click on a box zooms to it.
    b.hash("v=flame");
    let target = "main.allocBuf";
    let r = b.eval(&format!(
        "(() => {{ const g = [...document.querySelectorAll('#flame g.box')].find(g => g.getAttribute('data-name') === {}); const r = g.querySelector('rect').getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2, r.width]; }})()",
        json!(target)
    ));
    let (x, y, w0) = (
        r[0].as_f64().unwrap(),
        r[1].as_f64().unwrap(),
        r[2].as_f64().unwrap(),
    );
    b.screenshot("flame");
    b.click_at(x, y);
    b.wait_for("location.hash.includes('z=')");
    // The hash changes before the view re-renders: wait for the zoomed box.
    let zoomed = b.wait_for(&format!(
        "(() => {{ const g = [...document.querySelectorAll('#flame g.box')].find(g => g.getAttribute('data-name') === {}); return !!g && g.querySelector('rect').getBoundingClientRect().width > {w0}; }})()",
        json!(target)
    ));
    assert_eq!(zoomed, json!(true));
    let w1 = b.eval(&format!(
        "(() => {{ const g = [...document.querySelectorAll('#flame g.box')].find(g => g.getAttribute('data-name') === {}); return g.querySelector('rect').getBoundingClientRect().width; }})()",
        json!(target)
    ));
    let svgw = b.eval("document.getElementById('flame').getBoundingClientRect().width");
    assert!(
        w1.as_f64().unwrap() > w0 && w1.as_f64().unwrap() >= svgw.as_f64().unwrap() - 2.0,
        "the clicked box spans the width after the zoom ({w0} -> {w1}, svg {svgw})"
    );
    // The click offered the callers and refinements of the box.
    let pick = b.eval("document.getElementById('pick').textContent");
    assert!(pick.as_str().unwrap().contains(target));
    b.screenshot("flame-zoomed");
    // Callers of the box.
    b.eval("[...document.querySelectorAll('#pick button')].find(x => x.textContent === 'Callers').click()");
    b.wait_for("location.hash.includes('c=main.allocBuf')");
    let first = b
        .eval("document.querySelectorAll('#flame g.box:not(.reset)')[0].getAttribute('data-name')");
    assert_eq!(
        first,
        json!(target),
        "the callers view starts at the function"
    );
    b.screenshot("flame-callers");

    // Focus from the regex box: the URL carries it and the rows obey it.
    b.hash("v=top");
    b.eval("document.getElementById('regex').value = 'isOdd'; document.querySelector('button[data-refine=f]').click()");
    b.wait_for("location.hash.includes('f=isOdd')");
    let hash = b.eval("location.hash");
    assert!(hash.as_str().unwrap().contains("v=top"));
    let got: Vec<String> = serde_json::from_value(b.eval(
        "[...document.querySelectorAll('#toptable tbody tr td.name')].map(t => t.textContent)",
    ))
    .unwrap();
    let want = top_names(&[&prof, "--no-trim", "--focus", "isOdd"]);
    let mut g = got.clone();
    let mut w = want.clone();
    g.sort();
    w.sort();
    assert_eq!(g, w, "focused rows match `top --focus isOdd`");
    assert!(
        b.eval("document.getElementById('active').textContent")
            .as_str()
            .unwrap()
            .contains("focus=isOdd")
    );
    b.screenshot("top-focus");
    // The link reproduces the view.
    let link = b.eval("location.href").as_str().unwrap().to_string();
    b.call("Page.navigate", json!({"url": "about:blank"}));
    b.wait_for("location.href === 'about:blank'");
    b.goto(&link);
    let again: Vec<String> = serde_json::from_value(b.eval(
        "[...document.querySelectorAll('#toptable tbody tr td.name')].map(t => t.textContent)",
    ))
    .unwrap();
    assert_eq!(again, got);
    // Switching the sample type.
    b.eval("const s = document.getElementById('sampletype'); s.value = '0'; s.dispatchEvent(new Event('change'))");
    b.wait_for("location.hash.includes('t=0')");
    let labels = b.eval("document.querySelector('.labels').textContent");
    assert!(
        labels.as_str().unwrap().contains("Type: alloc_objects"),
        "{labels}"
    );
    // No request left the page.
    let n = b.eval("performance.getEntriesByType('resource').length");
    assert_eq!(n, json!(0));
}

#[test]
fn diff_and_trend_views() {
    let Some(bin) = browser_or_skip() else { return };
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("trend.html");
    let snaps: Vec<String> = (1..=5)
        .map(|i| testdata(&format!("diff/snap{i}.pb.gz")))
        .collect();
    let s: Vec<&str> = snaps.iter().map(|s| s.as_str()).collect();
    report(&s, &html);
    let two = dir.path().join("diff.html");
    report(&s[..2], &two);
    let mut b = Cdp::launch(&bin);

    // Trend: the kinds are `trend`'s.
    b.goto(&format!("file://{}#v=trend", html.display()));
    let rows = rows_match_cli(&mut b, "trend", &s, "kind");
    let sparks = b.eval("document.querySelectorAll('#trendtable svg.spark polyline').length");
    assert_eq!(sparks, json!(rows.len()));
    // The type menu does not apply here, and says so.
    assert_eq!(
        b.eval("document.getElementById('sampletype').disabled"),
        json!(true)
    );
    let note = b.eval("document.getElementById('typenote').textContent");
    assert!(
        note.as_str()
            .unwrap()
            .contains("Trend compares inuse_space"),
        "{note}"
    );
    b.screenshot("trend");

    // Diff: NEW/GONE and deltas as `diff` computes them.
    b.goto(&format!("file://{}#v=diff", two.display()));
    rows_match_cli(&mut b, "diff", &s[..2], "status");
    let boxes = b.eval("document.querySelectorAll('#flame g.box').length");
    assert!(boxes.as_u64().unwrap() > 1);
    // Diff is not refined: the Refine and Tags controls are off and say so.
    let off = b.eval("['regex', 'tagregex'].map(i => document.getElementById(i).disabled).concat([...document.querySelectorAll('button[data-refine]')].map(e => e.disabled))");
    let off: Vec<bool> = serde_json::from_value(off).unwrap();
    assert_eq!(off.len(), 8, "two boxes and six buttons");
    assert!(off.iter().all(|&d| d), "{off:?}");
    let note = b.eval("document.getElementById('refinenote').textContent");
    assert!(
        note.as_str().unwrap().contains("Diff is not refined"),
        "{note}"
    );
    assert_eq!(
        b.eval("document.getElementById('refineignored')"),
        json!(null)
    );
    b.screenshot("diff");
    let rows_of = |b: &mut Cdp| -> Vec<String> {
        serde_json::from_value(b.eval(
            "[...document.querySelectorAll('#difftable tbody tr td.name')].map(t => t.textContent)",
        ))
        .unwrap()
    };
    let unfocused = rows_of(&mut b);
    // A link to Diff with a focus in it shows the focus as not applied
    // (the rows are the unrefined ones), and it stays in the URL.
    let focus = rows[0].0.clone();
    b.hash(&format!("v=diff&f={focus}"));
    b.wait_for("document.getElementById('refineignored') !== null");
    let warn = b.eval("document.getElementById('active').textContent");
    let warn = warn.as_str().unwrap();
    assert!(
        warn.starts_with("Not applied on Diff") && warn.contains(&format!("focus={focus}")),
        "{warn}"
    );
    assert_eq!(
        b.eval("document.querySelector('#active .chip').className"),
        json!("chip off")
    );
    assert_eq!(rows_of(&mut b), unfocused);
    b.screenshot("diff-focus-not-applied");
    // The same link on Top applies the focus, with the controls on.
    b.eval("location.hash = location.hash.replace('v=diff', 'v=top')");
    b.wait_for("document.getElementById('refineignored') === null && document.querySelectorAll('#toptable tbody tr').length > 0");
    assert_eq!(
        b.eval("document.getElementById('regex').disabled"),
        json!(false)
    );
    assert_eq!(
        b.eval("document.querySelector('#active .chip').className"),
        json!("chip")
    );
    assert_eq!(b.eval("document.getElementById('refinenote')"), json!(null));
    // And Trend is not refined either.
    b.goto(&format!("file://{}#v=trend&tf=a", html.display()));
    assert_eq!(
        b.eval("document.getElementById('tagregex').disabled"),
        json!(true)
    );
    let warn = b.eval("document.getElementById('active').textContent");
    assert!(
        warn.as_str().unwrap().starts_with("Not applied on Trend"),
        "{warn}"
    );
    b.screenshot("trend-tag-not-applied");
}

/// Names that are HTML and script: they must show as text and run nothing.
fn hostile_profile(dir: &Path) -> PathBuf {
    let mut b = Builder::default();
    let evil = [
        "<img src=x onerror=\"window.__pwned=1\">",
        "</script><script>window.__pwned=2</script>",
        "\"><svg onload=\"window.__pwned=3\">",
        "javascript:window.__pwned=4",
        "${window.__pwned=5}' onmouseover='window.__pwned=6",
    ];
    b.sample(&[evil[0], evil[1], "main"], &[1, 4096, 1, 4096]);
    b.sample(&[evil[2], evil[1], "main"], &[2, 8192, 2, 8192]);
    b.sample(&[evil[3], "main"], &[1, 2048, 1, 2048]);
    b.sample(&[evil[4], evil[0], "main"], &[1, 1024, 1, 1024]);
    let p = dir.join("evil<b>name<i>.pb.gz");
    std::fs::write(&p, b.gzip()).unwrap();
    p
}

#[test]
fn hostile_names_run_no_script() {
    let Some(bin) = browser_or_skip() else { return };
    let dir = tempfile::tempdir().unwrap();
    let p = hostile_profile(dir.path());
    let html = dir.path().join("evil.html");
    let ps = p.to_str().unwrap();
    report(&[ps, ps], &html);
    let body = std::fs::read_to_string(&html).unwrap();
    assert!(!body.contains("<img src=x"), "no raw payload in the file");
    assert!(!body.contains("<b>name"), "the title is escaped");
    let mut b = Cdp::launch(&bin);
    b.goto(&format!("file://{}#v=top", html.display()));
    for v in ["top", "flame", "graph", "peek&p=.", "diff", "trend"] {
        b.hash(&format!("v={v}"));
        // Hover and click every box (tooltips, the pick bar).
        b.eval("document.querySelectorAll('#flame g.box').forEach(g => { g.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})); })");
        let text = b.eval("document.body.innerText");
        if v != "peek&p=." {
            assert!(
                text.as_str().unwrap().contains("window.__pwned=")
                    || v == "flame"
                    || v == "diff"
                    || v == "graph",
                "{v}: payload shown as text"
            );
        }
        b.screenshot(&format!("hostile-{}", v.split('&').next().unwrap()));
    }
    b.hash("v=flame");
    let n = b
        .eval("document.querySelectorAll('#flame g.box').length")
        .as_u64()
        .unwrap();
    for i in 1..n {
        b.eval(&format!("document.querySelectorAll('#flame g.box')[{i}].dispatchEvent(new MouseEvent('click', {{bubbles: true}}))"));
        b.wait_for("location.hash.includes('z=')");
        b.hash("v=flame");
    }
    // Focus on a payload: it travels in the URL as text.
    b.eval("document.getElementById('regex').value = '<img'; document.querySelector('button[data-refine=f]').click()");
    b.wait_for("location.hash.includes('f=')");
    b.screenshot("hostile-focus");
    assert_eq!(b.eval("typeof window.__pwned"), json!("undefined"));
    assert_eq!(
        b.eval("document.querySelectorAll('img, body svg svg, iframe, object, embed').length"),
        json!(0)
    );
    assert_eq!(
        b.eval("document.scripts.length"),
        json!(2),
        "the data and ours"
    );
    let title = b.eval("document.title");
    assert!(
        title.as_str().unwrap().contains("<b>name<i>"),
        "title as text: {title}"
    );
}

/// How fast a big page opens: `HEAPSCOPE_BIG_HTML=heap.html cargo test
/// --test it web_browser::big_page -- --ignored --nocapture` (the README's
/// 150 MB measurement).
#[test]
#[ignore]
fn big_page_opens_fast() {
    let Some(bin) = browser_or_skip() else { return };
    let path = std::env::var("HEAPSCOPE_BIG_HTML").expect("HEAPSCOPE_BIG_HTML");
    let mut b = Cdp::launch(&bin);
    for v in ["flame", "top"] {
        let t = Instant::now();
        b.goto(&format!("file://{path}#v={v}"));
        let el = t.elapsed();
        let n = b.eval("document.querySelectorAll('#flame g.box, #toptable tr').length");
        eprintln!("{v}: ready in {el:?}, {n} boxes/rows");
        b.screenshot(&format!("big-{v}"));
        assert!(el < Duration::from_secs(2), "{v}: {el:?}");
        b.call("Page.navigate", json!({"url": "about:blank"}));
        b.wait_for("location.href === 'about:blank'");
    }
    // The Graph view, and another sample type (a big profile's file holds
    // the default type's views only, and says so).
    b.goto(&format!("file://{path}#v=graph"));
    b.wait_for("document.querySelector('#callgraph g.node') !== null");
    let (k, px) = graph_scale(&mut b);
    eprintln!("graph: scale {k}, smallest node label {px} px");
    assert!(px >= 9.0, "smallest node label {px} px at scale {k}");
    b.screenshot("big-graph");
    b.eval("document.getElementById('graphfit').click()");
    b.screenshot("big-graph-fit");
    b.hash("v=top&t=1");
    b.wait_for("document.getElementById('typeomitted') !== null");
    b.screenshot("big-top-type1");
}

#[test]
fn source_view_matches_list() {
    let Some(bin) = browser_or_skip() else { return };
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("src.html");
    let flags = [
        "go_shapes.pb.gz",
        "--trim-path=/src/corpus/go_shapes/src",
        "--source-path=src/go_shapes",
    ];
    let td = format!("{}/testdata", env!("CARGO_MANIFEST_DIR"));
    let o = Command::new(HS)
        .arg("report")
        .args(flags)
        .arg("-o")
        .arg(&html)
        .current_dir(&td)
        .output()
        .unwrap();
    assert!(o.status.success());
    // `list`'s lines for a sample type: (line, flat, cum).
    let list = |extra: &[&str]| -> Vec<(i64, i64, i64)> {
        let o = Command::new(HS)
            .args(["list", "^main.allocBuf$"])
            .args(flags)
            .args(extra)
            .args(["--format", "json"])
            .current_dir(&td)
            .output()
            .unwrap();
        let lj: Value = serde_json::from_slice(&o.stdout).unwrap();
        lj["routines"][0]["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                (
                    l["line"].as_i64().unwrap(),
                    l["flat"].as_i64().unwrap(),
                    l["cum"].as_i64().unwrap(),
                )
            })
            .collect()
    };
    let shown = |b: &mut Cdp| -> Vec<(i64, i64, i64)> {
        let rows = b.eval("[...document.querySelectorAll('table.source tbody tr')].map(t => t.getAttribute('data-line'))");
        rows.as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let v: Vec<i64> = r
                    .as_str()
                    .unwrap()
                    .split(',')
                    .map(|x| x.parse().unwrap())
                    .collect();
                (v[0], v[1], v[2])
            })
            .collect()
    };
    let want = list(&[]);
    assert!(!want.is_empty());
    let mut b = Cdp::launch(&bin);
    b.goto(&format!(
        "file://{}#v=source&p=%5Emain.allocBuf%24",
        html.display()
    ));
    assert_eq!(shown(&mut b), want);
    b.screenshot("source");
    // The Source view follows the sample type.
    let want0 = list(&["--sample-index=alloc_objects"]);
    assert_ne!(want0, want, "the types differ");
    b.hash("v=source&p=%5Emain.allocBuf%24&t=0");
    b.wait_for("document.querySelector('#srcregex') !== null");
    assert_eq!(shown(&mut b), want0);
    assert!(
        b.eval("document.getElementById('view').textContent")
            .as_str()
            .unwrap()
            .contains("alloc_objects: the 20 functions")
    );
    b.screenshot("source-type0");
}

/// `heapscope web`: the same page, refinement answered by the server
/// (tag filters included), checked against `top`.
#[test]
fn web_server_refines_in_rust() {
    let Some(bin) = browser_or_skip() else { return };
    let prof = testdata("go_shapes.pb.gz");
    let (mut child, url) = web(&[&prof]);
    let mut b = Cdp::launch(&bin);
    b.goto(&format!("{url}#v=top&tf=bytes%3D1kb%3A&f=main"));
    b.wait_for("document.querySelectorAll('#toptable tbody tr').length > 0");
    let mut got: Vec<String> = serde_json::from_value(b.eval(
        "[...document.querySelectorAll('#toptable tbody tr td.name')].map(t => t.textContent)",
    ))
    .unwrap();
    let mut want = top_names(&[
        &prof,
        "--no-trim",
        "--tagfocus",
        "bytes=1kb:",
        "--focus",
        "main",
    ]);
    got.sort();
    want.sort();
    assert_eq!(got, want);
    let labels = b.eval("document.querySelector('.labels').textContent");
    assert!(
        labels.as_str().unwrap().contains("tagfocus=bytes=1kb:"),
        "{labels}"
    );
    assert_eq!(
        b.eval("document.querySelectorAll('.note').length"),
        json!(0),
        "exact, no approximation note"
    );
    b.screenshot("web-tagfocus");
    let _ = kill_int(&child);
    let st = child.wait().unwrap();
    assert!(st.success());
}

fn kill_int(c: &Child) -> std::io::Result<std::process::ExitStatus> {
    Command::new("kill")
        .args(["-INT", &c.id().to_string()])
        .status()
}

/// The nodes of `heapscope graph --format dot ARGS`: the tooltip of each
/// `N<k>` box ("name (value)").
fn dot_tooltips(args: &[&str]) -> Vec<String> {
    let o = Command::new(HS)
        .args(["graph", "--format", "dot"])
        .args(args)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut v: Vec<String> = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .filter(|l| l.starts_with('N') && l.contains(" [label=") && !l.contains(" -> "))
        .filter_map(|l| l.split("tooltip=\"").nth(1))
        .map(|t| t.split('"').next().unwrap().replace("\\\"", "\""))
        .collect();
    v.sort();
    v
}

/// The Graph view's node boxes: (tooltip, data-name), sorted.
fn graph_nodes(b: &mut Cdp) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = serde_json::from_value(b.eval(
        "[...document.querySelectorAll('#callgraph g.node')].map(g => [g.querySelector('title').textContent, g.getAttribute('data-name')])",
    ))
    .unwrap();
    v.sort();
    v
}

#[test]
fn graph_view_shows_the_call_graph_and_focuses_on_click() {
    let Some(bin) = browser_or_skip() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (html, prof) = shapes_page(&dir);
    let mut b = Cdp::launch(&bin);
    b.goto(&format!("file://{}#v=graph", html.display()));
    b.wait_for("document.querySelector('#callgraph g.node') !== null");
    // The nodes are those of `heapscope graph --format dot`, each named.
    let want = dot_tooltips(&[&prof]);
    assert!(want.len() >= 5, "{want:?}");
    let got = graph_nodes(&mut b);
    assert_eq!(
        got.iter().map(|g| g.0.clone()).collect::<Vec<_>>(),
        want,
        "the SVG's nodes are the DOT's"
    );
    for (tip, name) in &got {
        assert!(tip.starts_with(&format!("{name} (")), "{tip} named {name}");
    }
    // The legend is drawn too.
    let legend = b.eval("document.querySelector('#callgraph #legend').textContent");
    assert!(legend.as_str().unwrap().contains("Type: inuse_space"));
    b.screenshot("graph");

    // A real click on a node focuses on it: the URL says so and the rows
    // obey it.
    let target = "main.allocBuf";
    let r = b.eval(&format!(
        "(() => {{ const g = [...document.querySelectorAll('#callgraph g.node')].find(g => g.getAttribute('data-name') === {}); g.scrollIntoView({{block: 'center', inline: 'center'}}); const r = g.querySelector('rect').getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }})()",
        json!(target)
    ));
    b.click_at(r[0].as_f64().unwrap(), r[1].as_f64().unwrap());
    b.wait_for("location.hash.includes('f=')");
    let f = b.eval("new URLSearchParams(location.hash.slice(1)).get('f')");
    assert_eq!(f, json!("^main\\.allocBuf$"));
    b.wait_for(
        "document.getElementById('active').textContent.includes('focus=^main\\\\.allocBuf$')",
    );
    // In a file the graph is not redrawn, and the page says so.
    assert!(
        b.eval("document.body.innerText")
            .as_str()
            .unwrap()
            .contains("not refined in a file")
    );
    b.eval("location.hash = location.hash.replace('v=graph', 'v=top')");
    b.wait_for("document.querySelectorAll('#toptable tbody tr').length > 0");
    let mut rows: Vec<String> = serde_json::from_value(b.eval(
        "[...document.querySelectorAll('#toptable tbody tr td.name')].map(t => t.textContent)",
    ))
    .unwrap();
    let mut want = top_names(&[&prof, "--no-trim", "--focus", "^main\\.allocBuf$"]);
    rows.sort();
    want.sort();
    assert_eq!(rows, want, "rows of `top --focus ^main\\.allocBuf$`");

    // `heapscope web` redraws the graph for a refinement, as `graph` does.
    let (mut child, url) = web(&[&prof]);
    b.goto(&format!("{url}#v=graph&f=allocBuf"));
    b.wait_for("document.querySelector('#callgraph g.node') !== null");
    let got: Vec<String> = graph_nodes(&mut b).into_iter().map(|g| g.0).collect();
    let want = dot_tooltips(&[&prof, "--focus", "allocBuf"]);
    assert_eq!(got, want, "the server's graph is `graph --focus allocBuf`");
    assert!(
        b.eval("document.querySelector('#callgraph #legend').textContent")
            .as_str()
            .unwrap()
            .contains("focus=allocBuf")
    );
    b.screenshot("graph-web-focus");
    let _ = kill_int(&child);
    assert!(child.wait().unwrap().success());
}

/// Starts `heapscope web ARGS` and returns it with its URL.
fn web(args: &[&str]) -> (Child, String) {
    common::start_web(args, Stdio::null())
}

/// A file holds the default type's call graph only and says how to get
/// another; `heapscope web` draws another type's graph on request, as
/// `graph --sample-index` does.
#[test]
fn graph_of_another_sample_type() {
    let Some(bin) = browser_or_skip() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (html, prof) = shapes_page(&dir);
    let body = std::fs::read_to_string(&html).unwrap();
    assert_eq!(
        body.matches("\\u003csvg ").count(),
        1,
        "one call graph in the file (in the JSON, `<` is \\u003c)"
    );
    let mut b = Cdp::launch(&bin);
    b.goto(&format!("file://{}#v=graph&t=0", html.display()));
    b.wait_for("document.getElementById('graphomitted') !== null");
    let note = b.eval("document.getElementById('graphomitted').textContent");
    let note = note.as_str().unwrap();
    assert!(
        note.contains("inuse_space only") && note.contains("--sample-index=alloc_objects"),
        "{note}"
    );
    assert_eq!(b.eval("document.querySelector('#callgraph')"), Value::Null);
    b.screenshot("graph-omitted");
    // Back on the default type, the graph is there.
    b.hash("v=graph");
    b.wait_for("document.querySelector('#callgraph g.node') !== null");

    let (child, url) = web(&[&prof]);
    b.goto(&format!("{url}#v=graph&t=0"));
    b.wait_for("document.querySelector('#callgraph g.node') !== null");
    let got: Vec<String> = graph_nodes(&mut b).into_iter().map(|g| g.0).collect();
    let want = dot_tooltips(&[&prof, "--sample-index=alloc_objects"]);
    assert_eq!(
        got, want,
        "the server's graph is `graph --sample-index=alloc_objects`"
    );
    assert!(
        b.eval("document.querySelector('#callgraph #legend').textContent")
            .as_str()
            .unwrap()
            .contains("Type: alloc_objects")
    );
    b.screenshot("graph-web-type0");
    // Top of that type needs no request: it is in the page.
    b.hash("v=top&t=0");
    b.wait_for("document.querySelectorAll('#toptable tbody tr').length > 0");
    let mut rows: Vec<String> = serde_json::from_value(b.eval(
        "[...document.querySelectorAll('#toptable tbody tr td.name')].map(t => t.textContent)",
    ))
    .unwrap();
    let mut want = top_names(&[&prof, "--no-trim", "--sample-index=alloc_objects"]);
    rows.sort();
    want.sort();
    assert_eq!(rows, want);
    let _ = kill_int(&child);
}

/// Every flame box lies inside the view and inside a box of the row
/// above (its parent): `[(x, width, y)]` of `#flame g.box rect`.
fn assert_boxes_nest(b: &mut Cdp, what: &str) {
    let boxes: Vec<(f64, f64, f64)> = serde_json::from_value(b.eval(
        "[...document.querySelectorAll('#flame g.box rect')].map(r => [+r.getAttribute('x'), +r.getAttribute('width'), +r.getAttribute('y')])",
    ))
    .unwrap();
    let view: f64 =
        serde_json::from_value(b.eval("+document.getElementById('flame').getAttribute('width')"))
            .unwrap();
    assert!(boxes.len() > 3, "{what}: {boxes:?}");
    for &(x, w, y) in &boxes {
        assert!(
            x >= -0.01 && x + w <= view + 0.01,
            "{what}: box at {x}+{w} in a view of {view}"
        );
        if y < 1.0 {
            continue;
        }
        let above: Vec<&(f64, f64, f64)> = boxes
            .iter()
            .filter(|b| (b.2 - (y - 18.0)).abs() < 0.5)
            .collect();
        assert!(
            above
                .iter()
                .any(|p| x >= p.0 - 0.01 && x + w <= p.0 + p.1 + 0.51),
            "{what}: box at {x}+{w} (y {y}) is in no box above: {above:?}"
        );
    }
}

/// With --diff-base, values go negative where the base was larger: the
/// boxes still nest and fit the view, in the flame graph and in the diff
/// flame graph. The sample-type menu does not apply to Diff and Trend,
/// and says so.
#[test]
fn negative_values_fit_and_diff_type_is_fixed() {
    let Some(bin) = browser_or_skip() else { return };
    let dir = tempfile::tempdir().unwrap();
    let mut base = Builder::default();
    base.sample(&["a", "mid", "main"], &[9, 9000, 9, 9000]);
    base.sample(&["b", "mid", "main"], &[1, 1000, 1, 1000]);
    base.sample(&["c", "main"], &[1, 500, 1, 500]);
    let mut new = Builder::default();
    new.sample(&["a", "mid", "main"], &[1, 1000, 1, 1000]);
    new.sample(&["b", "mid", "main"], &[5, 5000, 5, 5000]);
    new.sample(&["c", "main"], &[3, 3000, 3, 3000]);
    let (bp, np) = (dir.path().join("base.pb.gz"), dir.path().join("new.pb.gz"));
    std::fs::write(&bp, base.gzip()).unwrap();
    std::fs::write(&np, new.gzip()).unwrap();
    let html = dir.path().join("neg.html");
    report(
        &[np.to_str().unwrap(), "--diff-base", bp.to_str().unwrap()],
        &html,
    );
    let mut b = Cdp::launch(&bin);
    b.goto(&format!("file://{}#v=flame", html.display()));
    b.wait_for("document.querySelectorAll('#flame g.box').length > 3");
    // main: -500 in all, a: -8000, b: +4000, c: +2500.
    let tips: Vec<String> = serde_json::from_value(b.eval(
        "[...document.querySelectorAll('#flame g.box title')].map(t => t.textContent.split('\\n')[0])",
    ))
    .unwrap();
    for n in ["main", "mid", "a", "b", "c"] {
        assert!(tips.iter().any(|t| t == n), "{n} in {tips:?}");
    }
    assert!(
        b.eval("document.getElementById('negnote') !== null")
            .as_bool()
            .unwrap()
    );
    assert_boxes_nest(&mut b, "flame");
    b.screenshot("flame-negative");
    // Zoomed on mid (-4000 with children of 8000 and 4000).
    b.hash("v=flame&z=main%0Amid");
    b.wait_for("document.querySelector('#flame g.box.anc') !== null");
    assert_boxes_nest(&mut b, "flame zoomed");
    b.hash("v=diff");
    b.wait_for("document.querySelectorAll('#flame g.box').length > 3");
    assert_boxes_nest(&mut b, "diff");
    assert_eq!(
        b.eval("document.getElementById('sampletype').disabled"),
        json!(true)
    );
    let note = b.eval("document.getElementById('typenote').textContent");
    assert!(
        note.as_str().unwrap().contains("Diff compares inuse_space"),
        "{note}"
    );
    assert_eq!(
        b.eval("document.getElementById('sampletype').selectedOptions[0].textContent"),
        json!("inuse_space (bytes)")
    );
    b.screenshot("diff-negative");
    b.hash("v=top");
    b.wait_for("document.querySelectorAll('#toptable tbody tr').length > 0");
    assert_eq!(
        b.eval("document.getElementById('sampletype').disabled"),
        json!(false)
    );
}

/// A profile with more than 2,000,000 frames: the file holds the default
/// type's views only and says how to get another; `heapscope web` computes
/// another type on request, as `top --sample-index` does.
#[test]
fn big_profile_holds_the_default_type_and_web_computes_others() {
    let Some(bin) = browser_or_skip() else { return };
    let dir = tempfile::tempdir().unwrap();
    let mut bld = Builder::default();
    let deep: Vec<String> = (0..100).map(|i| format!("f{i}")).collect();
    let mut stack: Vec<&str> = deep.iter().map(|s| s.as_str()).collect();
    stack.push("main");
    for i in 0..20_000i64 {
        // The leaf varies, so that top has several rows.
        let leaf = format!("leaf{}", i % 7);
        let mut st = vec![leaf.as_str()];
        st.extend(&stack);
        bld.sample(&st, &[1 + i % 3, 1024 * (1 + i % 5), i % 2, 512 * (i % 4)]);
    }
    let prof = dir.path().join("deep.pb.gz");
    std::fs::write(&prof, bld.gzip()).unwrap();
    let prof = prof.to_str().unwrap();
    let html = dir.path().join("deep.html");
    report(&[prof], &html);
    let mut b = Cdp::launch(&bin);
    b.goto(&format!("file://{}#v=top", html.display()));
    assert_eq!(
        b.eval("JSON.parse(document.getElementById('data').textContent).views.length"),
        json!(1)
    );
    assert!(
        b.eval("document.querySelectorAll('#toptable tbody tr').length")
            .as_u64()
            .unwrap()
            > 5
    );
    b.hash("v=top&t=1");
    b.wait_for("document.getElementById('typeomitted') !== null");
    let note = b.eval("document.getElementById('typeomitted').textContent");
    assert!(
        note.as_str().unwrap().contains("views of inuse_space only")
            && note
                .as_str()
                .unwrap()
                .contains("--sample-index=alloc_space"),
        "{note}"
    );
    b.screenshot("type-omitted");

    let (child, url) = web(&[prof]);
    b.goto(&format!("{url}#v=top&t=1"));
    b.wait_for("document.querySelectorAll('#toptable tbody tr').length > 0");
    let mut rows: Vec<String> = serde_json::from_value(b.eval(
        "[...document.querySelectorAll('#toptable tbody tr td.name')].map(t => t.textContent)",
    ))
    .unwrap();
    let mut want = top_names(&[prof, "--no-trim", "--sample-index=alloc_space"]);
    assert_eq!(rows.len(), want.len());
    rows.sort();
    want.sort();
    assert!(rows == want, "the rows of top --sample-index=alloc_space");
    let labels = b.eval("document.querySelector('.labels').textContent");
    assert!(
        labels.as_str().unwrap().contains("Type: alloc_space"),
        "{labels}"
    );
    let _ = kill_int(&child);
}

/// The scale at which `#callgraph` is drawn, and the smallest node label
/// on screen in CSS px (its font size times that scale).
fn graph_scale(b: &mut Cdp) -> (f64, f64) {
    let v = b.eval(
        "(() => { const s = document.getElementById('callgraph'); const k = s.getScreenCTM().a; return [k, Math.min(...[...s.querySelectorAll('g.node text')].map(t => parseFloat(t.getAttribute('font-size')) * t.getScreenCTM().a))]; })()",
    );
    (v[0].as_f64().unwrap(), v[1].as_f64().unwrap())
}

/// A wide call graph is not shrunk to the page: by default its node
/// labels are readable and it scrolls; zoom and Fit width change the
/// scale, and the zoom is in the URL.
#[test]
fn graph_is_readable_and_zooms() {
    let Some(bin) = browser_or_skip() else { return };
    let dir = tempfile::tempdir().unwrap();
    // 40 branches under main, of decreasing weight: small nodes get
    // pprof's smallest label font (8).
    let mut p = Builder::default();
    for i in 0..40i64 {
        let (leaf, mid) = (format!("pkg.leaf{i:02}"), format!("pkg.mid{i:02}"));
        let v = 100_000 / (i + 1);
        p.sample(&[&leaf, &mid, "main.main"], &[1, v, 1, v]);
    }
    let prof = dir.path().join("wide.pb.gz");
    std::fs::write(&prof, p.gzip()).unwrap();
    let html = dir.path().join("wide.html");
    report(&[prof.to_str().unwrap()], &html);
    let mut b = Cdp::launch(&bin);
    b.goto(&format!("file://{}#v=graph", html.display()));
    b.wait_for("document.querySelector('#callgraph g.node') !== null");
    let smallest_font = b.eval("Math.min(...[...document.querySelectorAll('#callgraph g.node text')].map(t => parseFloat(t.getAttribute('font-size'))))");
    assert_eq!(smallest_font, json!(8), "the fixture has small nodes");
    let (k0, px0) = graph_scale(&mut b);
    assert!(px0 >= 9.0, "smallest node label {px0} px at scale {k0}");
    let h = b.eval("[...document.querySelectorAll('#callgraph g.node text')].map(t => t.getBoundingClientRect().height).sort((a, b) => a - b)[0]");
    assert!(h.as_f64().unwrap() >= 9.0, "label box {h} px tall");
    // It is wider than the page and scrolls instead of shrinking.
    let scrolls = b.eval(
        "(() => { const w = document.getElementById('graphwrap'); return w.scrollWidth > w.clientWidth + 100; })()",
    );
    assert_eq!(scrolls, json!(true));
    b.screenshot("graph-readable");

    // + zooms in by 1.25, and the URL says so.
    b.eval("document.getElementById('graphin').click()");
    let (k1, _) = graph_scale(&mut b);
    assert!((k1 / k0 - 1.25).abs() < 0.01, "{k0} -> {k1}");
    let gz = b.eval("new URLSearchParams(location.hash.slice(1)).get('gz')");
    let gz: f64 = gz.as_str().unwrap().parse().unwrap();
    assert!((gz / 100.0 - k1).abs() < 0.01, "gz={gz} at {k1}");
    // ctrl+wheel zooms out (a real wheel event, over the graph).
    let c = b.eval("(() => { const r = document.getElementById('graphwrap').getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()");
    b.call(
        "Input.dispatchMouseEvent",
        json!({"type": "mouseWheel", "x": c[0], "y": c[1], "deltaX": 0, "deltaY": 300, "modifiers": 2}),
    );
    b.wait_for(&format!(
        "document.getElementById('callgraph').getScreenCTM().a < {}",
        k1 * 0.9
    ));
    // Fit width: the whole graph in the box's width, smaller than the
    // default; it stays after a reload (the URL holds it).
    b.eval("document.getElementById('graphfit').click()");
    let fits = "(() => { const w = document.getElementById('graphwrap'); return w.scrollWidth <= w.clientWidth + 1; })()";
    assert_eq!(b.eval(fits), json!(true));
    let (kf, _) = graph_scale(&mut b);
    assert!(kf < k0, "fit {kf} < default {k0}");
    assert_eq!(
        b.eval("new URLSearchParams(location.hash.slice(1)).get('gz')"),
        json!("fit")
    );
    b.screenshot("graph-fit");
    // A mark on the old document tells it from the reloaded one (the old
    // one is still "ready" until the navigation replaces it).
    b.eval("window.__beforeReload = true; location.reload()");
    b.wait_for("!window.__beforeReload && document.body && document.body.getAttribute('data-ready') === '1' && document.getElementById('graphwrap') !== null && document.querySelector('#callgraph g.node') !== null");
    assert_eq!(b.eval(fits), json!(true));
    // Readable goes back to the default.
    b.eval("document.getElementById('graphreadable').click()");
    let (kr, pxr) = graph_scale(&mut b);
    assert!((kr - k0).abs() < 1e-6 && pxr >= 9.0, "{kr} {pxr}");
    // A click on a node still focuses on it (no drag).
    let r = b.eval(
        "(() => { const g = [...document.querySelectorAll('#callgraph g.node')].find(g => g.getAttribute('data-name') === 'pkg.mid03'); g.scrollIntoView({block: 'center', inline: 'center'}); const r = g.querySelector('rect').getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()",
    );
    b.click_at(r[0].as_f64().unwrap(), r[1].as_f64().unwrap());
    b.wait_for("location.hash.includes('f=')");
    assert_eq!(
        b.eval("new URLSearchParams(location.hash.slice(1)).get('f')"),
        json!("^pkg\\.mid03$")
    );
}

/// The rows of the page's `#COMMANDtable` (name and `data-FIELD`) equal,
/// in order, the rows of `heapscope COMMAND PROFILES --format json`
/// (`name` and `FIELD`). Returns the page's rows.
fn rows_match_cli<S: AsRef<std::ffi::OsStr>>(
    b: &mut Cdp,
    command: &str,
    profiles: &[S],
    field: &str,
) -> Vec<(String, String)> {
    let o = Command::new(HS)
        .arg(command)
        .args(profiles)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let cli: Value = serde_json::from_slice(&o.stdout).unwrap();
    let rows = b.eval(&format!(
        "[...document.querySelectorAll('#{command}table tbody tr')].map(t => [t.querySelector('td.name').textContent, t.getAttribute('data-{field}')])"
    ));
    let rows: Vec<(String, String)> = serde_json::from_value(rows).unwrap();
    let want = cli["rows"].as_array().unwrap();
    assert_eq!(rows.len(), want.len(), "{command}");
    for (r, w) in rows.iter().zip(want) {
        assert_eq!(r.0, w["name"].as_str().unwrap(), "{command}");
        assert_eq!(r.1, w[field].as_str().unwrap(), "{command}");
    }
    rows
}
