//! Any uploaded bytes: the kind comes from the magic numbers or not at all, never a panic, and a
//! kind is only ever given to bytes that start like it.
#![no_main]

use api::documents::sniff::{FileKind, sniff};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match sniff(data) {
        Some(FileKind::Jpeg) => assert!(data.starts_with(&[0xFF, 0xD8, 0xFF])),
        Some(FileKind::Png) => assert!(data.starts_with(b"\x89PNG")),
        Some(FileKind::Webp) => assert!(data.starts_with(b"RIFF") && data.get(8..12) == Some(&b"WEBP"[..])),
        Some(FileKind::Pdf) => assert!(data.starts_with(b"%PDF-")),
        None => {}
    }
});
