//! The hostile-input suite: one row per file of `testdata/hostile/` (made by
//! `testdata/hostile/gen.py`), saying what the file is and what heapscope
//! must answer. Every input is run through the built binary and must:
//!
//! - exit 2 with exactly one stderr line that names the file and holds the
//!   expected text, and nothing on stdout (an `Err` row), or exit 0 with
//!   the expected text on stdout and nothing on stderr (an `Ok` row: inputs
//!   that are strange but valid, such as a 100,000-frame stack);
//! - never panic;
//! - stay under 100 MB of peak resident memory, measured exactly with
//!   `getrusage(RUSAGE_CHILDREN)` (children run one at a time, so the
//!   maximum moves only for the child just reaped);
//! - finish; a child still running after 10 s is killed and the row fails
//!   (a sanity timeout for hangs, not a performance assertion: the times
//!   are printed with `--nocapture`).
//!
//! A second test sends every file through the other commands (`top
//! --base`, info, convert, diff, check, trend) with the same rules, minus
//! the expected text.

use nix::sys::resource::{UsageWho, getrusage};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Peak resident memory allowed for one run, in kilobytes: a bound that
/// catches allocation driven by a declared size, not a tight budget. The
/// largest legitimate run (`trend` over two 100,000-frame profiles in a
/// debug build: 100,000 nodes per snapshot with their noise terms) peaks
/// near 106 MB.
const MAX_RSS_KB: i64 = 160 * 1000;
/// A child still running after this is hung.
const HANG: Duration = Duration::from_secs(10);

#[derive(Clone, Copy, Debug)]
enum Expect {
    /// Exit 2; the one stderr line holds this.
    Err(&'static str),
    /// Exit 0; stdout holds this.
    Ok(&'static str),
    /// Exit 0; stdout holds the first text, and the one stderr line (a
    /// warning) names the file and holds the second.
    Warn(&'static str, &'static str),
}
use Expect::{Err, Ok, Warn};

struct Row {
    file: &'static str,
    what: &'static str,
    /// The command and flags placed before the file.
    args: &'static [&'static str],
    expect: Expect,
}

const TOP: &[&str] = &["top"];
/// Binary rows: `top --binary FILE app_unsymbolized.pb` (one location at
/// 0x401010 in /bin/app), symbolizing for real.
const BINARY: &[&str] = &["top", "--granularity", "lines", "--binary"];
const BINARY_FOR: &str = "app_unsymbolized.pb";

const ADDRESSES: &[&str] = &["top", "--granularity", "addresses"];
const INFO: &[&str] = &["info"];

const fn with(
    args: &'static [&'static str],
    file: &'static str,
    what: &'static str,
    expect: Expect,
) -> Row {
    Row {
        file,
        what,
        args,
        expect,
    }
}

const fn row(file: &'static str, what: &'static str, expect: Expect) -> Row {
    Row {
        file,
        what,
        args: TOP,
        expect,
    }
}

