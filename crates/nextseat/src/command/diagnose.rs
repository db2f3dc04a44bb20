//! `nextseat diagnose [TEXT | --file F | -]`: the signs in a founder's own words.

use crate::error::CliError;
use crate::io::{Output, load_kb, read_text};
use crate::reader::ReaderOptions;
use clap::ValueEnum;
use nextseat_report::json;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// Formats for a diagnosis.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum DiagnoseFormat {
    /// Readable text.
    Text,
    /// `{"signs": [{id, phrase, start, end, line, column, pattern}], "suppressed": [...]}`.
    Json,
}

const AFTER: &str = "Examples:
  nextseat diagnose \"Orders keep going out late and I spend my week chasing people.\"
  nextseat diagnose --file notes.txt --format json
  pbpaste | nextseat diagnose -

Negated or resolved statements (\"deliverables are never late\", \"unlike last year,
handoffs are fine\") are not counted; they are listed as suppressed, with the reason.
The phrases, synonyms and negation words live in the knowledge base ([narrative] and each
sign's `phrases`).";

/// Arguments of `diagnose`.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER)]
pub struct Args {
    /// The text to read (- for stdin). Without it, --file or stdin is read.
    #[arg(conflicts_with = "file")]
    pub text: Option<String>,
    /// Read the text from this file.
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = DiagnoseFormat::Text)]
    pub format: DiagnoseFormat,
}

/// Runs `diagnose`.
pub fn run(args: Args, kb_path: Option<&Path>, reader: &ReaderOptions) -> Result<(), CliError> {
    let text = match (args.text, args.file) {
        (Some(t), _) if t == "-" => read_text(Path::new("-"))?.text,
        (Some(t), _) => t,
        (None, Some(f)) => read_text(&f)?.text,
        (None, None) => {
            if std::io::stdin().is_terminal() {
                return Err(CliError::Usage(
                    "give the text as an argument, with --file FILE, or on stdin (see --help)"
                        .into(),
                ));
            }
            read_text(Path::new("-"))?.text
        }
    };
    if text.len() as u64 > crate::io::MAX_INPUT {
        return Err(CliError::Usage("the text is too long".into()));
    }
    let kb = load_kb(kb_path)?;
    if !text.trim().is_empty() {
        crate::reader::prepare(&kb, reader)?;
    }
    let d = kb.diagnose(&text);
    let out = match args.format {
        DiagnoseFormat::Json => json::to_json(&d),
        DiagnoseFormat::Text => {
            let mut o = String::new();
            if d.signs.is_empty() {
                o.push_str("No signs found.\n");
            }
            for f in &d.signs {
                let label = kb.sign(&f.id).map_or("", |s| s.label.as_str());
                o.push_str(&format!(
                    "{}:{}  {}  \"{}\"\n      {}\n",
                    f.line, f.column, f.id, f.phrase, label
                ));
                if let Some(m) = &f.meaning {
                    let how = if m.by == "meaning" {
                        "read by meaning"
                    } else {
                        "phrase confirmed by meaning"
                    };
                    o.push_str(&format!(
                        "      {how} (probability {:.2}); nearest example \"{}\" (similarity {:.2})\n",
                        m.probability, m.exemplar, m.similarity
                    ));
                }
            }
            if !d.suppressed.is_empty() {
                o.push_str("\nNot counted:\n");
                for s in &d.suppressed {
                    o.push_str(&format!(
                        "{}:{}  {}  \"{}\": {}\n",
                        s.line, s.column, s.id, s.phrase, s.reason
                    ));
                }
            }
            for n in &d.notes {
                o.push_str(&format!("\nNote: {n}\n"));
            }
            o
        }
    };
    Output::Stdout.write(&out)
}
