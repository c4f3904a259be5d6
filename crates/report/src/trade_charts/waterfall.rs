//! A waterfall (landed-cost breakdowns).

use std::fmt::Write;

use super::draw::*;
use super::*;
use crate::charts::esc;

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
pub(super) fn waterfall_levels(steps: &[WaterfallStep]) -> Vec<(f64, f64)> {
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
