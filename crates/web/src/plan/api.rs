//! The measures API: the table's filters as query parameters, CRUD with optimistic locking,
//! indicators and their actuals.

use super::query::MeasureQuery;
use super::{ExecutorRef, resolve_plan};
use crate::AppState;
use crate::api::{ErrorBody, Json};
use crate::ctx::ApiUser;
use crate::error::AppError;
use accord_app::plan::{Deleted, Edited};
use accord_domain::directory::Action;
use accord_domain::plan::indicator::IndicatorForm;
use accord_domain::plan::{Indicator, Measure, MeasureForm};
use accord_domain::{IndicatorId, MeasureId};
use accord_store::Paging;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

#[derive(OpenApi)]
#[openapi(
    paths(
        list_measures,
        get_measure,
        create_measure_api,
        patch_measure,
        delete_measure_api,
        list_indicators,
        create_indicator,
        put_actual,
        list_amendments,
        decide
    ),
    components(schemas(
        MeasureDto,
        MeasureList,
        MeasureBody,
        ExecutorRef,
        ExecutorDto,
        IndicatorDto,
        ActualDto,
        ActualBody,
        AmendmentDto,
        DecisionBody
    ))
)]
pub struct ApiDoc;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/measures", get(list_measures).post(create_measure_api))
        .route("/api/v1/measures/{id}", get(get_measure).patch(patch_measure).delete(delete_measure_api))
        .route("/api/v1/measures/{id}/indicators", get(list_indicators).post(create_indicator))
        .route("/api/v1/indicators/{id}/actuals/{quarter}", put(put_actual))
        .route("/api/v1/amendments", get(list_amendments))
        .route("/api/v1/amendments/{id}/decision", axum::routing::post(decide))
}

#[derive(Serialize, ToSchema)]
pub struct ExecutorDto {
    pub organisation_id: String,
    pub side: String,
    pub lead: bool,
}

/// A measure as the API shows it.
#[derive(Serialize, ToSchema)]
pub struct MeasureDto {
    pub id: String,
    pub plan_id: String,
    pub version: i64,
    pub number: String,
    pub dimension: String,
    pub title_ru: String,
    pub title_en: Option<String>,
    pub description: Option<String>,
    pub expected_result: Option<String>,
    /// The term as written.
    pub term: String,
    /// What the term means: within, by, recurring, continuous, separate-plan or unparsed.
    #[schema(value_type = Object)]
    pub schedule: accord_domain::plan::Schedule,
    pub status: String,
    pub percent: u8,
    pub weight: u32,
    /// Percent done with sub-measures rolled up into their parents, weighted; null when
    /// cancelled. `percent` is the measure's own figure, the one a PATCH sets.
    pub progress: Option<f64>,
    pub executors: Vec<ExecutorDto>,
    pub tags: Vec<String>,
    pub note: Option<String>,
}

/// A measure for the API with its rolled-up progress.
async fn measure_dto(store: &accord_store::Store, measure: Measure) -> Result<MeasureDto, AppError> {
    let progress = store.measure_progress(measure.plan_id, &[measure.id]).await?;
    Ok(MeasureDto { progress: progress.into_iter().next().flatten().map(round_tenth), ..measure.into() })
}

fn round_tenth(percent: f64) -> f64 {
    (percent * 10.0).round() / 10.0
}

