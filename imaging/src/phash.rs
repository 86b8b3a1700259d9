//! A perceptual hash (pHash): the signs of the 8×8 lowest frequencies of a 32×32 grey thumbnail's
//! DCT, against their median. A photo re-encoded, resized or lightly retouched keeps nearly the same
//! 64 bits; the Hamming distance says how alike two pictures are.
//!
//! Hand-written (40 lines) rather than a crate: only the 64 low coefficients are needed, computed
//! directly, which avoids an FFT dependency.

use std::f32::consts::PI;

use super::ImageError;
use super::raster::Gray;

const N: usize = 32;
const K: usize = 8;

pub fn phash(gray: &Gray) -> Result<u64, ImageError> {
    let small = gray.resized(N as u32, N as u32)?;
    let cos: Vec<f32> =
        (0..K * N).map(|i| ((2 * (i % N) + 1) as f32 * (i / N) as f32 * PI / (2 * N) as f32).cos()).collect();
    // Rows first (K coefficients of each of the N rows), then columns.
    let mut rows = [[0f32; K]; N];
    for (y, row) in rows.iter_mut().enumerate() {
        for (u, out) in row.iter_mut().enumerate() {
            *out = (0..N).map(|x| f32::from(small.pixels[y * N + x]) * cos[u * N + x]).sum();
        }
    }
    let mut coefficients = [0f32; K * K];
    for v in 0..K {
        for u in 0..K {
            coefficients[v * K + u] = (0..N).map(|y| rows[y][u] * cos[v * N + y]).sum();
        }
    }
    // The DC term says only how bright the picture is; leave it out of the median.
    let mut sorted = coefficients[1..].to_vec();
    sorted.sort_by(f32::total_cmp);
    let median = sorted[sorted.len() / 2];
    Ok(coefficients.iter().enumerate().fold(0u64, |hash, (i, &c)| if c > median { hash | (1 << i) } else { hash }))
}

/// How many of the 64 bits differ.
pub fn distance(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

/// The four 16-bit bands of a hash. Two hashes within distance 3 share at least one band exactly
/// (pigeonhole), so an index on each band finds near-duplicates without comparing every pair.
pub fn bands(hash: u64) -> [i32; 4] {
    [0, 1, 2, 3].map(|i| i32::from((hash >> (16 * i)) as u16))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn picture(width: u32, height: u32, shift: u32) -> Gray {
        let pixels = (0..width * height)
            .map(|i| {
                let (x, y) = (i % width, i / width);
                (((x + shift) * 7 / width * 30) + (y * 5 / height * 20) + ((x * y) % 7)) as u8
            })
            .collect();
        Gray { width, height, pixels }
    }

    #[test]
    fn a_resized_picture_keeps_its_hash_and_another_picture_does_not() {
        let original = picture(640, 480, 0);
        let smaller = original.resized(320, 240).unwrap();
        let a = phash(&original).unwrap();
        assert!(distance(a, phash(&smaller).unwrap()) <= 4);
        let other = Gray {
            width: 640,
            height: 480,
            pixels: (0..640 * 480u32).map(|i| if (i / 640 / 60 + i % 640 / 80) % 2 == 0 { 20 } else { 230 }).collect(),
        };
        assert!(distance(a, phash(&other).unwrap()) > 10);
    }

    #[test]
    fn bands_split_the_hash() {
        assert_eq!(bands(0x0004_0003_0002_0001), [1, 2, 3, 4]);
        assert_eq!(bands(u64::MAX), [65535; 4]);
    }
}
