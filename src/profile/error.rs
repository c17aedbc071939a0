//! Typed decode errors: what can be wrong with a profile's bytes. Tests match
//! on the variants; the CLI prints them after the file name.

use std::fmt;

#[derive(Debug)]
pub enum DecodeError {
    /// The input has no bytes at all (or a gzip stream with no content).
    Empty,
    /// The gzip stream is corrupt or ends early.
    Gzip(String),
    /// The decompressed (or raw) input is larger than the configured cap.
    TooLarge { limit: u64 },
    /// The bytes are not profile.proto and no other format recognized them.
    NotAProfile(String),
    /// profile.proto wire-format error (truncation, bad varint, bad tag).
    Malformed(String),
    /// Well-formed protobuf whose contents break the profile's rules
    /// (pprof's CheckValid): dangling ids, indices out of range, etc.
    Invalid(String),
    /// An I/O error while reading the input.
    Io(std::io::Error),
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Empty => write!(f, "empty input file"),
            DecodeError::Gzip(m) => write!(f, "bad gzip data: {m}"),
            DecodeError::TooLarge { limit } => write!(
                f,
                "decompressed profile exceeds the size limit of {limit} bytes (raise it with --max-input-size)"
            ),
            DecodeError::NotAProfile(m) => write!(f, "not a profile: {m}"),
            DecodeError::Malformed(m) => write!(f, "malformed profile.proto: {m}"),
            DecodeError::Invalid(m) => write!(f, "invalid profile: {m}"),
            DecodeError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for DecodeError {}
