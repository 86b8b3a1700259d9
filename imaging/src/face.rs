//! Whether a face is in a picture: SeetaFace's frontal detector (pure Rust, `rustface`), with the
//! model the crate ships in its package, embedded at build time (see `build.rs`).

use std::cell::RefCell;
use std::sync::OnceLock;

use super::raster::Gray;

static MODEL_BYTES: &[u8] = include_bytes!(env!("JIUZHU_FACE_MODEL"));

/// The `rustface` package directory this build took the model from (tests use its sample photo).
pub const RUSTFACE_PACKAGE: &str = env!("JIUZHU_RUSTFACE_DIR");

/// Smallest face looked for, in pixels of the analysed picture (640 px on its long side).
const MIN_FACE: u32 = 40;

fn model() -> Option<&'static rustface::Model> {
    static MODEL: OnceLock<Option<rustface::Model>> = OnceLock::new();
    MODEL.get_or_init(|| rustface::read_model(MODEL_BYTES).ok()).as_ref()
}

thread_local! {
    static DETECTOR: RefCell<Option<Box<dyn rustface::Detector>>> = const { RefCell::new(None) };
}

/// The number of faces found, or `None` if the model could not be loaded (then the check is
/// skipped and logged, never a failed upload).
#[tracing::instrument(level = "debug", skip_all, fields(width = gray.width, height = gray.height))]
pub fn count(gray: &Gray) -> Option<usize> {
    DETECTOR.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            let mut detector = rustface::create_detector_with_model(model()?.clone());
            detector.set_min_face_size(MIN_FACE);
            detector.set_score_thresh(2.0);
            detector.set_pyramid_scale_factor(0.8);
            detector.set_slide_window_step(4, 4);
            *slot = Some(detector);
        }
        let detector = slot.as_mut()?;
        let image = rustface::ImageData::new(&gray.pixels, gray.width, gray.height);
        Some(detector.detect(&image).len())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_model_loads_and_an_empty_picture_has_no_face() {
        assert!(model().is_some());
        let blank = Gray { width: 320, height: 240, pixels: vec![128; 320 * 240] };
        assert_eq!(count(&blank), Some(0));
    }
}
