//! `nextseat interview` driven through a pseudo-terminal, as a person would: the real
//! binary in a pty, each prompt waited for by its text (from the knowledge base) with a
//! timeout, answered with the keys a person presses (typing, Enter, arrows, Space in the
//! checklists, Backspace after a refused answer, Esc and Ctrl-C), then the saved profile
//! read back and assessed. Without a terminal the command must refuse.
#![allow(missing_docs)]

use nextseat_core::kb::DEFAULT_KB;
use nextseat_core::{Format, KnowledgeBase, Profile, ProfileField, RoleId};
use rexpect::process::WaitStatus;
use rexpect::session::{Options, PtySession, spawn_with_options};
use std::path::Path;
use std::process::{Command, Stdio};

/// How long to wait for any one piece of expected output.
const TIMEOUT_MS: u64 = 30_000;

const DOWN: &str = "\x1b[B";
const ENTER: &str = "\r";
const SPACE: &str = " ";
const ESC: &str = "\x1b";
const CTRL_C: &str = "\x03";
const BACKSPACE: &str = "\x7f";

/// One interview in a pty, with everything it has printed so far.
struct Tty {
    session: PtySession,
    transcript: String,
}

impl Tty {
    /// Starts `nextseat ARGS` in `dir` on a 100x50 pty (sized by `stty`, as a terminal
    /// emulator would), colours off so prompts read as plain text.
    fn start(dir: &Path, args: &[&str]) -> Tty {
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg("stty cols 100 rows 50 && exec \"$0\" \"$@\"")
            .arg(env!("CARGO_BIN_EXE_nextseat"))
            .args(args)
            .current_dir(dir)
            .env_remove("NEXTSEAT_KB")
            .env("NEXTSEAT_READER", "phrases")
            .env("NO_COLOR", "1")
            .env("TERM", "xterm-256color");
        let options = Options::new()
            .timeout_ms(Some(TIMEOUT_MS))
            .strip_ansi_escape_codes(true);
        let session = spawn_with_options(cmd, options).expect("the binary starts in a pty");
        Tty {
            session,
            transcript: String::new(),
        }
    }

    /// Waits until `text` appears (failing the test after the timeout).
    fn expect(&mut self, text: &str) {
        match self.session.exp_string(&as_read(text)) {
            Ok(before) => {
                self.transcript.push_str(&decode(&before));
                self.transcript.push_str(text);
            }
            Err(e) => panic!(
                "waiting for {text:?}: {e}\n--- transcript so far ---\n{}",
                self.transcript
            ),
        }
    }

    fn send(&mut self, keys: &str) {
        self.session.send(keys).expect("keys sent");
        self.session.flush().expect("keys flushed");
    }

    /// Waits for the question, then types the answer and Enter.
    fn answer(&mut self, question: &str, typed: &str) {
        self.expect(question);
        self.send(typed);
        self.send(ENTER);
    }

    /// Waits for the end of output and returns the exit code.
    fn finish(mut self) -> (i32, String) {
        match self.session.exp_eof() {
            Ok(rest) => self.transcript.push_str(&decode(&rest)),
            Err(e) => panic!(
                "waiting for the end: {e}\n--- transcript ---\n{}",
                self.transcript
            ),
        }
        let code = match self.session.process().wait() {
            Ok(WaitStatus::Exited(_, code)) => code,
            other => panic!("the binary did not exit normally: {other:?}"),
        };
        (code, self.transcript.replace('\r', ""))
    }
}

/// rexpect reads the pty byte by byte and makes each byte a `char`: UTF-8 text arrives
/// as one char per byte. `as_read` spells a needle that way, `decode` undoes it.
fn as_read(text: &str) -> String {
    text.bytes().map(char::from).collect()
}

