//! Turning an [`Outcome`] into the [`Assessment`] a reader sees: every sign with its
//! evidence, every seat's lines of arithmetic (walked again by [`score::lines`], the same
//! walk that produced the score), the verdicts and engagements in words, the roadmap and
//! the archetypes with their reasons.

use super::signs::Via;
use super::{Outcome, archetype, decide, roadmap, score};
use crate::assessment::{
    Assessment, CeoTag, CompanySummary, Evidence, EvidenceKind, Method, Need, Note, NoteKind,
    SCHEMA_VERSION, SignHit,
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
    ceo_tags: Vec<CeoTag>,
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
                Via::Confirmed(k) => profile
                    .situation
                    .narrative_signs
                    .as_ref()
                    .and_then(|c| c.get(k))
                    .and_then(|c| c.phrase.clone()),
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
    let notes = notes(kb, facts, outcome, &needs);
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
        context: crate::assessment::Context {
            short_term: profile.objectives.short_term.clone(),
            long_term: profile.objectives.long_term.clone(),
            narrative: profile
                .situation
                .narrative
                .as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string),
        },
        ceo_tags,
        notes,
    }
}

/// What was assumed (an engagement chosen without knowing revenue) and every check of
/// the knowledge base whose condition holds, each once, in that order.
fn notes(kb: &KnowledgeBase, facts: &Facts<'_>, outcome: &Outcome, needs: &[Need]) -> Vec<Note> {
    let mut facts = facts.clone();
    facts.narrative_unconfirmed = outcome
        .signs
        .iter()
        .any(|f| matches!(f.via, Via::Phrase(..)));
    let mut out: Vec<Note> = Vec::new();
    for reason in needs.iter().filter_map(|n| n.engagement_reason.as_ref()) {
        if reason.rule.starts_with("engagement.unknown_revenue")
            && !out.iter().any(|n| n.rule == reason.rule)
        {
            out.push(Note {
                kind: NoteKind::Assumed,
                rule: reason.rule.clone(),
                text: reason.text.clone(),
                source: reason.source.clone(),
            });
        }
    }
    for (check, when) in kb.checks.iter().zip(&kb.conditions().checks) {
        if when.holds(&facts) {
            out.push(Note {
                kind: check.kind,
                rule: check.id.clone(),
                text: check.text.clone(),
                source: check.source.clone(),
            });
        }
    }
    out
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

#[cfg(test)]
mod tests {
    use crate::assessment::{NoteKind, TagRead};
    use crate::{Format, KnowledgeBase, Profile, assess};

    fn assessed(src: &str) -> crate::Assessment {
        let kb = KnowledgeBase::default_kb();
        let p = Profile::parse(src, Format::Toml, &kb).expect("profile");
        assess(&kb, &p)
    }

    fn has_line(a: &crate::Assessment, factor: &str) -> bool {
        a.needs
            .iter()
            .any(|n| n.evidence.iter().any(|e| e.factor == factor))
    }

    #[test]
    fn tags_count_by_the_area_they_read_as_not_by_fragments() {
        let a = assessed(
            "[company]\nemployees = 40\n[leadership]\n\
             ceo_strengths = [\"cooperation with partners\"]\n\
             ceo_gaps = [\"marketing\", \"cash flow\"]\n",
        );
        assert!(
            !has_line(&a, "context.ceo_strength_operations"),
            "cooperation is not operations"
        );
        assert!(
            !has_line(&a, "context.ceo_gap_strategy"),
            "marketing is not strategy"
        );
        assert!(
            has_line(&a, "context.ceo_gap_finance"),
            "cash flow is finance"
        );
        let marketing = a
            .ceo_tags
            .iter()
            .find(|t| t.tag == "marketing")
            .expect("read");
        assert_eq!(marketing.area, None);
        assert_eq!(
            marketing.read,
            TagRead::Example {
                example: "marketing".into()
            },
            "an example tag of no area"
        );
    }

    #[test]
    fn implausible_or_contradictory_inputs_are_noted_with_their_rule() {
        let a = assessed(
            "[company]\nemployees = 40\nannual_revenue_usd = 90000\n\
             [leadership]\nceo_strengths = [\"operations\"]\nceo_gaps = [\"ops\"]\n",
        );
        let rules: Vec<&str> = a.notes.iter().map(|n| n.rule.as_str()).collect();
        assert!(
            rules.contains(&"checks.revenue_per_person_low"),
            "{rules:?}"
        );
        assert!(rules.contains(&"checks.strength_and_gap"), "{rules:?}");
        assert!(
            a.notes.iter().all(|n| n.kind == NoteKind::Inconsistent),
            "{:?}",
            a.notes
        );
        let plain = assessed("[company]\nemployees = 40\nannual_revenue_usd = 4000000\n");
        assert!(plain.notes.is_empty(), "{:?}", plain.notes);
    }

    #[test]
    fn confirmed_narrative_signs_count_alone_and_unconfirmed_ones_are_noted() {
        let story = "[company]\nemployees = 30\n[situation]\n\
                     narrative = \"Orders keep going out late and I am always putting out fires.\"\n";
        let read = assessed(story);
        let narrative: Vec<&str> = read
            .signs
            .iter()
            .filter(|s| s.origin == crate::ids::Origin::Narrative)
            .map(|s| s.id.as_str())
            .collect();
        assert!(narrative.contains(&"coo.firefighting"), "{narrative:?}");
        assert!(
            read.notes
                .iter()
                .any(|n| n.rule == "checks.narrative_unconfirmed"),
            "{:?}",
            read.notes
        );
        let confirmed = assessed(&format!(
            "{story}[[situation.narrative_signs]]\nid = \"coo.firefighting\"\nphrase = \"always putting out fires\"\n"
        ));
        let signs: Vec<(&str, Option<&str>)> = confirmed
            .signs
            .iter()
            .map(|s| (s.id.as_str(), s.evidence.as_deref()))
            .collect();
        assert_eq!(
            signs,
            vec![("coo.firefighting", Some("always putting out fires"))],
            "the unticked sign stays out"
        );
        assert!(
            confirmed
                .notes
                .iter()
                .all(|n| n.rule != "checks.narrative_unconfirmed")
        );
        let none = assessed(&story.replace("[situation]\n", "[situation]\nnarrative_signs = []\n"));
        assert!(none.signs.is_empty(), "{:?}", none.signs);
    }

    #[test]
    fn an_engagement_chosen_without_revenue_is_noted_as_assumed() {
        let a = assessed(
            "[company]\nemployees = 5000\n[situation]\n\
             signs = [\"coo.firefighting\", \"coo.missing_sops\", \"coo.slipping_deliverables\", \"coo.process_inefficiency\"]\n",
        );
        let note = a
            .notes
            .iter()
            .find(|n| n.kind == NoteKind::Assumed)
            .expect("an assumed note");
        assert_eq!(note.rule, "engagement.unknown_revenue_large");
    }
}
