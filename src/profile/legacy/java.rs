//! Java heapz text (pprof's `parseJavaProfile`, heap flavour only):
//!
//! ```text
//! --- heapz 1 ---
//! format = java
//! resolution = bytes
//!      <bytes> <count> @ 0xID 0xID ...        (leaf first; note size first)
//! ...
//!  0xID function (File.java:line)              frame descriptions
//! ```
//!
//! Sample types are `inuse_objects/count, inuse_space/<resolution>`, with
//! no period. Values are un-sampled with pprof's Poisson rule at Java's
//! fixed 512 KiB rate, and each sample gets the `bytes` label (size/count).
//! Frame ids are not addresses (they are not decremented); each described
//! frame becomes a location with address 0 and one line, and locations with
//! the same frame are merged (pprof's `Aggregate` keeping functions, files
//! and lines). Frame lines shaped `function (path)` name a shared library:
//! the file is the path's base name; `generated stub/JIT` frames are named
//! `STUB`; anything else is taken whole as the function name.

use super::{LegacyFormat, add_frame_info, line_err, parse_addresses, scale_heap_sample};
use crate::profile::{
    Builder, DecodeError, FuncIdx, Function, Label, Line, LocIdx, Location, MapIdx, Mapping,
    Profile, Samples, StrIdx,
};
use regex::Regex;
use rustc_hash::FxHashMap;
use std::sync::LazyLock;

/// Java heapz samples are taken every 512 KiB on average.
const JAVA_HEAPZ_RATE: i64 = 524288;

static ATTRIBUTE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"([\w ]+)=([\w ]+)").expect("valid regex"));
static SAMPLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d+) +(\d+) +@(.*)$").expect("valid regex"));
static LOCATION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*0x([[:xdigit:]]+)\s+(.*)\s*$").expect("valid regex"));
static FILE_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(.*)\s+\((.+):(-?[[:digit:]]+)\)$").expect("valid regex"));
static PATH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(.*)\s+\((.*)\)$").expect("valid regex"));

/// A Java heapz profile; `None` when the first line is not `--- heapz 1 ---`.
pub fn parse(text: &str) -> Option<Result<Profile, DecodeError>> {
    if super::first_line(text).trim() != "--- heapz 1 ---" {
        return None;
    }
    Some(parse_heapz(text))
}

