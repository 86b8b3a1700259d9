//! The one error type of the API and its rendering as RFC 9457 problem details.
//!
//! Handlers return `Result<_, ApiError>`; lower layers convert into it with `From` and `?`.
//! Every error response, including those of extractors, unknown routes and responses produced by
//! actix itself, leaves the server as `application/problem+json` with a stable `code`, text in the
//! caller's language and the request id. A 5xx never shows its cause; the log has it once, under
//! the same request id.

mod code;
mod db;
mod field_code;
mod note;
mod op_code;
mod table;
mod vocab;

use std::borrow::Cow;
use std::fmt;

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

pub use code::{ErrorCode, Text};
pub use field_code::FieldCode;
pub use note::{field_note, required_note};
pub use op_code::OpCode;

use crate::request::{self, Lang};

/// The challenge of a 401 when the request brought no token.
pub const DEFAULT_CHALLENGE: &str = r#"Bearer realm="jiuzhu""#;

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Human text that is either one of the catalogue's fixed strings or made for this occurrence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub zh: Cow<'static, str>,
    pub en: Cow<'static, str>,
}

impl Message {
    pub fn new(zh: impl Into<Cow<'static, str>>, en: impl Into<Cow<'static, str>>) -> Self {
        Self { zh: zh.into(), en: en.into() }
    }

    /// The text in the language of the request being served.
    pub fn localized(&self) -> String {
        self.pick(crate::request::current().lang).to_owned()
    }

    fn pick(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

impl From<Text> for Message {
    fn from(text: Text) -> Self {
        Self::new(text.zh, text.en)
    }
}

/// One invalid field of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// A path into the request body, e.g. `members[1].id_number`.
    pub field: String,
    /// A stable code for this field's problem, e.g. `REQUIRED`.
    pub code: FieldCode,
    pub message: Message,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: FieldCode, message: Message) -> Self {
        Self { field: field.into(), code, message }
    }
}

/// The error every handler and service returns. Boxed: it travels through many `Result`s.
pub struct ApiError(Box<ErrorInner>);

