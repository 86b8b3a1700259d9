//! A signed authorization (授权书) for the economic check. Immutable once signed: revocation sets
//! `revoked_at`, nothing is deleted.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "authorizations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub application_id: Uuid,
    pub text_version: String,
    /// SHA-256 of the exact text shown, hex.
    pub text_hash: String,
    /// Which data may be checked (JSON array of scope codes).
    pub scope: Json,
    pub signer_member_id: Uuid,
    /// `self`, `guardian` or `delegate`.
    pub signer_capacity: String,
    /// For a guardian or delegate: the relation to those covered, e.g. 女儿.
    pub signer_relation: Option<String>,
    /// The member ids whose data the signature covers (JSON array).
    pub covers: Json,
    /// The handwritten signature image (PNG) as a document.
    pub signature_document_id: Uuid,
    pub device: Option<String>,
    /// The account that sent it (the resident or the helper holding the phone).
    pub recorded_by: Uuid,
    pub signed_at: DateTimeUtc,
    pub revoked_at: Option<DateTimeUtc>,
    pub revoked_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
