//! The Scenarist V1.0 (SCC) reader (and the writers, and the round trip) on arbitrary bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    ccjobs::fuzzing::caption_file("Scenarist V1.0 (SCC)", data);
});
