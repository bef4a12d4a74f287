//! TTML styling and layout as the model needs them (TTML2 §10.2 style attributes,
//! §8.1.3 referential styling, §11.1 regions): the style properties ccjobs carries
//! (`tts:fontStyle`, `tts:fontWeight`, `tts:textDecoration`, `tts:color`), region geometry
//! (`tts:origin`, `tts:extent`, `tts:displayAlign`, `tts:textAlign`), the mapping of a
//! region to a [`Placement`].

use super::super::{Align, Placement};
use super::LINE_HEIGHT;

/// A colour as the model spells it: a TTML/CSS name or `#rrggbb`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Colour {
    Named(&'static str),
    Rgb(u8, u8, u8),
}

/// TTML2 §10.3.7 `<namedColor>`, with their RGB values.
const NAMED: [(&str, u32); 19] = [
    ("transparent", 0),
    ("black", 0x000000),
    ("silver", 0xc0c0c0),
    ("gray", 0x808080),
    ("white", 0xffffff),
    ("maroon", 0x800000),
    ("red", 0xff0000),
    ("purple", 0x800080),
    ("fuchsia", 0xff00ff),
    ("magenta", 0xff00ff),
    ("green", 0x008000),
    ("lime", 0x00ff00),
    ("olive", 0x808000),
    ("yellow", 0xffff00),
    ("navy", 0x000080),
    ("blue", 0x0000ff),
    ("teal", 0x008080),
    ("aqua", 0x00ffff),
    ("cyan", 0x00ffff),
];

impl Colour {
    /// TTML2 §10.3.5 `<color>`: `#rrggbb`, `#rrggbbaa`, `rgb(r,g,b)`, `rgba(r,g,b,a)` or a
    /// named colour (the alpha is not kept). Also `#rgb`, as CSS writes it.
    pub(super) fn parse(text: &str) -> Option<Colour> {
        let t = text.trim();
        let lower = t.to_ascii_lowercase();
        if let Some((name, _)) = NAMED.iter().find(|(n, _)| *n == lower) {
            return Some(Colour::Named(name));
        }
        let hex = |s: &str| u8::from_str_radix(s, 16).ok();
        if let Some(h) = lower.strip_prefix('#') {
            if !h.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            return match h.len() {
                6 | 8 => Some(Colour::Rgb(hex(&h[0..2])?, hex(&h[2..4])?, hex(&h[4..6])?)),
                3 | 4 => {
                    let d = |i: usize| hex(&h[i..i + 1]).map(|v| v * 17);
                    Some(Colour::Rgb(d(0)?, d(1)?, d(2)?))
                }
                _ => None,
            };
        }
        let inner = lower
            .strip_prefix("rgba(")
            .or_else(|| lower.strip_prefix("rgb("))?
            .strip_suffix(')')?;
        let mut parts = inner.split(',').map(|p| p.trim().parse::<u8>().ok());
        Some(Colour::Rgb(parts.next()??, parts.next()??, parts.next()??))
    }

    /// The colour as the model writes it in `<font color="…">`.
    pub(super) fn css(self) -> String {
        match self {
            Colour::Named(n) => n.to_string(),
            Colour::Rgb(r, g, b) => format!("#{r:02x}{g:02x}{b:02x}"),
        }
    }

    /// White is TTML's (and IMSC's, §8 `#color`) initial text colour: not worth a tag.
    pub(super) fn is_default(self) -> bool {
        matches!(self, Colour::Named("white") | Colour::Rgb(255, 255, 255))
    }
}

/// `before`, `center`, `after` (TTML2 §10.2.11 `tts:displayAlign`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Display {
    Before,
    Center,
    After,
}

/// The style properties ccjobs reads; `None` = not specified here (inherit).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct Style {
    pub italic: Option<bool>,
    pub bold: Option<bool>,
    pub underline: Option<bool>,
    pub colour: Option<Colour>,
    pub text_align: Option<Align>,
    pub display_align: Option<Display>,
    /// Region position and size, in percent of the root container.
    pub origin: Option<(f32, f32)>,
    pub extent: Option<(f32, f32)>,
}

impl Style {
    /// `other`'s specified properties override ours.
    pub(super) fn apply(&mut self, other: &Style) {
        macro_rules! over {
            ($($f:ident),*) => { $( if other.$f.is_some() { self.$f = other.$f; } )* };
        }
        over!(
            italic,
            bold,
            underline,
            colour,
            text_align,
            display_align,
            origin,
            extent
        );
    }

    /// The inline tags a text run with this computed style carries.
    pub(super) fn text(&self) -> super::text::TextStyle {
        use super::text::TextStyle;
        TextStyle {
            colour: self.colour.filter(|c| !c.is_default()),
            bold: self.bold == Some(true),
            italic: self.italic == Some(true),
            underline: self.underline == Some(true),
        }
    }
}

/// The root container's size and cell grid, to turn `px` and `c` lengths into percent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Root {
    /// The `tts:extent` of `tt` in pixels, if given.
    pub pixels: Option<(f32, f32)>,
    /// `ttp:cellResolution` (TTML2 §7.2.1; 32 by 15 when not given).
    pub cells: (f32, f32),
}

