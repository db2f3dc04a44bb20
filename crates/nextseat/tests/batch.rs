//! `nextseat batch`, run as a consultancy runs it: CSV and JSONL in and out, bad rows
//! that do not stop the batch, order kept across workers, nothing written on a bad
//! header, and no half-written output when the batch is interrupted.
#![allow(missing_docs)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};

const HEADER: &str = "name,annual_revenue_usd,employees,industry,operational_intensity,market,growth,current_roles,ceo_experience_years,ceo_strengths,ceo_gaps,ceo_plans_to_step_down,retain_key_executive,signs,events,budget,narrative";
const ACME_ROW: &str = "Acme Logistics,2500000,35,logistics,high,competitive,rapid,ceo,2,vision;sales,operations;finance,false,false,coo.firefighting;coo.missing_sops;coo.slipping_deliverables;impl.admin_backlog,rapid_expansion,moderate,";

mod common;
use common::{EXAMPLE, Run, run_in};

/// `nextseat ARGS` in `dir`, with `stdin` piped in.
fn nextseat(dir: &Path, args: &[&str], stdin: &[u8]) -> Run {
    run_in(dir, args, Some(stdin), &[])
}

fn csv_rows(text: &str) -> Vec<csv::StringRecord> {
    csv::Reader::from_reader(text.as_bytes())
        .records()
        .collect::<Result<_, _>>()
        .expect("the output is CSV")
}

fn assess_json(dir: &Path, profile: &str) -> serde_json::Value {
    let r = nextseat(dir, &["assess", profile, "--format", "json"], b"");
    assert_eq!(r.code, 0, "{}", r.stderr);
    serde_json::from_str(&r.stdout).expect("assess JSON")
}

#[test]
fn csv_rows_are_scored_in_order_and_bad_rows_get_their_error() {
    let dir = tempfile::tempdir().expect("dir");
    let input = format!(
        "{HEADER}\n{ACME_ROW}\nZero Co,,0,,,,,,,,,,,,,,\nTypo Ltd,,12,,,,,,,,,,,coo.firefihgting,,,\n,,8,,,,,,,,,,,cso.new_markets;cso.growth_ceiling;cso.ideas_without_plan,,lean,\n"
    );
    std::fs::write(dir.path().join("clients.csv"), input).expect("input");
    let r = nextseat(
        dir.path(),
        &["batch", "clients.csv", "-o", "scored.csv"],
        b"",
    );
    assert_eq!(r.code, 2, "a bad row makes the exit code 2: {}", r.stderr);
    assert!(
        r.stderr
            .contains("4 rows: 2 assessed, 2 with errors (see their error column)"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("2 of 4 rows were invalid"),
        "{}",
        r.stderr
    );

    let out = std::fs::read_to_string(dir.path().join("scored.csv")).expect("output written");
    assert_eq!(
        out.lines().next(),
        Some("row,name,primary,cso,coo,chief_of_staff,implementer,coo_archetype,error")
    );
    let rows = csv_rows(&out);
    assert_eq!(rows.len(), 4);
    let rows_col: Vec<&str> = rows.iter().map(|r| &r[0]).collect();
    assert_eq!(rows_col, ["1", "2", "3", "4"]);

    // Row 1 is the example profile: the same scores as `assess` gives the file.
    let a = assess_json(dir.path(), EXAMPLE);
    let score = |role: &str| {
        a["needs"]
            .as_array()
            .and_then(|n| n.iter().find(|x| x["role"] == role))
            .map(|x| format!("{:.1}", x["score"].as_f64().unwrap_or(-1.0)))
            .unwrap_or_default()
    };
    assert_eq!(&rows[0][1], "Acme Logistics");
    assert_eq!(&rows[0][2], a["primary"].as_str().unwrap_or(""));
    for (i, role) in ["cso", "coo", "chief_of_staff", "implementer"]
        .iter()
        .enumerate()
    {
        assert_eq!(rows[0][3 + i], score(role), "{role}");
    }
    assert_eq!(
        &rows[0][7],
        a["coo_archetype"]["best"].as_str().unwrap_or("")
    );
    assert_eq!(&rows[0][8], "");

    assert_eq!(&rows[1][1], "Zero Co", "a bad row keeps its name");
    assert!(rows[1][8].contains("employees: must be a whole number of at least 1"));
    assert_eq!(&rows[1][3], "", "no scores for a bad row");
    assert!(
        rows[2][8].contains(
            "signs[0]: unknown sign id \"coo.firefihgting\" (did you mean \"coo.firefighting\"?)"
        ),
        "{}",
        &rows[2][8]
    );
    assert_eq!(&rows[3][8], "");
    assert_eq!(&rows[3][2], "cso");
}

#[test]
fn jsonl_in_and_out_carries_the_assess_json_with_row_and_error() {
    let dir = tempfile::tempdir().expect("dir");
    let bright = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/bright-studio.json"
    ))
    .expect("example");
    let bright_line =
        serde_json::to_string(&serde_json::from_str::<serde_json::Value>(&bright).expect("json"))
            .expect("one line");
    let input = format!("{bright_line}\n\n{{\"company\": {{\"employees\": -3}}}}\nnot json\n");
    std::fs::write(dir.path().join("in.jsonl"), input).expect("input");
    let r = nextseat(dir.path(), &["batch", "in.jsonl", "-o", "out.jsonl"], b"");
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("3 rows: 1 assessed, 2 with errors"),
        "{}",
        r.stderr
    );
    let out = std::fs::read_to_string(dir.path().join("out.jsonl")).expect("written");
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(lines.len(), 3, "the blank line is not a row");

    let mut first = lines[0].clone();
    assert_eq!(first["row"], 1);
    assert!(first["error"].is_null());
    let obj = first.as_object_mut().expect("object");
    obj.remove("row");
    obj.remove("error");
    let direct = assess_json(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        "../../examples/bright-studio.json",
    );
    assert_eq!(
        first, direct,
        "a JSONL result is the assess JSON plus row and error"
    );

    assert_eq!(lines[1]["row"], 2);
    assert!(
        lines[1]["error"]
            .as_str()
            .is_some_and(|e| e.contains("company.employees")),
        "{}",
        lines[1]
    );
    assert!(lines[1].get("needs").is_none());
    assert_eq!(lines[2]["row"], 3);
    assert!(lines[2]["error"].as_str().is_some_and(|e| !e.is_empty()));
}

