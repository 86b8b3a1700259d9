//! The photo of a check-in: through the image pipeline with the selfie policy (a face, sharp, lit;
//! normalised, no metadata), then compared with the person's earlier check-in photos: the same
//! picture again (re-encoded, resized or recompressed included) is a replay.

use chrono::{Datelike, Utc};
use entity::checkin;
use imaging::phash;
use imaging::quality::Check;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use crate::documents::photos::Photos;
use crate::documents::sniff::{self, FileKind};
use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;
use crate::vocab::DocumentType;

const PHOTO_KINDS: [FileKind; 3] = [FileKind::Jpeg, FileKind::Png, FileKind::Webp];

/// A checked photo, ready to be stored.
pub struct Photo {
    pub stored: Vec<u8>,
    pub sha256: String,
    pub phash: u64,
    /// The checks it failed that the selfie policy does not refuse.
    pub warnings: Vec<Check>,
}

/// Decodes and checks a check-in photo; 415/422 with the pipeline's codes when it cannot be used.
pub async fn check(state: &AppState, bytes: Vec<u8>) -> Result<Photo, ApiError> {
    let format = sniff::sniff(&bytes)
        .filter(|kind| PHOTO_KINDS.contains(kind))
        .and_then(FileKind::raster)
        .ok_or_else(|| ApiError::new(ErrorCode::FileTypeUnsupported))?;
    let processed = Photos::of(state).process(bytes, format, DocumentType::Selfie).await?;
    Ok(Photo {
        stored: processed.stored,
        sha256: processed.stored_sha256,
        phash: processed.phash,
        warnings: processed.failed,
    })
}

/// An earlier check-in of the person whose photo is this one again, if any.
pub async fn replay_of(
    db: &DatabaseConnection,
    subject_index: &str,
    photo: &Photo,
    max_distance: u32,
) -> Result<Option<Uuid>, ApiError> {
    let earlier: Vec<(Uuid, i64, String)> = checkin::Entity::find()
        .select_only()
        .columns([checkin::Column::Id, checkin::Column::Phash, checkin::Column::SelfieSha256])
        .filter(checkin::Column::SubjectIndex.eq(subject_index))
        .into_tuple()
        .all(db)
        .await?;
    Ok(earlier
        .into_iter()
        .find(|(_, hash, sha)| {
            *sha == photo.sha256 || phash::distance(hash.cast_unsigned(), photo.phash) <= max_distance
        })
        .map(|(id, _, _)| id))
}

/// Stores the photo's bytes under a fresh key (the file first, then the row that names it).
pub async fn store(state: &AppState, stored: Vec<u8>) -> Result<String, ApiError> {
    let now = Utc::now();
    let key = format!("checkins/{}/{:02}/{}", now.year(), now.month(), Uuid::new_v4().as_hyphenated());
    state.storage.put(&key, stored).await?;
    Ok(key)
}
