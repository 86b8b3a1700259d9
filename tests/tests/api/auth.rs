//! Sign-in for residents (through a fake WeChat) and staff (password), refresh rotation, logout,
//! lockout, and the tokens that must be refused.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use sea_orm::EntityTrait;
use serde_json::{Value, json};
use tests::{TEST_JWT_SECRET, TEST_PASSWORD, TestApp, problem};
use wiremock::ResponseTemplate;

fn wechat_answer(body: Value) -> ResponseTemplate {
    // WeChat answers JSON labelled text/plain.
    ResponseTemplate::new(200).set_body_raw(body.to_string(), "text/plain")
}

#[tokio::test]
async fn a_resident_signs_in_through_wechat_and_keeps_one_account() {
    let app = TestApp::spawn().await;
    app.mock_wechat(
        "code-1",
        wechat_answer(json!({"openid": "o-abc", "unionid": "u-abc", "session_key": "SECRET-SESSION-KEY"})),
    )
    .await;
    app.mock_wechat("code-2", wechat_answer(json!({"openid": "o-abc", "session_key": "SECRET-SESSION-KEY"}))).await;

    let first = app.post_wechat_sign_in("code-1").await;
    assert_eq!(first.status(), 200);
    let text = first.text().await.unwrap();
    assert!(!text.contains("SECRET-SESSION-KEY") && !text.contains("o-abc"), "no session key or openid: {text}");
    let first: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(first["token_type"], "Bearer");
    assert_eq!(first["expires_in"], 900);
    assert_eq!(first["account"]["role"], "resident");

    let second: Value = app.post_wechat_sign_in("code-2").await.json().await.unwrap();
    assert_eq!(second["account"]["id"], first["account"]["id"], "the same openid is the same account");
    let row = entity::account::Entity::find().one(&app.state.db).await.unwrap().unwrap();
    assert_eq!(row.wechat_unionid.as_deref(), Some("u-abc"), "the unionid is kept when a later answer lacks it");

    let me = app.get_as("/api/v1/me", first["access_token"].as_str()).await;
    assert_eq!(me.status(), 200);
    assert_eq!(me.json::<Value>().await.unwrap()["id"], first["account"]["id"]);
    assert_eq!(app.audit_events("auth.sign_in").await.len(), 2);
}

#[tokio::test]
async fn wechat_failures_are_clear_problems_never_500() {
    let app = TestApp::spawn_with(|s| s.wechat.timeout_ms = 300).await;
    let cases: [(&str, ResponseTemplate, u16, &str); 7] = [
        ("c40029", wechat_answer(json!({"errcode": 40029, "errmsg": "invalid code"})), 401, "WECHAT_CODE_INVALID"),
        (
            "c45011",
            wechat_answer(json!({"errcode": 45011, "errmsg": "api minute-quota reach limit"})),
            429,
            "RATE_LIMITED",
        ),
        ("c40226", wechat_answer(json!({"errcode": 40226, "errmsg": "high risk user"})), 403, "WECHAT_USER_BLOCKED"),
        ("cbusy", wechat_answer(json!({"errcode": -1, "errmsg": "system error"})), 503, "WECHAT_UNAVAILABLE"),
        ("cslow", wechat_answer(json!({"openid": "o"})).set_delay(Duration::from_secs(2)), 503, "WECHAT_UNAVAILABLE"),
        ("cgarbage", ResponseTemplate::new(200).set_body_string("<html>"), 502, "WECHAT_ERROR"),
        ("csecret", wechat_answer(json!({"errcode": 40125, "errmsg": "invalid appsecret"})), 502, "WECHAT_ERROR"),
    ];
    for (code, answer, status, error_code) in cases {
        app.mock_wechat(code, answer).await;
        let response = app.post_wechat_sign_in(code).await;
        let retry_after = response.headers().get("retry-after").map(|v| v.to_str().unwrap().to_owned());
        problem(response, status, error_code).await;
        match error_code {
            "RATE_LIMITED" => assert_eq!(retry_after.as_deref(), Some("60"), "{code}"),
            "WECHAT_UNAVAILABLE" => assert!(retry_after.is_some(), "{code}"),
            _ => {}
        }
    }
    let body = problem(app.post_json("/api/v1/auth/wechat", None, &json!({})).await, 422, "VALIDATION_FAILED").await;
    assert_eq!(body["errors"][0]["field"], "code");
    problem(app.post_wechat_sign_in("has space").await, 422, "VALIDATION_FAILED").await;
    assert_eq!(entity::account::Entity::find().all(&app.state.db).await.unwrap().len(), 0, "no account made");
}

