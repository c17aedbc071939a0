//! Units, scaling and the formatting of numbers and percentages, identical
//! to pprof's `internal/measurement`.
//!
//! pprof knows three unit families (memory, time, GCU). A value in a known
//! unit can be printed in another unit of its family, or auto-scaled to the
//! largest unit in which it is at least 1. Values in unknown units (such as
//! `count`) print as plain numbers. Numbers use Go's `%.2f` with a trailing
//! `.00` removed; percentages use `%5.2f` above 1% and C-style `%5.2g`
//! below, which is emulated here.

struct Unit {
    name: &'static str,
    aliases: &'static [&'static str],
    factor: f64,
}

struct UnitType {
    units: &'static [Unit],
    default: &'static Unit,
}

const MEMORY_UNITS: &[Unit] = &[
    Unit {
        name: "B",
        aliases: &["b", "byte"],
        factor: 1.0,
    },
    Unit {
        name: "kB",
        aliases: &["kb", "kbyte", "kilobyte"],
        factor: (1u64 << 10) as f64,
    },
    Unit {
        name: "MB",
        aliases: &["mb", "mbyte", "megabyte"],
        factor: (1u64 << 20) as f64,
    },
    Unit {
        name: "GB",
        aliases: &["gb", "gbyte", "gigabyte"],
        factor: (1u64 << 30) as f64,
    },
    Unit {
        name: "TB",
        aliases: &["tb", "tbyte", "terabyte"],
        factor: (1u64 << 40) as f64,
    },
    Unit {
        name: "PB",
        aliases: &["pb", "pbyte", "petabyte"],
        factor: (1u64 << 50) as f64,
    },
];
const MEMORY_DEFAULT: Unit = Unit {
    name: "B",
    aliases: &["b", "byte"],
    factor: 1.0,
};

const TIME_UNITS: &[Unit] = &[
    Unit {
        name: "ns",
        aliases: &["ns", "nanosecond"],
        factor: 1.0,
    },
    Unit {
        name: "us",
        aliases: &["μs", "us", "microsecond"],
        factor: 1e3,
    },
    Unit {
        name: "ms",
        aliases: &["ms", "millisecond"],
        factor: 1e6,
    },
    Unit {
        name: "s",
        aliases: &["s", "sec", "second"],
        factor: 1e9,
    },
    Unit {
        name: "hrs",
        aliases: &["hour", "hr"],
        factor: 3600e9,
    },
];
const TIME_DEFAULT: Unit = Unit {
    name: "s",
    aliases: &[],
    factor: 1e9,
};

const GCU_UNITS: &[Unit] = &[
    Unit {
        name: "n*GCU",
        aliases: &["nanogcu"],
        factor: 1e-9,
    },
    Unit {
        name: "u*GCU",
        aliases: &["microgcu"],
        factor: 1e-6,
    },
    Unit {
        name: "m*GCU",
        aliases: &["milligcu"],
        factor: 1e-3,
    },
    Unit {
        name: "GCU",
        aliases: &["gcu"],
        factor: 1.0,
    },
    Unit {
        name: "k*GCU",
        aliases: &["kilogcu"],
        factor: 1e3,
    },
    Unit {
        name: "M*GCU",
        aliases: &["megagcu"],
        factor: 1e6,
    },
    Unit {
        name: "G*GCU",
        aliases: &["gigagcu"],
        factor: 1e9,
    },
    Unit {
        name: "T*GCU",
        aliases: &["teragcu"],
        factor: 1e12,
    },
    Unit {
        name: "P*GCU",
        aliases: &["petagcu"],
        factor: 1e15,
    },
];
const GCU_DEFAULT: Unit = Unit {
    name: "GCU",
    aliases: &[],
    factor: 1.0,
};

const UNIT_TYPES: &[UnitType] = &[
    UnitType {
        units: MEMORY_UNITS,
        default: &MEMORY_DEFAULT,
    },
    UnitType {
        units: TIME_UNITS,
        default: &TIME_DEFAULT,
    },
    UnitType {
        units: GCU_UNITS,
        default: &GCU_DEFAULT,
    },
];

