//! `nextseat roles [ROLE]`: the role reference.

use crate::error::CliError;
use crate::io::{Output, load_kb};
use clap::ValueEnum;
use nextseat_report::{json, roles};
use std::path::Path;

/// Formats for the role reference.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum RolesFormat {
    /// Readable text.
    Text,
    /// The knowledge base's role entries as JSON.
    Json,
}

const AFTER: &str = "Examples:
  nextseat roles
  nextseat roles implementer
  nextseat roles --format json";

/// Arguments of `roles`.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER)]
pub struct Args {
    /// Show only this role (ceo, cso, coo, chief_of_staff, implementer).
    pub role: Option<String>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = RolesFormat::Text)]
    pub format: RolesFormat,
}

/// Runs `roles`.
pub fn run(args: Args, kb_path: Option<&Path>) -> Result<(), CliError> {
    let only = args.role.as_deref().map(super::parse_role).transpose()?;
    let kb = load_kb(kb_path)?;
    let text = match args.format {
        RolesFormat::Text => roles::roles_text(&kb, only),
        RolesFormat::Json => {
            let list: Vec<_> = kb
                .roles
                .iter()
                .filter(|r| only.is_none_or(|x| x == r.id))
                .collect();
            json::to_json(&list)
        }
    };
    Output::Stdout.write(&text)
}
