//! The semantic reader: people's own words compared with the knowledge base's exemplars
//! in a sentence-embedding space.
//!
//! The embedding model has weights and a runtime, so it lives outside this crate behind
//! [`Embedder`]; everything here is plain arithmetic on the vectors it returns, so the
//! decisions are testable without a model and explainable to the last number.
//!
//! - **Examples are knowledge.** Every vector the reader compares with is an exemplar
//!   from the knowledge base ([`examples`]): a sign's `present` and `absent` texts, the
//!   neutral texts that show no sign, and each responsibility area's task lines. Edit
//!   them and the reader follows; nothing else is trained.
//! - **Narratives** are cut into units ([`units`]: clauses, and the whole text when it
//!   has several sentences). A multinomial logistic regression fitted on the exemplar
//!   vectors at load time ([`super::softmax`]; classes: each sign, and "none" for the
//!   absent and neutral texts) gives each unit a probability per sign. A unit whose most
//!   probable class is a sign, at [`ReaderRules::threshold`] or above, shows that sign.
//!   Each finding carries its clause, the sign's nearest exemplar and their similarity.
//! - **Responsibility lines** are classified by their nearest area exemplars
//!   ([`SemanticIndex::classify`]): the `k` most similar vote for their areas with their
//!   similarity; too little similarity to anything is "not recognised".
//! - The fitted reader is a pure function of the exemplars, their vectors and the rules,
//!   so the edge caches it ([`SemanticIndex::to_bytes`]) under [`cache_key`].

use super::softmax::Softmax;
use crate::ids::RoleId;
use crate::kb::{Model, ReaderRules};
use std::ops::Range;

/// A sentence embedder: texts in, one unit-length vector each out, all of one dimension.
/// Implemented outside the domain crate (the `nextseat-embed` crate).
pub trait Embedder: Send + Sync + std::fmt::Debug {
    /// Names the model and its weights (for caches), e.g. `all-minilm-l6-v2/53aa5117`.
    fn model_id(&self) -> &str;
    /// The vectors of `texts`, in order.
    ///
    /// # Errors
    /// When the model cannot run (a tensor operation failed); the caller falls back to the
    /// lexical reader and says so.
    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError>;
}

/// Why the embedder could not run.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct EmbedError(pub String);

/// A text model and the reader fitted for one knowledge base: what a knowledge base needs
/// to read by meaning ([`crate::KnowledgeBase::attach_reader`]).
#[derive(Debug)]
pub struct Reader {
    /// The sentence embedder.
    pub embedder: std::sync::Arc<dyn Embedder>,
    /// The exemplars' vectors and the fitted decision layer.
    pub index: SemanticIndex,
}

impl Reader {
    /// Reads short CEO tags by meaning, all in one call to the model: for each tag its
    /// nearest tag example if similar enough ([`SemanticIndex::tag_area`]). `None` for
    /// a tag nothing is similar enough to, and for every tag if the model fails (the
    /// words decide then).
    pub fn read_tags(&self, kb: &Model, tags: &[&str]) -> Vec<Option<TagGuess>> {
        let min = kb.ceo_tags.min_similarity;
        match self.embedder.embed(tags) {
            Ok(v) if v.len() == tags.len() => {
                v.iter().map(|v| self.index.tag_area(v, min)).collect()
            }
            _ => vec![None; tags.len()],
        }
    }

