//! The route-by-role matrix: every role (and an anonymous caller) against every endpoint that
//! needs a role, with the status each must get. A new endpoint belongs in this table.

use reqwest::Method;
use serde_json::{Value, json};
use tests::{TestApp, problem};

const ROLES: [&str; 7] = ["anonymous", "resident", "helper_a", "helper_b", "reviewer", "supervisor", "admin"];

#[tokio::test]
async fn each_role_reaches_exactly_what_it_should() {
    let app = TestApp::spawn_demo().await;
    let mut tokens: Vec<Option<String>> = vec![None, Some(app.resident_token("matrix").await)];
    for username in ["demo-grid-worker", "demo-helper-b", "demo-reviewer", "demo-supervisor", "demo-admin"] {
        tokens.push(Some(app.token(username).await));
    }
    let volunteer_id = app.sign_in("demo-volunteer").await["account"]["id"].as_str().unwrap().to_owned();
    let staff_path = format!("/api/v1/staff/{volunteer_id}");
    let new_staff = |n: usize| json!({"username": format!("matrix-{n}"), "display_name": "测试", "role": "admin", "password": "Matrix-password-9"});

    let admin_token = tokens[6].clone().unwrap();
    let point = json!({"id": uuid::Uuid::now_v7(), "community_code": "500199001001", "name": "服务站"});
    let point: Value = app.post_json("/api/v1/service-points", Some(&admin_token), &point).await.json().await.unwrap();
    let qr_path = format!("/api/v1/service-points/{}/qrcode.png", point["id"].as_str().unwrap());
    let qr_token = point["token"].as_str().unwrap().to_owned();
    let price_subsidy = json!({"name": "价格临时补贴", "department": "发展和改革委员会", "conditions": "困难群众",
        "required_documents": ["id_card_front"], "time_limit_working_days": 10, "approval_level": "district"});
    let rule = json!({"name": "矩阵规则", "kind": "recipient_death", "params": {}, "level": "red", "deadline_days": 7});
    let answer_path = format!("/api/v1/supervision/tickets/{}/answer", uuid::Uuid::now_v7());
    // (method, path, body, expected status per role in ROLES order)
    let matrix: Vec<(Method, String, Option<Value>, [u16; 7])> = vec![
        (Method::GET, "/api/v1/me".into(), None, [401, 200, 200, 200, 200, 200, 200]),
        (Method::GET, "/api/v1/regions/tree".into(), None, [200, 200, 200, 200, 200, 200, 200]),
        (Method::GET, "/api/v1/regions".into(), None, [401, 403, 403, 403, 403, 403, 200]),
        (Method::GET, "/api/v1/regions/500199001001/staff".into(), None, [401, 403, 200, 403, 200, 200, 200]),
        (Method::GET, "/api/v1/regions/500199002001/staff".into(), None, [401, 403, 403, 200, 403, 200, 200]),
        (Method::GET, "/api/v1/regions/500199001/staff".into(), None, [401, 403, 403, 403, 200, 200, 200]),
        (Method::GET, "/api/v1/regions/500199/staff".into(), None, [401, 403, 403, 403, 403, 200, 200]),
        (
            Method::PATCH,
            staff_path.clone(),
            Some(json!({"organisation": "志愿者协会"})),
            [401, 403, 403, 403, 403, 403, 200],
        ),
        (Method::GET, qr_path.clone(), None, [401, 403, 200, 404, 200, 200, 200]),
        (Method::POST, "/api/v1/scan".into(), Some(json!({"token": qr_token})), [200, 200, 200, 200, 200, 200, 200]),
        (Method::GET, "/api/v1/catalog/items".into(), None, [200, 200, 200, 200, 200, 200, 200]),
        (Method::GET, "/api/v1/catalog/items/dibao".into(), None, [200, 200, 200, 200, 200, 200, 200]),
        (
            Method::PUT,
            "/api/v1/catalog/items/price_subsidy".into(),
            Some(price_subsidy),
            [401, 403, 403, 403, 403, 403, 200],
        ),
        // Case data is for case workers: an admin runs the platform and reads no one's file.
        (Method::GET, "/api/v1/applications".into(), None, [401, 200, 200, 200, 200, 200, 403]),
        (
            Method::GET,
            format!("/api/v1/applications/{}", uuid::Uuid::now_v7()),
            None,
            [401, 404, 404, 404, 404, 404, 403],
        ),
        (Method::GET, "/api/v1/monitoring/leads".into(), None, [401, 403, 200, 200, 200, 200, 403]),
        (Method::GET, "/api/v1/monitoring/rules".into(), None, [401, 403, 403, 403, 200, 200, 403]),
        (Method::PUT, "/api/v1/monitoring/rules/matrix_rule".into(), Some(rule), [401, 403, 403, 403, 403, 200, 403]),
        (Method::GET, "/api/v1/monitoring/subjects".into(), None, [401, 403, 403, 403, 200, 200, 403]),
        (
            Method::POST,
            "/api/v1/ledger/lookup".into(),
            Some(json!({"id_number": tests::id_number("19700101", 9)})),
            [401, 403, 403, 403, 404, 404, 403],
        ),
        (Method::GET, "/api/v1/ledger/lookups".into(), None, [401, 403, 403, 403, 403, 200, 403]),
        (Method::GET, "/api/v1/checkins/tasks?status=open".into(), None, [401, 403, 200, 200, 200, 200, 403]),
        (Method::GET, "/api/v1/supervision/tickets".into(), None, [401, 403, 403, 403, 200, 200, 403]),
        (Method::POST, answer_path, Some(json!({"explanation": "已核实"})), [401, 403, 403, 403, 404, 403, 403]),
        (Method::GET, "/api/v1/me/documents".into(), None, [401, 200, 403, 403, 403, 403, 403]),
        (Method::GET, "/api/v1/authorization-text".into(), None, [200, 200, 200, 200, 200, 200, 200]),
        (Method::GET, "/api/v1/precheck/rules/500199001001".into(), None, [200, 200, 200, 200, 200, 200, 200]),
        (
            Method::POST,
            "/api/v1/precheck".into(),
            Some(json!({"community_code": "500199001001", "members": [{"age": 70}]})),
            [200, 200, 200, 200, 200, 200, 200],
        ),
        (
            Method::PUT,
            "/api/v1/precheck/rules/500199002001".into(),
            Some(json!({"dibao_standard_fen": 70000, "rules": []})),
            [401, 403, 403, 403, 403, 403, 201],
        ),
        (
            Method::PUT,
            "/api/v1/me/password".into(),
            Some(json!({"current_password": "x", "new_password": "y"})),
            [401, 403, 422, 422, 422, 422, 422],
        ),
    ];
    for (method, path, body, expected) in &matrix {
        for (i, role) in ROLES.iter().enumerate() {
            let mut request = app.client.request(method.clone(), app.url(path));
            if let Some(token) = &tokens[i] {
                request = request.bearer_auth(token);
            }
            if let Some(body) = body {
                request = request.json(body);
            }
            let status = request.send().await.unwrap().status().as_u16();
            assert_eq!(status, expected[i], "{method} {path} as {role}");
        }
    }
    // Creates: each allowed role makes its own, so a repeat is not mistaken for a refusal.
    for (i, role) in ROLES.iter().enumerate() {
        let status = app.post_json("/api/v1/staff", tokens[i].as_deref(), &new_staff(i)).await.status().as_u16();
        assert_eq!(status, [401, 403, 403, 403, 403, 403, 201][i], "POST /api/v1/staff as {role}");
        let region = json!({"code": format!("50019900{}", i + 3), "name": "新镇"});
        let status = app.post_json("/api/v1/regions", tokens[i].as_deref(), &region).await.status().as_u16();
        assert_eq!(status, [401, 403, 403, 403, 403, 403, 201][i], "POST /api/v1/regions as {role}");
        let point = json!({"id": uuid::Uuid::now_v7(), "community_code": "500199001002", "name": "服务站"});
        let status = app.post_json("/api/v1/service-points", tokens[i].as_deref(), &point).await.status().as_u16();
        assert_eq!(status, [401, 403, 403, 403, 403, 403, 201][i], "POST /api/v1/service-points as {role}");
        let application = json!({"id": uuid::Uuid::now_v7(), "community_code": "500199001001", "items": ["temporary"]});
        let status = app.post_json("/api/v1/applications", tokens[i].as_deref(), &application).await.status().as_u16();
        assert_eq!(status, [401, 201, 201, 403, 403, 403, 403][i], "POST /api/v1/applications as {role}");
        let revoke = format!("/api/v1/service-points/{}/revoke", qr_path.split('/').nth(4).unwrap());
        let status = app.post_json(&revoke, tokens[i].as_deref(), &json!({})).await.status().as_u16();
        assert_eq!(status, [401, 403, 403, 403, 403, 403, 200][i], "POST {revoke} as {role}");
    }
    // Refusals are problems with the stable code; an admin's says it is not case work.
    problem(app.get_as("/api/v1/regions", tokens[1].as_deref()).await, 403, "FORBIDDEN").await;
    problem(app.get_as("/api/v1/applications", Some(&admin_token)).await, 403, "ADMIN_NOT_CASE_WORKER").await;
}
