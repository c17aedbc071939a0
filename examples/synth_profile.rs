//! synth_profile: a deterministic generator of large, Go-like heap profiles
//! (profile.proto, gzip) for benchmarking heapscope against `go tool pprof`.
//!
//! ```text
//! cargo run --release --example synth_profile -- --out synth_20mb.pb.gz --size 20mb --seed 2
//! cargo run --release --example synth_profile -- --out x.pb.gz --samples 50000 --functions 8000 \
//!     --locations 40000 --roots 64 --seed 7
//! ```
//!
//! What the output looks like (the shape of a Go `runtime/pprof` heap profile):
//! * sample types `alloc_objects/count, alloc_space/bytes, inuse_objects/count,
//!   inuse_space/bytes`, period type `space/bytes`, period 524288, `time_nanos`;
//! * every sample carries a numeric label `bytes` (the object size), and its
//!   values are un-sampled the way the Go runtime does it (`scaleHeapSample`),
//!   so a sampled 16-byte object counts as ~32768 objects / ~512 KiB;
//! * a main mapping (file name, build id, `has_functions` ...) plus the usual
//!   shared-library mappings;
//! * Go-style symbols: packages under module paths, methods `pkg.(*T).M`,
//!   value methods, closures `pkg.(*T).M.func1` / `pkg.F.func2.1`, generics
//!   `pkg.F[go.shape.string]`, `pkg.glob..func1`, plus real standard-library
//!   allocation paths (`bytes.growSlice`, `encoding/json...`);
//! * stacks of 8..64 frames: a root prefix (`net/http.(*conn).serve` ...,
//!   `runtime.main`, grpc, goroutine closures) followed by a random walk over a
//!   fixed, layered call graph of call sites (a location is one call site in
//!   one function, and the next frame is in the function that site calls), with
//!   skewed choices so stacks share long prefixes and a few paths dominate;
//! * some locations hold 2-3 `Line`s (inlined calls).
//!
//! The output depends only on the arguments. `--seed` drives everything;
//! `--program-seed` fixes the "program" (names, call graph, locations) on its
//! own, so several profiles can be snapshots of the same binary with different
//! samples and timestamps (for `diff` and `trend`).
//!
//! Samples are encoded and compressed as they are generated (each one written
//! as its own `Profile.sample` field; the tables follow), so memory stays small
//! whatever the number of samples.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::Parser;
use flate2::Compression;
use flate2::write::GzEncoder;
use heapscope::proto::{Function, Label, Line, Location, Mapping, Sample, ValueType};
use prost::Message;

// ---------------------------------------------------------------------------
// Command line

#[derive(Parser)]
#[command(about = "Generate a large, deterministic, Go-like pprof heap profile (gzip)")]
struct Args {
    /// Output file (gzip-compressed profile.proto).
    #[arg(long)]
    out: PathBuf,
    /// Preset: 1mb, 20mb or 150mb (gzip size). Explicit knobs override it.
    #[arg(long, default_value = "1mb")]
    size: String,
    /// Seed for everything (and, unless --program-seed is given, the program).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Seed for the program (names, call graph, locations) only.
    #[arg(long)]
    program_seed: Option<u64>,
    /// Number of samples.
    #[arg(long)]
    samples: Option<u64>,
    /// Number of Go functions (user code; a few runtime/stdlib ones are added).
    #[arg(long)]
    functions: Option<u64>,
    /// Number of locations (call sites), at least 2 per function.
    #[arg(long)]
    locations: Option<u64>,
    /// Number of distinct stack roots (entry points).
    #[arg(long)]
    roots: Option<u64>,
    /// Minimum stack depth.
    #[arg(long)]
    min_depth: Option<u64>,
    /// Maximum stack depth.
    #[arg(long)]
    max_depth: Option<u64>,
    /// Fraction of user locations that carry inlined frames.
    #[arg(long)]
    inline_frac: Option<f64>,
    /// gzip level 0-9.
    #[arg(long)]
    level: Option<u32>,
    /// Profile timestamp (default: 2026-01-01T00:00:00Z + seed hours).
    #[arg(long)]
    time_nanos: Option<i64>,
}

/// The knobs that shape a profile.
#[derive(Clone, Debug)]
struct Knobs {
    samples: u64,
    functions: u64,
    locations: u64,
    roots: u64,
    min_depth: u64,
    max_depth: u64,
    inline_frac: f64,
    level: u32,
}

fn preset(name: &str) -> Result<Knobs> {
    let base = Knobs {
        samples: 0,
        functions: 0,
        locations: 0,
        roots: 0,
        min_depth: 8,
        max_depth: 64,
        inline_frac: 0.15,
        level: 6,
    };
    let (samples, functions, locations, roots) = match name.to_ascii_lowercase().as_str() {
        "1mb" => (25_000, 5_000, 20_000, 64),
        "20mb" => (460_000, 20_000, 100_000, 128),
        "150mb" => (3_150_000, 50_000, 300_000, 256),
        other => bail!("unknown --size {other:?} (expected 1mb, 20mb or 150mb)"),
    };
    Ok(Knobs {
        samples,
        functions,
        locations,
        roots,
        ..base
    })
}

fn knobs_from(args: &Args) -> Result<Knobs> {
    let mut k = preset(&args.size)?;
    k.samples = args.samples.unwrap_or(k.samples);
    k.functions = args.functions.unwrap_or(k.functions);
    k.locations = args.locations.unwrap_or(k.locations);
    k.roots = args.roots.unwrap_or(k.roots);
    k.min_depth = args.min_depth.unwrap_or(k.min_depth);
    k.max_depth = args.max_depth.unwrap_or(k.max_depth);
    k.inline_frac = args.inline_frac.unwrap_or(k.inline_frac);
    k.level = args.level.unwrap_or(k.level);
    if k.functions < 16 {
        bail!("--functions must be at least 16");
    }
    if k.roots == 0 {
        bail!("--roots must be at least 1");
    }
    if k.min_depth < 6 || k.max_depth < k.min_depth {
        bail!("need 6 <= --min-depth <= --max-depth");
    }
    if !(0.0..=1.0).contains(&k.inline_frac) {
        bail!("--inline-frac must be within 0..1");
    }
    if k.level > 9 {
        bail!("--level must be within 0..9");
    }
    // Every function gets an allocation site and a call site.
    k.locations = k.locations.max(2 * k.functions);
    Ok(k)
}