    /// Reads a narrative by meaning and combines the reading with the phrase matcher's
    /// `lexical` diagnosis of the same text:
    ///
    /// - a unit whose most probable class is a sign shows that sign, with its unit as the
    ///   evidence, the probability, and the sign's nearest exemplar;
    /// - a phrase the matcher found counts only where the reader gives its sign at least
    ///   [`ReaderRules::lexical_gate`] somewhere in the text: words that merely look like a
    ///   sign's phrase ("investor updates sit in my inbox") are not counted, and say why;
    /// - a unit the reader finds closest to a sign's *absent* examples is reported as
    ///   resolved when that sign is not found elsewhere.
    ///
    /// Each sign is found once, at its first evidence in the text (a phrase is quoted in
    /// preference to its whole unit). If the model fails, the phrase matcher's diagnosis
    /// stands alone and a note says so.
    pub fn diagnose(
        &self,
        kb: &Model,
        text: &str,
        lexical: super::narrative::Diagnosis,
    ) -> super::narrative::Diagnosis {
        use super::narrative::{Diagnosis, Finding, Suppressed, three};
        use crate::assessment::Meaning;
        let ranges = units(text, &kb.narrative.clause_breaks);
        let pieces: Vec<&str> = ranges.iter().map(|r| &text[r.clone()]).collect();
        let vectors = match self.embedder.embed(&pieces) {
            Ok(v) if v.len() == pieces.len() => v,
            Ok(_) | Err(_) if pieces.is_empty() => Vec::new(),
            Ok(v) => {
                let mut d = lexical;
                d.notes.push(format!(
                    "the text model gave {} vectors for {} pieces of text; read with the phrase matcher only",
                    v.len(),
                    pieces.len()
                ));
                return d;
            }
            Err(e) => {
                let mut d = lexical;
                d.notes.push(format!(
                    "the text model failed ({e}); read with the phrase matcher only"
                ));
                return d;
            }
        };
        let reading = self.index.read(&vectors);
        let rules = &kb.narrative.reader;
        let sign_index = |id: &str| kb.signs.iter().position(|s| s.id == id);
        let lines = crate::diag::LineIndex::new(text);
        let meaning = |u: &UnitSign, by: &str| Meaning {
            by: by.to_string(),
            probability: three(u.probability),
            exemplar: self.index.examples()[u.exemplar].text.clone(),
            similarity: three(u.similarity),
        };
        let mut signs: Vec<Finding> = Vec::new();
        let mut suppressed = lexical.suppressed;
        for f in lexical.signs {
            let Some(i) = sign_index(&f.id) else { continue };
            let p = reading.best.get(i).copied().unwrap_or(0.0);
            if p >= rules.lexical_gate {
                let unit = reading.found.iter().find(|u| u.sign == i);
                let mut f = f;
                f.meaning = unit.map(|u| meaning(u, "phrase")).or_else(|| {
                    let v = vectors.iter().enumerate().max_by(|a, b| {
                        let pa = self.index.probabilities(a.1)[i];
                        let pb = self.index.probabilities(b.1)[i];
                        pa.total_cmp(&pb).then(b.0.cmp(&a.0))
                    })?;
                    let (e, sim) = self.index.nearest(v.1, |l| l == Label::Present(i))?;
                    Some(Meaning {
                        by: "phrase".to_string(),
                        probability: three(p),
                        exemplar: self.index.examples()[e].text.clone(),
                        similarity: three(sim),
                    })
                });
                signs.push(f);
            } else {
                suppressed.push(Suppressed {
                    id: f.id,
                    phrase: f.phrase,
                    line: f.line,
                    column: f.column,
                    reason: format!(
                        "the words match a phrase, but read in context the sign gets only {:.0}% (it counts from {:.0}%)",
                        f64::from(p) * 100.0,
                        f64::from(rules.lexical_gate) * 100.0
                    ),
                });
            }
        }
        let whole = trim(text, 0..text.len());
        for u in &reading.found {
            let id = &kb.signs[u.sign].id;
            if signs.iter().any(|f| &f.id == id) {
                continue;
            }
            let r = ranges[u.unit].clone();
            let pos = lines.position(r.start);
            // A clause that says its problem is resolved ("fine", "under control") is
            // not counted, as with phrases; the whole text is judged by its clauses.
            if r != whole
                && let Some(word) = resolved_phrase(&text[r.clone()], &kb.narrative.resolved)
            {
                if !suppressed.iter().any(|s| &s.id == id) {
                    suppressed.push(Suppressed {
                        id: id.clone(),
                        phrase: text[r].to_string(),
                        line: pos.line,
                        column: pos.column,
                        reason: format!("the clause says it is resolved (\"{word}\")"),
                    });
                }
                continue;
            }
            signs.push(Finding {
                id: id.clone(),
                phrase: text[r.clone()].to_string(),
                start: r.start,
                end: r.end,
                line: pos.line,
                column: pos.column,
                pattern: String::new(),
                meaning: Some(meaning(u, "meaning")),
            });
        }
        for u in &reading.resolved {
            let id = &kb.signs[u.sign].id;
            if signs.iter().any(|f| &f.id == id) || suppressed.iter().any(|s| &s.id == id) {
                continue;
            }
            let r = ranges[u.unit].clone();
            let pos = lines.position(r.start);
            suppressed.push(Suppressed {
                id: id.clone(),
                phrase: text[r].to_string(),
                line: pos.line,
                column: pos.column,
                reason: format!(
                    "it reads as solved or absent, like \"{}\" (similarity {:.2})",
                    self.index.examples()[u.exemplar].text,
                    u.similarity
                ),
            });
        }
        signs.sort_by_key(|f| f.start);
        let mut notes = lexical.notes;
        if ranges.len() == MAX_UNITS {
            notes.push(format!(
                "the text is long: its first {MAX_UNITS} clauses were read by meaning"
            ));
        }
        Diagnosis {
            signs,
            suppressed,
            reader: "phrases+meaning",
            notes,
        }
    }
}

/// What one exemplar is an example of (by knowledge-base index).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Label {
    /// Shows the sign.
    Present(usize),
    /// On the sign's topic, but says it is absent or solved.
    Absent(usize),
    /// Shows no sign at all.
    Neutral,
    /// A task line of the responsibility area.
    Area(usize),
    /// A CEO tag naming the capability area (`[[ceo_tags.areas]]`, by index).
    CeoArea(usize),
    /// A CEO tag naming none of the capability areas (`ceo_tags.other`).
    CeoOther,
    /// A task line that belongs to no seat.
    NoSeat,
}

