//! Arbitrary bytes as the binary given to the symbolizer: object parsing,
//! program headers, build ID, DWARF (addr2line, inlined frames, line
//! programs) and the symbol table. Nothing may panic.
#![no_main]

use heapscope::symbolize::binary::Binary;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(b) = Binary::from_bytes(Path::new("fuzz.bin"), data) else {
        return;
    };
    let _ = (b.has_dwarf(), b.has_symbols());
    let mut frames = Vec::new();
    // Probe a few addresses, including ones taken from the input.
    let mut probes = vec![0u64, 0x1000, 0x401000, u64::MAX];
    for c in data.chunks_exact(8).take(16) {
        probes.push(u64::from_le_bytes(c.try_into().unwrap()));
    }
    for a in probes {
        frames.clear();
        b.dwarf_frames(a, &mut frames);
        for f in &frames {
            let _ = f.name.as_ref().map(|n| n.as_str().len());
            let _ = (
                f.file.as_ref().map(|x| x.len()),
                f.line,
                f.column,
                f.start_line,
            );
        }
        let _ = b.symbol_at(a);
    }
});
