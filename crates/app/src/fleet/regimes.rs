//! Maintenance regimes: a model's regime revised (interval, the cycle stated by what each
//! service replaces, seasonal services, optionally every service's content), one service's
//! content replaced, one service removed, each at the version its editor saw.
//!
//! The domain checks every revision ([`Regime::revised`], [`Regime::with_content`]); a refusal
//! names the form field (`base_km`, `to2_every`, `to2_replaces`, `spring_day`, `to1_parts`, …),
//! the regime (its model and engine) and the service or value, nothing saved.

use super::input::{invalid, loose, version};
use crate::error::fluent_id;
use crate::{Actor, App, Error, Result, Rule};
use accord_domain::RegimeId;
use accord_domain::fleet::meter::MeterKind;
use accord_domain::fleet::regime::{
    ContentError, CycleService, Interval, Operation, PartNeed, Regime, RegimeError, Seasonal, ServiceContent,
    ServiceKind,
};
use accord_domain::validation::Reason;
use accord_store::FleetSnapshot;
use serde::{Deserialize, Serialize};

/// The cycle's services, lowest first as forms list them.
pub const CYCLE_KINDS: [ServiceKind; 3] = [ServiceKind::To1, ServiceKind::To2, ServiceKind::To3];
/// The seasonal services.
pub const SEASONAL_KINDS: [ServiceKind; 2] = [ServiceKind::Spring, ServiceKind::Autumn];

/// A service as forms, addresses and the API name it.
pub fn service_code(kind: ServiceKind) -> &'static str {
    match kind {
        ServiceKind::To1 => "to1",
        ServiceKind::To2 => "to2",
        ServiceKind::To3 => "to3",
        ServiceKind::Spring => "spring",
        ServiceKind::Autumn => "autumn",
    }
}

pub fn service_from_code(code: &str) -> Option<ServiceKind> {
    CYCLE_KINDS.into_iter().chain(SEASONAL_KINDS).find(|k| service_code(*k) == code.trim())
}

/// Which input of a service a field name points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceInput {
    On,
    Replaces,
    Every,
    Month,
    Day,
    Window,
    Operations,
    Parts,
}

/// The form field (and API field) of a service's input: `to2_every`, `spring_day`, …
pub fn service_field(kind: ServiceKind, part: ServiceInput) -> &'static str {
    use ServiceInput as P;
    use ServiceKind::*;
    match (kind, part) {
        (To1, P::On) => "to1_on",
        (To2, P::On) => "to2_on",
        (To3, P::On) => "to3_on",
        (Spring, P::On) => "spring_on",
        (Autumn, P::On) => "autumn_on",
        (To1, P::Operations) => "to1_operations",
        (To2, P::Operations) => "to2_operations",
        (To3, P::Operations) => "to3_operations",
        (Spring, P::Operations) => "spring_operations",
        (Autumn, P::Operations) => "autumn_operations",
        (To1, P::Parts) => "to1_parts",
        (To2, P::Parts) => "to2_parts",
        (To3, P::Parts) => "to3_parts",
        (Spring, P::Parts) => "spring_parts",
        (Autumn, P::Parts) => "autumn_parts",
        (To1, P::Replaces) => "to1_replaces",
        (To2, P::Replaces) => "to2_replaces",
        (To3, P::Replaces) => "to3_replaces",
        (To1, _) => "to1_every",
        (To2, _) => "to2_every",
        (To3, _) => "to3_every",
        (Spring | Autumn, P::Replaces | P::Every) => service_field(kind, P::On),
        (Spring, P::Month) => "spring_month",
        (Spring, P::Day) => "spring_day",
        (Spring, P::Window) => "spring_window",
        (Autumn, P::Month) => "autumn_month",
        (Autumn, P::Day) => "autumn_day",
        (Autumn, P::Window) => "autumn_window",
    }
}

