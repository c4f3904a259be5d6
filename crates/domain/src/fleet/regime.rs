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
use crate::fleet::meter::{MeterKind, MeterNow, MeterSnapshot, forecast_reach};
use crate::fleet::parts::PartNumber;
use crate::{MachineId, ModelId, RegimeId};
use chrono::{Datelike, Days, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

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

/// Why the operations and parts of a service are refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContentError {
    #[error("{kind:?} is not a service of this regime")]
    ServiceAbsent { kind: ServiceKind },
    #[error("operation {position} has no code")]
    EmptyCode { position: usize },
    #[error("operation {code} is listed twice")]
    DuplicateOperation { code: String },
    #[error("operation {code}: {hours} standard hours; more than 0 and at most 200 expected")]
    BadHours { code: String, hours: Decimal },
    #[error("part {part}: a quantity of at least 1 expected")]
    ZeroQuantity { part: PartNumber },
    #[error("part {part} is listed twice")]
    DuplicatePart { part: PartNumber },
}

impl ContentError {
    pub fn key(&self) -> &'static str {
        match self {
            ContentError::ServiceAbsent { .. } => "fleet.error.content_service_absent",
            ContentError::EmptyCode { .. } => "fleet.error.content_empty_code",
            ContentError::DuplicateOperation { .. } => "fleet.error.content_duplicate_operation",
            ContentError::BadHours { .. } => "fleet.error.content_bad_hours",
            ContentError::ZeroQuantity { .. } => "fleet.error.content_zero_quantity",
            ContentError::DuplicatePart { .. } => "fleet.error.content_duplicate_part",
        }
    }

    /// The list the refusal concerns: `operations` or `parts` (`kind` for an absent service).
    pub fn field(&self) -> &'static str {
        match self {
            ContentError::ServiceAbsent { .. } => "kind",
            ContentError::EmptyCode { .. }
            | ContentError::DuplicateOperation { .. }
            | ContentError::BadHours { .. } => "operations",
            ContentError::ZeroQuantity { .. } | ContentError::DuplicatePart { .. } => "parts",
        }
    }

    /// The value at fault, without words: the operation, its hours, the part.
    pub fn value(&self) -> String {
        match self {
            ContentError::ServiceAbsent { kind } => format!("{kind:?}"),
            ContentError::EmptyCode { position } => format!("#{position}"),
            ContentError::DuplicateOperation { code } => code.clone(),
            ContentError::BadHours { code, hours } => format!("{code}: {hours}"),
            ContentError::ZeroQuantity { part } | ContentError::DuplicatePart { part } => part.to_string(),
        }
    }
}

/// Why a regime is malformed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegimeError {
    #[error("regime {regime} has neither a cycle nor a seasonal service")]
    Empty { regime: RegimeId },
    #[error("regime {regime}: the cycle has no base interval")]
    NoBaseInterval { regime: RegimeId },
    #[error(
        "regime {regime}: level {level} ({kind:?}) has every = {every}; the lowest level needs 1, higher ones 2 or more"
    )]
    BadEvery { regime: RegimeId, level: usize, kind: ServiceKind, every: u16 },
    #[error("regime {regime}: the cycle is longer than 10,000 services")]
    CycleTooLong { regime: RegimeId },
    #[error("regime {regime}: seasonal {kind:?} on {month}-{day} is not a day of every year")]
    BadSeasonDay { regime: RegimeId, kind: ServiceKind, month: u8, day: u8 },
    #[error("regime {regime}: service {kind:?} appears twice")]
    DuplicateKind { regime: RegimeId, kind: ServiceKind },
    #[error("regime {regime}: an interval of zero")]
    ZeroInterval { regime: RegimeId },
    #[error("regime {regime}: {kind:?} cannot replace itself")]
    NestsItself { regime: RegimeId, kind: ServiceKind },
    #[error("regime {regime}: the cycle has no lowest service (one that replaces none)")]
    NoLowestService { regime: RegimeId },
    #[error("regime {regime}: {kind:?} is a second lowest service; only one may replace none")]
    TwoLowestServices { regime: RegimeId, kind: ServiceKind },
    #[error("regime {regime}: {kind:?} replaces {replaces:?}, which is not in the cycle")]
    ReplacesAbsent { regime: RegimeId, kind: ServiceKind, replaces: ServiceKind },
    #[error("regime {regime}: {kind:?} replaces {replaces:?}, which another service already replaces")]
    ReplacedTwice { regime: RegimeId, kind: ServiceKind, replaces: ServiceKind },
    #[error(
        "regime {regime}: {kind:?} is not reached from the lowest service (the services replace each other in a loop)"
    )]
    NestingLoop { regime: RegimeId, kind: ServiceKind },
}

