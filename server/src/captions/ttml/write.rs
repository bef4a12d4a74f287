//! The TTML / DFXP / IMSC 1.1 Text writer. One document shape for all three:
//! `head` with one `style` per kind of inline styling used (referenced from `span`s) and
//! one `region` per distinct placement, then `body`/`div` with one `p` per cue (`begin`,
//! `end` and `region` on every `p`, IMSC 1.1 §7 `#timing`), lines split by `br`.
//!
//! - `IMSC1.1 Text` adds `ttp:contentProfiles` (IMSC 1.1 §5.2) and never writes a root
//!   `tts:extent` (only allowed in px, §7 `#extent-root`, and nothing here is in px);
//!   regions use percent origins and extents inside the root container (§7 region
//!   constraints, §8 `#extent-region`, `#origin`).
//! - `TTML` is the same document without a content profile (valid TTML1 and TTML2).
//! - `DFXP` is the TTML document with a `.dfxp` extension. Its namespace is TTML's
//!   (`http://www.w3.org/ns/ttml`, which TTML1 — the Recommendation DFXP became — uses);
//!   the `namespace` option `ttaf1` writes the 2006/10 draft namespace for old players.

use super::style::Colour;
use super::time::{self, Style as TimeStyle};
use super::{NS_LEGACY, NS_TT};
use crate::captions::{font_colour, strip_tags, Align, Document, Output, Placement, Written};
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Profile {
    Ttml,
    Dfxp,
    Imsc,
}

pub(crate) fn write_ttml(doc: &Document, output: &Output<'_>) -> Written {
    write(doc, output, Profile::Ttml)
}

pub(crate) fn write_dfxp(doc: &Document, output: &Output<'_>) -> Written {
    write(doc, output, Profile::Dfxp)
}

pub(crate) fn write_imsc(doc: &Document, output: &Output<'_>) -> Written {
    write(doc, output, Profile::Imsc)
}

const IMSC_TEXT: &str = "http://www.w3.org/ns/ttml/profile/imsc1.1/text";

/// A region's geometry in hundredths of a percent, its display and text alignment.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct RegionKey {
    x: i32,
    y: i32,
    w: i32,
    h: i32,
    after: bool,
    align: &'static str,
    name: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TagKind {
    Italic,
    Bold,
    Underline,
    Font,
}

#[derive(Debug, Default)]
struct Counts {
    dropped_tags: usize,
    bad_colours: usize,
    bad_chars: usize,
    bad_ids: usize,
    empty: usize,
    no_duration: usize,
}

struct Writer {
    /// Every `xml:id` in the document.
    ids: HashSet<String>,
    regions: Vec<(RegionKey, String)>,
    region_index: HashMap<RegionKey, usize>,
    /// Style ids for italic, bold, underline, once used.
    fixed: [Option<String>; 3],
    colours: Vec<(String, String)>,
    colour_index: HashMap<String, usize>,
    counts: Counts,
}

/// An XML NCName (Namespaces in XML §3), as `xml:id` requires.
fn is_ncname(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| {
            c.is_alphanumeric() || matches!(c, '_' | '-' | '.') || (!c.is_ascii() && !c.is_whitespace())
        })
}

/// Characters XML 1.0 allows (§2.2).
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && !matches!(c, '\u{fffe}' | '\u{ffff}'))
}

fn escape_into(out: &mut String, text: &str, attribute: bool, bad: &mut usize) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\n' | '\r' | '\t' => out.push(' '),
            c if xml_char(c) => out.push(c),
            _ => *bad += 1,
        }
    }
}

/// A percentage with at most two decimals and no trailing zeros.
fn pc(hundredths: i32) -> String {
    let text = format!("{}.{:02}", hundredths / 100, hundredths % 100);
    format!("{}%", text.trim_end_matches('0').trim_end_matches('.'))
}

fn hundredths(percent: f32) -> i32 {
    (percent.clamp(0.0, 100.0) * 100.0).round() as i32
}

impl Writer {
    /// `base`, or `base` with a number, whichever is not yet an id.
    fn fresh(&mut self, base: &str) -> String {
        let mut id = base.to_string();
        let mut n = 1;
        while self.ids.contains(&id) {
            n += 1;
            id = format!("{base}{n}");
        }
        self.ids.insert(id.clone());
        id
    }

