//! Legacy text heap profiles -> [`Profile`]: the formats pprof reads besides
//! profile.proto (Go `debug=1` heap text, gperftools/tcmalloc heap, growth
//! and fragmentation profiles), plus jemalloc's own `heap_v2` dump, which
//! pprof rejects and only jeprof reads.
//!
//! Each format has its own file; they share `RawLegacy`, the parsed
//! samples before the model is built, and [`maps`], the memory map section
//! that becomes Mappings. [`parse`] tries the formats in pprof's order
//! (`parseLegacy`: heap text first, Java heapz last), jemalloc after them.
//!
//! Building the model follows pprof's legacy path: stack addresses are
//! decremented by one (return address -> call instruction), locations are
//! deduplicated per address in order of first use, mappings are massaged
//! (adjacent pieces merged, main binary first) and each location is
//! assigned a mapping (or a single fake mapping spanning the address space),
//! and heap profiles get pprof's `drop_frames`/`keep_frames` expressions.
//!
//! Errors name the line: `line 7: ...`. A file whose first line matches no
//! format is "not a profile"; a recognized header followed by a bad line is
//! an error, never a silently shortened profile.

pub mod go_heap;
pub mod java;
pub mod jemalloc;
pub mod maps;
pub mod tcmalloc;

use super::{Builder, DecodeError, Label, LocIdx, Location, MapIdx, Mapping, Profile, Samples};
use rustc_hash::FxHashMap;

/// Which text format a profile was read from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LegacyFormat {
    /// Go `/debug/pprof/heap?debug=1` (`@ heap/RATE`).
    GoHeap,
    /// gperftools / tcmalloc heap profile (`@ heapprofile`, `@ heap_v2/R`,
    /// `@ heapz_v2/R`).
    #[default]
    TcmallocHeap,
    /// tcmalloc growth profile (`@ growthz`, `@ growth`).
    TcmallocGrowth,
    /// tcmalloc fragmentation profile (`@ fragmentationz`).
    TcmallocFragmentation,
    /// jemalloc `prof.dump` (`heap_v2/RATE` with `t*:` lines).
    JemallocHeap,
    /// Java heapz text (`--- heapz 1 ---`).
    JavaHeapz,
}

impl LegacyFormat {
    /// A short name for `heapscope info`.
    pub fn name(self) -> &'static str {
        match self {
            LegacyFormat::GoHeap => "go-heap-text (debug=1)",
            LegacyFormat::TcmallocHeap => "gperftools-heap",
            LegacyFormat::TcmallocGrowth => "gperftools-growth",
            LegacyFormat::TcmallocFragmentation => "gperftools-fragmentation",
            LegacyFormat::JemallocHeap => "jemalloc-heap_v2",
            LegacyFormat::JavaHeapz => "java-heapz",
        }
    }
}

/// pprof's `allocRxStr`: allocator frames dropped from heap profiles
/// (anchored `^(...)$` when applied).
pub const ALLOC_DROP_FRAMES: &str = concat!(
    "calloc|cfree|malloc|free|memalign|do_memalign|(__)?posix_memalign|pvalloc|valloc|realloc|",
    "tcmalloc::.*|tc_calloc|tc_cfree|tc_malloc|tc_free|tc_memalign|tc_posix_memalign|tc_pvalloc|",
    "tc_valloc|tc_realloc|tc_new|tc_delete|tc_newarray|tc_deletearray|tc_new_nothrow|",
    "tc_newarray_nothrow|",
    "malloc_zone_malloc|malloc_zone_calloc|malloc_zone_valloc|malloc_zone_realloc|",
    "malloc_zone_memalign|malloc_zone_free|",
    "runtime\\..*|",
    "BaseArena::.*|(::)?do_malloc_no_errno|(::)?do_malloc_pages|(::)?do_malloc|",
    "DoSampledAllocation|MallocedMemBlock::MallocedMemBlock|_M_allocate|",
    "__builtin_(vec_)?delete|__builtin_(vec_)?new|__gnu_cxx::new_allocator::allocate|",
    "__libc_malloc|__malloc_alloc_template::allocate|allocate|cpp_alloc|",
    "operator new(\\[\\])?|simple_alloc::allocate"
);

