//! Narrative intake: finding the signs in a founder's own words.
//!
//! Each sign in the KB lists `phrases`, written as plain words ("deliveries late",
//! "nobody follows up"). Text and phrases are tokenised and stemmed alike, and the KB's
//! synonym groups fold words onto one another ("overdue" → "late"). A phrase matches a
//! clause when its words appear in order with at most `max_gap` other words between
//! neighbours. A match is suppressed, and reported as such, when a negator ("not",
//! "never") sits inside it or just before it, or when its clause says the problem is
//! resolved ("fine", "no longer", "used to"). Clauses break at punctuation and at
//! contrast words ("but", "unlike"), so "unlike last year, handoffs are fine" judges
//! "handoffs are fine" on its own.

use super::{Analyzer, Word, packed, packed_words, unpacked};
use crate::assessment::{Meaning, SignHit};
use crate::diag::Position;
use crate::ids::Origin;
use crate::kb::KnowledgeBase;
use serde::Serialize;
use std::collections::HashMap;

/// A sign found in a text.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    /// Sign id.
    pub id: String,
    /// The exact words of the input that triggered it.
    pub phrase: String,
    /// Byte offset of the phrase's start.
    pub start: usize,
    /// Byte offset just past its end.
    pub end: usize,
    /// 1-based line of the phrase.
    pub line: usize,
    /// 1-based column (characters) of the phrase.
    pub column: usize,
    /// The KB phrase that matched (for a finding by meaning: empty).
    pub pattern: String,
    /// How the semantic reader read it, when a text model is installed: its probability,
    /// and the sign's nearest exemplar with its similarity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meaning: Option<Meaning>,
}

/// Rounded to three decimals, for reading.
pub(crate) fn three(x: f32) -> f64 {
    (f64::from(x) * 1000.0).round() / 1000.0
}

/// A match that was not counted, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Suppressed {
    /// Sign id.
    pub id: String,
    /// The words of the input.
    pub phrase: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// Why it was not counted.
    pub reason: String,
}

/// The result of diagnosing a text.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Diagnosis {
    /// Signs found, in the order they first appear in the text.
    pub signs: Vec<Finding>,
    /// Matches not counted (negated or resolved), for transparency.
    pub suppressed: Vec<Suppressed>,
    /// Which readers read it: `phrases`, or `phrases+meaning` with a text model.
    pub reader: &'static str,
    /// Anything the reader could not do (the model failed, the text was cut).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl Diagnosis {
    /// The findings as assessment sign hits (origin `narrative`, the phrase as evidence).
    pub fn sign_hits(&self) -> Vec<SignHit> {
        self.signs
            .iter()
            .map(|f| SignHit {
                meaning: f.meaning.clone(),
                ..SignHit::new(&f.id, Origin::Narrative, Some(&f.phrase))
            })
            .collect()
    }
}

struct Pattern {
    sign: usize,
    stems: Vec<u32>,
    text: String,
}

/// Id of a word or stem the knowledge base never mentions: it can stand between the words
/// of a phrase, but never matches one.
const OTHER: u32 = 0;

/// Distinct words a [`Scratch`] remembers before it starts afresh.
const MEMO_LIMIT: usize = 50_000;

/// A compiled matcher for one knowledge base. Build once, diagnose many texts.
///
/// Every stem and every special word (negators, contrast words, the words of "resolved"
/// phrases) the knowledge base mentions gets a small integer id when the matcher is
/// built; a text's words are mapped to those ids (anything else is [`OTHER`]), so
/// matching compares integers and allocates nothing per word.
pub struct Matcher {
    analyzer: Analyzer,
    patterns: Vec<Pattern>,
    /// One-word patterns by their stem id.
    singles: Vec<Vec<u32>>,
    /// Longer patterns by their first two stem ids, so that a position only tries the
    /// patterns whose second word follows within reach: "no" starts dozens of phrases,
    /// but few of them can match at any one place.
    by_pair: rustc_hash::FxHashMap<(u32, u32), Vec<u32>>,
    /// By stem id: whether some longer pattern starts with it.
    starts_pair: Vec<bool>,
    /// Stem → id of its canonical stem (synonyms folded).
    stem_ids: HashMap<String, u32>,
    /// Special word → id.
    word_ids: HashMap<String, u32>,
    /// Id → special word.
    word_text: Vec<String>,
    /// By word id: a negator.
    negator: Vec<bool>,
    /// By word id: a contrast word that starts a new clause.
    breaks: Vec<bool>,
    /// "Resolved" phrases as word ids.
    resolved: Vec<Vec<u32>>,
    /// By word id: the "resolved" phrases starting with that word, in KB order.
    resolved_by_first: Vec<Vec<usize>>,
    max_gap: usize,
    window: usize,
    signs: usize,
}

