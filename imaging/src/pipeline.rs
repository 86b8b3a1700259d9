//! One photo, start to finish: decode (limits, DCT scaling, orientation) → the stored image (long
//! side at most 2048 px, JPEG, no metadata) and its SHA-256 → thumbnail (320 px) → the quality
//! measures and the perceptual hash, both on a 640 px grey copy. Pure and synchronous: run it
//! through the gate, which reserves its [`cost`] first.

use super::decode::{self, Format, Limits};
use super::quality::{self, Check, Measures};
use super::raster::fit_size;
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

impl Default for Options {
    /// The server's defaults (`[imaging]`), with no size minimum and no face detection.
    fn default() -> Self {
        Self {
            limits: Limits { max_pixels: 64_000_000, max_side: 20_000, max_alloc: 256 << 20 },
            stored_long: 2048,
            thumbnail_long: 320,
            quality: 82,
            min_short: 0,
            detect_face: false,
        }
    }
}

pub struct Processed {
    pub stored: Vec<u8>,
    /// SHA-256 of `stored`, hex.
    pub stored_sha256: String,
    pub width: u32,
    pub height: u32,
    pub thumbnail: Vec<u8>,
    pub phash: u64,
    pub measures: Measures,
    /// The checks the photo fails; the document type's policy says which of them refuse it.
    pub failed: Vec<Check>,
}

/// Bytes held besides the file, the decode and the stored copy: the stored JPEG, the 640 px
/// analysis copy and its grey, the thumbnail, the face detector's pyramid.
pub const WORK_BYTES: u64 = 4 << 20;

/// Decoding may stop at 25/32 of the stored size (12 MP: 2016 px) and skip the resize.
fn min_long(options: &Options) -> u32 {
    options.stored_long * 25 / 32
}

/// The memory [`process`] holds at its peak, from the header alone: the file, then the largest of
/// the decoder's peak, the decoded picture with a turned copy (EXIF orientation), and the decoded
/// picture with the resizer's intermediate and the stored copy.
pub fn cost(bytes: &[u8], format: Format, options: &Options) -> Result<u64, ImageError> {
    let plan = decode::plan(bytes, format, &options.limits, min_long(options))?;
    let (out_width, out_height) = (u64::from(plan.out_width), u64::from(plan.out_height));
    let decoded = out_width * out_height * 3;
    let (width, height) = fit_size(plan.out_width, plan.out_height, options.stored_long);
    let (width, height) = (u64::from(width), u64::from(height));
    let resize = if (width, height) == (out_width, out_height) {
        0
    } else {
        // The resizer's intermediate is the source's width by the target's height (or the other
        // way round once turned), then the target.
        (out_width * height).max(out_height * width) * 3 + width * height * 3
    };
    let peak = plan.decoder_bytes.max(decoded * 2).max(decoded + resize);
    Ok(bytes.len() as u64 + peak + WORK_BYTES)
}

/// One photo through every step above, synchronously: run it through the gate.
#[tracing::instrument(
    level = "debug",
    skip_all,
    fields(format = ?format, bytes = bytes.len(), detect_face = options.detect_face)
)]
pub fn process(bytes: &[u8], format: Format, options: &Options) -> Result<Processed, ImageError> {
    let decoded = decode::decode(bytes, format, &options.limits, min_long(options))?;
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
        stored_sha256: sha256_hex(&stored_jpeg),
        width: stored.width,
        height: stored.height,
        stored: stored_jpeg,
        thumbnail,
        phash: phash::phash(&gray)?,
        failed: quality::failing(&measures, options.min_short),
        measures,
    })
}

