//! Mirror reconciliation: the same goods as the exporting side's statistics and as the importing
//! side's. Belarus's export to Russia is Russia's import from Belarus; the two figures differ
//! (CIF against FOB values, timing, classification, confidential lines) and the gap is what the
//! coordinators of both sides look at together, which neither can do alone.

use super::aggregate::AggregatedRecord;
use super::code::{CodeLevel, CommodityCode};
use super::money::Currency;
use super::rate::{RateBasis, RateTable};
use super::record::{Flow, Territory};
use super::summary::{Bucket, Converter, Granularity, PeriodRange, SummaryError, percent, to_decimal};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A coordinator's verdict on a mirror gap, kept with a comment by the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MirrorStatus {
    /// Nobody has looked at it yet.
    Open,
    /// The gap has a known cause (valuation basis, timing, re-export).
    Explained,
    /// Both sides agree the figures are as good as they get.
    Accepted,
    /// One side's figure is believed wrong and is being checked.
    Disputed,
}

impl MirrorStatus {
    pub const ALL: [MirrorStatus; 4] =
        [MirrorStatus::Open, MirrorStatus::Explained, MirrorStatus::Accepted, MirrorStatus::Disputed];

    pub fn code(self) -> &'static str {
        match self {
            MirrorStatus::Open => "open",
            MirrorStatus::Explained => "explained",
            MirrorStatus::Accepted => "accepted",
            MirrorStatus::Disputed => "disputed",
        }
    }

    pub fn parse(code: &str) -> Option<MirrorStatus> {
        MirrorStatus::ALL.into_iter().find(|s| s.code() == code.trim())
    }
}

#[derive(Debug, Clone, Copy)]
pub struct MirrorOptions<'a> {
    pub exporter: Territory,
    pub importer: Territory,
    pub range: PeriodRange,
    pub granularity: Granularity,
    /// Break down by code at this level; `None` for totals per bucket only.
    pub level: Option<CodeLevel>,
    pub currency: Currency,
    pub basis: RateBasis,
    pub rates: &'a RateTable,
}

/// Both sides' figures for one bucket (and code).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MirrorRow {
    pub bucket: Bucket,
    pub code: Option<CommodityCode>,
    /// The exporter's statistics: its exports to the importer. `None`: not reported.
    pub exported: Option<Decimal>,
    /// The importer's statistics: its imports from the exporter. `None`: not reported.
    pub imported: Option<Decimal>,
    /// Imported less exported, when both are reported.
    pub gap: Option<Decimal>,
    /// The gap relative to the exporter's figure, in percent to two places.
    pub gap_percent: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MirrorReport {
    pub exporter: Territory,
    pub importer: Territory,
    pub currency: Currency,
    pub rows: Vec<MirrorRow>,
    /// Quarterly records left out of a reconciliation by month.
    pub unattributed_records: usize,
}

/// The exporter's and the importer's figures in minor units; `None` until a record is seen.
type Sides = (Option<i128>, Option<i128>);

/// Pairs the exporter's export records with the importer's import records for the same goods.
pub fn reconcile(records: &[AggregatedRecord], options: &MirrorOptions<'_>) -> Result<MirrorReport, SummaryError> {
    let o = options;
    let mut convert = Converter::new(o.rates, o.currency, o.basis);
    let mut pairs: BTreeMap<(Bucket, Option<CommodityCode>), Sides> = BTreeMap::new();
    let mut unattributed_records = 0;
    for r in records {
        let k = &r.key;
        let exporter_side = k.flow == Flow::Export && k.reporter == o.exporter && k.partner == o.importer;
        let importer_side = k.flow == Flow::Import && k.reporter == o.importer && k.partner == o.exporter;
        if !(exporter_side || importer_side) || !o.range.contains(k.period) {
            continue;
        }
        let Some(bucket) = Bucket::of(k.period, o.granularity) else {
            unattributed_records += 1;
            continue;
        };
        let minor = i128::from(convert.minor(k.period, r.value)?);
        let slot = pairs.entry((bucket, o.level.map(|l| k.code.at_most(l)))).or_default();
        let side = if exporter_side { &mut slot.0 } else { &mut slot.1 };
        *side = Some(side.unwrap_or(0) + minor);
    }
    let cur = o.currency;
    let rows = pairs
        .into_iter()
        .map(|((bucket, code), (exported, imported))| {
            let exported = exported.map(|v| to_decimal(v, cur)).transpose()?;
            let imported = imported.map(|v| to_decimal(v, cur)).transpose()?;
            let gap = exported.zip(imported).map(|(x, m)| m - x);
            let gap_percent = gap.zip(exported).and_then(|(g, x)| percent(g, x));
            Ok(MirrorRow { bucket, code, exported, imported, gap, gap_percent })
        })
        .collect::<Result<Vec<_>, SummaryError>>()?;
    Ok(MirrorReport { exporter: o.exporter, importer: o.importer, currency: cur, rows, unattributed_records })
}

