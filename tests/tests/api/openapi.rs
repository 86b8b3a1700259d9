use serde_json::Value;
use tests::TestApp;

const REGENERATE: &str = "cargo run -p api -- openapi > openapi/openapi.json";

fn committed() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/openapi.json");
    std::fs::read_to_string(path).unwrap_or_default()
}

#[test]
fn committed_spec_matches_the_code() {
    let generated = api::openapi::spec_json().unwrap();
    assert!(
        committed() == generated,
        "openapi/openapi.json is out of date with the code; regenerate it with: {REGENERATE}"
    );
}

/// Every operation with its responses, one line each, as a snapshot (`snapshots/`): a change of
/// the API shows up as a readable diff of this list, beside the whole committed document above.
#[test]
fn the_operations_and_their_responses_are_as_reviewed() {
    let spec: Value = serde_json::from_str(&committed()).unwrap();
    let mut lines = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let statuses: Vec<&str> = operation["responses"].as_object().unwrap().keys().map(String::as_str).collect();
            let id = operation["operationId"].as_str().unwrap_or("-");
            lines.push(format!("{} {path} {id} -> {}", method.to_uppercase(), statuses.join(" ")));
        }
    }
    lines.extend(spec["components"]["schemas"].as_object().unwrap().keys().map(|name| format!("schema {name}")));
    insta::assert_snapshot!("operations", lines.join("\n"));
}

#[test]
fn every_schema_the_document_names_is_in_it() {
    let spec: Value = serde_json::from_str(&api::openapi::spec_json().unwrap()).unwrap();
    let text = spec.to_string();
    let prefix = "#/components/schemas/";
    let missing: Vec<&str> = text
        .match_indices(prefix)
        .map(|(at, _)| {
            let name = &text[at + prefix.len()..];
            &name[..name.find('"').unwrap_or(name.len())]
        })
        .filter(|name| spec["components"]["schemas"][*name].is_null())
        .collect();
    assert!(missing.is_empty(), "unresolvable references (clients and schemathesis fail on them): {missing:?}");
}

#[tokio::test]
async fn the_served_spec_is_the_committed_one() {
    let app = TestApp::spawn().await;
    let response = app.get_openapi().await;
    assert_eq!(response.status(), 200);
    let served: Value = response.json().await.unwrap();
    let committed: Value = serde_json::from_str(&committed()).unwrap();
    assert_eq!(served, committed);
}

#[test]
fn every_operation_is_tagged_and_documents_its_responses() {
    let spec: Value = serde_json::from_str(&api::openapi::spec_json().unwrap()).unwrap();
    let paths = spec["paths"].as_object().unwrap();
    assert!(paths.contains_key("/healthz") && paths.contains_key("/readyz"));
    for (path, item) in paths {
        for (method, operation) in item.as_object().unwrap() {
            assert!(operation["tags"].as_array().is_some_and(|t| !t.is_empty()), "{method} {path} has no tag");
            assert!(operation["responses"].as_object().is_some_and(|r| !r.is_empty()), "{method} {path}");
        }
    }
    assert!(spec["components"]["schemas"]["Problem"].is_object());
}

#[tokio::test]
async fn swagger_ui_is_served_from_the_binary() {
    let app = TestApp::spawn().await;
    let redirect = app.get("/docs").await;
    assert_eq!(redirect.status(), 308);
    let page = app.get("/docs/").await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("swagger"));
    let script = app.get("/docs/swagger-ui-bundle.js").await;
    assert_eq!(script.status(), 200, "assets are vendored, not fetched");
}
