//! Frame rates and SMPTE timecode (SMPTE ST 12-1): frame-exact conversion between
//! milliseconds, frame counts and `HH:MM:SS:FF` labels, including 29.97 and 59.94
//! drop-frame, where the labels `:00` and `:01` (`:00`–`:03` at 59.94) are skipped at the
//! start of every minute except every tenth, so that the labels keep up with the clock.
//!
//! A timecode is a frame label, not a time: `00:01:00:00` non-drop at 29.97 is frame 1800,
//! 60.06 seconds into the programme. Milliseconds always mean real time.

use std::fmt;

/// A video frame rate, exact as a fraction, and whether its timecode drops frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameRate {
    pub num: u32,
    pub den: u32,
    pub drop: bool,
}

/// The rates ccjobs accepts, as users write them.
pub const RATES: [&str; 8] = ["23.976", "24", "25", "29.97", "30", "50", "59.94", "60"];

impl FrameRate {
    /// 29.97 drop-frame: NTSC broadcast, and the default when nothing says otherwise.
    pub const NTSC_DF: FrameRate = FrameRate {
        num: 30_000,
        den: 1001,
        drop: true,
    };

    /// Reads `23.976`, `24`, `25`, `29.97`, `30`, `50`, `59.94` or `60` (also `23.98`,
    /// `29.970`, a trailing `DF`/`NDF`). `drop` applies to 29.97 and 59.94 only; asking for
    /// drop-frame at another rate is an error.
    pub fn parse(text: &str, drop: bool) -> Result<FrameRate, String> {
        let mut t = text.trim().to_ascii_lowercase();
        let mut drop = drop;
        if let Some(rest) = t.strip_suffix("ndf") {
            drop = false;
            t = rest.trim().to_string();
        } else if let Some(rest) = t.strip_suffix("df") {
            drop = true;
            t = rest.trim().to_string();
        }
        let (num, den) = match t.as_str() {
            "23.976" | "23.98" | "23.97" => (24_000, 1001),
            "24" | "24.0" => (24, 1),
            "25" | "25.0" => (25, 1),
            "29.97" | "29.970" => (30_000, 1001),
            "30" | "30.0" => (30, 1),
            "50" | "50.0" => (50, 1),
            "59.94" => (60_000, 1001),
            "60" | "60.0" => (60, 1),
            _ => {
                return Err(format!(
                    "frame rate {text:?} is not supported; use one of {}",
                    RATES.join(", ")
                ))
            }
        };
        let drop = drop && den == 1001 && num != 24_000;
        Ok(FrameRate { num, den, drop })
    }

    /// Frames per second rounded up: the number of labels per second (24, 25, 30, 50, 60).
    pub fn nominal(self) -> i64 {
        (i64::from(self.num) + i64::from(self.den) - 1) / i64::from(self.den)
    }

    /// Labels dropped at each minute boundary that is not a multiple of ten.
    fn dropped_per_minute(self) -> i64 {
        if self.drop {
            self.nominal() / 15
        } else {
            0
        }
    }

    /// The start of frame `frames`, in milliseconds (rounded to the nearest).
    pub fn frames_to_ms(self, frames: i64) -> i64 {
        let num = i128::from(frames) * 1000 * i128::from(self.den);
        let den = i128::from(self.num);
        // Round half away from zero.
        let ms = if num >= 0 {
            (num + den / 2) / den
        } else {
            (num - den / 2) / den
        };
        ms as i64
    }

    /// The frame being shown at `ms` (nearest frame start, so a time written from a frame
    /// reads back as the same frame).
    pub fn ms_to_frames(self, ms: i64) -> i64 {
        let num = i128::from(ms) * i128::from(self.num);
        let den = 1000 * i128::from(self.den);
        let frames = if num >= 0 {
            (num + den / 2) / den
        } else {
            (num - den / 2) / den
        };
        frames as i64
    }

