//! The drawing toolkit the charts share: ranges and ticks, axes, markers, hatching, legends, text.

use std::fmt::Write;

use super::*;
use crate::charts::esc;

/// The lowest and highest finite value, with zero always inside.
pub(super) fn range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    values.filter(|v| v.is_finite()).fold((0.0, 0.0), |(lo, hi), v| (f64::min(lo, v), f64::max(hi, v)))
}

pub(super) fn positive(value: f64) -> f64 {
    if value.is_finite() { value.max(0.0) } else { 0.0 }
}

pub(super) fn round_significant(value: f64, digits: i32) -> f64 {
    if value == 0.0 || !value.is_finite() {
        return value;
    }
    let scale = 10f64.powi(digits - 1 - value.abs().log10().floor() as i32);
    (value * scale).round() / scale
}

/// Round ticks covering `lo..=hi`: multiples of a step of 1, 2 or 5 × 10ⁿ giving about five
/// intervals. An empty range (all zero, no data) becomes 0..1.
pub(super) fn nice_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let (lo, mut hi) = (if lo.is_finite() { lo } else { 0.0 }, if hi.is_finite() { hi } else { 0.0 });
    if hi <= lo {
        hi = lo + 1.0;
    }
    let raw = (hi - lo) / 5.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = match raw / magnitude {
        n if n <= 1.0 => 1.0,
        n if n <= 2.0 => 2.0,
        n if n <= 5.0 => 5.0,
        _ => 10.0,
    } * magnitude;
    let first = (lo / step + 1e-9).floor() as i64;
    let last = (hi / step - 1e-9).ceil() as i64;
    (first..=last).map(|k| k as f64 * step).collect()
}

/// A vertical value axis over the plot area `top..top + PLOT_H`, ticked at round numbers.
pub(super) struct ValueAxis {
    pub(super) ticks: Vec<f64>,
    pub(super) top: f64,
}

impl ValueAxis {
    pub(super) fn new(lo: f64, hi: f64, top: f64) -> Self {
        ValueAxis { ticks: nice_ticks(lo, hi), top }
    }

    pub(super) fn lo(&self) -> f64 {
        self.ticks.first().copied().unwrap_or(0.0)
    }

    pub(super) fn hi(&self) -> f64 {
        self.ticks.last().copied().unwrap_or(1.0)
    }

    pub(super) fn bottom(&self) -> f64 {
        self.top + PLOT_H
    }

    pub(super) fn y(&self, value: f64) -> f64 {
        self.top + PLOT_H * (self.hi() - value) / (self.hi() - self.lo())
    }

    pub(super) fn label_width(&self, numbers: &NumberFormat) -> f64 {
        self.ticks.iter().map(|t| text_w(&numbers.compact(*t))).fold(24.0, f64::max)
    }

    /// Grid lines and tick labels, the zero line as the axis, and the unit above the labels.
    pub(super) fn draw(&self, svg: &mut String, left: f64, right: f64, numbers: &NumberFormat, unit: &str) {
        for tick in &self.ticks {
            let y = self.y(*tick);
            let _ = write!(
                svg,
                "<line x1=\"{left:.1}\" y1=\"{y:.1}\" x2=\"{right:.1}\" y2=\"{y:.1}\" class=\"chart-grid\" stroke=\"#d0d0d0\" stroke-width=\"0.5\"/>\
                 <text x=\"{tx:.1}\" y=\"{ty:.1}\" text-anchor=\"end\" class=\"chart-caption chart-tick\">{t}</text>",
                tx = left - 6.0,
                ty = y + 4.0,
                t = esc(&numbers.compact(*tick)),
            );
        }
        let zero = self.y(0.0);
        let _ = write!(
            svg,
            "<line x1=\"{left:.1}\" y1=\"{zero:.1}\" x2=\"{right:.1}\" y2=\"{zero:.1}\" class=\"chart-axis\" stroke=\"#767676\"/>\
             <line x1=\"{left:.1}\" y1=\"{t:.1}\" x2=\"{left:.1}\" y2=\"{b:.1}\" class=\"chart-axis\" stroke=\"#767676\"/>",
            t = self.top,
            b = self.bottom(),
        );
        if !unit.is_empty() {
            let _ = write!(
                svg,
                "<text x=\"4\" y=\"{y:.1}\" class=\"chart-caption chart-unit\">{u}</text>",
                y = self.top - 12.0,
                u = esc(unit)
            );
        }
    }
}

