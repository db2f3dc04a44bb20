//! Evaluating how the method reads people's words, against labelled sets.
//!
//! An evaluation file lists `[[case]]`s. A **narrative** set gives each case a `text` and
//! the `signs` a consultant would tag in it (empty for negated or off-topic text);
//! precision and recall are counted over (case, sign) pairs, micro-averaged, and per
//! sign. An **ownership** set gives each case a responsibility line (`text`) and the
//! `seat` that should own it (`cso`, `coo`, `chief_of_staff`, `implementer`, or `none` for
//! work outside the four seats); the figure is the share of lines given the right seat,
//! overall and per seat. A **CEO tags** set gives each case a short tag (`text`) and the
//! capability `area` it names (an id of `[[ceo_tags.areas]]`, or `none`); the figure is the
//! share of tags read as the right area, overall and per area. A file is one kind only. The same readers run as in
//! `diagnose` and `ownership`: by meaning too when a text model is attached.

use crate::diag::{Diagnostic, Diagnostics, humanise};
use crate::ids::RoleId;
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
    /// The signs it expresses (a narrative set).
    #[serde(default)]
    pub signs: Option<Vec<String>>,
    /// The seat that should own it, or `none` (an ownership set).
    #[serde(default)]
    pub seat: Option<String>,
    /// The CEO capability area the tag names, or `none` (a CEO tags set).
    #[serde(default)]
    pub area: Option<String>,
    /// For cases without signs: `negated` or `off_topic`.
    #[serde(default)]
    pub kind: Option<String>,
}

/// A case read wrongly.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Miss {
    /// The text.
    pub text: String,
    /// Signs found that the case does not list (narrative), or the seat given
    /// (ownership; `none` when not recognised).
    pub false_positives: Vec<String>,
    /// Signs listed that were not found (narrative), or the expected seat (ownership).
    pub false_negatives: Vec<String>,
}

/// Counts for one sign.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SignFigures {
    /// Sign id.
    pub sign: String,
    /// Found and listed.
    pub true_positives: usize,
    /// Found, not listed.
    pub false_positives: usize,
    /// Listed, not found.
    pub false_negatives: usize,
    /// TP / (TP + FP), 1 when nothing was found.
    pub precision: f64,
    /// TP / (TP + FN), 1 when nothing was listed.
    pub recall: f64,
}

/// Counts for one seat of an ownership set.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SeatFigures {
    /// `cso`, `coo`, `chief_of_staff`, `implementer` or `none`.
    pub seat: String,
    /// Lines labelled with it.
    pub lines: usize,
    /// Of those, given it.
    pub right: usize,
    /// right / lines.
    pub accuracy: f64,
}

/// The figures on a set.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EvalReport {
    /// `narrative`, `ownership` or `ceo_tags`.
    pub kind: &'static str,
    /// Which readers read it (`phrases`, `phrases+meaning`; `words`, `meaning`).
    pub reader: String,
    /// Number of cases.
    pub cases: usize,
    /// Cases that list at least one sign (narrative).
    pub positive_cases: usize,
    /// Cases that list none (narrative).
    pub negative_cases: usize,
    /// True positives (narrative).
    pub true_positives: usize,
    /// False positives (narrative).
    pub false_positives: usize,
    /// False negatives (narrative).
    pub false_negatives: usize,
    /// TP / (TP + FP) (narrative).
    pub precision: f64,
    /// TP / (TP + FN) (narrative).
    pub recall: f64,
    /// Per sign, in the knowledge base's order (narrative).
    pub per_sign: Vec<SignFigures>,
    /// Lines of the four seats given the right seat, out of all of them (ownership).
    pub accuracy: f64,
    /// Per seat, `none` last (ownership); per capability area, `none` last (CEO tags,
    /// the area id in `seat`).
    pub per_seat: Vec<SeatFigures>,
    /// Every case read wrongly.
    pub misses: Vec<Miss>,
}

