//! The ownership audit: who owns what, who should, and what that says about the seats.
//!
//! The CSV names each responsibility and its owner: a role id (`owner_role`, version 1
//! of the contract) or any name or title (`owner`: "Maria", "Head of Ops", "Founder &
//! CEO"), with an optional `role` column saying which role an owner holds. Each
//! responsibility is classified into the KB's responsibility areas, which names the seat
//! that should own it: by its nearest area exemplars when a text model is attached to
//! the knowledge base ([`crate::text::semantic::SemanticIndex::classify`]), else by the
//! areas' words. Every recommendation says why, and what its confidence means. The
//! audit then reports overlaps (two or more owners), gaps (core areas nobody owns), and
//! CEO overload (by the CEO's operational responsibilities, and by the share of all the
//! responsibilities the CEO holds), and turns its findings into signs an assessment can
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
    /// Its owner as written (a role's canonical id when the owner is a role), or `None`
    /// when unowned.
    pub owner: Option<String>,
    /// The owner's role, when known (a role id, the `role` column, or a CEO title).
    pub role: Option<RoleId>,
    /// 1-based line in the file.
    pub line: usize,
}

/// Which columns a file has.
struct Header {
    responsibility: usize,
    owner: usize,
    /// True for the version 1 `owner_role` column: every owner must be a role.
    owner_is_role: bool,
    role: Option<usize>,
    width: usize,
}

const COLUMNS: [&str; 4] = ["responsibility", "owner", "owner_role", "role"];

fn header(names: &[String]) -> Result<Header, String> {
    let find = |n: &str| names.iter().position(|h| h == n);
    for h in names {
        if !COLUMNS.contains(&h.as_str()) {
            let hint =
                closest(h, COLUMNS).map_or(String::new(), |c| format!(" (did you mean \"{c}\"?)"));
            return Err(format!(
                "unknown column \"{h}\"{hint}; the columns are responsibility, owner (or owner_role) and an optional role"
            ));
        }
    }
    let responsibility = find("responsibility")
        .ok_or("the header needs a responsibility column: responsibility,owner or responsibility,owner_role")?;
    let (owner, owner_is_role) = match (find("owner"), find("owner_role")) {
        (Some(o), None) => (o, false),
        (None, Some(o)) => (o, true),
        (Some(_), Some(_)) => return Err("give owner or owner_role, not both".into()),
        (None, None) => {
            return Err(
                "the header needs an owner column (any name or title) or owner_role (a role id)"
                    .into(),
            );
        }
    };
    let role = find("role");
    if owner_is_role && role.is_some() {
        return Err("owner_role already is a role: the role column goes with owner".into());
    }
    Ok(Header {
        responsibility,
        owner,
        owner_is_role,
        role,
        width: names.len(),
    })
}

/// Whether `owner` reads as one of the CEO's titles (whole words, any case).
fn is_ceo_title(owner: &str, titles: &[String]) -> bool {
    let words: Vec<String> = owner
        .split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    titles.iter().any(|t| {
        let t: Vec<String> = t.split_whitespace().map(str::to_lowercase).collect();
        !t.is_empty() && words.windows(t.len()).any(|w| w == t.as_slice())
    })
}

