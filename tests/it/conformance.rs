//! Conformance tests: `heapscope top` against goldens printed by the reference `go tool pprof -top`.
//!
//! The cases live in one table, `tests/golden/top/cases.txt`, read both by this test and by
//! `scripts/regen-goldens.sh` (which writes the goldens). Each line is
//! `golden_name<TAB>pprof args<TAB>heapscope args<TAB>profiles`; `-` stands for no arguments.
//! Both programs run from inside `testdata/` with `TZ=UTC`, so the `File:` and `Time:` header
//! lines come out the same.
//!
//! - `top_text_matches_pprof`: stdout of `heapscope top ARGS PROFILES` must equal the golden byte
//!   for byte, up to the order of tied rows (below). All cases run; the failures are listed
//!   together at the end, each with a diff.
//! - `top_json_rows_match_text`: for every case without `--unit`, `--format json` must list the
//!   same rows (names, order) as the golden table, with `total` and `sample_type.type`.
//!
//! Tied rows: pprof leaves the order of rows with the same flat value and the same printed name
//! unspecified. Its comparator (`comparePrintableName` in internal/graph) calls such nodes
//! equivalent before reaching its cum tie-break, and `sort.Sort` then keeps the Go map iteration
//! order, which changes from run to run. This happens with `-files` on Go profiles, where every
//! function of a file is its own node named by the file. So in flat-sorted tables (not `--cum`),
//! within each run of consecutive rows with equal flat column and equal name (without the inline
//! suffix), the columns that belong to the node (cum, cum%, name) are put in a canonical order
//! (cum descending, then text) on both sides before comparing; flat, flat% and sum% stay where
//! they are, as they belong to the position. scripts/regen-goldens.sh writes goldens in that order.
//!
//! `HEAPSCOPE_BLESS=1 cargo test --test it conformance::` regenerates the goldens instead (this needs
//! `../shared/tools/pprof`, or `PPROF=/path/to/pprof`). `HEAPSCOPE_CASE=substring` runs only the
//! cases whose name contains it.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The header line of pprof's `-top` table; the rows follow it.
const TABLE_HEADER: &str = "      flat  flat%   sum%        cum   cum%";
/// Suffixes pprof appends to a row's name for inlined frames.
const INLINE_SUFFIXES: [(&str, &str); 2] = [
    (" (partial-inline)", "partial-inline"),
    (" (inline)", "inline"),
];

struct Case {
    name: String,
    /// 1-based line in cases.txt, for messages.
    line: usize,
    heapscope_args: Vec<String>,
    profiles: Vec<String>,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn golden_dir() -> PathBuf {
    root().join("tests/golden/top")
}

fn testdata() -> PathBuf {
    root().join("testdata")
}

fn split_args(field: &str) -> Vec<String> {
    if field == "-" {
        Vec::new()
    } else {
        field.split_whitespace().map(str::to_owned).collect()
    }
}

fn load_cases() -> Vec<Case> {
    let path = golden_dir().join("cases.txt");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut cases = Vec::new();
    let mut names = BTreeSet::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        if raw.trim().is_empty() || raw.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = raw.split('\t').collect();
        assert_eq!(
            fields.len(),
            4,
            "cases.txt:{line}: expected 4 TAB-separated fields \
             (golden_name, pprof args, heapscope args, profiles), got {}",
            fields.len()
        );
        assert!(
            fields.iter().all(|f| !f.trim().is_empty()),
            "cases.txt:{line}: empty field (write - for no arguments)"
        );
        let name = fields[0].to_owned();
        assert!(
            !name.is_empty()
                && name != "cases"
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c)),
            "cases.txt:{line}: bad golden name {name:?}"
        );
        assert!(
            names.insert(name.clone()),
            "cases.txt:{line}: duplicate golden name {name:?}"
        );
        let profiles = split_args(fields[3]);
        assert!(!profiles.is_empty(), "cases.txt:{line}: no profiles");
        cases.push(Case {
            name,
            line,
            heapscope_args: split_args(fields[2]),
            profiles,
        });
    }
    assert!(!cases.is_empty(), "{} lists no cases", path.display());
    cases
}

