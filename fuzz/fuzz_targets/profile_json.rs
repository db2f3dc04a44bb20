//! A profile in JSON: `Profile::parse`, then `assess` when it parses.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    nextseat_fuzz::profile(data, nextseat_core::Format::Json);
});
