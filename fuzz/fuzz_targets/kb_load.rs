//! A knowledge base: `KnowledgeBase::parse`, then the engine on it when it loads.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    nextseat_fuzz::kb_load(data);
});