    /// `stem` and the first number from `n` on that is not yet an id.
    fn numbered(&self, stem: &str, mut n: usize) -> String {
        loop {
            let candidate = format!("{stem}{n}");
            if !self.ids.contains(&candidate) {
                return candidate;
            }
            n += 1;
        }
    }

    /// The region for a cue of `lines` lines at this placement (IMSC 1.1 §7: inside the
    /// root container).
    fn region(&mut self, p: &Placement, lines: usize) -> String {
        let (x, w) = match (p.left, p.width) {
            (None, None) => (10.0, 80.0),
            (Some(l), None) => (l.clamp(0.0, 99.0), 100.0 - l.clamp(0.0, 99.0)),
            (None, Some(w)) => ((100.0 - w.clamp(1.0, 100.0)) / 2.0, w.clamp(1.0, 100.0)),
            (Some(l), Some(w)) => {
                let l = l.clamp(0.0, 99.0);
                (l, w.clamp(1.0, 100.0 - l))
            }
        };
        // Room for the lines at a generous 8% each (IMSC's default 1c font, line height
        // normal), at least 30%.
        let room = (lines as f32 * 8.0).max(30.0);
        let (y, h, after) = match p.top {
            // The default: the bottom of the 80% safe area.
            None => {
                let h = room.min(80.0);
                (90.0 - h, h, true)
            }
            Some(t) => {
                let t = t.clamp(0.0, 99.0);
                (t, room.min(100.0 - t), false)
            }
        };
        let align = match p.align {
            None | Some(Align::Center) => "center",
            Some(Align::Left) => "left",
            Some(Align::Right) => "right",
            Some(Align::Start) => "start",
            Some(Align::End) => "end",
        };
        let key = RegionKey {
            x: hundredths(x),
            y: hundredths(y),
            w: hundredths(w),
            h: hundredths(h),
            after,
            align,
            name: p.region.clone().filter(|n| is_ncname(n)),
        };
        if let Some(&i) = self.region_index.get(&key) {
            if let Some((_, id)) = self.regions.get(i) {
                return id.clone();
            }
        }
        let id = match &key.name {
            Some(name) if !self.ids.contains(name) => name.clone(),
            Some(name) => self.numbered(&format!("{name}_"), 2),
            None if p.is_default() && !self.ids.contains("bottom") => "bottom".to_string(),
            None => self.numbered("r", self.regions.len() + 1),
        };
        self.ids.insert(id.clone());
        self.region_index.insert(key.clone(), self.regions.len());
        self.regions.push((key, id.clone()));
        id
    }

    fn fixed_style(&mut self, kind: TagKind) -> String {
        let (slot, base) = match kind {
            TagKind::Italic => (0, "s_italic"),
            TagKind::Bold => (1, "s_bold"),
            _ => (2, "s_underline"),
        };
        if let Some(Some(id)) = self.fixed.get(slot) {
            return id.clone();
        }
        let id = self.fresh(base);
        if let Some(s) = self.fixed.get_mut(slot) {
            *s = Some(id.clone());
        }
        id
    }

    fn colour_style(&mut self, colour: &str) -> Option<String> {
        let css = Colour::parse(colour)?.css();
        if let Some(&i) = self.colour_index.get(&css) {
            return self.colours.get(i).map(|(_, id)| id.clone());
        }
        let id = self.fresh(&format!("s_colour{}", self.colours.len() + 1));
        self.colour_index.insert(css.clone(), self.colours.len());
        self.colours.push((css, id.clone()));
        Some(id)
    }

