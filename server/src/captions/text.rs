//! Plain text transcript (`.txt`), profile `Plain Text`, write only: the captions' words,
//! one caption per paragraph, without timing or styling.

use super::{Document, Format, Output, Written};

pub const FORMAT: Format = Format {
    profile: "Plain Text",
    extension: "txt",
    content_type: "text/plain; charset=utf-8",
    binary: false,
    read: None,
    write: Some(write),
    decode_options: &[],
    encode_options: &[],
};

fn write(doc: &Document, _: &Output<'_>) -> Written {
    write_doc(doc)
}

fn write_doc(doc: &Document) -> Written {
    let paragraphs: Vec<String> = doc
        .cues
        .iter()
        .map(|cue| {
            cue.lines
                .iter()
                .map(|l| super::strip_tags(l).trim().to_string())
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|p| !p.is_empty())
        .collect();
    let mut out = paragraphs.join("\n\n");
    out.push('\n');
    Written {
        bytes: out.into_bytes(),
        warnings: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::captions::Cue;

    #[test]
    fn writes_words_only() {
        let cue = |lines: &[&str]| Cue {
            id: None,
            start_ms: 0,
            end_ms: 1,
            lines: lines.iter().map(|s| s.to_string()).collect(),
            ..Cue::default()
        };
        let doc = Document {
            cues: vec![cue(&["<i>Hello</i>", "world"]), cue(&["  "]), cue(&["Bye"])],
            ..Document::default()
        };
        assert_eq!(
            String::from_utf8(write_doc(&doc).bytes).expect("utf-8"),
            "Hello world\n\nBye\n"
        );
    }
}
