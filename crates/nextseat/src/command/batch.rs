//! `nextseat batch INPUT -o OUTPUT`: many profiles in, one result per row out.
//!
//! A pipeline of plain threads with bounded channels between the stages: a reader splits
//! the input into numbered chunks of rows, `--jobs` workers take chunk after chunk from
//! one shared queue (whichever is free takes the next), and the calling thread writes
//! the results, putting them back in input order. A chunk's row buffers return to the
//! reader only once its results are written, and the reader makes a fixed number of
//! them, so the chunks read and not yet written are bounded and memory stays flat
//! however long the input is. The output goes to a temporary file beside the target,
//! renamed into place only once every row is written; an interrupted batch (Ctrl-C, a
//! failed disk) leaves the target as it was.

use crate::error::CliError;
use crate::io::{load_kb, staging_file};
use clap::ValueEnum;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use nextseat_core::batch::{Columns, OUTPUT_COLUMNS, Summary, push_csv_line, row_error};
use nextseat_core::engine::Assessor;
use nextseat_core::{Assessment, Format, KnowledgeBase, Profile};
use serde::Serialize;
use std::io::{BufRead, BufReader, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};
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
temporary name and renamed into place at the end, so it is never left half written.

Examples:
  nextseat batch clients.csv -o scored.csv
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

/// Rows per chunk: large enough that channel traffic is noise, small enough that the
/// progress bar moves smoothly and the chunks in flight stay a few hundred kilobytes.
const CHUNK_ROWS: usize = 512;
/// Longest accepted JSONL line (one profile).
const MAX_LINE: usize = 1024 * 1024;

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

/// Input rows as read, in buffers that travel back to the reader to be refilled.
enum Rows {
    Csv(Vec<csv::ByteRecord>),
    Json(Vec<Vec<u8>>),
}

/// Rows for one worker: the first `len` entries of `rows` (the rest are spare buffers).
struct Chunk {
    /// The chunk's place in the input: 0, 1, 2, ...
    seq: u64,
    first_row: u64,
    rows: Rows,
    len: usize,
    /// Input bytes consumed up to the end of this chunk (for the progress bar).
    end_byte: u64,
}

/// What a worker made of a chunk, with the chunk's row buffers to hand back.
struct Done {
    seq: u64,
    bytes: Vec<u8>,
    rows: u64,
    bad: u64,
    end_byte: u64,
    buffers: Rows,
}