/// Counts one labelled case of an ownership or tag set: `want` and `got` are a seat or an
/// area (`None`: none); a wrong answer is also a miss.
fn tally(
    per: &mut [SeatFigures],
    misses: &mut Vec<Miss>,
    text: &str,
    want: Option<&str>,
    got: Option<&str>,
) {
    let (want, got) = (want.unwrap_or("none"), got.unwrap_or("none"));
    if let Some(p) = per.iter_mut().find(|p| p.seat == want) {
        p.lines += 1;
        if got == want {
            p.right += 1;
        }
    }
    if got != want {
        misses.push(Miss {
            text: text.to_string(),
            false_positives: vec![got.to_string()],
            false_negatives: vec![want.to_string()],
        });
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if a + b == 0 {
        1.0
    } else {
        a as f64 / (a + b) as f64
    }
}

impl std::fmt::Display for EvalReport {
    /// One line: the headline figures.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.kind == "ceo_tags" {
            let right: usize = self.per_seat.iter().map(|s| s.right).sum();
            write!(
                f,
                "{} tags: right area {:.3} ({right}/{}); {} (read by {})",
                self.cases,
                self.accuracy,
                self.cases,
                self.per_seat
                    .iter()
                    .map(|s| format!("{} {}/{}", s.seat, s.right, s.lines))
                    .collect::<Vec<_>>()
                    .join(", "),
                self.reader
            )
        } else if self.kind == "ownership" {
            let four: usize = self
                .per_seat
                .iter()
                .filter(|s| s.seat != "none")
                .map(|s| s.lines)
                .sum();
            let right: usize = self
                .per_seat
                .iter()
                .filter(|s| s.seat != "none")
                .map(|s| s.right)
                .sum();
            write!(
                f,
                "{} lines ({four} of the four seats): right seat {:.3} ({right}/{four}); {} (read by {})",
                self.cases,
                self.accuracy,
                self.per_seat
                    .iter()
                    .map(|s| format!("{} {}/{}", s.seat, s.right, s.lines))
                    .collect::<Vec<_>>()
                    .join(", "),
                self.reader
            )
        } else {
            write!(
                f,
                "{} cases ({} with signs, {} without): precision {:.3}, recall {:.3} (TP {}, FP {}, FN {}; read by {})",
                self.cases,
                self.positive_cases,
                self.negative_cases,
                self.precision,
                self.recall,
                self.true_positives,
                self.false_positives,
                self.false_negatives,
                self.reader
            )
        }
    }
}

impl EvalReport {
    /// The per-sign (or per-seat) table as plain text, one line each.
    pub fn table(&self) -> String {
        let mut out = String::new();
        if self.kind == "ownership" || self.kind == "ceo_tags" {
            for s in &self.per_seat {
                out.push_str(&format!(
                    "  {:<16} {:>3}/{:<3} {:.2}\n",
                    s.seat, s.right, s.lines, s.accuracy
                ));
            }
        } else {
            for s in &self.per_sign {
                out.push_str(&format!(
                    "  {:<32} TP {:>3}  FP {:>3}  FN {:>3}  precision {:.2}  recall {:.2}\n",
                    s.sign,
                    s.true_positives,
                    s.false_positives,
                    s.false_negatives,
                    s.precision,
                    s.recall
                ));
            }
        }
        out
    }
}

