//! heapscope: a fast, pprof-compatible heap profile analyzer.
//!
//! The library holds every decision; the binary (`src/main.rs` and its
//! `src/cli.rs`, the only code that knows clap) parses flags into the plain
//! requests of [`options`], runs [`app`] and maps results to exit codes.
//! Data flows downward:
//! `source` (bytes) -> `profile` (decode, validate) -> `aggregate` (flat/cum per
//! node) -> `report` (rows, totals, header lines) -> `render` (text, JSON).

pub mod aggregate;
pub mod app;
pub mod filter;
pub mod graph;
pub mod info;
pub mod options;
pub mod output;
pub mod pprof_cli;
pub mod profile;
pub mod render;
pub mod report;
pub mod source;
pub mod symbolize;
pub mod units;
pub mod web;

/// Types generated from `proto/profile.proto` by prost (package
/// `perftools.profiles`). Used to write profiles and to build them in tests;
/// reading goes through [`profile::decode`], which is faster.
pub mod proto {
    #![allow(missing_docs, clippy::all)]
    include!(concat!(env!("OUT_DIR"), "/perftools.profiles.rs"));
}
