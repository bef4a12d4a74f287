//! CEA-608-E character sets (§ 6.4 and Annex A): the standard set (one byte, mostly
//! ASCII), the special North American characters (`11 30`–`11 3F`), and the extended
//! Western European characters (`12 20`–`13 3F`), which a decoder draws over the character
//! before them (the sender puts a standard fallback there for older decoders).

/// The standard character of a byte `0x20..=0x7F` (after the parity bit is stripped).
/// Ten positions differ from ASCII (§ 6.4.1).
pub(super) fn standard(b: u8) -> char {
    match b {
        0x2A => 'á',
        0x5C => 'é',
        0x5E => 'í',
        0x5F => 'ó',
        0x60 => 'ú',
        0x7B => 'ç',
        0x7C => '÷',
        0x7D => 'Ñ',
        0x7E => 'ñ',
        0x7F => '■',
        _ => char::from(b),
    }
}

/// `11 30`..`11 3F` (`19 xx` on data channel 2). `11 39` is the transparent space, kept as
/// a no-break space.
pub(super) const SPECIAL: [char; 16] = [
    '®', '°', '½', '¿', '™', '¢', '£', '♪', 'à', '\u{a0}', 'è', 'â', 'ê', 'î', 'ô', 'û',
];

/// `12 20`..`12 3F`: extended Spanish, miscellaneous and French.
pub(super) const EXTENDED_12: [char; 32] = [
    'Á', 'É', 'Ó', 'Ú', 'Ü', 'ü', '‘', '¡', '*', '\'', '—', '©', '℠', '•', '“', '”', //
    'À', 'Â', 'Ç', 'È', 'Ê', 'Ë', 'ë', 'Î', 'Ï', 'ï', 'Ô', 'Ù', 'ù', 'Û', '«', '»',
];

/// `13 20`..`13 3F`: extended Portuguese, German and Danish.
pub(super) const EXTENDED_13: [char; 32] = [
    'Ã', 'ã', 'Í', 'Ì', 'ì', 'Ò', 'ò', 'Õ', 'õ', '{', '}', '\\', '^', '_', '|', '~', //
    'Ä', 'ä', 'Ö', 'ö', 'ß', '¥', '¤', '¦', 'Å', 'å', 'Ø', 'ø', '┌', '┐', '└', '┘',
];

/// The standard character sent before each extended one, for decoders without the
/// extended set (same order as [`EXTENDED_12`] and [`EXTENDED_13`]).
const FALLBACK_12: &[u8; 32] = b"AEOUUu'!.'-cS.\"\"AACEEEeIIiOUuU\"\"";
const FALLBACK_13: &[u8; 32] = b"AaIIiOoOo()/ -!-AaOosYo!AaOo++++";

/// How the writer sends one character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Code {
    /// One byte of the standard set.
    Standard(u8),
    /// The second byte of `11 xx`.
    Special(u8),
    /// The first byte (`0x12`/`0x13`), the second byte, and the standard fallback byte.
    Extended(u8, u8, u8),
}

/// The 608 code of a character, if 608 has it.
pub(super) fn encode(c: char) -> Option<Code> {
    match c {
        'á' => return Some(Code::Standard(0x2A)),
        'é' => return Some(Code::Standard(0x5C)),
        'í' => return Some(Code::Standard(0x5E)),
        'ó' => return Some(Code::Standard(0x5F)),
        'ú' => return Some(Code::Standard(0x60)),
        'ç' => return Some(Code::Standard(0x7B)),
        '÷' => return Some(Code::Standard(0x7C)),
        'Ñ' => return Some(Code::Standard(0x7D)),
        'ñ' => return Some(Code::Standard(0x7E)),
        '■' => return Some(Code::Standard(0x7F)),
        '*' | '\\' | '^' | '_' | '`' | '{' | '|' | '}' | '~' => {}
        ' '..='~' => return Some(Code::Standard(c as u8)),
        _ => {}
    }
    if let Some(i) = SPECIAL.iter().position(|&s| s == c) {
        return Some(Code::Special(0x30 + i as u8));
    }
    for (first, table, fallback) in [
        (0x12, &EXTENDED_12, FALLBACK_12),
        (0x13, &EXTENDED_13, FALLBACK_13),
    ] {
        if let Some(i) = table.iter().position(|&e| e == c) {
            return Some(Code::Extended(first, 0x20 + i as u8, fallback[i]));
        }
    }
    None
}

/// A close equivalent 608 can carry, for characters it cannot (checked before dropping).
pub(super) fn equivalent(c: char) -> Option<&'static str> {
    Some(match c {
        '’' | '`' | '´' | '′' | '‚' => "'",
        '„' | '″' => "\"",
        '‐' | '‑' | '‒' | '–' | '−' => "-",
        '―' => "—",
        '…' => "...",
        '‹' => "<",
        '›' => ">",
        '×' => "x",
        '€' => "EUR",
        '\t' | '\u{2000}'..='\u{200a}' | '\u{202f}' | '\u{3000}' => " ",
        'Æ' => "AE",
        'æ' => "ae",
        'Œ' => "OE",
        'œ' => "oe",
        'Ð' | 'Đ' | 'Ď' => "D",
        'ð' | 'đ' | 'ď' => "d",
        'Ý' | 'Ÿ' => "Y",
        'ý' | 'ÿ' => "y",
        'Þ' => "Th",
        'þ' => "th",
        'Ā' | 'Ă' | 'Ą' => "A",
        'ā' | 'ă' | 'ą' => "a",
        'Ć' | 'Č' | 'Ĉ' | 'Ċ' => "C",
        'ć' | 'č' | 'ĉ' | 'ċ' => "c",
        'Ē' | 'Ė' | 'Ę' | 'Ě' => "E",
        'ē' | 'ė' | 'ę' | 'ě' => "e",
        'Ğ' | 'Ġ' | 'Ģ' => "G",
        'ğ' | 'ġ' | 'ģ' => "g",
        'Ī' | 'Į' | 'İ' => "I",
        'ī' | 'į' | 'ı' => "i",
        'Ł' | 'Ľ' | 'Ĺ' | 'Ļ' => "L",
        'ł' | 'ľ' | 'ĺ' | 'ļ' => "l",
        'Ń' | 'Ň' | 'Ņ' => "N",
        'ń' | 'ň' | 'ņ' => "n",
        'Ō' | 'Ő' => "O",
        'ō' | 'ő' => "o",
        'Ř' | 'Ŕ' => "R",
        'ř' | 'ŕ' => "r",
        'Ś' | 'Š' | 'Ş' | 'Ș' => "S",
        'ś' | 'š' | 'ş' | 'ș' => "s",
        'Ť' | 'Ţ' | 'Ț' => "T",
        'ť' | 'ţ' | 'ț' => "t",
        'Ū' | 'Ů' | 'Ű' | 'Ų' => "U",
        'ū' | 'ů' | 'ű' | 'ų' => "u",
        'Ź' | 'Ž' | 'Ż' => "Z",
        'ź' | 'ž' | 'ż' => "z",
        _ => return None,
    })
}
