//! Where the saving per unit comes from: the two landed costs compared line key by line key
//! (ex-works price, packing, transport, handling, storage, insurance, financing, spoilage,
//! intermediaries' margins), per unit, before VAT.
//!
//! Each component is `finished line / finished units − kit line / kit units`, exact, then
//! rounded to the kopeck; the rounding residual against the saving (the difference of the two
//! kopeck-rounded landed costs per unit, at most a few kopecks) goes to the components rounded
//! furthest from their exact value (largest remainder), so the components add up to the saving
//! to the kopeck. Components fall in three groups, so the page can say what is logistics and
//! what is not: the goods (ex-works price and packing: the kit is cheaper at the plant), the
//! intermediaries (margins that only the finished-goods chain pays), and logistics proper.
//! A line key that is zero in both chains is left out.

use rust_decimal::Decimal;
use serde::Serialize;

/// What a component is, for the reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SavingGroup {
    /// Ex-works price and packing.
    Goods,
    /// Intermediaries' margins and fees.
    Intermediaries,
    /// Transport, handling, storage, cargo insurance, financing in transit, spoilage.
    Logistics,
}

impl SavingGroup {
    pub const ALL: [SavingGroup; 3] = [SavingGroup::Goods, SavingGroup::Intermediaries, SavingGroup::Logistics];

    pub fn of(line_key: &str) -> SavingGroup {
        match line_key {
            "logistics.cost.ex-works" | "logistics.cost.packing" => SavingGroup::Goods,
            "logistics.cost.margin" => SavingGroup::Intermediaries,
            _ => SavingGroup::Logistics,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            SavingGroup::Goods => "logistics.saving.goods",
            SavingGroup::Intermediaries => "logistics.saving.intermediaries",
            SavingGroup::Logistics => "logistics.saving.logistics",
        }
    }
}

/// One line key of the landed cost in both chains, per unit, in the case's currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SavingComponent {
    /// The landed-cost line key: `logistics.cost.transport`.
    pub key: &'static str,
    pub group: SavingGroup,
    pub finished_per_unit: Decimal,
    pub kit_per_unit: Decimal,
    /// Finished − kit; the components add up to the saving.
    pub saving_per_unit: Decimal,
    /// Percent of the saving, one decimal; none when the saving is zero.
    pub share_percent: Option<Decimal>,
}

/// A group's subtotal: the sum of its rounded components.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SavingSubtotal {
    pub group: SavingGroup,
    pub saving_per_unit: Decimal,
    pub share_percent: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SavingSplit {
    /// Finished − kit landed cost per unit before VAT, to the kopeck.
    pub saving_per_unit: Decimal,
    pub components: Vec<SavingComponent>,
    pub groups: Vec<SavingSubtotal>,
}

fn share(part: Decimal, total: Decimal) -> Option<Decimal> {
    (!total.is_zero()).then(|| (part * Decimal::ONE_HUNDRED / total).round_dp(1))
}

