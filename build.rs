//! Build-time work, with no system tools required:
//!
//! - the Rust types for proto/profile.proto, generated with protox (a
//!   pure-Rust protobuf compiler), so no `protoc` is needed;
//! - the version `--version` prints (`HEAPSCOPE_VERSION`): the package
//!   version and the short commit it was built from, with `-dirty` when
//!   tracked files differ from that commit (`0.1.0 (d4ea641-dirty)`). The
//!   commit comes from `HEAPSCOPE_BUILD_COMMIT` when set (for builds from
//!   an exported tree), else from `git` when the package root is the top of
//!   a git work tree; otherwise (a source tarball, no git) it is left out.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=proto/profile.proto");
    let fds = protox::compile(["proto/profile.proto"], ["proto"])?;
    prost_build::Config::new().compile_fds(fds)?;

    let version = env!("CARGO_PKG_VERSION");
    let full = match commit() {
        Some(c) => format!("{version} ({c})"),
        None => version.to_string(),
    };
    println!("cargo:rustc-env=HEAPSCOPE_VERSION={full}");
    Ok(())
}

/// The short commit, `-dirty` appended when the tree has changes.
fn commit() -> Option<String> {
    println!("cargo:rerun-if-env-changed=HEAPSCOPE_BUILD_COMMIT");
    if let Ok(c) = std::env::var("HEAPSCOPE_BUILD_COMMIT") {
        let c = c.trim();
        return (!c.is_empty()).then(|| c.to_string());
    }
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR")?);
    // Only our own repository: a tarball unpacked inside some other git
    // work tree must not take that tree's commit.
    let top = git(&root, &["rev-parse", "--show-toplevel"])?;
    if std::fs::canonicalize(&top).ok()? != std::fs::canonicalize(&root).ok()? {
        return None;
    }
    rerun_on_git_changes(&root);
    let hash = git(&root, &["rev-parse", "--short=7", "HEAD"])?;
    // Tracked files only, as `git describe --dirty`: build output and
    // other untracked files do not make a build dirty.
    let status = git(&root, &["status", "--porcelain", "--untracked-files=no"])?;
    Some(if status.is_empty() {
        hash
    } else {
        format!("{hash}-dirty")
    })
}

/// Runs git in `dir`; its trimmed stdout on success, `None` when git is
/// missing or fails (not a repository, a broken one).
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .arg("--no-optional-locks")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    Some(String::from_utf8(out.stdout).ok()?.trim().to_string())
}

/// Asks cargo to run this script again when HEAD moves (a commit, a
/// checkout, a reset) or when the sources change (which can make the tree
/// dirty or clean). Paths come from git, so a linked worktree (whose `.git`
/// is a file) works too.
fn rerun_on_git_changes(root: &Path) {
    let mut paths = vec!["HEAD".to_string(), "logs/HEAD".to_string()];
    if let Some(r) = git(root, &["symbolic-ref", "-q", "HEAD"]) {
        paths.push(r);
    }
    paths.push("packed-refs".to_string());
    for p in paths {
        if let Some(path) = git(root, &["rev-parse", "--git-path", &p]) {
            let path = root.join(path);
            if path.exists() {
                println!("cargo:rerun-if-changed={}", path.display());
            }
        }
    }
    // The files whose edits can flip `-dirty`, and that a rebuild compiles
    // anyway. (Edits elsewhere, e.g. README.md, are seen at the next
    // rebuild.)
    for p in ["src", "build.rs", "Cargo.toml", "Cargo.lock"] {
        println!("cargo:rerun-if-changed={p}");
    }
}
