//! The Text Field character code tables of EBU Tech 3264 §5 and Appendix 2: CCT `00`
//! (Latin, ISO 6937, where the non-spacing diacritical marks 0xC1–0xCF come *before* the
//! letter they sit on) and CCTs `01`–`04` (ISO 8859-5 Cyrillic, 8859-6 Arabic, 8859-7
//! Greek, 8859-8 Hebrew upper halves). Bytes 0x20–0x7E are ASCII in every table; 0x00–0x1F
//! and 0x80–0x9F are control codes, handled by the reader, not here.

/// A TTI Text Field character code table (GSI field CCT).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Table {
    Latin,
    Cyrillic,
    Arabic,
    Greek,
    Hebrew,
}

impl Table {
    /// The table a CCT value names.
    pub(super) fn from_cct(cct: &[u8]) -> Option<Table> {
        Some(match cct {
            b"00" => Table::Latin,
            b"01" => Table::Cyrillic,
            b"02" => Table::Arabic,
            b"03" => Table::Greek,
            b"04" => Table::Hebrew,
            _ => return None,
        })
    }

    pub(super) fn name(self) -> &'static str {
        match self {
            Table::Latin => "00 (Latin, ISO 6937)",
            Table::Cyrillic => "01 (Latin/Cyrillic, ISO 8859-5)",
            Table::Arabic => "02 (Latin/Arabic, ISO 8859-6)",
            Table::Greek => "03 (Latin/Greek, ISO 8859-7)",
            Table::Hebrew => "04 (Latin/Hebrew, ISO 8859-8)",
        }
    }

    /// The character of a byte 0xA0–0xFF that is not a diacritical prefix; `None` where
    /// the table has no character.
    pub(super) fn upper(self, byte: u8) -> Option<char> {
        let c = match self {
            Table::Latin => LATIN_UPPER[usize::from(byte.checked_sub(0xA0)?)],
            Table::Cyrillic => return cyrillic(byte),
            Table::Arabic => return arabic(byte),
            Table::Greek => return greek(byte),
            Table::Hebrew => return hebrew(byte),
        };
        (c != '\0').then_some(c)
    }
}

/// ISO 6937 (Tech 3264 Appendix 2, table 00) 0xA0–0xFF; `\0` marks the diacritical
/// prefixes 0xC1–0xCF and unassigned positions.
const LATIN_UPPER: [char; 96] = [
    '\u{a0}', '¡', '¢', '£', '$', '¥', '#', '§', '¤', '‘', '“', '«', '←', '↑', '→', '↓', //
    '°', '±', '²', '³', '×', 'µ', '¶', '·', '÷', '’', '”', '»', '¼', '½', '¾', '¿', //
    '\0', '\0', '\0', '\0', '\0', '\0', '\0', '\0', '\0', '\0', '\0', '\0', '\0', '\0', '\0', '\0', //
    '―', '¹', '®', '©', '™', '♪', '¬', '¦', '\0', '\0', '\0', '\0', '⅛', '⅜', '⅝', '⅞', //
    'Ω', 'Æ', 'Đ', 'ª', 'Ħ', '\0', 'Ĳ', 'Ŀ', 'Ł', 'Ø', 'Œ', 'º', 'Þ', 'Ŧ', 'Ŋ', 'ŉ', //
    'ĸ', 'æ', 'đ', 'ð', 'ħ', 'ı', 'ĳ', 'ŀ', 'ł', 'ø', 'œ', 'ß', 'þ', 'ŧ', 'ŋ', '\u{ad}',
];

/// One ISO 6937 non-spacing diacritical mark: its prefix byte, the spacing form it takes
/// before a space, the Unicode combining mark used for letters with no precomposed form,
/// and the letters it combines with and their precomposed forms (same order).
struct Diacritic {
    byte: u8,
    spacing: char,
    combining: char,
    bases: &'static str,
    composed: &'static str,
}

