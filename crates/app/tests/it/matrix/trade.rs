//! Trade's rows of the matrix. Every attempt acts on something made fresh for it: a file of
//! Belarusian statistics under a new source, a day's rates not yet stored, a new product group,
//! a verdict on a bucket nobody has judged yet.

use super::{A, F, Outcome, Row, outcome};
use crate::support::{Who, World};
use accord_app::UseCase;
use accord_app::trade::{GroupInput, TradeImportOptions, VerdictInput};
use accord_domain::trade::{Currency, Rate};
use std::sync::atomic::{AtomicU32, Ordering};

/// Columns: admin, coordinator BY, coordinator KHV, executor of MAZ, executor of BelAZ, observer.
pub fn expected(use_case: UseCase) -> Row {
    match use_case {
        // Belarusian statistics: the Belarusian coordinator and an admin; never the other side's.
        UseCase::TradeImport => [A, A, F, F, F, F],
        // Reference data of both sides: either coordinator, and an admin.
        UseCase::RatesImport => [A, A, A, F, F, F],
        UseCase::ProductGroupSave => [A, A, A, F, F, F],
        UseCase::ProductGroupDelete => [A, A, A, F, F, F],
        // A verdict on a mirror pair: the coordinators reconcile, an admin too.
        UseCase::MirrorVerdictSet => [A, A, A, F, F, F],
        other => panic!("{other:?} is not a trade use case"),
    }
}

static NEXT: AtomicU32 = AtomicU32::new(1);

fn next() -> u32 {
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// A template file of Belarusian statistics (Mogilev reports its exports to Khabarovsk).
fn by_statistics(n: u32) -> Vec<u8> {
    format!(
        "period,flow,reporter,partner,code,value,currency\n2020-01,export,BY-MA,RU-KHA,8701 91 100 0,{}.00,USD\n",
        1000 + n
    )
    .into_bytes()
}

/// A day's Bank of Russia rate, on a day of its own.
fn rates_file(n: u32) -> Vec<u8> {
    let date = chrono::NaiveDate::from_ymd_opt(2019, 1, 1).expect("date") + chrono::Days::new(u64::from(n));
    let rate =
        Rate { date, base: Currency::Rub, currency: Currency::Usd, units: 1, value: "65.5".parse().expect("rate") };
    accord_formats::trade::write_cbr_xml_daily(&[rate]).expect("rate file")
}

pub fn group_input(key: &str) -> GroupInput {
    GroupInput {
        key: Some(key.to_string()),
        name_ru: format!("Группа {key}"),
        prefixes: vec!["8701".into()],
        exported_by: Some("BY".into()),
        targets: [(2026, "1000000".to_string())].into_iter().collect(),
        measures: Some(vec!["1.".into()]),
        ..Default::default()
    }
}

pub async fn attempt(world: &World, use_case: UseCase, who: Who) -> Outcome {
    let app = &world.app;
    let actor = world.actor(who);
    let admin = world.actor(Who::Admin);
    let n = next();
    match use_case {
        UseCase::TradeImport => {
            let options =
                TradeImportOptions { source: Some(format!("Могилевоблстат {n}")), ..Default::default() };
            outcome(use_case, who, app.trade_import(&actor, "by.csv", by_statistics(n), &options).await)
        }
        UseCase::RatesImport => {
            let files = [(format!("cbr-{n}.xml"), rates_file(n))];
            outcome(use_case, who, app.rates_import(&actor, &files, false).await)
        }
        UseCase::ProductGroupSave => {
            let key = format!("matrix-{n}");
            outcome(use_case, who, app.product_group_save(&actor, &key, &group_input(&key)).await)
        }
        UseCase::ProductGroupDelete => {
            let key = format!("matrix-{n}");
            let group = app.product_group_save(&admin, &key, &group_input(&key)).await.expect("group");
            outcome(use_case, who, app.product_group_delete(&actor, &key, Some(group.version)).await)
        }
        UseCase::MirrorVerdictSet => {
            let verdict = VerdictInput {
                exporter: "BY-MA".into(),
                importer: "RU-KHA".into(),
                bucket: format!("{}", 2000 + n),
                status: "explained".into(),
                comment: Some("CIF/FOB".into()),
                ..Default::default()
            };
            outcome(use_case, who, app.mirror_verdict_set(&actor, &verdict).await)
        }
        other => panic!("{other:?} is not a trade use case"),
    }
}
