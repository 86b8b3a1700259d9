//! Roles, and the kinds of helper, as the API and the database name them.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::RegionLevel;

/// What an account may do. Staff roles are bound to a region of the level `region_level` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A person applying for assistance, signed in with WeChat.
    Resident,
    /// Applies and checks in on residents' behalf in one community.
    Helper,
    /// Accepts, investigates and decides applications in one township.
    TownshipReviewer,
    /// Supervises the townships of one district.
    DistrictSupervisor,
    /// Runs the platform: regions, staff accounts, catalog.
    Admin,
}

impl Role {
    pub const ALL: [Self; 5] =
        [Self::Resident, Self::Helper, Self::TownshipReviewer, Self::DistrictSupervisor, Self::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Resident => "resident",
            Self::Helper => "helper",
            Self::TownshipReviewer => "township_reviewer",
            Self::DistrictSupervisor => "district_supervisor",
            Self::Admin => "admin",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.as_str() == raw)
    }

    /// The level of region this role works in; `None` for residents and platform-wide admins.
    pub fn region_level(self) -> Option<RegionLevel> {
        match self {
            Self::Helper => Some(RegionLevel::Community),
            Self::TownshipReviewer => Some(RegionLevel::Township),
            Self::DistrictSupervisor => Some(RegionLevel::District),
            Self::Resident | Self::Admin => None,
        }
    }

    pub fn is_staff(self) -> bool {
        self != Self::Resident
    }
}

/// What kind of helper (帮办代办人员) a helper account is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HelperKind {
    /// 社工
    SocialWorker,
    /// 网格员
    GridWorker,
    /// 村(社区)救助协理员
    AssistanceCoordinator,
    /// 社区民警
    CommunityPolice,
    /// 志愿者 / 跑手
    Volunteer,
}

impl HelperKind {
    pub const ALL: [Self; 5] =
        [Self::SocialWorker, Self::GridWorker, Self::AssistanceCoordinator, Self::CommunityPolice, Self::Volunteer];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::SocialWorker => "social_worker",
            Self::GridWorker => "grid_worker",
            Self::AssistanceCoordinator => "assistance_coordinator",
            Self::CommunityPolice => "community_police",
            Self::Volunteer => "volunteer",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_match_serde() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
            assert_eq!(serde_json::to_value(role).unwrap(), role.as_str());
        }
        for kind in HelperKind::ALL {
            assert_eq!(HelperKind::parse(kind.as_str()), Some(kind));
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
        }
        assert_eq!(Role::parse("root"), None);
    }
}
