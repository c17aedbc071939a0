//! Demangling of symbol names found while symbolizing: Rust (v0 `_R…` and
//! legacy `_ZN…17h<hash>E`, through rustc-demangle) and Itanium C++
//! (through cpp_demangle), in pprof's three styles:
//!
//! * `default`: simplified as pprof simplifies: no parameters, no
//!   template/generic arguments (Rust v0 keeps an empty `<>`, and a `dyn
//!   Trait`'s associated-type bindings, as pprof's demangler prints them);
//! * `full`: everything the demangler prints, minus clone suffixes;
//! * `none`: names stay as the binary spells them.
//!
//! Names that do not demangle but already look like demangled C++ get
//! their `(...)` and `<...>` groups removed in `default` style, as pprof
//! does.

/// How to demangle function names.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Style {
    None,
    Full,
    #[default]
    Default,
}

/// The display name for `raw` in `style`, or None to keep `raw`.
pub fn demangle(raw: &str, style: Style) -> Option<String> {
    if style == Style::None {
        return None;
    }
    if let Some(s) = demangle_one(raw, style) {
        return Some(s);
    }
    // Mach-O symbols carry an extra leading underscore.
    if let Some(rest) = raw.strip_prefix('_') {
        if let Some(s) = demangle_one(rest, style) {
            return Some(s);
        }
    }
    if style == Style::Default && looks_like_demangled_cpp(raw) {
        let s = remove_matching(&remove_matching(raw, b'(', b')'), b'<', b'>');
        if s != raw {
            return Some(s);
        }
    }
    None
}

fn demangle_one(raw: &str, style: Style) -> Option<String> {
    if raw.starts_with("_R") {
        let d = rustc_demangle::try_demangle(raw).ok()?;
        let s = format!("{d:#}");
        return Some(if style == Style::Default {
            strip_rust_generics(&s)
        } else {
            s
        });
    }
    if raw.starts_with("_ZN") && is_rust_legacy(raw) {
        if style == Style::Default {
            if let Some(q) = go_legacy_underscore_quirk(raw) {
                let d = rustc_demangle::try_demangle(&q).ok()?;
                return Some(format!("{d:#}"));
            }
        }
        let d = rustc_demangle::try_demangle(raw).ok()?;
        return Some(format!("{d:#}"));
    }
    if raw.starts_with("_Z") {
        let sym = cpp_demangle::Symbol::new(raw).ok()?;
        let opts = match style {
            Style::Default => cpp_demangle::DemangleOptions::new()
                .no_params()
                .no_return_type(),
            _ => cpp_demangle::DemangleOptions::new(),
        };
        let s = sym.demangle_with_options(&opts).ok()?;
        let s = strip_clone_suffixes(&s);
        return Some(if style == Style::Default {
            strip_cpp_templates(&s)
        } else {
            s
        });
    }
    None
}

/// pprof's demangler (Go's `demangle` package, `oldRustToString`) reads an
/// underscore right after a component's length as a separator, so a
/// component `28__rust_begin_short_backtrace` prints as
/// `_rust_begin_short_backtrace`. binutils keep both underscores. In the
/// `default` style heapscope prints what pprof prints: this rewrites such
/// components (dropping one leading underscore) before demangling. Returns
/// None when no component changes.
fn go_legacy_underscore_quirk(raw: &str) -> Option<String> {
    let b = raw.as_bytes();
    let mut i = 3; // after "_ZN"
    let mut out = String::from("_ZN");
    let mut changed = false;
    while i < b.len() && b[i] != b'E' {
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let len: usize = raw.get(start..i)?.parse().ok()?;
        let id = raw.get(i..i.checked_add(len)?)?;
        i += len;
        match id.strip_prefix('_') {
            Some(rest)
                if !rest.is_empty()
                    && !rest.starts_with(|c: char| c.is_ascii_digit() || c == '$') =>
            {
                out.push_str(&format!("{}{rest}", rest.len()));
                changed = true;
            }
            _ => out.push_str(&format!("{len}{id}")),
        }
    }
    out.push_str(raw.get(i..)?);
    changed.then_some(out)
}

/// Rust's legacy mangling: an Itanium nested name whose last element is
/// `h` and 16 hex digits.
fn is_rust_legacy(raw: &str) -> bool {
    // `17h` + 16 hex digits + `E`, at the end or before a `.llvm.NNN`-like
    // suffix (the name itself may hold dots: `..` stands for `::`).
    let b = raw.as_bytes();
    b.windows(20).enumerate().any(|(i, w)| {
        &w[..3] == b"17h"
            && w[3..19].iter().all(u8::is_ascii_hexdigit)
            && w[19] == b'E'
            && (i + 20 == b.len() || b[i + 20] == b'.')
    })
}