/// pprof's `allocSkipRxStr`: Go runtime frames kept although they match
/// [`ALLOC_DROP_FRAMES`].
pub const ALLOC_KEEP_FRAMES: &str = "runtime\\.panic|runtime\\.reflectcall|runtime\\.call[0-9]*";

/// pprof's `cpuProfilerRxStr`, given to legacy profiles that are not heap
/// profiles (none of ours today, kept for completeness of the rule).
const CPU_DROP_FRAMES: &str = "ProfileData::Add|ProfileData::prof_handler|CpuProfiler::prof_handler|__pthread_sighandler|__restore";

/// Sample type lists pprof treats as heap profiles (`heapzSampleTypes`).
const HEAP_TYPES: [&[&str]; 5] = [
    &["allocations", "size"],
    &["objects", "space"],
    &["inuse_objects", "inuse_space"],
    &["alloc_objects", "alloc_space"],
    &[
        "alloc_objects",
        "alloc_space",
        "inuse_objects",
        "inuse_space",
    ],
];

/// Parses a legacy text profile, trying the formats in pprof's order.
/// Bytes that are not UTF-8 (a Latin-1 path in a memory map) become
/// U+FFFD, as in profile.proto's string table: they never refuse a file.
pub fn parse(text: &[u8]) -> Result<Profile, DecodeError> {
    let text = String::from_utf8_lossy(text);
    let text = text.as_ref();
    if let Some(r) = go_heap::parse(text) {
        return r;
    }
    if let Some(r) = tcmalloc::parse(text) {
        return r;
    }
    if let Some(r) = java::parse(text) {
        return r;
    }
    if let Some(r) = jemalloc::parse(text) {
        return r;
    }
    Err(DecodeError::NotAProfile(
        "unrecognized profile format (expected profile.proto, a Go debug=1 heap profile, \
         a gperftools heap/growth profile, a Java heapz profile or a jemalloc heap_v2 dump)"
            .into(),
    ))
}

/// An error at a 1-based line of a legacy profile.
pub(crate) fn line_err(line: usize, msg: impl std::fmt::Display) -> DecodeError {
    DecodeError::BadLine {
        line,
        message: msg.to_string(),
    }
}

/// The first line of `text` (without its line ending).
pub(crate) fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("").trim_end_matches('\r')
}

/// pprof's `isMemoryMapSentinel`.
pub(crate) fn is_map_sentinel(line: &str) -> bool {
    line.contains("--- Memory map: ---") || line.contains("MAPPED_LIBRARIES:")
}

/// Parses whitespace-separated `0x...` stack addresses; every token must be
/// a hex number that fits in 64 bits.
pub(crate) fn parse_addresses(
    s: &str,
    lineno: usize,
    out: &mut Vec<u64>,
) -> Result<(), DecodeError> {
    for tok in s.split_ascii_whitespace() {
        let hex = tok
            .strip_prefix("0x")
            .or_else(|| tok.strip_prefix("0X"))
            .ok_or_else(|| {
                line_err(
                    lineno,
                    format!("stack address {tok:?} is not a 0x-prefixed hex number"),
                )
            })?;
        let a = u64::from_str_radix(hex, 16).map_err(|_| {
            line_err(
                lineno,
                format!("stack address {tok:?} is not a 64-bit hex number"),
            )
        })?;
        out.push(a);
    }
    Ok(())
}

/// pprof's `scaleHeapSample`: un-samples a (count, size) pair of a profile
/// sampled by a Poisson process of mean `rate` bytes. An allocation of
/// average size S is recorded with probability 1 - exp(-S/rate), so both
/// numbers are divided by it, truncated to integers. `rate <= 1` means
/// every allocation was recorded (or the rate is unknown): no change.
pub fn scale_heap_sample(count: i64, size: i64, rate: i64) -> (i64, i64) {
    if count == 0 || size == 0 {
        return (0, 0);
    }
    if rate <= 1 {
        return (count, size);
    }
    let avg = size as f64 / count as f64;
    let scale = 1.0 / (1.0 - (-avg / rate as f64).exp());
    ((count as f64 * scale) as i64, (size as f64 * scale) as i64)
}