    /// A cue's lines as `p` content: inline tags become `span`s referencing styles;
    /// spans stay open across `br`.
    fn content(&mut self, lines: &[&str], out: &mut String) {
        let mut open: Vec<(TagKind, Option<String>)> = Vec::new();
        for (n, line) in lines.iter().enumerate() {
            if n > 0 {
                out.push_str("<br/>");
            }
            let mut rest = *line;
            while let Some(c) = rest.chars().next() {
                let tag_like = c == '<'
                    && rest[1..]
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_alphabetic() || c == '/');
                if let Some(end) = rest.find('>').filter(|_| tag_like) {
                    let tag = &rest[1..end];
                    rest = &rest[end + 1..];
                    let lower = tag.trim().to_ascii_lowercase();
                    let (closing, name) = match lower.strip_prefix('/') {
                        Some(name) => (true, name.trim()),
                        None => (false, lower.as_str()),
                    };
                    let kind = match name.split_ascii_whitespace().next().unwrap_or("") {
                        "i" => TagKind::Italic,
                        "b" => TagKind::Bold,
                        "u" => TagKind::Underline,
                        "font" => TagKind::Font,
                        _ => {
                            self.counts.dropped_tags += 1;
                            continue;
                        }
                    };
                    if closing {
                        close(&mut open, kind, out);
                        continue;
                    }
                    let style = if kind == TagKind::Font {
                        let id = font_colour(tag).and_then(|c| self.colour_style(c));
                        if id.is_none() {
                            self.counts.bad_colours += 1;
                        }
                        id
                    } else {
                        Some(self.fixed_style(kind))
                    };
                    if let Some(id) = &style {
                        let _ = write!(out, "<span style=\"{id}\">");
                    }
                    open.push((kind, style));
                    continue;
                }
                let len = c.len_utf8();
                escape_into(out, &rest[..len], false, &mut self.counts.bad_chars);
                rest = &rest[len..];
            }
        }
        for (_, style) in open.iter().rev() {
            if style.is_some() {
                out.push_str("</span>");
            }
        }
    }
}

/// Closes the innermost open tag of `kind` (and reopens the ones inside it).
fn close(open: &mut Vec<(TagKind, Option<String>)>, kind: TagKind, out: &mut String) {
    let Some(at) = open.iter().rposition(|(k, _)| *k == kind) else {
        return;
    };
    for (_, style) in open[at..].iter().rev() {
        if style.is_some() {
            out.push_str("</span>");
        }
    }
    open.remove(at);
    for (_, style) in &open[at..] {
        if let Some(id) = style {
            let _ = write!(out, "<span style=\"{id}\">");
        }
    }
}

