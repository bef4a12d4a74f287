//! One CEA-608 data channel's decoder (CEA-608-E § 7–8): caption styles, the displayed
//! and non-displayed memories, the cursor and attributes, and the cues its screen shows.

use super::screen::{Cell, Grid, EMPTY};
use super::{tables, Style, COLUMNS, ROWS};
use crate::captions::Placement;

/// Caption styles (§ 7.4); `Text` is the text service (TR/RTD), whose data is skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    Off,
    PopOn,
    RollUp(usize),
    PaintOn,
    Text,
}

/// A cue in frames, before times are known in milliseconds.
pub(super) struct FrameCue {
    pub(super) start: i64,
    pub(super) end: i64,
    pub(super) lines: Vec<String>,
    pub(super) placement: Placement,
}

/// One data channel's decoder.
pub(super) struct Channel {
    pub(super) mode: Mode,
    pub(super) memory: [Grid; 2],
    /// Which of `memory` is displayed.
    pub(super) shown: usize,
    pub(super) row: usize,
    /// 0..=32; 32 means "on column 31, which is already written".
    pub(super) col: usize,
    pub(super) style: Style,
    /// The frame the screen's current cue appeared at.
    pub(super) open: Option<i64>,
    pub(super) cues: Vec<FrameCue>,
    /// Whether to keep cues (only the channels that may be chosen do).
    pub(super) keep: bool,
    /// Whether the channel ever showed anything.
    pub(super) seen: bool,
}

impl Channel {
    pub(super) fn new(keep: bool) -> Channel {
        Channel {
            mode: Mode::Off,
            memory: [Grid::new(), Grid::new()],
            shown: 0,
            row: ROWS - 1,
            col: 0,
            style: Style::PLAIN,
            open: None,
            cues: Vec::new(),
            keep,
            seen: false,
        }
    }

    /// The memory text goes to: non-displayed in pop-on, displayed otherwise.
    pub(super) fn target(&self) -> usize {
        if self.mode == Mode::PopOn {
            1 - self.shown
        } else {
            self.shown
        }
    }

    /// Ends the cue on screen at `frame`, before the screen changes.
    pub(super) fn close(&mut self, frame: i64) {
        let Some(start) = self.open.take() else {
            return;
        };
        if frame <= start || !self.keep {
            return;
        }
        if let Some((lines, placement)) = self.memory[self.shown].render() {
            self.cues.push(FrameCue {
                start,
                end: frame,
                lines,
                placement,
            });
        }
    }

    /// Starts a cue at `frame` if the screen now shows something.
    pub(super) fn reopen(&mut self, frame: i64) {
        if self.open.is_none() && self.memory[self.shown].shows_anything() {
            self.open = Some(frame);
            self.seen = true;
        }
    }

    pub(super) fn ready(&self) -> bool {
        !matches!(self.mode, Mode::Off | Mode::Text)
    }

    /// Writes a character at the cursor. `over_previous` is an extended character, which
    /// replaces the one before it (§ 6.4.2); that is not a change a viewer sees as new.
    pub(super) fn put(&mut self, frame: i64, ch: char, style: Style, over_previous: bool) {
        if !self.ready() {
            return;
        }
        if over_previous && self.col > 0 {
            self.col -= 1;
        }
        let target = self.target();
        let col = self.col.min(COLUMNS - 1);
        let cell = Cell { ch, style };
        let old = self.memory[target].get(self.row, col);
        if old != cell {
            if target == self.shown && old.ch != '\0' && !over_previous {
                self.close(frame);
            }
            self.memory[target].set(self.row, col, cell);
            if target == self.shown {
                self.reopen(frame);
            }
        }
        self.col = (self.col + 1).min(COLUMNS);
    }

    /// Erases cells `from..` of the cursor row in the target memory.
    pub(super) fn erase_from(&mut self, frame: i64, from: usize) {
        let target = self.target();
        let row = self.row;
        let any = (from..COLUMNS).any(|c| self.memory[target].get(row, c).ch != '\0');
        if !any {
            return;
        }
        if target == self.shown {
            self.close(frame);
        }
        for c in from..COLUMNS {
            self.memory[target].set(row, c, EMPTY);
        }
        if target == self.shown {
            self.reopen(frame);
        }
    }

    pub(super) fn erase_displayed(&mut self, frame: i64) {
        self.close(frame);
        self.memory[self.shown].clear();
    }

    /// The roll-up window's rows: `depth` rows ending at the cursor row.
    pub(super) fn window(&self, depth: usize) -> (usize, usize) {
        (self.row + 1 - depth.min(self.row + 1), self.row)
    }

