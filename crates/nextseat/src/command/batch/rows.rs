//! One worker's work: each row of a chunk turned into a profile, assessed, and its
//! result serialised. A worker keeps its assessor, one profile and one spare record
//! from row to row, so a row costs no allocation once the buffers have grown.

use super::output::{self, Outcome};
use super::source::{Chunk, MAX_LINE, Rows};
use nextseat_core::batch::{Columns, Fields};
use nextseat_core::engine::Assessor;
use nextseat_core::{Diagnostics, Format, KnowledgeBase, Profile};

/// A chunk's results.
#[derive(Default)]
pub struct Results {
    /// The serialised result rows.
    pub bytes: Vec<u8>,
    /// How many rows were bad.
    pub bad: u64,
}

/// One worker.
pub struct Worker<'kb> {
    kb: &'kb KnowledgeBase,
    columns: Option<&'kb Columns>,
    to: output::Kind,
    assessor: Assessor<'kb>,
    profile: Profile,
    /// The record being assessed is swapped out of its chunk for this one and back, so
    /// that turning it into a StringRecord (one UTF-8 check) needs no copy.
    spare: Option<csv::ByteRecord>,
}

impl<'kb> Worker<'kb> {
    /// A worker for CSV rows with `columns`, or JSONL rows when there are none.
    pub fn new(kb: &'kb KnowledgeBase, columns: Option<&'kb Columns>, to: output::Kind) -> Self {
        Worker {
            kb,
            columns,
            to,
            assessor: Assessor::new(kb),
            profile: Profile::with_employees(1),
            spare: Some(csv::ByteRecord::new()),
        }
    }

    /// Assesses every row of `chunk` into `results` (emptied first).
    pub fn chunk(&mut self, chunk: &mut Chunk, results: &mut Results) {
        results.bytes.clear();
        results.bad = 0;
        for i in 0..chunk.len {
            let row = chunk.first_row + i as u64;
            let outcome = match (&mut chunk.rows, self.columns) {
                (Rows::Csv(records), Some(cols)) => {
                    let spare = self.spare.take().unwrap_or_default();
                    let record = std::mem::replace(&mut records[i], spare);
                    let (outcome, back) = self.csv_row(cols, record);
                    self.spare = Some(std::mem::replace(&mut records[i], back));
                    outcome
                }
                (Rows::Json(lines), _) => self.json_row(&lines[i]),
                (Rows::Csv(_), None) => Outcome::Bad("a CSV row without a header".into(), None),
            };
            let name = match &outcome {
                Outcome::Bad(_, name) => name.as_deref(),
                _ => self.profile.company.name.as_deref(),
            };
            if matches!(outcome, Outcome::Bad(..)) {
                results.bad += 1;
            }
            output::push(&mut results.bytes, self.to, row, name, &outcome);
        }
    }

    fn assess(&mut self) -> Outcome<'kb> {
        match self.to {
            output::Kind::Csv => Outcome::Summary(self.assessor.summary(&self.profile)),
            output::Kind::Jsonl => {
                Outcome::Full(Box::new(self.assessor.assess(&self.profile, &[])))
            }
        }
    }

    /// One CSV row: what it came to, and the record's buffer back. For a good row the
    /// worker's profile holds the row afterwards.
    fn csv_row(
        &mut self,
        cols: &Columns,
        record: csv::ByteRecord,
    ) -> (Outcome<'kb>, csv::ByteRecord) {
        // One UTF-8 check for the whole record; then every field is text.
        let text = match csv::StringRecord::from_byte_record(record) {
            Ok(text) => text,
            Err(e) => {
                let record = e.into_byte_record();
                let fields: Vec<&[u8]> = record.iter().collect();
                let bad = Outcome::Bad(row_error(&cols.not_utf8(&fields)), cols.raw_name(&fields));
                return (bad, record);
            }
        };
        let outcome = match cols.fill(&mut self.profile, &Record(&text), self.kb) {
            Ok(()) => self.assess(),
            Err(d) => {
                let fields: Vec<&[u8]> = text.as_byte_record().iter().collect();
                Outcome::Bad(row_error(&d), cols.raw_name(&fields))
            }
        };
        (outcome, text.into_byte_record())
    }

    /// One JSONL row.
    fn json_row(&mut self, line: &[u8]) -> Outcome<'kb> {
        match json_profile(self.kb, line) {
            Ok(p) => {
                self.profile = p;
                self.assess()
            }
            Err(e) => Outcome::Bad(e, None),
        }
    }
}

/// A CSV record as the batch columns read it.
struct Record<'a>(&'a csv::StringRecord);

impl Fields for Record<'_> {
    fn count(&self) -> usize {
        self.0.len()
    }
    fn field(&self, i: usize) -> Option<&str> {
        self.0.get(i)
    }
}

fn json_profile(kb: &KnowledgeBase, line: &[u8]) -> Result<Profile, String> {
    if line.len() > MAX_LINE {
        return Err(format!("the line is longer than {} KiB", MAX_LINE / 1024));
    }
    let text = std::str::from_utf8(line).map_err(|e| {
        format!(
            "is not UTF-8 text (invalid byte at offset {})",
            e.valid_up_to()
        )
    })?;
    Profile::parse(text, Format::Json, kb).map_err(|d| row_error(&d))
}

/// The problems of a bad row on one line: `key: message (did you mean "x"?)`, joined by
/// `; `, with the column of a JSON line when known.
pub fn row_error(diags: &Diagnostics) -> String {
    diags
        .0
        .iter()
        .map(|d| {
            let mut s = String::new();
            if let Some(p) = d.position {
                s.push_str(&format!("column {}: ", p.column));
            }
            if !d.key.is_empty() {
                s.push_str(&d.key);
                s.push_str(": ");
            }
            s.push_str(&d.message);
            if let Some(h) = &d.suggestion {
                s.push_str(&format!(" (did you mean \"{h}\"?)"));
            }
            s
        })
        .collect::<Vec<_>>()
        .join("; ")
}
