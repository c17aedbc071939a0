//! Runtime address -> address in the binary ("base" arithmetic), following
//! pprof's `internal/elfexec` rules so a mapping is read the way pprof
//! reads it: fake mappings spanning the address space, ET_EXEC, ET_DYN
//! (PIE executables and shared libraries), ET_REL and the kernel cases.
//!
//! Everything here is a pure function of the mapping's start/limit/offset
//! and the binary's ELF type and `PT_LOAD` program headers, so the rules
//! are tested by table (the cases of pprof's `elfexec_test.go`).

use std::fmt;

const PAGE_SIZE: u64 = 4096;

/// The ELF file types the rules distinguish.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ElfType {
    Exec,
    Dyn,
    Rel,
    Other(u16),
}

impl ElfType {
    pub fn from_e_type(t: u16) -> ElfType {
        match t {
            1 => ElfType::Rel,
            2 => ElfType::Exec,
            3 => ElfType::Dyn,
            x => ElfType::Other(x),
        }
    }
}

/// A program header, reduced to what the rules need.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ProgHeader {
    pub is_load: bool,
    pub executable: bool,
    pub off: u64,
    pub vaddr: u64,
    pub filesz: u64,
    pub memsz: u64,
    pub align: u64,
}

/// Why no base could be computed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaseError(pub String);

impl fmt::Display for BaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The value to subtract from a runtime address to get an address in the
/// binary's own (symbol table / DWARF) address space.
///
/// `load` is the program header that maps the address (None when unknown),
/// `stext` the address of the kernel's `_stext` symbol (None for user space).
pub fn get_base(
    ty: ElfType,
    load: Option<&ProgHeader>,
    stext: Option<u64>,
    start: u64,
    limit: u64,
    offset: u64,
) -> Result<u64, BaseError> {
    // A mapping covering the whole address space: addresses are already
    // addresses in the binary (jemalloc_pprof writes such mappings).
    if start == 0 && offset == 0 && (limit == u64::MAX || limit == 0) {
        return Ok(0);
    }
    match ty {
        ElfType::Exec => {
            let Some(ls) = load else {
                return Ok(0);
            };
            if stext.is_none() && start > 0 && start < 1 << 63 {
                return Ok(start
                    .wrapping_sub(offset)
                    .wrapping_add(ls.off)
                    .wrapping_sub(ls.vaddr));
            }
            if let Some(b) = kernel_base(ls, stext, start, limit, offset) {
                return Ok(b);
            }
            if start == 0 && limit != 0 && stext.is_none() {
                return Ok(start.wrapping_sub(ls.vaddr));
            }
            Err(BaseError(format!(
                "cannot place an ET_EXEC mapping start={start:#x} limit={limit:#x} offset={offset:#x}"
            )))
        }
        ElfType::Rel => {
            if offset != 0 {
                return Err(BaseError(
                    "a relocatable object mapped at a non-zero offset".into(),
                ));
            }
            Ok(start)
        }
        ElfType::Dyn => {
            let Some(ls) = load else {
                return Ok(start.wrapping_sub(offset));
            };
            if let Some(b) = kernel_base(ls, stext, start, limit, offset) {
                return Ok(b);
            }
            Ok(start
                .wrapping_sub(offset)
                .wrapping_add(ls.off)
                .wrapping_sub(ls.vaddr))
        }
        ElfType::Other(t) => Err(BaseError(format!("unsupported ELF type {t}"))),
    }
}

/// The kernel heuristics: perf's `_stext`-as-start, ASLR kernels, ChromeOS
/// kernels remapped to page 0.
fn kernel_base(
    ls: &ProgHeader,
    stext: Option<u64>,
    start: u64,
    limit: u64,
    offset: u64,
) -> Option<u64> {
    const PPC64_PAGE_OFFSET: u64 = 0xc000_0000_0000_0000;
    if ls.vaddr == start.wrapping_sub(offset) {
        return Some(offset);
    }
    if let Some(st) = stext {
        if start == 0 && limit != 0 {
            return Some(start.wrapping_sub(st));
        }
    }
    if start >= 1 << 63
        && limit > start
        && (offset == 0 || offset == PPC64_PAGE_OFFSET || offset == start)
    {
        if let Some(st) = stext {
            if start % PAGE_SIZE == st % PAGE_SIZE {
                return Some(start.wrapping_sub(st));
            }
        }
        return Some(start.wrapping_sub(ls.vaddr));
    }
    if let Some(st) = stext {
        if !start.is_multiple_of(PAGE_SIZE) && st % PAGE_SIZE == start % PAGE_SIZE {
            return Some(start.wrapping_sub(st));
        }
    }
    None
}

