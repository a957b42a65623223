//! The HTTP routes, assembled in [`router`].

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::{Json, Router};
use tower_http::services::ServeDir;

use crate::error::ApiFailure;
use crate::state::AppState;

pub mod admin;
pub mod documents;
pub mod extract;
pub mod gp;
pub mod login;
pub mod station;

/// Largest request body.
pub const BODY_LIMIT_BYTES: usize = 64 * 1024;

/// Every route of the hub, with the body limit and the security headers.
pub fn router(state: AppState) -> Router {
    let mut app = Router::new()
        .route(
            "/api/health",
            get(|| async { Json(serde_json::json!({"status": "ok"})) }),
        )
        .route("/api/login", post(login::login))
        .route("/api/logout", post(login::logout))
        .route("/api/me", get(login::me))
        .route("/api/admin/accounts", post(admin::new_account))
        .route(
            "/api/admin/enrolment-codes",
            post(admin::new_enrolment_code),
        )
        .route("/api/admin/stations", get(admin::stations))
        .route("/api/admin/stations/{id}/revoke", post(admin::revoke))
        .route("/api/stations/enrol", post(station::enrol))
        .route("/api/station/consultations", post(station::request))
        .route("/api/station/consultations/{id}", get(station::status))
        .route(
            "/api/station/consultations/{id}/cancel",
            post(station::cancel),
        )
        .route(
            "/api/station/consultations/{id}/ticket",
            post(station::ticket),
        )
        .route("/api/consultations/waiting", get(gp::waiting))
        .route("/api/consultations/{id}/accept", post(gp::accept))
        .route("/api/consultations/{id}/events", get(gp::events))
        .route(
            "/api/gp/consultations/{id}/documents",
            post(documents::sign).get(documents::gp_list),
        )
        .route(
            "/api/gp/consultations/{id}/incidents",
            get(documents::incidents),
        )
        .route(
            "/api/station/consultations/{id}/documents",
            get(documents::station_list),
        )
        .route("/ws/signal", get(crate::signal::upgrade))
        .route("/", get(crate::console::index));
    if let Some(dir) = &state.console.dir {
        app = app.nest_service("/assets", ServeDir::new(dir.join("assets")));
    }
    app.fallback(|| async { ApiFailure::not_found() })
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
        .layer(axum::middleware::map_response(crate::headers::add))
        .with_state(state)
}
