//! Maintenance regimes: which service falls due when, per model (and engine variant), and the
//! due list over the whole fleet.
//!
//! A regime is a *cycle* of nested services plus *seasonal* services:
//! - the lowest level (ТО-1) is due after a base interval in km, engine hours, litres of fuel
//!   and/or calendar days, **whichever comes first**, counted from the last cycle service;
//! - each higher level replaces every n-th service of the level below: MAZ does a ТО-2 instead
//!   of every 4th ТО-1; MTZ does ТО-1 every 125 engine hours, and every 4th is a ТО-2 (500 h),
//!   every 2nd ТО-2 a ТО-3 (1,000 h). A machine's place in the cycle is its *step*
//!   (1..=cycle length); the service at a step is the highest level whose period divides it;
//! - seasonal services (spring, autumn) fall due on a day of the year and count as done when
//!   done at most `window_days` before that day.
//!
//! Intervals are multiplied per machine by correction factors for operating category and
//! climate (the Russian maintenance regulations' K1 and K3; Khabarovsk's cold climate is 0.9),
//! held as integer thousandths so a regime computes the same everywhere.
//!
//! The due list must handle 10,000 machines in far under a second, so [`next_service`] works on
//! a borrowed, fixed-size input ([`MachineDueInput`]) and allocates nothing; [`due_list`]
//! allocates its result once.

use crate::fleet::machine::EngineVariant;
use crate::fleet::meter::MeterKind;
use crate::fleet::parts::PartNumber;
use crate::{ModelId, RegimeId};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A kind of service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceKind {
    /// ТО-1.
    To1,
    /// ТО-2.
    To2,
    /// ТО-3.
    To3,
    /// Seasonal service before summer (СО весна).
    Spring,
    /// Seasonal service before winter (СО осень).
    Autumn,
}

impl ServiceKind {
    pub fn key(self) -> &'static str {
        match self {
            ServiceKind::To1 => "fleet.service.to1",
            ServiceKind::To2 => "fleet.service.to2",
            ServiceKind::To3 => "fleet.service.to3",
            ServiceKind::Spring => "fleet.service.spring",
            ServiceKind::Autumn => "fleet.service.autumn",
        }
    }
}

/// Thousandths: 900 is a factor of 0.9.
pub type Permille = u16;

/// Operating category (категория условий эксплуатации, K1): I is good roads, V is the worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OperatingCategory {
    I,
    II,
    III,
    IV,
    V,
}

impl OperatingCategory {
    /// 1.0, 0.9, 0.8, 0.7, 0.6 in thousandths.
    pub fn factor(self) -> Permille {
        match self {
            OperatingCategory::I => 1000,
            OperatingCategory::II => 900,
            OperatingCategory::III => 800,
            OperatingCategory::IV => 700,
            OperatingCategory::V => 600,
        }
    }
}

/// Climate zone (K3 for maintenance periodicity).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Climate {
    Temperate,
    ModeratelyCold,
    /// Khabarovsk Territory's south.
    Cold,
    /// The territory's north (Okhotsk, Ayano-Maysky).
    VeryCold,
}

impl Climate {
    /// 1.0, 0.9, 0.9, 0.8 in thousandths.
    pub fn factor(self) -> Permille {
        match self {
            Climate::Temperate => 1000,
            Climate::ModeratelyCold | Climate::Cold => 900,
            Climate::VeryCold => 800,
        }
    }
}

/// A machine's interval factors, multiplied together onto every interval (meters and days).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CorrectionFactors {
    pub operating: Permille,
    pub climate: Permille,
}

impl CorrectionFactors {
    pub const NEUTRAL: CorrectionFactors = CorrectionFactors { operating: 1000, climate: 1000 };
    /// The operating factors of categories I to V.
    pub const OPERATING: [Permille; 5] = [1000, 900, 800, 700, 600];
    /// The climate factors: temperate, (moderately) cold, very cold.
    pub const CLIMATE: [Permille; 3] = [1000, 900, 800];

