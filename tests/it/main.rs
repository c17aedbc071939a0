//! heapscope's integration tests, as one test binary: one link of the
//! library and its dependencies instead of one per file, which keeps the
//! build's disk and time small. Each file is one area; run one area with
//! `cargo test --test it AREA::` (for example `cargo test --test it graph::`).

mod common;
mod reports_common;

mod bad_input;
mod conformance;
mod diff;
mod diff_properties;
mod dist;
mod filters;
mod flame;
mod fuzz_smoke;
mod graph;
mod hostile;
#[cfg(feature = "https")]
mod http;
mod legacy;
mod list;
mod outputs;
mod pprof_cli;
mod properties;
mod reports;
mod surface;
mod symbolize;
mod web_browser;
mod web_model;
mod web_server;
