//! `heapscope top`: pprof's `-top`.

use super::reports::prepare_aggregate;
use super::{Outcome, write_report};
use crate::options::TopRequest;
use crate::{render, report};
use anyhow::Result;

pub fn run(a: TopRequest) -> Result<Outcome> {
    let x = prepare_aggregate(&a.selection)?;
    let mut o = a.options;
    o.sample_index = x.idx;
    let mut r = report::top_with_total(&x.p, &o, x.total);
    r.profile_labels.extend(a.selection.filters.header_lines());
    write_report(a.output.path.as_deref(), |w| {
        render::TOP.write(&r, a.output.format, false, w)
    })?;
    // The process exits next: leave the profile's pages (tens of MB, tens
    // of thousands of strings) to the OS instead of freeing them one by
    // one, a few ms of a 20 MB profile's run.
    std::mem::forget(x);
    Ok(Outcome::Ok)
}
