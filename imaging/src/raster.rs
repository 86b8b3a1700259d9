//! Pixel buffers and the operations on them: fit within a size (`fast_image_resize`, SIMD),
//! apply an EXIF orientation, convert to grey, encode JPEG (`jpeg-encoder`, SIMD).

use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::metadata::Orientation;

use super::ImageError;

/// 8-bit RGB, row by row.
pub struct Rgb {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
}

/// 8-bit grey, row by row.
pub struct Gray {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
}

/// The size that fits `width`×`height` within `long` on its longer side, keeping the aspect ratio.
pub fn fit_size(width: u32, height: u32, long: u32) -> (u32, u32) {
    let longest = width.max(height);
    if longest <= long {
        return (width, height);
    }
    let scale = |side: u32| ((u64::from(side) * u64::from(long) + u64::from(longest) / 2) / u64::from(longest)).max(1);
    (u32::try_from(scale(width)).unwrap_or(long), u32::try_from(scale(height)).unwrap_or(long))
}

fn resize(
    width: u32,
    height: u32,
    pixels: &[u8],
    pixel_type: PixelType,
    to: (u32, u32),
) -> Result<Vec<u8>, ImageError> {
    let src = ImageRef::new(width, height, pixels, pixel_type).map_err(|e| ImageError::Internal(e.to_string()))?;
    let mut dst = Image::new(to.0, to.1, pixel_type);
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::CatmullRom));
    Resizer::new().resize(&src, &mut dst, &options).map_err(|e| ImageError::Internal(e.to_string()))?;
    Ok(dst.into_vec())
}

impl Rgb {
    /// This image if it fits within `long`, else a smaller copy that does.
    #[tracing::instrument(level = "debug", skip_all, fields(width = self.width, height = self.height, long = long))]
    pub fn fit(self, long: u32) -> Result<Rgb, ImageError> {
        let (width, height) = fit_size(self.width, self.height, long);
        if (width, height) == (self.width, self.height) {
            return Ok(self);
        }
        let pixels = resize(self.width, self.height, &self.pixels, PixelType::U8x3, (width, height))?;
        Ok(Rgb { width, height, pixels })
    }

    /// A smaller copy fitting within `long` (or a copy at the same size).
    pub fn fitted(&self, long: u32) -> Result<Rgb, ImageError> {
        let (width, height) = fit_size(self.width, self.height, long);
        let pixels = if (width, height) == (self.width, self.height) {
            self.pixels.clone()
        } else {
            resize(self.width, self.height, &self.pixels, PixelType::U8x3, (width, height))?
        };
        Ok(Rgb { width, height, pixels })
    }

    /// Turned the way the camera's EXIF orientation says, so the stored image needs no metadata.
    pub fn orient(self, orientation: Orientation) -> Result<Rgb, ImageError> {
        match orientation {
            Orientation::NoTransforms => return Ok(self),
            // A phone held upright (6) or the other way (8): the common cases, turned in tiles.
            Orientation::Rotate90 => return Ok(self.turned(true)),
            Orientation::Rotate270 => return Ok(self.turned(false)),
            _ => {}
        }
        let buffer = image::RgbImage::from_raw(self.width, self.height, self.pixels)
            .ok_or_else(|| ImageError::Internal("pixel buffer of the wrong size".into()))?;
        let mut dynamic = image::DynamicImage::ImageRgb8(buffer);
        dynamic.apply_orientation(orientation);
        let turned = dynamic.into_rgb8();
        Ok(Rgb { width: turned.width(), height: turned.height(), pixels: turned.into_raw() })
    }

    /// A quarter turn, clockwise or not, copied in 64×64 tiles so both sides stay in cache.
    fn turned(&self, clockwise: bool) -> Rgb {
        const TILE: usize = 64;
        let (w, h) = (self.width as usize, self.height as usize);
        let mut out = vec![0u8; w * h * 3];
        for ty in (0..h).step_by(TILE) {
            for tx in (0..w).step_by(TILE) {
                for y in ty..(ty + TILE).min(h) {
                    for x in tx..(tx + TILE).min(w) {
                        // The new image is h wide and w high.
                        let (nx, ny) = if clockwise { (h - 1 - y, x) } else { (y, w - 1 - x) };
                        let (from, to) = ((y * w + x) * 3, (ny * h + nx) * 3);
                        out[to..to + 3].copy_from_slice(&self.pixels[from..from + 3]);
                    }
                }
            }
        }
        Rgb { width: self.height, height: self.width, pixels: out }
    }

