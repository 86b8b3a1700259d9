//! Is the photo good enough to read? Measured on a grey copy 640 px on its long side, so the
//! numbers do not depend on the camera's resolution.
//!
//! Thresholds (calibrated on the photograph shipped in the `rustface` package, a scanned group
//! photo, and on copies of it blurred, darkened and brightened step by step, in
//! `pipeline::tests`; the README's "Photo checks" section has the table):
//! - sharpness: variance of the 4-neighbour Laplacian at 640 px; the photo measures 2065, blurred
//!   by ~1.5 px 347, by ~3 px 71 (faces no longer found, print unreadable), by ~4.6 px 25; under
//!   [`MIN_SHARPNESS`] is blurry;
//! - light: mean grey under [`MIN_BRIGHTNESS`] is too dark; a mean over [`MAX_BRIGHTNESS`], or more
//!   than [`MAX_CLIPPED`] of the pixels burnt white (glare on the laminate), is overexposed;
//! - size: the short side of the original under the document type's minimum (600 px for ID photos).

use serde::{Deserialize, Serialize};

use super::raster::Gray;

pub const MIN_SHARPNESS: f32 = 100.0;
pub const MIN_BRIGHTNESS: f32 = 50.0;
pub const MAX_BRIGHTNESS: f32 = 235.0;
pub const MAX_CLIPPED: f32 = 0.25;

/// A check a photo can fail. The code is stable: the name in settings (`[imaging.reject]`), in
/// stored quality records and, as the error code, in answers (the server words how to retake).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Check {
    ImageTooSmall,
    ImageBlurry,
    ImageTooDark,
    ImageOverexposed,
    FaceNotFound,
}

impl Check {
    /// Every check.
    pub const ALL: [Check; 5] =
        [Self::ImageTooSmall, Self::ImageBlurry, Self::ImageTooDark, Self::ImageOverexposed, Self::FaceNotFound];

    pub fn code(self) -> &'static str {
        match self {
            Self::ImageTooSmall => "IMAGE_TOO_SMALL",
            Self::ImageBlurry => "IMAGE_BLURRY",
            Self::ImageTooDark => "IMAGE_TOO_DARK",
            Self::ImageOverexposed => "IMAGE_OVEREXPOSED",
            Self::FaceNotFound => "FACE_NOT_FOUND",
        }
    }
}

/// What was measured.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Measures {
    /// Short side of the original, upright, in pixels.
    pub short_side: u32,
    /// Mean grey, 0–255.
    pub brightness: f32,
    /// Share of pixels burnt white (≥ 250).
    pub clipped: f32,
    /// Variance of the Laplacian at 640 px.
    pub sharpness: f32,
    /// Faces found, when looked for.
    pub faces: Option<u32>,
}

pub fn brightness(gray: &Gray) -> (f32, f32) {
    let n = gray.pixels.len().max(1) as f32;
    let sum: u64 = gray.pixels.iter().map(|&p| u64::from(p)).sum();
    let clipped = gray.pixels.iter().filter(|&&p| p >= 250).count() as f32;
    (sum as f32 / n, clipped / n)
}

/// Variance of the 4-neighbour Laplacian over the inner pixels.
pub fn sharpness(gray: &Gray) -> f32 {
    let (w, h) = (gray.width as usize, gray.height as usize);
    if w < 3 || h < 3 {
        return 0.0;
    }
    let p = &gray.pixels;
    let (mut sum, mut sum_sq, mut n) = (0f64, 0f64, 0f64);
    for y in 1..h - 1 {
        let row = y * w;
        for x in 1..w - 1 {
            let i = row + x;
            let lap = i32::from(p[i - 1]) + i32::from(p[i + 1]) + i32::from(p[i - w]) + i32::from(p[i + w])
                - 4 * i32::from(p[i]);
            let lap = f64::from(lap);
            sum += lap;
            sum_sq += lap * lap;
            n += 1.0;
        }
    }
    let mean = sum / n;
    (sum_sq / n - mean * mean) as f32
}

/// The checks the measures fail, for a document whose short side must be `min_short` or more.
pub fn failing(measures: &Measures, min_short: u32) -> Vec<Check> {
    let mut failed = Vec::new();
    if measures.short_side < min_short {
        failed.push(Check::ImageTooSmall);
    }
    if measures.brightness < MIN_BRIGHTNESS {
        failed.push(Check::ImageTooDark);
    } else if measures.brightness > MAX_BRIGHTNESS || measures.clipped > MAX_CLIPPED {
        failed.push(Check::ImageOverexposed);
    }
    // A very dark picture has little contrast; it is "too dark" first, not also "blurry".
    if measures.sharpness < MIN_SHARPNESS && !failed.contains(&Check::ImageTooDark) {
        failed.push(Check::ImageBlurry);
    }
    if measures.faces == Some(0) {
        failed.push(Check::FaceNotFound);
    }
    failed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measures() -> Measures {
        Measures { short_side: 1512, brightness: 128.0, clipped: 0.01, sharpness: 400.0, faces: None }
    }

    #[test]
    fn settings_names_and_codes_agree() {
        for check in Check::ALL {
            assert_eq!(serde_json::to_value(check).unwrap(), check.code(), "the name in [imaging.reject]");
        }
    }

    #[test]
    fn a_good_photo_fails_nothing() {
        assert!(failing(&measures(), 600).is_empty());
    }

    #[test]
    fn each_problem_is_named() {
        assert_eq!(failing(&Measures { short_side: 480, ..measures() }, 600), [Check::ImageTooSmall]);
        assert_eq!(failing(&Measures { sharpness: 12.0, ..measures() }, 600), [Check::ImageBlurry]);
        assert_eq!(failing(&Measures { brightness: 20.0, sharpness: 5.0, ..measures() }, 600), [Check::ImageTooDark]);
        assert_eq!(failing(&Measures { clipped: 0.6, ..measures() }, 600), [Check::ImageOverexposed]);
        assert_eq!(failing(&Measures { faces: Some(0), ..measures() }, 600), [Check::FaceNotFound]);
        assert!(failing(&Measures { faces: Some(1), ..measures() }, 600).is_empty());
    }

    #[test]
    fn flat_pictures_have_no_sharpness_and_edges_have_much() {
        let flat = Gray { width: 64, height: 64, pixels: vec![100; 64 * 64] };
        assert_eq!(sharpness(&flat), 0.0);
        let checker = Gray {
            width: 64,
            height: 64,
            pixels: (0..64 * 64u32).map(|i| if (i / 64 + i % 64) % 2 == 0 { 0 } else { 255 }).collect(),
        };
        assert!(sharpness(&checker) > 10_000.0);
        assert_eq!(brightness(&flat), (100.0, 0.0));
    }
}