    /// The frame count of a timecode label. `None` if the frame field is past the rate, or
    /// the label is one drop-frame skips (e.g. `00:01:00;00`).
    pub fn label_to_frames(self, tc: Timecode) -> Option<i64> {
        let fps = self.nominal();
        if tc.frames >= fps || tc.minutes >= 60 || tc.seconds >= 60 {
            return None;
        }
        let drop = self.dropped_per_minute();
        if drop > 0 && tc.seconds == 0 && tc.frames < drop && tc.minutes % 10 != 0 {
            return None;
        }
        let total_minutes = tc.hours * 60 + tc.minutes;
        let labels = ((total_minutes * 60) + tc.seconds) * fps + tc.frames;
        Some(labels - drop * (total_minutes - total_minutes / 10))
    }

    /// The timecode label of a frame count (negative counts label as frame 0).
    pub fn frames_to_label(self, frames: i64) -> Timecode {
        let fps = self.nominal();
        let mut frames = frames.max(0);
        let drop = self.dropped_per_minute();
        if drop > 0 {
            let per_ten = fps * 600 - drop * 9;
            let per_minute = fps * 60 - drop;
            let tens = frames / per_ten;
            let rest = frames % per_ten;
            // The first minute of each ten keeps all its labels.
            let skipped = if rest < fps * 60 {
                0
            } else {
                drop * ((rest - fps * 60) / per_minute + 1)
            };
            frames += drop * 9 * tens + skipped;
        }
        Timecode {
            hours: frames / (fps * 3600),
            minutes: frames / (fps * 60) % 60,
            seconds: frames / fps % 60,
            frames: frames % fps,
            drop: self.drop,
        }
    }

    /// Milliseconds to the label of the frame shown then.
    pub fn ms_to_label(self, ms: i64) -> Timecode {
        self.frames_to_label(self.ms_to_frames(ms))
    }

    /// A label to the milliseconds its frame starts at.
    pub fn label_to_ms(self, tc: Timecode) -> Option<i64> {
        self.label_to_frames(tc).map(|f| self.frames_to_ms(f))
    }

    /// `23.976`, `29.97 DF`, `25` — how messages and the dashboard name the rate.
    pub fn name(self) -> String {
        let base = match (self.num, self.den) {
            (24_000, 1001) => "23.976".to_string(),
            (30_000, 1001) => "29.97".to_string(),
            (60_000, 1001) => "59.94".to_string(),
            (n, d) => format!("{}", f64::from(n) / f64::from(d)),
        };
        if self.drop {
            format!("{base} DF")
        } else {
            base
        }
    }
}

/// A SMPTE timecode label `HH:MM:SS:FF` (`;` before the frames when drop-frame).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timecode {
    pub hours: i64,
    pub minutes: i64,
    pub seconds: i64,
    pub frames: i64,
    pub drop: bool,
}

impl Timecode {
    /// Reads `HH:MM:SS:FF`, `HH:MM:SS;FF` or `HH;MM;SS;FF` (any `;` means drop-frame) and
    /// `HH:MM:SS.FF` as some tools write it. Fields must be digits; hours up to 99,999.
    pub fn parse(text: &str) -> Option<Timecode> {
        let t = text.trim();
        let fields: Vec<&str> = t.split([':', ';', '.']).collect();
        let [h, m, s, f] = fields.as_slice() else {
            return None;
        };
        let num = |p: &str| {
            (!p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()))
                .then(|| p.parse::<i64>().ok())
                .flatten()
        };
        Some(Timecode {
            hours: num(h)?,
            minutes: num(m)?,
            seconds: num(s)?,
            frames: num(f)?,
            drop: t.contains(';'),
        })
    }
}