/// The `PT_LOAD` headers that overlap a runtime mapping of `map_sz` bytes
/// at file offset `map_off` (segments without file bytes are skipped:
/// their offsets mean nothing).
pub fn program_headers_for_mapping(
    phdrs: &[ProgHeader],
    map_off: u64,
    map_sz: u64,
) -> Vec<&ProgHeader> {
    let map_limit = map_off.saturating_add(map_sz);
    let mut out = Vec::new();
    for p in phdrs {
        if p.filesz == 0 || !p.is_load {
            continue;
        }
        let seg_limit = p.off.saturating_add(p.memsz);
        if !(map_off < seg_limit && p.off < map_limit) {
            continue;
        }
        let align_mask = p.align.wrapping_sub(1);
        let aligned_off = p.off.saturating_sub(p.vaddr & align_mask);
        // The mapping begins before the segment's page: another segment.
        if map_off < aligned_off {
            continue;
        }
        // Starts inside the segment, covers less than a page of it and
        // runs at least a page past it: another segment.
        if map_off > p.off
            && seg_limit < map_off.saturating_add(PAGE_SIZE)
            && map_limit >= seg_limit.saturating_add(PAGE_SIZE)
        {
            continue;
        }
        out.push(p);
    }
    out
}

/// The single header among `headers` whose file range holds `file_offset`.
pub fn header_for_file_offset<'a>(
    headers: &[&'a ProgHeader],
    file_offset: u64,
) -> Result<&'a ProgHeader, BaseError> {
    let mut found: Option<&ProgHeader> = None;
    for h in headers {
        if file_offset >= h.off && file_offset < h.off.saturating_add(h.memsz) {
            if found.is_some() {
                return Err(BaseError(format!(
                    "two program headers hold file offset {file_offset:#x} (a stripped binary, or a segment with uninitialized data?)"
                )));
            }
            found = Some(h);
        }
    }
    found.ok_or_else(|| {
        BaseError(format!(
            "no program header holds file offset {file_offset:#x}"
        ))
    })
}

