//! Evaluating narrative intake against a labelled set of sentences.
//!
//! An evaluation file lists `[[case]]`s, each a `text` and the `signs` a consultant would
//! tag in it (empty for negated or off-topic text). Precision and recall are counted over
//! (case, sign) pairs, micro-averaged: a sign found that the case does not list is a
//! false positive, a listed sign not found is a false negative.

use crate::diag::{Diagnostic, Diagnostics, humanise};
use crate::kb::KnowledgeBase;
use serde::{Deserialize, Serialize};

/// An evaluation file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvalSet {
    /// The cases.
    #[serde(rename = "case")]
    pub cases: Vec<EvalCase>,
}

/// One labelled text.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvalCase {
    /// The text.
    pub text: String,
    /// The signs it expresses.
    pub signs: Vec<String>,
    /// For cases without signs: `negated` or `off_topic`.
    #[serde(default)]
    pub kind: Option<String>,
}

/// A case the matcher got wrong.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Miss {
    /// The text.
    pub text: String,
    /// Signs found that the case does not list.
    pub false_positives: Vec<String>,
    /// Signs listed that were not found.
    pub false_negatives: Vec<String>,
}

/// Precision and recall on a set.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EvalReport {
    /// Number of cases.
    pub cases: usize,
    /// Cases that list at least one sign.
    pub positive_cases: usize,
    /// Cases that list none.
    pub negative_cases: usize,
    /// True positives.
    pub true_positives: usize,
    /// False positives.
    pub false_positives: usize,
    /// False negatives.
    pub false_negatives: usize,
    /// TP / (TP + FP).
    pub precision: f64,
    /// TP / (TP + FN).
    pub recall: f64,
    /// Every case with a mistake.
    pub misses: Vec<Miss>,
}

impl std::fmt::Display for EvalReport {
    /// One line: the counts, precision and recall.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} cases ({} with signs, {} without): precision {:.3}, recall {:.3} (TP {}, FP {}, FN {})",
            self.cases,
            self.positive_cases,
            self.negative_cases,
            self.precision,
            self.recall,
            self.true_positives,
            self.false_positives,
            self.false_negatives
        )
    }
}

impl std::fmt::Display for Miss {
    /// The sentence, then what was found but not expected and expected but not found.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "miss  {:?}", self.text)?;
        if !self.false_positives.is_empty() {
            write!(
                f,
                "\n      found but not expected: {}",
                self.false_positives.join(", ")
            )?;
        }
        if !self.false_negatives.is_empty() {
            write!(
                f,
                "\n      expected but not found: {}",
                self.false_negatives.join(", ")
            )?;
        }
        Ok(())
    }
}

impl EvalSet {
    /// Parses an evaluation file and checks its sign ids against `kb`.
    pub fn parse(src: &str, kb: &KnowledgeBase) -> Result<EvalSet, Diagnostics> {
        let set: EvalSet = toml::from_str(src).map_err(|e| {
            Diagnostics(vec![
                Diagnostic::new("", humanise(e.message()))
                    .at_span(&crate::diag::LineIndex::new(src), e.span()),
            ])
        })?;
        let ids: Vec<&str> = kb.signs.iter().map(|s| s.id.as_str()).collect();
        let mut diags = Vec::new();
        for (i, c) in set.cases.iter().enumerate() {
            for (j, s) in c.signs.iter().enumerate() {
                if kb.sign(s).is_none() {
                    let key = format!("case[{i}].signs[{j}]");
                    diags.push(
                        Diagnostic::new(key, format!("unknown sign id \"{s}\""))
                            .suggest(crate::diag::closest(s, ids.iter().copied())),
                    );
                }
            }
        }
        let listed = diags.len().min(crate::diag::MAX_LISTED);
        crate::locate::Document::new(src, crate::profile::Format::Toml)
            .locate(&mut diags[..listed]);
        Diagnostics::check(diags)?;
        Ok(set)
    }

    /// Runs the knowledge base's matcher on every case.
    pub fn evaluate(&self, kb: &KnowledgeBase) -> EvalReport {
        let (mut tp, mut fp, mut fn_) = (0, 0, 0);
        let mut misses = Vec::new();
        for c in &self.cases {
            let found: Vec<String> = kb
                .diagnose(&c.text)
                .signs
                .into_iter()
                .map(|f| f.id)
                .collect();
            let fps: Vec<String> = found
                .iter()
                .filter(|f| !c.signs.contains(f))
                .cloned()
                .collect();
            let fns: Vec<String> = c
                .signs
                .iter()
                .filter(|s| !found.contains(s))
                .cloned()
                .collect();
            tp += found.len() - fps.len();
            fp += fps.len();
            fn_ += fns.len();
            if !fps.is_empty() || !fns.is_empty() {
                misses.push(Miss {
                    text: c.text.clone(),
                    false_positives: fps,
                    false_negatives: fns,
                });
            }
        }
        let ratio = |a: usize, b: usize| {
            if a + b == 0 {
                1.0
            } else {
                a as f64 / (a + b) as f64
            }
        };
        let positive = self.cases.iter().filter(|c| !c.signs.is_empty()).count();
        EvalReport {
            cases: self.cases.len(),
            positive_cases: positive,
            negative_cases: self.cases.len() - positive,
            true_positives: tp,
            false_positives: fp,
            false_negatives: fn_,
            precision: ratio(tp, fp),
            recall: ratio(tp, fn_),
            misses,
        }
    }
}
