//! In-process symbolization of profiles that carry only addresses (Rust
//! jemalloc_pprof, C++ gperftools, ...): find the binary of each mapping
//! (given with `--binary`, on a search path, at the mapping's own path, or
//! under `/usr/lib/debug/.build-id`), check its GNU build ID, turn runtime
//! addresses into binary addresses with pprof's elfexec rules, and read
//! frames from DWARF with addr2line (inlined frames innermost first, as
//! profile.proto orders `Location.line`), falling back to the symbol table.
//!
//! A profile goes in and a profile comes out: new Functions and Lines are
//! added, mappings get their `has_*` flags. Nothing here is fatal: what
//! cannot be symbolized stays an address and is counted in a [`Summary`]
//! whose one-line [`Summary::warning`] says how many, where and why.

pub mod binary;
pub mod demangle;
pub mod elfexec;

use crate::profile::{FuncIdx, Function, Line, LocIdx, MapIdx, Mapping, Profile, StrIdx};
use binary::{Binary, Layout};
use rustc_hash::FxHashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

pub use demangle::Style as DemangleStyle;

/// Which mappings to symbolize.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// Leave the profile as it is.
    None,
    /// Mappings without functions, file names or line numbers.
    #[default]
    Auto,
    /// Every mapping, replacing what is there.
    Force,
}

/// Where binaries are looked for and how names are written.
#[derive(Clone, Debug)]
pub struct Options {
    pub mode: Mode,
    pub demangle: DemangleStyle,
    /// `--binary` paths, in the order given.
    pub binaries: Vec<PathBuf>,
    /// Folders searched as pprof searches `PPROF_BINARY_PATH`.
    pub search_path: Vec<PathBuf>,
    /// Root of separate debug files (`/usr/lib/debug`).
    pub debug_root: PathBuf,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            mode: Mode::Auto,
            demangle: DemangleStyle::Default,
            binaries: Vec::new(),
            search_path: Vec::new(),
            debug_root: PathBuf::from("/usr/lib/debug"),
        }
    }
}

/// Locations of one mapping left unsymbolized, and why.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Failure {
    pub mapping: String,
    pub reason: String,
    pub locations: usize,
}

/// What happened to the locations of one mapping the pass worked on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MappingResult {
    pub mapping: String,
    /// The main binary's mapping (the profile's first mapping, and the
    /// mappings of the same file and build ID).
    pub main: bool,
    pub attempted: usize,
    pub symbolized: usize,
}

/// A binary used for a mapping without a build ID to prove it is the
/// right one, and what makes it look like the wrong one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suspect {
    pub mapping: String,
    pub binary: String,
    /// Each mismatch found, in words.
    pub reasons: Vec<String>,
}

/// What a symbolization pass did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Locations the pass tried to symbolize.
    pub attempted: usize,
    /// Locations that got at least one frame.
    pub symbolized: usize,
    pub failures: Vec<Failure>,
    /// One entry per mapping the pass worked on, in mapping order.
    pub mappings: Vec<MappingResult>,
    /// Binaries that may not belong to the mapping they symbolized.
    pub suspects: Vec<Suspect>,
}

impl Summary {
    /// One line for stderr when something was left unsymbolized.
    pub fn warning(&self) -> Option<String> {
        if self.failures.is_empty() {
            return None;
        }
        let n: usize = self.failures.iter().map(|f| f.locations).sum();
        let parts: Vec<String> = self
            .failures
            .iter()
            .map(|f| {
                format!(
                    "{}: {} ({})",
                    shown_mapping(&f.mapping),
                    f.reason,
                    f.locations
                )
            })
            .collect();
        Some(format!(
            "{n} of {} locations left unsymbolized: {}",
            self.attempted,
            parts.join("; ")
        ))
    }

    /// One line per binary that may not belong to its mapping.
    pub fn suspect_warnings(&self) -> Vec<String> {
        self.suspects
            .iter()
            .map(|x| {
                format!(
                    "{} may not be the binary of mapping {}: {}; its frames may be wrong",
                    x.binary,
                    shown_mapping(&x.mapping),
                    x.reasons.join("; ")
                )
            })
            .collect()
    }

