//! The SCC writer: every cue becomes a pop-on caption (CEA-608-E § 7.4.1) on CC1 or CC2.
//!
//! A caption is sent as RCL, ENM, then per row a preamble address code (row and indent,
//! § 6.3) with a tab offset for the last one to three columns, mid-row codes where the
//! attributes change (§ 6.2; each takes a column, so it goes where a space was when there
//! is one), and the characters (extended ones after their standard fallback, § 6.4.2),
//! then EOC. Every byte has odd parity and every control code is sent twice (§ 8.4). One
//! byte pair goes out per frame, and the loading is timed so that the first EOC falls on
//! the caption's first frame; EDM clears it on its end frame unless the next caption
//! appears by the frame after. When there is not enough time since the previous EOC to
//! send a caption, it goes out as soon as it can and appears late (a warning counts them).
//!
//! Rows: a cue without a vertical position ends on `bottom_row` (15 by default), centred;
//! with one, its first row is the one nearest `top` on the 608 grid (see `mod.rs`), and
//! columns follow `left`, `width` and `align`. A caption has at most four rows (§ 7.4.1
//! and common practice): lines are wrapped at spaces to `max_line_length` columns, and a
//! cue with more rows becomes consecutive captions sharing its time in proportion to
//! their text.

use super::schedule::{Caption, Out, Scheduler, Timing};
use super::styled::{self, Adapted, Glyph, Item, Wrapped};
use super::tables::Code;
use super::{with_parity, COLUMNS, ROWS};
use crate::captions::{Align, Document, Output, Placement, Written};

pub(super) const MISC: u8 = 0x14;
const RCL: u8 = 0x20;
pub(super) const EDM: u8 = 0x2C;
const ENM: u8 = 0x2E;
pub(super) const EOC: u8 = 0x2F;
const MAX_ROWS: usize = 4;

/// Byte pairs being built, with the channel bit for control codes (`0x08` for CC2).
struct Emitter {
    words: Vec<u16>,
    pending: Option<u8>,
    channel: u8,
}

pub(super) fn word(hi: u8, lo: u8) -> u16 {
    u16::from(with_parity(hi)) << 8 | u16::from(with_parity(lo))
}

impl Emitter {
    fn control(&mut self, b1: u8, b2: u8) {
        self.flush();
        let w = word(b1 | self.channel, b2);
        self.words.extend([w, w]);
    }

    fn byte(&mut self, b: u8) {
        match self.pending.take() {
            Some(first) => self.words.push(word(first, b)),
            None => self.pending = Some(b),
        }
    }

    fn flush(&mut self) {
        if let Some(first) = self.pending.take() {
            self.words.push(word(first, 0));
        }
    }
}

/// The preamble address code's first byte and second-byte base for a row (0-based).
const PAC_ROWS: [(u8, u8); ROWS] = [
    (0x11, 0x40),
    (0x11, 0x60),
    (0x12, 0x40),
    (0x12, 0x60),
    (0x15, 0x40),
    (0x15, 0x60),
    (0x16, 0x40),
    (0x16, 0x60),
    (0x17, 0x40),
    (0x17, 0x60),
    (0x10, 0x40),
    (0x13, 0x40),
    (0x13, 0x60),
    (0x14, 0x40),
    (0x14, 0x60),
];

/// The column a row of `len` columns starts at, from the cue's placement.
fn column(placement: &Placement, len: usize) -> usize {
    let to_col = |pc: f32| ((pc - 10.0) * COLUMNS as f32 / 80.0).round() as i64;
    let len_i = len as i64;
    let free = (COLUMNS as i64 - len_i).max(0);
    let col = match (placement.align, placement.left, placement.width) {
        (Some(Align::Left | Align::Start), Some(l), _) => to_col(l),
        (Some(Align::Left | Align::Start), None, _) => 0,
        (Some(Align::Right | Align::End), Some(l), Some(w)) => to_col(l + w) - len_i,
        (Some(Align::Right | Align::End), _, _) => free,
        (None, Some(l), None) => to_col(l),
        (_, Some(l), Some(w)) => (to_col(l) + to_col(l + w) - len_i).div_euclid(2),
        _ => free / 2,
    };
    col.clamp(0, free) as usize
}

