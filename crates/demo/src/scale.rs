//! `accord demo --scale N`: grows the demo plan by N generated measures with indicators,
//! quarterly actuals and some history, so that the plan module's speed targets can be
//! measured on a plan of realistic size (`accord bench plan`).
//!
//! The data is pseudo-random but deterministic (a tiny xorshift generator with a fixed
//! seed): the same N gives the same plan on every run and on both backends. It has the
//! variety of a real plan: nested numbers from `100.` on (`100.1.`, `100.1.1.`), all eight
//! sections, terms of every kind the domain parses (and a few it flags), executors of the
//! demo directory on both sides, every status, tags, and about five quarterly indicator
//! values per measure (N = 10,000 gives ~50,000).
//!
//! Speed: measures go through `Store::measures_import` (one transaction, audited like any
//! import); indicators and their actuals through `Store::indicators_bulk_insert` (multi-row
//! INSERTs, one transaction, not audited: see that method). About one measure in ten is then
//! updated once by a coordinator, again in one transaction, so the audit log holds history.

use crate::plan as demo_plan;
use accord_app::Error as AppError;
use accord_domain::Side;
use accord_domain::plan::indicator::{Accumulation, Actual, Direction, IndicatorData, ValueKind};
use accord_domain::plan::{Executor, MeasureData, MeasureForm, Status};
use accord_domain::{MeasureId, OrganisationId, Quarter};
use accord_store::Store;
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// The code of the plan the generated measures join.
pub const PLAN_CODE: &str = demo_plan::PLAN_CODE;

/// The first top-level number of generated measures (the demo plan uses 1. to 10.).
pub const FIRST_NUMBER: u32 = 100;

/// What a generation added, and how long each phase took.
#[derive(Debug, Default)]
pub struct ScaleSummary {
    pub measures: usize,
    pub indicators: usize,
    pub values: usize,
    /// Measures updated once after creation (audited updates).
    pub updated: usize,
    pub measures_time: Duration,
    pub indicators_time: Duration,
    pub history_time: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum ScaleError {
    #[error("plan {PLAN_CODE} already holds generated measures (numbers from {FIRST_NUMBER}.); use a fresh store")]
    AlreadyGenerated,
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<accord_store::StoreError> for ScaleError {
    fn from(e: accord_store::StoreError) -> Self {
        ScaleError::App(e.into())
    }
}

impl From<accord_domain::validation::Invalid> for ScaleError {
    fn from(e: accord_domain::validation::Invalid) -> Self {
        ScaleError::App(e.into())
    }
}

/// A tiny deterministic generator (xorshift64*): enough variety for demo data, no dependency.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// 0..n (n > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    /// lo..=hi.
    fn between(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1).max(1) as u64) as i64
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Per section: (code, subjects RU/EN, tags).
type SectionWords = (&'static str, &'static [(&'static str, &'static str)], &'static [&'static str]);

