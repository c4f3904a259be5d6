//! The action plan: overview, measures table and tree, measure pages, forms, import and
//! export, and the measures API. Pages and API share the rules in this file.

mod api;
pub mod attachments;
mod pages;
mod sections;
pub mod transfer;
mod versions;

use crate::AppState;
use crate::error::AppError;
use accord_domain::MeasureId;
use accord_domain::directory::{Action, UserAccount, authorize};
use accord_domain::plan::{Executor, Measure, MeasureData, MeasureForm, Plan, Status};
use accord_domain::validation::{Invalid, Reason};
use accord_store::{Author, Store, StoreError};
use axum::Router;

pub use api::ApiDoc as PlanApiDoc;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(pages::routes())
        .merge(api::routes())
        .merge(attachments::routes())
        .merge(versions::routes())
        .merge(sections::routes())
}

fn author(user: &UserAccount) -> Author<'_> {
    Author::user(user.login.as_str())
}

/// The plan a request is about: `?plan=CODE`, else the first one.
pub async fn resolve_plan(store: &Store, code: Option<&str>) -> Result<Plan, AppError> {
    match code.map(str::trim).filter(|c| !c.is_empty()) {
        Some(code) => Ok(store.plan_by_code(code).await?),
        None => store.plan_list().await?.into_iter().next().ok_or(AppError::NotFound),
    }
}

/// An executor as a form or API names it: an organisation code, and whether it leads.
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
pub struct ExecutorRef {
    /// Organisation code from the directory, e.g. MAZ.
    pub organisation: String,
    #[serde(default)]
    pub lead: bool,
}

/// Resolves organisation codes to executors (their side comes from the directory).
pub async fn resolve_executors(store: &Store, refs: &[ExecutorRef]) -> Result<Vec<Executor>, AppError> {
    let mut executors: Vec<Executor> = Vec::new();
    for r in refs {
        let code = r.organisation.trim();
        if code.is_empty() {
            continue;
        }
        let org = match store.organisation_by_code(code).await {
            Ok(org) => org,
            Err(StoreError::NotFound { .. }) => return Err(Invalid::one("executors", Reason::NotFound).into()),
            Err(e) => return Err(e.into()),
        };
        if let Some(existing) = executors.iter_mut().find(|e| e.organisation == org.id) {
            existing.lead |= r.lead;
        } else {
            executors.push(Executor { organisation: org.id, side: org.data.side, lead: r.lead });
        }
    }
    Ok(executors)
}

pub async fn create_measure(
    store: &Store,
    user: &UserAccount,
    plan: &Plan,
    form: &MeasureForm,
    executors: Vec<Executor>,
) -> Result<Measure, AppError> {
    authorize(&user.role, Action::CreateMeasure)?;
    let data = form.validate(executors)?;
    // A coordinator may only create what its side takes part in.
    authorize(&user.role, Action::EditMeasure { executors: &data.executors })?;
    Ok(store.measure_create(author(user), plan.id, &data).await?)
}

/// Applies an edit. Who may change what: editors (coordinators of a taking-part side, admins)
/// change anything; reporters (executors of the measure) only status and percent done.
/// What became of an edit: applied at once, or waiting for the other side's coordinator.
pub enum Edited {
    Applied(Box<Measure>),
    Proposed(Box<accord_store::Amendment>),
}

impl Edited {
    pub fn measure_id(&self) -> MeasureId {
        match self {
            Edited::Applied(m) => m.id,
            Edited::Proposed(a) => a.measure_id,
        }
    }
}

pub async fn update_measure(
    store: &Store,
    user: &UserAccount,
    id: MeasureId,
    version: i64,
    change: MeasureChange,
    reason: Option<String>,
) -> Result<Edited, AppError> {
    let current = store.measure(id).await?;
    let plan = store.plan(current.plan_id).await?;
    let data = match change {
        MeasureChange::Full { form, executors } => {
            authorize(&user.role, Action::EditMeasure { executors: &current.data.executors })?;
            let data = form.validate(executors)?;
            authorize(&user.role, Action::EditMeasure { executors: &data.executors })?;
            data
        }
        MeasureChange::Progress { status, percent } => {
            authorize(&user.role, Action::ReportOnMeasure { executors: &current.data.executors })?;
            progress_applied(&current.data, status.as_deref(), percent.as_deref())?
        }
    };
    // After signing, what both sides signed changes only with both coordinators' consent.
    let needs_second_key = plan.signed_version.is_some()
        && !matches!(user.role, accord_domain::directory::Role::Admin)
        && accord_domain::plan::version::touches_signed_text(&current.data, &data);
    if needs_second_key {
        let amendment = store.amendment_propose(author(user), user.role.side(), id, version, &data, reason).await?;
        return Ok(Edited::Proposed(Box::new(amendment)));
    }
    Ok(Edited::Applied(Box::new(store.measure_update(author(user), id, version, &data, reason).await?)))
}

/// Accepts or rejects an amendment: the other side's coordinator, or an admin.
pub async fn decide_amendment(
    store: &Store,
    user: &UserAccount,
    id: &str,
    accept: bool,
    note: Option<String>,
) -> Result<accord_store::Amendment, AppError> {
    let amendment = store.amendment(id).await?;
    if !accord_domain::plan::version::may_decide(&user.role, amendment.proposer_side) {
        return Err(AppError::Forbidden);
    }
    Ok(store.amendment_decide(author(user), id, accept, note).await?)
}

fn progress_applied(
    current: &MeasureData,
    status: Option<&str>,
    percent: Option<&str>,
) -> Result<MeasureData, AppError> {
    let mut data = current.clone();
    if let Some(raw) = status.map(str::trim).filter(|s| !s.is_empty()) {
        data.status = raw.parse::<Status>()?;
    }
    if let Some(raw) = percent.map(str::trim).filter(|s| !s.is_empty()) {
        let value: u8 = raw
            .trim_end_matches('%')
            .trim()
            .parse()
            .ok()
            .filter(|v| *v <= 100)
            .ok_or_else(|| Invalid::one("percent", Reason::UnknownValue))?;
        data.percent = value;
    }
    if data.status == Status::Done {
        data.percent = 100;
    }
    Ok(data)
}

pub enum MeasureChange {
    Full { form: Box<MeasureForm>, executors: Vec<Executor> },
    Progress { status: Option<String>, percent: Option<String> },
}

pub async fn delete_measure(
    store: &Store,
    user: &UserAccount,
    id: MeasureId,
    version: i64,
    reason: Option<String>,
) -> Result<(), AppError> {
    let current = store.measure(id).await?;
    authorize(&user.role, Action::EditMeasure { executors: &current.data.executors })?;
    Ok(store.measure_delete(author(user), id, version, reason).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reporting_changes_only_status_and_percent() {
        let data = MeasureForm {
            number: "1.".into(),
            section: "trade".into(),
            title_ru: "Поставки".into(),
            term: "2025 г.".into(),
            ..Default::default()
        }
        .validate(Vec::new())
        .expect("valid");
        let reported = progress_applied(&data, Some("in-progress"), Some("45%")).expect("valid");
        assert_eq!((reported.status, reported.percent), (Status::InProgress, 45));
        assert_eq!(reported.title_ru, data.title_ru);
        assert_eq!(progress_applied(&data, Some("done"), None).expect("valid").percent, 100);
        assert!(progress_applied(&data, None, Some("101")).is_err());
        assert!(progress_applied(&data, Some("finished"), None).is_err());
    }
}
