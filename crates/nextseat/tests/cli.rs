//! The real `nextseat` binary, run as a user would: good paths, every bad input the
//! contract's error rules name, and the promise that a failed command writes no file.
#![allow(missing_docs)]

use std::path::{Path, PathBuf};

mod common;
use common::{EXAMPLE, Run, run_in};

fn run(args: &[&str]) -> Run {
    run_in(Path::new("."), args, None, &[])
}

struct Dir(tempfile::TempDir);

impl Dir {
    fn new() -> Dir {
        Dir(tempfile::tempdir().expect("temp dir"))
    }
    fn path(&self) -> &Path {
        self.0.path()
    }
    fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.0.path().join(name);
        std::fs::write(&p, bytes).expect("write fixture");
        p
    }
}

/// Runs `assess` on a profile with these contents and expects exit 2, no stdout, no
/// output file, and every `needles` on stderr.
fn bad_profile(name: &str, contents: &[u8], needles: &[&str]) {
    let d = Dir::new();
    d.file(name, contents);
    let r = run_in(d.path(), &["assess", name, "-o", "out.txt"], None, &[]);
    assert_eq!(r.code, 2, "exit code for {name}: stderr={}", r.stderr);
    assert!(r.stdout.is_empty(), "stdout must be empty: {}", r.stdout);
    assert!(
        !d.path().join("out.txt").exists(),
        "no output file on error"
    );
    let first = r.stderr.lines().next().unwrap_or_default().to_string();
    assert!(
        first.starts_with("error: "),
        "plain one-line cause: {}",
        r.stderr
    );
    for n in needles {
        assert!(
            r.stderr.contains(n),
            "stderr should contain {n:?}: {}",
            r.stderr
        );
    }
}

fn toml_profile(extra: &str) -> String {
    format!("[company]\nemployees = 20\n{extra}")
}

// ---------- good paths ----------

#[test]
fn assess_example_text() {
    let r = run(&["assess", EXAMPLE]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("Acme Logistics"));
    assert!(r.stdout.contains("Roadmap"));
    assert!(
        !r.stdout.contains("\x1b["),
        "no colour when stdout is not a terminal"
    );
}

#[test]
fn assess_json_is_the_contract_shape_and_deterministic() {
    let a = run(&["assess", EXAMPLE, "--format", "json"]);
    let b = run(&["assess", EXAMPLE, "--format", "json"]);
    assert_eq!(a.code, 0, "{}", a.stderr);
    assert_eq!(a.stdout, b.stdout, "same input, same bytes");
    let v: serde_json::Value = serde_json::from_str(&a.stdout).expect("valid JSON");
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["company"]["name"], "Acme Logistics");
    let needs = v["needs"].as_array().expect("needs");
    assert_eq!(needs.len(), 4);
    for n in needs {
        let score = n["score"].as_f64().expect("score");
        let sum: f64 = n["evidence"]
            .as_array()
            .expect("evidence")
            .iter()
            .map(|e| e["contribution"].as_f64().expect("contribution"))
            .sum();
        assert!((score - sum).abs() < 1e-9, "score {score} is the sum {sum}");
        assert!((0.0..=100.0).contains(&score));
    }
    assert_eq!(v["primary"], "coo");
    assert_eq!(v["roadmap"][0]["role"], "coo");
    assert_eq!(v["roadmap"][0]["trigger"], "now");
    assert!(v["coo_archetype"]["best"].is_string());
}

