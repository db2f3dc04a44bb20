//! `nextseat interview`: a guided questionnaire in the terminal that builds a profile,
//! optionally saves it, and shows the report `assess` would give for it.
//!
//! The words of every question come from the knowledge base (`[[interview]]`; a field
//! without an entry is asked by its key), so a consultancy rewords the interview by
//! editing its TOML. The signs are offered as one checklist per seat, each sign explained
//! in the founder's terms. Answers are checked as they are typed, and the finished
//! profile goes through the same validation as a profile file, so the interview cannot
//! produce a profile `assess` would reject.
//!
//! The prompts (inquire on crossterm) read the keyboard from stdin and draw on stderr;
//! stdout carries only the report, so `nextseat interview > report.txt` works.

use crate::command::assess::{self, ReportFormat};
use crate::error::CliError;
use crate::io::{Output, load_kb, profile_format, write_atomic};
use crate::reader::ReaderOptions;
use inquire::validator::Validation;
use inquire::{Confirm, CustomUserError, InquireError, MultiSelect, Select, Text};
use nextseat_core::ids::{Budget, Growth, Intensity, Market};
use nextseat_core::kb::Wording;
use nextseat_core::profile::{
    Company, ConfirmedSign, Leadership, Objectives, Situation, exceeds_max_text,
};
use nextseat_core::{Diagnostics, Format, KnowledgeBase, Profile, ProfileField, RoleId};
use std::fmt;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

const AFTER: &str = "Answer each question and press Enter; optional questions take an empty answer.
In a checklist: Up/Down move, Space ticks, Right ticks all, Left clears, typing filters,
Enter goes on. Esc or Ctrl-C stops the interview and writes nothing.

The questions and their help come from the knowledge base's [[interview]] section, so
`nextseat --kb our-method.toml interview` asks them in your words (docs/kb-authoring.md).

Examples:
  nextseat interview
  nextseat interview --save acme.toml         # later: nextseat assess acme.toml
  nextseat interview --save acme.toml --format html -o acme.html
  nextseat interview --format json > acme.json

It needs a terminal (standard input and standard error). In a script, write a profile
file instead (see `nextseat assess --help`) and run `nextseat assess PROFILE`.";

/// What to do instead, when there is no terminal to ask on.
const NOT_A_TERMINAL: &str = "the interview needs a terminal to ask its questions, and standard input or standard error is not one; in a script, write a profile file (see `nextseat assess --help`) and run `nextseat assess PROFILE`";

/// Arguments of `interview`.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER)]
pub struct Args {
    /// Save the answers as a profile (.toml, or .json), written atomically; `nextseat assess FILE` gives the same report.
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,
    /// Report format.
    #[arg(long, short = 'f', value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// Write the report to this file (atomically) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Runs `interview`.
pub fn run(args: Args, kb_path: Option<&Path>, reader: &ReaderOptions) -> Result<(), CliError> {
    // Everything that can be refused is refused before the first question, so no answer
    // is typed in vain.
    let save = match &args.save {
        Some(path) if path.as_os_str() == "-" => {
            return Err(CliError::Usage(
                "--save needs a file name (.toml or .json); the report goes to standard output"
                    .into(),
            ));
        }
        Some(path) => {
            let format = profile_format(path)?;
            writable_dir(path)?;
            Some((path.as_path(), format))
        }
        None => None,
    };
    let out = Output::from_arg(args.output);
    if let Output::File(path) = &out {
        writable_dir(path)?;
        if args.save.as_deref() == Some(path.as_path()) {
            return Err(CliError::Usage(
                "--save and -o name the same file: the profile and the report need a file each"
                    .into(),
            ));
        }
    }
    let kb = load_kb(kb_path)?;
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        return Err(CliError::Usage(NOT_A_TERMINAL.into()));
    }
    // The narrative question reads the founder's words back; by meaning when it can.
    crate::reader::prepare(&kb, reader)?;

