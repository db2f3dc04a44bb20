//! The one error type of the binary, rendered once by `main`.

use nextseat_core::Diagnostics;
use std::path::PathBuf;

/// What can go wrong in a command.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The input was read but is invalid: every problem, each on its own line.
    #[error("{}", render(.origin, .diags))]
    Invalid {
        /// The file (or `<stdin>`).
        origin: String,
        /// The problems.
        diags: Diagnostics,
    },
    /// The input could not be used at all (unreadable, binary, wrong extension).
    #[error("{origin}: {message}")]
    Input {
        /// The file (or `<stdin>`).
        origin: String,
        /// What is wrong.
        message: String,
    },
    /// A wrong argument.
    #[error("{0}")]
    Usage(String),
    /// Writing output failed.
    #[error("could not write {}: {source}", .path.display())]
    Write {
        /// The output path.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A batch finished, but some of its rows were invalid (each has its error in the
    /// output).
    #[error(
        "{bad} of {} {} invalid; their error column in {output} says why",
        nextseat_report::count(*rows, "row", "rows"),
        if *bad == 1 { "was" } else { "were" }
    )]
    BadRows {
        /// Rows with an error.
        bad: u64,
        /// All rows.
        rows: u64,
        /// The output written.
        output: String,
    },
    /// Golden scenarios failed.
    #[error("{0}")]
    Failed(String),
    /// The user stopped the interview (Esc or Ctrl-C).
    #[error("the interview was stopped; nothing was written")]
    Cancelled,
    /// The terminal failed during the interview.
    #[error("the terminal failed during the interview: {0}")]
    Terminal(String),
}

fn render(origin: &str, diags: &Diagnostics) -> String {
    diags
        .0
        .iter()
        .map(|d| d.render(origin))
        .collect::<Vec<_>>()
        .join("\n")
}

impl CliError {
    /// The contract's exit code: 2 for invalid input, 1 for anything else.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Invalid { .. }
            | CliError::Input { .. }
            | CliError::Usage(_)
            | CliError::BadRows { .. } => 2,
            CliError::Write { .. }
            | CliError::Failed(_)
            | CliError::Cancelled
            | CliError::Terminal(_) => 1,
        }
    }
}
