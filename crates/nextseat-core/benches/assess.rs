//! One in-process assessment of the shipped example profile.
#![allow(missing_docs)]

use criterion::{Criterion, criterion_group, criterion_main};
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
    c.bench_function("load_default_kb", |b| {
        b.iter(|| KnowledgeBase::parse(black_box(nextseat_core::kb::DEFAULT_KB)).is_ok())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
