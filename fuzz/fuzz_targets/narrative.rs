//! A founder's narrative: `KnowledgeBase::diagnose`, then an assessment of a profile
//! holding it.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    nextseat_fuzz::narrative(data);
});
