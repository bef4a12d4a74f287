//! The TTML / DFXP / IMSC reader: one streaming pass over the XML (quick-xml events), with
//! a stack of the open elements' timing, style and region; `head` styles and regions are
//! resolved when `body` starts (TTML requires `head` first). Memory is the cues plus the
//! open elements, so reading is linear in the file.
//!
//! Timing follows TTML2 §12.4: in a `par` container (the default) an element's `begin` and
//! `end` count from its parent's begin, in a `seq` container from the previous sibling's
//! end; `dur` counts from the element's own begin; an element ends no later than its
//! parent. A paragraph with no end anywhere (TTML: shown indefinitely) ends at the next
//! later paragraph's start, or after [`FALLBACK_MS`]. Spans with timing of their own
//! (karaoke) are flattened into their paragraph, with a warning.

mod finish;

use super::head::{self, Head, RegionDef, StyleDef};
use super::style::{self, Root, Style};
use super::text::Paragraph;
use super::time::{self, Timing};
use super::xml::{attr_ns, element_ns, line_at, xml_error, AttrNs, Ns};
use super::NS_TT;
use crate::captions::{Align, Document, Input, ParseError};
use finish::Counts;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::NamespaceResolver;
use quick_xml::NsReader;
use std::borrow::Cow;
use std::rc::Rc;

/// Deeper nesting than this is not a caption file (and would let the stack grow unbounded).
const MAX_DEPTH: usize = 200;
/// How long a paragraph with no end anywhere is shown when nothing follows it.
const FALLBACK_MS: i64 = 5000;

pub(crate) fn read(input: &Input<'_>) -> Result<Document, ParseError> {
    Reader::new(input).run()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Tt,
    Head,
    Styling,
    Layout,
    /// A `style` in `styling`.
    StyleDef,
    /// A `region` (or a `style` inside it): its index in `Reader::region_defs`.
    Region(usize),
    Body,
    Div,
    P,
    Span,
    Br,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Tt => "tt",
            Kind::Head => "head",
            Kind::Styling => "styling",
            Kind::Layout => "layout",
            Kind::StyleDef => "style",
            Kind::Region(_) => "region",
            Kind::Body => "body",
            Kind::Div => "div",
            Kind::P => "p",
            Kind::Span => "span",
            Kind::Br => "br",
        }
    }
}

/// One open element.
#[derive(Debug, Clone)]
struct Frame {
    kind: Kind,
    /// Absolute begin, in seconds.
    begin: f64,
    /// Absolute end (already capped by the ancestors'), if known.
    end: Option<f64>,
    /// `timeContainer="seq"`: children follow one another from `cursor`.
    seq: bool,
    cursor: f64,
    /// The latest end among the children: the implicit end, for a `seq` parent.
    latest_child_end: Option<f64>,
    /// The specified styles of this element and its content ancestors, merged.
    style: Style,
    region: Option<Rc<str>>,
    preserve: bool,
}

impl Frame {
    fn plain(kind: Kind, preserve: bool) -> Frame {
        Frame {
            kind,
            begin: 0.0,
            end: None,
            seq: false,
            cursor: 0.0,
            latest_child_end: None,
            style: Style::default(),
            region: None,
            preserve,
        }
    }
}

/// The attributes of one element that the reader uses, borrowed from the file where
/// possible.
#[derive(Debug, Default)]
struct Attrs<'e> {
    id: Option<Cow<'e, str>>,
    begin: Option<Cow<'e, str>>,
    end: Option<Cow<'e, str>>,
    dur: Option<Cow<'e, str>>,
    seq: bool,
    style_refs: Option<Cow<'e, str>>,
    region: Option<Cow<'e, str>>,
    space: Option<bool>,
    lang: Option<Cow<'e, str>>,
    /// Inline `tts:` styles.
    inline: Style,
    /// `ttp:` parameters (on `tt`), and `tts:extent` of `tt` as `extent`.
    params: Vec<(&'static str, String)>,
}