/// The form field a domain refusal belongs beside.
fn refusal_field(e: &RegimeError) -> &'static str {
    match e {
        RegimeError::NoBaseInterval { .. } | RegimeError::ZeroInterval { .. } => "base_km",
        RegimeError::IntervalTooLarge { .. } => "base_km",
        RegimeError::Empty { .. } | RegimeError::NoLowestService { .. } | RegimeError::CycleTooLong { .. } => "cycle",
        RegimeError::BadEvery { kind, .. } => service_field(*kind, ServiceInput::Every),
        RegimeError::BadSeasonDay { kind, .. } => service_field(*kind, ServiceInput::Day),
        RegimeError::DuplicateKind { kind, .. } => service_field(*kind, ServiceInput::On),
        RegimeError::NestsItself { kind, .. }
        | RegimeError::TwoLowestServices { kind, .. }
        | RegimeError::ReplacesAbsent { kind, .. }
        | RegimeError::ReplacedTwice { kind, .. }
        | RegimeError::NestingLoop { kind, .. } => service_field(*kind, ServiceInput::Replaces),
    }
}

/// A domain refusal of a revision: the regime's model as subject, the service, multiple or
/// day concerned as value (services by their codes, which pages translate).
fn refusal(subject: &str, e: &RegimeError) -> Error {
    let value = match e {
        RegimeError::BadEvery { every, .. } => every.to_string(),
        RegimeError::IntervalTooLarge { value, .. } => value.to_string(),
        RegimeError::BadSeasonDay { month, day, .. } => format!("{day:02}.{month:02}"),
        RegimeError::ReplacesAbsent { kind, replaces, .. } | RegimeError::ReplacedTwice { kind, replaces, .. } => {
            format!("{} → {}", service_code(*kind), service_code(*replaces))
        }
        other => other.service().map(|k| service_code(k).to_string()).unwrap_or_default(),
    };
    Error::Refused(
        Rule::input("refused", fluent_id(e.key()))
            .arg("subject", subject)
            .arg("value", value)
            .field(refusal_field(e))
            .detail(e),
    )
}

/// A domain refusal of a service's content, naming the regime, the list and the value.
fn content_refusal(subject: &str, e: &ContentError) -> Error {
    Error::Refused(
        Rule::input("refused", fluent_id(e.key()))
            .arg("subject", subject)
            .arg("value", e.value())
            .field(e.field())
            .detail(e),
    )
}

/// An interval as the API gives and takes it; any part may be absent.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct IntervalBody {
    pub km: Option<u32>,
    pub engine_hours: Option<u32>,
    pub fuel: Option<u32>,
    pub days: Option<u32>,
}

impl From<Interval> for IntervalBody {
    fn from(i: Interval) -> Self {
        IntervalBody {
            km: i.meters[MeterKind::Odometer.index()],
            engine_hours: i.meters[MeterKind::EngineHours.index()],
            fuel: i.meters[MeterKind::Fuel.index()],
            days: i.days,
        }
    }
}

impl From<IntervalBody> for Interval {
    fn from(b: IntervalBody) -> Self {
        let mut i = Interval { meters: [None; 3], days: b.days };
        i.meters[MeterKind::Odometer.index()] = b.km;
        i.meters[MeterKind::EngineHours.index()] = b.engine_hours;
        i.meters[MeterKind::Fuel.index()] = b.fuel;
        i
    }
}

/// A revision of a whole regime, as `PUT /api/v1/fleet/regimes/{id}` sends it (the edit page
/// states the same from its form): the interval, the cycle stated by what each service
/// replaces, the seasonal services, and every service's content (left out: the content of the
/// services kept stays).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct RegimeInput {
    #[serde(default)]
    pub base: IntervalBody,
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub cycle: Vec<CycleService>,
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub seasonal: Vec<Seasonal>,
    #[schema(value_type = Option<Vec<Object>>)]
    pub content: Option<Vec<ServiceContent>>,
    /// The regime's version the revision was made on.
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = i64)]
    pub version: Option<String>,
}

/// One service's operations and parts, as `PUT /api/v1/fleet/regimes/{id}/services/{kind}`
/// sends them (the edit page reads the same from its two lists); both lists replace the stored
/// ones.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ServiceContentInput {
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub operations: Vec<Operation>,
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub parts: Vec<PartNeed>,
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = i64)]
    pub version: Option<String>,
}