/// The bucket labels under a plot, every n-th one when they would overlap; n is 1, 2, 3, 4, 6
/// or a multiple of 12, so that monthly labels fall on quarters or years and quarterly on years.
pub(super) fn category_labels(svg: &mut String, labels: &[String], left: f64, slot: f64, y: f64) {
    let widest = labels.iter().map(|l| text_w(l)).fold(0.0, f64::max) + 8.0;
    let needed = ((widest / slot).ceil() as usize).max(1);
    let every = [1, 2, 3, 4, 6].into_iter().find(|n| *n >= needed).unwrap_or(needed.div_ceil(12) * 12);
    for (i, label) in labels.iter().enumerate().step_by(every) {
        let x = left + slot * (i as f64 + 0.5);
        let _ = write!(
            svg,
            "<line x1=\"{x:.1}\" y1=\"{y:.1}\" x2=\"{x:.1}\" y2=\"{t:.1}\" class=\"chart-axis\" stroke=\"#767676\"/>\
             <text x=\"{x:.1}\" y=\"{ly:.1}\" text-anchor=\"middle\" class=\"chart-label chart-x\">{l}</text>",
            t = y + 4.0,
            ly = y + 17.0,
            l = esc(label),
        );
    }
}

/// A polyline of segments; consecutive segments join into one subpath.
#[derive(Default)]
pub(super) struct Path {
    pub(super) d: String,
    pub(super) end: Option<usize>,
}

impl Path {
    pub(super) fn segment(&mut self, from_index: usize, from: (f64, f64), to: (f64, f64)) {
        if self.end != Some(from_index) {
            let _ = write!(self.d, "M{:.1},{:.1}", from.0, from.1);
        }
        let _ = write!(self.d, "L{:.1},{:.1}", to.0, to.1);
        self.end = Some(from_index + 1);
    }
}

pub(super) fn dash_attr(dash: &str) -> String {
    if dash.is_empty() { String::new() } else { format!(" stroke-dasharray=\"{dash}\"") }
}

/// The path of series `s`'s marker centred at (x, y): circle, square, triangle, diamond or
/// inverted triangle, cycled.
pub(super) fn marker(s: usize, x: f64, y: f64, r: f64) -> String {
    match s % 5 {
        0 => format!("M{:.1},{y:.1}a{r:.1},{r:.1} 0 1,0 {d:.1},0a{r:.1},{r:.1} 0 1,0 -{d:.1},0Z", x - r, d = 2.0 * r),
        1 => {
            let a = r * 0.9;
            format!("M{:.1},{:.1}h{d:.1}v{d:.1}h-{d:.1}Z", x - a, y - a, d = 2.0 * a)
        }
        2 => format!(
            "M{x:.1},{:.1}L{:.1},{:.1}L{:.1},{:.1}Z",
            y - r * 1.3,
            x + r * 1.2,
            y + r * 0.8,
            x - r * 1.2,
            y + r * 0.8
        ),
        3 => format!(
            "M{x:.1},{:.1}L{:.1},{y:.1}L{x:.1},{:.1}L{:.1},{y:.1}Z",
            y - r * 1.3,
            x + r * 1.3,
            y + r * 1.3,
            x - r * 1.3
        ),
        _ => format!(
            "M{x:.1},{:.1}L{:.1},{:.1}L{:.1},{:.1}Z",
            y + r * 1.3,
            x + r * 1.2,
            y - r * 0.8,
            x - r * 1.2,
            y - r * 0.8
        ),
    }
}

/// Unique ids for the patterns of one chart, so that several charts can share a page.
pub(super) struct IdPrefix(String);

impl IdPrefix {
    pub(super) fn new<'a>(title: &'a str, names: impl Iterator<Item = &'a str>) -> Self {
        // FNV-1a over the title and the names: stable output, distinct across a page's charts.
        let mut hash: u32 = 0x811c_9dc5;
        for text in std::iter::once(title).chain(names) {
            for byte in text.bytes().chain([0]) {
                hash = (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193);
            }
        }
        IdPrefix(format!("tc{hash:08x}"))
    }

    pub(super) fn pattern(&self, index: usize) -> String {
        format!("{}-p{index}", self.0)
    }
}

/// A fill pattern: the colour with hatching `kind` (0 solid, 1 /, 2 —, 3 \, 4 dots, 5 |, 6 +)
/// drawn in white on dark colours and black on light ones, so it survives grey-scale printing.
pub(super) fn hatch(id: &str, colour: &str, kind: usize) -> String {
    let ink = if is_light(colour) {
        "fill=\"#000\" stroke=\"#000\" opacity=\"0.4\""
    } else {
        "fill=\"#fff\" stroke=\"#fff\" opacity=\"0.75\""
    };
    let marks = match kind % HATCHES {
        1 => "<path d=\"M-1,1l2,-2M0,6l6,-6M5,7l2,-2\"/>",
        2 => "<path d=\"M0,3h6\"/>",
        3 => "<path d=\"M-1,5l2,2M0,0l6,6M5,-1l2,2\"/>",
        4 => "<circle cx=\"3\" cy=\"3\" r=\"1\"/>",
        5 => "<path d=\"M3,0v6\"/>",
        6 => "<path d=\"M0,3h6M3,0v6\"/>",
        _ => "",
    };
    let marks = if marks.is_empty() { String::new() } else { format!("<g {ink} stroke-width=\"1.4\">{marks}</g>") };
    format!(
        "<pattern id=\"{id}\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\"><rect width=\"6\" height=\"6\" fill=\"{colour}\"/>{marks}</pattern>"
    )
}

