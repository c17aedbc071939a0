//! Profile -> profile filters, pprof's rules and order.
//!
//! pprof filters the profile itself before building any graph
//! (`driver_focus.go` applyFocus), so every report sees the same filtered
//! samples: `FilterSamplesByName(focus, ignore, hide, show)`, `ShowFrom`,
//! `FilterSamplesByTag(tagfocus, tagignore)`, `FilterTagsByName(tagshow,
//! taghide)`, then `PruneFrom`. A location "matches" a regex when any of its
//! lines' function name or file name does, or its mapping's file does.
//! `hide`, `show`, `show_from` and `prune_from` rewrite the lines of
//! locations (shared by every sample), so inlined frames are handled per
//! line. Filters never fail on data: a filter that matches nothing only
//! produces pprof's warning, which [`apply`] returns for the caller to print.

use crate::profile::{Label, LocIdx, Profile, Samples, StrIdx};
use crate::units;
use regex::Regex;
use rustc_hash::FxHashMap;
use std::fmt;

/// The filters as given on the command line (empty = not set).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FilterSpec {
    pub focus: String,
    pub ignore: String,
    pub hide: String,
    pub show: String,
    pub show_from: String,
    pub prune_from: String,
    pub tagfocus: String,
    pub tagignore: String,
    pub tagshow: String,
    pub taghide: String,
}

impl FilterSpec {
    /// True if no filter is set.
    pub fn is_empty(&self) -> bool {
        *self == FilterSpec::default()
    }

    /// pprof's `Active filters:` entries (`prune_from` is not listed, as
    /// in pprof).
    pub fn active(&self) -> Vec<String> {
        [
            ("focus", &self.focus),
            ("ignore", &self.ignore),
            ("hide", &self.hide),
            ("show", &self.show),
            ("show_from", &self.show_from),
            ("tagfocus", &self.tagfocus),
            ("tagignore", &self.tagignore),
            ("tagshow", &self.tagshow),
            ("taghide", &self.taghide),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={v}"))
        .collect()
    }

    /// The header block pprof prints for active filters: `Active filters:`
    /// then one line per filter, indented by three spaces and cut after 80
    /// bytes with "…".
    pub fn header_lines(&self) -> Vec<String> {
        let active = self.active();
        if active.is_empty() {
            return Vec::new();
        }
        let mut out = vec!["Active filters:".to_string()];
        for s in active {
            let s = if s.len() > 80 {
                let mut cut = 80;
                while !s.is_char_boundary(cut) {
                    cut -= 1;
                }
                format!("{}…", &s[..cut])
            } else {
                s
            };
            out.push(format!("   {s}"));
        }
        out
    }
}

/// A filter expression that does not compile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterError {
    pub option: &'static str,
    pub message: String,
}

impl fmt::Display for FilterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "parsing {} regexp: {}", self.option, self.message)
    }
}

impl std::error::Error for FilterError {}

fn compile(option: &'static str, value: &str) -> Result<Option<Regex>, FilterError> {
    if value.is_empty() {
        return Ok(None);
    }
    Regex::new(value)
        .map(Some)
        .map_err(|e| regex_error(option, &e))
}

/// A regex that does not compile, as pprof reports it: the last line of
/// the parser's message.
fn regex_error(option: &'static str, e: &regex::Error) -> FilterError {
    FilterError {
        option,
        message: e
            .to_string()
            .lines()
            .last()
            .unwrap_or("")
            .trim()
            .to_string(),
    }
}

