//! One module per subcommand, each with its `Args` and `run`.

pub mod assess;
pub mod batch;
pub mod compare;
pub mod diagnose;
pub mod fit;
pub mod interview;
pub mod kb;
pub mod ownership;
pub mod roles;
#[cfg(feature = "web")]
pub mod serve;

use crate::cli::{Cli, Command};
use crate::error::CliError;
use crate::reader::ReaderOptions;
use nextseat_core::{RoleId, diag::closest};

/// Runs the chosen subcommand.
pub fn run(cli: Cli) -> Result<(), CliError> {
    let kb_path = cli.kb.as_deref();
    let reader = ReaderOptions {
        mode: cli.reader,
        model: cli.model.clone(),
    };
    let reader = &reader;
    match cli.command {
        Command::Assess(a) => assess::run(a, kb_path, reader),
        Command::Roles(a) => roles::run(a, kb_path),
        Command::Compare(a) => compare::run(a, kb_path),
        Command::Fit(a) => fit::run(a, kb_path),
        Command::Diagnose(a) => diagnose::run(a, kb_path, reader),
        Command::Ownership(a) => ownership::run(a, kb_path, reader),
        Command::Batch(a) => batch::run(a, kb_path, reader),
        Command::Interview(a) => interview::run(a, kb_path, reader),
        Command::Kb(c) => kb::run(c, kb_path, reader),
        #[cfg(feature = "web")]
        Command::Serve(a) => serve::run(a, kb_path, reader),
    }
}

/// Parses a role as people write it (`coo`, `COO`, `cos`, `chief-of-staff`, "Chief
/// Operating Officer"), suggesting the closest valid id.
pub fn parse_role(s: &str) -> Result<RoleId, CliError> {
    RoleId::from_name(s).ok_or_else(|| {
        let hint = closest(s, RoleId::ids())
            .map(|c| format!(" (did you mean \"{c}\"?)"))
            .unwrap_or_default();
        CliError::Usage(format!(
            "unknown role \"{s}\"{hint}; valid roles: {}",
            RoleId::ids().join(", ")
        ))
    })
}