#[tokio::test]
async fn the_dev_provider_needs_no_wechat_and_refuses_other_codes() {
    let app = TestApp::spawn_with(|s| s.wechat.provider = api::config::LoginProvider::Dev).await;
    let response = app.post_wechat_sign_in("dev:alice").await;
    assert_eq!(response.status(), 200);
    problem(app.post_wechat_sign_in("a-real-looking-wechat-code").await, 401, "WECHAT_CODE_INVALID").await;
}

#[tokio::test]
async fn a_reviewer_signs_in_and_refresh_rotates() {
    let app = TestApp::spawn_demo().await;
    let first = app.sign_in("demo-reviewer").await;
    assert_eq!(first["account"]["role"], "township_reviewer");
    assert_eq!(first["account"]["region_code"], "500199001");
    let old_refresh = first["refresh_token"].as_str().unwrap();

    let refreshed = app.post_json("/api/v1/auth/refresh", None, &json!({"refresh_token": old_refresh})).await;
    assert_eq!(refreshed.status(), 200);
    let refreshed: Value = refreshed.json().await.unwrap();
    let new_refresh = refreshed["refresh_token"].as_str().unwrap();
    assert_ne!(new_refresh, old_refresh);
    assert_eq!(app.get_as("/api/v1/me", refreshed["access_token"].as_str()).await.status(), 200);

    // The owner goes on with the new token; then the spent one comes back: someone copied it.
    // The whole sign-in ends.
    let next = app.post_json("/api/v1/auth/refresh", None, &json!({"refresh_token": new_refresh})).await;
    let next: Value = next.json().await.unwrap();
    let reused = app.post_json("/api/v1/auth/refresh", None, &json!({"refresh_token": old_refresh})).await;
    problem(reused, 401, "INVALID_REFRESH_TOKEN").await;
    let after = app.post_json("/api/v1/auth/refresh", None, &json!({"refresh_token": next["refresh_token"]})).await;
    problem(after, 401, "INVALID_REFRESH_TOKEN").await;
    assert_eq!(app.audit_events("auth.refresh_reuse").await.len(), 1);

    // Another sign-in is another family, untouched.
    let other = app.sign_in("demo-reviewer").await;
    let ok = app.post_json("/api/v1/auth/refresh", None, &json!({"refresh_token": other["refresh_token"]})).await;
    assert_eq!(ok.status(), 200);
}

async fn refresh(app: &TestApp, token: &Value) -> reqwest::Response {
    app.post_json("/api/v1/auth/refresh", None, &json!({"refresh_token": token})).await
}

#[tokio::test]
async fn a_lost_refresh_answer_is_answered_again_and_the_phone_stays_signed_in() {
    let app = TestApp::spawn_demo().await;
    let session = app.sign_in("demo-social-worker").await;
    let spent = &session["refresh_token"];
    // The answer is lost on the way; the phone sends the same token again, twice at once.
    let lost: Value = refresh(&app, spent).await.json().await.unwrap();
    let (again, also) = tokio::join!(refresh(&app, spent), refresh(&app, spent));
    for answer in [again, also] {
        assert_eq!(answer.status(), 200);
        let answer: Value = answer.json().await.unwrap();
        assert_eq!(answer["refresh_token"], lost["refresh_token"], "the same pair");
        assert_eq!(answer["access_token"], lost["access_token"]);
        assert_eq!(answer["account"]["id"], session["account"]["id"]);
    }
    assert_eq!(app.get_as("/api/v1/me", lost["access_token"].as_str()).await.status(), 200, "still signed in");
    assert_eq!(refresh(&app, &lost["refresh_token"]).await.status(), 200, "the new token works");
    assert!(app.audit_events("auth.refresh_reuse").await.is_empty());

    // The kept answer is sealed: the new token is nowhere in the database in clear text.
    let kept = entity::refresh_token::Entity::find().all(&app.state.db).await.unwrap();
    let token = lost["refresh_token"].as_str().unwrap().as_bytes();
    let sealed: Vec<&Vec<u8>> = kept.iter().filter_map(|row| row.successor_sealed.as_ref()).collect();
    assert!(!sealed.is_empty());
    assert!(sealed.iter().all(|blob| !blob.windows(token.len()).any(|w| w == token)));
    // The job clears kept answers past their window.
    let later = chrono::Utc::now() + chrono::Duration::seconds(31);
    api::auth::replay::clear_before(&app.state.db, later).await.unwrap();
    let kept = entity::refresh_token::Entity::find().all(&app.state.db).await.unwrap();
    assert!(kept.iter().all(|row| row.successor_sealed.is_none()));
}