/// Runs `batch`.
pub fn run(args: Args, kb_path: Option<&Path>) -> Result<(), CliError> {
    if args.output.is_dir() {
        return Err(CliError::Usage(format!(
            "the output {} is a folder: name a file in it, e.g. {}",
            args.output.display(),
            args.output.join("scored.csv").display()
        )));
    }
    let from = format_of(&args.input, args.from, "input")?;
    let to = format_of(&args.output, args.to, "output")?;
    if args.input != Path::new("-") && same_file(&args.input, &args.output) {
        return Err(CliError::Usage(format!(
            "the output {} is the input: write the results to another file",
            args.output.display()
        )));
    }
    let kb = Arc::new(load_kb(kb_path)?);
    let origin = if args.input == Path::new("-") {
        "<stdin>".to_string()
    } else {
        args.input.display().to_string()
    };
    let (source, size) = open_input(&args.input, &origin)?;
    let jobs = args.jobs.map_or_else(
        || std::thread::available_parallelism().map_or(1, usize::from),
        usize::from,
    );

    // The header is checked before anything is written: a wrong column would misread
    // every row.
    let mut input = match from {
        BatchFormat::Csv => {
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(source);
            let mut header = csv::ByteRecord::new();
            let columns = match reader.read_byte_record(&mut header) {
                Ok(true) => {
                    let names: Vec<&str> = header
                        .iter()
                        .map(|f| std::str::from_utf8(f).unwrap_or("\u{fffd}"))
                        .collect();
                    Columns::from_header(names).map_err(|diags| CliError::Invalid {
                        origin: origin.clone(),
                        diags,
                    })?
                }
                Ok(false) => {
                    return Err(CliError::Input {
                        origin,
                        message: "is empty: a CSV batch starts with a header row naming its columns (employees at least)".into(),
                    });
                }
                Err(e) => return Err(read_error(&origin, &e.to_string())),
            };
            Source::Csv(Box::new(reader), Arc::new(columns))
        }
        BatchFormat::Jsonl => Source::Jsonl(BufReader::with_capacity(256 * 1024, source), 0),
    };

    let interrupted = interrupt_flag();
    let mut sink = Sink::create(&args.output)?;
    if to == BatchFormat::Csv {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(OUTPUT_COLUMNS)
            .map_err(|e| sink.fail(std::io::Error::other(e)))?;
        let head = w
            .into_inner()
            .map_err(|e| sink.fail(std::io::Error::other(e.to_string())))?;
        sink.write(&head)?;
    }

    if args.verbose {
        eprintln!(
            "batch: {jobs} worker(s); writing to {}, renamed to {} when every row is in",
            sink.staging(),
            sink.name()
        );
    }
    let written = Arc::new(AtomicU64::new(0));
    let progress = progress_bar(args.quiet, size, &written);
    let started = Instant::now();
    let mut rows = 0u64;
    let mut bad = 0u64;
    let read_result = std::thread::scope(|scope| -> Result<(), CliError> {
        // Chunks read and not yet written: each holds one set of row buffers, and the
        // reader makes no more sets than this.
        let slots = 2 * jobs + 2;
        let (to_workers, chunks) = sync_channel::<Chunk>(jobs);
        let chunks = Arc::new(Mutex::new(chunks));
        let (done, from_workers) = sync_channel::<Done>(slots);
        // Written chunks' row buffers go back to the reader, and their output buffers
        // to the workers: after the first few chunks, nothing is allocated per row.
        let (rows_back, spare_rows) = sync_channel::<Rows>(slots);
        let (bytes_back, spare_bytes) = sync_channel::<Vec<u8>>(slots + jobs);
        let spare_bytes = Arc::new(Mutex::new(spare_bytes));
        for w in 0..jobs {
            let kb = Arc::clone(&kb);
            let columns = input.columns();
            let worker = Worker {
                chunks: Arc::clone(&chunks),
                done: done.clone(),
                spare_bytes: Arc::clone(&spare_bytes),
            };
            std::thread::Builder::new()
                .name(format!("batch-worker-{w}"))
                .spawn_scoped(scope, move || worker.run(&kb, columns.as_deref(), to))
                .map_err(|e| CliError::Failed(format!("cannot start a worker thread: {e}")))?;
        }
        drop(done);
        let stop = &interrupted;
        let reader = std::thread::Builder::new()
            .name("batch-reader".into())
            .spawn_scoped(scope, move || {
                input.read_all(&to_workers, spare_rows, slots, stop)
            })
            .map_err(|e| CliError::Failed(format!("cannot start the reader thread: {e}")))?;
        // Results arrive in whatever order the workers finish; they are written in
        // input order. The queue ends when every worker has stopped, which they do
        // once the reader is done.
        let mut failure = None;
        let mut waiting: Vec<Done> = Vec::with_capacity(slots);
        let mut next = 0u64;
        for result in from_workers.iter() {
            waiting.push(result);
            while let Some(i) = waiting.iter().position(|d| d.seq == next) {
                let mut done = waiting.swap_remove(i);
                next += 1;
                if failure.is_none()
                    && let Err(e) = sink.write(&done.bytes)
                {
                    failure = Some(e);
                    interrupted.store(true, Ordering::Relaxed);
                }
                rows += done.rows;
                bad += done.bad;
                written.store(rows, Ordering::Relaxed);
                progress.set_position(done.end_byte);
                done.bytes.clear();
                // Neither queue can be full: each holds at most the buffers in flight.
                let _ = bytes_back.try_send(done.bytes);
                let _ = rows_back.try_send(done.buffers);
            }
        }
        // No more buffers will come back: a reader still waiting for one (only if a
        // worker died with a chunk) stops instead of waiting forever.
        drop(rows_back);
        let read = reader
            .join()
            .unwrap_or_else(|_| Err("the reader thread failed".to_string()));
        match failure {
            Some(e) => Err(e),
            None => read.map_err(|message| read_error(&origin, &message)),
        }
    });
    progress.finish_and_clear();
    read_result?;
    if interrupted.load(Ordering::Relaxed) {
        return Err(CliError::Failed(format!(
            "interrupted after {rows} rows; {} was not written",
            sink.name()
        )));
    }
    let name = sink.name();
    sink.commit()?;

    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "batch: {rows} rows: {} assessed, {bad} with errors{}; wrote {name} in {secs:.2} s ({:.0} rows/s)",
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

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

fn read_error(origin: &str, message: &str) -> CliError {
    CliError::Input {
        origin: origin.to_string(),
        message: format!("cannot be read ({message})"),
    }
}

fn open_input(path: &Path, origin: &str) -> Result<(Box<dyn Read + Send>, Option<u64>), CliError> {
    if path == Path::new("-") {
        return Ok((Box::new(std::io::stdin()), None));
    }
    if path.is_dir() {
        return Err(CliError::Input {
            origin: origin.to_string(),
            message: "is a directory, not a file".into(),
        });
    }
    let file = std::fs::File::open(path).map_err(|e| CliError::Input {
        origin: origin.to_string(),
        message: match e.kind() {
            std::io::ErrorKind::NotFound => "no such file".into(),
            std::io::ErrorKind::PermissionDenied => "permission denied".into(),
            _ => format!("cannot be read ({e})"),
        },
    })?;
    let size = file.metadata().ok().map(|m| m.len());
    Ok((Box::new(file), size))
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

/// The input, past its header.
enum Source {
    Csv(Box<csv::Reader<Box<dyn Read + Send>>>, Arc<Columns>),
    Jsonl(BufReader<Box<dyn Read + Send>>, u64),
}

impl Source {
    fn columns(&self) -> Option<Arc<Columns>> {
        match self {
            Source::Csv(_, c) => Some(Arc::clone(c)),
            Source::Jsonl(..) => None,
        }
    }

    /// Reads every row into chunks for the workers, refilling the row buffers that come
    /// back on `spare` once a chunk is written; at most `slots` sets of buffers are
    /// made. Stops early when `stop` is set or the workers are gone. Dropping the
    /// sender (on return) closes the workers' queue.
    fn read_all(
        &mut self,
        workers: &SyncSender<Chunk>,
        spare: Receiver<Rows>,
        slots: usize,
        stop: &AtomicBool,
    ) -> Result<(), String> {
        let mut next_row = 1u64;
        let mut made = 0;
        for seq in 0.. {
            if stop.load(Ordering::Relaxed) {
                return Ok(());
            }
            let mut rows = match spare.try_recv() {
                Ok(rows) => rows,
                Err(_) if made < slots => {
                    made += 1;
                    self.new_rows()
                }
                // Every set is in flight: wait for the oldest chunk to be written.
                Err(_) => match spare.recv() {
                    Ok(rows) => rows,
                    Err(_) => return Ok(()),
                },
            };
            let (len, end_byte) = self.fill(&mut rows)?;
            if len == 0 {
                return Ok(());
            }
            let first_row = next_row;
            next_row += len as u64;
            let chunk = Chunk {
                seq,
                first_row,
                rows,
                len,
                end_byte,
            };
            if workers.send(chunk).is_err() {
                return Ok(());
            }
        }
        Ok(())
    }

    fn new_rows(&self) -> Rows {
        match self {
            Source::Csv(..) => Rows::Csv(Vec::with_capacity(CHUNK_ROWS)),
            Source::Jsonl(..) => Rows::Json(Vec::with_capacity(CHUNK_ROWS)),
        }
    }

    /// Reads up to a chunk of rows into `rows`, reusing the buffers already there;
    /// returns how many rows were read and the input offset reached.
    fn fill(&mut self, rows: &mut Rows) -> Result<(usize, u64), String> {
        match (self, rows) {
            (Source::Csv(reader, _), Rows::Csv(records)) => {
                let mut len = 0;
                while len < CHUNK_ROWS {
                    if len == records.len() {
                        records.push(csv::ByteRecord::new());
                    }
                    match reader.read_byte_record(&mut records[len]) {
                        Ok(true) => len += 1,
                        Ok(false) => break,
                        Err(e) => return Err(e.to_string()),
                    }
                }
                Ok((len, reader.position().byte()))
            }
            (Source::Jsonl(reader, offset), Rows::Json(lines)) => {
                let mut len = 0;
                while len < CHUNK_ROWS {
                    if len == lines.len() {
                        lines.push(Vec::new());
                    }
                    let line = &mut lines[len];
                    line.clear();
                    let n = reader
                        .by_ref()
                        .take(MAX_LINE as u64 + 1)
                        .read_until(b'\n', line)
                        .map_err(|e| e.to_string())?;
                    if n == 0 {
                        break;
                    }
                    *offset += n as u64;
                    if line.len() > MAX_LINE && line.last() != Some(&b'\n') {
                        // Skip the rest of an oversized line; it becomes a bad row.
                        let mut rest = Vec::new();
                        let skipped = reader
                            .read_until(b'\n', &mut rest)
                            .map_err(|e| e.to_string())?;
                        *offset += skipped as u64;
                    }
                    if !line.iter().all(u8::is_ascii_whitespace) {
                        len += 1;
                    }
                }
                Ok((len, *offset))
            }
            (source, rows) => {
                // A buffer of the other kind cannot come back; start a fresh one.
                *rows = source.new_rows();
                source.fill(rows)
            }
        }
    }
}

/// A worker's ends of the pipeline.
struct Worker {
    /// The queue every worker takes chunks from.
    chunks: Arc<Mutex<Receiver<Chunk>>>,
    done: SyncSender<Done>,
    spare_bytes: Arc<Mutex<Receiver<Vec<u8>>>>,
}

impl Worker {
    /// Assesses chunk after chunk until the queue closes.
    fn run(self, kb: &KnowledgeBase, columns: Option<&Columns>, to: BatchFormat) {
        let mut assessor = Assessor::new(kb);
        let mut profile = Profile::with_employees(1);
        // The record being assessed is swapped out of its chunk and back, so that
        // turning it into a StringRecord (one UTF-8 check) needs no copy.
        let mut hole = csv::ByteRecord::new();
        loop {
            // A worker that panicked while holding a lock ends the batch.
            let next = match self.chunks.lock() {
                Ok(queue) => queue.recv(),
                Err(_) => return,
            };
            let Ok(mut chunk) = next else {
                return;
            };
            let buffer = match self.spare_bytes.lock() {
                Ok(spare) => spare.try_recv().unwrap_or_default(),
                Err(_) => return,
            };
            let mut out = Output::new(to, buffer);
            let mut bad = 0;
            for i in 0..chunk.len {
                let row = chunk.first_row + i as u64;
                let outcome = match (&mut chunk.rows, columns) {
                    (Rows::Csv(records), Some(cols)) => {
                        std::mem::swap(&mut records[i], &mut hole);
                        let (outcome, back) =
                            csv_row(&mut assessor, &mut profile, kb, cols, hole, to);
                        hole = back;
                        std::mem::swap(&mut records[i], &mut hole);
                        outcome
                    }
                    (Rows::Json(lines), _) => {
                        json_row(&mut assessor, &mut profile, kb, &lines[i], to)
                    }
                    (Rows::Csv(_), None) => Outcome::Bad("a CSV row without a header".into(), None),
                };
                let name = match &outcome {
                    Outcome::Bad(_, name) => name.as_deref(),
                    _ => profile.company.name.as_deref(),
                };
                if matches!(outcome, Outcome::Bad(..)) {
                    bad += 1;
                }
                out.push(row, name, &outcome);
            }
            let finished = Done {
                seq: chunk.seq,
                bytes: out.finish(),
                rows: chunk.len as u64,
                bad,
                end_byte: chunk.end_byte,
                buffers: chunk.rows,
            };
            if self.done.send(finished).is_err() {
                return;
            }
        }
    }
}

/// What one row came to.
enum Outcome<'kb> {
    /// The flat numbers (CSV output).
    Summary(Summary<'kb>),
    /// The whole assessment (JSONL output).
    Full(Box<Assessment>),
    /// Why the row has no result, and its name when it has one.
    Bad(String, Option<String>),
}

fn assess_row<'kb>(
    assessor: &mut Assessor<'kb>,
    profile: &Profile,
    to: BatchFormat,
) -> Outcome<'kb> {
    match to {
        BatchFormat::Csv => Outcome::Summary(assessor.summary(profile)),
        BatchFormat::Jsonl => Outcome::Full(Box::new(assessor.assess(profile, &[]))),
    }
}

