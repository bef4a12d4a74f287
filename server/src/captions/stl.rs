//! EBU STL — reader and writer to come (issue 4).

use super::Format;

pub const FORMAT: Format = Format {
    profile: "EBU STL",
    extension: "stl",
    content_type: "application/octet-stream",
    binary: true,
    read: None,
    write: None,
    decode_options: &[],
    encode_options: &[],
};
