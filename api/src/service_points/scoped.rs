//! `ScopedServicePoint`: the service point named by `{id}`, loaded and checked against the
//! caller's region before the handler runs.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use entity::service_point;
use sea_orm::EntityTrait;
use uuid::Uuid;

use crate::auth::principal::{Authorized, StaffOnly};
use crate::error::{ApiError, ErrorCode};
use crate::state::SharedState;
use crate::vocab::Principal;
use crate::vocab::RegionCode;

/// A service point in the signed-in member of staff's region: 401 without a token, 403 for
/// residents, 404 when it does not exist or lies in another region (its existence is not told).
pub struct ScopedServicePoint {
    pub principal: Principal,
    pub point: service_point::Model,
}

impl FromRequest for ScopedServicePoint {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let caller = Authorized::<StaffOnly>::from_request(req, payload).into_inner();
        let state = req.app_data::<SharedState>().cloned();
        let raw = req.match_info().get("id").unwrap_or_default().to_owned();
        Box::pin(async move {
            let principal = caller?.principal;
            let state = state.ok_or_else(|| ApiError::internal("application state is not registered"))?;
            let not_found = || ApiError::new(ErrorCode::NotFound);
            let id = Uuid::parse_str(&raw).map_err(|_| not_found())?;
            let point = service_point::Entity::find_by_id(id).one(&state.db).await?.ok_or_else(not_found)?;
            let community = RegionCode::parse(&point.community_code).map_err(ApiError::internal)?;
            if !principal.covers(&community) {
                return Err(not_found());
            }
            Ok(Self { principal, point })
        })
    }
}
