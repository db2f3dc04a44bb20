//! `nextseat batch INPUT -o OUTPUT`: many profiles in, one result per row out.
//!
//! The arguments become a [`plan::Plan`]; the [`source`] reads the input into chunks of
//! rows (refusing binary data, over-long records and unclosed quotes); the [`pipeline`]
//! hands the chunks to `--jobs` [`rows`] workers and the results back in input order;
//! [`output`] serialises them; and the output goes through the one `-o` sink
//! ([`crate::io::Sink`]), so an interrupted or failed batch leaves the target as it was.

mod output;
mod pipeline;
mod plan;
mod rows;
mod source;

use crate::error::CliError;
use crate::io::{Sink, load_kb};
use crate::reader::ReaderOptions;
use clap::ValueEnum;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

/// Batch file formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum BatchFormat {
    /// Comma-separated values with a header row.
    Csv,
    /// One JSON document per line.
    Jsonl,
}

const AFTER: &str = "Formats follow the file extensions (.csv, .jsonl or .ndjson); - reads stdin or
writes stdout (CSV unless --from/--to say otherwise).

CSV input: a header row naming any of the profile's keys without their table
(name, annual_revenue_usd, employees, industry, operational_intensity, market, growth,
current_roles, ceo_experience_years, ceo_strengths, ceo_gaps, ceo_plans_to_step_down,
retain_key_executive, signs, events, budget, narrative); lists are separated by ;.
Only employees is required. JSONL input: one profile JSON per line.

CSV output: row, name, primary, cso, coo, chief_of_staff, implementer, coo_archetype,
error. JSONL output: one assessment JSON per line with row and error added.

A bad row gets its error and the batch goes on. The summary on stderr counts good and
bad rows; the exit code is 2 if any row was bad. The output file is written under a
temporary name and renamed into place at the end, so it is never left half written
(a symbolic link is followed and kept; a pipe or device is written directly).

Limits: a CSV record or JSONL line may be at most 1 MiB (a longer JSONL line is a bad
row; a longer CSV record, or a quote that is never closed, stops the batch naming the
line it starts on). Input with a NUL byte is refused as binary.

Narratives are read by meaning when the text model is installed (see nextseat
--help), which costs some milliseconds a row; --reader phrases reads them by the
knowledge base's phrases only, at full speed.

Examples:
  nextseat batch clients.csv -o scored.csv
  nextseat --reader phrases batch big.csv -o scored.csv
  nextseat batch clients.jsonl -o scored.jsonl --jobs 2
  nextseat batch clients.csv -o - --quiet | column -s, -t";

/// Arguments of `batch`.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER)]
pub struct Args {
    /// The profiles: a .csv or .jsonl file (- for stdin).
    #[arg(value_name = "INPUT")]
    pub input: PathBuf,
    /// Where the results go: a .csv or .jsonl file (- for stdout).
    #[arg(long, short = 'o', value_name = "OUTPUT")]
    pub output: PathBuf,
    /// The input format, when the extension does not say.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub from: Option<BatchFormat>,
    /// The output format, when the extension does not say.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub to: Option<BatchFormat>,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub jobs: Option<u16>,
    /// No progress bar (it is also hidden when stderr is not a terminal).
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Say on stderr, before the first row, how many workers run and where the output
    /// is written until it is complete.
    #[arg(long, short = 'v')]
    pub verbose: bool,
}

