//! Conversion benchmark: builds a caption file of N cues (100,000 by default, ≈ 9.5 MB of
//! SubRip), writes it in each input format to DIR, then times each conversion the engine
//! runs (decode, read, write: what a convert job does) on this thread, best of R runs, and
//! measures the conversion's peak heap with a counting allocator.
//!
//!     cargo run --release -p server --example bench_convert -- [--out DIR] [--cues N] [--runs R] [--all]
//!
//! Prints one JSON object per line (`tool`, `pair`, `input_bytes`, `seconds`, `mb_per_s`,
//! `peak_bytes`, `peak_ratio`); `scripts/bench-formats.sh` runs it beside the Python
//! converters. `--all` measures every readable → writable profile pair (issue 9's table).

#[path = "support/alloc.rs"]
mod alloc;

use alloc::{LIVE, PEAK};
use ccjobs::captions::{self, Cue, Document, Format};
use std::sync::atomic::Ordering;
use std::time::Instant;

/// The pairs the issue sets targets for, and the file each reads.
const PAIRS: [(&str, &str); 3] = [
    ("SubRip Video Subtitle Script", "WebVTT"),
    ("SubRip Video Subtitle Script", "Scenarist V1.0 (SCC)"),
    ("TTML", "SubRip Video Subtitle Script"),
];

fn short(profile: &str) -> &str {
    match profile {
        "SubRip Video Subtitle Script" => "SRT",
        "Scenarist V1.0 (SCC)" => "SCC",
        other => other,
    }
}

/// Deterministic words (xorshift), so every run and every tool reads the same file.
struct Words(u64);

impl Words {
    const LIST: [&'static str; 24] = [
        "the", "captain", "said", "we", "leave", "at", "dawn", "and", "nobody", "argued", "with", "her",
        "river", "was", "high", "after", "rain", "so", "they", "waited", "quietly", "on", "shore", "again",
    ];

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A line of about `len` characters.
    fn line(&mut self, len: usize) -> String {
        let mut line = String::new();
        while line.len() < len {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(Self::LIST[(self.next() % Self::LIST.len() as u64) as usize]);
        }
        line
    }
}

/// N two-line cues, 1–6 s long with short gaps; one in eight in italics.
fn document(cues: usize) -> Document {
    let mut words = Words(0x2545_f491_4f6c_dd1d);
    let mut at = 1000i64;
    let cues = (0..cues)
        .map(|i| {
            let start_ms = at;
            let end_ms = start_ms + 1000 + (words.next() % 5000) as i64;
            at = end_ms + (words.next() % 1500) as i64;
            let mut lines = vec![words.line(24), words.line(24)];
            if i % 8 == 0 {
                lines[1] = format!("<i>{}</i>", lines[1]);
            }
            Cue {
                start_ms,
                end_ms,
                lines,
                ..Cue::default()
            }
        })
        .collect();
    Document {
        cues,
        ..Document::default()
    }
}

fn format(profile: &str) -> anyhow::Result<&'static Format> {
    captions::format(profile).ok_or_else(|| anyhow::anyhow!("no profile {profile:?}"))
}

/// One conversion as a job runs it: seconds, and the heap's peak above what was live before.
fn convert(from: &Format, to: &Format, input: &[u8]) -> anyhow::Result<(f64, usize)> {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let started = Instant::now();
    let doc = captions::read_bytes(from, input)
        .ok_or_else(|| anyhow::anyhow!("{} cannot be read", from.profile))?
        .map_err(|e| anyhow::anyhow!("{}: {e}", from.profile))?;
    let written =
        captions::write_plain(to, &doc).ok_or_else(|| anyhow::anyhow!("{} cannot be written", to.profile))?;
    let seconds = started.elapsed().as_secs_f64();
    drop((doc, written));
    Ok((seconds, PEAK.load(Ordering::Relaxed) - before))
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let out = std::path::PathBuf::from(value("--out").unwrap_or_else(|| "target/bench-formats".into()));
    let cues: usize = value("--cues")
        .map(|s| s.replace('_', "").parse())
        .transpose()?
        .unwrap_or(100_000);
    let runs: usize = value("--runs").map(|s| s.parse()).transpose()?.unwrap_or(5);
    std::fs::create_dir_all(&out)?;

    let doc = document(cues);
    let mut inputs = Vec::new();
    for f in captions::FORMATS
        .iter()
        .filter(|f| f.read.is_some() && f.write.is_some())
    {
        let written = captions::write_plain(f, &doc).ok_or_else(|| anyhow::anyhow!("no writer"))?;
        let name = match f.profile {
            "TTML" => "input.ttml".to_string(),
            "DFXP" | "IMSC1.1 Text" => continue,
            _ => format!("input.{}", f.extension),
        };
        std::fs::write(out.join(&name), &written.bytes)?;
        inputs.push((f.profile, written.bytes));
    }
    let pairs: Vec<(&str, &str)> = if args.iter().any(|a| a == "--all") {
        let readable: Vec<&str> = inputs.iter().map(|(p, _)| *p).collect();
        let writable: Vec<&str> = captions::FORMATS
            .iter()
            .filter(|f| f.write.is_some())
            .map(|f| f.profile)
            .collect();
        readable
            .iter()
            .flat_map(|r| writable.iter().map(move |w| (*r, *w)))
            .collect()
    } else {
        PAIRS.to_vec()
    };
    for (from, to) in pairs {
        let Some((_, input)) = inputs.iter().find(|(p, _)| *p == from) else {
            eprintln!("skipped {from} -> {to}: no {from} input (its writer is missing)");
            continue;
        };
        let (from_f, to_f) = (format(from)?, format(to)?);
        let mut best = f64::INFINITY;
        let mut peak = 0;
        for _ in 0..runs.max(1) {
            let (seconds, p) = convert(from_f, to_f, input)?;
            best = best.min(seconds);
            peak = peak.max(p);
        }
        // The input is held throughout, so it counts towards the peak as a job's would.
        let peak_bytes = peak + input.len();
        println!(
            "{}",
            serde_json::json!({
                "tool": "ccjobs",
                "pair": format!("{}->{}", short(from), short(to)),
                "input_bytes": input.len(),
                "cues": cues,
                "seconds": (best * 10_000.0).round() / 10_000.0,
                "mb_per_s": ((input.len() as f64 / 1e6 / best) * 10.0).round() / 10.0,
                "peak_bytes": peak_bytes,
                "peak_ratio": ((peak_bytes as f64 / input.len() as f64) * 100.0).round() / 100.0,
            })
        );
    }
    Ok(())
}
