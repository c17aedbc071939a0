//! The memory map section of legacy profiles (`MAPPED_LIBRARIES:` or
//! `--- Memory map: ---`, then `/proc/self/maps` lines) -> Mappings, with
//! pprof's heuristics:
//!
//! - lines are `/proc/<pid>/maps` entries (`start-end perms offset dev inode
//!   path`) or the brief form (`start-end [perms] path [(@offset)]
//!   [buildid]`); a glog prefix (`file.cc:12] `) is stripped and `attr=value`
//!   lines define `$attr` substitutions for the lines after them;
//! - entries whose permissions lack `x` are dropped;
//! - adjacent pieces of one file are merged (`massageMappings`), and the
//!   first mapping that is not a shared library (`.so`) nor a `[pseudo]`
//!   entry moves to the front: it is the main binary;
//! - `remapMappingIDs`: a leading `/anon_hugepage` piece adjacent to the
//!   next one is dropped; a main mapping whose start minus offset is
//!   0x400000 is rebased to 0x400000; each location takes the mapping that
//!   contains it, else one whose `[start-offset, start)` contains it (that
//!   mapping is then extended down to `start-offset`), else a single fake
//!   mapping `[0, 2^64-1)` (the normal case for Go text, which has no map).
//!
//! pprof ignores map lines it cannot read; heapscope reports them with
//! their line number instead (blank and `#` lines excepted).

use super::line_err;
use crate::profile::DecodeError;
use regex::Regex;
use rustc_hash::FxHashMap;
use std::sync::LazyLock;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RawMapping {
    pub start: u64,
    pub limit: u64,
    pub offset: u64,
    pub file: String,
    pub build_id: String,
}

const HEX_RANGE: &str = r"^\s*(?:0x)?([[:xdigit:]]+)[\s-]?\s*(?:0x)?([[:xdigit:]]+):?";
const PERM: &str = r"(?:\s+([-rwxp]+))?";

static PROC_MAPS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"{HEX_RANGE}{PERM}(?:\s+([[:xdigit:]]+))?\s+[[:xdigit:]]+:[[:xdigit:]]+\s+[[:digit:]]+(?:\s+(\S+))?"
    ))
    .expect("valid regex")
});
static BRIEF_MAPS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"{HEX_RANGE}{PERM}(?:\s+(\S+))?(?:\s+\(@([[:xdigit:]]+)\))?(?:\s+([[:xdigit:]]+))?"
    ))
    .expect("valid regex")
});
static LOG_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[^\[\]]+:[0-9]+\]\s").expect("valid regex"));

/// Parses the map lines; `first_lineno` is the 1-based number of the first.
pub fn parse<'a>(
    lines: impl Iterator<Item = &'a str>,
    first_lineno: usize,
) -> Result<Vec<RawMapping>, DecodeError> {
    let mut out = Vec::new();
    let mut attrs = Attrs::default();
    for (i, raw) in lines.enumerate() {
        let lineno = first_lineno + i;
        let raw = raw.trim_end_matches('\r');
        let stripped = match LOG_PREFIX.find(raw) {
            Some(m) => &raw[m.end()..],
            None => raw,
        };
        let line = attrs.substitute(stripped);
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        match entry(&line) {
            Ok(Some(m)) => out.push(m),
            Ok(None) => {}
            Err(why) => {
                if let Some((k, v)) = line.split_once('=') {
                    if why.is_none() {
                        attrs.define(format!("${}", k.trim()), v.trim().to_string());
                        continue;
                    }
                }
                let why = why.unwrap_or_else(|| "not a memory map entry".into());
                return Err(line_err(
                    lineno,
                    format!("bad memory map line {t:?}: {why}"),
                ));
            }
        }
    }
    Ok(out)
}

/// The `name=value` attributes of a memory map section, applied to the
/// lines after them as `$name`.
#[derive(Default)]
struct Attrs {
    /// `$name` -> (order of definition, value). A later definition of the
    /// same name never wins (the earlier one matches first), so only the
    /// first is kept.
    first: FxHashMap<String, (usize, String)>,
    /// The distinct key lengths, ascending.
    lens: Vec<usize>,
}

impl Attrs {
    fn define(&mut self, key: String, value: String) {
        let order = self.first.len();
        let len = key.len();
        if let std::collections::hash_map::Entry::Vacant(e) = self.first.entry(key) {
            e.insert((order, value));
            if let Err(i) = self.lens.binary_search(&len) {
                self.lens.insert(i, len);
            }
        }
    }