/// The unit of each numeric label key (pprof's `NumLabelUnits`): the first
/// non-empty unit seen on that key; keys without one get `bytes` for
/// `alignment`/`request` and the key itself otherwise. The warnings name
/// keys that carried several units.
pub fn num_label_units(p: &Profile) -> (FxHashMap<StrIdx, String>, Vec<String>) {
    let mut units: FxHashMap<StrIdx, String> = FxHashMap::default();
    let mut ignored: FxHashMap<StrIdx, Vec<String>> = FxHashMap::default();
    let mut keys: Vec<StrIdx> = Vec::new();
    for l in &p.samples.labels {
        if l.str.0 != 0 {
            continue;
        }
        if !keys.contains(&l.key) {
            keys.push(l.key);
        }
        let u = p.str(l.num_unit);
        if u.is_empty() {
            continue;
        }
        match units.get(&l.key) {
            None => {
                units.insert(l.key, u.to_string());
            }
            Some(w) if w != u => {
                let v = ignored.entry(l.key).or_default();
                if !v.iter().any(|x| x == u) {
                    v.push(u.to_string());
                }
            }
            _ => {}
        }
    }
    for k in keys {
        units.entry(k).or_insert_with(|| match p.str(k) {
            "alignment" | "request" => "bytes".to_string(),
            other => other.to_string(),
        });
    }
    let mut warnings: Vec<(String, String)> = ignored
        .into_iter()
        .map(|(k, mut v)| {
            v.sort();
            (
                p.str(k).to_string(),
                format!(
                    "For tag {} used unit {}, also encountered unit(s) {}",
                    p.str(k),
                    units[&k],
                    v.join(", ")
                ),
            )
        })
        .collect();
    warnings.sort();
    (units, warnings.into_iter().map(|(_, w)| w).collect())
}

/// A compiled `--tagfocus` / `--tagignore`.
#[derive(Debug)]
pub struct TagFilter {
    key: Option<String>,
    kind: TagFilterKind,
}

#[derive(Debug)]
enum TagFilterKind {
    /// Inclusive numeric range in `unit` (bounds already scaled).
    Range {
        lo: Option<f64>,
        hi: Option<f64>,
        unit: String,
    },
    Regexes(Vec<Regex>),
}

/// Parses pprof's numeric tag ranges: `32kb` (equal), `:64kb` (at most),
/// `4mb:` (at least), `12kb:64mb` (between, inclusive). Returns the bounds
/// scaled into the unit of the first number, or `None` if `s` is not a
/// range.
fn parse_range(s: &str) -> Option<(Option<f64>, Option<f64>, String)> {
    use std::sync::OnceLock;
    static RX: OnceLock<Regex> = OnceLock::new();
    let rx = RX.get_or_init(|| Regex::new("([+-]?[[:digit:]]+)([[:alpha:]]+)?").expect("valid"));
    let caps: Vec<regex::Captures> = rx.captures_iter(s).take(2).collect();
    let first = caps.first()?;
    let whole0 = first.get(0)?.as_str();
    let unit0 = first.get(2).map_or("", |m| m.as_str());
    let v0: i64 = first.get(1)?.as_str().parse().ok()?;
    let (sv0, unit) = units::scale(v0, unit0, unit0);
    if caps.len() == 1 {
        if s == whole0 {
            return Some((Some(sv0), Some(sv0), unit));
        }
        if s == format!("{whole0}:") {
            return Some((Some(sv0), None, unit));
        }
        if s == format!(":{whole0}") {
            return Some((None, Some(sv0), unit));
        }
        return None;
    }
    let second = &caps[1];
    let whole1 = second.get(0)?.as_str();
    if s != format!("{whole0}:{whole1}") {
        return None;
    }
    let v1: i64 = second.get(1)?.as_str().parse().ok()?;
    let unit1 = second.get(2).map_or("", |m| m.as_str());
    let (sv1, u1) = units::scale(v1, unit1, &unit);
    if u1 != unit {
        return None;
    }
    Some((Some(sv0), Some(sv1), unit))
}