#[test]
fn csv_in_jsonl_out_and_stdout_output() {
    let dir = tempfile::tempdir().expect("dir");
    let input = format!("{HEADER}\n{ACME_ROW}\n");
    std::fs::write(dir.path().join("in.csv"), &input).expect("input");
    let r = nextseat(dir.path(), &["batch", "in.csv", "-o", "out.ndjson"], b"");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = std::fs::read_to_string(dir.path().join("out.ndjson")).expect("written");
    let v: serde_json::Value = serde_json::from_str(out.trim()).expect("one JSON line");
    assert_eq!(v["primary"], "coo");
    assert_eq!(v["company"]["name"], "Acme Logistics");

    let r = nextseat(dir.path(), &["batch", "-", "-o", "-"], input.as_bytes());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = csv_rows(&r.stdout);
    assert_eq!(rows.len(), 1);
    assert_eq!(&rows[0][2], "coo");
    // No progress bar on a pipe: stderr holds the note on unconfirmed narrative signs
    // (the input has a narrative column) and the summary line.
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{:?}", r.stderr);
    assert!(
        lines[0].contains("without anyone confirming them"),
        "{lines:?}"
    );
    assert!(lines[1].starts_with("batch: 1 row: 1 assessed, 0 with errors"));
    assert!(!r.stderr.contains('\r'));
}

#[test]
fn many_rows_across_workers_keep_their_order() {
    let dir = tempfile::tempdir().expect("dir");
    let mut input = String::from("name,employees,signs\n");
    let signs = [
        "coo.firefighting",
        "cso.new_markets",
        "impl.admin_backlog",
        "",
    ];
    for i in 1..=5000 {
        input.push_str(&format!("C{i},{},{}\n", 1 + i % 900, signs[i % 4]));
    }
    std::fs::write(dir.path().join("many.csv"), input).expect("input");
    let r = nextseat(
        dir.path(),
        &["batch", "many.csv", "-o", "out.csv", "--jobs", "3"],
        b"",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = csv_rows(&std::fs::read_to_string(dir.path().join("out.csv")).expect("out"));
    assert_eq!(rows.len(), 5000);
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row[0], (i + 1).to_string());
        assert_eq!(row[1], format!("C{}", i + 1));
    }
    // The same input with one worker gives the same bytes.
    let r1 = nextseat(
        dir.path(),
        &["batch", "many.csv", "-o", "one.csv", "--jobs", "1"],
        b"",
    );
    assert_eq!(r1.code, 0, "{}", r1.stderr);
    assert_eq!(
        std::fs::read(dir.path().join("one.csv")).expect("one"),
        std::fs::read(dir.path().join("out.csv")).expect("out")
    );
}

