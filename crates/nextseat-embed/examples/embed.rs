//! Reads lines from standard input and writes, for each, one line of JSON: the array of
//! the line's sentence vectors (one per piece of [`MiniLm::embed_text`], in order; `[]`
//! for a blank line). Used to cache vectors for evaluation.
//!
//! ```sh
//! printf 'We need a COO. Our CEO is drowning.\n' \
//!   | cargo run --release -p nextseat-embed --example embed
//! ```
//!
//! Environment, no flags: `NEXTSEAT_MODEL_DIR` (default `models/all-minilm-l6-v2` in
//! the workspace); `NEXTSEAT_EMBED_WHOLE_LINES=1` gives each line a single vector (the
//! line truncated to 256 word pieces, as sentence-transformers would) instead of one per
//! sentence.

use std::io::{BufRead, BufWriter, Write};
use std::path::PathBuf;

use nextseat_embed::MiniLm;

const LINES_PER_BATCH: usize = 64;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::var_os("NEXTSEAT_MODEL_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../models/all-minilm-l6-v2")
        });
    let whole = std::env::var("NEXTSEAT_EMBED_WHOLE_LINES").is_ok_and(|v| v == "1");
    let model = MiniLm::load(&dir)?;

    let stdin = std::io::stdin().lock();
    let mut out = BufWriter::new(std::io::stdout().lock());
    let mut lines = stdin.lines();
    loop {
        let mut batch = Vec::with_capacity(LINES_PER_BATCH);
        for line in lines.by_ref().take(LINES_PER_BATCH) {
            batch.push(line?);
        }
        if batch.is_empty() {
            break;
        }
        if whole {
            let texts: Vec<&str> = batch.iter().map(String::as_str).collect();
            for v in model.embed_truncated(&texts)? {
                serde_json::to_writer(&mut out, &[v])?;
                out.write_all(b"\n")?;
            }
        } else {
            for line in &batch {
                let vectors: Vec<Vec<f32>> = model
                    .embed_text(line)?
                    .into_iter()
                    .map(|p| p.vector)
                    .collect();
                serde_json::to_writer(&mut out, &vectors)?;
                out.write_all(b"\n")?;
            }
        }
        out.flush()?;
    }
    Ok(())
}
