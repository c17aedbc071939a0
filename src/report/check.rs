//! `check`: rules over a profile (and optionally its base) and their
//! verdicts, the CI gate.
//!
//! A rule compares an observed value with a limit. Because heap profiles
//! are sampled, every observed value carries a standard error `sigma`
//! (see [`super::nodes`]). Two policies, by what the rule is:
//!
//! * **Comparisons of two profiles** (`max-increase`, `max-increase-bytes`,
//!   `max-node-increase`) are tests of "the true growth is at most the
//!   limit". One check makes many of them (one per rule on the total, one
//!   per node with sampling noise for `max-node-increase`), so the
//!   tolerance is set for the whole family: with `m` such comparisons a
//!   value fails only when it is over its limit by more than `z_m`
//!   standard errors, `z_m` the normal quantile of `1 - FAMILY_ALPHA / m`
//!   (Bonferroni). Then an unchanged workload fails a check at most
//!   [`FAMILY_ALPHA`] of the time, however many nodes it has. A value over
//!   its limit by less than that is *within noise*: it passes unless the
//!   check is strict.
//! * **Hard caps** (`max-total`, `budget`) fail whenever the estimate is
//!   over the cap: a user who writes 30MB expects 33.5MB to fail. The
//!   verdict carries how sure it is: the probability, under the normal
//!   approximation of the sampling error, that the true value is over.
//!
//! Limits are in the sample type's unit (bytes for the space types); sizes
//! are binary (kB = KiB = 1024 bytes), as pprof's units.

use super::diff;
use super::nodes::{self, Measured, NodeValues};
use crate::aggregate::NodeOptions;
use crate::profile::Profile;
use std::fmt;

/// How many standard errors wide the printed noise band is (±2σ).
pub const NOISE_SIGMAS: f64 = 2.0;

/// The family-wise false-alarm rate of one check: the chance that a check
/// comparing two profiles of an unchanged workload fails, over all its
/// comparison rules and nodes together.
pub const FAMILY_ALPHA: f64 = 0.01;

/// The standard normal distribution function.
pub fn normal_cdf(z: f64) -> f64 {
    0.5 * erfc(-z / std::f64::consts::SQRT_2)
}

/// The complementary error function (W. J. Cody's rational Chebyshev
/// fit as in Numerical Recipes' `erfcc`, relative error below 1.2e-7).
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let r = t
        * (-z * z - 1.265_512_23
            + t * (1.000_023_68
                + t * (0.374_091_96
                    + t * (0.096_784_18
                        + t * (-0.186_288_06
                            + t * (0.278_868_07
                                + t * (-1.135_203_98
                                    + t * (1.488_515_87
                                        + t * (-0.822_152_23 + t * 0.170_872_77)))))))))
            .exp();
    if x >= 0.0 { r } else { 2.0 - r }
}