const SECTIONS: [SectionWords; 8] = [
    (
        "trade",
        &[
            ("взаимных поставок продукции предприятий сторон", "mutual supplies of the sides' products"),
            ("бизнес-миссии в г. Хабаровск", "a business mission to Khabarovsk"),
            ("выставки-ярмарки белорусских товаров", "a fair of Belarusian goods"),
            ("торгового представительства в Могилёве", "a trade office in Mogilev"),
            ("мониторинга взаимной торговли", "mutual trade monitoring"),
        ],
        &["товарооборот", "выставка", "бизнес-миссия", "экспорт"],
    ),
    (
        "industry",
        &[
            ("сборочного производства техники МАЗ", "MAZ vehicle assembly"),
            ("сервисного обслуживания техники БЕЛАЗ", "BELAZ machinery service"),
            ("поставок тракторов МТЗ для сельхозпредприятий", "MTZ tractor supplies to farms"),
            ("контейнерных перевозок Могилёв — Хабаровск", "Mogilev — Khabarovsk container transport"),
            ("локализации производства комплектующих", "localising component production"),
        ],
        &["локализация", "логистика", "сервис", "запчасти"],
    ),
    (
        "agriculture",
        &[
            ("поставок молочной продукции в торговые сети", "dairy supplies to retail chains"),
            ("поставок мясной продукции", "meat supplies"),
            ("дегустаций белорусских продуктов", "tastings of Belarusian food"),
            ("сертификации продовольствия", "food certification"),
            ("поставок дальневосточной рыбы", "Far-East fish supplies"),
        ],
        &["продовольствие", "ярмарка", "рыба", "дикоросы"],
    ),
    (
        "science",
        &[
            ("совместных научных исследований", "joint research"),
            ("научно-практической конференции", "a scientific conference"),
            ("стажировок аспирантов", "postgraduate internships"),
            ("обмена научной литературой", "exchanging scientific literature"),
            ("совместного патентования разработок", "joint patenting"),
        ],
        &["наука", "образование"],
    ),
    (
        "youth",
        &[
            ("обмена студенческими делегациями", "student delegation exchanges"),
            ("молодёжного форума", "a youth forum"),
            ("летних трудовых отрядов", "summer work teams"),
            ("олимпиады школьников", "a school olympiad"),
            ("волонтёрских проектов", "volunteer projects"),
        ],
        &["молодёжь", "образование", "историческая память"],
    ),
    (
        "culture",
        &[
            ("дней культуры", "culture days"),
            ("гастролей творческих коллективов", "tours of performing groups"),
            ("выставки архивных документов", "an archive exhibition"),
            ("мероприятий по сохранению исторической памяти", "historical memory events"),
            ("фестиваля народного творчества", "a folk art festival"),
        ],
        &["культура", "историческая память", "80 лет победы"],
    ),
    (
        "social",
        &[
            ("обмена опытом в здравоохранении", "healthcare experience exchange"),
            ("оздоровления детей", "children's health holidays"),
            ("спортивных соревнований", "sports competitions"),
            ("туристических маршрутов", "tourist routes"),
            ("социальной поддержки ветеранов", "support for veterans"),
        ],
        &["здравоохранение", "спорт", "туризм"],
    ),
    (
        "other",
        &[
            ("видеоконференций координаторов", "coordinators' videoconferences"),
            ("отчёта о ходе выполнения плана", "the plan progress report"),
            ("актуализации плана мероприятий", "updating the action plan"),
            ("информационного сопровождения сотрудничества", "media coverage of cooperation"),
            ("заседания рабочей группы", "a working group meeting"),
        ],
        &["видеоконференция", "отчётность"],
    ),
];

const ACTIONS: [(&str, &str); 6] = [
    ("Организация", "Organising"),
    ("Проведение", "Holding"),
    ("Развитие", "Developing"),
    ("Подготовка", "Preparing"),
    ("Обеспечение", "Ensuring"),
    ("Содействие в проведении", "Assisting"),
];

const PLACES: [&str; 5] =
    ["", " в Хабаровском крае", " в Могилёвской области", " на Дальнем Востоке", " в г. Могилёве"];

const ROMAN: [&str; 4] = ["I", "II", "III", "IV"];
const MONTHS_NOMINATIVE: [&str; 12] = [
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
];
const MONTHS_GENITIVE: [&str; 12] = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
];