impl fmt::Display for Timecode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sep = if self.drop { ';' } else { ':' };
        write!(
            f,
            "{:02}:{:02}:{:02}{sep}{:02}",
            self.hours, self.minutes, self.seconds, self.frames
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tc(text: &str) -> Timecode {
        Timecode::parse(text).expect("a timecode")
    }

    #[test]
    fn drop_frame_skips_two_labels_each_minute_but_the_tenth() {
        let df = FrameRate::NTSC_DF;
        // The last frame of minute 0 and the first of minute 1.
        assert_eq!(df.label_to_frames(tc("00:00:59;29")), Some(1799));
        assert_eq!(df.label_to_frames(tc("00:01:00;02")), Some(1800));
        assert_eq!(df.label_to_frames(tc("00:01:00;00")), None);
        assert_eq!(df.label_to_frames(tc("00:01:00;01")), None);
        assert_eq!(df.frames_to_label(1799).to_string(), "00:00:59;29");
        assert_eq!(df.frames_to_label(1800).to_string(), "00:01:00;02");
        // Minute 10 keeps its labels.
        assert_eq!(df.label_to_frames(tc("00:09:59;29")), Some(17_981));
        assert_eq!(df.label_to_frames(tc("00:10:00;00")), Some(17_982));
        assert_eq!(df.frames_to_label(17_982).to_string(), "00:10:00;00");
        assert_eq!(df.frames_to_label(17_981).to_string(), "00:09:59;29");
        assert_eq!(df.frames_to_label(17_982 + 1800).to_string(), "00:11:00;02");
        // One hour of drop-frame labels is 107,892 frames: 3,599.9964 s, within a frame of the clock.
        assert_eq!(df.label_to_frames(tc("01:00:00;00")), Some(107_892));
        assert_eq!(df.label_to_ms(tc("01:00:00;00")), Some(3_599_996));
    }

    #[test]
    fn every_frame_label_round_trips_over_two_hours() {
        for rate in ["29.97", "59.94"] {
            let df = FrameRate::parse(rate, true).expect("rate");
            let mut last = None;
            for frames in 0..(df.nominal() * 7300) {
                let label = df.frames_to_label(frames);
                assert_eq!(df.label_to_frames(label), Some(frames), "{rate} {label}");
                assert_ne!(Some(label), last);
                last = Some(label);
            }
        }
    }

    #[test]
    fn non_drop_labels_count_frames_not_seconds() {
        let ndf = FrameRate::parse("29.97", false).expect("rate");
        assert_eq!(ndf.label_to_frames(tc("00:01:00:00")), Some(1800));
        assert_eq!(ndf.label_to_ms(tc("00:01:00:00")), Some(60_060));
        let pal = FrameRate::parse("25", false).expect("rate");
        assert_eq!(pal.label_to_ms(tc("10:00:00:12")), Some(36_000_480));
        assert_eq!(pal.ms_to_label(36_000_480).to_string(), "10:00:00:12");
        assert_eq!(pal.label_to_frames(tc("00:00:00:25")), None);
        let film = FrameRate::parse("23.976", true).expect("rate");
        assert!(!film.drop, "23.976 has no drop-frame timecode");
        assert_eq!(film.label_to_ms(tc("00:00:01:00")), Some(1001));
    }

    #[test]
    fn milliseconds_land_on_the_nearest_frame_and_back() {
        for rate in RATES {
            let r = FrameRate::parse(rate, true).expect("rate");
            for frames in [0, 1, 29, 1799, 1800, 17_982, 107_892, 2_000_000] {
                assert_eq!(r.ms_to_frames(r.frames_to_ms(frames)), frames, "{rate}");
            }
        }
        assert_eq!(FrameRate::NTSC_DF.frames_to_ms(1), 33);
        assert_eq!(FrameRate::NTSC_DF.frames_to_ms(2), 67);
    }

    #[test]
    fn rates_are_named_and_bad_ones_refused() {
        assert_eq!(
            FrameRate::parse("29.97", true).map(FrameRate::name),
            Ok("29.97 DF".into())
        );
        assert_eq!(FrameRate::parse("25", true).map(FrameRate::name), Ok("25".into()));
        assert_eq!(FrameRate::parse("29.97 NDF", true).map(|r| r.drop), Ok(false));
        let err = FrameRate::parse("31", false).unwrap_err();
        assert!(
            err.contains("\"31\" is not supported") && err.contains("29.97"),
            "{err}"
        );
        assert_eq!(Timecode::parse("01:02:03:04x"), None);
        assert!(tc("01;02;03;04").drop);
    }
}
