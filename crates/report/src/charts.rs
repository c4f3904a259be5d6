//! Charts as SVG text: horizontal percent bars and a series of actuals against a target.

use std::fmt::Write;

/// Escapes text for SVG.
pub(crate) fn esc(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// One bar: a label, a value 0..=100 and a caption shown at the bar's end.
pub struct Bar {
    pub label: String,
    pub percent: f64,
    pub caption: String,
}

/// Horizontal bars, one per row, each filled to its percent. `title` is read by screen readers.
pub fn percent_bars(title: &str, bars: &[Bar]) -> String {
    const ROW: f64 = 28.0;
    const LABEL_W: f64 = 260.0;
    const BAR_W: f64 = 320.0;
    let height = ROW * bars.len().max(1) as f64 + 8.0;
    let width = LABEL_W + BAR_W + 90.0;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" role=\"img\" class=\"chart\" font-family=\"sans-serif\" font-size=\"12\" aria-label=\"{}\"><title>{}</title>",
        esc(title),
        esc(title)
    );
    for (i, bar) in bars.iter().enumerate() {
        let y = 4.0 + ROW * i as f64;
        let filled = BAR_W * bar.percent.clamp(0.0, 100.0) / 100.0;
        let _ = write!(
            svg,
            "<text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\" class=\"chart-label\" fill=\"#222\">{label}</text>\
             <rect x=\"{bx}\" y=\"{y}\" width=\"{BAR_W}\" height=\"18\" rx=\"3\" class=\"chart-track\" fill=\"#e2e6ea\"/>\
             <rect x=\"{bx}\" y=\"{y}\" width=\"{filled:.1}\" height=\"18\" rx=\"3\" class=\"chart-bar\" fill=\"#0172ad\"/>\
             <text x=\"{cx}\" y=\"{ty}\" class=\"chart-caption\" fill=\"#222\">{caption}</text>",
            lx = LABEL_W - 8.0,
            ty = y + 14.0,
            label = esc(&truncate(&bar.label, 38)),
            bx = LABEL_W,
            cx = LABEL_W + BAR_W + 8.0,
            caption = esc(&bar.caption),
        );
    }
    svg.push_str("</svg>");
    svg
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(max - 1).collect::<String>())
    }
}

/// Quarterly actuals as columns against a dashed target line.
pub fn actuals_vs_target(title: &str, points: &[(String, f64)], target: Option<f64>, baseline: Option<f64>) -> String {
    const W: f64 = 420.0;
    const H: f64 = 160.0;
    const PAD: f64 = 28.0;
    let max = points.iter().map(|(_, v)| *v).chain(target).chain(baseline).fold(0.0_f64, f64::max).max(1.0) * 1.1;
    let y_of = |v: f64| H - PAD - (H - 2.0 * PAD) * (v.max(0.0) / max);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {W} {H}\" role=\"img\" class=\"chart\" font-family=\"sans-serif\" font-size=\"12\" aria-label=\"{}\"><title>{}</title>",
        esc(title),
        esc(title)
    );
    let _ = write!(
        svg,
        "<line x1=\"{PAD}\" y1=\"{b}\" x2=\"{r}\" y2=\"{b}\" class=\"chart-axis\" stroke=\"#888\"/>",
        b = H - PAD,
        r = W - 8.0
    );
    let slot = (W - PAD - 8.0) / points.len().max(1) as f64;
    for (i, (label, value)) in points.iter().enumerate() {
        let x = PAD + slot * i as f64 + slot * 0.2;
        let y = y_of(*value);
        let _ = write!(
            svg,
            "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" class=\"chart-bar\" fill=\"#0172ad\"><title>{t}</title></rect>\
             <text x=\"{tx:.1}\" y=\"{ly}\" text-anchor=\"middle\" class=\"chart-caption\" fill=\"#222\">{l}</text>",
            w = slot * 0.6,
            h = (H - PAD - y).max(0.0),
            t = esc(&format!("{label}: {value}")),
            tx = x + slot * 0.3,
            ly = H - PAD + 14.0,
            l = esc(label),
        );
    }
    // Presentation attributes for documents without the page's stylesheet (PDF); the page's
    // CSS classes override them on screen.
    let target_style = "stroke=\"#b3261e\" stroke-dasharray=\"6 4\" stroke-width=\"2\"";
    let baseline_style = "stroke=\"#888\" stroke-dasharray=\"2 3\"";
    for (value, class, name, style) in
        [(target, "chart-target", "target", target_style), (baseline, "chart-baseline", "baseline", baseline_style)]
    {
        if let Some(v) = value {
            let y = y_of(v);
            let _ = write!(
                svg,
                "<line x1=\"{PAD}\" y1=\"{y:.1}\" x2=\"{r}\" y2=\"{y:.1}\" class=\"{class}\" {style}><title>{name}: {v}</title></line>",
                r = W - 8.0
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_fill_to_their_percent_and_escape_labels() {
        let svg = percent_bars(
            "Progress",
            &[
                Bar { label: "Trade <&>".into(), percent: 50.0, caption: "50%".into() },
                Bar { label: "x".into(), percent: 140.0, caption: "".into() },
            ],
        );
        assert!(svg.contains("width=\"160.0\""), "half of 320");
        assert!(svg.contains("width=\"320.0\""), "clamped at 100%");
        assert!(svg.contains("Trade &lt;&amp;&gt;"));
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }

    #[test]
    fn actuals_chart_draws_a_column_per_quarter_and_the_target() {
        let svg = actuals_vs_target("Turnover", &[("2025Q1".into(), 10.0), ("2025Q2".into(), 20.0)], Some(40.0), None);
        assert_eq!(svg.matches("class=\"chart-bar\"").count(), 2);
        assert!(svg.contains("chart-target"));
        assert!(!svg.contains("chart-baseline"));
    }
}