impl TagFilter {
    /// Compiles a tag filter; `notes` receives pprof's "Interpreted ... as
    /// range" message.
    pub fn parse(
        option: &'static str,
        value: &str,
        notes: &mut Vec<String>,
    ) -> Result<TagFilter, FilterError> {
        let (key, value) = match value.split_once('=') {
            Some((k, v)) => (Some(k.to_string()), v),
            None => (None, value),
        };
        if let Some((lo, hi, unit)) = parse_range(value) {
            notes.push(format!(
                "{option}:Interpreted '{value}' as range, not regexp"
            ));
            return Ok(TagFilter {
                key,
                kind: TagFilterKind::Range { lo, hi, unit },
            });
        }
        // An empty part matches everything, as Go's empty regexp does.
        let mut rxs = Vec::new();
        for part in value.split(',') {
            let rx = Regex::new(part).map_err(|e| regex_error(option, &e))?;
            rxs.push(rx);
        }
        Ok(TagFilter {
            key,
            kind: TagFilterKind::Regexes(rxs),
        })
    }

    fn matches(&self, p: &Profile, labels: &[Label], units: &FxHashMap<StrIdx, String>) -> bool {
        match &self.kind {
            TagFilterKind::Range { lo, hi, unit } => labels.iter().any(|l| {
                if l.str.0 != 0 {
                    return false;
                }
                if let Some(k) = &self.key {
                    if p.str(l.key) != k {
                        return false;
                    }
                }
                let from = units.get(&l.key).map_or("", String::as_str);
                let (v, u) = units::scale(l.num, from, unit);
                u == *unit && lo.is_none_or(|lo| v >= lo) && hi.is_none_or(|hi| v <= hi)
            }),
            TagFilterKind::Regexes(rxs) => match &self.key {
                None => rxs.iter().all(|rx| {
                    labels.iter().any(|l| {
                        l.str.0 != 0 && rx.is_match(&format!("{}:{}", p.str(l.key), p.str(l.str)))
                    })
                }),
                Some(k) => labels.iter().any(|l| {
                    l.str.0 != 0
                        && p.str(l.key) == k
                        && rxs.iter().any(|rx| rx.is_match(p.str(l.str)))
                }),
            },
        }
    }
}

/// What [`apply`] reports: messages for stderr, in pprof's order.
#[derive(Debug, Default)]
pub struct FilterOutcome {
    pub messages: Vec<String>,
}

/// Per-function and per-mapping match of one regex, computed once.
struct Matcher {
    func: Vec<bool>,
    map: Vec<bool>,
}

impl Matcher {
    fn new(p: &Profile, rx: &Regex) -> Matcher {
        Matcher {
            func: p
                .functions
                .iter()
                .map(|f| rx.is_match(p.str(f.name)) || rx.is_match(p.str(f.filename)))
                .collect(),
            map: p
                .mappings
                .iter()
                .map(|m| rx.is_match(p.str(m.filename)))
                .collect(),
        }
    }

    fn mapping(&self, p: &Profile, loc: usize) -> bool {
        p.locations[loc]
            .mapping
            .is_some_and(|m| self.map[m.0 as usize])
    }

    fn line(&self, p: &Profile, line: usize) -> bool {
        self.func[p.lines[line].function.0 as usize]
    }

    fn location(&self, p: &Profile, loc: usize) -> bool {
        let l = &p.locations[loc];
        (l.lines_start as usize..l.lines_end as usize).any(|i| self.line(p, i))
            || self.mapping(p, loc)
    }
}

/// Rewrites the lines of every location: `keep(loc, line_index)` decides.
fn rewrite_lines(p: &mut Profile, keep: &dyn Fn(&Profile, usize, usize) -> bool) {
    let mut lines = Vec::with_capacity(p.lines.len());
    let mut ranges = Vec::with_capacity(p.locations.len());
    for li in 0..p.locations.len() {
        let l = &p.locations[li];
        let start = lines.len() as u32;
        for i in l.lines_start as usize..l.lines_end as usize {
            if keep(p, li, i) {
                lines.push(p.lines[i]);
            }
        }
        ranges.push((start, lines.len() as u32));
    }
    for (l, (s, e)) in p.locations.iter_mut().zip(ranges) {
        l.lines_start = s;
        l.lines_end = e;
    }
    p.lines = lines;
}