/// One CSV row: what it came to, and the record's buffer back. `profile` is the
/// worker's reused profile; for a good row it holds the row afterwards.
fn csv_row<'kb>(
    assessor: &mut Assessor<'kb>,
    profile: &mut Profile,
    kb: &KnowledgeBase,
    cols: &Columns,
    record: csv::ByteRecord,
    to: BatchFormat,
) -> (Outcome<'kb>, csv::ByteRecord) {
    // One UTF-8 check for the whole record; then every field is text.
    let text = match csv::StringRecord::from_byte_record(record) {
        Ok(text) => text,
        Err(e) => {
            let record = e.into_byte_record();
            let bad = Outcome::Bad(row_error(&cols.not_utf8(&record)), cols.raw_name(&record));
            return (bad, record);
        }
    };
    let outcome = match cols.fill(profile, &text, kb) {
        Ok(()) => assess_row(assessor, profile, to),
        Err(d) => Outcome::Bad(row_error(&d), cols.raw_name(text.as_byte_record())),
    };
    (outcome, text.into_byte_record())
}

/// One JSONL row.
fn json_row<'kb>(
    assessor: &mut Assessor<'kb>,
    profile: &mut Profile,
    kb: &KnowledgeBase,
    line: &[u8],
    to: BatchFormat,
) -> Outcome<'kb> {
    match json_profile(kb, line) {
        Ok(p) => {
            *profile = p;
            assess_row(assessor, profile, to)
        }
        Err(e) => Outcome::Bad(e, None),
    }
}

