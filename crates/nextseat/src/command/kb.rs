//! `nextseat kb check|export|test`: the knowledge base as a consultancy's file.

use crate::error::CliError;
use crate::io::{Output, load_kb, read_text};
use crate::reader::ReaderOptions;
use clap::{Subcommand, ValueEnum};
use nextseat_core::KnowledgeBase;
use nextseat_core::scenario::Scenario;
use std::path::{Path, PathBuf};

/// Formats for `kb check`.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum CheckFormat {
    /// One line per problem.
    Text,
    /// `{"file", "ok", "problems": [{key, message, line, column, suggestion}]}`.
    Json,
}

/// The `kb` subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate a knowledge base, reporting every problem with line, column and the closest valid id.
    #[command(
        after_help = "Example:\n  nextseat kb export > mine.toml\n  $EDITOR mine.toml\n  nextseat kb check mine.toml"
    )]
    Check {
        /// The knowledge base file (TOML).
        file: PathBuf,
        /// Output format.
        #[arg(long, short = 'f', value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
    },
    /// Print the embedded default knowledge base (the starting point for your own).
    #[command(after_help = "Example:\n  nextseat kb export -o my-method.toml")]
    Export {
        /// Write to this file (atomically) instead of standard output.
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Measure narrative intake (precision, recall per sign), the ownership audit (right seat per seat) or the CEO tags (right area per area) on a labelled set.
    #[command(
        after_help = "Examples:\n  nextseat kb eval kb/eval/dev/narrative.toml --misses\n  nextseat kb eval kb/eval/blind/ownership.toml\n  nextseat --reader phrases kb eval kb/eval/dev/narrative.toml\n  nextseat --kb mine.toml kb eval kb/eval/narrative.toml --format json\n\nText output: one line per sign (or seat, or area), then the headline figures on the last line."
    )]
    Eval {
        /// The evaluation file: narrative cases ([[case]] text = "...", signs = [...]),
        /// responsibility lines ([[case]] text = "...", seat = "coo") or CEO tags ([[case]]
        /// text = "cash flow", area = "finance").
        file: PathBuf,
        /// Also list every miss with its text (leave off for a blind set: reading its
        /// misses would turn it into a tuning set).
        #[arg(long)]
        misses: bool,
        /// Output format.
        #[arg(long, short = 'f', value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
    },
    /// Fit the text reader to a knowledge base's exemplars now and cache it (otherwise
    /// done on first use; after editing exemplars, run this once before a deploy).
    #[command(
        after_help = "Examples:\n  nextseat kb fit\n  nextseat --kb mine.toml --model /opt/nextseat/all-minilm-l6-v2 kb fit\n\nThe fitted reader is cached in $XDG_CACHE_HOME/nextseat (default ~/.cache/nextseat; NEXTSEAT_CACHE overrides) under a key of the model, the exemplars and the reader rules."
    )]
    Fit,
    /// Run golden scenario files (profile in, expected verdicts and evidence out) against a knowledge base.
    #[command(
        after_help = "Examples:\n  nextseat kb test kb/scenarios\n  nextseat --kb mine.toml kb test kb/scenarios/mentor-founder.toml"
    )]
    Test {
        /// Scenario files, or directories of *.toml scenario files.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
}

/// Runs a `kb` subcommand.
pub fn run(cmd: Command, kb_path: Option<&Path>, reader: &ReaderOptions) -> Result<(), CliError> {
    match cmd {
        Command::Check { file, format } => check(&file, format),
        Command::Export { output } => Output::from_arg(output).write(nextseat_core::kb::DEFAULT_KB),
        Command::Fit => fit(kb_path, reader),
        Command::Test { paths } => test(&paths, kb_path, reader),
        Command::Eval {
            file,
            format,
            misses,
        } => eval(&file, format, misses, kb_path, reader),
    }
}