/// Rebuilds the samples: `f(locs)` returns the sub-slice range of
/// locations to keep, or `None` to drop the sample. `scratch` holds a
/// rewritten stack when the result is not a plain range.
fn rewrite_samples(p: &mut Profile, f: &mut dyn FnMut(&[LocIdx], &mut Vec<LocIdx>) -> bool) {
    let s = &p.samples;
    let mut out = Samples {
        stride: s.stride,
        ..Default::default()
    };
    let mut scratch = Vec::new();
    for x in s.iter() {
        scratch.clear();
        if f(x.locs, &mut scratch) {
            out.push(&scratch, x.values, x.labels);
        }
    }
    p.samples = out;
}

/// Applies the filters to `p` in pprof's order. Errors only for an
/// expression that does not compile (before anything is changed).
pub fn apply(p: &mut Profile, spec: &FilterSpec) -> Result<FilterOutcome, FilterError> {
    let mut out = FilterOutcome::default();
    if spec.is_empty() {
        return Ok(out);
    }
    let focus = compile("focus", &spec.focus)?;
    let ignore = compile("ignore", &spec.ignore)?;
    let hide = compile("hide", &spec.hide)?;
    let show = compile("show", &spec.show)?;
    let show_from = compile("show_from", &spec.show_from)?;
    let tagfocus = if spec.tagfocus.is_empty() {
        None
    } else {
        Some(TagFilter::parse(
            "tagfocus",
            &spec.tagfocus,
            &mut out.messages,
        )?)
    };
    let tagignore = if spec.tagignore.is_empty() {
        None
    } else {
        Some(TagFilter::parse(
            "tagignore",
            &spec.tagignore,
            &mut out.messages,
        )?)
    };
    let prune_from = compile("prune_from", &spec.prune_from)?;
    let tagshow = compile("tagshow", &spec.tagshow)?;
    let taghide = compile("taghide", &spec.taghide)?;
    let (label_units, _) = num_label_units(p);

    let warn = |ok: bool, name: &str, out: &mut FilterOutcome| {
        if !ok {
            out.messages
                .push(format!("{name} expression matched no samples"));
        }
    };

    // 1. FilterSamplesByName.
    if focus.is_some() || ignore.is_some() || hide.is_some() || show.is_some() {
        let (fm, im, hm, hnm) = filter_by_name(
            p,
            focus.as_ref(),
            ignore.as_ref(),
            hide.as_ref(),
            show.as_ref(),
        );
        warn(focus.is_none() || fm, "Focus", &mut out);
        warn(ignore.is_none() || im, "Ignore", &mut out);
        warn(hide.is_none() || hm, "Hide", &mut out);
        warn(show.is_none() || hnm, "Show", &mut out);
    }

    // 2. ShowFrom.
    if let Some(rx) = &show_from {
        let m = show_from_filter(p, rx);
        warn(m, "ShowFrom", &mut out);
    }

    // 3. FilterSamplesByTag.
    if tagfocus.is_some() || tagignore.is_some() {
        let (mut fm, mut im) = (false, false);
        let units = &label_units;
        let pp: &Profile = p;
        let mut keep_mask = Vec::with_capacity(pp.samples.len());
        for x in pp.samples.iter() {
            let focused = tagfocus
                .as_ref()
                .is_none_or(|t| t.matches(pp, x.labels, units));
            let ignored = tagignore
                .as_ref()
                .is_some_and(|t| t.matches(pp, x.labels, units));
            fm |= focused;
            im |= ignored;
            keep_mask.push(focused && !ignored);
        }
        let mut i = 0;
        rewrite_samples(p, &mut |locs, buf| {
            let k = keep_mask[i];
            i += 1;
            buf.extend_from_slice(locs);
            k
        });
        warn(tagfocus.is_none() || fm, "TagFocus", &mut out);
        warn(tagignore.is_none() || im, "TagIgnore", &mut out);
    }

    // 4. FilterTagsByName.
    if tagshow.is_some() || taghide.is_some() {
        let (mut sm, mut hm) = (false, false);
        let mut remove_key: FxHashMap<StrIdx, bool> = FxHashMap::default();
        for l in &p.samples.labels {
            remove_key.entry(l.key).or_insert_with(|| {
                let name = p.str(l.key);
                let show = tagshow.as_ref().is_none_or(|r| r.is_match(name));
                let hide = taghide.as_ref().is_some_and(|r| r.is_match(name));
                !show || hide
            });
        }
        for (&k, _) in remove_key.iter() {
            let name = p.str(k);
            sm |= tagshow.as_ref().is_none_or(|r| r.is_match(name));
            hm |= taghide.as_ref().is_some_and(|r| r.is_match(name));
        }
        p.samples = p.samples.relabeled(|old, labels| {
            labels.extend(old.iter().copied().filter(|l| !remove_key[&l.key]));
        });
        warn(tagshow.is_none() || sm, "TagShow", &mut out);
        warn(taghide.is_none() || hm, "TagHide", &mut out);
    }

    // 5. PruneFrom.
    if let Some(rx) = &prune_from {
        prune_from_filter(p, rx);
    }
    crate::profile::debug_assert_valid(p);
    Ok(out)
}

