//! The ownership audit as text.

use nextseat_core::KnowledgeBase;
use nextseat_core::ownership::OwnershipAudit;
use std::fmt::Write;

/// Renders an audit.
pub fn ownership_text(kb: &KnowledgeBase, a: &OwnershipAudit) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "Who owns what");
    let _ = writeln!(o);
    let width = a
        .items
        .iter()
        .map(|i| i.responsibility.chars().count())
        .max()
        .unwrap_or(10)
        .min(48);
    for i in &a.items {
        let owners = if i.owners.is_empty() {
            "UNOWNED".to_string()
        } else {
            // A role id reads as the role's short name; a person reads as written.
            i.owners
                .iter()
                .map(|o| match nextseat_core::RoleId::parse(o) {
                    Some(r) => kb.role(r).short_name.clone(),
                    None => o.clone(),
                })
                .collect::<Vec<_>>()
                .join(" + ")
        };
        let should = match i.recommended_role {
            Some(r) => format!("{} ({:.0}%)", kb.role(r).short_name, i.confidence * 100.0),
            None if i.why.is_some() => format!("no seat ({:.0}%)", i.confidence * 100.0),
            None => "not recognised".to_string(),
        };
        let name: String = i.responsibility.chars().take(width).collect();
        let _ = writeln!(o, "  {name:<width$}  now: {owners:<14} should: {should}");
        if let Some(why) = &i.why {
            let _ = writeln!(o, "  {:width$}    {}", "", why.text);
        }
    }
    let _ = writeln!(o);
    if a.overlaps.is_empty() {
        let _ = writeln!(o, "Overlaps: none");
    } else {
        let _ = writeln!(o, "Overlaps (more than one owner):");
        for x in &a.overlaps {
            let _ = writeln!(o, "  - {x}");
        }
    }
    if a.gap_areas.is_empty() {
        let _ = writeln!(o, "Gaps: none");
    } else {
        let _ = writeln!(o, "Gaps (core areas nobody owns):");
        for g in &a.gap_areas {
            let _ = writeln!(o, "  - {} ({} area)", g.label, kb.role(g.seat).short_name);
        }
    }
    let _ = writeln!(
        o,
        "CEO overload: {}, {}.",
        if a.ceo_overload { "yes" } else { "no" },
        a.ceo_overload_reason
    );
    let _ = writeln!(
        o,
        "Lines read by {}.",
        if a.reader == "meaning" {
            "meaning (their nearest example lines)"
        } else {
            "the areas' words (install the text model to read by meaning)"
        }
    );
    for n in &a.notes {
        let _ = writeln!(o, "Note: {n}");
    }
    if !a.sign_evidence.is_empty() {
        let _ = writeln!(o);
        let _ = writeln!(
            o,
            "Signs for an assessment (nextseat assess PROFILE --ownership FILE):"
        );
        for s in &a.sign_evidence {
            let label = kb.sign(&s.id).map_or("", |x| x.label.as_str());
            let _ = writeln!(o, "  - {} ({label}): {}", s.id, s.evidence);
        }
    }
    o
}
