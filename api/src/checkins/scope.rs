//! Whose recipients a member of staff reaches: a helper their community, a township reviewer
//! their township, a district supervisor their district. Residents reach only themselves.

use sea_orm::ColumnTrait;
use sea_orm::sea_query::SimpleExpr;

use crate::error::{ApiError, ErrorCode};
use crate::vocab::Principal;
use crate::vocab::Role;

#[derive(Debug, Clone)]
pub enum Reach {
    Community(String),
    Township(String),
    District(String),
}

impl Reach {
    pub fn of(principal: &Principal) -> Result<Self, ApiError> {
        principal.ensure_case_worker()?;
        let region = principal.region.as_ref().map(|r| r.as_str().to_owned());
        match (principal.role, region) {
            (Role::Helper, Some(code)) => Ok(Self::Community(code)),
            (Role::TownshipReviewer, Some(code)) => Ok(Self::Township(code)),
            (Role::DistrictSupervisor, Some(code)) => Ok(Self::District(code)),
            _ => Err(ApiError::new(ErrorCode::Forbidden)),
        }
    }

    /// The filter on a table with community, township and district code columns.
    pub fn filter<C: ColumnTrait>(&self, community: C, township: C, district: C) -> SimpleExpr {
        match self {
            Self::Community(code) => community.eq(code.as_str()),
            Self::Township(code) => township.eq(code.as_str()),
            Self::District(code) => district.eq(code.as_str()),
        }
    }

    /// Whether a record of `community` in `township` and `district` is within reach.
    pub fn covers(&self, community: &str, township: &str, district: &str) -> bool {
        match self {
            Self::Community(code) => community == code,
            Self::Township(code) => township == code,
            Self::District(code) => district == code,
        }
    }
}