    let profile = Interview::new(&kb).ask().map_err(prompt_error)?;
    let problems = profile.validate(&kb);
    if !problems.is_empty() {
        return Err(CliError::Invalid {
            origin: "<interview>".into(),
            diags: Diagnostics(problems.into_iter().map(|(d, _)| d).collect()),
        });
    }
    if let Some((path, format)) = save {
        let text = serialise(&profile, format, path)?;
        write_atomic(path, text.as_bytes())?;
        say(&format!(
            "\nSaved the answers to {p}; `nextseat assess {p}` gives this report again.\n",
            p = path.display()
        ));
    }
    say("\n");
    assess::report(&kb, &profile, &[], args.format, &out)?;
    if let Output::File(path) = &out {
        say(&format!("Wrote the report to {}.\n", path.display()));
    }
    Ok(())
}

/// Refuses an output path whose directory does not exist.
fn writable_dir(path: &Path) -> Result<(), CliError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if dir.is_dir() {
        Ok(())
    } else {
        Err(CliError::Input {
            origin: path.display().to_string(),
            message: format!("the directory {} does not exist", dir.display()),
        })
    }
}

/// The profile in the contract's file format.
fn serialise(profile: &Profile, format: Format, path: &Path) -> Result<String, CliError> {
    match format {
        Format::Toml => profile
            .to_toml()
            .map(|body| {
                format!(
                    "# A company profile written by `nextseat interview`.\n# Assess it again with: nextseat assess {}\n\n{body}",
                    path.display()
                )
            })
            .map_err(|e| CliError::Failed(format!("could not write the profile as TOML: {e}"))),
        Format::Json => serde_json::to_string_pretty(profile)
            .map(|body| body + "\n")
            .map_err(|e| CliError::Failed(format!("could not write the profile as JSON: {e}"))),
    }
}

/// Writes to the terminal the prompts are on. A failure to show a remark is not worth
/// stopping the interview for; the prompts themselves report terminal failures.
fn say(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes()).and_then(|()| err.flush());
}

fn prompt_error(e: InquireError) -> CliError {
    match e {
        InquireError::OperationCanceled | InquireError::OperationInterrupted => CliError::Cancelled,
        InquireError::NotTTY => CliError::Usage(NOT_A_TERMINAL.into()),
        other => CliError::Terminal(other.to_string()),
    }
}

/// An option in a list: a value shown by its label.
#[derive(Clone)]
struct Choice<T> {
    value: T,
    label: String,
}

impl<T> fmt::Display for Choice<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label)
    }
}

/// Help under a checklist: the knowledge base's words and the keys that tick.
fn checklist_help(w: &Wording<'_>) -> String {
    let keys = "[Space ticks, Enter goes on]";
    match w.help {
        Some(h) => format!("{h} {keys}"),
        None => keys.to_string(),
    }
}

type Answer<T> = Result<T, InquireError>;

/// One run of the questionnaire over a knowledge base.
struct Interview<'k> {
    kb: &'k KnowledgeBase,
}

impl<'k> Interview<'k> {
    fn new(kb: &'k KnowledgeBase) -> Self {
        Interview { kb }
    }

