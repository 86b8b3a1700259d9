//! Whose supervision data a caller sees: a district supervisor their district, a township
//! reviewer their township. Everyone else is refused (an administrator by name: not case work).

use sea_orm::ColumnTrait;
use sea_orm::sea_query::SimpleExpr;

use super::{Principal, Refusal, Role};

#[derive(Debug, Clone)]
pub enum Area {
    District(String),
    Township(String),
}

impl Area {
    pub fn of(principal: &Principal) -> Result<Self, Refusal> {
        principal.ensure_case_worker()?;
        let region = principal.region.as_ref().map(|r| r.as_str().to_owned());
        match (principal.role, region) {
            (Role::DistrictSupervisor, Some(code)) => Ok(Self::District(code)),
            (Role::TownshipReviewer, Some(code)) => Ok(Self::Township(code)),
            _ => Err(Refusal::Forbidden),
        }
    }

    /// The filter on a table with `district_code` and `township_code` columns.
    pub fn filter<C: ColumnTrait>(&self, district: C, township: C) -> SimpleExpr {
        match self {
            Self::District(code) => district.eq(code.as_str()),
            Self::Township(code) => township.eq(code.as_str()),
        }
    }

    pub fn covers_township(&self, township: &str) -> bool {
        match self {
            Self::District(code) => township.starts_with(code.as_str()),
            Self::Township(code) => township == code,
        }
    }
}
