//! Side-by-side comparison of two roles: the same facets of each, ready to render.

use crate::ids::RoleId;
use crate::kb::{Fact, KnowledgeBase, Role};
use serde::Serialize;

/// One facet of the comparison.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    /// Facet name (`Focus`, `Primary question`…).
    pub facet: &'static str,
    /// The left role's text.
    pub left: String,
    /// The right role's text.
    pub right: String,
}

/// Two roles side by side.
#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    /// Left role id.
    pub left: RoleId,
    /// Right role id.
    pub right: RoleId,
    /// The facets.
    pub rows: Vec<Row>,
    /// Notes from either role that mention the other.
    pub notes: Vec<Fact>,
}

fn list(facts: &[Fact]) -> String {
    facts
        .iter()
        .map(|f| f.text.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

fn skills(kb: &KnowledgeBase, r: &Role) -> String {
    r.requirements
        .iter()
        .map(|q| {
            kb.skill(&q.skill)
                .map_or(q.skill.clone(), |s| s.name.clone())
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The facets of one role, in display order.
pub fn facets(kb: &KnowledgeBase, r: &Role) -> Vec<(&'static str, String)> {
    vec![
        ("Focus", r.focus.text.clone()),
        ("Primary question", r.primary_question.text.clone()),
        ("Outcome", r.outcome.text.clone()),
        ("Responsibilities", list(&r.responsibilities)),
        ("Skills", skills(kb, r)),
        ("Scope of influence", r.scope.text.clone()),
        (
            "Strategic involvement",
            r.strategic_involvement.text.clone(),
        ),
        ("Time horizon", r.time_horizon.text.clone()),
        (
            "Executive",
            if r.executive {
                "yes"
            } else {
                "no (staff role)"
            }
            .to_string(),
        ),
    ]
}

/// Compares two roles.
pub fn compare(kb: &KnowledgeBase, left: RoleId, right: RoleId) -> Comparison {
    let (l, r) = (kb.role(left), kb.role(right));
    let rows = facets(kb, l)
        .into_iter()
        .zip(facets(kb, r))
        .map(|((facet, left), (_, right))| Row { facet, left, right })
        .collect();
    let mentions = |role: &Role, other: &Role| -> Vec<Fact> {
        role.notes
            .iter()
            .filter(|n| {
                let t = n.text.to_lowercase();
                t.contains(&other.short_name.to_lowercase())
                    || t.contains(&other.name.to_lowercase())
            })
            .cloned()
            .collect()
    };
    let mut notes = mentions(l, r);
    notes.extend(mentions(r, l));
    Comparison {
        left,
        right,
        rows,
        notes,
    }
}
