//! One in-process assessment of the shipped example profile.
#![allow(missing_docs)]

use criterion::{Criterion, criterion_group, criterion_main};
use nextseat_core::engine::Assessor;
use nextseat_core::{Format, KnowledgeBase, Profile, assess};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let kb = KnowledgeBase::default_kb();
    let src = include_str!("../../../examples/acme-logistics.toml");
    let profile = match Profile::parse(src, Format::Toml, &kb) {
        Ok(p) => p,
        Err(e) => panic!("example profile invalid: {e}"),
    };
    c.bench_function("assess_example_profile", |b| {
        b.iter(|| assess(black_box(&kb), black_box(&profile)))
    });
    c.bench_function("parse_and_assess_example_profile", |b| {
        b.iter(|| {
            Profile::parse(black_box(src), Format::Toml, &kb)
                .map(|p| assess(&kb, &p))
                .is_ok()
        })
    });
    // A 2,000-word narrative built from the evaluation set's sentences.
    let eval = include_str!("../../../kb/eval/narrative.toml");
    let sentences: Vec<&str> = eval
        .lines()
        .filter_map(|l| l.strip_prefix("text = \""))
        .filter_map(|l| l.strip_suffix('"'))
        .collect();
    let mut narrative = String::new();
    let mut i = 0;
    while narrative.split_whitespace().count() < 2000 {
        narrative.push_str(sentences[i % sentences.len()]);
        narrative.push(' ');
        i += 1;
    }
    let _ = kb.diagnose("warm up the matcher");
    c.bench_function("diagnose_2000_word_narrative", |b| {
        b.iter(|| kb.diagnose(black_box(&narrative)))
    });
    let csv = include_str!("../../../examples/acme-ownership.csv");
    let rows = match nextseat_core::ownership::parse_csv(csv, &kb) {
        Ok(r) => r,
        Err(e) => panic!("example CSV invalid: {e}"),
    };
    c.bench_function("ownership_audit_example", |b| {
        b.iter(|| nextseat_core::ownership::audit(&kb, black_box(&rows)))
    });
    // The pieces of one batch row, each on its own (a batch worker keeps its Assessor,
    // its profile and the matcher's word memo from row to row, as here).
    let header = nextseat_core::batch::INPUT_COLUMNS;
    let columns = match nextseat_core::batch::Columns::from_header(header) {
        Ok(c) => c,
        Err(e) => panic!("contract header invalid: {e}"),
    };
    let two_sentences = format!("{} {}", sentences[3], sentences[40]);
    let record: [&str; 17] = [
        "Company 17",
        "2500000",
        "35",
        "logistics",
        "high",
        "competitive",
        "rapid",
        "ceo",
        "2",
        "vision;sales",
        "operations;finance",
        "false",
        "false",
        "coo.firefighting;coo.missing_sops;coo.slipping_deliverables;impl.admin_backlog;cso.new_markets",
        "rapid_expansion;fundraising",
        "moderate",
        two_sentences.as_str(),
    ];
    let mut reused = Profile::with_employees(1);
    if let Err(e) = columns.fill(&mut reused, &record[..], &kb) {
        panic!("sample row invalid: {e}");
    }
    let row_profile = reused.clone();
    c.bench_function("batch_row_to_profile", |b| {
        b.iter(|| {
            columns
                .fill(&mut reused, black_box(&record[..]), &kb)
                .is_ok()
        })
    });
    let mut assessor = Assessor::new(&kb);
    let mut no_narrative = row_profile.clone();
    no_narrative.situation.narrative = None;
    c.bench_function("summary_without_narrative", |b| {
        b.iter(|| assessor.summary(black_box(&no_narrative)).primary)
    });
    c.bench_function("summary_with_two_sentence_narrative", |b| {
        b.iter(|| assessor.summary(black_box(&row_profile)).primary)
    });
    let mut scratch = nextseat_core::text::narrative::Scratch::default();
    c.bench_function("scan_two_sentence_narrative", |b| {
        b.iter(|| {
            kb.matcher()
                .scan(&mut scratch, black_box(&two_sentences))
                .len()
        })
    });
    c.bench_function("load_default_kb", |b| {
        b.iter(|| KnowledgeBase::parse(black_box(nextseat_core::kb::DEFAULT_KB)).is_ok())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