#[cfg(test)]
mod tests {
    #[test]
    fn mirror_status_codes_round_trip() {
        for status in super::MirrorStatus::ALL {
            assert_eq!(super::MirrorStatus::parse(status.code()), Some(status));
            assert_eq!(serde_json::to_string(&status).ok(), Some(format!("\"{}\"", status.code())));
        }
        assert_eq!(super::MirrorStatus::parse("closed"), None);
    }

    use super::*;
    use crate::Quarter;
    use crate::trade::money::Money;
    use crate::trade::rate::Rate;
    use std::str::FromStr;

    use crate::trade::test_record as rec;
    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).expect(s)
    }

    #[test]
    fn pairs_both_sides_with_gap_and_percent() {
        let (by, ru) = (Territory::BY_MA, Territory::RU_KHA);
        let mut rates = RateTable::new();
        // 1 USD = 90 RUB on every day of January and February 2025 (one quote each month).
        for date in ["2025-01-15", "2025-02-14"] {
            let date = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").expect("date");
            rates
                .insert(Rate { date, base: Currency::Rub, currency: Currency::Usd, units: 1, value: dec("90") })
                .expect("rate");
        }
        let records = vec![
            // Belarus reports exports in USD.
            rec("2025-01", Flow::Export, by, ru, "8701201013", Money::new(100_000_000, Currency::Usd)),
            rec("2025-02", Flow::Export, by, ru, "0402", Money::new(5_000_000, Currency::Usd)),
            // Khabarovsk reports imports in RUB: 1,035,000 USD * 90.
            rec("2025-01", Flow::Import, ru, by, "8701201018", Money::new(9_315_000_000, Currency::Rub)),
            // Not part of this flow: the other direction and another partner.
            rec("2025-01", Flow::Export, ru, by, "0303", Money::new(7, Currency::Rub)),
            rec("2025-01", Flow::Import, ru, Territory::BY, "8701", Money::new(7, Currency::Rub)),
            // Quarterly record in a month reconciliation.
            rec("2025Q1", Flow::Import, ru, by, "0402", Money::new(1, Currency::Rub)),
        ];
        let options = MirrorOptions {
            exporter: by,
            importer: ru,
            range: PeriodRange::quarters(Quarter::new(2025, 1).expect("q"), Quarter::new(2025, 1).expect("q")),
            granularity: Granularity::Month,
            level: Some(CodeLevel::Heading),
            currency: Currency::Usd,
            basis: RateBasis::MonthlyAverage,
            rates: &rates,
        };
        let report = reconcile(&records, &options).expect("reconcile");
        assert_eq!(report.unattributed_records, 1);
        assert_eq!(report.rows.len(), 2);
        let tractors = report.rows[0];
        assert_eq!(tractors.code.map(|c| c.to_string()).as_deref(), Some("8701"));
        assert_eq!(tractors.exported, Some(dec("1000000.00")));
        assert_eq!(tractors.imported, Some(dec("1035000.00")));
        assert_eq!(tractors.gap, Some(dec("35000.00")));
        assert_eq!(tractors.gap_percent, Some(dec("3.50")));
        let milk = report.rows[1];
        assert_eq!(
            (milk.exported, milk.imported, milk.gap, milk.gap_percent),
            (Some(dec("50000.00")), None, None, None)
        );

        // By quarter the quarterly record joins in.
        let by_quarter =
            reconcile(&records, &MirrorOptions { granularity: Granularity::Quarter, level: None, ..options })
                .expect("reconcile");
        assert_eq!(by_quarter.unattributed_records, 0);
        assert_eq!(by_quarter.rows.len(), 1);
        let q = by_quarter.rows[0];
        // 1 kopeck at 90 RUB/USD rounds to 0.00 USD.
        assert_eq!(q.exported, Some(dec("1050000.00")));
        assert_eq!(q.imported, Some(dec("1035000.00")));
        assert_eq!(q.gap_percent, Some(dec("-1.43")));
    }

    #[test]
    fn a_missing_rate_names_currency_and_date() {
        let records = vec![rec(
            "2025-03",
            Flow::Import,
            Territory::RU_KHA,
            Territory::BY_MA,
            "0402",
            Money::new(1, Currency::Rub),
        )];
        let mut rates = RateTable::new();
        let date = chrono::NaiveDate::from_ymd_opt(2025, 1, 10).expect("date");
        rates
            .insert(Rate { date, base: Currency::Rub, currency: Currency::Usd, units: 1, value: dec("90") })
            .expect("ok");
        let options = MirrorOptions {
            exporter: Territory::BY_MA,
            importer: Territory::RU_KHA,
            range: PeriodRange::quarters(Quarter::new(2025, 1).expect("q"), Quarter::new(2025, 1).expect("q")),
            granularity: Granularity::Month,
            level: None,
            currency: Currency::Usd,
            basis: RateBasis::OnDate,
            rates: &rates,
        };
        let err = reconcile(&records, &options).unwrap_err().to_string();
        assert!(err.contains("USD") && err.contains("2025-03-31"), "{err}");
    }
}