impl Attrs<'_> {
    fn timed(&self) -> bool {
        self.begin.is_some() || self.end.is_some() || self.dur.is_some()
    }

    fn refs(&self) -> impl Iterator<Item = &str> {
        self.style_refs.iter().flat_map(|s| s.split_ascii_whitespace())
    }
}

/// The paragraph being read (its text is in `Reader::para`).
#[derive(Debug)]
struct Open {
    id: Option<String>,
    begin: f64,
    end: Option<f64>,
    region: Option<Rc<str>>,
    /// The region's style: the base every text run's style is applied over.
    base: Style,
    own_align: Option<Align>,
}

struct Reader<'a> {
    text: &'a str,
    input: &'a Input<'a>,
    timing: Timing,
    root: Root,
    declared_rate: bool,
    style_defs: Vec<StyleDef>,
    region_defs: Vec<RegionDef>,
    head: Option<Head>,
    stack: Vec<Frame>,
    /// Depth inside an element that is skipped with all its content.
    skip: usize,
    open: Option<Open>,
    para: Paragraph,
    /// Cues whose end is not known (no end on them or any ancestor).
    open_ended: Vec<usize>,
    doc: Document,
    counts: Counts,
    /// Byte offset where the current event starts.
    at: usize,
}

impl<'a> Reader<'a> {
    fn new(input: &'a Input<'a>) -> Self {
        Reader {
            text: input.text,
            input,
            timing: Timing {
                rate: 30.0,
                sub_frame_rate: 1.0,
                tick_rate: 1.0,
                smpte: None,
            },
            root: Root {
                pixels: None,
                cells: (32.0, 15.0),
            },
            declared_rate: false,
            style_defs: Vec::new(),
            region_defs: Vec::new(),
            head: None,
            stack: Vec::new(),
            skip: 0,
            open: None,
            para: Paragraph::default(),
            open_ended: Vec::new(),
            doc: Document::default(),
            counts: Counts::default(),
            at: 0,
        }
    }

    fn error(&self, offset: usize, message: String) -> ParseError {
        ParseError::AtLine {
            line: line_at(self.text, offset),
            message,
        }
    }