/// A term as officials write it, of every kind `Term::parse` knows (and ~2% it flags).
fn term(rng: &mut Rng) -> String {
    let year = rng.between(2025, 2027);
    let q = rng.below(4);
    let month = rng.below(12);
    let day = rng.between(1, 28);
    match rng.below(22) {
        0..=3 => format!("{} квартал {year} г.", ROMAN[q]),
        4 => format!("{} кв. {year} г.", q + 1),
        5 => format!("Q{} {year}", q + 1),
        6 => format!("{}–{} квартал {year} г.", ROMAN[q.min(2)], ROMAN[q.min(2) + 1]),
        7 => format!("{} полугодие {year} г.", ROMAN[q % 2]),
        8 => format!("{year} г."),
        9 => "2025-2027 гг.".into(),
        10 => format!("в течение {year} г."),
        11 => format!("{} {year} г.", MONTHS_NOMINATIVE[month]),
        12 => format!("до {day} {} {year} г.", MONTHS_GENITIVE[month]),
        13 => format!("не позднее {day} {} {year} г.", MONTHS_GENITIVE[month]),
        14 => format!("до {year} г."),
        15 => format!("{day:02}.{:02}.{year}", month + 1),
        16 => "ежегодно".into(),
        17 => "ежеквартально".into(),
        18 => if rng.chance(50) { "ежемесячно" } else { "раз в полугодие" }.into(),
        19 => if rng.chance(50) { "постоянно" } else { "на постоянной основе" }.into(),
        20 => "по отдельному плану".into(),
        _ => if rng.chance(50) {
            "по мере необходимости"
        } else {
            "по согласованию сторон"
        }
        .into(),
    }
}

/// Status and percent done, consistent with each other.
fn progress(rng: &mut Rng) -> (Status, u8) {
    match rng.below(20) {
        0..=4 => (Status::NotStarted, 0),
        5..=13 => (Status::InProgress, (rng.between(1, 19) * 5) as u8),
        14..=17 => (Status::Done, 100),
        18 => (Status::Postponed, (rng.between(0, 8) * 5) as u8),
        _ => (Status::Cancelled, 0),
    }
}

/// Executors: one to three of each side (sometimes one side only), lead first on each side,
/// Belarusian side first, as the plan table lists them (so export and import round-trip).
fn executors(rng: &mut Rng, by: &[OrganisationId], khv: &[OrganisationId]) -> Vec<Executor> {
    let mut out = Vec::new();
    let sides = match rng.below(10) {
        0 => (true, false),
        1 => (false, true),
        _ => (true, true),
    };
    for (take, side, pool) in [(sides.0, Side::By, by), (sides.1, Side::Khv, khv)] {
        if !take || pool.is_empty() {
            continue;
        }
        let count = 1 + rng.below(3.min(pool.len()));
        let start = rng.below(pool.len());
        for i in 0..count {
            let organisation = pool[(start + i * 7) % pool.len()];
            if !out.iter().any(|e: &Executor| e.organisation == organisation) {
                out.push(Executor { organisation, side, lead: i == 0 });
            }
        }
    }
    out
}

/// The numbers of `n` measures in groups: `K.`, its children `K.j.` and some `K.j.l.`.
fn numbers(rng: &mut Rng, n: usize) -> Vec<(String, usize)> {
    // Keep top-level numbers below 10,000 (the domain's limit) for very large N.
    let factor = n.div_ceil(90_000).max(1);
    let mut out = Vec::with_capacity(n);
    let mut top = FIRST_NUMBER;
    while out.len() < n {
        let group = (rng.below(13) + 4) * factor;
        let section = rng.below(SECTIONS.len());
        out.push((format!("{top}."), section));
        let (mut child, mut grandchild) = (0u32, 0u32);
        for _ in 1..group {
            if out.len() >= n {
                break;
            }
            if child > 0 && grandchild < 6 && rng.chance(25) {
                grandchild += 1;
                out.push((format!("{top}.{child}.{grandchild}."), section));
            } else {
                child += 1;
                grandchild = 0;
                out.push((format!("{top}.{child}."), section));
            }
        }
        top += 1;
    }
    out
}

