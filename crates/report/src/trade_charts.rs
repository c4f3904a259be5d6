//! Trade charts as SVG text: trend lines by direction, stacked columns by product group, the
//! mirror gap between the two sides' figures, and a waterfall (for landed-cost breakdowns).
//!
//! Same conventions as [`crate::charts`]: hand-written SVG, `class="chart"`, `role="img"` with a
//! `<title>` (and a `<desc>` that gives the figures as text), every text escaped, and the CSS
//! classes `chart-label`, `chart-caption` and `chart-axis` that the web UI already styles. Each
//! chart also carries presentation attributes (colours, `font-size`, `width="100%"`) so that it
//! stands alone in the briefing pack or a saved file with no stylesheet and no external resource.
//! Printed in black and white it stays readable: lines also differ by dash pattern and marker
//! shape, bars by hatching, and figures are written beside the marks.
//!
//! Inputs are plain figures (`f64`, all in one currency) and labels already translated by the
//! caller; nothing here knows a language. Numbers are written by a [`NumberFormat`]: by default
//! compactly with three significant digits, a decimal point and the SI symbols k, M, G, T
//! (`12.5 M`, `800 k`, `−1.2 k` with a true minus sign); a caller that wants `12,5 млн` passes
//! its own separator and suffixes to the `…_with` variants through [`ChartOptions`].
//!
//! Value axes start at zero (or below it when a figure is negative) and tick at round numbers
//! (1, 2 or 5 × 10ⁿ, about five intervals). A value that is not finite (NaN, ±∞) is a gap in a
//! line and zero in a bar; the output never contains "NaN" or "inf".

use std::fmt::Write;

use crate::charts::esc;

/// Width of every chart's view box; the SVG itself is 100% wide and scales.
const W: f64 = 640.0;
/// Average advance of a character at the 12px font size, to estimate text widths.
const CHAR_W: f64 = 6.6;
/// Height of the plot area of the column and line charts.
const PLOT_H: f64 = 220.0;
/// Okabe–Ito's colour-blind-safe palette, blues and reds first; its black is a mid grey here so
/// that it still shows on a dark page. Cycled when there are more series than colours.
const PALETTE: [&str; 8] = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#8C8C8C"];
/// Dash patterns of lines, cycled with the colours (four patterns, eight colours).
const DASHES: [&str; 4] = ["", "8 4", "12 3 3 3", "5 3"];
/// Hatchings of bars (solid, /, —, \, dots, |, +), cycled with the colours.
const HATCHES: usize = 7;
/// Dotted style of a line segment that leads to or from an incomplete point.
const INCOMPLETE_DASH: &str = "1 4";

/// One figure of a series. `incomplete` marks a bucket that rests on incomplete data (e.g. a
/// quarter whose last month is not in yet): its marker is hollow and the segments to it dotted.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    pub value: f64,
    pub incomplete: bool,
}

impl Point {
    /// A figure from complete data.
    pub fn complete(value: f64) -> Self {
        Point { value, incomplete: false }
    }

    /// A figure that rests on incomplete data.
    pub fn incomplete(value: f64) -> Self {
        Point { value, incomplete: true }
    }
}

impl From<f64> for Point {
    fn from(value: f64) -> Self {
        Point::complete(value)
    }
}

/// A named row of figures, one per x label (bucket), in the order of the labels. The name is
/// shown in the legend. A series shorter than the labels simply ends; a NaN point is a gap.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub name: String,
    pub points: Vec<Point>,
}

impl Series {
    /// A series of complete figures.
    pub fn new(name: impl Into<String>, values: impl IntoIterator<Item = f64>) -> Self {
        Series { name: name.into(), points: values.into_iter().map(Point::complete).collect() }
    }
}

/// One flow as both sides report it: the exporter's figure and the importer's mirror figure.
#[derive(Clone, Debug, PartialEq)]
pub struct GapRow {
    pub label: String,
    pub exported: f64,
    pub imported: f64,
}

/// What a waterfall bar is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepKind {
    /// The opening figure: a bar from zero to `amount`; the running total becomes `amount`.
    Start,
    /// A change: a bar floating from the running total to the running total plus `amount`.
    Step,
    /// A subtotal or the total: a bar from zero to the running total. Its `amount` is ignored.
    Total,
}

/// One bar of a waterfall.
#[derive(Clone, Debug, PartialEq)]
pub struct WaterfallStep {
    pub label: String,
    pub amount: f64,
    pub kind: StepKind,
}

/// How the charts write numbers: three significant digits, a scale suffix from thousands up.
#[derive(Clone, Debug, PartialEq)]
pub struct NumberFormat {
    /// Decimal separator: `.` by default.
    pub decimal: char,
    /// Written after thousands, millions, billions and trillions: `k`, `M`, `G`, `T` by default
    /// (e.g. `тыс.`, `млн`, `млрд`, `трлн` for Russian pages).
    pub suffixes: [String; 4],
}

impl Default for NumberFormat {
    fn default() -> Self {
        NumberFormat { decimal: '.', suffixes: ["k", "M", "G", "T"].map(String::from) }
    }
}

impl NumberFormat {
    /// `12.5 M`, `800 k`, `1.23 k`, `999`, `0.05`, `−1.5 k`, `0`; "—" for a non-finite value.
    /// Three significant digits, trailing zeros dropped, a space before the suffix.
    pub fn compact(&self, value: f64) -> String {
        if !value.is_finite() {
            return "—".into();
        }
        let rounded = round_significant(value.abs(), 3);
        if rounded == 0.0 {
            return "0".into();
        }
        let (scaled, suffix) = [1e12, 1e9, 1e6, 1e3]
            .iter()
            .zip(self.suffixes.iter().rev())
            .find(|(scale, _)| rounded >= **scale)
            .map_or((rounded, ""), |(scale, suffix)| (rounded / scale, suffix.as_str()));
        let decimals = (2 - scaled.log10().floor() as i32).clamp(0, 9) as usize;
        let mut digits = format!("{scaled:.decimals$}");
        if digits.contains('.') {
            digits = digits.trim_end_matches('0').trim_end_matches('.').to_string();
        }
        let digits = digits.replace('.', &self.decimal.to_string());
        let sign = if value < 0.0 { "−" } else { "" };
        if suffix.is_empty() { format!("{sign}{digits}") } else { format!("{sign}{digits} {suffix}") }
    }

