//! TTML — reader and writer to come (issue 4).

use super::Format;

pub const TTML: Format = Format {
    profile: "TTML",
    extension: "ttml",
    content_type: "application/ttml+xml; charset=utf-8",
    binary: false,
    read: None,
    write: None,
    decode_options: &[],
    encode_options: &[],
};

pub const DFXP: Format = Format {
    profile: "DFXP",
    extension: "dfxp",
    ..TTML
};

pub const IMSC: Format = Format {
    profile: "IMSC1.1 Text",
    extension: "ttml",
    ..TTML
};
