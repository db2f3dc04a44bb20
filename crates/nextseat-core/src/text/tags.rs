//! Reading the CEO's free strength and gap tags ("cash flow", "ops", "vision") into the
//! knowledge base's capability areas (`[[ceo_tags.areas]]`), which conditions name
//! (`ceo_gap_areas`, `ceo_strength_areas`).
//!
//! The knowledge base's own words decide first: a tag that *is* one of the example tags
//! takes that example's area (or none, for an example in `other`: "sales"), else an area's
//! words matched at the *start* of the tag's words and in order ("strateg" matches
//! "strategic planning"; "operation" does not match "cooperation").
//! A tag no word recognises is read by meaning when a text model is attached: it takes
//! the area of its nearest example tag if that example is similar enough, and an example
//! of no area reads as no area ("marketing" is not strategy). A tag neither recognises
//! still counts as "a gap is named". Words first means a profile whose tags the words
//! all recognise reads the same with or without the model, so the model is loaded only
//! for the tags that need it ([`needs_meaning`]).

use crate::assessment::{CeoTag, TagKind, TagRead};
use crate::condition::TagAreas;
use crate::kb::{KnowledgeBase, Model};
use crate::text::narrative::three;

/// The lower-cased runs of letters and digits of `s`.
fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The example tag this tag is, ignoring case and surrounding space: its area (`None`
/// for an example of no area, `ceo_tags.other`) and the example.
pub fn by_example<'k>(kb: &'k Model, tag: &str) -> Option<(Option<usize>, &'k str)> {
    let tag = tag.trim();
    let same = |e: &&String| e.trim().eq_ignore_ascii_case(tag);
    kb.ceo_tags
        .areas
        .iter()
        .enumerate()
        .find_map(|(i, a)| a.examples.iter().find(same).map(|e| (Some(i), e.as_str())))
        .or_else(|| {
            kb.ceo_tags
                .other
                .iter()
                .find(same)
                .map(|e| (None, e.as_str()))
        })
}

/// How the knowledge base's own words read a tag, without a model: an example tag it is
/// exactly, else the first area one of whose words starts its words. `None` when neither
/// knows it.
pub fn known(kb: &Model, tag: &str) -> Option<(Option<usize>, TagRead)> {
    match by_example(kb, tag) {
        Some((area, e)) => Some((
            area,
            TagRead::Example {
                example: e.to_string(),
            },
        )),
        None => by_words(kb, tag).map(|(i, w)| {
            (
                Some(i),
                TagRead::Words {
                    word: w.to_string(),
                },
            )
        }),
    }
}

/// The first area (in knowledge-base order) one of whose words starts the tag's words, in
/// order, with that word.
pub fn by_words<'k>(kb: &'k Model, tag: &str) -> Option<(usize, &'k str)> {
    let tag = words(tag);
    kb.ceo_tags.areas.iter().enumerate().find_map(|(i, a)| {
        a.words.iter().find_map(|entry| {
            let pieces = words(entry);
            let hit = !pieces.is_empty()
                && tag.windows(pieces.len()).any(|w| {
                    w.iter()
                        .zip(&pieces)
                        .all(|(word, piece)| word.starts_with(piece.as_str()))
                });
            hit.then_some((i, entry.as_str()))
        })
    })
}

/// Whether some tag of these is one no word of the knowledge base recognises, and so
/// would be read by meaning if a text model were attached.
pub fn needs_meaning(kb: &Model, tags: &[String]) -> bool {
    !kb.ceo_tags.areas.is_empty()
        && tags
            .iter()
            .any(|t| !t.trim().is_empty() && known(kb, t).is_none())
}

/// The capability area one tag reads as (by index), the same way [`read`] reads it.
pub fn area(kb: &KnowledgeBase, tag: &str) -> Option<usize> {
    if tag.trim().is_empty() {
        return None;
    }
    match known(kb, tag) {
        Some((area, _)) => area,
        None => kb
            .reader()
            .filter(|_| !kb.ceo_tags.areas.is_empty())
            .and_then(|r| r.read_tags(kb, &[tag.trim()]).pop().flatten())
            .and_then(|g| g.area),
    }
}