impl std::fmt::Display for Miss {
    /// The text, then what was found but not expected and expected but not found.
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

/// The seats an ownership case may name.
const SEATS: [&str; 5] = ["cso", "coo", "chief_of_staff", "implementer", "none"];

impl EvalSet {
    /// Parses an evaluation file and checks its sign ids or seats against `kb`.
    pub fn parse(src: &str, kb: &KnowledgeBase) -> Result<EvalSet, Diagnostics> {
        let set: EvalSet = toml::from_str(src).map_err(|e| {
            Diagnostics(vec![
                Diagnostic::new("", humanise(e.message()))
                    .at_span(&crate::diag::LineIndex::new(src), e.span()),
            ])
        })?;
        let ids: Vec<&str> = kb.signs.iter().map(|s| s.id.as_str()).collect();
        let mut diags = Vec::new();
        let ownership = set.cases.first().is_some_and(|c| c.seat.is_some());
        let tags = set.cases.first().is_some_and(|c| c.area.is_some());
        let mut areas: Vec<&str> = kb.ceo_tags.areas.iter().map(|a| a.id.as_str()).collect();
        areas.push("none");
        for (i, c) in set.cases.iter().enumerate() {
            if tags {
                match (&c.area, &c.signs, &c.seat) {
                    (Some(area), None, None) => {
                        if !areas.contains(&area.as_str()) {
                            diags.push(
                                Diagnostic::new(
                                    format!("case[{i}].area"),
                                    format!(
                                        "unknown area \"{area}\"; the areas are {}",
                                        areas.join(", ")
                                    ),
                                )
                                .suggest(crate::diag::closest(area, areas.iter().copied())),
                            );
                        }
                    }
                    _ => diags.push(Diagnostic::new(
                        format!("case[{i}]"),
                        "a CEO tags set gives every case an area (and no signs or seat)",
                    )),
                }
                continue;
            }
            match (&c.signs, &c.seat) {
                (Some(signs), None) if !ownership && c.area.is_none() => {
                    for (j, s) in signs.iter().enumerate() {
                        if kb.sign(s).is_none() {
                            diags.push(
                                Diagnostic::new(
                                    format!("case[{i}].signs[{j}]"),
                                    format!("unknown sign id \"{s}\""),
                                )
                                .suggest(crate::diag::closest(s, ids.iter().copied())),
                            );
                        }
                    }
                }
                (None, Some(seat)) if ownership && c.area.is_none() => {
                    if !SEATS.contains(&seat.as_str()) {
                        diags.push(
                            Diagnostic::new(
                                format!("case[{i}].seat"),
                                format!(
                                    "unknown seat \"{seat}\"; the seats are {}",
                                    SEATS.join(", ")
                                ),
                            )
                            .suggest(crate::diag::closest(seat, SEATS)),
                        );
                    }
                }
                _ => diags.push(Diagnostic::new(
                    format!("case[{i}]"),
                    if ownership {
                        "an ownership set gives every case a seat (and no signs)"
                    } else {
                        "a narrative set gives every case its signs (and no seat)"
                    },
                )),
            }
        }
        let listed = diags.len().min(crate::diag::MAX_LISTED);
        crate::locate::Document::new(src, crate::profile::Format::Toml)
            .locate(&mut diags[..listed]);
        Diagnostics::check(diags)?;
        Ok(set)
    }

    /// Reads every case with the knowledge base's readers and counts.
    pub fn evaluate(&self, kb: &KnowledgeBase) -> EvalReport {
        if self.cases.first().is_some_and(|c| c.seat.is_some()) {
            self.evaluate_ownership(kb)
        } else if self.cases.first().is_some_and(|c| c.area.is_some()) {
            self.evaluate_tags(kb)
        } else {
            self.evaluate_narrative(kb)
        }
    }

