//! Timing the byte pairs (CEA-608-E § 8: one pair per frame): each caption's loading ends
//! so that its first EOC falls on the caption's start frame, the previous caption's EDM
//! goes on its end frame (inside the loading if need be), and a caption that cannot be
//! sent in time since the previous EOC goes as soon as it can. Writes the SCC lines.

use super::encode::{word, EDM, EOC, MISC};
use crate::captions::FrameRate;

/// One caption to send: its frames and its loading pairs.
pub(super) struct Caption {
    pub start: i64,
    pub end: i64,
    pub words: Vec<u16>,
}

/// The SCC text being written: lines of a timecode, a tab and words, a blank line apart.
pub(super) struct Out {
    pub bytes: Vec<u8>,
    rate: FrameRate,
    /// Whether a line has words yet (the next word needs a space before it).
    words_on_line: bool,
    /// The frame of a line begun but not yet written: its timecode goes out with its first
    /// word, so a line that gets no words leaves nothing behind.
    pending: Option<i64>,
}

impl Out {
    pub fn new(rate: FrameRate, capacity: usize) -> Out {
        Out {
            bytes: Vec::with_capacity(capacity),
            rate,
            words_on_line: false,
            pending: None,
        }
    }

    fn begin(&mut self, frame: i64) {
        self.pending = Some(frame);
        self.words_on_line = false;
    }

    fn timecode(&mut self, frame: i64) {
        self.bytes.extend_from_slice(b"\r\n");
        let tc = self.rate.frames_to_label(frame);
        let two = |v: i64| {
            let v = v.clamp(0, 99) as u8;
            [b'0' + v / 10, b'0' + v % 10]
        };
        if tc.hours > 99 {
            self.bytes.extend_from_slice(tc.hours.to_string().as_bytes());
        } else {
            self.bytes.extend(two(tc.hours));
        }
        self.bytes.push(b':');
        self.bytes.extend(two(tc.minutes));
        self.bytes.push(b':');
        self.bytes.extend(two(tc.seconds));
        self.bytes.push(if tc.drop { b';' } else { b':' });
        self.bytes.extend(two(tc.frames));
        self.bytes.push(b'\t');
    }

    fn word(&mut self, w: u16) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        if let Some(frame) = self.pending.take() {
            self.timecode(frame);
        }
        if self.words_on_line {
            self.bytes.push(b' ');
        }
        self.words_on_line = true;
        self.bytes
            .extend([12, 8, 4, 0].map(|shift| HEX[usize::from((w >> shift) & 0xF)]));
    }

    fn end(&mut self) {
        if self.pending.take().is_none() && self.words_on_line {
            self.bytes.extend_from_slice(b"\r\n");
        }
        self.words_on_line = false;
    }

    fn line(&mut self, frame: i64, words: &[u16]) {
        self.begin(frame);
        for &w in words {
            self.word(w);
        }
        self.end();
    }
}

/// Counts of what timing had to change.
#[derive(Default)]
pub(super) struct Timing {
    pub late: usize,
    pub most_late: i64,
    pub overlapping: usize,
    pub lengthened: usize,
}

/// Sends captions in order, each EOC on its start frame when there is time: one caption
/// at a time, so the byte pairs of a whole document are never held at once.
pub(super) struct Scheduler {
    eoc: u16,
    edm: u16,
    /// The first frame after the previous caption's EOCs.
    free_from: i64,
    /// The frame the previous caption is to be cleared on.
    pending_edm: Option<i64>,
    pub timing: Timing,
}

impl Scheduler {
    pub fn new(channel: u8) -> Scheduler {
        Scheduler {
            eoc: word(MISC | channel, EOC),
            edm: word(MISC | channel, EDM),
            free_from: 0,
            pending_edm: None,
            timing: Timing::default(),
        }
    }

    pub fn send(&mut self, cap: Caption, out: &mut Out) {
        let (eoc, edm) = (self.eoc, self.edm);
        let s = cap.start;
        let timing = &mut self.timing;
        let clear = self.pending_edm.take().filter(|&d| {
            if d > s {
                timing.overlapping += 1;
            }
            d + 2 <= s
        });
        // The latest start that puts the EOC on frame s, around an EDM that falls inside.
        let mut a = s - cap.words.len() as i64;
        if clear.is_some_and(|d| d + 1 >= a) {
            a -= 2;
        }
        a = a.max(self.free_from);
        let mut clear_left = clear;
        if let Some(d) = clear.filter(|&d| d < a) {
            out.line(d, &[edm, edm]);
            clear_left = None;
        }
        let mut frame = a;
        out.begin(a);
        for &w in cap.words.iter().chain([eoc, eoc].iter()) {
            if clear_left == Some(frame) {
                out.end();
                out.line(frame, &[edm, edm]);
                frame += 2;
                out.begin(frame);
                clear_left = None;
            }
            out.word(w);
            frame += 1;
        }
        out.end();
        let shown = frame - 2;
        if shown > s {
            self.timing.late += 1;
            self.timing.most_late = self.timing.most_late.max(shown - s);
        }
        self.free_from = shown + 2;
        let mut end = cap.end;
        if end < shown + 2 {
            if shown == s {
                self.timing.lengthened += 1;
            }
            end = shown + 2;
        }
        self.pending_edm = Some(end);
    }

    pub fn finish(&mut self, out: &mut Out) {
        if let Some(d) = self.pending_edm.take() {
            out.line(d, &[self.edm, self.edm]);
        }
    }
}
