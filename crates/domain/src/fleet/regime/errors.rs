//! Why a service's content or a regime was refused.

use super::*;
use crate::RegimeId;
use crate::fleet::parts::PartNumber;
use rust_decimal::Decimal;

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
    #[error("regime {regime}: an interval of {value} is above the largest possible {max}")]
    IntervalTooLarge { regime: RegimeId, value: u32, max: u32 },
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
            RegimeError::IntervalTooLarge { .. } => "fleet.error.regime_interval_too_large",
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
            | RegimeError::IntervalTooLarge { .. }
            | RegimeError::NoLowestService { .. } => None,
        }
    }
}
