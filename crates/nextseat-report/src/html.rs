//! The HTML report: one self-contained page (inline CSS and SVG, no scripts, no external
//! files) that prints cleanly. askama escapes every value in the template.

use crate::svg::{self, Bar};
use crate::{engagement_label, verdict_label};
use askama::Template;
use nextseat_core::assessment::{ArchetypeScore, Evidence, Step};
use nextseat_core::engine::roadmap::money;
use nextseat_core::{Assessment, KnowledgeBase};

/// A need as the template shows it.
pub struct NeedView<'a> {
    /// Role name.
    pub name: String,
    /// Score text.
    pub score: String,
    /// Verdict id (CSS class).
    pub verdict_id: &'static str,
    /// Verdict words.
    pub verdict: &'static str,
    /// Engagement words or a dash.
    pub engagement: &'static str,
    /// Evidence lines.
    pub evidence: Vec<EvidenceView<'a>>,
    /// Verdict reason.
    pub verdict_reason: &'a str,
    /// Engagement reason.
    pub engagement_reason: Option<&'a str>,
}

/// One evidence line as the page shows it: the source by its title, not its file name.
pub struct EvidenceView<'a> {
    /// The line.
    pub line: &'a Evidence,
    /// The source's title (`nextseat` reads "the method's own choice").
    pub source: String,
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

/// A roadmap step as the template shows it.
pub struct StepView<'a> {
    /// The step.
    pub step: &'a Step,
    /// Role name.
    pub name: String,
    /// Engagement words.
    pub engagement: &'static str,
}

#[derive(Template)]
#[template(path = "report.html")]
struct Report<'a> {
    title: String,
    company_line: String,
    primary: Option<String>,
    needs: Vec<NeedView<'a>>,
    bars: Vec<Bar>,
    chart_height: u32,
    chart_width: u32,
    label_width: u32,
    plot_width: u32,
    steps: Vec<StepView<'a>>,
    archetype_name: Option<String>,
    archetypes: Vec<(String, &'a ArchetypeScore)>,
    method: String,
    alternative: Option<Alternative>,
    notes: Vec<(&'static str, &'a str)>,
    context: &'a nextseat_core::assessment::Context,
    signs: Vec<SignView>,
    tags: Vec<String>,
}

/// A sign as the report lists it: its label, where it came from, the words that showed
/// it and, when a text model read it, how.
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

/// Renders the page.
pub fn render(a: &Assessment, kb: &KnowledgeBase) -> String {
    let name = a
        .company
        .name
        .clone()
        .unwrap_or_else(|| "your company".into());
    let revenue = a
        .company
        .annual_revenue_usd
        .map_or("revenue not given".to_string(), |r| {
            format!("{} revenue", money(r))
        });
    let bars = svg::bars(a, kb);
    let page = Report {
        title: name,
        company_line: format!(
            "{} employees ({}) · {}",
            a.company.employees, a.company.size_band, revenue
        ),
        primary: a.primary.map(|p| {
            let engagement = a
                .need(p)
                .and_then(|n| n.engagement)
                .map(|e| format!(", {}", engagement_label(e)))
                .unwrap_or_default();
            format!("{}{engagement}", crate::role_title(kb.role(p)))
        }),
        needs: a
            .needs
            .iter()
            .map(|n| NeedView {
                name: kb.role(n.role).name.clone(),
                score: n.score.to_string(),
                verdict_id: n.verdict.as_str(),
                verdict: verdict_label(n.verdict),
                engagement: n.engagement.map_or("–", engagement_label),
                evidence: n
                    .evidence
                    .iter()
                    .map(|e| EvidenceView {
                        line: e,
                        source: source_title(kb, &e.source),
                    })
                    .collect(),
                verdict_reason: &n.verdict_reason.text,
                engagement_reason: n.engagement_reason.as_ref().map(|r| r.text.as_str()),
            })
            .collect(),
        chart_height: svg::height(bars.len()),
        bars,
        chart_width: svg::CHART_WIDTH,
        label_width: svg::LABEL_WIDTH,
        plot_width: svg::PLOT_WIDTH,
        steps: a
            .roadmap
            .iter()
            .map(|s| StepView {
                step: s,
                name: kb.role(s.role).short_name.clone(),
                engagement: engagement_label(s.engagement),
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
            .map(|r| {
                let name = kb
                    .archetype(&r.archetype)
                    .map_or_else(|| r.archetype.clone(), |x| x.name.clone());
                (name, r)
            })
            .collect(),
        method: format!("{} {}", a.method.kb_name, a.method.kb_version),
        alternative: alternative(a, kb),
        context: &a.context,
        notes: a
            .notes
            .iter()
            .map(|n| (crate::text::note_label(n.kind), n.text.as_str()))
            .collect(),
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
    };
    page.render()
        .unwrap_or_else(|e| format!("<!doctype html><p>report could not be rendered: {e}</p>"))
}