    /// Like [`NumberFormat::compact`] but always signed: `+120 k`, `−30 k`, `0`.
    pub fn signed(&self, value: f64) -> String {
        let text = self.compact(value);
        if value.is_finite() && value > 0.0 && text != "0" { format!("+{text}") } else { text }
    }

    /// A signed percentage with one decimal: `+10.0 %`, `−5.3 %`, `0.0 %`; "—" when not finite.
    pub fn percent(&self, value: f64) -> String {
        if !value.is_finite() {
            return "—".into();
        }
        let rounded = (value * 10.0).round() / 10.0;
        let sign = if rounded > 0.0 {
            "+"
        } else if rounded < 0.0 {
            "−"
        } else {
            ""
        };
        let digits = format!("{:.1}", rounded.abs()).replace('.', &self.decimal.to_string());
        format!("{sign}{digits} %")
    }
}

/// What the `…_with` variants can change; the plain functions use the default.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChartOptions {
    /// How figures on axes and beside bars are written.
    pub numbers: NumberFormat,
    /// Trend lines only: a legend entry for the hollow marker of incomplete points (e.g.
    /// "incomplete data"), shown when some point is incomplete. Without it, incomplete points are
    /// still drawn hollow and their tooltips end in " *".
    pub incomplete_note: Option<String>,
}

/// The mirror gap in percent of the exporter's figure: (imported − exported) / exported × 100.
/// `None` when the exported figure is zero or either figure is not finite.
pub fn gap_percent(exported: f64, imported: f64) -> Option<f64> {
    if exported == 0.0 || !exported.is_finite() || !imported.is_finite() {
        None
    } else {
        Some((imported - exported) / exported * 100.0)
    }
}

/// A line chart: one line per series over the buckets named by `x_labels`, a marker on every
/// point (hollow for an incomplete one, dotted segments to it), a legend below. `unit` (e.g.
/// "USD") is written above the value axis and in each point's tooltip. When the labels do not
/// fit, only every n-th is written.
pub fn trend_lines(title: &str, x_labels: &[String], series: &[Series], unit: &str) -> String {
    trend_lines_with(title, x_labels, series, unit, &ChartOptions::default())
}

/// [`trend_lines`] with another number format or an incomplete-data note.
pub fn trend_lines_with(
    title: &str,
    x_labels: &[String],
    series: &[Series],
    unit: &str,
    options: &ChartOptions,
) -> String {
    let numbers = &options.numbers;
    let star = |incomplete: bool| match (&options.incomplete_note, incomplete) {
        (_, false) => String::new(),
        (Some(note), true) => format!(" ({note})"),
        (None, true) => " *".into(),
    };
    let count = series.iter().map(|s| s.points.len()).max().unwrap_or(0).max(x_labels.len());
    let label = |i: usize| x_labels.get(i).map_or("", String::as_str);
    let (lo, hi) = range(series.iter().flat_map(|s| s.points.iter().map(|p| p.value)));
    let axis = ValueAxis::new(lo, hi, 24.0);
    let left = axis.label_width(numbers) + 14.0;
    let right = W - 12.0;
    let slot = (right - left) / count.max(1) as f64;
    let x_of = |i: usize| left + slot * (i as f64 + 0.5);
    let radius = (slot / 3.0).clamp(1.5, 3.5);

    let mut body = String::new();
    axis.draw(&mut body, left, right, numbers, unit);
    category_labels(&mut body, x_labels, left, slot, axis.bottom());
    let mut desc = Vec::new();
    for (s, line) in series.iter().enumerate() {
        let colour = PALETTE[s % PALETTE.len()];
        let dash = DASHES[s % DASHES.len()];
        let (mut solid, mut dotted) = (Path::default(), Path::default());
        for (i, pair) in line.points.windows(2).enumerate() {
            if !(pair[0].value.is_finite() && pair[1].value.is_finite()) {
                continue;
            }
            let path = if pair[0].incomplete || pair[1].incomplete { &mut dotted } else { &mut solid };
            path.segment(i, (x_of(i), axis.y(pair[0].value)), (x_of(i + 1), axis.y(pair[1].value)));
        }
        if !solid.d.is_empty() {
            let _ = write!(
                body,
                "<path d=\"{}\" class=\"chart-line\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" stroke-linejoin=\"round\"{}/>",
                solid.d,
                dash_attr(dash)
            );
        }
        if !dotted.d.is_empty() {
            let _ = write!(
                body,
                "<path d=\"{}\" class=\"chart-line-incomplete\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" stroke-linecap=\"round\" stroke-dasharray=\"{INCOMPLETE_DASH}\"/>",
                dotted.d
            );
        }
        let mut texts = Vec::new();
        for (i, point) in line.points.iter().enumerate() {
            if !point.value.is_finite() {
                continue;
            }
            let text =
                format!("{} {}{}", label(i), with_unit(&numbers.compact(point.value), unit), star(point.incomplete));
            let _ = write!(
                body,
                "<path d=\"{}\" class=\"{}\" fill=\"{}\" stroke=\"{colour}\" stroke-width=\"1.5\"><title>{}</title></path>",
                marker(s, x_of(i), axis.y(point.value), radius),
                if point.incomplete { "chart-marker chart-marker-incomplete" } else { "chart-marker" },
                if point.incomplete { "#fff" } else { colour },
                esc(&format!("{}, {text}", line.name))
            );
            texts.push(text);
        }
        desc.push(format!("{}: {}", line.name, texts.join(", ")));
    }

    let mut items: Vec<LegendItem> = series
        .iter()
        .enumerate()
        .map(|(s, line)| LegendItem {
            swatch: line_swatch(s, PALETTE[s % PALETTE.len()], DASHES[s % DASHES.len()], false),
            name: line.name.clone(),
        })
        .collect();
    if let Some(note) = &options.incomplete_note
        && series.iter().any(|s| s.points.iter().any(|p| p.incomplete && p.value.is_finite()))
    {
        items.push(LegendItem { swatch: line_swatch(0, "#767676", INCOMPLETE_DASH, true), name: note.clone() });
    }
    let legend_top = axis.bottom() + 30.0;
    let height = legend_top + legend(&mut body, &items, legend_top, 8.0, W - 8.0) + 4.0;
    finish(title, &desc.join("; "), height, "", &body)
}

