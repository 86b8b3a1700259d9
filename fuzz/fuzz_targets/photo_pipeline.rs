//! Any uploaded photo bytes through the whole pipeline (header checks, bounded decode,
//! orientation, resize, encode, checks, hash): an image or a clean refusal (`Corrupt`,
//! `TooLarge`), never a panic, and never more than the limits allow.
#![no_main]

use imaging::ImageError;
use imaging::decode::{Format, Limits};
use imaging::pipeline::{Options, process};
use libfuzzer_sys::fuzz_target;


fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else { return };
    let format = match selector % 3 {
        0 => Format::Jpeg,
        1 => Format::Png,
        _ => Format::Webp,
    };
    // Small limits and sizes keep each run fast; the code paths are the server's.
    let limits = Limits { max_pixels: 4_000_000, max_side: 4_000, max_alloc: 64 << 20 };
    let options = Options { limits, stored_long: 512, thumbnail_long: 64, ..Options::default() };
    match process(bytes, format, &options) {
        Ok(out) => assert!(out.width <= 512 && out.height <= 512 && !out.stored.is_empty()),
        Err(ImageError::Corrupt | ImageError::TooLarge { .. }) => {}
        Err(ImageError::Internal(why)) => panic!("internal error on outside input: {why}"),
    }
});