/// One exemplar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Example {
    /// Its text.
    pub text: String,
    /// What it is an example of.
    pub label: Label,
}

/// Every exemplar of a knowledge base, in file order (the order the cache key and the
/// cached vectors follow).
pub fn examples(kb: &Model) -> Vec<Example> {
    let sign = |id: &str| kb.signs.iter().position(|s| s.id == id);
    let area = |id: &str| kb.responsibility_areas.iter().position(|a| a.id == id);
    let mut out = Vec::new();
    for e in &kb.exemplars {
        let (present, absent) = if e.neutral {
            (Some(Label::Neutral), None)
        } else if e.no_seat {
            (Some(Label::NoSeat), None)
        } else if let Some(i) = e.sign.as_deref().and_then(sign) {
            (Some(Label::Present(i)), Some(Label::Absent(i)))
        } else if let Some(i) = e.area.as_deref().and_then(area) {
            (Some(Label::Area(i)), None)
        } else {
            (None, None)
        };
        for (label, texts) in [(present, &e.present), (absent, &e.absent)] {
            if let Some(label) = label {
                out.extend(texts.iter().map(|t| Example {
                    text: t.trim().to_string(),
                    label,
                }));
            }
        }
    }
    for (i, a) in kb.ceo_tags.areas.iter().enumerate() {
        out.extend(a.examples.iter().map(|t| Example {
            text: t.trim().to_string(),
            label: Label::CeoArea(i),
        }));
    }
    out.extend(kb.ceo_tags.other.iter().map(|t| Example {
        text: t.trim().to_string(),
        label: Label::CeoOther,
    }));
    out
}

/// Most units read in one text; a text longer than this is read up to here, and the
/// diagnosis says so.
pub const MAX_UNITS: usize = 256;

/// Cuts a narrative into the units the reader classifies: each sentence, cut again at
/// the contrast words of `breaks` ("but", "however"), keeping pieces of two words or
/// more; and, when there are several sentences, the whole text, so that a sign told
/// across two sentences is still seen. Byte ranges into `text`, at most [`MAX_UNITS`].
pub fn units(text: &str, breaks: &[String]) -> Vec<Range<usize>> {
    let mut sentences = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let end_here = match b {
            b'\n' => true,
            b'.' | b'!' | b'?' | b';' => bytes.get(i + 1).is_none_or(|n| n.is_ascii_whitespace()),
            _ => false,
        };
        if end_here {
            sentences.push(start..i + 1);
            start = i + 1;
        }
    }
    sentences.push(start..text.len());
    let sentences: Vec<Range<usize>> = sentences
        .into_iter()
        .map(|r| trim(text, r))
        .filter(|r| !r.is_empty())
        .collect();
    let mut out = Vec::new();
    for s in &sentences {
        let mut piece = s.start;
        let words = word_spans(&text[s.clone()]);
        for (ws, we) in &words {
            let w = &text[s.start + ws..s.start + we];
            if breaks.iter().any(|b| b.eq_ignore_ascii_case(w)) && s.start + ws > piece {
                push_unit(text, &mut out, piece..s.start + ws);
                piece = s.start + we;
            }
        }
        push_unit(text, &mut out, piece..s.end);
    }
    if sentences.len() > 1 {
        out.push(trim(text, 0..text.len()));
    }
    out.truncate(MAX_UNITS);
    out
}

fn push_unit(text: &str, out: &mut Vec<Range<usize>>, r: Range<usize>) {
    let r = trim(text, r);
    let r = trim_punct(text, r);
    if word_spans(&text[r.clone()]).len() >= 2 {
        out.push(r);
    }
}

/// The range without surrounding white space.
fn trim(text: &str, r: Range<usize>) -> Range<usize> {
    let s = &text[r.clone()];
    let lead = s.len() - s.trim_start().len();
    let tail = s.len() - s.trim_end().len();
    if lead + tail >= s.len() {
        return r.start..r.start;
    }
    r.start + lead..r.end - tail
}

/// The range without commas, dashes or colons left at either end by a cut.
fn trim_punct(text: &str, r: Range<usize>) -> Range<usize> {
    const CUT: [char; 6] = [',', '-', '–', '—', ':', ' '];
    let s = &text[r.clone()];
    let head = s.len() - s.trim_start_matches(CUT).len();
    let tail = s.len() - s.trim_end_matches(CUT).len();
    if head + tail >= s.len() {
        return r.start..r.start;
    }
    trim(text, r.start + head..r.end - tail)
}