    /// Replaces `$name` with its value, the first defined name winning at
    /// each position (Go's `strings.NewReplacer`, which pprof rebuilds for
    /// each line). Only `$` positions are tried, each with one lookup per
    /// distinct key length: a hostile section of thousands of attributes
    /// and `$`s stays near-linear (fuzzing found the scan of every
    /// attribute at every byte taking seconds).
    fn substitute(&self, line: &str) -> String {
        if self.first.is_empty() || !line.contains('$') {
            return line.to_string();
        }
        let mut out = String::with_capacity(line.len());
        let mut rest = line;
        while let Some(p) = rest.find('$') {
            out.push_str(&rest[..p]);
            rest = &rest[p..];
            let hit = self
                .lens
                .iter()
                .take_while(|&&l| l <= rest.len())
                .filter_map(|&l| self.first.get_key_value(rest.get(..l)?))
                .min_by_key(|(_, (order, _))| *order);
            match hit {
                Some((k, (_, v))) => {
                    out.push_str(v);
                    rest = &rest[k.len()..];
                }
                None => {
                    out.push('$');
                    rest = &rest[1..];
                }
            }
        }
        out.push_str(rest);
        out
    }
}

/// One map line: `Ok(None)` for a non-executable entry, `Err(None)` when
/// the line is not a map entry, `Err(Some(why))` when it is one but broken.
fn entry(l: &str) -> Result<Option<RawMapping>, Option<String>> {
    let (start, end, perm, offset, file, build_id);
    if let Some(c) = PROC_MAPS.captures(l) {
        start = c.get(1).map_or("", |m| m.as_str());
        end = c.get(2).map_or("", |m| m.as_str());
        perm = c.get(3).map_or("", |m| m.as_str());
        offset = c.get(4).map_or("", |m| m.as_str());
        file = c.get(5).map_or("", |m| m.as_str());
        build_id = "";
    } else if let Some(c) = BRIEF_MAPS.captures(l) {
        start = c.get(1).map_or("", |m| m.as_str());
        end = c.get(2).map_or("", |m| m.as_str());
        perm = c.get(3).map_or("", |m| m.as_str());
        file = c.get(4).map_or("", |m| m.as_str());
        offset = c.get(5).map_or("", |m| m.as_str());
        build_id = c.get(6).map_or("", |m| m.as_str());
    } else {
        return Err(None);
    }
    if !perm.is_empty() && !perm.contains('x') {
        return Ok(None);
    }
    let hex = |s: &str, what: &str| {
        u64::from_str_radix(s, 16)
            .map_err(|_| Some(format!("{what} {s:?} is not a 64-bit hex number")))
    };
    let mut m = RawMapping {
        start: hex(start, "start")?,
        limit: hex(end, "end")?,
        file: file.to_string(),
        build_id: build_id.to_string(),
        ..Default::default()
    };
    if !offset.is_empty() {
        m.offset = hex(offset, "offset")?;
    }
    // pprof takes such a range as it is; every later step assumes
    // start <= end, so it is refused here.
    if m.limit < m.start {
        return Err(Some(format!("end {end} is below start {start}")));
    }
    Ok(Some(m))
}

fn adjacent(a: &RawMapping, b: &RawMapping) -> bool {
    if !a.file.is_empty() && !b.file.is_empty() && a.file != b.file {
        return false;
    }
    if !a.build_id.is_empty() && !b.build_id.is_empty() && a.build_id != b.build_id {
        return false;
    }
    if a.limit != b.start {
        return false;
    }
    if a.offset != 0 && b.offset != 0 && a.offset.wrapping_add(a.limit - a.start) != b.offset {
        return false;
    }
    true
}

fn is_library(file: &str) -> bool {
    static LIB: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"([.]so$|[.]so[._][0-9]+)").expect("valid regex"));
    LIB.is_match(file)
}

/// pprof's `massageMappings`: merge adjacent pieces, main binary first.
fn massage(ms: Vec<RawMapping>) -> Vec<RawMapping> {
    let mut out: Vec<RawMapping> = Vec::with_capacity(ms.len());
    for m in ms {
        if let Some(last) = out.last_mut() {
            if adjacent(last, &m) {
                last.limit = m.limit;
                if !m.file.is_empty() {
                    last.file = m.file;
                }
                if !m.build_id.is_empty() {
                    last.build_id = m.build_id;
                }
                continue;
            }
        }
        out.push(m);
    }
    let main = out.iter().position(|m| {
        let f = m.file.replace("(deleted)", "");
        let f = f.trim();
        !f.is_empty() && !is_library(f) && !f.starts_with('[')
    });
    if let Some(i) = main {
        out.swap(0, i);
    }
    out
}

