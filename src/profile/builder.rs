//! [`Builder`]: a profile under construction together with the interner of
//! its string table.
//!
//! Every producer of a profile other than the decoder (the legacy text
//! parsers, merge, relabelling, source-path trimming) needs the same thing:
//! append strings to `Profile::strings` without duplicates and get their
//! [`StrIdx`]. The builder owns that index so each producer stops carrying
//! its own `FxHashMap<Box<str>, StrIdx>` next to the profile, and
//! [`finish`](Builder::finish) asserts the model's invariants
//! ([`check_valid`](super::check::check_valid)) in debug builds.
//!
//! The builder dereferences to the [`Profile`] it builds, so tables are
//! filled directly (`b.functions.push(..)`).

use super::check::debug_assert_valid;
use super::{FuncIdx, Function, Line, LocIdx, Location, MapIdx, Profile, StrIdx, ValueType};
use rustc_hash::FxHashMap;
use std::ops::{Deref, DerefMut};

/// A profile being built, with its string interner.
#[derive(Debug)]
pub struct Builder {
    p: Profile,
    index: FxHashMap<Box<str>, StrIdx>,
}

impl Default for Builder {
    fn default() -> Self {
        Builder::new()
    }
}

impl Builder {
    /// An empty profile whose string table holds only "" (index 0).
    pub fn new() -> Builder {
        let mut index = FxHashMap::default();
        index.insert(Box::<str>::from(""), StrIdx(0));
        Builder {
            p: Profile {
                strings: vec!["".into()],
                ..Default::default()
            },
            index,
        }
    }

    /// Continues building `p`: its existing strings are interned (a string
    /// the table holds twice resolves to its last copy).
    pub fn from_profile(p: Profile) -> Builder {
        let index = p
            .strings
            .iter()
            .enumerate()
            .map(|(i, s)| (s.clone(), StrIdx(i as u32)))
            .collect();
        Builder { p, index }
    }

    /// The index of `s` in the string table, appending it on first use.
    pub fn intern(&mut self, s: &str) -> StrIdx {
        if let Some(&i) = self.index.get(s) {
            return i;
        }
        let i = StrIdx(self.p.strings.len() as u32);
        self.p.strings.push(s.into());
        self.index.insert(s.into(), i);
        i
    }

    /// A sample or period type from its two names.
    pub fn value_type(&mut self, r#type: &str, unit: &str) -> ValueType {
        ValueType {
            r#type: self.intern(r#type),
            unit: self.intern(unit),
        }
    }

    /// Appends a function named `name` (its system name too) defined in
    /// `file` ("" for none) at `start_line`, with the next id.
    pub fn function(&mut self, name: &str, file: &str, start_line: i64) -> FuncIdx {
        let name = self.intern(name);
        let filename = self.intern(file);
        let i = self.p.functions.len();
        self.p.functions.push(Function {
            id: i as u64 + 1,
            name,
            system_name: name,
            filename,
            start_line,
        });
        FuncIdx(i as u32)
    }

    /// Appends a location with the next id and its `lines` as (function,
    /// line) pairs, innermost first.
    pub fn location(
        &mut self,
        mapping: Option<MapIdx>,
        address: u64,
        lines: &[(FuncIdx, i64)],
    ) -> LocIdx {
        let lines_start = self.p.lines.len() as u32;
        self.p
            .lines
            .extend(lines.iter().map(|&(function, line)| Line {
                function,
                line,
                column: 0,
            }));
        let i = self.p.locations.len();
        self.p.locations.push(Location {
            id: i as u64 + 1,
            mapping,
            address,
            lines_start,
            lines_end: self.p.lines.len() as u32,
            is_folded: false,
        });
        LocIdx(i as u32)
    }

    /// The finished profile, asserted valid in debug builds.
    #[track_caller]
    pub fn finish(self) -> Profile {
        debug_assert_valid(&self.p);
        self.p
    }
}

impl Deref for Builder {
    type Target = Profile;

    fn deref(&self) -> &Profile {
        &self.p
    }
}

impl DerefMut for Builder {
    fn deref_mut(&mut self) -> &mut Profile {
        &mut self.p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interns_each_string_once() {
        let mut b = Builder::new();
        assert_eq!(b.intern(""), StrIdx(0));
        let a = b.intern("a");
        let c = b.intern("c");
        assert_eq!(b.intern("a"), a);
        assert_ne!(a, c);
        let p = b.finish();
        assert_eq!(
            &*p.strings,
            &["".into(), "a".into(), "c".into()] as &[Box<str>]
        );
    }

    #[test]
    fn continues_an_existing_table() {
        let mut b = Builder::new();
        let x = b.intern("x");
        let mut b = Builder::from_profile(b.finish());
        assert_eq!(b.intern("x"), x);
        assert_eq!(b.intern("y"), StrIdx(2));
    }
}
