//! Adding up a seat's evidence. Signs, events and context factors each add their weight
//! for the seat as one line; when the raw sum leaves the KB's bounds, one more line
//! (`bound.cap` or `bound.floor`) brings it back, so the score is always the sum shown.

use crate::assessment::{Evidence, EvidenceKind, Need, Reason, SignHit};
use crate::condition::Facts;
use crate::ids::{RoleId, Verdict};
use crate::kb::KnowledgeBase;
use crate::points::Points;

/// The need for `seat`, with its evidence; the verdict is filled in by
/// [`super::decide`].
pub fn need(kb: &KnowledgeBase, seat: RoleId, hits: &[SignHit], facts: &Facts<'_>) -> Need {
    let mut evidence = Vec::new();
    for hit in hits {
        let Some(sign) = kb.sign(&hit.id) else {
            continue;
        };
        let w = sign.weights.get(seat);
        if w != Points::ZERO {
            evidence.push(Evidence {
                factor: sign.id.clone(),
                kind: EvidenceKind::Sign,
                contribution: w,
                source: sign.source.clone(),
                label: sign.label.clone(),
                origin: Some(hit.origin),
            });
        }
    }
    for id in facts.events {
        let Some(event) = kb.event(id) else { continue };
        let w = event.weights.get(seat);
        if w != Points::ZERO && !evidence.iter().any(|e| e.factor == event.id) {
            evidence.push(Evidence {
                factor: event.id.clone(),
                kind: EvidenceKind::Event,
                contribution: w,
                source: event.source.clone(),
                label: event.label.clone(),
                origin: None,
            });
        }
    }
    for f in &kb.factors {
        let w = f.weights.get(seat);
        if w != Points::ZERO && f.when.holds(facts) {
            evidence.push(Evidence {
                factor: f.id.clone(),
                kind: EvidenceKind::Context,
                contribution: w,
                source: f.source.clone(),
                label: f.label.clone(),
                origin: None,
            });
        }
    }
    let raw: Points = evidence.iter().map(|e| e.contribution).sum();
    let score = raw.clamp(kb.scoring.min, kb.scoring.max);
    if score != raw {
        let (factor, label) = if raw > score {
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
            contribution: score - raw,
            source: kb.scoring.source.clone(),
            label,
            origin: None,
        });
    }
    Need {
        role: seat,
        score,
        verdict: Verdict::NotYet,
        engagement: None,
        evidence,
        verdict_reason: Reason {
            rule: String::new(),
            text: String::new(),
            source: String::new(),
        },
        engagement_reason: None,
    }
}
