//! HTTP plumbing shared by every endpoint: request context, the JSON extractor, extractor error
//! handlers and the answers for unknown routes.

pub mod context;
pub mod fallback;
pub mod json;

use actix_web::web;

pub use json::JsonBody;

use crate::error::{ApiError, ErrorCode};

/// Extractor settings with errors in the common envelope.
pub fn extractor_configs(body_limit_bytes: usize) -> (web::PayloadConfig, web::JsonConfig, web::PathConfig, web::QueryConfig) {
    (
        web::PayloadConfig::new(body_limit_bytes),
        web::JsonConfig::default()
            .limit(body_limit_bytes)
            .error_handler(|err, _| match err {
                actix_web::error::JsonPayloadError::ContentType => ApiError::new(ErrorCode::UnsupportedMediaType),
                actix_web::error::JsonPayloadError::Overflow { .. }
                | actix_web::error::JsonPayloadError::OverflowKnownLength { .. } => {
                    ApiError::new(ErrorCode::PayloadTooLarge)
                }
                _ => ApiError::new(ErrorCode::MalformedJson),
            }
            .into()),
        web::PathConfig::default().error_handler(|err, _| ApiError::new(ErrorCode::InvalidPath).with_source(err.to_string()).into()),
        web::QueryConfig::default()
            .error_handler(|err, _| ApiError::new(ErrorCode::InvalidQuery).with_source(err.to_string()).into()),
    )
}
