//! The Job Description parser on arbitrary bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    ccjobs::fuzzing::job_description(data);
});
