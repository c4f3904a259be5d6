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

mod bars;
mod draw;
mod gap;
mod lines;
mod waterfall;

pub use bars::{stacked_bars, stacked_bars_with};
pub use gap::{mirror_gap, mirror_gap_with};
pub use lines::{trend_lines, trend_lines_with};
pub use waterfall::{waterfall, waterfall_with};

use draw::round_significant;

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

#[cfg(test)]
mod tests;
