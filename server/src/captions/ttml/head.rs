//! What a TTML document declares before its content: the `tt` element's parameters
//! (TTML2 §7.2: frame rate and multiplier, sub-frame and tick rates, time base, drop mode,
//! cell resolution; the root `tts:extent`), and the `head`'s styles and regions with their
//! references resolved (§8.1.3 referential and chained styling, §10.4 style resolution).

use super::style::{Root, Style};
use super::time::Timing;
use crate::captions::timecode::RATES;
use crate::captions::{Document, FrameRate, Input};
use std::collections::HashMap;
use std::rc::Rc;

/// The timing and layout parameters of `tt`, and whether it declared a frame rate.
pub(super) struct Parameters {
    pub timing: Timing,
    pub root: Root,
    pub declared_rate: bool,
}

/// TTML2 §7.2: the timing parameters and the root container's size, from `tt`'s `ttp:`
/// attributes (and `tts:extent`, passed as `extent`). What cannot be read is reported in
/// `doc.warnings`; the declared frame rate, if ccjobs knows it, goes to `doc.frame_rate`.
/// The job's rate, when it names one, beats the file's for reading frame times.
pub(super) fn parameters(params: &[(&str, String)], input: &Input<'_>, doc: &mut Document) -> Parameters {
    let get = |name: &str| params.iter().find(|(n, _)| *n == name).map(|(_, v)| v.trim());
    let positive = |v: &str| v.parse::<u32>().ok().filter(|n| (1..=1000).contains(n));
    let mut timing = Timing {
        rate: f64::from(input.frame_rate.num) / f64::from(input.frame_rate.den.max(1)),
        sub_frame_rate: 1.0,
        tick_rate: 1.0,
        smpte: None,
    };
    let frame_rate = get("frameRate").and_then(|v| {
        let rate = positive(v);
        if rate.is_none() {
            doc.warnings.push(format!(
                "ttp:frameRate=\"{v}\" is not a whole number from 1 to 1000; it was ignored"
            ));
        }
        rate
    });
    let (mul_num, mul_den) = get("frameRateMultiplier")
        .and_then(|v| {
            let factor = |v: &str| v.parse::<u32>().ok().filter(|n| (1..=10_000).contains(n));
            let mut p = v.split_ascii_whitespace().map(factor);
            Some((p.next()??, p.next()??))
        })
        .unwrap_or((1, 1));
    let drop_mode = get("dropMode").unwrap_or("nonDrop");
    let smpte = get("timeBase") == Some("smpte");
    let mut rate = input.frame_rate;
    if let Some(fr) = frame_rate {
        let (num, den) = (fr * mul_num, mul_den);
        let known = RATES.iter().find_map(|name| {
            let r = FrameRate::parse(name, true).ok()?;
            (u64::from(num) * u64::from(r.den) == u64::from(r.num) * u64::from(den)).then_some(r)
        });
        match known {
            Some(mut r) => {
                // Drop-frame labels: what dropMode says in the smpte time base; in the
                // media time base (no labels), the broadcast norm for 29.97 and 59.94.
                r.drop = r.drop && (drop_mode == "dropNTSC" || (!smpte && get("dropMode").is_none()));
                doc.frame_rate = Some(r);
            }
            None => doc.warnings.push(format!(
                "the file's frame rate ({fr} × {mul_num}/{mul_den}) is not one ccjobs supports ({}); its frame times were read at that rate, but it is not passed on",
                RATES.join(", ")
            )),
        }
        if !input.frame_rate_given {
            rate = FrameRate {
                num,
                den,
                drop: false,
            };
            timing.rate = f64::from(num) / f64::from(den);
        }
    }
    timing.sub_frame_rate = get("subFrameRate").and_then(positive).map_or(1.0, f64::from);
    timing.tick_rate = match get("tickRate")
        .and_then(|v| v.parse::<u64>().ok())
        .filter(|t| *t > 0)
    {
        Some(t) => t as f64,
        // TTML2 §7.2.12: sub-frames when a frame rate is given, else one tick a second.
        None if frame_rate.is_some() => timing.rate * timing.sub_frame_rate,
        None => 1.0,
    };
    match get("timeBase") {
        Some("smpte") => {
            rate.drop = drop_mode == "dropNTSC" && rate.den == 1001 && rate.num != 24_000;
            if drop_mode == "dropPAL" {
                doc.warnings.push(
                    "ttp:dropMode=\"dropPAL\" is not supported; frame labels were read as non-drop".into(),
                );
            }
            timing.smpte = Some(rate);
        }
        Some("clock") => doc.warnings.push(
            "ttp:timeBase=\"clock\": times were read as offsets from the start of the programme (media time)"
                .into(),
        ),
        _ => {}
    }
    let mut root = Root {
        pixels: None,
        cells: (32.0, 15.0),
    };
    if let Some((w, h)) = get("extent").and_then(|v| {
        let mut p = v
            .split_ascii_whitespace()
            .map(|n| n.strip_suffix("px")?.parse::<f32>().ok());
        Some((p.next()??, p.next()??))
    }) {
        root.pixels = Some((w, h)).filter(|(w, h)| *w > 0.0 && *h > 0.0 && w.is_finite() && h.is_finite());
    }
    if let Some((c, r)) = get("cellResolution").and_then(|v| {
        let mut p = v.split_ascii_whitespace().map(positive);
        Some((p.next()??, p.next()??))
    }) {
        root.cells = (c as f32, r as f32);
    }
    Parameters {
        timing,
        root,
        declared_rate: frame_rate.is_some(),
    }
}

