//! `check` renderers: the human summary, JSON, Markdown (fits
//! `$GITHUB_STEP_SUMMARY`) and JUnit XML (one testcase per rule).

use super::SCHEMA_VERSION;
use super::table::{self, md, xml};
use crate::report::check::{CheckReport, FAMILY_ALPHA, RuleResult, Verdict};
use serde::Serialize;
use std::io::{self, Write};

fn label(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "pass",
        Verdict::WithinNoise => "noise",
        Verdict::Fail => "FAIL",
    }
}

/// True when a failed value is over its limit by no more than the noise
/// (so it failed only because of --strict).
fn noise_only(r: &RuleResult) -> bool {
    r.alpha_each > 0.0 && r.observed > r.limit && r.p_noise > r.alpha_each
}

/// A small probability: `3.6%`, `2e-9`.
fn prob_text(p: f64) -> String {
    if p >= 0.001 {
        let s = format!("{:.2}", p * 100.0);
        format!("{}%", s.trim_end_matches('0').trim_end_matches('.'))
    } else {
        format!("{p:.0e}")
    }
}

/// A probability in words: `66%`, `>99.9%`, `<0.1%`.
fn pct_text(p: f64) -> String {
    if p > 0.999 {
        ">99.9%".into()
    } else if p < 0.001 {
        "<0.1%".into()
    } else if (0.1..=0.9).contains(&p) {
        format!("{:.0}%", p * 100.0)
    } else {
        format!("{:.1}%", p * 100.0)
    }
}

/// How sure the verdict is, in words (empty when there is nothing to
/// say: an exact value, or a pass far from the limit).
pub fn certainty(r: &RuleResult) -> String {
    let over = r.observed > r.limit;
    if r.sigma <= 0.0 && r.p_noise <= 0.0 {
        return if over {
            "exact value (no sampling noise)".into()
        } else {
            String::new()
        };
    }
    if r.bar == 0.0 {
        // A hard cap: the estimate decides, the probability qualifies it.
        let p = pct_text(r.p_over);
        if over && r.p_over >= 0.99 {
            format!("sure: the true value is over the cap with probability {p}")
        } else if over {
            format!(
                "NOT SURE: the estimate is over the cap; the true value is over it with probability {p}"
            )
        } else if r.p_over >= 0.01 {
            format!("not sure: the true value may be over the cap (probability {p})")
        } else {
            String::new()
        }
    } else if r.verdict == Verdict::Fail && !noise_only(r) {
        let m = (FAMILY_ALPHA / r.alpha_each).round();
        format!(
            "sure: sampling noise alone does this with probability {} (fails at {}: {}% over {m} comparison{})",
            prob_text(r.p_noise),
            prob_text(r.alpha_each),
            FAMILY_ALPHA * 100.0,
            if m == 1.0 { "" } else { "s" }
        )
    } else if over {
        format!(
            "sampling noise alone does this with probability {} (fails at {})",
            prob_text(r.p_noise),
            prob_text(r.alpha_each)
        )
    } else {
        String::new()
    }
}

/// The first line of the summary.
pub fn headline(r: &CheckReport) -> String {
    let n = r.results.len();
    let f = r.failures();
    let verdict = if f == 0 {
        format!("PASS, {n} rule{} held", if n == 1 { "" } else { "s" })
    } else {
        format!(
            "FAIL, {f} of {n} rule{} violated",
            if n == 1 { "" } else { "s" }
        )
    };
    let what = match &r.base_name {
        Some(b) => format!("{b} -> {}", r.new_name),
        None => r.new_name.clone(),
    };
    format!("heapscope check: {verdict} ({}; {what})", r.sample_type)
}

/// What a rule measured, in words.
pub fn detail(r: &RuleResult, unit: &str) -> String {
    let v = |x: i64| table::value(x, unit);
    let mut s = match r.kind {
        "max-increase" | "max-increase-bytes" => format!(
            "total {} -> {} ({}, {}), limit {}",
            v(r.before.unwrap_or(0)),
            v(r.after),
            table::delta(r.observed, unit),
            table::pct(crate::report::diff::percent(
                r.observed,
                r.before.unwrap_or(0)
            )),
            table::delta(r.limit, unit)
        ),
        "max-node-increase" => match &r.node {
            Some(n) => format!(
                "{n} {} -> {} ({}), limit {}",
                v(r.before.unwrap_or(0)),
                v(r.after),
                table::delta(r.observed, unit),
                table::delta(r.limit, unit)
            ),
            None => format!("no node grew, limit {}", table::delta(r.limit, unit)),
        },
        "budget" => format!(
            "matching nodes hold {}, limit {}",
            v(r.observed),
            v(r.limit)
        ),
        _ => format!("total {}, limit {}", v(r.observed), v(r.limit)),
    };
    let n = table::noise(r.sigma, unit);
    if !n.is_empty() {
        s.push_str(&format!(", noise {n}"));
    }
    match r.verdict {
        Verdict::WithinNoise => s.push_str(": within noise, passes (--strict fails it)"),
        Verdict::Fail if noise_only(r) => s.push_str(": within noise, failed because of --strict"),
        _ => {}
    }
    let c = certainty(r);
    if !c.is_empty() {
        s.push_str(&format!(" [{c}]"));
    }
    s
}

