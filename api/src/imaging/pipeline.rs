//! One photo, start to finish: decode (limits, DCT scaling, orientation) → the stored image (long
//! side at most 2048 px, JPEG, no metadata) → thumbnail (320 px) → the quality measures and the
//! perceptual hash, both on a 640 px grey copy. Pure and synchronous: run it through the gate.

use super::decode::{self, Format, Limits};
use super::quality::{self, Check, Measures};
use super::{ImageError, face, phash};

/// The long side of the copy that quality checks and the perceptual hash look at.
pub const ANALYSIS_LONG: u32 = 640;

#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub limits: Limits,
    /// Long side of the stored image.
    pub stored_long: u32,
    /// Long side of the thumbnail.
    pub thumbnail_long: u32,
    /// JPEG quality of the stored image (the thumbnail uses a little less).
    pub quality: u8,
    /// Short side the original must have (`IMAGE_TOO_SMALL` under it).
    pub min_short: u32,
    /// Look for a face (`FACE_NOT_FOUND`).
    pub detect_face: bool,
}

pub struct Processed {
    pub stored: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub thumbnail: Vec<u8>,
    pub phash: u64,
    pub measures: Measures,
    /// The checks the photo fails; the document type's policy says which of them refuse it.
    pub failed: Vec<Check>,
}

pub fn process(bytes: &[u8], format: Format, options: &Options) -> Result<Processed, ImageError> {
    // Decoding may stop at 25/32 of the stored size (12 MP: 2016 px) and skip the resize.
    let min_long = options.stored_long * 25 / 32;
    let decoded = decode::decode(bytes, format, &options.limits, min_long)?;
    let stored = decoded.image.fit(options.stored_long)?;
    let stored_jpeg = stored.jpeg(options.quality)?;
    let analysis = stored.fitted(ANALYSIS_LONG)?;
    let thumbnail = analysis.fitted(options.thumbnail_long)?.jpeg(options.quality.saturating_sub(10).max(50))?;
    let gray = analysis.gray();
    let (brightness, clipped) = quality::brightness(&gray);
    let faces = if options.detect_face {
        let found = face::count(&gray);
        if found.is_none() {
            tracing::warn!("the face model did not load; the face check is skipped");
        }
        found.map(|n| u32::try_from(n).unwrap_or(u32::MAX))
    } else {
        None
    };
    let measures = Measures {
        short_side: decoded.original_width.min(decoded.original_height),
        brightness,
        clipped,
        sharpness: quality::sharpness(&gray),
        faces,
    };
    Ok(Processed {
        width: stored.width,
        height: stored.height,
        stored: stored_jpeg,
        thumbnail,
        phash: phash::phash(&gray)?,
        failed: quality::failing(&measures, options.min_short),
        measures,
    })
}
