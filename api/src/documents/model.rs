use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::vocab::DocumentType;

/// The multipart form of an upload (`wx.uploadFile` with `name: "file"` and `formData`).
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// The photo or PDF; its type is decided from its bytes: JPEG, PNG, WebP or PDF.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    #[schema(rename = "type")]
    r#type: DocumentType,
    /// The member the document belongs to (ID photos: the applicant); empty or absent: none.
    #[schema(value_type = Option<String>, pattern = "^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})?$")]
    member_id: Option<Uuid>,
    /// Made by the phone, so a retried upload is stored once; empty or absent: the server makes one.
    #[schema(value_type = Option<String>, pattern = "^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})?$")]
    id: Option<Uuid>,
}

/// Attach a document from the applicant's wallet instead of uploading it again.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReuseIn {
    pub document_id: Uuid,
    #[serde(rename = "type")]
    pub r#type: DocumentType,
    pub member_id: Option<Uuid>,
}

/// A document in a resident's wallet.
#[derive(Debug, Serialize, ToSchema)]
pub struct WalletDocumentOut {
    pub id: Uuid,
    #[serde(rename = "type")]
    pub r#type: String,
    pub content_type: String,
    pub byte_size: i64,
    pub sha256: String,
    pub width: Option<i32>,
    pub height: Option<i32>,
    /// A 320 px thumbnail exists (`/api/v1/me/documents/{id}/content?size=thumbnail`).
    pub thumbnail: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WalletOut {
    pub items: Vec<WalletDocumentOut>,
}

/// Which copy of a document to serve.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ContentSize {
    /// The stored document (photos: normalised, at most 2048 px).
    #[default]
    Full,
    /// The 320 px thumbnail (photos only).
    Thumbnail,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ContentQuery {
    /// `full` (default) or `thumbnail`.
    #[param(inline)]
    pub size: Option<ContentSize>,
}
