//! One application with everything in it, as its readers see it (ID numbers masked).

use std::collections::HashMap;

use chrono::Utc;
use entity::{
    aid_item, application, application_document, application_item, authorization, document, household_member,
};
use imaging::quality::Check;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::model::{
    ActorOut, ApplicationOut, AttachmentOut, AuthorizationOut, HouseholdIn, ItemOut, MemberFactsOut, MemberOut,
    PhotoWarningOut,
};
use crate::error::ApiError;
use crate::vocab::DocumentType;
use crate::vocab::{HelperKind, Role};
use crate::vocab::{ItemStatus, Relation, Status};

/// Everything an application holds besides its own row, as stored.
#[derive(Default)]
pub struct Parts {
    pub items: Vec<application_item::Model>,
    pub catalog: Vec<aid_item::Model>,
    pub members: Vec<household_member::Model>,
    pub attachments: Vec<application_document::Model>,
    pub documents: Vec<document::Model>,
    pub authorizations: Vec<authorization::Model>,
}

impl Parts {
    pub async fn load(db: &impl ConnectionTrait, application_id: Uuid) -> Result<Self, ApiError> {
        let mut parts = Self::load_many(db, &[application_id]).await?;
        Ok(parts.remove(&application_id).unwrap_or_default())
    }

    /// The parts of many applications in four queries, by application.
    pub async fn load_many(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<HashMap<Uuid, Self>, ApiError> {
        let mut out: HashMap<Uuid, Self> = ids.iter().map(|id| (*id, Self::default())).collect();
        let items = application_item::Entity::find()
            .find_also_related(aid_item::Entity)
            .filter(application_item::Column::ApplicationId.is_in(ids.iter().copied()))
            .order_by_asc(aid_item::Column::SortOrder)
            .all(db)
            .await?;
        for (item, catalog) in items {
            if let Some(parts) = out.get_mut(&item.application_id) {
                parts.catalog.extend(catalog);
                parts.items.push(item);
            }
        }
        let members = household_member::Entity::find()
            .filter(household_member::Column::ApplicationId.is_in(ids.iter().copied()))
            .order_by_asc(household_member::Column::CreatedAt)
            .all(db)
            .await?;
        for member in members {
            if let Some(parts) = out.get_mut(&member.application_id) {
                parts.members.push(member);
            }
        }
        let attachments = application_document::Entity::find()
            .find_also_related(document::Entity)
            .filter(application_document::Column::ApplicationId.is_in(ids.iter().copied()))
            .order_by_asc(application_document::Column::AttachedAt)
            .all(db)
            .await?;
        for (attachment, doc) in attachments {
            if let Some(parts) = out.get_mut(&attachment.application_id) {
                parts.documents.extend(doc);
                parts.attachments.push(attachment);
            }
        }
        let authorizations = authorization::Entity::find()
            .filter(authorization::Column::ApplicationId.is_in(ids.iter().copied()))
            .order_by_asc(authorization::Column::SignedAt)
            .all(db)
            .await?;
        for signed in authorizations {
            if let Some(parts) = out.get_mut(&signed.application_id) {
                parts.authorizations.push(signed);
            }
        }
        Ok(out)
    }
}

pub async fn load(db: &DatabaseConnection, app: application::Model) -> Result<ApplicationOut, ApiError> {
    let parts = Parts::load(db, app.id).await?;
    Ok(assemble(app, parts))
}

/// The response from the row and its parts, without touching the database.
pub fn assemble(app: application::Model, parts: Parts) -> ApplicationOut {
    let Parts { items, catalog, members, attachments, documents, authorizations } = parts;
    let today = Utc::now().date_naive();
    ApplicationOut {
        items: catalog
            .iter()
            .filter_map(|row| {
                let item = items.iter().find(|i| i.item_code == row.code)?;
                Some(ItemOut {
                    code: row.code.clone(),
                    name: row.name.clone(),
                    department: item.department.clone(),
                    status: ItemStatus::parse(&item.status).unwrap_or(ItemStatus::Draft),
                    time_limit_working_days: item.time_limit_working_days,
                    due_date: item.due_date,
                    sla_state: item.sla_state.clone(),
                    version: item.version,
                    amount_fen: item.amount_fen,
                    reasons: item.reasons.clone().and_then(|r| serde_json::from_value(r).ok()),
                    decided_at: item.decided_at,
                })
            })
            .collect(),
        members: members.into_iter().map(|m| member_out(m, today)).collect(),
        documents: attachments
            .into_iter()
            .filter_map(|row| {
                let doc = documents.iter().find(|d| d.id == row.document_id)?;
                attachment_out(row, doc)
            })
            .collect(),
        authorizations: authorizations.into_iter().map(authorization_out).collect(),
        id: app.id,
        number: app.number,
        status: Status::parse(&app.status).unwrap_or(Status::Draft),
        community_code: app.community_code,
        township_code: app.township_code,
        district_code: app.district_code,
        service_point_id: app.service_point_id,
        subject_account_id: app.subject_account_id,
        actor: ActorOut {
            account_id: app.actor_account_id,
            role: Role::parse(&app.actor_role).unwrap_or(Role::Resident),
            helper_kind: app.actor_helper_kind.as_deref().and_then(HelperKind::parse),
            organisation: app.actor_organisation,
        },
        contact_phone: app.contact_phone,
        household: serde_json::from_value::<HouseholdIn>(app.household).unwrap_or_default(),
        note: app.note,
        version: app.version,
        created_at: app.created_at,
        updated_at: app.updated_at,
        submitted_at: app.submitted_at,
        review_flags: None,
        aid_flags: None,
    }
}

pub fn member_out(m: household_member::Model, today: chrono::NaiveDate) -> MemberOut {
    MemberOut {
        age: today.years_since(m.birth_date).unwrap_or(0),
        id: m.id,
        name: m.name,
        relation: Relation::parse(&m.relation).unwrap_or(Relation::Other),
        id_number_masked: m.id_number_masked,
        birth_date: m.birth_date,
        facts: serde_json::from_value::<MemberFactsOut>(m.facts).unwrap_or_default(),
    }
}

/// An attachment as readers see it; `None` for a type this server does not know.
pub fn attachment_out(row: application_document::Model, doc: &document::Model) -> Option<AttachmentOut> {
    Some(AttachmentOut {
        r#type: serde_json::from_value::<DocumentType>(serde_json::Value::String(row.doc_type)).ok()?,
        document_id: row.document_id,
        member_id: row.member_id,
        content_type: doc.content_type.clone(),
        byte_size: doc.byte_size,
        sha256: doc.sha256.clone(),
        width: doc.width,
        height: doc.height,
        thumbnail: doc.thumbnail_key.is_some(),
        warnings: warnings(doc),
        attached_at: row.attached_at,
    })
}

/// The failed checks recorded with a photo, with what to do about each.
pub fn warnings(doc: &document::Model) -> Vec<PhotoWarningOut> {
    let failed = doc.quality.as_ref().and_then(|q| q.get("failed")).cloned().unwrap_or_default();
    serde_json::from_value::<Vec<Check>>(failed).unwrap_or_default().into_iter().map(PhotoWarningOut::from).collect()
}

pub fn authorization_out(row: authorization::Model) -> AuthorizationOut {
    AuthorizationOut {
        id: row.id,
        text_version: row.text_version,
        text_hash: row.text_hash,
        scope: serde_json::from_value(row.scope).unwrap_or_default(),
        signer_member_id: row.signer_member_id,
        signer_capacity: row.signer_capacity,
        signer_relation: row.signer_relation,
        covers: serde_json::from_value(row.covers).unwrap_or_default(),
        signature_document_id: row.signature_document_id,
        device: row.device,
        signed_at: row.signed_at,
        revoked_at: row.revoked_at,
        revoked_reason: row.revoked_reason,
    }
}
