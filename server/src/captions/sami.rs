//! SAMI — reader and writer to come (issue 4).

use super::Format;

pub const FORMAT: Format = Format {
    profile: "SAMI",
    extension: "smi",
    content_type: "application/smil+xml; charset=utf-8",
    binary: false,
    read: None,
    write: None,
    decode_options: &[],
    encode_options: &[],
};
