//! The plan's rows of the matrix. The world's plan is signed, and every attempt acts on a fresh
//! measure executed jointly by MAZ (Belarusian side) and the fishery (Khabarovsk side).

use super::{A, F, Outcome, P, Row, outcome};
use crate::support::{Who, World, measure_form};
use accord_app::UseCase;
use accord_app::plan::{Deleted, Edited, ImportOptions};
use accord_domain::plan::Measure;
use accord_domain::plan::indicator::IndicatorForm;
use accord_store::Author;
use std::sync::atomic::{AtomicU32, Ordering};

/// Columns: admin, coordinator BY, coordinator KHV, executor of MAZ, executor of BelAZ, observer.
pub fn expected(use_case: UseCase) -> Row {
    match use_case {
        // Adding a joint measure: the coordinators of the sides taking part, and an admin.
        UseCase::MeasureCreate => [A, A, A, F, F, F],
        // Retitling it: a change of the signed text, proposed by either side; an admin holds no key.
        UseCase::MeasureChange => [F, P, P, F, F, F],
        // Status and percent: its executors, the coordinators, an admin; not another organisation.
        UseCase::MeasureReportProgress => [A, A, A, A, F, F],
        // Deleting it: like a change of the signed text.
        UseCase::MeasureDelete => [F, P, P, F, F, F],
        // A change the Belarusian coordinator proposed: only the Khabarovsk coordinator decides.
        UseCase::AmendmentDecide => [F, F, A, F, F, F],
        // A workbook retitling it: amendments for the coordinators; refused for the rest.
        UseCase::PlanImport => [F, P, P, F, F, F],
        UseCase::IndicatorCreate => [A, A, A, F, F, F],
        UseCase::IndicatorActualSet => [A, A, A, A, F, F],
        // Freezing a version and keeping the sections: an administrator's.
        UseCase::PlanVersionFreeze => [A, F, F, F, F, F],
        UseCase::SectionsSave => [A, F, F, F, F, F],
        // Files: those who report attach, those who edit remove.
        UseCase::AttachmentAdd => [A, A, A, A, F, F],
        UseCase::AttachmentDelete => [A, A, A, F, F, F],
        UseCase::MeasureLink => [A, A, A, F, F, F],
        UseCase::MeasureUnlink => [A, A, A, F, F, F],
        other => panic!("{other:?} is not a plan use case"),
    }
}

static NEXT_NUMBER: AtomicU32 = AtomicU32::new(100);

fn next_number() -> String {
    format!("{}.", NEXT_NUMBER.fetch_add(1, Ordering::Relaxed))
}

/// A new joint measure of the world's plan.
async fn fresh_joint(world: &World) -> Measure {
    let number = next_number();
    let data = measure_form(&number, &format!("Совместное мероприятие {number}"))
        .validate(world.joint.data.executors.clone())
        .expect("valid");
    world.store().measure_create(Author::SYSTEM, world.plan.id, &data).await.expect("measure")
}

fn indicator_form() -> IndicatorForm {
    IndicatorForm {
        name_ru: "Поставлено машин".into(),
        unit: "шт.".into(),
        direction: "increase".into(),
        accumulation: "cumulative".into(),
        value_kind: "quantity".into(),
        ..Default::default()
    }
}

fn edited(result: Result<Edited, accord_app::Error>, use_case: UseCase, who: Who) -> Outcome {
    match result {
        Ok(Edited::Proposed(_)) => P,
        other => outcome(use_case, who, other),
    }
}