impl RegimeError {
    pub fn key(&self) -> &'static str {
        match self {
            RegimeError::Empty { .. } => "fleet.error.regime_empty",
            RegimeError::NoBaseInterval { .. } => "fleet.error.regime_no_base_interval",
            RegimeError::BadEvery { .. } => "fleet.error.regime_bad_every",
            RegimeError::CycleTooLong { .. } => "fleet.error.regime_cycle_too_long",
            RegimeError::BadSeasonDay { .. } => "fleet.error.regime_bad_season_day",
            RegimeError::DuplicateKind { .. } => "fleet.error.regime_duplicate_kind",
            RegimeError::ZeroInterval { .. } => "fleet.error.regime_zero_interval",
            RegimeError::NestsItself { .. } => "fleet.error.regime_nests_itself",
            RegimeError::NoLowestService { .. } => "fleet.error.regime_no_lowest",
            RegimeError::TwoLowestServices { .. } => "fleet.error.regime_two_lowest",
            RegimeError::ReplacesAbsent { .. } => "fleet.error.regime_replaces_absent",
            RegimeError::ReplacedTwice { .. } => "fleet.error.regime_replaced_twice",
            RegimeError::NestingLoop { .. } => "fleet.error.regime_nesting_loop",
        }
    }

    /// The service the refusal is about, if it is about one.
    pub fn service(&self) -> Option<ServiceKind> {
        match self {
            RegimeError::BadEvery { kind, .. }
            | RegimeError::BadSeasonDay { kind, .. }
            | RegimeError::DuplicateKind { kind, .. }
            | RegimeError::NestsItself { kind, .. }
            | RegimeError::TwoLowestServices { kind, .. }
            | RegimeError::ReplacesAbsent { kind, .. }
            | RegimeError::ReplacedTwice { kind, .. }
            | RegimeError::NestingLoop { kind, .. } => Some(*kind),
            RegimeError::Empty { .. }
            | RegimeError::NoBaseInterval { .. }
            | RegimeError::CycleTooLong { .. }
            | RegimeError::ZeroInterval { .. }
            | RegimeError::NoLowestService { .. } => None,
        }
    }
}

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

/// The last cycle service done on a machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CycleMark {
    /// The step reached (see [`Regime::step_after`]).
    pub step: u32,
    pub date: NaiveDate,
    /// Meter values at the service; a missing value falls back to the commissioning values.
    pub meters: MeterSnapshot,
}

/// Everything [`next_service`] needs for one machine, borrowed, with no heap of its own.
#[derive(Debug, Clone, Copy)]
pub struct MachineDueInput<'a> {
    pub machine: MachineId,
    pub regime: &'a Regime,
    pub factors: CorrectionFactors,
    pub commissioned_on: NaiveDate,
    /// Meter values at commissioning (usually zero).
    pub meters_at_commissioning: MeterSnapshot,
    pub last_cycle: Option<CycleMark>,
    /// The last day each seasonal service was done.
    pub last_seasonal: &'a [(ServiceKind, NaiveDate)],
    pub meters: MeterNow,
}

/// What made a service due first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    Meter(MeterKind),
    Calendar,
}

/// The next service of a machine.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DueService {
    pub machine: MachineId,
    pub regime: RegimeId,
    pub kind: ServiceKind,
    /// The cycle step this service is (`None` for seasonal services).
    pub step: Option<u32>,
    /// The meter values it is due at (only meters with an interval and a known base).
    pub due_meters: MeterSnapshot,
    /// The calendar day it is due at, if the interval has days (or it is seasonal).
    pub due_date: Option<NaiveDate>,
    /// The earliest of the calendar day and the days the meters are forecast to reach their due
    /// values at their usage per day; `None` if nothing can be forecast (meters standing still
    /// and no calendar interval).
    pub forecast: Option<NaiveDate>,
    pub trigger: Option<Trigger>,
    /// A meter has reached its due value, or the forecast day is before `today`.
    pub overdue: bool,
}

