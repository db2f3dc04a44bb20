//! The ownership audit: who owns what, who should, and what that says about the seats.
//!
//! Each responsibility line is classified into the KB's responsibility areas by stemmed
//! word matching (a multi-word entry needs all its words; longer entries weigh more),
//! which names the seat that should own it, with a confidence. The audit then reports
//! overlaps (two or more owners), gaps (core areas nobody owns), and CEO overload (the
//! CEO holding operational work), and turns its findings into signs an assessment can
//! fold in with origin `ownership`.

use crate::assessment::SignHit;
use crate::diag::{Diagnostic, Diagnostics, Position, closest};
use crate::ids::{Origin, RoleId};
use crate::kb::KnowledgeBase;
use crate::text::Analyzer;
use serde::Serialize;
use std::collections::HashSet;

/// Largest number of rows an audit accepts.
pub const MAX_ROWS: usize = 10_000;

/// One CSV row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// The responsibility, as written.
    pub responsibility: String,
    /// Its owner, or `None` when unowned.
    pub owner: Option<RoleId>,
    /// 1-based line in the file.
    pub line: usize,
}

/// Parses the contract's CSV: header `responsibility,owner_role`, one row per owner, an
/// empty owner meaning unowned. Every bad row is reported, each with its line.
pub fn parse_csv(src: &str) -> Result<Vec<Row>, Diagnostics> {
    let err = |line: usize, key: &str, msg: String| {
        Diagnostic::new(key, msg).at(Some(Position { line, column: 1 }))
    };
    if src.trim().is_empty() {
        return Err(Diagnostics(vec![Diagnostic::new(
            "",
            "the file is empty: it needs the header responsibility,owner_role and one row per responsibility",
        )]));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(src.as_bytes());
    let mut diags = Vec::new();
    let mut rows = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(i + 1, |p| p.line() as usize);
                diags.push(err(line, "", format!("malformed CSV: {e}")));
                break;
            }
        };
        let line = rec.position().map_or(i + 1, |p| p.line() as usize);
        if i == 0 {
            let header: Vec<String> = rec.iter().map(|h| h.to_ascii_lowercase()).collect();
            if header != ["responsibility", "owner_role"] {
                diags.push(err(
                    line,
                    "header",
                    format!(
                        "expected the header \"responsibility,owner_role\", found \"{}\"",
                        rec.iter().collect::<Vec<_>>().join(",")
                    ),
                ));
                break;
            }
            continue;
        }
        if rec.len() == 1 && rec.get(0).is_some_and(str::is_empty) {
            continue;
        }
        if rec.len() != 2 {
            diags.push(err(
                line,
                "",
                format!(
                    "expected 2 columns (responsibility,owner_role), found {}",
                    rec.len()
                ),
            ));
            continue;
        }
        let resp = rec.get(0).unwrap_or_default();
        let owner = rec.get(1).unwrap_or_default();
        if resp.is_empty() {
            diags.push(err(line, "responsibility", "is empty".into()));
            continue;
        }
        if crate::profile::exceeds_max_text(resp) {
            diags.push(err(line, "responsibility", "is too long".into()));
            continue;
        }
        let owner = if owner.is_empty() {
            None
        } else {
            match RoleId::parse(&owner.to_ascii_lowercase()) {
                Some(r) => Some(r),
                None => {
                    diags.push(
                        err(line, "owner_role", format!("unknown role \"{owner}\""))
                            .suggest(closest(owner, RoleId::ids())),
                    );
                    continue;
                }
            }
        };
        rows.push(Row {
            responsibility: resp.to_string(),
            owner,
            line,
        });
        if rows.len() > MAX_ROWS {
            diags.push(err(line, "", format!("more than {MAX_ROWS} rows")));
            break;
        }
    }
    Diagnostics::check(diags)?;
    Ok(rows)
}

/// Classifies responsibility lines into the KB's areas.
#[derive(Debug)]
pub struct Classifier {
    analyzer: Analyzer,
    /// Per area (KB order): the stemmed phrases that recognise it.
    phrases: Vec<Vec<Vec<String>>>,
}

/// The area a line belongs to.
#[derive(Clone, Debug, PartialEq)]
pub struct Classification {
    /// Index into `kb.responsibility_areas`.
    pub area: usize,
    /// The seat that should own it.
    pub seat: RoleId,
    /// 0–1.
    pub confidence: f64,
}

impl Classifier {
    /// Prepares the KB's area words.
    pub fn new(kb: &KnowledgeBase) -> Classifier {
        let analyzer = Analyzer::new();
        let phrases = kb
            .responsibility_areas
            .iter()
            .map(|a| {
                let mut ps: Vec<Vec<String>> = a
                    .words
                    .iter()
                    .map(|w| analyzer.stems(w))
                    .filter(|p| !p.is_empty())
                    .collect();
                // "project" and "projects" are one stem: count it once.
                ps.sort();
                ps.dedup();
                ps
            })
            .collect();
        Classifier { analyzer, phrases }
    }

