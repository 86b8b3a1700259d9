//! The vocabulary's refusals and rule breaks as API errors.

use super::{ApiError, ErrorCode, FieldCode, FieldError, Message};
use crate::vocab::{BadMonth, Refusal};

impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> Self {
        ApiError::new(match refusal {
            Refusal::Forbidden => ErrorCode::Forbidden,
            Refusal::AdminNotCaseWorker => ErrorCode::AdminNotCaseWorker,
        })
    }
}

impl From<BadMonth> for ApiError {
    fn from(_: BadMonth) -> Self {
        ApiError::validation(vec![FieldError::new(
            "month",
            FieldCode::InvalidMonth,
            Message::new("月份格式应为 YYYY-MM,如 2026-11", "Give the month as YYYY-MM, e.g. 2026-11"),
        )])
    }
}
