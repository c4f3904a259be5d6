//! The plan's rules at every door: a signed plan changes only with the other side's key,
//! what only the other side owns is refused, and an import is all or nothing.

use crate::on_both_backends;
use crate::support::{Who, World, measure_form};
use accord_app::plan::{Deleted, Edited, ImportOptions};
use accord_app::{App, Error};
use accord_domain::plan::version::{AmendmentKind, AmendmentStatus};

on_both_backends!(
    an_edited_signed_plan_imported_by_one_side_waits_for_the_other,
    an_import_touching_only_the_other_sides_measure_is_refused_whole,
    an_import_touching_only_the_other_sides_measure_of_a_draft_plan_is_refused_whole,
    a_late_failure_of_an_import_leaves_no_organisation_behind,
    deleting_a_joint_signed_measure_waits_for_the_other_side,
    a_coordinator_deletes_a_draft_plans_measure_at_once,
    an_administrator_does_not_hold_a_sides_key,
    concurrent_proposals_on_one_version_make_one_amendment,
    indicator_actuals_are_written_only_on_the_version_seen,
);

/// The plan as a CSV in the official layout, with `edit` applied to its text.
async fn edited_csv(world: &World, edit: impl Fn(String) -> String) -> Vec<u8> {
    let measures = world.store().measures_of_plan(world.plan.id).await.expect("measures");
    let file = world.app.plan_export(&world.plan, &measures, "csv").await.expect("export");
    edit(String::from_utf8(file.bytes).expect("UTF-8")).into_bytes()
}

fn into_plan(world: &World) -> ImportOptions {
    ImportOptions { plan_code: Some(world.plan.code.clone()), ..Default::default() }
}

async fn an_edited_signed_plan_imported_by_one_side_waits_for_the_other(app: App) {
    let world = World::new(app, true).await;
    let csv = edited_csv(&world, |text| {
        text.replace("Поставки техники МАЗ", "Поставки и сборка техники МАЗ")
            .replace("Сервис МАЗ", "Сервисный центр МАЗ")
    })
    .await;
    let by = world.actor(Who::CoordinatorBy);

    let dry = ImportOptions { dry_run: true, ..into_plan(&world) };
    let checked = world.app.plan_import(&by, "plan.csv", &csv, &dry).await.expect("dry run");
    assert_eq!(checked.awaiting_approval, ["1.", "2."], "listed apart from the changed rows");
    assert_eq!((checked.changed, checked.created), (0, 0));

    let report = world.app.plan_import(&by, "plan.csv", &csv, &into_plan(&world)).await.expect("import");
    assert_eq!(report.awaiting_approval, ["1.", "2."]);
    assert_eq!(report.changed, 0, "a change of the signed text is not applied by one key");
    assert_eq!(world.measure(&world.joint).await, world.joint, "nothing changes before the other side accepts");
    assert_eq!(world.measure(&world.by_only).await, world.by_only);

    // The same file again changes nothing and proposes nothing new.
    let again = world.app.plan_import(&by, "plan.csv", &csv, &into_plan(&world)).await.expect("import again");
    assert_eq!(again.awaiting_approval, ["1.", "2."]);
    let pending = world.store().pending_amendments(world.plan.id).await.expect("pending");
    assert_eq!(pending.len(), 2, "one amendment per measure, not one per import");

    // The proposing side cannot accept its own change; the other side can.
    let amendment = &pending[&world.joint.id];
    assert!(matches!(world.app.amendment_decide(&by, &amendment.id, true, None).await, Err(Error::Forbidden(_))));
    let khv = world.actor(Who::CoordinatorKhv);
    world.app.amendment_decide(&khv, &amendment.id, true, None).await.expect("accepted");
    assert_eq!(world.measure(&world.joint).await.data.title_ru, "Поставки и сборка техники МАЗ");
    let entries = world.store().audit_history("measure", &world.joint.id.to_string()).await.expect("history");
    assert_eq!(entries.last().and_then(|e| e.actor.clone()).as_deref(), Some("coord.khv"));
}

async fn an_import_touching_only_the_other_sides_measure_is_refused_whole(app: App) {
    the_other_sides_row_refuses_the_import(app, true).await;
}

async fn an_import_touching_only_the_other_sides_measure_of_a_draft_plan_is_refused_whole(app: App) {
    the_other_sides_row_refuses_the_import(app, false).await;
}