/// The program header to use for a mapping and the first address looked
/// up in it (pprof's `findProgramHeader`). `text` is the executable
/// `PT_LOAD` holding `.text`, used for kernel-like and whole-space
/// mappings.
pub fn find_program_header<'a>(
    phdrs: &'a [ProgHeader],
    text: Option<&'a ProgHeader>,
    start: u64,
    limit: u64,
    offset: u64,
    addr: u64,
) -> Result<Option<&'a ProgHeader>, BaseError> {
    if start >= limit || limit >= 1 << 63 {
        return Ok(text);
    }
    if !phdrs.iter().any(|p| p.is_load) {
        return Ok(None);
    }
    let hs = program_headers_for_mapping(phdrs, offset, limit - start);
    match hs.len() {
        0 => Err(BaseError("no program header matches the mapping".into())),
        1 => Ok(Some(hs[0])),
        _ => header_for_file_offset(&hs, addr.wrapping_sub(start).wrapping_add(offset)).map(Some),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ph(x: bool, off: u64, vaddr: u64, filesz: u64, memsz: u64, align: u64) -> ProgHeader {
        ProgHeader {
            is_load: true,
            executable: x,
            off,
            vaddr,
            filesz,
            memsz,
            align,
        }
    }

    fn hdr(vaddr: u64, off: u64) -> ProgHeader {
        ProgHeader {
            vaddr,
            off,
            ..Default::default()
        }
    }

    #[test]
    fn get_base_table() {
        use ElfType::*;
        let ls_offset = hdr(0x400000, 0x200000);
        let kernel = hdr(0xffffffff81000000, 0);
        let kernel_aslr = hdr(0xffffffff80200000, 0x1000);
        let kernel_pie_aligned = hdr(0xffff800010010000, 0x10000);
        let kernel_pie_unaligned = hdr(0xffffffc010080800, 0x10800);
        let ppc64 = hdr(0xc000000000000000, 0);
        type Case<'a> = (
            &'a str,
            ElfType,
            Option<&'a ProgHeader>,
            Option<u64>,
            u64,
            u64,
            u64,
            Option<u64>,
        );
        let cases: Vec<Case> = vec![
            ("exec", Exec, None, None, 0x400000, 0, 0, Some(0)),
            (
                "exec offset",
                Exec,
                Some(&ls_offset),
                None,
                0x400000,
                0x800000,
                0,
                Some(0x200000),
            ),
            (
                "exec offset 2",
                Exec,
                Some(&ls_offset),
                None,
                0x200000,
                0x600000,
                0,
                Some(0),
            ),
            ("exec nomap", Exec, None, None, 0, 0, 0, Some(0)),
            (
                "exec kernel",
                Exec,
                Some(&kernel),
                Some(0xffffffff81000198),
                0xffffffff82000198,
                0xffffffff83000198,
                0,
                Some(0x1000000),
            ),
            (
                "exec kernel 2",
                Exec,
                Some(&kernel),
                Some(0xffffffff810002b8),
                0xffffffff81000000,
                0xffffffffa0000000,
                0,
                Some(0),
            ),
            (
                "exec kernel ASLR",
                Exec,
                Some(&kernel),
                Some(0xffffffff810002b8),
                0xffffffff81000000,
                0xffffffffa0000000,
                0xffffffff81000000,
                Some(0),
            ),
            (
                "exec kernel ASLR 2",
                Exec,
                Some(&kernel_aslr),
                None,
                0xffffffff83e00000,
                0xfffffffffc3fffff,
                0x3c00000,
                Some(0x3c00000),
            ),
            (
                "exec PPC64 kernel",
                Exec,
                Some(&ppc64),
                Some(0xc000000000000000),
                0xc000000000000000,
                0xd00000001a730000,
                0,
                Some(0),
            ),
            (
                "exec chromeos kernel",
                Exec,
                Some(&kernel),
                Some(0xffffffff81000198),
                0,
                0x10197,
                0,
                Some(0x7efffe68),
            ),
            (
                "exec chromeos kernel 2",
                Exec,
                Some(&kernel),
                Some(0xffffffff81000198),
                0,
                0x10198,
                0,
                Some(0x7efffe68),
            ),
            (
                "exec chromeos kernel 3",
                Exec,
                Some(&kernel),
                Some(0xffffffff81000198),
                0x198,
                0x100000,
                0,
                Some(0x7f000000),
            ),
            (
                "exec chromeos kernel 4",
                Exec,
                Some(&kernel),
                Some(0xffffffff81200198),
                0x198,
                0x100000,
                0,
                Some(0x7ee00000),
            ),
            (
                "exec chromeos kernel unremapped",
                Exec,
                Some(&kernel),
                Some(0xffffffff810001c8),
                0xffffffff834001c8,
                0xffffffffc0000000,
                0xffffffff834001c8,
                Some(0x2400000),
            ),
            (
                "dyn",
                Dyn,
                None,
                None,
                0x200000,
                0x300000,
                0,
                Some(0x200000),
            ),
            (
                "dyn map",
                Dyn,
                Some(&ls_offset),
                None,
                0,
                0x300000,
                0,
                Some(0xFFFFFFFFFFE00000),
            ),
            ("dyn nomap", Dyn, None, None, 0, 0, 0, Some(0)),
            (
                "dyn map+offset",
                Dyn,
                Some(&ls_offset),
                None,
                0x900000,
                0xa00000,
                0x200000,
                Some(0x500000),
            ),
            (
                "dyn kernel",
                Dyn,
                Some(&kernel_pie_aligned),
                Some(0xffff800010000000),
                0xffff800010000000,
                0xffff800012815c00,
                0xffff800010000000,
                Some(0),
            ),
            (
                "dyn chromeos aslr kernel",
                Dyn,
                Some(&kernel_pie_unaligned),
                Some(0xffffffc010080800),
                0x800,
                0xb7f800,
                0,
                Some(0x3feff80000),
            ),
            (
                "dyn chromeos aslr kernel unremapped",
                Dyn,
                Some(&kernel_pie_unaligned),
                Some(0xffffffc010080800),
                0xffffffdb5d680800,
                0xffffffdb5e200000,
                0xffffffdb5d680800,
                Some(0x1b4d600000),
            ),
            (
                "rel",
                Rel,
                None,
                None,
                0x2000000,
                0x3000000,
                0,
                Some(0x2000000),
            ),
            ("rel nomap", Rel, None, None, 0, u64::MAX, 0, Some(0)),
            ("rel offset", Rel, None, None, 0x100000, 0x200000, 1, None),
            // jemalloc_pprof: every mapping spans the address space, offset 0.
            (
                "whole space dyn",
                Dyn,
                Some(&ls_offset),
                None,
                0,
                u64::MAX,
                0,
                Some(0),
            ),
        ];
        for (label, ty, load, stext, start, limit, offset, want) in cases {
            let got = get_base(ty, load, stext, start, limit, offset).ok();
            assert_eq!(got, want, "{label}");
        }
    }

    #[test]
    fn headers_for_mapping_table() {
        let tiny = [
            ph(true, 0, 0, 0xc80, 0xc80, 0x200000),
            ph(false, 0xc80, 0x200c80, 0x1f0, 0x1f0, 0x200000),
        ];
        let tiny_bad_bss = [
            ph(true, 0, 0, 0xc80, 0xc80, 0x200000),
            ph(false, 0xc80, 0x200c80, 0x100, 0x1f0, 0x200000),
            ph(false, 0xd80, 0x400d80, 0x90, 0x90, 0x200000),
        ];
        let small = [
            ProgHeader {
                is_load: false,
                ..ph(true, 0x40, 0x400040, 0x1f8, 0x1f8, 8)
            },
            ph(true, 0, 0x400000, 0x6fc, 0x6fc, 0x200000),
            ph(false, 0xe10, 0x600e10, 0x230, 0x238, 0x200000),
        ];
        let medium = [
            ph(true, 0, 0, 0x354ca0, 0x354ca0, 0x200000),
            ph(false, 0x400000, 600000, 0x0083b8, 0x009000, 0x200000),
            ph(false, 0x600000, 0xa00000, 0x007030, 0x9cf090, 0x200000),
            ph(false, 0x7cf090, 0x15cf090, 0x028460, 0x028460, 0x200000),
            ph(false, 0x7f7500, 0x17f7500, 0x001f80, 0x5bdd9a0, 0x200000),
        ];
        let large = [
            ph(true, 0, 0, 0x2ec5d2c0, 0x2ec5d2c0, 0x200000),
            ph(
                false, 0x2ec5d2c0, 0x2ee5d2c0, 0x1361118, 0x1361150, 0x200000,
            ),
            ph(false, 0x2ffbe440, 0x303be440, 0x4637c0, 0xc91610, 0x200000),
        ];
        let large_ro = [
            ph(false, 0, 0, 0x81c5628, 0x81c5628, 0x200000),
            ph(false, 0x81c6000, 0x83c6000, 0x1af7fb0, 0x1af7fb0, 0x200000),
            ph(true, 0x9cbdfc0, 0xa0bdfc0, 0x16e68fc0, 0x16e68fc0, 0x200000),
            ph(
                false, 0x20c00000, 0x21200000, 0x1c602f8, 0x1c61000, 0x200000,
            ),
            ph(
                false, 0x22a00000, 0x23200000, 0x120ed30, 0x1d2c2e0, 0x200000,
            ),
            ph(
                false, 0x23d2c2e0, 0x2512c2e0, 0x2cbc4dc, 0x2cbc4dc, 0x200000,
            ),
            ph(false, 0x269e87c0, 0x27fe87c0, 0x6f43c8, 0x736e00, 0x200000),
        ];
        let ffmpeg = [
            ph(true, 0, 0x200000, 0x48d8410, 0x48d8410, 0x200000),
            ph(false, 0x48d8440, 0x4cd8440, 0x18cbe0, 0xd2fb70, 0x200000),
        ];
        let sentry = [
            ph(true, 0, 0x7f0000000000, 0xbc64d5, 0xbc64d5, 0x1000),
            ph(false, 0xbc7000, 0x7f0000bc7000, 0xcd6b30, 0xcd6b30, 0x1000),
            ph(false, 0x189e000, 0x7f000189e000, 0x58180, 0x92d10, 0x1000),
        ];
        let no_file_bits = [
            ph(false, 0, 0, 0x115000, 0x115000, 0x1000),
            ph(true, 0x115000, 0x115000, 0x361e15, 0x361e15, 0x1000),
            ph(false, 0, 0x477000, 0, 0x33c, 0x1000),
            ph(false, 0, 0x478000, 0, 0x47dc28, 0x1000),
            ph(false, 0x477000, 0x8f6000, 0x140, 0x140, 0x1000),
            ph(false, 0x478000, 0x8f7000, 0x38, 0x38, 0x1000),
        ];
        type Case<'a> = (&'a str, &'a [ProgHeader], u64, u64, Vec<usize>);
        let cases: Vec<Case> = vec![
            ("no headers", &[], 0, 0x1000, vec![]),
            ("tiny 4KB at 0 matches both", &tiny, 0, 0x1000, vec![0, 1]),
            (
                "tiny offset 4KB matches none",
                &tiny,
                0x1000,
                0x1000,
                vec![],
            ),
            ("tiny unaligned memsz: exec", &tiny, 0, 0xc80, vec![0]),
            ("tiny unaligned offset: data", &tiny, 0xc80, 0x1000, vec![1]),
            (
                "tiny bad bss: all three",
                &tiny_bad_bss,
                0,
                0x1000,
                vec![0, 1, 2],
            ),
            ("small 4KB at 0: both", &small, 0, 0x1000, vec![1, 2]),
            ("small 8KB at 0: both", &small, 0, 0x2000, vec![1, 2]),
            ("small offset 4KB: data", &small, 0x1000, 0x1000, vec![2]),
            ("small offset 8KB: none", &small, 0x2000, 0x1000, vec![]),
            ("medium whole space: exec", &medium, 0, 0x73d5000, vec![0]),
            ("large exec", &large, 0, 0x2ec5e000, vec![0]),
            ("large first data", &large, 0x2ec5d000, 0x1362000, vec![1]),
            (
                "large split second data",
                &large,
                0x2ffbe000,
                0xb11000,
                vec![2],
            ),
            (
                "large with RO",
                &large_ro,
                0x9c00000,
                0x16f27000,
                vec![1, 2],
            ),
            (
                "sentry last page of exec",
                &sentry,
                0xbc6000,
                0x1000,
                vec![0],
            ),
            ("ffmpeg split exec", &ffmpeg, 0, 0x48d8000, vec![0]),
            (
                "segments without file bits",
                &no_file_bits,
                0x115000,
                0x362000,
                vec![1],
            ),
        ];
        for (label, phdrs, off, sz, want) in cases {
            let got = program_headers_for_mapping(phdrs, off, sz);
            let want: Vec<&ProgHeader> = want.iter().map(|&i| &phdrs[i]).collect();
            assert_eq!(got, want, "{label}");
        }
    }

    #[test]
    fn header_for_offset_table() {
        let bss_last = [
            ph(true, 0, 0, 0xc80, 0xc80, 0x200000),
            ph(false, 0xc80, 0x200c80, 0x1f0, 0x1f0, 0x200000),
            ph(false, 0xe70, 0x400e70, 0x90, 0x100, 0x200000),
        ];
        let bss_second = [
            ph(true, 0, 0, 0xc80, 0xc80, 0x200000),
            ph(false, 0xc80, 0x200c80, 0x100, 0x1f0, 0x200000),
            ph(false, 0xd80, 0x400d80, 0x100, 0x100, 0x200000),
        ];
        let last: Vec<&ProgHeader> = bss_last.iter().collect();
        let second: Vec<&ProgHeader> = bss_second.iter().collect();
        assert!(header_for_file_offset(&[], 0).is_err());
        assert_eq!(header_for_file_offset(&last, 0xc79), Ok(&bss_last[0]));
        assert_eq!(header_for_file_offset(&last, 0xc80), Ok(&bss_last[1]));
        assert_eq!(header_for_file_offset(&last, 0xef0), Ok(&bss_last[2]));
        assert_eq!(header_for_file_offset(&last, 0xf40), Ok(&bss_last[2]));
        assert!(header_for_file_offset(&last, 0xf70).is_err());
        assert_eq!(header_for_file_offset(&second, 0xd79), Ok(&bss_second[1]));
        assert!(header_for_file_offset(&second, 0xd80).is_err());
    }
}