impl std::fmt::Debug for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Matcher({} patterns)", self.patterns.len())
    }
}

/// Reusable working memory for [`Matcher::scan`]: keep one per thread when diagnosing
/// many texts, so that each distinct word is stemmed once and no buffer is reallocated.
#[derive(Debug, Default)]
pub struct Scratch {
    // FxHash: the keys are a text's own words, and this lookup is the hot path of a
    // batch; SipHash's protection against chosen keys buys nothing for a per-thread
    // memo that is capped at MEMO_LIMIT entries. Words of up to 15 bytes (nearly all)
    // are keyed by their bytes packed into an integer: no pointer to follow, no memcmp.
    memo: rustc_hash::FxHashMap<u128, (u32, u32)>,
    memo_long: rustc_hash::FxHashMap<Box<str>, (u32, u32)>,
    lower: String,
    tokens: Vec<Tok>,
    /// (pattern, position of its first word) for every place a pattern could start.
    candidates: Vec<(u32, u32)>,
    positions: Vec<usize>,
    found_sign: Vec<bool>,
    hits: Vec<Hit>,
    misses: Vec<Miss>,
}

#[derive(Clone, Copy, Debug)]
struct Tok {
    word: u32,
    stem: u32,
    start: usize,
    end: usize,
    clause: usize,
}

/// A sign found by [`Matcher::scan`]: the KB's sign index and the input's byte span.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    /// Index into the knowledge base's signs.
    pub sign: usize,
    /// Byte offset of the matched phrase.
    pub start: usize,
    /// Byte offset just past it.
    pub end: usize,
    pattern: usize,
}

#[derive(Clone, Copy, Debug)]
enum Why {
    Negated(u32),
    Resolved(usize),
}

#[derive(Clone, Copy, Debug)]
struct Miss {
    sign: usize,
    start: usize,
    end: usize,
    why: Why,
}