#[test]
fn assess_reads_json_from_stdin() {
    let r = run_in(
        Path::new("."),
        &["assess", "-", "--format", "json"],
        Some(br#"{"company": {"employees": 12}}"#),
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    assert_eq!(v["primary"], serde_json::Value::Null);
}

#[test]
fn assess_html_is_one_self_contained_page_with_a_chart() {
    let d = Dir::new();
    let r = run_in(
        d.path(),
        &["assess", EXAMPLE, "--format", "html", "-o", "r.html"],
        None,
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.is_empty());
    let html = std::fs::read_to_string(d.path().join("r.html")).expect("written");
    assert!(html.starts_with("<!doctype html>"));
    assert!(html.contains("<svg id=\"scores-chart\""));
    assert_eq!(html.matches("class=\"bar\"").count(), 4);
    assert!(!html.contains("<script"), "no scripts");
    assert!(!html.contains("src=\"http"), "no external resources");
    assert!(html.contains("@media print"));
    assert!(
        html.contains("id=\"nearest-alternative\""),
        "the primary beside its nearest alternative"
    );
    assert!(html.contains("Chief Operating Officer or Implementer?"));
}

#[test]
fn assess_pdf_is_written_to_a_file_and_never_to_a_terminal_or_pipe() {
    let d = Dir::new();
    let r = run_in(
        d.path(),
        &["assess", EXAMPLE, "--format", "pdf", "-o", "r.pdf"],
        None,
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pdf = std::fs::read(d.path().join("r.pdf")).expect("written");
    assert!(pdf.starts_with(b"%PDF-"), "a PDF");
    assert!(pdf.len() > 10_000, "{} bytes", pdf.len());
    let r = run(&["assess", EXAMPLE, "--format", "pdf"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("-o report.pdf"), "{}", r.stderr);
    assert!(r.stdout.is_empty());
}

#[test]
fn assess_markdown_has_tables() {
    let r = run(&["assess", EXAMPLE, "--format", "markdown"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .starts_with("# nextseat assessment: Acme Logistics")
    );
    assert!(r.stdout.contains("| Seat | Score | Verdict | Engagement |"));
}

#[test]
fn hostile_text_is_escaped_in_html_and_markdown() {
    let d = Dir::new();
    d.file(
        "p.toml",
        b"[company]\nname = \"<script>alert('x')</script> | \\\"q\\\"\"\nemployees = 20\n",
    );
    let r = run_in(
        d.path(),
        &["assess", "p.toml", "--format", "html"],
        None,
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains("<script>"), "escaped");
    assert!(
        r.stdout.contains("&#60;script&#62;"),
        "askama escapes < and >"
    );
    assert!(!r.stdout.contains("\"q\""), "quotes escaped");
    let m = run_in(
        d.path(),
        &["assess", "p.toml", "--format", "markdown"],
        None,
        &[],
    );
    assert!(!m.stdout.contains("<script>"));
}

#[test]
fn colour_only_on_request_of_a_terminal_and_never_with_no_color() {
    // Not a terminal here: no escape codes whatever NO_COLOR says.
    let r = run_in(
        Path::new("."),
        &["assess", EXAMPLE],
        None,
        &[("NO_COLOR", "1")],
    );
    assert!(!r.stdout.contains("\x1b["));
}

#[test]
fn output_file_is_written_whole() {
    let d = Dir::new();
    let r = run_in(
        d.path(),
        &["assess", EXAMPLE, "--format", "json", "-o", "a.json"],
        None,
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = std::fs::read_to_string(d.path().join("a.json")).expect("written");
    serde_json::from_str::<serde_json::Value>(&text).expect("complete JSON");
    let leftovers: Vec<_> = std::fs::read_dir(d.path())
        .expect("list")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".nextseat-"))
        .collect();
    assert!(leftovers.is_empty(), "no temp files left behind");
}

#[test]
fn roles_and_compare() {
    let r = run(&["roles"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for name in [
        "Chief Strategy Officer",
        "Chief Operating Officer",
        "Chief of Staff",
        "Implementer",
    ] {
        assert!(r.stdout.contains(name), "{name} listed");
    }
    let c = run(&["compare", "coo", "implementer"]);
    assert_eq!(c.code, 0, "{}", c.stderr);
    assert!(c.stdout.contains("Primary question"));
    assert!(c.stdout.contains("Executive"));
    let j = run(&["compare", "cso", "coo", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&j.stdout).expect("json");
    assert_eq!(v["left"], "cso");
    assert!(v["rows"].as_array().expect("rows").len() >= 8);
}

#[test]
fn kb_export_round_trips_through_check() {
    let d = Dir::new();
    let r = run_in(d.path(), &["kb", "export", "-o", "mine.toml"], None, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let c = run_in(d.path(), &["kb", "check", "mine.toml"], None, &[]);
    assert_eq!(c.code, 0, "{}", c.stderr);
    assert!(c.stdout.contains("ok"));
    let a = run_in(
        d.path(),
        &["--kb", "mine.toml", "assess", EXAMPLE, "--format", "json"],
        None,
        &[],
    );
    let b = run(&["assess", EXAMPLE, "--format", "json"]);
    assert_eq!(a.stdout, b.stdout, "the exported KB is the default");
}

#[test]
fn kb_edit_changes_the_result() {
    let d = Dir::new();
    let kb =
        nextseat_default_kb().replace("max_executive_hire_now = 1", "max_executive_hire_now = 3");
    d.file("mine.toml", kb.as_bytes());
    let r = run_in(
        d.path(),
        &["--kb", "mine.toml", "kb", "check", "mine.toml"],
        None,
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

fn nextseat_default_kb() -> String {
    run(&["kb", "export"]).stdout
}

#[test]
fn help_teaches_with_examples() {
    for args in [
        vec!["--help"],
        vec!["assess", "--help"],
        vec!["roles", "--help"],
        vec!["compare", "--help"],
        vec!["kb", "check", "--help"],
        vec!["kb", "export", "--help"],
        vec!["kb", "test", "--help"],
        vec!["fit", "--help"],
        vec!["ownership", "--help"],
        vec!["diagnose", "--help"],
        vec!["kb", "eval", "--help"],
        vec!["serve", "--help"],
    ] {
        let r = run(&args);
        assert_eq!(r.code, 0, "{args:?}");
        assert!(r.stdout.contains("Example"), "{args:?} has an example");
    }
}

// ---------- bad inputs: exit 2, one-line cause with file, key and position ----------

#[test]
fn bad_missing_file() {
    let d = Dir::new();
    let r = run_in(d.path(), &["assess", "nope.toml"], None, &[]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("nope.toml: no such file"), "{}", r.stderr);
}

#[test]
fn bad_empty_file() {
    bad_profile("p.toml", b"", &["p.toml", "empty"]);
}

#[test]
fn bad_whitespace_only_file() {
    bad_profile("p.json", b"  \n\n ", &["p.json", "empty"]);
}

#[test]
fn bad_binary_file() {
    bad_profile("p.toml", b"\x00\x01\x02\x03PNG", &["p.toml", "binary"]);
}

#[test]
fn bad_invalid_utf8() {
    bad_profile(
        "p.toml",
        b"[company]\nname = \"\xff\xfe\"\n",
        &["p.toml", "UTF-8"],
    );
}

#[test]
fn bad_malformed_toml() {
    bad_profile("p.toml", b"[company\nemployees = 3\n", &["p.toml:1:"]);
}

#[test]
fn bad_malformed_json() {
    bad_profile(
        "p.json",
        b"{\"company\": {\"employees\": 3,}}",
        &["p.json:1:"],
    );
}

#[test]
fn bad_unknown_extension() {
    bad_profile("p.yaml", b"company: {}", &["p.yaml", ".toml or .json"]);
}

#[test]
fn bad_directory_as_profile() {
    let d = Dir::new();
    std::fs::create_dir(d.path().join("x.toml")).expect("dir");
    let r = run_in(d.path(), &["assess", "x.toml"], None, &[]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("directory"), "{}", r.stderr);
}

#[test]
fn bad_unknown_table() {
    bad_profile(
        "p.toml",
        toml_profile("[compnay]\nname = \"x\"\n").as_bytes(),
        &["p.toml:3:", "compnay"],
    );
}

#[test]
fn bad_unknown_key() {
    bad_profile(
        "p.toml",
        b"[company]\nemployees = 3\nemployes = 4\n",
        &["p.toml:3:", "employes"],
    );
}

#[test]
fn bad_missing_employees() {
    bad_profile(
        "p.toml",
        b"[company]\nname = \"x\"\n",
        &["p.toml", "employees"],
    );
}

#[test]
fn bad_zero_employees() {
    bad_profile(
        "p.toml",
        b"[company]\nemployees = 0\n",
        &["p.toml:2:", "company.employees", "at least 1"],
    );
}

#[test]
fn bad_negative_employees() {
    bad_profile(
        "p.toml",
        b"[company]\nemployees = -5\n",
        &["p.toml:2:", "company.employees"],
    );
}

#[test]
fn bad_string_employees() {
    bad_profile(
        "p.toml",
        b"[company]\nemployees = \"many\"\n",
        &["p.toml:2:", "expected a whole number"],
    );
}

#[test]
fn bad_fractional_employees() {
    bad_profile("p.toml", b"[company]\nemployees = 3.5\n", &["p.toml:2:"]);
}

#[test]
fn bad_negative_revenue() {
    bad_profile(
        "p.toml",
        b"[company]\nemployees = 3\nannual_revenue_usd = -10\n",
        &["p.toml:3:", "company.annual_revenue_usd"],
    );
}

#[test]
fn bad_unknown_sign_suggests_closest() {
    bad_profile(
        "p.toml",
        toml_profile("[situation]\nsigns = [\"coo.missing_sops\", \"coo.firefihgting\"]\n")
            .as_bytes(),
        &[
            "p.toml:4:30",
            "situation.signs[1]",
            "did you mean \"coo.firefighting\"",
        ],
    );
}

#[test]
fn bad_unknown_event_suggests_closest() {
    bad_profile(
        "p.toml",
        toml_profile("[situation]\nevents = [\"mergr\"]\n").as_bytes(),
        &[
            "p.toml:4:",
            "situation.events[0]",
            "did you mean \"merger\"",
        ],
    );
}

#[test]
fn bad_unknown_current_role() {
    bad_profile(
        "p.toml",
        toml_profile("[leadership]\ncurrent_roles = [\"ceo\", \"cfo\"]\n").as_bytes(),
        &["p.toml:4:", "cfo"],
    );
}

#[test]
fn bad_enum_value() {
    bad_profile(
        "p.toml",
        b"[company]\nemployees = 3\noperational_intensity = \"extreme\"\n",
        &["p.toml:3:", "extreme", "high"],
    );
}

#[test]
fn bad_budget_type() {
    bad_profile(
        "p.toml",
        toml_profile("[situation]\nbudget = 5000\n").as_bytes(),
        &["p.toml:4:"],
    );
}

#[test]
fn bad_experience_out_of_range() {
    bad_profile(
        "p.toml",
        toml_profile("[leadership]\nceo_experience_years = 200\n").as_bytes(),
        &[
            "p.toml:4:",
            "leadership.ceo_experience_years",
            "between 0 and 100",
        ],
    );
}

#[test]
fn bad_bool_type() {
    bad_profile(
        "p.toml",
        toml_profile("[leadership]\nceo_plans_to_step_down = \"yes\"\n").as_bytes(),
        &["p.toml:4:"],
    );
}

#[test]
fn bad_control_characters_in_text() {
    bad_profile(
        "p.json",
        b"{\"company\": {\"employees\": 3, \"name\": \"a\\u0007b\"}}",
        &["p.json", "company.name", "control characters"],
    );
}

#[test]
fn bad_json_unknown_sign_is_located() {
    bad_profile(
        "p.json",
        b"{\n  \"company\": {\"employees\": 3},\n  \"situation\": {\"signs\": [\"cso.new_market\"]}\n}",
        &["p.json:3:", "situation.signs[0]", "did you mean \"cso.new_markets\""],
    );
}

#[test]
fn bad_json_wrong_type() {
    bad_profile(
        "p.json",
        b"{\"company\": {\"employees\": 3}, \"situation\": {\"signs\": \"coo.firefighting\"}}",
        &["p.json:1:", "expected a list"],
    );
}

#[test]
fn bad_json_on_stdin() {
    let r = run_in(Path::new("."), &["assess", "-"], Some(b"{not json"), &[]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("<stdin>:1:"), "{}", r.stderr);
}

#[test]
fn bad_every_problem_is_reported() {
    let d = Dir::new();
    d.file(
        "p.toml",
        b"[company]\nemployees = 0\n[situation]\nsigns = [\"x.y\"]\nevents = [\"mergr\"]\n",
    );
    let r = run_in(d.path(), &["assess", "p.toml"], None, &[]);
    assert_eq!(r.code, 2);
    assert_eq!(r.stderr.lines().count(), 3, "{}", r.stderr);
}

#[test]
fn bad_compare_unknown_role() {
    let r = run(&["compare", "coo", "chief_of_stuff"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("did you mean \"chief_of_staff\""),
        "{}",
        r.stderr
    );
}

#[test]
fn bad_compare_same_role() {
    let r = run(&["compare", "coo", "coo"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("two different roles"));
}

#[test]
fn roles_are_accepted_in_any_case_and_by_common_aliases() {
    let r = run(&["compare", "COO", "cos"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .starts_with("Chief Operating Officer vs Chief of Staff")
    );
    let r = run(&["roles", "Chief-of-Staff"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("Chief of Staff"));
}

#[test]
fn bad_roles_unknown_role() {
    let r = run(&["roles", "cto"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("unknown role \"cto\""), "{}", r.stderr);
}

#[test]
fn bad_unknown_format_is_a_usage_error() {
    let r = run(&["assess", EXAMPLE, "--format", "pdf"]);
    assert_eq!(r.code, 2);
    assert!(r.stdout.is_empty());
}

#[test]
fn bad_kb_syntax() {
    let d = Dir::new();
    d.file("kb.toml", b"[meta\nname = 1\n");
    let r = run_in(d.path(), &["--kb", "kb.toml", "assess", EXAMPLE], None, &[]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("kb.toml:1:"), "{}", r.stderr);
}

#[test]
fn bad_kb_reports_every_problem_with_suggestions() {
    let d = Dir::new();
    let kb = nextseat_default_kb()
        .replacen(
            "implies = [\"cso.major_transition\"]",
            "implies = [\"cso.major_transitoin\"]",
            1,
        )
        .replacen(
            "source = \"000_522040d38586ecc8.txt\"",
            "source = \"000_52204.txt\"",
            1,
        )
        .replacen(
            "[[verdicts]]\nverdict = \"not_yet\"\nmin = 0",
            "[[verdicts]]\nverdict = \"not_yet\"\nmin = 5",
            1,
        );
    d.file("kb.toml", kb.as_bytes());
    let r = run_in(d.path(), &["kb", "check", "kb.toml"], None, &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("did you mean \"cso.major_transition\""),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("did you mean \"000_522040d38586ecc8.txt\""),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("verdicts"), "{}", r.stderr);
    assert!(r.stderr.contains("3 problems found"), "{}", r.stderr);
    for line in r.stderr.lines().filter(|l| !l.contains("problems found")) {
        assert!(line.starts_with("error: kb.toml:"), "located: {line}");
    }
}

#[test]
fn bad_kb_unknown_section_and_field() {
    let d = Dir::new();
    let kb = format!("{}\n[colours]\nred = 1\n", nextseat_default_kb()).replacen(
        "[meta]\n",
        "[meta]\nauthor = \"me\"\n",
        1,
    );
    d.file("kb.toml", kb.as_bytes());
    let r = run_in(d.path(), &["kb", "check", "kb.toml"], None, &[]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("colours"), "{}", r.stderr);
    assert!(r.stderr.contains("author"), "{}", r.stderr);
}

#[test]
fn bad_kb_missing_file() {
    let r = run(&["kb", "check", "/nonexistent/kb.toml"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no such file"));
}

#[test]
fn kb_check_json_lists_problems() {
    let d = Dir::new();
    let kb = nextseat_default_kb().replacen(
        "id = \"coo.firefighting\"",
        "id = \"coo.fire fighting\"",
        1,
    );
    d.file("kb.toml", kb.as_bytes());
    let r = run_in(
        d.path(),
        &["kb", "check", "kb.toml", "--format", "json"],
        None,
        &[],
    );
    assert_eq!(r.code, 2);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    assert_eq!(v["ok"], false);
    assert!(
        v["problems"]
            .as_array()
            .expect("problems")
            .iter()
            .all(|p| p["line"].is_number())
    );
}

// ---------- candidate fit ----------

const DANA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../examples/candidate-dana.toml"
);

#[test]
fn fit_json_is_the_contract_shape() {
    let r = run(&["fit", DANA, "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    assert_eq!(v["candidate"], "Dana");
    let fits = v["fits"].as_array().expect("fits");
    assert_eq!(fits.len(), 4, "all four seats without --role");
    assert_eq!(fits[0]["role"], "coo", "best first");
    let gaps = fits[0]["gaps"].as_array().expect("gaps");
    assert!(
        gaps.iter()
            .any(|g| g["skill"] == "financial_acumen" && g["required"] == 4 && g["rating"] == 3)
    );
    assert_eq!(v["can_also_cover"], serde_json::json!(["implementer"]));
    for f in fits {
        let sum: f64 = f["requirements"]
            .as_array()
            .expect("reqs")
            .iter()
            .map(|q| q["contribution"].as_f64().expect("n"))
            .sum();
        assert!((sum - f["score"].as_f64().expect("score")).abs() < 1e-9);
    }
    let one = run(&["fit", DANA, "--role", "implementer", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&one.stdout).expect("json");
    assert_eq!(v["fits"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        v["can_also_cover"],
        serde_json::json!([]),
        "an implementer fit does not make a COO"
    );
}

#[test]
fn fit_text_names_gaps_and_cover() {
    let r = run(&["fit", DANA]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("Can also cover: Implementer"));
    assert!(r.stdout.contains("gap"));
}

#[test]
fn bad_fit_unknown_skill() {
    let d = Dir::new();
    d.file(
        "c.toml",
        b"[candidate]\nname = \"X\"\n[skills]\npeople_skill = 4\n",
    );
    let r = run_in(d.path(), &["fit", "c.toml"], None, &[]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("c.toml:4:"), "{}", r.stderr);
    assert!(
        r.stderr.contains("did you mean \"people_skills\""),
        "{}",
        r.stderr
    );
}

#[test]
fn bad_fit_rating_out_of_range() {
    let d = Dir::new();
    d.file(
        "c.json",
        b"{\"candidate\": {\"name\": \"X\"}, \"skills\": {\"logic\": 6}}",
    );
    let r = run_in(d.path(), &["fit", "c.json"], None, &[]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("skills.logic") && r.stderr.contains("outside 0"),
        "{}",
        r.stderr
    );
}

#[test]
fn bad_fit_role() {
    let r = run(&["fit", DANA, "--role", "ceo"]);
    assert_eq!(r.code, 2);
    let r = run(&["fit", DANA, "--role", "cooo"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("did you mean \"coo\""), "{}", r.stderr);
}

// ---------- ownership audit ----------

const ACME_CSV: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../examples/acme-ownership.csv"
);

#[test]
fn ownership_json_is_the_contract_shape() {
    let r = run(&["ownership", ACME_CSV, "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    let items = v["items"].as_array().expect("items");
    assert_eq!(items.len(), 9, "one item per distinct responsibility");
    let sops = &items[0];
    assert_eq!(
        sops["responsibility"],
        "Write standard operating procedures"
    );
    assert_eq!(sops["owners"], serde_json::json!(["ceo"]));
    assert_eq!(sops["recommended_role"], "coo");
    assert!(sops["confidence"].as_f64().expect("confidence") > 0.5);
    assert_eq!(
        v["overlaps"],
        serde_json::json!(["Weekly sales pipeline review"])
    );
    assert_eq!(v["ceo_overload"], true);
    let gaps: Vec<&str> = v["gaps"]
        .as_array()
        .expect("gaps")
        .iter()
        .filter_map(|g| g.as_str())
        .collect();
    assert!(gaps.contains(&"Key cross-functional projects"), "{gaps:?}");
    let signs: Vec<&str> = v["signs"]
        .as_array()
        .expect("signs")
        .iter()
        .filter_map(|g| g.as_str())
        .collect();
    assert!(signs.contains(&"coo.delegation_overload"));
    assert!(signs.contains(&"cos.key_projects_unowned"));
    assert!(signs.contains(&"cos.executive_coordination"));
}

#[test]
fn assess_folds_in_ownership_signs() {
    let plain = run(&["assess", EXAMPLE, "--format", "json"]);
    let with = run(&[
        "assess",
        EXAMPLE,
        "--ownership",
        ACME_CSV,
        "--format",
        "json",
    ]);
    assert_eq!(with.code, 0, "{}", with.stderr);
    let a: serde_json::Value = serde_json::from_str(&plain.stdout).expect("json");
    let b: serde_json::Value = serde_json::from_str(&with.stdout).expect("json");
    let owned: Vec<&serde_json::Value> = b["signs"]
        .as_array()
        .expect("signs")
        .iter()
        .filter(|s| s["origin"] == "ownership")
        .collect();
    assert!(!owned.is_empty());
    assert!(owned.iter().all(|s| s["evidence"].is_string()));
    let cos = |v: &serde_json::Value| {
        v["needs"]
            .as_array()
            .expect("needs")
            .iter()
            .find(|n| n["role"] == "chief_of_staff")
            .and_then(|n| n["score"].as_f64())
            .expect("cos")
    };
    assert!(
        cos(&b) > cos(&a),
        "ownership findings raise the Chief of Staff need"
    );
}

#[test]
fn bad_ownership_missing_header() {
    let d = Dir::new();
    d.file("o.csv", b"Write SOPs,ceo\n");
    let r = run_in(d.path(), &["ownership", "o.csv"], None, &[]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("o.csv:1:") && r.stderr.contains("header"),
        "{}",
        r.stderr
    );
}

#[test]
fn bad_ownership_wrong_columns_and_unknown_role() {
    let d = Dir::new();
    d.file(
        "o.csv",
        b"responsibility,owner_role\nBudgets,coo\nSOPs,ceo,extra\nHiring,cfo\n",
    );
    let r = run_in(
        d.path(),
        &["ownership", "o.csv", "--format", "json"],
        None,
        &[],
    );
    assert_eq!(r.code, 2);
    assert!(r.stdout.is_empty());
    assert!(
        r.stderr.contains("o.csv:3:") && r.stderr.contains("2 columns"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("o.csv:4:") && r.stderr.contains("unknown role \"cfo\""),
        "{}",
        r.stderr
    );
}

#[test]
fn bad_assess_ownership_file_stops_the_assessment() {
    let d = Dir::new();
    d.file("o.csv", b"responsibility;owner\n");
    let r = run_in(
        d.path(),
        &["assess", EXAMPLE, "--ownership", "o.csv", "-o", "out.json"],
        None,
        &[],
    );
    assert_eq!(r.code, 2);
    assert!(!d.path().join("out.json").exists());
}

// ---------- narrative intake ----------

#[test]
fn diagnose_from_argument_file_and_stdin() {
    let text =
        "Orders keep going out late. Deliverables are never late. We do not lack procedures.";
    let a = run(&["diagnose", text, "--format", "json"]);
    assert_eq!(a.code, 0, "{}", a.stderr);
    let v: serde_json::Value = serde_json::from_str(&a.stdout).expect("json");
    let signs = v["signs"].as_array().expect("signs");
    assert_eq!(signs.len(), 1, "{signs:?}");
    assert_eq!(signs[0]["id"], "coo.slipping_deliverables");
    assert_eq!(signs[0]["phrase"], "Orders keep going out late");
    assert_eq!(signs[0]["line"], 1);
    assert_eq!(signs[0]["column"], 1);
    assert!(
        v["suppressed"]
            .as_array()
            .expect("suppressed")
            .iter()
            .any(|s| s["id"] == "coo.missing_sops")
    );

    let d = Dir::new();
    d.file("notes.txt", text.as_bytes());
    let b = run_in(
        d.path(),
        &["diagnose", "--file", "notes.txt", "--format", "json"],
        None,
        &[],
    );
    assert_eq!(b.stdout, a.stdout, "--file reads the same");
    let c = run_in(
        d.path(),
        &["diagnose", "--format", "json"],
        Some(text.as_bytes()),
        &[],
    );
    assert_eq!(c.stdout, a.stdout, "stdin reads the same");
    let t = run(&["diagnose", text]);
    assert!(t.stdout.contains("coo.slipping_deliverables") && t.stdout.contains("Not counted"));
}

#[test]
fn assess_diagnoses_the_profile_narrative() {
    let d = Dir::new();
    d.file(
        "p.toml",
        b"[company]\nemployees = 25\n[situation]\nsigns = [\"coo.slipping_deliverables\"]\nnarrative = \"Orders keep going out late and I am constantly putting out fires.\"\n",
    );
    let r = run_in(
        d.path(),
        &["assess", "p.toml", "--format", "json"],
        None,
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    let signs = v["signs"].as_array().expect("signs");
    let late: Vec<_> = signs
        .iter()
        .filter(|s| s["id"] == "coo.slipping_deliverables")
        .collect();
    assert_eq!(late.len(), 1, "declared and narrative count once");
    assert_eq!(late[0]["origin"], "declared");
    let fire = signs
        .iter()
        .find(|s| s["id"] == "coo.firefighting")
        .expect("found in narrative");
    assert_eq!(fire["origin"], "narrative");
    assert_eq!(fire["evidence"], "putting out fires");
}

#[test]
fn bad_diagnose_missing_file() {
    let r = run(&["diagnose", "--file", "/nonexistent/notes.txt"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no such file"));
}

#[test]
fn kb_eval_reports_precision_and_recall() {
    let set = concat!(env!("CARGO_MANIFEST_DIR"), "/../../kb/eval/narrative.toml");
    let r = run(&["kb", "eval", set]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let last = r.stdout.lines().last().unwrap_or("");
    assert!(
        last.contains("precision") && last.contains("recall"),
        "{last}"
    );
    assert!(
        r.stdout.contains("  coo.firefighting "),
        "one line per sign"
    );
    assert!(!r.stdout.contains("miss  "), "misses only with --misses");
    let r = run(&["kb", "eval", set, "--misses"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("miss  "),
        "the phrase matcher misses one of these"
    );
}

#[test]
fn kb_eval_measures_an_ownership_set_per_seat() {
    let set = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../kb/eval/dev/ownership.toml"
    );
    let r = run(&["kb", "eval", set]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let last = r.stdout.lines().last().unwrap_or("");
    assert!(
        last.contains("right seat") && last.contains("read by words"),
        "{last}"
    );
    for seat in ["cso", "coo", "chief_of_staff", "implementer", "none"] {
        assert!(
            r.stdout.contains(&format!("  {seat} ")),
            "{seat}: {}",
            r.stdout
        );
    }
}

// ---------- golden outputs ----------

/// Compares a command's stdout with a file under tests/golden; `UPDATE_GOLDEN=1`
/// rewrites the file (review the diff before committing it).
fn golden(name: &str, args: &[&str]) {
    let r = run(args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &r.stdout).expect("write golden");
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run with UPDATE_GOLDEN=1 to create)",
            path.display()
        )
    });
    assert!(
        r.stdout == want,
        "{name} differs from the golden file; got:\n{}",
        r.stdout
    );
}

#[test]
fn golden_assess_json() {
    golden("assess-acme.json", &["assess", EXAMPLE, "--format", "json"]);
}

#[test]
fn golden_assess_with_ownership_text() {
    golden(
        "assess-acme-ownership.txt",
        &["assess", EXAMPLE, "--ownership", ACME_CSV],
    );
}

#[test]
fn golden_ownership_json() {
    golden(
        "ownership-acme.json",
        &["ownership", ACME_CSV, "--format", "json"],
    );
}

#[test]
fn golden_fit_json() {
    golden("fit-dana.json", &["fit", DANA, "--format", "json"]);
}

#[test]
fn golden_diagnose_json() {
    golden(
        "diagnose.json",
        &[
            "diagnose",
            "Orders keep going out late and I spend my week chasing people. We don't lack procedures, but nothing is written down. Unlike last year, handoffs are fine.",
            "--format",
            "json",
        ],
    );
}

/// The permission bits of a file.
#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .expect("file exists")
        .permissions()
        .mode()
        & 0o777
}

#[cfg(unix)]
#[test]
fn written_files_get_the_permissions_of_any_new_file_or_keep_those_they_replace() {
    use std::os::unix::fs::PermissionsExt;
    let d = Dir::new();
    // What this process's umask gives a new file, to compare with.
    let plain = d.file("plain.txt", b"x");
    d.file(
        "in.csv",
        b"name,employees,signs\nAcme,35,coo.firefighting\n",
    );
    for (args, written) in [
        (
            vec!["assess", EXAMPLE, "--format", "html", "-o", "report.html"],
            "report.html",
        ),
        (vec!["batch", "in.csv", "-o", "scored.csv"], "scored.csv"),
    ] {
        let r = run_in(d.path(), &args, None, &[]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let out = d.path().join(written);
        assert_eq!(mode(&out), mode(&plain), "{args:?}: a new output file");
        // Rewritten, a file keeps the permissions its owner gave it.
        std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o640)).expect("chmod");
        let r = run_in(d.path(), &args, None, &[]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_eq!(mode(&out), 0o640, "{args:?}: a replaced output file");
    }
}

#[test]
fn an_output_that_cannot_be_written_is_named_and_explained_before_any_work() {
    let d = Dir::new();
    d.file("in.csv", b"name,employees\nAcme,35\n");
    std::fs::create_dir(d.path().join("results")).expect("folder");
    // A folder where a file is wanted: a usage error, said before the batch runs.
    let r = run_in(d.path(), &["batch", "in.csv", "-o", "results"], None, &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("results is a folder"), "{}", r.stderr);
    // A folder that does not exist: the message names it, not a temporary file.
    for args in [
        vec!["batch", "in.csv", "-o", "missing/scored.csv"],
        vec!["assess", EXAMPLE, "-o", "missing/report.txt"],
    ] {
        let r = run_in(d.path(), &args, None, &[]);
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert!(
            r.stderr.contains("the folder missing does not exist"),
            "{}",
            r.stderr
        );
        assert!(!r.stderr.contains(".nextseat-"), "{}", r.stderr);
    }
    assert!(!d.path().join("missing").exists());
}

#[test]
fn every_shape_problem_of_a_profile_is_reported_at_once_with_the_closest_key() {
    bad_profile(
        "p.toml",
        b"[company]\nemployees = \"x\"\nannual_revenue_usd = \"y\"\ngrowht = \"rapid\"\n[leadership]\nceo_experience_years = \"z\"\n",
        &[
            "p.toml:2:13: company.employees: invalid type",
            "p.toml:3:22: company.annual_revenue_usd: invalid type",
            "company.growht: unknown key \"growht\" (did you mean \"growth\"?)",
            "p.toml:6:24: leadership.ceo_experience_years: invalid type",
        ],
    );
    bad_profile(
        "p.json",
        br#"{"company":{"employees":3},"situation":{"budget":"huge","signs":"coo.firefighting"}}"#,
        &[
            "situation.budget: unknown variant",
            "situation.signs: invalid type",
        ],
    );
}

#[test]
fn kb_check_on_a_profile_says_it_is_a_profile() {
    let r = run(&["kb", "check", EXAMPLE]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("this is a company profile, not a knowledge base"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stderr.lines().count(), 2, "one problem: {}", r.stderr);
}