    /// Miscellaneous control codes (Table 52), second byte `0x20..=0x2F`.
    pub(super) fn misc(&mut self, frame: i64, code: u8) {
        match code {
            0x20 => self.mode = Mode::PopOn,
            // BS: back one column and erase it.
            0x21 if self.ready() && self.col > 0 => {
                self.col -= 1;
                let col = self.col;
                let target = self.target();
                if self.memory[target].get(self.row, col).ch != '\0' {
                    if target == self.shown {
                        self.close(frame);
                    }
                    self.memory[target].set(self.row, col, EMPTY);
                    if target == self.shown {
                        self.reopen(frame);
                    }
                }
            }
            0x24 if self.ready() => self.erase_from(frame, self.col.min(COLUMNS)),
            0x25..=0x27 => {
                let depth = usize::from(code - 0x23);
                if let Mode::RollUp(_) = self.mode {
                    // A new depth: rows above the new window go.
                    self.row = self.row.max(depth - 1);
                    let (top, _) = self.window(depth);
                    if self.memory[self.shown].shows_rows(0, top.saturating_sub(1)) && top > 0 {
                        self.close(frame);
                    }
                    for r in 0..top {
                        self.memory[self.shown].clear_row(r);
                    }
                    self.reopen(frame);
                } else {
                    // Entering roll-up erases both memories (§ 7.4.2).
                    self.erase_displayed(frame);
                    self.memory[1 - self.shown].clear();
                    self.row = ROWS - 1;
                    self.col = 0;
                }
                self.mode = Mode::RollUp(depth);
            }
            0x29 => self.mode = Mode::PaintOn,
            0x2A | 0x2B => self.mode = Mode::Text,
            0x2C => self.erase_displayed(frame),
            0x2D => {
                if let Mode::RollUp(depth) = self.mode {
                    let (top, base) = self.window(depth);
                    let grid = &self.memory[self.shown];
                    if grid.shows_anything() {
                        self.close(frame);
                    }
                    let grid = &mut self.memory[self.shown];
                    for r in (0..ROWS).filter(|&r| r < top || r > base) {
                        grid.clear_row(r);
                    }
                    for r in top..base {
                        grid.move_row(r + 1, r);
                    }
                    grid.clear_row(base);
                    self.col = 0;
                    self.reopen(frame);
                }
            }
            0x2E => self.memory[1 - self.shown].clear(),
            0x2F if self.memory[0].shows_anything() || self.memory[1].shows_anything() => {
                self.close(frame);
                self.shown = 1 - self.shown;
                self.reopen(frame);
            }
            // AOF, AON, FON and DER outside a caption style: nothing to show.
            _ => {}
        }
    }

    /// A preamble address code (Table 53): row, indent or colour/italics, underline.
    pub(super) fn pac(&mut self, frame: i64, row: usize, attr: u8) {
        let underline = attr & 1 == 1;
        let (col, style) = if attr & 0x10 != 0 {
            let style = Style {
                underline,
                ..Style::PLAIN
            };
            (usize::from((attr & 0x0E) >> 1) * 4, style)
        } else {
            let code = (attr & 0x0E) >> 1;
            let style = if code == 7 {
                Style {
                    italic: true,
                    underline,
                    ..Style::PLAIN
                }
            } else {
                Style {
                    colour: code,
                    underline,
                    ..Style::PLAIN
                }
            };
            (0, style)
        };
        if let Mode::RollUp(depth) = self.mode {
            // The window moves to the new base row, with what it shows (§ 7.4.2).
            let new_base = row.max(depth - 1);
            if new_base != self.row {
                let (top, base) = self.window(depth);
                if self.memory[self.shown].shows_anything() {
                    self.close(frame);
                }
                let grid = &mut self.memory[self.shown];
                let rows: Vec<usize> = (top..=base).collect();
                let moved: Vec<_> = rows.iter().map(|&r| grid.cells[r]).collect();
                grid.clear();
                for (i, cells) in moved.into_iter().enumerate() {
                    let to = new_base + 1 + i - rows.len();
                    for (c, cell) in cells.into_iter().enumerate() {
                        if cell.ch != '\0' {
                            grid.set(to, c, cell);
                        }
                    }
                }
                self.row = new_base;
                self.reopen(frame);
            }
        } else {
            self.row = row;
        }
        self.col = col;
        self.style = style;
    }

    /// A mid-row code (Table 51): a space, then new attributes for what follows.
    pub(super) fn mid_row(&mut self, frame: i64, code: u8) {
        if !self.ready() {
            return;
        }
        let underline = code & 1 == 1;
        let new = if code & 0x0E == 0x0E {
            Style {
                italic: true,
                underline,
                ..self.style
            }
        } else {
            Style {
                colour: (code & 0x0E) >> 1,
                italic: false,
                underline,
            }
        };
        self.put(frame, ' ', self.style.common(new), false);
        self.style = new;
    }

    pub(super) fn text(&mut self, frame: i64, byte: u8) {
        let style = self.style;
        self.put(frame, tables::standard(byte), style, false);
    }

    pub(super) fn finish(&mut self, frame: i64) {
        self.close(frame);
    }
}
