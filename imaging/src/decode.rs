//! Reading what a phone sends, safely: the dimensions come from the header and are checked before
//! any pixel is decoded (decompression bombs), decoders run under memory limits, and a damaged or
//! cut-off file is an error, never a panic.
//!
//! JPEG, nearly every phone photo, is decoded with the DCT scaled down by the largest power of two
//! that keeps the long side at `min_long` or more: a 12 MP photo (4032×3024) becomes 2016×1512
//! straight out of the decoder, at a quarter of the memory and well under the CPU time of a full
//! decode followed by a resize. A non-interlaced PNG is read row by row and shrunk by the same
//! factor in bands ([`super::bands`]); WebP and interlaced PNG are decoded whole. [`plan`] says,
//! from the header, which of these a file gets and how much memory its decoder will hold, so the
//! gate can reserve it (or refuse the file) before decoding.

use std::io::Cursor;

use image::metadata::Orientation;
use image::{ImageDecoder, ImageFormat};

use super::raster::Rgb;
use super::{ImageError, bands};

/// The raster formats taken (PDF is stored as-is and never decoded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Jpeg,
    Png,
    Webp,
}

/// What may be decoded.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Width × height, read from the header.
    pub max_pixels: u64,
    /// Either side.
    pub max_side: u32,
    /// Bytes a decoder may allocate.
    pub max_alloc: u64,
}

/// A decoded image, upright, and the size of the original (upright too).
pub struct Decoded {
    pub image: Rgb,
    pub original_width: u32,
    pub original_height: u32,
}

/// The width and height in the header, checked against the limits; nothing else is decoded.
pub fn probe(bytes: &[u8], format: Format, limits: &Limits) -> Result<(u32, u32), ImageError> {
    let (width, height) = match format {
        Format::Jpeg => {
            let mut decoder = jpeg_decoder::Decoder::new(Cursor::new(bytes));
            decoder.read_info().map_err(|_| ImageError::Corrupt)?;
            let info = decoder.info().ok_or(ImageError::Corrupt)?;
            (u32::from(info.width), u32::from(info.height))
        }
        Format::Png | Format::Webp => image::ImageReader::with_format(Cursor::new(bytes), image_format(format))
            .into_dimensions()
            .map_err(|_| ImageError::Corrupt)?,
    };
    if width == 0 || height == 0 {
        return Err(ImageError::Corrupt);
    }
    if width > limits.max_side || height > limits.max_side || u64::from(width) * u64::from(height) > limits.max_pixels {
        return Err(ImageError::TooLarge { width, height });
    }
    Ok((width, height))
}

/// How an image will be decoded and the memory its decoder holds at the peak, output included,
/// from the header alone: what the gate reserves before a pixel is decoded.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    pub width: u32,
    pub height: u32,
    /// The size the decoder produces (before orientation).
    pub out_width: u32,
    pub out_height: u32,
    pub decoder_bytes: u64,
    route: Route,
}

#[derive(Debug, Clone, Copy)]
enum Route {
    /// DCT-scaled by the divisor.
    Jpeg(u32),
    /// Row by row, shrunk in bands by the divisor ([`bands`]).
    PngBands(u32),
    /// The whole picture at once: WebP and interlaced PNG.
    Whole,
}

/// Bytes a pixel a whole-image decode may hold: the decoder's buffer (up to 8, 16-bit RGBA) and
/// the 8-bit RGBA and RGB copies made from it.
pub const WHOLE_BYTES_PER_PIXEL: u64 = 12;

/// The decode [`decode`] will do, after [`probe`].
pub fn plan(bytes: &[u8], format: Format, limits: &Limits, min_long: u32) -> Result<Plan, ImageError> {
    let (width, height) = probe(bytes, format, limits)?;
    let div = reduction(width.max(height), min_long);
    let (out_width, out_height) = (width.div_ceil(div), height.div_ceil(div));
    let out_pixels = pixels(out_width, out_height);
    let (route, decoder_bytes) = match format {
        Format::Jpeg => {
            let frame = jpeg_frame(bytes).ok_or(ImageError::Corrupt)?;
            // The decoded planes (a byte a sample) and the RGB output; a progressive file also
            // keeps every DCT coefficient of the full-size picture until its last scan.
            let planes = out_pixels * (3 + frame.sampling.len() as u64);
            let coefficients = if frame.progressive { frame.coefficient_bytes(width, height) } else { 0 };
            (Route::Jpeg(div), planes + coefficients)
        }
        Format::Png if !bands::interlaced(bytes)? => {
            // The output, a band of source rows and its shrunken copy, and the decoder's rows.
            let band = u64::from(width) * u64::from(div * bands::BAND_BLOCKS) * 3;
            (Route::PngBands(div), out_pixels * 3 + band * 2 + u64::from(width) * 16)
        }
        Format::Png | Format::Webp => {
            let (out_width, out_height) = (width, height);
            let plan = Plan { width, height, out_width, out_height, decoder_bytes: 0, route: Route::Whole };
            return Ok(Plan { decoder_bytes: pixels(width, height) * WHOLE_BYTES_PER_PIXEL, ..plan });
        }
    };
    Ok(Plan { width, height, out_width, out_height, decoder_bytes, route })
}