    /// One line per mapping with unresolved locations: how many of its
    /// locations, and why.
    pub fn mapping_warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        // A file mapped several times (one mapping per segment) gets one line.
        let mut seen: Vec<&str> = Vec::new();
        for m in &self.mappings {
            if seen.contains(&m.mapping.as_str()) {
                continue;
            }
            seen.push(&m.mapping);
            let (attempted, left) = self
                .mappings
                .iter()
                .filter(|x| x.mapping == m.mapping)
                .fold((0, 0), |(a, l), x| {
                    (a + x.attempted, l + x.attempted - x.symbolized)
                });
            let why: Vec<&str> = self
                .failures
                .iter()
                .filter(|f| f.mapping == m.mapping)
                .map(|f| f.reason.as_str())
                .collect();
            if left == 0 || why.is_empty() {
                continue;
            }
            out.push(format!(
                "{}: {left} of {attempted} locations left unsymbolized: {}",
                shown_mapping(&m.mapping),
                why.join("; ")
            ));
        }
        out
    }

    /// The main binary's mappings had locations to symbolize and none got
    /// a frame.
    pub fn main_unresolved(&self) -> bool {
        let (a, s) = self
            .mappings
            .iter()
            .filter(|m| m.main)
            .fold((0, 0), |(a, s), m| (a + m.attempted, s + m.symbolized));
        a > 0 && s == 0
    }

    fn fail(&mut self, mapping: &str, reason: String, n: usize) {
        if let Some(f) = self
            .failures
            .iter_mut()
            .find(|f| f.mapping == mapping && f.reason == reason)
        {
            f.locations += n;
        } else {
            self.failures.push(Failure {
                mapping: mapping.to_string(),
                reason,
                locations: n,
            });
        }
    }
}

fn shown_mapping(m: &str) -> &str {
    if m.is_empty() { "<unnamed mapping>" } else { m }
}

/// pprof's `Unsymbolizable`: mappings that are not files on disk.
fn unsymbolizable(file: &str) -> bool {
    file.is_empty()
        || (file.starts_with('[') && file.ends_with(']'))
        || file.starts_with("linux-vdso")
        || file.starts_with("/dev/dri/")
        || file.starts_with("//anon")
        || file.starts_with("/memfd:")
        || file.contains("://")
}

/// Symbolizes `p` in place and says what was left undone.
pub fn symbolize(p: &mut Profile, o: &Options) -> Summary {
    let mut s = Symbolizer {
        o,
        opened: FxHashMap::default(),
        summary: Summary::default(),
    };
    if o.mode == Mode::None {
        return s.summary;
    }
    s.run(p);
    debug_assert_eq!(crate::profile::check_valid(p), Ok(()));
    s.summary.failures.sort();
    demangle_names(p, o);
    s.summary
}

/// pprof's `Demangle` pass, which runs over every function of the profile
/// after symbolization (names read from the profile included), unless
/// symbolization is off: with `force` (or a style other than `default`)
/// names go back to their system names first; then each function whose
/// name is empty or equal to its system name gets the system name
/// demangled, or, if it does not demangle but looks like demangled C++,
/// simplified (`(...)` and `<...>` groups removed). That is how a Go
/// generic instantiation such as
/// `pkg.New[go.shape.interface { At() T; Err() error }]` prints as
/// `pkg.New[go.shape.interface { At T; Err error }]`, while method names
/// on generic receivers (`pkg.(*Box[...]).Fill`) stay whole.
fn demangle_names(p: &mut Profile, o: &Options) {
    let force = o.mode == Mode::Force || o.demangle != DemangleStyle::Default;
    let mut idx: Option<FxHashMap<Box<str>, StrIdx>> = None;
    let mut memo: FxHashMap<StrIdx, StrIdx> = FxHashMap::default();
    for fi in 0..p.functions.len() {
        let f = &p.functions[fi];
        let (name, sys) = (f.name, f.system_name);
        let sys_str = p.str(sys);
        if sys_str.is_empty() {
            continue;
        }
        let name_str = p.str(name);
        if !(force || name_str.is_empty() || name_str == sys_str) {
            continue; // already demangled
        }
        let new = match memo.get(&sys) {
            Some(&n) => n,
            None => {
                let n = match demangle::demangle(sys_str, o.demangle) {
                    Some(d) => {
                        let idx = idx.get_or_insert_with(|| string_index(p));
                        p.intern(idx, &d)
                    }
                    None => sys,
                };
                memo.insert(sys, n);
                n
            }
        };
        p.functions[fi].name = new;
    }
}

