//! `heapscope traces`, `tree`, `peek` and `tags` against goldens printed by
//! `go tool pprof -traces/-tree/-peek/-tags` (tests/golden/reports/, made by
//! `scripts/regen-report-goldens.sh reports`), plus their JSON forms and
//! errors. `HEAPSCOPE_CASE=substring` runs only matching golden cases.

use crate::reports_common;

use reports_common::heapscope;

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

#[test]
fn reports_match_pprof() {
    reports_common::check_goldens("reports");
}

#[test]
fn peek_without_match_is_an_error() {
    let out = heapscope(&s(&["peek", "no_such_function_xyz", "go_shapes.pb.gz"]));
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no matches found for regexp: no_such_function_xyz"),
        "{err}"
    );
}

#[test]
fn bad_peek_regex_is_an_error() {
    let out = heapscope(&s(&["peek", "(", "go_shapes.pb.gz"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("parsing argument regexp"));
}

fn json(args: &[&str]) -> serde_json::Value {
    let out = heapscope(&s(args));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

#[test]
fn traces_json_has_every_printed_sample() {
    let text = heapscope(&s(&["traces", "snap5.pb.gz"]));
    let seps = String::from_utf8_lossy(&text.stdout)
        .lines()
        .filter(|l| l.starts_with("-----------+"))
        .count();
    let v = json(&["traces", "--format", "json", "snap5.pb.gz"]);
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["command"], "traces");
    let traces = v["traces"].as_array().unwrap();
    // One separator per trace plus the closing one.
    assert_eq!(traces.len() + 1, seps);
    let sum: i64 = traces.iter().map(|t| t["value"].as_i64().unwrap()).sum();
    assert_eq!(sum, v["total"].as_i64().unwrap());
    assert!(
        traces
            .iter()
            .all(|t| !t["frames"].as_array().unwrap().is_empty())
    );
}

#[test]
fn tree_json_matches_text_rows() {
    let v = json(&["tree", "--format", "json", "go_shapes.pb.gz"]);
    assert_eq!(v["command"], "tree");
    let nodes = v["nodes"].as_array().unwrap();
    let text = heapscope(&s(&["tree", "go_shapes.pb.gz"]));
    let text = String::from_utf8_lossy(&text.stdout).into_owned();
    let names: Vec<&str> = text
        .lines()
        .filter(|l| l.len() > 60 && !l[..50].trim().is_empty() && l.contains("                | "))
        .map(|l| l.rsplit("| ").next().unwrap())
        .collect();
    let json_names: Vec<&str> = nodes.iter().map(|n| n["name"].as_str().unwrap()).collect();
    assert_eq!(names, json_names);
    // Every callee edge of a node is a caller edge of the callee, same weight.
    for n in nodes {
        for c in n["callees"].as_array().unwrap() {
            let callee = nodes.iter().find(|m| m["name"] == c["name"]).unwrap();
            assert!(
                callee["callers"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|e| { e["name"] == n["name"] && e["weight"] == c["weight"] })
            );
        }
    }
}

#[test]
fn peek_json_lists_only_matches() {
    let v = json(&["peek", "--format", "json", "main\\.is", "go_shapes.pb.gz"]);
    assert_eq!(v["command"], "peek");
    let nodes = v["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 2);
    assert!(
        nodes
            .iter()
            .all(|n| n["name"].as_str().unwrap().starts_with("main.is"))
    );
}

#[test]
fn tags_json_totals_add_up() {
    let v = json(&["tags", "--format", "json", "go_shapes.pb.gz"]);
    let tags = v["tags"].as_array().unwrap();
    assert_eq!(tags.len(), 1);
    assert_eq!(tags[0]["key"], "bytes");
    let sum: i64 = tags[0]["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["total"].as_i64().unwrap())
        .sum();
    assert_eq!(sum, tags[0]["total"].as_i64().unwrap());
    assert_eq!(tags[0]["values"][0]["value"], "3kB");
}

/// `traces` text streams one sample at a time (render::reports::
/// traces_text_streamed); it must print byte for byte what the report
/// built whole in memory (report::traces::traces) prints, written here
/// from its fields as the renderer did before streaming.
#[test]
fn streamed_traces_equal_the_whole_report() {
    use heapscope::aggregate::NodeOptions;
    use heapscope::options::InputOptions;
    use std::fmt::Write;
    let sep = "-----------+-------------------------------------------------------";
    let (mut labels, mut inlines) = (0, 0);
    for f in [
        "go_shapes.pb.gz",
        "go_generics.pb.gz",
        "snap5.pb.gz",
        "node_fine_b.pb.gz",
    ] {
        let path = reports_common::fixtures().join(f);
        let p = heapscope::app::load_one(path.to_str().unwrap(), &InputOptions::default()).unwrap();
        let idx = heapscope::profile::sample_index(&p, "").unwrap();
        let total = heapscope::report::compute_total(&p, idx);
        let r = heapscope::report::traces::traces(
            &p,
            idx,
            NodeOptions::default(),
            "minimum",
            total,
            &[],
        );
        let mut want = r.header.join("\n") + "\n";
        for t in &r.traces {
            writeln!(want, "{sep}").unwrap();
            for l in &t.labels {
                labels += 1;
                writeln!(want, "{:>10}:  {}", l.key, l.value).unwrap();
            }
            for (i, fr) in t.frames.iter().enumerate() {
                let v = if i == 0 {
                    r.format_value(t.value)
                } else {
                    String::new()
                };
                let inl = if fr.inline { " (inline)" } else { "" };
                inlines += usize::from(fr.inline);
                writeln!(want, "{v:>10}   {}{inl}", fr.name).unwrap();
            }
        }
        writeln!(want, "{sep}").unwrap();
        let out = heapscope(&s(&["traces", f]));
        assert!(out.status.success(), "{f}");
        assert!(r.traces.len() > 1, "{f}");
        assert_eq!(String::from_utf8(out.stdout).unwrap(), want, "{f}");
    }
    assert!(
        labels > 0 && inlines > 0,
        "the fixtures cover labels and inlined frames"
    );
}
