//! `heapscope info`'s model and renderers, under their old path: the model
//! lives in [`crate::report::info`], the renderers in
//! [`crate::render::info`]. Kept so callers of `heapscope::info` build.

pub use crate::render::info::{render_json, render_text};
pub use crate::report::info::*;
