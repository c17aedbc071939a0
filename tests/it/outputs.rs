//! Outputs that never corrupt: files written by `convert -o`,
//! `symbolize -o`, `flame -o` and `check --output` are replaced whole or not at all (a failure or an
//! interrupt leaves the old file and no temporary file), and a reader that
//! closes standard output early (`heapscope top big.pb.gz | head -1`) ends
//! the run quietly with the exit code the run would have had.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_heapscope")
}

fn hostile(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/hostile")
        .join(name)
}

/// A small valid profile and a big one (100,000 frames: about 1.3 MB
/// gzip'd, 100,003 lines of `top`).
fn small() -> String {
    hostile("zero_period.pb").to_string_lossy().into_owned()
}
fn big() -> String {
    hostile("sample_100k_frames.pb.gz")
        .to_string_lossy()
        .into_owned()
}

fn run(args: &[&str]) -> Output {
    Command::new(bin())
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// The names in a folder, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn assert_error(out: &Output, names: &str, want: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains(names), "{names:?} not in {err:?}");
    assert!(err.contains(want), "{want:?} not in {err:?}");
}

#[test]
fn a_successful_write_replaces_the_file_and_leaves_nothing_else() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out.pb.gz");
    fs::write(&out, "old").unwrap();
    let o = run(&["convert", "-o", out.to_str().unwrap(), &small()]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert_ne!(fs::read(&out).unwrap(), b"old");
    assert_eq!(listing(d.path()), ["out.pb.gz"]);
}

#[test]
fn output_path_that_is_a_directory() {
    let d = tempfile::tempdir().unwrap();
    let target = d.path().join("reports");
    fs::create_dir(&target).unwrap();
    fs::write(target.join("keep.txt"), "keep").unwrap();
    let t = target.to_str().unwrap();
    let o = run(&["convert", "-o", t, &small()]);
    assert_error(&o, t, "is a directory");
    let o = run(&["check", "--max-total", "1GB", "--output", t, &small()]);
    assert_error(&o, t, "is a directory");
    assert_eq!(listing(&target), ["keep.txt"]);
    assert_eq!(fs::read_to_string(target.join("keep.txt")).unwrap(), "keep");
    assert_eq!(listing(d.path()), ["reports"]);
}

#[test]
fn output_into_a_missing_folder() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("nope/out.pb.gz");
    let o = run(&["convert", "-o", out.to_str().unwrap(), &small()]);
    assert_error(&o, "nope/out.pb.gz", "No such file or directory");
    assert!(listing(d.path()).is_empty());
}

#[test]
fn output_into_a_read_only_folder() {
    use std::os::unix::fs::PermissionsExt;
    if nix::unistd::geteuid().is_root() {
        eprintln!("note: running as root, which ignores permissions; read-only folder not tested");
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let ro = d.path().join("ro");
    fs::create_dir(&ro).unwrap();
    let out = ro.join("out.pb.gz");
    fs::write(&out, "old").unwrap();
    fs::set_permissions(&ro, fs::Permissions::from_mode(0o555)).unwrap();
    let o = run(&["convert", "-o", out.to_str().unwrap(), &small()]);
    let o2 = run(&[
        "check",
        "--max-total",
        "1GB",
        "--output",
        out.to_str().unwrap(),
        &small(),
    ]);
    let names = listing(&ro);
    let old = fs::read_to_string(&out).unwrap();
    fs::set_permissions(&ro, fs::Permissions::from_mode(0o755)).unwrap();
    assert_error(&o, "out.pb.gz", "Permission denied");
    assert_error(&o2, "out.pb.gz", "Permission denied");
    assert_eq!(old, "old");
    assert_eq!(names, ["out.pb.gz"]);
}

/// Runs heapscope under a file size limit of `blocks` (RLIMIT_FSIZE, via
/// the shell's `ulimit -f`) with SIGXFSZ ignored, so that a write past the
/// limit fails with EFBIG as a full disk would fail with ENOSPC.
fn run_with_file_size_limit(blocks: u32, args: &[&str]) -> Option<Output> {
    let o = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "trap '' XFSZ; ulimit -f {blocks} || exit 99; exec \"$0\" \"$@\""
        ))
        .arg(bin())
        .args(args)
        .stdin(Stdio::null())
        .output()
        .ok()?;
    if o.status.code() == Some(99) {
        return None;
    }
    Some(o)
}

#[test]
fn a_failure_mid_write_keeps_the_old_file_and_no_temporary() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out.pb.gz");
    fs::write(&out, "old").unwrap();
    let o = out.to_str().unwrap();
    // 64 blocks (32 or 64 KiB): the first bytes are written, then the limit
    // is hit in the middle of the 1.3 MB output.
    let Some(r) = run_with_file_size_limit(64, &["convert", "-o", o, &big()]) else {
        eprintln!("note: sh cannot set ulimit -f here; mid-write failure not tested");
        return;
    };
    assert_error(&r, "out.pb.gz", "File too large");
    assert_eq!(fs::read_to_string(&out).unwrap(), "old");
    assert_eq!(listing(d.path()), ["out.pb.gz"]);

    // check --output: the report fails to be written (limit 0), the verdict
    // is not reached; exit 2.
    let r = run_with_file_size_limit(
        0,
        &[
            "check",
            "--max-total",
            "1GB",
            "--format",
            "junit",
            "--output",
            o,
            &small(),
        ],
    )
    .unwrap();
    assert_error(&r, "out.pb.gz", "File too large");
    assert_eq!(fs::read_to_string(&out).unwrap(), "old");
    assert_eq!(listing(d.path()), ["out.pb.gz"]);
}

