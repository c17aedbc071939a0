//! The command-line surface every command shares: `--unit` names, `-o`
//! with `-` for standard output, and the hint a pprof-style flag gets.

mod common;

use common::{repo, run_in};
use std::process::Output;

fn run(args: &[&str]) -> Output {
    run_in(&repo().join("testdata"), args, None)
}

fn out(o: &Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `--unit` takes check's binary size names as pprof's, and refuses a unit
/// it does not know instead of printing bytes.
#[test]
fn unit_names() {
    for cmd in ["top", "traces", "tree", "tags"] {
        let mb = out(&run(&[cmd, "snap5.pb.gz", "--unit", "MB"]));
        assert!(mb.contains("MB"), "{mb}");
        assert_eq!(
            out(&run(&[cmd, "snap5.pb.gz", "--unit", "MiB"])),
            mb,
            "{cmd}"
        );
        let kb = out(&run(&[cmd, "snap5.pb.gz", "--unit", "kB"]));
        assert_eq!(
            out(&run(&[cmd, "snap5.pb.gz", "--unit", "KiB"])),
            kb,
            "{cmd}"
        );
        let e = err(&run(&[cmd, "snap5.pb.gz", "--unit", "parsecs"]));
        assert!(e.contains("unknown unit \"parsecs\""), "{e}");
    }
    let e = err(&run(&["graph", "snap5.pb.gz", "--unit", "furlongs"]));
    assert!(e.contains("unknown unit"), "{e}");
}
