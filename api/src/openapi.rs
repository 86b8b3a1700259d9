//! The OpenAPI document. Paths come from the `#[utoipa::path]` handlers registered in
//! `routes::configure`, so an endpoint cannot be served without being documented. The committed
//! copy is `openapi/openapi.json`; regenerate it with `cargo run -p api -- openapi > openapi/openapi.json`.

use actix_web::App;
use utoipa::openapi::OpenApi as Spec;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};

use crate::error::{ErrorCode, FieldCode, PROBLEM_JSON, Problem, ProblemField};
use crate::routes;

/// Where the document is served.
pub const SPEC_PATH: &str = "/api/v1/openapi.json";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Jiuzhu 救助 API",
        description = "Backend of a phone-first social-assistance platform. Errors are RFC 9457 \
            problem details (`application/problem+json`) with a stable `code`; human text is Simplified \
            Chinese unless the request sends `Accept-Language: en`. Any `POST`, `PUT`, `PATCH` or `DELETE` \
            with a JSON or empty body accepts an `Idempotency-Key` header (1 to 255 visible ASCII \
            characters, e.g. a UUID): the first answer is kept for a day and a retry with the same key \
            and request gets it again (`Idempotent-Replayed: true`) instead of being done twice; the key \
            used for another request is 422 `IDEMPOTENCY_KEY_REUSED`, a key whose first request is still \
            running 409 `IDEMPOTENCY_KEY_IN_FLIGHT` with `Retry-After`.",
        license(name = "MIT OR Apache-2.0"),
    ),
    components(schemas(Problem, ProblemField, ErrorCode, FieldCode)),
    modifiers(&BearerAuth),
    tags(
        (name = "ops", description = "Probes for load balancers and orchestrators"),
        (name = "auth", description = "Sign-in: residents with WeChat, staff with a password; refresh and logout"),
        (name = "accounts", description = "The caller's account and staff administration"),
        (name = "catalog", description = "The aid items: conditions, documents, time limits; public"),
        (name = "applications", description = "Applications: drafts, household members, submit, lists"),
        (name = "documents", description = "Document photos and PDFs of an application; the resident's wallet"),
        (name = "authorizations", description = "The signed authorization (授权书) for the economic check"),
        (name = "precheck", description = "一键智能预判: items a household likely qualifies for, by rules stored per region"),
        (name = "service-points", description = "Community service points, their QR codes, and scanning them to apply"),
        (name = "regions", description = "Districts, townships and communities; every staff permission is scoped by them"),
        (name = "checkins", description = "Periodic check-ins (生存状况验证) of recipients: remote with a selfie and face verification, or assisted on a home visit; visit tasks; suspension and resumption of payment by the township"),
        (name = "imports", description = "Monthly files from other departments (medical costs, disability certificates, deaths, ...), imported by the district, matched to people by the ID blind index"),
        (name = "monitoring", description = "Dynamic monitoring and early warning: the pool of watched people, warning rules per region, the leads they raise from department data (routed to the township, assigned, visited, closed), figures and the district dashboard; the per-person ledger against double aid"),
        (name = "sync", description = "Offline sync for helpers: pushed operations answered one by one, pulled changes in server order with tombstones, the device's standing, the conflict queue"),
    ),
)]
struct ApiDoc;

/// The `bearer` scheme protected endpoints name: a short-lived JWT access token.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut Spec) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut scheme = Http::new(HttpAuthScheme::Bearer);
        scheme.bearer_format = Some("JWT".to_owned());
        scheme.description = Some(
            "Access token from `POST /api/v1/auth/wechat`, `/auth/password` or `/auth/refresh`; valid for 15 minutes."
                .to_owned(),
        );
        components.add_security_scheme("bearer", SecurityScheme::Http(scheme));
    }
}

/// The whole document, as the server serves it.
pub fn spec() -> Spec {
    let (_, mut spec) =
        App::new().into_utoipa_app().openapi(ApiDoc::openapi()).configure(routes::configure).split_for_parts();
    document_common_errors(&mut spec);
    spec
}

/// Adds the errors every operation of a kind can answer, so no handler has to list them: 401 for
/// a protected operation, 400 for malformed parameters or JSON, 413/415/422 for a bad body.
fn document_common_errors(spec: &mut Spec) {
    let problem = || {
        ResponseBuilder::new()
            .content(PROBLEM_JSON, ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build())
    };
    for item in spec.paths.paths.values_mut() {
        let operations = [&mut item.get, &mut item.post, &mut item.put, &mut item.patch, &mut item.delete];
        for operation in operations.into_iter().flatten() {
            let has_body = operation.request_body.is_some();
            let has_params = operation.parameters.as_ref().is_some_and(|p| !p.is_empty());
            let protected = operation.security.as_ref().is_some_and(|s| !s.is_empty());
            let responses = &mut operation.responses.responses;
            let mut add = |status: &str, description: &str| {
                responses
                    .entry(status.to_owned())
                    .or_insert_with(|| RefOr::T(problem().description(description).build()));
            };
            if protected {
                add("401", "Not signed in, or the token is invalid (`UNAUTHENTICATED`) or expired (`TOKEN_EXPIRED`)");
            }
            if has_body || has_params {
                add("400", "Malformed JSON (`MALFORMED_JSON`) or parameters (`INVALID_QUERY`, `INVALID_PATH`)");
            }
            if has_body {
                add("422", "A field is missing, of the wrong type, unknown or invalid (`VALIDATION_FAILED`)");
                add("413", "The body is too large (`PAYLOAD_TOO_LARGE`)");
                add("415", "The body is not `application/json` (`UNSUPPORTED_MEDIA_TYPE`)");
            }
        }
    }
}

/// The document as committed in `openapi/openapi.json`, ending with a newline.
pub fn spec_json() -> Result<String, serde_json::Error> {
    Ok(spec().to_pretty_json()? + "\n")
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    /// Two Rust types with one schema name would leave the document with one of them, and a client
    /// generated from it would send the other's values (as a decision's `outcome` once did).
    #[test]
    fn no_two_types_share_a_schema_name() {
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        let mut clashes = Vec::new();
        for (name, schema) in routes::schema_entries() {
            let json = serde_json::to_string(&schema).unwrap();
            match seen.get(&name) {
                Some(first) if *first != json => clashes.push(name),
                Some(_) => {}
                None => {
                    seen.insert(name, json);
                }
            }
        }
        clashes.dedup();
        assert!(clashes.is_empty(), "types that share a schema name (give one `#[schema(as = ..)]`): {clashes:?}");
    }

    #[test]
    fn a_decision_documents_its_own_outcomes() {
        let document = serde_json::to_value(spec()).unwrap();
        let schemas = &document["components"]["schemas"];
        assert_eq!(schemas["DecisionOutcome"]["enum"], serde_json::json!(["approved", "rejected"]));
        assert!(schemas.get("Outcome").is_none());
    }
}