/// Stacked columns: one column per bucket, one segment per series (e.g. product group) stacked
/// in the order given from the bottom up, the column's total written above it (turned upright
/// when the columns are too narrow for it) and a legend below. Colours cycle through an
/// 8-colour palette and hatchings through 7 patterns, so groups stay apart in black and white.
/// Negative and non-finite values count as zero: these are shares of a positive total.
pub fn stacked_bars(title: &str, x_labels: &[String], stacks: &[Series], unit: &str) -> String {
    stacked_bars_with(title, x_labels, stacks, unit, &ChartOptions::default())
}

/// [`stacked_bars`] with another number format.
pub fn stacked_bars_with(
    title: &str,
    x_labels: &[String],
    stacks: &[Series],
    unit: &str,
    options: &ChartOptions,
) -> String {
    let numbers = &options.numbers;
    let count = stacks.iter().map(|s| s.points.len()).max().unwrap_or(0).max(x_labels.len());
    let value = |s: &Series, i: usize| s.points.get(i).map_or(0.0, |p| positive(p.value));
    let totals: Vec<f64> = (0..count).map(|i| stacks.iter().map(|s| value(s, i)).sum()).collect();
    let (_, hi) = range(totals.iter().copied());
    let total_texts: Vec<String> = totals.iter().map(|t| numbers.compact(*t)).collect();
    let widest_total = total_texts.iter().map(|t| text_w(t)).fold(0.0, f64::max);

    // First guess the slot with a default margin to decide whether totals stand upright.
    let probe = ValueAxis::new(0.0, hi, 0.0);
    let left = probe.label_width(numbers) + 14.0;
    let right = W - 12.0;
    let slot = (right - left) / count.max(1) as f64;
    let upright = widest_total > slot * 0.95;
    let top = 24.0 + if upright { widest_total + 6.0 } else { 14.0 };
    let axis = ValueAxis::new(0.0, hi, top);
    let bar_w = slot * 0.64;
    let ids = IdPrefix::new(title, stacks.iter().map(|s| s.name.as_str()));

    let mut defs = String::new();
    for s in 0..stacks.len() {
        defs.push_str(&hatch(&ids.pattern(s), PALETTE[s % PALETTE.len()], s % HATCHES));
    }
    let mut body = String::new();
    axis.draw(&mut body, left, right, numbers, unit);
    category_labels(&mut body, x_labels, left, slot, axis.bottom());
    for (i, total) in totals.iter().enumerate() {
        let x = left + slot * i as f64 + (slot - bar_w) / 2.0;
        let mut base = 0.0;
        for (s, stack) in stacks.iter().enumerate() {
            let v = value(stack, i);
            if v <= 0.0 {
                continue;
            }
            let (y0, y1) = (axis.y(base), axis.y(base + v));
            let _ = write!(
                body,
                "<rect x=\"{x:.1}\" y=\"{y1:.1}\" width=\"{bar_w:.1}\" height=\"{h:.1}\" class=\"chart-segment\" fill=\"url(#{id})\" stroke=\"#fff\" stroke-width=\"0.5\"><title>{t}</title></rect>",
                h = y0 - y1,
                id = ids.pattern(s),
                t = esc(&format!(
                    "{}, {}: {}",
                    stack.name,
                    x_labels.get(i).map_or("", String::as_str),
                    with_unit(&numbers.compact(v), unit)
                )),
            );
            base += v;
        }
        let (cx, ty) = (x + bar_w / 2.0, axis.y(*total) - 4.0);
        let text = esc(&total_texts[i]);
        if upright {
            let _ = write!(
                body,
                "<text x=\"{cx:.1}\" y=\"{ty:.1}\" transform=\"rotate(-90 {cx:.1} {ty:.1})\" dy=\"4\" class=\"chart-caption chart-total\">{text}</text>"
            );
        } else {
            let _ = write!(
                body,
                "<text x=\"{cx:.1}\" y=\"{ty:.1}\" text-anchor=\"middle\" class=\"chart-caption chart-total\">{text}</text>"
            );
        }
    }
    let items: Vec<LegendItem> = stacks
        .iter()
        .enumerate()
        .map(|(s, stack)| LegendItem { swatch: bar_swatch(&ids.pattern(s)), name: stack.name.clone() })
        .collect();
    let legend_top = axis.bottom() + 30.0;
    let height = legend_top + legend(&mut body, &items, legend_top, 8.0, W - 8.0) + 4.0;
    let desc: Vec<String> = (0..count)
        .map(|i| {
            let parts: Vec<String> =
                stacks.iter().map(|s| format!("{} {}", s.name, numbers.compact(value(s, i)))).collect();
            format!(
                "{}: {} ({})",
                x_labels.get(i).map_or("", String::as_str),
                with_unit(&total_texts[i], unit),
                parts.join(", ")
            )
        })
        .collect();
    finish(title, &desc.join("; "), height, &defs, &body)
}

/// Paired horizontal bars, one pair per row: the exporter's figure (solid, `left_label` in the
/// legend) above the importer's mirror figure (hatched, `right_label`), each figure written at
/// its bar's end, and the gap at the row's end as [`NumberFormat::percent`] of
/// [`gap_percent`]: `+10.0 %` for exported 100 and imported 110, "—" when exported is zero.
/// Negative and non-finite figures are drawn as zero bars.
pub fn mirror_gap(title: &str, rows: &[GapRow], left_label: &str, right_label: &str) -> String {
    mirror_gap_with(title, rows, left_label, right_label, &ChartOptions::default())
}

