//! Crafted files for tests, fuzzing and benchmarks: a JPEG carrying EXIF (orientation and a GPS
//! position), a PNG whose header lies about its size. Built in memory, never from real people.

use super::ImageError;

/// The JPEG with an EXIF APP1 segment right after SOI: `orientation`, and a GPS IFD holding
/// GPSLatitudeRef "N" followed by the text `GPS 29.56N 106.55E` (which must never be stored).
pub fn with_exif(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    // TIFF header, IFD0 with Orientation (0x0112) and a GPS IFD pointer (0x8825) to offset 38.
    let mut tiff = b"MM\0\x2a\0\0\0\x08".to_vec();
    tiff.extend_from_slice(&2u16.to_be_bytes());
    tiff.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1]);
    tiff.extend_from_slice(&orientation.to_be_bytes());
    tiff.extend_from_slice(&[0, 0]);
    tiff.extend_from_slice(&[0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 38]);
    tiff.extend_from_slice(&[0, 0, 0, 0]);
    tiff.extend_from_slice(&1u16.to_be_bytes());
    tiff.extend_from_slice(&[0, 1, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]);
    tiff.extend_from_slice(&[0, 0, 0, 0]);
    tiff.extend_from_slice(b"GPS 29.56N 106.55E");
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&tiff);
    let length = u16::try_from(app1.len() + 2).unwrap_or(u16::MAX);
    let mut out = jpeg.get(..2).unwrap_or_default().to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(jpeg.get(2..).unwrap_or_default());
    out
}

/// A real 8×8 PNG whose header is rewritten to declare `width`×`height` (CRC fixed): a
/// decompression bomb's calling card in under 100 bytes.
pub fn png_declaring(width: u32, height: u32) -> Result<Vec<u8>, ImageError> {
    let mut png = std::io::Cursor::new(Vec::new());
    image::RgbImage::new(8, 8)
        .write_to(&mut png, image::ImageFormat::Png)
        .map_err(|e| ImageError::Internal(e.to_string()))?;
    let mut png = png.into_inner();
    png[16..20].copy_from_slice(&width.to_be_bytes());
    png[20..24].copy_from_slice(&height.to_be_bytes());
    let crc = crc32(&png[12..29]);
    png[29..33].copy_from_slice(&crc.to_be_bytes());
    Ok(png)
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// A `width`×`height` PNG of one colour, written row by row (never the whole picture in memory):
/// small files that decode to a great many pixels (7999×7999: under 1 MB here, 190 KB with
/// stronger compression), such as the one that used to take 235 MB to process.
pub fn flat_png(width: u32, height: u32, rgb: [u8; 3]) -> Result<Vec<u8>, ImageError> {
    let failed = |e: png::EncodingError| ImageError::Internal(e.to_string());
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header().map_err(failed)?;
    let row: Vec<u8> = (0..width).flat_map(|_| rgb).collect();
    {
        let mut stream = writer.stream_writer().map_err(failed)?;
        for _ in 0..height {
            std::io::Write::write_all(&mut stream, &row).map_err(|e| ImageError::Internal(e.to_string()))?;
        }
        stream.finish().map_err(failed)?;
    }
    writer.finish().map_err(failed)?;
    Ok(out)
}