fn strip_clone_suffixes(s: &str) -> String {
    match s.find(" [clone ") {
        Some(i) => s[..i].to_string(),
        None => s.to_string(),
    }
}

fn looks_like_demangled_cpp(s: &str) -> bool {
    if s.contains(".<") || s.contains("]).") {
        return false;
    }
    s.contains(['<', '>', '[', ']']) || s.contains("::")
}

/// Removes nested `open..close` groups, left to right, as pprof's
/// `removeMatching` does: a stray `close` stops the scan and returns what
/// has been removed so far; an unclosed `open` stays with everything after
/// it. (The delimiters are ASCII, so cutting at them keeps UTF-8 whole.)
fn remove_matching(name: &str, open: u8, close: u8) -> String {
    let mut out = String::with_capacity(name.len());
    let mut depth = 0usize;
    // Start of the group being skipped, in `name`.
    let mut first = 0usize;
    // Start of the text not yet copied to `out`.
    let mut copied = 0usize;
    for (i, c) in name.bytes().enumerate() {
        if c == open {
            depth += 1;
            if depth == 1 {
                first = i;
            }
        } else if c == close {
            if depth == 0 {
                out.push_str(&name[copied..]);
                return out;
            }
            depth -= 1;
            if depth == 0 {
                out.push_str(&name[copied..first]);
                copied = i + 1;
            }
        }
    }
    out.push_str(&name[copied..]);
    out
}