// ---------------------------------------------------------------------------
// PRNG: xoshiro256** seeded through splitmix64. Small, fast, reproducible.

struct Rng([u64; 4]);

impl Rng {
    fn new(seed: u64) -> Self {
        let mut sm = seed;
        let mut next = || {
            sm = sm.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = sm;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        Rng([next(), next(), next(), next()])
    }

    fn u64(&mut self) -> u64 {
        let s = &mut self.0;
        let out = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        out
    }

    /// Uniform in [0, n).
    fn below(&mut self, n: usize) -> usize {
        debug_assert!(n > 0);
        ((self.u64() as u128 * n as u128) >> 64) as usize
    }

    /// Uniform in [lo, hi].
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below((hi - lo + 1) as usize) as u64
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// An index in [0, n) where small indices are favoured; `k` = 1 is
    /// uniform, larger is steeper.
    fn skewed(&mut self, n: usize, k: f64) -> usize {
        ((self.unit().powf(k) * n as f64) as usize).min(n - 1)
    }

    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

// ---------------------------------------------------------------------------
// Vocabulary

/// Module roots of the "application" code.
const ORGS: &[&str] = &[
    "github.com/acme",
    "github.com/northwind",
    "gitlab.com/initech",
    "go.example.dev",
    "github.com/hooli-io",
];
const PROJECTS: &[&str] = &[
    "billing",
    "gateway",
    "storage",
    "search",
    "ingest",
    "authz",
    "telemetry",
    "scheduler",
    "ledger",
    "catalog",
    "notify",
    "router",
];
/// Package directories, with the layer of the code they hold: 0 = request
/// entry points ... 5 = low-level utilities. Calls mostly go down the layers.
const DIRS: &[(&str, usize)] = &[
    ("internal/server", 0),
    ("internal/api", 0),
    ("internal/handlers", 0),
    ("internal/grpcapi", 0),
    ("cmd/worker", 0),
    ("internal/service", 1),
    ("internal/auth", 1),
    ("pkg/rpc", 1),
    ("internal/jobs", 1),
    ("internal/workflow", 1),
    ("pkg/sql/plan", 2),
    ("pkg/sql/exec", 2),
    ("internal/cache", 2),
    ("internal/query", 2),
    ("pkg/search", 2),
    ("pkg/kv", 3),
    ("pkg/index", 3),
    ("pkg/wal", 3),
    ("internal/queue", 3),
    ("pkg/storage", 3),
    ("pkg/raft", 3),
    ("pkg/codec", 4),
    ("pkg/json", 4),
    ("pkg/proto", 4),
    ("internal/bufpool", 4),
    ("pkg/metrics", 4),
    ("pkg/trace", 4),
    ("pkg/compress", 4),
    ("pkg/util/hash", 5),
    ("pkg/util/strutil", 5),
    ("pkg/util/slices", 5),
    ("internal/arena", 5),
    ("pkg/util/timeutil", 5),
    ("pkg/util/syncutil", 5),
];
const LAYERS: usize = 6;
const SUBPKGS: &[&str] = &[
    "v2", "impl", "client", "remote", "local", "batch", "stream", "shard", "replica", "lease",
    "compat", "internal", "encoding", "cluster",
];
const TYPES: &[&str] = &[
    "Server", "Handler", "Client", "Decoder", "Encoder", "Cache", "Pool", "Router", "Session",
    "Index", "Planner", "Batch", "Txn", "Writer", "Reader", "Store", "Queue", "Tracker",
    "Registry", "Builder", "Iterator", "Snapshot", "Segment", "Scanner", "Manager", "Worker",
    "Conn", "Stream", "Buffer", "Table",
];
const VERBS: &[&str] = &[
    "handle",
    "parse",
    "decode",
    "encode",
    "lookup",
    "insert",
    "flush",
    "merge",
    "split",
    "build",
    "resolve",
    "scan",
    "visit",
    "apply",
    "emit",
    "load",
    "store",
    "compact",
    "render",
    "route",
    "dispatch",
    "validate",
    "marshal",
    "unmarshal",
    "append",
    "collect",
    "fetch",
    "prepare",
    "commit",
    "replay",
    "open",
    "read",
    "write",
    "new",
    "clone",
    "expand",
    "normalize",
    "index",
    "serve",
    "sync",
];
const NOUNS: &[&str] = &[
    "Request", "Header", "Field", "Entry", "Block", "Frame", "Token", "Node", "Record", "Segment",
    "Chunk", "Column", "Row", "Span", "Metric", "Label", "Query", "Plan", "Tree", "Key", "Value",
    "Page", "Buffer", "Batch", "Event", "Message", "Response", "Schema", "Filter", "Result",
    "Tenant", "Policy", "Route", "Shard", "Lease", "Snapshot", "Manifest", "Payload", "Cursor",
    "Stats",
];
const FILES: &[&str] = &[
    "server", "handler", "codec", "cache", "pool", "util", "types", "conn", "encode", "decode",
    "options", "iterator", "batch", "writer", "reader", "state", "metrics", "registry", "stream",
    "helpers",
];
const SHAPES: &[&str] = &[
    "go.shape.string",
    "go.shape.int",
    "go.shape.int64",
    "go.shape.uint64",
    "go.shape.*uint8",
    "go.shape.[]uint8",
    "go.shape.interface {}",
    "go.shape.struct {}",
];

/// Frames at the bottom (root end) of stacks: the root prefix kinds.
/// Go leaves `runtime.goexit` out of heap profile stacks.
const ROOT_KINDS: &[(&[&str], f64)] = &[
    (
        &[
            "net/http.(*conn).serve",
            "net/http.serverHandler.ServeHTTP",
            "net/http.(*ServeMux).ServeHTTP",
            "net/http.HandlerFunc.ServeHTTP",
        ],
        0.35,
    ),
    (
        &[
            "google.golang.org/grpc.(*Server).serveStreams.func2.1",
            "google.golang.org/grpc.(*Server).handleStream",
            "google.golang.org/grpc.(*Server).processUnaryRPC",
        ],
        0.25,
    ),
    (&[], 0.15), // a goroutine started on a closure: `go func() {...}()`
    (&["golang.org/x/sync/errgroup.(*Group).Go.func1"], 0.10),
    (&["runtime.main", "main.main"], 0.10),
    (&["time.goFunc"], 0.05),
];

/// Standard-library (and well-known module) allocation paths that user code
/// ends in, caller first; a leading `+` marks a function inlined into the
/// frame before it. Earlier entries are picked more often.
const STD_TAILS: &[&[&str]] = &[
    &[
        "bytes.(*Buffer).Write",
        "bytes.(*Buffer).grow",
        "bytes.growSlice",
    ],
    &[
        "encoding/json.Marshal",
        "encoding/json.(*encodeState).marshal",
        "encoding/json.(*encodeState).reflectValue",
        "encoding/json.structEncoder.encode",
        "encoding/json.mapEncoder.encode",
        "slices.SortFunc[go.shape.[]encoding/json.reflectWithString,go.shape.struct { encoding/json.v reflect.Value; encoding/json.ks string }]",
    ],
    &["fmt.Sprintf"],
    &["strings.(*Builder).WriteString", "+strings.(*Builder).grow"],
    &[
        "encoding/json.Unmarshal",
        "encoding/json.(*decodeState).unmarshal",
        "encoding/json.(*decodeState).value",
        "encoding/json.(*decodeState).object",
        "encoding/json.(*decodeState).literalStore",
    ],
    &[
        "bytes.(*Buffer).WriteString",
        "bytes.(*Buffer).grow",
        "bytes.growSlice",
    ],
    &[
        "google.golang.org/protobuf/proto.Marshal",
        "google.golang.org/protobuf/proto.MarshalOptions.marshal",
    ],
    &[
        "google.golang.org/protobuf/proto.Unmarshal",
        "google.golang.org/protobuf/proto.UnmarshalOptions.unmarshal",
        "google.golang.org/protobuf/internal/impl.(*MessageInfo).unmarshal",
        "google.golang.org/protobuf/internal/impl.(*MessageInfo).unmarshalPointer",
        "google.golang.org/protobuf/internal/impl.consumeStringValidateUTF8",
    ],
    &[
        "runtime.mapassign_faststr",
        "runtime.hashGrow",
        "runtime.makeBucketArray",
        "runtime.newarray",
    ],
    &["io.ReadAll"],
    &["strings.Split", "+strings.genSplit"],
    &["bufio.NewReaderSize"],
    &[
        "compress/gzip.(*Writer).Write",
        "+compress/flate.NewWriter",
        "compress/flate.(*compressor).init",
        "+compress/flate.newFastEnc",
    ],
    &["context.WithCancel", "context.withCancel"],
    &["strings.Join"],
    &["fmt.Errorf"],
    &[
        "net/http.(*Client).Do",
        "net/http.(*Client).do",
        "net/http.(*Client).send",
        "net/http.send",
        "net/http.(*Transport).RoundTrip",
        "net/http.(*Transport).roundTrip",
        "net/http.(*Transport).getConn",
    ],
    &[
        "go.uber.org/zap.(*Logger).Info",
        "go.uber.org/zap/zapcore.(*CheckedEntry).Write",
        "go.uber.org/zap/zapcore.(*ioCore).Write",
        "go.uber.org/zap/zapcore.(*jsonEncoder).EncodeEntry",
        "+go.uber.org/zap/buffer.Pool.Get",
    ],
    &["context.WithValue"],
    &["bufio.NewWriterSize"],
    &["strconv.Quote", "+strconv.quoteWith"],
    &[
        "regexp.MustCompile",
        "regexp.Compile",
        "regexp.compile",
        "regexp/syntax.Parse",
        "regexp/syntax.parse",
    ],
    &["sort.Slice", "internal/reflectlite.Swapper"],
    &["time.NewTimer"],
    &[
        "database/sql.(*DB).QueryContext",
        "database/sql.(*DB).query",
        "database/sql.(*DB).queryDC",
        "database/sql.(*Rows).initContextClose",
    ],
    &["errors.New"],
];

/// Third-party modules and their versions (for file paths under GOMODCACHE).
const MODULES: &[(&str, &str)] = &[
    ("google.golang.org/protobuf", "v1.36.5"),
    ("google.golang.org/grpc", "v1.71.0"),
    ("golang.org/x/sync", "v0.12.0"),
    ("go.uber.org/zap", "v1.27.0"),
];

/// Go's size classes (bytes), small objects.
const SIZE_CLASSES: &[i64] = &[
    8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256, 288, 320, 352,
    384, 416, 448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152, 1280, 1408, 1536, 1792, 2048,
    2304, 2688, 3072, 3200, 3456, 4096, 4864, 5376, 6144, 6528, 6784, 6912, 8192, 9472, 9728,
    10240, 10880, 12288, 13568, 14336, 16384, 18432, 19072, 20480, 21760, 24576, 27264, 28672,
    32768,
];

const PERIOD: i64 = 512 * 1024;
const GOROOT: &str = "/usr/local/go/src";
const BUILD_ROOT: &str = "/build";

fn capitalize(s: &str) -> String {
    let mut cs = s.chars();
    match cs.next() {
        Some(c) => c.to_ascii_uppercase().to_string() + cs.as_str(),
        None => String::new(),
    }
}

fn lowercase_first(s: &str) -> String {
    let mut cs = s.chars();
    match cs.next() {
        Some(c) => c.to_ascii_lowercase().to_string() + cs.as_str(),
        None => String::new(),
    }
}

/// The import path of a Go symbol: everything up to the first `.` after the
/// last `/` that precedes any bracket ("encoding/json.(*decodeState).object"
/// -> "encoding/json").
fn go_package(symbol: &str) -> &str {
    let head = &symbol[..symbol.find('[').unwrap_or(symbol.len())];
    let slash = head.rfind('/').map_or(0, |i| i + 1);
    let dot = head[slash..].find('.').map_or(head.len(), |i| slash + i);
    &symbol[..dot]
}

/// A plausible source file for a standard-library or module symbol.
fn library_file(symbol: &str) -> String {
    let pkg = go_package(symbol);
    let base = pkg.rsplit('/').next().unwrap_or(pkg);
    for (module, version) in MODULES {
        if let Some(rest) = pkg.strip_prefix(module) {
            return format!("/root/go/pkg/mod/{module}@{version}{rest}/{base}.go");
        }
    }
    format!("{GOROOT}/{pkg}/{base}.go")
}

// ---------------------------------------------------------------------------
// Profile tables (everything but the samples)

#[derive(Default)]
struct Strings {
    table: Vec<String>,
    index: HashMap<String, i64>,
}

impl Strings {
    fn new() -> Self {
        let mut s = Strings::default();
        s.id("");
        s
    }

    fn id(&mut self, v: &str) -> i64 {
        if let Some(&i) = self.index.get(v) {
            return i;
        }
        let i = self.table.len() as i64;
        self.table.push(v.to_owned());
        self.index.insert(v.to_owned(), i);
        i
    }
}

struct Tables {
    strings: Strings,
    functions: Vec<Function>,
    function_ids: HashMap<String, u64>,
    locations: Vec<Location>,
    next_address: u64,
}

const TEXT_START: u64 = 0x40_0000;

impl Tables {
    fn new() -> Self {
        Tables {
            strings: Strings::new(),
            functions: Vec::new(),
            function_ids: HashMap::new(),
            locations: Vec::new(),
            next_address: TEXT_START + 0x1000,
        }
    }

    /// The id of the function with this name, creating it if needed.
    fn function(&mut self, name: &str, file: &str, start_line: i64) -> u64 {
        if let Some(&id) = self.function_ids.get(name) {
            return id;
        }
        let id = self.functions.len() as u64 + 1;
        let name_id = self.strings.id(name);
        let file_id = self.strings.id(file);
        self.functions.push(Function {
            id,
            name: name_id,
            system_name: name_id,
            filename: file_id,
            start_line,
        });
        self.function_ids.insert(name.to_owned(), id);
        id
    }

    fn start_line(&self, function_id: u64) -> i64 {
        self.functions[function_id as usize - 1].start_line
    }

    /// A new location whose lines are (function id, line), innermost first.
    fn location(&mut self, rng: &mut Rng, lines: &[(u64, i64)]) -> u64 {
        let id = self.locations.len() as u64 + 1;
        self.next_address += 5 + 4 * rng.below(24) as u64;
        self.locations.push(Location {
            id,
            mapping_id: 1,
            address: self.next_address,
            line: lines
                .iter()
                .map(|&(function_id, line)| Line {
                    function_id,
                    line,
                    column: 0,
                })
                .collect(),
            is_folded: false,
        });
        id
    }

    /// A location with one line somewhere in a library function.
    fn library_location(&mut self, rng: &mut Rng, group: &[&str]) -> u64 {
        let lines: Vec<(u64, i64)> = group
            .iter()
            .rev() // innermost (inlined) first
            .map(|name| {
                let start = 30 + rng.below(900) as i64;
                let id = self.function(name, &library_file(name), start);
                (id, self.start_line(id) + 1 + rng.below(60) as i64)
            })
            .collect();
        self.location(rng, &lines)
    }
}

// ---------------------------------------------------------------------------
// The program: Go packages and functions, with call sites

struct Package {
    path: String,
    layer: usize,
    types: Vec<String>,
    files: Vec<String>,
    functions: Vec<usize>,
}

#[derive(Clone, Copy)]
enum Target {
    /// The allocation happens here (a leaf frame).
    Alloc,
    /// A call to another user function (index into `Program::funcs`).
    Call(usize),
    /// A call into a standard-library allocation path (index into `tails`).
    Std(usize),
}

struct Func {
    name: String,
    file: String,
    start_line: i64,
    package: usize,
    closures: usize,
    is_closure: bool,
    /// Call sites into user code: (location id, callee).
    calls: Vec<(u64, usize)>,
    /// Sites that can end a stack: (location id, standard-library tail).
    leaves: Vec<(u64, Option<usize>)>,
}

struct Root {
    prefix: Vec<u64>,
    entry: usize,
}

struct Program {
    tables: Tables,
    funcs: Vec<Func>,
    roots: Vec<Root>,
    /// Location ids of each standard-library tail, caller first.
    tails: Vec<Vec<u64>>,
    build_id: String,
    binary: String,
}

fn unique_package_path(rng: &mut Rng, taken: &mut HashSet<String>) -> (String, usize) {
    loop {
        let module = format!("{}/{}", rng.pick(ORGS), rng.pick(PROJECTS));
        let (dir, layer) = *rng.pick(DIRS);
        let mut path = format!("{module}/{dir}");
        for _ in 0..3 {
            if !taken.contains(&path) {
                break;
            }
            path = format!("{path}/{}", rng.pick(SUBPKGS));
        }
        if taken.insert(path.clone()) {
            return (path, layer);
        }
    }
}

fn make_package(rng: &mut Rng, taken: &mut HashSet<String>) -> Package {
    let (path, layer) = unique_package_path(rng, taken);
    let mut types = Vec::new();
    for _ in 0..1 + rng.below(5) {
        let t = *rng.pick(TYPES);
        let name = match rng.below(3) {
            0 => {
                let noun = *rng.pick(NOUNS);
                lowercase_first(noun) + t
            }
            1 => rng.pick(NOUNS).to_string() + t,
            _ => t.to_owned(),
        };
        if !types.contains(&name) {
            types.push(name);
        }
    }
    let mut files: Vec<String> = types
        .iter()
        .map(|t| t.to_ascii_lowercase() + ".go")
        .collect();
    for _ in 0..1 + rng.below(4) {
        let f = format!("{}.go", rng.pick(FILES));
        if !files.contains(&f) {
            files.push(f);
        }
    }
    Package {
        path,
        layer,
        types,
        files,
        functions: Vec::new(),
    }
}

/// A method or function name such as `DecodeHeader` or `flushBlockPage`,
/// exported with probability `exported`.
fn verb_noun(rng: &mut Rng, exported: f64) -> String {
    let v = *rng.pick(VERBS);
    let mut s = if rng.chance(exported) {
        capitalize(v)
    } else {
        v.to_owned()
    };
    for _ in 0..1 + rng.chance(0.3) as usize {
        let noun = *rng.pick(NOUNS);
        s.push_str(noun);
    }
    s
}

/// A Go symbol for a new function in `pkg`, and the file it lives in.
/// Closures are named after an earlier function of the same package.
fn function_name(
    rng: &mut Rng,
    pkg: &Package,
    funcs: &mut [Func],
) -> (String, String, Option<usize>) {
    let p = &pkg.path;
    let roll = rng.unit();
    if roll < 0.13 && !pkg.functions.is_empty() {
        // closure of an earlier function: F.func1, F.func1.2 for nested ones
        let parent = pkg.functions[rng.below(pkg.functions.len())];
        let f = &mut funcs[parent];
        f.closures += 1;
        let name = if f.is_closure {
            format!("{}.{}", f.name, f.closures)
        } else {
            format!("{}.func{}", f.name, f.closures)
        };
        return (name, f.file.clone(), Some(parent));
    }
    let file = rng.pick(&pkg.files).clone();
    let name = if roll < 0.58 {
        let t = rng.pick(&pkg.types);
        let m = verb_noun(rng, 0.7);
        if rng.chance(0.08) {
            let shape = rng.pick(SHAPES);
            format!("{p}.(*{t}[{shape}]).{m}")
        } else if rng.chance(0.8) {
            format!("{p}.(*{t}).{m}")
        } else {
            format!("{p}.{t}.{m}")
        }
    } else if roll < 0.92 {
        format!("{p}.{}", verb_noun(rng, 0.5))
    } else if roll < 0.98 {
        let shapes = if rng.chance(0.7) {
            rng.pick(SHAPES).to_string()
        } else {
            format!("{},{}", rng.pick(SHAPES), rng.pick(SHAPES))
        };
        format!("{p}.{}[{shapes}]", verb_noun(rng, 0.5))
    } else {
        format!("{p}.glob..func{}", 1 + rng.below(40))
    };
    (name, format!("{BUILD_ROOT}/{p}/{file}"), None)
}

fn build_program(k: &Knobs, rng: &mut Rng) -> Program {
    let mut tables = Tables::new();
    // Sample-type strings first, like the Go runtime does.
    for s in [
        "alloc_objects",
        "count",
        "alloc_space",
        "bytes",
        "inuse_objects",
        "inuse_space",
        "space",
    ] {
        tables.strings.id(s);
    }

    // Packages and function names.
    let n_funcs = k.functions as usize;
    let n_pkgs = (n_funcs / 30).max(2 * LAYERS);
    let mut taken = HashSet::new();
    let mut packages: Vec<Package> = (0..n_pkgs).map(|_| make_package(rng, &mut taken)).collect();
    // every layer gets at least one package
    for (i, pkg) in packages.iter_mut().take(LAYERS).enumerate() {
        pkg.layer = i;
    }
    let mut funcs: Vec<Func> = Vec::with_capacity(n_funcs);
    let mut children: Vec<Vec<usize>> = Vec::with_capacity(n_funcs);
    let mut names = HashSet::new();
    while funcs.len() < n_funcs {
        // the first functions go one per package so none is empty
        let pi = if funcs.len() < n_pkgs {
            funcs.len()
        } else {
            rng.below(n_pkgs)
        };
        let (name, file, parent) = function_name(rng, &packages[pi], &mut funcs);
        if !names.insert(name.clone()) {
            if let Some(p) = parent {
                funcs[p].closures -= 1;
            }
            continue;
        }
        let idx = funcs.len();
        if let Some(p) = parent {
            children[p].push(idx);
        }
        let start_line = match parent {
            Some(p) => funcs[p].start_line + 3 + rng.below(40) as i64,
            None => 12 + rng.below(1400) as i64,
        };
        funcs.push(Func {
            name,
            file,
            start_line,
            package: pi,
            closures: 0,
            is_closure: parent.is_some(),
            calls: Vec::new(),
            leaves: Vec::new(),
        });
        children.push(Vec::new());
        packages[pi].functions.push(idx);
    }
    let function_ids: Vec<u64> = funcs
        .iter()
        .map(|f| tables.function(&f.name, &f.file, f.start_line))
        .collect();

    // Functions of each layer, in a random order: the first ones are the
    // popular helpers that skewed choices hit most.
    let mut by_layer: Vec<Vec<usize>> = vec![Vec::new(); LAYERS];
    for (i, f) in funcs.iter().enumerate() {
        by_layer[packages[f.package].layer].push(i);
    }
    for layer in &mut by_layer {
        for i in (1..layer.len()).rev() {
            let j = rng.below(i + 1);
            layer.swap(i, j);
        }
    }

    // How many call sites each function has: 2 each, the rest spread with a
    // skew so that some functions are big.
    let mut n_sites = vec![2usize; n_funcs];
    let extra = k.locations as usize - 2 * n_funcs;
    for _ in 0..extra {
        let f = if rng.chance(0.5) {
            rng.below(n_funcs)
        } else {
            rng.skewed(n_funcs, 2.0)
        };
        n_sites[f] += 1;
    }

    // Call sites. Site 0 allocates, site 1 calls user code, later ones do
    // either or call into the standard library. A function's closures are
    // called from its own sites.
    for fi in 0..n_funcs {
        let pkg = &packages[funcs[fi].package];
        let layer = pkg.layer;
        let mut line = funcs[fi].start_line + 1 + rng.below(4) as i64;
        let mut sites = Vec::with_capacity(n_sites[fi]);
        for s in 0..n_sites[fi] {
            let target = if s == 0 || (s >= 2 && rng.chance(0.1)) {
                Target::Alloc
            } else if s >= 2 && rng.chance(0.15) {
                Target::Std(rng.skewed(STD_TAILS.len(), 2.0))
            } else if s > 0 && s <= children[fi].len() {
                Target::Call(children[fi][s - 1])
            } else {
                let recursive = s > 1 && rng.chance(0.03);
                let mut callee = fi; // direct recursion, never the only call
                for _ in 0..8 {
                    if recursive || callee != fi {
                        break;
                    }
                    let roll = rng.unit();
                    callee = if roll < 0.3 {
                        pkg.functions[rng.skewed(pkg.functions.len(), 1.5)]
                    } else if roll < 0.58 {
                        let next = &by_layer[(layer + 1).min(LAYERS - 1)];
                        next[rng.skewed(next.len(), 2.5)]
                    } else if roll < 0.74 {
                        let same = &by_layer[layer];
                        same[rng.skewed(same.len(), 1.5)]
                    } else if roll < 0.87 {
                        let deep = &by_layer[(layer + 2).min(LAYERS - 1)];
                        deep[rng.skewed(deep.len(), 2.0)]
                    } else {
                        // callbacks and interface methods: back up the layers
                        let up = &by_layer[rng.below(layer + 1)];
                        up[rng.skewed(up.len(), 1.5)]
                    };
                }
                Target::Call(callee)
            };
            // inlined frames: small helpers of this package or the next layer
            let mut lines = Vec::with_capacity(3);
            if rng.chance(k.inline_frac) {
                for _ in 0..1 + rng.below(2) {
                    let g = if rng.chance(0.6) {
                        *rng.pick(&pkg.functions)
                    } else {
                        *rng.pick(&by_layer[(layer + 1).min(LAYERS - 1)])
                    };
                    let gid = function_ids[g];
                    lines.push((gid, funcs[g].start_line + 1 + rng.below(12) as i64));
                }
            }
            lines.push((function_ids[fi], line));
            line += 1 + rng.below(9) as i64;
            let loc = tables.location(rng, &lines);
            sites.push((loc, target));
        }
        tables.next_address += 0x40 + 0x10 * rng.below(8) as u64; // function padding
        let f = &mut funcs[fi];
        for &(loc, target) in &sites {
            match target {
                Target::Call(c) => f.calls.push((loc, c)),
                Target::Alloc => f.leaves.push((loc, None)),
                Target::Std(t) => f.leaves.push((loc, Some(t))),
            }
        }
    }

    // Standard-library tails; a location is shared between tails when the
    // frame group and its callee are the same.
    let mut shared: HashMap<String, u64> = HashMap::new();
    let mut tails = Vec::with_capacity(STD_TAILS.len());
    for tail in STD_TAILS {
        let mut groups: Vec<Vec<&str>> = Vec::new();
        for name in tail.iter() {
            match name.strip_prefix('+') {
                Some(inlined) => groups
                    .last_mut()
                    .expect("tail starts inlined")
                    .push(inlined),
                None => groups.push(vec![name]),
            }
        }
        let mut locs = Vec::with_capacity(groups.len());
        for (i, group) in groups.iter().enumerate() {
            let callee = groups.get(i + 1).map_or("", |g| g[0]);
            let key = format!("{}->{callee}", group.join("|"));
            let loc = match shared.get(&key) {
                Some(&loc) => loc,
                None => {
                    let loc = tables.library_location(rng, group);
                    shared.insert(key, loc);
                    loc
                }
            };
            locs.push(loc);
        }
        tails.push(locs);
    }

    // Roots: a prefix of framework frames plus an entry function.
    let closures: Vec<usize> = (0..n_funcs)
        .filter(|&i| funcs[i].is_closure && packages[funcs[i].package].layer <= 2)
        .collect();
    let mut roots = Vec::with_capacity(k.roots as usize);
    for _ in 0..k.roots {
        let mut roll = rng.unit();
        let (prefix_names, _) = ROOT_KINDS
            .iter()
            .find(|(_, p)| {
                roll -= p;
                roll < 0.0
            })
            .unwrap_or(&ROOT_KINDS[0]);
        let wants_closure =
            prefix_names.is_empty() || prefix_names[0].starts_with("golang.org/x/sync");
        let entry = if wants_closure && !closures.is_empty() {
            closures[rng.skewed(closures.len(), 1.5)]
        } else {
            let top = &by_layer[0];
            top[rng.skewed(top.len(), 1.3)]
        };
        let mut prefix = Vec::with_capacity(prefix_names.len());
        for (i, name) in prefix_names.iter().enumerate() {
            // main.main calls each entry from its own line; the framework
            // frames call through a function value, always from the same PC.
            let key = if *name == "main.main" {
                format!("{name}->{entry}")
            } else {
                format!("{name}->{}", prefix_names.get(i + 1).unwrap_or(&""))
            };
            let loc = match shared.get(&key) {
                Some(&loc) => loc,
                None => {
                    let loc = if *name == "main.main" {
                        let file = format!("{BUILD_ROOT}/cmd/server/main.go");
                        let id = tables.function(name, &file, 21);
                        let line = 22 + rng.below(150) as i64;
                        tables.location(rng, &[(id, line)])
                    } else {
                        tables.library_location(rng, &[name])
                    };
                    shared.insert(key, loc);
                    loc
                }
            };
            prefix.push(loc);
        }
        roots.push(Root { prefix, entry });
    }

    // Name the binary and its build id after the program.
    let project = PROJECTS[rng.below(PROJECTS.len())];
    let build_id = format!(
        "{:016x}{:016x}{:08x}",
        rng.u64(),
        rng.u64(),
        rng.u64() as u32
    );
    Program {
        tables,
        funcs,
        roots,
        tails,
        build_id,
        binary: format!("/usr/local/bin/{project}-server"),
    }
}

// ---------------------------------------------------------------------------
// Samples

/// How steeply a walk prefers a function's first call sites (1 = uniform).
const CALL_SKEW: f64 = 1.8;
/// Chance that a stack starts as a cut copy of a recent one.
const REUSE: f64 = 0.5;
/// Chance that a stack starts a run of buckets with growing object sizes.
const GROWTH_RUNS: f64 = 0.25;

/// A path from a root down to, not including, the leaf frame.
#[derive(Clone, Default)]
struct Walk {
    /// Location ids, root first.
    locs: Vec<u64>,
    /// `at[i]`: the function the walk is in after `locs[..i]` (for `i` at
    /// least the root prefix length; `usize::MAX` before that).
    at: Vec<usize>,
    prefix_len: usize,
}

/// Draws stacks. Allocations come in bursts from one code path (a request
/// allocates at several points along the way), so a stack often starts as a
/// copy of a recent one, cut somewhere, and walks on from there.
struct Walker {
    recent: Vec<Walk>,
    next: usize,
    walk: Walk,
}

impl Walker {
    const RECENT: usize = 16;

    fn new() -> Self {
        Walker {
            recent: Vec::with_capacity(Self::RECENT),
            next: 0,
            walk: Walk::default(),
        }
    }

    /// One stack, leaf first, into `stack`.
    fn draw(&mut self, p: &Program, k: &Knobs, rng: &mut Rng, stack: &mut Vec<u64>) {
        let mut depth = rng.range(k.min_depth, k.max_depth) as usize;
        let w = &mut self.walk;
        if !self.recent.is_empty() && rng.chance(REUSE) {
            let n = self.recent.len();
            let age = rng.skewed(n, 1.5);
            w.clone_from(&self.recent[(self.next + n - 1 - age) % n]);
            let cut = rng.range(w.prefix_len as u64, w.locs.len() as u64) as usize;
            w.locs.truncate(cut);
            w.at.truncate(cut + 1);
            depth = depth.max(cut + 1);
        } else {
            let root = &p.roots[rng.skewed(p.roots.len(), 1.7)];
            w.locs.clear();
            w.locs.extend_from_slice(&root.prefix);
            w.at.clear();
            w.at.resize(root.prefix.len(), usize::MAX);
            w.at.push(root.entry);
            w.prefix_len = root.prefix.len();
        }
        let mut f = *w.at.last().expect("walk has a current function");
        // walk down through call sites until one frame short of the depth
        while w.locs.len() + 1 < depth {
            let calls = &p.funcs[f].calls;
            let mut pick = calls[rng.skewed(calls.len(), CALL_SKEW)];
            if pick.1 == f && rng.chance(0.7) {
                // keep recursion shallow: most of the time, take another call
                pick = calls[rng.below(calls.len())];
            }
            let (loc, callee) = pick;
            w.locs.push(loc);
            w.at.push(callee);
            f = callee;
        }
        // the leaf: an allocation here, or a call into a library path that fits
        let room = k.max_depth as usize - w.locs.len();
        let leaves = &p.funcs[f].leaves;
        let (loc, tail) = loop {
            let (loc, tail) = leaves[rng.skewed(leaves.len(), 1.3)];
            match tail {
                Some(t) if p.tails[t].len() + 1 > room => continue,
                _ => break (loc, tail),
            }
        };
        stack.clear();
        if let Some(t) = tail {
            stack.extend(p.tails[t].iter().rev());
        }
        stack.push(loc);
        stack.extend(w.locs.iter().rev());

        if self.recent.len() < Self::RECENT {
            self.recent.push(w.clone());
        } else {
            self.recent[self.next].clone_from(w);
        }
        self.next = (self.next + 1) % Self::RECENT;
    }
}

/// An object size: mostly a small size class, sometimes a large object.
fn draw_size(rng: &mut Rng) -> i64 {
    if rng.chance(0.03) {
        8192 * (4 + rng.below(252) as i64) // large objects: 32 KiB .. 2 MiB
    } else {
        SIZE_CLASSES[rng.skewed(SIZE_CLASSES.len(), 1.8)]
    }
}

/// The next size a growing slice or map reaches: 1.25x-2x, rounded up to a
/// size class (or to whole pages for large objects).
fn grow(rng: &mut Rng, size: i64) -> i64 {
    let want = size + size / 4 + (size * 3 / 4) * rng.below(2) as i64;
    match SIZE_CLASSES.iter().find(|&&c| c >= want) {
        Some(&c) => c,
        None => (want + 8191) / 8192 * 8192,
    }
}

/// [alloc_objects, alloc_space, inuse_objects, inuse_space] for a bucket of
/// `size`-byte objects, un-sampled like the Go runtime's scaleHeapSample.
fn draw_values(rng: &mut Rng, size: i64) -> [i64; 4] {
    // sampled allocations in this bucket: mostly 1-3, sometimes hundreds
    let u = rng.unit();
    let allocs = (u * u * u * 6.0).exp() as i64;
    let inuse = if rng.chance(0.4) {
        0
    } else {
        ((allocs as f64 * rng.unit()).ceil() as i64).max(1)
    };
    let scale = |count: i64| -> (i64, i64) {
        if count == 0 {
            return (0, 0);
        }
        let bytes = count * size;
        let s = 1.0 / (1.0 - (-(size as f64) / PERIOD as f64).exp());
        ((count as f64 * s) as i64, (bytes as f64 * s) as i64)
    };
    let (ao, ab) = scale(allocs);
    let (io, ib) = scale(inuse);
    [ao, ab, io, ib]
}

// ---------------------------------------------------------------------------
// Output

/// Protobuf bytes headed for the gzip stream, in 64 KiB chunks.
struct Out {
    gz: GzEncoder<BufWriter<File>>,
    buf: Vec<u8>,
    raw_bytes: u64,
}

impl Out {
    const CHUNK: usize = 64 * 1024;

    fn message<M: Message>(&mut self, tag: u32, m: &M) -> Result<()> {
        prost::encoding::message::encode(tag, m, &mut self.buf);
        self.spill()
    }

    fn spill(&mut self) -> Result<()> {
        if self.buf.len() >= Self::CHUNK {
            self.drain()?;
        }
        Ok(())
    }

    fn drain(&mut self) -> Result<()> {
        self.gz.write_all(&self.buf)?;
        self.raw_bytes += self.buf.len() as u64;
        self.buf.clear();
        Ok(())
    }
}

fn main() -> Result<()> {
    let args = Args::parse();
    let k = knobs_from(&args)?;
    let program_seed = args.program_seed.unwrap_or(args.seed);
    let mut program_rng = Rng::new(program_seed ^ 0x5EED_0F9A_06A1_1C0D);
    let mut p = build_program(&k, &mut program_rng);
    let mut rng =
        Rng::new(args.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ program_seed.rotate_left(32));
    let time_nanos = args
        .time_nanos
        .unwrap_or(1_767_225_600_000_000_000 + args.seed as i64 * 3_600_000_000_000);

    let file =
        File::create(&args.out).with_context(|| format!("creating {}", args.out.display()))?;
    let mut out = Out {
        gz: GzEncoder::new(
            BufWriter::with_capacity(1 << 20, file),
            Compression::new(k.level),
        ),
        buf: Vec::with_capacity(Out::CHUNK + 4096),
        raw_bytes: 0,
    };
    let st = &mut p.tables.strings;
    let value_type = |st: &mut Strings, t: &str, u: &str| ValueType {
        r#type: st.id(t),
        unit: st.id(u),
    };
    let sample_types = [
        value_type(st, "alloc_objects", "count"),
        value_type(st, "alloc_space", "bytes"),
        value_type(st, "inuse_objects", "count"),
        value_type(st, "inuse_space", "bytes"),
    ];
    let period_type = value_type(st, "space", "bytes");
    let bytes_key = st.id("bytes");
    for vt in &sample_types {
        out.message(1, vt)?;
    }

    // Samples, streamed.
    let mut sample = Sample {
        location_id: Vec::with_capacity(k.max_depth as usize + 8),
        value: Vec::with_capacity(4),
        label: vec![Label {
            key: bytes_key,
            ..Label::default()
        }],
    };
    let mut used = vec![false; p.tables.locations.len() + 1];
    let mut frames = 0u64;
    let mut totals = [0i64; 4];
    // Go keeps one bucket per (stack, object size). A slice or map growing in
    // a loop fills several buckets of one stack, with sizes going up, one
    // right after the other: model that with runs of samples.
    let mut walker = Walker::new();
    let mut run = 0usize;
    let mut size = 0i64;
    for _ in 0..k.samples {
        if run > 0 {
            run -= 1;
            size = grow(&mut rng, size);
        } else {
            walker.draw(&p, &k, &mut rng, &mut sample.location_id);
            size = draw_size(&mut rng);
            if rng.chance(GROWTH_RUNS) {
                run = 1 + rng.below(7);
                size = size.min(256);
            }
        }
        let values = draw_values(&mut rng, size);
        sample.value.clear();
        sample.value.extend_from_slice(&values);
        sample.label[0].num = size;
        for &loc in &sample.location_id {
            used[loc as usize] = true;
        }
        frames += sample.location_id.len() as u64;
        for (t, v) in totals.iter_mut().zip(values) {
            *t += v;
        }
        out.message(2, &sample)?;
    }

    // Mappings: the binary, then the shared libraries Go lists too.
    let st = &mut p.tables.strings;
    let main_mapping = Mapping {
        id: 1,
        memory_start: TEXT_START,
        memory_limit: (p.tables.next_address + 0xfff) & !0xfff,
        file_offset: 0,
        filename: st.id(&p.binary),
        build_id: st.id(&p.build_id),
        has_functions: true,
        has_filenames: true,
        has_line_numbers: true,
        has_inline_frames: true,
    };
    let libs = [
        (
            "/usr/lib/x86_64-linux-gnu/libc.so.6",
            0x7f3a_1c00_0000u64,
            0x28000u64,
        ),
        ("[vdso]", 0x7ffd_3b5f_e000, 0),
        (
            "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
            0x7f3a_1c3d_1000,
            0x1000,
        ),
    ];
    out.message(3, &main_mapping)?;
    for (i, (name, start, offset)) in libs.into_iter().enumerate() {
        let m = Mapping {
            id: 2 + i as u64,
            memory_start: start,
            memory_limit: start + 0x16_0000,
            file_offset: offset,
            filename: st.id(name),
            ..Mapping::default()
        };
        out.message(3, &m)?;
    }
    for loc in &p.tables.locations {
        out.message(4, loc)?;
    }
    for f in &p.tables.functions {
        out.message(5, f)?;
    }
    for s in &p.tables.strings.table {
        prost::encoding::string::encode(6, s, &mut out.buf);
        out.spill()?;
    }
    prost::encoding::int64::encode(9, &time_nanos, &mut out.buf);
    out.message(11, &period_type)?;
    prost::encoding::int64::encode(12, &PERIOD, &mut out.buf);
    out.drain()?;
    out.gz.finish()?.flush()?;

    let gz_bytes = std::fs::metadata(&args.out)?.len();
    let n_used = used.iter().filter(|&&u| u).count();
    eprintln!(
        "wrote {}: {} bytes gzip, {} bytes proto; samples={} locations={} (used {}) functions={} \
         strings={} avg_depth={:.1} totals[alloc_objects,alloc_space,inuse_objects,inuse_space]={:?}",
        args.out.display(),
        gz_bytes,
        out.raw_bytes,
        k.samples,
        p.tables.locations.len(),
        n_used,
        p.tables.functions.len(),
        p.tables.strings.table.len(),
        frames as f64 / k.samples.max(1) as f64,
        totals,
    );
    Ok(())
}