/// The lines after a legacy profile's header line, as the sample parsers
/// read them: each non-blank one trimmed, with its 1-based number, up to
/// pprof's memory-map sentinel; [`Body::finish`] then parses the map
/// section after it and builds the model. With `comments`, `#` lines are
/// yielded before the sentinel test, as pprof skips them before it looks
/// for the sentinel.
pub(crate) struct Body<'a> {
    lines: std::iter::Skip<std::iter::Enumerate<std::str::Lines<'a>>>,
    comments: bool,
    /// The 1-based number of the first map line, once the sentinel is read.
    map_start: Option<usize>,
}

impl<'a> Body<'a> {
    pub fn new(text: &'a str, comments: bool) -> Body<'a> {
        Body {
            lines: text.lines().enumerate().skip(1),
            comments,
            map_start: None,
        }
    }

    /// Parses the map section (if there is one) into `raw` and builds the
    /// model.
    pub fn finish(self, mut raw: RawLegacy) -> Result<Profile, DecodeError> {
        if let Some(first) = self.map_start {
            raw.mappings = maps::parse(self.lines.map(|(_, l)| l), first)?;
        }
        Ok(raw.finish())
    }
}

impl<'a> Iterator for Body<'a> {
    type Item = (usize, &'a str);

    fn next(&mut self) -> Option<(usize, &'a str)> {
        if self.map_start.is_some() {
            return None;
        }
        for (i, l) in self.lines.by_ref() {
            let lineno = i + 1;
            let line = l.trim();
            if line.is_empty() {
                continue;
            }
            if !(self.comments && line.starts_with('#')) && is_map_sentinel(line) {
                self.map_start = Some(lineno + 1);
                return None;
            }
            return Some((lineno, line));
        }
        None
    }
}

/// A legacy profile as parsed, before the model is built.
#[derive(Default)]
pub(crate) struct RawLegacy {
    pub format: LegacyFormat,
    pub sample_types: Vec<(&'static str, &'static str)>,
    pub period_type: (&'static str, &'static str),
    pub period: i64,
    /// `sample_types.len()` values per sample.
    pub values: Vec<i64>,
    /// Stack addresses (already decremented), leaf first.
    pub addrs: Vec<u64>,
    pub addr_ends: Vec<u32>,
    /// The `bytes` numeric label of each sample.
    pub bytes: Vec<i64>,
    pub mappings: Vec<maps::RawMapping>,
    pub memstats: Vec<(String, String)>,
}

impl RawLegacy {
    pub fn new(format: LegacyFormat) -> RawLegacy {
        RawLegacy {
            format,
            period_type: ("space", "bytes"),
            ..Default::default()
        }
    }

    /// The pprof sample types: four columns (alloc first, so the default
    /// last type is inuse_space) or two.
    pub fn set_heap_types(&mut self, has_alloc: bool) {
        self.sample_types = if has_alloc {
            vec![
                ("alloc_objects", "count"),
                ("alloc_space", "bytes"),
                ("inuse_objects", "count"),
                ("inuse_space", "bytes"),
            ]
        } else {
            vec![("objects", "count"), ("space", "bytes")]
        };
    }

    /// Adds a sample; each raw address is decremented by one.
    pub fn push(&mut self, values: &[i64], raw_addrs: &[u64], bytes: i64) {
        self.values.extend_from_slice(values);
        self.addrs
            .extend(raw_addrs.iter().map(|&a| a.wrapping_sub(1)));
        self.addr_ends.push(self.addrs.len() as u32);
        self.bytes.push(bytes);
    }

