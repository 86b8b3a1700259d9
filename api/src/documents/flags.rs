//! Near-duplicate photos across households. One ID card photo (or one medical bill) turning up on
//! several households' applications is a classic fraud; a reviewer should see it. When a photo is
//! attached, documents whose perceptual hash is within [`MAX_DISTANCE`] bits are looked up through
//! the indexed 16-bit bands, and each application of another person they are attached to is
//! recorded in `document_flags` (once). Applicants never see flags; reviewers do.

use std::collections::HashSet;

use chrono::Utc;
use entity::{application, application_document, document, document_flag, household_member};
use imaging::phash;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::ApiError;
use crate::vocab::Relation;

/// Bits two perceptual hashes may differ by and still be "the same picture". Measured on crops of
/// a real photograph: re-saved at JPEG quality 60 or resized, 0–2 bits; different crops, 26–34.
pub const MAX_DISTANCE: u32 = 4;

/// A near-duplicate, as a reviewer sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct FlagOut {
    /// The document of this application.
    pub document_id: Uuid,
    /// The look-alike and the other application it is on.
    pub matched_document_id: Uuid,
    pub matched_application_id: Uuid,
    pub matched_application_number: Option<String>,
    /// Differing bits of the 64-bit perceptual hashes (0: the same picture).
    pub distance: i16,
}

/// Records the near-duplicates of `doc` (attached to `app`) on other people's applications.
pub async fn check(
    db: &impl ConnectionTrait,
    app: &application::Model,
    doc: &document::Model,
) -> Result<usize, ApiError> {
    let Some(hash) = doc.phash else { return Ok(0) };
    let [b0, b1, b2, b3] = phash::bands(hash.cast_unsigned());
    let candidates = document::Entity::find()
        .filter(
            Condition::any()
                .add(document::Column::PhashB0.eq(b0))
                .add(document::Column::PhashB1.eq(b1))
                .add(document::Column::PhashB2.eq(b2))
                .add(document::Column::PhashB3.eq(b3)),
        )
        .filter(document::Column::Id.ne(doc.id))
        .limit(500)
        .all(db)
        .await?;
    let near: Vec<(Uuid, u32)> = candidates
        .iter()
        .filter_map(|c| {
            let distance = phash::distance(hash.cast_unsigned(), c.phash?.cast_unsigned());
            (distance <= MAX_DISTANCE).then_some((c.id, distance))
        })
        .collect();
    if near.is_empty() {
        return Ok(0);
    }
    let ours = applicant_index(db, app.id).await?;
    let mut recorded = 0;
    for (matched, distance) in near {
        let others = application_document::Entity::find()
            .filter(application_document::Column::DocumentId.eq(matched))
            .filter(application_document::Column::ApplicationId.ne(app.id))
            .all(db)
            .await?;
        for other in others {
            let Some(other_app) = application::Entity::find_by_id(other.application_id).one(db).await? else {
                continue;
            };
            let same_account =
                app.subject_account_id.is_some() && app.subject_account_id == other_app.subject_account_id;
            let same_person = ours.is_some() && ours == applicant_index(db, other_app.id).await?;
            if same_account || same_person {
                continue;
            }
            let flag = document_flag::ActiveModel {
                id: Set(Uuid::now_v7()),
                application_id: Set(app.id),
                document_id: Set(doc.id),
                matched_document_id: Set(matched),
                matched_application_id: Set(other_app.id),
                distance: Set(i16::try_from(distance).unwrap_or(i16::MAX)),
                created_at: Set(Utc::now()),
            };
            document_flag::Entity::insert(flag)
                .on_conflict(
                    OnConflict::columns([
                        document_flag::Column::ApplicationId,
                        document_flag::Column::DocumentId,
                        document_flag::Column::MatchedDocumentId,
                        document_flag::Column::MatchedApplicationId,
                    ])
                    .do_nothing()
                    .to_owned(),
                )
                .exec_without_returning(db)
                .await?;
            recorded += 1;
        }
    }
    if recorded > 0 {
        tracing::info!(application = %app.id, document = %doc.id, recorded, "near-duplicate photos flagged for review");
    }
    Ok(recorded)
}

/// The flags of an application, for reviewers.
pub async fn of_application(db: &impl ConnectionTrait, application_id: Uuid) -> Result<Vec<FlagOut>, ApiError> {
    let rows =
        document_flag::Entity::find().filter(document_flag::Column::ApplicationId.eq(application_id)).all(db).await?;
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        if !seen.insert((row.document_id, row.matched_document_id, row.matched_application_id)) {
            continue;
        }
        let number = application::Entity::find_by_id(row.matched_application_id).one(db).await?.and_then(|a| a.number);
        out.push(FlagOut {
            document_id: row.document_id,
            matched_document_id: row.matched_document_id,
            matched_application_id: row.matched_application_id,
            matched_application_number: number,
            distance: row.distance,
        });
    }
    Ok(out)
}

/// The blind index of the applicant's ID number (who the application is for), if entered.
async fn applicant_index(db: &impl ConnectionTrait, application_id: Uuid) -> Result<Option<String>, ApiError> {
    Ok(household_member::Entity::find()
        .filter(household_member::Column::ApplicationId.eq(application_id))
        .filter(household_member::Column::Relation.eq(Relation::Applicant.as_str()))
        .one(db)
        .await?
        .map(|m| m.id_number_index))
}
