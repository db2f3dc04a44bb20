//! Turning an [`Outcome`] into the [`Assessment`] a reader sees: every sign with its
//! evidence, every seat's lines of arithmetic (walked again by [`score::lines`], the same
//! walk that produced the score), the verdicts and engagements in words, the roadmap and
//! the archetypes with their reasons.

use super::signs::Via;
use super::{Outcome, archetype, decide, roadmap, score};
use crate::assessment::{
    Assessment, CompanySummary, Evidence, EvidenceKind, Method, Need, SCHEMA_VERSION, SignHit,
};
use crate::condition::Facts;
use crate::kb::KnowledgeBase;
use crate::profile::Profile;

/// The explained assessment of `outcome`.
pub fn assessment(
    kb: &KnowledgeBase,
    profile: &Profile,
    extra: &[SignHit],
    facts: &Facts<'_>,
    outcome: &Outcome,
) -> Assessment {
    let signs: Vec<SignHit> = outcome
        .signs
        .iter()
        .map(|f| {
            let evidence = match f.via {
                Via::Declared => None,
                Via::Phrase(start, end) => profile
                    .situation
                    .narrative
                    .as_deref()
                    .and_then(|t| t.get(start..end))
                    .map(str::to_string),
                Via::Extra(x) => extra.get(x).and_then(|h| h.evidence.clone()),
                Via::Event(e) => Some(kb.events[e].id.clone()),
            };
            let meaning = match f.via {
                Via::Phrase(..) => outcome
                    .meanings
                    .iter()
                    .find(|(i, _)| *i == f.sign)
                    .map(|(_, m)| m.clone()),
                _ => None,
            };
            SignHit {
                id: kb.signs[f.sign].id.clone(),
                origin: f.origin,
                evidence,
                meaning,
            }
        })
        .collect();

    let mut needs: Vec<Need> = outcome
        .order
        .iter()
        .map(|&i| {
            let seat = &outcome.seats[i];
            let mut evidence = Vec::new();
            score::lines(
                kb,
                seat.role,
                &outcome.signs,
                &outcome.events,
                &outcome.factors,
                |line| evidence.push(line_evidence(kb, outcome, line)),
            );
            if seat.score != seat.raw {
                let (factor, label) = if seat.raw > seat.score {
                    ("bound.cap", format!("Capped at {}", kb.scoring.max))
                } else {
                    (
                        "bound.floor",
                        format!("Raised to the floor of {}", kb.scoring.min),
                    )
                };
                evidence.push(Evidence {
                    factor: factor.to_string(),
                    kind: EvidenceKind::Bound,
                    contribution: seat.score - seat.raw,
                    source: kb.scoring.source.clone(),
                    label,
                    origin: None,
                });
            }
            Need {
                role: seat.role,
                score: seat.score,
                verdict: seat.verdict,
                engagement: None,
                evidence,
                verdict_reason: decide::verdict_reason(kb, seat, outcome.layered_after),
                engagement_reason: None,
            }
        })
        .collect();
    decide::engagements(kb, &mut needs, facts);
    let roadmap = roadmap::build(kb, &needs, facts);
    let coo_archetype = outcome
        .archetypes
        .is_some()
        .then(|| archetype::rank(kb, facts));

    Assessment {
        schema_version: SCHEMA_VERSION,
        company: CompanySummary {
            name: profile.company.name.clone(),
            employees: facts.employees,
            annual_revenue_usd: facts.annual_revenue_usd,
            size_band: facts.size_band.to_string(),
            revenue_band: facts.revenue_band.to_string(),
        },
        signs,
        needs,
        primary: outcome.primary,
        roadmap,
        coo_archetype,
        method: Method {
            kb_name: kb.meta.name.clone(),
            kb_version: kb.meta.version.clone(),
        },
    }
}

fn line_evidence(kb: &KnowledgeBase, outcome: &Outcome, line: score::Line) -> Evidence {
    match line {
        score::Line::Sign(i, contribution) => {
            let found = &outcome.signs[i];
            let sign = &kb.signs[found.sign];
            Evidence {
                factor: sign.id.clone(),
                kind: EvidenceKind::Sign,
                contribution,
                source: sign.source.clone(),
                label: sign.label.clone(),
                origin: Some(found.origin),
            }
        }
        score::Line::Event(e, contribution) => {
            let event = &kb.events[e];
            Evidence {
                factor: event.id.clone(),
                kind: EvidenceKind::Event,
                contribution,
                source: event.source.clone(),
                label: event.label.clone(),
                origin: None,
            }
        }
        score::Line::Factor(f, contribution) => {
            let factor = &kb.factors[f];
            Evidence {
                factor: factor.id.clone(),
                kind: EvidenceKind::Context,
                contribution,
                source: factor.source.clone(),
                label: factor.label.clone(),
                origin: None,
            }
        }
    }
}