/// The byte pairs that load one caption into non-displayed memory (without the EOC).
fn load(
    rows: &[Vec<Glyph>],
    placement: &Placement,
    bottom_row: usize,
    channel: u8,
    extra: &mut usize,
) -> Vec<u16> {
    let mut e = Emitter {
        words: Vec::with_capacity(8 + rows.iter().map(|r| r.len() + 8).sum::<usize>()),
        pending: None,
        channel,
    };
    let n = rows.len().clamp(1, ROWS);
    let last_first = (ROWS - n) as i64;
    let first_row = match placement.top {
        Some(top) if top.is_finite() => ((top - 10.0) * ROWS as f32 / 80.0).round() as i64,
        _ => bottom_row as i64 - n as i64,
    }
    .clamp(0, last_first) as usize;
    e.control(MISC, RCL);
    e.control(MISC, ENM);
    for (i, glyphs) in rows.iter().enumerate().take(ROWS) {
        let row = styled::layout(glyphs);
        *extra += row.extra;
        let (pac, base) = PAC_ROWS[(first_row + i).min(ROWS - 1)];
        let k = row.lead.len();
        let text_col = column(placement, row.items.len());
        if k == 0 || text_col >= k {
            let p = text_col - k;
            e.control(pac, base | 0x10 | (((p / 4) as u8) << 1));
            if !p.is_multiple_of(4) {
                e.control(0x17, 0x20 + (p % 4) as u8);
            }
            for &code in &row.lead {
                e.control(0x11, code);
            }
        } else {
            // Column 0: the preamble code itself sets the first attributes.
            e.control(pac, base | (row.lead[0] & 0x0F));
            for &code in &row.lead[1..] {
                e.control(0x11, code);
            }
        }
        for item in row.items {
            match item {
                Item::Glyph(Code::Standard(b)) => e.byte(b),
                Item::Glyph(Code::Special(b2)) => e.control(0x11, b2),
                Item::Glyph(Code::Extended(b1, b2, fallback)) => {
                    e.byte(fallback);
                    e.control(b1, b2);
                }
                Item::MidRow(code) => e.control(0x11, code),
            }
        }
        e.flush();
    }
    e.words
}

pub(super) fn write(doc: &Document, output: &Output<'_>) -> Written {
    let rate = output.frame_rate;
    let channel = if output.options.get("channel") == "ch02" {
        0x08
    } else {
        0x00
    };
    let width = usize::try_from(output.options.int("max_line_length"))
        .unwrap_or(COLUMNS)
        .clamp(1, COLUMNS);
    let bottom_row = usize::try_from(output.options.int("bottom_row"))
        .unwrap_or(ROWS)
        .clamp(MAX_ROWS, ROWS);
    let mut adapted = Adapted::default();
    let mut wrapped = Wrapped::default();
    let (mut split, mut parts, mut empty, mut extra) = (0usize, 0usize, 0usize, 0usize);
    let mut order: Vec<usize> = (0..doc.cues.len()).collect();
    order.sort_by_key(|&i| doc.cues[i].start_ms);
    let text_len: usize = doc.cues.iter().flat_map(|c| &c.lines).map(String::len).sum();
    let mut out = Out::new(rate, 64 + doc.cues.len() * 90 + text_len * 3);
    out.bytes.extend_from_slice(b"Scenarist_SCC V1.0\r\n");
    let mut scheduler = Scheduler::new(channel);
    for cue in order.into_iter().filter_map(|i| doc.cues.get(i)) {
        let rows: Vec<Vec<Glyph>> = cue
            .lines
            .iter()
            .flat_map(|line| styled::wrap(&styled::glyphs(line, &mut adapted), width, &mut wrapped))
            .collect();
        if rows.is_empty() {
            empty += 1;
            continue;
        }
        let start = rate.ms_to_frames(cue.start_ms).max(0);
        let end = rate.ms_to_frames(cue.end_ms).max(start);
        if rows.len() > MAX_ROWS {
            split += 1;
            parts += rows.len().div_ceil(MAX_ROWS);
        }
        let total: i64 = rows.iter().map(|r| r.len().max(1) as i64).sum();
        let mut done = 0i64;
        for chunk in rows.chunks(MAX_ROWS) {
            let from = start + (end - start) * done / total;
            done += chunk.iter().map(|r| r.len().max(1) as i64).sum::<i64>();
            let to = start + (end - start) * done / total;
            let caption = Caption {
                start: from,
                end: to,
                words: load(chunk, &cue.placement, bottom_row, channel, &mut extra),
            };
            scheduler.send(caption, &mut out);
        }
    }
    scheduler.finish(&mut out);
    let timing = scheduler.timing;
    let mut warnings = warnings(&adapted, &wrapped, width, (split, parts, empty, extra), &timing);
    if (rate.num, rate.den) != (30_000, 1001) {
        // Nothing in an SCC file says its rate; players and encoders assume 29.97.
        warnings.push(format!(
            "this SCC file is timed at {} frames per second, not the usual 29.97: whatever reads it must be told (source_frameRate \"{}\" for ccjobs); set target_frameRate to \"29.97\" for broadcast",
            rate.name(),
            rate.name()
        ));
    }
    Written {
        bytes: out.bytes,
        warnings,
    }
}