/// "МАЗ-5440 (ЯМЗ-536)": how refusals and titles name a regime.
pub fn regime_name(snap: &FleetSnapshot, r: &Regime) -> String {
    let model = snap.models.get(&r.model()).map(|m| m.designation.clone()).unwrap_or_default();
    match r.engine() {
        Some(e) => format!("{model} ({})", e.model),
        None => model,
    }
}

impl App {
    /// A regime with its version (every role reads regimes).
    pub async fn fleet_regime(&self, id: RegimeId) -> Result<(Regime, i64)> {
        let snap = self.store.fleet_snapshot().await?;
        snap.regime(id).map(|(r, v)| (r.clone(), v)).ok_or(Error::NotFound { entity: "regime" })
    }

    /// Revises a regime at the version its editor saw. The service centre's staff,
    /// coordinators and admins.
    pub async fn regime_change(&self, actor: &Actor, id: RegimeId, input: &RegimeInput) -> Result<(Regime, i64)> {
        self.fleet_manager(actor).await?;
        let version = version(&input.version)?;
        let snap = self.store.fleet_snapshot().await?;
        let (regime, _) = snap.regime(id).ok_or(Error::NotFound { entity: "regime" })?;
        let name = regime_name(&snap, regime);
        let mut revised =
            regime.revised(input.base.into(), &input.cycle, input.seasonal.clone()).map_err(|e| refusal(&name, &e))?;
        if let Some(contents) = &input.content {
            let refused = |e: ContentError| content_refusal(&name, &e);
            for kind in revised.contents().iter().map(|c| c.kind).collect::<Vec<_>>() {
                revised = revised
                    .with_content(ServiceContent { kind, operations: vec![], parts: vec![] })
                    .map_err(refused)?;
            }
            for content in contents {
                revised = revised.with_content(content.clone()).map_err(refused)?;
            }
        }
        self.regime_save(actor, &revised, version).await
    }

    /// Replaces one service's operations and parts at the regime's version the editor saw
    /// (every part must be in the catalogue).
    pub async fn regime_content_change(
        &self,
        actor: &Actor,
        id: RegimeId,
        kind: ServiceKind,
        input: &ServiceContentInput,
    ) -> Result<(Regime, i64)> {
        self.fleet_manager(actor).await?;
        let version = version(&input.version)?;
        let snap = self.store.fleet_snapshot().await?;
        let (regime, _) = snap.regime(id).ok_or(Error::NotFound { entity: "regime" })?;
        let content = ServiceContent { kind, operations: input.operations.clone(), parts: input.parts.clone() };
        let revised = regime.with_content(content).map_err(|e| content_refusal(&regime_name(&snap, regime), &e))?;
        self.regime_save(actor, &revised, version).await
    }

    /// Removes one service from a regime (with its content) at the version the editor saw;
    /// refused when the rest would not make a regime (e.g. a higher service replaces it).
    pub async fn regime_service_remove(
        &self,
        actor: &Actor,
        id: RegimeId,
        kind: ServiceKind,
        version_seen: &Option<String>,
    ) -> Result<(Regime, i64)> {
        self.fleet_manager(actor).await?;
        let version = version(version_seen)?;
        let snap = self.store.fleet_snapshot().await?;
        let (regime, _) = snap.regime(id).ok_or(Error::NotFound { entity: "regime" })?;
        let known =
            regime.cycle_services().iter().any(|s| s.kind == kind) || regime.seasonal().iter().any(|s| s.kind == kind);
        if !known {
            return Err(invalid("kind", Reason::NotFound).into());
        }
        let cycle: Vec<CycleService> = regime.cycle_services().into_iter().filter(|s| s.kind != kind).collect();
        let seasonal: Vec<Seasonal> = regime.seasonal().iter().copied().filter(|s| s.kind != kind).collect();
        let revised =
            regime.revised(regime.base(), &cycle, seasonal).map_err(|e| refusal(&regime_name(&snap, regime), &e))?;
        self.regime_save(actor, &revised, version).await
    }

    async fn regime_save(&self, actor: &Actor, revised: &Regime, version: i64) -> Result<(Regime, i64)> {
        let mut w = self.store.begin_write(actor.author()).await?;
        self.store.fleet_regime_update_in(&mut w, revised, version).await?;
        w.commit().await?;
        Ok((revised.clone(), version + 1))
    }
}
