//! 一键智能预判: public suggestions with reasons, by rules stored per region.

use serde_json::{Value, json};
use tests::{TestApp, problem};

fn suggested(body: &Value) -> Vec<&str> {
    body["suggestions"].as_array().unwrap().iter().map(|s| s["item_code"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn an_old_disabled_person_alone_without_income_is_told_why_and_what_to_bring() {
    let app = TestApp::spawn_demo().await;
    let household = json!({"community_code": "500199001001",
        "members": [{"age": 74, "monthly_income_fen": 20000, "disabled": true, "severe_disability": true}]});
    let response = app.post_json("/api/v1/precheck", None, &household).await;
    assert_eq!(response.status(), 200, "anyone may ask, without signing in");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["rules_region_code"], "500199", "the district's rules apply in its communities");
    assert_eq!(body["dibao_standard_fen"], 78000);
    assert_eq!(body["income_per_person_fen"], 20000);
    let items = suggested(&body);
    for code in ["dibao", "tekun", "disability_living_allowance", "disability_care_allowance", "price_subsidy"] {
        assert!(items.contains(&code), "{code} in {items:?}");
    }
    assert!(!items.contains(&"dibao_edge") && !items.contains(&"temporary") && !items.contains(&"education"));
    let tekun = &body["suggestions"].as_array().unwrap().iter().find(|s| s["item_code"] == "tekun").unwrap();
    assert_eq!(tekun["excludes"], json!(["dibao"]), "低保 and 特困 are suggested as a choice of one");
    let reasons: Vec<&str> = tekun["reasons"].as_array().unwrap().iter().map(|r| r.as_str().unwrap()).collect();
    assert!(reasons.contains(&"家庭成员均无劳动能力(老年、残疾或未成年)") && reasons.contains(&"有60周岁以上老年人"));
    assert!(!reasons.contains(&"有未满16周岁的未成年人"), "only the reasons that hold: {reasons:?}");
    assert_eq!(tekun["required_documents"][0]["type"], "id_card_front");
    assert!(body["notice"].as_str().unwrap().contains("仅供参考"));
}

#[tokio::test]
async fn a_family_above_the_standard_with_a_student_gets_other_suggestions() {
    let app = TestApp::spawn_demo().await;
    let household = json!({"community_code": "500199002001", "household": {"has_supporter": true},
        "members": [{"age": 45, "monthly_income_fen": 200000}, {"age": 43, "monthly_income_fen": 50000, "unemployed": true},
                    {"age": 17, "student": true}]});
    let body: Value = app.post_json("/api/v1/precheck", None, &household).await.json().await.unwrap();
    assert_eq!(body["income_per_person_fen"], 83333);
    assert_eq!(suggested(&body), ["dibao_edge", "education", "employment"]);
    let rich = json!({"community_code": "500199002001", "members": [{"age": 45, "monthly_income_fen": 900000}]});
    let body: Value = app.post_json("/api/v1/precheck", None, &rich).await.json().await.unwrap();
    assert_eq!(body["suggestions"], json!([]), "no suggestion is an answer too");
}

#[tokio::test]
async fn bad_households_and_places_are_refused_clearly() {
    let app = TestApp::spawn_demo().await;
    let ask = |body: Value| {
        let app = &app;
        async move { app.post_json("/api/v1/precheck", None, &body).await }
    };
    let body =
        problem(ask(json!({"community_code": "500199001", "members": [{"age": 3}]})).await, 422, "VALIDATION_FAILED")
            .await;
    assert_eq!(body["errors"][0]["code"], "REGION_NOT_FOUND", "a township is not where one lives");
    let body =
        problem(ask(json!({"community_code": "500199001001", "members": []})).await, 422, "VALIDATION_FAILED").await;
    assert_eq!(body["errors"][0]["field"], "members");
    let body = problem(
        ask(json!({"community_code": "500199001001", "members": [{"age": 200}], "household": {"assets_fen": -1}}))
            .await,
        422,
        "VALIDATION_FAILED",
    )
    .await;
    let fields: Vec<&str> = body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["members[0].age", "household.assets_fen"], "every mistake at once");
    problem(
        ask(json!({"community_code": "500199001001", "members": [{"age": 3, "pet": true}]})).await,
        422,
        "VALIDATION_FAILED",
    )
    .await;

    // A district without rules of its own.
    let admin = app.token("demo-admin").await;
    for (code, name) in [("500198", "另一区"), ("500198001", "某街道"), ("500198001001", "某社区")] {
        let created = app.post_json("/api/v1/regions", Some(&admin), &json!({"code": code, "name": name})).await;
        assert_eq!(created.status(), 201);
    }
    let body = problem(
        ask(json!({"community_code": "500198001001", "members": [{"age": 3}]})).await,
        422,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(body["errors"][0]["code"], "NO_PRECHECK_RULES");
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("直接在事项列表中选择"));
    problem(app.get("/api/v1/precheck/rules/500198001001").await, 404, "NOT_FOUND").await;
}

#[tokio::test]
async fn an_admin_sets_a_communitys_own_rules_and_no_one_else_may() {
    let app = TestApp::spawn_demo().await;
    let rules = json!({"dibao_standard_fen": 90000, "rules": [
        {"item": "temporary", "all": [{"fact": "household_size", "op": "ge", "value": 1, "reason": "本社区试点"}]}]});
    let path = "/api/v1/precheck/rules/500199001002";
    problem(app.put_json(path, None, &rules).await, 401, "UNAUTHENTICATED").await;
    let resident = app.resident_token("wang").await;
    problem(app.put_json(path, Some(&resident), &rules).await, 403, "FORBIDDEN").await;
    let supervisor = app.token("demo-supervisor").await;
    problem(app.put_json(path, Some(&supervisor), &rules).await, 403, "FORBIDDEN").await;

    let admin = app.token("demo-admin").await;
    assert_eq!(app.put_json(path, Some(&admin), &rules).await.status(), 201);
    assert_eq!(app.put_json(path, Some(&admin), &rules).await.status(), 200);
    let own: Value = app.get(path).await.json().await.unwrap();
    assert_eq!((own["region_code"].as_str(), own["dibao_standard_fen"].as_i64()), (Some("500199001002"), Some(90000)));
    let neighbour: Value = app.get("/api/v1/precheck/rules/500199001001").await.json().await.unwrap();
    assert_eq!(neighbour["region_code"], "500199", "the next community keeps the district's rules");
    let body: Value = app
        .post_json(
            "/api/v1/precheck",
            None,
            &json!({"community_code": "500199001002", "members": [{"age": 30, "monthly_income_fen": 10}]}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(suggested(&body), ["temporary"]);
    assert_eq!(app.audit_events("precheck.rules_saved").await.len(), 3, "the seed and both saves are audited");

    let bad = json!({"dibao_standard_fen": 0, "rules": [{"item": "unicorn", "all": [{"fact": "household_size", "op": "ge", "value": 1}]},
                                                       {"item": "dibao"}]});
    let body = problem(app.put_json(path, Some(&admin), &bad).await, 422, "VALIDATION_FAILED").await;
    let codes: Vec<(&str, &str)> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        codes,
        [("dibao_standard_fen", "OUT_OF_RANGE"), ("rules[0].item", "UNKNOWN_ITEM"), ("rules[1]", "INVALID_RULE")]
    );
    let long_reason = json!({"dibao_standard_fen": 1, "rules": [{"item": "dibao", "all": [{"fact": "household_size", "op": "eq", "value": 1, "reason": "长".repeat(201)}]}]});
    let body = problem(app.put_json(path, Some(&admin), &long_reason).await, 422, "VALIDATION_FAILED").await;
    assert_eq!(body["errors"][0]["code"], "INVALID_CONDITION");
    let unknown_fact = json!({"dibao_standard_fen": 1, "rules": [{"item": "dibao", "all": [{"fact": "zodiac", "op": "eq", "value": 1}]}]});
    problem(app.put_json(path, Some(&admin), &unknown_fact).await, 422, "VALIDATION_FAILED").await;
    problem(app.put_json("/api/v1/precheck/rules/500197", Some(&admin), &rules).await, 404, "NOT_FOUND").await;
}
