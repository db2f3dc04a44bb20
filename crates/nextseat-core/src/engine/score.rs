//! Adding up a seat's evidence. Signs, events and context factors each add their weight
//! for the seat as one line; when the raw sum leaves the KB's bounds, one more line
//! (`bound.cap` or `bound.floor`) brings it back, so the score is always the sum shown.
//!
//! [`lines`] is the one walk over a seat's evidence: the score is the sum of what it
//! yields, and the explanation is a line for each, so the two cannot disagree.

use super::signs::Found;
use crate::ids::RoleId;
use crate::kb::KnowledgeBase;
use crate::points::Points;

/// One line of a seat's arithmetic, before the bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Line {
    /// The found sign at this index of the collected signs.
    Sign(usize, Points),
    /// The event with this KB index.
    Event(usize, Points),
    /// The context factor with this KB index.
    Factor(usize, Points),
}

impl Line {
    /// The points the line adds.
    pub fn points(self) -> Points {
        match self {
            Line::Sign(_, p) | Line::Event(_, p) | Line::Factor(_, p) => p,
        }
    }
}

/// Calls `f` with every non-zero line of `seat`'s evidence, in the order the explanation
/// lists them: signs as collected, then declared events, then context factors that hold
/// (`factors[i]` says whether factor `i`'s condition holds).
pub fn lines(
    kb: &KnowledgeBase,
    seat: RoleId,
    signs: &[Found],
    events: &[usize],
    factors: &[bool],
    mut f: impl FnMut(Line),
) {
    for (i, found) in signs.iter().enumerate() {
        let w = kb.signs[found.sign].weights.get(seat);
        if w != Points::ZERO {
            f(Line::Sign(i, w));
        }
    }
    for &e in events {
        let w = kb.events[e].weights.get(seat);
        if w != Points::ZERO {
            f(Line::Event(e, w));
        }
    }
    for (i, factor) in kb.factors.iter().enumerate() {
        let w = factor.weights.get(seat);
        if w != Points::ZERO && factors[i] {
            f(Line::Factor(i, w));
        }
    }
}

/// A seat's raw sum and its score within the KB's bounds.
pub fn total(
    kb: &KnowledgeBase,
    seat: RoleId,
    signs: &[Found],
    events: &[usize],
    factors: &[bool],
) -> (Points, Points) {
    let mut raw = Points::ZERO;
    lines(kb, seat, signs, events, factors, |l| raw += l.points());
    (raw, raw.clamp(kb.scoring.min, kb.scoring.max))
}