#[test]
fn a_bad_header_or_format_writes_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(dir.path().join("h.csv"), "name,employes,sign\nA,3,\n").expect("input");
    let r = nextseat(dir.path(), &["batch", "h.csv", "-o", "out.csv"], b"");
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("unknown column \"employes\"")
            && r.stderr.contains("(did you mean \"employees\"?)"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("(did you mean \"signs\"?)"),
        "{}",
        r.stderr
    );
    assert!(!dir.path().join("out.csv").exists());
    let leftovers = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(".nextseat"))
        .count();
    assert_eq!(leftovers, 0, "no temporary file left behind");

    std::fs::write(dir.path().join("empty.csv"), "").expect("input");
    let r = nextseat(dir.path(), &["batch", "empty.csv", "-o", "out.csv"], b"");
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("header row"), "{}", r.stderr);

    let r = nextseat(dir.path(), &["batch", "h.csv", "-o", "out.xlsx"], b"");
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--to csv|jsonl"), "{}", r.stderr);
    let r = nextseat(dir.path(), &["batch", "h.csv", "-o", "h.csv"], b"");
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("is the input"), "{}", r.stderr);
    let r = nextseat(dir.path(), &["batch", "missing.csv", "-o", "out.csv"], b"");
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("missing.csv: no such file"),
        "{}",
        r.stderr
    );
}

/// Starts a batch reading CSV from a pipe into `scored.csv` in `dir`, with `--verbose`,
/// and returns it once it says it is under way (its first stderr line, read blocking).
fn start_batch(
    dir: &Path,
) -> (
    std::process::Child,
    std::process::ChildStdin,
    BufReader<std::process::ChildStderr>,
) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_nextseat"))
        .env("NEXTSEAT_READER", "phrases")
        .args([
            "batch",
            "-",
            "-o",
            "scored.csv",
            "--from",
            "csv",
            "--verbose",
        ])
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    let mut stdin = child.stdin.take().expect("stdin");
    let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
    writeln!(stdin, "{HEADER}").expect("header");
    stdin.flush().expect("flush");
    let mut line = String::new();
    stderr
        .read_line(&mut line)
        .expect("the batch says it is under way");
    assert!(
        line.contains("renamed to scored.csv when every row is in"),
        "{line}"
    );
    (child, stdin, stderr)
}

fn temp_outputs(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".nextseat-") && n.ends_with(".partial"))
        .collect()
}

#[test]
fn an_interrupted_batch_leaves_the_previous_output_untouched() {
    let dir = tempfile::tempdir().expect("dir");
    let target = dir.path().join("scored.csv");
    std::fs::write(&target, "the previous results\n").expect("old output");
    let (child, mut stdin, mut stderr) = start_batch(dir.path());
    assert_eq!(
        temp_outputs(dir.path()).len(),
        1,
        "the temporary output exists"
    );
    for _ in 0..2000 {
        writeln!(stdin, "{ACME_ROW}").expect("row");
    }
    stdin.flush().expect("flush");
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    // More rows after the interrupt are not written either.
    for _ in 0..100 {
        let _ = writeln!(stdin, "{ACME_ROW}");
    }
    drop(stdin);
    let mut child = child;
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).expect("stderr");
    let stderr = rest;
    let status = child.wait().expect("finishes");
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("interrupted after"), "{stderr}");
    assert!(stderr.contains("scored.csv was not written"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&target).expect("still there"),
        "the previous results\n"
    );
    assert!(
        temp_outputs(dir.path()).is_empty(),
        "temporary output removed"
    );
}

#[test]
fn a_killed_batch_never_leaves_a_half_file_under_the_output_name() {
    let dir = tempfile::tempdir().expect("dir");
    let (mut child, mut stdin, _stderr) = start_batch(dir.path());
    // A pipe holds 64 KiB, so by the time these writes return the batch has read all
    // but the last of them: it is mid-way through the rows when it is killed.
    for _ in 0..10_000 {
        writeln!(stdin, "{ACME_ROW}").expect("row");
    }
    stdin.flush().expect("flush");
    child.kill().expect("SIGKILL");
    let _ = child.wait();
    assert!(
        !dir.path().join("scored.csv").exists(),
        "nothing under the output name"
    );
}

/// A frame of the progress bar: its percentage of the input and its row count.
fn frames(screen: &str) -> Vec<(u64, u64)> {
    screen
        .split(['\r', '\n'])
        .filter_map(|frame| {
            let (left, right) = frame.split_once("% ")?;
            let percent = left.rsplit(' ').next()?.trim().parse().ok()?;
            // (rexpect hands the bytes over one char each: the "·" after "rows" arrives
            // as two chars, so the count is cut at the space.)
            let rows = right.trim_start().split_once(" rows ")?.0.parse().ok()?;
            Some((percent, rows))
        })
        .collect()
}

