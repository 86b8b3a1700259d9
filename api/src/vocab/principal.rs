//! Who is calling, as a value: the account, its role and the region a member of staff works in.
//! The HTTP extractor that makes one from a verified token is `auth::principal`.

use uuid::Uuid;

use super::{RegionCode, Role};

/// A signed-in caller, from a verified access token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub account_id: Uuid,
    pub role: Role,
    /// The region a member of staff works in.
    pub region: Option<RegionCode>,
}

/// Why a caller is turned away from something they reached (a 403 at the HTTP edge).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Not theirs to do (403 `FORBIDDEN`).
    Forbidden,
    /// A platform administrator reaching for case work (403 `ADMIN_NOT_CASE_WORKER`).
    AdminNotCaseWorker,
}

impl Principal {
    /// Whether the caller may act on things in `region`: an admin anywhere (for platform work:
    /// staff lists, service points), staff inside their own region, residents nowhere by region
    /// (they reach their own records by ownership). Case data asks `ensure_case_worker` as well.
    pub fn covers(&self, region: &RegionCode) -> bool {
        match self.role {
            Role::Admin => true,
            Role::Resident => false,
            _ => self.region.as_ref().is_some_and(|own| own.contains(region)),
        }
    }

    /// `covers`, as a refusal for the caller.
    pub fn ensure_covers(&self, region: &RegionCode) -> Result<(), Refusal> {
        if self.covers(region) { Ok(()) } else { Err(Refusal::Forbidden) }
    }

    /// Refuses platform administrators: they run regions, staff, the catalogue and service points,
    /// and are not case workers, so they read no one's case file, lead, selfie or ledger.
    pub fn ensure_case_worker(&self) -> Result<(), Refusal> {
        if self.role == Role::Admin { Err(Refusal::AdminNotCaseWorker) } else { Ok(()) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(role: Role, region: Option<&str>) -> Principal {
        Principal { account_id: Uuid::nil(), role, region: region.map(|r| RegionCode::parse(r).unwrap()) }
    }

    #[test]
    fn each_role_covers_its_own_region_only() {
        let community_a = RegionCode::parse("500116001001").unwrap();
        let community_b = RegionCode::parse("500116002001").unwrap();
        let other_district = RegionCode::parse("500117001001").unwrap();
        let helper = principal(Role::Helper, Some("500116001001"));
        let reviewer = principal(Role::TownshipReviewer, Some("500116001"));
        let supervisor = principal(Role::DistrictSupervisor, Some("500116"));
        let admin = principal(Role::Admin, None);
        let resident = principal(Role::Resident, None);
        assert!(helper.covers(&community_a) && !helper.covers(&community_b));
        assert!(reviewer.covers(&community_a) && !reviewer.covers(&community_b));
        assert!(supervisor.covers(&community_b) && !supervisor.covers(&other_district));
        assert!(admin.covers(&other_district));
        assert!(!resident.covers(&community_a));
        assert_eq!(helper.ensure_covers(&community_b), Err(Refusal::Forbidden));
    }

    #[test]
    fn an_admin_is_refused_case_work_by_name() {
        assert_eq!(principal(Role::Admin, None).ensure_case_worker(), Err(Refusal::AdminNotCaseWorker));
        assert_eq!(principal(Role::Resident, None).ensure_case_worker(), Ok(()));
    }
}
