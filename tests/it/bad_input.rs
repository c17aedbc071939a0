//! Bad input never panics: one line on stderr naming the file and what is
//! wrong, exit code 2.

use crate::common;

use common::{Builder, gzip, run_in};
use heapscope::proto;
use prost::Message;
use std::fs;

/// Writes `bytes` to a file, runs `heapscope top` (plus `extra` flags) on
/// it, and checks exit 2, a single stderr line naming the file, and that
/// the line contains `want`.
fn expect_error(name: &str, bytes: &[u8], extra: &[&str], want: &str) {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join(name);
    fs::write(&path, bytes).unwrap();
    let mut args = vec!["top"];
    args.extend_from_slice(extra);
    args.push(name);
    let out = run_in(d.path(), &args, None);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{name}: exit code; stderr: {err}"
    );
    assert!(out.stdout.is_empty(), "{name}: stdout should be empty");
    assert_eq!(err.lines().count(), 1, "{name}: one line expected: {err}");
    assert!(
        err.contains(name),
        "{name}: message should name the file: {err}"
    );
    assert!(err.contains(want), "{name}: expected {want:?} in: {err}");
    assert!(!err.contains("panicked"), "{name}: panic: {err}");
}

fn valid() -> Builder {
    let mut b = Builder::default();
    b.sample(&["main.leaf", "main.main"], &[1, 100, 1, 100]);
    b
}

#[test]
fn empty_file() {
    expect_error("empty.pb.gz", b"", &[], "empty input file");
}

#[test]
fn text_that_is_not_a_profile() {
    expect_error(
        "notes.txt",
        b"Dear diary,\nthe service ran out of memory again today.\n",
        &[],
        "not a profile",
    );
}

#[test]
fn truncated_gzip() {
    let gz = valid().gzip();
    expect_error("trunc.pb.gz", &gz[..gz.len() / 2], &[], "truncated");
}

#[test]
fn truncated_protobuf() {
    let raw = valid().bytes();
    expect_error("trunc.pb", &raw[..raw.len() - 3], &[], "truncated");
}

#[test]
fn string_index_out_of_range() {
    let mut b = valid();
    b.p.function[0].name = 999;
    expect_error(
        "badstr.pb.gz",
        &b.gzip(),
        &[],
        "string index 999 is out of range",
    );
}

#[test]
fn sample_with_missing_location() {
    let mut b = valid();
    b.p.sample[0].location_id.push(4242);
    expect_error(
        "badloc.pb.gz",
        &b.gzip(),
        &[],
        "location id 4242, which does not exist",
    );
}

#[test]
fn sample_with_wrong_number_of_values() {
    let mut b = valid();
    b.sample(&["main.other"], &[1, 2, 3]);
    expect_error(
        "badvals.pb.gz",
        &b.gzip(),
        &[],
        "has 3 values, but the profile has 4 sample types",
    );
}

#[test]
fn location_with_missing_mapping() {
    let mut b = valid();
    b.p.location[0].mapping_id = 77;
    expect_error(
        "badmap.pb.gz",
        &b.gzip(),
        &[],
        "mapping id 77, which does not exist",
    );
}

#[test]
fn line_with_missing_function() {
    let mut b = valid();
    b.p.location[0].line[0].function_id = 55;
    expect_error(
        "badfn.pb.gz",
        &b.gzip(),
        &[],
        "function id 55, which does not exist",
    );
}

#[test]
fn duplicate_location_ids() {
    let mut b = valid();
    let dup = b.p.location[0].clone();
    b.p.location.push(dup);
    expect_error(
        "dup.pb.gz",
        &b.gzip(),
        &[],
        "multiple locations with the same id",
    );
}

/// A valid prefix followed by an unknown field of 8 MiB of zeros: tiny
/// when compressed, over the (lowered) cap when inflated.
fn bomb() -> Vec<u8> {
    let mut raw = valid().bytes();
    let n: u64 = 8 << 20;
    // field 100, wire type 2
    prost::encoding::encode_key(100, prost::encoding::WireType::LengthDelimited, &mut raw);
    prost::encoding::encode_varint(n, &mut raw);
    raw.resize(raw.len() + n as usize, 0);
    gzip(&raw)
}

#[test]
fn gzip_bomb_over_the_cap() {
    let gz = bomb();
    assert!(
        gz.len() < 64 << 10,
        "the bomb should be small: {}",
        gz.len()
    );
    expect_error(
        "bomb.pb.gz",
        &gz,
        &["--max-input-size", "1MiB"],
        "exceeds the size limit",
    );
}

#[test]
fn gzip_bomb_under_a_raised_cap_is_read() {
    let d = tempfile::tempdir().unwrap();
    fs::write(d.path().join("bomb.pb.gz"), bomb()).unwrap();
    let out = run_in(
        d.path(),
        &["top", "--max-input-size", "16MiB", "bomb.pb.gz"],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("main.leaf"));
}

#[test]
fn missing_file() {
    let d = tempfile::tempdir().unwrap();
    let out = run_in(d.path(), &["top", "nope.pb.gz"], None);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("nope.pb.gz"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn directory_instead_of_file() {
    let d = tempfile::tempdir().unwrap();
    fs::create_dir(d.path().join("adir")).unwrap();
    let out = run_in(d.path(), &["top", "adir"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("adir"));
}

#[test]
fn bad_sample_index_is_an_error() {
    let d = tempfile::tempdir().unwrap();
    fs::write(d.path().join("ok.pb.gz"), valid().gzip()).unwrap();
    let out = run_in(
        d.path(),
        &["top", "--sample-index", "cpu", "ok.pb.gz"],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("must be one of: [alloc_objects alloc_space inuse_objects inuse_space]"),
        "{err}"
    );
}

#[test]
fn stdin_is_read_with_dash() {
    let out = run_in(
        std::env::temp_dir().as_path(),
        &["top", "-"],
        Some(&valid().gzip()),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("main.leaf"));
    // raw (not gzip) protobuf on stdin too
    let out = run_in(
        std::env::temp_dir().as_path(),
        &["top", "-"],
        Some(&valid().bytes()),
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn bad_stdin_is_named() {
    let out = run_in(std::env::temp_dir().as_path(), &["top", "-"], Some(b""));
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("<stdin>") && err.contains("empty input file"),
        "{err}"
    );
}

#[test]
fn concatenated_gzip_members_are_one_stream() {
    // Two gzip members of one profile split in the middle decode as the
    // whole profile (Go's gzip reader is multistream, and so is ours).
    let raw = valid().bytes();
    let (a, b) = raw.split_at(raw.len() / 2);
    let mut two = gzip(a);
    two.extend_from_slice(&gzip(b));
    let d = tempfile::tempdir().unwrap();
    fs::write(d.path().join("two.pb.gz"), two).unwrap();
    let out = run_in(d.path(), &["top", "two.pb.gz"], None);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn unknown_fields_are_skipped() {
    let mut raw = valid().bytes();
    prost::encoding::encode_key(99, prost::encoding::WireType::Varint, &mut raw);
    prost::encoding::encode_varint(5, &mut raw);
    let p = proto::Profile::decode(&raw[..]).unwrap();
    assert_eq!(p.sample.len(), 1);
    let d = tempfile::tempdir().unwrap();
    fs::write(d.path().join("x.pb"), raw).unwrap();
    let out = run_in(d.path(), &["top", "x.pb"], None);
    assert_eq!(out.status.code(), Some(0));
}
