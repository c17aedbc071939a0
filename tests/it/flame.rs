//! `heapscope folded` and `heapscope flame`: the folded stacks add up to
//! the profile total, and the SVG is well-formed XML with one rectangle per
//! frame (per distinct stack prefix), each as wide as its value.

use crate::reports_common;

use quick_xml::Reader;
use quick_xml::events::Event;
use reports_common::{fixtures, heapscope};
use std::collections::BTreeMap;

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

fn folded(args: &[&str]) -> Vec<(String, i64)> {
    let out = heapscope(&s(args));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let (st, v) = l.rsplit_once(' ').expect("stack value");
            (st.to_string(), v.parse().expect("integer value"))
        })
        .collect()
}

#[test]
fn folded_sums_to_the_total_and_is_root_first() {
    let f = folded(&["folded", "go_shapes.pb.gz"]);
    let sum: i64 = f.iter().map(|(_, v)| v).sum();
    let out = heapscope(&s(&["top", "--format", "json", "go_shapes.pb.gz"]));
    let top: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(sum, top["total"].as_i64().unwrap());
    // Sorted, unique, root first.
    assert!(f.windows(2).all(|w| w[0].0 < w[1].0));
    assert!(
        f.iter()
            .any(|(st, _)| st.starts_with("runtime.main;main.main;"))
    );
    assert!(f.iter().all(|(_, v)| *v != 0));
}

#[test]
fn folded_honours_filters() {
    let f = folded(&["folded", "--focus", "pathB", "go_shapes.pb.gz"]);
    assert!(!f.is_empty());
    assert!(f.iter().all(|(st, _)| st.contains("main.pathB")));
}

/// Every `<rect>` carrying inferno's `fg:w` (a frame): (width %, fg:w, title).
fn frames(svg: &str) -> Vec<(f64, i64, String)> {
    let mut r = Reader::from_str(svg);
    let mut out = Vec::new();
    let mut title = String::new();
    let mut in_title = false;
    loop {
        match r.read_event().expect("well-formed XML") {
            Event::Eof => break,
            Event::Start(e) if e.name().as_ref() == b"title" => {
                in_title = true;
                title.clear();
            }
            Event::End(e) if e.name().as_ref() == b"title" => in_title = false,
            Event::Text(t) if in_title => {
                title.push_str(&String::from_utf8_lossy(t.as_ref()));
            }
            Event::GeneralRef(t) if in_title => {
                title.push_str(&format!("&{};", String::from_utf8_lossy(t.as_ref())));
            }
            Event::Empty(e) | Event::Start(e) if e.name().as_ref() == b"rect" => {
                let mut width = None;
                let mut w = None;
                for a in e.attributes() {
                    let a = a.expect("attribute");
                    let v = String::from_utf8_lossy(&a.value).into_owned();
                    match a.key.as_ref() {
                        b"width" => width = v.strip_suffix('%').map(|x| x.parse::<f64>().unwrap()),
                        b"fg:w" => w = Some(v.parse::<i64>().unwrap()),
                        _ => {}
                    }
                }
                if let (Some(width), Some(w)) = (width, w) {
                    out.push((width, w, title.clone()));
                }
            }
            _ => {}
        }
    }
    out
}

/// The SVG `heapscope flame ARGS -o FILE` writes (asserting success).
fn flame(args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let svg_path = dir.path().join("flame.svg");
    let mut argv = s(&["flame"]);
    argv.extend(s(args));
    argv.extend(s(&["-o", svg_path.to_str().unwrap()]));
    let out = heapscope(&argv);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read_to_string(&svg_path).unwrap()
}

#[test]
fn flame_svg_has_one_rect_per_frame_with_proportional_widths() {
    let svg = flame(&["go_shapes.pb.gz", "--min-width", "0"]);
    assert!(
        svg.contains("inuse_space: 1.50MB total"),
        "title with type and total"
    );

    let stacks = folded(&["folded", "go_shapes.pb.gz"]);
    let total: i64 = stacks.iter().map(|(_, v)| v).sum();
    // Each distinct prefix of a stack is one frame, worth the sum below it.
    let mut prefixes: BTreeMap<String, i64> = BTreeMap::new();
    for (st, v) in &stacks {
        let parts: Vec<&str> = st.split(';').collect();
        for i in 1..=parts.len() {
            *prefixes.entry(parts[..i].join(";")).or_default() += v;
        }
    }
    let fr = frames(&svg);
    // Plus the root frame "all".
    assert_eq!(fr.len(), prefixes.len() + 1);
    let mut want: Vec<i64> = prefixes.values().copied().collect();
    want.push(total);
    want.sort();
    let mut got: Vec<i64> = fr.iter().map(|f| f.1).collect();
    got.sort();
    assert_eq!(got, want);
    for (width, w, title) in &fr {
        let expect = *w as f64 * 100.0 / total as f64;
        assert!((width - expect).abs() < 0.001, "{title}: {width}% for {w}");
    }
}

#[test]
fn differential_flame_marks_growth_red() {
    let svg = flame(&["snap5.pb.gz", "--base", "snap1.pb.gz"]);
    let fr = frames(&svg);
    assert!(!fr.is_empty());
    // The leak grew: its frame carries a positive delta and a red fill.
    let leak = svg
        .split("<g>")
        .find(|g| g.contains("<title>main.newPayload"))
        .expect("leak frame");
    assert!(leak.contains("; +"), "{leak}");
    assert!(leak.contains("fill=\"rgb(255,"), "{leak}");
}