/// Runs `batch`.
pub fn run(args: Args, kb_path: Option<&Path>, reader: &ReaderOptions) -> Result<(), CliError> {
    let plan = plan::Plan::new(args)?;
    let kb = load_kb(kb_path)?;
    let (mut source, size) = source::Source::open(&plan.input, plan.from)?;
    let origin = source.origin().to_string();
    let columns = source.columns();
    let kind = source.kind();
    // Narratives are read by meaning when the text model is installed: some milliseconds
    // a row (BENCHMARKS.md); `--reader phrases` keeps a large batch at phrase speed. CEO
    // tags no word recognises are read by meaning too (each distinct tag once).
    if columns.as_ref().is_none_or(|c| {
        ["narrative", "ceo_strengths", "ceo_gaps"]
            .iter()
            .any(|k| c.position(k).is_some())
    }) {
        crate::reader::prepare(&kb, reader)?;
    }
    let interrupted = interrupt_flag();
    let mut sink = Sink::create(&plan.output)?;
    sink.write(&output::header(plan.to))?;
    if plan.verbose {
        eprintln!(
            "batch: {} worker(s); writing to {}, renamed to {} when every row is in",
            plan.jobs,
            sink.staging(),
            sink.name()
        );
    }
    let written = Arc::new(AtomicU64::new(0));
    let progress = progress_bar(plan.quiet, size, &written);
    let started = Instant::now();
    let (mut rows, mut bad) = (0u64, 0u64);
    let to = plan.to;
    let ran = pipeline::run(
        plan.jobs,
        &interrupted,
        || source::Chunk::new(kind),
        |chunk| source.fill(chunk),
        || {
            let mut worker = rows::Worker::new(&kb, columns.as_deref(), to);
            move |chunk: &mut source::Chunk, results: &mut rows::Results| {
                worker.chunk(chunk, results);
            }
        },
        |chunk, results| {
            sink.write(&results.bytes)?;
            rows += chunk.len as u64;
            bad += results.bad;
            written.store(rows, Ordering::Relaxed);
            progress.set_position(chunk.end_byte);
            Ok::<(), CliError>(())
        },
    );
    progress.finish_and_clear();
    match ran {
        Ok(()) => {}
        Err(pipeline::Failure::Read(e)) => return Err(e.into_cli(&origin)),
        Err(pipeline::Failure::Write(e)) => return Err(e),
        Err(pipeline::Failure::Thread(e)) => return Err(CliError::Failed(e)),
    }
    if interrupted.load(Ordering::Relaxed) {
        return Err(CliError::Failed(format!(
            "interrupted after {}; {} was not written",
            nextseat_report::count(rows, "row", "rows"),
            sink.name()
        )));
    }
    let name = sink.name();
    sink.commit()?;

    if columns
        .as_ref()
        .is_none_or(|c| c.position("narrative").is_some())
    {
        eprintln!(
            "batch: signs read from narratives were counted without anyone confirming them (as assess does); give confirmed signs in situation.narrative_signs (JSONL) or signs to count only those"
        );
    }
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "batch: {}: {} assessed, {bad} with errors{}; wrote {name} in {secs:.2} s ({:.0} rows/s)",
        nextseat_report::count(rows, "row", "rows"),
        rows - bad,
        if bad > 0 {
            " (see their error column)"
        } else {
            ""
        },
        rows as f64 / secs.max(1e-6)
    );
    if bad > 0 {
        return Err(CliError::BadRows {
            bad,
            rows,
            output: name,
        });
    }
    Ok(())
}

/// Set by Ctrl-C (or SIGTERM): the reader stops, nothing more is written, and the
/// temporary output is removed. If a handler cannot be installed (one already is), the
/// default behaviour applies: the process ends and the target is still untouched.
fn interrupt_flag() -> Arc<AtomicBool> {
    static FLAG: std::sync::OnceLock<Arc<AtomicBool>> = std::sync::OnceLock::new();
    Arc::clone(FLAG.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        let f = Arc::clone(&flag);
        // Failure to install leaves the default signal behaviour, which is still safe.
        let _ = ctrlc::set_handler(move || f.store(true, Ordering::Relaxed));
        flag
    }))
}

/// The progress bar: the input's bytes as the bar and ETA, and the rows written so far
/// (read from `rows` at each draw, so the count always matches the bar it sits beside).
fn progress_bar(quiet: bool, size: Option<u64>, rows: &Arc<AtomicU64>) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = match size {
        Some(n) => ProgressBar::with_draw_target(Some(n), ProgressDrawTarget::stderr()),
        None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
    };
    let template = if size.is_some() {
        "{spinner} [{elapsed_precise}] [{wide_bar}] {percent:>3}%  {rows}  ETA {eta}"
    } else {
        "{spinner} [{elapsed_precise}] {rows}"
    };
    let rows = Arc::clone(rows);
    let count = move |state: &ProgressState, w: &mut dyn std::fmt::Write| {
        let n = rows.load(Ordering::Relaxed);
        let secs = state.elapsed().as_secs_f64().max(1e-3);
        let _ = write!(w, "{n} rows · {:.0} rows/s", n as f64 / secs);
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.with_key("rows", count).progress_chars("=> "));
    }
    bar
}