/// Byte spans of the alphanumeric words of `s`.
fn word_spans(s: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        let word = c.is_alphanumeric() || c == '\'';
        match (word, start) {
            (true, None) => start = Some(i),
            (false, Some(st)) => {
                out.push((st, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(st) = start {
        out.push((st, s.len()));
    }
    out
}

/// The first of `resolved` ("fine", "under control") that `clause` contains as whole
/// words, ignoring case.
fn resolved_phrase<'r>(clause: &str, resolved: &'r [String]) -> Option<&'r str> {
    let mut plain = String::with_capacity(clause.len() + 2);
    plain.push(' ');
    for c in clause.chars() {
        if c.is_alphanumeric() || c == '\'' {
            plain.extend(c.to_lowercase());
        } else {
            plain.push(' ');
        }
    }
    plain.push(' ');
    let plain = plain.split_whitespace().collect::<Vec<_>>().join(" ");
    let plain = format!(" {plain} ");
    resolved
        .iter()
        .find(|r| plain.contains(&format!(" {} ", r.to_lowercase())))
        .map(String::as_str)
}

/// The key a fitted reader is cached under: the model, the format, the rules and every
/// exemplar with its label. A changed exemplar, rule or model gives another key.
pub fn cache_key(model_id: &str, examples: &[Example], rules: &ReaderRules) -> u64 {
    let mut h = Fnv::default();
    h.write(b"nextseat-semantic-2");
    h.write(model_id.as_bytes());
    h.write(&rules.regularisation.to_le_bytes());
    for e in examples {
        let (tag, i) = match e.label {
            Label::Present(i) => (1u8, i),
            Label::Absent(i) => (2, i),
            Label::Neutral => (3, 0),
            Label::Area(i) => (4, i),
            Label::CeoArea(i) => (5, i),
            Label::CeoOther => (6, 0),
            Label::NoSeat => (7, 0),
        };
        h.write(&[tag]);
        h.write(&(i as u64).to_le_bytes());
        h.write(e.text.as_bytes());
        h.write(&[0]);
    }
    h.0
}

/// FNV-1a: a hash whose value never changes between builds or versions, for cache keys.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

/// The exemplars' vectors and the decision layer fitted on them.
#[derive(Clone, Debug)]
pub struct SemanticIndex {
    dim: usize,
    examples: Vec<Example>,
    /// Row `i` is example `i`'s vector.
    vectors: Vec<f32>,
    /// Classes: each sign by index, then neutral, then each sign's absence by index.
    narrative: Softmax,
    signs: usize,
    /// By area index: its seat.
    area_seats: Vec<RoleId>,
    rules: ReaderRules,
}

/// Why a reader could not be built or read from a cache.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IndexError {
    /// The embedder gave a different number of vectors, or vectors of mixed length.
    #[error("the embedder gave {got} vectors of mixed or wrong length for {want} examples")]
    Shape {
        /// Vectors given.
        got: usize,
        /// Examples.
        want: usize,
    },
    /// The knowledge base has no exemplars for some sign, so there is nothing to learn it
    /// from.
    #[error(
        "the method has no exemplars for {0}: add [[exemplars]] for it, or read text with the phrase matcher only"
    )]
    Missing(String),
    /// The cache entry is not one this build wrote for these examples.
    #[error("the cached reader does not match")]
    Stale,
}

impl SemanticIndex {
    /// Fits the reader on `examples` and their `vectors` (one per example, in order).
    ///
    /// # Errors
    /// [`IndexError::Shape`] if the vectors do not fit the examples; [`IndexError::Missing`]
    /// if a sign has no present exemplar (it could never be found).
    pub fn fit(
        kb: &Model,
        examples: Vec<Example>,
        vectors: Vec<Vec<f32>>,
    ) -> Result<SemanticIndex, IndexError> {
        let dim = vectors.first().map_or(0, Vec::len);
        if vectors.len() != examples.len() || vectors.iter().any(|v| v.len() != dim) || dim == 0 {
            return Err(IndexError::Shape {
                got: vectors.len(),
                want: examples.len(),
            });
        }
        let signs = kb.signs.len();
        for (i, s) in kb.signs.iter().enumerate() {
            if !examples.iter().any(|e| e.label == Label::Present(i)) {
                return Err(IndexError::Missing(format!("the sign {}", s.id)));
            }
        }
        let mut rows = Vec::new();
        let mut labels = Vec::new();
        for (e, v) in examples.iter().zip(&vectors) {
            let class = match e.label {
                Label::Present(i) => i,
                Label::Neutral => signs,
                Label::Absent(i) => signs + 1 + i,
                Label::Area(_) | Label::CeoArea(_) | Label::CeoOther | Label::NoSeat => continue,
            };
            rows.push(v.as_slice());
            labels.push(class);
        }
        let narrative = Softmax::fit(
            &rows,
            &labels,
            2 * signs + 1,
            kb.narrative.reader.regularisation,
        );
        Ok(SemanticIndex {
            dim,
            vectors: vectors.into_iter().flatten().collect(),
            examples,
            narrative,
            signs,
            area_seats: kb.responsibility_areas.iter().map(|a| a.seat).collect(),
            rules: kb.narrative.reader.clone(),
        })
    }

    /// The vector length.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// The examples, in the order of their vectors.
    pub fn examples(&self) -> &[Example] {
        &self.examples
    }

    fn vector(&self, i: usize) -> &[f32] {
        &self.vectors[i * self.dim..(i + 1) * self.dim]
    }