#[test]
fn flame_output_into_missing_dir_is_a_clean_error() {
    let bad = fixtures().join("no/such/dir/x.svg");
    let out = heapscope(&s(&[
        "flame",
        "go_shapes.pb.gz",
        "-o",
        bad.to_str().unwrap(),
    ]));
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&out.stderr).lines().count(), 1);
}

use crate::common;

/// A Go-like heap profile in which everything allocated was freed: the
/// alloc_* values are non-zero, every inuse_* value is zero.
fn all_freed(dir: &std::path::Path) {
    let mut b = common::Builder::default();
    b.sample(&["main.leaf", "main.main"], &[3, 3072, 0, 0]);
    b.sample(&["main.other", "main.main"], &[1, 512, 0, 0]);
    std::fs::write(dir.join("freed.pb.gz"), b.gzip()).unwrap();
}

#[test]
fn folded_and_flame_refuse_an_all_zero_sample_type_alike() {
    let d = tempfile::tempdir().unwrap();
    all_freed(d.path());
    let want = "freed.pb.gz: every inuse_space value is zero: no stack to show (sample types: \
                alloc_objects, alloc_space, inuse_objects, inuse_space; choose one with --sample-index)";
    let f = common::run_in(d.path(), &["folded", "freed.pb.gz"], None);
    assert_eq!(f.status.code(), Some(2));
    assert!(f.stdout.is_empty());
    let ferr = String::from_utf8_lossy(&f.stderr);
    assert!(ferr.contains(want), "{ferr}");
    let g = common::run_in(d.path(), &["flame", "freed.pb.gz", "-o", "f.svg"], None);
    assert_eq!(g.status.code(), Some(2));
    let gerr = String::from_utf8_lossy(&g.stderr);
    assert!(gerr.contains(want), "{gerr}");
    assert!(!gerr.contains("No stack counts"), "{gerr}");
    assert!(!d.path().join("f.svg").exists());
    // Another sample type of the same profile works.
    let ok = common::run_in(
        d.path(),
        &["folded", "--sample-index", "alloc_space", "freed.pb.gz"],
        None,
    );
    assert!(ok.status.success());
    assert_eq!(
        String::from_utf8_lossy(&ok.stdout),
        "main.main;main.leaf 3072\nmain.main;main.other 512\n"
    );
}

#[test]
fn folded_and_flame_say_when_filters_leave_nothing() {
    let d = tempfile::tempdir().unwrap();
    all_freed(d.path());
    let args = [
        "--sample-index",
        "alloc_space",
        "--focus",
        "main.leaf",
        "--ignore",
        "main.main",
    ];
    let mut fa = vec!["folded"];
    fa.extend(args);
    fa.push("freed.pb.gz");
    let f = common::run_in(d.path(), &fa, None);
    assert_eq!(f.status.code(), Some(2));
    let want = "freed.pb.gz: no stack with a non-zero alloc_space value is left after the filters";
    assert!(String::from_utf8_lossy(&f.stderr).contains(want));
    let mut ga = vec!["flame"];
    ga.extend(args);
    ga.extend(["-o", "f.svg", "freed.pb.gz"]);
    let g = common::run_in(d.path(), &ga, None);
    assert_eq!(g.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&g.stderr).contains(want));
}

mod streamed {
    use crate::common::Builder;
    use heapscope::aggregate::NodeOptions;
    use heapscope::profile::decode::{self, DecodeOptions};
    use heapscope::report::folded;
    use proptest::prelude::*;

    /// Names whose byte order differs from their order as stack prefixes:
    /// `.`, ` `, `(`, `:` sort before the separator `;`, and `a;b` folds
    /// to `a:b`.
    const NAMES: &[&str] = &[
        "main.a",
        "main.a.func1",
        "main.a b",
        "main.a;b",
        "main.a:b",
        "main.a(x)",
        "main.ab",
        "main",
        "z",
    ];

    proptest! {
        /// `folded` streams its lines (report::folded::folded_lines): they
        /// must equal, in order, what the whole in-memory `folded` builds.
        #[test]
        fn streamed_folded_equals_the_whole_list(
            stacks in prop::collection::vec(
                (prop::collection::vec(0..NAMES.len(), 1..6), -3i64..6),
                1..40,
            ),
        ) {
            let mut b = Builder::default();
            for (stack, v) in &stacks {
                let names: Vec<&str> = stack.iter().map(|&i| NAMES[i]).collect();
                b.sample(&names, &[*v, 0, 0, 0]);
            }
            let p = decode::decode_bytes(&b.gzip(), DecodeOptions::default(), &decode::no_text_formats)
                .unwrap();
            let want = folded::folded(&p, 0, NodeOptions::default());
            let lines = folded::folded_lines(&p, 0, NodeOptions::default());
            let mut got = Vec::new();
            lines
                .each_line::<()>(|s, v| {
                    got.push((s.to_string(), v));
                    Ok(())
                })
                .unwrap();
            prop_assert_eq!(lines.is_empty(), want.is_empty());
            prop_assert_eq!(got, want);
        }
    }
}