#[rustfmt::skip]
const ROWS: &[Row] = &[
    // Wire format.
    row("varint_11_bytes.pb", "top-level varint (period) with 11 bytes", Err("malformed profile.proto: varint overflows 64 bits")),
    row("varint_11_bytes_in_sample.pb", "11-byte varint inside a sample message", Err("varint overflows 64 bits")),
    row("varint_truncated.pb", "varint cut off by the end of the file", Err("truncated varint at end of input")),
    row("length_past_eof.pb", "string entry declaring 2^40 bytes in a 30-byte file", Err("a field declares 1099511627776 bytes but the input ends after 3")),
    row("length_past_message.pb", "label longer than its sample message", Err("a field declares 1000 bytes but only 2 remain in its message")),
    row("huge_packed_array.pb", "packed location_id array declaring 2^31 bytes", Err("declares 2147483648 bytes but only 2 remain")),
    row("huge_top_level_length.pb.gz", "gzip'd sample declaring 4 GiB, then the end", Err("declares 4294967296 bytes but the input ends after 3")),
    row("wrong_wire_type.pb", "sample_type (field 1) sent as a varint", Err("field 1 has wire type 0, expected 2")),
    row("wire_type_6.pb", "unknown field with the undefined wire type 6", Err("unsupported wire type 6")),
    row("wire_type_start_group.pb", "unknown field as a (deprecated) group", Err("unsupported wire type 3")),
    row("field_number_zero.pb", "a field numbered 0", Err("malformed profile.proto: field number 0")),
    row("zeros.pb", "4 KiB of zero bytes", Err("field number 0")),
    row("random_bytes.pb", "4 KiB of seeded random bytes", Err("malformed profile.proto")),
    row("deeply_nested_garbage.pb", "20,000 nested messages around a bad varint", Err("varint overflows 64 bits")),
    row("deeply_nested_unknown.pb", "20,000 nested messages in an unknown field, then a valid profile", Ok("main.leaf")),
    row("concatenated_profiles.pb", "two profiles back to back, each with time_nanos", Err("concatenated profiles detected")),
    // gzip.
    row("gzip_then_garbage.pb.gz", "a valid gzip member followed by text", Err("bad gzip data: invalid gzip header")),
    row("gzip_concatenated_members.pb.gz", "one profile split over two gzip members", Ok("main.leaf")),
    row("gzip_empty_member.pb.gz", "a gzip stream of zero bytes of content", Err("empty input file")),
    row("gzip_header_only.pb.gz", "the 10-byte gzip header alone", Err("the gzip stream is truncated")),
    row("gzip_magic_only.pb.gz", "the two gzip magic bytes alone", Err("the gzip stream is truncated")),
    row("gzip_bad_crc.pb.gz", "gzip member with a corrupted CRC", Err("does not have a matching checksum")),
    // Sizes and depth.
    row("million_empty_strings.pb.gz", "1,000,000 empty strings, no sample types: a valid empty profile that top cannot report", Err("million_empty_strings.pb.gz: the profile has no sample types")),
    row("million_empty_strings_valid.pb.gz", "a valid profile plus 1,000,000 empty strings", Ok("main.leaf")),
    row("sample_100k_frames.pb.gz", "one sample with 100,000 distinct frames", Ok("f100000")),
    row("sample_100k_recursive_frames.pb.gz", "one sample, 100,000 frames of two mutually recursive functions", Ok("main.ping")),
    row("location_100k_inline_lines.pb.gz", "one location with 100,000 inlined lines", Ok("inl99999 (inline)")),
    // Ids and indices.
    row("location_id_max_dangling.pb", "a sample referring to location id u64::MAX, which is not defined", Err("refers to location id 18446744073709551615, which does not exist")),
    row("location_id_max_defined.pb", "location id u64::MAX defined and used", Ok("main.maxid")),
    row("duplicate_function_ids.pb", "two functions with id 1", Err("multiple functions with the same id 1")),
    row("duplicate_mapping_ids.pb", "two mappings with id 7", Err("multiple mappings with the same id 7")),
    row("id_cycle_across_tables.pb", "ids pointing around the tables (line -> function id that only a location has)", Err("has a line with function id 3, which does not exist")),
    row("sample_type_index_out_of_range.pb", "sample_type naming string 99 of 9", Err("sample type: string index 99 is out of range")),
    row("string_index_negative.pb", "function name with string index -1", Err("string index -1 is out of range")),
    row("default_sample_type_names_nothing.pb", "default_sample_type names no sample type: the last type is used, as pprof does", Ok("main.leaf")),
    row("default_sample_type_out_of_range.pb", "default_sample_type past the string table", Err("default_sample_type: string index 12345 is out of range")),
    row("no_sample_types_with_samples.pb", "samples but no sample types", Err("missing sample type information")),
    row("mapping_limit_below_start.pb", "a mapping whose memory_limit is below memory_start", Ok("main.a")),
    // Values.
    row("negative_values.pb", "negative values down to i64::MIN", Ok("main.main")),
    row("extreme_values_sum.pb", "i64::MAX values whose sums overflow (they wrap, as in pprof)", Ok("main.main")),
    row("zero_period.pb", "period 0", Ok("main.leaf")),
    row("negative_period.pb", "period i64::MIN", Ok("main.leaf")),
    // Strings and text.
    row("invalid_utf8_strings.pb", "function name that is not UTF-8: read lossily", Ok("main.\u{fffd}\u{fffd}leaf\u{fffd}")),
    row("html_page.pb.gz", "an HTML error page saved as a profile", Err("not a profile: unrecognized profile format")),
    // Legacy text.
    with(ADDRESSES, "legacy_absurd_header_counts.heap", "heap header with 23-digit totals (the header totals are not used)", Ok("0000000000400fff")),
    row("legacy_absurd_sample_counts.heap", "sample count past i64", Err("line 2: inuse value \"999999999999999999999999\" is out of range")),
    with(ADDRESSES, "legacy_huge_rate.heap", "rate and sizes at i64::MAX: un-sampling saturates, sums wrap", Ok("-2B   100%   100%        -2B   100%  0000000000400fff")),
    with(ADDRESSES, "legacy_negative_rate.heap", "heap_v2/-5: not a number the header accepts, read as heap_v2 without a rate", Ok("1B   100%   100%         1B   100%  0000000000400fff")),
    row("legacy_min_div_minus_one.heap", "i64::MIN bytes over -1 objects (Go wraps; Rust's / panicked)", Ok("of -9223372036854775808B total")),
    row("legacy_map_end_before_start.heap", "memory map line whose end is below its start", Err("line 5: bad memory map line")),
    with(ADDRESSES, "legacy_100k_frames.heap.gz", "one sample with 100,000 addresses (gzip'd text)", Ok("000000000040000f")),
    row("legacy_nul_bytes.heap", "NUL bytes inside a sample line", Err("line 32: stack address \"0x4010\\0\\010\" is not a 64-bit hex number")),
    row("legacy_nul_in_header.heap", "NUL byte in the header: not text, and not profile.proto either", Err("malformed profile.proto")),
    with(INFO, "legacy_latin1_map_path.heap", "memory map path in Latin-1: read lossily", Ok("/opt/caf\u{fffd}/app")),
    row("legacy_utf8_frame_name.heap", "Java heapz with a frame name `Caf\u{e9}\u{48f}` in its first 256 bytes", Ok("com.example.Caf\u{e9}\u{48f}.put")),
    row("printable_head.pb", "profile.proto whose first 260 bytes are printable: not claimed as text, read as profile.proto", Ok("main.leaf")),
    with(ADDRESSES, "legacy_many_map_attrs.heap", "20,000 memory map attributes and a map line of 40,000 `$` references (was quadratic)", Ok("000000000040100f [vvvv")),
    row("legacy_bad_address.heap", "stack address wider than 64 bits", Err("line 2: stack address \"0x1ffffffffffffffffff\" is not a 64-bit hex number")),
    row("go_heap_absurd_rate.txt", "Go debug=1 header with a 23-digit rate", Err("line 1: sampling rate \"99999999999999999999999\" is out of range")),
    row("jemalloc_absurd_counts.heap", "jemalloc t*: count past i64", Err("line 2: value \"99999999999999999999\" is out of range")),
    row("java_heapz_absurd.heap", "Java heapz size past i64", Err("line 4: value \"99999999999999999999999\" is out of range")),
    // Binaries, given to the symbolizer with --binary: a broken binary is a
    // warning and unsymbolized frames (as in pprof), broken DWARF falls
    // back to the symbol table.
    with(&["top", "--symbolize=none"], "app_unsymbolized.pb", "the address-only profile the binary rows symbolize", Ok("[app]")),
    with(BINARY, "dwarf_reference_ok.elf", "well-formed ELF with DWARF: the baseline the broken ones depart from", Ok("sym_fn b.c:7\n")),
    with(BINARY, "dwarf_broken_line_program_full.elf", "compile unit and function whose line program runs past .debug_line", Ok("100%  sym_fn\n")),
    with(BINARY, "dwarf_missing_abbrev.elf", ".debug_info using an abbreviation code .debug_abbrev lacks", Ok("100%  sym_fn\n")),
    with(BINARY, "elf_absurd_compressed_section.elf", "compressed .debug_info declaring 2^60 bytes", Ok("100%  sym_fn\n")),
    with(BINARY, "elf_truncated_sections.elf", "ELF64 header whose section table lies past the end of the file", Warn("[app]", "elf_truncated_sections.elf: not a readable binary")),
    with(BINARY, "dwarf_broken_line_program.elf", "ELF64 with only a .debug_line, whose unit length runs past the section", Warn("[app]", "dwarf_broken_line_program.elf has no debug info and no symbols")),
    with(BINARY, "not_an_elf.elf", "a shell script given as the binary", Warn("[app]", "not_an_elf.elf: not a readable binary: Unknown file magic")),
];

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/hostile")
}