impl UnitType {
    /// Lower-cases and drops one trailing `s` (for names longer than two
    /// characters), then looks the alias up.
    fn sniff(&self, unit: &str) -> Option<&'static Unit> {
        let lower = unit.to_lowercase();
        let u = if lower.chars().count() > 2 {
            lower.strip_suffix('s').unwrap_or(&lower)
        } else {
            &lower
        };
        self.units.iter().find(|x| x.aliases.contains(&u))
    }

    fn auto_scale(&self, v: f64) -> Option<(f64, &'static str)> {
        let mut f = 0.0;
        let mut name = "";
        for u in self.units {
            if u.factor >= f && v / u.factor >= 1.0 {
                f = u.factor;
                name = u.name;
            }
        }
        if f == 0.0 { None } else { Some((v / f, name)) }
    }

    fn convert(&self, value: i64, from: &str, to: &str) -> Option<(f64, String)> {
        let fu = self.sniff(from)?;
        let v = value as f64 * fu.factor;
        if to == "minimum" || to == "auto" {
            if let Some((v, u)) = self.auto_scale(v) {
                return Some((v, u.to_string()));
            }
            return Some((v / self.default.factor, self.default.name.to_string()));
        }
        match self.sniff(to) {
            Some(tu) => Some((v / tu.factor, tu.name.to_string())),
            None => Some((v / self.default.factor, self.default.name.to_string())),
        }
    }
}

/// Converts `value` from unit `from` to unit `to` ("minimum" and "auto"
/// auto-scale). Returns the scaled value and the unit to print, which is
/// empty for uninteresting units such as counts.
pub fn scale(value: i64, from: &str, to: &str) -> (f64, String) {
    if value < 0 && value != i64::MIN {
        let (v, u) = scale(-value, from, to);
        return (-v, u);
    }
    for ut in UNIT_TYPES {
        if let Some(r) = ut.convert(value, from, to) {
            return r;
        }
    }
    match to {
        "count" | "sample" | "unit" | "minimum" | "auto" => (value as f64, String::new()),
        _ => (value as f64, to.to_string()),
    }
}

/// `value` in unit `from`, printed in unit `to`: `%.2f` without a trailing
/// `.00`, followed by the unit; a zero prints as `0`.
pub fn scaled_label(value: i64, from: &str, to: &str) -> String {
    let (v, u) = scale(value, from, to);
    let s = format!("{v:.2}");
    let s = s.strip_suffix(".00").unwrap_or(&s);
    if s == "0" || s == "-0" {
        return "0".to_string();
    }
    format!("{s}{u}")
}

/// `value` auto-scaled in its own family (pprof's `measurement.Label`).
pub fn label(value: i64, unit: &str) -> String {
    scaled_label(value, unit, "auto")
}

/// True if `unit` belongs to one of the known unit families.
pub fn is_known_unit(unit: &str) -> bool {
    UNIT_TYPES.iter().any(|ut| ut.sniff(unit).is_some())
}

/// `s` (trimmed) split where its leading number (digits and `.`) ends:
/// `"1.5MB"` is `("1.5", "MB")`.
pub fn number_and_unit(s: &str) -> (&str, &str) {
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    t.split_at(split)
}

/// Parses a size: a plain number of bytes, or a number with B, kB/KiB,
/// MB/MiB, GB/GiB, TB/TiB (all powers of 1024, as pprof's units). Used
/// by `check`'s sizes and `--max-input-size`.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let (num, unit) = number_and_unit(s);
    let num: f64 = num
        .parse()
        .map_err(|_| format!("{s:?} is not a size (examples: 1048576, 512kB, 2GiB)"))?;
    let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        "t" | "tb" | "tib" => 1 << 40,
        _ => {
            return Err(format!(
                "{s:?}: unknown size unit {unit:?} (use B, kB, MB, GB, KiB, MiB, GiB)"
            ));
        }
    };
    let v = num * mult as f64;
    if !v.is_finite() || v < 0.0 || v > u64::MAX as f64 {
        return Err(format!("{s:?} is out of range"));
    }
    Ok(v as u64)
}

