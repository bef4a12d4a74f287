//! The EBU STL reader: the GSI block (Tech 3264 §4.2) and the TTI blocks (§4.3), with the
//! Text Field's control codes (§4.3 "TF", Appendix 2) turned into the model's inline tags.

use super::charset::Table;
use super::text_field::{decode_text, Text};
use super::{language_tag, GRID_ROWS, GSI_LEN, TTI_LEN};
use crate::captions::{Align, Cue, Document, FrameRate, Input, ParseError, Placement, Timecode};

fn at(offset: usize, message: impl Into<String>) -> ParseError {
    ParseError::AtByte {
        offset,
        message: message.into(),
    }
}

/// A field of ASCII digits as a number; `None` if it is blank or not all digits.
fn digits(field: &[u8]) -> Option<i64> {
    if field.is_empty() || !field.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(field.iter().fold(0, |n, d| n * 10 + i64::from(d - b'0')))
}

/// A field as text for messages, control bytes shown as `?`.
fn shown(field: &[u8]) -> String {
    field
        .iter()
        .map(|&b| {
            if b.is_ascii_graphic() || b == b' ' {
                char::from(b)
            } else {
                '?'
            }
        })
        .collect()
}

/// What the GSI block says that the TTI blocks need.
struct Gsi {
    /// The rate TCI/TCO are read at.
    rate: FrameRate,
    table: Table,
    /// Display Standard Code `0`: open subtitling, where VP counts MNR rows.
    open: bool,
    mnr: i64,
    tcp: Option<Timecode>,
    tnb: Option<i64>,
}

/// The rate a disk format code (`STLxx.01`) declares.
fn disk_format(dfc: &[u8], input: &Input<'_>, warnings: &mut Vec<String>) -> Result<FrameRate, ParseError> {
    let fps = match dfc {
        [b'S', b'T', b'L', tens, units, b'.', b'0', b'1'] => digits(&[*tens, *units]),
        _ => None,
    };
    let rate = |num, den| FrameRate {
        num,
        den,
        drop: false,
    };
    let declared = match fps {
        Some(25) => rate(25, 1),
        // STL30.01 is used for NTSC video: keep the job's 29.97 (drop or not) or 30 if
        // its default rate is one of those, else read 30 fps labels.
        Some(30) if input.frame_rate.nominal() == 30 => input.frame_rate,
        Some(30) => rate(30, 1),
        Some(n @ (23 | 24 | 29 | 50 | 59 | 60)) => {
            let declared = match n {
                23 => rate(24_000, 1001),
                24 => rate(24, 1),
                29 => rate(30_000, 1001),
                50 => rate(50, 1),
                59 => rate(60_000, 1001),
                _ => rate(60, 1),
            };
            warnings.push(format!(
                "the disk format code {} is not one EBU Tech 3264 defines (STL25.01, STL30.01); its time codes were read at {} fps",
                shown(dfc),
                declared.name()
            ));
            declared
        }
        _ => {
            return Err(at(
                3,
                format!(
                    "expected the disk format code STL25.01 or STL30.01 (DFC, bytes 3-10 of the GSI block), found {:?}; this is not an EBU STL file",
                    shown(dfc)
                ),
            ))
        }
    };
    Ok(declared)
}

fn parse_gsi(gsi: &[u8], input: &Input<'_>, doc: &mut Document) -> Result<Gsi, ParseError> {
    let field = |from: usize, len: usize| gsi.get(from..from + len).unwrap_or_default();
    let warnings = &mut doc.warnings;
    let cpn = field(0, 3);
    if !matches!(cpn, b"437" | b"850" | b"860" | b"863" | b"865") {
        warnings.push(format!(
            "the header's code page number (CPN) is {:?}, not one of 437, 850, 860, 863, 865; the header's text fields are not used, so nothing was lost",
            shown(cpn)
        ));
    }
    let declared = disk_format(field(3, 8), input, warnings)?;
    doc.frame_rate = Some(declared);
    let rate = if input.frame_rate_given {
        input.frame_rate
    } else {
        declared
    };
    let open = field(11, 1) == b"0";
    let cct = field(12, 2);
    let table = match Table::from_cct(cct) {
        Some(t) => t,
        None if cct.iter().all(|&b| b == b' ' || b == 0) => {
            warnings.push(
                "the character code table (CCT) is blank; the text was read as table 00 (Latin)".into(),
            );
            Table::Latin
        }
        None => {
            return Err(at(
                12,
                format!(
                    "expected a character code table (CCT) of 00, 01, 02, 03 or 04, found {:?}",
                    shown(cct)
                ),
            ))
        }
    };
    let lc = field(14, 2);
    doc.language = std::str::from_utf8(lc)
        .ok()
        .and_then(|lc| u8::from_str_radix(lc, 16).ok())
        .and_then(language_tag)
        .map(str::to_string);
    let mnr = digits(field(253, 2)).filter(|n| *n > 0).unwrap_or(GRID_ROWS);
    let tcp = field(256, 8);
    let pair = |i: usize| tcp.get(i..i + 2).and_then(digits).unwrap_or(0);
    let tcp = (digits(tcp).is_some()).then(|| Timecode {
        hours: pair(0),
        minutes: pair(2),
        seconds: pair(4),
        frames: pair(6),
        drop: rate.drop,
    });
    Ok(Gsi {
        rate,
        table,
        open,
        mnr,
        tcp,
        tnb: digits(field(238, 5)),
    })
}

