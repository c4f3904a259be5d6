//! Trend lines by direction.

use std::fmt::Write;

use super::draw::*;
use super::*;
use crate::charts::esc;

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
