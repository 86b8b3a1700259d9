//! The document-photo policy on top of the pure pipeline: per document type, how large the
//! original must be, whether a face is looked for, which failing checks refuse the upload (the
//! rest warn). Read from `[imaging]` where a photo is processed; the gate that bounds decodes in
//! flight is the node's, built once at start-up and kept in the state.

use std::time::Duration;

use imaging::decode::{Format, Limits};
use imaging::gate::ImageGate;
use imaging::pipeline::{self, Options, Processed};
use imaging::quality::Check;

use crate::config::ImagingSettings;
use crate::documents::imaging_errors::retake;
use crate::error::{ApiError, ErrorCode, FieldCode, FieldError};
use crate::state::AppState;
use crate::vocab::DocumentType;

#[derive(Debug, thiserror::Error)]
#[error("配置错误 / imaging.reject: unknown document type `{0}`")]
pub struct PhotoConfigError(String);

/// The node's memory budget for photos in flight, per photo in flight, unless configured.
pub const MEMORY_PER_PHOTO: u64 = 40 << 20;

/// Every document type `imaging.reject` names must be one: a typo stops the server at start.
pub fn check_settings(settings: &ImagingSettings) -> Result<(), PhotoConfigError> {
    for name in settings.reject.keys() {
        document_type(name).ok_or_else(|| PhotoConfigError(name.clone()))?;
    }
    Ok(())
}

/// The node's gate: `max_in_flight` photos at once (0: one per core) in `memory_budget` bytes
/// (0: [`MEMORY_PER_PHOTO`] each).
pub fn gate(settings: &ImagingSettings) -> ImageGate {
    let in_flight = match settings.max_in_flight {
        0 => std::thread::available_parallelism().map_or(2, std::num::NonZero::get),
        n => n,
    };
    let memory_budget = match settings.memory_budget {
        0 => MEMORY_PER_PHOTO * in_flight as u64,
        n => n,
    };
    ImageGate::new(in_flight, memory_budget, Duration::from_millis(settings.queue_wait_ms))
}

fn document_type(name: &str) -> Option<DocumentType> {
    serde_json::from_value::<DocumentType>(serde_json::Value::String(name.to_owned())).ok()
}

/// The checks that refuse a photo of `doc_type` (the others only warn).
fn refusing(settings: &ImagingSettings, doc_type: DocumentType) -> &[Check] {
    settings
        .reject
        .iter()
        .find(|(name, _)| document_type(name) == Some(doc_type))
        .map(|(_, checks)| checks.as_slice())
        .unwrap_or_default()
}

pub struct Photos<'a> {
    gate: &'a ImageGate,
    settings: &'a ImagingSettings,
}

impl<'a> Photos<'a> {
    pub fn of(state: &'a AppState) -> Self {
        Self { gate: &state.image_gate, settings: &state.settings.imaging }
    }

    /// Decodes, normalises and checks a photo off the async workers, once the gate has a turn and
    /// the memory its header says it needs (over `max_image_memory`: `IMAGE_TOO_LARGE` at once);
    /// refuses it (422 with the first refusing check's code, every failing check listed) when the
    /// type's policy says so.
    pub async fn process(&self, bytes: Vec<u8>, format: Format, doc_type: DocumentType) -> Result<Processed, ApiError> {
        let settings = self.settings;
        let options = Options {
            limits: Limits {
                max_pixels: settings.max_pixels,
                max_side: settings.max_side,
                max_alloc: settings.max_decode_bytes,
            },
            stored_long: settings.stored_long_side,
            thumbnail_long: settings.thumbnail_long_side,
            quality: settings.jpeg_quality.clamp(30, 100),
            min_short: min_short(doc_type),
            detect_face: wants_face(doc_type),
        };
        let cost = pipeline::cost(&bytes, format, &options)?;
        if cost > settings.max_image_memory {
            tracing::info!(cost, "a photo would need more memory than one may have");
            return Err(ApiError::new(ErrorCode::ImageTooLarge));
        }
        let processed = self.gate.run(cost, move || pipeline::process(&bytes, format, &options)).await??;
        let refusing = refusing(settings, doc_type);
        if let Some(first) = processed.failed.iter().find(|c| refusing.contains(c)) {
            let errors = processed
                .failed
                .iter()
                .map(|&c| FieldError::new("file", FieldCode::from(c), retake(c)))
                .collect::<Vec<_>>();
            return Err(ApiError::new(ErrorCode::from(*first)).with_errors(errors));
        }
        Ok(processed)
    }
}

/// The short side an original must have to be readable.
pub fn min_short(doc_type: DocumentType) -> u32 {
    match doc_type {
        DocumentType::IdCardFront | DocumentType::IdCardBack | DocumentType::HouseholdRegister => 600,
        DocumentType::Selfie => 480,
        _ => 320,
    }
}

/// Where a face must be: the portrait side of the ID card, and selfies.
pub fn wants_face(doc_type: DocumentType) -> bool {
    matches!(doc_type, DocumentType::IdCardFront | DocumentType::Selfie)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_policy_names_known_types_and_unknown_ones_stop_the_server() {
        let mut settings = ImagingSettings::default();
        assert!(check_settings(&settings).is_ok());
        assert!(refusing(&settings, DocumentType::IdCardFront).contains(&Check::ImageBlurry));
        assert!(refusing(&settings, DocumentType::Selfie).contains(&Check::FaceNotFound));
        assert!(refusing(&settings, DocumentType::MedicalBill).is_empty(), "other types only warn");
        settings.reject.insert("id_front_typo".into(), vec![]);
        assert!(check_settings(&settings).is_err());
    }
}