const DIACRITICS: [Diacritic; 13] = [
    Diacritic {
        byte: 0xC1,
        spacing: '`',
        combining: '\u{300}',
        bases: "AEIOUaeiou",
        composed: "ÀÈÌÒÙàèìòù",
    },
    Diacritic {
        byte: 0xC2,
        spacing: '´',
        combining: '\u{301}',
        bases: "ACEILNORSUYZacegilnorsuyz",
        composed: "ÁĆÉÍĹŃÓŔŚÚÝŹáćéģíĺńóŕśúýź",
    },
    Diacritic {
        byte: 0xC3,
        spacing: '^',
        combining: '\u{302}',
        bases: "ACEGHIJOSUWYaceghijosuwy",
        composed: "ÂĈÊĜĤÎĴÔŜÛŴŶâĉêĝĥîĵôŝûŵŷ",
    },
    Diacritic {
        byte: 0xC4,
        spacing: '~',
        combining: '\u{303}',
        bases: "AINOUainou",
        composed: "ÃĨÑÕŨãĩñõũ",
    },
    Diacritic {
        byte: 0xC5,
        spacing: '¯',
        combining: '\u{304}',
        bases: "AEIOUaeiou",
        composed: "ĀĒĪŌŪāēīōū",
    },
    Diacritic {
        byte: 0xC6,
        spacing: '˘',
        combining: '\u{306}',
        bases: "AGUagu",
        composed: "ĂĞŬăğŭ",
    },
    Diacritic {
        byte: 0xC7,
        spacing: '˙',
        combining: '\u{307}',
        bases: "CEGIZcegz",
        composed: "ĊĖĠİŻċėġż",
    },
    Diacritic {
        byte: 0xC8,
        spacing: '¨',
        combining: '\u{308}',
        bases: "AEIOUYaeiouy",
        composed: "ÄËÏÖÜŸäëïöüÿ",
    },
    Diacritic {
        byte: 0xCA,
        spacing: '˚',
        combining: '\u{30a}',
        bases: "AUau",
        composed: "ÅŮåů",
    },
    Diacritic {
        byte: 0xCB,
        spacing: '¸',
        combining: '\u{327}',
        bases: "CGKLNRSTcgklnrst",
        composed: "ÇĢĶĻŅŖŞŢçģķļņŗşţ",
    },
    Diacritic {
        byte: 0xCD,
        spacing: '˝',
        combining: '\u{30b}',
        bases: "OUou",
        composed: "ŐŰőű",
    },
    Diacritic {
        byte: 0xCE,
        spacing: '˛',
        combining: '\u{328}',
        bases: "AEIUaeiu",
        composed: "ĄĘĮŲąęįų",
    },
    Diacritic {
        byte: 0xCF,
        spacing: 'ˇ',
        combining: '\u{30c}',
        bases: "CDELNRSTZcdelnrstz",
        composed: "ČĎĚĽŇŘŠŤŽčďěľňřšťž",
    },
];

/// True for the ISO 6937 diacritical prefix bytes (0xC9 and 0xCC are unassigned; 0xC9
/// was an umlaut in early editions and is read as a diaeresis).
pub(super) fn is_diacritic(byte: u8) -> bool {
    (0xC1..=0xCF).contains(&byte) && byte != 0xCC
}

/// A diacritical prefix byte and the byte after it, as text: the precomposed letter, the
/// spacing mark before a space, else the letter followed by a combining mark.
pub(super) fn combine(prefix: u8, next: u8) -> String {
    let prefix = if prefix == 0xC9 { 0xC8 } else { prefix };
    let Some(d) = DIACRITICS.iter().find(|d| d.byte == prefix) else {
        return String::new();
    };
    if next == b' ' {
        return d.spacing.to_string();
    }
    let base = char::from(next);
    if let Some(i) = d.bases.chars().position(|b| b == base) {
        if let Some(c) = d.composed.chars().nth(i) {
            return c.to_string();
        }
    }
    let mut out = String::new();
    if next.is_ascii_graphic() {
        out.push(base);
    }
    out.push(d.combining);
    out
}

/// The bytes of a character in table 00, or `None` if the table cannot carry it.
pub(super) fn encode_latin(c: char) -> Option<([u8; 2], usize)> {
    if (' '..='~').contains(&c) {
        return Some(([c as u8, 0], 1));
    }
    // Characters other tables spell differently but table 00 has.
    let c = match c {
        '\u{a0}' => ' ',
        '—' | '–' => '―',
        'Ð' => 'Đ',
        '€' => return None,
        c => c,
    };
    if c == ' ' {
        return Some(([b' ', 0], 1));
    }
    if let Some(i) = LATIN_UPPER.iter().position(|&u| u == c && u != '\0') {
        // `$` and `#` are written as ASCII above; the rest of the upper half here.
        return Some(([0xA0 + i as u8, 0], 1));
    }
    for d in &DIACRITICS {
        if let Some(i) = d.composed.chars().position(|x| x == c) {
            let base = d.bases.chars().nth(i)?;
            return Some(([d.byte, base as u8], 2));
        }
    }
    None
}

