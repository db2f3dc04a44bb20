//! An ownership CSV: `ownership::parse_csv`, then `ownership::audit` and an assessment
//! with the audit's signs.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    nextseat_fuzz::ownership_csv(data);
});
