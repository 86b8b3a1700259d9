//! Helpers for the review flow: a submitted application, review steps with the current version,
//! progress, and the jobs run with a controlled clock.

use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::TestApp;

impl TestApp {
    /// `POST /api/v1/imports?{query}` with the file's bytes.
    pub async fn post_import(&self, token: Option<&str>, query: &str, bytes: Vec<u8>) -> reqwest::Response {
        let mut request = self
            .client
            .post(self.url(&format!("/api/v1/imports?{query}")))
            .header("content-type", "application/octet-stream")
            .body(bytes);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("request")
    }

    /// A resident's application for `items` in 和平社区, submitted: (application id, resident token).
    pub async fn submitted(&self, name: &str, sequence: u32, items: &[&str]) -> (String, String) {
        let resident = self.resident_token(name).await;
        let (id, _) = self.ready_draft_for(&resident, "500199001001", sequence, items).await;
        assert_eq!(self.submit(&resident, &id).await.status(), 200, "submit");
        (id, resident)
    }

    pub async fn application(&self, token: &str, id: &str) -> Value {
        let response = self.get_as(&format!("/api/v1/applications/{id}"), Some(token)).await;
        assert_eq!(response.status(), 200, "read application");
        response.json().await.expect("application")
    }

    /// A review step (`accept`, `return`, ...) on application `id` with `body`.
    pub async fn step(&self, token: &str, id: &str, step: &str, body: &Value) -> reqwest::Response {
        self.post_json(&format!("/api/v1/applications/{id}/{step}"), Some(token), body).await
    }

    /// A review step made on the application's current version; the application after it.
    pub async fn step_ok(&self, token: &str, id: &str, step: &str, mut body: Value) -> Value {
        let version = self.application(token, id).await["version"].clone();
        body["version"] = version;
        let response = self.step(token, id, step, &body).await;
        let status = response.status();
        let out: Value = response.json().await.expect("step answer");
        assert_eq!(status, 200, "{step}: {out}");
        out
    }

    pub async fn progress(&self, token: Option<&str>, id: &str) -> reqwest::Response {
        self.get_as(&format!("/api/v1/applications/{id}/progress"), token).await
    }

    pub async fn progress_ok(&self, token: &str, id: &str) -> Value {
        let response = self.progress(Some(token), id).await;
        assert_eq!(response.status(), 200, "progress");
        response.json().await.expect("progress")
    }

    /// The fake data exchange answers every economic check with these findings.
    pub async fn mock_economic_check(&self, findings: Value) {
        Mock::given(method("POST"))
            .and(path("/v1/economic-checks"))
            .respond_with(ResponseTemplate::new(200).set_body_json(findings))
            .mount(&self.data_exchange)
            .await;
    }

    /// Accepts and investigates (against a fake data exchange answering `{"check_id": ...}`).
    pub async fn investigating(&self, reviewer: &str, id: &str) -> Value {
        self.mock_economic_check(json!({"check_id": "dx-1", "findings": []})).await;
        self.step_ok(reviewer, id, "accept", json!({})).await;
        self.step_ok(reviewer, id, "investigation", json!({})).await
    }

    /// An item's current version.
    pub fn item_version(application: &Value, code: &str) -> i64 {
        application["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|i| i["code"] == code)
            .and_then(|i| i["version"].as_i64())
            .expect("item version")
    }
}
