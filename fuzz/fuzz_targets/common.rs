//! What every profile target does with a profile that parsed, as the
//! commands do after reading: check the model's invariants, drop_frames
//! pruning (and check them again), then `top` for up to four sample types
//! at the given granularities, rendered as text (and JSON when asked).

use heapscope::aggregate::Granularity;
use heapscope::profile::{Profile, check_valid, prune};
use heapscope::report::{self, TopOptions};

pub fn prune_and_top(mut p: Profile, granularities: &[Granularity], json: bool) {
    if let Err(e) = check_valid(&p) {
        panic!("the parser returned an invalid profile: {e}");
    }
    if prune::remove_uninteresting(&mut p).is_err() {
        return;
    }
    if let Err(e) = check_valid(&p) {
        panic!("pruning produced an invalid profile: {e}");
    }
    for idx in 0..p.sample_types.len().min(4) {
        for &g in granularities {
            let mut o = TopOptions {
                sample_index: idx,
                ..Default::default()
            };
            o.nodes.granularity = g;
            let r = report::top(&p, &o);
            let mut out = Vec::new();
            let _ = heapscope::render::top_text(&r, &mut out);
            if json {
                let _ = heapscope::render::top_json(&r, &mut out);
            }
        }
    }
}