/// One subtitle: its first TTI block's fields and the text of all its blocks.
struct Subtitle {
    offset: usize,
    sn: u16,
    block: [u8; 16],
    text: Vec<u8>,
}

pub(super) fn read(input: &Input<'_>) -> Result<Document, ParseError> {
    let bytes = input.bytes;
    let Some(gsi) = bytes.get(..GSI_LEN) else {
        return Err(at(
            bytes.len(),
            format!(
                "the file ends after {} bytes; an EBU STL file starts with a 1024-byte GSI block followed by 128-byte TTI blocks",
                bytes.len()
            ),
        ));
    };
    let mut doc = Document::default();
    let gsi = parse_gsi(gsi, input, &mut doc)?;
    let mut reader = Blocks {
        gsi: &gsi,
        doc: &mut doc,
        unknown_bytes: 0,
    };
    let mut current: Option<Subtitle> = None;
    let (mut comments, mut broken_chains, mut blocks) = (0usize, 0usize, 0i64);
    let mut offset = GSI_LEN;
    while offset < bytes.len() {
        let Some(block) = bytes.get(offset..offset + TTI_LEN) else {
            return Err(at(
                offset,
                format!(
                    "TTI block {} is cut short: {} of its 128 bytes are there; the file is truncated",
                    blocks + 1,
                    bytes.len() - offset
                ),
            ));
        };
        blocks += 1;
        let (sn, ebn, cf) = (u16::from_le_bytes([block[1], block[2]]), block[3], block[15]);
        let block_offset = offset;
        offset += TTI_LEN;
        // EBN F0h-FEh: user data blocks; CF 01h: a comment, not for display.
        if (0xF0..=0xFE).contains(&ebn) {
            continue;
        }
        if cf == 1 {
            comments += 1;
            continue;
        }
        match current.as_mut() {
            Some(sub) if sub.sn == sn => sub.text.extend_from_slice(&block[16..]),
            _ => {
                if let Some(sub) = current.take() {
                    broken_chains += 1;
                    reader.subtitle(sub)?;
                }
                let mut head = [0u8; 16];
                head.copy_from_slice(&block[..16]);
                current = Some(Subtitle {
                    offset: block_offset,
                    sn,
                    block: head,
                    text: block[16..].to_vec(),
                });
            }
        }
        if ebn == 0xFF {
            if let Some(sub) = current.take() {
                reader.subtitle(sub)?;
            }
        }
    }
    if let Some(sub) = current.take() {
        broken_chains += 1;
        reader.subtitle(sub)?;
    }
    let unknown = reader.unknown_bytes;
    let warnings = &mut doc.warnings;
    if comments > 0 {
        warnings.push(format!(
            "{comments} comment block(s) (CF = 1) were skipped: they are notes for the subtitler, not for display"
        ));
    }
    if broken_chains > 0 {
        warnings.push(format!(
            "{broken_chains} subtitle(s) had extension blocks without a last block (EBN FFh); the text found was kept"
        ));
    }
    if unknown > 0 {
        warnings.push(format!(
            "{unknown} byte(s) of text are not characters of code table {} and were shown as \u{fffd}",
            gsi.table.name()
        ));
    }
    if let Some(tnb) = gsi.tnb.filter(|n| *n != blocks) {
        warnings.push(format!(
            "the header says the file has {tnb} TTI blocks (TNB) but it has {blocks}; all {blocks} were read"
        ));
    }
    let Some(first) = doc.cues.first() else {
        return Err(ParseError::Empty);
    };
    if first.start_ms >= 3_600_000 {
        let first_tc = gsi.rate.ms_to_label(first.start_ms);
        let tcp = gsi
            .tcp
            .filter(|t| (t.hours, t.minutes, t.seconds, t.frames) != (0, 0, 0, 0))
            .map(|t| format!(" (the programme starts at {t}, TCP)"))
            .unwrap_or_default();
        doc.warnings.push(format!(
            "the first subtitle starts at {first_tc}{tcp}: EBU STL time codes are programme time code and were kept as they are; set the job's incode (e.g. \"auto\") to start the captions at zero"
        ));
    }
    Ok(doc)
}

