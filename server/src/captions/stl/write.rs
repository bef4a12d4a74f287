//! The EBU STL writer: a GSI block (Tech 3264 §4.2) and one or more TTI blocks per cue
//! (§4.3), text in character code table 00 (ISO 6937).

use super::rows::{encode_row, styled, wrap, Style, Text};
use super::{language_code, GRID_ROWS, GSI_LEN, TTI_LEN};
use crate::captions::{Align, Cue, Document, FrameRate, Output, Placement, Written};

/// What the writer had to change, counted for one warning per kind.
#[derive(Default)]
pub(super) struct Losses {
    pub(super) characters: usize,
    pub(super) bold: usize,
    pub(super) tags: usize,
    pub(super) colours: usize,
    pub(super) wrapped: usize,
    pub(super) rows: usize,
    pub(super) horizontal: usize,
    pub(super) clamped: usize,
    pub(super) text_cut: usize,
    /// Style changes between two characters, where teletext shows a space.
    pub(super) spaced: usize,
}

/// The DFC for a frame rate, and the rate time codes are written at: STL has 25 and 30.
fn disk_format(rate: FrameRate) -> (&'static [u8; 8], FrameRate) {
    let fixed = |num| FrameRate {
        num,
        den: 1,
        drop: false,
    };
    match rate.nominal() {
        25 => (b"STL25.01", rate),
        30 => (b"STL30.01", rate),
        60 if rate.den == 1001 => (b"STL30.01", FrameRate { num: 30_000, ..rate }),
        60 => (b"STL30.01", fixed(30)),
        _ => (b"STL25.01", fixed(25)),
    }
}

/// A time as TCI/TCO bytes; past 23:59:59 (the last time code STL has) it is clamped.
fn time_code(rate: FrameRate, ms: i64, losses: &mut Losses) -> [u8; 4] {
    let tc = rate.ms_to_label(ms.max(0));
    if tc.hours > 23 {
        losses.clamped += 1;
        return [23, 59, 59, (rate.nominal() - 1) as u8];
    }
    [tc.hours, tc.minutes, tc.seconds, tc.frames].map(|n| n as u8)
}

/// Today's date as `YYMMDD` (GSI CD and RD).
fn today() -> [u8; 6] {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = (secs / 86_400) as i64;
    // Civil date from days since 1970-01-01 (proleptic Gregorian).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let mut out = [b'0'; 6];
    out.copy_from_slice(format!("{:02}{month:02}{day:02}", year % 100).as_bytes());
    out
}

fn put(block: &mut [u8], at: usize, bytes: &[u8]) {
    if let Some(field) = block.get_mut(at..at + bytes.len()) {
        field.copy_from_slice(bytes);
    }
}

/// One cue's subtitle, ready to be cut into blocks.
struct Subtitle {
    tci: [u8; 4],
    tco: [u8; 4],
    vp: u8,
    jc: u8,
    text: Text,
}

pub(super) fn write(doc: &Document, output: &Output<'_>) -> Written {
    let mut warnings = Vec::new();
    let (dfc, rate) = disk_format(output.frame_rate);
    if rate != output.frame_rate {
        warnings.push(format!(
            "EBU STL has 25 and 30 fps time code only; the captions were timed at {} fps ({}) instead of {}",
            rate.name(),
            String::from_utf8_lossy(dfc),
            output.frame_rate.name()
        ));
    }
    let options = output.options;
    let dsc = match options.get("display_standard") {
        "teletext_level_1" => b'1',
        "open_subtitling" => b'0',
        _ => b'2',
    };
    let width = usize::try_from(options.int("max_row_chars"))
        .ok()
        .filter(|w| *w > 0)
        .unwrap_or(40);
    let justification = options.get("justification");
    let mut losses = Losses::default();
    let subtitles: Vec<Subtitle> = doc
        .cues
        .iter()
        .filter_map(|cue| subtitle(cue, rate, width, justification, &mut losses))
        .collect();

    let blocks: Vec<Vec<std::ops::Range<usize>>> =
        subtitles.iter().map(|s| s.text.fields(&mut losses)).collect();
    let tnb: usize = blocks.iter().map(Vec::len).sum();
    let mut out = Vec::with_capacity(GSI_LEN + tnb * TTI_LEN);
    out.extend_from_slice(&gsi(
        doc,
        dfc,
        dsc,
        width,
        tnb,
        subtitles.len(),
        subtitles.first(),
        &mut warnings,
    ));
    for (n, (sub, fields)) in subtitles.iter().zip(&blocks).enumerate() {
        // SN is two bytes: it wraps after 65,535 subtitles, which readers tolerate as
        // long as neighbours differ.
        let sn = ((n + 1) % 0x1_0000) as u16;
        let last = fields.len().saturating_sub(1);
        for (i, field) in fields.iter().enumerate() {
            let mut block = [0x8Fu8; TTI_LEN];
            block[0] = 0; // SGN
            put(&mut block, 1, &sn.to_le_bytes());
            block[3] = if i == last { 0xFF } else { i as u8 };
            block[4] = 0; // CS: not cumulative
            put(&mut block, 5, &sub.tci);
            put(&mut block, 9, &sub.tco);
            block[13] = sub.vp;
            block[14] = sub.jc;
            block[15] = 0; // CF: subtitle data
            put(
                &mut block,
                16,
                sub.text.bytes.get(field.clone()).unwrap_or_default(),
            );
            out.extend_from_slice(&block);
        }
    }
    warnings.extend(loss_warnings(&losses, width));
    if tnb > 99_999 {
        warnings.push(format!(
            "the file has {tnb} TTI blocks, more than the header's block count (TNB) can say; it says 99999"
        ));
    }
    Written { bytes: out, warnings }
}

