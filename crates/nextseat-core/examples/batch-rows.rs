//! A batch worker's per-row work on one thread, with no pipeline and no output file:
//! every row of a contract CSV turned into a validated profile and summarised, the
//! result line formatted and dropped. Made to be measured in instructions:
//!
//! ```sh
//! cargo build --profile profiling -p nextseat-core --example batch-rows
//! valgrind --tool=callgrind target/profiling/examples/batch-rows FILE.csv
//! ```
//!
//! It prints how many rows were good and bad and a checksum of the scores, so two builds
//! can be compared for the same answers as well as the same cost. With `--narrative`
//! it only runs the narrative matcher over each row's `narrative` field.
#![allow(missing_docs)]

use nextseat_core::KnowledgeBase;
use nextseat_core::Profile;
use nextseat_core::batch::Columns;
use nextseat_core::engine::Assessor;
use nextseat_core::text::narrative::Scratch;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (path, narrative_only) = match args.as_slice() {
        [path] => (path.clone(), false),
        [path, flag] if flag == "--narrative" => (path.clone(), true),
        _ => {
            eprintln!("usage: batch-rows FILE.csv [--narrative]");
            return ExitCode::from(2);
        }
    };
    let kb = KnowledgeBase::default_kb();
    let mut reader = match csv::ReaderBuilder::new().flexible(true).from_path(&path) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot read {path}: {e}");
            return ExitCode::from(2);
        }
    };
    let columns = match reader
        .headers()
        .map_err(|e| e.to_string())
        .and_then(|h| Columns::from_header(h.iter()).map_err(|d| d.to_string()))
    {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::from(2);
        }
    };
    if narrative_only {
        return narrative(&kb, reader, &columns);
    }
    let mut assessor = Assessor::new(&kb);
    let mut profile = Profile::with_employees(1);
    let mut record = csv::StringRecord::new();
    let (mut good, mut bad, mut checksum) = (0u64, 0u64, 0i64);
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                eprintln!("{path}: {e}");
                return ExitCode::from(2);
            }
        }
        match columns.fill(&mut profile, &Row(&record), &kb) {
            Ok(()) => {
                let s = assessor.summary(&profile);
                good += 1;
                checksum += s
                    .scores
                    .iter()
                    .map(|p| (p.as_f64() * 10.0) as i64)
                    .sum::<i64>();
                checksum += s.primary.map_or(0, |r| r.as_str().len() as i64);
                checksum += s.coo_archetype.map_or(0, |a| a.len() as i64);
            }
            Err(_) => bad += 1,
        }
    }
    println!("{good} good, {bad} bad, checksum {checksum}");
    ExitCode::SUCCESS
}

/// A CSV record as the batch columns read it.
struct Row<'a>(&'a csv::StringRecord);

impl nextseat_core::batch::Fields for Row<'_> {
    fn count(&self) -> usize {
        self.0.len()
    }
    fn field(&self, i: usize) -> Option<&str> {
        self.0.get(i)
    }
}

/// Only the narrative matcher, over every row's `narrative` column.
fn narrative(
    kb: &KnowledgeBase,
    mut reader: csv::Reader<std::fs::File>,
    columns: &Columns,
) -> ExitCode {
    let Some(at) = columns.position("narrative") else {
        eprintln!("the file has no narrative column");
        return ExitCode::from(2);
    };
    let matcher = kb.matcher();
    let mut scratch = Scratch::default();
    let mut record = csv::StringRecord::new();
    let (mut rows, mut hits) = (0u64, 0u64);
    while let Ok(true) = reader.read_record(&mut record) {
        rows += 1;
        let text = record.get(at).unwrap_or("");
        hits += matcher.scan(&mut scratch, text).len() as u64;
    }
    println!("{rows} rows, {hits} signs found in narratives");
    ExitCode::SUCCESS
}
