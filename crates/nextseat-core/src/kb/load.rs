//! Structural loading: TOML syntax, section names and each entry's shape.
//!
//! The document is parsed once into toml's spanned tree, and every entry of every
//! section is deserialised on its own, so one malformed sign does not hide a malformed
//! archetype further down: every problem is reported, each with its position.

use super::*;
use crate::diag::{Diagnostic, Diagnostics, LineIndex, closest};
use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

const SECTIONS: &[&str] = &[
    "meta",
    "sources",
    "roles",
    "skills",
    "signs",
    "events",
    "factors",
    "scoring",
    "verdicts",
    "size_bands",
    "revenue_bands",
    "engagement",
    "layering",
    "roadmap",
    "archetypes",
    "fit",
    "ownership",
    "responsibility_areas",
    "narrative",
    "interview",
    "exemplars",
    "ceo_tags",
    "checks",
];

struct Loader<'s, 'i> {
    lines: &'s LineIndex<'s>,
    root: &'s Spanned<DeTable<'i>>,
    diags: Vec<Diagnostic>,
}

impl<'s, 'i> Loader<'s, 'i> {
    fn entry<T: DeserializeOwned>(&mut self, key: &str, v: &Spanned<DeValue<'i>>) -> Option<T> {
        match T::deserialize(ValueDeserializer::from(v.clone())) {
            Ok(t) => Some(t),
            Err(e) => {
                let span = e.span().or_else(|| Some(v.span()));
                let msg = crate::diag::humanise(e.message());
                self.diags
                    .push(Diagnostic::new(key, msg).at_span(self.lines, span));
                None
            }
        }
    }

    fn table<T: DeserializeOwned>(&mut self, key: &str) -> Option<T> {
        match self.root.get_ref().get(key) {
            Some(v) => self.entry(key, v),
            None => {
                self.diags.push(
                    Diagnostic::new(key, format!("missing section [{key}]"))
                        .at_span(self.lines, Some(0..0)),
                );
                None
            }
        }
    }

    fn list<T: DeserializeOwned>(&mut self, key: &str) -> Vec<T> {
        if self.root.get_ref().get(key).is_none() {
            self.diags.push(
                Diagnostic::new(key, format!("missing section [[{key}]]"))
                    .at_span(self.lines, Some(0..0)),
            );
            return Vec::new();
        }
        self.optional_list(key)
    }

    /// A list section that may be absent (then empty).
    fn optional_list<T: DeserializeOwned>(&mut self, key: &str) -> Vec<T> {
        let Some(v) = self.root.get_ref().get(key) else {
            return Vec::new();
        };
        let Some(items) = v.get_ref().as_array() else {
            self.diags.push(
                Diagnostic::new(key, format!("expected an array of tables [[{key}]]"))
                    .at_span(self.lines, Some(v.span())),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            if let Some(t) = self.entry(&format!("{key}[{i}]"), item) {
                out.push(t);
            }
        }
        out
    }
}

pub(super) fn parse(src: &str) -> Result<KnowledgeBase, Diagnostics> {
    if src.trim().is_empty() {
        return Err(Diagnostics(vec![Diagnostic::new(
            "",
            "the knowledge base is empty",
        )]));
    }
    let lines = LineIndex::new(src);
    let (root, errors) = DeTable::parse_recoverable(src);
    if !errors.is_empty() {
        Diagnostics::check(
            errors
                .iter()
                .take(crate::diag::MAX_LISTED + 1)
                .map(|e| {
                    Diagnostic::new("", format!("TOML syntax: {}", e.message().trim()))
                        .at_span(&lines, e.span())
                })
                .collect(),
        )?;
    }
    // A company profile given where a knowledge base belongs: say so once, not once per
    // missing section.
    let has = |k: &str| root.get_ref().get(k).is_some();
    if has("company") && !has("meta") && !has("signs") {
        return Err(Diagnostics(vec![Diagnostic::new(
            "company",
            "this is a company profile, not a knowledge base: assess it with `nextseat assess FILE`; `kb check` reads a method file such as the one `nextseat kb export` writes",
        )
        .at_span(&lines, Some(0..0))]));
    }
    let mut l = Loader {
        lines: &lines,
        root: &root,
        diags: Vec::new(),
    };
    for (k, _) in root.get_ref().iter() {
        let name: &str = k.get_ref();
        if !SECTIONS.contains(&name) {
            l.diags.push(
                Diagnostic::new(name, "unknown section")
                    .at_span(&lines, Some(k.span()))
                    .suggest(closest(name, SECTIONS.iter().copied())),
            );
        }
    }
    let meta = l.table::<Meta>("meta");
    let sources = l.list::<Source>("sources");
    let roles = l.list::<Role>("roles");
    let skills = l.list::<Skill>("skills");
    let signs = l.list::<Sign>("signs");
    let events = l.list::<Event>("events");
    let factors = l.list::<Factor>("factors");
    let scoring = l.table::<Scoring>("scoring");
    let verdicts = l.list::<VerdictBand>("verdicts");
    let size_bands = l.list::<SizeBand>("size_bands");
    let revenue_bands = l.list::<RevenueBand>("revenue_bands");
    let engagement = l.table::<EngagementRules>("engagement");
    let layering = l.table::<Layering>("layering");
    let roadmap = l.table::<RoadmapRules>("roadmap");
    let archetypes = l.list::<Archetype>("archetypes");
    let fit = l.table::<FitRules>("fit");
    let ownership = l.table::<OwnershipRules>("ownership");
    let responsibility_areas = l.list::<ResponsibilityArea>("responsibility_areas");
    let narrative = l.table::<NarrativeRules>("narrative");
    // Optional: without it the interview asks each field by its key.
    let interview = l.optional_list::<Question>("interview");
    // Optional: without it only the lexical matcher reads text.
    let exemplars = l.optional_list::<Exemplars>("exemplars");
    // Optional: without them no input is checked for consistency.
    let checks = l.optional_list::<Check>("checks");
    // Optional: without it no condition can name a capability area.
    let ceo_tags = match l.root.get_ref().get("ceo_tags") {
        Some(v) => l.entry::<CeoTags>("ceo_tags", v).unwrap_or_default(),
        None => CeoTags::default(),
    };

    let (
        Some(meta),
        Some(scoring),
        Some(engagement),
        Some(layering),
        Some(roadmap),
        Some(fit),
        Some(ownership),
        Some(narrative),
        true,
    ) = (
        meta,
        scoring,
        engagement,
        layering,
        roadmap,
        fit,
        ownership,
        narrative,
        l.diags.is_empty(),
    )
    else {
        l.diags.sort_by_key(|d| d.position);
        return Err(Diagnostics::capped(l.diags));
    };
    let kb = KnowledgeBase::new(Model {
        meta,
        sources,
        roles,
        skills,
        signs,
        events,
        factors,
        scoring,
        verdicts,
        size_bands,
        revenue_bands,
        engagement,
        layering,
        roadmap,
        archetypes,
        fit,
        ownership,
        responsibility_areas,
        narrative,
        interview,
        exemplars,
        ceo_tags,
        checks,
    });
    let mut diags = super::validate::validate(&kb, &lines, &root);
    diags.sort_by_key(|d| d.position);
    Diagnostics::check(diags)?;
    Ok(kb)
}
