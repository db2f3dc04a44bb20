//! Golden scenarios: every `kb/scenarios/*.toml` is a profile with the verdicts, roadmap,
//! archetype and evidence the default knowledge base must produce. Adding a case is
//! adding a file.
#![allow(missing_docs)]

use nextseat_core::scenario::Scenario;
use nextseat_core::{KnowledgeBase, assess};
use std::path::Path;

#[test]
fn golden_scenarios() {
    let kb = KnowledgeBase::default_kb();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../kb/scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("kb/scenarios exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 10,
        "expected the scenario suite, found {}",
        files.len()
    );
    let mut failures = Vec::new();
    for f in &files {
        let src = std::fs::read_to_string(f).expect("readable");
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match Scenario::parse(&src, &kb) {
            Err(e) => failures.push(format!("{name}: invalid scenario: {e}")),
            Ok(s) => {
                let a = assess(&kb, &s.profile);
                for p in s.check(&a) {
                    failures.push(format!("{name}: {p}"));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn scenario_suite_covers_every_sign_event_archetype_and_band() {
    let kb = KnowledgeBase::default_kb();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../kb/scenarios");
    let mut signs = std::collections::BTreeSet::new();
    let mut events = std::collections::BTreeSet::new();
    let mut archetypes = std::collections::BTreeSet::new();
    let mut bands = std::collections::BTreeSet::new();
    let mut filled = false;
    for e in std::fs::read_dir(&dir).expect("dir").filter_map(|e| e.ok()) {
        let src = std::fs::read_to_string(e.path()).expect("readable");
        let Ok(s) = Scenario::parse(&src, &kb) else {
            continue;
        };
        signs.extend(s.profile.situation.signs.iter().cloned());
        events.extend(s.profile.situation.events.iter().cloned());
        if let Some(a) = &s.expect.archetype {
            archetypes.insert(a.clone());
        }
        let a = assess(&kb, &s.profile);
        bands.insert(a.company.revenue_band.clone());
        filled |= s.profile.leadership.current_roles.len() > 1;
    }
    for s in &kb.signs {
        assert!(
            signs.contains(&s.id),
            "no scenario declares the sign {}",
            s.id
        );
    }
    for e in &kb.events {
        assert!(
            events.contains(&e.id),
            "no scenario declares the event {}",
            e.id
        );
    }
    for a in &kb.archetypes {
        assert!(
            archetypes.contains(&a.id),
            "no scenario expects the archetype {}",
            a.id
        );
    }
    for b in &kb.revenue_bands {
        assert!(
            bands.contains(&b.id),
            "no scenario is in the revenue band {}",
            b.id
        );
    }
    assert!(bands.contains("unknown"), "no scenario without revenue");
    assert!(filled, "no scenario with a filled seat");
}
