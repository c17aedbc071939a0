//! pprof's hint: a command line written for `go tool pprof` and given to
//! heapscope's own commands gets one line naming heapscope's spelling.

/// The hint for a command line written for `go tool pprof`, shown instead
/// of clap's message when parsing fails: a pprof-style flag
/// (`-sample_index=alloc_space`, `-trim=false`) is named with heapscope's
/// spelling, and `heapscope BINARY PROFILE` is pointed to a command and to
/// `heapscope pprof`. `args` excludes the program name.
pub fn pprof_hint(args: &[String]) -> Option<String> {
    for a in args {
        if a == "--" {
            break;
        }
        let Some(flag) = a.strip_prefix('-') else {
            continue;
        };
        if flag.starts_with('-') || flag.chars().count() < 2 {
            continue;
        }
        if !flag.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        let (name, value) = match flag.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (flag, None),
        };
        let ours = match (name, value) {
            ("trim", Some("false" | "0" | "f" | "F" | "FALSE" | "False")) => "--no-trim".into(),
            ("noinlines", _) => "--no-inlines".into(),
            ("functions" | "filefunctions" | "files" | "lines" | "addresses", _) => {
                format!("--granularity {name}")
            }
            (
                "top" | "traces" | "tree" | "peek" | "tags" | "list" | "dot" | "svg" | "png"
                | "raw" | "proto" | "callgrind" | "http",
                _,
            ) => format!("the `{}` command", pprof_command(name)),
            (_, Some(v)) => format!("--{} {v}", name.replace('_', "-")),
            (_, None) => format!("--{}", name.replace('_', "-")),
        };
        return Some(format!(
            "`{a}` is go tool pprof's spelling: heapscope's is {ours} \
             (or run pprof's whole command line as `heapscope pprof ...`)"
        ));
    }
    let first = args.first()?;
    if !first.starts_with('-') && std::path::Path::new(first).is_file() {
        let profiles = if args.len() > 1 { &args[1..] } else { args };
        return Some(format!(
            "heapscope takes a command first: `heapscope top {rest}`; for pprof's \
             `BINARY PROFILE` form, `heapscope pprof -top {all}`",
            rest = profiles.join(" "),
            all = args.join(" "),
        ));
    }
    None
}

/// heapscope's command for a pprof report flag.
fn pprof_command(flag: &str) -> &'static str {
    match flag {
        "top" => "top",
        "traces" => "traces",
        "tree" => "tree",
        "peek" => "peek",
        "tags" => "tags",
        "list" => "list",
        "dot" | "svg" | "png" => "graph",
        "raw" | "proto" => "convert",
        "http" => "web",
        _ => "pprof",
    }
}

#[cfg(test)]
mod hint_tests {
    use super::pprof_hint;

    fn hint(args: &[&str]) -> Option<String> {
        pprof_hint(&args.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn pprof_flags_get_heapscope_names() {
        let h = hint(&["top", "-sample_index=alloc_space", "x.pb.gz"]).unwrap();
        assert!(h.contains("--sample-index alloc_space"), "{h}");
        assert!(h.contains("heapscope pprof"), "{h}");
        assert!(
            hint(&["tree", "-trim=false"])
                .unwrap()
                .contains("--no-trim")
        );
        assert!(hint(&["-top", "x"]).unwrap().contains("the `top` command"));
        assert!(
            hint(&["top", "-lines", "x"])
                .unwrap()
                .contains("--granularity lines")
        );
        // heapscope's own flags get no hint.
        assert_eq!(hint(&["top", "--nodecount", "5", "-o", "out"]), None);
        assert_eq!(hint(&["top", "--", "-weird_name"]), None);
    }
}
