//! What a caption file really is, from its first bytes: the EBU STL header, the SCC and
//! WebVTT signatures, an XML root element (`<tt>` for TTML, `<SAMI>`), or a SubRip or SBV
//! timing line. Used to tell a user whose source_profile does not match the file which
//! profile to use instead.

/// A file's detected format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detected {
    /// The profile to suggest.
    pub profile: &'static str,
    /// Other profiles that read the same files (TTML, DFXP and IMSC1.1 Text share a reader).
    pub also: &'static [&'static str],
    /// What gave it away, e.g. `TTML XML (root element <tt>)`.
    pub what: String,
}

impl Detected {
    /// True when `profile` reads files like this one.
    pub fn accepts(&self, profile: &str) -> bool {
        self.profile == profile || self.also.contains(&profile)
    }
}

const TTML_FAMILY: [&str; 3] = ["TTML", "DFXP", "IMSC1.1 Text"];

/// The format the bytes look like, or `None` if nothing is certain.
pub fn detect(bytes: &[u8]) -> Option<Detected> {
    if bytes.len() >= 1024 && bytes.get(3..6) == Some(b"STL") && bytes.get(8..11) == Some(b".01") {
        let dfc = String::from_utf8_lossy(&bytes[3..11]).into_owned();
        return Some(found(
            "EBU STL",
            &[],
            format!("an EBU STL file (disk format code {dfc})"),
        ));
    }
    let head = &bytes[..bytes.len().min(8192)];
    let text = head_text(head);
    let text = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    if text.starts_with("Scenarist_SCC") {
        let first = text.lines().next().unwrap_or("").trim();
        return Some(found(
            "Scenarist V1.0 (SCC)",
            &[],
            format!("a Scenarist SCC file (first line {first:?})"),
        ));
    }
    if text.starts_with("WEBVTT") {
        return Some(found(
            "WebVTT",
            &[],
            "a WebVTT file (first line \"WEBVTT\")".into(),
        ));
    }
    if text.starts_with('<') {
        if let Some(root) = root_element(text) {
            let local = root.rsplit(':').next().unwrap_or(root);
            if local == "tt" {
                let profile = if text.contains("http://www.w3.org/2006/10/ttaf1")
                    || text.contains("http://www.w3.org/2006/04/ttaf1")
                {
                    "DFXP"
                } else if text.contains("imsc1") {
                    "IMSC1.1 Text"
                } else {
                    "TTML"
                };
                let also: &'static [&'static str] = &TTML_FAMILY;
                return Some(found(profile, also, format!("TTML XML (root element <{root}>)")));
            }
            if local.eq_ignore_ascii_case("sami") {
                return Some(found("SAMI", &[], format!("SAMI (root element <{root}>)")));
            }
            return None;
        }
    }
    for line in text.lines().take(50) {
        let line = line.trim();
        if line.contains("-->")
            && line
                .split("-->")
                .next()
                .is_some_and(|t| clock_like(t.trim(), &[',', '.']))
        {
            return Some(found(
                "SubRip Video Subtitle Script",
                &[],
                format!("SubRip (timing line {:?})", shorten(line)),
            ));
        }
        if let Some((a, b)) = line.split_once(',') {
            if clock_like(a, &['.']) && clock_like(b, &['.']) {
                return Some(found(
                    "YouTube SBV",
                    &[],
                    format!("YouTube SBV (timing line {:?})", shorten(line)),
                ));
            }
        }
    }
    None
}

fn found(profile: &'static str, also: &'static [&'static str], what: String) -> Detected {
    Detected { profile, also, what }
}

/// The start of the file as text: UTF-16 by its byte-order mark, else UTF-8 (lossy).
fn head_text(head: &[u8]) -> String {
    let utf16 = |unit: fn([u8; 2]) -> u16| {
        let units: Vec<u16> = head[2..].chunks_exact(2).map(|p| unit([p[0], p[1]])).collect();
        String::from_utf16_lossy(&units)
    };
    match head {
        [0xFF, 0xFE, ..] => utf16(u16::from_le_bytes),
        [0xFE, 0xFF, ..] => utf16(u16::from_be_bytes),
        _ => String::from_utf8_lossy(head).into_owned(),
    }
}

/// The name of the first element, skipping the XML declaration, comments and a DOCTYPE.
fn root_element(mut text: &str) -> Option<&str> {
    loop {
        text = text.trim_start();
        if let Some(rest) = text.strip_prefix("<?") {
            text = &rest[rest.find("?>")? + 2..];
        } else if let Some(rest) = text.strip_prefix("<!--") {
            text = &rest[rest.find("-->")? + 3..];
        } else if let Some(rest) = text.strip_prefix("<!") {
            text = &rest[rest.find('>')? + 1..];
        } else {
            let rest = text.strip_prefix('<')?;
            let end = rest.find(|c: char| c.is_whitespace() || c == '>' || c == '/')?;
            return Some(&rest[..end]).filter(|name| !name.is_empty());
        }
    }
}

/// `H:MM:SS` then one of `seps` and three digits.
fn clock_like(s: &str, seps: &[char]) -> bool {
    let Some((hms, ms)) = s.split_once(seps) else {
        return false;
    };
    let parts: Vec<&str> = hms.split(':').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        && ms.len() == 3
        && ms.bytes().all(|b| b.is_ascii_digit())
}

fn shorten(line: &str) -> String {
    line.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn what(bytes: &[u8]) -> Option<(&'static str, String)> {
        detect(bytes).map(|d| (d.profile, d.what))
    }

    #[test]
    fn names_the_format_and_the_evidence() {
        let ttml = br#"<?xml version="1.0" encoding="UTF-8"?>
<!-- made by hand -->
<tt xmlns="http://www.w3.org/ns/ttml" xml:lang="en"><body/></tt>"#;
        assert_eq!(what(ttml), Some(("TTML", "TTML XML (root element <tt>)".into())));
        let dfxp = br#"<tt:tt xmlns:tt="http://www.w3.org/2006/10/ttaf1">"#;
        assert_eq!(what(dfxp).map(|w| w.0), Some("DFXP"));
        assert!(detect(dfxp).is_some_and(|d| d.accepts("TTML") && !d.accepts("SAMI")));
        assert_eq!(
            what(b"Scenarist_SCC V1.0\r\n\r\n00:00:00;00\t9420 9420\r\n"),
            Some((
                "Scenarist V1.0 (SCC)",
                "a Scenarist SCC file (first line \"Scenarist_SCC V1.0\")".into()
            ))
        );
        assert_eq!(what(b"\xEF\xBB\xBFWEBVTT\n\n").map(|w| w.0), Some("WebVTT"));
        assert_eq!(what(b"<SAMI><HEAD>").map(|w| w.0), Some("SAMI"));
        assert_eq!(
            what(b"1\n00:00:01,000 --> 00:00:02,000\nHi\n").map(|w| w.0),
            Some("SubRip Video Subtitle Script")
        );
        assert_eq!(
            what(b"0:00:01.000,0:00:02.000\nHi\n").map(|w| w.0),
            Some("YouTube SBV")
        );
        let mut stl = b"850STL25.01".to_vec();
        stl.resize(1024 + 128, b' ');
        assert_eq!(
            what(&stl),
            Some(("EBU STL", "an EBU STL file (disk format code STL25.01)".into()))
        );
        assert_eq!(what(b"just some words"), None);
        assert_eq!(what(b"<html><body>"), None);
    }
}