impl Matcher {
    /// Compiles the KB's phrases, synonyms and negation words.
    pub fn new(kb: &KnowledgeBase) -> Matcher {
        let analyzer = Analyzer::new();
        let n = &kb.narrative;
        let mut synonyms: HashMap<String, String> = HashMap::new();
        for group in &n.synonyms {
            let Some(head) = group.first().map(|w| analyzer.stem(&w.to_lowercase())) else {
                continue;
            };
            for w in group.iter().skip(1) {
                synonyms.insert(analyzer.stem(&w.to_lowercase()), head.clone());
            }
        }
        let canon = |s: String| synonyms.get(&s).cloned().unwrap_or(s);
        // Canonical stem → id; id 0 is OTHER.
        let mut canonical: HashMap<String, u32> = HashMap::new();
        let mut intern = |s: String| -> u32 {
            let next = canonical.len() as u32 + 1;
            *canonical.entry(s).or_insert(next)
        };
        let mut patterns = Vec::new();
        for (i, sign) in kb.signs.iter().enumerate() {
            for p in &sign.phrases {
                let stems: Vec<u32> = analyzer
                    .stems(p)
                    .into_iter()
                    .map(|s| intern(canon(s)))
                    .collect();
                if !stems.is_empty() {
                    patterns.push(Pattern {
                        sign: i,
                        stems,
                        text: p.clone(),
                    });
                }
            }
        }
        // A text's stem maps to its canonical stem's id, when a phrase uses it.
        let mut stem_ids: HashMap<String, u32> = canonical.clone();
        for (stem, head) in &synonyms {
            match canonical.get(head) {
                Some(&id) => stem_ids.insert(stem.clone(), id),
                None => stem_ids.remove(stem),
            };
        }
        let mut singles: Vec<Vec<u32>> = vec![Vec::new(); canonical.len() + 1];
        let mut starts_pair = vec![false; canonical.len() + 1];
        let mut by_pair: rustc_hash::FxHashMap<(u32, u32), Vec<u32>> = Default::default();
        for (i, p) in patterns.iter().enumerate() {
            match p.stems[..] {
                [only] => singles[only as usize].push(i as u32),
                [first, second, ..] => {
                    starts_pair[first as usize] = true;
                    by_pair.entry((first, second)).or_default().push(i as u32);
                }
                [] => {}
            }
        }

        let mut word_ids: HashMap<String, u32> = HashMap::new();
        let mut word_text = vec![String::new()];
        let mut word = |w: String| -> u32 {
            if let Some(&id) = word_ids.get(&w) {
                return id;
            }
            let id = word_text.len() as u32;
            word_text.push(w.clone());
            word_ids.insert(w, id);
            id
        };
        let negators: Vec<u32> = n.negators.iter().map(|w| word(w.to_lowercase())).collect();
        let breaks: Vec<u32> = n
            .clause_breaks
            .iter()
            .map(|w| word(w.to_lowercase()))
            .collect();
        let resolved: Vec<Vec<u32>> = n
            .resolved
            .iter()
            .map(|r| {
                analyzer
                    .tokens(r)
                    .into_iter()
                    .map(|t| word(t.word))
                    .collect::<Vec<_>>()
            })
            .filter(|r| !r.is_empty())
            .collect();
        let flags = |ids: &[u32]| {
            let mut v = vec![false; word_text.len()];
            for &i in ids {
                v[i as usize] = true;
            }
            v
        };
        let mut resolved_by_first = vec![Vec::new(); word_text.len()];
        for (i, r) in resolved.iter().enumerate() {
            resolved_by_first[r[0] as usize].push(i);
        }
        Matcher {
            resolved_by_first,
            negator: flags(&negators),
            breaks: flags(&breaks),
            resolved,
            max_gap: n.max_gap as usize,
            window: n.negation_window as usize,
            signs: kb.signs.len(),
            analyzer,
            patterns,
            singles,
            by_pair,
            starts_pair,
            stem_ids,
            word_ids,
            word_text,
        }
    }

    /// Finds the signs in `text`, with the phrase, position and pattern of each, and the
    /// matches not counted with their reasons.
    pub fn diagnose(&self, kb: &KnowledgeBase, text: &str) -> Diagnosis {
        let mut scratch = Scratch::default();
        let hits = self.scan(&mut scratch, text);
        let signs = hits
            .iter()
            .map(|h| {
                let pos = Position::of_offset(text, h.start);
                Finding {
                    id: kb.signs[h.sign].id.clone(),
                    phrase: text[h.start..h.end].to_string(),
                    start: h.start,
                    end: h.end,
                    line: pos.line,
                    column: pos.column,
                    pattern: self.patterns[h.pattern].text.clone(),
                    meaning: None,
                }
            })
            .collect();
        let suppressed = scratch
            .misses
            .iter()
            .map(|m| {
                let pos = Position::of_offset(text, m.start);
                Suppressed {
                    id: kb.signs[m.sign].id.clone(),
                    phrase: text[m.start..m.end].to_string(),
                    line: pos.line,
                    column: pos.column,
                    reason: match m.why {
                        Why::Negated(w) => {
                            format!("negated by \"{}\"", self.word_text[w as usize])
                        }
                        Why::Resolved(r) => format!(
                            "the clause says it is resolved (\"{}\")",
                            self.resolved[r]
                                .iter()
                                .map(|&w| self.word_text[w as usize].as_str())
                                .collect::<Vec<_>>()
                                .join(" ")
                        ),
                    },
                }
            })
            .collect();
        Diagnosis {
            signs,
            suppressed,
            reader: "phrases",
            notes: Vec::new(),
        }
    }