fn pixels(width: u32, height: u32) -> u64 {
    u64::from(width) * u64::from(height)
}

/// Decodes as [`plan`] says, upright (EXIF orientation applied), as RGB.
#[tracing::instrument(level = "debug", skip_all, fields(format = ?format, bytes = bytes.len()))]
pub fn decode(bytes: &[u8], format: Format, limits: &Limits, min_long: u32) -> Result<Decoded, ImageError> {
    let plan = plan(bytes, format, limits, min_long)?;
    let (image, orientation) = match plan.route {
        Route::Jpeg(div) => decode_jpeg(bytes, limits, &plan, div)?,
        Route::PngBands(shrink) => bands::decode(bytes, limits.max_alloc, shrink)?,
        Route::Whole => decode_other(bytes, format, limits)?,
    };
    let (width, height) = (plan.width, plan.height);
    let (original_width, original_height) = match orientation {
        Orientation::Rotate90 | Orientation::Rotate270 | Orientation::Rotate90FlipH | Orientation::Rotate270FlipH => {
            (height, width)
        }
        _ => (width, height),
    };
    Ok(Decoded { image: image.orient(orientation)?, original_width, original_height })
}

/// What a JPEG's frame header says: progressive or not, and each component's sampling factors.
struct Frame {
    progressive: bool,
    sampling: Vec<(u32, u32)>,
}

impl Frame {
    /// The DCT coefficients of the full-size picture: two bytes a sample, in whole 8×8 blocks.
    fn coefficient_bytes(&self, width: u32, height: u32) -> u64 {
        let h_max = self.sampling.iter().map(|s| s.0).max().unwrap_or(1).max(1);
        let v_max = self.sampling.iter().map(|s| s.1).max().unwrap_or(1).max(1);
        self.sampling
            .iter()
            .map(|&(h, v)| {
                let blocks_wide = u64::from((width * h).div_ceil(h_max).div_ceil(8));
                let blocks_high = u64::from((height * v).div_ceil(v_max).div_ceil(8));
                blocks_wide * blocks_high * 64 * 2
            })
            .sum()
    }
}

/// The frame header (SOFn), found by walking the segments before the first scan.
fn jpeg_frame(bytes: &[u8]) -> Option<Frame> {
    let mut at = 2;
    loop {
        while bytes.get(at..at + 2)? == [0xFF, 0xFF] {
            at += 1;
        }
        let [0xFF, marker, high, low] = *bytes.get(at..at + 4)? else { return None };
        let length = usize::from(u16::from_be_bytes([high, low]));
        let segment = bytes.get(at + 4..at + 2 + length)?;
        match marker {
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                let count = usize::from(*segment.get(5)?);
                let sampling = (0..count)
                    .map(|i| segment.get(7 + 3 * i).map(|hv| (u32::from(hv >> 4), u32::from(hv & 15))))
                    .collect::<Option<Vec<_>>>()?;
                return Some(Frame { progressive: matches!(marker, 0xC2 | 0xC6 | 0xCA | 0xCE), sampling });
            }
            0xDA => return None,
            _ => at += 2 + length,
        }
    }
}

/// The power-of-two reduction (1, 2, 4 or 8) that keeps the long side at `min_long` or more.
pub fn reduction(long: u32, min_long: u32) -> u32 {
    let mut div = 1;
    while div < 8 && long / (div * 2) >= min_long {
        div *= 2;
    }
    div
}

