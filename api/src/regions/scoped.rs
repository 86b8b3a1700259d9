//! `ScopedRegion`: the region named by the `{code}` path segment, loaded and checked against the
//! caller's scope before the handler runs.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use entity::region;

use super::service;
use crate::auth::principal::{Authorized, StaffOnly};
use crate::error::{ApiError, ErrorCode};
use crate::state::SharedState;
use crate::vocab::Principal;
use crate::vocab::RegionCode;

/// A region the signed-in member of staff works in (or above): 401 without a token, 403 for
/// residents and for staff of other regions, 404 when no such region exists.
pub struct ScopedRegion {
    pub principal: Principal,
    pub code: RegionCode,
    pub region: region::Model,
}

impl FromRequest for ScopedRegion {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let caller = Authorized::<StaffOnly>::from_request(req, payload).into_inner();
        let state = req.app_data::<SharedState>().cloned();
        let raw = req.match_info().get("code").unwrap_or_default().to_owned();
        Box::pin(async move {
            let principal = caller?.principal;
            let state = state.ok_or_else(|| ApiError::internal("application state is not registered"))?;
            let code = RegionCode::parse(&raw).map_err(|_| ApiError::new(ErrorCode::NotFound))?;
            principal.ensure_covers(&code)?;
            let region = service::find(&state.db, &code).await?.ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
            Ok(Self { principal, code, region })
        })
    }
}