/// The `p` quantile of the standard normal distribution (bisection on
/// [`normal_cdf`]; `p` in (0, 1)).
pub fn normal_quantile(p: f64) -> f64 {
    let (mut lo, mut hi) = (-40.0f64, 40.0f64);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if normal_cdf(mid) < p {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// `P(X - Y >= k)` for independent `X ~ Poisson(a)`, `Y ~ Poisson(b)`
/// (a Skellam tail); 0 when either mean is over 500 (the normal
/// approximation holds there).
pub fn skellam_tail(a: f64, b: f64, k: i64) -> f64 {
    if !(a >= 0.0 && b >= 0.0) || a > 500.0 || b > 500.0 {
        return 0.0;
    }
    let ymax = (b + 12.0 * b.sqrt() + 30.0) as i64;
    let xmax = (a + 12.0 * a.sqrt() + 30.0) as i64 + ymax + k.max(0);
    let pmf = |lambda: f64, n: i64| -> f64 {
        if lambda == 0.0 {
            return if n == 0 { 1.0 } else { 0.0 };
        }
        let lf: f64 = (2..=n).map(|i| (i as f64).ln()).sum();
        (-lambda + n as f64 * lambda.ln() - lf).exp()
    };
    // Upper tails of X, from the top down.
    let mut upper = vec![0f64; xmax as usize + 2];
    for x in (0..=xmax).rev() {
        upper[x as usize] = upper[x as usize + 1] + pmf(a, x);
    }
    let mut p = 0.0;
    for y in 0..=ymax {
        let need = (k + y).max(0);
        if need > xmax {
            break;
        }
        p += pmf(b, y) * upper[need as usize];
    }
    p.min(1.0)
}

/// The probability that sampling alone makes a value `excess` over its
/// limit: the larger of the normal tail (standard error `sigma`) and the
/// chance that missed large objects (`miss` expected on each side, each
/// taking `unit` away) account for it.
pub fn p_noise(excess: f64, sigma: f64, miss: f64, unit: f64) -> f64 {
    if excess <= 0.0 {
        return 1.0;
    }
    let normal = if sigma > 0.0 {
        1.0 - normal_cdf(excess / sigma)
    } else {
        0.0
    };
    let misses = if miss > 0.0 && unit > 0.0 {
        let k = (excess / unit).ceil().max(1.0) as i64;
        skellam_tail(miss, miss, k)
    } else {
        0.0
    };
    normal.max(misses)
}

/// How many standard errors over its limit a comparison must be to fail
/// when one check makes `m` comparisons.
pub fn bar_sigmas(m: usize) -> f64 {
    normal_quantile(1.0 - FAMILY_ALPHA / m.max(1) as f64)
}

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

    /// A hard cap on NEW (judged on the estimate) rather than a
    /// comparison of two profiles.
    pub fn is_cap(&self) -> bool {
        matches!(self, Rule::Budget { .. } | Rule::MaxTotal(_))
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
    let v = crate::units::parse_size(s).map_err(RuleError)?;
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

/// Judges a comparison: `observed` (with standard error `sigma`) against
/// `limit`, failing past `bar` standard errors (any excess when strict).
/// The normal approximation alone; [`judge_p`] is what `check` uses.
pub fn judge(observed: i64, sigma: f64, limit: i64, strict: bool, bar: f64) -> Verdict {
    if observed <= limit {
        Verdict::Pass
    } else if strict {
        Verdict::Fail
    } else if observed.abs_diff(limit) as f64 <= bar * sigma {
        Verdict::WithinNoise
    } else {
        Verdict::Fail
    }
}

/// Judges a comparison over its limit by noise probability `p` (see
/// [`p_noise`]): it fails when `p` is at most `alpha` (any excess when
/// strict).
pub fn judge_p(observed: i64, limit: i64, p: f64, alpha: f64, strict: bool) -> Verdict {
    if observed <= limit {
        Verdict::Pass
    } else if strict || p <= alpha {
        Verdict::Fail
    } else {
        Verdict::WithinNoise
    }
}

/// The probability, under the normal approximation, that the true value
/// behind `observed` (standard error `sigma`) is over `limit`; without
/// noise 1 or 0.
pub fn p_over(observed: i64, sigma: f64, limit: i64) -> f64 {
    if sigma > 0.0 {
        normal_cdf((observed as f64 - limit as f64) / sigma)
    } else if observed > limit {
        1.0
    } else {
        0.0
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
    /// The probability that noise alone gives this growth ([`p_noise`]).
    pub p_noise: f64,
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
    /// Standard errors over its limit a comparison must be to fail (the
    /// family bar); 0 for hard caps, which fail on any excess.
    pub bar: f64,
    /// The probability that the true value is over the limit (normal
    /// approximation of the sampling error; 1 or 0 without noise).
    pub p_over: f64,
    /// For comparisons: the probability that sampling noise alone puts
    /// the value this far over its limit ([`p_noise`]; 1 when not over),
    /// and the level it fails at (`FAMILY_ALPHA / comparisons`).
    pub p_noise: f64,
    pub alpha_each: f64,
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
    /// The comparisons of this check that carry sampling noise (the
    /// family of [`FAMILY_ALPHA`]) and the bar they fail past.
    pub comparisons: usize,
    pub bar: f64,
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

/// Evaluates every rule. Rules needing a base return an error without
/// one; a budget whose regex matches no node of NEW is an error too (a
/// typo must not pass forever).
pub fn evaluate(rules: &[Rule], inp: &CheckInput) -> Result<CheckReport, RuleError> {
    let new = inp.new;
    let unit = new.sample_unit.as_str();
    if let Some(r) = rules.iter().find(|r| r.needs_base()) {
        if inp.base.is_none() {
            return Err(RuleError(format!(
                "--{} compares two profiles: give BASE and NEW",
                r.kind()
            )));
        }
    }
    // The family: every comparison that carries sampling noise.
    let node_rows = match (
        inp.base,
        rules.iter().any(|r| matches!(r, Rule::MaxNodeIncrease(_))),
    ) {
        (Some(b), true) => diff::rows(b, new, false),
        _ => Vec::new(),
    };
    let total_sigma = inp
        .base
        .map_or(0.0, |b| (b.total.var + new.total.var).sqrt());
    let total_miss = inp.base.map_or(0.0, |b| b.total.miss.max(new.total.miss));
    let total_unit = inp.base.map_or(0.0, |b| b.total.unit.max(new.total.unit));
    let noisy = |sigma: f64, miss: f64| sigma > 0.0 || miss > 0.0;
    let mut comparisons = 0usize;
    for rule in rules {
        match rule {
            Rule::MaxIncreasePct(_) | Rule::MaxIncrease(_) => {
                comparisons += usize::from(noisy(total_sigma, total_miss));
            }
            Rule::MaxNodeIncrease(_) => {
                comparisons += node_rows
                    .iter()
                    .filter(|r| noisy(r.sigma, r.miss.0.max(r.miss.1)))
                    .count();
            }
            _ => {}
        }
    }
    let bar = bar_sigmas(comparisons);
    let alpha_each = FAMILY_ALPHA / comparisons.max(1) as f64;
    let mut results = Vec::with_capacity(rules.len());
    for rule in rules {
        let mut r = RuleResult {
            rule: rule.describe(unit),
            kind: rule.kind(),
            observed: 0,
            limit: 0,
            sigma: 0.0,
            before: None,
            after: 0,
            verdict: Verdict::Pass,
            bar: if rule.is_cap() { 0.0 } else { bar },
            p_over: 0.0,
            p_noise: 1.0,
            alpha_each: if rule.is_cap() { 0.0 } else { alpha_each },
            nodes: Vec::new(),
            node: None,
        };
        match rule {
            Rule::MaxIncreasePct(_) | Rule::MaxIncrease(_) => {
                let b = inp.base.expect("checked above").total;
                let delta = new.total.value.wrapping_sub(b.value);
                r.limit = match rule {
                    Rule::MaxIncreasePct(p) => {
                        (b.value.unsigned_abs() as f64 * p / 100.0).floor() as i64
                    }
                    Rule::MaxIncrease(v) => *v,
                    _ => unreachable!(),
                };
                r.observed = delta;
                r.sigma = total_sigma;
                r.before = Some(b.value);
                r.after = new.total.value;
                r.p_noise = p_noise(
                    r.observed as f64 - r.limit as f64,
                    r.sigma,
                    total_miss,
                    total_unit,
                );
                r.verdict = judge_p(r.observed, r.limit, r.p_noise, alpha_each, inp.strict);
            }
            Rule::MaxTotal(limit) => {
                r.limit = *limit;
                r.observed = new.total.value;
                r.sigma = new.total.sigma();
                r.after = new.total.value;
                r.verdict = judge_cap(r.observed, r.limit);
            }
            Rule::Budget { regex, limit } => {
                let (m, matched) =
                    nodes::matching_value(inp.new_profile, inp.sample_index, inp.nodes, regex);
                if matched == 0 {
                    return Err(RuleError(format!(
                        "--budget '{}': the regex matches no node of {}",
                        r.rule.strip_prefix("budget ").unwrap_or(&r.rule),
                        inp.new_name
                    )));
                }
                r.limit = *limit;
                r.observed = m.value;
                r.sigma = m.sigma();
                r.after = m.value;
                r.verdict = judge_cap(r.observed, r.limit);
            }
            Rule::MaxNodeIncrease(limit) => {
                r.limit = *limit;
                let mut worst: Option<&diff::DiffRow> = None;
                for row in &node_rows {
                    if worst.is_none_or(|w| (row.delta, &w.name) > (w.delta, &row.name)) {
                        worst = Some(row);
                    }
                    let p = p_noise(
                        row.delta as f64 - *limit as f64,
                        row.sigma,
                        row.miss.0.max(row.miss.1),
                        row.miss_unit,
                    );
                    let v = judge_p(row.delta, *limit, p, alpha_each, inp.strict);
                    if v != Verdict::Pass {
                        r.nodes.push(NodeFinding {
                            name: row.name.clone(),
                            base: row.base,
                            new: row.new,
                            delta: row.delta,
                            sigma: row.sigma,
                            p_noise: p,
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
                    .map(|n| (n.name.clone(), n.base, n.new, n.delta, n.sigma, n.p_noise))
                    .or_else(|| {
                        worst.map(|w| (w.name.clone(), w.base, w.new, w.delta, w.sigma, 1.0))
                    });
                if let Some((name, b, n, d, s, p)) = shown {
                    r.node = Some(name);
                    r.before = Some(b);
                    r.after = n;
                    r.observed = d;
                    r.sigma = s;
                    r.p_noise = p;
                }
            }
        }
        r.p_over = p_over(r.observed, r.sigma, r.limit);
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
        comparisons,
        bar,
        results,
    })
}

/// Judges a hard cap: any excess of the estimate fails.
pub fn judge_cap(observed: i64, limit: i64) -> Verdict {
    if observed <= limit {
        Verdict::Pass
    } else {
        Verdict::Fail
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts() {
        assert_eq!(judge(10, 0.0, 10, false, 2.0), Verdict::Pass);
        assert_eq!(judge(11, 0.0, 10, false, 2.0), Verdict::Fail);
        assert_eq!(judge(11, 1.0, 10, false, 2.0), Verdict::WithinNoise);
        assert_eq!(judge(11, 1.0, 10, true, 2.0), Verdict::Fail);
        assert_eq!(judge(13, 1.0, 10, false, 2.0), Verdict::Fail);
        assert_eq!(judge(13, 1.0, 10, false, 3.5), Verdict::WithinNoise);
        assert_eq!(judge_cap(11, 10), Verdict::Fail);
        assert_eq!(judge_cap(10, 10), Verdict::Pass);
    }

    #[test]
    fn skellam() {
        // One Poisson(λ) against nothing: P(X >= 1) = 1 - exp(-λ).
        assert!((skellam_tail(0.1, 0.0, 1) - (1.0 - (-0.1f64).exp())).abs() < 1e-12);
        // Symmetric: P(X - Y >= 1) = (1 - P(X = Y)) / 2.
        let l = 0.3f64;
        let eq: f64 = (0..40)
            .map(|i| {
                let f: f64 = (1..=i).map(|j| j as f64).product();
                ((-l).exp() * l.powi(i) / f).powi(2)
            })
            .sum();
        assert!((skellam_tail(l, l, 1) - (1.0 - eq) / 2.0).abs() < 1e-12);
        assert!((skellam_tail(2.0, 2.0, -100) - 1.0).abs() < 1e-9);
        // A missed 2 MiB object (missed 1.8% of the time) is noise; two
        // missed 4 MiB objects (0.034% each) are not.
        let m2 = 2.0 * (-4.0f64).exp();
        assert!(p_noise(2e6, 1e5, m2, 2.1e6) > 0.03);
        let m4 = 8.0 * (-8.0f64).exp();
        assert!(p_noise(7.9e6, 3e5, m4, 4.2e6) < 1e-5);
    }

    #[test]
    fn normal_distribution() {
        assert!((normal_cdf(0.0) - 0.5).abs() < 1e-7);
        assert!((normal_cdf(1.959_964) - 0.975).abs() < 1e-6);
        assert!((normal_cdf(-2.326_348) - 0.01).abs() < 1e-6);
        assert!((normal_quantile(0.99) - 2.326_348).abs() < 1e-4);
        // One comparison: the 1% one-sided bar; more comparisons, higher.
        assert!((bar_sigmas(1) - 2.326_348).abs() < 1e-4);
        assert!((bar_sigmas(12) - normal_quantile(1.0 - 0.01 / 12.0)).abs() < 1e-9);
        assert!(bar_sigmas(12) > 3.1 && bar_sigmas(12) < 3.2);
        assert!(bar_sigmas(0) == bar_sigmas(1));
        assert_eq!(p_over(11, 0.0, 10), 1.0);
        assert!((p_over(10, 5.0, 10) - 0.5).abs() < 1e-7);
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
