//! Finishing what the reader read: a paragraph becomes a cue (lines, placement, times),
//! paragraphs without an end get one, and what was dropped or guessed is reported once
//! per kind.

use super::super::style;
use super::super::time;
use super::{Reader, FALLBACK_MS};
use crate::captions::{Align, Cue, Document, ParseError, Placement};

#[derive(Debug, Default)]
pub(super) struct Counts {
    pub timed_spans: usize,
    pub hidden: usize,
    pub no_end: usize,
    pub unknown_region: usize,
    pub bad_style: usize,
    pub pixels_without_root: bool,
    pub undeclared_rate: bool,
}

impl Reader<'_> {
    pub(super) fn finish_cue(&mut self) {
        let Some(open) = self.open.take() else {
            return;
        };
        let lines = self.para.lines();
        // A paragraph with no visible text (only empty styled spans, say) shows nothing.
        let visible = |l: &String| {
            crate::captions::strip_tags(l)
                .chars()
                .any(|c| !c.is_whitespace() && !c.is_control())
        };
        if !lines.iter().any(visible) {
            return;
        }
        let region = open
            .region
            .as_ref()
            .map(|id| (id, self.head.as_ref().and_then(|h| h.regions.get(id))));
        let placement = match region {
            Some((id, Some(region))) => {
                style::placement(region, Some(id.to_string()), open.own_align, lines.len())
            }
            Some((id, None)) => {
                self.counts.unknown_region += 1;
                Placement {
                    region: Some(id.to_string()),
                    ..Placement::default()
                }
            }
            None => Placement {
                align: open.own_align.filter(|a| *a != Align::Center),
                ..Placement::default()
            },
        };
        let start_ms = time::to_ms(open.begin);
        let end_ms = match open.end.map(time::to_ms) {
            Some(end_ms) if end_ms <= start_ms => {
                self.counts.hidden += 1;
                return;
            }
            Some(end_ms) => end_ms,
            None => {
                self.open_ended.push(self.doc.cues.len());
                start_ms
            }
        };
        self.doc.cues.push(Cue {
            id: open.id,
            start_ms,
            end_ms,
            lines,
            placement,
        });
    }

    pub(super) fn finish(mut self) -> Result<Document, ParseError> {
        self.resolve_open_ends();
        let c = &self.counts;
        let unknown_refs = self.head.as_ref().map_or(0, |h| h.unknown_refs);
        let rate = self.input.frame_rate.name();
        let notes = [
            (c.timed_spans, "span(s) had timing of their own (karaoke style); their text was kept for the whole paragraph".to_string()),
            (c.hidden, "paragraph(s) are never shown (they end before they begin, or outside their parent's time) and were skipped".into()),
            (c.no_end, format!("paragraph(s) have no end time (none on them or their ancestors); each was ended at the next paragraph's start, or shown for {} seconds", FALLBACK_MS / 1000)),
            (c.unknown_region, "paragraph(s) name a region that the head does not declare; they were placed at the default position".into()),
            (unknown_refs, "style reference(s) name no declared style and were ignored".into()),
            (c.bad_style, "style value(s) could not be read and were ignored".into()),
        ];
        for (count, note) in notes {
            if count > 0 {
                self.doc.warnings.push(format!("{count} {note}"));
            }
        }
        if c.pixels_without_root {
            self.doc
                .warnings
                .push("region sizes in px need a tts:extent in px on <tt>; those sizes were ignored".into());
        }
        if c.undeclared_rate {
            self.doc.warnings.push(format!(
                "the file uses frame times but declares no ttp:frameRate; they were read at {rate}"
            ));
        }
        if self.doc.cues.is_empty() {
            return Err(ParseError::Empty);
        }
        // Document order need not be time order (e.g. one div per speaker).
        self.doc.cues.sort_by_key(|c| c.start_ms);
        Ok(self.doc)
    }

    /// A paragraph with no end anywhere ends at the next later paragraph's start, else
    /// after [`FALLBACK_MS`].
    fn resolve_open_ends(&mut self) {
        if self.open_ended.is_empty() {
            return;
        }
        self.counts.no_end = self.open_ended.len();
        let mut starts: Vec<i64> = self.doc.cues.iter().map(|c| c.start_ms).collect();
        starts.sort_unstable();
        for &i in &self.open_ended {
            if let Some(cue) = self.doc.cues.get_mut(i) {
                let next = starts.partition_point(|s| *s <= cue.start_ms);
                cue.end_ms = starts.get(next).copied().unwrap_or(cue.start_ms + FALLBACK_MS);
            }
        }
    }
}
