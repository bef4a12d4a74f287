//! TTML time expressions (TTML2 §10.3.1) and the timing parameters that give them meaning
//! (§7.2.3 frame rate and multiplier, sub-frame rate, tick rate, time base, drop mode).
//!
//! `ttp:timeBase="media"` (the default): `hh:mm:ss:ff` is `hh:mm:ss` plus `ff` frames at
//! the effective frame rate (IMSC 1.1 §7 `#time-offset-with-frames`).
//! `ttp:timeBase="smpte"`: `hh:mm:ss:ff` is a SMPTE timecode label, counted at the effective
//! rate, with `ttp:dropMode="dropNTSC"` dropping labels as 29.97/59.94 drop-frame does
//! (`dropPAL` is read as non-drop). `ttp:timeBase="clock"`: times are read as media times
//! (a wall-clock offset from the document's begin), with a warning.

use super::super::FrameRate;

/// The most seconds a time may have: 99,999 hours, as the other formats allow.
pub(super) const MAX_SECONDS: f64 = 99_999.0 * 3600.0;

/// How a document's time expressions are read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Timing {
    /// Frames per second (`ttp:frameRate` × `ttp:frameRateMultiplier`).
    pub rate: f64,
    pub sub_frame_rate: f64,
    pub tick_rate: f64,
    /// `Some(rate)` when `ttp:timeBase="smpte"`: frame labels are timecodes at this rate.
    pub smpte: Option<FrameRate>,
}

impl Timing {
    /// Labels per second (30 at 29.97): the most a frames field may count.
    fn labels_per_second(&self) -> f64 {
        (self.rate - 1e-9).ceil().max(1.0)
    }
}

/// The accepted forms, for error messages.
pub(super) const FORMS: &str = "clock time (hh:mm:ss, hh:mm:ss.fff, hh:mm:ss:ff or hh:mm:ss:ff.s) \
or offset time (a number and a unit h, m, s, ms, f or t, e.g. 12.5s, 500ms, 75f, 9000t)";

/// Digits only (at most 12 of them), as a number.
fn digits(s: &str) -> Option<f64> {
    (!s.is_empty() && s.len() <= 12 && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse::<f64>().ok())
        .flatten()
}

/// `digits` or `digits.digits`.
fn decimal(s: &str) -> Option<f64> {
    match s.split_once('.') {
        Some((whole, frac)) => {
            digits(whole)?;
            (!frac.is_empty() && frac.bytes().all(|b| b.is_ascii_digit())).then_some(())?;
            s.parse::<f64>().ok()
        }
        None => digits(s),
    }
}

/// A time expression in seconds, or `None` if it is not one (or is past [`MAX_SECONDS`]).
pub(super) fn parse(text: &str, timing: &Timing) -> Option<f64> {
    let s = text.trim();
    let seconds = if s.contains(':') {
        clock(s, timing)?
    } else {
        offset(s, timing)?
    };
    (seconds.is_finite() && (0.0..=MAX_SECONDS).contains(&seconds)).then_some(seconds)
}

/// `hh:mm:ss`, `hh:mm:ss.fff`, `hh:mm:ss:ff`, `hh:mm:ss:ff.sub`.
fn clock(s: &str, timing: &Timing) -> Option<f64> {
    let mut parts = s.split(':');
    let (h, m, sec) = (parts.next()?, parts.next()?, parts.next()?);
    let frames = parts.next();
    if parts.next().is_some() || m.len() != 2 {
        return None;
    }
    let (h, m) = (digits(h)?, digits(m)?);
    if m >= 60.0 {
        return None;
    }
    let Some(frames) = frames else {
        // Seconds may carry a fraction.
        if sec.split('.').next().map(str::len) != Some(2) {
            return None;
        }
        let sec = decimal(sec)?;
        return (sec < 60.0).then_some(h * 3600.0 + m * 60.0 + sec);
    };
    if sec.len() != 2 {
        return None;
    }
    let sec = digits(sec)?;
    let (ff, sub) = match frames.split_once('.') {
        Some((ff, sub)) => (digits(ff)?, digits(sub)?),
        None => (digits(frames)?, 0.0),
    };
    if sec >= 60.0 || ff >= timing.labels_per_second() || sub >= timing.sub_frame_rate.max(1.0) {
        return None;
    }
    let sub_seconds = sub / (timing.sub_frame_rate * timing.rate);
    match timing.smpte {
        Some(rate) => {
            // A timecode label: frame-exact through the shared SMPTE arithmetic when the rate
            // is one ccjobs knows, else counted at the nominal label rate.
            let tc = super::super::Timecode {
                hours: h as i64,
                minutes: m as i64,
                seconds: sec as i64,
                frames: ff as i64,
                drop: rate.drop,
            };
            let frames = if (f64::from(rate.num) / f64::from(rate.den) - timing.rate).abs() < 1e-6 {
                rate.label_to_frames(tc)? as f64
            } else {
                ((h * 60.0 + m) * 60.0 + sec) * timing.labels_per_second() + ff
            };
            Some(frames / timing.rate + sub_seconds)
        }
        None => Some(h * 3600.0 + m * 60.0 + sec + ff / timing.rate + sub_seconds),
    }
}

