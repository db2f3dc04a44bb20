//! `nextseat`: which leadership seat should a growing company fill next?
//!
//! The binary is glue: it parses the command line, runs one subcommand (one file each
//! under `command/`), renders an error once, and exits 0 (success), 2 (invalid input) or
//! 1 (anything else), as the contract says.
#![forbid(unsafe_code)]

mod cli;
mod command;
mod error;
mod io;
mod reader;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match command::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let msg = e.to_string();
            for line in msg.lines() {
                eprintln!("error: {line}");
            }
            ExitCode::from(e.exit_code())
        }
    }
}
