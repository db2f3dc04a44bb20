//! `nextseat fit CANDIDATE [--role ROLE]`: a candidate's skills against the seats.

use crate::error::CliError;
use crate::io::{Output, load_kb, profile_format, read_text};
use clap::ValueEnum;
use nextseat_core::RoleId;
use nextseat_core::fit::{Candidate, fit};
use nextseat_report::{fit::fit_text, json};
use std::path::{Path, PathBuf};

/// Formats for a fit report.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum FitFormat {
    /// Readable text.
    Text,
    /// The contract's JSON.
    Json,
}

const AFTER: &str = "The candidate file (TOML or JSON, by extension):
  [candidate]
  name = \"Dana\"
  [skills]            # ratings 0-5; see `nextseat roles` for each seat's skills
  people_skills = 5
  financial_acumen = 3

Examples:
  nextseat fit examples/candidate-dana.toml
  nextseat fit examples/candidate-dana.toml --role coo --format json";

/// Arguments of `fit`.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER)]
pub struct Args {
    /// The candidate file (.toml or .json; - for JSON on stdin).
    pub candidate: PathBuf,
    /// Only this seat (cso, coo, chief_of_staff, implementer); all four by default.
    #[arg(long, short = 'r')]
    pub role: Option<String>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = FitFormat::Text)]
    pub format: FitFormat,
}

/// Runs `fit`.
pub fn run(args: Args, kb_path: Option<&Path>) -> Result<(), CliError> {
    let roles = match args.role.as_deref() {
        None => RoleId::SEATS.to_vec(),
        Some(r) => {
            let role = super::parse_role(r)?;
            if role == RoleId::Ceo {
                return Err(CliError::Usage(
                    "the ceo is context only: choose cso, coo, chief_of_staff or implementer"
                        .into(),
                ));
            }
            vec![role]
        }
    };
    let format = profile_format(&args.candidate)?;
    let kb = load_kb(kb_path)?;
    let input = read_text(&args.candidate)?;
    let c = Candidate::parse(&input.text, format, &kb).map_err(|diags| CliError::Invalid {
        origin: input.origin.clone(),
        diags,
    })?;
    let report = fit(&kb, &c, &roles);
    let text = match args.format {
        FitFormat::Text => fit_text(&kb, &report),
        FitFormat::Json => json::to_json(&report),
    };
    Output::Stdout.write(&text)
}
