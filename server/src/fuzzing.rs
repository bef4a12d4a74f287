//! Fuzz target bodies, shared by the cargo-fuzz targets in `fuzz/` (coverage-guided, run
//! for minutes) and by a short stable run in `cargo test` (seeds plus mutations), so CI
//! exercises every target on every change.
//!
//! Each body must not panic, hang or allocate without bound on any input; where a reader
//! accepts a file, writing it back in the same format and reading that again must work.

use crate::captions;

/// The profiles that have a reader, each a fuzz target.
pub fn readers() -> impl Iterator<Item = &'static str> {
    captions::FORMATS
        .iter()
        .filter(|f| f.read.is_some())
        .map(|f| f.profile)
}

/// Decodes the bytes as a caption file would be, reads them as `profile`, and writes the
/// result in every format; a file read in a format must survive a round trip through it.
pub fn caption_file(profile: &str, data: &[u8]) {
    let Some(format) = captions::format(profile) else {
        panic!("no format {profile:?}");
    };
    let Some(Ok(document)) = captions::read_bytes(format, data) else {
        return;
    };
    for target in captions::FORMATS {
        if let Some(written) = captions::write_plain(target, &document) {
            // Linear, with room for SCC: a crafted file can toggle a full 15-row screen
            // every few bytes, and each showing is written out as whole captions.
            assert!(
                written.bytes.len() < 512 * data.len() + 4096,
                "{} output grew without bound",
                target.profile
            );
        }
    }
    if let Some(again) = captions::write_plain(format, &document) {
        let reread = match captions::read_bytes(format, &again.bytes) {
            Some(Ok(doc)) => doc,
            other => panic!(
                "{profile}: our own output does not read back ({:?}):\n{}",
                other.map(|r| r.err()),
                String::from_utf8_lossy(&again.bytes)
            ),
        };
        // SCC's writer splits a caption taller than 4 rows (or wider than a row once a style
        // change needs a column) into several; no writer may lose one.
        let kept = if profile == "Scenarist V1.0 (SCC)" {
            reread.cues.len() >= document.cues.len()
        } else {
            reread.cues.len() == document.cues.len()
        };
        assert!(
            kept,
            "{profile}: a round trip changed the number of cues from {} to {}:\n{}",
            document.cues.len(),
            reread.cues.len(),
            String::from_utf8_lossy(&again.bytes)
        );
    }
}

/// Parses the bytes as a Job Description (as `POST /jobs` does with its `config` field).
pub fn job_description(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(description) = app::description::JobDescription::parse(text) {
        // What parsed is kept verbatim and serialises again.
        assert_eq!(description.raw(), text);
        let _ = serde_json::to_string(description.value()).expect("a parsed value serialises");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    /// A small deterministic mutator (xorshift): flips, inserts, deletes and splices bytes.
    struct Mutator(u64);

    impl Mutator {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n.max(1) as u64) as usize
        }

        fn mutate(&mut self, seed: &[u8], seeds: &[&[u8]]) -> Vec<u8> {
            const INTERESTING: [&[u8]; 10] = [
                b"\n",
                b"\r\n",
                b"-->",
                b":",
                b",",
                b".",
                b"<",
                b"\xef\xbb\xbf",
                b"\xff\xfe",
                b"99999999999",
            ];
            let mut data = seed.to_vec();
            for _ in 0..=self.below(4) {
                let at = self.below(data.len() + 1);
                match self.below(5) {
                    0 if !data.is_empty() => {
                        let i = self.below(data.len());
                        data[i] ^= 1 << self.below(8);
                    }
                    1 => {
                        let piece = INTERESTING[self.below(INTERESTING.len())];
                        data.splice(at..at, piece.iter().copied());
                    }
                    2 if !data.is_empty() => {
                        let end = (at + self.below(16)).min(data.len());
                        data.drain(at..end);
                    }
                    3 => {
                        let other = seeds[self.below(seeds.len())];
                        let from = self.below(other.len());
                        let to = (from + self.below(64)).min(other.len());
                        data.splice(at..at, other[from..to].iter().copied());
                    }
                    _ => data.insert(at, self.next() as u8),
                }
            }
            data
        }
    }

    const SEEDS: [&[u8]; 10] = [
        include_bytes!("../tests/golden/scc/popon.scc"),
        include_bytes!("../tests/golden/ttml/nested.ttml"),
        include_bytes!("../tests/golden/sami/multilang.smi"),
        include_bytes!("../tests/golden/stl/teletext25.stl"),
        b"1\n00:00:01,000 --> 00:00:02,500\nHello <i>world</i>\n\n2\n00:00:03,000 --> 00:00:04,000\nTom & Jerry\n",
        b"WEBVTT\n\nNOTE hi\n\nintro\n00:01.000 --> 00:02.000 align:start\n<v Bob>Hi &amp; bye</v>\n\n00:00:03.000 --> 00:00:04.000\n<ruby>a<rt>b</rt></ruby>\n",
        b"0:00:01.000,0:00:02.500\nHello\n\n0:00:03.000,0:00:04.000\nworld\n",
        b"\xff\xfe1\x00\n\x00",
        b"{\"job_type\":\"convert\",\"source_profile\":\"WebVTT\",\"target_profile\":\"WebVTT\",\"default_frameRate\":29.97}",
        b"{\"job_type\":\"translate\",\"encode_options\":{\"a\":[1,2,{\"b\":null}]},\"x\":\"\\u00e9\"}",
    ];

    /// Runs a body on the seeds and then on mutations until the time is up.
    fn run_briefly(body: impl Fn(&[u8]), seconds: u64) -> usize {
        let mut mutator = Mutator(0x9e37_79b9_7f4a_7c15);
        let deadline = Instant::now() + Duration::from_secs(seconds);
        let mut runs = 0;
        for seed in SEEDS {
            body(seed);
        }
        while Instant::now() < deadline {
            let seed = SEEDS[mutator.below(SEEDS.len())];
            body(&mutator.mutate(seed, &SEEDS));
            runs += 1;
        }
        runs
    }

    #[test]
    fn every_reader_survives_a_short_fuzz_run() {
        for profile in readers() {
            let runs = run_briefly(|data| caption_file(profile, data), 2);
            assert!(runs > 1000, "{profile}: only {runs} inputs in 2 s");
        }
    }

    #[test]
    fn the_job_description_parser_survives_a_short_fuzz_run() {
        let runs = run_briefly(job_description, 2);
        assert!(runs > 1000, "only {runs} inputs in 2 s");
    }
}