/// One length of `tts:origin` / `tts:extent` in percent of `size` (the root's width or
/// height in pixels, and its cell count on that axis). `Err(true)` when it is in pixels
/// and the root has no pixel size.
fn length(text: &str, pixels: Option<f32>, cells: f32) -> Result<f32, bool> {
    let number = |s: &str| s.parse::<f32>().ok().filter(|n| n.is_finite());
    let value = if let Some(n) = text.strip_suffix('%') {
        number(n).ok_or(false)?
    } else if let Some(n) = text.strip_suffix("px") {
        let n = number(n).ok_or(false)?;
        n * 100.0 / pixels.filter(|p| *p > 0.0).ok_or(true)?
    } else if let Some(n) = text.strip_suffix("rw").or_else(|| text.strip_suffix("rh")) {
        number(n).ok_or(false)?
    } else if let Some(n) = text.strip_suffix('c') {
        number(n).ok_or(false)? * 100.0 / cells.max(1.0)
    } else {
        return Err(false);
    };
    Ok(value.clamp(0.0, 100.0))
}

impl Root {
    /// A `tts:origin` or `tts:extent` pair (`auto` gives `auto`). `Err(true)` for pixel
    /// lengths without a root pixel size.
    pub(super) fn pair(&self, text: &str, auto: (f32, f32)) -> Result<(f32, f32), bool> {
        let t = text.trim();
        if t == "auto" {
            return Ok(auto);
        }
        let mut parts = t.split_ascii_whitespace();
        let (x, y) = (parts.next().ok_or(false)?, parts.next().ok_or(false)?);
        if parts.next().is_some() {
            return Err(false);
        }
        let (w, h) = self.pixels.map_or((None, None), |(w, h)| (Some(w), Some(h)));
        Ok((length(x, w, self.cells.0)?, length(y, h, self.cells.1)?))
    }
}

/// Sets the property a `tts:` attribute names, if ccjobs carries it. Returns false for a
/// value it cannot read.
pub(super) fn set(style: &mut Style, name: &str, value: &str, root: &Root, px_missing: &mut bool) -> bool {
    let v = value.trim();
    match name {
        "fontStyle" => style.italic = Some(matches!(v, "italic" | "oblique" | "reverseOblique")),
        "fontWeight" => style.bold = Some(v == "bold"),
        "textDecoration" => {
            // A list: underline / noUnderline alongside line-through and overline values.
            for word in v.split_ascii_whitespace() {
                match word {
                    "underline" => style.underline = Some(true),
                    "noUnderline" | "none" => style.underline = Some(false),
                    _ => {}
                }
            }
        }
        "color" => match Colour::parse(v) {
            Some(c) => style.colour = Some(c),
            None => return false,
        },
        "textAlign" => {
            style.text_align = Some(match v {
                "left" => Align::Left,
                "center" => Align::Center,
                "right" => Align::Right,
                "start" => Align::Start,
                "end" => Align::End,
                _ => return false,
            })
        }
        "displayAlign" => {
            style.display_align = Some(match v {
                "before" => Display::Before,
                "center" => Display::Center,
                "after" => Display::After,
                _ => return false,
            })
        }
        "origin" | "extent" => {
            let auto = if name == "origin" {
                (0.0, 0.0)
            } else {
                (100.0, 100.0)
            };
            match root.pair(v, auto) {
                Ok(pair) if name == "origin" => style.origin = Some(pair),
                Ok(pair) => style.extent = Some(pair),
                Err(missing) => {
                    *px_missing |= missing;
                    return false;
                }
            }
        }
        _ => {}
    }
    true
}

const EPSILON: f32 = 0.01;

/// Where a paragraph of `lines` lines, in a region of this resolved style, sits.
/// `region` is the region's id; `own_align` the paragraph's own `tts:textAlign`.
pub(super) fn placement(
    region: &Style,
    id: Option<String>,
    own_align: Option<Align>,
    lines: usize,
) -> Placement {
    let (x, y) = region.origin.unwrap_or((0.0, 0.0));
    let (w, h) = region.extent.unwrap_or((100.0 - x, 100.0 - y));
    let block = LINE_HEIGHT * lines.max(1) as f32;
    let display = region.display_align.unwrap_or(Display::Before);
    let top = match display {
        Display::Before => Some(y),
        Display::Center => Some(y + (h - block) / 2.0),
        // A region ending on the safe area's bottom line is the default bottom position.
        Display::After if (y + h - 90.0).abs() < EPSILON => None,
        Display::After => Some(y + h - block),
    };
    let safe_width = (x - 10.0).abs() < EPSILON && (w - 80.0).abs() < EPSILON;
    // TTML's initial textAlign is start (TTML2 §10.2.41); centre is the model's default.
    let align = match own_align.or(region.text_align).unwrap_or(Align::Start) {
        Align::Center => None,
        other => Some(other),
    };
    Placement {
        top: top.map(|t| t.clamp(0.0, 100.0)),
        left: (!safe_width).then_some(x),
        width: (!safe_width).then_some(w.min(100.0 - x)),
        align,
        region: id,
    }
}
