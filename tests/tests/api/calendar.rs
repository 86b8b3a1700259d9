//! The working-day calendar: public, loaded per year by an administrator.

use serde_json::{Value, json};
use tests::{TestApp, problem};

#[tokio::test]
async fn the_calendar_is_public_and_an_admin_loads_a_year() {
    let app = TestApp::spawn_demo().await;
    let year: Value = app.get("/api/v1/calendar/2026").await.json().await.unwrap();
    assert!(year["holidays"].as_array().unwrap().iter().any(|d| d["date"] == "2026-10-01" && d["name"] == "国庆节"));
    assert!(year["workdays"].as_array().unwrap().iter().any(|d| d["date"] == "2026-10-10"));
    // 261 weekdays, 19 of them off, 6 weekend days worked.
    assert_eq!(year["working_days"], 248);
    problem(app.get("/api/v1/calendar/1999").await, 400, "INVALID_PATH").await;

    let next = json!({"holidays": [{"date": "2027-01-01", "name": "元旦"}], "workdays": [{"date": "2027-02-20", "name": "春节调休"}]});
    problem(app.put_json("/api/v1/calendar/2027", None, &next).await, 401, "UNAUTHENTICATED").await;
    let reviewer = app.token("demo-reviewer").await;
    problem(app.put_json("/api/v1/calendar/2027", Some(&reviewer), &next).await, 403, "FORBIDDEN").await;
    let admin = app.token("demo-admin").await;
    let bad = json!({"holidays": [{"date": "2026-12-31", "name": "元旦"}], "workdays": [{"date": "2027-02-22", "name": "周一"}]});
    let body = problem(app.put_json("/api/v1/calendar/2027", Some(&admin), &bad).await, 422, "VALIDATION_FAILED").await;
    let codes: Vec<&str> = body["errors"].as_array().unwrap().iter().map(|e| e["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["OUT_OF_RANGE", "NOT_A_WEEKEND"]);
    let twice = json!({"holidays": [{"date": "2027-01-01", "name": "元旦"}, {"date": "2027-01-01", "name": " "}], "workdays": []});
    let body =
        problem(app.put_json("/api/v1/calendar/2027", Some(&admin), &twice).await, 422, "VALIDATION_FAILED").await;
    let codes: Vec<&str> = body["errors"].as_array().unwrap().iter().map(|e| e["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["DUPLICATE", "INVALID_TEXT"]);
    let saved = app.put_json("/api/v1/calendar/2027", Some(&admin), &next).await;
    assert_eq!(saved.status(), 200);
    let read: Value = app.get("/api/v1/calendar/2027").await.json().await.unwrap();
    assert_eq!(read["holidays"], next["holidays"]);
    assert_eq!(read["workdays"], next["workdays"]);
}
