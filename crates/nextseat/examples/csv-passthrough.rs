//! The floor for batch throughput: read a CSV and write every record back out as
//! `csv::ByteRecord`s, with no parsing, no validation and no assessment. What it costs
//! is what it costs merely to move the bytes; `bench/batch.sh` runs it beside
//! `nextseat batch` on the same file.
//!
//! Usage: `cargo run --release -p nextseat --example csv-passthrough -- IN.csv OUT.csv`

use std::process::ExitCode;

fn copy(input: &str, output: &str) -> Result<u64, Box<dyn std::error::Error>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(input)?;
    let mut writer = csv::Writer::from_path(output)?;
    let mut record = csv::ByteRecord::new();
    let mut rows = 0;
    while reader.read_byte_record(&mut record)? {
        writer.write_byte_record(&record)?;
        rows += 1;
    }
    writer.flush()?;
    Ok(rows)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output] = args.as_slice() else {
        eprintln!("usage: csv-passthrough IN.csv OUT.csv");
        return ExitCode::from(2);
    };
    match copy(input, output) {
        Ok(rows) => {
            eprintln!("{rows} records copied");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
