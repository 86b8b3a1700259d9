use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// The text to show before signing.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuthorizationTextOut {
    pub version: String,
    pub text: String,
    /// Send it back with the signature: it proves which text was shown.
    pub sha256: String,
    pub scopes: Vec<ScopeOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScopeOut {
    pub code: String,
    pub name: String,
}

/// In what capacity someone signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Capacity {
    /// For themselves only.
    #[serde(rename = "self")]
    Own,
    /// For members in their care (minors, people without capacity).
    Guardian,
    /// For members who asked them to sign (委托).
    Delegate,
}

impl Capacity {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Own => "self",
            Self::Guardian => "guardian",
            Self::Delegate => "delegate",
        }
    }
}

/// A signature on the phone's canvas (`wx.canvasToTempFilePath`, uploaded as a document of type
/// `signature`), with what it agrees to. The id is made by the phone: the same request again
/// returns the same authorization; other content is a 409.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuthorizationIn {
    pub id: Uuid,
    #[schema(max_length = 16)]
    pub text_version: String,
    #[schema(min_length = 64, max_length = 64, pattern = "^[0-9a-f]{64}$")]
    pub text_sha256: String,
    /// Scope codes from `GET /api/v1/authorization-text`; at least one.
    #[schema(min_items = 1, max_items = 8)]
    pub scope: Vec<String>,
    /// The household member who signs.
    pub signer_member_id: Uuid,
    pub capacity: Capacity,
    /// For a guardian or delegate: their relation to those covered, e.g. 女儿.
    #[schema(max_length = 32)]
    pub relation: Option<String>,
    /// Members the signature covers; `self` covers exactly the signer.
    #[schema(min_items = 1, max_items = 20)]
    pub covers: Vec<Uuid>,
    /// The handwritten signature: the canvas PNG uploaded first with
    /// `POST /api/v1/applications/{id}/documents` and `type=signature`.
    pub signature_document_id: Uuid,
    /// The phone model and system, e.g. from `wx.getDeviceInfo`.
    #[schema(max_length = 128)]
    pub device: Option<String>,
}

/// Why a signature is withdrawn.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeIn {
    #[schema(min_length = 2, max_length = 200)]
    pub reason: String,
}
