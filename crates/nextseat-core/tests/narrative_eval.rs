//! The phrase matcher (no text model in the domain crate's tests) against the set its
//! phrases were tuned on, `kb/eval/narrative.toml`: a floor that catches a phrase list
//! broken by an edit (fails below 0.9 precision or 0.85 recall). It measures fit, not
//! quality; the blind sets in `kb/eval/blind/` measure quality (BENCHMARKS.md).
#![allow(missing_docs)]

use nextseat_core::KnowledgeBase;
use nextseat_core::text::eval::EvalSet;
use std::path::Path;

#[test]
fn narrative_precision_and_recall_meet_the_bar() {
    let kb = KnowledgeBase::default_kb();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../kb/eval/narrative.toml");
    let src = std::fs::read_to_string(&path).expect("kb/eval/narrative.toml exists");
    let set = match EvalSet::parse(&src, &kb) {
        Ok(s) => s,
        Err(e) => panic!("invalid evaluation set: {e}"),
    };
    let signs = |c: &nextseat_core::text::eval::EvalCase| c.signs.clone().unwrap_or_default();
    assert!(set.cases.iter().filter(|c| !signs(c).is_empty()).count() >= 80);
    assert!(set.cases.iter().filter(|c| signs(c).is_empty()).count() >= 25);
    for s in &kb.signs {
        assert!(
            set.cases.iter().any(|c| signs(c).contains(&s.id)),
            "no evaluation case for {}",
            s.id
        );
    }
    let r = set.evaluate(&kb);
    let misses: Vec<String> = r.misses.iter().map(ToString::to_string).collect();
    eprintln!("narrative eval: {r}");
    assert!(
        r.precision >= 0.9 && r.recall >= 0.85,
        "precision {:.3} (need 0.9), recall {:.3} (need 0.85); misses:\n{}",
        r.precision,
        r.recall,
        misses.join("\n")
    );
}

#[test]
fn negation_and_contrast_do_not_fire() {
    let kb = KnowledgeBase::default_kb();
    for text in [
        "Deliverables are never late.",
        "We do not lack procedures.",
        "Unlike last year, handoffs are fine.",
        "Firefighting is a thing of the past for us.",
        "Our budget is under control.",
    ] {
        let d = kb.diagnose(text);
        assert!(d.signs.is_empty(), "{text:?} fired {:?}", d.signs);
    }
    for (text, sign) in [
        ("Orders keep going out late", "coo.slipping_deliverables"),
        ("we miss delivery dates", "coo.slipping_deliverables"),
        (
            "Nobody follows up with the warehouse team",
            "impl.cross_team_followup",
        ),
    ] {
        let d = kb.diagnose(text);
        assert!(
            d.signs.iter().any(|f| f.id == sign),
            "{text:?} should fire {sign}: {d:?}"
        );
        let f = d.signs.iter().find(|f| f.id == sign).expect("found");
        assert_eq!(
            &text[f.start..f.end],
            f.phrase,
            "the phrase is the input's own words"
        );
    }
}
