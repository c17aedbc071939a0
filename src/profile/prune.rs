//! pprof's `RemoveUninteresting` / `Prune`: a profile's own `drop_frames`
//! and `keep_frames` expressions (set by pprof for legacy heap profiles,
//! or by any producer) applied when the profile is loaded.
//!
//! Both are anchored, `^(expr)$`, and matched against each frame's function
//! name after a light simplification (a leading `.` removed, and the
//! argument list cut at the first `(` that does not belong to
//! `(anonymous namespace)` or `operator()`).
//!
//! - A location whose outermost matching frame (scanning inlined frames
//!   from the outermost in) is its outermost frame is dropped whole; if
//!   the match is an inner frame, only the frames from it inward are cut.
//! - In each sample, scanning from the root towards the leaf, after at
//!   least one location that matched nothing ("a user frame"), the first
//!   matching location cuts the stack: everything beneath it goes, and the
//!   location itself too when it was dropped whole. Frames before the
//!   first user frame are never pruned, so a stack never becomes empty
//!   just because its root matches.
//!
//! Profiles without function names (unsymbolized legacy profiles) are left
//! unchanged.

use super::{LocIdx, Profile, Samples};
use regex::Regex;

/// A `drop_frames` or `keep_frames` expression that does not compile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PruneError(pub String);

impl std::fmt::Display for PruneError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PruneError {}

/// pprof's `simplifyFunc`.
pub fn simplify_func(name: &str) -> &str {
    let name = name.strip_prefix('.').unwrap_or(name);
    const RESERVED: [&str; 2] = ["(anonymous namespace)", "operator()"];
    let b = name.as_bytes();
    let mut i = 0;
    'scan: while i < b.len() {
        // Bytes, not str slices: `i` may sit inside a multi-byte
        // character (found by fuzzing: a Java frame named `Cacheҏ`).
        for r in RESERVED {
            if b[i..].starts_with(r.as_bytes()) {
                i += r.len();
                continue 'scan;
            }
        }
        if b[i] == b'(' {
            return &name[..i];
        }
        i += 1;
    }
    name
}

fn compile(expr: &str, what: &str) -> Result<Regex, PruneError> {
    Regex::new(&format!("^({expr})$")).map_err(|e| {
        PruneError(format!(
            "the profile's {what} expression does not compile: {e}"
        ))
    })
}

/// Applies the profile's `drop_frames` / `keep_frames` (pprof's
/// `RemoveUninteresting`). Does nothing when `drop_frames` is empty.
pub fn remove_uninteresting(p: &mut Profile) -> Result<(), PruneError> {
    let drop = p.str(p.drop_frames);
    if drop.is_empty() {
        return Ok(());
    }
    if p.functions.iter().all(|f| p.str(f.name).is_empty()) {
        return Ok(());
    }
    let drop = compile(drop, "drop_frames")?;
    let keep_s = p.str(p.keep_frames);
    let keep = if keep_s.is_empty() {
        None
    } else {
        Some(compile(keep_s, "keep_frames")?)
    };
    prune(p, &drop, keep.as_ref());
    Ok(())
}

/// pprof's `Prune(dropRx, keepRx)`.
pub fn prune(p: &mut Profile, drop: &Regex, keep: Option<&Regex>) {
    // Per function: does it start pruning?
    let fn_prunes: Vec<bool> = p
        .functions
        .iter()
        .map(|f| {
            let name = p.str(f.name);
            if name.is_empty() {
                return false;
            }
            let s = simplify_func(name);
            drop.is_match(s) && !keep.is_some_and(|k| k.is_match(s))
        })
        .collect();
    // Per location: 0 untouched, 1 prune beneath, 2 prune whole.
    let mut mark = vec![0u8; p.locations.len()];
    for (li, loc) in p.locations.iter_mut().enumerate() {
        let lines = &p.lines[loc.lines_start as usize..loc.lines_end as usize];
        let Some(i) = (0..lines.len())
            .rev()
            .find(|&i| fn_prunes[lines[i].function.0 as usize])
        else {
            continue;
        };
        if i == lines.len() - 1 {
            mark[li] = 2;
        } else {
            mark[li] = 1;
            loc.lines_start += i as u32 + 1;
        }
    }
    if mark.iter().all(|&m| m == 0) {
        return;
    }
    let s = &p.samples;
    let mut out = Samples {
        stride: s.stride,
        ..Default::default()
    };
    for x in s.iter() {
        let mut locs: &[LocIdx] = x.locs;
        let mut found_user = false;
        for i in (0..locs.len()).rev() {
            let m = mark[locs[i].0 as usize];
            if m == 0 {
                found_user = true;
                continue;
            }
            if !found_user {
                continue;
            }
            locs = if m == 2 { &locs[i + 1..] } else { &locs[i..] };
            break;
        }
        out.push(locs, x.values, x.labels);
    }
    p.samples = out;
    super::debug_assert_valid(p);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simplify() {
        assert_eq!(simplify_func(".foo(int)"), "foo");
        assert_eq!(
            simplify_func("(anonymous namespace)::f(int)"),
            "(anonymous namespace)::f"
        );
        assert_eq!(simplify_func("X::operator()(int)"), "X::operator()");
        assert_eq!(simplify_func("main.f"), "main.f");
        // Multi-byte characters before a '(' (fuzzing found a slice
        // inside one).
        assert_eq!(
            simplify_func("com.Caf\u{e9}\u{48f}.put(int)"),
            "com.Caf\u{e9}\u{48f}.put"
        );
        assert_eq!(simplify_func("\u{48f}"), "\u{48f}");
    }

    /// Sample 0 (leaf first): malloc, [operator new inlined into user],
    /// user, main. Sample 1: user, malloc (an allocator frame at the root).
    fn profile() -> Profile {
        let mut p = crate::profile::Builder::new();
        let [malloc, new, user, main] =
            ["malloc", "operator new", "user", "main"].map(|n| (p.function(n, "", 0), 0));
        let t = p.value_type("space", "bytes");
        p.sample_types.push(t);
        // loc0: malloc; loc1: [operator new (inner), user (outer)]; loc2: user; loc3: main.
        for lines in [&[malloc][..], &[new, user], &[user], &[main]] {
            p.location(None, 0, lines);
        }
        p.samples.stride = 1;
        p.samples
            .push(&[LocIdx(0), LocIdx(1), LocIdx(2), LocIdx(3)], &[1], &[]);
        // A stack that is only allocator frames at its root: kept whole.
        p.samples.push(&[LocIdx(2), LocIdx(0)], &[1], &[]);
        p.finish()
    }

    #[test]
    fn prune_cuts_beneath_first_user_frame() {
        let mut p = profile();
        let drop = Regex::new("^(malloc|operator new(\\[\\])?)$").unwrap();
        prune(&mut p, &drop, None);
        // loc1 = [operator new, user]: matched inner frame, keeps `user` only.
        assert_eq!(p.samples.get(0).locs, &[LocIdx(1), LocIdx(2), LocIdx(3)]);
        let l1 = &p.locations[1];
        assert_eq!(p.lines_of(l1).len(), 1);
        assert_eq!(p.samples.get(1).locs, &[LocIdx(2), LocIdx(0)]);
    }

    #[test]
    fn keep_frames_wins() {
        let mut p = profile();
        let drop = Regex::new("^(malloc)$").unwrap();
        let keep = Regex::new("^(malloc)$").unwrap();
        prune(&mut p, &drop, Some(&keep));
        assert_eq!(p.samples.get(0).locs.len(), 4);
    }
}