/// Turns subtitles into cues.
struct Blocks<'a> {
    gsi: &'a Gsi,
    doc: &'a mut Document,
    unknown_bytes: usize,
}

impl Blocks<'_> {
    /// A TCI or TCO field (hours, minutes, seconds, frames as binary bytes) in milliseconds.
    fn time(&self, field: &[u8], offset: usize, name: &str) -> Result<i64, ParseError> {
        let rate = self.gsi.rate;
        let [h, m, s, f] = [0, 1, 2, 3].map(|i| i64::from(field.get(i).copied().unwrap_or(0)));
        let tc = Timecode {
            hours: h,
            minutes: m,
            seconds: s,
            frames: f,
            drop: rate.drop,
        };
        if h > 99 || m > 59 || s > 59 || f >= rate.nominal() {
            return Err(at(
                offset,
                format!(
                    "the {name} is {h:02}:{m:02}:{s:02}:{f:02}; expected hours, minutes (0-59), seconds (0-59) and frames (0-{}) as one binary byte each, at {} fps",
                    rate.nominal() - 1,
                    rate.name()
                ),
            ));
        }
        // A label drop-frame skips (…:00;00) is taken as the next frame that exists.
        let frames = rate
            .label_to_frames(tc)
            .or_else(|| {
                rate.label_to_frames(Timecode {
                    frames: rate.nominal() / 15,
                    ..tc
                })
            })
            .unwrap_or(0);
        Ok(rate.frames_to_ms(frames))
    }

    fn subtitle(&mut self, sub: Subtitle) -> Result<(), ParseError> {
        let head = sub.block;
        let start_ms = self.time(&head[5..9], sub.offset + 5, "time code in (TCI)")?;
        let end_ms = self.time(&head[9..13], sub.offset + 9, "time code out (TCO)")?;
        if end_ms < start_ms {
            return Err(at(
                sub.offset + 9,
                format!(
                    "subtitle {} ends (TCO {}) before it starts (TCI {})",
                    sub.sn,
                    self.gsi.rate.ms_to_label(end_ms),
                    self.gsi.rate.ms_to_label(start_ms)
                ),
            ));
        }
        let text = decode_text(&sub.text, self.gsi.table);
        self.unknown_bytes += text.unknown;
        if text.lines.is_empty() {
            return Ok(());
        }
        let placement = self.placement(head[13], head[14], &text);
        self.doc.cues.push(Cue {
            id: None,
            start_ms,
            end_ms,
            lines: text.lines,
            placement,
        });
        Ok(())
    }

    /// VP and JC to a placement. Teletext VP is a row 1-23; open subtitling VP counts
    /// rows of MNR. A subtitle whose last row reaches the bottom of the grid and that is
    /// centred is the model's default placement.
    fn placement(&self, vp: u8, jc: u8, text: &Text) -> Placement {
        let rows = if self.gsi.open { self.gsi.mnr } else { GRID_ROWS };
        let vp = i64::from(vp);
        let top_row = vp + text.first_row;
        let bottom_row = vp + text.last_row + i64::from(text.double_height);
        let top = (vp >= 1 && bottom_row < rows - 1)
            .then(|| (10.0 + (top_row - 1) as f32 * 80.0 / rows as f32).clamp(0.0, 100.0));
        let align = match jc {
            1 => Some(Align::Left),
            2 if top.is_some() => Some(Align::Center),
            3 => Some(Align::Right),
            _ => None,
        };
        Placement {
            top,
            align,
            ..Placement::default()
        }
    }
}