    /// Builds the model: locations, mappings (pprof's `massageMappings`
    /// and `remapMappingIDs`), frame expressions.
    pub fn finish(self) -> Profile {
        let mut p = Builder::new();
        for &(t, u) in &self.sample_types {
            let vt = p.value_type(t, u);
            p.sample_types.push(vt);
        }
        p.period_type = p.value_type(self.period_type.0, self.period_type.1);
        p.period = self.period;
        p.legacy_format = Some(self.format);
        p.memstats = self.memstats;

        // Locations: one per distinct address, in order of first use.
        let mut loc_of: FxHashMap<u64, LocIdx> = FxHashMap::default();
        let mut addrs_of_loc: Vec<u64> = Vec::new();
        let stride = self.sample_types.len();
        let mut samples = Samples {
            stride,
            ..Default::default()
        };
        let bytes_key = p.intern("bytes");
        let mut locs: Vec<LocIdx> = Vec::new();
        let mut start = 0usize;
        for (i, &end) in self.addr_ends.iter().enumerate() {
            locs.clear();
            for &a in &self.addrs[start..end as usize] {
                let l = *loc_of.entry(a).or_insert_with(|| {
                    addrs_of_loc.push(a);
                    LocIdx(addrs_of_loc.len() as u32 - 1)
                });
                locs.push(l);
            }
            start = end as usize;
            let label = Label {
                key: bytes_key,
                str: super::StrIdx(0),
                num: self.bytes[i],
                num_unit: super::StrIdx(0),
            };
            samples.push(&locs, &self.values[i * stride..(i + 1) * stride], &[label]);
        }
        p.samples = samples;

        let (mappings, assign) = maps::assign(self.mappings, &addrs_of_loc);
        for (i, m) in mappings.iter().enumerate() {
            let filename = p.intern(&m.file);
            let build_id = p.intern(&m.build_id);
            p.mappings.push(Mapping {
                id: i as u64 + 1,
                memory_start: m.start,
                memory_limit: m.limit,
                file_offset: m.offset,
                filename,
                build_id,
                ..Default::default()
            });
        }
        for (i, &a) in addrs_of_loc.iter().enumerate() {
            p.locations.push(Location {
                id: i as u64 + 1,
                mapping: assign[i].map(|m| MapIdx(m as u32)),
                address: a,
                lines_start: 0,
                lines_end: 0,
                is_folded: false,
            });
        }
        add_frame_info(&mut p);
        p.finish()
    }
}

/// pprof's `addLegacyFrameInfo`: heap profiles get the allocator
/// expressions; other legacy profiles get the CPU profiler's.
pub(crate) fn add_frame_info(p: &mut Builder) {
    let names: Vec<&str> = (0..p.sample_types.len())
        .map(|i| p.sample_type_name(i))
        .collect();
    let heap = HEAP_TYPES.contains(&names.as_slice());
    let (drop, keep) = if heap {
        (ALLOC_DROP_FRAMES, ALLOC_KEEP_FRAMES)
    } else {
        (CPU_DROP_FRAMES, "")
    };
    p.drop_frames = p.intern(drop);
    p.keep_frames = p.intern(keep);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_matches_pprof_golden() {
        // gobench.heap: `1: 524288 [3: 1572864]` at heap/1048576 (rate 524288).
        assert_eq!(scale_heap_sample(3, 1572864, 524288), (4, 2488234));
        assert_eq!(scale_heap_sample(1, 524288, 524288), (1, 829411));
        assert_eq!(scale_heap_sample(5, 100, 1), (5, 100));
        assert_eq!(scale_heap_sample(0, 0, 512), (0, 0));
    }

    #[test]
    fn addresses_are_strict() {
        let mut v = Vec::new();
        assert!(parse_addresses("0x10 0xff", 1, &mut v).is_ok());
        assert_eq!(v, vec![0x10, 0xff]);
        assert!(parse_addresses("0x10 zz", 3, &mut v).is_err());
        assert!(parse_addresses("0x1ffffffffffffffff", 3, &mut v).is_err());
    }
}