/// Serializes children, so that each rise of the children's peak memory
/// belongs to the child just reaped.
static SPAWN: Mutex<()> = Mutex::new(());

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    elapsed: Duration,
    /// The children's peak RSS in KB after this run: this child's peak if
    /// it raised the maximum, else an upper bound of it.
    peak_kb: i64,
    raised: bool,
}

fn max_rss_kb() -> i64 {
    getrusage(UsageWho::RUSAGE_CHILDREN)
        .expect("getrusage")
        .max_rss()
}

/// Runs the binary in `testdata/hostile` with `args`; output goes to files
/// (no pipe can fill up); a hung child is killed.
fn run(args: &[&str]) -> Run {
    let _g = SPAWN.lock().unwrap_or_else(|e| e.into_inner());
    let tmp = tempfile::tempdir().unwrap();
    let (o, e) = (tmp.path().join("out"), tmp.path().join("err"));
    let before = max_rss_kb();
    let start = Instant::now();
    // Rows other than binary rows test reading, not symbolization:
    // address-only profiles without a binary would add the (correct)
    // symbolizer warning line.
    let mut full: Vec<&str> = args.to_vec();
    if !args.contains(&"--binary") && !args.iter().any(|a| a.starts_with("--symbolize")) {
        full.insert(1.min(full.len()), "--symbolize=none");
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_heapscope"))
        .args(&full)
        .current_dir(dir())
        .stdin(Stdio::null())
        .stdout(fs::File::create(&o).unwrap())
        .stderr(fs::File::create(&e).unwrap())
        .env("RUST_BACKTRACE", "0")
        .spawn()
        .unwrap();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break Some(s);
        }
        if start.elapsed() > HANG {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let elapsed = start.elapsed();
    let after = max_rss_kb();
    Run {
        code: status.and_then(|s| s.code()),
        stdout: String::from_utf8_lossy(&fs::read(&o).unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&fs::read(&e).unwrap()).into_owned(),
        elapsed,
        peak_kb: after,
        raised: after > before,
    }
}

/// The rules every run must follow; `None` when they hold.
fn common_problems(r: &Run, file: &str) -> Option<String> {
    if r.elapsed > HANG {
        return Some(format!("hung: killed after {HANG:?}"));
    }
    if r.stderr.contains("panicked") {
        return Some(format!("panic: {}", r.stderr));
    }
    if r.raised && r.peak_kb > MAX_RSS_KB {
        return Some(format!("peak RSS {} KB > {MAX_RSS_KB} KB", r.peak_kb));
    }
    match r.code {
        Some(0 | 1) => None,
        Some(2) => {
            if r.stderr.lines().count() != 1 {
                Some(format!("expected one stderr line: {:?}", r.stderr))
            } else if !r.stderr.contains(file) {
                Some(format!("the error does not name the file: {:?}", r.stderr))
            } else {
                None
            }
        }
        c => Some(format!("exit {c:?}; stderr {:?}", r.stderr)),
    }
}

#[test]
fn the_table_covers_every_file() {
    let mut on_disk: Vec<String> = fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "gen.py" && n != "README.md")
        .collect();
    on_disk.sort();
    let mut in_table: Vec<String> = ROWS.iter().map(|r| r.file.to_string()).collect();
    in_table.sort();
    let before = in_table.len();
    in_table.dedup();
    assert_eq!(before, in_table.len(), "a file has two rows");
    assert_eq!(on_disk, in_table, "files on disk vs rows in the table");
    assert!(ROWS.len() >= 30, "the issue asks for at least 30 inputs");
}

