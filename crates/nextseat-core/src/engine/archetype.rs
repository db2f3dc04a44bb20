//! Ranking the six COO archetypes (article 002). Each archetype's score is the sum of
//! the points of its KB rules that hold for the profile, capped at 100; the reasons are
//! those rules' sentences. Ties keep the KB's order.

use crate::assessment::{ArchetypeRanking, ArchetypeScore};
use crate::condition::Facts;
use crate::kb::KnowledgeBase;
use crate::points::Points;

/// All archetypes, best first.
pub fn rank(kb: &KnowledgeBase, facts: &Facts<'_>) -> ArchetypeRanking {
    let mut ranked: Vec<ArchetypeScore> = kb
        .archetypes
        .iter()
        .map(|a| {
            let fired: Vec<_> = a.rules.iter().filter(|r| r.when.holds(facts)).collect();
            let raw: Points = fired.iter().map(|r| r.points).sum();
            ArchetypeScore {
                archetype: a.id.clone(),
                score: raw.clamp(Points::ZERO, Points::whole(100)),
                reasons: fired.iter().map(|r| r.reason.clone()).collect(),
            }
        })
        .collect();
    ranked.sort_by_key(|a| std::cmp::Reverse(a.score));
    ArchetypeRanking {
        best: ranked
            .first()
            .map(|a| a.archetype.clone())
            .unwrap_or_default(),
        ranked,
    }
}
