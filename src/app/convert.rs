//! `heapscope convert IN... -o OUT.pb.gz`: read any supported format, merge
//! as pprof does, write gzip'd profile.proto atomically. The bridge from
//! legacy text profiles into tools that read only profile.proto.

use super::{Outcome, load};
use crate::cli::ConvertArgs;
use crate::profile::encode;
use anyhow::Result;

pub(crate) fn run(a: ConvertArgs) -> Result<Outcome> {
    let p = load(&a.profiles, &a.input)?;
    super::write_report(Some(&a.output), |w| encode::write_gzip(&p, w))?;
    Ok(Outcome::Ok)
}