#[test]
fn hostile_inputs() {
    let mut failures = Vec::new();
    for row in ROWS {
        let mut args = row.args.to_vec();
        args.push(row.file);
        if row.args == BINARY {
            args.push(BINARY_FOR);
        }
        let r = run(&args);
        eprintln!(
            "{:40} exit {:?} {:>6.0} ms {} {:>7} KB",
            row.file,
            r.code,
            r.elapsed.as_secs_f64() * 1000.0,
            if r.raised { "peak  " } else { "peak <=" },
            r.peak_kb,
        );
        let mut problem = common_problems(&r, row.file);
        if problem.is_none() {
            problem = match row.expect {
                Err(want) => {
                    if r.code != Some(2) {
                        Some(format!("expected exit 2, got {:?}", r.code))
                    } else if !r.stderr.contains(want) {
                        Some(format!("expected {want:?} in {:?}", r.stderr))
                    } else if !r.stdout.is_empty() {
                        Some("stdout should be empty".into())
                    } else {
                        None
                    }
                }
                Warn(want, warning) => {
                    if r.code != Some(0) {
                        Some(format!("expected exit 0, got {:?}: {:?}", r.code, r.stderr))
                    } else if r.stderr.lines().count() != 1 || !r.stderr.contains(warning) {
                        Some(format!(
                            "expected one warning line with {warning:?}: {:?}",
                            r.stderr
                        ))
                    } else if !r.stdout.contains(want) {
                        Some(format!("expected {want:?} on stdout: {:?}", r.stdout))
                    } else {
                        None
                    }
                }
                Ok(want) => {
                    if r.code != Some(0) {
                        Some(format!("expected exit 0, got {:?}: {:?}", r.code, r.stderr))
                    } else if !r.stderr.is_empty() {
                        Some(format!("stderr should be empty: {:?}", r.stderr))
                    } else if !r.stdout.contains(want) {
                        Some(format!(
                            "expected {want:?} on stdout: {:?}",
                            r.stdout.chars().take(400).collect::<String>()
                        ))
                    } else {
                        None
                    }
                }
            };
        }
        if let Some(p) = problem {
            failures.push(format!("{} ({}): {p}", row.file, row.what));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn every_command_survives_every_file() {
    let out = tempfile::tempdir().unwrap();
    let converted = out.path().join("c.pb.gz");
    let converted = converted.to_str().unwrap();
    let ok = "zero_period.pb";
    let mut failures = Vec::new();
    for row in ROWS {
        let f = row.file;
        let cmds: [Vec<&str>; 6] = [
            vec!["top", "--base", ok, f],
            vec!["info", f],
            vec!["convert", "-o", converted, f],
            vec!["diff", ok, f],
            vec![
                "check",
                "--max-increase",
                "10%",
                "--budget",
                "main.*<=1kB",
                ok,
                f,
            ],
            vec!["trend", f, ok, f],
        ];
        for args in &cmds {
            let r = run(args);
            if let Some(p) = common_problems(&r, f) {
                failures.push(format!("heapscope {}: {p}", args.join(" ")));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn the_files_are_what_gen_py_makes() {
    let python = Command::new("python3").arg("--version").output();
    if python.is_err() {
        eprintln!("note: python3 not found; not checking testdata/hostile against gen.py");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let st = Command::new("python3")
        .arg(dir().join("gen.py"))
        .env("HOSTILE_OUT", tmp.path())
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(st.success());
    for row in ROWS {
        let made = fs::read(tmp.path().join(row.file)).unwrap();
        let committed = fs::read(dir().join(row.file)).unwrap();
        // Another zlib may compress differently: gzip files compare by
        // what they inflate to (up to the first error) and their size.
        let same = made == committed
            || (made.starts_with(&[0x1f, 0x8b])
                && inflate_prefix(&made) == inflate_prefix(&committed));
        assert!(
            same,
            "{}: differs from what gen.py makes; run python3 testdata/hostile/gen.py",
            row.file
        );
    }
}

/// What a gzip stream inflates to, up to its first error.
fn inflate_prefix(b: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    let _ = flate2::read::MultiGzDecoder::new(b).read_to_end(&mut out);
    out
}

/// The library's errors are typed: the same files, decoded in-process,
/// fail with the variant that names the fault (no message matching).
#[test]
fn decode_errors_are_typed() {
    use heapscope::profile::decode::{self, DecodeOptions};
    use heapscope::profile::error::{DecodeError as D, Invalid as I, Malformed as M, Table};
    let decode = |file: &str| {
        let bytes = fs::read(dir().join(file)).unwrap();
        decode::decode_bytes(
            &bytes,
            DecodeOptions::default(),
            &heapscope::profile::legacy::parse,
        )
        .expect_err(file)
    };
    type IsExpected = fn(&D) -> bool;
    let cases: Vec<(&str, IsExpected)> = vec![
        ("varint_11_bytes.pb", |e| {
            matches!(e, D::Malformed(M::VarintOverflow))
        }),
        ("varint_truncated.pb", |e| {
            matches!(e, D::Malformed(M::TruncatedVarintAtEnd))
        }),
        ("length_past_eof.pb", |e| {
            matches!(
                e,
                D::Malformed(M::TruncatedInput {
                    declared: 1099511627776,
                    available: 3
                })
            )
        }),
        ("length_past_message.pb", |e| {
            matches!(
                e,
                D::Malformed(M::TruncatedMessage {
                    declared: 1000,
                    remaining: 2
                })
            )
        }),
        ("wrong_wire_type.pb", |e| {
            matches!(
                e,
                D::Malformed(M::WireType {
                    field: 1,
                    wire: 0,
                    expected: 2
                })
            )
        }),
        ("wire_type_6.pb", |e| {
            matches!(e, D::Malformed(M::UnsupportedWireType(6)))
        }),
        ("field_number_zero.pb", |e| {
            matches!(e, D::Malformed(M::FieldZero))
        }),
        ("concatenated_profiles.pb", |e| {
            matches!(e, D::Malformed(M::Concatenated))
        }),
        ("gzip_empty_member.pb.gz", |e| matches!(e, D::Empty)),
        ("gzip_header_only.pb.gz", |e| matches!(e, D::Gzip(_))),
        ("location_id_max_dangling.pb", |e| {
            matches!(
                e,
                D::Invalid(I::UnknownLocation {
                    location: u64::MAX,
                    ..
                })
            )
        }),
        ("duplicate_function_ids.pb", |e| {
            matches!(
                e,
                D::Invalid(I::DuplicateId {
                    table: Table::Function,
                    id: 1
                })
            )
        }),
        ("duplicate_mapping_ids.pb", |e| {
            matches!(
                e,
                D::Invalid(I::DuplicateId {
                    table: Table::Mapping,
                    id: 7
                })
            )
        }),
        ("id_cycle_across_tables.pb", |e| {
            matches!(e, D::Invalid(I::UnknownFunction { function: 3, .. }))
        }),
        ("sample_type_index_out_of_range.pb", |e| {
            matches!(
                e,
                D::Invalid(I::StringIndex {
                    field: "sample type",
                    index: 99,
                    table_len: 9
                })
            )
        }),
        ("string_index_negative.pb", |e| {
            matches!(e, D::Invalid(I::StringIndexOverflow { index: -1, .. }))
        }),
        ("no_sample_types_with_samples.pb", |e| {
            matches!(e, D::Invalid(I::NoSampleTypes))
        }),
        ("legacy_bad_address.heap", |e| {
            matches!(e, D::BadLine { line: 2, .. })
        }),
        ("html_page.pb.gz", |e| matches!(e, D::NotAProfile(_))),
    ];
    for (file, ok) in cases {
        let e = decode(file);
        assert!(ok(&e), "{file}: {e:?}");
    }
}
