//! The profile model: what a decoded, validated profile.proto looks like
//! inside heapscope.
//!
//! Every reference in the file (string index, location id, mapping id,
//! function id) is resolved once, at decode time, into a dense index
//! (`StrIdx`, `LocIdx`, `MapIdx`, `FuncIdx`) that is valid by construction:
//! code above this module indexes the tables directly and never re-checks.
//! Samples are stored flat (one array of location indices, one array of
//! values with a fixed stride, one array of labels) so a profile with
//! millions of samples costs a handful of allocations, not millions.
//!
//! The model's invariants live in [`check`]: [`decode`] returns only
//! profiles that pass [`check_valid`], and every in-memory producer (the
//! [`Builder`] with its string interner, [`legacy`], [`merge`], [`prune`],
//! the filters and the symbolizer) asserts them in debug builds.

pub mod builder;
pub mod check;
pub mod decode;
pub mod encode;
pub mod error;
pub mod legacy;
pub mod merge;
pub mod prune;

pub use builder::Builder;
pub use check::{check_valid, debug_assert_valid};
pub use error::{DecodeError, Invalid, Malformed};

/// Index into [`Profile::strings`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StrIdx(pub u32);

/// Index into [`Profile::locations`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LocIdx(pub u32);

/// Index into [`Profile::functions`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FuncIdx(pub u32);

/// Index into [`Profile::mappings`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MapIdx(pub u32);

/// A sample type or period type: what is measured and in which unit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ValueType {
    pub r#type: StrIdx,
    pub unit: StrIdx,
}

/// A label on a sample: either a string value (`str != 0`) or a number.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Label {
    pub key: StrIdx,
    pub str: StrIdx,
    pub num: i64,
    pub num_unit: StrIdx,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mapping {
    pub id: u64,
    pub memory_start: u64,
    pub memory_limit: u64,
    pub file_offset: u64,
    pub filename: StrIdx,
    pub build_id: StrIdx,
    pub has_functions: bool,
    pub has_filenames: bool,
    pub has_line_numbers: bool,
    pub has_inline_frames: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Location {
    pub id: u64,
    pub mapping: Option<MapIdx>,
    pub address: u64,
    /// Range into [`Profile::lines`]: innermost inlined frame first.
    pub lines_start: u32,
    pub lines_end: u32,
    pub is_folded: bool,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Line {
    pub function: FuncIdx,
    pub line: i64,
    pub column: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Function {
    pub id: u64,
    pub name: StrIdx,
    pub system_name: StrIdx,
    pub filename: StrIdx,
    pub start_line: i64,
}

/// All samples of a profile, stored flat.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Samples {
    /// Number of values per sample (= number of sample types).
    pub stride: usize,
    /// Location indices of all samples, leaf first within each sample.
    pub locs: Vec<LocIdx>,
    /// End offset into `locs` of each sample (its start is the previous end).
    pub loc_ends: Vec<u32>,
    /// `stride` values per sample.
    pub values: Vec<i64>,
    pub labels: Vec<Label>,
    /// End offset into `labels` of each sample.
    pub label_ends: Vec<u32>,
}

/// A borrowed view of one sample.
#[derive(Clone, Copy, Debug)]
pub struct SampleRef<'a> {
    pub locs: &'a [LocIdx],
    pub values: &'a [i64],
    pub labels: &'a [Label],
}

impl Samples {
    /// The same samples, each one's labels replaced by those `f` writes
    /// into the (cleared) buffer, given the old ones.
    pub fn relabeled(&self, mut f: impl FnMut(&[Label], &mut Vec<Label>)) -> Samples {
        let mut out = Samples {
            stride: self.stride,
            ..Default::default()
        };
        let mut labels = Vec::new();
        for x in self.iter() {
            labels.clear();
            f(x.labels, &mut labels);
            out.push(x.locs, x.values, &labels);
        }
        out
    }

    pub fn len(&self) -> usize {
        self.loc_ends.len()
    }

    /// The samples of `range` as (sample index, its locations, leaf
    /// first): the walk of every aggregation pass.
    pub fn locs_in(
        &self,
        range: std::ops::Range<usize>,
    ) -> impl Iterator<Item = (usize, &[LocIdx])> + '_ {
        let mut start = if range.start == 0 {
            0
        } else {
            self.loc_ends[range.start - 1] as usize
        };
        range.map(move |i| {
            let end = self.loc_ends[i] as usize;
            let locs = &self.locs[start..end];
            start = end;
            (i, locs)
        })
    }

    /// [`Samples::locs_in`] with the value of sample type `idx`, skipping
    /// the samples where it is zero (pprof adds nothing for them: no
    /// node, no edge).
    pub fn weighted(
        &self,
        idx: usize,
        range: std::ops::Range<usize>,
    ) -> impl Iterator<Item = (usize, &[LocIdx], i64)> + '_ {
        let stride = self.stride;
        self.locs_in(range).filter_map(move |(i, locs)| {
            let w = self.values[i * stride + idx];
            (w != 0).then_some((i, locs, w))
        })
    }

    pub fn is_empty(&self) -> bool {
        self.loc_ends.is_empty()
    }

    pub fn get(&self, i: usize) -> SampleRef<'_> {
        let ls = if i == 0 {
            0
        } else {
            self.loc_ends[i - 1] as usize
        };
        let le = self.loc_ends[i] as usize;
        let bs = if i == 0 {
            0
        } else {
            self.label_ends[i - 1] as usize
        };
        let be = self.label_ends[i] as usize;
        SampleRef {
            locs: &self.locs[ls..le],
            values: &self.values[i * self.stride..(i + 1) * self.stride],
            labels: &self.labels[bs..be],
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = SampleRef<'_>> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }

    /// Appends a sample; the caller guarantees `values.len() == stride` and
    /// that every index is valid for the owning profile.
    pub fn push(&mut self, locs: &[LocIdx], values: &[i64], labels: &[Label]) {
        debug_assert_eq!(values.len(), self.stride);
        self.locs.extend_from_slice(locs);
        self.loc_ends.push(self.locs.len() as u32);
        self.values.extend_from_slice(values);
        self.labels.extend_from_slice(labels);
        self.label_ends.push(self.labels.len() as u32);
    }
}