#[tokio::test]
async fn a_spent_refresh_token_after_the_window_ends_the_sign_in() {
    let app = TestApp::spawn_demo().await;
    let session = app.sign_in("demo-social-worker").await;
    let spent = &session["refresh_token"];
    let answer: Value = refresh(&app, spent).await.json().await.unwrap();
    // 31 seconds pass (the tokens' clock set back instead of waiting).
    let sql = "UPDATE refresh_tokens SET used_at = used_at - INTERVAL '31 seconds' WHERE used_at IS NOT NULL";
    sea_orm::ConnectionTrait::execute_unprepared(&app.state.db, sql).await.unwrap();
    problem(refresh(&app, spent).await, 401, "INVALID_REFRESH_TOKEN").await;
    problem(refresh(&app, &answer["refresh_token"]).await, 401, "INVALID_REFRESH_TOKEN").await;
    assert_eq!(app.audit_events("auth.refresh_reuse").await.len(), 1);
}

#[tokio::test]
async fn logout_ends_the_sign_in_and_is_harmless_twice() {
    let app = TestApp::spawn_demo().await;
    let session = app.sign_in("demo-supervisor").await;
    let body = json!({"refresh_token": session["refresh_token"]});
    assert_eq!(app.post_json("/api/v1/auth/logout", None, &body).await.status(), 204);
    assert_eq!(app.post_json("/api/v1/auth/logout", None, &body).await.status(), 204);
    problem(app.post_json("/api/v1/auth/refresh", None, &body).await, 401, "INVALID_REFRESH_TOKEN").await;
    let unknown = json!({"refresh_token": "x".repeat(43)});
    assert_eq!(app.post_json("/api/v1/auth/logout", None, &unknown).await.status(), 204);
    assert_eq!(app.audit_events("auth.sign_out").await.len(), 1);
}

#[tokio::test]
async fn wrong_username_and_wrong_password_look_the_same() {
    let app = TestApp::spawn_demo().await;
    let wrong_password =
        problem(app.post_password_sign_in("demo-reviewer", "Wrong-password-1").await, 401, "INVALID_CREDENTIALS").await;
    let no_such_user =
        problem(app.post_password_sign_in("nobody-here", "Wrong-password-1").await, 401, "INVALID_CREDENTIALS").await;
    assert_eq!(wrong_password["detail"], no_such_user["detail"]);
    assert_eq!(wrong_password["title"], no_such_user["title"]);
    let failures = app.audit_events("auth.sign_in_failed").await;
    assert_eq!(failures.len(), 2);
    assert!(failures.iter().all(|e| !e.details.to_string().contains("Wrong-password-1")), "no password in the audit");
    let body = problem(
        app.post_json("/api/v1/auth/password", None, &json!({"username": "x"})).await,
        422,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "password");
}

#[tokio::test]
async fn brute_force_locks_the_account_even_for_the_right_password() {
    let app = TestApp::spawn_demo().await;
    for _ in 0..5 {
        problem(app.post_password_sign_in("demo-reviewer", "Guess-number-9").await, 401, "INVALID_CREDENTIALS").await;
    }
    let locked = app.post_password_sign_in("DEMO-REVIEWER", TEST_PASSWORD).await;
    assert_eq!(locked.headers()["retry-after"], "900");
    problem(locked, 429, "ACCOUNT_LOCKED").await;
    // Other accounts are not affected by this account's lock.
    assert_eq!(app.post_password_sign_in("demo-reviewer-2", TEST_PASSWORD).await.status(), 200);
}

#[tokio::test]
async fn brute_force_from_one_address_locks_that_address() {
    let app = TestApp::spawn_demo_with(|s| s.auth.lockout_address_failures = 3).await;
    for name in ["a1-user", "b2-user", "c3-user"] {
        problem(app.post_password_sign_in(name, "Guess-number-9").await, 401, "INVALID_CREDENTIALS").await;
    }
    problem(app.post_password_sign_in("demo-admin", TEST_PASSWORD).await, 429, "ACCOUNT_LOCKED").await;
}

#[tokio::test]
async fn a_switched_off_account_cannot_sign_in_or_refresh() {
    let app = TestApp::spawn_demo().await;
    let helper = app.sign_in("demo-volunteer").await;
    let admin = app.token("demo-admin").await;
    let id = helper["account"]["id"].as_str().unwrap();
    let response = app.patch_json(&format!("/api/v1/staff/{id}"), Some(&admin), &json!({"active": false})).await;
    assert_eq!(response.status(), 200);
    let body = json!({"refresh_token": helper["refresh_token"]});
    problem(app.post_json("/api/v1/auth/refresh", None, &body).await, 401, "INVALID_REFRESH_TOKEN").await;
    problem(app.post_password_sign_in("demo-volunteer", TEST_PASSWORD).await, 403, "ACCOUNT_DISABLED").await;
    problem(app.get_as("/api/v1/me", helper["access_token"].as_str()).await, 403, "ACCOUNT_DISABLED").await;
}