    fn ask(&self) -> Answer<Profile> {
        say(&format!(
            "nextseat interview, asking in the words of {} {}.\nA few questions about the company, then the report. Esc or Ctrl-C stops\nwithout writing anything.\n\n",
            self.kb.meta.name, self.kb.meta.version
        ));
        let name = self.text(ProfileField::CompanyName)?;
        let annual_revenue_usd = self.parsed(
            ProfileField::AnnualRevenueUsd,
            parse_revenue,
            Some(&show_revenue),
        )?;
        let employees = self.parsed(ProfileField::Employees, parse_employees, None)?;
        let industry = self.text(ProfileField::Industry)?;
        let operational_intensity = self.choose(
            ProfileField::OperationalIntensity,
            Intensity::ALL,
            Intensity::as_str,
            Intensity::Medium,
        )?;
        let market = self.choose(
            ProfileField::Market,
            Market::ALL,
            Market::as_str,
            Market::Competitive,
        )?;
        let growth = self.choose(
            ProfileField::Growth,
            Growth::ALL,
            Growth::as_str,
            Growth::Steady,
        )?;
        let current_roles = self.current_roles()?;
        let ceo_experience_years =
            self.parsed(ProfileField::CeoExperienceYears, parse_years, None)?;
        let ceo_strengths = split(&self.text(ProfileField::CeoStrengths)?, &[',', ';']);
        let ceo_gaps = split(&self.text(ProfileField::CeoGaps)?, &[',', ';']);
        let ceo_plans_to_step_down = self.confirm(ProfileField::CeoPlansToStepDown)?;
        let retain_key_executive = self.confirm(ProfileField::RetainKeyExecutive)?;
        let signs = self.signs()?;
        let events = self.events()?;
        let budget = self.choose(
            ProfileField::Budget,
            Budget::ALL,
            Budget::as_str,
            Budget::Moderate,
        )?;
        let (narrative, narrative_signs) = self.narrative(&signs)?;
        let short_term = split(&self.text(ProfileField::ShortTerm)?, &[';']);
        let long_term = split(&self.text(ProfileField::LongTerm)?, &[';']);
        Ok(Profile {
            company: Company {
                name: non_empty(name),
                annual_revenue_usd,
                employees,
                industry: non_empty(industry),
                operational_intensity,
                market,
                growth,
            },
            leadership: Leadership {
                current_roles,
                ceo_experience_years,
                ceo_strengths,
                ceo_gaps,
                ceo_plans_to_step_down,
                retain_key_executive,
            },
            situation: Situation {
                signs,
                events,
                budget,
                narrative,
                narrative_signs,
            },
            objectives: Objectives {
                short_term,
                long_term,
            },
        })
    }

    /// A free-text answer (possibly empty), checked like a profile's free text.
    fn text(&self, field: ProfileField) -> Answer<String> {
        let w = self.kb.wording(field);
        let mut p = Text::new(w.prompt).with_validator(free_text);
        if let Some(h) = w.help {
            p = p.with_help_message(h);
        }
        Ok(p.prompt()?.trim().to_string())
    }

    /// An answer parsed by `parse`, which explains what it expects when the input does
    /// not fit; the prompt asks again until it does.
    fn parsed<T>(
        &self,
        field: ProfileField,
        parse: fn(&str) -> Result<T, String>,
        show: Option<&dyn Fn(&str) -> String>,
    ) -> Answer<T> {
        let w = self.kb.wording(field);
        let validate = move |s: &str| -> Result<Validation, CustomUserError> {
            Ok(match parse(s) {
                Ok(_) => Validation::Valid,
                Err(why) => Validation::Invalid(why.into()),
            })
        };
        let mut p = Text::new(w.prompt).with_validator(validate);
        if let Some(h) = w.help {
            p = p.with_help_message(h);
        }
        if let Some(show) = show {
            p = p.with_formatter(show);
        }
        let answer = p.prompt()?;
        // The validator accepted this answer, so it parses.
        parse(&answer).map_err(|why| InquireError::Custom(why.into()))
    }