fn write(doc: &Document, output: &Output<'_>, profile: Profile) -> Written {
    let options = output.options;
    let time_style = match options.get("time_format") {
        "frames" => TimeStyle::Frames(output.frame_rate),
        "offset" => TimeStyle::Offset,
        _ => TimeStyle::Clock,
    };
    let legacy = profile == Profile::Dfxp && options.get("namespace") == "ttaf1";
    let ns = if legacy { NS_LEGACY[0] } else { NS_TT };
    let language = doc
        .language
        .as_deref()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .unwrap_or(match options.get("default_language") {
            "" => "en",
            l => l,
        });
    let mut w = Writer {
        ids: HashSet::new(),
        regions: Vec::new(),
        region_index: HashMap::new(),
        fixed: [None, None, None],
        colours: Vec::new(),
        colour_index: HashMap::new(),
        counts: Counts::default(),
    };
    // Cue ids first, so generated style and region ids steer clear of them.
    let mut cue_ids: Vec<Option<&str>> = Vec::with_capacity(doc.cues.len());
    for cue in &doc.cues {
        let id = cue.id.as_deref().map(str::trim).filter(|id| !id.is_empty());
        match id {
            Some(id) if is_ncname(id) && w.ids.insert(id.to_string()) => cue_ids.push(Some(id)),
            Some(_) => {
                w.counts.bad_ids += 1;
                cue_ids.push(None);
            }
            None => cue_ids.push(None),
        }
    }
    let mut order: Vec<usize> = (0..doc.cues.len()).collect();
    order.sort_by_key(|&i| doc.cues.get(i).map_or(0, |c| c.start_ms));
    let mut body = String::with_capacity(doc.cues.len() * 120);
    for i in order {
        let (Some(cue), Some(id)) = (doc.cues.get(i), cue_ids.get(i)) else {
            continue;
        };
        let lines: Vec<&str> = cue
            .lines
            .iter()
            .map(String::as_str)
            .filter(|l| !strip_tags(l).trim().is_empty())
            .collect();
        if lines.is_empty() {
            w.counts.empty += 1;
            continue;
        }
        let start = cue.start_ms.max(0);
        let end = cue.end_ms.max(start);
        if end == start {
            w.counts.no_duration += 1;
        }
        let region = w.region(&cue.placement, lines.len());
        body.push_str("      <p");
        if let Some(id) = id {
            body.push_str(" xml:id=\"");
            escape_into(&mut body, id, true, &mut w.counts.bad_chars);
            body.push('"');
        }
        let _ = write!(
            body,
            " begin=\"{}\" end=\"{}\" region=\"",
            time::format(start, time_style),
            time::format(end, time_style)
        );
        escape_into(&mut body, &region, true, &mut w.counts.bad_chars);
        body.push_str("\">");
        w.content(&lines, &mut body);
        body.push_str("</p>\n");
    }

    let mut out = String::with_capacity(body.len() + 1024);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = write!(
        out,
        "<tt xmlns=\"{ns}\" xmlns:ttp=\"{ns}#parameter\" xmlns:tts=\"{ns}#styling\""
    );
    if profile == Profile::Imsc {
        let _ = write!(out, " ttp:contentProfiles=\"{IMSC_TEXT}\"");
    }
    out.push_str(" xml:lang=\"");
    escape_into(&mut out, language, true, &mut w.counts.bad_chars);
    out.push_str("\" ttp:timeBase=\"media\"");
    if let TimeStyle::Frames(rate) = time_style {
        let _ = write!(out, " ttp:frameRate=\"{}\"", rate.nominal());
        if rate.den != 1 {
            // 30000/1001 is 30 × 1000/1001 (TTML2 §7.2.5).
            let _ = write!(
                out,
                " ttp:frameRateMultiplier=\"{} {}\"",
                u64::from(rate.num) / rate.nominal().max(1) as u64,
                rate.den
            );
        }
    }
    out.push_str(">\n  <head>\n");
    let styles: Vec<(String, String)> = [
        ("fontStyle", "italic"),
        ("fontWeight", "bold"),
        ("textDecoration", "underline"),
    ]
    .iter()
    .zip(&w.fixed)
    .filter_map(|((name, value), id)| Some((id.clone()?, format!("tts:{name}=\"{value}\""))))
    .chain(
        w.colours
            .iter()
            .map(|(css, id)| (id.clone(), format!("tts:color=\"{css}\""))),
    )
    .collect();
    if !styles.is_empty() {
        out.push_str("    <styling>\n");
        for (id, attr) in &styles {
            let _ = writeln!(out, "      <style xml:id=\"{id}\" {attr}/>");
        }
        out.push_str("    </styling>\n");
    }
    if !w.regions.is_empty() {
        out.push_str("    <layout>\n");
        for (key, id) in &w.regions {
            let _ = writeln!(
                out,
                "      <region xml:id=\"{id}\" tts:origin=\"{} {}\" tts:extent=\"{} {}\" tts:displayAlign=\"{}\" tts:textAlign=\"{}\"/>",
                pc(key.x),
                pc(key.y),
                pc(key.w),
                pc(key.h),
                if key.after { "after" } else { "before" },
                key.align
            );
        }
        out.push_str("    </layout>\n");
    }
    out.push_str("  </head>\n  <body>\n    <div>\n");
    out.push_str(&body);
    out.push_str("    </div>\n  </body>\n</tt>\n");

    let c = &w.counts;
    let mut warnings = Vec::new();
    if c.dropped_tags > 0 {
        warnings.push(format!(
            "TTML has no equivalent here for {} styling tag(s) (only italic, bold, underline and colour are written); their text was kept",
            c.dropped_tags
        ));
    }
    if c.bad_colours > 0 {
        warnings.push(format!(
            "{} font tag(s) had no colour TTML can name (a TTML colour name, #rgb, #rrggbb or rgb()); their text was kept in the default colour",
            c.bad_colours
        ));
    }
    if c.bad_chars > 0 {
        warnings.push(format!(
            "{} control character(s) XML cannot carry were removed",
            c.bad_chars
        ));
    }
    if c.bad_ids > 0 {
        warnings.push(format!(
            "{} cue identifier(s) are not valid or unique XML ids (an id must start with a letter or _); those cues were written without xml:id",
            c.bad_ids
        ));
    }
    if c.empty > 0 {
        warnings.push(format!("{} cue(s) without text were not written", c.empty));
    }
    if c.no_duration > 0 {
        warnings.push(format!(
            "{} cue(s) end when they begin (or before) and will not be shown",
            c.no_duration
        ));
    }
    Written {
        bytes: out.into_bytes(),
        warnings,
    }
}
