//! Scenarist V1.0 (SCC) — reader and writer to come (issue 4).

use super::Format;

pub const FORMAT: Format = Format {
    profile: "Scenarist V1.0 (SCC)",
    extension: "scc",
    content_type: "text/plain; charset=utf-8",
    binary: false,
    read: None,
    write: None,
    decode_options: &[],
    encode_options: &[],
};
