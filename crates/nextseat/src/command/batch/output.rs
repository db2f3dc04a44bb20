//! Result rows, serialised: the contract's CSV columns or one assessment JSON a line.

use nextseat_core::Assessment;
use nextseat_core::batch::Summary;
use serde::Serialize;

/// The output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The contract's CSV columns.
    Csv,
    /// One assessment JSON a line, with `row` and `error`.
    Jsonl,
}

/// The output columns of a CSV batch result, in the contract's order.
pub const OUTPUT_COLUMNS: [&str; 9] = [
    "row",
    "name",
    "primary",
    "cso",
    "coo",
    "chief_of_staff",
    "implementer",
    "coo_archetype",
    "error",
];

/// What one row came to.
pub enum Outcome<'kb> {
    /// The flat numbers (CSV output).
    Summary(Summary<'kb>),
    /// The whole assessment (JSONL output).
    Full(Box<Assessment>),
    /// Why the row has no result, and its name when it has one.
    Bad(String, Option<String>),
}

/// What comes before the first row: the CSV header line.
pub fn header(kind: Kind) -> Vec<u8> {
    match kind {
        Kind::Csv => {
            let mut out = OUTPUT_COLUMNS.join(",").into_bytes();
            out.push(b'\n');
            out
        }
        Kind::Jsonl => Vec::new(),
    }
}

/// One JSONL result line: the assessment with `row` and `error` added.
#[derive(Serialize)]
struct JsonLine<'a> {
    row: u64,
    error: Option<&'a str>,
    #[serde(flatten)]
    result: Option<&'a Assessment>,
}

/// Appends row `row`'s result to `out`.
pub fn push(out: &mut Vec<u8>, kind: Kind, row: u64, name: Option<&str>, outcome: &Outcome<'_>) {
    match kind {
        Kind::Csv => {
            let full;
            let (summary, error) = match outcome {
                Outcome::Summary(s) => (Some(s), ""),
                Outcome::Full(a) => {
                    full = Summary::of(a);
                    (Some(&full), "")
                }
                Outcome::Bad(e, _) => (None, e.as_str()),
            };
            push_csv_line(out, row, name, summary, error);
        }
        Kind::Jsonl => {
            let (result, error) = match outcome {
                Outcome::Full(a) => (Some(&**a), None),
                Outcome::Bad(e, _) => (None, Some(e.as_str())),
                Outcome::Summary(_) => (None, None),
            };
            // Serialising plain data into a Vec cannot fail.
            let _ = serde_json::to_writer(&mut *out, &JsonLine { row, error, result });
            out.push(b'\n');
        }
    }
}

/// Appends one line of a CSV batch result, in [`OUTPUT_COLUMNS`] order: the row number,
/// the name, the summary's fields (empty for a bad row) and the error. The bytes are
/// those `csv::Writer` writes for the same fields with its defaults (a field is quoted
/// when it holds a comma, a quote or a line break, and its quotes are doubled); a
/// property test holds the two to that. A batch writes a line per row, where the
/// writer's general machinery cost more than the assessment's numbers.
pub fn push_csv_line(
    out: &mut Vec<u8>,
    row: u64,
    name: Option<&str>,
    summary: Option<&Summary<'_>>,
    error: &str,
) {
    nextseat_core::points::push_digits(out, row);
    out.push(b',');
    push_csv_field(out, name.unwrap_or(""));
    out.push(b',');
    if let Some(s) = summary {
        out.extend_from_slice(s.primary.map_or("", |r| r.as_str()).as_bytes());
        for p in s.scores {
            out.push(b',');
            p.push_to(out);
        }
        out.push(b',');
        push_csv_field(out, s.coo_archetype.unwrap_or(""));
    } else {
        out.extend_from_slice(b",,,,,");
    }
    out.push(b',');
    push_csv_field(out, error);
    out.push(b'\n');
}

/// One field as `csv::Writer` writes it by default.
fn push_csv_field(out: &mut Vec<u8>, field: &str) {
    let bytes = field.as_bytes();
    if !bytes
        .iter()
        .any(|&b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
    {
        out.extend_from_slice(bytes);
        return;
    }
    out.push(b'"');
    for &b in bytes {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use nextseat_core::{Points, RoleId};

    #[test]
    fn the_header_is_what_csv_writer_writes() {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(OUTPUT_COLUMNS).expect("write");
        assert_eq!(header(Kind::Csv), w.into_inner().expect("bytes"));
    }

    proptest::proptest! {
        #[test]
        fn result_lines_are_what_csv_writer_writes(
            row in proptest::num::u64::ANY,
            name in proptest::option::of("([a-z ,\"\r\n;]|\\PC){0,12}"),
            scores in proptest::array::uniform4(-10_000i64..10_000),
            primary in proptest::option::of(0usize..4),
            archetype in proptest::option::of("[a-z_]{1,10}"),
            good in proptest::bool::ANY,
            error in "([a-z ,\"\r\n:]|\\PC){0,20}",
        ) {
            let summary = Summary {
                primary: primary.map(|i| RoleId::SEATS[i]),
                scores: scores.map(Points::from_tenths),
                coo_archetype: archetype.as_deref(),
            };
            let summary = good.then_some(&summary);
            let mut ours = Vec::new();
            push_csv_line(&mut ours, row, name.as_deref(), summary, &error);
            let mut w = csv::Writer::from_writer(Vec::new());
            let text = |p: Points| p.to_string();
            let fields: Vec<String> = match summary {
                Some(s) => vec![
                    row.to_string(),
                    name.clone().unwrap_or_default(),
                    s.primary.map_or("", |r| r.as_str()).to_string(),
                    text(s.scores[0]),
                    text(s.scores[1]),
                    text(s.scores[2]),
                    text(s.scores[3]),
                    s.coo_archetype.unwrap_or("").to_string(),
                    error.clone(),
                ],
                None => {
                    let mut f = vec![row.to_string(), name.clone().unwrap_or_default()];
                    f.extend(std::iter::repeat_n(String::new(), 6));
                    f.push(error.clone());
                    f
                }
            };
            w.write_record(&fields).map_err(|e| proptest::test_runner::TestCaseError::fail(e.to_string()))?;
            let theirs = w.into_inner().map_err(|e| proptest::test_runner::TestCaseError::fail(e.to_string()))?;
            proptest::prop_assert_eq!(String::from_utf8_lossy(&ours), String::from_utf8_lossy(&theirs));
        }
    }
}
