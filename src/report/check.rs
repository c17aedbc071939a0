//! `check`: rules over a profile (and optionally its base) and their
//! verdicts, the CI gate.
//!
//! A rule compares an observed value with a limit. Because heap profiles
//! are sampled, every observed value carries a standard error `sigma`
//! (see [`super::nodes`]); a value above its limit by no more than
//! [`NOISE_SIGMAS`] standard errors is *within noise*: it passes unless the
//! check is strict. Limits are in the sample type's unit (bytes for the
//! space types); sizes are binary (kB = KiB = 1024 bytes), as pprof's units.

use super::diff;
use super::nodes::{self, Measured, NodeValues};
use crate::aggregate::NodeOptions;
use crate::profile::Profile;
use std::fmt;

/// How many standard errors a value may exceed its limit by and still be
/// called sampling noise.
pub const NOISE_SIGMAS: f64 = 2.0;

/// A rule that could not be understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError(pub String);

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RuleError {}

#[derive(Clone, Debug)]
pub enum Rule {
    /// The total may grow by at most this percentage of the base total.
    MaxIncreasePct(f64),
    /// The total may grow by at most this much.
    MaxIncrease(i64),
    /// No node's flat value may grow by more than this.
    MaxNodeIncrease(i64),
    /// The cum of the nodes matching the regex, in NEW, is at most this.
    Budget { regex: regex::Regex, limit: i64 },
    /// NEW's total is at most this.
    MaxTotal(i64),
}

impl Rule {
    /// The rule as the user wrote it (flag form).
    pub fn describe(&self, unit: &str) -> String {
        let size = |v: i64| crate::units::label(v, unit);
        match self {
            Rule::MaxIncreasePct(p) => format!("max-increase {}%", trim_float(*p)),
            Rule::MaxIncrease(v) => format!("max-increase-bytes {}", size(*v)),
            Rule::MaxNodeIncrease(v) => format!("max-node-increase {}", size(*v)),
            Rule::Budget { regex, limit } => format!("budget {}<={}", regex.as_str(), size(*limit)),
            Rule::MaxTotal(v) => format!("max-total {}", size(*v)),
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Rule::MaxIncreasePct(_) => "max-increase",
            Rule::MaxIncrease(_) => "max-increase-bytes",
            Rule::MaxNodeIncrease(_) => "max-node-increase",
            Rule::Budget { .. } => "budget",
            Rule::MaxTotal(_) => "max-total",
        }
    }

    pub fn needs_base(&self) -> bool {
        matches!(
            self,
            Rule::MaxIncreasePct(_) | Rule::MaxIncrease(_) | Rule::MaxNodeIncrease(_)
        )
    }
}

fn trim_float(v: f64) -> String {
    let s = format!("{v:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Parses a percentage: `10%`, `10`, `2.5%`.
pub fn parse_pct(s: &str) -> Result<f64, RuleError> {
    let t = s.trim();
    let n = t.strip_suffix('%').unwrap_or(t).trim();
    match n.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err(RuleError(format!(
            "{s:?} is not a percentage (examples: 5%, 12.5%)"
        ))),
    }
}

/// Parses a size: a plain number, or a number with B, kB/KiB, MB/MiB,
/// GB/GiB, TB/TiB; every prefix is binary (1 kB = 1 KiB = 1024 B).
pub fn parse_size(s: &str) -> Result<i64, RuleError> {
    let v = crate::cli::parse_size(s).map_err(RuleError)?;
    i64::try_from(v).map_err(|_| RuleError(format!("{s:?} is out of range")))
}

/// Parses `REGEX<=SIZE` (split at the last `<=`).
pub fn parse_budget(s: &str) -> Result<Rule, RuleError> {
    let (re, size) = s.rsplit_once("<=").ok_or_else(|| {
        RuleError(format!(
            "budget {s:?}: expected REGEX<=SIZE, e.g. 'main\\.cache<=64MB'"
        ))
    })?;
    let regex =
        regex::Regex::new(re).map_err(|e| RuleError(format!("budget {s:?}: bad regex: {e}")))?;
    let limit = parse_size(size).map_err(|e| RuleError(format!("budget {s:?}: {e}")))?;
    Ok(Rule::Budget { regex, limit })
}

/// A rule's outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    Pass,
    /// Over the limit by no more than the sampling noise: passes unless
    /// strict.
    WithinNoise,
    Fail,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::WithinNoise => "within noise",
            Verdict::Fail => "fail",
        }
    }
}

