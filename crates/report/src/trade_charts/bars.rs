//! Stacked columns by product group.

use std::fmt::Write;

use super::draw::*;
use super::*;
use crate::charts::esc;

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
