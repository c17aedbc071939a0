//! The interactive page (`heapscope report -o heap.html`, `heapscope web`):
//! its data model computed on the Rust side ([`model`]), the HTML around it
//! with our own embedded script and style ([`page`]), and the loopback
//! server ([`server`]).
//!
//! Refinement (focus/ignore/hide/show and tag filters) is done in two
//! ways, one per mode: a self-contained file refines its embedded, pruned
//! flame tree in the page (name filters only, approximate below the
//! pruning cut, and said so on the page); the server recomputes the view
//! from the profile in Rust, exactly as the commands filter, tag filters
//! included (`GET /api/view?t=&f=&i=&h=&s=&tf=&ti=`).
//!
//! The Graph view is the graph module's SVG ([`crate::render::graph_svg`],
//! default trimming) in a [`model::View`]: a page holds the default
//! sample type's only (see [`model::GraphData::omitted`]), and the server
//! draws another type's, or a refinement's, when the Graph view asks for
//! it. The page parses it as XML, keeps only the drawing elements, and a
//! click on a node focuses on it. A file does not redraw it for an
//! in-page refinement, and says so.
//!
//! What a page holds is bounded by the work it costs: the views of every
//! sample type for a small profile, of the default type for a big one
//! (`report_html::ALL_TYPES_MAX_FRAMES`); the page names `--sample-index`
//! and `heapscope web` for the others.

pub mod model;
pub mod page;
pub mod server;
