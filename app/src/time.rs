//! UTC timestamps as milliseconds since the Unix epoch, shown and parsed as RFC 3339.
//!
//! The store keeps plain integers (sortable, identical on SQLite and PostgreSQL); the API
//! speaks RFC 3339. The civil-date arithmetic is Howard Hinnant's `days_from_civil`
//! algorithm, which keeps this crate free of a date library in the WASM bundle.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A point in time, UTC, millisecond precision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

const MS_PER_DAY: i64 = 86_400_000;

/// Days since 1970-01-01 for a proleptic Gregorian date.
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The (year, month, day) of a day count since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

impl Timestamp {
    pub fn from_millis(ms: i64) -> Self {
        Self(ms)
    }

    pub fn millis(self) -> i64 {
        self.0
    }

    /// Midnight UTC of a `YYYY-MM-DD` date, as typed into a date input.
    pub fn parse_date(s: &str) -> Option<Self> {
        let mut parts = s.trim().splitn(3, '-');
        let year: i64 = parts.next()?.parse().ok()?;
        let month: u32 = parts.next()?.parse().ok()?;
        let day: u32 = parts.next()?.parse().ok()?;
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Self(days_from_civil(year, month, day) * MS_PER_DAY))
    }

    /// `2026-12-04T21:30:05.123Z`.
    pub fn to_rfc3339(self) -> String {
        String::from_utf8_lossy(&self.rfc3339_bytes()).into_owned()
    }

    /// [`Self::to_rfc3339`] without an allocation, for writers of many rows (the CSV
    /// export). Years outside 0000–9999 are clamped to them.
    pub fn rfc3339_bytes(self) -> [u8; 24] {
        let (date, ms_of_day) = (self.0.div_euclid(MS_PER_DAY), self.0.rem_euclid(MS_PER_DAY));
        let (y, m, d) = civil_from_days(date);
        let secs = ms_of_day / 1000;
        let mut out = *b"0000-00-00T00:00:00.000Z";
        let mut digits = |at: usize, width: usize, value: i64| {
            let mut v = value;
            for i in (at..at + width).rev() {
                out[i] = b'0' + (v % 10) as u8;
                v /= 10;
            }
        };
        digits(0, 4, y.clamp(0, 9999));
        digits(5, 2, i64::from(m));
        digits(8, 2, i64::from(d));
        digits(11, 2, secs / 3600);
        digits(14, 2, secs / 60 % 60);
        digits(17, 2, secs % 60);
        digits(20, 3, ms_of_day % 1000);
        out
    }

    /// `2026-12-04 21:30:05 UTC`: what the table shows before the browser localises it.
    pub fn to_display_utc(self) -> String {
        let s = self.to_rfc3339();
        format!("{} {} UTC", &s[..10], &s[11..19])
    }

    /// Parses RFC 3339 with a `Z` or numeric offset and optional fraction.
    pub fn parse_rfc3339(s: &str) -> Option<Self> {
        let s = s.trim();
        if s.len() < 20 || !s.is_char_boundary(10) {
            return None;
        }
        let date = Self::parse_date(&s[..10])?;
        let sep = s.as_bytes()[10];
        if sep != b'T' && sep != b't' && sep != b' ' {
            return None;
        }
        let rest = &s[11..];
        let num = |r: &str| r.parse::<i64>().ok();
        let (h, mi, sec) = (
            num(rest.get(0..2)?)?,
            num(rest.get(3..5)?)?,
            num(rest.get(6..8)?)?,
        );
        if h > 23 || mi > 59 || sec > 60 || rest.get(2..3)? != ":" || rest.get(5..6)? != ":" {
            return None;
        }
        let mut tail = &rest[8..];
        let mut frac_ms = 0;
        if let Some(f) = tail.strip_prefix('.') {
            let digits = f.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return None;
            }
            let padded = format!("{:0<3}", &f[..digits.min(3)]);
            frac_ms = num(&padded)?;
            tail = &f[digits..];
        }
        let offset_ms = match tail {
            "Z" | "z" => 0,
            t if t.len() == 6 && (t.starts_with('+') || t.starts_with('-')) => {
                let sign = if t.starts_with('-') { -1 } else { 1 };
                sign * (num(&t[1..3])? * 60 + num(&t[4..6])?) * 60_000
            }
            _ => return None,
        };
        Some(Self(
            date.0 + (h * 3600 + mi * 60 + sec) * 1000 + frac_ms - offset_ms,
        ))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

/// RFC 3339 in JSON; milliseconds in binary formats (the server functions' postcard),
/// which spares the browser bundle the date parser.
impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.serialize_str(&self.to_rfc3339())
        } else {
            s.serialize_i64(self.0)
        }
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if !d.is_human_readable() {
            return i64::deserialize(d).map(Self);
        }
        let s = String::deserialize(d)?;
        Self::parse_rfc3339(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("not an RFC 3339 timestamp: {s:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_round_trip() {
        for ms in [
            0,
            1_733_347_805_123,
            951_782_400_000,
            -86_400_000,
            4_102_444_799_999,
        ] {
            let t = Timestamp(ms);
            assert_eq!(Timestamp::parse_rfc3339(&t.to_rfc3339()), Some(t), "{t}");
        }
        assert_eq!(
            Timestamp(1_733_347_805_123).to_rfc3339(),
            "2024-12-04T21:30:05.123Z"
        );
        assert_eq!(
            Timestamp(951_782_400_000).to_rfc3339(),
            "2000-02-29T00:00:00.000Z"
        );
    }

    #[test]
    fn binary_formats_carry_milliseconds() {
        let t = Timestamp(1_733_347_805_123);
        let bytes = postcard::to_allocvec(&t).expect("encode");
        assert_eq!(postcard::from_bytes::<Timestamp>(&bytes).ok(), Some(t));
        assert_eq!(
            serde_json::to_string(&t).ok().as_deref(),
            Some("\"2024-12-04T21:30:05.123Z\"")
        );
    }

    #[test]
    fn parses_offsets_and_rejects_nonsense() {
        assert_eq!(
            Timestamp::parse_rfc3339("2024-12-04T22:30:05+01:00"),
            Timestamp::parse_rfc3339("2024-12-04T21:30:05Z")
        );
        for bad in [
            "2024-02-30T00:00:00Z",
            "2024-12-04",
            "yesterday",
            "2024-12-04T25:00:00Z",
        ] {
            assert_eq!(Timestamp::parse_rfc3339(bad), None, "{bad}");
        }
        assert_eq!(Timestamp::parse_date("2023-02-29"), None);
        assert_eq!(
            Timestamp::parse_date("2024-02-29").map(|t| t.0),
            Some(1_709_164_800_000)
        );
    }
}