/// Splits `total` (the saving per unit, kopecks) over the line keys of the two chains, given
/// each key's exact amount per unit in the finished and the kit chain (in chain order; a key
/// may appear in one chain only, and VAT is left out by the caller).
pub fn split_saving(
    finished: &[(&'static str, Decimal)],
    kit: &[(&'static str, Decimal)],
    total: Decimal,
) -> SavingSplit {
    let mut keys: Vec<&'static str> = Vec::new();
    for (k, _) in finished.iter().chain(kit) {
        if !keys.contains(k) {
            keys.push(k);
        }
    }
    let sum = |lines: &[(&'static str, Decimal)], k: &str| -> Decimal {
        lines.iter().filter(|(key, _)| *key == k).map(|(_, v)| *v).sum()
    };
    let cent = Decimal::new(1, 2);
    let mut parts: Vec<(&'static str, Decimal, Decimal, Decimal, Decimal)> = keys
        .into_iter()
        .map(|k| {
            let (f, c) = (sum(finished, k), sum(kit, k));
            let exact = f - c;
            (k, f, c, exact, super::horizon::r2(exact))
        })
        // A line that costs nothing in either chain (no spoilage for tractors) says nothing.
        .filter(|p| !(p.1.is_zero() && p.2.is_zero()))
        .collect();
    // Largest remainder: hand the residual out a kopeck at a time to the components whose
    // rounding moved them furthest the other way.
    let residual = total - parts.iter().map(|p| p.4).sum::<Decimal>();
    let steps = (residual / cent).round().abs().try_into().unwrap_or(0usize);
    if steps > 0 && !parts.is_empty() {
        let up = residual > Decimal::ZERO;
        let mut order: Vec<usize> = (0..parts.len()).collect();
        // Under-rounded first when adding, over-rounded first when taking away.
        order.sort_by(|a, b| {
            let (ra, rb) = (parts[*a].3 - parts[*a].4, parts[*b].3 - parts[*b].4);
            if up { rb.cmp(&ra) } else { ra.cmp(&rb) }
        });
        for i in 0..steps {
            let p = &mut parts[order[i % order.len()]];
            p.4 += if up { cent } else { -cent };
        }
    }
    let components: Vec<SavingComponent> = parts
        .into_iter()
        .map(|(key, f, c, _, saving)| SavingComponent {
            key,
            group: SavingGroup::of(key),
            finished_per_unit: super::horizon::r2(f),
            kit_per_unit: super::horizon::r2(c),
            saving_per_unit: saving,
            share_percent: share(saving, total),
        })
        .collect();
    let groups = SavingGroup::ALL
        .into_iter()
        .map(|group| {
            let s = components.iter().filter(|c| c.group == group).map(|c| c.saving_per_unit).sum();
            SavingSubtotal { group, saving_per_unit: s, share_percent: share(s, total) }
        })
        .collect();
    SavingSplit { saving_per_unit: total, components, groups }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).expect(s)
    }

    #[test]
    fn components_add_up_to_the_saving_by_hand() {
        // Finished: ex-works 1000, transport 90, margin 86.4 (8 % of 1080); kit: ex-works 800,
        // transport 60, road to the park 10 (another transport line), no margin.
        // Saving 1176.40 − 870 = 306.40 = ex-works 200 + transport 20 + margin 86.40;
        // shares 200 / 306.4 = 65.27… → 65.3 %, 20 / 306.4 = 6.52… → 6.5 %, 86.4 / 306.4 = 28.19… → 28.2 %.
        let finished = [
            ("logistics.cost.ex-works", dec("1000")),
            ("logistics.cost.transport", dec("90")),
            ("logistics.cost.margin", dec("86.4")),
        ];
        let kit = [
            ("logistics.cost.ex-works", dec("800")),
            ("logistics.cost.transport", dec("60")),
            ("logistics.cost.transport", dec("10")),
        ];
        let s = split_saving(&finished, &kit, dec("306.40"));
        let got: Vec<(&str, Decimal, Option<Decimal>)> =
            s.components.iter().map(|c| (c.key, c.saving_per_unit, c.share_percent)).collect();
        assert_eq!(
            got,
            vec![
                ("logistics.cost.ex-works", dec("200"), Some(dec("65.3"))),
                ("logistics.cost.transport", dec("20"), Some(dec("6.5"))),
                ("logistics.cost.margin", dec("86.40"), Some(dec("28.2"))),
            ]
        );
        assert_eq!(s.components[1].kit_per_unit, dec("70"));
        let groups: Vec<Decimal> = s.groups.iter().map(|g| g.saving_per_unit).collect();
        assert_eq!(groups, vec![dec("200"), dec("86.40"), dec("20")]);
    }

    #[test]
    fn the_rounding_residual_goes_to_the_largest_remainder() {
        // Three components of 1/3 each: exact 0.333…, rounded 0.33 each = 0.99, but the saving
        // (rounded once) is 1.00: the kopeck goes to the first of the equal remainders.
        let third = Decimal::ONE / Decimal::from(3);
        let finished = [
            ("logistics.cost.ex-works", third),
            ("logistics.cost.transport", third),
            ("logistics.cost.handling", third),
        ];
        let s = split_saving(&finished, &[], dec("1.00"));
        let got: Vec<Decimal> = s.components.iter().map(|c| c.saving_per_unit).collect();
        assert_eq!(got, vec![dec("0.34"), dec("0.33"), dec("0.33")]);
        assert_eq!(got.iter().copied().sum::<Decimal>(), dec("1.00"));
        // And the other way: 2/3 each rounds to 0.67 (2.01 in all) against a saving of 2.00.
        let two = third * Decimal::TWO;
        let finished =
            [("logistics.cost.ex-works", two), ("logistics.cost.transport", two), ("logistics.cost.dwell", two)];
        let s = split_saving(&finished, &[], dec("2.00"));
        assert_eq!(s.components.iter().map(|c| c.saving_per_unit).sum::<Decimal>(), dec("2.00"));
    }
}
