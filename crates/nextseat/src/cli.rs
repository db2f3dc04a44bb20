//! The command-line surface: what users type. Each subcommand's arguments live with
//! its code in `command/`.

#[cfg(feature = "web")]
use crate::command::serve;
use crate::command::{assess, batch, compare, diagnose, fit, interview, kb, ownership, roles};
use crate::reader::ReaderMode;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

const ABOUT: &str = "Which leadership seat should a growing company fill next?

nextseat reads a company profile and says, for each seat (Chief Strategy Officer,
Chief Operating Officer, Chief of Staff, Implementer), how strong the need is, whether
to hire now, fractional or full time, in what order, and which kind of COO fits. Every
score is the sum of evidence lines you can trace to the knowledge base and the article
behind them.";

const AFTER: &str = "Examples:
  nextseat assess examples/acme-logistics.toml
  nextseat assess examples/acme-logistics.toml --format html -o report.html
  nextseat interview --save acme.toml
  nextseat compare coo chief_of_staff
  nextseat kb export > my-method.toml && nextseat kb check my-method.toml
  nextseat diagnose 'Launch dates slip every month and I approve every invoice.'
  nextseat --reader phrases batch clients.csv -o results.csv

Reading text: narratives and responsibility lines are read by meaning with the
text model (bash scripts/fetch-model.sh makes models/all-minilm-l6-v2, 45 MB) and
by the knowledge base's phrases without it. The first run with a knowledge base fits
its exemplars (a few seconds) and caches the result in ~/.cache/nextseat/.

Exit codes: 0 success, 2 invalid input, 1 any other failure.";

/// The `nextseat` command line.
#[derive(Debug, Parser)]
#[command(name = "nextseat", version, about = ABOUT, after_help = AFTER, max_term_width = 100)]
pub struct Cli {
    /// Use this knowledge base instead of the embedded default (also NEXTSEAT_KB).
    #[arg(
        long,
        global = true,
        value_name = "FILE",
        env = "NEXTSEAT_KB",
        hide_env_values = true
    )]
    pub kb: Option<PathBuf>,

    /// How to read free text (narratives, responsibility lines): `auto` reads by meaning
    /// when the text model is installed and by phrase (with a note) when it is not;
    /// `meaning` requires the model; `phrases` never loads it (also NEXTSEAT_READER).
    #[arg(
        long,
        global = true,
        value_enum,
        default_value_t = ReaderMode::Auto,
        env = "NEXTSEAT_READER",
        hide_env_values = true
    )]
    pub reader: ReaderMode,

    /// The text model's folder, made by scripts/fetch-model.sh (also NEXTSEAT_MODEL).
    /// Without it: models/all-minilm-l6-v2 beside the binary or above it,
    /// ~/.local/share/nextseat/, then ./models/.
    #[arg(
        long,
        global = true,
        value_name = "DIR",
        env = "NEXTSEAT_MODEL",
        hide_env_values = true
    )]
    pub model: Option<PathBuf>,

    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Assess a company profile: need per seat, verdicts, engagement, roadmap, COO archetype.
    Assess(assess::Args),
    /// Describe the roles: focus, question, outcome, responsibilities, skills, scope.
    Roles(roles::Args),
    /// Compare two roles side by side.
    Compare(compare::Args),
    /// Find the signs in a founder's own words, with the phrase that triggered each.
    Diagnose(diagnose::Args),
    /// Rate a candidate against the seats' skill requirements: fit score, gaps, what else they can cover.
    Fit(fit::Args),
    /// Audit who owns what: the seat that should own each responsibility, overlaps, gaps, CEO overload.
    Ownership(ownership::Args),
    /// Assess many profiles from a CSV or JSONL file: one result row each, in order.
    Batch(batch::Args),
    /// Answer a guided questionnaire in the terminal; get the report, and save the profile if asked.
    Interview(interview::Args),
    /// Inspect, validate and test knowledge bases.
    #[command(
        subcommand,
        after_help = "Examples:\n  nextseat kb check my-method.toml\n  nextseat kb export -o my-method.toml\n  nextseat --kb my-method.toml kb test kb/scenarios\n  nextseat --kb my-method.toml kb fit\n  nextseat kb eval kb/eval/dev/narrative.toml"
    )]
    Kb(kb::Command),
    /// Serve the web app and JSON API (SQLite file by default, PostgreSQL by URL).
    #[cfg(feature = "web")]
    Serve(serve::Args),
}