/// The cases to run: all, or those whose name contains `$HEAPSCOPE_CASE`.
fn selected_cases() -> Vec<Case> {
    let filter = std::env::var("HEAPSCOPE_CASE").unwrap_or_default();
    load_cases()
        .into_iter()
        .filter(|c| c.name.contains(filter.as_str()))
        .collect()
}

fn blessing() -> bool {
    std::env::var("HEAPSCOPE_BLESS").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// Regenerates every golden with the reference pprof, through scripts/regen-goldens.sh.
fn bless() {
    let pprof = match std::env::var_os("PPROF") {
        Some(p) => PathBuf::from(p),
        None => root().join("../shared/tools/pprof"),
    };
    assert!(
        pprof.is_file(),
        "HEAPSCOPE_BLESS needs the reference pprof at {} (the ../shared checkout beside the \
         repo, or set PPROF=/path/to/pprof); it was not found",
        pprof.display()
    );
    let script = root().join("scripts/regen-goldens.sh");
    let status = Command::new("bash")
        .arg(&script)
        .current_dir(root())
        .status()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", script.display()));
    assert!(status.success(), "{} failed: {status}", script.display());
}

fn run_heapscope(case: &Case, extra: &[&str]) -> Result<Output, String> {
    Command::new(env!("CARGO_BIN_EXE_heapscope"))
        .arg("top")
        .args(&case.heapscope_args)
        .args(extra)
        .args(&case.profiles)
        .current_dir(testdata())
        .env("TZ", "UTC")
        .output()
        .map_err(|e| format!("cannot run heapscope: {e}"))
}

fn command_line(case: &Case, extra: &[&str]) -> String {
    let mut s = String::from("(cd testdata && TZ=UTC heapscope top");
    for a in case
        .heapscope_args
        .iter()
        .map(String::as_str)
        .chain(extra.iter().copied())
        .chain(case.profiles.iter().map(String::as_str))
    {
        s.push(' ');
        s.push_str(a);
    }
    s.push(')');
    s
}

fn read_golden(case: &Case) -> Result<String, String> {
    let path = golden_dir().join(format!("{}.txt", case.name));
    std::fs::read_to_string(&path).map_err(|e| {
        format!(
            "cannot read golden {}: {e} (regenerate with HEAPSCOPE_BLESS=1)",
            path.display()
        )
    })
}

fn describe_failure(out: &Output) -> String {
    let mut s = format!("heapscope exited with {}", out.status);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !stderr.trim().is_empty() {
        s.push_str("; stderr:\n");
        for l in stderr.lines().take(20) {
            let _ = writeln!(s, "    {l}");
        }
    }
    s
}

/// A line diff (LCS) of `expected` against `actual`, printed as unified-diff hunks with two
/// lines of context, cut after `max_lines` lines.
fn diff(expected: &str, actual: &str, max_lines: usize) -> String {
    let a: Vec<&str> = expected.split_inclusive('\n').collect();
    let b: Vec<&str> = actual.split_inclusive('\n').collect();
    let (n, m) = (a.len(), b.len());
    // lcs[i][j]: length of the LCS of a[i..] and b[j..]
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    // ops: (tag, line) with tag ' ', '-' or '+'
    let mut ops: Vec<(char, &str)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            ops.push((' ', a[i]));
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            ops.push(('-', a[i]));
            i += 1;
        } else {
            ops.push(('+', b[j]));
            j += 1;
        }
    }
    const CONTEXT: usize = 2;
    let changed: Vec<usize> = (0..ops.len()).filter(|&k| ops[k].0 != ' ').collect();
    let mut out = String::from("    --- golden (pprof)\n    +++ heapscope\n");
    let mut printed = 0;
    let mut next = 0; // first op index not yet printed
    let (mut line_a, mut line_b) = (1, 1); // line numbers at op `next`
    let mut k = 0;
    while k < changed.len() {
        let start = changed[k].saturating_sub(CONTEXT).max(next);
        // extend the hunk while the next change is within 2*CONTEXT lines
        let mut end = changed[k];
        while k + 1 < changed.len() && changed[k + 1] <= end + 2 * CONTEXT + 1 {
            k += 1;
            end = changed[k];
        }
        let end = (end + CONTEXT + 1).min(ops.len());
        for &(tag, _) in &ops[next..start] {
            if tag != '+' {
                line_a += 1;
            }
            if tag != '-' {
                line_b += 1;
            }
        }
        let _ = writeln!(
            out,
            "    @@ golden line {line_a}, heapscope line {line_b} @@"
        );
        for &(tag, text) in &ops[start..end] {
            if printed >= max_lines {
                out.push_str("    ... (diff cut)\n");
                return out;
            }
            let text = text.strip_suffix('\n').unwrap_or(text);
            let shown = if text.ends_with([' ', '\t', '\r']) {
                format!("{text:?}")
            } else {
                text.to_owned()
            };
            let _ = writeln!(out, "    {tag}{shown}");
            printed += 1;
            if tag != '+' {
                line_a += 1;
            }
            if tag != '-' {
                line_b += 1;
            }
        }
        next = end;
        k += 1;
    }
    if expected.ends_with('\n') != actual.ends_with('\n') {
        out.push_str("    (the files differ in their final newline)\n");
    }
    out
}