    /// One of an enumeration's values, starting on the profile's default.
    fn choose<T: Copy + PartialEq + 'static>(
        &self,
        field: ProfileField,
        all: &'static [T],
        id: fn(T) -> &'static str,
        default: T,
    ) -> Answer<T> {
        let w = self.kb.wording(field);
        let options: Vec<Choice<T>> = all
            .iter()
            .map(|v| Choice {
                value: *v,
                label: id(*v).to_string(),
            })
            .collect();
        let start = all.iter().position(|v| *v == default).unwrap_or(0);
        let mut p = Select::new(w.prompt, options)
            .with_starting_cursor(start)
            .with_page_size(all.len().max(1));
        if let Some(h) = w.help {
            p = p.with_help_message(h);
        }
        Ok(p.prompt()?.value)
    }

    fn confirm(&self, field: ProfileField) -> Answer<bool> {
        let w = self.kb.wording(field);
        let mut p = Confirm::new(w.prompt)
            .with_default(false)
            .with_error_message("Type y for yes or n for no");
        if let Some(h) = w.help {
            p = p.with_help_message(h);
        }
        p.prompt()
    }

    /// A checklist of `options`, with each option's explanation printed above it.
    fn checklist<T: Clone>(
        &self,
        prompt: &str,
        help: &str,
        options: Vec<(Choice<T>, &str)>,
    ) -> Answer<Vec<T>> {
        if options.is_empty() {
            return Ok(Vec::new());
        }
        let mut legend = String::from("\n");
        for (c, explain) in &options {
            legend.push_str(&wrap(&format!("- {}: {}", c.label, explain), LEGEND_WIDTH));
        }
        say(&legend);
        let n = options.len();
        let choices: Vec<Choice<T>> = options.into_iter().map(|(c, _)| c).collect();
        let picked = MultiSelect::new(prompt, choices)
            .with_help_message(help)
            .with_page_size(n)
            .prompt()?;
        Ok(picked.into_iter().map(|c| c.value).collect())
    }

    /// The seats already filled; the CEO always is.
    fn current_roles(&self) -> Answer<Vec<RoleId>> {
        let w = self.kb.wording(ProfileField::CurrentRoles);
        let options: Vec<Choice<RoleId>> = RoleId::SEATS
            .iter()
            .map(|r| {
                let role = self.kb.role(*r);
                let label = nextseat_report::role_title(role);
                Choice { value: *r, label }
            })
            .collect();
        let n = options.len();
        let picked = MultiSelect::new(w.prompt, options)
            .with_help_message(&checklist_help(&w))
            .with_page_size(n)
            .prompt()?;
        let mut roles = vec![RoleId::Ceo];
        roles.extend(picked.into_iter().map(|c| c.value));
        Ok(roles)
    }

    /// One checklist per seat, in the contract's seat order, of the signs pointing there.
    fn signs(&self) -> Answer<Vec<String>> {
        let w = self.kb.wording(ProfileField::Signs);
        let help = checklist_help(&w);
        let mut signs = Vec::new();
        for seat in RoleId::SEATS {
            let role = self.kb.role(seat);
            let prompt = w.prompt.replace("{seat}", &role.name);
            let options = self
                .kb
                .signs
                .iter()
                .filter(|s| s.seat == seat)
                .map(|s| {
                    (
                        Choice {
                            value: s.id.clone(),
                            label: s.label.clone(),
                        },
                        s.explain.as_str(),
                    )
                })
                .collect();
            signs.extend(self.checklist(&prompt, &help, options)?);
        }
        Ok(signs)
    }

    fn events(&self) -> Answer<Vec<String>> {
        let w = self.kb.wording(ProfileField::Events);
        let options = self
            .kb
            .events
            .iter()
            .map(|e| {
                (
                    Choice {
                        value: e.id.clone(),
                        label: e.label.clone(),
                    },
                    e.explain.as_str(),
                )
            })
            .collect();
        self.checklist(w.prompt, &checklist_help(&w), options)
    }

    /// The founder's own words, read back as the signs nextseat finds in them, until the
    /// founder keeps them (or gives none); then the signs found (and not already ticked)
    /// as a checklist, all ticked, for the founder to confirm. The confirmed signs are
    /// saved with the words that showed them, and the narrative is not read again.
    fn narrative(&self, ticked: &[String]) -> Answer<(Option<String>, Option<Vec<ConfirmedSign>>)> {
        let text = loop {
            let text = self.text(ProfileField::Narrative)?;
            if text.is_empty() {
                return Ok((None, None));
            }
            say(&self.reading(&text, ticked));
            let keep = Confirm::new("Keep this description?")
                .with_default(true)
                .with_help_message("n to write it again")
                .prompt()?;
            if keep {
                break text;
            }
        };
        let found: Vec<Choice<ConfirmedSign>> = self
            .kb
            .diagnose(&text)
            .signs
            .into_iter()
            .filter(|f| !ticked.contains(&f.id))
            .map(|f| Choice {
                label: format!(
                    "{}: \"{}\"",
                    self.kb
                        .sign(&f.id)
                        .map_or(f.id.as_str(), |s| s.label.as_str()),
                    f.phrase
                ),
                value: ConfirmedSign {
                    id: f.id,
                    phrase: Some(f.phrase),
                },
            })
            .collect();
        if found.is_empty() {
            return Ok((Some(text), Some(Vec::new())));
        }
        let n = found.len();
        let all: Vec<usize> = (0..n).collect();
        let picked = MultiSelect::new("Count these signs from your words?", found)
            .with_default(&all)
            .with_help_message("untick any that is wrong [Space unticks, Enter goes on]")
            .with_page_size(n)
            .prompt()?;
        Ok((
            Some(text),
            Some(picked.into_iter().map(|c| c.value).collect()),
        ))
    }

    /// What the narrative matcher finds in `text`, in words.
    fn reading(&self, text: &str, ticked: &[String]) -> String {
        let d = self.kb.diagnose(text);
        fn label<'a>(kb: &'a KnowledgeBase, id: &'a str) -> &'a str {
            kb.sign(id).map_or(id, |s| s.label.as_str())
        }
        let mut o = String::new();
        if d.signs.is_empty() {
            o.push_str("\nnextseat found no signs in these words.\n");
        } else {
            o.push_str("\nnextseat found these signs in your words:\n");
            for f in &d.signs {
                let note = if ticked.contains(&f.id) {
                    " (already ticked; counted once)"
                } else {
                    ""
                };
                o.push_str(&format!(
                    "  + {}: \"{}\"{note}\n",
                    label(self.kb, &f.id),
                    f.phrase
                ));
            }
        }
        if !d.suppressed.is_empty() {
            o.push_str("Not counted:\n");
            for s in &d.suppressed {
                o.push_str(&format!(
                    "  - {}: \"{}\": {}\n",
                    label(self.kb, &s.id),
                    s.phrase,
                    s.reason
                ));
            }
        }
        o.push('\n');
        o
    }
}

