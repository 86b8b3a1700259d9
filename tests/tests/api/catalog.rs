//! The aid catalog: public reads, admin upserts with their rules.

use serde_json::{Value, json};
use tests::{TestApp, problem};

fn item() -> Value {
    json!({"name": "住房租赁补贴", "department": "住房和城乡建设委员会", "conditions": "城镇住房困难家庭",
           "required_documents": ["id_card_front", "id_card_back"], "time_limit_working_days": 20,
           "approval_level": "district", "excludes": ["public_rental_housing"]})
}

#[tokio::test]
async fn anyone_reads_the_thirteen_item_bundle() {
    let app = TestApp::spawn_demo().await;
    let response = app.get("/api/v1/catalog/items").await;
    assert_eq!(response.status(), 200);
    let catalog: Value = response.json().await.unwrap();
    let items = catalog["items"].as_array().unwrap();
    assert_eq!(items.len(), 13);
    assert_eq!(items[0]["code"], "dibao", "display order");
    let five: Vec<&str> =
        items.iter().filter(|i| i["group"] == "five_in_one").map(|i| i["code"].as_str().unwrap()).collect();
    assert_eq!(five, ["dibao", "tekun", "dibao_edge", "temporary", "illness_poverty"]);
    let response = app.get("/api/v1/catalog/items/tekun").await;
    assert_eq!(response.headers()["cache-control"], "public, max-age=60", "an item is as public as the list");
    let tekun: Value = response.json().await.unwrap();
    assert_eq!(tekun["excludes"], json!(["dibao"]), "低保 and 特困 exclude each other");
    assert_eq!(tekun["required_documents"][1], json!({"type": "id_card_back", "name": "身份证国徽面"}));
    let temporary: Value = app.get("/api/v1/catalog/items/temporary").await.json().await.unwrap();
    assert!(temporary["amount_rule"].as_str().unwrap().contains("2000元"));
    let missing = app.get("/api/v1/catalog/items/nothing").await;
    assert_eq!(missing.headers()["cache-control"], "no-store", "a 404 is not kept");
    problem(missing, 404, "NOT_FOUND").await;
    problem(app.get("/api/v1/catalog/items/a%00b").await, 404, "NOT_FOUND").await;
}

#[tokio::test]
async fn an_admin_adds_and_replaces_items_idempotently() {
    let app = TestApp::spawn_demo().await;
    let admin = app.token("demo-admin").await;
    let created = app.put_json("/api/v1/catalog/items/rent_subsidy", Some(&admin), &item()).await;
    assert_eq!(created.status(), 201);
    let again = app.put_json("/api/v1/catalog/items/rent_subsidy", Some(&admin), &item()).await;
    assert_eq!(again.status(), 200);
    let mut hidden = item();
    hidden["active"] = json!(false);
    assert_eq!(app.put_json("/api/v1/catalog/items/rent_subsidy", Some(&admin), &hidden).await.status(), 200);
    let catalog: Value = app.get("/api/v1/catalog/items").await.json().await.unwrap();
    assert_eq!(catalog["items"].as_array().unwrap().len(), 13, "inactive items leave the public list");
}

#[tokio::test]
async fn bad_items_are_refused_field_by_field() {
    let app = TestApp::spawn_demo().await;
    let admin = app.token("demo-admin").await;
    let put = |code: &'static str, body: Value| {
        let app = &app;
        let admin = admin.clone();
        async move { app.put_json(&format!("/api/v1/catalog/items/{code}"), Some(&admin), &body).await }
    };
    let body = problem(put("Bad-Code", item()).await, 422, "VALIDATION_FAILED").await;
    assert_eq!(body["errors"][0]["code"], "INVALID_CODE");
    let mut unknown = item();
    unknown["excludes"] = json!(["no_such_item"]);
    let body = problem(put("rent_subsidy", unknown).await, 422, "VALIDATION_FAILED").await;
    assert_eq!(
        (body["errors"][0]["field"].as_str(), body["errors"][0]["code"].as_str()),
        (Some("excludes[0]"), Some("UNKNOWN_ITEM"))
    );
    let mut itself = item();
    itself["excludes"] = json!(["dibao", "dibao"]);
    itself["required_documents"] = json!([]);
    itself["time_limit_working_days"] = json!(0);
    let body = problem(put("dibao", itself).await, 422, "VALIDATION_FAILED").await;
    let fields: Vec<&str> = body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["required_documents", "time_limit_working_days"]);
    let mut bad_doc = item();
    bad_doc["required_documents"] = json!(["passport"]);
    let body = problem(put("rent_subsidy", bad_doc).await, 422, "VALIDATION_FAILED").await;
    assert_eq!(body["errors"][0]["field"], "required_documents[0]");
    let helper = app.token("demo-grid-worker").await;
    problem(app.put_json("/api/v1/catalog/items/rent_subsidy", Some(&helper), &item()).await, 403, "FORBIDDEN").await;
    problem(app.put_json("/api/v1/catalog/items/rent_subsidy", None, &item()).await, 401, "UNAUTHENTICATED").await;
}
