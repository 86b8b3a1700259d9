//! The pure image work: no HTTP, no database. Callers run it on the blocking pool, through the
//! [`gate::ImageGate`] that bounds how many images are decoded at once and the memory they hold.
//!
//! The path of a photo: [`decode`] (header first, limits, DCT-scaled JPEG decoding, PNG read in
//! shrinking [`bands`], EXIF orientation) → [`raster`] (resize, orient, JPEG encode) →
//! [`quality`] (size, light, sharpness, [`face`]) and [`phash`] — all tied together by
//! [`pipeline::process`], whose memory [`pipeline::cost`] estimates from the header.
//!
//! Its own crate in the workspace, below everything else: it has its own errors
//! ([`ImageError`], [`gate::GateError`]) and names its checks ([`quality::Check`]); the server
//! maps them to its answers. The `fast-jpeg` feature (default) takes libjpeg-turbo's SIMD code
//! (needs `nasm`); without it the pure-Rust codecs.
//!
//! Each step of a photo (the gate's wait, `process`, `decode`, `fit`, `jpeg`, face `count`) runs
//! in a `debug` span carrying the picture's size, so a subscriber that times spans (e.g.
//! `RUST_LOG=info,imaging=debug` with span close events) shows where a slow upload's time went.
//! At the default `info` level they are off, and a log line from inside the pipeline keeps the
//! request's span and its request id.

pub mod bands;
pub mod decode;
pub mod face;
pub mod gate;
pub mod ink;
pub mod phash;
pub mod pipeline;
pub mod quality;
pub mod raster;
pub mod samples;

/// Which JPEG code this build decodes and encodes photos with, for the start log.
pub const JPEG_PATH: &str = if cfg!(feature = "fast-jpeg") {
    "libjpeg-turbo with SIMD (the fast-jpeg feature)"
} else {
    "pure-Rust codecs, about 1.7x slower (built without the fast-jpeg feature)"
};

/// Why an image cannot be taken.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    #[error("the image is damaged or incomplete")]
    Corrupt,
    #[error("the image is {width}x{height} pixels, over the limit")]
    TooLarge { width: u32, height: u32 },
    #[error("image processing failed: {0}")]
    Internal(String),
}