#[test]
fn on_a_terminal_the_bar_shows_the_rows_written_beside_their_share_of_the_input() {
    use rexpect::session::{Options, spawn_with_options};
    let dir = tempfile::tempdir().expect("dir");
    // Equal rows, so a share of the file is the same share of the rows.
    let total = 40_000u64;
    let mut input = format!("{HEADER}\n");
    for _ in 0..total {
        input.push_str(ACME_ROW);
        input.push('\n');
    }
    std::fs::write(dir.path().join("big.csv"), &input).expect("input written");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_nextseat"));
    cmd.args(["batch", "big.csv", "-o", "out.csv"])
        .current_dir(dir.path())
        .env_remove("NEXTSEAT_KB")
        .env("NEXTSEAT_READER", "phrases")
        .env("TERM", "xterm-256color");
    let options = Options::new()
        .timeout_ms(Some(120_000))
        .strip_ansi_escape_codes(true);
    let mut tty = spawn_with_options(cmd, options).expect("the binary starts in a pty");
    let screen = tty
        .exp_string(&format!("batch: {total} rows: {total} assessed"))
        .expect("the summary line");
    let seen = frames(&screen);
    assert!(
        !seen.is_empty(),
        "no progress bar on a terminal: {screen:?}"
    );
    let header = (HEADER.len() + 1) as f64;
    let row = (ACME_ROW.len() + 1) as f64;
    for (percent, rows) in seen {
        assert!(rows <= total, "{rows} rows of {total}");
        let share = 100.0 * (header + rows as f64 * row) / (header + total as f64 * row);
        assert!(
            (percent as f64 - share).abs() <= 1.0,
            "the bar shows {percent}% beside {rows} rows ({share:.1}% of the input)"
        );
    }
    let out = std::fs::read_to_string(dir.path().join("out.csv")).expect("output written");
    assert_eq!(out.lines().count() as u64, total + 1);
}

#[test]
fn binary_input_is_refused_at_once() {
    let dir = tempfile::tempdir().expect("dir");
    for from in ["csv", "jsonl"] {
        let r = nextseat(
            dir.path(),
            &["batch", "/dev/zero", "--from", from, "-o", "out.csv"],
            b"",
        );
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(
            r.stderr.contains("/dev/zero: looks like a binary file"),
            "{}",
            r.stderr
        );
        assert!(!dir.path().join("out.csv").exists());
    }
}

#[test]
fn an_unclosed_quote_or_an_endless_record_names_the_line_it_starts_on() {
    let dir = tempfile::tempdir().expect("dir");
    let unclosed = format!("{HEADER}\n{ACME_ROW}\n\"Quote Co,,3\n{ACME_ROW}\n{ACME_ROW}\n");
    std::fs::write(dir.path().join("unclosed.csv"), unclosed).expect("input");
    let r = nextseat(dir.path(), &["batch", "unclosed.csv", "-o", "out.csv"], b"");
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("unclosed.csv: a quote (\") opened on line 3 is never closed"),
        "{}",
        r.stderr
    );
    assert!(!dir.path().join("out.csv").exists(), "nothing is written");

    let mut endless = format!("{HEADER}\n{ACME_ROW}\nBig Co,,3,").into_bytes();
    endless.extend(std::iter::repeat_n(b'x', 3 * 1024 * 1024));
    std::fs::write(dir.path().join("endless.csv"), endless).expect("input");
    let r = nextseat(dir.path(), &["batch", "endless.csv", "-o", "out.csv"], b"");
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("endless.csv: the row starting on line 3 is longer than 1024 KiB"),
        "{}",
        r.stderr
    );
}

#[test]
fn output_cut_short_by_its_reader_is_not_an_error() {
    let dir = tempfile::tempdir().expect("dir");
    let mut input = format!("{HEADER}\n");
    for _ in 0..20_000 {
        input.push_str(ACME_ROW);
        input.push('\n');
    }
    std::fs::write(dir.path().join("many.csv"), input).expect("input");
    // `| head -c 100`: the reader goes away after a few lines.
    let mut child = Command::new(env!("CARGO_BIN_EXE_nextseat"))
        .env("NEXTSEAT_READER", "phrases")
        .args(["batch", "many.csv", "-o", "-", "--quiet"])
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    let mut out = child.stdout.take().expect("stdout");
    let mut first = [0u8; 100];
    out.read_exact(&mut first).expect("the first lines");
    drop(out);
    let status = child.wait().expect("ends");
    assert!(first.starts_with(b"row,name,primary"));
    assert_eq!(
        status.code(),
        Some(0),
        "a closed pipe ends the output quietly"
    );
}