/// Most nodes listed under a max-node-increase rule.
const MAX_LISTED: usize = 10;

/// The human summary.
pub fn text(r: &CheckReport, w: &mut dyn Write) -> io::Result<()> {
    let u = &r.sample_unit;
    writeln!(w, "{}", headline(r))?;
    for res in &r.results {
        writeln!(
            w,
            "  {:<5} {}: {}",
            label(res.verdict),
            res.rule,
            detail(res, u)
        )?;
        if res.nodes.len() > 1 {
            for n in res.nodes.iter().take(MAX_LISTED) {
                writeln!(
                    w,
                    "        {:<5} {} {} -> {} ({}{})",
                    label(n.verdict),
                    n.name,
                    table::value(n.base, u),
                    table::value(n.new, u),
                    table::delta(n.delta, u),
                    match table::noise(n.sigma, u).as_str() {
                        "" => String::new(),
                        s => format!(", noise {s}"),
                    }
                )?;
            }
            if res.nodes.len() > MAX_LISTED {
                writeln!(w, "        ... {} more", res.nodes.len() - MAX_LISTED)?;
            }
        }
    }
    if !r.sampled {
        writeln!(w, "  (values are not sampled: no noise allowance)")?;
    }
    Ok(())
}

#[derive(Serialize)]
struct JsonNode<'a> {
    name: &'a str,
    base: i64,
    new: i64,
    delta: i64,
    sigma: f64,
    verdict: &'static str,
}

#[derive(Serialize)]
struct JsonRule<'a> {
    rule: &'a str,
    kind: &'static str,
    verdict: &'static str,
    passed: bool,
    /// Standard errors over the limit a comparison fails past (0: a
    /// hard cap, any excess fails).
    fail_past_sigmas: f64,
    /// Probability that the true value is over the limit.
    p_over: f64,
    /// Probability that sampling noise alone puts the value this far
    /// over (comparisons), and the level a comparison fails at.
    p_noise: f64,
    fail_at_p: f64,
    observed: i64,
    limit: i64,
    sigma: f64,
    before: Option<i64>,
    after: i64,
    node: Option<&'a str>,
    nodes: Vec<JsonNode<'a>>,
    message: String,
}

#[derive(Serialize)]
struct JsonCheck<'a> {
    schema_version: u32,
    command: &'static str,
    passed: bool,
    strict: bool,
    family_false_alarm_rate: f64,
    comparisons: usize,
    noise_sigmas: f64,
    sample_type: super::JsonSampleType<'a>,
    base: Option<&'a str>,
    new: &'a str,
    base_total: Option<i64>,
    new_total: i64,
    rules: Vec<JsonRule<'a>>,
}

