//! The mirror gap between the two sides' figures.

use std::fmt::Write;

use super::draw::*;
use super::*;
use crate::charts::esc;

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