/// Parses the contract's CSV: a header with `responsibility` and `owner` (any name or
/// title, with an optional `role` column) or `owner_role` (a role id; version 1), one row
/// per owner, an empty owner meaning unowned. Role ids are read in any case and with
/// their aliases. Every bad row is reported, each with its line.
pub fn parse_csv(src: &str, kb: &KnowledgeBase) -> Result<Vec<Row>, Diagnostics> {
    let err = |line: usize, key: &str, msg: String| {
        Diagnostic::new(key, msg).at(Some(Position { line, column: 1 }))
    };
    if src.trim().is_empty() {
        return Err(Diagnostics(vec![Diagnostic::new(
            "",
            "the file is empty: it needs the header responsibility,owner and one row per responsibility",
        )]));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(src.as_bytes());
    let mut diags = Vec::new();
    let mut rows = Vec::new();
    let mut cols: Option<Header> = None;
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
        let Some(h) = &cols else {
            let names: Vec<String> = rec
                .iter()
                .map(|h| h.trim_start_matches('\u{feff}').to_ascii_lowercase())
                .collect();
            match header(&names) {
                Ok(h) => cols = Some(h),
                Err(why) => {
                    diags.push(err(line, "header", why));
                    break;
                }
            }
            continue;
        };
        if rec.len() == 1 && rec.get(0).is_some_and(str::is_empty) {
            continue;
        }
        if rec.len() != h.width {
            diags.push(err(
                line,
                "",
                format!(
                    "expected {} columns, as the header has, found {}",
                    h.width,
                    rec.len()
                ),
            ));
            continue;
        }
        let resp = rec.get(h.responsibility).unwrap_or_default();
        let owner = rec.get(h.owner).unwrap_or_default();
        if resp.is_empty() {
            diags.push(err(line, "responsibility", "is empty".into()));
            continue;
        }
        if crate::profile::exceeds_max_text(resp) {
            diags.push(err(line, "responsibility", "is too long".into()));
            continue;
        }
        if crate::profile::exceeds_max_text(owner) {
            diags.push(err(line, "owner", "is too long".into()));
            continue;
        }
        let mut role = None;
        if let Some(c) = h.role {
            let given = rec.get(c).unwrap_or_default();
            if !given.is_empty() {
                match RoleId::from_name(given) {
                    Some(r) => role = Some(r),
                    None => {
                        diags.push(
                            err(line, "role", format!("unknown role \"{given}\""))
                                .suggest(closest(&given.to_ascii_lowercase(), RoleId::ids())),
                        );
                        continue;
                    }
                }
            }
        }
        let owner = if owner.is_empty() {
            None
        } else if h.owner_is_role {
            match RoleId::from_name(owner) {
                Some(r) => {
                    role = Some(r);
                    Some(r.as_str().to_string())
                }
                None => {
                    diags.push(
                        err(line, "owner_role", format!("unknown role \"{owner}\" (with an owner column, any name or title is allowed)"))
                            .suggest(closest(&owner.to_ascii_lowercase(), RoleId::ids())),
                    );
                    continue;
                }
            }
        } else {
            if role.is_none() {
                role = RoleId::from_name(owner).or_else(|| {
                    is_ceo_title(owner, &kb.ownership.ceo_titles).then_some(RoleId::Ceo)
                });
            }
            Some(owner.to_string())
        };
        rows.push(Row {
            responsibility: resp.to_string(),
            owner,
            role,
            line,
        });
        if rows.len() > MAX_ROWS {
            diags.push(err(line, "", format!("more than {MAX_ROWS} rows")));
            break;
        }
    }
    if cols.is_none() && diags.is_empty() {
        diags.push(Diagnostic::new("header", "the file has no header row"));
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
    /// The area's words found in the line.
    pub words: Vec<String>,
    /// The area's share of the matched words, across seats (0–1).
    pub share: f64,
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

    /// The best area for `text` by the areas' words, or `None` when no area's words
    /// appear. The confidence is the area's share of the matched words across seats,
    /// scaled down when only one word matched.
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
        let words = kb.responsibility_areas[best]
            .words
            .iter()
            .filter(|w| {
                let p = self.analyzer.stems(w);
                !p.is_empty() && p.iter().all(|s| stems.contains(s))
            })
            .cloned()
            .collect();
        Some(Classification {
            area: best,
            seat,
            confidence,
            words,
            share,
        })
    }
}

/// Why a responsibility was given to its seat: the area, and the evidence for it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Reason {
    /// `meaning` (nearest area exemplars) or `words` (the area's words).
    pub by: &'static str,
    /// The area's label.
    pub area_label: String,
    /// The area's exemplar most similar to the line (by meaning).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exemplar: Option<String>,
    /// Its cosine similarity to the line (three decimals).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub similarity: Option<f64>,
    /// How many of the nearest exemplars are the area's, out of how many (by meaning).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub votes: Option<(usize, usize)>,
    /// The area's words found in the line (by words).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub words: Vec<String>,
    /// The recommendation and its confidence in one sentence.
    pub text: String,
}