/// The binary of a mapping, and its separate debug file if it has one.
struct Resolved {
    main: Rc<Binary>,
    debug: Option<Rc<Binary>>,
}

impl Resolved {
    fn dwarf(&self) -> &Binary {
        self.debug.as_deref().unwrap_or(&self.main)
    }

    /// Frames at `probe`, innermost first. As llvm-symbolizer does (and so
    /// pprof), the outermost frame is named by the symbol table when a
    /// symbol holds the address; without DWARF the symbol alone is the
    /// frame.
    fn lookup<'a>(&'a self, probe: u64, out: &mut Vec<binary::Frame<'a>>) {
        let d = self.dwarf();
        d.dwarf_frames(probe, out);
        let sym = self
            .main
            .symbol_at(probe)
            .or_else(|| self.debug.as_deref().and_then(|b| b.symbol_at(probe)));
        let Some(sym) = sym else { return };
        if out.is_empty() {
            out.push(binary::Frame {
                name: None,
                file: None,
                line: 0,
                column: 0,
                start_line: 0,
            });
        }
        if let Some(last) = out.last_mut() {
            last.name = Some(binary::Name::Symbol(sym));
        }
    }
}

struct Symbolizer<'o> {
    o: &'o Options,
    /// Every file tried, opened once: one addr2line context per binary.
    opened: FxHashMap<PathBuf, Result<Rc<Binary>, String>>,
    summary: Summary,
}