/// Judges `observed` (with standard error `sigma`) against `limit`.
pub fn judge(observed: i64, sigma: f64, limit: i64, strict: bool) -> Verdict {
    if observed <= limit {
        Verdict::Pass
    } else if strict {
        Verdict::Fail
    } else if observed.abs_diff(limit) as f64 <= NOISE_SIGMAS * sigma {
        Verdict::WithinNoise
    } else {
        Verdict::Fail
    }
}

/// One node over the `max-node-increase` limit.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeFinding {
    pub name: String,
    pub base: i64,
    pub new: i64,
    pub delta: i64,
    pub sigma: f64,
    pub verdict: Verdict,
}

#[derive(Clone, Debug)]
pub struct RuleResult {
    pub rule: String,
    pub kind: &'static str,
    /// The compared value: a growth for the increase rules, a size for
    /// budget and max-total; for max-node-increase the largest node growth.
    pub observed: i64,
    pub limit: i64,
    pub sigma: f64,
    /// The value before (base total, or the node's base value) when the
    /// rule compares two profiles.
    pub before: Option<i64>,
    /// The value after (new total, budget value, node's new value).
    pub after: i64,
    pub verdict: Verdict,
    /// For max-node-increase: the nodes over the limit, worst first.
    pub nodes: Vec<NodeFinding>,
    /// The node of `observed` for max-node-increase.
    pub node: Option<String>,
}

impl RuleResult {
    pub fn failed(&self) -> bool {
        self.verdict == Verdict::Fail
    }
}

#[derive(Clone, Debug)]
pub struct CheckReport {
    pub sample_type: String,
    pub sample_unit: String,
    pub base_name: Option<String>,
    pub new_name: String,
    pub base_total: Option<Measured>,
    pub new_total: Measured,
    pub strict: bool,
    pub sampled: bool,
    pub results: Vec<RuleResult>,
}

impl CheckReport {
    pub fn passed(&self) -> bool {
        !self.results.iter().any(RuleResult::failed)
    }

    pub fn failures(&self) -> usize {
        self.results.iter().filter(|r| r.failed()).count()
    }
}

/// What `evaluate` needs besides the rules.
pub struct CheckInput<'a> {
    pub base: Option<&'a NodeValues>,
    pub base_name: Option<String>,
    pub new: &'a NodeValues,
    pub new_name: String,
    /// NEW itself (for budgets) and how its nodes were built.
    pub new_profile: &'a Profile,
    pub sample_index: usize,
    pub nodes: NodeOptions,
    pub strict: bool,
}

