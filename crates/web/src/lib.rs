//! accord's web adapter: server-rendered pages (askama + htmx), the JSON API under
//! `/api/v1`, sign-in, translations. Business rules live in `accord-domain`; this crate only
//! turns requests into domain inputs and domain results into pages and JSON.

mod account;
mod admin;
mod api;
mod assets;
pub mod auth;
pub mod briefing;
mod ctx;
mod directory;
pub mod error;
pub mod fleet;
mod home;
pub mod i18n;
mod layout;
pub mod logistics;
mod middleware;
pub mod plan;
pub mod review;
pub mod trade;
mod upload;
pub mod write_routes;

pub use api::openapi;
pub use error::AppError;

use accord_store::Store;
use axum::Router;
use axum::http::{HeaderValue, header};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// How the operator starts the server (`accord serve` flags).
#[derive(Debug, Clone, Copy, Default)]
pub struct ServeOptions {
    /// `--demo`: the demo accounts may sign in (when the store holds the demo), `/login` shows
    /// them, pages carry the demo banner.
    pub demo: bool,
    /// `--trust-proxy`: the client's address is the last one in `X-Forwarded-For` (set by the
    /// reverse proxy in front), not the connection's.
    pub trust_proxy: bool,
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    app: accord_app::App,
    demo: bool,
    trust_proxy: bool,
}

impl AppState {
    /// The server's state. Demo mode needs both the operator's `--demo` and a store that holds
    /// the demo (the instance fact `accord_app::instance::DEMO_META_KEY`).
    pub async fn new(store: Store, options: ServeOptions) -> Result<AppState, AppError> {
        let holds_demo = store.meta(accord_app::instance::DEMO_META_KEY).await?.is_some();
        let demo = options.demo && holds_demo;
        Ok(AppState {
            inner: Arc::new(Inner {
                app: accord_app::App::new(store).with_demo_accounts(demo),
                demo,
                trust_proxy: options.trust_proxy,
            }),
        })
    }
    /// The application layer: every change goes through one of its use cases.
    pub fn app(&self) -> &accord_app::App {
        &self.inner.app
    }
    pub fn store(&self) -> &Store {
        self.inner.app.store()
    }
    /// Whether the server runs the demo (see [`AppState::new`]).
    pub fn is_demo(&self) -> bool {
        self.inner.demo
    }
    /// Whether `X-Forwarded-For` is believed (`--trust-proxy`).
    pub fn trusts_proxy(&self) -> bool {
        self.inner.trust_proxy
    }
}

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'";

/// The whole application: pages, API, static files, and the layers every response passes.
pub fn app(state: AppState) -> Router {
    let routes = Router::new()
        .merge(home::routes())
        .merge(account::routes())
        .merge(directory::routes())
        .merge(admin::routes())
        .merge(plan::routes())
        .merge(trade::routes())
        .merge(briefing::routes())
        .merge(logistics::routes())
        .merge(review::routes())
        .merge(fleet::routes())
        .merge(api::routes())
        .merge(assets::routes())
        .fallback(|| async { AppError::NotFound })
        .with_state(state.clone());
    // Uploads get their own body limit; every other route keeps the small one.
    let uploads = plan::attachments::upload_routes()
        .merge(review::upload_routes())
        .with_state(state.clone())
        .layer(RequestBodyLimitLayer::new(plan::attachments::UPLOAD_BODY_LIMIT));
    let trade_uploads =
        trade::upload_routes().with_state(state.clone()).layer(RequestBodyLimitLayer::new(trade::UPLOAD_LIMIT));
    let logistics_uploads =
        logistics::upload_routes().with_state(state.clone()).layer(RequestBodyLimitLayer::new(logistics::UPLOAD_LIMIT));
    let fleet_uploads =
        fleet::upload_routes().with_state(state.clone()).layer(RequestBodyLimitLayer::new(64 * 1024 * 1024));
    let routes = routes.layer(RequestBodyLimitLayer::new(2 * 1024 * 1024));
    with_layers(uploads.merge(trade_uploads).merge(logistics_uploads).merge(fleet_uploads).merge(routes), state)
}

/// The layers around every route: error rendering, panics, limits, security headers.
#[doc(hidden)]
pub fn with_layers(routes: Router, state: AppState) -> Router {
    routes
        .layer(CatchPanicLayer::custom(middleware::panic_response))
        .layer(axum::middleware::from_fn_with_state(state, middleware::render_errors))
        .layer(axum::middleware::from_fn(middleware::request_language))
        .layer(TimeoutLayer::with_status_code(axum::http::StatusCode::REQUEST_TIMEOUT, Duration::from_secs(30)))
        .layer(CompressionLayer::new())
        .layer(SetResponseHeaderLayer::if_not_present(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP)))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(TraceLayer::new_for_http())
}

/// Serves until `shutdown` resolves, then finishes in-flight requests.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // The fleet's snapshot and histories are read once in the background, so that the first
    // fleet page or quarterly agenda after a start does not wait for them.
    let store = state.store().clone();
    tokio::spawn(async move {
        if let Err(e) = store.fleet_histories().await {
            tracing::warn!(error = %e, "reading the fleet at start");
        }
        if let Err(e) = store.fleet_snapshot().await {
            tracing::warn!(error = %e, "reading the fleet at start");
        }
    });
    let app = app(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}
