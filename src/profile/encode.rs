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
    out.mapping = p
        .mappings
        .iter()
        .enumerate()
        .map(|(i, m)| proto::Mapping {
            id: i as u64 + 1,
            memory_start: m.memory_start,
            memory_limit: m.memory_limit,
            file_offset: m.file_offset,
            filename: s(m.filename),
            build_id: s(m.build_id),
            has_functions: m.has_functions,
            has_filenames: m.has_filenames,
            has_line_numbers: m.has_line_numbers,
            has_inline_frames: m.has_inline_frames,
        })
        .collect();
    out.function = p
        .functions
        .iter()
        .enumerate()
        .map(|(i, f)| proto::Function {
            id: i as u64 + 1,
            name: s(f.name),
            system_name: s(f.system_name),
            filename: s(f.filename),
            start_line: f.start_line,
        })
        .collect();
    out.location = p
        .locations
        .iter()
        .enumerate()
        .map(|(i, l)| proto::Location {
            id: i as u64 + 1,
            mapping_id: l.mapping.map_or(0, |m| u64::from(m.0) + 1),
            address: l.address,
            line: p
                .lines_of(l)
                .iter()
                .map(|ln| proto::Line {
                    function_id: u64::from(ln.function.0) + 1,
                    line: ln.line,
                    column: ln.column,
                })
                .collect(),
            is_folded: l.is_folded,
        })
        .collect();
    out.sample = p
        .samples
        .iter()
        .map(|x| proto::Sample {
            location_id: x.locs.iter().map(|l| u64::from(l.0) + 1).collect(),
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

/// Writes the profile as gzip-compressed profile.proto.
pub fn write_gzip(p: &Profile, w: impl Write) -> io::Result<()> {
    let bytes = to_proto(p).encode_to_vec();
    let mut gz = GzEncoder::new(w, Compression::default());
    gz.write_all(&bytes)?;
    gz.finish()?.flush()
}
