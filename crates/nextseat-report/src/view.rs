//! The report as a reader sees it, built once from the assessment and the knowledge base:
//! names instead of ids, sources by title, verdicts and engagements in words. The HTML
//! page ([`crate::html`]) and the PDF (the `nextseat-pdf` crate, which receives it as
//! JSON) both render this one value, so they say the same thing.

use crate::{engagement_label, verdict_label};
use nextseat_core::engine::roadmap::money;
use nextseat_core::{Assessment, KnowledgeBase};
use serde::Serialize;

/// Everything a report shows.
#[derive(Clone, Debug, Serialize)]
pub struct ReportView {
    /// The company's name, or "your company".
    pub title: String,
    /// Headcount, size band and revenue in one line.
    pub company_line: String,
    /// When the assessment was made ("6 December 2026"), when known.
    pub date: Option<String>,
    /// The recommended seat with its engagement ("Chief Operating Officer (COO),
    /// fractional"), or none when no seat is to be filled now.
    pub primary: Option<String>,
    /// Why the recommended seat got its verdict.
    pub primary_reason: Option<String>,
    /// Each seat's need, highest first as the assessment orders them.
    pub needs: Vec<NeedView>,
    /// The order to fill seats in.
    pub steps: Vec<StepView>,
    /// The COO archetype that fits best, by name.
    pub archetype_name: Option<String>,
    /// Every archetype's fit.
    pub archetypes: Vec<ArchetypeView>,
    /// The recommended seat beside its nearest alternative.
    pub alternative: Option<Alternative>,
    /// "Check before acting" notes: (label, text).
    pub notes: Vec<(String, String)>,
    /// What the founder told us.
    pub context: nextseat_core::assessment::Context,
    /// The signs counted.
    pub signs: Vec<SignView>,
    /// How the CEO's strengths and gaps were read, one line each.
    pub tags: Vec<String>,
    /// The method's name and version.
    pub method: String,
}

/// A need as a report shows it.
#[derive(Clone, Debug, Serialize)]
pub struct NeedView {
    /// Role name.
    pub name: String,
    /// Role short name (for the chart).
    pub short_name: String,
    /// Score text.
    pub score: String,
    /// The score as a number, 0 to 100.
    pub value: f64,
    /// Verdict id (a CSS class).
    pub verdict_id: &'static str,
    /// Verdict words.
    pub verdict: &'static str,
    /// Engagement words or a dash.
    pub engagement: &'static str,
    /// Evidence lines.
    pub evidence: Vec<EvidenceView>,
    /// Verdict reason.
    pub verdict_reason: String,
    /// Engagement reason.
    pub engagement_reason: Option<String>,
}

/// One evidence line: the source by its title, not its file name.
#[derive(Clone, Debug, Serialize)]
pub struct EvidenceView {
    /// Points, signed ("+24", "-8").
    pub points: String,
    /// What the line is.
    pub label: String,
    /// The knowledge-base entry behind it.
    pub factor: String,
    /// The source's title (`nextseat` reads "the method's own choice").
    pub source: String,
}

/// A roadmap step.
#[derive(Clone, Debug, Serialize)]
pub struct StepView {
    /// Its number.
    pub number: u32,
    /// Role short name.
    pub name: String,
    /// Engagement words.
    pub engagement: &'static str,
    /// When.
    pub trigger: String,
    /// Why.
    pub reason: String,
}

/// One COO archetype's fit.
#[derive(Clone, Debug, Serialize)]
pub struct ArchetypeView {
    /// Its name.
    pub name: String,
    /// Its fit score.
    pub score: String,
    /// Why, sentence by sentence.
    pub reasons: Vec<String>,
}

/// A sign as the report lists it: its label, where it came from, the words that showed
/// it and, when a text model read it, how.
#[derive(Clone, Debug, Serialize)]
pub struct SignView {
    /// The sign's label.
    pub label: String,
    /// Declared, narrative, event or ownership.
    pub origin: String,
    /// The words or event that showed it.
    pub evidence: Option<String>,
    /// How a text model read it, in one line.
    pub meaning: Option<String>,
}