/// How every tag reads, strengths first, and the areas they name as bits of the
/// knowledge base's condition layout.
pub fn read(kb: &KnowledgeBase, strengths: &[String], gaps: &[String]) -> (Vec<CeoTag>, TagAreas) {
    let tags: Vec<(TagKind, &str)> = strengths
        .iter()
        .map(|t| (TagKind::Strength, t.as_str()))
        .chain(gaps.iter().map(|t| (TagKind::Gap, t.as_str())))
        .filter(|(_, t)| !t.trim().is_empty())
        .collect();
    let words: Vec<Option<(Option<usize>, TagRead)>> =
        tags.iter().map(|(_, t)| known(kb, t)).collect();
    // Only the tags no word recognises are read by meaning, all in one call.
    let unmatched: Vec<&str> = tags
        .iter()
        .zip(&words)
        .filter(|(_, w)| w.is_none())
        .map(|((_, t), _)| t.trim())
        .collect();
    let mut guesses = match kb.reader() {
        Some(r) if !unmatched.is_empty() && !kb.ceo_tags.areas.is_empty() => {
            r.read_tags(kb, &unmatched)
        }
        _ => Vec::new(),
    }
    .into_iter();
    let layout = &kb.conditions().layout;
    let mut areas = TagAreas::default();
    let mut out = Vec::with_capacity(tags.len());
    for ((kind, tag), word) in tags.into_iter().zip(words) {
        let (area, read) = match (word, kb.reader()) {
            (Some((area, read)), _) => (area, read),
            (None, Some(r)) => match guesses.next().flatten() {
                Some(g) => (
                    g.area,
                    TagRead::Meaning {
                        exemplar: r.index.examples()[g.exemplar].text.clone(),
                        similarity: three(g.similarity),
                    },
                ),
                None => (None, TagRead::Unmatched),
            },
            (None, None) => (None, TagRead::Unmatched),
        };
        if let Some(i) = area {
            let bit = layout.ceo_area_bit(i);
            match kind {
                TagKind::Strength => areas.strengths |= bit,
                TagKind::Gap => areas.gaps |= bit,
            }
        }
        out.push(CeoTag {
            tag: tag.trim().to_string(),
            kind,
            area: area.map(|i| kb.ceo_tags.areas[i].id.clone()),
            read,
        });
    }
    (out, areas)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn area_of(kb: &KnowledgeBase, tag: &str) -> Option<String> {
        by_words(kb, tag).map(|(i, _)| kb.ceo_tags.areas[i].id.clone())
    }

    #[test]
    fn words_match_at_the_start_of_words_only() {
        let kb = KnowledgeBase::default_kb();
        assert_eq!(area_of(&kb, "Operations").as_deref(), Some("operations"));
        assert_eq!(
            area_of(&kb, "strategic planning").as_deref(),
            Some("strategy")
        );
        assert_eq!(area_of(&kb, "cash flow").as_deref(), Some("finance"));
        // "cooperation" contains "operation" but does not start with it.
        assert_ne!(
            area_of(&kb, "cooperation with partners").as_deref(),
            Some("operations")
        );
        // Marketing is not strategy.
        assert_eq!(area_of(&kb, "marketing"), None);
        assert_eq!(area_of(&kb, "   "), None);
    }

    #[test]
    fn tags_read_without_a_model_name_their_word_and_set_their_bits() {
        let kb = KnowledgeBase::default_kb();
        let (tags, areas) = read(
            &kb,
            &["Visionary leader".into(), "".into()],
            &["cash flow".into(), "juggling flaming torches".into()],
        );
        assert_eq!(tags.len(), 3, "the empty tag is skipped");
        assert_eq!(tags[0].kind, TagKind::Strength);
        assert_eq!(tags[0].area.as_deref(), Some("strategy"));
        assert!(matches!(tags[0].read, TagRead::Words { .. }));
        assert_eq!(tags[2].read, TagRead::Unmatched);
        assert_eq!(tags[2].area, None);
        let idx = |id: &str| {
            kb.ceo_tags
                .areas
                .iter()
                .position(|a| a.id == id)
                .expect("a default area")
        };
        assert_eq!(areas.strengths, 1 << idx("strategy"));
        assert_eq!(areas.gaps, 1 << idx("finance"));
    }
}