fn sign(header: &Header, claims: &Value, secret: &[u8]) -> String {
    jsonwebtoken::encode(header, claims, &EncodingKey::from_secret(secret)).unwrap()
}

fn header(alg: Algorithm, typ: &str) -> Header {
    let mut header = Header::new(alg);
    header.typ = Some(typ.to_owned());
    header.kid = Some("test".to_owned());
    header
}

fn claims(exp_offset: i64, aud: &str) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({"sub": uuid::Uuid::now_v7(), "role": "admin", "iss": "jiuzhu", "aud": aud,
           "iat": now, "exp": now + exp_offset, "jti": uuid::Uuid::now_v7()})
}

#[tokio::test]
async fn bad_tokens_are_refused_with_401_and_a_challenge() {
    let app = TestApp::spawn_demo().await;
    let session = app.sign_in("demo-admin").await;
    let good = session["access_token"].as_str().unwrap();
    let secret = TEST_JWT_SECRET.as_bytes();
    let mut tampered: Vec<String> = good.split('.').map(str::to_owned).collect();
    tampered[1] = URL_SAFE_NO_PAD.encode(claims(600, "jiuzhu-api").to_string());
    let mut confused: Vec<String> = sign(&header(Algorithm::HS256, "at+jwt"), &claims(600, "jiuzhu-api"), secret)
        .split('.')
        .map(str::to_owned)
        .collect();
    confused[0] = URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256","typ":"at+jwt","kid":"test"}"#);
    let none = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"at+jwt","kid":"test"}"#),
        URL_SAFE_NO_PAD.encode(claims(600, "jiuzhu-api").to_string())
    );
    let cases = [
        ("expired", sign(&header(Algorithm::HS256, "at+jwt"), &claims(-120, "jiuzhu-api"), secret), "TOKEN_EXPIRED"),
        ("tampered", tampered.join("."), "UNAUTHENTICATED"),
        ("wrong audience", sign(&header(Algorithm::HS256, "at+jwt"), &claims(600, "other"), secret), "UNAUTHENTICATED"),
        ("alg none", none, "UNAUTHENTICATED"),
        ("HS512", sign(&header(Algorithm::HS512, "at+jwt"), &claims(600, "jiuzhu-api"), secret), "UNAUTHENTICATED"),
        ("RS/HS confusion", confused.join("."), "UNAUTHENTICATED"),
        ("refresh as access", session["refresh_token"].as_str().unwrap().to_owned(), "UNAUTHENTICATED"),
        (
            "wrong key",
            sign(&header(Algorithm::HS256, "at+jwt"), &claims(600, "jiuzhu-api"), &[7u8; 32]),
            "UNAUTHENTICATED",
        ),
    ];
    for (what, token, code) in cases {
        let response = app.get_as("/api/v1/me", Some(&token)).await;
        let challenge = response.headers()["www-authenticate"].to_str().unwrap().to_owned();
        assert!(challenge.contains("invalid_token"), "{what}: {challenge}");
        problem(response, 401, code).await;
    }
    let anonymous = app.get("/api/v1/me").await;
    assert_eq!(anonymous.headers()["www-authenticate"], r#"Bearer realm="jiuzhu""#);
    problem(anonymous, 401, "UNAUTHENTICATED").await;
    let basic = app.client.get(app.url("/api/v1/me")).header("Authorization", "Basic YTpi").send().await.unwrap();
    problem(basic, 401, "UNAUTHENTICATED").await;
    assert_eq!(app.get_as("/api/v1/me", Some(good)).await.status(), 200);
}

#[tokio::test]
async fn without_redis_sign_in_lockout_and_the_tree_fall_back_instead_of_failing() {
    let app = TestApp::spawn_demo_with(|s| s.redis.url = Some("redis://127.0.0.1:1/0".into())).await;
    assert_eq!(app.get("/api/v1/regions/tree").await.status(), 200);
    let session = app.sign_in("demo-reviewer").await;
    let body = json!({"refresh_token": session["refresh_token"]});
    assert_eq!(app.post_json("/api/v1/auth/refresh", None, &body).await.status(), 200);
    for _ in 0..5 {
        problem(app.post_password_sign_in("demo-reviewer", "Guess-number-9").await, 401, "INVALID_CREDENTIALS").await;
    }
    problem(app.post_password_sign_in("demo-reviewer", TEST_PASSWORD).await, 429, "ACCOUNT_LOCKED").await;
}
