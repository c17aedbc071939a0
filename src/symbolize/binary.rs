//! One binary opened for symbolization: its build ID, what the base
//! arithmetic needs (ELF type and program headers, or the Mach-O/PE base),
//! one addr2line context over its DWARF (built once, reused for every
//! address), and its symbol table as the fallback when there is no DWARF
//! for an address.
//!
//! The file is read once; sections are copied into shared buffers so the
//! binary owns its data and no lifetime ties it to the file bytes.

use super::elfexec::{ElfType, ProgHeader};
use gimli::Reader as _;
use object::read::elf::{FileHeader, ProgramHeader};
use object::{Object, ObjectSection, ObjectSegment, ObjectSymbol, SymbolKind};
use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub(crate) type Reader = gimli::EndianArcSlice<gimli::RunTimeEndian>;

/// Why a binary could not be used at all.
#[derive(Debug)]
pub enum OpenError {
    Io(std::io::Error),
    Parse(String),
}

impl fmt::Display for OpenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpenError::Io(e) => write!(f, "{e}"),
            OpenError::Parse(e) => write!(f, "not a readable binary: {e}"),
        }
    }
}

/// What the base computation knows about the file format.
#[derive(Debug, Clone)]
pub enum Layout {
    Elf {
        ty: ElfType,
        phdrs: Vec<ProgHeader>,
        /// The executable `PT_LOAD` holding `.text`.
        text: Option<ProgHeader>,
    },
    /// Mach-O or PE: runtime address = symbol address + (start - `base`).
    Image { base: u64 },
}

/// A function name: a slice of the binary's DWARF strings (cloning it is a
/// reference count, not a copy) or a symbol table entry.
pub enum Name<'a> {
    Dwarf(Reader),
    Symbol(&'a str),
}

impl Name<'_> {
    pub fn as_str(&self) -> Cow<'_, str> {
        match self {
            Name::Dwarf(r) => gimli::Reader::to_string_lossy(r).unwrap_or(Cow::Borrowed("")),
            Name::Symbol(s) => Cow::Borrowed(s),
        }
    }
}

/// One frame found for an address; strings borrow from the binary.
pub struct Frame<'a> {
    pub name: Option<Name<'a>>,
    pub file: Option<Cow<'a, str>>,
    pub line: u32,
    pub column: u32,
    pub start_line: u32,
}

struct Sym {
    addr: u64,
    size: u64,
    name: Box<str>,
}

pub struct Binary {
    pub path: PathBuf,
    /// Lowercase hex GNU build ID, "" when the file has none.
    pub build_id: String,
    pub layout: Layout,
    /// The `.gnu_debuglink` file name, when the binary names its debug file.
    pub debuglink: Option<String>,
    ctx: Option<addr2line::Context<Reader>>,
    /// For start lines declared in another compilation unit.
    units: UnitIndex,
    /// Set once a DWARF lookup panicked; DWARF is not used after that.
    dwarf_broken: std::sync::atomic::AtomicBool,
    symbols: Vec<Sym>,
}