/// SHA-256 as lower-case hex, as the server stores and compares hashes.
fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    use std::fmt::Write;
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(digest.len() * 2);
    for b in digest {
        let _ = write!(out, "{b:02x}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::face::RUSTFACE_PACKAGE;
    use crate::raster::Rgb;

    fn options() -> Options {
        Options { min_short: 600, detect_face: true, ..Options::default() }
    }

    #[test]
    fn the_stored_hash_is_lower_case_hex_sha256() {
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    /// The photograph shipped in the `rustface` package (a group of people), as RGB.
    fn sample() -> Rgb {
        let path = std::path::Path::new(RUSTFACE_PACKAGE).join("test.png");
        let rgb = image::open(path).unwrap().into_rgb8();
        Rgb { width: rgb.width(), height: rgb.height(), pixels: rgb.into_raw() }
    }

    fn box_blur(rgb: &Rgb, radius: u32) -> Rgb {
        let small = rgb.fitted(rgb.width.max(rgb.height) / radius).unwrap();
        let mut back = small;
        let target = (rgb.width, rgb.height);
        let resized = image::imageops::resize(
            &image::RgbImage::from_raw(back.width, back.height, std::mem::take(&mut back.pixels)).unwrap(),
            target.0,
            target.1,
            image::imageops::FilterType::Triangle,
        );
        Rgb { width: target.0, height: target.1, pixels: resized.into_raw() }
    }

    fn scaled_light(rgb: &Rgb, factor: f32) -> Rgb {
        let pixels = rgb.pixels.iter().map(|&p| (f32::from(p) * factor).clamp(0.0, 255.0) as u8).collect();
        Rgb { width: rgb.width, height: rgb.height, pixels }
    }

    fn run(rgb: &Rgb) -> Processed {
        process(&rgb.jpeg(92).unwrap(), Format::Jpeg, &options()).unwrap()
    }

    /// The calibration behind the thresholds in `quality` (measures printed with `--nocapture`;
    /// the README's "Photo checks" table lists them).
    #[test]
    #[allow(clippy::print_stdout)]
    fn a_real_photo_passes_and_its_blurred_dark_and_bright_copies_fail() {
        let sample = sample();
        let sharp = run(&sample);
        println!("sample: {:?}", sharp.measures);
        assert!(sharp.failed.is_empty(), "{:?}", sharp.failed);
        // At 640 px the faces of this group photo are ~20 px; the largest one is found.
        assert!(sharp.measures.faces.unwrap_or(0) >= 1);
        let cases: [(&str, Rgb, Option<Check>); 5] = [
            ("blur 4", box_blur(&sample, 4), None),
            ("blur 8", box_blur(&sample, 8), Some(Check::ImageBlurry)),
            ("light x0.6", scaled_light(&sample, 0.6), None),
            ("light x0.35", scaled_light(&sample, 0.35), Some(Check::ImageTooDark)),
            ("light x1.6", scaled_light(&sample, 1.6), Some(Check::ImageOverexposed)),
        ];
        for (name, picture, expected) in cases {
            let out = run(&picture);
            println!("{name}: {:?} {:?}", out.measures, out.failed);
            match expected {
                Some(check) => assert!(out.failed.contains(&check), "{name}: {:?}", out.failed),
                None => assert!(
                    !out.failed.iter().any(|c| matches!(c, Check::ImageBlurry | Check::ImageTooDark)),
                    "{name}: {:?}",
                    out.failed
                ),
            }
        }
    }

    #[test]
    fn the_stored_copy_is_upright_bounded_and_has_a_thumbnail() {
        let wide = Rgb { width: 3000, height: 1000, pixels: vec![90; 3000 * 1000 * 3] };
        let out = process(&wide.jpeg(90).unwrap(), Format::Jpeg, &options()).unwrap();
        assert_eq!((out.width, out.height), (2048, 683));
        let mut thumb = jpeg_decoder::Decoder::new(out.thumbnail.as_slice());
        thumb.read_info().unwrap();
        let info = thumb.info().unwrap();
        assert_eq!((info.width, info.height), (320, 107));
        assert!(out.failed.contains(&Check::FaceNotFound));
        assert!(out.failed.contains(&Check::ImageBlurry), "a flat grey picture has no detail");
    }

    /// A small JPEG whose frame header says `width`×`height` (progressive or not): the cost is
    /// read from the header alone.
    fn jpeg_declaring(width: u16, height: u16, progressive: bool) -> Vec<u8> {
        let mut jpeg = Rgb { width: 16, height: 16, pixels: vec![90; 16 * 16 * 3] }.jpeg(90).unwrap();
        let sof = jpeg.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
        jpeg[sof + 5..sof + 7].copy_from_slice(&height.to_be_bytes());
        jpeg[sof + 7..sof + 9].copy_from_slice(&width.to_be_bytes());
        if progressive {
            jpeg[sof + 1] = 0xC2;
        }
        jpeg
    }

    #[test]
    fn what_a_photo_costs_is_known_from_its_header() {
        const MIB: u64 = 1 << 20;
        let options = Options::default();
        // A PNG of 7999×7999 in under 1 MB is read in bands and shrunk by 4 as it is read.
        let huge = crate::samples::flat_png(7999, 7999, [90, 120, 150]).unwrap();
        assert!(huge.len() < 1 << 20, "{} bytes", huge.len());
        let png = cost(&huge, Format::Png, &options).unwrap();
        assert!(png < 40 * MIB, "{} MiB", png / MIB);
        // Phone photos: 12 MP decoded at half size, 5 MP whole and resized.
        for (width, height) in [(4032, 3024), (2592, 1944), (8000, 6000)] {
            let photo = cost(&jpeg_declaring(width, height, false), Format::Jpeg, &options).unwrap();
            assert!(photo < 40 * MIB, "{width}x{height}: {} MiB", photo / MIB);
        }
        // A progressive JPEG keeps the full-size coefficients; a WebP is decoded whole.
        let progressive = cost(&jpeg_declaring(8000, 6000, true), Format::Jpeg, &options).unwrap();
        assert!(progressive > 64 * MIB, "{} MiB", progressive / MIB);
        let webp = image::RgbImage::new(4000, 3000);
        let mut bytes = std::io::Cursor::new(Vec::new());
        webp.write_to(&mut bytes, image::ImageFormat::WebP).unwrap();
        let webp = cost(&bytes.into_inner(), Format::Webp, &options).unwrap();
        assert!(webp > 64 * MIB, "{} MiB", webp / MIB);
    }

    #[test]
    fn a_big_png_is_stored_like_a_small_one() {
        let huge = crate::samples::flat_png(7999, 4000, [90, 120, 150]).unwrap();
        let out = process(&huge, Format::Png, &options()).unwrap();
        assert_eq!((out.width, out.height), (2000, 1000));
        assert_eq!((out.measures.short_side, out.measures.brightness.round()), (4000, 114.0));
    }
}
