//! Whether a signature canvas holds strokes: at least 0.1% of its pixels drawn (opaque and dark).
//! Decoding is bounded (dimensions and memory), so a crafted PNG cannot exhaust the server.

use image::ImageFormat;

pub fn has_ink(png: &[u8]) -> bool {
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(png), ImageFormat::Png);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(4000);
    limits.max_image_height = Some(4000);
    limits.max_alloc = Some(64 * 1024 * 1024);
    reader.limits(limits);
    let Ok(image) = reader.decode() else { return false };
    let rgba = image.to_rgba8();
    let total = u64::from(rgba.width()) * u64::from(rgba.height());
    let drawn = |p: &image::Rgba<u8>| p[3] > 128 && u32::from(p[0]) + u32::from(p[1]) + u32::from(p[2]) < 3 * 128;
    let inked = rgba.pixels().filter(|p| drawn(p)).count() as u64;
    total > 0 && inked * 1000 >= total
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(canvas: &image::RgbaImage) -> Vec<u8> {
        let mut bytes = std::io::Cursor::new(Vec::new());
        canvas.write_to(&mut bytes, ImageFormat::Png).unwrap();
        bytes.into_inner()
    }

    #[test]
    fn strokes_count_and_blank_or_broken_canvases_do_not() {
        let mut canvas = image::RgbaImage::from_pixel(200, 100, image::Rgba([255, 255, 255, 0]));
        assert!(!has_ink(&png(&canvas)));
        for x in 10..190 {
            canvas.put_pixel(x, 50, image::Rgba([0, 0, 0, 255]));
        }
        assert!(has_ink(&png(&canvas)));
        assert!(!has_ink(b"\x89PNG\r\n\x1a\nbroken"));
    }
}
