//! HTTP plumbing shared by every endpoint: request context, `Idempotency-Key`, the JSON
//! extractor, extractor error handlers and the answers for unknown routes.

pub(crate) mod connection;
pub(crate) mod context;
pub(crate) mod fallback;
pub mod idempotency;
mod infra_errors;
pub mod json;
pub(crate) mod multipart;
pub(crate) mod pagination;
pub(crate) mod query;

#[cfg(test)]
mod proptests;

use std::net::IpAddr;

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;

pub use json::JsonBody;
pub use query::Query;

use crate::error::{ApiError, ErrorCode};

/// Body-size limit and path extractor errors in the common envelope. JSON bodies are read with
/// `JsonBody` only (it honours the same `PayloadConfig` limit), query strings with `Query` only.
pub fn configure_extractors(cfg: &mut web::ServiceConfig, body_limit_bytes: usize) {
    cfg.app_data(web::PayloadConfig::new(body_limit_bytes)).app_data(
        web::PathConfig::default()
            .error_handler(|err, _| ApiError::new(ErrorCode::InvalidPath).with_source(err.to_string()).into()),
    );
}

/// A public answer that phones and proxies may keep for `seconds` (the catalog, the region tree,
/// the authorization text); every other answer is `no-store`.
pub fn public_json(seconds: u32, body: &impl Serialize) -> HttpResponse {
    HttpResponse::Ok().insert_header(("Cache-Control", format!("public, max-age={seconds}"))).json(body)
}

/// The client's address: the TCP peer, or the first `X-Forwarded-For` hop behind a trusted proxy.
pub fn client_address(req: &HttpRequest, trust_forwarded_for: bool) -> Option<IpAddr> {
    if trust_forwarded_for
        && let Some(first) = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .and_then(|v| v.trim().parse().ok())
    {
        return Some(first);
    }
    req.peer_addr().map(|addr| addr.ip())
}

#[cfg(test)]
mod tests {
    use actix_web::middleware::from_fn;
    use actix_web::{App, HttpResponse, test, web};
    use serde::Deserialize;
    use serde_json::Value;

    use super::*;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct NoteIn {
        text: String,
        count: u8,
    }

    async fn echo(body: JsonBody<NoteIn>) -> HttpResponse {
        HttpResponse::Ok().json(serde_json::json!({"text": body.0.text, "count": body.0.count}))
    }

    /// The server's middleware and extractor settings around a JSON endpoint.
    async fn call(content_type: &str, body: impl Into<web::Bytes>) -> (u16, Value) {
        let app = test::init_service(
            App::new()
                .configure(|cfg| configure_extractors(cfg, 64))
                .route("/notes", web::post().to(echo))
                .wrap(from_fn(context::request_context)),
        )
        .await;
        let request = test::TestRequest::post()
            .uri("/notes")
            .insert_header(("content-type", content_type))
            .set_payload(body.into())
            .to_request();
        let response = test::call_service(&app, request).await;
        let status = response.status().as_u16();
        let request_id = response.headers().get("x-request-id").cloned();
        let body: Value = serde_json::from_slice(&test::read_body(response).await).unwrap();
        if status >= 400 {
            assert_eq!(body["request_id"].as_str().map(str::as_bytes), request_id.as_ref().map(|v| v.as_bytes()));
        }
        (status, body)
    }

    #[actix_web::test]
    async fn a_valid_body_is_accepted() {
        let (status, body) = call("application/json; charset=utf-8", r#"{"text":"你好","count":2}"#).await;
        assert_eq!((status, body["text"].as_str()), (200, Some("你好")));
    }

    #[actix_web::test]
    async fn malformed_json_is_400() {
        let (status, body) = call("application/json", r#"{"text": "#).await;
        assert_eq!((status, body["code"].as_str()), (400, Some("MALFORMED_JSON")));
        assert_eq!(body["title"], "请求内容格式错误");
    }

    #[actix_web::test]
    async fn wrong_content_type_is_415() {
        let (status, body) = call("text/plain", r#"{"text":"a","count":1}"#).await;
        assert_eq!((status, body["code"].as_str()), (415, Some("UNSUPPORTED_MEDIA_TYPE")));
    }

    #[actix_web::test]
    async fn oversized_body_is_413() {
        let big = format!(r#"{{"text":"{}","count":1}}"#, "x".repeat(200));
        let (status, body) = call("application/json", big).await;
        assert_eq!((status, body["code"].as_str()), (413, Some("PAYLOAD_TOO_LARGE")));
    }

    #[actix_web::test]
    async fn invalid_fields_are_422_naming_the_field() {
        let (status, body) = call("application/json", r#"{"text":"a","count":300}"#).await;
        assert_eq!((status, body["code"].as_str()), (422, Some("VALIDATION_FAILED")));
        assert_eq!(body["errors"][0]["field"], "count");
        assert_eq!(body["errors"][0]["code"], "INVALID_VALUE");
        let (_, body) = call("application/json", r#"{"count":1}"#).await;
        assert_eq!(body["errors"][0]["field"], "text");
        assert_eq!(body["errors"][0]["code"], "REQUIRED");
        assert_eq!(body["errors"][0]["message"], "此项为必填项,请填写");
    }
}