pub async fn attempt(world: &World, use_case: UseCase, who: Who) -> Outcome {
    let app = &world.app;
    let actor = world.actor(who);
    let admin = world.actor(Who::Admin);
    match use_case {
        UseCase::MeasureCreate => {
            let number = next_number();
            let form = measure_form(&number, "Новое совместное мероприятие");
            let result = app.measure_create(&actor, &world.plan, &form, world.joint.data.executors.clone()).await;
            outcome(use_case, who, result)
        }
        UseCase::MeasureChange => {
            let m = fresh_joint(world).await;
            let form = measure_form(&m.data.number.to_string(), "Другое наименование");
            let result = app.measure_change(&actor, m.id, m.version, &form, m.data.executors.clone(), None).await;
            edited(result, use_case, who)
        }
        UseCase::MeasureReportProgress => {
            let m = fresh_joint(world).await;
            let result =
                app.measure_report_progress(&actor, m.id, m.version, Some("in-progress"), Some("30"), None).await;
            edited(result, use_case, who)
        }
        UseCase::MeasureDelete => {
            let m = fresh_joint(world).await;
            match app.measure_delete(&actor, m.id, m.version, None).await {
                Ok(Deleted::Proposed(_)) => P,
                other => outcome(use_case, who, other),
            }
        }
        UseCase::AmendmentDecide => {
            let m = fresh_joint(world).await;
            let form = measure_form(&m.data.number.to_string(), "Предложено белорусской стороной");
            let by = world.actor(Who::CoordinatorBy);
            let Ok(Edited::Proposed(amendment)) =
                app.measure_change(&by, m.id, m.version, &form, m.data.executors.clone(), None).await
            else {
                panic!("the Belarusian coordinator proposes");
            };
            outcome(use_case, who, app.amendment_decide(&actor, &amendment.id, true, None).await)
        }
        UseCase::PlanImport => {
            let m = fresh_joint(world).await;
            let measures = world.store().measures_of_plan(world.plan.id).await.expect("measures");
            let file = app.plan_export(&world.plan, &measures, "csv").await.expect("export");
            let text =
                String::from_utf8(file.bytes).expect("UTF-8").replace(&m.data.title_ru, "Переименовано импортом");
            let options = ImportOptions { plan_code: Some(world.plan.code.clone()), ..Default::default() };
            match app.plan_import(&actor, "plan.csv", text.as_bytes(), &options).await {
                Ok(report) if report.awaiting_approval.contains(&m.data.number.to_string()) => P,
                other => outcome(use_case, who, other),
            }
        }
        UseCase::IndicatorCreate => {
            let m = fresh_joint(world).await;
            outcome(use_case, who, app.indicator_create(&actor, m.id, &indicator_form()).await)
        }
        UseCase::IndicatorActualSet => {
            let m = fresh_joint(world).await;
            let indicator = app.indicator_create(&admin, m.id, &indicator_form()).await.expect("indicator");
            outcome(
                use_case,
                who,
                app.indicator_actual_set(&actor, indicator.id, indicator.version, "2026Q2", "7").await,
            )
        }
        UseCase::PlanVersionFreeze => {
            outcome(use_case, who, app.plan_version_freeze(&actor, &world.plan, Some("рабочая"), None).await)
        }
        UseCase::SectionsSave => {
            let section = accord_domain::plan::Section {
                code: "energy".into(),
                name_ru: "Энергетика".into(),
                name_en: "Energy".into(),
                position: 50,
            };
            outcome(use_case, who, app.sections_save(&actor, &section).await)
        }
        UseCase::AttachmentAdd => {
            let m = fresh_joint(world).await;
            outcome(use_case, who, app.attachment_add(&actor, m.id, "протокол.pdf", b"%PDF-1.7 test").await)
        }
        UseCase::AttachmentDelete => {
            let m = fresh_joint(world).await;
            let file = app.attachment_add(&admin, m.id, "протокол.pdf", b"%PDF-1.7 test").await.expect("attached");
            outcome(use_case, who, app.attachment_delete(&actor, &file.id).await)
        }
        UseCase::MeasureLink => {
            let m = fresh_joint(world).await;
            outcome(use_case, who, app.measure_link(&actor, m.id, "1.").await)
        }
        UseCase::MeasureUnlink => {
            let m = fresh_joint(world).await;
            app.measure_link(&admin, m.id, "1.").await.expect("linked");
            outcome(use_case, who, app.measure_unlink(&actor, m.id, world.joint.id).await)
        }
        other => panic!("{other:?} is not a plan use case"),
    }
}
