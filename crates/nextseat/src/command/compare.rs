//! `nextseat compare ROLE ROLE`: two roles side by side.

use crate::error::CliError;
use crate::io::{Output, load_kb};
use clap::ValueEnum;
use nextseat_core::compare::compare;
use nextseat_report::{json, roles};
use std::path::Path;

/// Formats for a comparison.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum CompareFormat {
    /// Readable text.
    Text,
    /// JSON rows.
    Json,
    /// A Markdown table.
    Markdown,
}

const AFTER: &str = "Roles: ceo, cso, coo, chief_of_staff, implementer.

Examples:
  nextseat compare cso coo
  nextseat compare coo implementer --format markdown";

/// Arguments of `compare`.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER)]
pub struct Args {
    /// The first role.
    pub left: String,
    /// The second role.
    pub right: String,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = CompareFormat::Text)]
    pub format: CompareFormat,
}

/// Runs `compare`.
pub fn run(args: Args, kb_path: Option<&Path>) -> Result<(), CliError> {
    let left = super::parse_role(&args.left)?;
    let right = super::parse_role(&args.right)?;
    if left == right {
        return Err(CliError::Usage(format!(
            "compare needs two different roles (got \"{left}\" twice)"
        )));
    }
    let kb = load_kb(kb_path)?;
    let c = compare(&kb, left, right);
    let text = match args.format {
        CompareFormat::Text => roles::compare_text(&kb, &c),
        CompareFormat::Json => json::to_json(&c),
        CompareFormat::Markdown => roles::compare_markdown(&kb, &c),
    };
    Output::Stdout.write(&text)
}
