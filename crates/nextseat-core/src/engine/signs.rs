//! Collecting the signs: declared first, then extra ones (narrative, ownership), then
//! those implied by events; each id once, under the first origin that brought it.

use crate::assessment::SignHit;
use crate::ids::Origin;
use crate::kb::KnowledgeBase;
use crate::profile::Profile;

/// The signs of a profile, each once.
pub fn collect(kb: &KnowledgeBase, profile: &Profile, extra: &[SignHit]) -> Vec<SignHit> {
    let mut hits: Vec<SignHit> = Vec::new();
    let mut push = |hit: SignHit| {
        if kb.sign(&hit.id).is_some() && !hits.iter().any(|h| h.id == hit.id) {
            hits.push(hit);
        }
    };
    for s in &profile.situation.signs {
        push(SignHit::new(s, Origin::Declared, None));
    }
    for h in extra {
        push(h.clone());
    }
    for e in &profile.situation.events {
        if let Some(event) = kb.event(e) {
            for s in &event.implies {
                push(SignHit::new(s, Origin::Event, Some(e)));
            }
        }
    }
    hits
}