    /// The best area for `text`, or `None` when no area's words appear.
    pub fn classify(&self, kb: &KnowledgeBase, text: &str) -> Option<Classification> {
        let stems: HashSet<String> = self.analyzer.stems(text).into_iter().collect();
        let area_scores: Vec<usize> = self
            .phrases
            .iter()
            .map(|ps| {
                ps.iter()
                    .filter(|p| p.iter().all(|s| stems.contains(s)))
                    .map(Vec::len)
                    .sum()
            })
            .collect();
        let (best, &top) = area_scores
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(&a.0)))?;
        if top == 0 {
            return None;
        }
        let seat = kb.responsibility_areas[best].seat;
        let mut seat_scores = [0usize; 4];
        for (i, s) in area_scores.iter().enumerate() {
            if let Some(k) = kb.responsibility_areas[i].seat.seat_index() {
                seat_scores[k] = seat_scores[k].max(*s);
            }
        }
        let total: usize = seat_scores.iter().sum();
        let share = top as f64 / total as f64;
        let strength = (top as f64 / 2.0).min(1.0);
        let confidence = (share * strength * 100.0).round() / 100.0;
        Some(Classification {
            area: best,
            seat,
            confidence,
        })
    }
}

/// One responsibility in the audit.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Item {
    /// As written (first spelling seen).
    pub responsibility: String,
    /// Current owners, in file order (empty = unowned).
    pub owners: Vec<RoleId>,
    /// The seat that should own it, when recognised.
    pub recommended_role: Option<RoleId>,
    /// 0–1 (0 when not recognised).
    pub confidence: f64,
    /// The KB area it was classified into.
    pub area: Option<String>,
}

/// A core area nobody owns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GapArea {
    /// Area id.
    pub id: String,
    /// The seat that should own it.
    pub seat: RoleId,
    /// Label.
    pub label: String,
}

/// A sign the audit contributes, with the finding behind it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuditSign {
    /// Sign id.
    pub id: String,
    /// The finding, in words.
    pub evidence: String,
}

/// The contract's `ownership` result.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OwnershipAudit {
    /// One entry per distinct responsibility, in file order.
    pub items: Vec<Item>,
    /// Responsibilities with more than one owner.
    pub overlaps: Vec<String>,
    /// Labels of core areas that no owned responsibility covers.
    pub gaps: Vec<String>,
    /// Whether the CEO holds too much operational work.
    pub ceo_overload: bool,
    /// Sign ids the audit contributes to an assessment.
    pub signs: Vec<String>,
    /// The gaps with their ids and seats.
    pub gap_areas: Vec<GapArea>,
    /// Operational responsibilities the CEO owns.
    pub ceo_operational: Vec<String>,
    /// Each contributed sign with its finding.
    pub sign_evidence: Vec<AuditSign>,
}

impl OwnershipAudit {
    /// The audit's signs as assessment sign hits (origin `ownership`).
    pub fn sign_hits(&self) -> Vec<SignHit> {
        self.sign_evidence
            .iter()
            .map(|s| SignHit::new(&s.id, Origin::Ownership, Some(&s.evidence)))
            .collect()
    }
}

