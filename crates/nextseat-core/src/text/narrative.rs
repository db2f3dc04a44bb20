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

use super::{Analyzer, Token};
use crate::assessment::SignHit;
use crate::diag::Position;
use crate::ids::Origin;
use crate::kb::KnowledgeBase;
use serde::Serialize;
use std::collections::HashMap;

/// A sign found in a text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
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
    /// The KB phrase that matched.
    pub pattern: String,
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
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Diagnosis {
    /// Signs found, in the order they first appear in the text.
    pub signs: Vec<Finding>,
    /// Matches not counted (negated or resolved), for transparency.
    pub suppressed: Vec<Suppressed>,
}

impl Diagnosis {
    /// The findings as assessment sign hits (origin `narrative`, the phrase as evidence).
    pub fn sign_hits(&self) -> Vec<SignHit> {
        self.signs
            .iter()
            .map(|f| SignHit::new(&f.id, Origin::Narrative, Some(&f.phrase)))
            .collect()
    }
}

struct Pattern {
    sign: usize,
    stems: Vec<String>,
    text: String,
}

/// A compiled matcher for one knowledge base. Build once, diagnose many texts.
pub struct Matcher {
    analyzer: Analyzer,
    patterns: Vec<Pattern>,
    /// Pattern indices by their first stem, so a clause only tries the patterns that can
    /// start in it.
    by_first: HashMap<String, Vec<usize>>,
    synonyms: HashMap<String, String>,
    negators: Vec<String>,
    resolved: Vec<Vec<String>>,
    breaks: Vec<String>,
    max_gap: usize,
    window: usize,
}

impl std::fmt::Debug for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Matcher({} patterns)", self.patterns.len())
    }
}