fn warnings(
    adapted: &Adapted,
    wrapped: &Wrapped,
    width: usize,
    (split, parts, empty, extra): (usize, usize, usize, usize),
    timing: &Timing,
) -> Vec<String> {
    let mut w = Vec::new();
    if wrapped.lines > 0 {
        w.push(format!(
            "{} line(s) were wider than {width} columns and were wrapped at spaces",
            wrapped.lines
        ));
    }
    if wrapped.words_broken > 0 {
        w.push(format!(
            "{} word(s) were wider than a row and were broken across rows",
            wrapped.words_broken
        ));
    }
    if split > 0 {
        w.push(format!(
            "{split} caption(s) had more than {MAX_ROWS} rows and were split into {parts} consecutive captions sharing their time"
        ));
    }
    if empty > 0 {
        w.push(format!(
            "{empty} caption(s) had no text 608 can show and were left out"
        ));
    }
    if adapted.bold > 0 {
        w.push(format!(
            "608 has no bold: {} <b> tag(s) were dropped, their text kept",
            adapted.bold
        ));
    }
    if adapted.other_tags > 0 {
        w.push(format!(
            "{} tag(s) 608 cannot show (other than <i>, <u>, <font color>) were dropped, their text kept",
            adapted.other_tags
        ));
    }
    if adapted.colours > 0 {
        w.push(format!(
            "{} colour(s) are not among 608's (white, green, blue, cyan, red, yellow, magenta) and were shown as the nearest",
            adapted.colours
        ));
    }
    if extra > 0 {
        w.push(format!(
            "{extra} style change(s) had no space to put their 608 mid-row code in (it shows as a space), so a space was added"
        ));
    }
    if adapted.replaced > 0 {
        w.push(format!(
            "{} character(s) 608 does not have were replaced by a close equivalent (like ’ by ')",
            adapted.replaced
        ));
    }
    if adapted.dropped > 0 {
        w.push(format!(
            "{} character(s) 608 does not have (and has nothing close to) were left out",
            adapted.dropped
        ));
    }
    if timing.late > 0 {
        w.push(format!(
            "{} caption(s) appear up to {} frame(s) late: there was not enough time since the previous caption to send them (608 sends one byte pair per frame)",
            timing.late, timing.most_late
        ));
    }
    if timing.overlapping > 0 {
        w.push(format!(
            "{} caption(s) were still on screen when the next one starts; pop-on shows one at a time, so each ends when the next appears",
            timing.overlapping
        ));
    }
    if timing.lengthened > 0 {
        w.push(format!(
            "{} caption(s) were shorter than two frames and were lengthened to two",
            timing.lengthened
        ));
    }
    w
}