/// Massages `maps` and assigns each location address a mapping index
/// (`None` for address 0, which pprof leaves unmapped). May append the
/// fake mapping.
pub fn assign(maps: Vec<RawMapping>, addrs: &[u64]) -> (Vec<RawMapping>, Vec<Option<usize>>) {
    let mut ms = massage(maps);
    if ms.len() > 1 && ms[0].file.starts_with("/anon_hugepage") && ms[0].limit == ms[1].start {
        ms.remove(0);
    }
    if let Some(m) = ms.first_mut() {
        if m.start.wrapping_sub(m.offset) == 0x400000 {
            m.start = 0x400000;
            m.offset = 0;
        }
    }
    let mut fake: Option<usize> = None;
    let mut out = Vec::with_capacity(addrs.len());
    for &a in addrs {
        if a == 0 {
            out.push(None);
            continue;
        }
        if let Some(i) = ms.iter().position(|m| m.start <= a && a < m.limit) {
            out.push(Some(i));
            continue;
        }
        if let Some(i) = ms
            .iter()
            .position(|m| m.offset != 0 && m.start.wrapping_sub(m.offset) <= a && a < m.start)
        {
            ms[i].start = ms[i].start.wrapping_sub(ms[i].offset);
            ms[i].offset = 0;
            out.push(Some(i));
            continue;
        }
        let f = *fake.get_or_insert_with(|| {
            ms.push(RawMapping {
                limit: u64::MAX,
                ..Default::default()
            });
            ms.len() - 1
        });
        out.push(Some(f));
    }
    (ms, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proc_maps_lines() {
        let text = "\
5564aeb86000-5564aeb88000 r--p 00000000 00:00 10100871    /bin/demo
5564aeb88000-5564aeb8b000 r-xp 00002000 00:00 10100871    /bin/demo
7f9d07899000-7f9d0799a000 r-xp 00099000 00:00 326801      /usr/lib/libstdc++.so.6.0.30
7f9d0799a000-7f9d079a0000 r-xp 0019a000 00:00 326801      /usr/lib/libstdc++.so.6.0.30
";
        let ms = parse(text.lines(), 1).unwrap();
        assert_eq!(ms.len(), 3);
        let (ms, a) = assign(ms, &[0x5564aeb88100, 0x7f9d0799b000, 0x10]);
        assert_eq!(ms.len(), 3, "{ms:?}"); // demo, merged libstdc++, fake
        assert_eq!(ms[0].file, "/bin/demo");
        assert_eq!(ms[1].limit, 0x7f9d079a0000);
        assert_eq!(a, vec![Some(0), Some(1), Some(2)]);
        assert_eq!(ms[2].limit, u64::MAX);
    }

    #[test]
    fn main_binary_moves_first_and_rebases() {
        let text = "\
7f00000000-7f00001000 r-xp 00000000 00:00 1 /lib/libc.so.6
00401000-00402000 r-xp 00001000 00:00 2 /bin/app
";
        let (ms, a) = assign(parse(text.lines(), 1).unwrap(), &[0x400100]);
        assert_eq!(ms[0].file, "/bin/app");
        assert_eq!((ms[0].start, ms[0].offset), (0x400000, 0));
        assert_eq!(a, vec![Some(0)]);
    }

    #[test]
    fn attributes_first_defined_wins_as_go_replacer() {
        let mut a = Attrs::default();
        a.define("$a".into(), "1".into());
        a.define("$ab".into(), "2".into());
        a.define("$a".into(), "9".into()); // a redefinition never wins
        assert_eq!(a.substitute("x$ab$a$$c\u{e9}$"), "x1b1$$c\u{e9}$");
        let mut b = Attrs::default();
        b.define("$ab".into(), "2".into());
        b.define("$a".into(), "1".into());
        assert_eq!(b.substitute("$ab$a"), "21");
    }

    #[test]
    fn brief_form_attrs_and_glog_prefix() {
        let text = "\
build=abc123
I0101 12:00:00.000 main.cc:42] 0x1000-0x2000 /bin/x (@100) $build
";
        let ms = parse(text.lines(), 1).unwrap();
        assert_eq!(ms.len(), 1);
        assert_eq!(ms[0].offset, 0x100);
        assert_eq!(ms[0].build_id, "abc123");
    }

    #[test]
    fn bad_line_names_its_number() {
        let e = parse("1000-2000 r-xp 0 00:00 1 /x\nnot a map\n".lines(), 40).unwrap_err();
        assert!(e.to_string().contains("line 41"), "{e}");
    }
}