    /// The example most similar to `v` among those `pick` accepts, with its similarity.
    pub fn nearest(&self, v: &[f32], pick: impl Fn(Label) -> bool) -> Option<(usize, f32)> {
        let mut best: Option<(usize, f32)> = None;
        for (i, e) in self.examples.iter().enumerate() {
            if !pick(e.label) {
                continue;
            }
            let s = dot(self.vector(i), v);
            if best.is_none_or(|(_, b)| s > b) {
                best = Some((i, s));
            }
        }
        best
    }

    /// How one unit reads: the probability of each sign (by index) and of "none" (last).
    /// The layer is fitted with each sign's absent examples as a class of their own (so
    /// "we no longer firefight" is learnt apart from both firefighting and off-topic
    /// talk); "none" sums those classes and the neutral one.
    pub fn probabilities(&self, v: &[f32]) -> Vec<f32> {
        let mut p = self.narrative.probabilities(v);
        let absent: f32 = p.get(self.signs + 1..).map_or(0.0, |a| a.iter().sum());
        p.truncate(self.signs + 1);
        if let Some(none) = p.get_mut(self.signs) {
            *none += absent;
        }
        p
    }

    /// Reads units (their vectors in order): every unit whose most probable class is a
    /// sign at the threshold or above, with its evidence; and the highest probability
    /// each sign reached anywhere (what the lexical matcher's hits are gated on).
    pub fn read(&self, vectors: &[Vec<f32>]) -> Reading {
        let mut found = Vec::new();
        let mut resolved = Vec::new();
        let mut best = vec![0.0f32; self.signs];
        for (u, v) in vectors.iter().enumerate() {
            let p = self.probabilities(v);
            for (b, &q) in best.iter_mut().zip(&p) {
                *b = b.max(q);
            }
            // Nearly the words of one exemplar: the exemplar decides.
            let twin = self
                .nearest(v, |l| {
                    matches!(l, Label::Present(_) | Label::Absent(_) | Label::Neutral)
                })
                .filter(|&(_, s)| s >= self.rules.exemplar_match);
            if let Some((i, s)) = twin {
                let unit = |sign: usize| UnitSign {
                    unit: u,
                    sign,
                    probability: p[sign],
                    exemplar: i,
                    similarity: s,
                };
                match self.examples[i].label {
                    Label::Present(sign) => {
                        best[sign] = best[sign].max(self.rules.lexical_gate);
                        found.push(unit(sign));
                    }
                    Label::Absent(sign) => resolved.push(UnitSign {
                        probability: p[self.signs],
                        ..unit(sign)
                    }),
                    _ => {}
                }
                continue;
            }
            let Some(top) = (0..p.len()).max_by(|&a, &b| p[a].total_cmp(&p[b])) else {
                continue;
            };
            if top < self.signs && p[top] >= self.rules.threshold {
                let nearest = self.nearest(v, |l| l == Label::Present(top));
                found.push(UnitSign {
                    unit: u,
                    sign: top,
                    probability: p[top],
                    exemplar: nearest.map_or(0, |n| n.0),
                    similarity: nearest.map_or(0.0, |n| n.1),
                });
            } else if top == self.signs
                && let Some((i, s)) = self.nearest(v, |l| matches!(l, Label::Absent(_)))
                && s >= self.rules.resolved_similarity
                && let Label::Absent(sign) = self.examples[i].label
            {
                resolved.push(UnitSign {
                    unit: u,
                    sign,
                    probability: p[top],
                    exemplar: i,
                    similarity: s,
                });
            }
        }
        Reading {
            found,
            resolved,
            best,
        }
    }

    /// The responsibility area a task line belongs to, by its nearest area exemplars:
    /// the `k` most similar each vote for their area with their similarity, and the area
    /// with the most votes wins. `None` when nothing is similar enough
    /// ([`ReaderRules::area_min_similarity`]).
    pub fn classify(&self, v: &[f32]) -> Option<AreaGuess> {
        match self.classify_line(v) {
            LineGuess::Area(g) => Some(g),
            LineGuess::NoSeat(_) | LineGuess::Unrecognised => None,
        }
    }