fn decode(read: &str) -> String {
    let bytes: Vec<u8> = read
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
        .collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Text with every run of whitespace (line wraps included) as one space.
fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn kb() -> KnowledgeBase {
    KnowledgeBase::default_kb()
}

/// The question the default knowledge base asks for `field`.
fn q(kb: &KnowledgeBase, field: ProfileField) -> String {
    kb.wording(field).prompt.to_string()
}

/// Keys that tick `ids` in a checklist of `options` (cursor starting on the first).
fn tick(options: &[&str], ids: &[&str]) -> String {
    let mut keys = String::new();
    let mut at = 0;
    let mut targets: Vec<usize> = ids
        .iter()
        .map(|id| {
            options
                .iter()
                .position(|o| o == id)
                .unwrap_or_else(|| panic!("{id} is not in the checklist {options:?}"))
        })
        .collect();
    targets.sort_unstable();
    for t in targets {
        keys.push_str(&DOWN.repeat(t - at));
        keys.push_str(SPACE);
        at = t;
    }
    keys.push_str(ENTER);
    keys
}

fn signs_of(kb: &KnowledgeBase, seat: RoleId) -> Vec<&str> {
    kb.signs
        .iter()
        .filter(|s| s.seat == seat)
        .map(|s| s.id.as_str())
        .collect()
}

fn run_plain(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_nextseat"))
        .args(args)
        .current_dir(dir)
        .env_remove("NEXTSEAT_KB")
        .env("NEXTSEAT_READER", "phrases")
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .expect("the binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_founder_answers_every_question_and_gets_the_report_and_a_profile() {
    let kb = kb();
    let dir = tempfile::tempdir().expect("temp dir");
    let mut t = Tty::start(dir.path(), &["interview", "--save", "acme.toml"]);

    t.answer(&q(&kb, ProfileField::CompanyName), "Acme Logistics");

    // A refused answer is explained under the question, then corrected in place.
    t.answer(&q(&kb, ProfileField::AnnualRevenueUsd), "lots");
    t.expect("Type an amount in dollars");
    t.send(&BACKSPACE.repeat(4));
    t.send("2.5M");
    t.send(ENTER);

    t.answer(&q(&kb, ProfileField::Employees), "0");
    t.expect("Type a whole number of people");
    t.send(BACKSPACE);
    t.send("35");
    t.send(ENTER);

    t.answer(&q(&kb, ProfileField::Industry), "logistics");
    // Selects start on the profile's default: medium -> high, competitive, steady -> rapid.
    t.expect(&q(&kb, ProfileField::OperationalIntensity));
    t.send(DOWN);
    t.send(ENTER);
    t.answer(&q(&kb, ProfileField::Market), "");
    t.expect(&q(&kb, ProfileField::Growth));
    t.send(DOWN);
    t.send(ENTER);
    t.answer(&q(&kb, ProfileField::CurrentRoles), "");
    t.answer(&q(&kb, ProfileField::CeoExperienceYears), "2");
    t.answer(&q(&kb, ProfileField::CeoStrengths), "vision, sales");
    t.answer(&q(&kb, ProfileField::CeoGaps), "operations, finance");
    t.answer(&q(&kb, ProfileField::CeoPlansToStepDown), "");
    t.answer(&q(&kb, ProfileField::RetainKeyExecutive), "");

    // One checklist per seat, each sign explained above it.
    let signs_prompt = q(&kb, ProfileField::Signs);
    for seat in RoleId::SEATS {
        let role = kb.role(seat);
        t.expect(&signs_prompt.replace("{seat}", &role.name));
        let keys = if seat == RoleId::Coo {
            tick(
                &signs_of(&kb, seat),
                &["coo.firefighting", "coo.missing_sops"],
            )
        } else {
            ENTER.to_string()
        };
        t.send(&keys);
    }
    let firefighting = kb.sign("coo.firefighting").expect("sign");
    let legend = format!("- {}: {}", firefighting.label, firefighting.explain);
    assert!(
        squash(&t.transcript).contains(&squash(&legend)),
        "the checklist explains each sign:\n{}",
        t.transcript
    );

    let events: Vec<&str> = kb.events.iter().map(|e| e.id.as_str()).collect();
    t.expect(&q(&kb, ProfileField::Events));
    t.send(&tick(&events, &["rapid_expansion"]));
    t.answer(&q(&kb, ProfileField::Budget), "");

    // The narrative is read back: signs found, and a resolved statement not counted.
    t.answer(
        &q(&kb, ProfileField::Narrative),
        "Orders keep going out late and I am always putting out fires. Unlike last year, handoffs are fine.",
    );
    t.expect("nextseat found these signs in your words:");
    t.expect(&kb.sign("coo.slipping_deliverables").expect("sign").label);
    t.expect("(already ticked; counted once)");
    t.expect("Not counted:");
    t.answer("Keep this description?", "");
    // The sign found and not yet ticked is offered ticked; Enter confirms it.
    t.expect("Count these signs from your words?");
    t.expect(&kb.sign("coo.slipping_deliverables").expect("sign").label);
    t.send(ENTER);

    t.answer(
        &q(&kb, ProfileField::ShortTerm),
        "Stop missing delivery windows",
    );
    t.answer(&q(&kb, ProfileField::LongTerm), "Open a second depot");
    t.expect("Saved the answers to acme.toml");
    let (code, transcript) = t.finish();
    assert_eq!(code, 0, "{transcript}");

    // The saved profile is the contract's format and holds the answers.
    let saved = std::fs::read_to_string(dir.path().join("acme.toml")).expect("profile saved");
    let p = Profile::parse(&saved, Format::Toml, &kb).expect("the saved profile is valid");
    assert_eq!(p.company.name.as_deref(), Some("Acme Logistics"));
    assert_eq!(p.company.annual_revenue_usd, Some(2_500_000.0));
    assert_eq!(p.company.employees, 35);
    assert_eq!(p.company.operational_intensity.as_str(), "high");
    assert_eq!(p.company.market.as_str(), "competitive");
    assert_eq!(p.company.growth.as_str(), "rapid");
    assert_eq!(p.leadership.current_roles, vec![RoleId::Ceo]);
    assert_eq!(p.leadership.ceo_experience_years, Some(2));
    assert_eq!(p.leadership.ceo_gaps, vec!["operations", "finance"]);
    assert!(!p.leadership.ceo_plans_to_step_down);
    assert_eq!(
        p.situation.signs,
        vec!["coo.firefighting", "coo.missing_sops"]
    );
    assert_eq!(p.situation.events, vec!["rapid_expansion"]);
    let confirmed = p
        .situation
        .narrative_signs
        .as_deref()
        .expect("confirmed signs saved");
    assert_eq!(confirmed.len(), 1, "{confirmed:?}");
    assert_eq!(confirmed[0].id, "coo.slipping_deliverables");
    assert!(
        confirmed[0]
            .phrase
            .as_deref()
            .is_some_and(|p| p.contains("going out late")),
        "{confirmed:?}"
    );
    assert_eq!(p.objectives.long_term, vec!["Open a second depot"]);
    assert!(
        p.situation
            .narrative
            .as_deref()
            .is_some_and(|n| n.starts_with("Orders keep going out late"))
    );

    // `assess` of the saved file gives the COO, and the interview showed that very report.
    let (code, json, err) = run_plain(dir.path(), &["assess", "acme.toml", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(v["primary"], "coo", "{json}");
    let (code, report, err) = run_plain(dir.path(), &["assess", "acme.toml"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        report.contains("Next seat: Chief Operating Officer"),
        "{report}"
    );
    // The same words; on the terminal long lines wrap at its width, so spaces may differ.
    assert!(
        squash(&transcript).contains(&squash(&report)),
        "the interview shows the same report as assess\n--- assess ---\n{report}\n--- interview ---\n{transcript}"
    );
    let widest = transcript
        .lines()
        .skip_while(|l| !l.contains("nextseat assessment: Acme Logistics"))
        .map(|l| l.trim_end().chars().count())
        .max()
        .unwrap_or(0);
    assert!(
        widest <= 100,
        "the report wraps at the terminal's width: {widest} columns"
    );
}

#[test]
fn esc_stops_the_interview_and_writes_nothing() {
    let kb = kb();
    let dir = tempfile::tempdir().expect("temp dir");
    let mut t = Tty::start(
        dir.path(),
        &["interview", "--save", "p.toml", "-o", "report.txt"],
    );
    t.answer(&q(&kb, ProfileField::CompanyName), "Acme");
    t.expect(&q(&kb, ProfileField::AnnualRevenueUsd));
    t.send(ESC);
    t.expect("the interview was stopped; nothing was written");
    let (code, transcript) = t.finish();
    assert_eq!(code, 1, "{transcript}");
    assert!(!dir.path().join("p.toml").exists());
    assert!(!dir.path().join("report.txt").exists());
    let left: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").collect();
    assert!(left.is_empty(), "no temporary files either: {left:?}");
}

#[test]
fn ctrl_c_in_a_checklist_stops_the_interview_and_writes_nothing() {
    let kb = kb();
    let dir = tempfile::tempdir().expect("temp dir");
    let mut t = Tty::start(dir.path(), &["interview", "--save", "p.toml"]);
    t.answer(&q(&kb, ProfileField::CompanyName), "");
    t.answer(&q(&kb, ProfileField::AnnualRevenueUsd), "");
    t.answer(&q(&kb, ProfileField::Employees), "12");
    t.answer(&q(&kb, ProfileField::Industry), "");
    t.answer(&q(&kb, ProfileField::OperationalIntensity), "");
    t.answer(&q(&kb, ProfileField::Market), "");
    t.answer(&q(&kb, ProfileField::Growth), "");
    t.expect(&q(&kb, ProfileField::CurrentRoles));
    t.send(SPACE);
    t.send(CTRL_C);
    t.expect("the interview was stopped; nothing was written");
    let (code, transcript) = t.finish();
    assert_eq!(code, 1, "{transcript}");
    assert!(!dir.path().join("p.toml").exists());
}

#[test]
fn the_questions_are_the_knowledge_base_s_words() {
    // A consultancy rewords one question and drops another's entry: the reworded one is
    // asked in its words, the dropped one by its key.
    let dir = tempfile::tempdir().expect("temp dir");
    let default = kb();
    let name_q = q(&default, ProfileField::CompanyName);
    let employees_q = q(&default, ProfileField::Employees);
    let ours = DEFAULT_KB
        .replacen(
            &employees_q,
            "Headcount, please (everyone on the payroll)?",
            1,
        )
        .replacen(
            "field = \"company.name\"\n",
            "field = \"company.name_\"\n",
            1,
        );
    // An unknown field is an error `kb check` locates ...
    std::fs::write(dir.path().join("bad.toml"), &ours).expect("write kb");
    let (code, _, err) = run_plain(dir.path(), &["kb", "check", "bad.toml"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(
            "interview[0].field: unknown profile field \"company.name_\" (did you mean \"company.name\"?)"
        ),
        "{err}"
    );
    // ... so drop that entry altogether.
    let entry = format!("[[interview]]\nfield = \"company.name_\"\nprompt = \"{name_q}\"\n");
    let cut = ours.find(&entry).expect("the entry");
    let end = ours[cut..]
        .find("\n\n")
        .map(|i| cut + i + 2)
        .expect("entry end");
    let ours = format!("{}{}", &ours[..cut], &ours[end..]);
    std::fs::write(dir.path().join("ours.toml"), &ours).expect("write kb");
    let (code, out, err) = run_plain(dir.path(), &["kb", "check", "ours.toml"]);
    assert_eq!(code, 0, "{out}{err}");

    let mut t = Tty::start(dir.path(), &["--kb", "ours.toml", "interview"]);
    t.answer("company.name", "Acme");
    t.answer(&q(&default, ProfileField::AnnualRevenueUsd), "");
    t.expect("Headcount, please (everyone on the payroll)?");
    t.send(ESC);
    let (code, transcript) = t.finish();
    assert_eq!(code, 1, "{transcript}");
    assert!(!transcript.contains(&employees_q), "{transcript}");
}

#[test]
fn without_a_terminal_it_refuses_and_says_what_to_do() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (code, out, err) = run_plain(dir.path(), &["interview", "--save", "p.toml"]);
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty(), "{out}");
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains("needs a terminal"), "{err}");
    assert!(err.contains("nextseat assess PROFILE"), "{err}");
    assert!(!dir.path().join("p.toml").exists());
}

#[test]
fn help_teaches_with_examples() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (code, out, err) = run_plain(dir.path(), &["interview", "--help"]);
    assert_eq!(code, 0, "{err}");
    for needle in [
        "Examples:",
        "nextseat interview --save acme.toml",
        "--format",
        "Esc or Ctrl-C",
        "[[interview]]",
    ] {
        assert!(out.contains(needle), "{needle} missing from:\n{out}");
    }
}

#[test]
fn bad_arguments_are_refused_before_any_question() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (args, needle) in [
        (
            vec!["interview", "--save", "p.txt"],
            "name the file .toml or .json",
        ),
        (
            vec!["interview", "--save", "nowhere/p.toml"],
            "does not exist",
        ),
        (vec!["interview", "--save", "-"], "--save needs a file name"),
        (
            vec!["interview", "--save", "p.toml", "-o", "p.toml"],
            "name the same file",
        ),
    ] {
        let (code, _, err) = run_plain(dir.path(), &args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
    let left: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").collect();
    assert!(left.is_empty(), "{left:?}");
}
