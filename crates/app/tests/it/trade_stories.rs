//! Trade's rules at every door: who may import is known before a byte of the file is read, a
//! coordinator imports only its own side's statistics (file and rows), edited records change
//! only at the version read, and a refusal writes nothing.

use crate::on_both_backends;
use crate::support::{Who, World};
use accord_app::trade::{GroupInput, TradeImportOptions, VerdictInput};
use accord_app::{App, Error};
use accord_domain::trade::{Currency, Rate};

on_both_backends!(
    an_observers_upload_is_refused_before_the_file_is_read,
    a_coordinator_imports_only_its_own_sides_statistics,
    product_groups_change_only_at_the_version_read,
    a_judged_mirror_pair_changes_only_at_the_version_read,
    rate_files_are_imported_together_or_not_at_all,
);

/// Audit entries so far: every write adds at least one.
async fn audit_entries(world: &World) -> u64 {
    world.store().audit_verify().await.expect("audit").checked
}

async fn an_observers_upload_is_refused_before_the_file_is_read(app: App) {
    let world = World::new(app, false).await;
    // Not a trade file at all: a reader would refuse it as unreadable, row by row.
    let broken = b"\x00\x01 this is not a CSV; \"unterminated\n2020-13,sideways,XX\n".to_vec();
    let options = TradeImportOptions::default();
    let before = audit_entries(&world).await;
    let observer = world.actor(Who::Observer);
    let refused = world.app.trade_import(&observer, "broken.csv", broken.clone(), &options).await;
    assert!(matches!(refused, Err(Error::Forbidden(_))), "forbidden, not a parse error: {refused:?}");
    // An executor may not import either; the same file from one who may is a file problem.
    let executor = world.actor(Who::ExecutorOfRecord);
    assert!(matches!(
        world.app.trade_import(&executor, "broken.csv", broken.clone(), &options).await,
        Err(Error::Forbidden(_))
    ));
    let coordinator = world.actor(Who::CoordinatorBy);
    let read = world.app.trade_import(&coordinator, "broken.csv", broken, &options).await;
    assert!(matches!(read, Err(Error::InvalidFile(_))), "a coordinator's upload is read: {read:?}");
    // Asking for the other side's statistics is refused before the read too.
    let khv = TradeImportOptions { side: Some("KHV".into()), ..Default::default() };
    let other_side = world.app.trade_import(&coordinator, "x.csv", b"garbage".to_vec(), &khv).await;
    assert!(matches!(other_side, Err(Error::Forbidden(_))), "{other_side:?}");
    assert_eq!(audit_entries(&world).await, before, "nothing was written");
    assert!(world.store().trade_sources().await.expect("sources").is_empty());
}

const MOGILEV: &str = "period,flow,reporter,partner,code,value,currency
2020-01,export,BY-MA,RU-KHA,8701 91 100 0,1000000.00,USD
";

/// Mogilev's statistics with a row reported by Khabarovsk slipped in.
const MIXED: &str = "period,flow,reporter,partner,code,value,currency
2020-01,export,BY-MA,RU-KHA,8701 91 100 0,1000000.00,USD
2020-01,import,RU-KHA,BY-MA,0303 89 900 0,3000.00,USD
";

async fn a_coordinator_imports_only_its_own_sides_statistics(app: App) {
    let world = World::new(app, false).await;
    let (by, khv) = (world.actor(Who::CoordinatorBy), world.actor(Who::CoordinatorKhv));
    let options = TradeImportOptions { source: Some("Могилевоблстат".into()), ..Default::default() };
    // The file is Belarusian statistics: the Khabarovsk coordinator may not import it.
    let refused = world.app.trade_import(&khv, "by.csv", MOGILEV.as_bytes().to_vec(), &options).await;
    assert!(matches!(refused, Err(Error::Forbidden(_))), "{refused:?}");
    // Filed under the Belarusian side, a row reported by Khabarovsk is still Khabarovsk's.
    let by_side = TradeImportOptions { side: Some("BY".into()), ..options.clone() };
    let mixed = world.app.trade_import(&by, "mixed.csv", MIXED.as_bytes().to_vec(), &by_side).await;
    let Err(Error::Forbidden(rule)) = mixed else { panic!("the other side's row is refused: {mixed:?}") };
    assert_eq!((rule.code, rule.key.as_str()), ("trade_row_other_side", "trade-rule-row-other-side"));
    assert!(rule.args.iter().any(|(k, v)| *k == "reporter" && v == "RU-KHA"), "{rule:?}");
    assert!(world.store().trade_sources().await.expect("sources").is_empty(), "nothing was written");
    // Without a side, a file holding both sides' figures needs one.
    let both = world.app.trade_import(&world.actor(Who::Admin), "mixed.csv", MIXED.as_bytes().to_vec(), &options).await;
    assert!(matches!(both, Err(Error::Refused(ref r)) if r.code == "trade_side_needed"), "{both:?}");
    // An administrator may file the mixed file under a side; the coordinator its own file.
    let done = world.app.trade_import(&by, "by.csv", MOGILEV.as_bytes().to_vec(), &options).await.expect("imported");
    assert_eq!((done.records, done.outcome.map(|o| o.inserted)), (1, Some(1)));
    let sources = world.store().trade_sources().await.expect("sources");
    assert_eq!(sources[0].imports[0].imported_by.as_deref(), Some("coord.by"), "audited as the importer");
}

fn group(key: &str, name: &str, version: Option<i64>) -> GroupInput {
    GroupInput {
        key: Some(key.into()),
        name_ru: name.into(),
        prefixes: vec!["8701".into()],
        measures: Some(vec!["1.".into()]),
        version,
        ..Default::default()
    }
}