/// JSON: integers in the sample type's unit; `sigma` is a standard error.
pub fn json(r: &CheckReport, w: &mut dyn Write) -> io::Result<()> {
    let doc = JsonCheck {
        schema_version: SCHEMA_VERSION,
        command: "check",
        passed: r.passed(),
        strict: r.strict,
        family_false_alarm_rate: FAMILY_ALPHA,
        comparisons: r.comparisons,
        noise_sigmas: table::round(r.bar, 4),
        sample_type: super::JsonSampleType::new(&r.sample_type, &r.sample_unit),
        base: r.base_name.as_deref(),
        new: &r.new_name,
        base_total: r.base_total.map(|m| m.value),
        new_total: r.new_total.value,
        rules: r
            .results
            .iter()
            .map(|x| JsonRule {
                rule: &x.rule,
                kind: x.kind,
                verdict: x.verdict.as_str(),
                passed: !x.failed(),
                fail_past_sigmas: table::round(x.bar, 4),
                p_over: table::round(x.p_over, 4),
                p_noise: x.p_noise,
                fail_at_p: x.alpha_each,
                observed: x.observed,
                limit: x.limit,
                sigma: table::round(x.sigma, 1),
                before: x.before,
                after: x.after,
                node: x.node.as_deref(),
                nodes: x
                    .nodes
                    .iter()
                    .map(|n| JsonNode {
                        name: &n.name,
                        base: n.base,
                        new: n.new,
                        delta: n.delta,
                        sigma: table::round(n.sigma, 1),
                        verdict: n.verdict.as_str(),
                    })
                    .collect(),
                message: detail(x, &r.sample_unit),
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *w, &doc).map_err(io::Error::other)?;
    writeln!(w)
}

/// Markdown for `$GITHUB_STEP_SUMMARY`.
pub fn markdown(r: &CheckReport, w: &mut dyn Write) -> io::Result<()> {
    let icon = if r.passed() { "✅" } else { "❌" };
    writeln!(w, "### {icon} {}", md(&headline(r)))?;
    writeln!(w)?;
    writeln!(w, "| verdict | rule | details |")?;
    writeln!(w, "|:---|:---|:---|")?;
    for res in &r.results {
        writeln!(
            w,
            "| {} | `{}` | {} |",
            res.verdict.as_str(),
            res.rule.replace('`', "'").replace('|', "\\|"),
            md(&detail(res, &r.sample_unit))
        )?;
    }
    for res in r.results.iter().filter(|x| x.nodes.len() > 1) {
        writeln!(w)?;
        writeln!(w, "Nodes over `{}`:", res.rule.replace('`', "'"))?;
        writeln!(w)?;
        for n in res.nodes.iter().take(MAX_LISTED) {
            writeln!(
                w,
                "- {} {}: {} -> {} ({})",
                n.verdict.as_str(),
                md(&n.name),
                table::value(n.base, &r.sample_unit),
                table::value(n.new, &r.sample_unit),
                table::delta(n.delta, &r.sample_unit)
            )?;
        }
    }
    Ok(())
}

/// JUnit XML: one testsuite, one testcase per rule; a violated rule is a
/// `<failure>`, a rule passed within noise carries a `<system-out>` note.
/// GitHub Actions workflow commands: one `::error` annotation per violated
/// rule and one `::warning` per rule over its limit within the noise,
/// on the NEW profile's file; nothing for rules that hold.
pub fn github(r: &CheckReport, w: &mut dyn Write) -> io::Result<()> {
    for res in &r.results {
        let level = match res.verdict {
            Verdict::Fail => "error",
            Verdict::WithinNoise => "warning",
            Verdict::Pass => continue,
        };
        writeln!(
            w,
            "::{level} file={},title={}::{}",
            gh_property(&r.new_name),
            gh_property(&format!("heapscope check {}", res.rule)),
            gh_data(&detail(res, &r.sample_unit))
        )?;
    }
    Ok(())
}

/// A workflow command's message, escaped as GitHub's toolkit does.
fn gh_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value (also escapes `:` and `,`).
fn gh_property(s: &str) -> String {
    gh_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn junit(r: &CheckReport, w: &mut dyn Write) -> io::Result<()> {
    writeln!(w, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        w,
        r#"<testsuites name="heapscope check" tests="{}" failures="{}">"#,
        r.results.len(),
        r.failures()
    )?;
    writeln!(
        w,
        r#"  <testsuite name="heapscope check {}" tests="{}" failures="{}" errors="0" skipped="0">"#,
        xml(&r.sample_type),
        r.results.len(),
        r.failures()
    )?;
    for res in &r.results {
        let msg = detail(res, &r.sample_unit);
        let name = xml(&res.rule);
        match res.verdict {
            Verdict::Fail => {
                writeln!(
                    w,
                    r#"    <testcase classname="heapscope.check" name="{name}">"#
                )?;
                writeln!(
                    w,
                    r#"      <failure message="{}" type="{}">{}</failure>"#,
                    xml(&msg),
                    res.kind,
                    xml(&msg)
                )?;
                writeln!(w, "    </testcase>")?;
            }
            Verdict::WithinNoise => {
                writeln!(
                    w,
                    r#"    <testcase classname="heapscope.check" name="{name}">"#
                )?;
                writeln!(w, "      <system-out>{}</system-out>", xml(&msg))?;
                writeln!(w, "    </testcase>")?;
            }
            Verdict::Pass => {
                writeln!(
                    w,
                    r#"    <testcase classname="heapscope.check" name="{name}"/>"#
                )?;
            }
        }
    }
    writeln!(w, "  </testsuite>")?;
    writeln!(w, "</testsuites>")
}