fn parse_heapz(text: &str) -> Result<Profile, DecodeError> {
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 1;
    let mut unit: Option<String> = None;
    // Attributes.
    while i < lines.len() {
        let line = lines[i].trim();
        if !line.is_empty() {
            let Some(c) = ATTRIBUTE.captures(line) else {
                break;
            };
            let (k, v) = (c[1].trim(), c[2].trim());
            match k {
                "format" if v == "java" => {}
                "format" => {
                    return Err(line_err(i + 1, format!("heapz format {v:?} is not java")));
                }
                "resolution" => unit = Some(v.to_string()),
                _ => return Err(line_err(i + 1, format!("unknown heapz attribute {k:?}"))),
            }
        }
        i += 1;
    }
    let unit = unit.ok_or_else(|| line_err(1, "heapz profile has no `resolution = UNIT` line"))?;
    // Samples.
    struct RawSample {
        locs: Vec<u32>,
        values: [i64; 2],
        bytes: i64,
    }
    let mut samples: Vec<RawSample> = Vec::new();
    let mut loc_of: FxHashMap<u64, u32> = FxHashMap::default();
    let mut loc_ids: Vec<u64> = Vec::new();
    let mut addrs = Vec::new();
    while i < lines.len() {
        let line = lines[i].trim();
        let lineno = i + 1;
        if !line.is_empty() {
            let Some(c) = SAMPLE.captures(line) else {
                break;
            };
            let num = |k: usize| {
                c[k].parse::<i64>()
                    .map_err(|_| line_err(lineno, format!("value {:?} is out of range", &c[k])))
            };
            let (size, count) = (num(1)?, num(2)?);
            if count == 0 {
                return Err(line_err(lineno, "heapz sample count must be non-zero"));
            }
            addrs.clear();
            parse_addresses(&c[3], lineno, &mut addrs)?;
            let locs = addrs
                .iter()
                .map(|&a| {
                    *loc_of.entry(a).or_insert_with(|| {
                        loc_ids.push(a);
                        loc_ids.len() as u32 - 1
                    })
                })
                .collect();
            let (n, s) = scale_heap_sample(count, size, JAVA_HEAPZ_RATE);
            samples.push(RawSample {
                locs,
                values: [n, s],
                bytes: size / count,
            });
        }
        i += 1;
    }
    // Frame descriptions: (function name, file, line) per frame id.
    let mut frames: FxHashMap<u32, (String, String, i64)> = FxHashMap::default();
    for (j, l) in lines.iter().enumerate().skip(i) {
        let line = l.trim();
        let Some(c) = LOCATION.captures(line) else {
            continue;
        };
        let id = u64::from_str_radix(&c[1], 16)
            .map_err(|_| line_err(j + 1, format!("frame id 0x{} is out of range", &c[1])))?;
        let Some(&li) = loc_of.get(&id) else {
            continue;
        };
        let desc = c[2].trim_end();
        let frame = if let Some(f) = FILE_LINE.captures(desc) {
            let n = f[3].parse::<i64>().ok().filter(|&n| n > 0).unwrap_or(0);
            (f[1].to_string(), f[2].to_string(), n)
        } else if let Some(f) = PATH.captures(desc) {
            let base = f[2].rsplit('/').next().unwrap_or("").to_string();
            (f[1].to_string(), base, 0)
        } else if desc.contains("generated stub/JIT") {
            ("STUB".to_string(), String::new(), 0)
        } else {
            (desc.to_string(), String::new(), 0)
        };
        frames.insert(li, frame);
    }

    // Build the model.
    let mut p = Builder::new();
    p.legacy_format = Some(LegacyFormat::JavaHeapz);
    for (t, u) in [("inuse_objects", "count"), ("inuse_space", unit.as_str())] {
        let vt = p.value_type(t, u);
        p.sample_types.push(vt);
    }
    let bytes_key = p.intern("bytes");
    let mut fn_of: FxHashMap<String, FuncIdx> = FxHashMap::default();
    let mut loc_by_line: FxHashMap<(FuncIdx, i64), LocIdx> = FxHashMap::default();
    let mut new_loc: Vec<Option<LocIdx>> = vec![None; loc_ids.len()];
    let mut fake: Option<MapIdx> = None;
    let mut out = Samples {
        stride: 2,
        ..Default::default()
    };
    let mut locs = Vec::new();
    for s in &samples {
        locs.clear();
        for &li in &s.locs {
            let l = match new_loc[li as usize] {
                Some(l) => l,
                None => {
                    let l = match frames.get(&li) {
                        Some((name, file, line)) => {
                            let f = match fn_of.get(name) {
                                Some(&f) => f,
                                None => {
                                    let n = p.intern(name);
                                    let fl = p.intern(file);
                                    let f = FuncIdx(p.functions.len() as u32);
                                    p.functions.push(Function {
                                        id: f.0 as u64 + 1,
                                        name: n,
                                        system_name: n,
                                        filename: fl,
                                        start_line: 0,
                                    });
                                    fn_of.insert(name.clone(), f);
                                    f
                                }
                            };
                            *loc_by_line.entry((f, *line)).or_insert_with(|| {
                                let start = p.lines.len() as u32;
                                p.lines.push(Line {
                                    function: f,
                                    line: *line,
                                    column: 0,
                                });
                                let id = p.locations.len() as u64 + 1;
                                p.locations.push(Location {
                                    id,
                                    lines_start: start,
                                    lines_end: start + 1,
                                    ..Default::default()
                                });
                                LocIdx(p.locations.len() as u32 - 1)
                            })
                        }
                        None => {
                            // An undescribed frame keeps its id as address,
                            // in pprof's fake mapping.
                            let m = *fake.get_or_insert_with(|| {
                                p.mappings.push(Mapping {
                                    id: 1,
                                    memory_limit: u64::MAX,
                                    ..Default::default()
                                });
                                MapIdx(0)
                            });
                            let id = p.locations.len() as u64 + 1;
                            p.locations.push(Location {
                                id,
                                mapping: Some(m),
                                address: loc_ids[li as usize],
                                ..Default::default()
                            });
                            LocIdx(p.locations.len() as u32 - 1)
                        }
                    };
                    new_loc[li as usize] = Some(l);
                    l
                }
            };
            locs.push(l);
        }
        let label = Label {
            key: bytes_key,
            str: StrIdx(0),
            num: s.bytes,
            num_unit: StrIdx(0),
        };
        out.push(&locs, &s.values, &[label]);
    }
    p.samples = out;
    add_frame_info(&mut p);
    Ok(p.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heapz() {
        let text = "\
--- heapz 1 ---
format = java
resolution = bytes
   1048576     2 @ 0x1 0x2
       100     1 @ 0x3 0x2

 0x1 com.x.A.f (A.java:10)
 0x2 com.x.Main.main (Main.java:3)
 0x3 com.x.A.f (A.java:10)
";
        let p = parse(text).unwrap().unwrap();
        assert_eq!(p.sample_type_unit(1), "bytes");
        assert_eq!(p.functions.len(), 2);
        assert_eq!(p.locations.len(), 2, "0x1 and 0x3 are the same frame");
        assert_eq!(p.samples.get(1).locs, &[LocIdx(0), LocIdx(1)]);
        let (n, s) = scale_heap_sample(2, 1048576, 524288);
        assert_eq!(p.samples.get(0).values, &[n, s]);
        let e = parse("--- heapz 1 ---\nformat = java\n")
            .unwrap()
            .unwrap_err();
        assert!(e.to_string().contains("resolution"), "{e}");
    }
}