impl Matcher {
    /// Compiles the KB's phrases, synonyms and negation words.
    pub fn new(kb: &KnowledgeBase) -> Matcher {
        let analyzer = Analyzer::new();
        let n = &kb.narrative;
        let mut synonyms = HashMap::new();
        for group in &n.synonyms {
            let Some(head) = group.first().map(|w| analyzer.stem(&w.to_lowercase())) else {
                continue;
            };
            for w in group.iter().skip(1) {
                synonyms.insert(analyzer.stem(&w.to_lowercase()), head.clone());
            }
        }
        let canon = |s: String| synonyms.get(&s).cloned().unwrap_or(s);
        let mut patterns = Vec::new();
        for (i, sign) in kb.signs.iter().enumerate() {
            for p in &sign.phrases {
                let stems: Vec<String> = analyzer.stems(p).into_iter().map(canon).collect();
                if !stems.is_empty() {
                    patterns.push(Pattern {
                        sign: i,
                        stems,
                        text: p.clone(),
                    });
                }
            }
        }
        let mut by_first: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, p) in patterns.iter().enumerate() {
            if let Some(f) = p.stems.first() {
                by_first.entry(f.clone()).or_default().push(i);
            }
        }
        let lower = |v: &[String]| v.iter().map(|w| w.to_lowercase()).collect::<Vec<_>>();
        Matcher {
            negators: lower(&n.negators),
            resolved: n
                .resolved
                .iter()
                .map(|r| {
                    analyzer
                        .tokens(r)
                        .into_iter()
                        .map(|t| t.word)
                        .collect::<Vec<_>>()
                })
                .filter(|r| !r.is_empty())
                .collect(),
            breaks: lower(&n.clause_breaks),
            max_gap: n.max_gap as usize,
            window: n.negation_window as usize,
            analyzer,
            patterns,
            by_first,
            synonyms,
        }
    }

    /// Finds the signs in `text`.
    pub fn diagnose(&self, kb: &KnowledgeBase, text: &str) -> Diagnosis {
        let mut tokens = self.analyzer.tokens(text);
        // Contrast words start a new clause.
        let mut shift = 0;
        for t in &mut tokens {
            if self.breaks.contains(&t.word) {
                shift += 1;
            }
            t.clause += shift * 1_000_000;
            if let Some(c) = self.synonyms.get(&t.stem) {
                t.stem = c.clone();
            }
        }
        let clauses = group_clauses(&tokens);
        let mut found: Vec<Finding> = Vec::new();
        let mut suppressed: Vec<Suppressed> = Vec::new();
        for clause in &clauses {
            let mut candidates: Vec<usize> = clause
                .iter()
                .filter_map(|t| self.by_first.get(&t.stem))
                .flatten()
                .copied()
                .collect();
            if candidates.is_empty() {
                continue;
            }
            candidates.sort_unstable();
            candidates.dedup();
            let mut resolved: Option<Option<String>> = None;
            for p in candidates.iter().map(|&i| &self.patterns[i]) {
                let id = &kb.signs[p.sign].id;
                if found.iter().any(|f| &f.id == id) {
                    continue;
                }
                let Some((first, last, positions)) = find(clause, &p.stems, self.max_gap) else {
                    continue;
                };
                let start = clause[first].start;
                let end = clause[last].end;
                let phrase = text[start..end].to_string();
                let pos = Position::of_offset(text, start);
                let negated = self.negated(clause, first, last, &positions);
                let resolved = resolved.get_or_insert_with(|| self.resolved_in(clause));
                let reason = match (negated, &*resolved) {
                    (Some(w), _) => Some(format!("negated by \"{w}\"")),
                    (None, Some(r)) => Some(format!("the clause says it is resolved (\"{r}\")")),
                    (None, None) => None,
                };
                match reason {
                    Some(reason) => {
                        if !suppressed.iter().any(|s| &s.id == id && s.phrase == phrase) {
                            suppressed.push(Suppressed {
                                id: id.clone(),
                                phrase,
                                line: pos.line,
                                column: pos.column,
                                reason,
                            });
                        }
                    }
                    None => found.push(Finding {
                        id: id.clone(),
                        phrase,
                        start,
                        end,
                        line: pos.line,
                        column: pos.column,
                        pattern: p.text.clone(),
                    }),
                }
            }
        }
        found.sort_by_key(|f| f.start);
        suppressed.retain(|s| !found.iter().any(|f| f.id == s.id));
        Diagnosis {
            signs: found,
            suppressed,
        }
    }

    fn negated<'t>(
        &self,
        clause: &[&'t Token],
        first: usize,
        last: usize,
        positions: &[usize],
    ) -> Option<&'t str> {
        let from = first.saturating_sub(self.window);
        (from..=last)
            .filter(|i| !positions.contains(i))
            .map(|i| clause[i].word.as_str())
            .find(|w| self.negators.iter().any(|n| n == w))
    }

    fn resolved_in(&self, clause: &[&Token]) -> Option<String> {
        let words: Vec<&str> = clause.iter().map(|t| t.word.as_str()).collect();
        self.resolved
            .iter()
            .find(|r| {
                words
                    .windows(r.len())
                    .any(|w| w.iter().zip(r.iter()).all(|(a, b)| a == b))
            })
            .map(|r| r.join(" "))
    }
}

fn group_clauses(tokens: &[Token]) -> Vec<Vec<&Token>> {
    let mut out: Vec<Vec<&Token>> = Vec::new();
    let mut current = usize::MAX;
    for t in tokens {
        if t.clause != current {
            out.push(Vec::new());
            current = t.clause;
        }
        if let Some(last) = out.last_mut() {
            last.push(t);
        }
    }
    out
}

/// The first in-order match of `stems` in `clause` with at most `max_gap` words between
/// neighbours: (first index, last index, every matched index).
fn find(clause: &[&Token], stems: &[String], max_gap: usize) -> Option<(usize, usize, Vec<usize>)> {
    let first = stems.first()?;
    'start: for s in 0..clause.len() {
        if &clause[s].stem != first {
            continue;
        }
        let mut positions = vec![s];
        let mut at = s;
        for stem in &stems[1..] {
            let limit = (at + 1 + max_gap + 1).min(clause.len());
            match (at + 1..limit).find(|&j| &clause[j].stem == stem) {
                Some(j) => {
                    positions.push(j);
                    at = j;
                }
                None => continue 'start,
            }
        }
        return Some((s, at, positions));
    }
    None
}