/// One row of a `-top` table: `flat flat% sum% cum cum%  name`, columns right-aligned to fixed
/// widths that wide values overflow.
struct Row<'a> {
    /// `flat flat% sum%`, with their padding: what belongs to the row's position.
    prefix: &'a str,
    /// The rest (padding, cum, cum%, name and the line end): what belongs to the node.
    tail: &'a str,
    flat: &'a str,
    cum: &'a str,
    /// The printed name, with its inline suffix if any.
    name: &'a str,
}

impl Row<'_> {
    fn bare_name(&self) -> &str {
        split_inline(self.name).0
    }
}

fn parse_row(line: &str) -> Option<Row<'_>> {
    let mut tokens = [""; 5];
    let mut pos = 0;
    let mut split = 0;
    for (k, token) in tokens.iter_mut().enumerate() {
        pos += line[pos..].len() - line[pos..].trim_start_matches(' ').len();
        let len = line[pos..].find(' ')?;
        *token = &line[pos..pos + len];
        pos += len;
        if k == 2 {
            split = pos;
        }
    }
    let name = line[pos..].trim_start_matches(' ');
    let name = name.strip_suffix('\n').unwrap_or(name);
    Some(Row {
        prefix: &line[..split],
        tail: &line[split..],
        flat: tokens[0],
        cum: tokens[3],
        name,
    })
}

/// The rows of the `-top` table in `text` (the lines after the table header), or None when there
/// is no table. A line that is not a row gives None in its place.
fn table_rows(text: &str) -> Option<Vec<Option<Row<'_>>>> {
    let mut lines = text.split_inclusive('\n');
    lines
        .by_ref()
        .find(|l| l.strip_suffix('\n').unwrap_or(l) == TABLE_HEADER)?;
    Some(lines.map(parse_row).collect())
}

