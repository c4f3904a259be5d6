//! Roll-up of percent done: a measure with sub-measures shows the weighted mean of its
//! children, recursively; cancelled measures do not count.

use super::measure::Status;
use super::number::MeasureNumber;
use std::collections::BTreeMap;

/// One measure as the roll-up sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressItem {
    pub number: MeasureNumber,
    pub status: Status,
    pub percent: u8,
    pub weight: u32,
}

/// The effective percent (0.0..=100.0) of every measure that counts (cancelled ones are left out).
pub fn roll_up(items: &[ProgressItem]) -> BTreeMap<MeasureNumber, f64> {
    let by_number: BTreeMap<&MeasureNumber, &ProgressItem> = items.iter().map(|i| (&i.number, i)).collect();
    let mut children: BTreeMap<&MeasureNumber, Vec<&ProgressItem>> = BTreeMap::new();
    for item in items {
        if let Some(parent) = item.number.parent()
            && let Some((key, _)) = by_number.get_key_value(&parent)
        {
            children.entry(*key).or_default().push(item);
        }
    }
    let mut result = BTreeMap::new();
    // Deepest first, so every child is known before its parent.
    let mut order: Vec<&ProgressItem> = items.iter().filter(|i| i.status != Status::Cancelled).collect();
    order.sort_by_key(|i| std::cmp::Reverse(i.number.depth()));
    for item in order {
        let counted: Vec<(f64, f64)> = children
            .get(&item.number)
            .map(|kids| {
                kids.iter()
                    .filter_map(|k| result.get(&k.number).map(|p: &f64| (*p, f64::from(k.weight.max(1)))))
                    .collect()
            })
            .unwrap_or_default();
        let percent = if counted.is_empty() {
            if item.status == Status::Done { 100.0 } else { f64::from(item.percent.min(100)) }
        } else {
            weighted_mean(&counted)
        };
        result.insert(item.number.clone(), percent);
    }
    result
}

/// The weighted mean of the top-level measures: the whole plan's progress.
pub fn overall(items: &[ProgressItem], rolled: &BTreeMap<MeasureNumber, f64>) -> f64 {
    let top: Vec<(f64, f64)> = items
        .iter()
        .filter(|i| {
            i.status != Status::Cancelled && (i.number.parent().is_none_or(|p| !items.iter().any(|o| o.number == p)))
        })
        .filter_map(|i| rolled.get(&i.number).map(|p| (*p, f64::from(i.weight.max(1)))))
        .collect();
    weighted_mean(&top)
}

fn weighted_mean(values: &[(f64, f64)]) -> f64 {
    let total: f64 = values.iter().map(|(_, w)| w).sum();
    if total == 0.0 { 0.0 } else { values.iter().map(|(p, w)| p * w).sum::<f64>() / total }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(n: &str, status: Status, percent: u8, weight: u32) -> ProgressItem {
        ProgressItem { number: n.parse().expect("number"), status, percent, weight }
    }

    #[test]
    fn parents_show_the_weighted_mean_of_their_children() {
        let items = vec![
            item("1.", Status::InProgress, 0, 1),
            item("1.1.", Status::Done, 0, 1),
            item("1.2.", Status::InProgress, 50, 3),
            item("1.3.", Status::Cancelled, 0, 5),
            item("2.", Status::InProgress, 20, 1),
            item("2.1.", Status::InProgress, 40, 1),
            item("2.1.1.", Status::Done, 100, 1),
            item("2.1.2.", Status::NotStarted, 0, 1),
        ];
        let rolled = roll_up(&items);
        let get = |n: &str| rolled[&n.parse::<MeasureNumber>().expect("number")];
        assert!((get("1.") - 62.5).abs() < 1e-9, "(100*1 + 50*3) / 4");
        assert!((get("2.1.") - 50.0).abs() < 1e-9, "own 40% is replaced by the children's mean");
        assert!((get("2.") - 50.0).abs() < 1e-9);
        assert!(!rolled.contains_key(&"1.3.".parse::<MeasureNumber>().expect("number")));
        assert!((overall(&items, &rolled) - 56.25).abs() < 1e-9);
    }

    #[test]
    fn orphans_and_empty_plans() {
        let items = vec![item("3.2.", Status::InProgress, 30, 1)];
        let rolled = roll_up(&items);
        assert!((overall(&items, &rolled) - 30.0).abs() < 1e-9, "a child without its parent counts as top level");
        assert_eq!(overall(&[], &BTreeMap::new()), 0.0);
    }
}
