//! Lean decoding: a profile cut down to what an aggregate report of one
//! sample type needs, so that memory scales with the report, not with a
//! copy of every sample.
//!
//! A Go heap profile writes its samples before the location table, so the
//! decoder cannot aggregate while it reads; it has to keep the stacks. What
//! it need not keep, for reports such as `top` that only sum one value
//! column over stacks (pprof's per-sample rules are all linear in the
//! sample's weight), is
//! - samples whose value in that column is zero (pprof skips them; in a
//!   heap profile most buckets have nothing in use),
//! - a second copy of a stack already read: samples with equal stacks are
//!   merged, their values added column by column (only when no value
//!   changes sign, so every sum of absolute values stays the same),
//! - labels: for top, tree, peek and flame, pprof's `computeTotal` is the
//!   one thing that reads them (the `pprof::base` label), and it is
//!   computed here over every sample read, per column and per set of
//!   string labels. (`graph` draws tag nodes from labels: it decodes
//!   with [`LeanColumns::Labeled`], which keeps the labels of the kept
//!   samples, merges only samples whose labels are equal too, and records
//!   every distinct label list of the whole profile in the order it first
//!   appears, which is all the tag table reads of the dropped samples.)
//!
//! The column is known only from the request and the sample types, and
//! profile.proto may name the default sample type after the samples; the
//! decoder guesses it at the first sample and checks the guess at the end.
//! A wrong guess, or anything wrong with the input, makes the lean decode
//! give up, and the caller decodes the input again in full: a lean decode
//! never reports an error of its own, so errors read exactly as a full
//! decode's.
//!
//! On the 150 MB synthetic profile this keeps 41 million of 120 million
//! frames (bench/README.md).

use super::super::{Label, Profile, Samples, StrIdx};
use super::fields::BIG;
use rustc_hash::FxHashMap;

