//! The demonstration 2025-2027 action plan, built from the agreement's announcement: trade
//! growth, the industrial cluster, machinery maintenance in the Far East, food to Khabarovsk,
//! Far-East fish, seafood and wild berries to Belarus, shorter logistics chains, localisation,
//! the multi-brand service centre, youth projects, the 80th anniversary of the Victory and
//! historical memory, and the quarterly videoconferences. Statuses and actuals are invented
//! so that every screen has something to show: some measures on track, some late.

use accord_app::Error as AppError;
use accord_app::plan::ExecutorRef;
use accord_app::{Actor, App};
use accord_domain::plan::indicator::{IndicatorForm, parse_decimal};
use accord_domain::plan::{MeasureForm, PlanForm, Signatory};
use accord_domain::{Quarter, Side};
use accord_store::{NewAgreement, Store};

mod measures;

use measures::MEASURES;

/// (measure number, name RU, unit, direction, accumulation, kind, baseline, target, actuals by quarter from 2025Q1)
type DemoIndicator = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
);

/// Measure 1.'s turnover indicator is not here: the trade demo derives it from its own figures
/// (`crate::trade::load`), so the plan and the trade pages agree.
const INDICATORS: &[DemoIndicator] = &[
    (
        "1.1.",
        "Проведено видеоконференций",
        "ед.",
        "increase",
        "per-period",
        "quantity",
        "",
        "12",
        &["1", "1", "1", "1", "1", "0", "1"],
    ),
    (
        "2.2.",
        "Поставки мясной продукции",
        "т",
        "increase",
        "per-period",
        "quantity",
        "",
        "600",
        &["35", "42", "51", "60", "48", "55", "58"],
    ),
    (
        "3.1.",
        "Поставки рыбы и морепродуктов в Беларусь",
        "т",
        "increase",
        "per-period",
        "quantity",
        "",
        "1500",
        &["60", "85", "110", "140", "95", "120", "150"],
    ),
    (
        "3.2.",
        "Поставки дикоросов",
        "т",
        "increase",
        "per-period",
        "quantity",
        "",
        "300",
        &["0", "12", "41", "18", "0", "9", "36"],
    ),
    (
        "4.2.",
        "Срок доставки контейнера Могилёв — Хабаровск",
        "сут.",
        "decrease",
        "cumulative",
        "quantity",
        "45",
        "28",
        &["45", "44", "41", "38", "36", "35", "33"],
    ),
    (
        "4.3.",
        "Число посредников в цепочке поставки",
        "ед.",
        "decrease",
        "cumulative",
        "quantity",
        "4",
        "1",
        &["4", "4", "3", "3", "3", "2", "2"],
    ),
    (
        "5.1.",
        "Сервисный центр открыт",
        "да/нет",
        "increase",
        "cumulative",
        "yes-no",
        "0",
        "1",
        &["0", "0", "0", "0", "0", "0", "0"],
    ),
    (
        "5.2.",
        "Коэффициент технической готовности техники",
        "%",
        "increase",
        "cumulative",
        "quantity",
        "71",
        "90",
        &["72", "73", "75", "76", "79", "81", "82"],
    ),
    (
        "7.1.",
        "Участники молодёжных обменов",
        "чел.",
        "increase",
        "per-period",
        "quantity",
        "",
        "300",
        &["0", "24", "45", "30", "0", "26", "52"],
    ),
    (
        "8.1.",
        "Мероприятия к 80-летию Победы",
        "ед.",
        "increase",
        "per-period",
        "quantity",
        "",
        "20",
        &["6", "14", "0", "0", "0", "0", "0"],
    ),
];

pub const PLAN_CODE: &str = "KHV-MOG-2025";

