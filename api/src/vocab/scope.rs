//! The part of the region tree a member of staff works on: a helper their community, a township
//! reviewer their township, a district supervisor their district. Residents reach only their own
//! records (by ownership, not by region) and administrators do no case work, so neither has one.
//! Every list and check of "is this record theirs" goes through here; the rule is written once.

use sea_orm::ColumnTrait;
use sea_orm::sea_query::{Expr, SimpleExpr};

use super::{Principal, Refusal, Role};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Community(String),
    Township(String),
    District(String),
}

impl Scope {
    /// A case worker's scope; administrators are refused by name, residents as anyone else.
    pub fn of(principal: &Principal) -> Result<Self, Refusal> {
        principal.ensure_case_worker()?;
        let region = principal.region.as_ref().map(|r| r.as_str().to_owned());
        match (principal.role, region) {
            (Role::Helper, Some(code)) => Ok(Self::Community(code)),
            (Role::TownshipReviewer, Some(code)) => Ok(Self::Township(code)),
            (Role::DistrictSupervisor, Some(code)) => Ok(Self::District(code)),
            _ => Err(Refusal::Forbidden),
        }
    }

    /// The scope of one who oversees (supervision data, figures, warnings): a township reviewer
    /// or a district supervisor; helpers are refused too.
    pub fn overseer(principal: &Principal) -> Result<Self, Refusal> {
        match Self::of(principal)? {
            Self::Community(_) => Err(Refusal::Forbidden),
            scope => Ok(scope),
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

    /// The filter on a table that records townships and districts but no community (tickets,
    /// samples, leads): nothing for a community's scope.
    pub fn filter_above_community<C: ColumnTrait>(&self, township: C, district: C) -> SimpleExpr {
        match self {
            Self::Community(_) => Expr::value(false),
            Self::Township(code) => township.eq(code.as_str()),
            Self::District(code) => district.eq(code.as_str()),
        }
    }

    /// The filter on a table that records only a township code (its district is its prefix).
    pub fn filter_by_township<C: ColumnTrait>(&self, township: C) -> SimpleExpr {
        match self {
            Self::Community(_) => Expr::value(false),
            Self::Township(code) => township.eq(code.as_str()),
            Self::District(code) => township.starts_with(code.as_str()),
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

    /// Whether records of `township` are within reach (a community's scope is narrower).
    pub fn covers_township(&self, township: &str) -> bool {
        match self {
            Self::Community(_) => false,
            Self::Township(code) => township == code,
            Self::District(code) => township.starts_with(code.as_str()),
        }
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;
    use crate::vocab::RegionCode;

    fn principal(role: Role, region: Option<&str>) -> Principal {
        Principal { account_id: Uuid::nil(), role, region: region.map(|r| RegionCode::parse(r).unwrap()) }
    }

    #[test]
    fn each_role_has_its_own_scope() {
        let helper = principal(Role::Helper, Some("500116001001"));
        assert_eq!(Scope::of(&helper), Ok(Scope::Community("500116001001".into())));
        assert_eq!(Scope::overseer(&helper), Err(Refusal::Forbidden));
        let reviewer = principal(Role::TownshipReviewer, Some("500116001"));
        assert_eq!(Scope::overseer(&reviewer), Ok(Scope::Township("500116001".into())));
        assert_eq!(Scope::of(&principal(Role::Admin, None)), Err(Refusal::AdminNotCaseWorker));
        assert_eq!(Scope::of(&principal(Role::Resident, None)), Err(Refusal::Forbidden));
    }

    #[test]
    fn a_district_covers_its_townships_and_a_township_only_itself() {
        let district = Scope::District("500116".into());
        assert!(district.covers_township("500116001") && !district.covers_township("500117001"));
        let township = Scope::Township("500116001".into());
        assert!(township.covers("500116001001", "500116001", "500116"));
        assert!(!township.covers("500116002001", "500116002", "500116"));
        assert!(!Scope::Community("500116001001".into()).covers_township("500116001"));
    }
}
