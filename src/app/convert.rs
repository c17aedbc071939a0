//! `heapscope convert IN... -o OUT.pb.gz`: read any supported format, merge
//! as pprof does, write gzip'd profile.proto atomically. The bridge from
//! legacy text profiles into tools that read only profile.proto.

use super::{Outcome, load};
use crate::options::ConvertRequest;
use crate::profile::encode;
use anyhow::Result;

pub fn run(r: ConvertRequest) -> Result<Outcome> {
    let p = load(&r.profiles, &r.input)?;
    super::write_report(Some(&r.output), |w| encode::write_gzip(&p, w))?;
    Ok(Outcome::Ok)
}
