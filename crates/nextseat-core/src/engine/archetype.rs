//! Ranking the six COO archetypes (article 002). Each archetype's score is the sum of
//! the points of its KB rules that hold for the profile, capped at 100; the reasons are
//! those rules' sentences. Ties keep the KB's order.

use crate::assessment::{ArchetypeRanking, ArchetypeScore};
use crate::condition::Facts;
use crate::kb::{ArchetypeRule, KnowledgeBase};
use crate::points::Points;

/// Every archetype's KB index and score, best first, into `ranked` (emptied first);
/// `fired` is told of each rule that holds.
pub fn scored(
    kb: &KnowledgeBase,
    facts: &Facts<'_>,
    ranked: &mut Vec<(usize, Points)>,
    mut fired: impl FnMut(usize, &ArchetypeRule),
) {
    let compiled = &kb.conditions().archetype_rules;
    ranked.clear();
    ranked.extend(kb.archetypes.iter().enumerate().map(|(i, a)| {
        let mut raw = Points::ZERO;
        for (r, when) in a.rules.iter().zip(&compiled[i]) {
            if when.holds(facts) {
                raw += r.points;
                fired(i, r);
            }
        }
        (i, raw.clamp(Points::ZERO, Points::whole(100)))
    }));
    ranked.sort_by_key(|&(_, score)| std::cmp::Reverse(score));
}

/// All archetypes, best first, with the reasons that placed them.
pub fn rank(kb: &KnowledgeBase, facts: &Facts<'_>) -> ArchetypeRanking {
    let mut reasons: Vec<Vec<String>> = vec![Vec::new(); kb.archetypes.len()];
    let mut order = Vec::new();
    scored(kb, facts, &mut order, |i, r| {
        reasons[i].push(r.reason.clone())
    });
    let ranked: Vec<ArchetypeScore> = order
        .into_iter()
        .map(|(i, score)| ArchetypeScore {
            archetype: kb.archetypes[i].id.clone(),
            score,
            reasons: std::mem::take(&mut reasons[i]),
        })
        .collect();
    ArchetypeRanking {
        best: ranked
            .first()
            .map(|a| a.archetype.clone())
            .unwrap_or_default(),
        ranked,
    }
}
