//! A CSV batch file: header and rows as the batch command reads them, each row turned
//! into a profile and assessed.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    nextseat_fuzz::batch_csv(data);
});
