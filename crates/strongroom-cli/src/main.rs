//! The `strongroom` command line: every core operation under the AWS KMS CLI's command and flag
//! names, plus streaming file encryption, a quickstart and shell completions. It only
//! translates; every rule lives in the `strongroom` core crate. See docs/cli.md.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod access;
mod args;
mod asymmetric;
mod audit;
mod client;
mod commands;
mod errors;
mod file_crypt;
mod file_io;
mod iam;
mod input;
mod last_usage;
mod output;
mod paginate;
mod quickstart;
mod render;
mod secrets;
mod seed;
mod serve;
mod unlock;

use clap::{CommandFactory, Parser};
use errors::{CliError, EXIT_INTERNAL};
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    // A bug must still end in one line on stderr, never a backtrace.
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        eprintln!("error: internal: {msg}\nhint: this is a bug in strongroom; please report it");
    }));
    match std::panic::catch_unwind(run) {
        Ok(code) => code,
        Err(_) => ExitCode::from(EXIT_INTERNAL as u8),
    }
}

fn run() -> ExitCode {
    let cli =
        match args::Cli::try_parse_from(args::without_kms_prefix(std::env::args_os().collect())) {
            Ok(cli) => cli,
            Err(e) => {
                // clap prints help/version to stdout (exit 0) and usage errors to stderr (exit 2).
                let _ = e.print();
                return ExitCode::from(e.exit_code() as u8);
            }
        };
    if let args::Command::Completion { shell } = cli.command {
        clap_complete::generate(
            shell,
            &mut args::Cli::command(),
            "strongroom",
            &mut std::io::stdout(),
        );
        return ExitCode::SUCCESS;
    }
    input::set_binary_format(cli.global.cli_binary_format);
    let operation = cli.command.operation();
    if cli.global.debug && cli.global.endpoint_url.is_none() {
        match unlock::keystore_path(&cli.global) {
            Ok(p) => eprintln!("debug: operation {operation}, keystore {}", p.display()),
            Err(_) => eprintln!("debug: operation {operation}, no keystore path"),
        }
    }
    let result = commands::run(&cli).and_then(|value| {
        let text = output::render(
            value,
            cli.global.query.as_deref(),
            cli.global.output,
            operation,
        )?;
        let mut out = std::io::stdout().lock();
        out.write_all(text.as_bytes())
            .and_then(|()| out.flush())
            .map_err(|e| CliError::io("standard output", e))
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if cli.global.debug {
                eprintln!(
                    "debug: SPEC error class {}, exit {}",
                    e.class(),
                    e.exit_code()
                );
            }
            let secrets = matches!(cli.command, args::Command::Secretsmanager(_));
            eprintln!("{}", e.report_for(operation, secrets));
            ExitCode::from(e.exit_code() as u8)
        }
    }
}
