//! tmp
use crate::graph::GraphReport;
use std::io::{self, Write};
pub fn write_svg(_r: &GraphReport, _w: &mut dyn Write) -> io::Result<()> {
    Err(io::Error::other("todo"))
}
pub fn write_png(_r: &GraphReport, _w: &mut dyn Write) -> io::Result<()> {
    Err(io::Error::other("todo"))
}
