//! The trade JSON API: summaries, mirror reconciliation, product groups, sources, and imports
//! of trade and rate files sent as the request body.

use super::transfer::{TradeFormat, TradeReadError, read_trade_bytes};
use super::{ImportRequest, ImportSummary, ScopeSummary, summaries};
use crate::AppState;
use crate::ctx::ApiUser;
use crate::error::AppError;
use crate::i18n::Tr;
use accord_domain::Side;
use accord_domain::directory::Action;
use accord_domain::trade::{MirrorReport, MirrorStatus, ProductGroup, Territory};
use accord_formats::{Problem, Reason as FileReason};
use accord_store::{MirrorKey, MirrorVerdict, RatesOutcome, StoredGroup, TradeSourceInfo};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Extension, Json, Router};
use serde::{Deserialize, Serialize};

/// Trade files sent to the API or uploaded: the size up to which a file is read in one part.
pub const UPLOAD_LIMIT: usize = super::transfer::SPLIT_AT as usize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/trade/summary", get(summary))
        .route("/api/v1/trade/mirror", get(mirror).put(set_verdict))
        .route("/api/v1/trade/groups", get(groups).post(save_group))
        .route("/api/v1/trade/groups/{key}", put(replace_group).delete(delete_group))
        .route("/api/v1/trade/sources", get(sources))
}

/// Routes that take files, with their own body limit.
pub fn upload_routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/trade/imports", post(import_trade))
        .route("/api/v1/trade/rates", post(import_rates))
        .route("/trade/import", post(super::pages::import_upload))
        .layer(DefaultBodyLimit::max(UPLOAD_LIMIT))
}

#[derive(Serialize)]
struct SummaryList {
    items: Vec<ScopeSummary>,
}

async fn summary(
    State(state): State<AppState>,
    api: ApiUser,
    Query(query): Query<super::pages::SummaryQuery>,
) -> Result<Json<SummaryList>, AppError> {
    api.require(Action::Read)?;
    let request = query.request(state.store()).await?;
    Ok(Json(SummaryList { items: summaries(state.store(), &request).await? }))
}

#[derive(Serialize)]
struct MirrorAnswer {
    report: MirrorReport,
    verdicts: Vec<MirrorVerdict>,
}

async fn mirror(
    State(state): State<AppState>,
    api: ApiUser,
    Query(query): Query<super::pages::MirrorQuery>,
) -> Result<Json<MirrorAnswer>, AppError> {
    api.require(Action::Read)?;
    let (report, verdicts) = query.report(state.store()).await?;
    Ok(Json(MirrorAnswer { report, verdicts }))
}

#[derive(Deserialize)]
struct VerdictBody {
    exporter: String,
    importer: String,
    bucket: String,
    #[serde(default)]
    code: String,
    status: String,
    comment: Option<String>,
    /// The version read; absent for the first verdict on the pair.
    version: Option<i64>,
}

async fn set_verdict(
    State(state): State<AppState>,
    api: ApiUser,
    Json(body): Json<VerdictBody>,
) -> Result<Json<MirrorVerdict>, AppError> {
    api.require(Action::ReconcileTrade)?;
    let territory = |field: &'static str, text: &str| {
        Territory::parse(text).map_err(|_| {
            accord_domain::validation::Invalid::one(field, accord_domain::validation::Reason::UnknownValue)
        })
    };
    let key = MirrorKey {
        exporter: territory("exporter", &body.exporter)?,
        importer: territory("importer", &body.importer)?,
        bucket: body.bucket.trim().to_string(),
        code: body.code.trim().to_string(),
    };
    let status = MirrorStatus::parse(&body.status).ok_or_else(|| {
        accord_domain::validation::Invalid::one("status", accord_domain::validation::Reason::UnknownValue)
    })?;
    let author = accord_store::Author::user(api.user.login.as_str());
    let verdict = state.store().mirror_verdict_set(author, &key, body.version, status, body.comment.as_deref()).await?;
    Ok(Json(verdict))
}

async fn groups(State(state): State<AppState>, api: ApiUser) -> Result<Json<Vec<StoredGroup>>, AppError> {
    api.require(Action::Read)?;
    Ok(Json(state.store().product_groups().await?.as_ref().clone()))
}

