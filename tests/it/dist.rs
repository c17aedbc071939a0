//! What ships besides the reports: `--version` naming the commit,
//! `completions` and `man`, and the static binary of `scripts/dist.sh`.
//!
//! Two tests are `#[ignore]`d because they are slow or need root; `.ci/run`
//! runs them (`cargo test --test it dist:: -- --ignored`):
//! - `static_binary_runs_in_an_empty_root`: the musl binary named by
//!   `HEAPSCOPE_STATIC_BIN` is static, stripped, at most 15 MiB, and runs
//!   `top`, `info`, `flame -o` and a refused URL in a chroot that holds only
//!   the binary and a profile, with the same output as this build;
//! - `builds_from_a_tarball_without_https`: the tracked files, copied
//!   without `.git` (as a source tarball), build with
//!   `--no-default-features`; that binary prints the bare version, reads
//!   files, and refuses URLs with one line.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_heapscope")
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn run(args: &[&str]) -> Output {
    Command::new(bin())
        .args(args)
        .output()
        .expect("run heapscope")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 stdout")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// git's answer in the repository, or None when git or the repository is
/// missing (then the build has no commit either).
fn git(args: &[&str]) -> Option<String> {
    let o = Command::new("git")
        .arg("-C")
        .arg(root())
        .args(args)
        .output()
        .ok()?;
    o.status
        .success()
        .then(|| String::from_utf8_lossy(&o.stdout).trim().to_string())
}

#[test]
fn version_names_the_commit_and_dirty_state() {
    let o = run(&["--version"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v = stdout(&o);
    let line = v.strip_suffix('\n').expect("one line");
    let rest = line
        .strip_prefix(concat!("heapscope ", env!("CARGO_PKG_VERSION")))
        .unwrap_or_else(|| panic!("{line:?}"));
    let toplevel = git(&["rev-parse", "--show-toplevel"]);
    let ours = toplevel.is_some_and(|t| fs::canonicalize(t).ok() == fs::canonicalize(root()).ok());
    if !ours {
        // A source tarball: the bare version.
        assert_eq!(rest, "", "{line:?}");
        return;
    }
    let hash = git(&["rev-parse", "--short=7", "HEAD"]).expect("HEAD");
    let (built, dirty) = match rest.strip_prefix(" (").and_then(|r| r.strip_suffix(")")) {
        Some(r) => match r.strip_suffix("-dirty") {
            Some(h) => (h, true),
            None => (r, false),
        },
        None => panic!("{line:?}"),
    };
    assert_eq!(built, hash, "{line:?}");
    // A change under the paths build.rs watches reruns it, so the binary
    // says -dirty. (Edits elsewhere, e.g. README.md, show at the next
    // rebuild; builds_from_a_tarball_without_https checks both ways.)
    let watched = git(&[
        "status",
        "--porcelain",
        "--untracked-files=no",
        "--",
        "src",
        "build.rs",
        "Cargo.toml",
        "Cargo.lock",
    ])
    .expect("git status");
    if !watched.is_empty() {
        assert!(dirty, "{line:?} but the tree has changes:\n{watched}");
    }
    // -V is the same.
    assert_eq!(stdout(&run(&["-V"])), v);
}

/// Every subcommand of `heapscope --help`, read from the help text.
fn subcommands() -> Vec<String> {
    let help = stdout(&run(&["--help"]));
    let mut names = Vec::new();
    let mut inside = false;
    for l in help.lines() {
        if l == "Commands:" {
            inside = true;
        } else if inside && l.starts_with("  ") && !l.starts_with("   ") {
            names.push(l.split_whitespace().next().unwrap().to_string());
        } else if inside && !l.starts_with(' ') {
            break;
        }
    }
    assert!(names.len() >= 10, "{help}");
    names.retain(|n| n != "help");
    names
}

#[test]
fn completions_for_every_shell_name_every_command() {
    let commands = subcommands();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let o = run(&["completions", shell]);
        assert!(o.status.success(), "{shell}: {}", stderr(&o));
        assert!(o.stderr.is_empty(), "{shell}: {}", stderr(&o));
        let s = stdout(&o);
        for c in &commands {
            assert!(s.contains(c.as_str()), "{shell}: no {c}");
        }
        for flag in ["nodecount", "sample-index", "max-increase"] {
            assert!(s.contains(flag), "{shell}: no --{flag}");
        }
    }
    let o = run(&["completions", "tcsh"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("tcsh"), "{}", stderr(&o));
}

/// The bash script parses, and completing `heapscope to<TAB>` offers `top`.
#[test]
fn bash_completion_completes() {
    if Command::new("bash").arg("--version").output().is_err() {
        crate::common::missing_tool("bash");
        return;
    }
    let script = stdout(&run(&["completions", "bash"]));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("heapscope.bash");
    fs::write(&path, &script).unwrap();
    let check = Command::new("bash").arg("-n").arg(&path).output().unwrap();
    assert!(check.status.success(), "{}", stderr(&check));
    let prog = format!(
        "source {}\nCOMP_WORDS=(heapscope to)\nCOMP_CWORD=1\nCOMP_LINE='heapscope to'\n\
         COMP_POINT=12\n_heapscope heapscope to heapscope\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        path.display()
    );
    let o = Command::new("bash").arg("-c").arg(prog).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let words: Vec<String> = stdout(&o).lines().map(str::to_string).collect();
    assert_eq!(words, ["top"], "{words:?}");
    // And the flags of `top`.
    let prog = format!(
        "source {}\nCOMP_WORDS=(heapscope top --nodec)\nCOMP_CWORD=2\n\
         _heapscope heapscope --nodec top\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        path.display()
    );
    let o = Command::new("bash").arg("-c").arg(prog).output().unwrap();
    assert_eq!(stdout(&o).trim(), "--nodecount", "{}", stderr(&o));
}

#[test]
fn man_pages_are_roff_with_version_and_commands() {
    let o = run(&["man"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let page = stdout(&o);
    let version = stdout(&run(&["--version"]));
    let th = page
        .lines()
        .find(|l| l.starts_with(".TH "))
        .expect(".TH line");
    assert!(th.starts_with(".TH heapscope 1 "), "{th}");
    assert!(th.contains(version.trim()), "{th} / {version}");
    for section in [".SH NAME", ".SH SYNOPSIS", ".SH SUBCOMMANDS"] {
        assert!(page.contains(section), "no {section}");
    }
    for c in subcommands() {
        assert!(
            page.contains(&format!("heapscope\\-{}(1)", c.replace('-', "\\-"))),
            "no {c}"
        );
    }

    let o = run(&["man", "top"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let top = stdout(&o);
    assert!(top.contains(".TH heapscope-top 1 "), "{top}");
    assert!(top.contains("\\-\\-nodecount"), "{top}");

    let o = run(&["man", "no-such-command"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    let e = stderr(&o);
    assert_eq!(e.lines().count(), 1, "{e}");
    assert!(e.contains("no-such-command"), "{e}");
}

/// `man -l` (groff) renders the page without a warning.
#[test]
fn man_page_renders() {
    if Command::new("groff").arg("-v").output().is_err() {
        crate::common::missing_tool("groff");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("heapscope.1");
    fs::write(&path, run(&["man"]).stdout).unwrap();
    let o = Command::new("groff")
        .args(["-man", "-Tutf8", "-ww"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(o.stderr.is_empty(), "groff warned: {}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("pprof-compatible heap profile analyzer"),
        "{text}"
    );
}

/// A closed pipe ends `completions` and `man` quietly, as every command.
#[test]
fn closed_pipe_is_quiet() {
    use std::process::Stdio;
    for args in [&["completions", "zsh"][..], &["man"][..]] {
        let mut child = Command::new(bin())
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        assert!(o.stderr.is_empty(), "{args:?}: {}", stderr(&o));
    }
}

/// Without the `https` feature, a URL is one line naming the feature.
#[cfg(not(feature = "https"))]
#[test]
fn urls_are_refused_without_https() {
    let o = run(&["top", "http://127.0.0.1:1/debug/pprof/heap"]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert_eq!(e.lines().count(), 1, "{e}");
    assert!(e.contains("http://127.0.0.1:1/debug/pprof/heap"), "{e}");
    assert!(e.contains("`https`"), "{e}");
}

fn elf_checks(path: &Path) {
    use object::{Object, ObjectSection, elf, read::elf::ElfFile64};
    let data = fs::read(path).unwrap();
    assert!(
        data.len() <= 15 * 1024 * 1024,
        "{} bytes, over 15 MiB",
        data.len()
    );
    let f = ElfFile64::<object::Endianness>::parse(&*data).expect("ELF");
    assert_eq!(f.architecture(), object::Architecture::X86_64);
    let endian = f.endian();
    for seg in f.elf_program_headers() {
        use object::read::elf::ProgramHeader;
        assert_ne!(seg.p_type(endian), elf::PT_INTERP, "has a dynamic loader");
    }
    assert!(f.imports().unwrap().is_empty(), "imports symbols");
    for s in f.sections() {
        let name = s.name().unwrap_or("");
        assert!(
            !name.starts_with(".debug_") && name != ".symtab",
            "not stripped: {name}"
        );
    }
    let table = f.elf_section_table();
    if let Some((dynamic, _)) = table.dynamic(endian, &*data).expect("dynamic section") {
        // static-pie has a dynamic section for its own relocations, but
        // needs no library.
        for d in dynamic {
            use object::read::elf::Dyn;
            assert_ne!(d.d_tag(endian) as u32, elf::DT_NEEDED, "needs a library");
        }
    }
}

#[test]
#[ignore = "needs the output of scripts/dist.sh (HEAPSCOPE_STATIC_BIN) and root; run by .ci/run"]
fn static_binary_runs_in_an_empty_root() {
    let stat = PathBuf::from(
        std::env::var_os("HEAPSCOPE_STATIC_BIN")
            .expect("HEAPSCOPE_STATIC_BIN: the binary scripts/dist.sh built"),
    );
    elf_checks(&stat);

    // The empty root: the binary and one profile, nothing else (no /etc,
    // no /lib, no /dev, no /tmp).
    let dir = tempfile::tempdir().unwrap();
    let jail = dir.path();
    fs::copy(&stat, jail.join("heapscope")).unwrap();
    fs::copy(root().join("testdata/snap5.pb.gz"), jail.join("heap.pb.gz")).unwrap();
    let in_jail = |args: &[&str]| -> Output {
        Command::new("chroot")
            .arg(jail)
            .arg("/heapscope")
            .args(args)
            .env_clear()
            // To find chroot; nothing in the jail to find.
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .output()
            .expect("chroot (needs root)")
    };
    let here = |args: &[&str]| -> Output {
        Command::new(bin())
            .args(args)
            .env_clear()
            .env("TZ", "UTC")
            .output()
            .unwrap()
    };
    let profile = root().join("testdata/snap5.pb.gz");
    let profile = profile.to_str().unwrap();

    let v = in_jail(&["--version"]);
    assert!(v.status.success(), "{}", stderr(&v));
    assert!(
        stdout(&v).starts_with(concat!("heapscope ", env!("CARGO_PKG_VERSION"))),
        "{}",
        stdout(&v)
    );

    for args in [&["top"][..], &["top", "--format", "json"], &["info"]] {
        let a: Vec<&str> = args.iter().copied().chain(["/heap.pb.gz"]).collect();
        let got = in_jail(&a);
        assert!(got.status.success(), "{a:?}: {}", stderr(&got));
        assert!(got.stderr.is_empty(), "{a:?}: {}", stderr(&got));
        let b: Vec<&str> = args.iter().copied().chain([profile]).collect();
        let want = here(&b);
        assert!(want.status.success(), "{b:?}: {}", stderr(&want));
        let (got, want) = (stdout(&got), stdout(&want));
        // `info` names the file as given.
        let want = want.replace(profile, "/heap.pb.gz");
        assert_eq!(got, want, "{a:?}");
    }
    assert!(stdout(&in_jail(&["top", "/heap.pb.gz"])).contains("main.newPayload"));

    // An atomic write inside the jail.
    let o = in_jail(&["flame", "/heap.pb.gz", "-o", "/flame.svg"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let svg = fs::read_to_string(jail.join("flame.svg")).unwrap();
    assert!(svg.contains("main.newPayload"));

    // No resolver, no network: one line, exit 2, no hang.
    let o = in_jail(&["top", "http://127.0.0.1:1/debug/pprof/heap"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
    let o = in_jail(&["top", "/missing.pb.gz"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("/missing.pb.gz"), "{}", stderr(&o));
}

#[test]
#[ignore = "builds heapscope a second time (a few minutes); run by .ci/run"]
fn builds_from_a_tarball_without_https() {
    // The tracked files as they are now, without .git.
    let files = git(&["ls-files", "-z"]).expect("git ls-files (run in the repository)");
    let dir = tempfile::tempdir().unwrap();
    let copy_to = |dest: &Path| {
        for f in files.split('\0').filter(|f| !f.is_empty()) {
            let from = root().join(f);
            if !from.is_file() {
                continue; // deleted in the work tree, or a submodule
            }
            let to = dest.join(f);
            fs::create_dir_all(to.parent().unwrap()).unwrap();
            fs::copy(&from, &to).unwrap();
        }
    };
    let tarball = dir.path().join("heapscope-src");
    copy_to(&tarball);
    let mut src = tarball.clone();
    assert!(!src.join(".git").exists());
    // Reuse built dependencies between runs; only heapscope compiles.
    let target = root().join("target/tarball");
    let build = |src: &Path| {
        let o = Command::new(env!("CARGO"))
            .current_dir(src)
            .args([
                "build",
                "--locked",
                "--no-default-features",
                "--bin",
                "heapscope",
            ])
            .env("CARGO_TARGET_DIR", &target)
            .env_remove("HEAPSCOPE_BUILD_COMMIT")
            // Make sure git cannot find the enclosing repository either.
            .env("GIT_CEILING_DIRECTORIES", dir.path())
            .output()
            .unwrap();
        assert!(o.status.success(), "cargo build: {}", stderr(&o));
    };
    build(&src);
    let built = target.join("debug/heapscope");
    let run = |args: &[&str]| Command::new(&built).args(args).output().unwrap();

    let v = run(&["--version"]);
    assert_eq!(
        stdout(&v),
        concat!("heapscope ", env!("CARGO_PKG_VERSION"), "\n")
    );
    let t = run(&["top", root().join("testdata/snap5.pb.gz").to_str().unwrap()]);
    assert!(t.status.success(), "{}", stderr(&t));
    assert!(stdout(&t).contains("main.newPayload"));
    let u = run(&["top", "http://127.0.0.1:1/debug/pprof/heap"]);
    assert_eq!(u.status.code(), Some(2));
    let e = stderr(&u);
    assert_eq!(e.lines().count(), 1, "{e}");
    assert!(
        e.contains("without http(s) support (cargo feature `https`)"),
        "{e}"
    );
    // In a git repository (another copy): the commit, -dirty after an
    // edit, the new commit after committing it (build.rs reruns when HEAD
    // moves).
    src = dir.path().join("heapscope-git");
    copy_to(&src);
    let g = |args: &[&str]| {
        let o = Command::new("git")
            .current_dir(&src)
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .env("GIT_CEILING_DIRECTORIES", dir.path())
            .output()
            .unwrap();
        assert!(o.status.success(), "git {args:?}: {}", stderr(&o));
        String::from_utf8(o.stdout).unwrap().trim().to_string()
    };
    let version = || {
        build(&src);
        stdout(&Command::new(&built).arg("--version").output().unwrap())
    };
    g(&["init", "-q"]);
    g(&["add", "-A"]);
    g(&["commit", "-q", "-m", "first"]);
    let first = g(&["rev-parse", "--short=7", "HEAD"]);
    let want = |c: &str| format!("heapscope {} ({c})\n", env!("CARGO_PKG_VERSION"));
    assert_eq!(version(), want(&first));
    let lib = src.join("src/lib.rs");
    let mut text = fs::read_to_string(&lib).unwrap();
    text.push_str("// an edit\n");
    fs::write(&lib, text).unwrap();
    assert_eq!(version(), want(&format!("{first}-dirty")));
    g(&["commit", "-q", "-a", "-m", "second"]);
    let second = g(&["rev-parse", "--short=7", "HEAD"]);
    assert_ne!(first, second);
    assert_eq!(version(), want(&second));

    // No network code linked in.
    let bytes = fs::read(&built).unwrap();
    for needle in [&b"rustls"[..], b"/ureq-"] {
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle),
            "{} found in the binary",
            String::from_utf8_lossy(needle)
        );
    }
}