    /// Factors as a person picks them: one of the category factors and one of the climate
    /// factors, else `None`.
    pub fn standard(operating: Permille, climate: Permille) -> Option<CorrectionFactors> {
        (Self::OPERATING.contains(&operating) && Self::CLIMATE.contains(&climate))
            .then_some(CorrectionFactors { operating, climate })
    }

    pub fn of(category: OperatingCategory, climate: Climate) -> CorrectionFactors {
        CorrectionFactors { operating: category.factor(), climate: climate.factor() }
    }

    /// `interval × operating × climate`, rounded to the nearest unit (halves up), at least 1.
    pub fn apply(self, interval: u32) -> u32 {
        let scaled = u64::from(interval) * u64::from(self.operating) * u64::from(self.climate);
        let v = (scaled + 500_000) / 1_000_000;
        u32::try_from(v).unwrap_or(u32::MAX).max(1)
    }
}

/// An interval: any of km, engine hours, litres and days; the service is due at whichever is
/// reached first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Interval {
    /// Per [`MeterKind`] index: km, engine hours, litres.
    pub meters: [Option<u32>; 3],
    pub days: Option<u32>,
}

impl Interval {
    pub fn km(km: u32) -> Interval {
        Interval::default().and_meter(MeterKind::Odometer, km)
    }
    pub fn engine_hours(h: u32) -> Interval {
        Interval::default().and_meter(MeterKind::EngineHours, h)
    }
    pub fn and_meter(mut self, kind: MeterKind, v: u32) -> Interval {
        self.meters[kind.index()] = Some(v);
        self
    }
    pub fn and_days(mut self, days: u32) -> Interval {
        self.days = Some(days);
        self
    }
    pub fn is_empty(&self) -> bool {
        self.meters.iter().all(Option::is_none) && self.days.is_none()
    }
    /// The longest calendar interval: ten years.
    pub const MAX_DAYS: u32 = 3_660;
    /// The first part above its largest sensible value (a meter's [`MeterKind::max_value`],
    /// [`Self::MAX_DAYS`]), with that maximum.
    pub fn too_large(&self) -> Option<(u32, u32)> {
        let meter_max = |k: MeterKind| u32::try_from(k.max_value()).unwrap_or(u32::MAX);
        MeterKind::ALL
            .iter()
            .filter_map(|&k| self.meters[k.index()].map(|v| (v, meter_max(k))))
            .chain(self.days.map(|v| (v, Self::MAX_DAYS)))
            .find(|(v, max)| v > max)
    }
    /// Every part multiplied by `by` (a cycle level's period) and then by the factors.
    pub fn scaled(&self, by: u32, factors: CorrectionFactors) -> Interval {
        let f = |v: u32| factors.apply(v.saturating_mul(by));
        Interval { meters: self.meters.map(|m| m.map(f)), days: self.days.map(f) }
    }
}

/// A level of the cycle: its service and how many services of the level below it replaces one of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CycleLevel {
    pub kind: ServiceKind,
    /// 1 for the lowest level; for a higher level, every `every`-th service of the level below
    /// is this one instead.
    pub every: u16,
}

/// A service due on a day of each year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seasonal {
    pub kind: ServiceKind,
    pub month: u8,
    pub day: u8,
    /// A service done up to this many days before the due day counts for it.
    pub window_days: u16,
}

/// One operation of a service with its standard labour.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operation {
    /// A stable operation code from the maker's manual or the centre's catalogue ("oil-engine").
    pub code: String,
    pub standard_hours: Decimal,
}

/// A part a service uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartNeed {
    pub part: PartNumber,
    pub qty: u32,
}

/// What one service consists of. Each service lists its full content (a ТО-2 repeats the
/// ТО-1 operations it includes), so a work order is built from one list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceContent {
    pub kind: ServiceKind,
    pub operations: Vec<Operation>,
    pub parts: Vec<PartNeed>,
}

