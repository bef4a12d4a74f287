//! The SCC reader: the file's lines to byte pairs on frames, routed to the data channels'
//! decoders (see `channel.rs`), and the chosen channel's cues. See the module note in
//! `mod.rs`.

use super::channel::{Channel, Mode};
use super::{tables, COLUMNS};
use crate::captions::{Cue, Document, FrameRate, Input, ParseError, Timecode};

const HEADER: &str = "Scenarist_SCC V1.0";

/// The decoder for a whole SCC stream: the four channels and which one data goes to.
struct Decoder {
    channels: Vec<Channel>,
    current: usize,
    /// The last control pair, to ignore its repetition (§ 8.4).
    last_control: Option<(u8, u8)>,
    bad_parity: usize,
    text_mode: bool,
}

impl Decoder {
    fn pair(&mut self, frame: i64, hi: u8, lo: u8) {
        let parity_ok = |b: u8| b.count_ones() % 2 == 1;
        let (b1, b2) = (hi & 0x7F, lo & 0x7F);
        let (ok1, ok2) = (parity_ok(hi), parity_ok(lo));
        self.bad_parity += usize::from(!ok1) + usize::from(!ok2);
        if (0x10..=0x1F).contains(&b1) {
            if !(ok1 && ok2) {
                self.last_control = None;
                return;
            }
            if self.last_control == Some((b1, b2)) {
                self.last_control = None;
                return;
            }
            self.last_control = Some((b1, b2));
            self.control(frame, b1, b2);
            return;
        }
        self.last_control = None;
        if b1 < 0x10 && b1 != 0 {
            // XDS and undefined codes: not caption data in field 1.
            return;
        }
        for (b, ok) in [(b1, ok1), (b2, ok2)] {
            if b >= 0x20 {
                let b = if ok { b } else { 0x7F };
                if let Some(ch) = self.channels.get_mut(self.current) {
                    self.text_mode |= ch.mode == Mode::Text;
                    ch.text(frame, b);
                }
            }
        }
    }

    fn control(&mut self, frame: i64, b1: u8, b2: u8) {
        let second = usize::from(b1 & 0x08 != 0);
        let code = b1 & 0xF7;
        // Field-2 miscellaneous codes (15xx/1Dxx) select CC3/CC4; the others keep the field.
        let field = match (code, b2) {
            (0x14, 0x20..=0x2F) => 0,
            (0x15, 0x20..=0x2F) => 2,
            _ => self.current & 2,
        };
        self.current = field + second;
        let Some(ch) = self.channels.get_mut(self.current) else {
            return;
        };
        match (code, b2) {
            (0x14 | 0x15, 0x20..=0x2F) => ch.misc(frame, b2),
            (0x17, 0x21..=0x23) if ch.ready() => {
                ch.col = (ch.col + usize::from(b2 - 0x20)).min(COLUMNS - 1);
            }
            (0x11, 0x20..=0x2F) => ch.mid_row(frame, b2),
            (0x11, 0x30..=0x3F) => {
                let c = tables::SPECIAL[usize::from(b2 - 0x30)];
                let style = ch.style;
                ch.put(frame, c, style, false);
            }
            (0x12 | 0x13, 0x20..=0x3F) => {
                let table = if code == 0x12 {
                    &tables::EXTENDED_12
                } else {
                    &tables::EXTENDED_13
                };
                let c = table[usize::from(b2 - 0x20)];
                let style = ch.style;
                ch.put(frame, c, style, true);
            }
            (0x10..=0x17, 0x40..=0x7F) => {
                let low = b2 & 0x20 != 0;
                let row = match (code, low) {
                    (0x11, false) => 1,
                    (0x11, true) => 2,
                    (0x12, false) => 3,
                    (0x12, true) => 4,
                    (0x15, false) => 5,
                    (0x15, true) => 6,
                    (0x16, false) => 7,
                    (0x16, true) => 8,
                    (0x17, false) => 9,
                    (0x17, true) => 10,
                    (0x10, false) => 11,
                    (0x13, false) => 12,
                    (0x13, true) => 13,
                    (0x14, false) => 14,
                    (0x14, true) => 15,
                    // 10 60..10 7F are not assigned.
                    _ => return,
                };
                ch.pac(frame, row - 1, b2 & 0x1F);
            }
            // Background and other optional attributes (10 2x, 17 2D-2F) are not shown.
            _ => {}
        }
    }
}

