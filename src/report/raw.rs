//! `pprof -raw`: pprof's `Profile.String()` dump of the profile as loaded
//! (after merging, symbolization and filters): header, every sample with
//! its values, location ids and labels, every location with its frames,
//! every mapping. The layout follows `profile/profile.go` to the byte,
//! including Go's `%v` of a `time.Time` and the `%.4v` truncation of the
//! duration, so legacy profiles dump exactly as pprof parsed them.

use crate::profile::{Label, Profile};
use std::fmt::Write as _;
use std::io::{self, Write};

/// Writes the dump of `p`.
pub fn write_raw(p: &Profile, w: &mut dyn Write) -> io::Result<()> {
    w.write_all(raw(p).as_bytes())
}

/// The dump of `p` as one string.
pub fn raw(p: &Profile) -> String {
    let mut out = String::new();
    for &c in &p.comments {
        let _ = writeln!(out, "Comment: {}", p.str(c));
    }
    let doc = p.str(p.doc_url);
    if !doc.is_empty() {
        let _ = writeln!(out, "Doc: {doc}");
    }
    let pt = p.period_type;
    if pt.r#type.0 != 0 || pt.unit.0 != 0 {
        let _ = writeln!(out, "PeriodType: {} {}", p.str(pt.r#type), p.str(pt.unit));
    }
    let _ = writeln!(out, "Period: {}", p.period);
    if p.time_nanos != 0 {
        let _ = writeln!(out, "Time: {}", go_time(p.time_nanos));
    }
    if p.duration_nanos != 0 {
        let d = go_duration(p.duration_nanos);
        let _ = writeln!(out, "Duration: {}", d.chars().take(4).collect::<String>());
    }
    out.push_str("Samples:\n");
    let dflt = p.str(p.default_sample_type);
    let mut header = String::new();
    for st in &p.sample_types {
        let t = p.str(st.r#type);
        let mark = if t == dflt { "[dflt]" } else { "" };
        let _ = write!(header, "{}/{}{} ", t, p.str(st.unit), mark);
    }
    out.push_str(header.trim_matches([' ', '\t', '\n', '\r']));
    out.push('\n');
    for s in p.samples.iter() {
        for v in s.values {
            let _ = write!(out, " {v:>10}");
        }
        out.push_str(": ");
        for l in s.locs {
            let _ = write!(out, "{} ", p.location(*l).id);
        }
        out.push('\n');
        let (strs, nums) = labels(p, s.labels);
        if !strs.is_empty() {
            let _ = writeln!(out, "                {strs}");
        }
        if !nums.is_empty() {
            let _ = writeln!(out, "                {nums}");
        }
    }
    out.push_str("Locations\n");
    for l in &p.locations {
        let mut head = format!("{:>6}: {:#x} ", l.id, l.address);
        if let Some(m) = l.mapping {
            let _ = write!(head, "M={} ", p.mapping(m).id);
        }
        if l.is_folded {
            head.push_str("[F] ");
        }
        let lines = p.lines_of(l);
        if lines.is_empty() {
            out.push_str(&head);
            out.push('\n');
        }
        for line in lines {
            let f = p.function(line.function);
            let (name, sys) = (p.str(f.name), p.str(f.system_name));
            let _ = write!(
                out,
                "{head}{} {}:{}:{} s={}",
                name,
                p.str(f.filename),
                line.line,
                line.column,
                f.start_line
            );
            if name != sys {
                let _ = write!(out, "({sys})");
            }
            out.push('\n');
            head = " ".repeat(13);
        }
    }
    out.push_str("Mappings\n");
    for m in &p.mappings {
        let mut bits = String::new();
        for (on, b) in [
            (m.has_functions, "[FN]"),
            (m.has_filenames, "[FL]"),
            (m.has_line_numbers, "[LN]"),
            (m.has_inline_frames, "[IN]"),
        ] {
            if on {
                bits.push_str(b);
            }
        }
        let _ = writeln!(
            out,
            "{}: {:#x}/{:#x}/{:#x} {} {} {}",
            m.id,
            m.memory_start,
            m.memory_limit,
            m.file_offset,
            p.str(m.filename),
            p.str(m.build_id),
            bits
        );
    }
    out
}

/// A sample's string and numeric labels as pprof prints them: `key:[v w]`
/// per key (values in file order), keys sorted by the whole string.
fn labels(p: &Profile, labels: &[Label]) -> (String, String) {
    // Keys in first-seen order, each with its values (and units).
    let mut strs: Vec<(&str, Vec<&str>)> = Vec::new();
    let mut nums: Vec<(&str, Vec<i64>, Vec<&str>)> = Vec::new();
    for l in labels {
        let key = p.str(l.key);
        if l.str.0 != 0 {
            match strs.iter_mut().find(|(k, _)| *k == key) {
                Some((_, v)) => v.push(p.str(l.str)),
                None => strs.push((key, vec![p.str(l.str)])),
            }
        } else {
            // (The decoder already left out pprof's empty labels; legacy
            // parsers keep `bytes:[0]`, as pprof's do.)
            let i = match nums.iter().position(|(k, _, _)| *k == key) {
                Some(i) => i,
                None => {
                    nums.push((key, Vec::new(), Vec::new()));
                    nums.len() - 1
                }
            };
            let (_, vals, units) = &mut nums[i];
            if l.num_unit.0 != 0 {
                // pprof pads the units seen so far to the values seen so far.
                while units.len() < vals.len() {
                    units.push("");
                }
                units.push(p.str(l.num_unit));
            }
            vals.push(l.num);
        }
    }
    let mut s: Vec<String> = strs
        .iter()
        .map(|(k, v)| format!("{k}:[{}]", v.join(" ")))
        .collect();
    s.sort();
    let mut n: Vec<String> = nums
        .iter_mut()
        .map(|(k, v, units)| {
            if !units.is_empty() {
                while units.len() < v.len() {
                    units.push("");
                }
            }
            let vals: Vec<String> = if units.len() == v.len() && !units.is_empty() {
                v.iter()
                    .zip(units.iter())
                    .map(|(x, u)| format!("{x} {u}"))
                    .collect()
            } else {
                v.iter().map(|x| x.to_string()).collect()
            };
            format!("{k}:[{}]", vals.join(" "))
        })
        .collect();
    n.sort();
    (s.join(" "), n.join(" "))
}

/// Go's `time.Time.String()` for `time.Unix(0, nanos)` in the local zone:
/// `2006-01-02 15:04:05.999999999 -0700 MST`.
pub fn go_time(nanos: i64) -> String {
    let Ok(ts) = jiff::Timestamp::from_nanosecond(i128::from(nanos)) else {
        return nanos.to_string();
    };
    let z = ts.to_zoned(jiff::tz::TimeZone::system());
    let mut s = z.strftime("%Y-%m-%d %H:%M:%S").to_string();
    let frac = z.subsec_nanosecond();
    if frac != 0 {
        let f = format!("{frac:09}");
        s.push('.');
        s.push_str(f.trim_end_matches('0'));
    }
    s.push_str(&z.strftime(" %z %Z").to_string());
    s
}

/// Go's `time.Duration.String()`: `1h2m3.5s`, `1.5ms`, `0s`.
pub fn go_duration(d: i64) -> String {
    if d == 0 {
        return "0s".into();
    }
    let neg = d < 0;
    let u = d.unsigned_abs();
    let frac = |v: u64, digits: u32| -> String {
        // v / 10^digits with trailing zeros (and the dot) removed.
        let p = 10u64.pow(digits);
        let (i, f) = (v / p, v % p);
        if f == 0 {
            return i.to_string();
        }
        let fs = format!("{f:0width$}", width = digits as usize);
        format!("{i}.{}", fs.trim_end_matches('0'))
    };
    let s = if u < 1_000 {
        format!("{u}ns")
    } else if u < 1_000_000 {
        format!("{}µs", frac(u, 3))
    } else if u < 1_000_000_000 {
        format!("{}ms", frac(u, 6))
    } else {
        let secs = frac(u % 60_000_000_000, 9);
        let mins_total = u / 60_000_000_000;
        if mins_total == 0 {
            format!("{secs}s")
        } else {
            let (h, m) = (mins_total / 60, mins_total % 60);
            if h == 0 {
                format!("{m}m{secs}s")
            } else {
                format!("{h}h{m}m{secs}s")
            }
        }
    };
    if neg { format!("-{s}") } else { s }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_as_go_prints_them() {
        assert_eq!(go_duration(0), "0s");
        assert_eq!(go_duration(999), "999ns");
        assert_eq!(go_duration(1_500), "1.5µs");
        assert_eq!(go_duration(10_000_000_000), "10s");
        assert_eq!(go_duration(10_500_000_000), "10.5s");
        assert_eq!(go_duration(61_000_000_000), "1m1s");
        assert_eq!(go_duration(3_600_000_000_000), "1h0m0s");
        assert_eq!(go_duration(-2_000_000), "-2ms");
    }
}
