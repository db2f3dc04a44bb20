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

/// Calls `f(k, line)` with every non-zero line of every seat's evidence, where `k` is
/// the seat's position in [`RoleId::SEATS`]. Each seat's lines come in the order the
/// explanation lists them: signs as collected, then declared events, then the context
/// factors that hold (`factors[i]` says whether factor `i`'s condition holds). This is
/// the one walk over the evidence; scores and explanations both come from it.
pub fn walk(
    kb: &KnowledgeBase,
    signs: &[Found],
    events: &[usize],
    factors: &[bool],
    mut f: impl FnMut(usize, Line),
) {
    for (i, found) in signs.iter().enumerate() {
        for (k, w) in kb.signs[found.sign].weights.seats().into_iter().enumerate() {
            if w != Points::ZERO {
                f(k, Line::Sign(i, w));
            }
        }
    }
    for &e in events {
        for (k, w) in kb.events[e].weights.seats().into_iter().enumerate() {
            if w != Points::ZERO {
                f(k, Line::Event(e, w));
            }
        }
    }
    for (i, factor) in kb.factors.iter().enumerate() {
        if !factors[i] {
            continue;
        }
        for (k, w) in factor.weights.seats().into_iter().enumerate() {
            if w != Points::ZERO {
                f(k, Line::Factor(i, w));
            }
        }
    }
}

/// Calls `f` with every non-zero line of `seat`'s evidence, in order (see [`walk`]).
pub fn lines(
    kb: &KnowledgeBase,
    seat: RoleId,
    signs: &[Found],
    events: &[usize],
    factors: &[bool],
    mut f: impl FnMut(Line),
) {
    let Some(want) = seat.seat_index() else {
        return;
    };
    walk(kb, signs, events, factors, |k, line| {
        if k == want {
            f(line);
        }
    });
}

/// Every seat's raw sum and its score within the KB's bounds, in [`RoleId::SEATS`]
/// order.
pub fn totals(
    kb: &KnowledgeBase,
    signs: &[Found],
    events: &[usize],
    factors: &[bool],
) -> [(Points, Points); 4] {
    let mut raw = [Points::ZERO; 4];
    walk(kb, signs, events, factors, |k, l| raw[k] += l.points());
    raw.map(|r| (r, r.clamp(kb.scoring.min, kb.scoring.max)))
}
