//! `pprof -topproto`: the rows of `top` as a profile.proto, one location
//! and one single-frame sample per row, with two sample types (`cum`,
//! `flat`) in the report's output unit. pprof's `printTopProto`: functions
//! are shared between rows of one function, ids are 1-based in row order.

use super::TopReport;
use crate::aggregate::{self, NodeInfo};
use crate::profile::Profile;
use crate::{proto, units};
use flate2::Compression;
use flate2::write::GzEncoder;
use prost::Message;
use rustc_hash::FxHashMap;
use std::io::{self, Write};

/// Builds the profile from a top report of `p` (built with `nodes`).
pub fn top_proto(p: &Profile, r: &TopReport, nodes: aggregate::NodeOptions) -> proto::Profile {
    // The node behind each row, found by its printed name.
    let table = aggregate::node_table(p, nodes);
    let mut by_name: FxHashMap<String, &NodeInfo> = FxHashMap::default();
    for info in &table.infos {
        by_name.entry(info.printable_name()).or_insert(info);
    }
    let mut strings: Vec<String> = vec![String::new()];
    let mut index: FxHashMap<String, i64> = FxHashMap::default();
    index.insert(String::new(), 0);
    let mut s = |x: &str| -> i64 {
        if let Some(&i) = index.get(x) {
            return i;
        }
        let i = strings.len() as i64;
        strings.push(x.to_string());
        index.insert(x.to_string(), i);
        i
    };
    let unit = r.output_unit.clone();
    let mut out = proto::Profile {
        sample_type: vec![
            proto::ValueType {
                r#type: s("cum"),
                unit: s(&unit),
            },
            proto::ValueType {
                r#type: s("flat"),
                unit: s(&unit),
            },
        ],
        time_nanos: p.time_nanos,
        duration_nanos: p.duration_nanos,
        period: p.period,
        ..Default::default()
    };
    let pt = p.period_type;
    if pt.r#type.0 != 0 || pt.unit.0 != 0 {
        out.period_type = Some(proto::ValueType {
            r#type: s(p.str(pt.r#type)),
            unit: s(p.str(pt.unit)),
        });
    }
    let mut functions: FxHashMap<(String, String, i64), u64> = FxHashMap::default();
    let empty = NodeInfo::default();
    for (i, row) in r.rows.iter().enumerate() {
        let info = by_name.get(&row.name).copied().unwrap_or(&empty);
        let key = (info.name.clone(), info.file.clone(), info.start_line);
        let fid = match functions.get(&key) {
            Some(&id) => id,
            None => {
                let id = functions.len() as u64 + 1;
                functions.insert(key, id);
                out.function.push(proto::Function {
                    id,
                    name: s(&info.name),
                    system_name: 0,
                    filename: s(&info.file),
                    start_line: info.start_line,
                });
                id
            }
        };
        let id = i as u64 + 1;
        out.location.push(proto::Location {
            id,
            address: info.address,
            line: vec![proto::Line {
                function_id: fid,
                line: info.lineno,
                column: info.column,
            }],
            ..Default::default()
        });
        let scale = |v: i64| units::scale(v, &r.sample_unit, &unit).0 as i64;
        out.sample.push(proto::Sample {
            location_id: vec![id],
            value: vec![scale(row.cum), scale(row.flat)],
            ..Default::default()
        });
    }
    out.string_table = strings;
    out
}

/// Writes a profile message gzip-compressed, as pprof writes profiles.
pub fn write_gzip(m: &proto::Profile, w: &mut dyn Write) -> io::Result<()> {
    let mut gz = GzEncoder::new(w, Compression::default());
    gz.write_all(&m.encode_to_vec())?;
    gz.finish()?.flush()
}
