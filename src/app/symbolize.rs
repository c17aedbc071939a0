//! `heapscope symbolize PROFILE --binary BIN -o OUT`: symbolizes a profile
//! and writes it as gzip profile.proto (atomically), so pprof and other
//! tools can read it without the binary.

use super::{Outcome, load_one};
use crate::cli::SymbolizeArgs;
use crate::output::write_atomic;
use crate::profile::encode;
use anyhow::{Context, Result};

pub(crate) fn run(a: SymbolizeArgs) -> Result<Outcome> {
    let p = load_one(&a.profile, &a.input)?;
    write_atomic(&a.output, |w| encode::write_gzip(&p, w))
        .with_context(|| format!("{}: cannot write", a.output.display()))?;
    Ok(Outcome::Ok)
}