/// Loads the demo plan unless a plan with its code exists. Returns how many measures it added.
///
/// The plan as signed is history (the seeder); what came after goes through the use cases: the
/// signed text frozen as version 1 by the operator, a measure added since, the Khabarovsk
/// coordinator's proposal to move a term (an amendment awaiting Mogilev), the indicators and
/// their actuals.
pub async fn load(store: &Store) -> Result<usize, AppError> {
    if store.plan_by_code(PLAN_CODE).await.is_ok() {
        return Ok(0);
    }
    let app = App::new(store.clone());
    let operator = Actor::operator();
    let seeder = app.seeder(&operator)?;
    let plan = PlanForm {
        code: PLAN_CODE.into(),
        title_ru: "План мероприятий по реализации Соглашения между Правительством Республики Беларусь и Правительством Хабаровского края Российской Федерации о сотрудничестве в торгово-экономической, научно-технической, социальной и культурной областях на 2025–2027 годы".into(),
        title_en: Some("Action plan 2025-2027 of the cooperation agreement between Belarus and Khabarovsk Territory".into()),
        period_start: "2025-01-01".into(),
        period_end: "2027-12-31".into(),
    }
    .validate()?;
    let agreement = NewAgreement {
        code: "BY-KHV".into(),
        title_ru: "Соглашение между Правительством Республики Беларусь и Правительством Хабаровского края Российской Федерации о торгово-экономическом, научно-техническом и культурном сотрудничестве".into(),
        title_en: Some("Agreement between the Government of Belarus and the Government of Khabarovsk Territory on cooperation".into()),
        signed_on: chrono::NaiveDate::from_ymd_opt(2025, 2, 4),
        signatories: vec![
            Signatory { side: Side::By, name: "Исаченко Анатолий Николаевич".into(), post: "Председатель Могилёвского облисполкома".into() },
            Signatory { side: Side::Khv, name: "Демешин Дмитрий Викторович".into(), post: "Губернатор Хабаровского края".into() },
        ],
    };
    let plan = seeder.plan(&agreement, &plan).await?;
    let mut data = Vec::with_capacity(MEASURES.len());
    for (number, section, title_ru, title_en, term, by, khv, status, percent, tags) in MEASURES {
        let refs: Vec<ExecutorRef> = [by, khv]
            .iter()
            .flat_map(|list| {
                list.split(',')
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .enumerate()
                    .map(|(i, code)| ExecutorRef { organisation: code.to_string(), lead: i == 0 })
            })
            .collect();
        let executors = app.executors_resolve(&refs).await?;
        let form = MeasureForm {
            number: (*number).into(),
            section: (*section).into(),
            title_ru: (*title_ru).into(),
            title_en: Some((*title_en).into()),
            term: (*term).into(),
            status: Some((*status).into()),
            percent: Some(percent.to_string()),
            tags: Some((*tags).into()),
            ..Default::default()
        };
        data.push(form.validate(executors)?);
    }
    let counts = seeder.measures(plan.id, &data).await?;
    // The signed text is version 1; what came later shows in the difference and amendments.
    let signed_on = chrono::NaiveDate::from_ymd_opt(2025, 2, 4);
    app.plan_version_freeze(&operator, &plan, Some("Подписанный текст"), signed_on).await?;
    let later = MeasureForm {
        number: "10.4.".into(),
        section: "other".into(),
        title_ru: "Обновление контактов ответственных лиц после кадровых изменений".into(),
        term: "ежегодно".into(),
        status: Some("in-progress".into()),
        ..Default::default()
    };
    let executors = app
        .executors_resolve(&[
            ExecutorRef { organisation: "MOG-OIK".into(), lead: true },
            ExecutorRef { organisation: "KHV-GOV".into(), lead: true },
        ])
        .await?;
    seeder.measure(plan.id, &later.validate(executors)?).await?;
    let measures = store.measures_of_plan(plan.id).await?;
    if let Some(reefer) = measures.iter().find(|m| m.data.number.to_string() == "4.4.") {
        let coordinator = Actor::user(store.user_by_login("coord.khv").await?);
        let mut proposed = MeasureForm::of(&reefer.data);
        proposed.term = "II квартал 2026 г.".into();
        let reason = Some("Перевозчик готов начать отправки только со второго квартала".to_string());
        app.measure_change(&coordinator, reefer.id, reefer.version, &proposed, reefer.data.executors.clone(), reason)
            .await?;
    }
    for (number, name, unit, direction, accumulation, kind, baseline, target, actuals) in INDICATORS {
        let Some(measure) = measures.iter().find(|m| m.data.number.to_string() == *number) else { continue };
        let form = IndicatorForm {
            name_ru: (*name).into(),
            unit: (*unit).into(),
            direction: (*direction).into(),
            accumulation: (*accumulation).into(),
            value_kind: (*kind).into(),
            baseline: Some((*baseline).into()),
            target: Some((*target).into()),
            ..Default::default()
        };
        let mut indicator = app.indicator_create(&operator, measure.id, &form).await?;
        let mut quarter = Quarter::new(2025, 1);
        for raw in *actuals {
            let (Some(q), Some(_)) = (quarter, parse_decimal(raw)) else { break };
            indicator =
                app.indicator_actual_set(&operator, indicator.id, indicator.version, &q.to_string(), raw).await?;
            quarter = Some(q.next());
        }
    }
    Ok(counts.created)
}