    /// BT.601 luma.
    pub fn gray(&self) -> Gray {
        let pixels = self
            .pixels
            .chunks_exact(3)
            .map(|p| ((u32::from(p[0]) * 77 + u32::from(p[1]) * 150 + u32::from(p[2]) * 29) >> 8) as u8)
            .collect();
        Gray { width: self.width, height: self.height, pixels }
    }

    /// Baseline JPEG, 4:2:0, no metadata at all (libjpeg-turbo with the `fast-jpeg` feature).
    #[cfg(feature = "fast-jpeg")]
    #[tracing::instrument(level = "debug", skip_all, fields(width = self.width, height = self.height, quality = quality))]
    pub fn jpeg(&self, quality: u8) -> Result<Vec<u8>, ImageError> {
        use std::panic::{AssertUnwindSafe, catch_unwind};
        let encoded = catch_unwind(AssertUnwindSafe(|| -> std::io::Result<Vec<u8>> {
            let mut compress = mozjpeg::Compress::new(mozjpeg::ColorSpace::JCS_RGB);
            // Baseline Huffman coding, no trellis: libjpeg-turbo's speed, not mozjpeg's size.
            compress.set_fastest_defaults();
            compress.set_size(self.width as usize, self.height as usize);
            compress.set_quality(f32::from(quality));
            let mut started = compress.start_compress(Vec::with_capacity(self.pixels.len() / 8))?;
            started.write_scanlines(&self.pixels)?;
            started.finish()
        }));
        match encoded {
            Ok(Ok(bytes)) => Ok(bytes),
            Ok(Err(err)) => Err(ImageError::Internal(err.to_string())),
            Err(_) => Err(ImageError::Internal("the JPEG encoder failed".into())),
        }
    }

    /// Baseline JPEG, 4:2:0, no metadata at all.
    #[cfg(not(feature = "fast-jpeg"))]
    #[tracing::instrument(level = "debug", skip_all, fields(width = self.width, height = self.height, quality = quality))]
    pub fn jpeg(&self, quality: u8) -> Result<Vec<u8>, ImageError> {
        let (Ok(width), Ok(height)) = (u16::try_from(self.width), u16::try_from(self.height)) else {
            return Err(ImageError::Internal("too large to encode".into()));
        };
        let mut out = Vec::with_capacity(self.pixels.len() / 8);
        jpeg_encoder::Encoder::new(&mut out, quality)
            .encode(&self.pixels, width, height, jpeg_encoder::ColorType::Rgb)
            .map_err(|e| ImageError::Internal(e.to_string()))?;
        Ok(out)
    }
}

impl Gray {
    /// Exactly `width`×`height` (aspect ratio not kept), for fingerprints.
    pub fn resized(&self, width: u32, height: u32) -> Result<Gray, ImageError> {
        let pixels = resize(self.width, self.height, &self.pixels, PixelType::U8, (width, height))?;
        Ok(Gray { width, height, pixels })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fitting_keeps_the_aspect_ratio_and_never_enlarges() {
        assert_eq!(fit_size(4032, 3024, 2048), (2048, 1536));
        assert_eq!(fit_size(3024, 4032, 320), (240, 320));
        assert_eq!(fit_size(800, 600, 2048), (800, 600));
        assert_eq!(fit_size(100_000, 1, 2048), (2048, 1));
    }

    #[test]
    fn quarter_turns_match_the_reference_implementation() {
        let pixels: Vec<u8> = (0..70 * 130 * 3).map(|i| (i * 7 % 251) as u8).collect();
        for orientation in [Orientation::Rotate90, Orientation::Rotate270, Orientation::Rotate180] {
            let ours = Rgb { width: 70, height: 130, pixels: pixels.clone() }.orient(orientation).unwrap();
            let mut reference =
                image::DynamicImage::ImageRgb8(image::RgbImage::from_raw(70, 130, pixels.clone()).unwrap());
            reference.apply_orientation(orientation);
            let reference = reference.into_rgb8();
            assert_eq!((ours.width, ours.height), reference.dimensions(), "{orientation:?}");
            assert_eq!(ours.pixels, reference.into_raw(), "{orientation:?}");
        }
    }

    #[test]
    fn encoded_jpegs_carry_no_exif() {
        let rgb = Rgb { width: 64, height: 48, pixels: vec![128; 64 * 48 * 3] };
        let jpeg = rgb.jpeg(80).unwrap();
        assert!(jpeg.starts_with(&[0xFF, 0xD8]));
        assert!(!jpeg.windows(4).any(|w| w == b"Exif"));
    }
}
