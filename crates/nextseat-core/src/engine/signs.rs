//! Collecting the signs: declared first, then extra ones (narrative, ownership), then
//! those implied by events; each sign once, under the first origin that brought it.

use crate::ids::Origin;
use crate::kb::KnowledgeBase;

/// What brought a sign in, beyond its origin: the evidence an explanation quotes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    /// Declared in the profile.
    Declared,
    /// A phrase of the profile's narrative, by byte span.
    Phrase(usize, usize),
    /// Confirmed by a person at intake: the entry of `situation.narrative_signs`.
    Confirmed(usize),
    /// The extra sign (ownership audit) at this index.
    Extra(usize),
    /// The declared event with this KB index.
    Event(usize),
}

/// A sign taken into account, by knowledge-base index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Found {
    /// Index into the knowledge base's signs.
    pub sign: usize,
    /// Where it came from.
    pub origin: Origin,
    /// The evidence behind it.
    pub via: Via,
}

/// Adds signs to a list, each once, in the order they first arrive.
pub struct Collector<'a> {
    seen: &'a mut Vec<bool>,
    out: &'a mut Vec<Found>,
}

impl<'a> Collector<'a> {
    /// Starts an empty collection, reusing the caller's buffers.
    pub fn new(kb: &KnowledgeBase, seen: &'a mut Vec<bool>, out: &'a mut Vec<Found>) -> Self {
        seen.clear();
        seen.resize(kb.signs.len(), false);
        out.clear();
        Collector { seen, out }
    }

    /// Adds a sign unless it is already in.
    pub fn push(&mut self, sign: usize, origin: Origin, via: Via) {
        if let Some(seen) = self.seen.get_mut(sign)
            && !*seen
        {
            *seen = true;
            self.out.push(Found { sign, origin, via });
        }
    }
}
