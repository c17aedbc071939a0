//! The `info` report: a summary of one profile (format, likely producer,
//! sample types and default, period, time, counts, mappings, Go MemStats),
//! built once as a plain model; `render::info` prints it as text or JSON
//! (the JSON is this model serialized).

use super::JsonSampleType;
use crate::profile::{self, Profile};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct MappingInfo {
    pub id: u64,
    pub start: u64,
    pub limit: u64,
    pub offset: u64,
    pub file: String,
    pub build_id: String,
    pub has_functions: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Info {
    pub file: String,
    /// `profile.proto` (with `gzip` when compressed) or the legacy format.
    pub format: String,
    pub producer: String,
    pub sample_types: Vec<JsonSampleType<'static>>,
    /// The sample type reports use by default (pprof's rule).
    pub default_sample_type: String,
    pub period: i64,
    pub period_type: JsonSampleType<'static>,
    pub time_nanos: i64,
    pub duration_nanos: i64,
    pub samples: usize,
    pub locations: usize,
    pub functions: usize,
    pub mappings: Vec<MappingInfo>,
    pub comments: Vec<String>,
    pub drop_frames: String,
    pub keep_frames: String,
    /// Go's `# runtime.MemStats` block, in file order (debug=1 text only).
    pub memstats: Vec<MemStat>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MemStat {
    pub name: String,
    pub value: String,
}

/// A best guess at what wrote the profile, from its shape.
pub fn guess_producer(p: &Profile) -> String {
    use profile::legacy::LegacyFormat as F;
    if let Some(f) = p.legacy_format {
        return match f {
            F::GoHeap => "Go runtime/pprof (heap?debug=1)",
            F::TcmallocHeap | F::TcmallocGrowth | F::TcmallocFragmentation => {
                "gperftools / tcmalloc heap profiler"
            }
            F::JemallocHeap => "jemalloc prof.dump",
            F::JavaHeapz => "Java heapz agent",
        }
        .into();
    }
    let types: Vec<&str> = (0..p.sample_types.len())
        .map(|i| p.sample_type_name(i))
        .collect();
    let go = [
        "alloc_objects",
        "alloc_space",
        "inuse_objects",
        "inuse_space",
    ];
    if types == go && p.str(p.period_type.r#type) == "space" {
        return if p.str(p.default_sample_type) == "alloc_space" {
            "Go runtime/pprof (allocs profile)".into()
        } else {
            "Go runtime/pprof (heap profile)".into()
        };
    }
    if types == ["inuse_objects", "inuse_space"] && p.mappings.is_empty() {
        return "Node.js heap profiler (pprof-nodejs / @datadog/pprof)".into();
    }
    if types == ["inuse_space"] && p.functions.is_empty() && !p.mappings.is_empty() {
        return "jemalloc_pprof (Rust, unsymbolized)".into();
    }
    "unknown".into()
}

/// The summary of `p`, read from `file` (`gzipped`: the bytes began with
/// the gzip magic).
pub fn info(file: &str, p: &Profile, gzipped: bool) -> Info {
    let vt = |v: profile::ValueType| JsonSampleType {
        r#type: p.str(v.r#type).to_string().into(),
        unit: p.str(v.unit).to_string().into(),
    };
    let format = match p.legacy_format {
        Some(f) => f.name().to_string(),
        None if gzipped => "profile.proto (gzip)".into(),
        None => "profile.proto".into(),
    };
    let default_sample_type = profile::sample_index(p, "")
        .map(|i| p.sample_type_name(i).to_string())
        .unwrap_or_default();
    Info {
        file: file.to_string(),
        format,
        producer: guess_producer(p),
        sample_types: p.sample_types.iter().map(|&t| vt(t)).collect(),
        default_sample_type,
        period: p.period,
        period_type: vt(p.period_type),
        time_nanos: p.time_nanos,
        duration_nanos: p.duration_nanos,
        samples: p.samples.len(),
        locations: p.locations.len(),
        functions: p.functions.len(),
        mappings: p
            .mappings
            .iter()
            .map(|m| MappingInfo {
                id: m.id,
                start: m.memory_start,
                limit: m.memory_limit,
                offset: m.file_offset,
                file: p.str(m.filename).to_string(),
                build_id: p.str(m.build_id).to_string(),
                has_functions: m.has_functions,
            })
            .collect(),
        comments: p.comments.iter().map(|&c| p.str(c).to_string()).collect(),
        drop_frames: p.str(p.drop_frames).to_string(),
        keep_frames: p.str(p.keep_frames).to_string(),
        memstats: p
            .memstats
            .iter()
            .map(|(k, v)| MemStat {
                name: k.clone(),
                value: v.clone(),
            })
            .collect(),
    }
}
