//! One 608 caption memory (displayed or non-displayed, § 7.1): 15 rows of 32 cells, and
//! how what it shows becomes a cue's lines and placement.

use super::{col_left, row_top, Style, COLOURS, COLUMNS, ROWS};
use crate::captions::{Align, Placement};

/// One character cell; `'\0'` is an empty (transparent) cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Cell {
    pub ch: char,
    pub style: Style,
}

pub(super) const EMPTY: Cell = Cell {
    ch: '\0',
    style: Style::PLAIN,
};

impl Cell {
    fn blank(self) -> bool {
        matches!(self.ch, '\0' | ' ' | '\u{a0}')
    }
}

#[derive(Clone)]
pub(super) struct Grid {
    pub cells: [[Cell; COLUMNS]; ROWS],
    /// Rows that may hold something (bit per row), so erasing and scanning skip the rest.
    used: u16,
}

impl Grid {
    pub fn new() -> Grid {
        Grid {
            cells: [[EMPTY; COLUMNS]; ROWS],
            used: 0,
        }
    }

    pub fn get(&self, row: usize, col: usize) -> Cell {
        self.cells
            .get(row)
            .and_then(|r| r.get(col))
            .copied()
            .unwrap_or(EMPTY)
    }

    pub fn set(&mut self, row: usize, col: usize, cell: Cell) {
        if let Some(c) = self.cells.get_mut(row).and_then(|r| r.get_mut(col)) {
            *c = cell;
            self.used |= 1 << row;
        }
    }

    fn row_used(&self, row: usize) -> bool {
        self.used & (1 << row) != 0
    }

    /// True when a row shows nothing but blanks.
    pub fn row_blank(&self, row: usize) -> bool {
        !self.row_used(row) || self.cells.get(row).is_none_or(|r| r.iter().all(|c| c.blank()))
    }

    /// True when some row between `from` and `to` (inclusive) shows something.
    pub fn shows_rows(&self, from: usize, to: usize) -> bool {
        (from..=to.min(ROWS - 1)).any(|r| !self.row_blank(r))
    }

    pub fn shows_anything(&self) -> bool {
        self.used != 0 && self.shows_rows(0, ROWS - 1)
    }

    pub fn clear_row(&mut self, row: usize) {
        if self.row_used(row) {
            if let Some(r) = self.cells.get_mut(row) {
                *r = [EMPTY; COLUMNS];
            }
            self.used &= !(1 << row);
        }
    }

    pub fn clear(&mut self) {
        for row in 0..ROWS {
            self.clear_row(row);
        }
    }

    /// Moves row `from` onto row `to` (which is overwritten); `from` is left empty.
    pub fn move_row(&mut self, from: usize, to: usize) {
        if from == to || from >= ROWS || to >= ROWS {
            return;
        }
        self.clear_row(to);
        if self.row_used(from) {
            self.cells[to] = self.cells[from];
            self.used |= 1 << to;
            self.clear_row(from);
        }
    }

    /// What the memory shows, as cue lines with inline tags and a placement; `None` when it
    /// shows nothing.
    pub fn render(&self) -> Option<(Vec<String>, Placement)> {
        let mut lines = Vec::new();
        let mut first_row = None;
        let mut last_row = 0;
        let mut min_start = COLUMNS;
        let mut centred = true;
        for (r, row) in self.cells.iter().enumerate() {
            if self.row_blank(r) {
                continue;
            }
            let Some(start) = row.iter().position(|c| !c.blank()) else {
                continue;
            };
            let end = row.iter().rposition(|c| !c.blank()).map_or(start, |e| e + 1);
            let right = COLUMNS - end;
            centred &= start.abs_diff(right) <= 1;
            min_start = min_start.min(start);
            first_row.get_or_insert(r);
            last_row = r;
            lines.push(render_row(row.get(start..end).unwrap_or(&[])));
        }
        let first_row = first_row?;
        let placement = if centred && last_row == ROWS - 1 {
            Placement::default()
        } else if centred {
            Placement {
                top: Some(row_top(first_row)),
                align: Some(Align::Center),
                ..Placement::default()
            }
        } else {
            Placement {
                top: Some(row_top(first_row)),
                left: Some(col_left(min_start)),
                align: Some(Align::Left),
                ..Placement::default()
            }
        };
        Some((lines, placement))
    }
}

/// Cells to text with tags nested `<font>` ⊃ `<i>` ⊃ `<u>`, reopening only what changed.
fn render_row(cells: &[Cell]) -> String {
    let mut out = String::with_capacity(cells.len() + 8);
    let mut open = Style::PLAIN;
    for cell in cells {
        let (ch, style) = if cell.ch == '\0' {
            (' ', Style::PLAIN)
        } else {
            (cell.ch, cell.style)
        };
        if style != open {
            let colour_changes = style.colour != open.colour;
            let italic_changes = colour_changes || style.italic != open.italic;
            // Close from the innermost out to the outermost tag that changes.
            if open.underline {
                out.push_str("</u>");
            }
            if italic_changes && open.italic {
                out.push_str("</i>");
            }
            if colour_changes && open.colour != 0 {
                out.push_str("</font>");
            }
            if colour_changes && style.colour != 0 {
                let name = COLOURS.get(usize::from(style.colour)).unwrap_or(&"white");
                out.push_str("<font color=\"");
                out.push_str(name);
                out.push_str("\">");
            }
            if italic_changes && style.italic {
                out.push_str("<i>");
            }
            if style.underline {
                out.push_str("<u>");
            }
            open = style;
        }
        out.push(ch);
    }
    if open.underline {
        out.push_str("</u>");
    }
    if open.italic {
        out.push_str("</i>");
    }
    if open.colour != 0 {
        out.push_str("</font>");
    }
    out
}
