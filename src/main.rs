//! The `heapscope` binary: parse flags (`cli`), run, and map the result to an exit
//! code (0 ok, 1 a check was violated, 2 error). A closed stdout (as in
//! `heapscope top big.pb.gz | head`) is not an error. It also prints what
//! is made from the command line itself: shell completions and man pages.

use anyhow::{Result, anyhow};
use clap::{CommandFactory, Parser};
mod cli;

use cli::{Cli, Command, CompletionsArgs, ManArgs};
use heapscope::app::{self, Outcome};
use std::io::Write;
use std::process::ExitCode;

/// musl's malloc is slow; the static (musl) build uses jemalloc (mimalloc
/// measured slower here). The glibc build keeps glibc's malloc, which
/// measured faster than mimalloc (README, Performance: the numbers).
#[cfg(target_env = "musl")]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Writes `bytes` to stdout whole (generators panic on write errors, so
/// they write into memory first).
fn print(bytes: &[u8]) -> Result<Outcome> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)?;
    out.flush()?;
    Ok(Outcome::Ok)
}

/// `heapscope completions SHELL`.
fn completions(a: CompletionsArgs) -> Result<Outcome> {
    let mut buf = Vec::new();
    clap_complete::generate(a.shell, &mut Cli::command(), "heapscope", &mut buf);
    print(&buf)
}

/// `heapscope man [COMMAND]`: heapscope(1), or heapscope-COMMAND(1).
fn man(a: ManArgs) -> Result<Outcome> {
    let mut cmd = Cli::command();
    cmd.build();
    let page = match &a.command {
        None => cmd,
        Some(name) => {
            let sub = cmd
                .find_subcommand(name)
                .ok_or_else(|| anyhow!("man: no command named {name:?} (see heapscope --help)"))?;
            // build() named it `heapscope-NAME` (its display name).
            sub.clone()
        }
    };
    let mut buf = Vec::new();
    clap_mangen::Man::new(page)
        .source(concat!("heapscope ", env!("HEAPSCOPE_VERSION")))
        .render(&mut buf)?;
    print(&buf)
}

fn main() -> ExitCode {
    // Installed under the name `pprof`, heapscope takes pprof's arguments.
    let mut argv = std::env::args_os();
    if argv
        .next()
        .is_some_and(|a0| heapscope::pprof_cli::invoked_as_pprof(&a0))
    {
        let args: Vec<String> = argv.map(|a| a.to_string_lossy().into_owned()).collect();
        return exit(app::pprof::run(&args));
    }
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            if e.use_stderr() {
                let args: Vec<String> = std::env::args_os()
                    .skip(1)
                    .map(|a| a.to_string_lossy().into_owned())
                    .collect();
                if let Some(hint) = cli::pprof_hint(&args) {
                    eprintln!("heapscope: {hint}");
                    return ExitCode::from(2);
                }
            }
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    exit(match cli.command {
        Command::Completions(a) => completions(a),
        Command::Man(a) => man(a),
        command => cli::run(command),
    })
}

fn exit(r: anyhow::Result<Outcome>) -> ExitCode {
    match r {
        Ok(Outcome::Ok) => ExitCode::SUCCESS,
        Ok(Outcome::Violation) => ExitCode::from(1),
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("heapscope: {e:#}");
            ExitCode::from(2)
        }
    }
}