    fn evaluate_narrative(&self, kb: &KnowledgeBase) -> EvalReport {
        let (mut tp, mut fp, mut fn_) = (0, 0, 0);
        let mut per: Vec<SignFigures> = kb
            .signs
            .iter()
            .map(|s| SignFigures {
                sign: s.id.clone(),
                ..SignFigures::default()
            })
            .collect();
        let mut misses = Vec::new();
        let mut reader = "phrases";
        let empty = Vec::new();
        for c in &self.cases {
            let expected = c.signs.as_ref().unwrap_or(&empty);
            let d = kb.diagnose(&c.text);
            reader = d.reader;
            let found: Vec<String> = d.signs.into_iter().map(|f| f.id).collect();
            let fps: Vec<String> = found
                .iter()
                .filter(|f| !expected.contains(f))
                .cloned()
                .collect();
            let fns: Vec<String> = expected
                .iter()
                .filter(|s| !found.contains(s))
                .cloned()
                .collect();
            let mut count = |id: &str, k: usize| {
                if let Some(i) = kb.sign_index(id) {
                    let p = &mut per[i];
                    match k {
                        0 => p.true_positives += 1,
                        1 => p.false_positives += 1,
                        _ => p.false_negatives += 1,
                    }
                }
            };
            for f in found.iter().filter(|f| expected.contains(f)) {
                count(f, 0);
            }
            for f in &fps {
                count(f, 1);
            }
            for f in &fns {
                count(f, 2);
            }
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
        for p in &mut per {
            p.precision = ratio(p.true_positives, p.false_positives);
            p.recall = ratio(p.true_positives, p.false_negatives);
        }
        let positive = self
            .cases
            .iter()
            .filter(|c| c.signs.as_ref().is_some_and(|s| !s.is_empty()))
            .count();
        EvalReport {
            kind: "narrative",
            reader: reader.to_string(),
            cases: self.cases.len(),
            positive_cases: positive,
            negative_cases: self.cases.len() - positive,
            true_positives: tp,
            false_positives: fp,
            false_negatives: fn_,
            precision: ratio(tp, fp),
            recall: ratio(tp, fn_),
            per_sign: per,
            accuracy: 0.0,
            per_seat: Vec::new(),
            misses,
        }
    }

    fn evaluate_tags(&self, kb: &KnowledgeBase) -> EvalReport {
        let mut per: Vec<SeatFigures> = kb
            .ceo_tags
            .areas
            .iter()
            .map(|a| a.id.as_str())
            .chain(["none"])
            .map(|a| SeatFigures {
                seat: a.to_string(),
                ..SeatFigures::default()
            })
            .collect();
        let mut misses = Vec::new();
        let reader = if kb.reader().is_some() {
            "meaning"
        } else {
            "words"
        };
        for c in &self.cases {
            let got =
                crate::text::tags::area(kb, &c.text).map(|i| kb.ceo_tags.areas[i].id.as_str());
            tally(&mut per, &mut misses, &c.text, c.area.as_deref(), got);
        }
        for p in &mut per {
            p.accuracy = ratio(p.right, p.lines - p.right);
        }
        let right: usize = per.iter().map(|p| p.right).sum();
        EvalReport {
            kind: "ceo_tags",
            reader: reader.to_string(),
            cases: self.cases.len(),
            positive_cases: 0,
            negative_cases: 0,
            true_positives: 0,
            false_positives: 0,
            false_negatives: 0,
            precision: 0.0,
            recall: 0.0,
            per_sign: Vec::new(),
            accuracy: ratio(right, self.cases.len() - right),
            per_seat: per,
            misses,
        }
    }

    fn evaluate_ownership(&self, kb: &KnowledgeBase) -> EvalReport {
        let lines: Vec<&str> = self.cases.iter().map(|c| c.text.as_str()).collect();
        let (seats, reader) = crate::ownership::recommended_seats(kb, &lines);
        let mut per: Vec<SeatFigures> = SEATS
            .iter()
            .map(|s| SeatFigures {
                seat: (*s).to_string(),
                ..SeatFigures::default()
            })
            .collect();
        let mut misses = Vec::new();
        for (c, got) in self.cases.iter().zip(&seats) {
            tally(
                &mut per,
                &mut misses,
                &c.text,
                c.seat.as_deref(),
                got.map(RoleId::as_str),
            );
        }
        for p in &mut per {
            p.accuracy = if p.lines == 0 {
                1.0
            } else {
                p.right as f64 / p.lines as f64
            };
        }
        let (right, all) = per
            .iter()
            .filter(|p| p.seat != "none")
            .fold((0, 0), |(r, a), p| (r + p.right, a + p.lines));
        EvalReport {
            kind: "ownership",
            reader: reader.to_string(),
            cases: self.cases.len(),
            positive_cases: 0,
            negative_cases: 0,
            true_positives: 0,
            false_positives: 0,
            false_negatives: 0,
            precision: 0.0,
            recall: 0.0,
            per_sign: Vec::new(),
            accuracy: if all == 0 {
                1.0
            } else {
                right as f64 / all as f64
            },
            per_seat: per,
            misses,
        }
    }
}