fn subtitle(
    cue: &Cue,
    rate: FrameRate,
    width: usize,
    justification: &str,
    losses: &mut Losses,
) -> Option<Subtitle> {
    let mut rows: Vec<Vec<(char, Style)>> = cue
        .lines
        .iter()
        .flat_map(|line| wrap(styled(line, losses), width, losses))
        .filter(|row| !row.is_empty())
        .collect();
    if rows.is_empty() {
        return None;
    }
    let max_rows = GRID_ROWS as usize;
    if rows.len() > max_rows {
        losses.rows += rows.len() - max_rows;
        rows.truncate(max_rows);
    }
    let mut text = Text::default();
    for (i, row) in rows.iter().enumerate() {
        if i > 0 {
            text.unit(&[0x8A]);
        }
        encode_row(row, &mut text, losses);
    }
    let p: &Placement = &cue.placement;
    if p.left.is_some() || p.width.is_some() {
        losses.horizontal += 1;
    }
    let n = rows.len() as i64;
    let vp = match p.top {
        // The row whose top is nearest, moved up so the last row stays on the screen.
        Some(top) => ((f64::from(top) - 10.0) * GRID_ROWS as f64 / 80.0).round() as i64 + 1,
        // The last row on row 22, where teletext subtitles usually sit.
        None => GRID_ROWS - n,
    }
    .clamp(1, (GRID_ROWS + 1 - n).max(1));
    let jc = match justification {
        "left" => 1,
        "center" => 2,
        "right" => 3,
        "unchanged" => 0,
        _ => match p.align {
            Some(Align::Left | Align::Start) => 1,
            Some(Align::Right | Align::End) => 3,
            _ => 2,
        },
    };
    let tci = time_code(rate, cue.start_ms, losses);
    let tco = time_code(rate, cue.end_ms.max(cue.start_ms), losses);
    Some(Subtitle {
        tci,
        tco,
        vp: vp as u8,
        jc,
        text,
    })
}

#[allow(clippy::too_many_arguments)]
fn gsi(
    doc: &Document,
    dfc: &[u8; 8],
    dsc: u8,
    width: usize,
    tnb: usize,
    tns: usize,
    first: Option<&Subtitle>,
    warnings: &mut Vec<String>,
) -> [u8; GSI_LEN] {
    let mut gsi = [b' '; GSI_LEN];
    put(&mut gsi, 0, b"850");
    put(&mut gsi, 3, dfc);
    gsi[11] = dsc;
    put(&mut gsi, 12, b"00");
    let lc = match doc.language.as_deref().filter(|l| !l.trim().is_empty()) {
        Some(tag) => language_code(tag).unwrap_or_else(|| {
            warnings.push(format!(
                "the language {tag:?} has no EBU STL language code; the header says \"unknown\" (LC 00)"
            ));
            0
        }),
        None => 0,
    };
    put(&mut gsi, 14, format!("{lc:02X}").as_bytes());
    let date = today();
    put(&mut gsi, 224, &date); // CD
    put(&mut gsi, 230, &date); // RD
    put(&mut gsi, 236, b"00"); // RN
    put(&mut gsi, 238, format!("{:05}", tnb.min(99_999)).as_bytes());
    put(&mut gsi, 243, format!("{:05}", tns.min(99_999)).as_bytes());
    put(&mut gsi, 248, b"001"); // TNG: one subtitle group, SGN 0
    put(&mut gsi, 251, format!("{width:02}").as_bytes());
    put(&mut gsi, 253, format!("{GRID_ROWS:02}").as_bytes());
    gsi[255] = b'1'; // TCS: the time codes are for use
    put(&mut gsi, 256, b"00000000"); // TCP
    let tcf = first.map_or([0; 4], |s| s.tci);
    put(
        &mut gsi,
        264,
        format!("{:02}{:02}{:02}{:02}", tcf[0], tcf[1], tcf[2], tcf[3]).as_bytes(),
    );
    gsi[272] = b'1'; // TND
    gsi[273] = b'1'; // DSN
    gsi
}

fn loss_warnings(l: &Losses, width: usize) -> Vec<String> {
    let mut w = Vec::new();
    let mut say = |n: usize, text: String| {
        if n > 0 {
            w.push(text);
        }
    };
    say(l.characters, format!("{} character(s) are not in the EBU STL Latin character table (ISO 6937) and were written as \"?\"", l.characters));
    say(
        l.bold,
        format!(
            "EBU STL has no bold: {} bold span(s) were written as plain text",
            l.bold
        ),
    );
    say(l.tags, format!("{} styling tag(s) EBU STL cannot carry (a font face or size, or an unreadable colour) were dropped, their text kept", l.tags));
    say(l.spaced, format!("{} style change(s) fall between two characters; teletext shows each control code as a space, so a space appears there", l.spaced));
    say(l.colours, format!("{} colour(s) are not teletext colours and were written as the nearest of the eight teletext colours", l.colours));
    say(
        l.wrapped,
        format!(
            "{} line(s) were longer than {width} characters (max_row_chars) and were wrapped onto more rows",
            l.wrapped
        ),
    );
    say(
        l.rows,
        format!("{} row(s) past the 23 a teletext page has were left out", l.rows),
    );
    say(l.horizontal, format!("EBU STL places subtitles by row and justification only: the horizontal position of {} caption(s) was not kept", l.horizontal));
    say(
        l.clamped,
        format!(
            "{} time(s) after 23:59:59, the last time code EBU STL has, were written as 23:59:59",
            l.clamped
        ),
    );
    say(
        l.text_cut,
        format!(
            "the text of {} caption(s) needed more than 241 TTI blocks and was cut short",
            l.text_cut
        ),
    );
    w
}