/// [`mirror_gap`] with another number format.
pub fn mirror_gap_with(
    title: &str,
    rows: &[GapRow],
    left_label: &str,
    right_label: &str,
    options: &ChartOptions,
) -> String {
    const ROW: f64 = 40.0;
    const BAR_H: f64 = 13.0;
    const LABEL_W: f64 = 170.0;
    const TOP: f64 = 8.0;
    let numbers = &options.numbers;
    let (_, hi) = range(rows.iter().flat_map(|r| [positive(r.exported), positive(r.imported)]));
    let ticks = nice_ticks(0.0, hi);
    let max = ticks.last().copied().unwrap_or(1.0);
    let (x0, x1) = (LABEL_W + 8.0, W - 150.0);
    let x_of = |v: f64| x0 + (x1 - x0) * v / max;
    let bottom = TOP + ROW * rows.len().max(1) as f64;
    let ids = IdPrefix::new(title, rows.iter().map(|r| r.label.as_str()));
    let sides = [(PALETTE[0], 0), (PALETTE[1], 1)];
    let defs: String =
        sides.iter().enumerate().map(|(k, (colour, kind))| hatch(&ids.pattern(k), colour, *kind)).collect();

    let mut body = String::new();
    for tick in &ticks {
        let x = x_of(*tick);
        let _ = write!(
            body,
            "<line x1=\"{x:.1}\" y1=\"{TOP}\" x2=\"{x:.1}\" y2=\"{bottom:.1}\" class=\"chart-grid\" stroke=\"#d0d0d0\" stroke-width=\"0.5\"/>\
             <text x=\"{x:.1}\" y=\"{ty:.1}\" text-anchor=\"middle\" class=\"chart-caption chart-tick\">{t}</text>",
            ty = bottom + 14.0,
            t = esc(&numbers.compact(*tick)),
        );
    }
    let _ = write!(
        body,
        "<line x1=\"{x0:.1}\" y1=\"{TOP}\" x2=\"{x0:.1}\" y2=\"{bottom:.1}\" class=\"chart-axis\" stroke=\"#767676\"/>"
    );
    let mut desc = Vec::new();
    for (r, row) in rows.iter().enumerate() {
        let y = TOP + ROW * r as f64;
        let gap = numbers.percent(gap_percent(row.exported, row.imported).unwrap_or(f64::NAN));
        let _ = write!(
            body,
            "<text x=\"{lx:.1}\" y=\"{ly:.1}\" text-anchor=\"end\" class=\"chart-label\">{label}<title>{full}</title></text>",
            lx = LABEL_W,
            ly = y + ROW / 2.0 + 4.0,
            label = esc(&truncate(&row.label, (LABEL_W / CHAR_W) as usize)),
            full = esc(&row.label),
        );
        for (k, (value, side)) in [(row.exported, left_label), (row.imported, right_label)].into_iter().enumerate() {
            let by = y + 5.0 + k as f64 * (BAR_H + 3.0);
            let width = x_of(positive(value)) - x0;
            let text = numbers.compact(if value.is_finite() { value } else { 0.0 });
            let _ = write!(
                body,
                "<rect x=\"{x0:.1}\" y=\"{by:.1}\" width=\"{width:.1}\" height=\"{BAR_H}\" class=\"chart-mirror-{which}\" fill=\"url(#{id})\"><title>{t}</title></rect>\
                 <text x=\"{tx:.1}\" y=\"{ty:.1}\" class=\"chart-caption chart-value\">{v}</text>",
                which = if k == 0 { "exported" } else { "imported" },
                id = ids.pattern(k),
                t = esc(&format!("{}, {side}: {text}", row.label)),
                tx = x0 + width + 4.0,
                ty = by + BAR_H - 2.5,
                v = esc(&text),
            );
        }
        let _ = write!(
            body,
            "<text x=\"{gx:.1}\" y=\"{gy:.1}\" text-anchor=\"end\" font-weight=\"bold\" class=\"chart-label chart-gap\">{g}</text>",
            gx = W - 8.0,
            gy = y + ROW / 2.0 + 4.0,
            g = esc(&gap),
        );
        desc.push(format!(
            "{}: {left_label} {}, {right_label} {}, {gap}",
            row.label,
            numbers.compact(row.exported),
            numbers.compact(row.imported)
        ));
    }
    let items = [
        LegendItem { swatch: bar_swatch(&ids.pattern(0)), name: left_label.to_string() },
        LegendItem { swatch: bar_swatch(&ids.pattern(1)), name: right_label.to_string() },
    ];
    let legend_top = bottom + 26.0;
    let height = legend_top + legend(&mut body, &items, legend_top, 8.0, W - 8.0) + 4.0;
    finish(title, &desc.join("; "), height, &defs, &body)
}

/// A waterfall: each [`StepKind::Step`] floats from the running total to the new one (increases
/// hatched "/" in green, decreases cross-hatched in red), [`StepKind::Start`] and
/// [`StepKind::Total`] stand on zero (solid blue), thin dashed connectors join the levels, and
/// every bar carries its figure (steps signed: `+120 k`, `−30 k`). Labels under the bars wrap
/// onto two lines and are shortened when longer; the full label is in the bar's tooltip. A
/// non-finite amount counts as zero.
pub fn waterfall(title: &str, steps: &[WaterfallStep], unit: &str) -> String {
    waterfall_with(title, steps, unit, &ChartOptions::default())
}

/// [`waterfall`] with another number format.
pub fn waterfall_with(title: &str, steps: &[WaterfallStep], unit: &str, options: &ChartOptions) -> String {
    let numbers = &options.numbers;
    let bars = waterfall_levels(steps);
    let (lo, hi) = range(bars.iter().flat_map(|(from, to)| [*from, *to]));
    let axis = ValueAxis::new(lo, hi, 40.0);
    let left = axis.label_width(numbers) + 14.0;
    let right = W - 12.0;
    let slot = (right - left) / steps.len().max(1) as f64;
    let bar_w = slot * 0.64;
    let ids = IdPrefix::new(title, steps.iter().map(|s| s.label.as_str()));
    let styles = [("chart-wf-total", PALETTE[0], 0), ("chart-wf-up", PALETTE[2], 1), ("chart-wf-down", PALETTE[1], 6)];
    let defs: String =
        styles.iter().enumerate().map(|(k, (_, colour, kind))| hatch(&ids.pattern(k), colour, *kind)).collect();

    let mut body = String::new();
    axis.draw(&mut body, left, right, numbers, unit);
    let mut desc = Vec::new();
    for (i, (step, (from, to))) in steps.iter().zip(&bars).enumerate() {
        let x = left + slot * i as f64 + (slot - bar_w) / 2.0;
        let style = match step.kind {
            StepKind::Start | StepKind::Total => 0,
            StepKind::Step if to >= from => 1,
            StepKind::Step => 2,
        };
        let figure = match step.kind {
            StepKind::Step => numbers.signed(to - from),
            _ => numbers.compact(*to),
        };
        let (y_top, y_bottom) = (axis.y(from.max(*to)), axis.y(from.min(*to)));
        let _ = write!(
            body,
            "<rect x=\"{x:.1}\" y=\"{y_top:.1}\" width=\"{bar_w:.1}\" height=\"{h:.1}\" class=\"chart-wf {class}\" fill=\"url(#{id})\"><title>{t}</title></rect>\
             <text x=\"{cx:.1}\" y=\"{ty:.1}\" text-anchor=\"middle\" class=\"chart-caption chart-value\">{v}</text>",
            h = y_bottom - y_top,
            class = styles[style].0,
            id = ids.pattern(style),
            t = esc(&format!("{}: {}", step.label, with_unit(&figure, unit))),
            cx = x + bar_w / 2.0,
            ty = y_top - 4.0,
            v = esc(&figure),
        );
        if i + 1 < steps.len() {
            let y = axis.y(*to);
            let _ = write!(
                body,
                "<line x1=\"{a:.1}\" y1=\"{y:.1}\" x2=\"{b:.1}\" y2=\"{y:.1}\" class=\"chart-connector\" stroke=\"#767676\" stroke-width=\"0.8\" stroke-dasharray=\"3 2\"/>",
                a = x + bar_w,
                b = x + slot,
            );
        }
        for (l, line) in wrap_two_lines(&step.label, slot - 4.0).iter().enumerate() {
            let _ = write!(
                body,
                "<text x=\"{cx:.1}\" y=\"{ly:.1}\" text-anchor=\"middle\" class=\"chart-label\">{t}</text>",
                cx = x + bar_w / 2.0,
                ly = axis.bottom() + 16.0 + 14.0 * l as f64,
                t = esc(line),
            );
        }
        desc.push(format!("{}: {}", step.label, figure));
    }
    let height = axis.bottom() + 16.0 + 14.0 + 8.0;
    let desc = format!("{}{}", desc.join("; "), if unit.is_empty() { String::new() } else { format!(" ({unit})") });
    finish(title, &desc, height, &defs, &body)
}