    fn run(mut self) -> Result<Document, ParseError> {
        // About one cue per 150 bytes of TTML: reserve once rather than grow and copy.
        self.doc.cues.reserve((self.text.len() / 150).min(1 << 20));
        let mut reader = NsReader::from_str(self.text);
        reader.resolver_mut().set_max_namespace_bindings(64);
        let mut root_seen = false;
        loop {
            self.at = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
            let (ns, event) = match reader.read_resolved_event() {
                Ok((ns, event)) => (element_ns(&ns), event),
                Err(e) => {
                    let at = usize::try_from(reader.error_position()).unwrap_or(self.at);
                    return Err(self.error(at, xml_error(&e)));
                }
            };
            let in_text = self.skip == 0 && self.open.is_some();
            match &event {
                Event::Start(e) | Event::Empty(e) => {
                    let empty = matches!(event, Event::Empty(_));
                    let pushed = if self.skip > 0 {
                        false
                    } else if !root_seen {
                        root_seen = true;
                        self.root_element(e, ns, reader.resolver())?;
                        true
                    } else {
                        // Content after the root element is not ours.
                        !self.stack.is_empty() && self.start(e, ns, reader.resolver())?
                    };
                    if !pushed {
                        self.skip += usize::from(!empty);
                    } else if empty {
                        self.end();
                    }
                }
                Event::End(_) if self.skip > 0 => self.skip -= 1,
                Event::End(_) => self.end(),
                Event::Text(t) if in_text => self.push_text(&t.xml10_content()),
                Event::CData(t) if in_text => self.push_text(&t.xml10_content()),
                Event::GeneralRef(r) if in_text => {
                    let resolved: Cow<'_, str> = match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string().into(),
                        Ok(None) => match &**r {
                            "amp" => "&".into(),
                            "lt" => "<".into(),
                            "gt" => ">".into(),
                            "quot" => "\"".into(),
                            "apos" => "'".into(),
                            "nbsp" => "\u{a0}".into(),
                            other => format!("&{other};").into(),
                        },
                        Err(_) => {
                            let message = format!("malformed XML: &{}; is not a character XML allows", &**r);
                            return Err(self.error(self.at, message));
                        }
                    };
                    self.push_text(&resolved);
                }
                Event::Eof => break,
                _ => {}
            }
        }
        if !root_seen {
            if self.text.trim().is_empty() {
                return Err(ParseError::Empty);
            }
            let message = "expected an XML document whose root element is <tt>; this is not a TTML file";
            return Err(self.error(0, message.into()));
        }
        if let Some(open) = self.stack.last() {
            let name = open.kind.name();
            return Err(self.error(
                self.text.len(),
                format!("malformed XML: the file ends inside <{name}>; expected </{name}> and the closing tags of the elements around it"),
            ));
        }
        self.finish()
    }

    /// The attributes of `e` that matter here.
    fn attributes<'e>(
        &mut self,
        e: &'e BytesStart<'_>,
        resolver: &NamespaceResolver,
    ) -> Result<Attrs<'e>, ParseError> {
        let mut attrs = Attrs::default();
        let is_tt = e.local_name().as_ref() == "tt";
        // Checks off: duplicate detection is quadratic in the attribute count.
        for attr in e.attributes().with_checks(false) {
            let attr = attr.map_err(|err| {
                self.error(
                    self.at,
                    format!("malformed XML: {err}; expected name=\"value\" attributes"),
                )
            })?;
            let value = attr
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|err| self.error(self.at, xml_error(&err)))?;
            let local = attr.key.local_name();
            match (attr_ns(resolver, attr.key), local.as_ref()) {
                (AttrNs::Plain, "begin") => attrs.begin = Some(value),
                (AttrNs::Plain, "end") => attrs.end = Some(value),
                (AttrNs::Plain, "dur") => attrs.dur = Some(value),
                (AttrNs::Plain, "timeContainer") => attrs.seq = value.trim() == "seq",
                (AttrNs::Plain, "style") => attrs.style_refs = Some(value),
                (AttrNs::Plain, "region") => attrs.region = Some(value),
                (AttrNs::Xml, "id") => attrs.id = Some(value),
                (AttrNs::Xml, "space") => attrs.space = Some(value.trim() == "preserve"),
                (AttrNs::Xml, "lang") => attrs.lang = Some(value),
                (AttrNs::Styling, "extent") if is_tt => attrs.params.push(("extent", value.into_owned())),
                (AttrNs::Styling, name) => {
                    let mut missing = false;
                    if !style::set(&mut attrs.inline, name, &value, &self.root, &mut missing) {
                        self.counts.bad_style += 1;
                    }
                    self.counts.pixels_without_root |= missing;
                }
                (AttrNs::Parameter, name) if is_tt => {
                    const KNOWN: [&str; 8] = [
                        "frameRate",
                        "frameRateMultiplier",
                        "subFrameRate",
                        "tickRate",
                        "timeBase",
                        "dropMode",
                        "cellResolution",
                        "extent",
                    ];
                    if let Some(known) = KNOWN.iter().find(|k| **k == name) {
                        attrs.params.push((known, value.into_owned()));
                    }
                }
                _ => {}
            }
        }
        Ok(attrs)
    }

    /// `tt`: the document's parameters.
    fn root_element(
        &mut self,
        e: &BytesStart<'_>,
        ns: Ns,
        resolver: &NamespaceResolver,
    ) -> Result<(), ParseError> {
        if e.local_name().as_ref() != "tt" || ns == Ns::Foreign {
            let name = e.name();
            return Err(self.error(
                self.at,
                format!(
                    "expected the root element <tt> of a TTML document (namespace {NS_TT}), found <{}>; this is not a TTML file",
                    name.as_ref()
                ),
            ));
        }
        if ns == Ns::None {
            self.doc.warnings.push(format!(
                "the <tt> element declares no namespace (TTML's is {NS_TT}); it was read as TTML"
            ));
        }
        let attrs = self.attributes(e, resolver)?;
        self.doc.language = attrs
            .lang
            .as_deref()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from);
        let params = head::parameters(&attrs.params, self.input, &mut self.doc);
        (self.timing, self.root, self.declared_rate) = (params.timing, params.root, params.declared_rate);
        self.stack.push(Frame::plain(Kind::Tt, attrs.space == Some(true)));
        Ok(())
    }

    /// The line of attribute `name` in the tag that starts at `self.at`.
    fn attribute_line(&self, name: &str) -> usize {
        let raw = self.text.get(self.at..).unwrap_or("");
        let tag = &raw[..raw.find('>').unwrap_or(raw.len())];
        let before = tag.find(&format!("{name}=")).map_or("", |i| &tag[..i]);
        line_at(self.text, self.at) + before.matches('\n').count()
    }

    /// A time attribute of the element `element`, in seconds.
    fn time(&self, value: Option<&str>, name: &str, element: &str) -> Result<Option<f64>, ParseError> {
        let Some(v) = value else {
            return Ok(None);
        };
        time::parse(v, &self.timing)
            .map(Some)
            .ok_or_else(|| ParseError::AtLine {
                line: self.attribute_line(name),
                message: format!(
                    "{name}=\"{v}\" on <{element}> is not a TTML time expression; use {}",
                    time::FORMS
                ),
            })
    }

    /// An element opens. Returns false when it (and all it contains) is to be skipped.
    fn start(
        &mut self,
        e: &BytesStart<'_>,
        ns: Ns,
        resolver: &NamespaceResolver,
    ) -> Result<bool, ParseError> {
        let Some(parent) = self.stack.last().map(|f| f.kind).filter(|_| ns != Ns::Foreign) else {
            return Ok(false);
        };
        let local = e.local_name();
        let kind = match (parent, local.as_ref()) {
            (Kind::Tt, "head") => Kind::Head,
            (Kind::Tt, "body") => Kind::Body,
            (Kind::Head, "styling") => Kind::Styling,
            (Kind::Head, "layout") => Kind::Layout,
            (Kind::Styling, "style") => Kind::StyleDef,
            (Kind::Layout, "region") => Kind::Region(self.region_defs.len()),
            // A style inside a region styles that region.
            (Kind::Region(i), "style") => Kind::Region(i),
            (Kind::Body | Kind::Div, "div") => Kind::Div,
            (Kind::Body | Kind::Div, "p") => Kind::P,
            (Kind::P | Kind::Span, "span") => Kind::Span,
            (Kind::P | Kind::Span, "br") => Kind::Br,
            _ => return Ok(false),
        };
        if self.stack.len() >= MAX_DEPTH {
            let message = format!("elements nest more than {MAX_DEPTH} deep; expected a caption document");
            return Err(self.error(self.at, message));
        }
        let attrs = self.attributes(e, resolver)?;
        let preserve = attrs
            .space
            .unwrap_or_else(|| self.stack.last().is_some_and(|f| f.preserve));
        match kind {
            Kind::StyleDef => self.style_defs.push(StyleDef {
                id: attrs.id.as_deref().unwrap_or("").trim().to_string(),
                own: attrs.inline,
                refs: attrs.refs().map(String::from).collect(),
            }),
            Kind::Region(_) if parent == Kind::Layout => self.region_defs.push(RegionDef {
                id: attrs.id.as_deref().unwrap_or("").trim().to_string(),
                own: attrs.inline,
                refs: attrs.refs().map(String::from).collect(),
                nested: Style::default(),
            }),
            Kind::Region(i) => {
                if let Some(def) = self.region_defs.get_mut(i) {
                    def.nested.apply(&attrs.inline);
                }
            }
            Kind::Body | Kind::Div | Kind::P | Kind::Span | Kind::Br => {
                self.content(kind, &attrs, local.as_ref(), preserve)?;
                return Ok(true);
            }
            Kind::Head | Kind::Styling | Kind::Layout | Kind::Tt => {}
        }
        self.stack.push(Frame::plain(kind, preserve));
        Ok(true)
    }

    /// A content element (`body`, `div`, `p`, `span`, `br`) opens: its time interval,
    /// computed style and region.
    fn content(
        &mut self,
        kind: Kind,
        attrs: &Attrs<'_>,
        element: &str,
        preserve: bool,
    ) -> Result<(), ParseError> {
        if self.head.is_none() {
            self.head = Some(head::resolve(&self.style_defs, &self.region_defs));
        }
        let Some(parent) = self.stack.last() else {
            return Ok(());
        };
        let base = if parent.seq { parent.cursor } else { parent.begin };
        let begin = base
            + self
                .time(attrs.begin.as_deref(), "begin", element)?
                .unwrap_or(0.0);
        let mut end = self.time(attrs.end.as_deref(), "end", element)?.map(|e| base + e);
        if let Some(dur) = self.time(attrs.dur.as_deref(), "dur", element)? {
            end = Some(end.map_or(begin + dur, |e| e.min(begin + dur)));
        }
        let end = match (end.map(|e| e.max(begin)), parent.end) {
            (Some(e), Some(p)) => Some(e.min(p)),
            (e, p) => e.or(p),
        };
        let uses_frames = |v: &Option<Cow<'_, str>>| {
            v.as_deref()
                .is_some_and(|v| v.matches(':').count() == 3 || v.trim_end().ends_with('f'))
        };
        if !self.declared_rate
            && (uses_frames(&attrs.begin) || uses_frames(&attrs.end) || uses_frames(&attrs.dur))
        {
            self.counts.undeclared_rate = true;
        }
        let mut style = parent.style;
        let head = self.head.get_or_insert_with(Head::default);
        let region = match attrs.region.as_deref().map(str::trim) {
            // The declared region's own name: no allocation per paragraph.
            Some(r) => Some(
                head.regions
                    .get_key_value(r)
                    .map_or_else(|| Rc::from(r), |(k, _)| k.clone()),
            ),
            None => parent.region.clone(),
        };
        for id in attrs.refs() {
            match head.styles.get(id) {
                Some(s) => style.apply(s),
                None => head.unknown_refs += 1,
            }
        }
        style.apply(&attrs.inline);
        match kind {
            Kind::P if self.open.is_none() => {
                let base = region
                    .as_ref()
                    .and_then(|r| head.regions.get(r))
                    .copied()
                    .unwrap_or_default();
                self.para.clear();
                self.open = Some(Open {
                    id: attrs
                        .id
                        .as_deref()
                        .map(str::trim)
                        .filter(|id| !id.is_empty())
                        .map(String::from),
                    begin,
                    end,
                    region: region.clone(),
                    base,
                    own_align: style.text_align,
                });
            }
            Kind::Span if attrs.timed() => self.counts.timed_spans += 1,
            Kind::Br if self.open.is_some() => self.para.break_line(),
            _ => {}
        }
        self.stack.push(Frame {
            kind,
            begin,
            end,
            seq: attrs.seq,
            cursor: begin,
            latest_child_end: None,
            style,
            region,
            preserve,
        });
        Ok(())
    }

    fn push_text(&mut self, text: &str) {
        let (Some(open), Some(frame)) = (self.open.as_ref(), self.stack.last()) else {
            return;
        };
        let mut style = open.base;
        style.apply(&frame.style);
        self.para.push(text, style.text(), frame.preserve);
    }

    /// The innermost element closes.
    fn end(&mut self) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        if frame.kind == Kind::Head && self.head.is_none() {
            self.head = Some(head::resolve(&self.style_defs, &self.region_defs));
        }
        if frame.kind == Kind::P {
            self.finish_cue();
        }
        // The active end, for a seq parent's next child and the parent's implicit end.
        let active_end = frame.end.or(frame.latest_child_end).unwrap_or(frame.begin);
        if let Some(parent) = self.stack.last_mut() {
            parent.cursor = active_end;
            parent.latest_child_end = Some(parent.latest_child_end.map_or(active_end, |e| e.max(active_end)));
        }
    }
}
