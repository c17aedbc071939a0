//! Text of `pprof -callgrind` (the callgrind format KCachegrind reads), in
//! pprof's layout: names compressed to `(N) name` on first use and `(N)`
//! after, addresses relative to the previous node when that is shorter.

use crate::report::callgrind::CallgrindReport;
use rustc_hash::FxHashMap;
use std::io::{self, Write};

/// `(N) name` the first time, `(N)` afterwards, "" for an empty name.
fn compress(names: &mut FxHashMap<String, usize>, name: &str) -> String {
    if name.is_empty() {
        return String::new();
    }
    if let Some(id) = names.get(name) {
        return format!("({id})");
    }
    let id = names.len() + 1;
    names.insert(name.to_string(), id);
    format!("({id}) {name}")
}

/// The address, or `*` (same as before), or `+N`/`-N` when shorter.
fn address(prev: Option<u64>, curr: u64) -> String {
    let abs = format!("{curr:#x}");
    let Some(prev) = prev else { return abs };
    if prev == curr {
        return "*".into();
    }
    let rel = format!("{:+}", curr.wrapping_sub(prev) as i64);
    if rel.len() < abs.len() { rel } else { abs }
}

pub fn write(r: &CallgrindReport, w: &mut dyn Write) -> io::Result<()> {
    writeln!(w, "positions: instr line")?;
    writeln!(w, "events: {}({})", r.sample_type, r.output_unit)?;
    let (mut objs, mut files, mut names) = Default::default();
    let mut prev: Option<usize> = None;
    for (k, n) in r.nodes.iter().enumerate() {
        let changed = match prev {
            None => true,
            Some(p) => {
                let q = &r.nodes[p];
                q.objfile != n.objfile || q.file != n.file || q.name != n.name
            }
        };
        if changed {
            writeln!(w)?;
            writeln!(w, "ob={}", compress(&mut objs, &n.objfile))?;
            writeln!(w, "fl={}", compress(&mut files, &n.file))?;
            writeln!(w, "fn={}", compress(&mut names, &n.name))?;
        }
        let prev_addr = prev.map(|p| r.nodes[p].address);
        writeln!(
            w,
            "{} {} {}",
            address(prev_addr, n.address),
            n.lineno,
            n.flat
        )?;
        for &(callee, weight) in &n.calls {
            let c = &r.nodes[callee];
            writeln!(w, "cfl={}", compress(&mut files, &c.file))?;
            writeln!(w, "cfn={}", compress(&mut names, &c.callee_name))?;
            writeln!(w, "calls=0 {} {}", address(prev_addr, c.address), c.lineno)?;
            writeln!(w, "* * {weight}")?;
        }
        prev = Some(k);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_and_address_compression() {
        let mut m = FxHashMap::default();
        assert_eq!(compress(&mut m, "a"), "(1) a");
        assert_eq!(compress(&mut m, "b"), "(2) b");
        assert_eq!(compress(&mut m, "a"), "(1)");
        assert_eq!(compress(&mut m, ""), "");
        assert_eq!(address(None, 0x10), "0x10");
        assert_eq!(address(Some(0x10), 0x10), "*");
        assert_eq!(address(Some(0x4deec4), 0x4debc4), "-768");
        assert_eq!(address(Some(0), 0x4deec4), "0x4deec4");
    }
}