fn decode_jpeg(
    bytes: &[u8],
    limits: &Limits,
    plan: &Plan,
    #[cfg_attr(
        not(feature = "fast-jpeg"),
        expect(unused_variables, reason = "the pure-Rust decoder takes the planned size, not the divisor")
    )]
    div: u32,
) -> Result<(Rgb, Orientation), ImageError> {
    if !has_end_marker(bytes) {
        return Err(ImageError::Corrupt);
    }
    // The headers (and EXIF) are read here whichever codec decodes the pixels.
    let mut decoder = jpeg_decoder::Decoder::new(Cursor::new(bytes));
    decoder.set_max_decoding_buffer_size(usize::try_from(limits.max_alloc).unwrap_or(usize::MAX));
    decoder.read_info().map_err(|_| ImageError::Corrupt)?;
    let orientation = decoder.exif_data().and_then(Orientation::from_exif_chunk).unwrap_or(Orientation::NoTransforms);
    #[cfg(feature = "fast-jpeg")]
    if let Some(rgb) = turbo::decode(bytes, div)? {
        return Ok((rgb, orientation));
    }
    let (Ok(w), Ok(h)) = (u16::try_from(plan.out_width), u16::try_from(plan.out_height)) else {
        return Err(ImageError::TooLarge { width: plan.width, height: plan.height });
    };
    let (w, h) = decoder.scale(w, h).map_err(|_| ImageError::Corrupt)?;
    let pixels = decoder.decode().map_err(|_| ImageError::Corrupt)?;
    let info = decoder.info().ok_or(ImageError::Corrupt)?;
    let (w, h) = (u32::from(w), u32::from(h));
    let pixels = match info.pixel_format {
        jpeg_decoder::PixelFormat::RGB24 => pixels,
        jpeg_decoder::PixelFormat::L8 => pixels.iter().flat_map(|&l| [l, l, l]).collect(),
        jpeg_decoder::PixelFormat::L16 => pixels.chunks_exact(2).flat_map(|l| [l[0], l[0], l[0]]).collect(),
        jpeg_decoder::PixelFormat::CMYK32 => pixels
            .chunks_exact(4)
            .flat_map(|p| {
                let k = u32::from(p[3]);
                [p[0], p[1], p[2]].map(|c| ((u32::from(c) * k) / 255) as u8)
            })
            .collect(),
    };
    if pixels.len() != (w as usize) * (h as usize) * 3 {
        return Err(ImageError::Corrupt);
    }
    Ok((Rgb { width: w, height: h, pixels }, orientation))
}

/// libjpeg-turbo (SIMD) through `mozjpeg`: the same DCT scaling, a third of the CPU time.
#[cfg(feature = "fast-jpeg")]
mod turbo {
    use std::panic::{AssertUnwindSafe, catch_unwind};

    use super::super::ImageError;
    use super::super::raster::Rgb;

    /// The pixels at 1/`div` scale, or `None` for CMYK/YCCK files, left to the pure-Rust decoder
    /// (libjpeg does not convert them to RGB).
    pub fn decode(bytes: &[u8], div: u32) -> Result<Option<Rgb>, ImageError> {
        let numerator = u8::try_from(8 / div.clamp(1, 8)).unwrap_or(8);
        // libjpeg reports errors by unwinding; each one is a damaged file here.
        let decoded = catch_unwind(AssertUnwindSafe(|| -> std::io::Result<Option<Rgb>> {
            let mut decompress = mozjpeg::Decompress::new_mem(bytes)?;
            if matches!(decompress.color_space(), mozjpeg::ColorSpace::JCS_CMYK | mozjpeg::ColorSpace::JCS_YCCK) {
                return Ok(None);
            }
            decompress.scale(numerator);
            let mut started = decompress.rgb()?;
            let (width, height) = (started.width(), started.height());
            let pixels = started.read_scanlines::<u8>()?;
            started.finish()?;
            let (Ok(width), Ok(height)) = (u32::try_from(width), u32::try_from(height)) else { return Ok(None) };
            Ok(Some(Rgb { width, height, pixels }))
        }));
        match decoded {
            Ok(Ok(Some(rgb))) if rgb.pixels.len() == rgb.width as usize * rgb.height as usize * 3 => Ok(Some(rgb)),
            Ok(Ok(None)) => Ok(None),
            _ => Err(ImageError::Corrupt),
        }
    }
}

/// A JPEG cut off in transfer has no end-of-image marker after its scan data. (Data after the
/// marker, such as a motion photo's video, is allowed.)
fn has_end_marker(bytes: &[u8]) -> bool {
    // The scan starts early (after the headers); the end marker is normally the last two bytes,
    // so searching backwards finds it at once.
    let Some(scan) = bytes.windows(2).position(|w| w == [0xFF, 0xDA]) else { return false };
    bytes.windows(2).rposition(|w| w == [0xFF, 0xD9]).is_some_and(|end| end > scan)
}