/// Which value column a lean decode keeps samples for.
#[derive(Clone, Copy, Debug)]
pub enum LeanColumns<'a> {
    /// The sample index request as `sample_index` takes it: "" (the
    /// default), a number or a sample type's name.
    Request(&'a str),
    /// As `Request`, but samples with equal stacks are kept apart: for
    /// per-sample rules that are not linear in the weight (the sampling
    /// variance of `diff`, `check` and `trend` depends on each sample's
    /// object size).
    Unmerged(&'a str),
    /// Every column: only samples whose values are all zero are dropped.
    All,
    /// As `Request`, keeping the labels of the kept samples: samples are
    /// merged only when their stacks and their label lists are equal, and
    /// [`LeanProfile::label_lists`] holds every distinct label list read.
    Labeled(&'a str),
}

/// A lean profile and the totals of the full one.
#[derive(Debug)]
pub struct LeanProfile {
    /// The profile, restricted to the samples with a value in the kept
    /// column (all columns are still there, summed over merged samples),
    /// without labels.
    pub profile: Profile,
    /// The column whose non-zero samples were kept (`None`: every sample
    /// with any non-zero value).
    pub column: Option<usize>,
    /// Totals of the full profile.
    pub totals: LeanTotals,
    /// With [`LeanColumns::Labeled`]: every distinct label list (a
    /// sample's labels, in their order) of the full profile, in the order
    /// of first appearance; empty otherwise.
    pub label_lists: Vec<Box<[Label]>>,
    /// Location references over every sample read (the full profile's
    /// `samples.locs.len()`).
    pub frames: u64,
}

/// Per column Σ|v| over every sample read, and over the `pprof::base`
/// samples.
#[derive(Clone, Debug)]
pub struct LeanTotals {
    totals: Vec<i64>,
    base_totals: Vec<i64>,
}

impl LeanTotals {
    /// pprof's `computeTotal` of the full profile for column `idx`: Σ|v|
    /// over all samples, or over the `pprof::base` samples when there are
    /// any.
    pub fn total(&self, idx: usize) -> i64 {
        let base = self.base_totals.get(idx).copied().unwrap_or(0);
        if base > 0 {
            base
        } else {
            self.totals.get(idx).copied().unwrap_or(0)
        }
    }
}

/// What a lean decode carries along while reading samples.
pub(super) struct LeanState {
    request: Option<String>,
    /// Whether samples with equal stacks are merged.
    merge: bool,
    /// The caller's guess of the decompressed size, if any.
    size_hint: Option<u64>,
    /// Decided at the first sample.
    pub(super) column: Option<usize>,
    /// Samples read, dropped or not.
    pub(super) read: usize,
    /// Open addressing by the stack's hash, linear probing, at most 3/4
    /// full: the hash's high 32 bits (a tag that spares most comparisons
    /// of stacks) above the sample index + 1 (0: empty).
    table: Vec<u64>,
    totals: Vec<i64>,
    /// Per set of (key, str) string labels: per column Σ|v|.
    label_totals: FxHashMap<Box<[(u32, u32)]>, Vec<i64>>,
    pairs: Vec<(u32, u32)>,
    /// The largest string index a dropped label used.
    pub(super) max_label_str: u32,
    /// Location ids (encoded as in `RawProfile::locs`) of dropped samples,
    /// checked at the end as a full decode would: the lowest and highest
    /// below `BIG` (with the usual ids 1..N, every id between is a
    /// location; otherwise the lean decode gives up and the full decode
    /// checks each), and a list of the interned big ones.
    pub(super) dropped_range: Option<(u32, u32)>,
    pub(super) dropped_big: Vec<u32>,
    /// [`LeanColumns::Labeled`]: each distinct label list's id, and the
    /// id of every kept sample's list.
    keep_labels: bool,
    label_ids: FxHashMap<Box<[Label]>, u32>,
    sample_labels: Vec<u32>,
    /// Location references read.
    frames: u64,
    /// Something a full decode must handle (too many labels to index).
    give_up: bool,
}

impl LeanState {
    pub(super) fn new(cols: LeanColumns<'_>, size_hint: Option<u64>) -> LeanState {
        LeanState {
            size_hint,
            request: match cols {
                LeanColumns::Request(r) | LeanColumns::Unmerged(r) | LeanColumns::Labeled(r) => {
                    Some(r.to_string())
                }
                LeanColumns::All => None,
            },
            merge: !matches!(cols, LeanColumns::Unmerged(_)),
            keep_labels: matches!(cols, LeanColumns::Labeled(_)),
            label_ids: FxHashMap::default(),
            sample_labels: Vec::new(),
            frames: 0,
            give_up: false,
            column: None,
            read: 0,
            table: Vec::new(),
            totals: Vec::new(),
            label_totals: FxHashMap::default(),
            pairs: Vec::new(),
            max_label_str: 0,
            dropped_range: None,
            dropped_big: Vec::new(),
        }
    }

    /// The guess at the first sample: a number is a column; the default
    /// is the column whose type is the default sample type's string index
    /// (when one was read already), else the last; a name cannot be
    /// matched before the string table, so every column is kept.
    fn decide(&mut self, p: &Profile, stride: usize) {
        let n = p.sample_types.len();
        self.column = match self.request.as_deref() {
            _ if n == 0 || n != stride => None,
            Some("") => {
                let dst = p.default_sample_type;
                Some(if dst.0 != 0 {
                    p.sample_types
                        .iter()
                        .position(|t| t.r#type == dst)
                        .unwrap_or(n - 1)
                } else {
                    n - 1
                })
            }
            Some(r) => r.parse::<usize>().ok().filter(|&i| i < n),
            None => None,
        };
        self.totals = vec![0; stride];
        self.table = vec![0; 1 << 10];
    }

    /// Takes one sample whose location ids are `locs[start..]`: accounts
    /// its values, then drops it, merges it into an equal earlier one, or
    /// keeps it.
    pub(super) fn add(
        &mut self,
        p: &mut Profile,
        locs: &mut Vec<u32>,
        start: usize,
        values: &[i64],
        labels: &[Label],
    ) {
        let stride = values.len();
        if self.read == 0 {
            self.decide(p, stride);
            if let Some(h) = self.size_hint {
                // Room for the kept samples up front: a location id takes
                // a byte at least, a sample far more. Growing these
                // arrays by doubling costs a copy and fresh page faults
                // each time with some allocators (jemalloc in the static
                // build); what is reserved but never written costs no
                // memory.
                let h = usize::try_from(h).unwrap_or(usize::MAX);
                locs.reserve((h / 4).min(u32::MAX as usize).saturating_sub(locs.len()));
                let n = h / 128;
                p.samples.loc_ends.reserve(n);
                p.samples.label_ends.reserve(n);
                p.samples.values.reserve(n.saturating_mul(stride));
            }
        }
        self.read += 1;
        self.frames += (locs.len() - start) as u64;
        let label_id = if self.keep_labels {
            self.label_id(labels)
        } else {
            0
        };
        for (t, &v) in self.totals.iter_mut().zip(values) {
            *t = t.wrapping_add(v.wrapping_abs());
        }
        self.pairs.clear();
        for l in labels {
            self.max_label_str = self.max_label_str.max(l.key.0).max(l.num_unit.0);
            if l.str.0 != 0 {
                self.max_label_str = self.max_label_str.max(l.str.0);
                self.pairs.push((l.key.0, l.str.0));
            }
        }
        if !self.pairs.is_empty() {
            self.pairs.sort_unstable();
            self.pairs.dedup();
            let sums = match self.label_totals.get_mut(&self.pairs[..]) {
                Some(s) => s,
                None => self
                    .label_totals
                    .entry(self.pairs.clone().into_boxed_slice())
                    .or_insert_with(|| vec![0; stride]),
            };
            for (t, &v) in sums.iter_mut().zip(values) {
                *t = t.wrapping_add(v.wrapping_abs());
            }
        }

        let keep = match self.column {
            Some(c) => values[c] != 0,
            None => values.iter().any(|&v| v != 0),
        };
        if !keep {
            // A min and max (vectorized) instead of a set: this runs for
            // every frame of every dropped sample.
            let ids = &locs[start..];
            let lo = ids.iter().copied().min().unwrap_or(u32::MAX);
            let mut hi = ids.iter().copied().max().unwrap_or(0);
            if hi >= BIG {
                self.dropped_big.extend(ids.iter().filter(|&&id| id >= BIG));
                hi = ids
                    .iter()
                    .copied()
                    .filter(|&id| id < BIG)
                    .max()
                    .unwrap_or(0);
            }
            if lo < BIG {
                let (a, b) = self.dropped_range.unwrap_or((lo, hi));
                self.dropped_range = Some((a.min(lo), b.max(hi)));
            }
            if self.dropped_big.len() > 1 << 16 {
                self.dropped_big.sort_unstable();
                self.dropped_big.dedup();
            }
            locs.truncate(start);
            return;
        }

        let s = &mut p.samples;
        if !self.merge {
            s.loc_ends.push(locs.len() as u32);
            s.label_ends.push(0);
            s.values.extend_from_slice(values);
            return;
        }
        let n = s.loc_ends.len();
        if (n + 1) * 4 > self.table.len() * 3 {
            self.grow(s, locs);
        }
        let stack = &locs[start..];
        let mask = self.table.len() - 1;
        let h = self.mix(hash(stack), label_id);
        let tag = h >> 32;
        let mut slot = h as usize & mask;
        loop {
            let e = self.table[slot];
            if e == 0 {
                break;
            }
            if e >> 32 == tag {
                let j = (e as u32 - 1) as usize;
                let js = if j == 0 {
                    0
                } else {
                    s.loc_ends[j - 1] as usize
                };
                let je = s.loc_ends[j] as usize;
                if locs[js..je] == *stack
                    && (!self.keep_labels || self.sample_labels[j] == label_id)
                {
                    let old = &mut s.values[j * stride..(j + 1) * stride];
                    if let Some(sum) = merged(old, values) {
                        old.copy_from_slice(&sum[..stride]);
                        locs.truncate(start);
                        return;
                    }
                }
            }
            slot = (slot + 1) & mask;
        }
        self.table[slot] = tag << 32 | (n as u64 + 1);
        s.loc_ends.push(locs.len() as u32);
        if self.keep_labels {
            s.labels.extend_from_slice(labels);
            if s.labels.len() > u32::MAX as usize {
                self.give_up = true;
            }
            s.label_ends.push(s.labels.len() as u32);
            self.sample_labels.push(label_id);
        } else {
            s.label_ends.push(0);
        }
        s.values.extend_from_slice(values);
    }

    /// The id of a label list, interned in the order of first appearance.
    fn label_id(&mut self, labels: &[Label]) -> u32 {
        if let Some(&id) = self.label_ids.get(labels) {
            return id;
        }
        let id = self.label_ids.len() as u32;
        self.label_ids.insert(labels.into(), id);
        id
    }

    /// A stack's hash, mixed with its label list's id when labels are
    /// kept (samples with other labels are not merged).
    #[inline]
    fn mix(&self, h: u64, label_id: u32) -> u64 {
        if self.keep_labels {
            let m = (u64::from(label_id) + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            h ^ m ^ (m >> 32)
        } else {
            h
        }
    }

    /// Doubles the hash table and puts every kept sample back in.
    fn grow(&mut self, s: &Samples, locs: &[u32]) {
        let cap = (self.table.len() * 2).max(1 << 10);
        self.table = Vec::with_capacity(cap);
        self.table.resize(cap, 0);
        let mask = cap - 1;
        let mut start = 0;
        for (j, &end) in s.loc_ends.iter().enumerate() {
            let end = end as usize;
            let label_id = self.sample_labels.get(j).copied().unwrap_or(0);
            let h = self.mix(hash(&locs[start..end]), label_id);
            let mut slot = h as usize & mask;
            while self.table[slot] != 0 {
                slot = (slot + 1) & mask;
            }
            self.table[slot] = (h >> 32) << 32 | (j as u64 + 1);
            start = end;
        }
    }

    /// The result, once the profile is complete and valid; `None` when the
    /// guessed column is not the one the request resolves to.
    pub(super) fn finish(self, profile: Profile) -> Option<LeanProfile> {
        if self.give_up {
            return None;
        }
        if let Some(c) = self.column {
            let req = self.request.as_deref().unwrap_or("");
            if super::super::sample_index(&profile, req) != Ok(c) {
                return None;
            }
        }
        // What the full decode checks of samples that may all have been
        // dropped here: label strings, and one value per sample type.
        if self.max_label_str as usize >= profile.strings.len() {
            return None;
        }
        let types = profile.sample_types.len();
        if self.read > 0 && (types == 0 || self.totals.len() != types) {
            return None;
        }
        let stride = profile.sample_types.len();
        let mut totals = self.totals;
        totals.resize(stride, 0);
        let mut base_totals = vec![0i64; stride];
        let is = |i: u32, s: &str| profile.str(StrIdx(i)) == s;
        for (set, sums) in &self.label_totals {
            if set
                .iter()
                .any(|&(k, v)| is(k, "pprof::base") && is(v, "true"))
            {
                for (t, &v) in base_totals.iter_mut().zip(sums) {
                    *t = t.wrapping_add(v);
                }
            }
        }
        let mut label_lists: Vec<(u32, Box<[Label]>)> = self
            .label_ids
            .into_iter()
            .map(|(list, id)| (id, list))
            .collect();
        label_lists.sort_unstable_by_key(|x| x.0);
        Some(LeanProfile {
            profile,
            column: self.column,
            totals: LeanTotals {
                totals,
                base_totals,
            },
            label_lists: label_lists.into_iter().map(|x| x.1).collect(),
            frames: self.frames,
        })
    }
}

/// Each column's sum, when no sum overflows and no value meets one of the
/// opposite sign (so Σ|v| and "is zero" stay what they were).
#[inline]
fn merged(a: &[i64], b: &[i64]) -> Option<[i64; 16]> {
    if a.len() > 16 {
        return None;
    }
    let mut out = [0i64; 16];
    for (k, (&x, &y)) in a.iter().zip(b).enumerate() {
        if (x > 0 && y < 0) || (x < 0 && y > 0) {
            return None;
        }
        out[k] = x.checked_add(y)?;
    }
    Some(out)
}

/// A hash of the stack's length, its root frame and its first (leaf-side)
/// frames, where stacks differ most: cheaper than hashing every frame, and
/// equal stacks still hash alike.
#[inline]
fn hash(stack: &[u32]) -> u64 {
    let mut h = (stack.len() as u64) << 32 | u64::from(stack.last().copied().unwrap_or(0));
    for &x in &stack[..stack.len().min(8)] {
        h = (h ^ u64::from(x)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        h ^= h >> 29;
    }
    let f = h.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    f ^ (f >> 32)
}
