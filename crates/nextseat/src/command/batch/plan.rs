//! The batch's arguments resolved into a plan: formats decided, paths checked, workers
//! counted, before any input is read or output made.

use super::{Args, BatchFormat};
use super::{output, source};
use crate::error::CliError;
use std::path::{Path, PathBuf};

/// What a batch will do.
#[derive(Debug)]
pub struct Plan {
    /// The profiles (`-` is stdin).
    pub input: PathBuf,
    /// Their format.
    pub from: source::Kind,
    /// Where the results go (`-` is stdout).
    pub output: PathBuf,
    /// Their format.
    pub to: output::Kind,
    /// Worker threads.
    pub jobs: usize,
    /// No progress bar.
    pub quiet: bool,
    /// Say the workers and the staging file before starting.
    pub verbose: bool,
}

impl Plan {
    /// Resolves the arguments; a usage error (exit 2) for anything that would make the
    /// batch fail after its work was done.
    pub fn new(args: Args) -> Result<Plan, CliError> {
        if args.output.is_dir() {
            return Err(CliError::Usage(format!(
                "the output {} is a folder: name a file in it, e.g. {}",
                args.output.display(),
                args.output.join("scored.csv").display()
            )));
        }
        let from = match format_of(&args.input, args.from, "input")? {
            BatchFormat::Csv => source::Kind::Csv,
            BatchFormat::Jsonl => source::Kind::Jsonl,
        };
        let to = match format_of(&args.output, args.to, "output")? {
            BatchFormat::Csv => output::Kind::Csv,
            BatchFormat::Jsonl => output::Kind::Jsonl,
        };
        if args.input != Path::new("-") && same_file(&args.input, &args.output) {
            return Err(CliError::Usage(format!(
                "the output {} is the input: write the results to another file",
                args.output.display()
            )));
        }
        let jobs = args.jobs.map_or_else(
            || std::thread::available_parallelism().map_or(1, usize::from),
            usize::from,
        );
        Ok(Plan {
            input: args.input,
            from,
            output: args.output,
            to,
            jobs,
            quiet: args.quiet,
            verbose: args.verbose,
        })
    }
}

fn format_of(path: &Path, given: Option<BatchFormat>, what: &str) -> Result<BatchFormat, CliError> {
    if let Some(f) = given {
        return Ok(f);
    }
    if path == Path::new("-") {
        return Ok(BatchFormat::Csv);
    }
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("csv") => Ok(BatchFormat::Csv),
        Some("jsonl" | "ndjson") => Ok(BatchFormat::Jsonl),
        _ => Err(CliError::Usage(format!(
            "cannot tell the {what} format of {}: name it .csv or .jsonl, or say --{} csv|jsonl",
            path.display(),
            if what == "input" { "from" } else { "to" }
        ))),
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