/// A decoded and validated profile. All indices inside are in range.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Profile {
    /// The string table; `strings[0]` is always "".
    pub strings: Vec<Box<str>>,
    pub sample_types: Vec<ValueType>,
    pub samples: Samples,
    pub mappings: Vec<Mapping>,
    pub locations: Vec<Location>,
    pub lines: Vec<Line>,
    pub functions: Vec<Function>,
    pub drop_frames: StrIdx,
    pub keep_frames: StrIdx,
    pub time_nanos: i64,
    pub duration_nanos: i64,
    pub period_type: ValueType,
    pub period: i64,
    pub comments: Vec<StrIdx>,
    pub default_sample_type: StrIdx,
    pub doc_url: StrIdx,
    /// The legacy text format the profile was read from (`None`:
    /// profile.proto). Not part of profile.proto; not written by `encode`.
    pub legacy_format: Option<legacy::LegacyFormat>,
    /// Go's `# runtime.MemStats` block (`Name`, `value`) from a `debug=1`
    /// heap profile, in file order; empty otherwise. Not part of
    /// profile.proto.
    pub memstats: Vec<(String, String)>,
}

impl Profile {
    /// The string at `i`.
    #[inline]
    pub fn str(&self, i: StrIdx) -> &str {
        &self.strings[i.0 as usize]
    }

    #[inline]
    pub fn location(&self, i: LocIdx) -> &Location {
        &self.locations[i.0 as usize]
    }

    #[inline]
    pub fn function(&self, i: FuncIdx) -> &Function {
        &self.functions[i.0 as usize]
    }

    #[inline]
    pub fn mapping(&self, i: MapIdx) -> &Mapping {
        &self.mappings[i.0 as usize]
    }

    /// The source frames of a location, innermost first.
    #[inline]
    pub fn lines_of(&self, loc: &Location) -> &[Line] {
        &self.lines[loc.lines_start as usize..loc.lines_end as usize]
    }

