use super::draw::*;
use super::waterfall::waterfall_levels;
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
    let ru = NumberFormat { decimal: ',', suffixes: ["тыс.", "млн", "млрд", "трлн"].map(String::from) };
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
    let svg = stacked_bars("Monthly", &months, &[Series::new("All", (1..=36).map(|m| m as f64 * 123_456.0))], "USD");
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