fn measure_form(rng: &mut Rng, number: &str, section: usize, serial: usize) -> MeasureForm {
    let (code, subjects, tags) = SECTIONS[section];
    let (action_ru, action_en) = rng.pick(&ACTIONS);
    let (subject_ru, subject_en) = rng.pick(subjects);
    let place = rng.pick(&PLACES);
    let (status, percent) = progress(rng);
    let tag_count = rng.below(3);
    let tags: Vec<&str> = (0..tag_count).map(|_| *rng.pick(tags)).collect();
    MeasureForm {
        number: number.into(),
        section: code.into(),
        title_ru: format!("{action_ru} {subject_ru}{place} (мероприятие {serial})"),
        title_en: Some(format!("{action_en} {subject_en} (measure {serial})")),
        description: rng.chance(20).then(|| format!("Порядок реализации согласуется сторонами. Шаг {serial}.")),
        expected_result: rng
            .chance(60)
            .then(|| format!("Заключено соглашений: {}; участников: {}", rng.between(1, 5), rng.between(5, 200))),
        term: term(rng),
        status: Some(status.code().into()),
        percent: Some(percent.to_string()),
        weight: Some(rng.between(1, 5).to_string()),
        tags: Some(tags.join(", ")),
        note: rng.chance(5).then(|| "Срок уточняется".to_string()),
    }
}

