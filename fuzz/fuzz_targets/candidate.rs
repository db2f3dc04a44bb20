//! A candidate file, read as TOML and as JSON: `fit::Candidate::parse`, then `fit::fit`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    nextseat_fuzz::candidate(data);
});
