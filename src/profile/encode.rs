//! [`Profile`] -> profile.proto bytes (optionally gzip), through the
//! prost-generated types. Used by `convert` and `symbolize`; the output is
//! read back by pprof and by [`super::decode`].

use super::Profile;
use crate::proto;
use flate2::Compression;
use flate2::write::GzEncoder;
use prost::Message;
use std::io::{self, Write};

/// The prost message for a profile. Ids are written as dense 1-based
/// indices, so the output is valid whatever ids the input had.
pub fn to_proto(p: &Profile) -> proto::Profile {
    let s = |i: super::StrIdx| i64::from(i.0);
    let vt = |v: &super::ValueType| proto::ValueType {
        r#type: s(v.r#type),
        unit: s(v.unit),
    };
    let mut out = proto::Profile {
        sample_type: p.sample_types.iter().map(vt).collect(),
        string_table: p.strings.iter().map(|x| x.to_string()).collect(),
        drop_frames: s(p.drop_frames),
        keep_frames: s(p.keep_frames),
        time_nanos: p.time_nanos,
        duration_nanos: p.duration_nanos,
        period_type: Some(vt(&p.period_type)),
        period: p.period,
        comment: p.comments.iter().map(|&c| s(c)).collect(),
        default_sample_type: s(p.default_sample_type),
        doc_url: s(p.doc_url),
        ..Default::default()
    };
    if out.string_table.is_empty() {
        out.string_table.push(String::new());
    }
    out.mapping = numbered(&p.mappings, |id, m| proto::Mapping {
        id,
        memory_start: m.memory_start,
        memory_limit: m.memory_limit,
        file_offset: m.file_offset,
        filename: s(m.filename),
        build_id: s(m.build_id),
        has_functions: m.has_functions,
        has_filenames: m.has_filenames,
        has_line_numbers: m.has_line_numbers,
        has_inline_frames: m.has_inline_frames,
    });
    out.function = numbered(&p.functions, |id, f| proto::Function {
        id,
        name: s(f.name),
        system_name: s(f.system_name),
        filename: s(f.filename),
        start_line: f.start_line,
    });
    out.location = numbered(&p.locations, |id, l| proto::Location {
        id,
        mapping_id: l.mapping.map_or(0, |m| id_of(m.0)),
        address: l.address,
        line: p
            .lines_of(l)
            .iter()
            .map(|ln| proto::Line {
                function_id: id_of(ln.function.0),
                line: ln.line,
                column: ln.column,
            })
            .collect(),
        is_folded: l.is_folded,
    });
    out.sample = p
        .samples
        .iter()
        .map(|x| proto::Sample {
            location_id: x.locs.iter().map(|l| id_of(l.0)).collect(),
            value: x.values.to_vec(),
            label: x
                .labels
                .iter()
                .map(|l| proto::Label {
                    key: s(l.key),
                    str: s(l.str),
                    num: l.num,
                    num_unit: s(l.num_unit),
                })
                .collect(),
        })
        .collect();
    out
}

/// The 1-based id of the item at dense index `i`.
fn id_of(i: u32) -> u64 {
    u64::from(i) + 1
}

/// The messages for `items`, `f` given each item's 1-based id.
fn numbered<T, M>(items: &[T], f: impl Fn(u64, &T) -> M) -> Vec<M> {
    items.iter().zip(1..).map(|(x, id)| f(id, x)).collect()
}

/// Writes the profile as gzip-compressed profile.proto.
pub fn write_gzip(p: &Profile, w: impl Write) -> io::Result<()> {
    let bytes = to_proto(p).encode_to_vec();
    let mut gz = GzEncoder::new(w, Compression::default());
    gz.write_all(&bytes)?;
    gz.finish()?.flush()
}
