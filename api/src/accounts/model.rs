use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::vocab::{HelperKind, Role};

/// A member of staff to create (admin).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "username": "wang.fang", "display_name": "王芳", "role": "helper", "region_code": "500199001001",
    "helper_kind": "grid_worker", "organisation": "和平社区网格站", "password": "Lanterns-at-dusk-7"
}))]
pub struct StaffIn {
    /// 3 to 32 characters: letters, digits, `.`, `_`, `-` (stored in lower case).
    #[schema(min_length = 3, max_length = 32, pattern = "^[A-Za-z0-9._-]{3,32}$")]
    pub username: String,
    #[schema(min_length = 1, max_length = 32)]
    pub display_name: String,
    /// Any role but `resident`.
    pub role: Role,
    /// Required for helpers (a community), township reviewers (a township) and district
    /// supervisors (a district); must be absent for admins.
    pub region_code: Option<String>,
    /// Required for helpers, absent otherwise.
    pub helper_kind: Option<HelperKind>,
    /// The helper's organisation, e.g. a social-work centre or a police station.
    #[schema(max_length = 64)]
    pub organisation: Option<String>,
    /// 10 to 128 characters with letters and digits, not containing the username.
    #[schema(min_length = 10, max_length = 128)]
    pub password: String,
}

/// Changes to a member of staff (admin). Absent fields stay as they are; an empty
/// `organisation` clears it. Changing the role or region is audited.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffPatch {
    #[schema(min_length = 1, max_length = 32)]
    pub display_name: Option<String>,
    pub role: Option<Role>,
    pub region_code: Option<String>,
    pub helper_kind: Option<HelperKind>,
    #[schema(max_length = 64)]
    pub organisation: Option<String>,
    /// `false` switches the account off and ends all its sign-ins.
    pub active: Option<bool>,
    /// A new password (a reset); ends all the account's sign-ins.
    #[schema(min_length = 10, max_length = 128)]
    pub password: Option<String>,
}

/// The caller changes their own password (staff).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChangeIn {
    #[schema(min_length = 1, max_length = 128)]
    pub current_password: String,
    #[schema(min_length = 10, max_length = 128)]
    pub new_password: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StaffListQuery {
    /// Only staff of this role.
    pub role: Option<Role>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<Uuid>,
    /// Page size, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
}
