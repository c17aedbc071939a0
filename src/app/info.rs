//! `heapscope info`: one summary per input profile (not merged).

use super::reports::table_free;
use super::{Outcome, write_report};
use crate::options::{Format, InfoRequest};
use crate::profile::decode::{self, DecodeOptions};
use crate::profile::{legacy, prune};
use crate::{render, report, source};
use anyhow::{Context, Result};
use std::io::Read;

pub fn run(a: InfoRequest) -> Result<Outcome> {
    table_free(a.format, "info")?;
    let mut infos = Vec::with_capacity(a.profiles.len());
    for name in &a.profiles {
        let shown = source::display_name(name);
        let o = super::fetch::open(name, &a.input)?;
        let mut r = o.reader;
        let mut head = [0u8; 2];
        let n = read_up_to(&mut r, &mut head).with_context(|| format!("{shown}: cannot read"))?;
        let gzipped = n == 2 && head == [0x1f, 0x8b];
        let opts = DecodeOptions {
            max_input_size: a.input.max_input_size,
            ..Default::default()
        };
        let mut p = decode::decode_reader(head[..n].chain(r), opts, &legacy::parse)
            .map_err(|e| super::fetch::decode_error(shown, o.content_type.as_deref(), e))?;
        prune::remove_uninteresting(&mut p).with_context(|| shown.to_string())?;
        infos.push(report::info::info(shown, &p, gzipped));
    }
    write_report(a.output.as_deref(), |w| match a.format {
        Format::Json => render::info::render_json(&infos, w),
        _ => render::info::render_text(&infos, w),
    })?;
    Ok(Outcome::Ok)
}

fn read_up_to(r: &mut dyn Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}