/// A number with a metric: `12.5s`, `500ms`, `3h`, `2m`, `75f`, `9000t`.
fn offset(s: &str, timing: &Timing) -> Option<f64> {
    let split = s.find(|c: char| c.is_ascii_alphabetic())?;
    let (count, metric) = s.split_at(split);
    let count = decimal(count)?;
    Some(match metric {
        "h" => count * 3600.0,
        "m" => count * 60.0,
        "s" => count,
        "ms" => count / 1000.0,
        "f" => count / timing.rate,
        "t" => count / timing.tick_rate,
        _ => return None,
    })
}

/// Seconds to whole milliseconds (times in the model), within 0 and [`MAX_SECONDS`].
pub(super) fn to_ms(seconds: f64) -> i64 {
    (seconds.clamp(0.0, MAX_SECONDS) * 1000.0).round() as i64
}

/// How the writer puts times down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Style {
    /// `hh:mm:ss.fff`
    Clock,
    /// `hh:mm:ss:ff` in the media time base at this rate.
    Frames(FrameRate),
    /// `12.345s`
    Offset,
}

/// A time in milliseconds as the writer puts it down.
pub(super) fn format(ms: i64, style: Style) -> String {
    let ms = ms.max(0);
    match style {
        Style::Clock => super::super::clock(ms, '.'),
        Style::Offset => format!("{}.{:03}s", ms / 1000, ms % 1000),
        Style::Frames(rate) => {
            // Media time base: whole seconds, then the frame (at the effective rate) nearest
            // to the rest; a frame count that rounds up to a full second carries over.
            let fps = rate.nominal();
            let mut secs = ms / 1000;
            let rest = i128::from(ms % 1000) * i128::from(rate.num);
            let den = 1000 * i128::from(rate.den);
            let mut ff = ((rest + den / 2) / den) as i64;
            if ff >= fps || rate.frames_to_ms(ff) >= 1000 {
                secs += 1;
                ff = 0;
            }
            format!(
                "{:02}:{:02}:{:02}:{:02}",
                secs / 3600,
                secs / 60 % 60,
                secs % 60,
                ff
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MEDIA_30: Timing = Timing {
        rate: 30.0,
        sub_frame_rate: 1.0,
        tick_rate: 1.0,
        smpte: None,
    };

    #[test]
    fn clock_and_offset_times_read_as_ttml2_defines_them() {
        let t = &MEDIA_30;
        assert_eq!(parse("01:02:03", t), Some(3723.0));
        assert_eq!(parse("00:00:01.5", t), Some(1.5));
        assert_eq!(parse("100:00:00.250", t), Some(360_000.25));
        assert_eq!(parse("00:00:01:15", t), Some(1.5));
        assert_eq!(parse("12.5s", t), Some(12.5));
        assert_eq!(parse("500ms", t), Some(0.5));
        assert_eq!(parse("3h", t), Some(10_800.0));
        assert_eq!(parse("2m", t), Some(120.0));
        assert_eq!(parse("75f", t), Some(2.5));
        assert_eq!(parse(" 9t ", t), Some(9.0));
        for bad in [
            "",
            "1",
            "1.s",
            "00:60:00",
            "0:1:2",
            "00:00:01:30",
            "-1s",
            "12x",
            "1e3s",
            "wallclock(2020)",
        ] {
            assert_eq!(parse(bad, t), None, "{bad}");
        }
    }

    #[test]
    fn frames_are_written_in_the_media_time_base() {
        let ntsc = FrameRate::NTSC_DF;
        assert_eq!(format(1001, Style::Frames(ntsc)), "00:00:01:00");
        assert_eq!(format(1500, Style::Frames(ntsc)), "00:00:01:15");
        assert_eq!(format(1999, Style::Frames(ntsc)), "00:00:02:00");
        assert_eq!(format(3_723_040, Style::Offset), "3723.040s");
        assert_eq!(format(3_723_040, Style::Clock), "01:02:03.040");
    }
}