/// Where each waterfall bar runs: (from, to) on the value axis.
fn waterfall_levels(steps: &[WaterfallStep]) -> Vec<(f64, f64)> {
    let mut running = 0.0;
    steps
        .iter()
        .map(|step| {
            let amount = if step.amount.is_finite() { step.amount } else { 0.0 };
            match step.kind {
                StepKind::Start => {
                    running = amount;
                    (0.0, amount)
                }
                StepKind::Step => {
                    let from = running;
                    running += amount;
                    (from, running)
                }
                StepKind::Total => (0.0, running),
            }
        })
        .collect()
}

/// The lowest and highest finite value, with zero always inside.
fn range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    values.filter(|v| v.is_finite()).fold((0.0, 0.0), |(lo, hi), v| (f64::min(lo, v), f64::max(hi, v)))
}

fn positive(value: f64) -> f64 {
    if value.is_finite() { value.max(0.0) } else { 0.0 }
}

fn round_significant(value: f64, digits: i32) -> f64 {
    if value == 0.0 || !value.is_finite() {
        return value;
    }
    let scale = 10f64.powi(digits - 1 - value.abs().log10().floor() as i32);
    (value * scale).round() / scale
}

/// Round ticks covering `lo..=hi`: multiples of a step of 1, 2 or 5 × 10ⁿ giving about five
/// intervals. An empty range (all zero, no data) becomes 0..1.
fn nice_ticks(lo: f64, hi: f64) -> Vec<f64> {
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
struct ValueAxis {
    ticks: Vec<f64>,
    top: f64,
}

impl ValueAxis {
    fn new(lo: f64, hi: f64, top: f64) -> Self {
        ValueAxis { ticks: nice_ticks(lo, hi), top }
    }

    fn lo(&self) -> f64 {
        self.ticks.first().copied().unwrap_or(0.0)
    }

    fn hi(&self) -> f64 {
        self.ticks.last().copied().unwrap_or(1.0)
    }

    fn bottom(&self) -> f64 {
        self.top + PLOT_H
    }

    fn y(&self, value: f64) -> f64 {
        self.top + PLOT_H * (self.hi() - value) / (self.hi() - self.lo())
    }

    fn label_width(&self, numbers: &NumberFormat) -> f64 {
        self.ticks.iter().map(|t| text_w(&numbers.compact(*t))).fold(24.0, f64::max)
    }

    /// Grid lines and tick labels, the zero line as the axis, and the unit above the labels.
    fn draw(&self, svg: &mut String, left: f64, right: f64, numbers: &NumberFormat, unit: &str) {
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
fn category_labels(svg: &mut String, labels: &[String], left: f64, slot: f64, y: f64) {
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
struct Path {
    d: String,
    end: Option<usize>,
}

impl Path {
    fn segment(&mut self, from_index: usize, from: (f64, f64), to: (f64, f64)) {
        if self.end != Some(from_index) {
            let _ = write!(self.d, "M{:.1},{:.1}", from.0, from.1);
        }
        let _ = write!(self.d, "L{:.1},{:.1}", to.0, to.1);
        self.end = Some(from_index + 1);
    }
}

fn dash_attr(dash: &str) -> String {
    if dash.is_empty() { String::new() } else { format!(" stroke-dasharray=\"{dash}\"") }
}

/// The path of series `s`'s marker centred at (x, y): circle, square, triangle, diamond or
/// inverted triangle, cycled.
fn marker(s: usize, x: f64, y: f64, r: f64) -> String {
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
struct IdPrefix(String);

impl IdPrefix {
    fn new<'a>(title: &'a str, names: impl Iterator<Item = &'a str>) -> Self {
        // FNV-1a over the title and the names: stable output, distinct across a page's charts.
        let mut hash: u32 = 0x811c_9dc5;
        for text in std::iter::once(title).chain(names) {
            for byte in text.bytes().chain([0]) {
                hash = (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193);
            }
        }
        IdPrefix(format!("tc{hash:08x}"))
    }

    fn pattern(&self, index: usize) -> String {
        format!("{}-p{index}", self.0)
    }
}

/// A fill pattern: the colour with hatching `kind` (0 solid, 1 /, 2 —, 3 \, 4 dots, 5 |, 6 +)
/// drawn in white on dark colours and black on light ones, so it survives grey-scale printing.
fn hatch(id: &str, colour: &str, kind: usize) -> String {
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

fn is_light(colour: &str) -> bool {
    let channel = |i: usize| u8::from_str_radix(colour.get(i..i + 2).unwrap_or("00"), 16).unwrap_or(0) as f64;
    (0.299 * channel(1) + 0.587 * channel(3) + 0.114 * channel(5)) / 255.0 > 0.6
}

/// One legend entry: a 24×12 swatch and the name.
struct LegendItem {
    swatch: String,
    name: String,
}

fn line_swatch(s: usize, colour: &str, dash: &str, hollow: bool) -> String {
    format!(
        "<line x1=\"0\" y1=\"6\" x2=\"24\" y2=\"6\" stroke=\"{colour}\" stroke-width=\"2\"{}{}/><path d=\"{}\" fill=\"{}\" stroke=\"{colour}\" stroke-width=\"1.5\"/>",
        dash_attr(dash),
        if hollow { " stroke-linecap=\"round\"" } else { "" },
        marker(s, 12.0, 6.0, 3.5),
        if hollow { "#fff" } else { colour },
    )
}

fn bar_swatch(pattern: &str) -> String {
    format!("<rect width=\"24\" height=\"12\" fill=\"url(#{pattern})\" stroke=\"#767676\" stroke-width=\"0.5\"/>")
}

/// Lays the entries out in rows from `top`, between `left` and `right`; returns the height used.
fn legend(svg: &mut String, items: &[LegendItem], top: f64, left: f64, right: f64) -> f64 {
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

fn with_unit(figure: &str, unit: &str) -> String {
    if unit.is_empty() { figure.to_string() } else { format!("{figure} {unit}") }
}

fn text_w(text: &str) -> f64 {
    text.chars().count() as f64 * CHAR_W
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(max.saturating_sub(1)).collect::<String>())
    }
}

/// Up to two lines of at most `width` each, words kept whole where they fit; the rest shortened.
fn wrap_two_lines(text: &str, width: f64) -> Vec<String> {
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
fn finish(title: &str, desc: &str, height: f64, defs: &str, body: &str) -> String {
    let title = esc(title);
    let defs = if defs.is_empty() { String::new() } else { format!("<defs>{defs}</defs>") };
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {W} {h}\" width=\"100%\" role=\"img\" class=\"chart\" aria-label=\"{title}\" font-family=\"sans-serif\" font-size=\"12\"><title>{title}</title><desc>{desc}</desc>{defs}{body}</svg>",
        h = height.ceil(),
        desc = esc(desc),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(texts: &[&str]) -> Vec<String> {
        texts.iter().map(|t| t.to_string()).collect()
    }

    fn clean(svg: &str) {
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"), "one whole svg element");
        assert!(svg.contains("role=\"img\"") && svg.contains("<title>"), "accessible");
        assert!(svg.contains("viewBox=\"0 0 640 ") && svg.contains("width=\"100%\""), "responsive");
        for bad in ["NaN", "inf", "http://", "href"] {
            let outside_ns = svg.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
            assert!(!outside_ns.contains(bad), "no {bad} in {svg}");
        }
    }

    /// The numbers in `attr="…"` of the elements whose class attribute contains `class`.
    fn attrs(svg: &str, class: &str, attr: &str) -> Vec<f64> {
        svg.split('<')
            .filter(|element| element.contains(&format!("class=\"{class}")))
            .filter_map(|element| {
                let start = element.find(&format!(" {attr}=\""))? + attr.len() + 3;
                element[start..].split('"').next()?.parse().ok()
            })
            .collect()
    }

    /// The texts of the elements whose class attribute contains `class`.
    fn texts(svg: &str, class: &str) -> Vec<String> {
        svg.split("<text")
            .skip(1)
            .filter(|element| element.split('>').next().is_some_and(|tag| tag.contains(class)))
            .filter_map(|element| element.split('>').nth(1)?.split('<').next().map(str::to_string))
            .collect()
    }

    #[test]
    fn ticks_are_round_steps_covering_the_data() {
        assert_eq!(nice_ticks(0.0, 7.0), vec![0.0, 2.0, 4.0, 6.0, 8.0]);
        let millions = nice_ticks(0.0, 12.3e6);
        let step = millions[1] - millions[0];
        assert!(step == 2e6 || step == 5e6, "step {step}");
        assert!(*millions.last().unwrap() >= 12.3e6);
        assert_eq!(nice_ticks(0.0, 100.0), vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        assert_eq!(nice_ticks(-3.0, 12.0), vec![-5.0, 0.0, 5.0, 10.0, 15.0]);
        let zero = nice_ticks(0.0, 0.0);
        assert_eq!((zero[0], *zero.last().unwrap()), (0.0, 1.0), "empty range becomes 0..1");
        for hi in [0.3, 1.0, 9.99, 48e6, 123_456.0, 7e9] {
            let ticks = nice_ticks(0.0, hi);
            assert!(ticks[0] == 0.0 && *ticks.last().unwrap() >= hi && ticks.len() <= 12, "{hi}: {ticks:?}");
            let step = ticks[1] - ticks[0];
            let mantissa = step / 10f64.powf(step.log10().floor());
            assert!([1.0, 2.0, 5.0].iter().any(|m| (mantissa - m).abs() < 1e-9), "{hi}: step {step}");
        }
    }

    #[test]
    fn numbers_are_compact_and_signed() {
        let n = NumberFormat::default();
        assert_eq!(n.compact(12_500_000.0), "12.5 M");
        assert_eq!(n.compact(800_000.0), "800 k");
        assert_eq!(n.compact(1_234.0), "1.23 k");
        assert_eq!(n.compact(999_950.0), "1 M", "rounding carries into the next suffix");
        assert_eq!(n.compact(48e9), "48 G");
        assert_eq!(n.compact(999.0), "999");
        assert_eq!(n.compact(0.05), "0.05");
        assert_eq!(n.compact(0.0), "0");
        assert_eq!(n.compact(-1_500.0), "−1.5 k");
        assert_eq!(n.compact(f64::NAN), "—");
        assert_eq!(n.signed(120_000.0), "+120 k");
        assert_eq!(n.signed(-30_000.0), "−30 k");
        assert_eq!(n.percent(10.0), "+10.0 %");
        assert_eq!(n.percent(-5.26), "−5.3 %");
        assert_eq!(n.percent(0.01), "0.0 %");
        let ru =
            NumberFormat { decimal: ',', suffixes: ["тыс.", "млн", "млрд", "трлн"].map(String::from) };
        assert_eq!(ru.compact(12_500_000.0), "12,5 млн");
        assert_eq!(ru.percent(10.0), "+10,0 %");
    }

    #[test]
    fn trend_lines_draw_a_line_and_markers_per_series_and_an_axis_above_the_data() {
        let x = labels(&["2025Q1", "2025Q2", "2025Q3", "2025Q4"]);
        let series = [
            Series::new("Exports", [4.1e6, 5.0e6, 6.2e6, 12.3e6]),
            Series::new("Imports", [1.0e6, 0.8e6, 1.2e6, 1.5e6]),
            Series::new("Turnover", [5.1e6, 5.8e6, 7.4e6, 13.8e6]),
        ];
        let svg = trend_lines("Trade", &x, &series, "USD");
        clean(&svg);
        assert_eq!(svg.matches("class=\"chart-line\"").count(), 3, "one path per series");
        assert_eq!(svg.matches("class=\"chart-marker\"").count(), 12, "a marker per point");
        assert!(!svg.contains("chart-line-incomplete") && !svg.contains("chart-marker-incomplete"));
        let ticks = texts(&svg, "chart-tick");
        assert_eq!(ticks, ["0", "5 M", "10 M", "15 M"], "round ticks, the top one above 13.8 M");
        assert_eq!(texts(&svg, "chart-x"), x, "all four labels fit");
        assert_eq!(texts(&svg, "chart-unit"), ["USD"]);
        assert!(svg.contains(">Exports</text>") && svg.contains(">Turnover</text>"), "legend");
        assert!(svg.contains("stroke-dasharray=\"8 4\""), "second series dashed for black-and-white print");
        // The highest point sits on or below the top tick's grid line.
        let tops = attrs(&svg, "chart-grid", "y1");
        let top_grid = tops.iter().copied().fold(f64::MAX, f64::min);
        let parts: Vec<&str> = svg.split("class=\"chart-marker\"").collect();
        let marker_ys: Vec<f64> = parts[..parts.len() - 1]
            .iter()
            .filter_map(|part| {
                part.rsplit("d=\"M").next()?.split(',').nth(1)?.split(|c: char| c.is_alphabetic()).next()?.parse().ok()
            })
            .collect();
        assert!(marker_ys.iter().all(|y| *y >= top_grid - 4.0), "{marker_ys:?} under {top_grid}");
    }

    #[test]
    fn incomplete_points_are_hollow_with_dotted_segments_and_a_legend_note() {
        let x = labels(&["Q1", "Q2", "Q3"]);
        let series =
            [Series { name: "Exports".into(), points: vec![Point::complete(1.0), 2.0.into(), Point::incomplete(1.5)] }];
        let options = ChartOptions { incomplete_note: Some("incomplete <data>".into()), ..ChartOptions::default() };
        let svg = trend_lines_with("T", &x, &series, "", &options);
        clean(&svg);
        assert_eq!(svg.matches("class=\"chart-line\"").count(), 1);
        assert_eq!(svg.matches("class=\"chart-line-incomplete\"").count(), 1);
        assert_eq!(svg.matches("chart-marker-incomplete").count(), 1);
        assert!(svg.contains(">incomplete &lt;data&gt;</text>"), "legend entry for the hollow marker");
        assert!(svg.contains("Q3 1.5 (incomplete &lt;data&gt;)"), "tooltip says so");
        let plain = trend_lines("T", &x, &series, "");
        assert!(plain.contains("Q3 1.5 *") && !plain.contains("(incomplete"), "no note unless given");
    }

    #[test]
    fn many_labels_are_thinned_and_gaps_break_lines() {
        let months: Vec<String> = (0..72).map(|i| format!("{}-{:02}", 2021 + i / 12, i % 12 + 1)).collect();
        let values: Vec<f64> = (0..72).map(|i| if i == 30 { f64::NAN } else { i as f64 * 1000.0 }).collect();
        let svg = trend_lines("Monthly", &months, &[Series::new("Exports", values)], "USD");
        clean(&svg);
        let shown = texts(&svg, "chart-x");
        assert!(shown.iter().all(|l| l.ends_with("-01")), "one a year: {shown:?}");
        assert_eq!(shown.len(), 6);
        assert_eq!(svg.matches("class=\"chart-marker\"").count(), 71, "no marker for the NaN");
        let line = svg.split("class=\"chart-line\"").next().unwrap().rsplit("d=\"").next().unwrap();
        assert_eq!(line.matches('M').count(), 2, "the gap splits the line in two");
    }

    #[test]
    fn empty_zero_and_odd_inputs_give_clean_svg() {
        let x = labels(&["a", "b"]);
        let nan = Series::new("n", [f64::NAN, f64::INFINITY]);
        for svg in [
            trend_lines("", &[], &[], ""),
            trend_lines("Zero", &x, &[Series::new("z", [0.0, 0.0])], "USD"),
            trend_lines("Odd", &x, std::slice::from_ref(&nan), "USD"),
            stacked_bars("", &[], &[], ""),
            stacked_bars("Zero", &x, &[Series::new("z", [0.0, 0.0])], "USD"),
            stacked_bars("Odd", &x, &[nan], "USD"),
            mirror_gap("", &[], "", ""),
            mirror_gap("Zero", &[GapRow { label: "x".into(), exported: 0.0, imported: 0.0 }], "BY", "RU"),
            waterfall("", &[], ""),
            waterfall("Odd", &[WaterfallStep { label: "x".into(), amount: f64::NAN, kind: StepKind::Start }], "USD"),
        ] {
            clean(&svg);
        }
    }

    #[test]
    fn text_is_escaped_everywhere() {
        let x = labels(&["Q<1>&"]);
        let series = [Series::new("Ex <&> \"ports\"", [1.0])];
        let rows = [GapRow { label: "Tractors <&>".into(), exported: 1.0, imported: 1.0 }];
        let steps = [WaterfallStep { label: "Duty <&>".into(), amount: 1.0, kind: StepKind::Start }];
        for svg in [
            trend_lines("A <&> B", &x, &series, "<USD>"),
            stacked_bars("A <&> B", &x, &series, "<USD>"),
            mirror_gap("A <&> B", &rows, "<by>", "<&ru>"),
            waterfall("A <&> B", &steps, "<USD>"),
        ] {
            clean(&svg);
            assert!(svg.contains("A &lt;&amp;&gt; B"));
            let inner = svg.trim_start_matches("<svg").trim_end_matches("</svg>");
            for raw in ["<&>", "<USD>", "<by>", "&ru", "\"ports\""] {
                assert!(!inner.contains(raw), "{raw} unescaped in {svg}");
            }
        }
    }

    #[test]
    fn stacked_bars_draw_a_segment_per_positive_value_with_totals_and_cycled_patterns() {
        let x = labels(&["2024", "2025"]);
        let groups: Vec<Series> = (0..10)
            .map(|g| Series::new(format!("Group {g}"), [1_000.0 * (g + 1) as f64, if g == 3 { -5.0 } else { 100.0 }]))
            .collect();
        let svg = stacked_bars("By group", &x, &groups, "USD");
        clean(&svg);
        assert_eq!(svg.matches("class=\"chart-segment\"").count(), 19, "the negative value draws nothing");
        assert_eq!(svg.matches("<pattern ").count(), 10, "a pattern per group");
        assert_eq!(texts(&svg, "chart-total"), ["55 k", "900"], "totals, negative counted as zero");
        let ticks = texts(&svg, "chart-tick");
        assert_eq!(ticks.last().map(String::as_str), Some("60 k"));
        // Colours cycle after eight: group 8 has group 0's colour but another hatching.
        let fill =
            |g: usize| svg.split(&format!("-p{g}\"")).nth(1).unwrap().split("fill=\"").nth(1).unwrap()[..7].to_string();
        assert_eq!(fill(8), fill(0));
        assert_ne!(fill(1), fill(0));
        // The segments of a column add up to the total's height.
        let heights = attrs(&svg, "chart-segment", "height");
        let first_column: f64 = heights[..10].iter().sum();
        assert!((first_column - PLOT_H * 55.0 / 60.0).abs() < 0.5, "{first_column}");
        for g in 0..10 {
            assert!(svg.contains(&format!(">Group {g}</text>")), "legend entry {g}");
        }
    }

    #[test]
    fn narrow_columns_stand_their_totals_upright() {
        let months: Vec<String> = (1..=36).map(|m| format!("M{m}")).collect();
        let svg =
            stacked_bars("Monthly", &months, &[Series::new("All", (1..=36).map(|m| m as f64 * 123_456.0))], "USD");
        clean(&svg);
        assert_eq!(svg.matches("rotate(-90").count(), 36);
    }

    #[test]
    fn mirror_gap_pairs_bars_and_prints_the_gap() {
        let rows = [
            GapRow { label: "Tractors".into(), exported: 100.0, imported: 110.0 },
            GapRow { label: "Trucks".into(), exported: 200.0, imported: 190.0 },
            GapRow { label: "Fish".into(), exported: 0.0, imported: 50.0 },
        ];
        let svg = mirror_gap("Mirror", &rows, "Belarus: exports", "Russia: imports");
        clean(&svg);
        assert_eq!(texts(&svg, "chart-gap"), ["+10.0 %", "−5.0 %", "—"]);
        assert_eq!(svg.matches("class=\"chart-mirror-exported\"").count(), 3);
        assert_eq!(svg.matches("class=\"chart-mirror-imported\"").count(), 3);
        let widths = attrs(&svg, "chart-mirror-", "width");
        assert!((widths[1] / widths[0] - 1.1).abs() < 0.01, "bars proportional: {widths:?}");
        assert!(svg.contains(">Belarus: exports</text>") && svg.contains(">Russia: imports</text>"));
        assert_eq!(gap_percent(100.0, 110.0).map(|g| (g * 1e9).round() / 1e9), Some(10.0));
        assert_eq!(gap_percent(0.0, 5.0), None);
    }

    #[test]
    fn waterfall_floats_steps_and_stands_totals_on_zero() {
        let step = |label: &str, amount: f64, kind| WaterfallStep { label: label.into(), amount, kind };
        let steps = [
            step("Ex works price", 100_000.0, StepKind::Start),
            step("Freight Minsk–Khabarovsk by rail", 50_000.0, StepKind::Step),
            step("Discount", -30_000.0, StepKind::Step),
            step("Landed cost", 0.0, StepKind::Total),
        ];
        let svg = waterfall("Landed cost", &steps, "USD");
        clean(&svg);
        let heights = attrs(&svg, "chart-wf", "height");
        let ys = attrs(&svg, "chart-wf", "y");
        assert_eq!(heights.len(), 4);
        assert!((heights[3] / heights[0] - 1.2).abs() < 0.01, "total = 100 k + 50 k − 30 k: {heights:?}");
        assert!((heights[1] / heights[0] - 0.5).abs() < 0.01 && (heights[2] / heights[0] - 0.3).abs() < 0.01);
        assert!((ys[1] + heights[1] - ys[0]).abs() < 0.15, "the increase starts at the start bar's top");
        assert!((ys[2] - ys[1]).abs() < 0.15, "the decrease hangs from the running total");
        assert!((ys[0] + heights[0] - (ys[3] + heights[3])).abs() < 0.15, "start and total stand on zero");
        assert_eq!(svg.matches("chart-wf-down").count(), 1);
        assert_eq!(svg.matches("chart-wf-up").count(), 1);
        assert_eq!(svg.matches("class=\"chart-connector\"").count(), 3);
        assert_eq!(texts(&svg, "chart-value"), ["100 k", "+50 k", "−30 k", "120 k"]);
        assert!(svg.contains("<title>Freight Minsk–Khabarovsk by rail: +50 k USD</title>"), "full label in tooltip");
    }

    #[test]
    fn waterfall_below_zero_extends_the_axis() {
        let steps = [
            WaterfallStep { label: "a".into(), amount: 10.0, kind: StepKind::Start },
            WaterfallStep { label: "b".into(), amount: -25.0, kind: StepKind::Step },
            WaterfallStep { label: "c".into(), amount: 999.0, kind: StepKind::Total },
        ];
        assert_eq!(waterfall_levels(&steps), vec![(0.0, 10.0), (10.0, -15.0), (0.0, -15.0)]);
        let svg = waterfall("W", &steps, "");
        clean(&svg);
        assert_eq!(texts(&svg, "chart-tick").first().map(String::as_str), Some("−15"));
        assert_eq!(texts(&svg, "chart-value").last().map(String::as_str), Some("−15"));
    }

    #[test]
    fn charts_on_one_page_get_distinct_pattern_ids() {
        let x = labels(&["a"]);
        let one = stacked_bars("One", &x, &[Series::new("g", [1.0])], "");
        let two = stacked_bars("Two", &x, &[Series::new("g", [1.0])], "");
        let id = |svg: &str| svg.split("<pattern id=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
        assert_ne!(id(&one), id(&two));
        assert_eq!(one, stacked_bars("One", &x, &[Series::new("g", [1.0])], ""), "deterministic");
    }
}