    /// The name of sample type `i` (e.g. "inuse_space").
    pub fn sample_type_name(&self, i: usize) -> &str {
        self.str(self.sample_types[i].r#type)
    }

    /// The unit of sample type `i` (e.g. "bytes").
    pub fn sample_type_unit(&self, i: usize) -> &str {
        self.str(self.sample_types[i].unit)
    }

    /// Adds `s` to the string table (deduplicated through `index`) and
    /// returns its index. For callers that keep their own index next to a
    /// profile they rewrite in place; new producers use [`Builder`], which
    /// owns its index.
    pub fn intern(
        &mut self,
        index: &mut rustc_hash::FxHashMap<Box<str>, StrIdx>,
        s: &str,
    ) -> StrIdx {
        if let Some(&i) = index.get(s) {
            return i;
        }
        let i = StrIdx(self.strings.len() as u32);
        self.strings.push(s.into());
        index.insert(s.into(), i);
        i
    }

    /// True if any sample carries the label `key` with string value `value`.
    pub fn has_string_label(&self, key: &str, value: &str) -> bool {
        let Some(k) = self.strings.iter().position(|s| &**s == key) else {
            return false;
        };
        self.samples
            .labels
            .iter()
            .any(|l| l.key.0 as usize == k && l.str.0 != 0 && self.str(l.str) == value)
    }
}

impl Profile {
    /// Multiplies every value by -1 (pprof's `Scale(-1)`), dropping samples
    /// whose values are then all zero.
    pub fn negate(&mut self) {
        for v in &mut self.samples.values {
            *v = v.wrapping_neg();
        }
        self.drop_zero_samples();
        debug_assert_valid(self);
    }

    /// Removes samples whose values are all zero.
    pub fn drop_zero_samples(&mut self) {
        let s = &self.samples;
        if s.iter().all(|x| x.values.iter().any(|&v| v != 0)) {
            return;
        }
        let mut kept = Samples {
            stride: s.stride,
            ..Default::default()
        };
        for x in s.iter() {
            if x.values.iter().any(|&v| v != 0) {
                kept.push(x.locs, x.values, x.labels);
            }
        }
        self.samples = kept;
        debug_assert_valid(self);
    }

    /// Adds the string label `key=value` to every sample (pprof's
    /// `SetLabel`, used to mark `-diff_base` samples).
    pub fn set_label(&mut self, key: &str, value: &str) {
        let mut b = Builder::from_profile(std::mem::take(self));
        let k = b.intern(key);
        let v = b.intern(value);
        b.samples = b.samples.relabeled(|old, labels| {
            labels.extend(old.iter().copied().filter(|l| l.key != k));
            labels.push(Label {
                key: k,
                str: v,
                num: 0,
                num_unit: StrIdx(0),
            });
        });
        *self = b.finish();
    }
}

/// Chooses the sample index the way pprof's `SampleIndexByName` does:
/// an empty request picks `default_sample_type` when set, else the last
/// type; a number picks that index; a name matches a type exactly, or with
/// its `inuse_` prefix removed (so `inuse_space` finds a legacy `space`).
pub fn sample_index(p: &Profile, request: &str) -> Result<usize, String> {
    let n = p.sample_types.len();
    if n == 0 {
        return Err("the profile has no sample types".into());
    }
    if request.is_empty() {
        let dst = p.str(p.default_sample_type);
        if !dst.is_empty() {
            if let Some(i) = (0..n).find(|&i| p.sample_type_name(i) == dst) {
                return Ok(i);
            }
        }
        return Ok(n - 1);
    }
    if let Ok(i) = request.parse::<i64>() {
        if i < 0 || i as usize >= n {
            return Err(format!(
                "sample_index {request} is outside the range [0..{}]",
                n - 1
            ));
        }
        return Ok(i as usize);
    }
    let no_inuse = request.strip_prefix("inuse_").unwrap_or(request);
    for i in 0..n {
        let t = p.sample_type_name(i);
        if t == request || t == no_inuse {
            return Ok(i);
        }
    }
    let names: Vec<&str> = (0..n).map(|i| p.sample_type_name(i)).collect();
    Err(format!(
        "sample_index {request:?} must be one of: [{}]",
        names.join(" ")
    ))
}
