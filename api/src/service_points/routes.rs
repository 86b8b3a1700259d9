use actix_web::{HttpResponse, get, post, web};

use super::model::{ScanIn, ScanOut, ServicePointIn, ServicePointOut};
use super::{ScopedServicePoint, service};
use crate::auth::principal::{AdminOnly, Authorized};
use crate::error::{ApiError, Problem};
use crate::http::JsonBody;
use crate::state::SharedState;

/// Create a community service point and its QR code (admin). Sending the same request again
/// returns the same point with 200; the same id with other content is a 409.
#[utoipa::path(
    tag = "service-points",
    security(("bearer" = [])),
    request_body = ServicePointIn,
    responses(
        (status = 201, description = "Created", body = ServicePointOut),
        (status = 200, description = "The same point already existed", body = ServicePointOut),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The id exists with other content", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No such community (`REGION_NOT_FOUND`) or a bad name", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/api/v1/service-points")]
pub async fn create_service_point(
    state: SharedState,
    caller: Authorized<AdminOnly>,
    body: JsonBody<ServicePointIn>,
) -> Result<HttpResponse, ApiError> {
    let (row, created) = service::create(&state.db, &caller.principal, body.0).await?;
    let out = service::out(&state.pii, row);
    Ok(if created { HttpResponse::Created().json(out) } else { HttpResponse::Ok().json(out) })
}

/// The printable QR code of a service point, as PNG (staff of its community, township or district).
#[utoipa::path(
    tag = "service-points",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The service point")),
    responses(
        (status = 200, description = "The QR code", content_type = "image/png", body = Vec<u8>),
        (status = 403, description = "A resident", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such service point in the caller's region", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/api/v1/service-points/{id}/qrcode.png")]
pub async fn get_service_point_qrcode(state: SharedState, scope: ScopedServicePoint) -> Result<HttpResponse, ApiError> {
    let png = service::qr_png(&state.pii, scope.point.id)?;
    Ok(HttpResponse::Ok().content_type("image/png").body(png))
}

/// Withdraw a service point's code (admin), e.g. when a poster was lost or defaced. Scans of it then
/// get `QR_CODE_EXPIRED`. Revoking again changes nothing.
#[utoipa::path(
    tag = "service-points",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The service point")),
    responses(
        (status = 200, description = "Revoked", body = ServicePointOut),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such service point", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/api/v1/service-points/{id}/revoke")]
pub async fn revoke_service_point(
    state: SharedState,
    _admin: Authorized<AdminOnly>,
    scope: ScopedServicePoint,
) -> Result<web::Json<ServicePointOut>, ApiError> {
    let row = service::revoke(&state.db, &scope.principal, scope.point).await?;
    Ok(web::Json(service::out(&state.pii, row)))
}

/// Resolve a scanned QR code: the service point, its community, township and district, and the
/// aid that can be applied for there. Public: the phone may scan before signing in.
#[utoipa::path(
    tag = "service-points",
    request_body = ScanIn,
    responses(
        (status = 200, description = "Where the code belongs and the catalog", body = ScanOut),
        (status = 410, description = "The code was withdrawn or expired (`QR_CODE_EXPIRED`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not one of our codes (`QR_CODE_INVALID`)", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/api/v1/scan")]
pub async fn scan(state: SharedState, body: JsonBody<ScanIn>) -> Result<web::Json<ScanOut>, ApiError> {
    Ok(web::Json(service::scan(&state.db, &state.pii, &body.0.token).await?))
}
