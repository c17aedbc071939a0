//! The profile's invariants in one place: pprof's `CheckValid` rules (a
//! string table starting with "", string indices in range, one value per
//! sample type, unique non-zero ids) plus the model's own (flat sample
//! arrays consistent, every dense index in range).
//!
//! [`decode`](super::decode) calls [`check_valid`] on every profile it
//! returns, so a profile read from bytes is valid. Every transformation that
//! builds or rewrites a profile in memory (legacy parsing, merge, filter,
//! prune, symbolize, relabelling) asserts it with [`debug_assert_valid`] in
//! debug builds and the fuzz targets, so code above this module can index
//! the tables without re-checking.

use super::error::{Invalid, Table};
use super::{Profile, StrIdx};
use rustc_hash::FxHashMap;

/// Checks every invariant of the model; the first broken one is the error.
pub fn check_valid(p: &Profile) -> Result<(), Invalid> {
    check_string_table(p)?;
    check_values(p)?;
    check_string_indices(p)?;
    check_ids(p)?;
    check_indices(p)
}

/// Panics with the broken invariant if `p` is not valid, in debug builds
/// only (release builds trust the transformation that made `p`).
#[track_caller]
#[inline]
pub fn debug_assert_valid(p: &Profile) {
    if cfg!(debug_assertions) {
        if let Err(e) = check_valid(p) {
            panic!("a transformation produced an invalid profile: {e}");
        }
    }
}

/// The string table exists and starts with "".
pub(crate) fn check_string_table(p: &Profile) -> Result<(), Invalid> {
    match p.strings.first() {
        None => Err(Invalid::EmptyStringTable),
        Some(s) if !s.is_empty() => Err(Invalid::FirstStringNotEmpty),
        Some(_) => Ok(()),
    }
}

/// Samples have sample types and one value per type.
pub(crate) fn check_value_counts(p: &Profile) -> Result<(), Invalid> {
    let s = &p.samples;
    let types = p.sample_types.len();
    if s.is_empty() {
        return Ok(());
    }
    if types == 0 {
        return Err(Invalid::NoSampleTypes);
    }
    if s.stride != types {
        return Err(Invalid::ValueCount {
            sample: 0,
            values: s.stride,
            types,
        });
    }
    Ok(())
}

/// Samples have sample types, one value per type, and consistent flat
/// arrays.
fn check_values(p: &Profile) -> Result<(), Invalid> {
    check_value_counts(p)?;
    let s = &p.samples;
    let n = s.len();
    if n == 0 {
        return Ok(());
    }
    if s.values.len() != n * s.stride {
        return Err(Invalid::SampleLayout("values"));
    }
    if s.label_ends.len() != n {
        return Err(Invalid::SampleLayout("label offsets"));
    }
    let ordered = |ends: &[u32], len: usize| {
        ends.windows(2).all(|w| w[0] <= w[1]) && ends.last().is_some_and(|&e| e as usize == len)
    };
    if !ordered(&s.loc_ends, s.locs.len()) {
        return Err(Invalid::SampleLayout("location offsets"));
    }
    if !ordered(&s.label_ends, s.labels.len()) {
        return Err(Invalid::SampleLayout("label offsets"));
    }
    Ok(())
}