/// The channel the `channel` option names; `None` for auto.
fn chosen_channel(option: &str) -> Option<usize> {
    match option {
        "ch01" => Some(0),
        "ch02" => Some(1),
        "ch03" => Some(2),
        "ch04" => Some(3),
        _ => None,
    }
}

fn at_line(line: usize, message: String) -> ParseError {
    ParseError::AtLine { line, message }
}

fn shorten(s: &str) -> String {
    let mut out: String = s.chars().take(60).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

fn hex_word(word: &str) -> Option<(u8, u8)> {
    if word.len() != 4 || !word.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let v = u16::from_str_radix(word, 16).ok()?;
    Some(((v >> 8) as u8, (v & 0xFF) as u8))
}

pub(super) fn read(input: &Input<'_>) -> Result<Document, ParseError> {
    let chosen = chosen_channel(input.options.get("channel"));
    let mut decoder = Decoder {
        channels: (0..4)
            .map(|i| Channel::new(chosen.is_none_or(|c| c == i)))
            .collect(),
        current: 0,
        last_control: None,
        bad_parity: 0,
        text_mode: false,
    };
    let mut lines = input
        .text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            (
                i + 1,
                l.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}'),
            )
        })
        .filter(|(_, l)| !l.is_empty());
    match lines.next() {
        Some((_, first)) if first.starts_with(HEADER) => {}
        Some((n, first)) => {
            return Err(at_line(
                n,
                format!(
                    "expected the header \"{HEADER}\"; found {:?}, so this is not an SCC file",
                    shorten(first)
                ),
            ))
        }
        None => return Err(ParseError::Empty),
    }
    let mut file_rate = None;
    let mut skipped_labels = 0usize;
    let mut previous: Option<(usize, i64, Timecode)> = None;
    let mut last_frame = 0i64;
    for (n, line) in lines {
        let (tc_text, words) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let expected = || {
            at_line(
                n,
                format!(
                    "expected a timecode like 00:00:01;00 then a tab and hex words like 9420, found {:?}",
                    shorten(line)
                ),
            )
        };
        let tc = Timecode::parse(tc_text).ok_or_else(expected)?;
        let rate = if input.frame_rate_given {
            input.frame_rate
        } else {
            FrameRate {
                drop: tc.drop,
                ..FrameRate::NTSC_DF
            }
        };
        file_rate.get_or_insert(rate);
        let frame = match rate.label_to_frames(tc) {
            Some(f) => f,
            None if tc.frames < rate.nominal() && tc.seconds < 60 && tc.minutes < 60 => {
                // A drop-frame label that does not exist (00:01:00;00): the next one does.
                skipped_labels += 1;
                rate.label_to_frames(Timecode { frames: 2, ..tc }).unwrap_or(0)
            }
            None => {
                return Err(at_line(
                    n,
                    format!(
                    "the timecode {tc_text} is not a {} timecode: minutes and seconds go to 59, frames to {}",
                    rate.name(),
                    rate.nominal() - 1
                ),
                ))
            }
        };
        if let Some((prev_line, prev_frame, prev_tc)) = previous {
            if frame < prev_frame {
                return Err(at_line(
                    n,
                    format!("the timecode {tc} is earlier than {prev_tc} on line {prev_line}; SCC lines must be in time order"),
                ));
            }
        }
        previous = Some((n, frame, tc));
        if words.trim().is_empty() {
            return Err(expected());
        }
        for (i, word) in words.split_whitespace().enumerate() {
            let Some((hi, lo)) = hex_word(word) else {
                return Err(at_line(
                    n,
                    format!(
                        "expected hex words of four digits like 9420 after the timecode, found {:?} (word {})",
                        shorten(word),
                        i + 1
                    ),
                ));
            };
            let at = frame + i as i64;
            decoder.pair(at, hi, lo);
            last_frame = last_frame.max(at);
        }
    }
    finish(decoder, chosen, file_rate, input, skipped_labels, last_frame)
}