thread_local! {
    /// True while a contained call runs: the panic hook stays quiet then.
    static CONTAINED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f`, turning a panic into `None` without printing the panic
/// message (the process-wide hook is wrapped once to stay quiet for
/// contained calls only; other panics still print).
pub(crate) fn contained<T>(f: impl FnOnce() -> T) -> Option<T> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let prev = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !CONTAINED.with(|c| c.get()) {
                prev(info);
            }
        }));
    });
    let was = CONTAINED.with(|c| c.replace(true));
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    CONTAINED.with(|c| c.set(was));
    r.ok()
}

impl Binary {
    pub fn open(path: &Path) -> Result<Binary, OpenError> {
        let data = std::fs::read(path).map_err(OpenError::Io)?;
        Self::from_bytes(path, &data)
    }

    /// Parses a binary already in memory (`path` is only recorded).
    pub fn from_bytes(path: &Path, data: &[u8]) -> Result<Binary, OpenError> {
        // Parsing untrusted object files and DWARF is third-party code; a
        // panic in it is an unreadable binary, not a crash.
        contained(|| Self::parse(path, data)).unwrap_or_else(|| {
            Err(OpenError::Parse(
                "the object file could not be parsed".into(),
            ))
        })
    }

    fn parse(path: &Path, data: &[u8]) -> Result<Binary, OpenError> {
        let file = object::File::parse(data).map_err(|e| OpenError::Parse(e.to_string()))?;
        let build_id = match file.build_id() {
            Ok(Some(b)) => b.iter().map(|x| format!("{x:02x}")).collect(),
            _ => String::new(),
        };
        let layout = match &file {
            object::File::Elf32(f) => elf_layout(f.elf_header(), f.data(), &file),
            object::File::Elf64(f) => elf_layout(f.elf_header(), f.data(), &file),
            _ => {
                let base = file
                    .segments()
                    .find(|s| matches!(s.name(), Ok(Some("__TEXT"))))
                    .map(|s| s.address())
                    .unwrap_or_else(|| file.relative_address_base());
                Ok(Layout::Image { base })
            }
        }
        .map_err(OpenError::Parse)?;
        let ctx = dwarf_context(&file);
        let debuglink = match file.gnu_debuglink() {
            Ok(Some((name, _crc))) => Some(String::from_utf8_lossy(name).into_owned()),
            _ => None,
        };
        let mut symbols: Vec<Sym> = file
            .symbols()
            .chain(file.dynamic_symbols())
            .filter(|s| s.kind() == SymbolKind::Text && s.is_definition() && s.address() != 0)
            .filter_map(|s| {
                let name = s.name().ok()?;
                (!name.is_empty()).then(|| Sym {
                    addr: s.address(),
                    size: s.size(),
                    name: name.into(),
                })
            })
            .collect();
        // Among aliases at one address keep the largest size, then the
        // greatest name (llvm-symbolizer's choice, which pprof shows).
        symbols.sort_by(|a, b| {
            a.addr
                .cmp(&b.addr)
                .then(b.size.cmp(&a.size))
                .then(b.name.cmp(&a.name))
        });
        symbols.dedup_by_key(|s| s.addr);
        Ok(Binary {
            path: path.to_path_buf(),
            build_id,
            layout,
            debuglink,
            ctx,
            dwarf_broken: std::sync::atomic::AtomicBool::new(false),
            units: UnitIndex::default(),
            symbols,
        })
    }

    pub fn has_dwarf(&self) -> bool {
        self.ctx.is_some()
    }

    pub fn has_symbols(&self) -> bool {
        !self.symbols.is_empty()
    }

    /// The DWARF frames at `probe` (an address in the binary), innermost
    /// first, appended to `out`.
    ///
    /// The DWARF readers (gimli, addr2line) are third-party code walking
    /// untrusted data; a panic inside them is contained here: the binary's
    /// DWARF is then no longer used and lookups fall back to the symbol
    /// table, so a hostile binary degrades symbolization, never the run.
    pub fn dwarf_frames<'a>(&'a self, probe: u64, out: &mut Vec<Frame<'a>>) {
        let Some(ctx) = &self.ctx else {
            return;
        };
        if self.dwarf_broken.load(std::sync::atomic::Ordering::Relaxed) {
            return;
        }
        match contained(|| {
            let mut frames = Vec::new();
            dwarf_frames(ctx, &self.units, probe, &mut frames);
            frames
        }) {
            Some(frames) => out.extend(frames),
            None => self
                .dwarf_broken
                .store(true, std::sync::atomic::Ordering::Relaxed),
        }
    }

    /// Whether a symbol with a size holds `probe` (a size-0 symbol such as
    /// `_fini` "holds" every address after it, which proves nothing).
    pub fn sized_symbol_holds(&self, probe: u64) -> bool {
        let i = self.symbols.partition_point(|s| s.addr <= probe);
        i.checked_sub(1)
            .and_then(|i| self.symbols.get(i))
            .is_some_and(|s| s.size != 0 && probe < s.addr.saturating_add(s.size))
    }

    /// Whether `probe` lies in an executable `PT_LOAD` segment; None when
    /// the format has no program headers to tell.
    pub fn in_executable_segment(&self, probe: u64) -> Option<bool> {
        match &self.layout {
            Layout::Elf { phdrs, .. } if phdrs.iter().any(|p| p.is_load && p.executable) => {
                Some(phdrs.iter().any(|p| {
                    p.is_load
                        && p.executable
                        && probe >= p.vaddr
                        && probe < p.vaddr.saturating_add(p.memsz)
                }))
            }
            _ => None,
        }
    }

    /// The symbol table entry holding `probe`.
    pub fn symbol_at(&self, probe: u64) -> Option<&str> {
        let i = self.symbols.partition_point(|s| s.addr <= probe);
        let s = self.symbols.get(i.checked_sub(1)?)?;
        if s.size != 0 && probe >= s.addr.saturating_add(s.size) {
            return None;
        }
        Some(&s.name)
    }
}

fn elf_layout<Elf: FileHeader<Endian = object::Endianness>>(
    h: &Elf,
    data: &[u8],
    file: &object::File<'_>,
) -> Result<Layout, String> {
    let e = h.endian().map_err(|e| e.to_string())?;
    let ty = ElfType::from_e_type(h.e_type(e));
    let phdrs: Vec<ProgHeader> = h
        .program_headers(e, data)
        .map_err(|e| e.to_string())?
        .iter()
        .map(|p| {
            let x = |v: u64| v;
            ProgHeader {
                is_load: p.p_type(e) == object::elf::PT_LOAD,
                executable: p.p_flags(e) & object::elf::PF_X != 0,
                off: x(p.p_offset(e).into()),
                vaddr: x(p.p_vaddr(e).into()),
                filesz: x(p.p_filesz(e).into()),
                memsz: x(p.p_memsz(e).into()),
                align: x(p.p_align(e).into()),
            }
        })
        .collect();
    let text = file.section_by_name(".text").and_then(|s| {
        let a = s.address();
        phdrs
            .iter()
            .find(|p| {
                p.is_load && p.executable && a >= p.vaddr && a < p.vaddr.saturating_add(p.memsz)
            })
            .copied()
    });
    Ok(Layout::Elf { ty, phdrs, text })
}

fn dwarf_context(file: &object::File<'_>) -> Option<addr2line::Context<Reader>> {
    let has_info = file
        .section_by_name(".debug_info")
        .or_else(|| file.section_by_name("__debug_info"))
        .is_some_and(|s| s.size() > 0);
    if !has_info {
        return None;
    }
    let endian = if file.is_little_endian() {
        gimli::RunTimeEndian::Little
    } else {
        gimli::RunTimeEndian::Big
    };
    let load = |id: gimli::SectionId| -> Result<Reader, gimli::Error> {
        let data: Arc<[u8]> = file
            .section_by_name(id.name())
            .or_else(|| id.xcoff_name().and_then(|n| file.section_by_name(n)))
            .and_then(|s| section_data(&s))
            .map(|d| Arc::from(&*d))
            .unwrap_or_else(|| Arc::from(&[][..]));
        Ok(gimli::EndianArcSlice::new(data, endian))
    };
    let dwarf = gimli::Dwarf::load(load).ok()?;
    addr2line::Context::from_dwarf(dwarf).ok()
}

/// A section's bytes, decompressed when needed. A compressed section
/// declares its own uncompressed size, and the object crate reserves that
/// much before inflating; a hostile file can declare terabytes. Sizes that
/// no real compressor reaches from the bytes present (deflate tops out near
/// 1032:1, zstd higher; 4096:1 plus 1 MiB leaves room) are refused, and the
/// section is treated as absent.
fn section_data<'d>(s: &impl object::ObjectSection<'d>) -> Option<std::borrow::Cow<'d, [u8]>> {
    let c = s.compressed_data().ok()?;
    let limit = (c.data.len() as u64)
        .saturating_mul(4096)
        .saturating_add(1 << 20);
    if c.format != object::CompressionFormat::None && c.uncompressed_size > limit {
        return None;
    }
    c.decompress().ok()
}

fn dwarf_frames<'a>(
    ctx: &'a addr2line::Context<Reader>,
    units: &UnitIndex,
    probe: u64,
    out: &mut Vec<Frame<'a>>,
) {
    let Ok(mut it) = ctx.find_frames(probe).skip_all_loads() else {
        return;
    };
    let unit = ctx.find_dwarf_and_unit(probe).skip_all_loads();
    let dir0 = unit.as_ref().and_then(relative_dir0);
    while let Ok(Some(f)) = it.next() {
        let name = f.function.map(|n| Name::Dwarf(n.name));
        let (file, line, column) = match &f.location {
            Some(l) => (
                l.file.map(|f| with_dir0(f, dir0.as_ref())),
                l.line.unwrap_or(0),
                l.column.unwrap_or(0),
            ),
            None => (None, 0, 0),
        };
        let start_line = match (&unit, f.dw_die_offset) {
            (Some(u), Some(off)) => decl_line(units, u, off, DECL_HOPS),
            _ => 0,
        };
        out.push(Frame {
            name,
            file,
            line,
            column,
            start_line,
        });
    }
}

/// For DWARF 5 units whose compilation directory is relative (glibc's
/// `./nptl`), GNU addr2line and llvm-symbolizer join it with directory 0
/// of the line table (`./nptl/./nptl/x.c`) where addr2line-rs writes
/// `./nptl/x.c`; this returns (comp_dir, dir0) so paths can be written as
/// the binutils write them.
fn relative_dir0(u: &gimli::UnitRef<'_, Reader>) -> Option<(String, String)> {
    if u.header.version() < 5 {
        return None;
    }
    let comp = u.comp_dir.as_ref()?.to_string_lossy().ok()?.into_owned();
    if comp.starts_with('/') {
        return None;
    }
    let lp = u.line_program.as_ref()?;
    let d0 = lp.header().include_directories().first()?.clone();
    let d0 = u.attr_string(d0).ok()?.to_string_lossy().ok()?.into_owned();
    if d0.starts_with('/') {
        return None;
    }
    Some((comp, d0))
}

fn with_dir0<'a>(file: &'a str, dir0: Option<&(String, String)>) -> Cow<'a, str> {
    if let Some((comp, d0)) = dir0 {
        if let Some(rest) = file
            .strip_prefix(comp.as_str())
            .and_then(|r| r.strip_prefix('/'))
        {
            if !rest.contains('/') {
                return Cow::Owned(format!("{comp}/{d0}/{rest}"));
            }
        }
    }
    Cow::Borrowed(file)
}

/// DW_AT_decl_line of a function DIE, following abstract origins and
/// specifications (within the unit, or through [`UnitIndex`] into another
/// one) at most `hops` times. This is the start line llvm-symbolizer
/// reports, which pprof keeps in `files` granularity.
fn decl_line(
    units: &UnitIndex,
    unit: &gimli::UnitRef<'_, Reader>,
    mut off: gimli::UnitOffset<usize>,
    mut hops: u32,
) -> u32 {
    loop {
        let Ok(e) = unit.entry(off) else { return 0 };
        if let Ok(Some(v)) = e.attr_value(gimli::DW_AT_decl_line) {
            return v.udata_value().map_or(0, |x| x as u32);
        }
        if hops == 0 {
            return 0;
        }
        hops -= 1;
        let next = [gimli::DW_AT_abstract_origin, gimli::DW_AT_specification]
            .into_iter()
            .find_map(|a| e.attr_value(a).ok().flatten());
        match next {
            Some(gimli::AttributeValue::UnitRef(o)) => off = o,
            Some(gimli::AttributeValue::DebugInfoRef(o)) => {
                return units.decl_line(unit.dwarf, o, hops);
            }
            _ => return 0,
        }
    }
}

/// How many abstract_origin / specification references are followed to
/// find a declaration line (an inlined copy -> its abstract instance -> a
/// declaration inside a type, and one to spare). Cycles end there.
const DECL_HOPS: u32 = 4;

/// Compilation units by their offset in `.debug_info`, read on first use,
/// for references that cross units (`DW_FORM_ref_addr`: LTO and Rust's
/// codegen units put an inlined function's abstract instance in another
/// unit), and the declaration lines already found through them.
#[derive(Default)]
struct UnitIndex {
    headers: std::sync::OnceLock<Vec<gimli::UnitHeader<Reader>>>,
    found: std::sync::Mutex<rustc_hash::FxHashMap<usize, u32>>,
}

impl UnitIndex {
    fn decl_line(
        &self,
        dwarf: &gimli::Dwarf<Reader>,
        at: gimli::DebugInfoOffset<usize>,
        hops: u32,
    ) -> u32 {
        let found = |m: &std::sync::Mutex<rustc_hash::FxHashMap<usize, u32>>| {
            m.lock()
                .unwrap_or_else(|e| e.into_inner())
                .get(&at.0)
                .copied()
        };
        if let Some(l) = found(&self.found) {
            return l;
        }
        let headers = self.headers.get_or_init(|| {
            let mut v = Vec::new();
            let mut it = dwarf.units();
            while let Ok(Some(h)) = it.next() {
                v.push(h);
            }
            v
        });
        let start = |h: &gimli::UnitHeader<Reader>| {
            h.offset()
                .as_debug_info_offset()
                .map_or(usize::MAX, |o| o.0)
        };
        let i = headers.partition_point(|h| start(h) <= at.0);
        let line = i
            .checked_sub(1)
            .and_then(|i| headers.get(i))
            .and_then(|h| Some((h, at.to_unit_offset(h)?)))
            .and_then(|(h, off)| {
                let u = dwarf.unit(h.clone()).ok()?;
                Some(decl_line(self, &u.unit_ref(dwarf), off, hops))
            })
            .unwrap_or(0);
        self.found
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(at.0, line);
        line
    }
}

#[cfg(test)]
mod section_tests {
    use super::section_data;
    use object::{Object, ObjectSection};

    /// Found by the `elf` fuzz target: a compressed section declaring an
    /// uncompressed size of about 1.2 EiB. It must be refused before any
    /// reservation is made.
    #[test]
    fn absurd_compressed_section_sizes_are_refused() {
        let data =
            include_bytes!("../../testdata/fuzz-regressions/elf-huge-compressed-section.bin");
        let file = object::File::parse(&data[..]).unwrap();
        let mut refused = 0;
        for s in file.sections() {
            if let Ok(c) = s.compressed_data() {
                if c.uncompressed_size > 1 << 40 {
                    assert!(section_data(&s).is_none(), "{:?}", s.name());
                    refused += 1;
                }
            }
        }
        assert!(refused > 0, "the fixture should hold an absurd section");
    }
}
