//! Where profile bytes come from: a file path, or `-` for standard input.

use std::fs::File;
use std::io::{self, Read};

/// Opens a profile source for reading.
pub fn open(name: &str) -> io::Result<Box<dyn Read + Send>> {
    if name == "-" {
        return Ok(Box::new(io::stdin()));
    }
    let f = File::open(name)?;
    if f.metadata()?.is_dir() {
        return Err(io::Error::other("is a directory"));
    }
    Ok(Box::new(f))
}

/// How a source is named in messages.
pub fn display_name(name: &str) -> &str {
    if name == "-" { "<stdin>" } else { name }
}
