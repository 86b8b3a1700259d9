use chrono::{DateTime, Utc};
use entity::region;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::vocab::RegionLevel;

/// A region to create. Its level and parent follow from the code.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"code": "500199001003", "name": "东风社区"}))]
pub struct RegionIn {
    /// 6 digits for a district (GB/T 2260), 9 for a township, 12 for a community; a township's
    /// code starts with its district's, a community's with its township's.
    #[schema(min_length = 6, max_length = 12, pattern = "^[0-9]{6}([0-9]{3}){0,2}$")]
    pub code: String,
    /// The name in Chinese, 1 to 64 characters.
    #[schema(min_length = 1, max_length = 64)]
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RegionOut {
    pub code: String,
    pub name: String,
    pub level: RegionLevel,
    pub parent_code: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<region::Model> for RegionOut {
    fn from(row: region::Model) -> Self {
        Self {
            level: RegionLevel::parse(&row.level).unwrap_or(RegionLevel::Community),
            code: row.code,
            name: row.name,
            parent_code: row.parent_code,
            created_at: row.created_at,
        }
    }
}

/// A region with the regions inside it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RegionNode {
    pub code: String,
    pub name: String,
    pub level: RegionLevel,
    #[schema(no_recursion)]
    pub children: Vec<RegionNode>,
}

/// The tree, or the subtree under `root`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RegionTreeOut {
    pub items: Vec<RegionNode>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RegionTreeQuery {
    /// Only the subtree under this region (e.g. one district for a community picker).
    pub root: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RegionListQuery {
    /// Only the direct children of this region.
    #[param(pattern = "^[0-9]{6,12}$")]
    pub parent: Option<String>,
    /// Only regions of this level.
    pub level: Option<RegionLevel>,
    /// The `next_cursor` of the previous page.
    #[param(pattern = "^[0-9]{6,12}$")]
    pub cursor: Option<String>,
    /// Page size, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
}