impl Symbolizer<'_> {
    fn open(&mut self, path: &Path) -> Result<Rc<Binary>, String> {
        if let Some(r) = self.opened.get(path) {
            return r.clone();
        }
        let r = Binary::open(path)
            .map(Rc::new)
            .map_err(|e| format!("{}: {e}", path.display()));
        self.opened.insert(path.to_path_buf(), r.clone());
        r
    }

    /// Candidate files for a mapping, in pprof's spirit: `--binary` first
    /// (by build ID, then by file name, then as the main binary), the
    /// search path, the mapping's own path, the build-ID debug folder.
    fn candidates(&mut self, is_main: bool, file: &str, build_id: &str) -> Vec<PathBuf> {
        let mut c: Vec<PathBuf> = Vec::new();
        let base = Path::new(file)
            .file_name()
            .map(|b| b.to_os_string())
            .unwrap_or_default();
        if !build_id.is_empty() {
            for b in self.o.binaries.clone() {
                if self
                    .open(&b)
                    .is_ok_and(|x| x.build_id.eq_ignore_ascii_case(build_id))
                {
                    c.push(b);
                }
            }
        }
        for b in &self.o.binaries {
            if !base.is_empty() && b.file_name() == Some(base.as_os_str()) {
                c.push(b.clone());
            }
        }
        if is_main {
            if let Some(b) = self.o.binaries.first() {
                c.push(b.clone());
            }
        }
        for dir in &self.o.search_path {
            if !build_id.is_empty() {
                if !base.is_empty() {
                    c.push(dir.join(build_id).join(&base));
                }
                if build_id.len() > 2 {
                    c.push(
                        dir.join(&build_id[..2])
                            .join(format!("{}.debug", &build_id[2..])),
                    );
                }
            }
            if !base.is_empty() {
                c.push(dir.join(&base));
                let rel = file.trim_start_matches('/');
                c.push(dir.join(rel));
                c.push(dir.join(format!("{rel}.debug")));
            }
        }
        if !file.is_empty() && !unsymbolizable(file) {
            c.push(PathBuf::from(file));
        }
        if build_id.len() > 2 {
            c.push(
                self.o
                    .debug_root
                    .join(".build-id")
                    .join(&build_id[..2])
                    .join(format!("{}.debug", &build_id[2..])),
            );
        }
        let mut seen = rustc_hash::FxHashSet::default();
        c.retain(|p| seen.insert(p.clone()));
        c
    }

    fn resolve(&mut self, is_main: bool, file: &str, build_id: &str) -> Result<Resolved, String> {
        let mut why: Option<String> = None;
        for cand in self.candidates(is_main, file, build_id) {
            if !cand.is_file() {
                continue;
            }
            let b = match self.open(&cand) {
                Ok(b) => b,
                Err(e) => {
                    why.get_or_insert(e);
                    continue;
                }
            };
            if !build_id.is_empty()
                && !b.build_id.is_empty()
                && !b.build_id.eq_ignore_ascii_case(build_id)
            {
                why.get_or_insert(format!(
                    "build ID mismatch: the profile wants {build_id}, {} has {}",
                    cand.display(),
                    b.build_id
                ));
                continue;
            }
            let debug = if b.has_dwarf() {
                None
            } else {
                self.debug_file(&b)
            };
            return Ok(Resolved { main: b, debug });
        }
        Err(why.unwrap_or_else(|| {
            "binary not found (pass --binary or set HEAPSCOPE_BINARY_PATH)".to_string()
        }))
    }

    /// A separate debug file with DWARF for `b`: by build ID under the
    /// debug root, or by `.gnu_debuglink` next to it, in `.debug/`, or
    /// under the debug root (as GNU addr2line looks).
    fn debug_file(&mut self, b: &Binary) -> Option<Rc<Binary>> {
        let mut c = Vec::new();
        if b.build_id.len() > 2 {
            c.push(
                self.o
                    .debug_root
                    .join(".build-id")
                    .join(&b.build_id[..2])
                    .join(format!("{}.debug", &b.build_id[2..])),
            );
        }
        if let (Some(link), Some(dir)) = (&b.debuglink, b.path.parent()) {
            c.push(dir.join(link));
            c.push(dir.join(".debug").join(link));
            if let Ok(abs) = dir.canonicalize() {
                c.push(
                    self.o
                        .debug_root
                        .join(abs.strip_prefix("/").unwrap_or(&abs))
                        .join(link),
                );
            }
        }
        for cand in c {
            if !cand.is_file() || cand == b.path {
                continue;
            }
            let Ok(d) = self.open(&cand) else { continue };
            let ids_agree =
                d.build_id.is_empty() || b.build_id.is_empty() || d.build_id == b.build_id;
            if d.has_dwarf() && ids_agree {
                return Some(d);
            }
        }
        None
    }

    fn run(&mut self, p: &mut Profile) {
        let force = self.o.mode == Mode::Force;
        // No mappings at all: the main binary covers every address (pprof's
        // fake mapping; right for non-PIE executables).
        if p.mappings.is_empty()
            && !self.o.binaries.is_empty()
            && p.locations.iter().any(|l| l.address != 0)
        {
            let mut idx = string_index(p);
            let name = self.o.binaries[0].to_string_lossy().into_owned();
            let filename = p.intern(&mut idx, &name);
            p.mappings.push(Mapping {
                id: 1,
                filename,
                ..Default::default()
            });
            for l in &mut p.locations {
                l.mapping.get_or_insert(MapIdx(0));
            }
        }
        let mut by_map: Vec<Vec<LocIdx>> = vec![Vec::new(); p.mappings.len()];
        for (i, l) in p.locations.iter().enumerate() {
            if let Some(m) = l.mapping {
                if l.address != 0 && (force || l.lines_start == l.lines_end) {
                    by_map[m.0 as usize].push(LocIdx(i as u32));
                }
            }
        }
        if by_map.iter().all(Vec::is_empty) {
            return; // every location has lines already (or no address)
        }
        let mut st = Interner {
            strings: string_index(p),
            funcs: FxHashMap::default(),
            demangled: FxHashMap::default(),
            style: self.o.demangle,
            next_id: p.functions.iter().map(|f| f.id).max().unwrap_or(0) + 1,
        };
        // The main binary: the first mapping (pprof's Mapping[0]), and the
        // other segments of the same file (same name and build ID).
        let main_key = p
            .mappings
            .first()
            .map(|m| (p.str(m.filename).to_string(), p.str(m.build_id).to_string()));
        for (mi, locs) in by_map.iter().enumerate() {
            let m = &p.mappings[mi];
            let is_main = mi == 0
                || main_key.as_ref().is_some_and(|(f, b)| {
                    !f.is_empty() && p.str(m.filename) == f && p.str(m.build_id) == b
                });
            if locs.is_empty() {
                continue;
            }
            if !force && (m.has_functions || m.has_filenames || m.has_line_numbers) {
                continue;
            }
            let file = p.str(m.filename).to_string();
            let build_id = p.str(m.build_id).to_string();
            let (start, limit, offset) = (m.memory_start, m.memory_limit, m.file_offset);
            self.summary.attempted += locs.len();
            let result = self.summary.mappings.len();
            self.summary.mappings.push(MappingResult {
                mapping: file.clone(),
                main: is_main,
                attempted: locs.len(),
                symbolized: 0,
            });
            if unsymbolizable(&file) && !(file.is_empty() && is_main && !self.o.binaries.is_empty())
            {
                let why = if file.is_empty() {
                    "main binary file name not available (pass --binary)"
                } else {
                    "not a file on disk"
                };
                self.summary.fail(&file, why.into(), locs.len());
                continue;
            }
            let bin = match self.resolve(is_main, &file, &build_id) {
                Ok(b) => b,
                Err(why) => {
                    self.summary.fail(&file, why, locs.len());
                    continue;
                }
            };
            if !bin.dwarf().has_dwarf() && !bin.main.has_symbols() {
                self.summary.fail(
                    &file,
                    format!(
                        "{} has no debug info and no symbols (stripped)",
                        bin.main.path.display()
                    ),
                    locs.len(),
                );
                continue;
            }
            let first = p.locations[locs[0].0 as usize].address;
            let base = match compute_base(&bin.main.layout, start, limit, offset, first) {
                Ok(b) => b,
                Err(e) => {
                    self.summary.fail(
                        &file,
                        format!("{}: {e}", bin.main.path.display()),
                        locs.len(),
                    );
                    continue;
                }
            };
            let mut cache: FxHashMap<u64, (u32, u32)> = FxHashMap::default();
            let mut frames = Vec::new();
            let (mut has_fn, mut has_file, mut has_line, mut has_inl) =
                (false, false, false, false);
            let mut missed = 0usize;
            let mut symbolized = 0usize;
            // Over unique addresses: how many fall outside the binary's
            // executable segments, how many land in a function it knows.
            let (mut unique, mut outside, mut landed) = (0usize, 0usize, 0usize);
            for &li in locs {
                let addr = p.locations[li.0 as usize].address;
                let (ls, le) = match cache.get(&addr) {
                    Some(&r) => r,
                    None => {
                        frames.clear();
                        let probe = addr.wrapping_sub(base);
                        bin.lookup(probe, &mut frames);
                        unique += 1;
                        if bin.main.in_executable_segment(probe) == Some(false) {
                            outside += 1;
                        }
                        if frames.iter().any(|f| f.file.is_some())
                            || bin.main.sized_symbol_holds(probe)
                            || bin
                                .debug
                                .as_deref()
                                .is_some_and(|d| d.sized_symbol_holds(probe))
                        {
                            landed += 1;
                        }
                        let ls = p.lines.len() as u32;
                        for f in &frames {
                            let raw = f.name.as_ref().map(|n| n.as_str());
                            let raw = raw.as_deref().unwrap_or("");
                            let fname = f.file.as_deref().unwrap_or("");
                            if raw.is_empty() && fname.is_empty() {
                                continue;
                            }
                            let func = st.function(p, raw, fname, i64::from(f.start_line));
                            p.lines.push(Line {
                                function: func,
                                line: i64::from(f.line),
                                column: i64::from(f.column),
                            });
                            has_fn |= !raw.is_empty();
                            has_file |= !fname.is_empty();
                            has_line |= f.line != 0;
                        }
                        let r = (ls, p.lines.len() as u32);
                        cache.insert(addr, r);
                        r
                    }
                };
                if ls == le {
                    missed += 1;
                    continue;
                }
                has_inl |= le - ls > 1;
                let l = &mut p.locations[li.0 as usize];
                l.lines_start = ls;
                l.lines_end = le;
                l.is_folded = false;
                symbolized += 1;
            }
            self.summary.symbolized += symbolized;
            self.summary.mappings[result].symbolized = symbolized;
            // Without two build IDs to compare, check that the binary
            // plausibly is the mapping's.
            if build_id.is_empty() || bin.main.build_id.is_empty() {
                let fake = start == 0 && limit == 0 && offset == 0;
                let reasons = plausibility(
                    &file,
                    &bin.main,
                    base,
                    fake,
                    Counts {
                        unique,
                        outside,
                        landed,
                        dwarf: bin.dwarf().has_dwarf(),
                    },
                );
                if !reasons.is_empty() {
                    self.summary.suspects.push(Suspect {
                        mapping: file.clone(),
                        binary: bin.main.path.display().to_string(),
                        reasons,
                    });
                }
            }
            let m = &mut p.mappings[mi];
            m.has_functions |= has_fn;
            m.has_filenames |= has_file;
            m.has_line_numbers |= has_line;
            m.has_inline_frames |= has_inl;
            if missed > 0 {
                self.summary.fail(
                    &file,
                    format!(
                        "no debug info or symbol at the address in {}",
                        bin.main.path.display()
                    ),
                    missed,
                );
            }
        }
    }
}