async fn product_groups_change_only_at_the_version_read(app: App) {
    let world = World::new(app, false).await;
    let by = world.actor(Who::CoordinatorBy);
    let created =
        world.app.product_group_save(&by, "tractors", &group("tractors", "Тракторы", None)).await.expect("saved");
    assert_eq!((created.version, created.measures.clone()), (1, vec![world.joint.id]), "saved with its link");
    // Without the version read, an existing group is not overwritten: the field is named.
    let blind = world.app.product_group_save(&by, "tractors", &group("tractors", "Другое", None)).await;
    assert!(matches!(blind, Err(Error::Invalid(ref i)) if i.first().map(|e| e.field) == Some("version")), "{blind:?}");
    let edited =
        world.app.product_group_save(&by, "tractors", &group("tractors", "Трактора", Some(1))).await.expect("edit");
    assert_eq!(edited.version, 2);
    // The other coordinator saves on the version it read before: stale, and nothing changes.
    let khv = world.actor(Who::CoordinatorKhv);
    let stale = world.app.product_group_save(&khv, "tractors", &group("tractors", "Тракторы МТЗ", Some(1))).await;
    assert!(matches!(stale, Err(Error::Stale { current: 2, .. })), "{stale:?}");
    // A link to a measure the plan does not have refuses the whole save: the name stays.
    let mut unknown = group("tractors", "Тракторы и комбайны", Some(2));
    unknown.measures = Some(vec!["99.".into()]);
    assert!(matches!(world.app.product_group_save(&by, "tractors", &unknown).await, Err(Error::Invalid(_))));
    let stored = world.store().product_groups().await.expect("groups");
    assert_eq!((stored[0].group.name_ru.as_str(), stored[0].version), ("Трактора", 2));
    // Deleting needs the version too.
    let no_version = world.app.product_group_delete(&by, "tractors", None).await;
    assert!(matches!(no_version, Err(Error::Invalid(_))), "{no_version:?}");
    assert!(matches!(world.app.product_group_delete(&by, "tractors", Some(1)).await, Err(Error::Stale { .. })));
    world.app.product_group_delete(&by, "tractors", Some(2)).await.expect("deleted");
    assert!(world.store().product_groups().await.expect("groups").is_empty());
}

async fn a_judged_mirror_pair_changes_only_at_the_version_read(app: App) {
    let world = World::new(app, false).await;
    let verdict = |status: &str, version: Option<i64>| VerdictInput {
        exporter: "BY-MA".into(),
        importer: "RU-KHA".into(),
        bucket: "2020-01".into(),
        status: status.into(),
        comment: Some("CIF/FOB".into()),
        version,
        ..Default::default()
    };
    let by = world.actor(Who::CoordinatorBy);
    let first = world.app.mirror_verdict_set(&by, &verdict("explained", None)).await.expect("first verdict");
    assert_eq!(first.version, 1);
    let khv = world.actor(Who::CoordinatorKhv);
    let blind = world.app.mirror_verdict_set(&khv, &verdict("accepted", None)).await;
    assert!(matches!(blind, Err(Error::Invalid(ref i)) if i.first().map(|e| e.field) == Some("version")), "{blind:?}");
    let accepted = world.app.mirror_verdict_set(&khv, &verdict("accepted", Some(1))).await.expect("accepted");
    assert_eq!(accepted.version, 2);
    let stale = world.app.mirror_verdict_set(&by, &verdict("open", Some(1))).await;
    assert!(matches!(stale, Err(Error::Stale { .. })), "{stale:?}");
    let observer = world.app.mirror_verdict_set(&world.actor(Who::Observer), &verdict("open", Some(2))).await;
    assert!(matches!(observer, Err(Error::Forbidden(_))));
}

fn cbr(day: u32, value: &str) -> Vec<u8> {
    let rate = Rate {
        date: chrono::NaiveDate::from_ymd_opt(2020, 1, day).expect("date"),
        base: Currency::Rub,
        currency: Currency::Usd,
        units: 1,
        value: value.parse().expect("value"),
    };
    accord_formats::trade::write_cbr_xml_daily(&[rate]).expect("file")
}

async fn rate_files_are_imported_together_or_not_at_all(app: App) {
    let world = World::new(app, false).await;
    let by = world.actor(Who::CoordinatorBy);
    world.app.rates_import(&by, &[("a.xml".into(), cbr(9, "61.9057"))], false).await.expect("first day");
    // The second file contradicts a stored rate: the new day in the first file is not kept either.
    let files = [("b.xml".to_string(), cbr(10, "61.2632")), ("c.xml".to_string(), cbr(9, "70.0"))];
    let refused = world.app.rates_import(&by, &files, false).await;
    assert!(matches!(refused, Err(Error::Refused(ref r)) if r.code == "rate_conflict"), "{refused:?}");
    let coverage = world.store().rates_coverage().await.expect("coverage");
    assert_eq!(coverage[0].1, 1, "only the first day's rate is stored");
    // A broken file among several is named by its file.
    let broken = [("good.xml".to_string(), cbr(10, "61.2632")), ("bad.xml".to_string(), b"<ValCurs>".to_vec())];
    let Err(Error::InvalidFile(problems)) = world.app.rates_import(&by, &broken, false).await else {
        panic!("a broken rate file is refused");
    };
    assert!(problems.iter().all(|p| p.sheet == "bad.xml"), "{problems:?}");
    let observer = world.app.rates_import(&world.actor(Who::Observer), &broken, false).await;
    assert!(matches!(observer, Err(Error::Forbidden(_))), "refused before the files are read");
}