fn filter_by_name(
    p: &mut Profile,
    focus: Option<&Regex>,
    ignore: Option<&Regex>,
    hide: Option<&Regex>,
    show: Option<&Regex>,
) -> (bool, bool, bool, bool) {
    let (mut fm, mut im, mut hm, mut hnm) = (false, false, false, false);
    let fo = focus.map(|r| Matcher::new(p, r));
    let ig = ignore.map(|r| Matcher::new(p, r));
    let hi = hide.map(|r| Matcher::new(p, r));
    let sh = show.map(|r| Matcher::new(p, r));
    // 0 = neither, 1 = focused, 2 = ignored.
    let n = p.locations.len();
    let mut state = vec![0u8; n];
    let mut hidden = vec![false; n];
    // Per location, decide focus/ignore on the original lines, then which
    // lines survive hide and show.
    let mut keep_line = vec![true; p.lines.len()];
    for li in 0..n {
        if ig.as_ref().is_some_and(|m| m.location(p, li)) {
            im = true;
            state[li] = 2;
        } else if fo.as_ref().is_none_or(|m| m.location(p, li)) {
            fm = true;
            state[li] = 1;
        }
        let l = &p.locations[li];
        let range = l.lines_start as usize..l.lines_end as usize;
        if let Some(m) = &hi {
            if m.location(p, li) {
                hm = true;
                let map_hit = m.mapping(p, li);
                for i in range.clone() {
                    if map_hit || m.line(p, i) {
                        keep_line[i] = false;
                    }
                }
                if !range.clone().any(|i| keep_line[i]) {
                    hidden[li] = true;
                }
            }
        }
        if let Some(m) = &sh {
            if !m.mapping(p, li) {
                for i in range.clone() {
                    if !m.line(p, i) {
                        keep_line[i] = false;
                    }
                }
            }
            if range.clone().any(|i| keep_line[i]) {
                hnm = true;
            } else {
                hidden[li] = true;
            }
        }
    }
    if hide.is_some() || show.is_some() {
        rewrite_lines(p, &|_, _, i| keep_line[i]);
    }
    let any_hidden = hidden.iter().any(|&h| h);
    rewrite_samples(p, &mut |locs, buf| {
        let mut f = false;
        for l in locs {
            match state[l.0 as usize] {
                1 => f = true,
                2 => return false,
                _ => {}
            }
        }
        if !f {
            return false;
        }
        if any_hidden {
            buf.extend(locs.iter().copied().filter(|l| !hidden[l.0 as usize]));
        } else {
            buf.extend_from_slice(locs);
        }
        !buf.is_empty()
    });
    (fm, im, hm, hnm)
}