/// Free text as a profile accepts it: not too long, no control characters.
fn free_text(s: &str) -> Result<Validation, CustomUserError> {
    Ok(if exceeds_max_text(s) {
        Validation::Invalid("Keep it to 20,000 characters or fewer".into())
    } else if s
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        Validation::Invalid("Control characters are not allowed".into())
    } else {
        Validation::Valid
    })
}

/// Width the explanations above a checklist are wrapped to (terminals are at least 80).
const LEGEND_WIDTH: usize = 78;

/// `text` wrapped at spaces to `width` columns, indented by two, continuation lines by
/// four, each line ending in a newline. A word longer than a line stands on its own.
fn wrap(text: &str, width: usize) -> String {
    format!("  {}\n", nextseat_report::text::fill(text, width, 2, 4))
}

fn non_empty(s: String) -> Option<String> {
    if s.is_empty() { None } else { Some(s) }
}

/// Splits a list answer at any of `seps`, dropping empty items.
fn split(s: &str, seps: &[char]) -> Vec<String> {
    s.split(|c| seps.contains(&c))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// Headcount: required, a whole number of at least 1 (`1,200` is understood).
fn parse_employees(s: &str) -> Result<i64, String> {
    const WHY: &str = "Type a whole number of people, 1 or more (e.g. 35)";
    match nextseat_core::values::whole(s) {
        Ok(Some(n)) if (1..=i64::from(u32::MAX)).contains(&n) => Ok(n),
        _ => Err(WHY.into()),
    }
}

/// Revenue: optional, dollars of 0 or more; `2.5M` and `800k` are understood.
fn parse_revenue(s: &str) -> Result<Option<f64>, String> {
    nextseat_core::values::amount(s).map_err(|what| format!("Type {what}, or leave it empty"))
}

/// A revenue answer as it was understood: `2.5M` is shown as `$2,500,000`.
fn show_revenue(s: &str) -> String {
    match parse_revenue(s) {
        Ok(Some(v)) => {
            let whole = format!("{:.0}", v.trunc());
            let mut grouped = String::new();
            for (i, ch) in whole.chars().enumerate() {
                if i > 0 && (whole.len() - i) % 3 == 0 {
                    grouped.push(',');
                }
                grouped.push(ch);
            }
            let cents = ((v - v.trunc()) * 100.0).round();
            if cents > 0.0 {
                format!("${grouped}.{cents:02.0}")
            } else {
                format!("${grouped}")
            }
        }
        Ok(None) => "(skipped)".into(),
        Err(_) => s.to_string(),
    }
}

/// The CEO's years as chief executive: optional, a whole number from 0 to 100.
fn parse_years(s: &str) -> Result<Option<i64>, String> {
    const WHY: &str = "Type a whole number of years from 0 to 100, or leave it empty";
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    match t.parse::<i64>() {
        Ok(n) if (0..=100).contains(&n) => Ok(Some(n)),
        _ => Err(WHY.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn employees_must_be_a_whole_number_of_at_least_one() {
        assert_eq!(parse_employees("35"), Ok(35));
        assert_eq!(parse_employees(" 1,200 "), Ok(1200));
        for bad in ["", "0", "-3", "3.5", "many", "99999999999"] {
            assert!(parse_employees(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn revenue_takes_plain_numbers_and_suffixes() {
        assert_eq!(parse_revenue(""), Ok(None));
        assert_eq!(parse_revenue("2500000"), Ok(Some(2_500_000.0)));
        assert_eq!(parse_revenue("$2,500,000"), Ok(Some(2_500_000.0)));
        assert_eq!(parse_revenue("2.5M"), Ok(Some(2_500_000.0)));
        assert_eq!(parse_revenue("1.1m"), Ok(Some(1_100_000.0)));
        assert_eq!(parse_revenue("800k"), Ok(Some(800_000.0)));
        assert_eq!(parse_revenue("0"), Ok(Some(0.0)));
        for bad in ["-1", "lots", "NaN", "inf", "1e20", "2.5MM", "k"] {
            assert!(parse_revenue(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn revenue_is_shown_as_understood() {
        assert_eq!(show_revenue("2.5M"), "$2,500,000");
        assert_eq!(show_revenue("800k"), "$800,000");
        assert_eq!(show_revenue("999"), "$999");
        assert_eq!(show_revenue("1234.5"), "$1,234.50");
        assert_eq!(show_revenue(""), "(skipped)");
    }

    #[test]
    fn years_are_optional_and_bounded() {
        assert_eq!(parse_years(""), Ok(None));
        assert_eq!(parse_years("0"), Ok(Some(0)));
        assert_eq!(parse_years("100"), Ok(Some(100)));
        for bad in ["-1", "101", "two"] {
            assert!(parse_years(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn lists_split_at_their_separators() {
        assert_eq!(
            split(" vision, sales;; ops ", &[',', ';']),
            vec!["vision", "sales", "ops"]
        );
        assert_eq!(
            split("Hire, train and keep drivers; open a depot", &[';']),
            vec!["Hire, train and keep drivers", "open a depot"]
        );
        assert!(split("  ", &[';']).is_empty());
    }

    #[test]
    fn legends_wrap_with_a_hanging_indent() {
        let w = wrap("- Label: one two three four five six", 16);
        assert_eq!(w, "  - Label: one\n    two three\n    four five\n    six\n");
        assert_eq!(wrap("short", 78), "  short\n");
        let long = "x".repeat(30);
        assert_eq!(wrap(&long, 10), format!("  {long}\n"));
    }

    #[test]
    fn free_text_refuses_control_characters() {
        assert!(matches!(free_text("fine\ttext"), Ok(Validation::Valid)));
        assert!(matches!(free_text("bell\u{7}"), Ok(Validation::Invalid(_))));
    }
}
