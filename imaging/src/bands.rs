//! A PNG decoded row by row and shrunk in bands as it is read: the whole picture is never in
//! memory, only a band of source rows and the shrunken result. A 7999×7999 PNG (190 KB of one
//! colour, 192 MB of pixels) comes out at 2000×2000 holding about 14 MB instead of 192.
//!
//! The shrink is an integer box average (each output pixel is the mean of a `shrink`×`shrink`
//! block), so a band of whole blocks never needs rows of the next one. Interlaced PNGs deliver
//! their rows in seven passes and cannot be read this way; `decode` gives them to the whole-image
//! decoder, under the memory cost the plan reserves for it.

use std::io::Cursor;

use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::metadata::Orientation;

use super::ImageError;
use super::raster::Rgb;

/// Source rows read before a band is shrunk, per unit of `shrink`.
pub const BAND_BLOCKS: u32 = 16;

/// Whether the PNG is interlaced (then it cannot be read in bands).
pub fn interlaced(bytes: &[u8]) -> Result<bool, ImageError> {
    let reader = png::Decoder::new(Cursor::new(bytes)).read_info().map_err(|_| ImageError::Corrupt)?;
    Ok(reader.info().interlaced)
}

/// The PNG as RGB, each side divided by `shrink` (rounded up), transparency on white.
pub fn decode(bytes: &[u8], max_alloc: u64, shrink: u32) -> Result<(Rgb, Orientation), ImageError> {
    let limits = png::Limits { bytes: usize::try_from(max_alloc).unwrap_or(usize::MAX) };
    let mut decoder = png::Decoder::new_with_limits(Cursor::new(bytes), limits);
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().map_err(|_| ImageError::Corrupt)?;
    let info = reader.info();
    let (width, height) = (info.width, info.height);
    let orientation =
        info.exif_metadata.as_deref().and_then(Orientation::from_exif_chunk).unwrap_or(Orientation::NoTransforms);
    let (color, _) = reader.output_color_type();
    let shrink = shrink.max(1);
    let (out_width, out_height) = (width.div_ceil(shrink), height.div_ceil(shrink));
    let band_rows = (shrink * BAND_BLOCKS) as usize;
    let mut band = Vec::with_capacity(width as usize * band_rows * 3);
    let mut out = Vec::with_capacity(out_width as usize * out_height as usize * 3);
    let mut rows = 0u32;
    while let Some(row) = reader.next_row().map_err(|_| ImageError::Corrupt)? {
        push_rgb(row.data(), color, &mut band)?;
        rows += 1;
        if rows.is_multiple_of(shrink * BAND_BLOCKS) || rows == height {
            shrink_band(&band, width, shrink, out_width, &mut out)?;
            band.clear();
        }
    }
    reader.finish().map_err(|_| ImageError::Corrupt)?;
    if rows != height || out.len() != out_width as usize * out_height as usize * 3 {
        return Err(ImageError::Corrupt);
    }
    Ok((Rgb { width: out_width, height: out_height, pixels: out }, orientation))
}

/// One decoded row (8 bits a channel after the transformations) appended as RGB.
fn push_rgb(row: &[u8], color: png::ColorType, band: &mut Vec<u8>) -> Result<(), ImageError> {
    match color {
        png::ColorType::Rgb => band.extend_from_slice(row),
        png::ColorType::Rgba => {
            band.extend(row.chunks_exact(4).flat_map(|p| [p[0], p[1], p[2]].map(|c| on_white(c, p[3]))));
        }
        png::ColorType::Grayscale => band.extend(row.iter().flat_map(|&l| [l, l, l])),
        png::ColorType::GrayscaleAlpha => band.extend(row.chunks_exact(2).flat_map(|p| [on_white(p[0], p[1]); 3])),
        png::ColorType::Indexed => return Err(ImageError::Corrupt),
    }
    Ok(())
}

/// A channel of a pixel with opacity `alpha` over white, as on paper.
pub fn on_white(channel: u8, alpha: u8) -> u8 {
    let (c, a) = (u32::from(channel), u32::from(alpha));
    ((c * a + 255 * (255 - a)) / 255) as u8
}

/// A band of whole rows, box-averaged by `shrink` on both sides, appended to `out`.
fn shrink_band(band: &[u8], width: u32, shrink: u32, out_width: u32, out: &mut Vec<u8>) -> Result<(), ImageError> {
    if shrink == 1 {
        out.extend_from_slice(band);
        return Ok(());
    }
    let rows = u32::try_from(band.len() / (width as usize * 3)).map_err(|e| ImageError::Internal(e.to_string()))?;
    let src = ImageRef::new(width, rows, band, PixelType::U8x3).map_err(|e| ImageError::Internal(e.to_string()))?;
    let mut dst = Image::new(out_width, rows.div_ceil(shrink), PixelType::U8x3);
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Box));
    Resizer::new().resize(&src, &mut dst, &options).map_err(|e| ImageError::Internal(e.to_string()))?;
    out.extend_from_slice(dst.buffer());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::samples::flat_png;

    fn png_of(width: u32, height: u32, pixels: &[u8], color: image::ExtendedColorType) -> Vec<u8> {
        let mut out = Vec::new();
        image::ImageEncoder::write_image(image::codecs::png::PngEncoder::new(&mut out), pixels, width, height, color)
            .unwrap();
        out
    }

    #[test]
    fn a_shrunk_picture_keeps_its_colours_and_the_rounded_up_size() {
        let png = flat_png(1001, 333, [200, 100, 50]).unwrap();
        let (rgb, _) = decode(&png, 256 << 20, 4).unwrap();
        assert_eq!((rgb.width, rgb.height), (251, 84));
        assert!(rgb.pixels.chunks_exact(3).all(|p| p == [200, 100, 50]), "a flat colour stays flat");
    }

    #[test]
    fn grey_and_transparent_pictures_come_out_as_rgb_on_white() {
        let grey = png_of(2, 1, &[0, 255], image::ExtendedColorType::L8);
        assert_eq!(decode(&grey, 1 << 20, 1).unwrap().0.pixels, [0, 0, 0, 255, 255, 255]);
        let clear = png_of(1, 1, &[10, 20, 30, 0], image::ExtendedColorType::Rgba8);
        assert_eq!(decode(&clear, 1 << 20, 1).unwrap().0.pixels, [255, 255, 255]);
    }

    #[test]
    fn a_cut_off_png_is_corrupt() {
        let png = flat_png(640, 480, [1, 2, 3]).unwrap();
        assert!(matches!(decode(&png[..png.len() - 20], 1 << 20, 2), Err(ImageError::Corrupt)));
    }
}