/// (name RU, name EN, unit, direction, accumulation, kind)
type IndicatorWords = (&'static str, &'static str, &'static str, Direction, Accumulation, ValueKind);

const INDICATORS: [IndicatorWords; 8] = [
    ("Объём поставок", "Supplies", "т", Direction::Increase, Accumulation::PerPeriod, ValueKind::Quantity),
    ("Экспорт", "Exports", "тыс. долл. США", Direction::Increase, Accumulation::Cumulative, ValueKind::Quantity),
    ("Число участников", "Participants", "чел.", Direction::Increase, Accumulation::PerPeriod, ValueKind::Quantity),
    ("Проведено мероприятий", "Events held", "ед.", Direction::Increase, Accumulation::PerPeriod, ValueKind::Quantity),
    ("Срок доставки", "Delivery time", "сут.", Direction::Decrease, Accumulation::Cumulative, ValueKind::Quantity),
    ("Доля брака", "Defect rate", "%", Direction::Decrease, Accumulation::Cumulative, ValueKind::Quantity),
    (
        "Соглашение подписано",
        "Agreement signed",
        "да/нет",
        Direction::Increase,
        Accumulation::Cumulative,
        ValueKind::YesNo,
    ),
    ("Коэффициент готовности", "Readiness", "%", Direction::Increase, Accumulation::Cumulative, ValueKind::Quantity),
];

/// The quarters with actuals: from the plan's first quarter to the last one completed before
/// `today`, at least four and at most the plan's twelve (so the data has the same shape
/// whatever day it is generated).
fn reported_quarters(today: NaiveDate) -> Vec<Quarter> {
    let mut quarters = Vec::new();
    let Some(mut q) = Quarter::new(2025, 1) else { return quarters };
    let current = Quarter::of_month(today.year(), today.month());
    while quarters.len() < 12 && (quarters.len() < 4 || current.is_none_or(|current| q < current)) {
        quarters.push(q);
        q = q.next();
    }
    quarters
}

/// An indicator with a plausible series of actuals over `quarters`.
fn indicator(rng: &mut Rng, section: usize, quarters: &[Quarter]) -> (IndicatorData, Vec<Actual>) {
    let (name_ru, name_en, unit, direction, accumulation, kind) = *rng.pick(&INDICATORS);
    let subject = *rng.pick(SECTIONS[section].1);
    let scale = rng.between(1, 50) * 10;
    let (baseline, target) = match (kind, direction) {
        (ValueKind::YesNo, _) => (Some(0), 1),
        (_, Direction::Decrease) => (Some(scale * 2), scale),
        (_, Direction::Increase) if accumulation == Accumulation::Cumulative => (Some(scale), scale * 2),
        _ => (None, scale * 4),
    };
    let data = IndicatorData {
        name_ru: format!("{name_ru}: {}", subject.0),
        name_en: Some(format!("{name_en}: {}", subject.1)),
        unit: unit.into(),
        direction,
        accumulation,
        value_kind: kind,
        baseline: baseline.map(Decimal::from),
        baseline_date: baseline.and_then(|_| NaiveDate::from_ymd_opt(2024, 12, 31)),
        target: Some(Decimal::from(target)),
        yearly_targets: if accumulation == Accumulation::PerPeriod {
            (2025..=2027).map(|y| (y, Decimal::from(target / 3))).collect()
        } else {
            Vec::new()
        },
    };
    // Some indicators start reporting a quarter or two late.
    let skip = rng.below(3).min(quarters.len().saturating_sub(1));
    let mut level = baseline.unwrap_or(0) * 10;
    let actuals = quarters[skip..]
        .iter()
        .enumerate()
        .map(|(i, &quarter)| {
            let tenths = match (kind, direction, accumulation) {
                (ValueKind::YesNo, ..) => {
                    // Once signed, it stays signed.
                    if level == 0 && i + skip >= quarters.len() / 2 && rng.chance(50) {
                        level = 1;
                    }
                    level
                }
                (_, Direction::Decrease, _) => {
                    level = (level - rng.between(0, scale)).max(scale * 5);
                    level
                }
                (_, _, Accumulation::Cumulative) => {
                    level += rng.between(0, scale * 2);
                    level
                }
                _ => rng.between(0, scale * 8),
            };
            let value = if kind == ValueKind::YesNo { Decimal::from(tenths) } else { Decimal::new(tenths, 1) };
            Actual { quarter, value: value.normalize() }
        })
        .collect();
    (data, actuals)
}

/// Adds `n` generated measures (with indicators, actuals and history) to the demo plan,
/// which must exist (`demo::load` first) and must not hold generated measures yet.
/// `phase` is told what is being done, for a progress line.
pub async fn generate(store: &Store, n: usize, phase: &dyn Fn(&str)) -> Result<ScaleSummary, ScaleError> {
    let mut summary = ScaleSummary::default();
    if n == 0 {
        return Ok(summary);
    }
    let plan = store.plan_by_code(PLAN_CODE).await?;
    let app = accord_app::App::new(store.clone());
    let operator = accord_app::Actor::operator();
    let seeder = app.seeder(&operator)?;
    let existing = store.measures_of_plan(plan.id).await?;
    if existing.iter().any(|m| m.data.number.parts().first().is_some_and(|top| *top >= FIRST_NUMBER)) {
        return Err(ScaleError::AlreadyGenerated);
    }
    let organisations = store.organisation_all().await?;
    let mut by: Vec<(String, OrganisationId)> = Vec::new();
    let mut khv: Vec<(String, OrganisationId)> = Vec::new();
    for o in &organisations {
        let list = if o.data.side == Side::By { &mut by } else { &mut khv };
        list.push((o.data.code.as_str().to_string(), o.id));
    }
    by.sort();
    khv.sort();
    let by: Vec<OrganisationId> = by.into_iter().map(|(_, id)| id).collect();
    let khv: Vec<OrganisationId> = khv.into_iter().map(|(_, id)| id).collect();

    let mut rng = Rng::new(0x00AC_C02D_u64.wrapping_add(n as u64));
    phase(&format!("generating {n} measures"));
    let started = Instant::now();
    let numbered = numbers(&mut rng, n);
    let mut data: Vec<MeasureData> = Vec::with_capacity(n);
    let mut sections: HashMap<String, usize> = HashMap::with_capacity(n);
    for (serial, (number, section)) in numbered.iter().enumerate() {
        let form = measure_form(&mut rng, number, *section, serial + 1);
        let measure = form.validate(executors(&mut rng, &by, &khv))?;
        sections.insert(measure.number.to_string(), *section);
        data.push(measure);
    }
    phase(&format!("storing {n} measures (one transaction)"));
    let counts = seeder.measures(plan.id, &data).await?;
    summary.measures = counts.created;
    summary.measures_time = started.elapsed();

    let started = Instant::now();
    let stored: Vec<(MeasureId, String)> = store
        .measures_of_plan(plan.id)
        .await?
        .into_iter()
        .map(|m| (m.id, m.data.number.to_string()))
        .filter(|(_, number)| sections.contains_key(number))
        .collect();
    let quarters = reported_quarters(chrono::Utc::now().date_naive());
    // Aim at five values per measure: indicators per measure = 5 / mean values per indicator.
    let mean_values = quarters.len() as f64 - 1.0;
    let per_measure = (5.0 / mean_values.max(1.0)).max(0.0);
    let mut rows: Vec<(MeasureId, IndicatorData, Vec<Actual>)> = Vec::new();
    for (id, number) in &stored {
        let section = sections.get(number).copied().unwrap_or(0);
        let whole = per_measure.floor() as usize;
        let extra = usize::from((rng.below(1000) as f64) < per_measure.fract() * 1000.0);
        for _ in 0..whole + extra {
            let (data, actuals) = indicator(&mut rng, section, &quarters);
            rows.push((*id, data, actuals));
        }
    }
    phase(&format!("storing {} indicators with their quarterly actuals (one transaction)", rows.len()));
    let (indicators, values) = seeder.indicators(&rows).await?;
    summary.indicators = indicators;
    summary.values = values;
    summary.indicators_time = started.elapsed();

    // History: a coordinator reports progress on about one measure in ten.
    let started = Instant::now();
    let updated: Vec<MeasureData> = data
        .iter()
        .enumerate()
        .filter(|(i, m)| i % 10 == 3 && !m.status.is_closed())
        .map(|(_, m)| {
            let mut next = m.clone();
            next.status = Status::InProgress;
            next.percent = (m.percent + 10 + (rng.below(4) as u8) * 5).min(95);
            next.note = Some("Уточнено по итогам квартального отчёта".into());
            next
        })
        .collect();
    phase(&format!("updating {} measures once (history, one transaction)", updated.len()));
    let counts = seeder.measures_by("coord.by", plan.id, &updated).await?;
    summary.updated = counts.updated;
    summary.history_time = started.elapsed();
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use accord_domain::plan::{Schedule, Term};

    #[test]
    fn terms_cover_every_kind() {
        let mut rng = Rng::new(7);
        let mut kinds = std::collections::HashSet::new();
        for _ in 0..2000 {
            let schedule = Term::parse(&term(&mut rng)).schedule;
            kinds.insert(std::mem::discriminant(&schedule));
        }
        for expected in [
            Schedule::Within { start: NaiveDate::MIN, end: NaiveDate::MIN },
            Schedule::By { date: NaiveDate::MIN },
            Schedule::Recurring { every: accord_domain::plan::term::Every::Year },
            Schedule::Continuous,
            Schedule::AsNeeded,
            Schedule::SeparatePlan,
            Schedule::Unparsed,
        ] {
            assert!(kinds.contains(&std::mem::discriminant(&expected)), "{expected:?} never generated");
        }
    }

    #[test]
    fn numbers_nest_and_stay_unique() {
        let mut rng = Rng::new(1);
        let list = numbers(&mut rng, 5000);
        assert_eq!(list.len(), 5000);
        assert_eq!(list[0].0, "100.");
        let unique: std::collections::HashSet<&String> = list.iter().map(|(n, _)| n).collect();
        assert_eq!(unique.len(), list.len());
        assert!(list.iter().any(|(n, _)| n.matches('.').count() == 3), "some third-level numbers");
        for (n, _) in &list {
            assert!(n.parse::<accord_domain::plan::MeasureNumber>().is_ok(), "{n}");
        }
    }

    #[test]
    fn quarters_with_actuals() {
        let d = |y, m| NaiveDate::from_ymd_opt(y, m, 15).expect("date");
        assert_eq!(reported_quarters(d(2025, 2)).len(), 4);
        assert_eq!(reported_quarters(d(2026, 11)).len(), 7);
        assert_eq!(reported_quarters(d(2030, 1)).len(), 12);
    }
}