async fn the_other_sides_row_refuses_the_import(app: App, signed: bool) {
    {
        let world = World::new(app, signed).await;
        // Row 1. (joint) is fine; row 3. is the fishery's alone: the Belarusian side may not
        // touch it, so nothing of the file is written.
        let csv = edited_csv(&world, |text| {
            text.replace("Поставки техники МАЗ", "Поставки техники МАЗ и БелАЗ")
                .replace("Поставки рыбы", "Поставки рыбы и ягод")
        })
        .await;
        let by = world.actor(Who::CoordinatorBy);
        let refused = world.app.plan_import(&by, "plan.csv", &csv, &into_plan(&world)).await;
        let Err(Error::InvalidFile(problems)) = refused else { panic!("refused whole: {refused:?}") };
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].reason.key, "problem-plan-row-not-yours");
        assert_eq!(problems[0].reason.get("number"), Some("3."));
        assert!(problems[0].row > 0, "the row is named");
        assert_eq!(world.measure(&world.joint).await, world.joint);
        assert_eq!(world.measure(&world.khv_only).await, world.khv_only);
        assert!(world.store().pending_amendments(world.plan.id).await.expect("pending").is_empty());
        // The same edit through the form is refused too.
        let form = measure_form("3.", "Поставки рыбы и ягод");
        let through_form = world
            .app
            .measure_change(
                &by,
                world.khv_only.id,
                world.khv_only.version,
                &form,
                world.khv_only.data.executors.clone(),
                None,
            )
            .await;
        assert!(matches!(through_form, Err(Error::Forbidden(_))), "{through_form:?}");
        // An observer's upload is refused before the file is read: this is not a plan at all.
        let observer = world.actor(Who::Observer);
        let before_reading =
            world.app.plan_import(&observer, "plan.xlsx", b"PK\x03\x04 not a workbook", &into_plan(&world)).await;
        assert!(matches!(before_reading, Err(Error::Forbidden(_))), "{before_reading:?}");
    }
}

async fn a_late_failure_of_an_import_leaves_no_organisation_behind(app: App) {
    let world = World::new(app, false).await;
    let organisations = world.store().organisation_all().await.expect("organisations").len();
    // A new executor to create, then two rows with one number: the second insert fails inside
    // the transaction, after the organisation was written in it.
    let csv = edited_csv(&world, |text| {
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        let row = lines.iter().position(|l| l.contains("Сервис МАЗ")).expect("row 2.");
        let twin = lines[row].replace("Сервис МАЗ", "Сервис МАЗ (дубль)").replace("2.", "4.");
        let with_new_org =
            twin.replace("МАЗ\"", "МАЗ, ООО «Новая логистика»\"").replace(",МАЗ,", ",\"МАЗ, ООО «Новая логистика»\",");
        lines.push(with_new_org.clone());
        lines.push(with_new_org.replace("(дубль)", "(второй дубль)"));
        lines.join("\n")
    })
    .await;
    let admin = world.actor(Who::Admin);
    let options = ImportOptions { create_orgs: true, ..into_plan(&world) };
    let outcome = world.app.plan_import(&admin, "plan.csv", &csv, &options).await;
    assert!(outcome.is_err(), "two rows numbered 4.: {outcome:?}");
    assert_eq!(world.store().organisation_all().await.expect("organisations").len(), organisations);
    assert_eq!(world.store().measures_of_plan(world.plan.id).await.expect("measures").len(), 3);
}

async fn deleting_a_joint_signed_measure_waits_for_the_other_side(app: App) {
    let world = World::new(app, true).await;
    let by = world.actor(Who::CoordinatorBy);
    let deleted = world.app.measure_delete(&by, world.joint.id, world.joint.version, Some("дублирует 2.".into())).await;
    let Ok(Deleted::Proposed(amendment)) = deleted else { panic!("an amendment: {deleted:?}") };
    assert_eq!(amendment.kind, AmendmentKind::Delete);
    assert_eq!(world.measure(&world.joint).await, world.joint, "still there");
    let khv = world.actor(Who::CoordinatorKhv);
    let decided = world.app.amendment_decide(&khv, &amendment.id, true, None).await.expect("accepted");
    assert_eq!(decided.status, AmendmentStatus::Accepted);
    assert!(world.store().measure(world.joint.id).await.is_err(), "deleted once both sides agreed");
}