/// A `style` element of `styling`.
#[derive(Debug, Default)]
pub(super) struct StyleDef {
    pub id: String,
    pub own: Style,
    pub refs: Vec<String>,
}

/// A `region` element of `layout`.
#[derive(Debug, Default)]
pub(super) struct RegionDef {
    pub id: String,
    pub own: Style,
    pub refs: Vec<String>,
    /// Styles given by `style` children of the region.
    pub nested: Style,
}

/// The head's styles and regions, resolved.
#[derive(Debug, Default)]
pub(super) struct Head {
    pub styles: HashMap<String, Style>,
    pub regions: HashMap<Rc<str>, Style>,
    /// References to styles that are not declared.
    pub unknown_refs: usize,
}

/// Resolves chained style references (cycles are cut) and the regions' styles: referenced
/// styles, then `style` children, then the region's own attributes.
pub(super) fn resolve(style_defs: &[StyleDef], region_defs: &[RegionDef]) -> Head {
    let index: HashMap<&str, usize> = style_defs
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.as_str(), i))
        .collect();
    let mut done: Vec<Option<Style>> = vec![None; style_defs.len()];
    let mut visiting = vec![false; style_defs.len()];
    let mut head = Head::default();
    for i in 0..style_defs.len() {
        resolve_style(i, style_defs, &index, &mut done, &mut visiting, 0);
    }
    for (def, style) in style_defs.iter().zip(&done) {
        head.unknown_refs += def
            .refs
            .iter()
            .filter(|r| !index.contains_key(r.as_str()))
            .count();
        if !def.id.is_empty() {
            head.styles.insert(def.id.clone(), style.unwrap_or(def.own));
        }
    }
    for def in region_defs {
        let mut s = Style::default();
        for r in &def.refs {
            match head.styles.get(r) {
                Some(referenced) => s.apply(referenced),
                None => head.unknown_refs += 1,
            }
        }
        s.apply(&def.nested);
        s.apply(&def.own);
        head.regions.insert(Rc::from(def.id.as_str()), s);
    }
    head
}

/// How long a chain of style references is followed (each link is a stack frame).
const MAX_CHAIN: usize = 64;

/// Style `i` with its references applied under its own properties.
fn resolve_style(
    i: usize,
    defs: &[StyleDef],
    index: &HashMap<&str, usize>,
    done: &mut [Option<Style>],
    visiting: &mut [bool],
    depth: usize,
) -> Style {
    if let Some(Some(s)) = done.get(i) {
        return *s;
    }
    let Some(def) = defs.get(i) else {
        return Style::default();
    };
    if visiting.get(i) == Some(&true) || depth > MAX_CHAIN {
        return def.own; // A cycle, or a chain too long to be real: stop here.
    }
    if let Some(v) = visiting.get_mut(i) {
        *v = true;
    }
    let mut s = Style::default();
    for r in &def.refs {
        if let Some(&j) = index.get(r.as_str()) {
            let referenced = resolve_style(j, defs, index, done, visiting, depth + 1);
            s.apply(&referenced);
        }
    }
    s.apply(&def.own);
    if let Some(slot) = done.get_mut(i) {
        *slot = Some(s);
    }
    s
}