/// Parses an output unit (`--unit`): `minimum`, `auto`, any unit pprof
/// knows (B, kB, MB, GB, TB, ns, ms, s, ...; case-insensitive, as pprof),
/// or the binary spellings KiB, MiB, GiB, TiB, which name pprof's kB, MB,
/// GB, TB (all powers of 1024, as the sizes of `check`). The value returned
/// is what pprof's `-unit` would be given, so the output stays pprof's.
pub fn parse_output_unit(s: &str) -> Result<String, String> {
    let t = s.trim();
    if t == "minimum" || t == "auto" {
        return Ok(t.to_string());
    }
    let binary = match t.to_ascii_lowercase().as_str() {
        "kib" => Some("kB"),
        "mib" => Some("MB"),
        "gib" => Some("GB"),
        "tib" => Some("TB"),
        "pib" => Some("PB"),
        _ => None,
    };
    if let Some(u) = binary {
        return Ok(u.to_string());
    }
    if is_known_unit(t) {
        return Ok(t.to_string());
    }
    Err(format!(
        "unknown unit {s:?}: use minimum, auto, B, kB, MB, GB, TB (KiB, MiB, GiB \
         are the same), or a time unit (ns, us, ms, s, hrs)"
    ))
}

/// The percentage of `value` in `total`, as pprof prints it: `  100%` near
/// 100, `%5.2f%%` from 1% up, `%5.2g%%` below.
pub fn percentage(value: i64, total: i64) -> String {
    let ratio = if total != 0 {
        (value as f64 / total as f64).abs() * 100.0
    } else {
        0.0
    };
    if (99.95..=100.05).contains(&ratio) {
        "  100%".to_string()
    } else if ratio >= 1.0 {
        format!("{ratio:5.2}%")
    } else {
        format!("{:>5}%", format_g(ratio, 2))
    }
}

