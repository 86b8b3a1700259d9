//! Who is calling, checked before a handler runs: the extractors that make a `vocab::Principal`
//! from a verified token.
//!
//! Handlers take one of the extractors below instead of reading headers: `Principal` (anyone signed
//! in) or `Authorized<P>` (signed in with one of the roles policy `P` allows). A handler that
//! touches a region-bound object asks `Principal::ensure_covers`, or takes an extractor that loads
//! the object and asks it (see `regions::ScopedRegion`), so no handler can forget the check.

use std::future::{Ready, ready};
use std::marker::PhantomData;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest};

use super::tokens::{TokenError, TokenService};
use crate::error::{ApiError, ErrorCode};
use crate::state::SharedState;
use crate::vocab::{Principal, RegionCode, Role};

const INVALID_TOKEN_CHALLENGE: &str = r#"Bearer realm="jiuzhu", error="invalid_token""#;

impl Principal {
    pub(crate) fn from_request_sync(req: &HttpRequest) -> Result<Self, ApiError> {
        let state =
            req.app_data::<SharedState>().ok_or_else(|| ApiError::internal("application state is not registered"))?;
        let token = bearer_token(req)?;
        let claims = TokenService::of(state).verify_access(token).map_err(|err| match err {
            TokenError::Expired => ApiError::new(ErrorCode::TokenExpired).with_challenge(INVALID_TOKEN_CHALLENGE),
            TokenError::Invalid(reason) => {
                tracing::info!(reason = %reason, "access token refused");
                ApiError::new(ErrorCode::Unauthenticated).with_challenge(INVALID_TOKEN_CHALLENGE)
            }
        })?;
        let invalid = || ApiError::new(ErrorCode::Unauthenticated).with_challenge(INVALID_TOKEN_CHALLENGE);
        let role = Role::parse(&claims.role).ok_or_else(invalid)?;
        let region = match claims.region.as_deref() {
            Some(raw) => Some(RegionCode::parse(raw).map_err(|_| invalid())?),
            None => None,
        };
        if role.region_level().is_some_and(|level| !region.as_ref().is_some_and(|r| r.is_level(level))) {
            return Err(invalid());
        }
        Ok(Self { account_id: claims.sub, role, region })
    }
}

/// The token of `Authorization: Bearer <token>`; 401 when missing or of another scheme.
fn bearer_token(req: &HttpRequest) -> Result<&str, ApiError> {
    let value = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated))?
        .to_str()
        .map_err(|_| ApiError::new(ErrorCode::Unauthenticated).with_challenge(INVALID_TOKEN_CHALLENGE))?;
    let (scheme, token) = value.split_once(' ').unwrap_or((value, ""));
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
        return Err(ApiError::new(ErrorCode::Unauthenticated).with_challenge(INVALID_TOKEN_CHALLENGE));
    }
    Ok(token)
}

impl FromRequest for Principal {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Self::from_request_sync(req))
    }
}

/// Which roles may call an endpoint.
pub trait Policy {
    const ROLES: &'static [Role];
}

/// Any member of staff (not residents).
pub struct StaffOnly;
/// Platform administrators only.
pub struct AdminOnly;
/// Residents only.
pub struct ResidentOnly;
/// Those who file applications: residents for themselves, helpers on someone's behalf.
pub struct Applicants;
/// Community helpers only (home visits).
pub struct HelpersOnly;
/// The district's supervisors: the district's warning rules.
pub struct DistrictOnly;
/// Who loads other departments' files: district supervisors and platform administrators (a data
/// feed; the report names no one).
pub struct Importers;
/// Township reviewers and district supervisors: warning rules, the ledger.
pub struct Overseers;

impl Policy for StaffOnly {
    const ROLES: &'static [Role] = &[Role::Helper, Role::TownshipReviewer, Role::DistrictSupervisor, Role::Admin];
}
impl Policy for AdminOnly {
    const ROLES: &'static [Role] = &[Role::Admin];
}
impl Policy for Applicants {
    const ROLES: &'static [Role] = &[Role::Resident, Role::Helper];
}
impl Policy for DistrictOnly {
    const ROLES: &'static [Role] = &[Role::DistrictSupervisor];
}
impl Policy for Importers {
    const ROLES: &'static [Role] = &[Role::DistrictSupervisor, Role::Admin];
}
impl Policy for Overseers {
    const ROLES: &'static [Role] = &[Role::TownshipReviewer, Role::DistrictSupervisor];
}
impl Policy for HelpersOnly {
    const ROLES: &'static [Role] = &[Role::Helper];
}
impl Policy for ResidentOnly {
    const ROLES: &'static [Role] = &[Role::Resident];
}

/// A signed-in caller whose role policy `P` allows; 401 without a valid token, 403 for another role
/// (`ADMIN_NOT_CASE_WORKER` for an administrator: every policy that leaves them out is case work).
#[derive(Debug)]
pub struct Authorized<P: Policy> {
    pub principal: Principal,
    _policy: PhantomData<P>,
}

impl<P: Policy> Authorized<P> {
    pub fn check(principal: Principal) -> Result<Self, ApiError> {
        if P::ROLES.contains(&principal.role) {
            return Ok(Self { principal, _policy: PhantomData });
        }
        principal.ensure_case_worker()?;
        Err(ApiError::new(ErrorCode::Forbidden))
    }
}

impl<P: Policy> FromRequest for Authorized<P> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Principal::from_request_sync(req).and_then(Self::check))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn principal(role: Role, region: Option<&str>) -> Principal {
        Principal { account_id: Uuid::nil(), role, region: region.map(|r| RegionCode::parse(r).unwrap()) }
    }

    #[test]
    fn policies_admit_only_their_roles() {
        assert!(Authorized::<AdminOnly>::check(principal(Role::Admin, None)).is_ok());
        assert!(Authorized::<AdminOnly>::check(principal(Role::DistrictSupervisor, Some("500116"))).is_err());
        assert!(Authorized::<StaffOnly>::check(principal(Role::Resident, None)).is_err());
        assert!(Authorized::<StaffOnly>::check(principal(Role::Helper, Some("500116001001"))).is_ok());
        assert!(Authorized::<ResidentOnly>::check(principal(Role::Helper, Some("500116001001"))).is_err());
    }

    #[test]
    fn an_admin_is_refused_case_work_by_name() {
        let admin = principal(Role::Admin, None);
        let refused = |err: ApiError| err.code();
        assert_eq!(
            Authorized::<Overseers>::check(admin.clone()).map_err(refused).err(),
            Some(ErrorCode::AdminNotCaseWorker)
        );
        assert!(Authorized::<Importers>::check(admin).is_ok());
        let resident = principal(Role::Resident, None);
        assert_eq!(Authorized::<Overseers>::check(resident).map_err(refused).err(), Some(ErrorCode::Forbidden));
    }
}