/// Address counts of one mapping, over its unique addresses.
struct Counts {
    unique: usize,
    /// Outside every executable segment of the binary.
    outside: usize,
    /// With DWARF frames or inside a symbol that has a size.
    landed: usize,
    /// The binary has DWARF: only then is a low `landed` share telling
    /// (a stripped library's dynamic symbols leave its internal functions
    /// out).
    dwarf: bool,
}

/// Below this share of addresses landing in a function the binary knows,
/// the binary is suspect. The right binary places (almost) every address
/// in a function; a wrong one often places them after its last function
/// (where only a size-0 symbol such as `_fini` "holds" them). A system
/// library's few addresses may miss now and then, hence the margin.
const MIN_LANDED_SHARE: f64 = 0.5;

/// What makes `bin` look like the wrong binary for a mapping of `file`
/// whose addresses were shifted by `base`: a fixed-address executable
/// loaded elsewhere (a PIE profile against a non-PIE build), addresses
/// outside its executable segments, or too few addresses in its functions;
/// with any of those, also another file name. Empty when nothing is wrong.
fn plausibility(file: &str, bin: &Binary, base: u64, fake: bool, c: Counts) -> Vec<String> {
    let mut reasons = Vec::new();
    let base_name = |s: &str| -> String {
        let b = Path::new(s)
            .file_name()
            .map(|b| b.to_string_lossy().into_owned())
            .unwrap_or_default();
        b.strip_suffix(".debug").map(str::to_string).unwrap_or(b)
    };
    let (want, have) = (base_name(file), base_name(&bin.path.to_string_lossy()));
    if let Layout::Elf {
        ty: elfexec::ElfType::Exec,
        ..
    } = bin.layout
    {
        if !fake && base != 0 {
            reasons.push(format!(
                "it is a fixed-address (non-PIE) executable, but the profile loaded it {:#x} bytes \
                 away from its link address (a PIE build's profile?)",
                base
            ));
        }
    }
    if c.outside > 0 {
        reasons.push(format!(
            "{} of {} addresses fall outside its executable segments",
            c.outside, c.unique
        ));
    }
    if c.dwarf && c.unique > 0 && (c.landed as f64) < MIN_LANDED_SHARE * c.unique as f64 {
        reasons.push(format!(
            "only {} of {} addresses fall inside a function it describes",
            c.landed, c.unique
        ));
    }
    // Binaries are often renamed when deployed: another file name alone is
    // no evidence, but it is worth naming next to evidence from addresses.
    if !reasons.is_empty() && !fake && !want.is_empty() && want != have {
        reasons.insert(
            0,
            format!("the profile's mapping is {want}, the binary is {have}"),
        );
    }
    reasons
}

