//! Timings of nextseat-embed on this machine: model load, one sentence, batches, and a
//! 2,000-word text cut into sentences.
//!
//! ```sh
//! cargo run --release -p nextseat-embed --example bench [MODEL_DIR]
//! RAYON_NUM_THREADS=1 cargo run --release -p nextseat-embed --example bench
//! ```
//!
//! The 2,000 words are the founder narratives of `kb/eval/narrative.toml`, joined.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use nextseat_embed::MiniLm;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// CPU time of this process so far (user + system), from /proc (Linux; zero elsewhere).
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces) close with ')'.
    let rest = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name; 100 Hz.
    Duration::from_millis((ticks(11) + ticks(12)) * 10)
}

/// Runs `f` until `budget` has passed (at least `min` times): the median wall time of a
/// run, and the mean CPU time of a run (all threads).
fn time_cpu<T>(min: usize, budget: Duration, mut f: impl FnMut() -> T) -> (Duration, Duration) {
    let mut runs = Vec::new();
    let start = Instant::now();
    let cpu = cpu_time();
    while runs.len() < min || start.elapsed() < budget {
        let t = Instant::now();
        std::hint::black_box(f());
        runs.push(t.elapsed());
        if runs.len() >= 1000 {
            break;
        }
    }
    let n = runs.len() as u32;
    (median(runs), (cpu_time() - cpu) / n)
}

fn time<T>(min: usize, budget: Duration, f: impl FnMut() -> T) -> Duration {
    time_cpu(min, budget, f).0
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn narratives(root: &std::path::Path) -> Vec<String> {
    let raw = std::fs::read_to_string(root.join("kb/eval/narrative.toml")).unwrap_or_default();
    raw.lines()
        .filter_map(|l| l.strip_prefix("text = \"")?.strip_suffix('"'))
        .map(|t| t.replace("\\\"", "\""))
        .collect()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("models/all-minilm-l6-v2"));

    // Load as one call, and the tokenizer's parse alone (it runs on a second thread
    // while the weights are read and widened). Median of 7; the page cache is warm.
    let json = std::fs::read(dir.join(nextseat_embed::TOKENIZER_FILE))?;
    let tok = time(7, Duration::ZERO, || {
        tokenizers::Tokenizer::from_bytes(&json).map(drop)
    });
    let (load, load_cpu) = time_cpu(7, Duration::ZERO, || MiniLm::load(&dir).map(drop));
    let model = MiniLm::load(&dir)?;
    println!(
        "load: {} (CPU {}); tokenizer.json parse alone {}",
        ms(load),
        ms(load_cpu),
        ms(tok)
    );

    let sentence = "Our founder still approves every purchase order herself, so deliveries \
                    slip whenever she travels to meet customers.";
    let (d, cpu) = time_cpu(10, Duration::from_secs(3), || model.embed(&[sentence]));
    println!(
        "one sentence ({} word pieces): {} (CPU {})",
        model.count_tokens(sentence)?,
        ms(d),
        ms(cpu)
    );

    let texts = narratives(&root);
    let short: Vec<&str> = texts.iter().map(String::as_str).cycle().take(64).collect();
    let avg_tokens: f64 = short
        .iter()
        .map(|t| model.count_tokens(t).unwrap_or(0) as f64)
        .sum::<f64>()
        / short.len() as f64;
    for n in [16, 64] {
        let batch = &short[..n];
        let (d, cpu) = time_cpu(5, Duration::from_secs(5), || model.embed(batch));
        println!(
            "batch of {n} sentences (mean {avg_tokens:.0} word pieces): {} ({} a sentence; CPU {} a sentence)",
            ms(d),
            ms(d / n as u32),
            ms(cpu / n as u32)
        );
        let d1 = time(2, Duration::from_secs(3), || {
            batch.iter().map(|t| model.embed(&[t])).collect::<Vec<_>>()
        });
        println!("  the same {n} one at a time: {}", ms(d1));
    }

    let mut words = 0;
    let mut doc = String::new();
    for t in texts.iter().cycle().take(texts.len() * 4) {
        if words >= 2000 {
            break;
        }
        words += t.split_whitespace().count();
        doc.push_str(t);
        doc.push(' ');
    }
    let passages = model.embed_text(&doc)?;
    let (d, cpu) = time_cpu(3, Duration::from_secs(5), || model.embed_text(&doc));
    let split = time(5, Duration::from_secs(1), || {
        nextseat_embed::split::sentences(&doc)
    });
    println!(
        "{words}-word text ({} bytes) -> {} pieces: {} (CPU {}; sentence splitting alone {})",
        doc.len(),
        passages.len(),
        ms(d),
        ms(cpu),
        ms(split)
    );
    Ok(())
}