/// The most standard labour one operation may take.
pub const MAX_STANDARD_HOURS: Decimal = Decimal::from_parts(200, 0, 0, false, 0);

mod due;
mod errors;

pub use due::*;
pub use errors::*;

/// A cycle service as an editor states it: the lower service it replaces every `every`-th
/// time (`None` for the lowest service, whose `every` is ignored).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CycleService {
    pub kind: ServiceKind,
    pub replaces: Option<ServiceKind>,
    pub every: u16,
}

/// Orders services stated by what they replace into cycle levels, lowest first: exactly one
/// lowest service, each other one replacing a service of the cycle that no other replaces,
/// all of them one chain (no service nested in itself, directly or through others).
pub fn order_cycle(regime: RegimeId, services: &[CycleService]) -> Result<Vec<CycleLevel>, RegimeError> {
    let mut seen: Vec<ServiceKind> = Vec::with_capacity(services.len());
    for s in services {
        if seen.contains(&s.kind) {
            return Err(RegimeError::DuplicateKind { regime, kind: s.kind });
        }
        seen.push(s.kind);
    }
    let mut lowest: Option<ServiceKind> = None;
    let mut replaced: Vec<ServiceKind> = Vec::new();
    for s in services {
        match s.replaces {
            None if lowest.is_some() => return Err(RegimeError::TwoLowestServices { regime, kind: s.kind }),
            None => lowest = Some(s.kind),
            Some(r) if r == s.kind => return Err(RegimeError::NestsItself { regime, kind: s.kind }),
            Some(r) if !seen.contains(&r) => {
                return Err(RegimeError::ReplacesAbsent { regime, kind: s.kind, replaces: r });
            }
            Some(r) if replaced.contains(&r) => {
                return Err(RegimeError::ReplacedTwice { regime, kind: s.kind, replaces: r });
            }
            Some(r) => replaced.push(r),
        }
    }
    let Some(lowest) = lowest else {
        return if services.is_empty() { Ok(Vec::new()) } else { Err(RegimeError::NoLowestService { regime }) };
    };
    let mut levels = vec![CycleLevel { kind: lowest, every: 1 }];
    while let Some(next) = services.iter().find(|s| s.replaces == levels.last().map(|l| l.kind)) {
        levels.push(CycleLevel { kind: next.kind, every: next.every });
    }
    if let Some(stray) = services.iter().find(|s| !levels.iter().any(|l| l.kind == s.kind)) {
        return Err(RegimeError::NestingLoop { regime, kind: stray.kind });
    }
    Ok(levels)
}

/// The maintenance regime of a model, optionally only for one engine variant (a regime with
/// `engine: None` is the model's default). Built through [`Regime::new`], which checks it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Regime {
    id: RegimeId,
    model: ModelId,
    engine: Option<EngineVariant>,
    base: Interval,
    cycle: Vec<CycleLevel>,
    /// Period of each level in lowest-level services: products of `every`.
    periods: Vec<u32>,
    seasonal: Vec<Seasonal>,
    content: Vec<ServiceContent>,
}

/// The regime a machine follows among `regimes`: its model's regime for its engine, else its
/// model's first.
pub fn regime_for<'a>(
    regimes: impl IntoIterator<Item = &'a Regime> + Clone,
    model: ModelId,
    engine: Option<&EngineVariant>,
) -> Option<&'a Regime> {
    let of_model = || regimes.clone().into_iter().filter(move |r| r.model() == model);
    of_model().find(|r| r.engine().is_some() && r.engine() == engine).or_else(|| of_model().next())
}