impl DueService {
    /// Due-list order: overdue first, then by forecast day (unknown last), then machine.
    pub fn urgency_cmp(&self, other: &DueService) -> Ordering {
        other
            .overdue
            .cmp(&self.overdue)
            .then_with(|| match (self.forecast, other.forecast) {
                (Some(a), Some(b)) => a.cmp(&b),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            })
            .then_with(|| self.machine.cmp(&other.machine))
    }
}

/// The first day `(month, day)` strictly after `last + window_days`.
fn seasonal_due(s: &Seasonal, last: NaiveDate) -> Option<NaiveDate> {
    let threshold = last.checked_add_days(Days::new(u64::from(s.window_days)))?;
    let this_year = NaiveDate::from_ymd_opt(threshold.year(), u32::from(s.month), u32::from(s.day))?;
    if this_year > threshold {
        Some(this_year)
    } else {
        NaiveDate::from_ymd_opt(threshold.year() + 1, u32::from(s.month), u32::from(s.day))
    }
}

fn cycle_due(input: &MachineDueInput<'_>, today: NaiveDate) -> Option<DueService> {
    let regime = input.regime;
    if regime.cycle.is_empty() {
        return None;
    }
    let (base_step, base_date, base_meters) = match input.last_cycle {
        Some(m) => (m.step, m.date, m.meters),
        None => (0, input.commissioned_on, input.meters_at_commissioning),
    };
    let step = regime.next_step(base_step);
    let interval = regime.base.scaled(1, input.factors);
    let mut due = DueService {
        machine: input.machine,
        regime: regime.id,
        kind: regime.cycle[regime.level_at(step)].kind,
        step: Some(step),
        due_meters: MeterSnapshot::EMPTY,
        due_date: None,
        forecast: None,
        trigger: None,
        overdue: false,
    };
    for kind in MeterKind::ALL {
        let i = kind.index();
        let Some(iv) = interval.meters[i] else { continue };
        let Some(base) = base_meters.0[i].or(input.meters_at_commissioning.0[i]) else { continue };
        let target = base + i64::from(iv);
        due.due_meters.0[i] = Some(target);
        if let Some(state) = input.meters.0[i] {
            if state.value >= target {
                due.overdue = true;
            }
            if let Some(day) = forecast_reach(state, target)
                && due.forecast.is_none_or(|f| day < f)
            {
                due.forecast = Some(day);
                due.trigger = Some(Trigger::Meter(kind));
            }
        }
    }
    if let Some(days) = interval.days {
        let day = base_date.checked_add_days(Days::new(u64::from(days)));
        due.due_date = day;
        if let Some(day) = day
            && due.forecast.is_none_or(|f| day < f)
        {
            due.forecast = Some(day);
            due.trigger = Some(Trigger::Calendar);
        }
    }
    due.overdue |= due.forecast.is_some_and(|f| f < today);
    Some(due)
}

/// The most urgent next service of one machine, cycle or seasonal, or `None` when its regime
/// yields nothing. Allocates nothing.
pub fn next_service(input: &MachineDueInput<'_>, today: NaiveDate) -> Option<DueService> {
    let mut best = cycle_due(input, today);
    for s in &input.regime.seasonal {
        let last = input.last_seasonal.iter().find(|(k, _)| *k == s.kind).map_or(input.commissioned_on, |&(_, d)| d);
        let Some(day) = seasonal_due(s, last) else { continue };
        let candidate = DueService {
            machine: input.machine,
            regime: input.regime.id,
            kind: s.kind,
            step: None,
            due_meters: MeterSnapshot::EMPTY,
            due_date: Some(day),
            forecast: Some(day),
            trigger: Some(Trigger::Calendar),
            overdue: day < today,
        };
        if best.as_ref().is_none_or(|b| candidate.urgency_cmp(b) == Ordering::Less) {
            best = Some(candidate);
        }
    }
    best
}