/// Evaluates every rule. Rules needing a base return an error without one.
pub fn evaluate(rules: &[Rule], inp: &CheckInput) -> Result<CheckReport, RuleError> {
    let new = inp.new;
    let unit = new.sample_unit.as_str();
    let mut results = Vec::with_capacity(rules.len());
    for rule in rules {
        let base = match (rule.needs_base(), inp.base) {
            (true, None) => {
                return Err(RuleError(format!(
                    "--{} compares two profiles: give BASE and NEW",
                    rule.kind()
                )));
            }
            (_, b) => b,
        };
        let mut r = RuleResult {
            rule: rule.describe(unit),
            kind: rule.kind(),
            observed: 0,
            limit: 0,
            sigma: 0.0,
            before: None,
            after: 0,
            verdict: Verdict::Pass,
            nodes: Vec::new(),
            node: None,
        };
        match rule {
            Rule::MaxIncreasePct(_) | Rule::MaxIncrease(_) => {
                let b = base.expect("checked above").total;
                let delta = new.total.value.wrapping_sub(b.value);
                r.limit = match rule {
                    Rule::MaxIncreasePct(p) => {
                        (b.value.unsigned_abs() as f64 * p / 100.0).floor() as i64
                    }
                    Rule::MaxIncrease(v) => *v,
                    _ => unreachable!(),
                };
                r.observed = delta;
                r.sigma = (b.var + new.total.var).sqrt();
                r.before = Some(b.value);
                r.after = new.total.value;
            }
            Rule::MaxTotal(limit) => {
                r.limit = *limit;
                r.observed = new.total.value;
                r.sigma = new.total.sigma();
                r.after = new.total.value;
            }
            Rule::Budget { regex, limit } => {
                let m = nodes::matching_value(inp.new_profile, inp.sample_index, inp.nodes, regex);
                r.limit = *limit;
                r.observed = m.value;
                r.sigma = m.sigma();
                r.after = m.value;
            }
            Rule::MaxNodeIncrease(limit) => {
                r.limit = *limit;
                let rows = diff::rows(base.expect("checked above"), new, false);
                let mut worst: Option<&diff::DiffRow> = None;
                for row in &rows {
                    if worst.is_none_or(|w| (row.delta, &w.name) > (w.delta, &row.name)) {
                        worst = Some(row);
                    }
                    let v = judge(row.delta, row.sigma, *limit, inp.strict);
                    if v != Verdict::Pass {
                        r.nodes.push(NodeFinding {
                            name: row.name.clone(),
                            base: row.base,
                            new: row.new,
                            delta: row.delta,
                            sigma: row.sigma,
                            verdict: v,
                        });
                    }
                }
                r.nodes.sort_by(|a, b| {
                    b.verdict
                        .cmp(&a.verdict)
                        .then_with(|| b.delta.cmp(&a.delta))
                        .then_with(|| a.name.cmp(&b.name))
                });
                r.verdict = r
                    .nodes
                    .iter()
                    .map(|n| n.verdict)
                    .max()
                    .unwrap_or(Verdict::Pass);
                // Report the node that decided the verdict, else the
                // largest growth.
                let shown = r
                    .nodes
                    .first()
                    .map(|n| (n.name.clone(), n.base, n.new, n.delta, n.sigma))
                    .or_else(|| worst.map(|w| (w.name.clone(), w.base, w.new, w.delta, w.sigma)));
                if let Some((name, b, n, d, s)) = shown {
                    r.node = Some(name);
                    r.before = Some(b);
                    r.after = n;
                    r.observed = d;
                    r.sigma = s;
                }
                results.push(r);
                continue;
            }
        }
        r.verdict = judge(r.observed, r.sigma, r.limit, inp.strict);
        results.push(r);
    }
    Ok(CheckReport {
        sample_type: new.sample_type.clone(),
        sample_unit: new.sample_unit.clone(),
        base_name: inp.base_name.clone(),
        new_name: inp.new_name.clone(),
        base_total: inp.base.map(|b| b.total),
        new_total: new.total,
        strict: inp.strict,
        sampled: new.sampled || inp.base.is_some_and(|b| b.sampled),
        results,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts() {
        assert_eq!(judge(10, 0.0, 10, false), Verdict::Pass);
        assert_eq!(judge(11, 0.0, 10, false), Verdict::Fail);
        assert_eq!(judge(11, 1.0, 10, false), Verdict::WithinNoise);
        assert_eq!(judge(11, 1.0, 10, true), Verdict::Fail);
        assert_eq!(judge(13, 1.0, 10, false), Verdict::Fail);
    }

    #[test]
    fn rule_parsing() {
        assert_eq!(parse_pct("5%"), Ok(5.0));
        assert_eq!(parse_pct("2.5"), Ok(2.5));
        assert!(parse_pct("x%").is_err());
        assert!(parse_pct("-1%").is_err());
        assert_eq!(parse_size("1kB"), Ok(1024));
        assert_eq!(parse_size("1KiB"), Ok(1024));
        assert_eq!(parse_size("2MB"), Ok(2 << 20));
        match parse_budget("main\\.(a|b)<=64MB").unwrap() {
            Rule::Budget { regex, limit } => {
                assert_eq!(regex.as_str(), "main\\.(a|b)");
                assert_eq!(limit, 64 << 20);
            }
            _ => panic!(),
        }
        assert!(parse_budget("main").is_err());
        assert!(parse_budget("(<=1MB").is_err());
        assert!(parse_budget("x<=lots").is_err());
    }
}