/// Ranges of consecutive rows whose order pprof leaves unspecified: equal flat column and equal
/// bare name, in a flat-sorted table. Every row is in exactly one range.
fn tie_runs(rows: &[Option<Row<'_>>], cum_sorted: bool) -> Vec<std::ops::Range<usize>> {
    let mut runs = Vec::new();
    let mut i = 0;
    while i < rows.len() {
        let mut j = i + 1;
        if let (false, Some(r)) = (cum_sorted, &rows[i]) {
            while j < rows.len()
                && rows[j]
                    .as_ref()
                    .is_some_and(|q| q.flat == r.flat && q.bare_name() == r.bare_name())
            {
                j += 1;
            }
        }
        runs.push(i..j);
        i = j;
    }
    runs
}

/// A value column (`1275.81kB`, `0`, `8695`) as a number, for ordering.
fn column_value(token: &str) -> f64 {
    let end = token
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
        .unwrap_or(token.len());
    let factor = match &token[end..] {
        "kB" => 1024f64,
        "MB" => 1024f64.powi(2),
        "GB" => 1024f64.powi(3),
        "TB" => 1024f64.powi(4),
        "PB" => 1024f64.powi(5),
        _ => 1.0,
    };
    token[..end].parse::<f64>().unwrap_or(0.0) * factor
}

/// `text` with the node columns of tied rows in canonical order (see the module comment).
fn canonical(text: &str, cum_sorted: bool) -> String {
    let Some(rows) = table_rows(text) else {
        return text.to_owned();
    };
    let table_len: usize = rows
        .iter()
        .map(|r| r.as_ref().map_or(0, |r| r.prefix.len() + r.tail.len()))
        .sum();
    if rows.iter().any(Option::is_none) || table_len > text.len() {
        return text.to_owned();
    }
    let mut out = text[..text.len() - table_len].to_owned();
    for run in tie_runs(&rows, cum_sorted) {
        let run: Vec<&Row<'_>> = rows[run].iter().flatten().collect();
        let mut nodes: Vec<&Row<'_>> = run.clone();
        nodes.sort_by(|a, b| {
            column_value(b.cum)
                .total_cmp(&column_value(a.cum))
                .then_with(|| a.tail.cmp(b.tail))
        });
        for (pos, node) in run.iter().zip(nodes) {
            out.push_str(pos.prefix);
            out.push_str(node.tail);
        }
    }
    out
}

fn is_cum_sorted(case: &Case) -> bool {
    case.heapscope_args.iter().any(|a| a == "--cum")
}

/// Splits a pprof row name into the bare name and its inline marker, if any.
fn split_inline(name: &str) -> (&str, Option<&'static str>) {
    for (suffix, tag) in INLINE_SUFFIXES {
        if let Some(bare) = name.strip_suffix(suffix) {
            return (bare, Some(tag));
        }
    }
    (name, None)
}

/// The value of the `Type:` header line.
fn header_type(text: &str) -> Option<&str> {
    text.lines().find_map(|l| l.strip_prefix("Type: "))
}

fn report(kind: &str, total: usize, failures: &[String]) {
    if failures.is_empty() {
        return;
    }
    let mut msg = String::new();
    for f in failures {
        msg.push_str(f);
        msg.push('\n');
    }
    let _ = writeln!(
        msg,
        "{} of {total} {kind} cases failed (HEAPSCOPE_CASE=<name> runs one case):",
        failures.len()
    );
    for f in failures {
        let _ = writeln!(msg, "  {}", f.lines().next().unwrap_or(""));
    }
    panic!("{msg}");
}

#[test]
fn top_text_matches_pprof() {
    if blessing() {
        bless();
        return;
    }
    let cases = selected_cases();
    let mut failures = Vec::new();
    for case in &cases {
        let header = format!("{} (cases.txt:{})", case.name, case.line);
        let golden = match read_golden(case) {
            Ok(g) => g,
            Err(e) => {
                failures.push(format!("FAIL {header}: {e}"));
                continue;
            }
        };
        let out = match run_heapscope(case, &[]) {
            Ok(o) => o,
            Err(e) => {
                failures.push(format!("FAIL {header}: {e}"));
                continue;
            }
        };
        let cmd = command_line(case, &[]);
        if !out.status.success() {
            failures.push(format!(
                "FAIL {header}: {}\n  {cmd}",
                describe_failure(&out)
            ));
            continue;
        }
        let actual = String::from_utf8_lossy(&out.stdout);
        if actual != golden {
            let (golden, actual) = (
                canonical(&golden, is_cum_sorted(case)),
                canonical(&actual, is_cum_sorted(case)),
            );
            if actual != golden {
                failures.push(format!(
                    "FAIL {header}: output differs from tests/golden/top/{}.txt\n  {cmd}\n{}",
                    case.name,
                    diff(&golden, &actual, 40)
                ));
            }
        }
    }
    // goldens that no case names any more (left behind by a rename)
    if std::env::var("HEAPSCOPE_CASE")
        .unwrap_or_default()
        .is_empty()
    {
        let listed: BTreeSet<String> = cases.iter().map(|c| format!("{}.txt", c.name)).collect();
        let dir = golden_dir();
        for entry in std::fs::read_dir(&dir).expect("read tests/golden/top") {
            let file = entry.expect("dir entry").file_name();
            let file = file.to_string_lossy();
            if file.ends_with(".txt") && file != "cases.txt" && !listed.contains(file.as_ref()) {
                failures.push(format!(
                    "FAIL {file}: golden not listed in cases.txt (stale; HEAPSCOPE_BLESS=1 \
                     removes it)"
                ));
            }
        }
    }
    report("text", cases.len(), &failures);
}

#[test]
fn top_json_rows_match_text() {
    if blessing() {
        // the goldens are being rewritten by top_text_matches_pprof
        eprintln!("top_json_rows_match_text: skipped under HEAPSCOPE_BLESS");
        return;
    }
    let cases: Vec<Case> = selected_cases()
        .into_iter()
        .filter(|c| !c.heapscope_args.iter().any(|a| a.starts_with("--unit")))
        .collect();
    let json_args = ["--format", "json"];
    let mut failures = Vec::new();
    for case in &cases {
        let header = format!("{} --format json (cases.txt:{})", case.name, case.line);
        let cmd = command_line(case, &json_args);
        let fail = |why: String| format!("FAIL {header}: {why}\n  {cmd}");
        let golden = match read_golden(case) {
            Ok(g) => g,
            Err(e) => {
                failures.push(fail(e));
                continue;
            }
        };
        let Some(text_rows) = table_rows(&golden) else {
            failures.push(fail("the golden has no top table".into()));
            continue;
        };
        if text_rows.iter().any(Option::is_none) {
            failures.push(fail(
                "the golden's table has a line that is not a row".into(),
            ));
            continue;
        }
        let runs = tie_runs(&text_rows, is_cum_sorted(case));
        let text_rows: Vec<Row<'_>> = text_rows.into_iter().flatten().collect();
        let out = match run_heapscope(case, &json_args) {
            Ok(o) => o,
            Err(e) => {
                failures.push(fail(e));
                continue;
            }
        };
        if !out.status.success() {
            failures.push(fail(describe_failure(&out)));
            continue;
        }
        match check_json(&out.stdout, &text_rows, &runs, header_type(&golden)) {
            Ok(()) => {}
            Err(problems) => failures.push(fail(problems.join("\n    "))),
        }
    }
    report("json", cases.len(), &failures);
}

/// Checks heapscope's JSON `top` report against the rows of the golden text table. `runs` are the
/// golden's tied rows (see `tie_runs`): they share one name, and their inline markers may come in
/// any order.
fn check_json(
    stdout: &[u8],
    text_rows: &[Row<'_>],
    runs: &[std::ops::Range<usize>],
    text_type: Option<&str>,
) -> Result<(), Vec<String>> {
    let v: serde_json::Value = serde_json::from_slice(stdout).map_err(|e| {
        let head: String = String::from_utf8_lossy(stdout).chars().take(300).collect();
        vec![format!("stdout is not JSON ({e}); it begins: {head:?}")]
    })?;
    let mut problems = Vec::new();
    if v.get("schema_version").and_then(|s| s.as_u64()) != Some(1) {
        problems.push(format!(
            "schema_version is {:?}, expected 1",
            v.get("schema_version")
        ));
    }
    if v.get("command").and_then(|s| s.as_str()) != Some("top") {
        problems.push(format!(
            "command is {:?}, expected \"top\"",
            v.get("command")
        ));
    }
    match v.pointer("/sample_type/type").and_then(|t| t.as_str()) {
        None => problems.push("sample_type.type is missing or not a string".into()),
        Some(t) => match text_type {
            Some(want) if t != want => problems.push(format!(
                "sample_type.type is {t:?}, the text says Type: {want}"
            )),
            _ => {}
        },
    }
    if v.get("total").is_none_or(|t| !(t.is_i64() || t.is_u64())) {
        problems.push(format!(
            "total is {:?}, expected an integer",
            v.get("total")
        ));
    }
    let Some(rows) = v.get("rows").and_then(|r| r.as_array()) else {
        problems.push("rows is missing or not an array".into());
        return Err(problems);
    };
    if rows.len() != text_rows.len() {
        problems.push(format!(
            "{} JSON rows, {} text rows",
            rows.len(),
            text_rows.len()
        ));
    }
    // the inline marker of each JSON row: None, Some("inline") or Some("partial-inline")
    let mut json_tags: Vec<Option<&str>> = Vec::with_capacity(rows.len());
    let mut shown = 0;
    for (i, row) in rows.iter().enumerate() {
        if shown >= 10 {
            problems.push("... (more row mismatches)".into());
            break;
        }
        let before = problems.len();
        for key in ["flat", "cum"] {
            if row.get(key).is_none_or(|x| !(x.is_i64() || x.is_u64())) {
                problems.push(format!(
                    "row {i}: {key} is {:?}, expected an integer",
                    row.get(key)
                ));
            }
        }
        let name = row.get("name").and_then(|n| n.as_str());
        match row.get("inline").filter(|x| !x.is_null()) {
            None => json_tags.push(None),
            Some(x) => match x.as_str() {
                Some(t @ ("inline" | "partial-inline")) => json_tags.push(Some(t)),
                _ => {
                    json_tags.push(None);
                    problems.push(format!(
                        "row {i}: inline is {x}, expected \"inline\" or \"partial-inline\""
                    ));
                }
            },
        }
        match text_rows.get(i) {
            None => problems.push(format!("row {i}: extra JSON row {name:?}")),
            Some(text) => {
                let bare = text.bare_name();
                if name != Some(bare) {
                    problems.push(format!("row {i}: JSON name {name:?}, text row {bare:?}"));
                }
            }
        }
        if problems.len() > before {
            shown += 1;
        }
    }
    for run in runs {
        if run.end > json_tags.len() {
            break;
        }
        let mut want: Vec<Option<&str>> = text_rows[run.clone()]
            .iter()
            .map(|r| split_inline(r.name).1)
            .collect();
        let mut got = json_tags[run.clone()].to_vec();
        want.sort_unstable();
        got.sort_unstable();
        if want != got {
            let bare = text_rows[run.start].bare_name();
            problems.push(if run.len() == 1 {
                format!(
                    "row {} ({bare}): JSON inline {:?}, the text says {:?}",
                    run.start, got[0], want[0]
                )
            } else {
                format!(
                    "rows {}..{} ({bare}, tied): JSON inline markers {got:?}, the text says \
                     {want:?}",
                    run.start, run.end
                )
            });
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

#[test]
fn harness_helpers() {
    let text = "Type: inuse_space\n      flat  flat%   sum%        cum   cum%\n\
                69406.54kB 47.99% 47.99% 101314.87kB 70.06%  main.buildResponse\n         \
                0     0%   100%     1.25MB 83.18%  00000000004df6e4 main.f /a b.go:3 (inline)\n";
    let rows: Vec<Row<'_>> = table_rows(text).unwrap().into_iter().flatten().collect();
    let names: Vec<&str> = rows.iter().map(|r| r.name).collect();
    assert_eq!(
        names,
        [
            "main.buildResponse",
            "00000000004df6e4 main.f /a b.go:3 (inline)"
        ]
    );
    assert_eq!((rows[0].flat, rows[0].cum), ("69406.54kB", "101314.87kB"));
    assert_eq!(rows[1].prefix, "         0     0%   100%");
    assert_eq!(rows[1].bare_name(), "00000000004df6e4 main.f /a b.go:3");
    assert_eq!(column_value("1.50MB"), 1.5 * 1024.0 * 1024.0);
    assert_eq!(column_value("0"), 0.0);
    // tied rows: equal flat and name; node columns move, position columns stay
    let pprof = "Type: x\n      flat  flat%   sum%        cum   cum%\n\
                 \x20   1000kB 65.20% 65.20%     1000kB 65.20%  a.go\n\
                 \x20     10kB  1.00% 66.20%       60kB  3.91%  b.go\n\
                 \x20     10kB  1.00% 67.20%      916kB 59.72%  b.go (inline)\n\
                 \x20        0     0% 67.20%     2.94kB  0.19%  c.go\n\
                 \x20        0     0% 67.20%  1275.81kB 83.18%  c.go\n";
    let canon = "Type: x\n      flat  flat%   sum%        cum   cum%\n\
                 \x20   1000kB 65.20% 65.20%     1000kB 65.20%  a.go\n\
                 \x20     10kB  1.00% 66.20%      916kB 59.72%  b.go (inline)\n\
                 \x20     10kB  1.00% 67.20%       60kB  3.91%  b.go\n\
                 \x20        0     0% 67.20%  1275.81kB 83.18%  c.go\n\
                 \x20        0     0% 67.20%     2.94kB  0.19%  c.go\n";
    assert_eq!(canonical(pprof, false), canon);
    assert_eq!(canonical(canon, false), canon);
    assert_eq!(canonical(pprof, true), pprof);
    let rows = table_rows(pprof).unwrap();
    assert_eq!(tie_runs(&rows, false), [0..1, 1..3, 3..5]);
    assert_eq!(tie_runs(&rows, true), [0..1, 1..2, 2..3, 3..4, 4..5]);
    assert_eq!(header_type(text), Some("inuse_space"));
    assert_eq!(
        split_inline("f (partial-inline)"),
        ("f", Some("partial-inline"))
    );
    assert_eq!(split_inline("f (inline)"), ("f", Some("inline")));
    assert_eq!(split_inline("f"), ("f", None));
    let d = diff("a\nb\nc\n", "a\nx\nc\n", 40);
    assert!(d.contains("    -b\n    +x\n"), "{d}");
    assert!(d.contains("@@ golden line 1, heapscope line 1 @@"), "{d}");
    let golden = (1..=30).map(|i| format!("line {i}\n")).collect::<String>();
    let actual = golden
        .replace("line 3\n", "line 3 \n")
        .replace("line 20\n", "")
        .replace("line 30\n", "line 30");
    let d = diff(&golden, &actual, 40);
    assert!(d.contains("@@ golden line 1, heapscope line 1 @@\n"), "{d}");
    assert!(d.contains("    -line 3\n    +\"line 3 \"\n"), "{d}");
    assert!(
        d.contains("@@ golden line 18, heapscope line 18 @@\n"),
        "{d}"
    );
    assert!(
        d.contains("@@ golden line 28, heapscope line 27 @@\n"),
        "{d}"
    );
    assert!(
        d.ends_with("(the files differ in their final newline)\n"),
        "{d}"
    );
    assert!(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/golden/top/cases.txt")
            .is_file()
    );
    assert!(load_cases().len() >= 60);
}