impl From<Measure> for MeasureDto {
    fn from(m: Measure) -> Self {
        let d = m.data;
        MeasureDto {
            id: m.id.to_string(),
            plan_id: m.plan_id.to_string(),
            version: m.version,
            number: d.number.to_string(),
            dimension: d.section,
            title_ru: d.title_ru,
            title_en: d.title_en,
            description: d.description,
            expected_result: d.expected_result,
            schedule: d.term.schedule,
            term: d.term.raw,
            status: d.status.code().to_string(),
            percent: d.percent,
            weight: d.weight,
            progress: None,
            executors: d
                .executors
                .into_iter()
                .map(|e| ExecutorDto {
                    organisation_id: e.organisation.to_string(),
                    side: e.side.code().into(),
                    lead: e.lead,
                })
                .collect(),
            tags: d.tags,
            note: d.note,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct MeasureList {
    pub items: Vec<MeasureDto>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// Creating sends every required field; PATCH sends `version` and only what changes.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct MeasureBody {
    pub version: Option<i64>,
    pub reason: Option<String>,
    pub number: Option<String>,
    pub dimension: Option<String>,
    pub title_ru: Option<String>,
    pub title_en: Option<String>,
    pub description: Option<String>,
    pub expected_result: Option<String>,
    pub term: Option<String>,
    pub status: Option<String>,
    pub percent: Option<u8>,
    pub weight: Option<u32>,
    pub tags: Option<Vec<String>>,
    pub note: Option<String>,
    pub executors: Option<Vec<ExecutorRef>>,
}

impl MeasureBody {
    /// Only status, percent (and version/reason) present: a progress report, which executors may send.
    fn is_progress_only(&self) -> bool {
        self.number.is_none()
            && self.dimension.is_none()
            && self.title_ru.is_none()
            && self.title_en.is_none()
            && self.description.is_none()
            && self.expected_result.is_none()
            && self.term.is_none()
            && self.weight.is_none()
            && self.tags.is_none()
            && self.note.is_none()
            && self.executors.is_none()
    }

    /// The form this body makes on top of `base` (the current measure, or nothing).
    fn form(&self, base: Option<&Measure>) -> MeasureForm {
        let d = base.map(|m| &m.data);
        let pick = |new: &Option<String>, old: Option<String>| new.clone().or(old);
        MeasureForm {
            number: pick(&self.number, d.map(|d| d.number.to_string())).unwrap_or_default(),
            section: pick(&self.dimension, d.map(|d| d.section.clone())).unwrap_or_default(),
            title_ru: pick(&self.title_ru, d.map(|d| d.title_ru.clone())).unwrap_or_default(),
            title_en: pick(&self.title_en, d.and_then(|d| d.title_en.clone())),
            description: pick(&self.description, d.and_then(|d| d.description.clone())),
            expected_result: pick(&self.expected_result, d.and_then(|d| d.expected_result.clone())),
            term: pick(&self.term, d.map(|d| d.term.raw.clone())).unwrap_or_default(),
            status: pick(&self.status, d.map(|d| d.status.code().to_string())),
            percent: self.percent.map(|p| p.to_string()).or(d.map(|d| d.percent.to_string())),
            weight: self.weight.map(|w| w.to_string()).or(d.map(|d| d.weight.to_string())),
            tags: self.tags.as_ref().map(|t| t.join(", ")).or(d.map(|d| d.tags.join(", "))),
            note: pick(&self.note, d.and_then(|d| d.note.clone())),
        }
    }
}

#[utoipa::path(get, path = "/api/v1/measures", tag = "plan", params(MeasureQuery),
    responses((status = 200, body = MeasureList), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
async fn list_measures(
    State(state): State<AppState>,
    api: ApiUser,
    Query(query): Query<MeasureQuery>,
) -> Result<Json<MeasureList>, AppError> {
    api.require(Action::Read)?;
    let plan = resolve_plan(state.store(), query.plan.as_deref()).await?;
    let today = chrono::Utc::now().with_timezone(&crate::layout::user_tz(&api.user)).date_naive();
    let filter = query.filter(&state, today).await?;
    let paging = Paging::within(query.page, query.per_page, 50, 500);
    let page = state.store().measure_list(plan.id, &filter, paging).await?;
    let ids: Vec<_> = page.items.iter().map(|m| m.id).collect();
    let progress = state.store().measure_progress(plan.id, &ids).await?;
    Ok(Json(MeasureList {
        items: page
            .items
            .into_iter()
            .zip(progress)
            .map(|(m, progress)| MeasureDto { progress: progress.map(round_tenth), ..m.into() })
            .collect(),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    }))
}

#[utoipa::path(get, path = "/api/v1/measures/{id}", tag = "plan", params(("id" = String, Path)),
    responses((status = 200, body = MeasureDto), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_measure(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<MeasureId>,
) -> Result<Json<MeasureDto>, AppError> {
    api.require(Action::Read)?;
    Ok(Json(measure_dto(state.store(), state.store().measure(id).await?).await?))
}

#[utoipa::path(post, path = "/api/v1/measures", tag = "plan", request_body = MeasureBody,
    responses((status = 201, body = MeasureDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn create_measure_api(
    State(state): State<AppState>,
    api: ApiUser,
    Json(body): Json<MeasureBody>,
) -> Result<(StatusCode, Json<MeasureDto>), AppError> {
    let app = state.app();
    let plan = app.plan_resolve(None).await?;
    let executors = app.executors_resolve(body.executors.as_deref().unwrap_or_default()).await?;
    let m = app.measure_create(&api.actor(), &plan, &body.form(None), executors).await?;
    Ok((StatusCode::CREATED, Json(measure_dto(state.store(), m).await?)))
}

#[utoipa::path(patch, path = "/api/v1/measures/{id}", tag = "plan", params(("id" = String, Path)), request_body = MeasureBody,
    responses((status = 200, body = MeasureDto), (status = 202, description = "waits for the other side's coordinator", body = AmendmentDto), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn patch_measure(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<MeasureId>,
    Json(body): Json<MeasureBody>,
) -> Result<Response, AppError> {
    let version = body.version.ok_or_else(|| {
        accord_domain::validation::Invalid::one("version", accord_domain::validation::Reason::Required)
    })?;
    let app = state.app();
    let actor = api.actor();
    let reason = body.reason.clone();
    let edited = if body.is_progress_only() {
        let percent = body.percent.map(|p| p.to_string());
        app.measure_report_progress(&actor, id, version, body.status.as_deref(), percent.as_deref(), reason).await?
    } else {
        let current = app.store().measure(id).await?;
        let executors = match &body.executors {
            Some(refs) => app.executors_resolve(refs).await?,
            None => current.data.executors.clone(),
        };
        app.measure_change(&actor, id, version, &body.form(Some(&current)), executors, reason).await?
    };
    match edited {
        Edited::Applied(m) => Ok(Json(measure_dto(state.store(), *m).await?).into_response()),
        // The change waits for the other side's coordinator: 202 with the amendment.
        Edited::Proposed(a) => Ok((StatusCode::ACCEPTED, Json(AmendmentDto::from(*a))).into_response()),
    }
}

/// A change to a signed plan waiting for (or decided by) the other side.
#[derive(Serialize, ToSchema)]
pub struct AmendmentDto {
    pub id: String,
    pub measure_id: String,
    pub number: String,
    pub base_version: i64,
    /// `change` or `delete`.
    pub kind: String,
    pub status: String,
    pub proposed_by: String,
    pub proposer_side: Option<String>,
    pub proposed_at: String,
    pub reason: Option<String>,
    pub decided_by: Option<String>,
    pub decision_note: Option<String>,
    /// The measure as it would read after acceptance.
    #[schema(value_type = Object)]
    pub proposed: serde_json::Value,
}

impl From<accord_store::Amendment> for AmendmentDto {
    fn from(a: accord_store::Amendment) -> Self {
        AmendmentDto {
            id: a.id,
            measure_id: a.measure_id.to_string(),
            number: a.proposed.number.to_string(),
            base_version: a.base_version,
            kind: a.kind.code().into(),
            status: a.status.code().into(),
            proposed_by: a.proposed_by,
            proposer_side: a.proposer_side.map(|s| s.code().into()),
            proposed_at: accord_domain::audit::timestamp_text(a.proposed_at),
            reason: a.reason,
            decided_by: a.decided_by,
            decision_note: a.decision_note,
            proposed: serde_json::to_value(&a.proposed).unwrap_or_default(),
        }
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct AmendmentQuery {
    plan: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/amendments", tag = "plan", params(AmendmentQuery),
    responses((status = 200, body = [AmendmentDto])), security(("bearer" = [])))]
async fn list_amendments(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<AmendmentQuery>,
) -> Result<Json<Vec<AmendmentDto>>, AppError> {
    api.require(Action::Read)?;
    let plan = resolve_plan(state.store(), q.plan.as_deref()).await?;
    Ok(Json(state.store().amendments(plan.id, None).await?.into_iter().map(AmendmentDto::from).collect()))
}

#[derive(Deserialize, ToSchema)]
pub struct DecisionBody {
    pub accept: bool,
    pub note: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/amendments/{id}/decision", tag = "plan", params(("id" = String, Path)), request_body = DecisionBody,
    responses((status = 200, body = AmendmentDto), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)), security(("bearer" = [])))]
async fn decide(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<String>,
    Json(body): Json<DecisionBody>,
) -> Result<Json<AmendmentDto>, AppError> {
    Ok(Json(state.app().amendment_decide(&api.actor(), &id, body.accept, body.note).await?.into()))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct DeleteParams {
    version: i64,
    reason: Option<String>,
}

#[utoipa::path(delete, path = "/api/v1/measures/{id}", tag = "plan", params(("id" = String, Path), DeleteParams),
    responses((status = 204), (status = 202, description = "on a signed plan: the deletion waits for the other side's coordinator", body = AmendmentDto), (status = 409, body = ErrorBody)), security(("bearer" = [])))]
async fn delete_measure_api(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<MeasureId>,
    Query(p): Query<DeleteParams>,
) -> Result<Response, AppError> {
    match state.app().measure_delete(&api.actor(), id, p.version, p.reason).await? {
        Deleted::Done => Ok(StatusCode::NO_CONTENT.into_response()),
        Deleted::Proposed(a) => Ok((StatusCode::ACCEPTED, Json(AmendmentDto::from(*a))).into_response()),
    }
}

#[derive(Serialize, ToSchema)]
pub struct ActualDto {
    pub quarter: String,
    pub value: String,
}

#[derive(Serialize, ToSchema)]
pub struct IndicatorDto {
    pub id: String,
    pub version: i64,
    pub name_ru: String,
    pub name_en: Option<String>,
    pub unit: String,
    pub direction: String,
    pub accumulation: String,
    pub value_kind: String,
    pub baseline: Option<String>,
    pub target: Option<String>,
    pub yearly_targets: Vec<(i32, String)>,
    pub actuals: Vec<ActualDto>,
}

impl From<Indicator> for IndicatorDto {
    fn from(i: Indicator) -> Self {
        let d = i.data;
        IndicatorDto {
            id: i.id.to_string(),
            version: i.version,
            name_ru: d.name_ru,
            name_en: d.name_en,
            unit: d.unit,
            direction: d.direction.code().into(),
            accumulation: d.accumulation.code().into(),
            value_kind: d.value_kind.code().into(),
            baseline: d.baseline.map(|v| v.to_string()),
            target: d.target.map(|v| v.to_string()),
            yearly_targets: d.yearly_targets.into_iter().map(|(y, v)| (y, v.to_string())).collect(),
            actuals: i
                .actuals
                .into_iter()
                .map(|a| ActualDto { quarter: a.quarter.to_string(), value: a.value.to_string() })
                .collect(),
        }
    }
}

#[utoipa::path(get, path = "/api/v1/measures/{id}/indicators", tag = "plan", params(("id" = String, Path)),
    responses((status = 200, body = [IndicatorDto])), security(("bearer" = [])))]
async fn list_indicators(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<MeasureId>,
) -> Result<Json<Vec<IndicatorDto>>, AppError> {
    api.require(Action::Read)?;
    state.store().measure(id).await?;
    Ok(Json(state.store().indicators_of(id).await?.into_iter().map(IndicatorDto::from).collect()))
}

#[utoipa::path(post, path = "/api/v1/measures/{id}/indicators", tag = "plan", params(("id" = String, Path)),
    request_body(content = Object, description = "name_ru, name_en, unit, direction (increase|decrease), accumulation (cumulative|per-period), value_kind (quantity|yes-no), baseline, baseline_date, target, yearly_targets (\"2025: 10; 2026: 20\")"),
    responses((status = 201, body = IndicatorDto), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn create_indicator(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<MeasureId>,
    Json(form): Json<IndicatorForm>,
) -> Result<(StatusCode, Json<IndicatorDto>), AppError> {
    let indicator = state.app().indicator_create(&api.actor(), id, &form).await?;
    Ok((StatusCode::CREATED, Json(indicator.into())))
}

#[derive(Deserialize, ToSchema)]
pub struct ActualBody {
    /// The indicator's version as last read (required): a figure entered meanwhile makes the
    /// write a 409 instead of overwriting it.
    pub version: Option<i64>,
    /// A decimal such as "12.5"; empty or null removes the quarter's value.
    pub value: Option<String>,
}

#[utoipa::path(put, path = "/api/v1/indicators/{id}/actuals/{quarter}", tag = "plan", params(("id" = String, Path), ("quarter" = String, Path, description = "e.g. 2026Q3")), request_body = ActualBody,
    responses((status = 200, body = IndicatorDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn put_actual(
    State(state): State<AppState>,
    api: ApiUser,
    Path((id, quarter)): Path<(IndicatorId, String)>,
    Json(body): Json<ActualBody>,
) -> Result<Json<IndicatorDto>, AppError> {
    let version = body.version.ok_or_else(|| {
        accord_domain::validation::Invalid::one("version", accord_domain::validation::Reason::Required)
    })?;
    let value = body.value.as_deref().unwrap_or("");
    let indicator = state.app().indicator_actual_set(&api.actor(), id, version, &quarter, value).await?;
    Ok(Json(indicator.into()))
}