fn decode_other(bytes: &[u8], format: Format, limits: &Limits) -> Result<(Rgb, Orientation), ImageError> {
    let mut reader = image::ImageReader::with_format(Cursor::new(bytes), image_format(format));
    let mut decoder_limits = image::Limits::default();
    decoder_limits.max_image_width = Some(limits.max_side);
    decoder_limits.max_image_height = Some(limits.max_side);
    decoder_limits.max_alloc = Some(limits.max_alloc);
    reader.limits(decoder_limits);
    let mut decoder = reader.into_decoder().map_err(|_| ImageError::Corrupt)?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let image = image::DynamicImage::from_decoder(decoder).map_err(|_| ImageError::Corrupt)?;
    let rgb = if image.color().has_alpha() {
        // Transparent parts (screenshots, canvases) on white, as on paper.
        let rgba = image.into_rgba8();
        let (width, height) = rgba.dimensions();
        let pixels = rgba
            .into_raw()
            .chunks_exact(4)
            .flat_map(|p| [p[0], p[1], p[2]].map(|c| bands::on_white(c, p[3])))
            .collect();
        Rgb { width, height, pixels }
    } else {
        let rgb = image.into_rgb8();
        Rgb { width: rgb.width(), height: rgb.height(), pixels: rgb.into_raw() }
    };
    Ok((rgb, orientation))
}

fn image_format(format: Format) -> ImageFormat {
    match format {
        Format::Jpeg => ImageFormat::Jpeg,
        Format::Png => ImageFormat::Png,
        Format::Webp => ImageFormat::WebP,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::samples::{png_declaring, with_exif};

    const LIMITS: Limits = Limits { max_pixels: 64_000_000, max_side: 20_000, max_alloc: 256 << 20 };

    fn jpeg(width: u32, height: u32) -> Vec<u8> {
        let pixels: Vec<u8> = (0..width * height * 3).map(|i| (i % 251) as u8).collect();
        Rgb { width, height, pixels }.jpeg(90).unwrap()
    }

    #[test]
    fn reduction_keeps_the_long_side_at_the_minimum_or_more() {
        assert_eq!(reduction(4032, 1600), 2);
        assert_eq!(reduction(8160, 1600), 4);
        assert_eq!(reduction(2000, 1600), 1);
        assert_eq!(reduction(100_000, 1600), 8);
    }

    #[test]
    fn exif_orientation_is_applied() {
        let photo = with_exif(&jpeg(64, 32), 6);
        let decoded = decode(&photo, Format::Jpeg, &LIMITS, 1600).unwrap();
        assert_eq!((decoded.image.width, decoded.image.height), (32, 64));
        assert_eq!((decoded.original_width, decoded.original_height), (32, 64));
    }

    #[test]
    fn large_jpegs_are_decoded_at_a_reduced_scale() {
        let decoded = decode(&jpeg(3400, 200), Format::Jpeg, &LIMITS, 1600).unwrap();
        assert_eq!((decoded.image.width, decoded.image.height), (1700, 100));
        assert_eq!(decoded.original_width, 3400);
    }

    #[test]
    fn cut_off_and_garbled_files_are_corrupt_not_panics() {
        let whole = jpeg(256, 256);
        for cut in [whole.len() / 2, whole.len() - 3, 200, 4] {
            assert!(matches!(decode(&whole[..cut], Format::Jpeg, &LIMITS, 1600), Err(ImageError::Corrupt)), "{cut}");
        }
        assert!(matches!(decode(b"\x89PNG\r\n\x1a\nnope", Format::Png, &LIMITS, 1600), Err(ImageError::Corrupt)));
        assert!(matches!(decode(b"RIFF\0\0\0\0WEBPVP8 ", Format::Webp, &LIMITS, 1600), Err(ImageError::Corrupt)));
    }

    #[test]
    fn a_huge_declared_size_is_refused_before_decoding() {
        let png = png_declaring(100_000, 100_000).unwrap();
        assert!(png.len() < 200);
        assert!(matches!(
            probe(&png, Format::Png, &LIMITS),
            Err(ImageError::TooLarge { width: 100_000, height: 100_000 })
        ));
        assert!(matches!(
            probe(&png_declaring(30_000, 10).unwrap(), Format::Png, &LIMITS),
            Err(ImageError::TooLarge { .. })
        ));
    }
}