fn json_profile(kb: &KnowledgeBase, line: &[u8]) -> Result<Profile, String> {
    if line.len() > MAX_LINE {
        return Err(format!("the line is longer than {} KiB", MAX_LINE / 1024));
    }
    let text = std::str::from_utf8(line).map_err(|e| {
        format!(
            "is not UTF-8 text (invalid byte at offset {})",
            e.valid_up_to()
        )
    })?;
    Profile::parse(text, Format::Json, kb).map_err(|d| row_error(&d))
}

/// A chunk's results, serialised.
enum Output {
    Csv(Vec<u8>),
    Jsonl(Vec<u8>),
}

/// One JSONL result line: the assessment with `row` and `error` added.
#[derive(Serialize)]
struct JsonLine<'a> {
    row: u64,
    error: Option<&'a str>,
    #[serde(flatten)]
    result: Option<&'a Assessment>,
}

impl Output {
    /// Output into `buffer` (empty, but perhaps with capacity from an earlier chunk).
    fn new(to: BatchFormat, buffer: Vec<u8>) -> Output {
        match to {
            BatchFormat::Csv => Output::Csv(buffer),
            BatchFormat::Jsonl => Output::Jsonl(buffer),
        }
    }

    fn push(&mut self, row: u64, name: Option<&str>, outcome: &Outcome<'_>) {
        match self {
            Output::Csv(buf) => {
                let full;
                let (summary, error) = match outcome {
                    Outcome::Summary(s) => (Some(s), ""),
                    Outcome::Full(a) => {
                        full = Summary::of(a);
                        (Some(&full), "")
                    }
                    Outcome::Bad(e, _) => (None, e.as_str()),
                };
                push_csv_line(buf, row, name, summary, error);
            }
            Output::Jsonl(buf) => {
                let (result, error) = match outcome {
                    Outcome::Full(a) => (Some(&**a), None),
                    Outcome::Bad(e, _) => (None, Some(e.as_str())),
                    Outcome::Summary(_) => (None, None),
                };
                // Serialising plain data into a Vec cannot fail.
                let _ = serde_json::to_writer(&mut *buf, &JsonLine { row, error, result });
                buf.push(b'\n');
            }
        }
    }

