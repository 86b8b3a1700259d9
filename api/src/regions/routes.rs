use actix_web::{HttpResponse, get, post, web};

use super::model::{RegionIn, RegionListQuery, RegionOut, RegionTreeOut, RegionTreeQuery};
use super::service::{self, Created};
use crate::auth::principal::{AdminOnly, Authorized};
use crate::error::{ApiError, ErrorCode, Problem};
use crate::http::pagination::Page;
use crate::http::{JsonBody, Query, public_json};
use crate::state::SharedState;
use crate::vocab::RegionCode;

/// Create a region (admin). The level and parent follow from the code; the parent must exist.
/// Sending the same code and name again returns the region with 200.
#[utoipa::path(
    tag = "regions",
    security(("bearer" = [])),
    request_body = RegionIn,
    responses(
        (status = 201, description = "Created", body = RegionOut),
        (status = 200, description = "The same region already existed", body = RegionOut),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The code is taken by another name", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad code or name, or the parent is missing (`INVALID_REGION_CODE`, `INVALID_NAME`, `PARENT_NOT_FOUND`)", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/api/v1/regions")]
pub async fn create_region(
    state: SharedState,
    caller: Authorized<AdminOnly>,
    body: JsonBody<RegionIn>,
) -> Result<HttpResponse, ApiError> {
    Ok(match service::create(&state.db, &state.cache, Some(&caller.principal), body.0).await? {
        Created::New(region) => HttpResponse::Created().json(region),
        Created::Existing(region) => HttpResponse::Ok().json(region),
    })
}

/// List regions by code (admin), optionally the children of one region or one level only.
#[utoipa::path(
    tag = "regions",
    security(("bearer" = [])),
    params(RegionListQuery),
    responses(
        (status = 200, description = "A page of regions", body = Page<RegionOut>),
        (status = 400, description = "Bad query parameters", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/api/v1/regions")]
pub async fn list_regions(
    state: SharedState,
    _caller: Authorized<AdminOnly>,
    query: Query<RegionListQuery>,
) -> Result<web::Json<Page<RegionOut>>, ApiError> {
    Ok(web::Json(service::list(&state.db, query.into_inner()).await?))
}

/// The region tree, public: a phone shows it to pick a community. `root` limits it to one subtree.
#[utoipa::path(
    tag = "regions",
    params(RegionTreeQuery),
    responses(
        (status = 200, description = "The tree", body = RegionTreeOut),
        (status = 400, description = "Bad query parameters", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No region has the `root` code", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/api/v1/regions/tree")]
pub async fn get_region_tree(state: SharedState, query: Query<RegionTreeQuery>) -> Result<HttpResponse, ApiError> {
    let root = match query.into_inner().root {
        Some(raw) => Some(RegionCode::parse(&raw).map_err(|_| ApiError::new(ErrorCode::NotFound))?),
        None => None,
    };
    let tree = service::tree(&state.db, &state.cache, root.as_ref()).await?;
    Ok(public_json(60, &tree))
}