/// Audits the rows.
pub fn audit(kb: &KnowledgeBase, rows: &[Row]) -> OwnershipAudit {
    let classifier = kb.classifier();
    let mut items: Vec<Item> = Vec::new();
    let mut keys: Vec<String> = Vec::new();
    for row in rows {
        let key = row.responsibility.to_lowercase();
        let idx = match keys.iter().position(|k| *k == key) {
            Some(i) => i,
            None => {
                let c = classifier.classify(kb, &row.responsibility);
                keys.push(key);
                items.push(Item {
                    responsibility: row.responsibility.clone(),
                    owners: Vec::new(),
                    recommended_role: c.as_ref().map(|c| c.seat),
                    confidence: c.as_ref().map_or(0.0, |c| c.confidence),
                    area: c.map(|c| kb.responsibility_areas[c.area].id.clone()),
                });
                items.len() - 1
            }
        };
        if let Some(o) = row.owner
            && !items[idx].owners.contains(&o)
        {
            items[idx].owners.push(o);
        }
    }
    let overlaps: Vec<String> = items
        .iter()
        .filter(|i| i.owners.len() > 1)
        .map(|i| i.responsibility.clone())
        .collect();
    let gap_areas: Vec<GapArea> = kb
        .responsibility_areas
        .iter()
        .filter(|a| a.core)
        .filter(|a| {
            !items
                .iter()
                .any(|i| !i.owners.is_empty() && i.area.as_deref() == Some(a.id.as_str()))
        })
        .map(|a| GapArea {
            id: a.id.clone(),
            seat: a.seat,
            label: a.label.clone(),
        })
        .collect();
    let ceo_operational: Vec<String> = items
        .iter()
        .filter(|i| i.owners.contains(&RoleId::Ceo) && i.recommended_role == Some(RoleId::Coo))
        .map(|i| i.responsibility.clone())
        .collect();
    let ceo_overload = ceo_operational.len() >= kb.ownership.ceo_overload_min as usize;

    let mut sign_evidence: Vec<AuditSign> = Vec::new();
    let mut add = |id: &str, evidence: String| {
        if !sign_evidence.iter().any(|s| s.id == id) {
            sign_evidence.push(AuditSign {
                id: id.to_string(),
                evidence,
            });
        }
    };
    if ceo_overload {
        add(
            &kb.ownership.ceo_overload_sign,
            format!(
                "the CEO owns {} operational responsibilities: {}",
                ceo_operational.len(),
                ceo_operational.join("; ")
            ),
        );
    }
    if !overlaps.is_empty() {
        add(
            &kb.ownership.overlap_sign,
            format!("more than one owner: {}", overlaps.join("; ")),
        );
    }
    for i in items.iter().filter(|i| i.owners.is_empty()) {
        let gap_sign = i
            .area
            .as_deref()
            .and_then(|a| kb.responsibility_areas.iter().find(|x| x.id == a))
            .and_then(|a| a.gap_sign.as_deref());
        if let Some(s) = gap_sign {
            add(s, format!("nobody owns: {}", i.responsibility));
        }
    }
    OwnershipAudit {
        signs: sign_evidence.iter().map(|s| s.id.clone()).collect(),
        gaps: gap_areas.iter().map(|g| g.label.clone()).collect(),
        items,
        overlaps,
        ceo_overload,
        gap_areas,
        ceo_operational,
        sign_evidence,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kb() -> KnowledgeBase {
        KnowledgeBase::default_kb()
    }

    #[test]
    fn classifies_everyday_lines() {
        let kb = kb();
        let c = Classifier::new(&kb);
        let cases = [
            ("Write standard operating procedures", RoleId::Coo),
            ("Set the annual budget", RoleId::Coo),
            ("Drive the ERP migration project", RoleId::ChiefOfStaff),
            ("Prepare the board deck", RoleId::ChiefOfStaff),
            ("Keep the CRM records up to date", RoleId::Implementer),
            ("Schedule client calls", RoleId::Implementer),
            ("Find partners in Germany", RoleId::Cso),
            ("Three-year growth plan", RoleId::Cso),
        ];
        for (text, seat) in cases {
            let got = c.classify(&kb, text).map(|x| x.seat);
            assert_eq!(got, Some(seat), "{text}");
        }
        assert_eq!(c.classify(&kb, "Water the office plants"), None);
    }

    #[test]
    fn csv_errors_name_the_line() {
        let e = parse_csv("responsibility,owner_role\nBudgets,cfo\nA,b,c\n").expect_err("bad");
        assert_eq!(e.0.len(), 2);
        assert_eq!(e.0[0].position.map(|p| p.line), Some(2));
        assert_eq!(e.0[1].position.map(|p| p.line), Some(3));
        let e = parse_csv("task,owner\nx,ceo\n").expect_err("bad header");
        assert_eq!(e.0[0].position.map(|p| p.line), Some(1));
    }

    #[test]
    fn audit_finds_overlaps_gaps_overload_and_signs() {
        let kb = kb();
        let rows = parse_csv(
            "responsibility,owner_role\n\
             Write standard operating procedures,ceo\n\
             Approve the monthly budget,ceo\n\
             Daily dispatch operations,ceo\n\
             Weekly sales pipeline review,ceo\n\
             Weekly sales pipeline review,cso\n\
             Quarterly product launch project,\n",
        )
        .expect("valid");
        let a = audit(&kb, &rows);
        assert_eq!(a.items.len(), 5);
        assert_eq!(a.overlaps, vec!["Weekly sales pipeline review"]);
        assert!(a.ceo_overload);
        assert!(a.signs.contains(&"coo.delegation_overload".to_string()));
        assert!(a.signs.contains(&"cos.executive_coordination".to_string()));
        assert!(a.signs.contains(&"cos.key_projects_unowned".to_string()));
        assert!(
            a.gaps
                .iter()
                .any(|g| g.contains("Key cross-functional projects"))
        );
        assert!(!a.gaps.iter().any(|g| g.contains("Budget")));
    }
}