fn finish(
    mut decoder: Decoder,
    chosen: Option<usize>,
    file_rate: Option<FrameRate>,
    input: &Input<'_>,
    skipped_labels: usize,
    last_frame: i64,
) -> Result<Document, ParseError> {
    let rate = file_rate.unwrap_or(input.frame_rate);
    // A caption still on screen at the end of the data stays two seconds at least.
    let end_frame = last_frame + 1;
    let mut unended = [false; 4];
    for (i, ch) in decoder.channels.iter_mut().enumerate() {
        let end = match ch.open {
            Some(start) if start + 2 * rate.nominal() > end_frame => {
                unended[i] = true;
                start + 2 * rate.nominal()
            }
            _ => end_frame,
        };
        ch.finish(end);
    }
    let name = |i: usize| format!("CC{}", i + 1);
    let shown: Vec<usize> = (0..4).filter(|&i| decoder.channels[i].seen).collect();
    let pick = match chosen {
        Some(c) => c,
        None => (0..4)
            .filter_map(|i| decoder.channels[i].cues.first().map(|c| (c.start, i)))
            .min()
            .map(|(_, i)| i)
            .ok_or(ParseError::Empty)?,
    };
    let cues = std::mem::take(&mut decoder.channels[pick].cues);
    if cues.is_empty() {
        if shown.is_empty() {
            return Err(ParseError::Empty);
        }
        let field_note = if pick >= 2 {
            " (SCC carries field 1 only; CC3 and CC4 are there only when a file uses the field-2 codes 15xx/1Dxx, and this one does not for that channel)"
        } else {
            ""
        };
        let others: Vec<String> = shown.iter().map(|&i| name(i)).collect();
        return Err(at_line(
            1,
            format!(
                "there are no captions on {}{field_note}; the file has captions on {}: choose channel auto or one of those",
                name(pick),
                others.join(", ")
            ),
        ));
    }
    let mut doc = Document {
        frame_rate: (!input.frame_rate_given).then_some(rate),
        ..Document::default()
    };
    doc.cues = cues
        .into_iter()
        .map(|c| Cue {
            id: None,
            start_ms: rate.frames_to_ms(c.start),
            end_ms: rate.frames_to_ms(c.end),
            lines: c.lines,
            placement: c.placement,
        })
        .collect();
    if chosen.is_none() {
        let others: Vec<String> = shown.iter().copied().filter(|&i| i != pick).map(name).collect();
        if !others.is_empty() {
            doc.warnings.push(format!(
                "read the captions on {}; the file also has captions on {} (choose with the decode option channel)",
                name(pick),
                others.join(", ")
            ));
        }
    }
    if decoder.bad_parity > 0 {
        doc.warnings.push(format!(
            "{} byte(s) had a parity error: control codes with one were ignored, characters shown as ■",
            decoder.bad_parity
        ));
    }
    if skipped_labels > 0 {
        doc.warnings.push(format!(
            "{skipped_labels} timecode(s) name a frame that drop-frame timecode skips (like 00:01:00;00); they were read as the next frame"
        ));
    }
    if unended[pick] {
        doc.warnings
            .push("the last caption is never cleared; it was given two seconds on screen".into());
    }
    if decoder.text_mode {
        doc.warnings
            .push("text-service data (after TR/RTD codes) is not captions and was skipped".into());
    }
    Ok(doc)
}
