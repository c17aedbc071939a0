//! The `heapscope` binary: parse flags, run, and map the result to an exit
//! code (0 ok, 1 a check was violated, 2 error). A closed stdout (as in
//! `heapscope top big.pb.gz | head`) is not an error.

use clap::Parser;
use heapscope::app::{self, Outcome};
use heapscope::cli::Cli;
use std::process::ExitCode;

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
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
                if let Some(hint) = heapscope::cli::pprof_hint(&args) {
                    eprintln!("heapscope: {hint}");
                    return ExitCode::from(2);
                }
            }
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    exit(app::run(cli.command))
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
