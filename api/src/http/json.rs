//! `JsonBody<T>`: the JSON request extractor every endpoint uses.
//!
//! Compared with actix's `web::Json` it reports *where* a body is wrong: a deserialisation error
//! becomes a 422 whose `errors[]` names the field path (`members[1].birth_date`), so the phone can
//! put the message beside the right input. The size limit is the app's `PayloadConfig`.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::error::PayloadError;
use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{FromRequest, HttpRequest};
use serde::de::DeserializeOwned;

use crate::error::{ApiError, ErrorCode, FieldCode, FieldError, Message};

/// A JSON request body of type `T`.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for JsonBody<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let content_type_ok = is_json(req);
        let body = Bytes::from_request(req, payload);
        Box::pin(async move {
            if !content_type_ok {
                return Err(ApiError::new(ErrorCode::UnsupportedMediaType));
            }
            let bytes = body.await.map_err(|err| payload_error(&err))?;
            parse(&bytes).map(JsonBody)
        })
    }
}

fn is_json(req: &HttpRequest) -> bool {
    let Some(value) = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Maps actix's body-reading errors (the extractor gets them wrapped in `actix_web::Error`).
fn payload_error(err: &actix_web::Error) -> ApiError {
    match err.as_error::<PayloadError>() {
        Some(PayloadError::Overflow) => ApiError::new(ErrorCode::PayloadTooLarge),
        _ if err.as_response_error().status_code().as_u16() == 413 => ApiError::new(ErrorCode::PayloadTooLarge),
        _ => ApiError::new(ErrorCode::BadRequest).with_detail(Message::new(
            "请求内容没有完整送达,请检查网络后重试。",
            "The request body did not arrive complete; check the connection and retry.",
        )),
    }
}

/// Parses a JSON body, naming the failing field on a 422.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        // A body cut off after an unknown or wrong field is met fails on the field first: the
        // whole body decides, so a phone on a failing link hears that it did not arrive whole.
        if inner.is_syntax() || inner.is_eof() || inner.is_io() || !is_whole_json(bytes) {
            return ApiError::new(ErrorCode::MalformedJson);
        }
        ApiError::validation(vec![field_error(&path, &inner)])
    })?;
    deserializer.end().map_err(|_| ApiError::new(ErrorCode::MalformedJson))?;
    Ok(value)
}

/// True when the bytes are one well-formed JSON value (read on the error path only).
fn is_whole_json(bytes: &[u8]) -> bool {
    serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok()
}

/// How a `Deserialize` that knows a closed list of names (sync's op names) starts its error for
/// a name not on it: `{UNKNOWN_NAME} `x`, expected one of a, b, c`, read here as `UNSUPPORTED_OP`.
pub const UNKNOWN_NAME: &str = "unsupported name";

/// Turns serde's message into a field path, a stable code and a message for people.
pub(crate) fn field_error(path: &str, err: &impl std::fmt::Display) -> FieldError {
    let text = err.to_string();
    let text = text.split(" at line ").next().unwrap_or_default();
    let join = |name: &str| if path == "." || path.is_empty() { name.to_owned() } else { format!("{path}.{name}") };
    let quoted = text.split('`').nth(1).unwrap_or_default();
    if let Some(rest) = text.strip_prefix(UNKNOWN_NAME) {
        let names = rest.split("expected one of ").nth(1).unwrap_or_default();
        FieldError::new(
            path,
            FieldCode::UnsupportedOp,
            Message::new(
                format!("不支持的同步操作;可用的操作:{names}"),
                format!("Not an operation sync takes; one of: {names}"),
            ),
        )
    } else if text.starts_with("missing field") {
        FieldError::new(
            join(quoted),
            FieldCode::Required,
            Message::new("此项为必填项,请填写", "This field is required"),
        )
    } else if text.starts_with("unknown field") {
        FieldError::new(
            path,
            FieldCode::UnknownField,
            Message::new("不认识的字段,请删除后重新提交", format!("Unknown field; remove it ({text})")),
        )
    } else {
        let field = if path == "." { String::new() } else { path.to_owned() };
        FieldError::new(
            field,
            FieldCode::InvalidValue,
            Message::new("此项的格式或取值不对,请检查后重新填写", format!("Invalid value: {text}")),
        )
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Member {
        name: String,
        age: u8,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Household {
        members: Vec<Member>,
    }

    fn field_of(body: &str) -> (ErrorCode, String, Option<FieldCode>) {
        let err = parse::<Household>(body.as_bytes()).unwrap_err();
        let first = err.errors().first().cloned();
        (err.code(), first.as_ref().map(|f| f.field.clone()).unwrap_or_default(), first.map(|f| f.code))
    }

    #[test]
    fn syntax_errors_are_malformed_json() {
        assert_eq!(field_of("{\"members\": [").0, ErrorCode::MalformedJson);
        assert_eq!(field_of("").0, ErrorCode::MalformedJson);
        assert_eq!(field_of(r#"{"members":[]} trailing"#).0, ErrorCode::MalformedJson);
        // Cut off after a field the type refuses: the cut, not the field, is what went wrong.
        assert_eq!(field_of(r#"{"broken": "#).0, ErrorCode::MalformedJson);
        assert_eq!(field_of(r#"{"members":[{"name":"张三","age":"x"}"#).0, ErrorCode::MalformedJson);
    }

    #[test]
    fn data_errors_name_the_field() {
        let (code, field, kind) = field_of(r#"{"members":[{"name":"张三","age":30},{"name":"李四","age":"x"}]}"#);
        assert_eq!(
            (code, field.as_str(), kind),
            (ErrorCode::ValidationFailed, "members[1].age", Some(FieldCode::InvalidValue))
        );
        let (_, field, kind) = field_of(r#"{"members":[{"name":"张三"}]}"#);
        assert_eq!((field.as_str(), kind), ("members[0].age", Some(FieldCode::Required)));
        let (_, field, kind) = field_of(r#"{"members":[],"extra":1}"#);
        assert_eq!((field.as_str(), kind), ("extra", Some(FieldCode::UnknownField)));
        let (_, field, kind) = field_of(r#"[]"#);
        assert_eq!((field.as_str(), kind), ("", Some(FieldCode::InvalidValue)));
    }
}