/// The recommended seat beside its nearest alternative.
#[derive(Clone, Debug, Serialize)]
pub struct Alternative {
    /// The recommended seat's name.
    pub primary: String,
    /// The nearest alternative's name.
    pub other: String,
    /// Why the primary comes first, in words.
    pub why: String,
    /// Facet, primary's text, alternative's text.
    pub rows: Vec<(&'static str, String, String)>,
}

/// A source's title for a reader, or its id when the knowledge base has none.
fn source_title(kb: &KnowledgeBase, id: &str) -> String {
    if id == nextseat_core::kb::OWN_CHOICE {
        return "the method's own choice".to_string();
    }
    kb.sources
        .iter()
        .find(|s| s.id == id)
        .map_or_else(|| id.to_string(), |s| s.title.clone())
}

fn alternative(a: &Assessment, kb: &KnowledgeBase) -> Option<Alternative> {
    let p = a.primary?;
    let first = a.need(p)?;
    let other = a.needs.iter().find(|n| n.role != p)?;
    let c = nextseat_core::compare::compare(kb, p, other.role);
    let (pn, on) = (kb.role(p), kb.role(other.role));
    Some(Alternative {
        primary: pn.name.clone(),
        other: on.name.clone(),
        why: format!(
            "The {} scores {} against {} for the {} ({}).",
            pn.short_name,
            first.score,
            other.score,
            on.short_name,
            verdict_label(other.verdict)
        ),
        rows: c
            .rows
            .into_iter()
            .filter(|r| {
                matches!(
                    r.facet,
                    "Focus"
                        | "Primary question"
                        | "Outcome"
                        | "Scope of influence"
                        | "Time horizon"
                        | "Executive"
                )
            })
            .map(|r| (r.facet, r.left, r.right))
            .collect(),
    })
}

/// A day as a report dates it ("6 December 2026"), from milliseconds since the Unix
/// epoch (UTC).
pub fn date_of(ms: i64) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    // Days to a civil date (H. Hinnant's algorithm, proleptic Gregorian calendar).
    let z = ms.div_euclid(86_400_000) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let name = usize::try_from(month - 1)
        .ok()
        .and_then(|m| MONTHS.get(m))
        .copied()
        .unwrap_or("?");
    format!("{day} {name} {year}")
}

/// Builds the report's content; `date` is when the assessment was made, if known.
pub fn build(a: &Assessment, kb: &KnowledgeBase, date: Option<String>) -> ReportView {
    let revenue = a
        .company
        .annual_revenue_usd
        .map_or("revenue not given".to_string(), |r| {
            format!("{} revenue", money(r))
        });
    ReportView {
        title: a
            .company
            .name
            .clone()
            .unwrap_or_else(|| "your company".into()),
        company_line: format!(
            "{} employees ({}) · {}",
            a.company.employees, a.company.size_band, revenue
        ),
        date,
        primary: a.primary.map(|p| {
            let engagement = a
                .need(p)
                .and_then(|n| n.engagement)
                .map(|e| format!(", {}", engagement_label(e)))
                .unwrap_or_default();
            format!("{}{engagement}", crate::role_title(kb.role(p)))
        }),
        primary_reason: a
            .primary
            .and_then(|p| a.need(p))
            .map(|n| n.verdict_reason.text.clone()),
        needs: a
            .needs
            .iter()
            .map(|n| NeedView {
                name: kb.role(n.role).name.clone(),
                short_name: kb.role(n.role).short_name.clone(),
                score: n.score.to_string(),
                value: n.score.as_f64(),
                verdict_id: n.verdict.as_str(),
                verdict: verdict_label(n.verdict),
                engagement: n.engagement.map_or("–", engagement_label),
                evidence: n
                    .evidence
                    .iter()
                    .map(|e| EvidenceView {
                        points: e.contribution.to_string(),
                        label: e.label.clone(),
                        factor: e.factor.clone(),
                        source: source_title(kb, &e.source),
                    })
                    .collect(),
                verdict_reason: n.verdict_reason.text.clone(),
                engagement_reason: n.engagement_reason.as_ref().map(|r| r.text.clone()),
            })
            .collect(),
        steps: a
            .roadmap
            .iter()
            .map(|s| StepView {
                number: s.step,
                name: kb.role(s.role).short_name.clone(),
                engagement: engagement_label(s.engagement),
                trigger: s.trigger.clone(),
                reason: s.reason.clone(),
            })
            .collect(),
        archetype_name: a.coo_archetype.as_ref().map(|c| {
            kb.archetype(&c.best)
                .map_or(c.best.clone(), |x| x.name.clone())
        }),
        archetypes: a
            .coo_archetype
            .as_ref()
            .map_or(&[][..], |c| c.ranked.as_slice())
            .iter()
            .map(|r| ArchetypeView {
                name: kb
                    .archetype(&r.archetype)
                    .map_or_else(|| r.archetype.clone(), |x| x.name.clone()),
                score: r.score.to_string(),
                reasons: r.reasons.clone(),
            })
            .collect(),
        alternative: alternative(a, kb),
        notes: a
            .notes
            .iter()
            .map(|n| (crate::text::note_label(n.kind).to_string(), n.text.clone()))
            .collect(),
        context: a.context.clone(),
        signs: a
            .signs
            .iter()
            .map(|s| SignView {
                label: kb
                    .sign(&s.id)
                    .map_or_else(|| s.id.clone(), |x| x.label.clone()),
                origin: s.origin.to_string(),
                evidence: s.evidence.clone(),
                meaning: s.meaning.as_ref().map(crate::text::meaning_line),
            })
            .collect(),
        tags: a
            .ceo_tags
            .iter()
            .map(|t| crate::text::tag_line(t, kb))
            .collect(),
        method: format!("{} {}", a.method.kb_name, a.method.kb_version),
    }
}

#[cfg(test)]
mod tests {
    use super::date_of;

    #[test]
    fn days_are_dated_in_the_civil_calendar() {
        assert_eq!(date_of(0), "1 January 1970");
        assert_eq!(date_of(951_782_400_000), "29 February 2000");
        assert_eq!(date_of(1_796_515_200_000), "6 December 2026");
        assert_eq!(date_of(-86_400_000), "31 December 1969");
    }
}