    /// A task line's reading: the `k` most similar area and no-seat exemplars vote with
    /// their similarity, and the area (or "no seat") with the most weight wins.
    /// [`LineGuess::Unrecognised`] when nothing is similar enough
    /// ([`ReaderRules::area_min_similarity`]).
    pub fn classify_line(&self, v: &[f32]) -> LineGuess {
        let k = self.rules.neighbours.max(1);
        let mut near: Vec<(usize, f32)> = self
            .examples
            .iter()
            .enumerate()
            .filter(|(_, e)| matches!(e.label, Label::Area(_) | Label::NoSeat))
            .map(|(i, _)| (i, dot(self.vector(i), v)))
            .collect();
        near.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        near.truncate(k);
        let Some(&(first, top)) = near.first() else {
            return LineGuess::Unrecognised;
        };
        if top < self.rules.area_min_similarity {
            return LineGuess::Unrecognised;
        }
        // Votes by area; `None` is "no seat".
        let mut votes: Vec<(Option<usize>, f32)> = Vec::new();
        for &(i, s) in &near {
            let key = match self.examples[i].label {
                Label::Area(a) => Some(a),
                _ => None,
            };
            match votes.iter_mut().find(|(x, _)| *x == key) {
                Some(v) => v.1 += s,
                None => votes.push((key, s)),
            }
        }
        let total: f32 = votes.iter().map(|v| v.1).sum();
        let Some((winner, weight)) = votes.iter().copied().max_by(|a, b| {
            a.1.total_cmp(&b.1)
                .then_with(|| b.0.unwrap_or(usize::MAX).cmp(&a.0.unwrap_or(usize::MAX)))
        }) else {
            return LineGuess::Unrecognised;
        };
        let label_of = |i: usize| match self.examples[i].label {
            Label::Area(a) => Some(a),
            _ => None,
        };
        let exemplar = near
            .iter()
            .find(|(i, _)| label_of(*i) == winner)
            .map_or((first, top), |n| *n);
        let count = near.iter().filter(|(i, _)| label_of(*i) == winner).count();
        let Some(area) = winner else {
            return LineGuess::NoSeat(NoSeatGuess {
                exemplar: exemplar.0,
                similarity: exemplar.1,
                votes: count,
                neighbours: near.len(),
                share: weight / total.max(f32::EPSILON),
            });
        };
        let Some(seat) = self.area_seats.get(area).copied() else {
            return LineGuess::Unrecognised;
        };
        let seat_weight: f32 = votes
            .iter()
            .filter(|(a, _)| a.and_then(|a| self.area_seats.get(a)) == Some(&seat))
            .map(|v| v.1)
            .sum();
        LineGuess::Area(AreaGuess {
            area,
            seat,
            exemplar: exemplar.0,
            similarity: exemplar.1,
            votes: count,
            neighbours: near.len(),
            area_share: weight / total.max(f32::EPSILON),
            seat_share: seat_weight / total.max(f32::EPSILON),
        })
    }

    /// The CEO tag example nearest to `v`: its capability area (`None` for an example
    /// of no area), the example's index and its similarity. `None` when no example is at
    /// least `min_similarity` similar, or the knowledge base has no tag examples.
    pub fn tag_area(&self, v: &[f32], min_similarity: f32) -> Option<TagGuess> {
        let (exemplar, similarity) =
            self.nearest(v, |l| matches!(l, Label::CeoArea(_) | Label::CeoOther))?;
        if similarity < min_similarity {
            return None;
        }
        let area = match self.examples[exemplar].label {
            Label::CeoArea(a) => Some(a),
            _ => None,
        };
        Some(TagGuess {
            area,
            exemplar,
            similarity,
        })
    }

    /// The reader as bytes, for a cache: the key, the shape, the vectors and the fitted
    /// weights (little-endian).
    pub fn to_bytes(&self, key: u64) -> Vec<u8> {
        let mut out =
            Vec::with_capacity(32 + 4 * (self.vectors.len() + self.narrative.weights().len()));
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&key.to_le_bytes());
        for n in [self.dim, self.examples.len(), self.narrative.classes()] {
            out.extend_from_slice(&(n as u64).to_le_bytes());
        }
        for x in self.vectors.iter().chain(self.narrative.weights()) {
            out.extend_from_slice(&x.to_le_bytes());
        }
        out
    }

    /// A reader from [`SemanticIndex::to_bytes`], for these examples under this key.
    ///
    /// # Errors
    /// [`IndexError::Stale`] unless the bytes were written for exactly this key and shape.
    pub fn from_bytes(
        kb: &Model,
        examples: Vec<Example>,
        key: u64,
        bytes: &[u8],
    ) -> Result<SemanticIndex, IndexError> {
        let mut r = Bytes(bytes);
        if r.take(MAGIC.len()) != Some(MAGIC) || r.u64() != Some(key) {
            return Err(IndexError::Stale);
        }
        let (dim, n, classes) = match (r.u64(), r.u64(), r.u64()) {
            (Some(d), Some(n), Some(c)) => (d as usize, n as usize, c as usize),
            _ => return Err(IndexError::Stale),
        };
        if n != examples.len() || classes != 2 * kb.signs.len() + 1 || dim == 0 || dim > 1 << 16 {
            return Err(IndexError::Stale);
        }
        let floats = |r: &mut Bytes<'_>, count: usize| -> Option<Vec<f32>> {
            let raw = r.take(count.checked_mul(4)?)?;
            Some(
                raw.chunks_exact(4)
                    .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                    .collect(),
            )
        };
        let vectors = floats(&mut r, n * dim).ok_or(IndexError::Stale)?;
        let weights = floats(&mut r, classes * (dim + 1)).ok_or(IndexError::Stale)?;
        if !r.0.is_empty() {
            return Err(IndexError::Stale);
        }
        let narrative = Softmax::from_weights(classes, dim, weights).ok_or(IndexError::Stale)?;
        Ok(SemanticIndex {
            dim,
            vectors,
            examples,
            narrative,
            signs: kb.signs.len(),
            area_seats: kb.responsibility_areas.iter().map(|a| a.seat).collect(),
            rules: kb.narrative.reader.clone(),
        })
    }
}