/// A product group as the API takes it.
#[derive(Deserialize)]
pub struct GroupBody {
    pub key: Option<String>,
    pub name_ru: String,
    #[serde(default)]
    pub name_en: String,
    /// Code prefixes, e.g. ["8701", "0401 20"].
    pub prefixes: Vec<String>,
    /// BY or KHV when only that side's exports belong in the group.
    pub exported_by: Option<String>,
    /// Yearly targets in USD, e.g. {"2025": "25000000"}.
    #[serde(default)]
    pub targets: std::collections::BTreeMap<i32, String>,
    /// Plan measure ids the group stands behind.
    pub measures: Option<Vec<accord_domain::MeasureId>>,
    pub version: Option<i64>,
}

impl GroupBody {
    pub fn group(&self, key: &str) -> Result<ProductGroup, AppError> {
        use accord_domain::validation::{Invalid, Reason};
        let prefixes = self
            .prefixes
            .iter()
            .filter(|p| !p.trim().is_empty())
            .map(|p| {
                accord_domain::trade::CommodityCode::parse(p).map_err(|_| Invalid::one("prefixes", Reason::InvalidCode))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let exported_by = match self.exported_by.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(side) => Some(side.parse::<Side>().map_err(|_| Invalid::one("exported_by", Reason::UnknownValue))?),
            None => None,
        };
        let mut group =
            ProductGroup::new(key, &self.name_ru, &self.name_en, prefixes, exported_by).map_err(|e| match e {
                accord_domain::trade::GroupError::NoPrefixes(_) => Invalid::one("prefixes", Reason::Required),
                _ => Invalid::one("name_ru", Reason::Required),
            })?;
        for (year, amount) in &self.targets {
            let amount = amount.trim().replace([' ', '\u{a0}'], "").replace(',', ".");
            if amount.is_empty() {
                continue;
            }
            let money = accord_domain::trade::Money::parse(&amount, accord_domain::trade::Currency::Usd)
                .map_err(|_| Invalid::one("targets", Reason::UnknownValue))?;
            group = group.with_target(*year, money);
        }
        Ok(group)
    }
}

async fn save_group(
    State(state): State<AppState>,
    api: ApiUser,
    Json(body): Json<GroupBody>,
) -> Result<(StatusCode, Json<StoredGroup>), AppError> {
    api.require(Action::ManageTradeReference)?;
    let key = body.key.clone().unwrap_or_default();
    let stored = super::pages::save_group(state.store(), &api.user, &key, &body).await?;
    Ok((StatusCode::CREATED, Json(stored)))
}

async fn replace_group(
    State(state): State<AppState>,
    api: ApiUser,
    Path(key): Path<String>,
    Json(body): Json<GroupBody>,
) -> Result<Json<StoredGroup>, AppError> {
    api.require(Action::ManageTradeReference)?;
    Ok(Json(super::pages::save_group(state.store(), &api.user, &key, &body).await?))
}

#[derive(Deserialize)]
struct VersionQuery {
    version: i64,
}

async fn delete_group(
    State(state): State<AppState>,
    api: ApiUser,
    Path(key): Path<String>,
    Query(q): Query<VersionQuery>,
) -> Result<StatusCode, AppError> {
    api.require(Action::ManageTradeReference)?;
    let groups = state.store().product_groups().await?;
    let group = groups.iter().find(|g| g.group.key == key).ok_or(AppError::NotFound)?;
    let author = accord_store::Author::user(api.user.login.as_str());
    state.store().product_group_delete(author, &group.id, q.version).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn sources(State(state): State<AppState>, api: ApiUser) -> Result<Json<Vec<TradeSourceInfo>>, AppError> {
    api.require(Action::Read)?;
    Ok(Json(state.store().trade_sources().await?))
}

#[derive(Deserialize)]
struct ImportQuery {
    /// The file's name, for the import log and the format (`.xlsx`).
    name: Option<String>,
    format: Option<String>,
    source: Option<String>,
    side: Option<String>,
    dry_run: Option<bool>,
}

/// A file's problems as the API reports them: `problems` as sentences in the request's
/// language, `details` the same with their parts for programs.
#[derive(Serialize)]
struct ProblemsBody {
    error: ProblemsDetail,
}

#[derive(Serialize)]
struct ProblemsDetail {
    code: &'static str,
    message: String,
    problems: Vec<String>,
    details: Vec<ProblemDetail>,
    more: u64,
}

#[derive(Serialize)]
struct ProblemDetail {
    /// The workbook sheet; `csv`, `xml` or `json` for files without sheets.
    sheet: String,
    /// 1-based row or line; 0 for the file as a whole.
    row: u32,
    /// The column's header as in the file; empty when the problem is not about one column.
    column: String,
    /// The message id (`problem-…`) and its arguments.
    key: String,
    args: serde_json::Map<String, serde_json::Value>,
    /// `problems[i]` again.
    message: String,
}

pub(crate) fn problems_response(e: TradeReadError, tr: &Tr) -> Response {
    let (problems, more) = match e {
        TradeReadError::Problems { problems, more } => (problems, more),
        TradeReadError::Io { reason, .. } => {
            // Not reached from the API (it reads from memory), but never an empty list.
            (
                vec![Problem {
                    sheet: String::new(),
                    row: 0,
                    column: String::new(),
                    reason: FileReason::new("problem-file-unreadable").arg("detail", reason),
                }],
                0,
            )
        }
    };
    let details: Vec<ProblemDetail> = problems
        .iter()
        .map(|p| ProblemDetail {
            sheet: p.sheet.clone(),
            row: p.row,
            column: p.column.clone(),
            key: p.reason.key.clone(),
            args: p.reason.args.iter().map(|(k, v)| (k.clone(), serde_json::Value::from(v.clone()))).collect(),
            message: tr.problem(p),
        })
        .collect();
    let total = i64::try_from(problems.len() as u64 + more).unwrap_or(i64::MAX);
    let body = ProblemsBody {
        error: ProblemsDetail {
            code: "file_problems",
            message: tr.tn("import-file-problems", total),
            problems: details.iter().map(|d| d.message.clone()).collect(),
            details,
            more,
        },
    };
    (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
}

/// An import's outcome: the summary, with the rows left out as sentences in the request's
/// language (`notes`) and as data (`skipped`).
#[derive(Serialize)]
struct ImportBody<'a> {
    #[serde(flatten)]
    summary: &'a ImportSummary,
    notes: Vec<String>,
    skipped: &'a [accord_formats::trade::Skipped],
}

async fn import_trade(
    State(state): State<AppState>,
    Extension(tr): Extension<Tr>,
    api: ApiUser,
    Query(q): Query<ImportQuery>,
    body: Bytes,
) -> Result<Response, AppError> {
    let side = match q.side.as_deref() {
        Some(side) => Some(side.parse::<Side>().map_err(|_| AppError::BadRequest("trade-side-needed"))?),
        None => None,
    };
    let format = TradeFormat::parse(q.format.as_deref().unwrap_or("auto"))
        .ok_or(AppError::BadRequest("trade-format-unknown"))?;
    let name = q.name.unwrap_or_else(|| "upload.csv".to_string());
    let read = match tokio::task::spawn_blocking({
        let name = name.clone();
        move || read_trade_bytes(&name, &body, format)
    })
    .await
    {
        Ok(Ok(read)) => read,
        Ok(Err(e)) => return Ok(problems_response(e, &tr)),
        Err(e) => return Err(AppError::Internal(e.to_string())),
    };
    let request = ImportRequest { source: q.source, side, dry_run: q.dry_run.unwrap_or(false) };
    let summary: ImportSummary = super::pages::authorised_import(&state, &api.user, &name, read, &request).await?;
    let status =
        if summary.outcome.as_ref().is_some_and(|o| !o.unchanged) { StatusCode::CREATED } else { StatusCode::OK };
    let body = ImportBody { summary: &summary, notes: summary.notes(&tr), skipped: &summary.skipped };
    Ok((status, Json(body)).into_response())
}

async fn import_rates(
    State(state): State<AppState>,
    Extension(tr): Extension<Tr>,
    api: ApiUser,
    Query(q): Query<ImportQuery>,
    body: Bytes,
) -> Result<Response, AppError> {
    api.require(Action::ManageTradeReference)?;
    let name = q.name.unwrap_or_else(|| "rates".to_string());
    let file = match accord_formats::trade::read_rates(&body) {
        Ok(file) => file,
        Err(problems) => return Ok(problems_response(TradeReadError::Problems { problems, more: 0 }, &tr)),
    };
    if q.dry_run.unwrap_or(false) {
        return Ok(Json(RatesOutcome { inserted: 0, unchanged: 0 }).into_response());
    }
    let author = accord_store::Author::user(api.user.login.as_str());
    let outcome = state.store().rates_import(author, &name, &file.rates).await?;
    Ok(Json(outcome).into_response())
}