impl Regime {
    pub fn new(
        id: RegimeId,
        model: ModelId,
        engine: Option<EngineVariant>,
        base: Interval,
        cycle: Vec<CycleLevel>,
        seasonal: Vec<Seasonal>,
        content: Vec<ServiceContent>,
    ) -> Result<Regime, RegimeError> {
        let regime = id;
        if cycle.is_empty() && seasonal.is_empty() {
            return Err(RegimeError::Empty { regime });
        }
        if !cycle.is_empty() && base.is_empty() {
            return Err(RegimeError::NoBaseInterval { regime });
        }
        if base.meters.iter().chain(std::iter::once(&base.days)).any(|v| *v == Some(0)) {
            return Err(RegimeError::ZeroInterval { regime });
        }
        if let Some((value, max)) = base.too_large() {
            return Err(RegimeError::IntervalTooLarge { regime, value, max });
        }
        let mut periods = Vec::with_capacity(cycle.len());
        let mut period: u32 = 1;
        for (level, l) in cycle.iter().enumerate() {
            let ok = if level == 0 { l.every == 1 } else { l.every >= 2 };
            if !ok {
                return Err(RegimeError::BadEvery { regime, level, kind: l.kind, every: l.every });
            }
            period = period.saturating_mul(u32::from(l.every));
            if period > 10_000 {
                return Err(RegimeError::CycleTooLong { regime });
            }
            periods.push(period);
        }
        for s in &seasonal {
            let valid = NaiveDate::from_ymd_opt(2023, u32::from(s.month), u32::from(s.day)).is_some();
            if !valid {
                return Err(RegimeError::BadSeasonDay { regime, kind: s.kind, month: s.month, day: s.day });
            }
        }
        let kinds = cycle.iter().map(|l| l.kind).chain(seasonal.iter().map(|s| s.kind));
        let mut seen: Vec<ServiceKind> = Vec::new();
        for k in kinds {
            if seen.contains(&k) {
                return Err(RegimeError::DuplicateKind { regime, kind: k });
            }
            seen.push(k);
        }
        Ok(Regime { id, model, engine, base, cycle, periods, seasonal, content })
    }

    pub fn id(&self) -> RegimeId {
        self.id
    }
    pub fn model(&self) -> ModelId {
        self.model
    }
    pub fn engine(&self) -> Option<&EngineVariant> {
        self.engine.as_ref()
    }
    pub fn base(&self) -> Interval {
        self.base
    }
    pub fn cycle(&self) -> &[CycleLevel] {
        &self.cycle
    }
    pub fn seasonal(&self) -> &[Seasonal] {
        &self.seasonal
    }

    /// The same regime (id, model, engine) with a new interval, cycle and seasonal services,
    /// checked like a new one; the content of services kept in it stays, that of removed ones
    /// goes.
    pub fn revised(
        &self,
        base: Interval,
        cycle: &[CycleService],
        seasonal: Vec<Seasonal>,
    ) -> Result<Regime, RegimeError> {
        let levels = order_cycle(self.id, cycle)?;
        let kept = |k: ServiceKind| levels.iter().any(|l| l.kind == k) || seasonal.iter().any(|s| s.kind == k);
        let content = self.content.iter().filter(|c| kept(c.kind)).cloned().collect();
        Regime::new(self.id, self.model, self.engine.clone(), base, levels, seasonal, content)
    }

    /// The cycle as an editor states it: each level replacing the one below it.
    pub fn cycle_services(&self) -> Vec<CycleService> {
        let mut below: Option<ServiceKind> = None;
        self.cycle
            .iter()
            .map(|l| {
                let s = CycleService { kind: l.kind, replaces: below, every: l.every };
                below = Some(l.kind);
                s
            })
            .collect()
    }

    /// The interval of a cycle level as the regime states it (before a machine's factors):
    /// the base interval times the level's period in lowest services.
    pub fn level_interval(&self, level: usize) -> Option<Interval> {
        self.periods.get(level).map(|&p| self.base.scaled(p, CorrectionFactors::NEUTRAL))
    }