    fn finish(self) -> Vec<u8> {
        match self {
            Output::Csv(buf) | Output::Jsonl(buf) => buf,
        }
    }
}

/// Where the results go: a temporary file renamed into place at the end, or stdout.
enum Sink {
    File {
        target: PathBuf,
        tmp: BufWriter<tempfile::NamedTempFile>,
    },
    Stdout(BufWriter<std::io::Stdout>),
}

impl Sink {
    fn create(target: &Path) -> Result<Sink, CliError> {
        if target == Path::new("-") {
            return Ok(Sink::Stdout(BufWriter::new(std::io::stdout())));
        }
        let tmp = staging_file(target, ".nextseat-batch-").map_err(|source| CliError::Write {
            path: target.to_path_buf(),
            source,
        })?;
        Ok(Sink::File {
            target: target.to_path_buf(),
            tmp: BufWriter::with_capacity(256 * 1024, tmp),
        })
    }

    fn name(&self) -> String {
        match self {
            Sink::File { target, .. } => target.display().to_string(),
            Sink::Stdout(_) => "<stdout>".into(),
        }
    }

    /// Where the output is written until it is complete.
    fn staging(&self) -> String {
        match self {
            Sink::File { tmp, .. } => tmp.get_ref().path().display().to_string(),
            Sink::Stdout(_) => "<stdout>".into(),
        }
    }

    fn fail(&self, source: std::io::Error) -> CliError {
        CliError::Write {
            path: PathBuf::from(self.name()),
            source,
        }
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), CliError> {
        let r = match self {
            Sink::File { tmp, .. } => tmp.write_all(bytes),
            Sink::Stdout(out) => out.write_all(bytes),
        };
        r.map_err(|e| self.fail(e))
    }

    /// Flushes, syncs and renames the temporary file into place.
    fn commit(self) -> Result<(), CliError> {
        match self {
            Sink::Stdout(mut out) => match out.flush() {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(CliError::Write {
                    path: PathBuf::from("<stdout>"),
                    source: e,
                }),
                _ => Ok(()),
            },
            Sink::File { target, tmp } => {
                let err = |source| CliError::Write {
                    path: target.clone(),
                    source,
                };
                let tmp = tmp.into_inner().map_err(|e| err(e.into_error()))?;
                tmp.as_file().sync_all().map_err(err)?;
                tmp.persist(&target).map_err(|e| err(e.error))?;
                Ok(())
            }
        }
    }
}
