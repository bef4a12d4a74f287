//! Text encodings of caption files: UTF-8 (with or without a byte-order mark), UTF-16 with
//! a byte-order mark, and Windows-1252 for the 8-bit files that older tools still write.

use super::ParseError;
use std::borrow::Cow;

/// Windows-1252's 0x80–0x9F row (WHATWG Encoding Standard, index-windows-1252); `None`
/// where the code page defines no character.
const CP1252_HIGH: [Option<char>; 32] = [
    Some('€'),
    None,
    Some('‚'),
    Some('ƒ'),
    Some('„'),
    Some('…'),
    Some('†'),
    Some('‡'),
    Some('ˆ'),
    Some('‰'),
    Some('Š'),
    Some('‹'),
    Some('Œ'),
    None,
    Some('Ž'),
    None,
    None,
    Some('‘'),
    Some('’'),
    Some('“'),
    Some('”'),
    Some('•'),
    Some('–'),
    Some('—'),
    Some('˜'),
    Some('™'),
    Some('š'),
    Some('›'),
    Some('œ'),
    None,
    Some('ž'),
    Some('Ÿ'),
];

/// The text of a caption file, and which encoding it was read as.
pub struct Decoded<'a> {
    pub text: Cow<'a, str>,
    pub encoding: &'static str,
}

pub fn decode(bytes: &[u8]) -> Result<Decoded<'_>, ParseError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(rest)
            .map(|t| Decoded {
                text: t.into(),
                encoding: "UTF-8",
            })
            .map_err(|e| ParseError::Encoding {
                offset: 3 + e.valid_up_to(),
                encoding: "UTF-8 (it starts with a UTF-8 byte-order mark)",
            });
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return utf16(rest, u16::from_le_bytes, "UTF-16LE");
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return utf16(rest, u16::from_be_bytes, "UTF-16BE");
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(Decoded {
            text: text.into(),
            encoding: "UTF-8",
        }),
        Err(_) => windows_1252(bytes),
    }
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16, name: &'static str) -> Result<Decoded<'static>, ParseError> {
    if bytes.len() % 2 == 1 {
        return Err(ParseError::Encoding {
            offset: bytes.len() + 1,
            encoding: name,
        });
    }
    let units = bytes.chunks_exact(2).map(|pair| unit([pair[0], pair[1]]));
    let mut text = String::with_capacity(bytes.len() / 2);
    for (i, c) in char::decode_utf16(units).enumerate() {
        match c {
            Ok(c) => text.push(c),
            Err(_) => {
                return Err(ParseError::Encoding {
                    offset: 2 + i * 2,
                    encoding: name,
                })
            }
        }
    }
    Ok(Decoded {
        text: text.into(),
        encoding: name,
    })
}

fn windows_1252(bytes: &[u8]) -> Result<Decoded<'static>, ParseError> {
    let mut text = String::with_capacity(bytes.len() + bytes.len() / 8);
    for (offset, &b) in bytes.iter().enumerate() {
        let c = match b {
            0x80..=0x9F => CP1252_HIGH[usize::from(b - 0x80)].ok_or(ParseError::Encoding {
                offset,
                encoding: "UTF-8 or Windows-1252",
            })?,
            _ => char::from(b),
        };
        text.push(c);
    }
    Ok(Decoded {
        text: text.into(),
        encoding: "Windows-1252",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_each_supported_encoding() {
        assert_eq!(
            decode(b"\xEF\xBB\xBFhi").map(|d| d.text.into_owned()),
            Ok("hi".into())
        );
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("é€".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain("é€".encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        for (bytes, name) in [(le, "UTF-16LE"), (be, "UTF-16BE")] {
            let d = decode(&bytes).expect("decodes");
            assert_eq!((d.text.as_ref(), d.encoding), ("é€", name));
        }
        let d = decode(b"caf\xE9 \x80 \x93ok\x94").expect("cp1252");
        assert_eq!((d.text.as_ref(), d.encoding), ("café € “ok”", "Windows-1252"));
    }

    #[test]
    fn undecodable_bytes_are_located() {
        assert_eq!(
            decode(b"ok\x81").err(),
            Some(ParseError::Encoding {
                offset: 2,
                encoding: "UTF-8 or Windows-1252"
            })
        );
        let lone_surrogate = [0xFF, 0xFE, 0x41, 0x00, 0x00, 0xD8, 0x41, 0x00];
        assert_eq!(
            decode(&lone_surrogate).err(),
            Some(ParseError::Encoding {
                offset: 4,
                encoding: "UTF-16LE"
            })
        );
    }
}