fn string_index(p: &Profile) -> FxHashMap<Box<str>, StrIdx> {
    let mut m = FxHashMap::default();
    for (i, s) in p.strings.iter().enumerate() {
        m.entry(s.clone()).or_insert(StrIdx(i as u32));
    }
    m
}

/// Interns names and functions added by symbolization.
struct Interner {
    strings: FxHashMap<Box<str>, StrIdx>,
    funcs: FxHashMap<(StrIdx, StrIdx, i64), FuncIdx>,
    /// Raw name -> display name.
    demangled: FxHashMap<StrIdx, StrIdx>,
    style: DemangleStyle,
    next_id: u64,
}

impl Interner {
    fn function(&mut self, p: &mut Profile, raw: &str, file: &str, start_line: i64) -> FuncIdx {
        let sys = p.intern(&mut self.strings, raw);
        let fi = p.intern(&mut self.strings, file);
        if let Some(&f) = self.funcs.get(&(sys, fi, start_line)) {
            return f;
        }
        let name = match self.demangled.get(&sys) {
            Some(&n) => n,
            None => {
                let n = match demangle::demangle(raw, self.style) {
                    Some(d) => p.intern(&mut self.strings, &d),
                    None => sys,
                };
                self.demangled.insert(sys, n);
                n
            }
        };
        let id = self.next_id;
        self.next_id += 1;
        let f = FuncIdx(p.functions.len() as u32);
        p.functions.push(Function {
            id,
            name,
            system_name: sys,
            filename: fi,
            start_line,
        });
        self.funcs.insert((sys, fi, start_line), f);
        f
    }
}