/// Every machine's next service, overdue first, then by forecast day (unknown last).
/// One allocation for the result; decommissioned machines are the caller's to leave out.
pub fn due_list(inputs: &[MachineDueInput<'_>], today: NaiveDate) -> Vec<DueService> {
    let mut out = Vec::with_capacity(inputs.len());
    out.extend(inputs.iter().filter_map(|i| next_service(i, today)));
    out.sort_unstable_by(DueService::urgency_cmp);
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::fleet::machine::tests::d;
    use crate::fleet::meter::MeterState;

    pub(crate) fn maz_regime() -> Regime {
        Regime::new(
            RegimeId::new_at(1, [0; 10]),
            ModelId::new_at(1, [0; 10]),
            None,
            Interval::km(20_000).and_days(180),
            vec![CycleLevel { kind: ServiceKind::To1, every: 1 }, CycleLevel { kind: ServiceKind::To2, every: 4 }],
            vec![
                Seasonal { kind: ServiceKind::Spring, month: 4, day: 15, window_days: 45 },
                Seasonal { kind: ServiceKind::Autumn, month: 10, day: 15, window_days: 45 },
            ],
            vec![],
        )
        .expect("valid regime")
    }

    pub(crate) fn mtz_regime() -> Regime {
        Regime::new(
            RegimeId::new_at(2, [0; 10]),
            ModelId::new_at(2, [0; 10]),
            None,
            Interval::engine_hours(125),
            vec![
                CycleLevel { kind: ServiceKind::To1, every: 1 },
                CycleLevel { kind: ServiceKind::To2, every: 4 },
                CycleLevel { kind: ServiceKind::To3, every: 2 },
            ],
            vec![],
            vec![],
        )
        .expect("valid regime")
    }

    fn op(code: &str, hours: &str) -> Operation {
        Operation { code: code.into(), standard_hours: hours.parse().expect("hours") }
    }

    fn need(part: &str, qty: u32) -> PartNeed {
        PartNeed { part: PartNumber::parse(part).expect("part"), qty }
    }

    #[test]
    fn service_content_is_checked_and_replaced() {
        let maz = maz_regime();
        let to1 = ServiceContent {
            kind: ServiceKind::To1,
            operations: vec![op(" oil-engine ", "1.5"), op("filter-fuel", "0.5")],
            parts: vec![need("240-1017010", 1)],
        };
        let revised = maz.with_content(to1).expect("valid content");
        let stored = revised.content(ServiceKind::To1).expect("content");
        assert_eq!(stored.operations[0].code, "oil-engine", "codes are trimmed");
        assert_eq!(stored.parts.len(), 1);
        // A second save replaces the first; empty lists remove the content.
        let again = revised
            .with_content(ServiceContent { kind: ServiceKind::To1, operations: vec![op("wash", "0.3")], parts: vec![] })
            .expect("replaced");
        assert_eq!(again.content(ServiceKind::To1).map(|c| c.operations.len()), Some(1));
        assert_eq!(again.contents().len(), 1);
        let cleared = again
            .with_content(ServiceContent { kind: ServiceKind::To1, operations: vec![], parts: vec![] })
            .expect("cleared");
        assert!(cleared.content(ServiceKind::To1).is_none());
        // The rest of the regime is untouched.
        assert_eq!((cleared.base(), cleared.cycle(), cleared.seasonal()), (maz.base(), maz.cycle(), maz.seasonal()));

        let refused = |content: ServiceContent| maz.with_content(content).expect_err("refused");
        let empty = |kind| ServiceContent { kind, operations: vec![], parts: vec![] };
        assert_eq!(refused(empty(ServiceKind::To3)), ContentError::ServiceAbsent { kind: ServiceKind::To3 });
        let with_ops = |ops| ServiceContent { operations: ops, ..empty(ServiceKind::To2) };
        assert_eq!(refused(with_ops(vec![op("a", "1"), op("  ", "1")])), ContentError::EmptyCode { position: 2 });
        assert_eq!(
            refused(with_ops(vec![op("a", "1"), op("a", "2")])),
            ContentError::DuplicateOperation { code: "a".into() }
        );
        let zero = refused(with_ops(vec![op("a", "0")]));
        assert_eq!((zero.field(), zero.value()), ("operations", "a: 0".to_string()));
        assert!(matches!(refused(with_ops(vec![op("a", "200.5")])), ContentError::BadHours { .. }));
        assert!(maz.with_content(with_ops(vec![op("a", "200")])).is_ok(), "200 hours is the limit");
        let with_parts = |parts| ServiceContent { parts, ..empty(ServiceKind::Spring) };
        let zero = refused(with_parts(vec![need("P-1", 0)]));
        assert_eq!((zero.key(), zero.field()), ("fleet.error.content_zero_quantity", "parts"));
        assert_eq!(
            refused(with_parts(vec![need("P-1", 1), need("P-1", 2)])),
            ContentError::DuplicatePart { part: PartNumber::parse("P-1").expect("part") }
        );
    }

    #[test]
    fn standard_factors_are_the_categories_and_climates() {
        for category in [OperatingCategory::I, OperatingCategory::III, OperatingCategory::V] {
            for climate in [Climate::Temperate, Climate::Cold, Climate::VeryCold] {
                let f = CorrectionFactors::of(category, climate);
                assert_eq!(CorrectionFactors::standard(f.operating, f.climate), Some(f));
            }
        }
        assert_eq!(CorrectionFactors::standard(850, 900), None);
        assert_eq!(CorrectionFactors::standard(1000, 700), None);
    }

    #[test]
    fn factors_multiply_intervals() {
        let khv = CorrectionFactors::of(OperatingCategory::III, Climate::Cold);
        // 20,000 × 0.8 × 0.9 = 14,400.
        assert_eq!(khv.apply(20_000), 14_400);
        // 125 × 0.9 = 112.5, rounded half up to 113.
        assert_eq!(CorrectionFactors::of(OperatingCategory::I, Climate::Cold).apply(125), 113);
        assert_eq!(CorrectionFactors::NEUTRAL.apply(7), 7);
        assert_eq!(CorrectionFactors { operating: 1, climate: 1 }.apply(7), 1);
    }

    #[test]
    fn nested_cycles_name_the_right_service() {
        let mtz = mtz_regime();
        assert_eq!(mtz.cycle_length(), 8);
        let kinds: Vec<_> = (1..=8).filter_map(|s| mtz.kind_at(s)).collect();
        use ServiceKind::*;
        // 125 h: ТО-1, 250, 375, 500: ТО-2, 625, 750, 875, 1,000: ТО-3.
        assert_eq!(kinds, vec![To1, To1, To1, To2, To1, To1, To1, To3]);
        assert_eq!(mtz.next_step(8), 1);
        let maz = maz_regime();
        assert_eq!(maz.cycle_length(), 4);
        assert_eq!(maz.kind_at(4), Some(To2));
        assert_eq!(maz.kind_at(3), Some(To1));
    }

    #[test]
    fn step_after_keeps_omitted_higher_service_next() {
        let mtz = mtz_regime();
        use ServiceKind::*;
        assert_eq!(mtz.step_after(0, To1), Some(1));
        // Step 4 (ТО-2) was due but only a ТО-1 was done: the ТО-2 stays next.
        assert_eq!(mtz.step_after(3, To1), Some(3));
        assert_eq!(mtz.step_after(3, To2), Some(4));
        // A ТО-2 done early at step 2 jumps to step 4.
        assert_eq!(mtz.step_after(1, To2), Some(4));
        // A ТО-3 done at step 5 jumps to 8; the cycle wraps after it.
        assert_eq!(mtz.step_after(5, To3), Some(8));
        assert_eq!(mtz.step_after(8, To1), Some(1));
        assert_eq!(mtz.step_after(1, Spring), None);
    }

    #[test]
    fn regime_checks() {
        let id = RegimeId::new_at(9, [0; 10]);
        let model = ModelId::new_at(9, [0; 10]);
        let l = |kind, every| CycleLevel { kind, every };
        assert_eq!(
            Regime::new(id, model, None, Interval::default(), vec![], vec![], vec![]),
            Err(RegimeError::Empty { regime: id })
        );
        assert_eq!(
            Regime::new(id, model, None, Interval::default(), vec![l(ServiceKind::To1, 1)], vec![], vec![]),
            Err(RegimeError::NoBaseInterval { regime: id })
        );
        assert!(matches!(
            Regime::new(
                id,
                model,
                None,
                Interval::km(1),
                vec![l(ServiceKind::To1, 1), l(ServiceKind::To2, 1)],
                vec![],
                vec![]
            ),
            Err(RegimeError::BadEvery { level: 1, every: 1, .. })
        ));
        let feb29 = Seasonal { kind: ServiceKind::Spring, month: 2, day: 29, window_days: 0 };
        assert!(matches!(
            Regime::new(id, model, None, Interval::default(), vec![], vec![feb29], vec![]),
            Err(RegimeError::BadSeasonDay { .. })
        ));
    }

    #[test]
    fn cycles_are_ordered_from_what_each_service_replaces() {
        use ServiceKind::*;
        let id = RegimeId::new_at(9, [0; 10]);
        let s = |kind, replaces, every| CycleService { kind, replaces, every };
        // Stated in any order, the chain comes out lowest first.
        let levels = order_cycle(id, &[s(To3, Some(To2), 2), s(To1, None, 0), s(To2, Some(To1), 4)]).expect("chain");
        assert_eq!(
            levels,
            vec![
                CycleLevel { kind: To1, every: 1 },
                CycleLevel { kind: To2, every: 4 },
                CycleLevel { kind: To3, every: 2 }
            ]
        );
        assert_eq!(
            order_cycle(id, &[s(To1, None, 1), s(To2, Some(To2), 4)]),
            Err(RegimeError::NestsItself { regime: id, kind: To2 })
        );
        assert_eq!(
            order_cycle(id, &[s(To1, None, 1), s(To2, None, 4)]),
            Err(RegimeError::TwoLowestServices { regime: id, kind: To2 })
        );
        assert_eq!(
            order_cycle(id, &[s(To2, Some(To1), 4)]),
            Err(RegimeError::ReplacesAbsent { regime: id, kind: To2, replaces: To1 })
        );
        assert_eq!(
            order_cycle(id, &[s(To1, None, 1), s(To2, Some(To1), 4), s(To3, Some(To1), 2)]),
            Err(RegimeError::ReplacedTwice { regime: id, kind: To3, replaces: To1 })
        );
        assert_eq!(
            order_cycle(id, &[s(To2, Some(To3), 2), s(To3, Some(To2), 2)]),
            Err(RegimeError::NoLowestService { regime: id })
        );
        assert_eq!(
            order_cycle(id, &[s(To1, None, 1), s(To2, Some(To3), 2), s(To3, Some(To2), 2)]),
            Err(RegimeError::NestingLoop { regime: id, kind: To2 })
        );
        assert_eq!(order_cycle(id, &[]), Ok(vec![]));
    }

    #[test]
    fn a_revised_regime_keeps_its_identity_and_is_checked() {
        use ServiceKind::*;
        let mtz = mtz_regime();
        assert_eq!(mtz.cycle_services()[2], CycleService { kind: To3, replaces: Some(To2), every: 2 });
        assert_eq!(mtz.level_interval(2), Some(Interval::engine_hours(1_000)));
        let s = |kind, replaces, every| CycleService { kind, replaces, every };
        // ТО-2 every 2nd ТО-1 and no ТО-3: the 2nd step is now a ТО-2.
        let revised = mtz.revised(mtz.base(), &[s(To1, None, 1), s(To2, Some(To1), 2)], vec![]).expect("valid");
        assert_eq!((revised.id(), revised.model()), (mtz.id(), mtz.model()));
        assert_eq!(revised.kind_at(2), Some(To2));
        assert_eq!(revised.cycle_length(), 2);
        assert_eq!(
            mtz.revised(Interval::default(), &mtz.cycle_services(), vec![]),
            Err(RegimeError::NoBaseInterval { regime: mtz.id() })
        );
        assert_eq!(
            mtz.revised(Interval::engine_hours(0), &mtz.cycle_services(), vec![]),
            Err(RegimeError::ZeroInterval { regime: mtz.id() })
        );
    }

    fn input<'a>(regime: &'a Regime, meters: MeterNow) -> MachineDueInput<'a> {
        MachineDueInput {
            machine: MachineId::new_at(1, [0; 10]),
            regime,
            factors: CorrectionFactors::NEUTRAL,
            commissioned_on: d(2024, 1, 1),
            meters_at_commissioning: MeterSnapshot::zero(&[MeterKind::Odometer, MeterKind::EngineHours]),
            last_cycle: None,
            last_seasonal: &[],
            meters,
        }
    }

    #[test]
    fn next_service_whichever_comes_first() {
        let maz = maz_regime();
        let odo = |value, per_day| MeterState { value, read_on: d(2024, 5, 1), per_day };
        // Last ТО-1 (step 3) on 1 March at 40,000 km; now 52,000 km on 1 May at 200 km/day.
        let mut i = input(&maz, MeterNow::default().with(MeterKind::Odometer, odo(52_000, 200.0)));
        i.last_cycle = Some(CycleMark {
            step: 3,
            date: d(2024, 3, 1),
            meters: MeterSnapshot::EMPTY.with(MeterKind::Odometer, 40_000),
        });
        let seasonal = [(ServiceKind::Spring, d(2024, 4, 10)), (ServiceKind::Autumn, d(2023, 10, 1))];
        i.last_seasonal = &seasonal;
        let due = next_service(&i, d(2024, 5, 2)).expect("due");
        assert_eq!(due.kind, ServiceKind::To2);
        assert_eq!(due.step, Some(4));
        assert_eq!(due.due_meters.get(MeterKind::Odometer), Some(60_000));
        // 8,000 km left at 200/day = 40 days after 1 May = 10 June; calendar 1 March + 180 = 28 Aug.
        assert_eq!(due.forecast, Some(d(2024, 6, 10)));
        assert_eq!(due.due_date, Some(d(2024, 8, 28)));
        assert_eq!(due.trigger, Some(Trigger::Meter(MeterKind::Odometer)));
        assert!(!due.overdue);

        // Slow use (20 km/day: 400 days) makes the calendar come first.
        i.meters = MeterNow::default().with(MeterKind::Odometer, odo(52_000, 20.0));
        let due = next_service(&i, d(2024, 5, 2)).expect("due");
        assert_eq!((due.forecast, due.trigger), (Some(d(2024, 8, 28)), Some(Trigger::Calendar)));

        // Khabarovsk factors: 20,000 × 0.9 = 18,000 km, 180 × 0.9 = 162 days.
        i.factors = CorrectionFactors::of(OperatingCategory::I, Climate::Cold);
        i.meters = MeterNow::default().with(MeterKind::Odometer, odo(58_500, 100.0));
        let due = next_service(&i, d(2024, 5, 2)).expect("due");
        assert_eq!(due.due_meters.get(MeterKind::Odometer), Some(58_000));
        assert!(due.overdue);
        assert_eq!(due.forecast, Some(d(2024, 5, 1)));
    }

    #[test]
    fn seasonal_services_fall_due_yearly() {
        let spring = Seasonal { kind: ServiceKind::Spring, month: 4, day: 15, window_days: 45 };
        // Done 10 April: that counts for this spring; next is next year.
        assert_eq!(seasonal_due(&spring, d(2024, 4, 10)), Some(d(2025, 4, 15)));
        // Done in February (too early: 1 Feb + 45 = 17 March): this spring is still due.
        assert_eq!(seasonal_due(&spring, d(2024, 2, 1)), Some(d(2024, 4, 15)));
        // Never done since commissioning on 1 January 2024: spring fell due on 15 April; the
        // ТО-1 (no meters moving) only on 29 June by the calendar. Spring is the most urgent.
        let maz = maz_regime();
        let i = input(&maz, MeterNow::default());
        let due = next_service(&i, d(2024, 5, 1)).expect("due");
        assert_eq!(due.kind, ServiceKind::Spring);
        assert!(due.overdue);
        assert_eq!(due.due_date, Some(d(2024, 4, 15)));
    }

    #[test]
    fn due_list_sorts_overdue_first_then_by_date() {
        let mtz = mtz_regime();
        let eh = |value, per_day| MeterState { value, read_on: d(2024, 6, 1), per_day };
        let mk = |n: u64, value: i64, per_day: f64| {
            let mut i = input(&mtz, MeterNow::default().with(MeterKind::EngineHours, eh(value, per_day)));
            i.machine = MachineId::new_at(n, [0; 10]);
            i
        };
        // Due at 125 h from commissioning: machine 1 is at 130 (overdue), machine 2 at 100 with
        // 5 h/day (5 days: 6 June), machine 3 at 25 with 10 h/day (10 days: 11 June), machine 4
        // stands still (no forecast).
        let inputs = [mk(4, 0, 0.0), mk(3, 25, 10.0), mk(2, 100, 5.0), mk(1, 130, 8.0)];
        let list = due_list(&inputs, d(2024, 6, 2));
        let order: Vec<_> = list.iter().map(|d| d.machine).collect();
        let ids: Vec<_> = [1, 2, 3, 4].iter().map(|&n| MachineId::new_at(n, [0; 10])).collect();
        assert_eq!(order, ids);
        assert!(list[0].overdue && !list[1].overdue);
        assert_eq!(list[1].forecast, Some(d(2024, 6, 6)));
        assert_eq!(list[2].forecast, Some(d(2024, 6, 11)));
        assert_eq!(list[3].forecast, None);
    }
}
