//! Ids -> dense indices: the last step of decoding. Mapping, function and
//! location ids as written in the file are resolved into `MapIdx`,
//! `FuncIdx` and `LocIdx` (sample locations in parallel chunks for big
//! profiles). Every check of
//! [`check_valid`](crate::profile::check::check_valid) happens on the
//! way (the sample locations as they are resolved), so every profile
//! `decode` returns is valid without a second pass over its samples.
//!
//! The checks run in the order the old single-pass validator used (string
//! table, values, string indices, ids, references) so a file with several
//! faults reports the same first one.

use super::super::check::{self, IdIndex};
use super::super::error::{Invalid, Table};
use super::super::{DecodeError, FuncIdx, LocIdx, MapIdx, Profile};
use super::fields::{BIG, RawProfile};
use super::lean::LeanState;

impl RawProfile {
    /// The validated profile with every id resolved.
    pub(super) fn finish(self) -> Result<Profile, DecodeError> {
        self.finish_lean().map(|(p, _)| p)
    }

    /// [`finish`](Self::finish), handing back the lean decode's state.
    pub(super) fn finish_lean(mut self) -> Result<(Profile, Option<LeanState>), DecodeError> {
        let p = &mut self.p;
        let nsamples = p.samples.loc_ends.len();

        // An all-printable input slipped past sniffing only if it is very
        // short; treat a "profile" with nothing in it as not a profile.
        if p.strings.is_empty()
            && nsamples == 0
            && p.sample_types.is_empty()
            && p.locations.is_empty()
        {
            return Err(DecodeError::NotAProfile(
                "no profile.proto content (no string table)".into(),
            ));
        }
        check::check_string_table(p)?;

        // Values per sample: the decoder stops storing values at the first
        // sample whose count differs, so report that sample here.
        let ntypes = p.sample_types.len();
        if ntypes == 0 && nsamples != 0 {
            return Err(Invalid::NoSampleTypes.into());
        }
        if let Some((sample, values)) = self.bad_value_count {
            return Err(Invalid::ValueCount {
                sample,
                values,
                types: ntypes,
            }
            .into());
        }
        if nsamples == 0 {
            p.samples.stride = ntypes;
        }
        check::check_value_counts(p)?;
        check::check_string_indices(p)?;

        // Ids.
        let map_idx = IdIndex::build(
            p.mappings.iter().map(|m| m.id),
            p.mappings.len(),
            Table::Mapping,
        )?;
        let fn_idx = IdIndex::build(
            p.functions.iter().map(|f| f.id),
            p.functions.len(),
            Table::Function,
        )?;
        let loc_idx = IdIndex::build(
            p.locations.iter().map(|l| l.id),
            p.locations.len(),
            Table::Location,
        )?;

        for (li, loc) in p.locations.iter_mut().enumerate() {
            let mid = self.loc_mapping_ids[li];
            if mid != 0 {
                let Some(m) = map_idx.get(mid) else {
                    return Err(Invalid::UnknownMapping {
                        location: loc.id,
                        mapping: mid,
                    }
                    .into());
                };
                loc.mapping = Some(MapIdx(m));
            }
            for k in loc.lines_start..loc.lines_end {
                let fid = self.line_function_ids[k as usize];
                let Some(f) = (if fid == 0 { None } else { fn_idx.get(fid) }) else {
                    return Err(Invalid::UnknownFunction {
                        location: loc.id,
                        function: fid,
                    }
                    .into());
                };
                p.lines[k as usize].function = FuncIdx(f);
            }
        }

        // The samples a lean decode dropped still name only known
        // locations (the error itself comes from the full decode, which
        // also takes over when the ids are not 1..N: the lean decode kept
        // only the range of the small ones).
        if let Some(lean) = &self.lean {
            let nlocs = p.locations.len();
            if let Some((lo, hi)) = lean.dropped_range {
                if lo == 0 || hi as usize > nlocs || !loc_idx.is_identity(nlocs) {
                    return Err(Invalid::UnknownLocation {
                        sample: 0,
                        location: u64::from(if lo == 0 { lo } else { hi }),
                    }
                    .into());
                }
            }
            for &v in &lean.dropped_big {
                let id = self.big_ids[(v - BIG) as usize];
                if loc_idx.get(id).is_none() {
                    return Err(Invalid::UnknownLocation {
                        sample: 0,
                        location: id,
                    }
                    .into());
                }
            }
        }

        // Sample -> location, resolved in place, in parallel chunks for big
        // profiles. A failing chunk reports the first bad position; the
        // sample it belongs to is found only then.
        let big_ids = &self.big_ids;
        // With ids 1..N in order, id k + 1 is index k: a subtraction and a
        // bound check per frame instead of a table lookup.
        let identity = loc_idx.is_identity(p.locations.len());
        let nlocs = p.locations.len() as u32;
        let resolve = |chunk: &mut [u32], offset: usize| -> Result<(), (usize, u64)> {
            if identity {
                let mut all = true;
                for slot in chunk.iter_mut() {
                    let k = slot.wrapping_sub(1);
                    all &= k < nlocs;
                    *slot = k;
                }
                if all {
                    return Ok(());
                }
                // Restore, and let the general path find the bad id.
                for slot in chunk.iter_mut() {
                    *slot = slot.wrapping_add(1);
                }
            }
            for (k, slot) in chunk.iter_mut().enumerate() {
                let v = *slot;
                let id = if v < BIG {
                    u64::from(v)
                } else {
                    big_ids[(v - BIG) as usize]
                };
                match if id == 0 { None } else { loc_idx.get(id) } {
                    Some(l) => *slot = l,
                    None => return Err((offset + k, id)),
                }
            }
            Ok(())
        };
        let threads = std::thread::available_parallelism()
            .map_or(1, |x| x.get())
            .min(8);
        let n = self.locs.len();
        let result = if threads > 1 && n >= 1 << 20 {
            let per = n.div_ceil(threads);
            std::thread::scope(|scope| {
                let handles: Vec<_> = self
                    .locs
                    .chunks_mut(per)
                    .enumerate()
                    .map(|(c, chunk)| scope.spawn(move || resolve(chunk, c * per)))
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().expect("resolver thread"))
                    .find(|r| r.is_err())
                    .unwrap_or(Ok(()))
            })
        } else {
            resolve(&mut self.locs, 0)
        };
        if let Err((pos, id)) = result {
            let sample = p.samples.loc_ends.partition_point(|&e| e as usize <= pos);
            return Err(Invalid::UnknownLocation {
                sample,
                location: id,
            }
            .into());
        }
        // Same size and alignment: this collect reuses the allocation.
        p.samples.locs = std::mem::take(&mut self.locs)
            .into_iter()
            .map(LocIdx)
            .collect();
        check::check_resolved(&self.p)?;
        Ok((self.p, self.lean))
    }
}