/// C++ without template arguments; the `<`/`>` of operator names survive.
fn strip_cpp_templates(s: &str) -> String {
    const OPS: [&str; 9] = [
        "operator<=>",
        "operator->*",
        "operator->",
        "operator<<=",
        "operator>>=",
        "operator<<",
        "operator>>",
        "operator<=",
        "operator>=",
    ];
    let mut out = String::with_capacity(s.len());
    let mut depth = 0usize;
    let mut i = 0;
    let b = s.as_bytes();
    while i < b.len() {
        if depth == 0 {
            if let Some(op) = OPS
                .iter()
                .chain(["operator<", "operator>"].iter())
                .find(|op| s[i..].starts_with(**op))
            {
                out.push_str(op);
                i += op.len();
                continue;
            }
        }
        let c = b[i];
        match c {
            b'<' => depth += 1,
            b'>' if depth > 0 && !(i > 0 && b[i - 1] == b'-') => depth -= 1,
            _ if depth == 0 => {
                // Push the whole UTF-8 character.
                let ch = s[i..].chars().next().unwrap_or('?');
                out.push(ch);
                i += ch.len_utf8();
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    if depth != 0 {
        return s.to_string();
    }
    out
}

/// Rust v0 names as pprof's default style prints them: generic argument
/// lists emptied (`Box<>`, `::<>`), qualified paths (`<T as Trait>`) kept,
/// and a dyn trait's associated-type bindings kept
/// (`Fn<(), Output = i32>` -> `Fn<, Output = i32>`).
pub(crate) fn strip_rust_generics(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    strip_into(s, &mut out);
    out
}

fn strip_into(s: &str, out: &mut String) {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'<' && is_generic_open(b, i) {
            if let Some(end) = matching_angle(b, i) {
                out.push('<');
                let inner = &s[i + 1..end];
                let items = split_top_level(inner);
                let mut plain = false;
                let mut bindings: Vec<&str> = Vec::new();
                for it in items {
                    if is_binding(it) {
                        bindings.push(it);
                    } else {
                        plain = true;
                    }
                }
                if !bindings.is_empty() {
                    if plain {
                        out.push_str(", ");
                    }
                    for (k, bnd) in bindings.iter().enumerate() {
                        if k > 0 {
                            out.push_str(", ");
                        }
                        strip_into(bnd, out);
                    }
                }
                out.push('>');
                i = end + 1;
                continue;
            }
        }
        let ch = s[i..].chars().next().unwrap_or('?');
        out.push(ch);
        i += ch.len_utf8();
    }
}

/// A `<` opens generic arguments when it follows a name (`Box<`), a
/// closure (`}<`) or a path separator (`::<`); otherwise it opens a
/// qualified path such as `<T as Trait>`.
fn is_generic_open(b: &[u8], i: usize) -> bool {
    if i == 0 {
        return false;
    }
    let p = b[i - 1];
    p.is_ascii_alphanumeric() || p == b'_' || p == b'}' || (p == b':' && i >= 2 && b[i - 2] == b':')
}

fn matching_angle(b: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (j, &c) in b.iter().enumerate().skip(open) {
        match c {
            b'<' => depth += 1,
            b'>' if !(j > 0 && b[j - 1] == b'-') => {
                depth -= 1;
                if depth == 0 {
                    return Some(j);
                }
            }
            _ => {}
        }
    }
    None
}

fn split_top_level(s: &str) -> Vec<&str> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    let mut j = 0;
    while j < b.len() {
        match b[j] {
            b'<' | b'(' | b'[' => depth += 1,
            b'>' if !(j > 0 && b[j - 1] == b'-') => depth -= 1,
            b')' | b']' => depth -= 1,
            b',' if depth == 0 && b.get(j + 1) == Some(&b' ') => {
                out.push(&s[start..j]);
                start = j + 2;
                j += 2;
                continue;
            }
            _ => {}
        }
        j += 1;
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
    out
}

fn is_binding(item: &str) -> bool {
    let Some(eq) = item.find(" = ") else {
        return false;
    };
    let name = &item[..eq];
    !name.is_empty() && name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_v0_default_empties_generic_lists() {
        assert_eq!(
            strip_rust_generics("<alloc::boxed::Box<[u8]>>::clone_from_ref"),
            "<alloc::boxed::Box<>>::clone_from_ref"
        );
        assert_eq!(
            strip_rust_generics("<[u8]>::to_vec_in::<alloc::alloc::Global>"),
            "<[u8]>::to_vec_in::<>"
        );
        assert_eq!(
            strip_rust_generics(
                "<&dyn core::ops::function::Fn<(), Output = i32> + core::marker::Sync as core::ops::function::FnOnce<()>>::call_once"
            ),
            "<&dyn core::ops::function::Fn<, Output = i32> + core::marker::Sync as core::ops::function::FnOnce<>>::call_once"
        );
        assert_eq!(
            strip_rust_generics("<dyn core::iter::Iterator<Item = u8>>::next"),
            "<dyn core::iter::Iterator<Item = u8>>::next"
        );
        assert_eq!(
            strip_rust_generics("core::ptr::drop_in_place::<fn(u8) -> u8>"),
            "core::ptr::drop_in_place::<>"
        );
    }

    #[test]
    fn remove_matching_as_pprof() {
        assert_eq!(remove_matching("a(b)c", b'(', b')'), "ac");
        assert_eq!(remove_matching("a(b(c)d)e(f)", b'(', b')'), "ae");
        // A stray close keeps what was removed before it.
        assert_eq!(remove_matching("a(b)c)d(e)", b'(', b')'), "ac)d(e)");
        // An unclosed open keeps the rest.
        assert_eq!(remove_matching("a(b)c(d", b'(', b')'), "ac(d");
        assert_eq!(remove_matching("é(x)ü", b'(', b')'), "éü");
    }

    #[test]
    fn go_generic_names_lose_parenthesised_groups() {
        let d = |s: &str| demangle(s, Style::Default);
        assert_eq!(
            d("main.New[go.shape.int,go.shape.interface { At() int; Err() error }]").as_deref(),
            Some("main.New[go.shape.int,go.shape.interface { At int; Err error }]")
        );
        // pprof leaves Go method names on generic receivers alone.
        assert_eq!(d("main.(*Box[go.shape.func(int) string]).Fill.func1"), None);
        // Java constructors too.
        assert_eq!(d("java.util.HashMap.<init>(int)"), None);
        assert_eq!(d("main.makeSlice[go.shape.string]"), None);
    }

    #[test]
    fn styles() {
        let cpp = "_ZNSt6vectorIiSaIiEE9push_backERKi";
        // pprof's underscore quirk in the default style only.
        let quirky = "_ZN3std3sys9backtrace28__rust_begin_short_backtrace17h0123456789abcdefE";
        assert_eq!(
            demangle(quirky, Style::Default).as_deref(),
            Some("std::sys::backtrace::_rust_begin_short_backtrace")
        );
        assert_eq!(
            demangle(quirky, Style::Full).as_deref(),
            Some("std::sys::backtrace::__rust_begin_short_backtrace")
        );
        assert_eq!(
            demangle(cpp, Style::Default).as_deref(),
            Some("std::vector::push_back")
        );
        assert_eq!(
            demangle(cpp, Style::Full).as_deref(),
            Some("std::vector<int, std::allocator<int> >::push_back(int const&)")
        );
        assert_eq!(demangle(cpp, Style::None), None);
        assert_eq!(
            demangle(
                "_ZN4core3ptr13drop_in_place17h0123456789abcdefE",
                Style::Default
            )
            .as_deref(),
            Some("core::ptr::drop_in_place")
        );
        assert_eq!(demangle("plain_c_function", Style::Default), None);
        assert_eq!(
            demangle("std::map<int, int>::find(int)", Style::Default).as_deref(),
            Some("std::map::find")
        );
        assert_eq!(demangle("main.(*T[...]).M", Style::Default), None);
        assert_eq!(
            strip_cpp_templates("std::less<int>::operator<"),
            "std::less::operator<"
        );
    }
}