fn show_from_filter(p: &mut Profile, rx: &Regex) -> bool {
    let m = Matcher::new(p, rx);
    let n = p.locations.len();
    let mut hit = vec![false; n];
    // For each location, the number of (innermost-first) lines to keep.
    let mut keep_upto: Vec<Option<usize>> = vec![None; n];
    let mut matched = false;
    for li in 0..n {
        if m.mapping(p, li) {
            hit[li] = true;
            matched = true;
            continue;
        }
        let l = &p.locations[li];
        let start = l.lines_start as usize;
        if let Some(i) = (start..l.lines_end as usize).rev().find(|&i| m.line(p, i)) {
            keep_upto[li] = Some(i - start + 1);
            hit[li] = true;
            matched = true;
        }
    }
    rewrite_lines(p, &|p, li, i| {
        keep_upto[li].is_none_or(|k| i - (p.locations[li].lines_start as usize) < k)
    });
    rewrite_samples(
        p,
        &mut |locs, buf| match locs.iter().rposition(|l| hit[l.0 as usize]) {
            Some(i) => {
                buf.extend_from_slice(&locs[..=i]);
                true
            }
            None => false,
        },
    );
    matched
}

fn prune_from_filter(p: &mut Profile, rx: &Regex) {
    let n = p.locations.len();
    let mut cache: Vec<Option<bool>> = vec![None; p.functions.len()];
    let mut beneath = vec![false; n];
    // Per location, the index (innermost first) of the first matching line.
    let mut drop_before: Vec<usize> = vec![0; n];
    for li in 0..n {
        let l = &p.locations[li];
        for (k, i) in (l.lines_start as usize..l.lines_end as usize).enumerate() {
            let fi = p.lines[i].function.0 as usize;
            let name = p.str(p.functions[fi].name);
            if name.is_empty() {
                continue;
            }
            let hit = *cache[fi]
                .get_or_insert_with(|| rx.is_match(crate::profile::prune::simplify_func(name)));
            if hit {
                beneath[li] = true;
                drop_before[li] = k;
                break;
            }
        }
    }
    rewrite_lines(p, &|p, li, i| {
        i - (p.locations[li].lines_start as usize) >= drop_before[li]
    });
    rewrite_samples(p, &mut |locs, buf| {
        match locs.iter().position(|l| beneath[l.0 as usize]) {
            Some(i) => buf.extend_from_slice(&locs[i..]),
            None => buf.extend_from_slice(locs),
        }
        true
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        let (lo, hi, u) = parse_range("1kB:").unwrap();
        assert_eq!((lo, hi, u.as_str()), (Some(1.0), None, "kB"));
        let (lo, hi, u) = parse_range("64kb:1mb").unwrap();
        assert_eq!((lo, hi, u.as_str()), (Some(64.0), Some(1024.0), "kB"));
        let (lo, hi, _) = parse_range(":32").unwrap();
        assert_eq!((lo, hi), (None, Some(32.0)));
        let (lo, hi, _) = parse_range("16kb").unwrap();
        assert_eq!((lo, hi), (Some(16.0), Some(16.0)));
        assert!(parse_range("main.*").is_none());
        assert!(parse_range("1kb:2s").is_none());
        assert!(parse_range("x1kb").is_none());
    }

    #[test]
    fn active_filter_header() {
        let s = FilterSpec {
            focus: "a".repeat(100),
            tagfocus: "bytes=1kB:".into(),
            prune_from: "x".into(),
            ..Default::default()
        };
        let h = s.header_lines();
        assert_eq!(h[0], "Active filters:");
        assert_eq!(h[1], format!("   focus={}…", "a".repeat(74)));
        assert_eq!(h[2], "   tagfocus=bytes=1kB:");
        assert_eq!(h.len(), 3);
    }
}
