//! `nextseat assess PROFILE`: the needs assessment, rendered.

use crate::error::CliError;
use crate::io::{Output, load_kb, profile_format, read_text};
use crate::reader::ReaderOptions;
use clap::ValueEnum;
use nextseat_core::assessment::SignHit;
use nextseat_core::engine::assess_with;
use nextseat_core::{KnowledgeBase, Profile};
use nextseat_report::{html, json, markdown, text};
use std::path::{Path, PathBuf};

/// Report formats.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ReportFormat {
    /// A readable report with score bars (colour on a terminal unless NO_COLOR is set).
    Text,
    /// The contract's JSON.
    Json,
    /// Markdown tables, for documents.
    Markdown,
    /// One self-contained, printable HTML page with an SVG chart.
    Html,
    /// The same report as a PDF with selectable text (needs -o FILE).
    Pdf,
}

const AFTER: &str = "The profile is TOML or JSON, chosen by extension; - reads JSON from stdin.
Minimal profile:
  [company]
  employees = 35

Examples:
  nextseat assess examples/acme-logistics.toml
  nextseat assess examples/acme-logistics.toml --format json | jq .primary
  nextseat assess examples/acme-logistics.toml --format html -o report.html
  nextseat assess examples/acme-logistics.toml --format pdf -o report.pdf
  nextseat assess examples/acme-logistics.toml --ownership examples/acme-ownership.csv
  echo '{\"company\":{\"employees\":12}}' | nextseat assess -";

/// Arguments of `assess`.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER)]
pub struct Args {
    /// The company profile (.toml or .json; - for JSON on stdin).
    #[arg(value_name = "PROFILE")]
    pub profile: PathBuf,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// Write to this file (atomically) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Fold in the signs of an ownership audit (CSV responsibility,owner_role).
    #[arg(long, value_name = "CSV")]
    pub ownership: Option<PathBuf>,
}

/// Runs `assess`.
pub fn run(args: Args, kb_path: Option<&Path>, reader: &ReaderOptions) -> Result<(), CliError> {
    let format = profile_format(&args.profile)?;
    let kb = load_kb(kb_path)?;
    let input = read_text(&args.profile)?;
    let profile = Profile::parse(&input.text, format, &kb).map_err(|diags| CliError::Invalid {
        origin: input.origin.clone(),
        diags,
    })?;
    let has_text = profile
        .situation
        .narrative
        .as_deref()
        .is_some_and(|t| !t.trim().is_empty());
    let leadership = &profile.leadership;
    let odd_tags = nextseat_core::text::tags::needs_meaning(&kb, &leadership.ceo_strengths)
        || nextseat_core::text::tags::needs_meaning(&kb, &leadership.ceo_gaps);
    if has_text || odd_tags || args.ownership.is_some() {
        crate::reader::prepare(&kb, reader)?;
    }
    let extra = match &args.ownership {
        Some(path) => super::ownership::load(path, &kb)?.sign_hits(),
        None => Vec::new(),
    };
    report(
        &kb,
        &profile,
        &extra,
        args.format,
        &Output::from_arg(args.output),
    )
}

/// Assesses a validated profile and writes the report in `format` to `out`: the one
/// rendering path for `assess` and `interview`.
pub fn report(
    kb: &KnowledgeBase,
    profile: &Profile,
    extra: &[SignHit],
    format: ReportFormat,
    out: &Output,
) -> Result<(), CliError> {
    if matches!(format, ReportFormat::Pdf) && matches!(out, Output::Stdout) {
        return Err(CliError::Usage(
            "a PDF needs a file: add -o report.pdf".into(),
        ));
    }
    let result = assess_with(kb, profile, extra);
    let rendered = match format {
        ReportFormat::Text => {
            let report = text::render(&result, kb, out.color());
            // On a terminal, long lines wrap at spaces; files and pipes get them whole.
            match out.terminal_width() {
                Some(w) => text::wrap_lines(&report, w),
                None => report,
            }
        }
        ReportFormat::Json => json::to_json(&result),
        ReportFormat::Markdown => markdown::render(&result, kb),
        ReportFormat::Html => html::render(&result, kb, Some(today()), None),
        ReportFormat::Pdf => {
            let pdf = nextseat_pdf::render(&result, kb, Some(today()))
                .map_err(|e| CliError::Failed(e.to_string()))?;
            return out.write_bytes(&pdf);
        }
    };
    out.write(&rendered)
}

/// Today's date for a report, or the day of `SOURCE_DATE_EPOCH` (seconds since the Unix
/// epoch) when it is set, so a report can be reproduced byte for byte.
fn today() -> String {
    let ms = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .map(|s| s.saturating_mul(1000))
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        });
    nextseat_report::view::date_of(ms)
}
