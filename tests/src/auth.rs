//! Helpers for signing in as each role: the demo district, password sign-in, WeChat sign-in
//! against the fake WeChat server, and requests carrying a token.

use api::cli::{DEMO_REGIONS, demo_staff};
use api::infra::cache::Cache;
use api::regions::model::RegionIn;
use sea_orm::DatabaseConnection;
use serde::Serialize;
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

use crate::TestApp;

/// The password of every account the helpers create.
pub const TEST_PASSWORD: &str = "Test-password-2026";
/// The key the test servers sign access tokens with (kid `test`).
pub const TEST_JWT_SECRET: &str = "0123456789abcdef0123456789abcdef";

/// What `TestApp::seed_demo` writes, into any database (the demo template's too).
pub(crate) async fn seed_demo_into(db: &DatabaseConnection, cache: &Cache) {
    api::catalog::seed::seed(db).await.expect("catalog");
    for (code, name) in DEMO_REGIONS {
        let input = RegionIn { code: code.to_owned(), name: name.to_owned() };
        api::regions::service::create(db, cache, None, input).await.expect("region");
    }
    let district = api::cli::demo_district().expect("demo district");
    api::precheck::seed::seed(db, &district).await.expect("pre-check rules");
    for input in demo_staff(TEST_PASSWORD) {
        api::accounts::service::create_staff(db, None, input).await.expect("staff");
    }
}

impl TestApp {
    /// The demo district (`api::cli::DEMO_REGIONS`), its staff, all with `TEST_PASSWORD`, and the
    /// 13-item demo catalog.
    /// `TestApp::spawn_demo` starts on a database that has it already.
    pub async fn seed_demo(&self) {
        seed_demo_into(&self.state.db, &self.state.cache).await;
    }

    /// The audit rows of one action, e.g. `auth.sign_in`.
    pub async fn audit_events(&self, action: &str) -> Vec<entity::audit_event::Model> {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        entity::audit_event::Entity::find()
            .filter(entity::audit_event::Column::Action.eq(action))
            .all(&self.state.db)
            .await
            .expect("audit rows")
    }

    pub async fn post_password_sign_in(&self, username: &str, password: &str) -> reqwest::Response {
        self.post_json("/api/v1/auth/password", None, &json!({ "username": username, "password": password })).await
    }

    /// Signs in a member of staff with `TEST_PASSWORD`; the whole token response.
    pub async fn sign_in(&self, username: &str) -> Value {
        let response = self.post_password_sign_in(username, TEST_PASSWORD).await;
        assert_eq!(response.status(), 200, "sign-in of {username}");
        response.json().await.expect("token JSON")
    }

    /// An access token for a member of staff.
    pub async fn token(&self, username: &str) -> String {
        self.sign_in(username).await["access_token"].as_str().expect("access_token").to_owned()
    }

    /// Makes the fake WeChat answer `answer` to `jscode2session` with `code`.
    pub async fn mock_wechat(&self, code: &str, answer: ResponseTemplate) {
        Mock::given(method("GET"))
            .and(path("/sns/jscode2session"))
            .and(query_param("js_code", code))
            .and(query_param("appid", "wx-test-app"))
            .and(query_param("secret", "wx-test-secret"))
            .and(query_param("grant_type", "authorization_code"))
            .respond_with(answer)
            .mount(&self.wechat)
            .await;
    }

    pub async fn post_wechat_sign_in(&self, code: &str) -> reqwest::Response {
        self.post_json("/api/v1/auth/wechat", None, &json!({ "code": code })).await
    }

    /// Signs in the resident `name` through the fake WeChat; the whole token response.
    pub async fn resident_sign_in(&self, name: &str) -> Value {
        let code = format!("code-{name}-{}", uuid::Uuid::new_v4().simple());
        let answer = json!({ "openid": format!("openid-{name}"), "session_key": "c2Vzc2lvbi1rZXk=" });
        self.mock_wechat(&code, ResponseTemplate::new(200).set_body_string(answer.to_string())).await;
        let response = self.post_wechat_sign_in(&code).await;
        assert_eq!(response.status(), 200, "resident sign-in");
        response.json().await.expect("token JSON")
    }

    pub async fn resident_token(&self, name: &str) -> String {
        self.resident_sign_in(name).await["access_token"].as_str().expect("access_token").to_owned()
    }

    fn with_token(&self, builder: reqwest::RequestBuilder, token: Option<&str>) -> reqwest::RequestBuilder {
        match token {
            Some(token) => builder.bearer_auth(token),
            None => builder,
        }
    }

    pub async fn get_as(&self, path: &str, token: Option<&str>) -> reqwest::Response {
        self.with_token(self.client.get(self.url(path)), token).send().await.expect("request sent")
    }

    pub async fn delete_as(&self, path: &str, token: &str) -> reqwest::Response {
        self.with_token(self.client.delete(self.url(path)), Some(token)).send().await.expect("request sent")
    }

    pub async fn post_json(&self, path: &str, token: Option<&str>, body: &impl Serialize) -> reqwest::Response {
        self.with_token(self.client.post(self.url(path)), token).json(body).send().await.expect("request sent")
    }

    pub async fn patch_json(&self, path: &str, token: Option<&str>, body: &Value) -> reqwest::Response {
        self.with_token(self.client.patch(self.url(path)), token).json(body).send().await.expect("request sent")
    }

    pub async fn put_json(&self, path: &str, token: Option<&str>, body: &impl Serialize) -> reqwest::Response {
        self.with_token(self.client.put(self.url(path)), token).json(body).send().await.expect("request sent")
    }
}
