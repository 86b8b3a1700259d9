use std::time::Duration;

use actix_web::{HttpResponse, get, web};

use super::model::{ChecksOut, DependencyOut, DependencyStatus, HealthOut, Readiness, ReadinessOut};
use crate::infra::cache::{CacheError, CacheMode};
use crate::infra::db;
use crate::state::AppState;

/// Liveness: the process is up. Touches no dependency.
#[utoipa::path(
    tag = "ops",
    responses((status = 200, description = "The process is alive", body = HealthOut)),
)]
#[get("/healthz")]
pub async fn get_healthz() -> web::Json<HealthOut> {
    web::Json(HealthOut { status: "ok", version: env!("CARGO_PKG_VERSION") })
}

/// Readiness: whether this node can serve. 200 when the database answers (`degraded` if Redis does
/// not: the node still serves from the database), 503 when the database does not.
#[utoipa::path(
    tag = "ops",
    responses(
        (status = 200, description = "Ready, or degraded without Redis", body = ReadinessOut),
        (status = 503, description = "The database does not answer", body = ReadinessOut),
    ),
)]
#[get("/readyz")]
pub async fn get_readyz(state: web::Data<AppState>) -> HttpResponse {
    let (database, redis) = tokio::join!(database_check(&state), redis_check(&state));
    let status = match (database.status, redis.status) {
        (DependencyStatus::Down, _) => Readiness::Unavailable,
        (_, DependencyStatus::Down) => Readiness::Degraded,
        _ => Readiness::Ready,
    };
    let body = ReadinessOut { status, checks: ChecksOut { database, redis } };
    if status == Readiness::Unavailable {
        HttpResponse::ServiceUnavailable().insert_header(("Retry-After", "5")).json(body)
    } else {
        HttpResponse::Ok().json(body)
    }
}

const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

async fn database_check(state: &AppState) -> DependencyOut {
    match tokio::time::timeout(CHECK_TIMEOUT, db::ping(&state.db)).await {
        Ok(Ok(latency)) => up(latency),
        Ok(Err(err)) => {
            tracing::warn!(error = %err, "readiness: database check failed");
            down("database query failed")
        }
        Err(_) => down("database check timed out"),
    }
}

async fn redis_check(state: &AppState) -> DependencyOut {
    if state.cache.mode() == CacheMode::InProcess {
        return DependencyOut { status: DependencyStatus::InProcess, latency_ms: None, error: None };
    }
    match state.cache.ping().await {
        Ok(latency) => up(latency),
        Err(CacheError::Unavailable(reason)) => {
            tracing::warn!(error = %reason, "readiness: Redis check failed");
            down("redis did not answer")
        }
    }
}

fn up(latency: Duration) -> DependencyOut {
    let latency_ms = (latency.as_secs_f64() * 1_000_000.0).round() / 1000.0;
    DependencyOut { status: DependencyStatus::Up, latency_ms: Some(latency_ms), error: None }
}

fn down(error: &str) -> DependencyOut {
    DependencyOut { status: DependencyStatus::Down, latency_ms: None, error: Some(error.to_owned()) }
}