    /// The same regime with `content` as what its service consists of: the service must be in
    /// the regime, each operation named once with more than 0 and at most 200 standard hours,
    /// each part listed once with a quantity of at least 1. Codes are trimmed. Empty lists
    /// leave the service without content.
    pub fn with_content(&self, mut content: ServiceContent) -> Result<Regime, ContentError> {
        let kind = content.kind;
        let present = self.cycle.iter().any(|l| l.kind == kind) || self.seasonal.iter().any(|s| s.kind == kind);
        if !present {
            return Err(ContentError::ServiceAbsent { kind });
        }
        let mut codes: Vec<&str> = Vec::new();
        for op in &mut content.operations {
            op.code = op.code.trim().to_string();
        }
        for (i, op) in content.operations.iter().enumerate() {
            if op.code.is_empty() {
                return Err(ContentError::EmptyCode { position: i + 1 });
            }
            if codes.contains(&op.code.as_str()) {
                return Err(ContentError::DuplicateOperation { code: op.code.clone() });
            }
            if op.standard_hours <= Decimal::ZERO || op.standard_hours > MAX_STANDARD_HOURS {
                return Err(ContentError::BadHours { code: op.code.clone(), hours: op.standard_hours });
            }
            codes.push(&op.code);
        }
        let mut parts: Vec<&PartNumber> = Vec::new();
        for need in &content.parts {
            if need.qty == 0 {
                return Err(ContentError::ZeroQuantity { part: need.part.clone() });
            }
            if parts.contains(&&need.part) {
                return Err(ContentError::DuplicatePart { part: need.part.clone() });
            }
            parts.push(&need.part);
        }
        let mut revised = self.clone();
        revised.content.retain(|c| c.kind != kind);
        if !content.operations.is_empty() || !content.parts.is_empty() {
            revised.content.push(content);
        }
        Ok(revised)
    }

    /// Every service's operations and parts.
    pub fn contents(&self) -> &[ServiceContent] {
        &self.content
    }

    /// Operations and parts of a service, if the regime lists them.
    pub fn content(&self, kind: ServiceKind) -> Option<&ServiceContent> {
        self.content.iter().find(|c| c.kind == kind)
    }

    /// The number of steps in one full cycle (4 for MAZ's ТО-1/ТО-2, 8 for MTZ's ТО-1/2/3);
    /// 0 without a cycle.
    pub fn cycle_length(&self) -> u32 {
        self.periods.last().copied().unwrap_or(0)
    }

    /// The level index of a cycle service kind.
    pub fn level_of(&self, kind: ServiceKind) -> Option<usize> {
        self.cycle.iter().position(|l| l.kind == kind)
    }

    /// The level due at a step (1..=cycle length): the highest whose period divides the step.
    fn level_at(&self, step: u32) -> usize {
        self.periods.iter().rposition(|&p| step.is_multiple_of(p)).unwrap_or(0)
    }

    /// The service due at a step of the cycle.
    pub fn kind_at(&self, step: u32) -> Option<ServiceKind> {
        self.cycle.get(self.level_at(step)).map(|l| l.kind)
    }

    /// The step that follows `step` (the cycle wraps after its length).
    pub fn next_step(&self, step: u32) -> u32 {
        match self.cycle_length() {
            0 => 0,
            len => step % len + 1,
        }
    }

    /// The cycle step a machine is at after doing `done` where the step after `prev_step` was
    /// scheduled. Doing the scheduled service or a higher one advances to the scheduled step, or
    /// further to the next step of the done service's level (a ТО-2 done early restarts the
    /// count of ТО-1s). Doing a *lower* service than scheduled leaves the step where it was, so
    /// the omitted higher service stays next. `None` when `done` is not a cycle service.
    pub fn step_after(&self, prev_step: u32, done: ServiceKind) -> Option<u32> {
        let level = self.level_of(done)?;
        let scheduled = self.next_step(prev_step);
        if level < self.level_at(scheduled) {
            return Some(prev_step);
        }
        let period = self.periods[level];
        Some(scheduled.div_ceil(period) * period)
    }
}

#[cfg(test)]
pub(crate) mod tests;