/// Runs heapscope with its standard output's reader closed before it
/// writes anything.
fn run_with_closed_stdout(args: &[&str]) -> Output {
    let mut child = Command::new(bin())
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    child.wait_with_output().unwrap()
}

#[test]
fn a_closed_stdout_is_not_an_error() {
    let (s, b) = (small(), big());
    let cases: Vec<(Vec<&str>, i32)> = vec![
        (vec!["top", &b], 0),
        (vec!["top", "--format", "json", &s], 0),
        (vec!["diff", &s, &b], 0),
        (vec!["diff", "--format", "csv", &s, &b], 0),
        (vec!["trend", &s, &b, &s], 0),
        (vec!["info", &s, &b], 0),
        (vec!["info", "--format", "json", &s], 0),
        (vec!["check", "--max-total", "1GB", &b], 0),
        // A violated check stays a violation when its reader goes away.
        (vec!["check", "--strict", "--max-total", "1", &b], 1),
        (
            vec![
                "check",
                "--strict",
                "--max-total",
                "1",
                "--format",
                "json",
                &b,
            ],
            1,
        ),
    ];
    for (args, code) in cases {
        let o = run_with_closed_stdout(&args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(code), "{args:?}: {err}");
        assert!(err.is_empty(), "{args:?}: stderr {err:?}");
    }
}

#[test]
fn top_into_head() {
    // heapscope top big.pb.gz | head -1
    let mut child = Command::new(bin())
        .args(["top", &big()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert_eq!(first, "Type: inuse_space\n");
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn an_interrupt_during_convert_leaves_no_temporary() {
    use nix::sys::signal::{Signal, kill};
    use nix::unistd::Pid;
    let b = big();
    let inline = hostile("location_100k_inline_lines.pb.gz");
    for attempt in 1..=3 {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("out.pb.gz");
        fs::write(&out, "old").unwrap();
        let mut child = Command::new(bin())
            .args(["convert", "-o", out.to_str().unwrap(), &b])
            .arg(&inline)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Wait for the temporary file, then interrupt.
        let start = Instant::now();
        let mut seen = false;
        while start.elapsed() < Duration::from_secs(20) {
            if listing(d.path()).iter().any(|n| n.ends_with(".tmp")) {
                seen = true;
                break;
            }
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        if seen {
            kill(Pid::from_raw(child.id() as i32), Signal::SIGINT).unwrap();
        }
        let o = child.wait_with_output().unwrap();
        if !seen || o.status.code() == Some(0) {
            // The write finished before the signal: try again.
            let _ = fs::remove_file(&out);
            eprintln!("note: attempt {attempt}: the write finished before the interrupt");
            continue;
        }
        assert_eq!(
            o.status.code(),
            Some(130),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert_eq!(
            listing(d.path()),
            ["out.pb.gz"],
            "a temporary file was left"
        );
        assert_eq!(fs::read_to_string(&out).unwrap(), "old");
        return;
    }
    eprintln!("note: could not interrupt a write in 3 attempts; interrupt not tested");
}

/// Every command that writes a file, as `[command, flags..., OUT, input]`
/// with `OUT` where the destination goes, and a file size limit (in
/// blocks) under the size of what it writes.
fn writers(input: &str) -> Vec<(Vec<String>, u32)> {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let check = ["check", "--max-total", "1GB", "--format", "junit"];
    vec![
        (s(&["convert", "-o", "OUT", input]), 16),
        (
            s(&["symbolize", "--symbolize=none", "-o", "OUT", input]),
            16,
        ),
        (s(&["flame", "-o", "OUT", input]), 16),
        // A junit report is a few hundred bytes: no block at all.
        (s(&[&check[..], &["--output", "OUT", input]].concat()), 0),
    ]
}

fn with_out(args: &[String], out: &str) -> Vec<String> {
    args.iter()
        .map(|a| {
            if a == "OUT" {
                out.to_string()
            } else {
                a.clone()
            }
        })
        .collect()
}

#[test]
fn every_writer_replaces_whole_or_not_at_all() {
    for (w, blocks) in writers(&big()) {
        let cmd = w[0].clone();
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("out.file");
        let o = out.to_str().unwrap();

        // A folder in the way: one line, nothing changed.
        fs::create_dir(&out).unwrap();
        let args = with_out(&w, o);
        let r = run(&args.iter().map(String::as_str).collect::<Vec<_>>());
        assert_error(&r, "out.file", "is a directory");
        assert_eq!(listing(d.path()), ["out.file"], "{cmd}");
        fs::remove_dir(&out).unwrap();

        // A write that fails halfway (a file size limit under the size of
        // the output for the 100,000-frame profile).
        fs::write(&out, "old").unwrap();
        if let Some(r) =
            run_with_file_size_limit(blocks, &args.iter().map(String::as_str).collect::<Vec<_>>())
        {
            assert_error(&r, "out.file", "File too large");
            assert_eq!(fs::read_to_string(&out).unwrap(), "old", "{cmd}");
            assert_eq!(listing(d.path()), ["out.file"], "{cmd}");
        }

        // And a write that succeeds replaces the file, leaving nothing else.
        let r = run(&args.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(r.status.code(), Some(0), "{cmd}: {r:?}");
        assert!(fs::read(&out).unwrap() != b"old", "{cmd}");
        assert_eq!(listing(d.path()), ["out.file"], "{cmd}");
    }
}