const MAGIC: &[u8] = b"NSSEM001";

struct Bytes<'a>(&'a [u8]);

impl<'a> Bytes<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }
    fn u64(&mut self) -> Option<u64> {
        let b = self.take(8)?;
        Some(u64::from_le_bytes([
            b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
        ]))
    }
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// A sign read in one unit, or a unit read as resolved.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct UnitSign {
    /// Which unit.
    pub unit: usize,
    /// The sign, by index.
    pub sign: usize,
    /// The probability the decision layer gave (of the sign, or of "none" when resolved).
    pub probability: f32,
    /// The nearest exemplar, by index into [`SemanticIndex::examples`].
    pub exemplar: usize,
    /// Its similarity to the unit (cosine).
    pub similarity: f32,
}

/// What the reader made of a text's units.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Reading {
    /// Signs found, unit by unit, in unit order.
    pub found: Vec<UnitSign>,
    /// Units read as saying a sign is absent or solved.
    pub resolved: Vec<UnitSign>,
    /// By sign index: the highest probability it reached in any unit.
    pub best: Vec<f32>,
}

/// How a task line reads by meaning.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LineGuess {
    /// Work of this area (and its seat).
    Area(AreaGuess),
    /// Work of no seat: most of the nearest examples are lines that belong to none.
    NoSeat(NoSeatGuess),
    /// Nothing is similar enough.
    Unrecognised,
}

/// Why a task line reads as no seat's work.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NoSeatGuess {
    /// The nearest no-seat example, by index into [`SemanticIndex::examples`].
    pub exemplar: usize,
    /// Its similarity to the line.
    pub similarity: f32,
    /// How many of the nearest examples are no-seat lines.
    pub votes: usize,
    /// How many nearest examples voted.
    pub neighbours: usize,
    /// The no-seat share of the similarity-weighted votes (0–1).
    pub share: f32,
}

/// The capability area a CEO tag was read as, by its nearest example.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TagGuess {
    /// The area, by index into `[[ceo_tags.areas]]`; `None` when the nearest example
    /// names no area.
    pub area: Option<usize>,
    /// The nearest example, by index into [`SemanticIndex::examples`].
    pub exemplar: usize,
    /// Its similarity to the tag.
    pub similarity: f32,
}