/// One responsibility in the audit.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Item {
    /// As written (first spelling seen).
    pub responsibility: String,
    /// Current owners as written (a role's id when the owner is a role), in file order
    /// (empty = unowned).
    pub owners: Vec<String>,
    /// Whether the CEO is among the owners.
    pub ceo: bool,
    /// The seat that should own it, when recognised.
    pub recommended_role: Option<RoleId>,
    /// 0–1 (0 when not recognised): by meaning, the seat's share of the
    /// similarity-weighted votes of the nearest exemplars; by words, the area's share of
    /// the matched words.
    pub confidence: f64,
    /// The KB area it was classified into.
    pub area: Option<String>,
    /// Why, when recognised.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<Reason>,
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
    /// Whether the CEO holds too much operational work, or too much of everything.
    pub ceo_overload: bool,
    /// Why the CEO is (or is not) overloaded, in one sentence.
    pub ceo_overload_reason: String,
    /// Sign ids the audit contributes to an assessment.
    pub signs: Vec<String>,
    /// The gaps with their ids and seats.
    pub gap_areas: Vec<GapArea>,
    /// Every responsibility the CEO owns.
    pub ceo_lines: Vec<String>,
    /// Operational responsibilities (a COO's) the CEO owns.
    pub ceo_operational: Vec<String>,
    /// Each contributed sign with its finding.
    pub sign_evidence: Vec<AuditSign>,
    /// How lines were classified: `words`, or `meaning` with a text model.
    pub reader: &'static str,
    /// Anything the reader could not do.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
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

/// A recommendation for one line: an area and its seat, or (by meaning) no seat at all.
struct Recommendation {
    area: Option<usize>,
    seat: Option<RoleId>,
    confidence: f64,
    why: Reason,
}

