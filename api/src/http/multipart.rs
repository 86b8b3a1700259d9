//! Reading a `multipart/form-data` upload the way `wx.uploadFile` sends it: one file in field
//! `file` (bounded by the upload limit) and short text fields (bounded each), nothing else kept.

use std::collections::HashMap;

use actix_multipart::Multipart;
use futures_util::StreamExt;

use crate::error::{ApiError, ErrorCode, Message};

/// The parts of a form: the file, if sent, and the text fields, trimmed.
pub struct Parts {
    pub file: Option<Vec<u8>>,
    pub fields: HashMap<String, String>,
}

impl Parts {
    /// A text field, `None` when absent or empty.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str).filter(|t| !t.is_empty())
    }
}

/// Reads the whole form: the file up to `max_file` bytes (413 over it), every other field up to
/// `max_text` bytes (400 over it: no form of ours has longer text).
pub async fn read(mut form: Multipart, max_file: usize, max_text: usize) -> Result<Parts, ApiError> {
    let mut parts = Parts { file: None, fields: HashMap::new() };
    while let Some(field) = form.next().await {
        let mut field = field.map_err(|_| malformed())?;
        let name = field.name().unwrap_or_default().to_owned();
        let is_file = name == "file";
        let limit = if is_file { max_file } else { max_text };
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|_| malformed())?;
            if bytes.len() + chunk.len() > limit {
                return Err(if is_file { ApiError::new(ErrorCode::PayloadTooLarge) } else { malformed() });
            }
            bytes.extend_from_slice(&chunk);
        }
        if is_file {
            parts.file = Some(bytes);
        } else {
            parts.fields.insert(name, String::from_utf8_lossy(&bytes).trim().to_owned());
        }
    }
    Ok(parts)
}

fn malformed() -> ApiError {
    ApiError::new(ErrorCode::BadRequest).with_detail(Message::new(
        "上传内容不完整或格式不对,请重新上传。",
        "The multipart form is malformed or was cut off; upload again.",
    ))
}