/// Go's `%.{prec}g` (strconv 'g' with an explicit precision): `prec`
/// significant digits, trailing zeros dropped, exponent form when the
/// exponent is below -4 or at least `prec`.
pub fn format_g(v: f64, prec: usize) -> String {
    if v == 0.0 {
        return "0".to_string();
    }
    if !v.is_finite() {
        return if v.is_nan() {
            "NaN".into()
        } else if v > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    let prec = prec.max(1);
    // Correctly rounded digits and exponent.
    let e = format!("{:.*e}", prec - 1, v);
    let (mant, exp) = e.split_once('e').expect("exponent");
    let exp: i32 = exp.parse().expect("exponent number");
    let neg = mant.starts_with('-');
    let digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    let digits = digits.trim_end_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    let nd = digits.len() as i32;
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    if exp < -4 || exp >= prec as i32 {
        out.push_str(&digits[..1]);
        if nd > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        out.push_str(&format!("{:02}", exp.abs()));
    } else if exp < 0 {
        out.push_str("0.");
        for _ in 0..(-exp - 1) {
            out.push('0');
        }
        out.push_str(digits);
    } else {
        let int_len = (exp + 1) as usize;
        if digits.len() <= int_len {
            out.push_str(digits);
            for _ in digits.len()..int_len {
                out.push('0');
            }
        } else {
            out.push_str(&digits[..int_len]);
            out.push('.');
            out.push_str(&digits[int_len..]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaled_labels_match_pprof() {
        assert_eq!(scaled_label(1536 * 1024, "bytes", "minimum"), "1.50MB");
        assert_eq!(scaled_label(16 * 1024, "bytes", "kB"), "16kB");
        assert_eq!(scaled_label(1572864, "bytes", "MB"), "1.50MB");
        assert_eq!(scaled_label(1572864, "bytes", "B"), "1572864B");
        assert_eq!(scaled_label(0, "bytes", "MB"), "0");
        assert_eq!(scaled_label(-40 * 1024, "bytes", "kB"), "-40kB");
        assert_eq!(scaled_label(1, "bytes", "MB"), "0");
        assert_eq!(scaled_label(576, "count", "kb"), "576kb");
        assert_eq!(scaled_label(576, "count", "count"), "576");
        assert_eq!(scaled_label(576, "count", "minimum"), "576");
        assert_eq!(scaled_label(2_000_000_000, "nanoseconds", "auto"), "2s");
        // kilobytes sniffed: lower-cased, trailing s dropped.
        assert_eq!(scaled_label(2, "Kilobytes", "B"), "2048B");
        // Ties round to even, like Go's %.2f on the exact binary value.
        assert_eq!(scaled_label(1127, "bytes", "kB"), "1.10kB");
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("1024"), Ok(1024));
        assert_eq!(parse_size("2GiB"), Ok(2 << 30));
        assert_eq!(parse_size("512kB"), Ok(512 << 10));
        assert_eq!(parse_size("1.5MB"), Ok(3 << 19));
        assert!(parse_size("12 parsecs").is_err());
        assert!(parse_size("").is_err());
    }

    #[test]
    fn output_units() {
        assert_eq!(parse_output_unit("minimum").unwrap(), "minimum");
        assert_eq!(parse_output_unit("auto").unwrap(), "auto");
        assert_eq!(parse_output_unit("MiB").unwrap(), "MB");
        assert_eq!(parse_output_unit("KiB").unwrap(), "kB");
        assert_eq!(parse_output_unit("GiB").unwrap(), "GB");
        // pprof's own names pass through unchanged.
        for u in ["B", "kB", "MB", "GB", "mb", "bytes", "ms", "s"] {
            assert_eq!(parse_output_unit(u).unwrap(), u);
        }
        assert!(parse_output_unit("parsecs").is_err());
        assert!(parse_output_unit("").is_err());
    }

    #[test]
    fn auto_scale_edges() {
        assert_eq!(scale(1023, "bytes", "auto").1, "B");
        assert_eq!(scale(1024, "bytes", "auto").1, "kB");
        assert_eq!(scale(0, "bytes", "auto").1, "B");
        assert_eq!(scale(1 << 50, "bytes", "auto").1, "PB");
        assert_eq!(scale(5, "count", "auto").1, "");
    }

    #[test]
    fn percentages_match_pprof() {
        assert_eq!(percentage(1, 1), "  100%");
        assert_eq!(percentage(9995, 10000), "  100%");
        assert_eq!(percentage(10006, 10000), "100.06%");
        assert_eq!(percentage(103, 10000), " 1.03%");
        assert_eq!(percentage(1901, 1000), "190.10%");
        assert_eq!(percentage(-1536, 1600), "96.00%");
        assert_eq!(percentage(64, 100000), "0.064%");
        assert_eq!(percentage(6, 10000), " 0.06%");
        assert_eq!(percentage(7, 100000), "0.007%");
        assert_eq!(percentage(18, 10000000), "0.00018%");
        assert_eq!(percentage(12, 100000000), "1.2e-05%");
        assert_eq!(percentage(0, 100), "    0%");
        assert_eq!(percentage(5, 0), "    0%");
        // 0.995% rounds to 2 significant digits: "1".
        assert_eq!(percentage(995, 100000), "    1%");
    }

    #[test]
    fn format_g_matches_go() {
        assert_eq!(format_g(0.5, 2), "0.5");
        assert_eq!(format_g(0.064, 2), "0.064");
        assert_eq!(format_g(0.00018, 2), "0.00018");
        assert_eq!(format_g(0.000012, 2), "1.2e-05");
        assert_eq!(format_g(0.99, 2), "0.99");
        assert_eq!(format_g(12.0, 2), "12");
        assert_eq!(format_g(123.0, 2), "1.2e+02");
        assert_eq!(format_g(0.0001, 2), "0.0001");
        assert_eq!(format_g(0.00001, 2), "1e-05");
    }
}
