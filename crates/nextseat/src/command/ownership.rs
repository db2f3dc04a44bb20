//! `nextseat ownership FILE`: who owns what, who should, and what it says about the seats.

use crate::error::CliError;
use crate::io::{Output, load_kb, read_text};
use crate::reader::ReaderOptions;
use clap::ValueEnum;
use nextseat_core::KnowledgeBase;
use nextseat_core::ownership::{OwnershipAudit, audit, parse_csv};
use nextseat_report::{json, ownership::ownership_text};
use std::path::{Path, PathBuf};

/// Formats for an audit.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum OwnershipFormat {
    /// Readable text.
    Text,
    /// The contract's JSON.
    Json,
}

const AFTER: &str = "The CSV has the header responsibility,owner_role and one row per owner; an
empty owner means nobody owns it. Owners are role ids (ceo, cso, coo, chief_of_staff,
implementer).

  responsibility,owner_role
  Write standard operating procedures,ceo
  Weekly sales pipeline review,ceo
  Weekly sales pipeline review,cso
  Quarterly product launch,

Examples:
  nextseat ownership examples/acme-ownership.csv
  nextseat ownership examples/acme-ownership.csv --format json
  nextseat assess examples/acme-logistics.toml --ownership examples/acme-ownership.csv";

/// Arguments of `ownership`.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER)]
pub struct Args {
    /// The responsibilities CSV (- for stdin).
    pub file: PathBuf,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = OwnershipFormat::Text)]
    pub format: OwnershipFormat,
}

/// Reads and audits an ownership CSV.
pub fn load(path: &Path, kb: &KnowledgeBase) -> Result<OwnershipAudit, CliError> {
    let input = read_text(path)?;
    let rows = parse_csv(&input.text, kb).map_err(|diags| CliError::Invalid {
        origin: input.origin.clone(),
        diags,
    })?;
    Ok(audit(kb, &rows))
}

/// Runs `ownership`.
pub fn run(args: Args, kb_path: Option<&Path>, reader: &ReaderOptions) -> Result<(), CliError> {
    let kb = load_kb(kb_path)?;
    crate::reader::prepare(&kb, reader)?;
    let a = load(&args.file, &kb)?;
    let text = match args.format {
        OwnershipFormat::Text => ownership_text(&kb, &a),
        OwnershipFormat::Json => json::to_json(&a),
    };
    Output::Stdout.write(&text)
}