/// The area a task line was classified into, and why.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AreaGuess {
    /// The area, by index.
    pub area: usize,
    /// Its seat.
    pub seat: RoleId,
    /// The area's nearest exemplar, by index into [`SemanticIndex::examples`].
    pub exemplar: usize,
    /// Its similarity to the line.
    pub similarity: f32,
    /// How many of the nearest exemplars are the area's.
    pub votes: usize,
    /// How many nearest exemplars voted.
    pub neighbours: usize,
    /// The area's share of the similarity-weighted votes (0–1).
    pub area_share: f32,
    /// The seat's share of them, over all its areas (0–1).
    pub seat_share: f32,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit_texts(text: &str) -> Vec<&str> {
        let breaks = vec!["but".to_string(), "however".to_string()];
        units(text, &breaks).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn units_are_clauses_and_the_whole_text() {
        assert_eq!(
            unit_texts("Orders go out late. Our SOPs are fine, but nobody follows them!"),
            vec![
                "Orders go out late.",
                "Our SOPs are fine",
                "nobody follows them!",
                "Orders go out late. Our SOPs are fine, but nobody follows them!"
            ]
        );
        assert_eq!(unit_texts("One sentence only"), vec!["One sentence only"]);
        assert!(unit_texts("  ").is_empty());
        assert_eq!(unit_texts("Ok. Fine."), vec!["Ok. Fine."]);
        // Decimal points and abbreviations without a following space do not cut.
        assert_eq!(
            unit_texts("Revenue is $2.5M now"),
            vec!["Revenue is $2.5M now"]
        );
    }

    proptest::proptest! {
        /// Units are in bounds, on character boundaries, never empty, at most MAX_UNITS.
        #[test]
        fn units_are_well_formed(text in "(\\PC|[.!?;\\n ]){0,200}") {
            let breaks = vec!["but".to_string()];
            let us = units(&text, &breaks);
            proptest::prop_assert!(us.len() <= MAX_UNITS);
            for u in us {
                proptest::prop_assert!(u.end <= text.len() && u.start < u.end);
                proptest::prop_assert!(text.is_char_boundary(u.start) && text.is_char_boundary(u.end));
            }
        }
    }

    #[test]
    fn resolved_phrases_are_found_as_whole_words() {
        let resolved = vec!["fine".to_string(), "under control".to_string()];
        assert_eq!(
            resolved_phrase("Cash flow is Fine now.", &resolved),
            Some("fine")
        );
        assert_eq!(
            resolved_phrase("Budgets: under   control", &resolved),
            Some("under control")
        );
        assert_eq!(resolved_phrase("We were fined twice", &resolved), None);
        assert_eq!(resolved_phrase("", &resolved), None);
    }

    #[test]
    fn the_cache_key_follows_every_example_and_the_model() {
        let kb = crate::KnowledgeBase::default_kb();
        let ex = examples(&kb);
        assert!(ex.len() > 1_000);
        let rules = &kb.narrative.reader;
        let key = cache_key("m", &ex, rules);
        assert_eq!(key, cache_key("m", &ex, rules));
        assert_ne!(key, cache_key("m2", &ex, rules));
        let mut edited = ex.clone();
        edited[5].text.push('!');
        assert_ne!(key, cache_key("m", &edited, rules));
    }

    /// A toy embedding: each example's vector points along its label's axis, so the
    /// reader's arithmetic can be checked without a model.
    fn toy() -> (crate::KnowledgeBase, SemanticIndex) {
        let kb = crate::KnowledgeBase::default_kb();
        let ex = examples(&kb);
        let dim = kb.signs.len() + kb.responsibility_areas.len() + 3;
        let axis = |l: Label| match l {
            Label::Present(i) => i,
            Label::Absent(_) | Label::Neutral => kb.signs.len(),
            Label::Area(i) => kb.signs.len() + 1 + i,
            Label::CeoArea(_) | Label::CeoOther => kb.signs.len(),
            Label::NoSeat => dim - 2,
        };
        let vectors: Vec<Vec<f32>> = ex
            .iter()
            .enumerate()
            .map(|(n, e)| {
                let mut v = vec![0.0f32; dim];
                v[axis(e.label)] = 1.0;
                v[dim - 1] = (n % 7) as f32 / 100.0;
                v
            })
            .collect();
        let index = SemanticIndex::fit(&kb, ex, vectors).expect("fits");
        (kb, index)
    }

    #[test]
    fn a_unit_along_a_sign_reads_as_that_sign_with_its_nearest_exemplar() {
        let (kb, index) = toy();
        let dim = index.dim();
        let mut v = vec![0.0f32; dim];
        v[3] = 1.0;
        let r = index.read(&[v, vec![0.0; dim]]);
        assert_eq!(r.found.len(), 1, "{r:?}");
        let f = r.found[0];
        assert_eq!((f.unit, f.sign), (0, 3));
        assert!(f.probability > 0.5);
        assert_eq!(index.examples()[f.exemplar].label, Label::Present(3));
        assert!(f.similarity > 0.99);
        assert_eq!(r.best.len(), kb.signs.len());
    }

    #[test]
    fn a_line_like_the_no_seat_examples_gets_no_seat_and_says_which_example() {
        let (_, index) = toy();
        let dim = index.dim();
        let mut v = vec![0.0f32; dim];
        v[dim - 2] = 1.0;
        match index.classify_line(&v) {
            LineGuess::NoSeat(g) => {
                assert_eq!(index.examples()[g.exemplar].label, Label::NoSeat);
                assert!(g.similarity > 0.99);
                assert_eq!(g.votes, g.neighbours);
                assert!(g.share > 0.99);
            }
            other => panic!("expected no seat, got {other:?}"),
        }
        assert_eq!(index.classify(&v), None);
    }

    #[test]
    fn a_line_along_an_area_is_classified_there_and_nonsense_is_not() {
        let (kb, index) = toy();
        let dim = index.dim();
        let area = 5;
        let mut v = vec![0.0f32; dim];
        v[kb.signs.len() + 1 + area] = 1.0;
        let g = index.classify(&v).expect("recognised");
        assert_eq!(g.area, area);
        assert_eq!(g.seat, kb.responsibility_areas[area].seat);
        assert!(g.seat_share > 0.99 && g.votes == g.neighbours);
        assert_eq!(index.classify(&vec![0.0f32; dim]), None);
    }

    #[test]
    fn the_cache_round_trips_and_refuses_anything_else() {
        let (kb, index) = toy();
        let ex = index.examples().to_vec();
        let bytes = index.to_bytes(42);
        let back = SemanticIndex::from_bytes(&kb, ex.clone(), 42, &bytes).expect("reads back");
        assert_eq!(back.vectors, index.vectors);
        assert_eq!(back.narrative, index.narrative);
        assert_eq!(
            SemanticIndex::from_bytes(&kb, ex.clone(), 43, &bytes).err(),
            Some(IndexError::Stale)
        );
        assert_eq!(
            SemanticIndex::from_bytes(&kb, ex.clone(), 42, &bytes[..bytes.len() - 1]).err(),
            Some(IndexError::Stale)
        );
        assert_eq!(
            SemanticIndex::from_bytes(&kb, ex, 42, b"junk").err(),
            Some(IndexError::Stale)
        );
    }
}