struct ErrorInner {
    code: ErrorCode,
    detail: Option<Message>,
    errors: Vec<FieldError>,
    retry_after_secs: Option<u64>,
    allow: Vec<Method>,
    /// `WWW-Authenticate` for a 401; `Bearer realm="jiuzhu"` when not set.
    challenge: Option<&'static str>,
    /// The record's current state, for a 409 (`status`, `version`, ...).
    current: Option<serde_json::Value>,
    /// The cause, for the log only; never sent to the client.
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl ApiError {
    pub fn new(code: ErrorCode) -> Self {
        Self(Box::new(ErrorInner {
            code,
            detail: None,
            errors: Vec::new(),
            retry_after_secs: None,
            allow: Vec::new(),
            challenge: None,
            current: None,
            source: None,
        }))
    }

    /// An unexpected failure: the client sees a bare 500, the log sees `source`.
    pub fn internal(source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self::new(ErrorCode::Internal).with_source(source)
    }

    /// A dependency is down: 503 with `Retry-After`.
    pub fn unavailable(source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self::new(ErrorCode::ServiceUnavailable).with_retry_after(5).with_source(source)
    }

    /// 409 `VERSION_CONFLICT` about one record, named in the detail (`("该线索", "The lead")`),
    /// with the record's current state.
    pub fn version_conflict(record: (&str, &str), current: serde_json::Value) -> Self {
        let (zh, en) = record;
        Self::new(ErrorCode::VersionConflict)
            .with_detail(Message::new(
                format!("{zh}刚被其他人员更新,请刷新后核对最新内容再操作。"),
                format!("{en} was changed by someone else just now; reload it, check, and try again."),
            ))
            .with_current(current)
    }

    /// A 422 listing every invalid field at once.
    pub fn validation(errors: Vec<FieldError>) -> Self {
        Self::new(ErrorCode::ValidationFailed).with_errors(errors)
    }

    pub fn with_detail(mut self, detail: Message) -> Self {
        self.0.detail = Some(detail);
        self
    }

    pub fn with_errors(mut self, errors: Vec<FieldError>) -> Self {
        self.0.errors = errors;
        self
    }

    pub fn with_retry_after(mut self, secs: u64) -> Self {
        self.0.retry_after_secs = Some(secs);
        self
    }

    pub fn with_allow(mut self, methods: Vec<Method>) -> Self {
        self.0.allow = methods;
        self
    }

    /// The `WWW-Authenticate` challenge of a 401 (RFC 6750), e.g. for an invalid token.
    pub fn with_challenge(mut self, challenge: &'static str) -> Self {
        self.0.challenge = Some(challenge);
        self
    }

    /// The state a 409 found, so the client can show it without another request.
    pub fn with_current(mut self, current: serde_json::Value) -> Self {
        self.0.current = Some(current);
        self
    }

    pub fn with_source(mut self, source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        self.0.source = Some(source.into());
        self
    }

    pub fn code(&self) -> ErrorCode {
        self.0.code
    }

    pub fn errors(&self) -> &[FieldError] {
        &self.0.errors
    }

    /// The body as sent to a caller speaking `lang`.
    pub fn problem(&self, lang: Lang, request_id: Option<String>) -> Problem {
        let title = Message::from(self.0.code.title());
        let detail = self.0.detail.clone().unwrap_or_else(|| self.0.code.detail().into());
        Problem {
            r#type: format!("urn:jiuzhu:problem:{}", self.0.code.as_str()),
            title: title.pick(lang).to_owned(),
            status: self.0.code.status(),
            detail: detail.pick(lang).to_owned(),
            code: self.0.code,
            request_id,
            current: self.0.current.clone(),
            errors: self.0.errors.iter().map(|e| e.in_language(lang)).collect(),
        }
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("code", &self.0.code)
            .field("errors", &self.0.errors)
            .field("source", &self.0.source)
            .finish_non_exhaustive()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.code.as_str())?;
        if let Some(source) = &self.0.source {
            write!(f, ": {source}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source.as_deref().map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// Marks a response as carrying this error code, for the access log.
#[derive(Debug, Clone, Copy)]
pub struct LoggedCode(pub ErrorCode);

impl ApiError {
    /// The HTTP status, as actix takes it. Every code's status is a valid one (see the tests).
    fn http_status(&self) -> StatusCode {
        StatusCode::from_u16(self.0.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.http_status()
    }

    fn error_response(&self) -> HttpResponse {
        let ctx = request::current();
        let status = self.http_status();
        if status.is_server_error() {
            match &self.0.source {
                Some(cause) => tracing::error!(code = self.0.code.as_str(), cause = %cause, "request failed"),
                None => tracing::error!(code = self.0.code.as_str(), "request failed"),
            }
        }
        let problem = self.problem(ctx.lang, Some(ctx.request_id.clone()));
        let mut response = HttpResponse::build(status);
        response.insert_header((header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON)));
        response.insert_header((header::CONTENT_LANGUAGE, ctx.lang.tag()));
        if let Some(secs) = self.0.retry_after_secs {
            response.insert_header((header::RETRY_AFTER, secs));
        }
        if status == StatusCode::UNAUTHORIZED {
            response.insert_header((header::WWW_AUTHENTICATE, self.0.challenge.unwrap_or(DEFAULT_CHALLENGE)));
        }
        if !self.0.allow.is_empty() {
            let allow = self.0.allow.iter().map(Method::as_str).collect::<Vec<_>>().join(", ");
            response.insert_header((header::ALLOW, allow));
        }
        let mut response = response.body(serde_json::to_vec(&problem).unwrap_or_default());
        response.extensions_mut().insert(LoggedCode(self.0.code));
        response
    }
}

/// RFC 9457 problem details, as every error response carries them.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "urn:jiuzhu:problem:VALIDATION_FAILED",
    "title": "填写的内容有误",
    "status": 422,
    "detail": "部分内容填写有误,请按提示修改后重新提交。",
    "code": "VALIDATION_FAILED",
    "request_id": "0190f1c4-8a43-7d2e-a3c1-2f5b7c9d0e11",
    "errors": [{"field": "members[0].id_number", "code": "INVALID_ID_NUMBER", "message": "身份证号码校验不通过,请核对后重新填写"}]
}))]
pub struct Problem {
    /// A URI naming the problem type: `urn:jiuzhu:problem:<CODE>`.
    #[serde(rename = "type")]
    pub r#type: String,
    /// A short summary of the problem type, in the caller's language.
    pub title: String,
    /// The HTTP status code, repeated for clients that do not see it.
    pub status: u16,
    /// What happened and what to do, in the caller's language.
    pub detail: String,
    pub code: ErrorCode,
    /// Quote this to support staff; the server log has the same id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// For a 409: the record's current state, e.g. `{"status": "accepted", "version": 3}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub current: Option<serde_json::Value>,
    /// The invalid fields, each with its own code and message (422 only; otherwise empty).
    pub errors: Vec<ProblemField>,
}

impl FieldError {
    /// The field as a problem shows it, in `lang`.
    fn in_language(&self, lang: Lang) -> ProblemField {
        ProblemField { field: self.field.clone(), code: self.code, message: self.message.pick(lang).to_owned() }
    }

    /// The field as a problem shows it, in the language of the request being served.
    pub fn localized(&self) -> ProblemField {
        self.in_language(crate::request::current().lang)
    }
}

/// One invalid field in a problem.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemField {
    /// Path to the field in the request, e.g. `members[1].id_number`.
    pub field: String,
    /// Stable code of this field's problem, e.g. `REQUIRED`, `INVALID_VALUE`, `UNKNOWN_FIELD`.
    pub code: FieldCode,
    /// What to do, in the caller's language.
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problem_speaks_the_callers_language() {
        let err = ApiError::validation(vec![FieldError::new(
            "name",
            FieldCode::Required,
            Message::new("请填写姓名", "Enter the name"),
        )]);
        let zh = err.problem(Lang::Zh, None);
        assert_eq!(zh.status, 422);
        assert_eq!(zh.title, "填写的内容有误");
        assert_eq!(zh.errors[0].message, "请填写姓名");
        let en = err.problem(Lang::En, Some("r1".into()));
        assert_eq!(en.title, "Validation failed");
        assert_eq!(en.errors[0].message, "Enter the name");
        assert_eq!(en.request_id.as_deref(), Some("r1"));
    }

    #[test]
    fn internal_errors_never_show_their_cause() {
        let err = ApiError::internal("password authentication failed for user postgres");
        let body = serde_json::to_string(&err.problem(Lang::En, None)).unwrap();
        assert!(!body.contains("postgres"), "{body}");
        assert!(err.to_string().contains("postgres"));
    }
}