/// The value subtracted from a runtime address of the mapping to get an
/// address in the binary.
pub fn compute_base(
    layout: &Layout,
    start: u64,
    limit: u64,
    offset: u64,
    first_addr: u64,
) -> Result<u64, String> {
    match layout {
        Layout::Elf { ty, phdrs, text } => {
            if start == 0 && limit == 0 && offset == 0 {
                return Ok(0);
            }
            let ph = elfexec::find_program_header(
                phdrs,
                text.as_ref(),
                start,
                limit,
                offset,
                first_addr,
            )
            .map_err(|e| e.to_string())?;
            elfexec::get_base(*ty, ph, None, start, limit, offset).map_err(|e| e.to_string())
        }
        Layout::Image { base } => {
            if start == 0 && offset == 0 && (limit == 0 || limit == u64::MAX) {
                Ok(0)
            } else {
                Ok(start.wrapping_sub(*base))
            }
        }
    }
}

#[cfg(test)]
mod summary_tests {
    use super::*;

    fn m(name: &str, main: bool, attempted: usize, symbolized: usize) -> MappingResult {
        MappingResult {
            mapping: name.into(),
            main,
            attempted,
            symbolized,
        }
    }

    #[test]
    fn one_warning_per_file_and_main_unresolved() {
        let mut s = Summary {
            attempted: 10,
            symbolized: 4,
            mappings: vec![
                m("./app", true, 2, 2),
                m("./app", true, 3, 2),
                m("/lib/libc.so.6", false, 5, 0),
            ],
            ..Default::default()
        };
        s.fail(
            "./app",
            "no debug info or symbol at the address in app".into(),
            1,
        );
        s.fail("/lib/libc.so.6", "binary not found".into(), 5);
        assert_eq!(
            s.mapping_warnings(),
            vec![
                "./app: 1 of 5 locations left unsymbolized: no debug info or symbol at the address in app",
                "/lib/libc.so.6: 5 of 5 locations left unsymbolized: binary not found",
            ]
        );
        assert!(!s.main_unresolved());
        s.mappings[0].symbolized = 0;
        s.mappings[1].symbolized = 0;
        assert!(s.main_unresolved());
    }
}
