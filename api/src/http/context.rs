//! Per-request context: request id, the caller's language, the tracing span and the access log.
//!
//! The middleware runs outermost. It makes the context available to everything below it through a
//! task-local, so `ApiError` can render in the caller's language with the request id even where no
//! `HttpRequest` is at hand, and it turns any error response that was not produced by `ApiError`
//! (actix's own 404/405/413 and the like) into the same problem+json envelope.

use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::InternalError;
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse, ResponseError};
use tracing::Instrument;

use crate::error::{ApiError, ErrorCode, LoggedCode, PROBLEM_JSON};
use crate::request::{self, Lang, RequestContext};
use crate::telemetry::REQUEST_SPAN;

pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// Takes a gateway's request id when it is a plain token; otherwise makes a new one.
fn request_id(req: &ServiceRequest) -> String {
    req.headers()
        .get(&REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 64)
        .filter(|v| v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
        .map_or_else(|| uuid::Uuid::now_v7().to_string(), str::to_owned)
}

/// The outermost middleware; see the module documentation.
pub async fn request_context(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let ctx = RequestContext {
        request_id: request_id(&req),
        lang: Lang::from_accept_language(req.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok())),
    };
    let span = tracing::info_span!(
        REQUEST_SPAN,
        request_id = %ctx.request_id,
        method = %req.method(),
        route = tracing::field::Empty,
    );
    let started = Instant::now();
    let request_id = ctx.request_id.clone();
    request::scope(ctx, async move {
        match next.call(req).await {
            Ok(response) => {
                let (req, res) = response.map_into_boxed_body().into_parts();
                let route = req.match_pattern().unwrap_or_else(|| "-".to_owned());
                tracing::Span::current().record("route", route.as_str());
                Ok(ServiceResponse::new(req, finish(res, &request_id, started)))
            }
            // A middleware failed before any handler ran: render the response here, inside the
            // context, and hand it to actix ready-made.
            Err(err) => {
                let res = finish(err.error_response(), &request_id, started);
                Err(InternalError::from_response(err, res).into())
            }
        }
    })
    .instrument(span)
    .await
}

fn finish(response: HttpResponse, request_id: &str, started: Instant) -> HttpResponse {
    let mut response = into_problem_if_needed(response);
    log_completion(&response, started);
    if let Ok(value) = HeaderValue::from_str(request_id) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    response
}

/// Re-renders a non-JSON error response produced outside `ApiError` as problem+json, keeping its status
/// and headers such as `Allow` and `Retry-After`.
fn into_problem_if_needed(response: HttpResponse) -> HttpResponse {
    let status = response.status();
    // A JSON error body was written on purpose (problem+json, or a documented body such as the
    // readiness report); only actix's plain-text and empty error bodies are replaced.
    let is_json = response.headers().get(header::CONTENT_TYPE).is_some_and(|v| {
        v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()) || v.as_bytes().starts_with(b"application/json")
    });
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let mut new = ApiError::new(ErrorCode::for_status(status.as_u16())).error_response();
    *new.status_mut() = status;
    for name in [header::ALLOW, header::RETRY_AFTER, header::WWW_AUTHENTICATE] {
        if let Some(value) = response.headers().get(&name) {
            new.headers_mut().insert(name, value.clone());
        }
    }
    new
}

fn log_completion(response: &HttpResponse, started: Instant) {
    let status = response.status().as_u16();
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    let code = response.extensions().get::<LoggedCode>().map(|c| c.0.as_str());
    match code {
        Some(code) if status >= 500 => tracing::error!(status, latency_ms, code, "request finished"),
        Some(code) => tracing::info!(status, latency_ms, code, "request finished"),
        None => tracing::info!(status, latency_ms, "request finished"),
    }
}