fn percent(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

/// Classifies every line: by meaning when a reader is attached (one batch through the
/// model), else, or when the model fails, by words.
fn recommend(
    kb: &KnowledgeBase,
    lines: &[&str],
) -> (Vec<Option<Recommendation>>, &'static str, Vec<String>) {
    let by_words = |text: &str| {
        kb.classifier().classify(kb, text).map(|c| {
            let area = &kb.responsibility_areas[c.area];
            let seat = kb.role(c.seat).short_name.clone();
            Recommendation {
                area: Some(c.area),
                seat: Some(c.seat),
                confidence: c.confidence,
                why: Reason {
                    by: "words",
                    area_label: area.label.clone(),
                    exemplar: None,
                    similarity: None,
                    votes: None,
                    text: format!(
                        "{seat}: {} belong{} to {}; confidence {}: {} of the matched words point to {seat}{}",
                        c.words.iter().map(|w| format!("\"{w}\"")).collect::<Vec<_>>().join(", "),
                        if c.words.len() == 1 { "s" } else { "" },
                        area.label,
                        percent(c.confidence),
                        percent(c.share),
                        if c.confidence < c.share { ", halved because one word alone is weak evidence" } else { "" }
                    ),
                    words: c.words,
                },
            }
        })
    };
    let mut notes = Vec::new();
    if let Some(reader) = kb.reader() {
        match reader.embedder.embed(lines) {
            Ok(vectors) if vectors.len() == lines.len() => {
                let out = vectors
                    .iter()
                    .map(|v| {
                        let g = match reader.index.classify_line(v) {
                            crate::text::semantic::LineGuess::Area(g) => g,
                            crate::text::semantic::LineGuess::NoSeat(n) => {
                                let exemplar = reader.index.examples()[n.exemplar].text.clone();
                                let (similarity, votes, neighbours) =
                                    (n.similarity, n.votes, n.neighbours);
                                let confidence = (f64::from(n.share) * 100.0).round() / 100.0;
                                return Some(Recommendation {
                                    area: None,
                                    seat: None,
                                    confidence,
                                    why: Reason {
                                        by: "meaning",
                                        area_label: "work for no seat".into(),
                                        similarity: Some(crate::text::narrative::three(similarity)),
                                        votes: Some((votes, neighbours)),
                                        words: Vec::new(),
                                        text: format!(
                                            "no seat: {votes} of the {neighbours} most similar examples are specialist or front-line work that none of the seats owns, the closest \"{exemplar}\" (similarity {similarity:.2}); {} of the similarity-weighted votes",
                                            percent(confidence)
                                        ),
                                        exemplar: Some(exemplar),
                                    },
                                });
                            }
                            crate::text::semantic::LineGuess::Unrecognised => return None,
                        };
                        let area = &kb.responsibility_areas[g.area];
                        let exemplar = reader.index.examples()[g.exemplar].text.clone();
                        let seat = kb.role(g.seat).short_name.clone();
                        let confidence = (f64::from(g.seat_share) * 100.0).round() / 100.0;
                        Some(Recommendation {
                            area: Some(g.area),
                            seat: Some(g.seat),
                            confidence,
                            why: Reason {
                                by: "meaning",
                                area_label: area.label.clone(),
                                similarity: Some(crate::text::narrative::three(g.similarity)),
                                votes: Some((g.votes, g.neighbours)),
                                words: Vec::new(),
                                text: format!(
                                    "{seat}: {} of the {} most similar examples are {} work, the closest \"{exemplar}\" (similarity {:.2}); {} of the similarity-weighted votes are {seat} work",
                                    g.votes, g.neighbours, area.label, g.similarity, percent(confidence)
                                ),
                                exemplar: Some(exemplar),
                            },
                        })
                    })
                    .collect();
                return (out, "meaning", notes);
            }
            Ok(_) => notes.push("the text model gave the wrong number of vectors; lines were classified by their words".into()),
            Err(e) => notes.push(format!("the text model failed ({e}); lines were classified by their words")),
        }
    }
    (lines.iter().map(|l| by_words(l)).collect(), "words", notes)
}

/// The seat each line should be owned by (`None`: not recognised), as the audit reads
/// it, and which reader read them (`meaning` or `words`).
pub fn recommended_seats(
    kb: &KnowledgeBase,
    lines: &[&str],
) -> (Vec<Option<RoleId>>, &'static str) {
    let (recs, reader, _) = recommend(kb, lines);
    (
        recs.into_iter().map(|r| r.and_then(|r| r.seat)).collect(),
        reader,
    )
}

/// Audits the rows.
pub fn audit(kb: &KnowledgeBase, rows: &[Row]) -> OwnershipAudit {
    let mut items: Vec<Item> = Vec::new();
    let mut keys: Vec<String> = Vec::new();
    let mut areas: Vec<Option<usize>> = Vec::new();
    for row in rows {
        let key = row.responsibility.to_lowercase();
        let idx = match keys.iter().position(|k| *k == key) {
            Some(i) => i,
            None => {
                keys.push(key);
                areas.push(None);
                items.push(Item {
                    responsibility: row.responsibility.clone(),
                    owners: Vec::new(),
                    ceo: false,
                    recommended_role: None,
                    confidence: 0.0,
                    area: None,
                    why: None,
                });
                items.len() - 1
            }
        };
        if let Some(o) = &row.owner
            && !items[idx].owners.contains(o)
        {
            items[idx].owners.push(o.clone());
        }
        if row.role == Some(RoleId::Ceo) {
            items[idx].ceo = true;
        }
    }
    let texts: Vec<&str> = items.iter().map(|i| i.responsibility.as_str()).collect();
    let (recs, reader, notes) = recommend(kb, &texts);
    for ((item, area), rec) in items.iter_mut().zip(areas.iter_mut()).zip(recs) {
        if let Some(r) = rec {
            item.recommended_role = r.seat;
            item.confidence = r.confidence;
            item.area = r.area.map(|a| kb.responsibility_areas[a].id.clone());
            item.why = Some(r.why);
            *area = r.area;
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
    let ceo_lines: Vec<String> = items
        .iter()
        .filter(|i| i.ceo)
        .map(|i| i.responsibility.clone())
        .collect();
    let ceo_operational: Vec<String> = items
        .iter()
        .filter(|i| i.ceo && i.recommended_role == Some(RoleId::Coo))
        .map(|i| i.responsibility.clone())
        .collect();
    let owned = items.iter().filter(|i| !i.owners.is_empty()).count();
    let rules = &kb.ownership;
    let share = ceo_lines.len() as f64 / owned.max(1) as f64;
    let (ceo_overload, ceo_overload_reason) = if ceo_operational.len()
        >= rules.ceo_overload_min as usize
    {
        (
            true,
            format!(
                "the CEO owns {} operational responsibilities (a COO's work; {} is the threshold)",
                ceo_operational.len(),
                rules.ceo_overload_min
            ),
        )
    } else if ceo_lines.len() >= rules.ceo_overload_lines as usize
        && share >= rules.ceo_overload_share
    {
        (
            true,
            format!(
                "the CEO owns {} of the {owned} owned responsibilities ({}; {} of {} or more is the threshold)",
                ceo_lines.len(),
                percent(share),
                rules.ceo_overload_lines,
                percent(rules.ceo_overload_share)
            ),
        )
    } else if ceo_lines.is_empty() && items.iter().any(|i| !i.owners.is_empty()) {
        (false, "no owner is marked as the CEO (name the CEO as an owner, or add a role column with ceo)".into())
    } else {
        (
            false,
            format!(
                "the CEO owns {} of the {owned} owned responsibilities, {} of them operational",
                ceo_lines.len(),
                ceo_operational.len()
            ),
        )
    };

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
        let held = if ceo_operational.len() >= rules.ceo_overload_min as usize {
            &ceo_operational
        } else {
            &ceo_lines
        };
        add(
            &rules.ceo_overload_sign,
            format!("{}: {}", ceo_overload_reason, held.join("; ")),
        );
    }
    if !overlaps.is_empty() {
        add(
            &rules.overlap_sign,
            format!("more than one owner: {}", overlaps.join("; ")),
        );
    }
    for (i, area) in items.iter().zip(&areas) {
        if !i.owners.is_empty() {
            continue;
        }
        let gap_sign = area
            .and_then(|a| kb.responsibility_areas.get(a))
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
        ceo_overload_reason,
        gap_areas,
        ceo_lines,
        ceo_operational,
        sign_evidence,
        reader,
        notes,
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
        let kb = kb();
        let e = parse_csv("responsibility,owner_role\nBudgets,cfo\nA,b,c\n", &kb).expect_err("bad");
        assert_eq!(e.0.len(), 2);
        assert_eq!(e.0[0].position.map(|p| p.line), Some(2));
        assert!(
            e.0[0]
                .message
                .contains("with an owner column, any name or title is allowed")
        );
        assert_eq!(e.0[1].position.map(|p| p.line), Some(3));
        let e = parse_csv("task,owner\nx,ceo\n", &kb).expect_err("bad header");
        assert_eq!(e.0[0].position.map(|p| p.line), Some(1));
        let e = parse_csv("responsibility,owner,role\nx,Maria,cfo\n", &kb).expect_err("bad role");
        assert_eq!(e.0[0].key, "role");
    }

    #[test]
    fn owners_are_any_name_and_the_ceo_is_found_by_role_or_title() {
        let kb = kb();
        let rows = parse_csv(
            "Responsibility,Owner,Role\n\
             Book travel,Maria,\n\
             Approve budgets,Sam,CEO\n\
             Hire engineers,Head of Ops,\n\
             Pitch investors,Founder & CEO,\n\
             Weekly KPI deck,cos,\n\
             Clean the kitchen,,\n",
            &kb,
        )
        .expect("valid");
        let roles: Vec<Option<RoleId>> = rows.iter().map(|r| r.role).collect();
        assert_eq!(
            roles,
            [
                None,
                Some(RoleId::Ceo),
                None,
                Some(RoleId::Ceo),
                Some(RoleId::ChiefOfStaff),
                None
            ]
        );
        assert_eq!(rows[1].owner.as_deref(), Some("Sam"));
        assert_eq!(rows[5].owner, None);
        // Version 1 files keep their role ids, in any case.
        let v1 = parse_csv("responsibility,owner_role\nBudgets,COO\n", &kb).expect("v1");
        assert_eq!(v1[0].owner.as_deref(), Some("coo"));
        assert_eq!(v1[0].role, Some(RoleId::Coo));
    }

    #[test]
    fn a_ceo_holding_most_lines_is_overloaded_even_without_operational_ones() {
        let kb = kb();
        let mut csv = String::from("responsibility,owner\n");
        for line in [
            "Three-year growth plan",
            "Find partners in Germany",
            "Prepare the board deck",
            "Pricing strategy",
            "Enter the French market",
            "Investor relations",
        ] {
            csv.push_str(&format!("{line},CEO\n"));
        }
        csv.push_str("Schedule client calls,Maria\nKeep the CRM up to date,Maria\n");
        let a = audit(&kb, &parse_csv(&csv, &kb).expect("valid"));
        assert_eq!(a.ceo_lines.len(), 6);
        assert!(a.ceo_overload, "{}", a.ceo_overload_reason);
        assert!(
            a.ceo_overload_reason.contains("6 of the 8"),
            "{}",
            a.ceo_overload_reason
        );
        assert!(a.signs.contains(&"coo.delegation_overload".to_string()));
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
            &kb,
        )
        .expect("valid");
        let a = audit(&kb, &rows);
        assert_eq!(a.items.len(), 5);
        assert_eq!(a.overlaps, vec!["Weekly sales pipeline review"]);
        assert!(a.ceo_overload);
        assert_eq!(a.reader, "words");
        let why = a.items[0].why.as_ref().expect("explained");
        assert!(
            why.text.starts_with("COO: \"standard operating\""),
            "{}",
            why.text
        );
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