    /// The signs found in `text`, in the order they appear: each sign once, at its first
    /// counted match. Matches not counted stay in `scratch` for [`Matcher::diagnose`].
    pub fn scan<'s>(&self, scratch: &'s mut Scratch, text: &str) -> &'s [Hit] {
        self.tokenize(scratch, text);
        let Scratch {
            tokens,
            candidates,
            positions,
            found_sign,
            hits,
            misses,
            ..
        } = scratch;
        hits.clear();
        misses.clear();
        found_sign.clear();
        found_sign.resize(self.signs, false);
        let mut a = 0;
        while a < tokens.len() {
            let mut b = a + 1;
            while b < tokens.len() && tokens[b].clause == tokens[a].clause {
                b += 1;
            }
            let clause = &tokens[a..b];
            a = b;
            candidates.clear();
            for (at, t) in clause.iter().enumerate() {
                if t.stem == OTHER {
                    continue;
                }
                let first = t.stem as usize;
                candidates.extend(self.singles[first].iter().map(|&p| (p, at as u32)));
                if !self.starts_pair[first] {
                    continue;
                }
                // The second word must come within max_gap words (see match_at).
                let reach = (at + 2 + self.max_gap).min(clause.len());
                for next in &clause[at + 1..reach] {
                    if let Some(ps) = self.by_pair.get(&(t.stem, next.stem)) {
                        candidates.extend(ps.iter().map(|&p| (p, at as u32)));
                    }
                }
            }
            if candidates.is_empty() {
                continue;
            }
            // Patterns in KB order, each with its possible starts in text order: the
            // first start that completes is the pattern's match in this clause.
            candidates.sort_unstable();
            candidates.dedup();
            let mut resolved: Option<Option<usize>> = None;
            let mut k = 0;
            while k < candidates.len() {
                let pi = candidates[k].0;
                let mut group = k;
                while group < candidates.len() && candidates[group].0 == pi {
                    group += 1;
                }
                let starts = &candidates[k..group];
                k = group;
                let p = &self.patterns[pi as usize];
                if found_sign[p.sign] {
                    continue;
                }
                let Some((first, last)) = starts.iter().find_map(|&(_, at)| {
                    match_at(clause, &p.stems, at as usize, self.max_gap, positions)
                }) else {
                    continue;
                };
                let start = clause[first].start;
                let end = clause[last].end;
                let why = match self.negated(clause, first, last, positions) {
                    Some(w) => Some(Why::Negated(w)),
                    None => (*resolved.get_or_insert_with(|| self.resolved_in(clause)))
                        .map(Why::Resolved),
                };
                match why {
                    Some(why) => {
                        let phrase = &text[start..end];
                        if !misses
                            .iter()
                            .any(|m| m.sign == p.sign && &text[m.start..m.end] == phrase)
                        {
                            misses.push(Miss {
                                sign: p.sign,
                                start,
                                end,
                                why,
                            });
                        }
                    }
                    None => {
                        found_sign[p.sign] = true;
                        hits.push(Hit {
                            sign: p.sign,
                            start,
                            end,
                            pattern: pi as usize,
                        });
                    }
                }
            }
        }
        hits.sort_by_key(|h| h.start);
        misses.retain(|m| !found_sign[m.sign]);
        hits
    }

    /// Maps the words of `text` to ids, stemming each distinct word once per scratch.
    fn tokenize(&self, scratch: &mut Scratch, text: &str) {
        let Scratch {
            memo,
            memo_long,
            lower,
            tokens,
            ..
        } = scratch;
        tokens.clear();
        if memo.len() + memo_long.len() >= MEMO_LIMIT {
            memo.clear();
            memo_long.clear();
        }
        // Contrast words start a new clause: the clause numbers shift by one at each.
        let mut shift = 0;
        packed_words(text, lower, |w, start, end, clause| {
            // The common case, a short plain word seen before, is one lookup; the rest
            // is out of line so that this loop stays small.
            let (word, stem) = match w {
                Word::Packed(key) => match memo.get(&key) {
                    Some(&ids) => ids,
                    None => self.learn_packed(memo, key),
                },
                Word::Text(w) => self.learn_text(memo, memo_long, w),
            };
            if self.breaks[word as usize] {
                shift += 1;
            }
            tokens.push(Tok {
                word,
                stem,
                start,
                end,
                clause: clause + shift * 1_000_000,
            });
        });
    }

    /// The word and stem ids of a lower-case word, worked out (the stemmer runs).
    fn ids_of(&self, w: &str) -> (u32, u32) {
        (
            self.word_ids.get(w).copied().unwrap_or(OTHER),
            self.stem_ids
                .get(self.analyzer.stemmer_stem(w).as_ref())
                .copied()
                .unwrap_or(OTHER),
        )
    }

    /// A packed word not in the memo yet: its ids, remembered.
    #[cold]
    #[inline(never)]
    fn learn_packed(
        &self,
        memo: &mut rustc_hash::FxHashMap<u128, (u32, u32)>,
        key: u128,
    ) -> (u32, u32) {
        let mut spelled = [0u8; 16];
        let ids = self.ids_of(unpacked(key, &mut spelled));
        memo.insert(key, ids);
        ids
    }

    /// A word that [`packed_words`] hands over as text (long, contracted, hyphenated
    /// or not ASCII): its ids, from the memo or worked out and remembered.
    #[inline(never)]
    fn learn_text(
        &self,
        memo: &mut rustc_hash::FxHashMap<u128, (u32, u32)>,
        memo_long: &mut rustc_hash::FxHashMap<Box<str>, (u32, u32)>,
        w: &str,
    ) -> (u32, u32) {
        match packed(w) {
            Some(key) => *memo.entry(key).or_insert_with(|| self.ids_of(w)),
            None => match memo_long.get(w) {
                Some(&ids) => ids,
                None => *memo_long.entry(w.into()).or_insert_with(|| self.ids_of(w)),
            },
        }
    }

    fn negated(
        &self,
        clause: &[Tok],
        first: usize,
        last: usize,
        positions: &[usize],
    ) -> Option<u32> {
        let from = first.saturating_sub(self.window);
        (from..=last)
            .filter(|i| !positions.contains(i))
            .map(|i| clause[i].word)
            .find(|&w| self.negator[w as usize])
    }

    /// The first "resolved" phrase, in KB order, that occurs anywhere in the clause.
    fn resolved_in(&self, clause: &[Tok]) -> Option<usize> {
        let mut best: Option<usize> = None;
        for (i, t) in clause.iter().enumerate() {
            for &r in &self.resolved_by_first[t.word as usize] {
                if best.is_some_and(|b| b <= r) {
                    break;
                }
                let words = &self.resolved[r];
                let here = clause.get(i..i + words.len());
                if here.is_some_and(|h| h.iter().zip(words).all(|(a, &b)| a.word == b)) {
                    best = Some(r);
                }
            }
        }
        best
    }
}

/// The match of `stems` in `clause` that starts at `start` (whose stem is the first),
/// each next word at most `max_gap` words after the previous one: (first index, last
/// index); every matched index is left in `positions`.
fn match_at(
    clause: &[Tok],
    stems: &[u32],
    start: usize,
    max_gap: usize,
    positions: &mut Vec<usize>,
) -> Option<(usize, usize)> {
    positions.clear();
    positions.push(start);
    let mut at = start;
    for &stem in stems.get(1..)? {
        let limit = (at + 1 + max_gap + 1).min(clause.len());
        let j = (at + 1..limit).find(|&j| clause[j].stem == stem)?;
        positions.push(j);
        at = j;
    }
    Some((start, at))
}