fn cyrillic(byte: u8) -> Option<char> {
    let code = match byte {
        0xA0 => 0xA0,
        0xAD => 0xAD,
        0xF0 => 0x2116,
        0xFD => 0xA7,
        0xA1..=0xFF => u32::from(byte) - 0xA0 + 0x400,
        _ => return None,
    };
    char::from_u32(code)
}

fn arabic(byte: u8) -> Option<char> {
    let code = match byte {
        0xA0 | 0xA4 | 0xAD => u32::from(byte),
        0xAC => 0x60C,
        0xBB => 0x61B,
        0xBF => 0x61F,
        0xC1..=0xDA | 0xE0..=0xF2 => u32::from(byte) - 0xA0 + 0x600,
        _ => return None,
    };
    char::from_u32(code)
}

fn greek(byte: u8) -> Option<char> {
    let code = match byte {
        0xA1 => 0x2018,
        0xA2 => 0x2019,
        0xA4 => 0x20AC,
        0xA5 => 0x20AF,
        0xAA => 0x37A,
        0xAF => 0x2015,
        0xA0 | 0xA3 | 0xA6..=0xA9 | 0xAB..=0xAD | 0xB0..=0xB3 | 0xB7 | 0xBB | 0xBD => u32::from(byte),
        0xAE | 0xD2 | 0xFF => return None,
        0xB4..=0xFE => u32::from(byte) + 0x2D0,
        _ => return None,
    };
    char::from_u32(code)
}

fn hebrew(byte: u8) -> Option<char> {
    let code = match byte {
        0xAA => 0xD7,
        0xBA => 0xF7,
        0xA0 | 0xA2..=0xA9 | 0xAB..=0xB9 | 0xBB..=0xBE => u32::from(byte),
        0xDF => 0x2017,
        0xE0..=0xFA => u32::from(byte) - 0xE0 + 0x5D0,
        0xFD => 0x200E,
        0xFE => 0x200F,
        _ => return None,
    };
    char::from_u32(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_diacritic_lists_as_many_letters_as_forms() {
        for d in &DIACRITICS {
            assert_eq!(
                d.bases.chars().count(),
                d.composed.chars().count(),
                "{:#x}",
                d.byte
            );
        }
    }

    #[test]
    fn iso_6937_letters_are_prefix_then_base() {
        assert_eq!(combine(0xC2, b'e'), "é");
        assert_eq!(combine(0xC8, b'u'), "ü");
        assert_eq!(combine(0xC4, b'n'), "ñ");
        assert_eq!(combine(0xCF, b'S'), "Š");
        assert_eq!(combine(0xC2, b' '), "´");
        // No precomposed form: the base plus a combining mark.
        assert_eq!(combine(0xC1, b'y'), "y\u{300}");
        assert_eq!(encode_latin('é'), Some(([0xC2, b'e'], 2)));
        assert_eq!(encode_latin('ß'), Some(([0xFB, 0], 1)));
        assert_eq!(encode_latin('£'), Some(([0xA3, 0], 1)));
        assert_eq!(encode_latin('$'), Some(([b'$', 0], 1)));
        assert_eq!(encode_latin('中'), None);
    }

    #[test]
    fn the_8859_tables_decode_their_letters() {
        assert_eq!(Table::Cyrillic.upper(0xB0), Some('А'));
        assert_eq!(Table::Cyrillic.upper(0xEF), Some('я'));
        assert_eq!(Table::Cyrillic.upper(0xF0), Some('№'));
        assert_eq!(Table::Greek.upper(0xC1), Some('Α'));
        assert_eq!(Table::Greek.upper(0xF9), Some('ω'));
        assert_eq!(Table::Greek.upper(0xD2), None);
        assert_eq!(Table::Hebrew.upper(0xE0), Some('א'));
        assert_eq!(Table::Hebrew.upper(0xFA), Some('ת'));
        assert_eq!(Table::Arabic.upper(0xC7), Some('ا'));
        assert_eq!(Table::Latin.upper(0xC2), None);
        assert_eq!(Table::Latin.upper(0xE9), Some('Ø'));
    }
}