pub(super) fn is_light(colour: &str) -> bool {
    let channel = |i: usize| u8::from_str_radix(colour.get(i..i + 2).unwrap_or("00"), 16).unwrap_or(0) as f64;
    (0.299 * channel(1) + 0.587 * channel(3) + 0.114 * channel(5)) / 255.0 > 0.6
}

/// One legend entry: a 24×12 swatch and the name.
pub(super) struct LegendItem {
    pub(super) swatch: String,
    pub(super) name: String,
}

pub(super) fn line_swatch(s: usize, colour: &str, dash: &str, hollow: bool) -> String {
    format!(
        "<line x1=\"0\" y1=\"6\" x2=\"24\" y2=\"6\" stroke=\"{colour}\" stroke-width=\"2\"{}{}/><path d=\"{}\" fill=\"{}\" stroke=\"{colour}\" stroke-width=\"1.5\"/>",
        dash_attr(dash),
        if hollow { " stroke-linecap=\"round\"" } else { "" },
        marker(s, 12.0, 6.0, 3.5),
        if hollow { "#fff" } else { colour },
    )
}

pub(super) fn bar_swatch(pattern: &str) -> String {
    format!("<rect width=\"24\" height=\"12\" fill=\"url(#{pattern})\" stroke=\"#767676\" stroke-width=\"0.5\"/>")
}

/// Lays the entries out in rows from `top`, between `left` and `right`; returns the height used.
pub(super) fn legend(svg: &mut String, items: &[LegendItem], top: f64, left: f64, right: f64) -> f64 {
    if items.is_empty() {
        return 0.0;
    }
    const LINE: f64 = 20.0;
    let (mut x, mut y) = (left, top);
    for item in items {
        let name = truncate(&item.name, 48);
        let width = 30.0 + text_w(&name) + 18.0;
        if x > left && x + width > right {
            x = left;
            y += LINE;
        }
        let _ = write!(
            svg,
            "<g class=\"chart-legend\" transform=\"translate({x:.1},{y:.1})\">{}<text x=\"30\" y=\"10\" class=\"chart-label\">{}</text></g>",
            item.swatch,
            esc(&name)
        );
        x += width;
    }
    y - top + LINE
}

pub(super) fn with_unit(figure: &str, unit: &str) -> String {
    if unit.is_empty() { figure.to_string() } else { format!("{figure} {unit}") }
}

pub(super) fn text_w(text: &str) -> f64 {
    text.chars().count() as f64 * CHAR_W
}

pub(super) fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(max.saturating_sub(1)).collect::<String>())
    }
}

/// Up to two lines of at most `width` each, words kept whole where they fit; the rest shortened.
pub(super) fn wrap_two_lines(text: &str, width: f64) -> Vec<String> {
    let max = ((width / CHAR_W) as usize).max(3);
    let mut first = String::new();
    let mut words = text.split_whitespace().peekable();
    while let Some(word) = words.peek() {
        let needed = first.chars().count() + usize::from(!first.is_empty()) + word.chars().count();
        if !first.is_empty() && needed > max {
            break;
        }
        if !first.is_empty() {
            first.push(' ');
        }
        first.push_str(word);
        words.next();
    }
    let rest: Vec<&str> = words.collect();
    let mut lines = vec![truncate(&first, max)];
    if !rest.is_empty() {
        lines.push(truncate(&rest.join(" "), max));
    }
    lines
}

/// The whole `<svg>` element around `defs` and `body`.
pub(super) fn finish(title: &str, desc: &str, height: f64, defs: &str, body: &str) -> String {
    let title = esc(title);
    let defs = if defs.is_empty() { String::new() } else { format!("<defs>{defs}</defs>") };
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {W} {h}\" width=\"100%\" role=\"img\" class=\"chart\" aria-label=\"{title}\" font-family=\"sans-serif\" font-size=\"12\"><title>{title}</title><desc>{desc}</desc>{defs}{body}</svg>",
        h = height.ceil(),
        desc = esc(desc),
    )
}