/// Every string index names an entry of the string table.
pub(crate) fn check_string_indices(p: &Profile) -> Result<(), Invalid> {
    let table_len = p.strings.len();
    let check = |i: StrIdx, field: &'static str| -> Result<(), Invalid> {
        if i.0 as usize >= table_len {
            Err(Invalid::StringIndex {
                field,
                index: i.0,
                table_len,
            })
        } else {
            Ok(())
        }
    };
    for vt in &p.sample_types {
        check(vt.r#type, "sample type")?;
        check(vt.unit, "sample unit")?;
    }
    check(p.period_type.r#type, "period type")?;
    check(p.period_type.unit, "period unit")?;
    check(p.drop_frames, "drop_frames")?;
    check(p.keep_frames, "keep_frames")?;
    check(p.default_sample_type, "default_sample_type")?;
    check(p.doc_url, "doc_url")?;
    for &c in &p.comments {
        check(c, "comment")?;
    }
    for l in &p.samples.labels {
        check(l.key, "label key")?;
        check(l.str, "label value")?;
        check(l.num_unit, "label unit")?;
    }
    for m in &p.mappings {
        check(m.filename, "mapping filename")?;
        check(m.build_id, "mapping build_id")?;
    }
    for f in &p.functions {
        check(f.name, "function name")?;
        check(f.system_name, "function system_name")?;
        check(f.filename, "function filename")?;
    }
    Ok(())
}

/// Ids are non-zero and unique within their table.
pub(crate) fn check_ids(p: &Profile) -> Result<(), Invalid> {
    IdIndex::build(
        p.mappings.iter().map(|m| m.id),
        p.mappings.len(),
        Table::Mapping,
    )?;
    IdIndex::build(
        p.functions.iter().map(|f| f.id),
        p.functions.len(),
        Table::Function,
    )?;
    IdIndex::build(
        p.locations.iter().map(|l| l.id),
        p.locations.len(),
        Table::Location,
    )?;
    Ok(())
}

/// Every dense index (sample -> location, location -> mapping and lines,
/// line -> function) is in range.
pub(crate) fn check_indices(p: &Profile) -> Result<(), Invalid> {
    let nloc = p.locations.len() as u32;
    if let Some(pos) = p.samples.locs.iter().position(|l| l.0 >= nloc) {
        let sample = p.samples.loc_ends.partition_point(|&e| e as usize <= pos);
        return Err(Invalid::LocationIndex {
            sample,
            index: p.samples.locs[pos].0,
        });
    }
    check_location_indices(p)
}

/// What the decoder's id resolution leaves to check: the sample arrays'
/// layout and the location table's indices. It has checked the string
/// table, string indices and ids before resolving, and resolved every
/// sample location to an index in range, so [`check_valid`] would only
/// repeat that (a pass over every frame of every sample).
pub(crate) fn check_resolved(p: &Profile) -> Result<(), Invalid> {
    check_values(p)?;
    check_location_indices(p)?;
    debug_assert_valid(p);
    Ok(())
}

/// Location -> mapping and lines, line -> function are in range.
fn check_location_indices(p: &Profile) -> Result<(), Invalid> {
    let nmap = p.mappings.len() as u32;
    let nfn = p.functions.len() as u32;
    let nlines = p.lines.len() as u32;
    for loc in &p.locations {
        if let Some(m) = loc.mapping.filter(|m| m.0 >= nmap) {
            return Err(Invalid::MappingIndex {
                location: loc.id,
                index: m.0,
            });
        }
        if loc.lines_start > loc.lines_end || loc.lines_end > nlines {
            return Err(Invalid::LineRange { location: loc.id });
        }
        if let Some(l) = p.lines_of(loc).iter().find(|l| l.function.0 >= nfn) {
            return Err(Invalid::FunctionIndex {
                location: loc.id,
                index: l.function.0,
            });
        }
    }
    Ok(())
}

/// Maps file ids to dense indices: a table when ids are small and dense
/// (the usual 1..N), a hash map otherwise.
pub(crate) enum IdIndex {
    Dense(Vec<u32>),
    Sparse(FxHashMap<u64, u32>),
}

impl IdIndex {
    const NONE: u32 = u32::MAX;

    /// Builds the index; fails on id 0 or a duplicate id.
    pub(crate) fn build(
        ids: impl Iterator<Item = u64> + Clone,
        n: usize,
        table: Table,
    ) -> Result<Self, Invalid> {
        let max = ids.clone().max().unwrap_or(0);
        let mut idx = if max <= (4 * n as u64).max(1024) {
            IdIndex::Dense(vec![Self::NONE; max as usize + 1])
        } else {
            IdIndex::Sparse(FxHashMap::default())
        };
        for (i, id) in ids.enumerate() {
            if id == 0 {
                return Err(Invalid::ReservedId(table));
            }
            let dup = match &mut idx {
                IdIndex::Dense(t) => {
                    let slot = &mut t[id as usize];
                    let dup = *slot != Self::NONE;
                    *slot = i as u32;
                    dup
                }
                IdIndex::Sparse(m) => m.insert(id, i as u32).is_some(),
            };
            if dup {
                return Err(Invalid::DuplicateId { table, id });
            }
        }
        Ok(idx)
    }

    /// True if id `k + 1` is at index `k` for every index: the ids are
    /// 1..N in order, as Go and most writers number them.
    pub(crate) fn is_identity(&self, n: usize) -> bool {
        match self {
            IdIndex::Dense(t) => {
                t.len() == n + 1 && t[1..].iter().enumerate().all(|(k, &v)| v as usize == k)
            }
            IdIndex::Sparse(_) => false,
        }
    }

    #[inline]
    pub(crate) fn get(&self, id: u64) -> Option<u32> {
        match self {
            IdIndex::Dense(t) => t.get(id as usize).copied().filter(|&v| v != Self::NONE),
            IdIndex::Sparse(m) => m.get(&id).copied(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::builder::Builder;
    use crate::profile::{FuncIdx, Label, LocIdx, MapIdx, Mapping};

    #[test]
    fn identity_ids_are_recognized() {
        let idx = |ids: &[u64]| IdIndex::build(ids.iter().copied(), ids.len(), Table::Location);
        assert!(idx(&[1, 2, 3]).unwrap().is_identity(3));
        assert!(!idx(&[2, 1, 3]).unwrap().is_identity(3));
        assert!(!idx(&[1, 2, 4]).unwrap().is_identity(3));
        assert!(!idx(&[5_000_000, 1]).unwrap().is_identity(2));
    }

    /// One mapping, two functions, two locations, two samples.
    fn valid() -> Profile {
        let mut b = Builder::new();
        let t = b.value_type("inuse_space", "bytes");
        b.sample_types.push(t);
        b.samples.stride = 1;
        let file = b.intern("main.go");
        b.mappings.push(Mapping {
            id: 1,
            filename: file,
            ..Default::default()
        });
        for id in 1..=2u64 {
            let f = b.function("main", "main.go", 1);
            b.location(Some(MapIdx(0)), 0x1000 * id, &[(f, 3)]);
        }
        let key = b.intern("bytes");
        let label = Label {
            key,
            num: 8,
            ..Default::default()
        };
        b.samples.push(&[LocIdx(0), LocIdx(1)], &[8], &[label]);
        b.samples.push(&[LocIdx(1)], &[16], &[]);
        b.finish()
    }

    fn broken(f: impl FnOnce(&mut Profile)) -> Invalid {
        let mut p = valid();
        f(&mut p);
        check_valid(&p).unwrap_err()
    }

    #[test]
    fn a_built_profile_is_valid() {
        assert_eq!(check_valid(&valid()), Ok(()));
        assert_eq!(check_valid(&Builder::new().finish()), Ok(()));
    }

    #[test]
    fn each_broken_invariant_has_its_variant() {
        assert_eq!(broken(|p| p.strings.clear()), Invalid::EmptyStringTable);
        assert_eq!(
            broken(|p| p.strings[0] = "x".into()),
            Invalid::FirstStringNotEmpty
        );
        assert_eq!(broken(|p| p.sample_types.clear()), Invalid::NoSampleTypes);
        assert_eq!(
            broken(|p| {
                let t = p.sample_types[0];
                p.sample_types.push(t);
            }),
            Invalid::ValueCount {
                sample: 0,
                values: 1,
                types: 2
            }
        );
        assert_eq!(
            broken(|p| {
                p.samples.values.pop();
            }),
            Invalid::SampleLayout("values")
        );
        assert_eq!(
            broken(|p| p.samples.loc_ends[0] = 5),
            Invalid::SampleLayout("location offsets")
        );
        assert_eq!(
            broken(|p| p.samples.labels[0].num_unit = StrIdx(99)),
            Invalid::StringIndex {
                field: "label unit",
                index: 99,
                table_len: p_len()
            }
        );
        assert_eq!(
            broken(|p| p.functions[1].id = 1),
            Invalid::DuplicateId {
                table: Table::Function,
                id: 1
            }
        );
        assert_eq!(
            broken(|p| p.mappings[0].id = 0),
            Invalid::ReservedId(Table::Mapping)
        );
        assert_eq!(
            broken(|p| p.samples.locs[2] = LocIdx(7)),
            Invalid::LocationIndex {
                sample: 1,
                index: 7
            }
        );
        assert_eq!(
            broken(|p| p.locations[1].mapping = Some(MapIdx(3))),
            Invalid::MappingIndex {
                location: 2,
                index: 3
            }
        );
        assert_eq!(
            broken(|p| p.locations[0].lines_end = 9),
            Invalid::LineRange { location: 1 }
        );
        assert_eq!(
            broken(|p| p.lines[1].function = FuncIdx(2)),
            Invalid::FunctionIndex {
                location: 2,
                index: 2
            }
        );
    }

    fn p_len() -> usize {
        valid().strings.len()
    }

    #[test]
    #[should_panic(expected = "invalid profile")]
    #[cfg(debug_assertions)]
    fn the_debug_assertion_panics() {
        let mut p = valid();
        p.functions[0].name = StrIdx(1000);
        debug_assert_valid(&p);
    }
}
