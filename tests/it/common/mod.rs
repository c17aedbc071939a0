//! Shared helpers for integration tests: a small builder of profile.proto
//! messages and a runner for the built binary.
#![allow(dead_code)]

use flate2::Compression;
use flate2::write::GzEncoder;
use heapscope::proto;
use prost::Message;
use std::io::Write;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

/// Builds Go-like heap profiles: functions by name, stacks as name lists
/// (leaf first), four sample types.
pub struct Builder {
    pub p: proto::Profile,
}

impl Default for Builder {
    fn default() -> Self {
        Self::new(&[
            ("alloc_objects", "count"),
            ("alloc_space", "bytes"),
            ("inuse_objects", "count"),
            ("inuse_space", "bytes"),
        ])
    }
}

impl Builder {
    pub fn new(types: &[(&str, &str)]) -> Builder {
        let mut b = Builder {
            p: proto::Profile {
                string_table: vec![String::new()],
                ..Default::default()
            },
        };
        for (t, u) in types {
            let vt = proto::ValueType {
                r#type: b.s(t),
                unit: b.s(u),
            };
            b.p.sample_type.push(vt);
        }
        let pt = proto::ValueType {
            r#type: b.s("space"),
            unit: b.s("bytes"),
        };
        b.p.period_type = Some(pt);
        b.p.period = 524288;
        b
    }

    pub fn s(&mut self, s: &str) -> i64 {
        if let Some(i) = self.p.string_table.iter().position(|x| x == s) {
            return i as i64;
        }
        self.p.string_table.push(s.to_string());
        (self.p.string_table.len() - 1) as i64
    }

    /// The location id of a function (one location per function).
    pub fn loc(&mut self, name: &str) -> u64 {
        let n = self.s(name);
        if let Some(f) = self.p.function.iter().find(|f| f.name == n) {
            let fid = f.id;
            return self
                .p
                .location
                .iter()
                .find(|l| l.line.first().map(|x| x.function_id) == Some(fid))
                .unwrap()
                .id;
        }
        let file = self.s("main.go");
        let fid = self.p.function.len() as u64 + 1;
        self.p.function.push(proto::Function {
            id: fid,
            name: n,
            system_name: n,
            filename: file,
            start_line: 1,
        });
        let lid = self.p.location.len() as u64 + 1;
        self.p.location.push(proto::Location {
            id: lid,
            address: 0x1000 + lid * 16,
            line: vec![proto::Line {
                function_id: fid,
                line: 10,
                column: 0,
            }],
            ..Default::default()
        });
        lid
    }

    /// Adds a sample; `stack` is leaf first.
    pub fn sample(&mut self, stack: &[&str], values: &[i64]) -> &mut Self {
        let ids: Vec<u64> = stack.iter().map(|n| self.loc(n)).collect();
        self.p.sample.push(proto::Sample {
            location_id: ids,
            value: values.to_vec(),
            label: vec![],
        });
        self
    }

    pub fn bytes(&self) -> Vec<u8> {
        self.p.encode_to_vec()
    }

    pub fn gzip(&self) -> Vec<u8> {
        gzip(&self.bytes())
    }
}

pub fn gzip(b: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(b).unwrap();
    e.finish().unwrap()
}

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_heapscope")
}

/// Runs heapscope with `args` in `dir`, TZ=UTC, optional stdin.
pub fn run_in(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut c = Command::new(bin());
    c.args(args)
        .current_dir(dir)
        .env("TZ", "UTC")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
    let mut child = c.spawn().expect("spawn heapscope");
    if let Some(input) = stdin {
        let mut si = child.stdin.take().unwrap();
        let input = input.to_vec();
        std::thread::spawn(move || {
            let _ = si.write_all(&input);
        });
    }
    child.wait_with_output().expect("wait heapscope")
}

pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Starts `heapscope web ARGS` and returns it with the URL it prints on
/// its first line of standard output. `stderr`: where its messages go.
pub fn start_web(args: &[&str], stderr: Stdio) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_heapscope"))
        .arg("web")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .unwrap();
    let url = served_url(&mut child);
    (child, url)
}

/// The URL a serving heapscope (`web`, `pprof -http`) prints on its first
/// line of standard output, which must be piped.
pub fn served_url(child: &mut Child) -> String {
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    line.split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL in {line:?}"))
        .to_string()
}

/// A test that needs a tool this machine lacks: under `CI=true` that is a
/// failure (`.ci/run` installs every tool the tests use), elsewhere a note
/// on stderr and a skip. Call it and return.
pub fn missing_tool(what: &str) {
    assert!(
        std::env::var_os("CI").is_none_or(|v| v != "true"),
        "{what} is missing; under CI=true the tests need it (.ci/run installs it)"
    );
    eprintln!("note: {what} is missing: skipped");
}