async fn a_coordinator_deletes_a_draft_plans_measure_at_once(app: App) {
    let world = World::new(app, false).await;
    let done =
        world.app.measure_delete(&world.actor(Who::CoordinatorBy), world.by_only.id, world.by_only.version, None).await;
    assert!(matches!(done, Ok(Deleted::Done)), "{done:?}");
    let khv = world.actor(Who::CoordinatorKhv);
    let not_theirs = world.app.measure_delete(&khv, world.joint.id, world.joint.version, None).await;
    assert!(matches!(not_theirs, Ok(Deleted::Done)), "a joint measure is the Khabarovsk side's too: {not_theirs:?}");
}

async fn an_administrator_does_not_hold_a_sides_key(app: App) {
    let world = World::new(app, true).await;
    let admin = world.actor(Who::Admin);
    let form = measure_form("1.", "Иное наименование");
    let changed = world
        .app
        .measure_change(&admin, world.joint.id, world.joint.version, &form, world.joint.data.executors.clone(), None)
        .await;
    assert!(
        matches!(changed, Err(Error::Forbidden(ref r)) if r.code == "plan_signed_needs_coordinator"),
        "{changed:?}"
    );
    // Progress is no signed text: an administrator may still record it.
    let progress = world
        .app
        .measure_report_progress(&admin, world.joint.id, world.joint.version, Some("in-progress"), Some("20"), None)
        .await;
    assert!(matches!(progress, Ok(Edited::Applied(_))), "{progress:?}");
    // Nor may an administrator accept a side's proposal.
    let by = world.actor(Who::CoordinatorBy);
    let current = world.measure(&world.joint).await;
    let proposed = world
        .app
        .measure_change(&by, current.id, current.version, &form, current.data.executors.clone(), None)
        .await
        .expect("proposed");
    let Edited::Proposed(amendment) = proposed else { panic!("an amendment") };
    assert!(matches!(world.app.amendment_decide(&admin, &amendment.id, true, None).await, Err(Error::Forbidden(_))));
}

async fn concurrent_proposals_on_one_version_make_one_amendment(app: App) {
    let world = World::new(app, true).await;
    let by = world.actor(Who::CoordinatorBy);
    let mut tasks = Vec::new();
    for _ in 0..100 {
        let (app, by, joint) = (world.app.clone(), by.clone(), world.joint.clone());
        tasks.push(tokio::spawn(async move {
            let form = measure_form("1.", "Поставки техники МАЗ и МТЗ");
            app.measure_change(&by, joint.id, joint.version, &form, joint.data.executors.clone(), None).await
        }));
    }
    let mut proposed = 0;
    for task in tasks {
        match task.await.expect("task") {
            Ok(Edited::Proposed(_)) => proposed += 1,
            Ok(Edited::Applied(_)) => panic!("applied with one key"),
            Err(Error::Refused(rule)) => assert_eq!(rule.code, "amendment_pending"),
            Err(Error::Stale { .. }) => {}
            Err(other) => panic!("unexpected: {other:?}"),
        }
    }
    assert_eq!(proposed, 1);
    assert_eq!(world.store().pending_amendments(world.plan.id).await.expect("pending").len(), 1);
}

async fn indicator_actuals_are_written_only_on_the_version_seen(app: App) {
    let world = World::new(app, false).await;
    let form = accord_domain::plan::indicator::IndicatorForm {
        name_ru: "Поставлено машин".into(),
        unit: "шт.".into(),
        direction: "increase".into(),
        accumulation: "cumulative".into(),
        value_kind: "quantity".into(),
        target: Some("10".into()),
        ..Default::default()
    };
    let by = world.actor(Who::CoordinatorBy);
    let indicator = world.app.indicator_create(&by, world.joint.id, &form).await.expect("indicator");
    let maz = world.actor(Who::ExecutorOfRecord);
    let saved =
        world.app.indicator_actual_set(&maz, indicator.id, indicator.version, "2026Q1", "3").await.expect("saved");
    assert_eq!(saved.version, indicator.version + 1);
    // A second person who saw the old version is told, not silently overwritten.
    let stale = world.app.indicator_actual_set(&by, indicator.id, indicator.version, "2026Q1", "4").await;
    assert!(matches!(stale, Err(Error::Stale { .. })), "{stale:?}");
    let other = world.actor(Who::ExecutorOther);
    let forbidden = world.app.indicator_actual_set(&other, indicator.id, saved.version, "2026Q1", "5").await;
    assert!(matches!(forbidden, Err(Error::Forbidden(_))));
}