fn check(file: &Path, format: CheckFormat) -> Result<(), CliError> {
    let input = read_text(file)?;
    let result = KnowledgeBase::parse(&input.text);
    if let CheckFormat::Json = format {
        let problems: Vec<serde_json::Value> = match &result {
            Ok(_) => Vec::new(),
            Err(d) => {
                d.0.iter()
                    .map(|p| {
                        serde_json::json!({
                            "key": p.key,
                            "message": p.message,
                            "line": p.position.map(|x| x.line),
                            "column": p.position.map(|x| x.column),
                            "suggestion": p.suggestion,
                        })
                    })
                    .collect()
            }
        };
        let ok = problems.is_empty();
        let doc = serde_json::json!({"file": input.origin, "ok": ok, "problems": problems});
        Output::Stdout.write(&nextseat_report::json::to_json(&doc))?;
        if !ok {
            return Err(CliError::Input {
                origin: input.origin,
                message: format!(
                    "{} found",
                    nextseat_report::count(problems.len() as u64, "problem", "problems")
                ),
            });
        }
        return Ok(());
    }
    match result {
        Ok(kb) => Output::Stdout.write(&format!(
            "{}: ok ({} {}: {} roles, {} skills, {} signs, {} events, {} factors, {} archetypes)\n",
            input.origin,
            kb.meta.name,
            kb.meta.version,
            kb.roles.len(),
            kb.skills.len(),
            kb.signs.len(),
            kb.events.len(),
            kb.factors.len(),
            kb.archetypes.len()
        )),
        Err(mut diags) => {
            let n = diags.0.len();
            diags.0.push(nextseat_core::Diagnostic::new(
                "",
                format!(
                    "{} found",
                    nextseat_report::count(n as u64, "problem", "problems")
                ),
            ));
            Err(CliError::Invalid {
                origin: input.origin,
                diags,
            })
        }
    }
}

fn scenario_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, CliError> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            let entries = std::fs::read_dir(p).map_err(|e| CliError::Input {
                origin: p.display().to_string(),
                message: format!("cannot list the directory ({e})"),
            })?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.extension().is_some_and(|x| x == "toml"))
                .collect();
            found.sort();
            files.extend(found);
        } else {
            files.push(p.clone());
        }
    }
    if files.is_empty() {
        return Err(CliError::Usage("no scenario files found".into()));
    }
    Ok(files)
}

fn fit(kb_path: Option<&Path>, reader: &ReaderOptions) -> Result<(), CliError> {
    let kb = load_kb(kb_path)?;
    let started = std::time::Instant::now();
    let opts = ReaderOptions {
        mode: crate::reader::ReaderMode::Meaning,
        model: reader.model.clone(),
    };
    crate::reader::attach(&kb, &opts)?;
    let n = kb.reader().map_or(0, |r| r.index.examples().len());
    Output::Stdout.write(&format!(
        "the text reader is ready: {n} exemplars, {:.1} s\n",
        started.elapsed().as_secs_f64()
    ))
}

fn test(paths: &[PathBuf], kb_path: Option<&Path>, reader: &ReaderOptions) -> Result<(), CliError> {
    let kb = load_kb(kb_path)?;
    crate::reader::prepare(&kb, reader)?;
    let files = scenario_files(paths)?;
    let mut report = String::new();
    let (mut passed, mut failed) = (0, 0);
    for f in &files {
        let input = read_text(f)?;
        let scenario = Scenario::parse(&input.text, &kb).map_err(|diags| CliError::Invalid {
            origin: input.origin.clone(),
            diags,
        })?;
        let result = nextseat_core::assess(&kb, &scenario.profile);
        let problems = scenario.check(&result);
        if problems.is_empty() {
            passed += 1;
            report.push_str(&format!("ok      {}\n", input.origin));
        } else {
            failed += 1;
            report.push_str(&format!(
                "FAILED  {} ({})\n",
                input.origin, scenario.scenario.name
            ));
            for p in problems {
                report.push_str(&format!("        - {p}\n"));
            }
        }
    }
    report.push_str(&format!("{passed} passed, {failed} failed\n"));
    Output::Stdout.write(&report)?;
    if failed > 0 {
        return Err(CliError::Failed(format!("{failed} scenario(s) failed")));
    }
    Ok(())
}

fn eval(
    file: &Path,
    format: CheckFormat,
    misses: bool,
    kb_path: Option<&Path>,
    reader: &ReaderOptions,
) -> Result<(), CliError> {
    let kb = load_kb(kb_path)?;
    crate::reader::prepare(&kb, reader)?;
    let input = read_text(file)?;
    let set = nextseat_core::text::eval::EvalSet::parse(&input.text, &kb).map_err(|diags| {
        CliError::Invalid {
            origin: input.origin.clone(),
            diags,
        }
    })?;
    let r = set.evaluate(&kb);
    let out = match format {
        CheckFormat::Json => nextseat_report::json::to_json(&r),
        CheckFormat::Text => {
            let mut o = String::new();
            if misses {
                o.extend(r.misses.iter().map(|m| format!("{m}\n")));
            }
            o.push_str(&r.table());
            o.push_str(&format!("{r}\n"));
            o
        }
    };
    Output::Stdout.write(&out)
}
