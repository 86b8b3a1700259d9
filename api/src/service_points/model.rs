use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::catalog::model::AidItemOut;

/// A service point to create (admin). The id is made by the client: sending the same request
/// again returns the same point.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"id": "0190f1c4-8a43-7d2e-a3c1-2f5b7c9d0e11", "community_code": "500199001001", "name": "和平社区便民服务站"}))]
pub struct ServicePointIn {
    pub id: Uuid,
    /// A community (12-digit region code).
    #[schema(min_length = 12, max_length = 12, pattern = "^[0-9]{12}$")]
    pub community_code: String,
    #[schema(min_length = 1, max_length = 64)]
    pub name: String,
    /// When the printed code stops working; none: until revoked.
    pub expires_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ServicePointOut {
    pub id: Uuid,
    pub community_code: String,
    pub name: String,
    /// What the QR code carries; scan it with `POST /api/v1/scan`.
    pub token: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A scanned code.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScanIn {
    /// The text in the QR code, as `wx.scanCode` returns it.
    #[schema(min_length = 1, max_length = 256)]
    pub token: String,
}

/// A region named in a scan.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlaceOut {
    pub code: String,
    pub name: String,
}

/// Where the code was scanned and what can be applied for there: the application opens with the
/// community, township and district filled in.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScanOut {
    pub service_point_id: Uuid,
    pub service_point_name: String,
    pub community: PlaceOut,
    pub township: PlaceOut,
    pub district: PlaceOut,
    pub catalog: Vec<AidItemOut>,
}
