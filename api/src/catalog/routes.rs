use actix_web::{HttpResponse, get, put, web};

use super::model::{AidItemIn, AidItemOut, CatalogOut};
use super::service::{self, Saved};
use crate::auth::principal::{AdminOnly, Authorized};
use crate::error::{ApiError, Problem};
use crate::http::{JsonBody, public_json};
use crate::state::SharedState;

/// The aid items one can apply for, with conditions, required documents, time limits and who
/// decides. Public: read it before signing in.
#[utoipa::path(tag = "catalog", responses((status = 200, description = "The active items", body = CatalogOut)))]
#[get("/api/v1/catalog/items")]
pub async fn list_aid_items(state: SharedState) -> Result<HttpResponse, ApiError> {
    let items = service::list(&state.db).await?;
    Ok(public_json(60, &CatalogOut { items }))
}

/// One aid item. Public.
#[utoipa::path(
    tag = "catalog",
    params(("code" = String, Path, description = "The item code, e.g. `dibao`")),
    responses(
        (status = 200, description = "The item", body = AidItemOut),
        (status = 404, description = "No such item", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/api/v1/catalog/items/{code}")]
pub async fn get_aid_item(state: SharedState, code: web::Path<String>) -> Result<HttpResponse, ApiError> {
    Ok(public_json(60, &service::get(&state.db, &code).await?))
}

/// Create or replace an aid item (admin). Sending the same item again changes nothing.
#[utoipa::path(
    tag = "catalog",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "The item code: 2 to 32 of `a-z`, `0-9`, `_`")),
    request_body = AidItemIn,
    responses(
        (status = 201, description = "Created", body = AidItemOut),
        (status = 200, description = "Replaced", body = AidItemOut),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields (`INVALID_CODE`, `INVALID_TEXT`, `UNKNOWN_ITEM`, `OUT_OF_RANGE`)", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[put("/api/v1/catalog/items/{code}")]
pub async fn put_aid_item(
    state: SharedState,
    caller: Authorized<AdminOnly>,
    code: web::Path<String>,
    body: JsonBody<AidItemIn>,
) -> Result<HttpResponse, ApiError> {
    Ok(match service::put(&state.db, Some(&caller.principal), &code, body.0).await? {
        Saved::Created(item) => HttpResponse::Created().json(item),
        Saved::Replaced(item) => HttpResponse::Ok().json(item),
    })
}
