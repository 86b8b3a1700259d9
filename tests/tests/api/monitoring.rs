//! Dynamic monitoring through the HTTP API: warning rules as data (a bad threshold refused), the
//! pool filled by import, department files raising leads with the right level for the right
//! township (nobody the platform does not know, never twice), a lead assigned, visited and
//! closed, overdue leads on the district's list and dashboard, the month's figures; and the
//! ledger flagging double and mutually exclusive aid at submit and at decision.

use chrono::{Duration, Months, Utc};
use serde_json::{Value, json};
use tests::{TestApp, id_number, problem};

fn gbk(text: &str) -> Vec<u8> {
    encoding_rs::GB18030.encode(text).0.into_owned()
}

async fn import(app: &TestApp, token: &str, kind: &str, text: &str) -> Value {
    let response = app.post_import(Some(token), &format!("kind={kind}&format=csv"), gbk(text)).await;
    assert_eq!(response.status(), 200, "import {kind}");
    response.json().await.expect("report")
}

async fn put_rule(app: &TestApp, token: &str, code: &str, body: &Value) -> Value {
    let response = app.put_json(&format!("/api/v1/monitoring/rules/{code}"), Some(token), body).await;
    assert_eq!(response.status(), 200, "rule {code}");
    response.json().await.expect("rule")
}

async fn leads(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let response = app.get_as(&format!("/api/v1/monitoring/leads{query}"), Some(token)).await;
    assert_eq!(response.status(), 200, "leads");
    response.json::<Vec<Value>>().await.expect("leads")
}

fn kinds(list: &[Value]) -> Vec<(String, String, String)> {
    let mut out: Vec<(String, String, String)> = list
        .iter()
        .map(|l| {
            (
                l["rule_kind"].as_str().unwrap_or_default().to_owned(),
                l["level"].as_str().unwrap_or_default().to_owned(),
                l["name"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn department_files_raise_leads_for_the_right_township_which_visits_and_closes_them() {
    let app = TestApp::spawn_demo().await;
    let supervisor = app.token("demo-supervisor").await;
    let reviewer = app.token("demo-reviewer").await;
    let reviewer_b = app.token("demo-reviewer-2").await;
    let helper = app.token("demo-social-worker").await;
    let helper_b = app.token("demo-helper-b").await;

    // Rules of the district, as data; a threshold that makes no sense is refused with what to write.
    let medical = json!({"name": "大额自付医疗费用", "kind": "medical_expense_month",
                         "params": {"threshold_yuan": 5000}, "level": "red", "deadline_days": 7});
    let rule = put_rule(&app, &supervisor, "big_medical", &medical).await;
    assert_eq!((rule["region_code"].as_str(), rule["version"].as_i64()), (Some("500199"), Some(1)));
    let mut bad = medical.clone();
    bad["params"] = json!({"threshold_yuan": -5});
    let body = problem(
        app.put_json("/api/v1/monitoring/rules/big_medical", Some(&supervisor), &bad).await,
        422,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(
        (body["errors"][0]["field"].as_str(), body["errors"][0]["code"].as_str()),
        (Some("params.threshold_yuan"), Some("INVALID_THRESHOLD"))
    );
    assert!(body["errors"][0]["message"].as_str().unwrap_or_default().contains("门槛"), "{body}");
    problem(app.put_json("/api/v1/monitoring/rules/big_medical", Some(&reviewer), &medical).await, 403, "FORBIDDEN")
        .await;
    problem(app.put_json("/api/v1/monitoring/rules/big_medical", None, &medical).await, 401, "UNAUTHENTICATED").await;
    let stale = json!({"name": "大额自付医疗费用", "kind": "medical_expense_month", "params": {"threshold_yuan": 5000},
                       "level": "red", "deadline_days": 7, "version": 7});
    let conflict = problem(
        app.put_json("/api/v1/monitoring/rules/big_medical", Some(&supervisor), &stale).await,
        409,
        "VERSION_CONFLICT",
    )
    .await;
    assert!(conflict["detail"].as_str().unwrap_or_default().starts_with("该预警规则"), "{conflict}");
    assert_eq!(conflict["current"]["version"], 1, "{conflict}");
    put_rule(
        &app,
        &supervisor,
        "recipient_died",
        &json!({"name": "救助对象死亡", "kind": "recipient_death", "level": "yellow", "deadline_days": 3}),
    )
    .await;
    put_rule(&app, &supervisor, "college", &json!({"name": "低保家庭子女考入大学未领助学金", "kind": "college_without_grant", "level": "green", "deadline_days": 15})).await;
    let listed: Vec<Value> = app.get_as("/api/v1/monitoring/rules", Some(&reviewer_b)).await.json().await.unwrap();
    assert_eq!(listed.len(), 3, "a township sees its district's rules");
    problem(app.get_as("/api/v1/monitoring/rules", Some(&helper)).await, 403, "FORBIDDEN").await;

    // A 低保 recipient and her husband in 青石街道; someone of 白鹤镇 brought into the pool by a file.
    app.recipient("monitoring-wife", 1, "dibao").await;
    let (wife, husband) = (id_number("19500317", 3), id_number("19480101", 2));
    let edge = id_number("19700101", 9);
    let pool = format!(
        "身份证号,姓名,记录编号,日期,监测类别,社区代码,原因,授权依据\n\
         {edge},陈低边,MZ-1,2026-10-01,dibao_edge,500199002001,家庭人均收入低于低保标准1.5倍,低保边缘认定授权书\n\
         {},无社区,MZ-2,2026-10-01,left_aid,500199009009,退出低保,退出告知书\n",
        id_number("19710101", 10)
    );
    let report = import(&app, &supervisor, "monitoring_subject", &pool).await;
    assert_eq!((report["rows_imported"].as_i64(), report["rows_unmatched"].as_i64()), (Some(2), Some(1)), "{report}");

    // A month of medical bills: her two bills add up past 5,000 yuan; 陈低边's last month too; a
    // stranger's huge bill and the husband's small one raise nothing.
    let today = (Utc::now() + Duration::hours(8)).date_naive();
    let this_month = today.format("%Y-%m").to_string();
    let last_month = today.checked_sub_months(Months::new(1)).unwrap().format("%Y-%m").to_string();
    let stranger = id_number("19800101", 11);
    let bills = format!(
        "记录编号,身份证号,姓名,日期,金额\n\
         YB-1,{wife},张秀英,{this_month}-01,3500\n\
         YB-2,{wife},张秀英,{this_month}-01,2500.00\n\
         YB-3,{husband},李建国,{this_month}-01,100\n\
         YB-4,{edge},陈低边,{last_month}-15,8000\n\
         YB-5,{stranger},路人甲,{this_month}-01,90000\n"
    );
    let report = import(&app, &supervisor, "medical_expense", &bills).await;
    assert_eq!((report["leads_raised"].as_i64(), report["rows_unmatched"].as_i64()), (Some(2), Some(1)), "{report}");
    let again = import(&app, &supervisor, "medical_expense", &bills).await;
    assert_eq!((again["repeated"].as_bool(), again["leads_raised"].as_i64()), (Some(true), Some(2)));
    // Another bill of hers this month, in a later file: the same lead, not a second one.
    let later = format!("记录编号,身份证号,姓名,日期,金额\nYB-6,{wife},张秀英,{this_month}-01,700\n");
    assert_eq!(import(&app, &supervisor, "medical_expense", &later).await["leads_raised"].as_i64(), Some(0));

    let deaths = format!("记录编号,身份证号,姓名,日期\nSW-1,{wife},张秀英,{today}\nSW-2,{stranger},路人甲,{today}\n");
    assert_eq!(import(&app, &supervisor, "death", &deaths).await["leads_raised"].as_i64(), Some(1));
    let colleges = format!("记录编号,身份证号,姓名,日期,院校\nJY-1,{husband},李建国,{today},重庆大学\n");
    assert_eq!(import(&app, &supervisor, "college_admission", &colleges).await["leads_raised"].as_i64(), Some(1));

    // Routed by where each person lives.
    let own = leads(&app, &reviewer, "").await;
    assert_eq!(
        kinds(&own),
        [
            ("college_without_grant".to_owned(), "green".to_owned(), "李建国".to_owned()),
            ("medical_expense_month".to_owned(), "red".to_owned(), "张秀英".to_owned()),
            ("recipient_death".to_owned(), "yellow".to_owned(), "张秀英".to_owned()),
        ]
    );
    assert!(own.iter().all(|l| l["township_code"] == "500199001"));
    let b = leads(&app, &reviewer_b, "").await;
    assert_eq!(kinds(&b), [("medical_expense_month".to_owned(), "red".to_owned(), "陈低边".to_owned())]);
    assert_eq!(b[0]["period"].as_str(), Some(last_month.as_str()));
    assert_eq!(leads(&app, &supervisor, "").await.len(), 4);
    assert_eq!(leads(&app, &supervisor, "?level=red").await.len(), 2);
    assert!(leads(&app, &helper, "").await.is_empty(), "a helper sees only what is assigned to them");
    let resident = app.resident_token("monitoring-resident").await;
    problem(app.get_as("/api/v1/monitoring/leads", Some(&resident)).await, 403, "FORBIDDEN").await;
    problem(app.get_as("/api/v1/monitoring/leads", None).await, 401, "UNAUTHENTICATED").await;
    problem(app.get_as("/api/v1/monitoring/leads?level=purple", Some(&reviewer)).await, 400, "INVALID_QUERY").await;

    // The evidence: the month's total and its bills, masked, no ID number anywhere.
    let red = own.iter().find(|l| l["level"] == "red").unwrap().clone();
    assert_eq!(red["evidence"]["value"].as_i64(), Some(600_000), "{red}");
    assert_eq!(red["evidence"]["records_total"].as_i64(), Some(2), "{red}");
    assert!(red["id_number_masked"].as_str().unwrap().contains("****"));
    let everything = serde_json::to_string(&leads(&app, &supervisor, "").await).unwrap();
    for number in [&wife, &husband, &edge] {
        assert!(!everything.contains(number.as_str()), "an ID number in a lead");
    }

    // Assigned to a helper of the township, visited, closed; every step on the version read.
    let id = red["id"].as_str().unwrap();
    let path = |step: &str| format!("/api/v1/monitoring/leads/{id}/{step}");
    let helper_id = app.sign_in("demo-social-worker").await["account"]["id"].clone();
    let helper_b_id = app.sign_in("demo-helper-b").await["account"]["id"].clone();
    let body = problem(
        app.post_json(&path("assign"), Some(&reviewer), &json!({"helper_id": helper_b_id, "version": 1})).await,
        422,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(body["errors"][0]["code"], "NOT_A_TOWNSHIP_HELPER");
    problem(
        app.post_json(&path("assign"), Some(&reviewer_b), &json!({"helper_id": helper_id, "version": 1})).await,
        404,
        "NOT_FOUND",
    )
    .await;
    problem(
        app.post_json(&path("assign"), Some(&helper), &json!({"helper_id": helper_id, "version": 1})).await,
        404,
        "NOT_FOUND",
    )
    .await;
    problem(
        app.post_json(&path("close"), Some(&reviewer), &json!({"outcome": "applied", "version": 1})).await,
        409,
        "INVALID_TRANSITION",
    )
    .await;
    let assigned: Value = app
        .post_json(&path("assign"), Some(&reviewer), &json!({"helper_id": helper_id, "version": 1}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!((assigned["status"].as_str(), assigned["version"].as_i64()), (Some("assigned"), Some(2)), "{assigned}");
    let conflict = problem(
        app.post_json(&path("assign"), Some(&reviewer), &json!({"helper_id": helper_id, "version": 1})).await,
        409,
        "VERSION_CONFLICT",
    )
    .await;
    assert!(conflict["detail"].as_str().unwrap_or_default().starts_with("该预警线索"), "{conflict}");
    assert_eq!(conflict["current"]["version"], 2, "{conflict}");
    assert_eq!(leads(&app, &helper, "").await.len(), 1);
    problem(
        app.post_json(&path("visit"), Some(&helper_b), &json!({"note": "走访", "version": 2})).await,
        404,
        "NOT_FOUND",
    )
    .await;
    let body = problem(
        app.post_json(&path("visit"), Some(&helper), &json!({"note": "", "version": 2})).await,
        422,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "note");
    let visited: Value = app
        .post_json(
            &path("visit"),
            Some(&helper),
            &json!({"note": "入户走访,住院自付较多,已告知可申请医疗救助", "version": 2}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(visited["status"], "visited");
    let wrong = json!({"outcome": "applied", "version": 3});
    problem(app.post_json(&path("close"), Some(&helper_b), &wrong).await, 404, "NOT_FOUND").await;
    let closed = app
        .post_json(
            &path("close"),
            Some(&reviewer),
            &json!({"outcome": "applied", "note": "已申请医疗救助", "version": 3}),
        )
        .await;
    assert_eq!(closed.status(), 200);
    let closed: Value = closed.json().await.unwrap();
    assert_eq!((closed["status"].as_str(), closed["outcome"].as_str()), (Some("closed"), Some("applied")));
    problem(app.get_as(&format!("/api/v1/monitoring/leads/{id}"), Some(&reviewer_b)).await, 404, "NOT_FOUND").await;
    problem(app.get_as(&format!("/api/v1/monitoring/leads/{id}"), None).await, 401, "UNAUTHENTICATED").await;
    let read = app.get_as(&format!("/api/v1/monitoring/leads/{id}"), Some(&supervisor)).await;
    assert_eq!(read.status(), 200);
    assert!(!app.audit_events("lead.read").await.is_empty(), "a staff read of a lead is audited");
    assert_eq!(app.audit_events("lead.close").await.len(), 1);

    // Past their deadline, the others reach the district as overdue.
    let later = today + Duration::days(30);
    assert_eq!(api::monitoring::leads::mark_overdue(&app.state.db, later).await.unwrap(), 3);
    assert_eq!(api::monitoring::leads::mark_overdue(&app.state.db, later).await.unwrap(), 0);
    assert_eq!(leads(&app, &supervisor, "?sla_state=overdue").await.len(), 3);
    let dashboard: Value = app.get_as("/api/v1/monitoring/dashboard", Some(&supervisor)).await.json().await.unwrap();
    assert_eq!(dashboard["open"], json!({"red": 1, "yellow": 1, "green": 1}), "{dashboard}");
    assert_eq!(
        (dashboard["overdue"].as_i64(), dashboard["pool"].as_i64(), dashboard["pool_receiving_nothing"].as_i64()),
        (Some(3), Some(1), Some(1))
    );
    problem(app.get_as("/api/v1/monitoring/dashboard", Some(&helper)).await, 403, "FORBIDDEN").await;

    let figures: Value = app
        .get_as(&format!("/api/v1/monitoring/figures?month={this_month}"), Some(&supervisor))
        .await
        .json()
        .await
        .unwrap();
    let qingshi =
        figures["townships"].as_array().unwrap().iter().find(|t| t["township_code"] == "500199001").unwrap().clone();
    assert_eq!(qingshi["raised"], json!({"red": 1, "yellow": 1, "green": 1}), "{figures}");
    assert_eq!(
        (qingshi["visited"].as_i64(), qingshi["applied"].as_i64(), qingshi["overdue"].as_i64()),
        (Some(1), Some(1), Some(2))
    );
    assert!(qingshi["median_hours_to_visit"].as_f64().is_some());
    problem(app.get_as("/api/v1/monitoring/figures?month=2026-13", Some(&supervisor)).await, 422, "VALIDATION_FAILED")
        .await;
    let figures_path = format!("/api/v1/monitoring/figures?month={this_month}");
    problem(app.get_as(&figures_path, Some(&resident)).await, 403, "FORBIDDEN").await;
    problem(app.get_as("/api/v1/monitoring/rules", None).await, 401, "UNAUTHENTICATED").await;

    // The pool: the 白鹤镇 person who gets nothing; a resident may not look.
    let nothing: Vec<Value> =
        app.get_as("/api/v1/monitoring/subjects?receiving=none", Some(&reviewer_b)).await.json().await.unwrap();
    assert_eq!(nothing.len(), 1);
    assert_eq!((nothing[0]["name"].as_str(), nothing[0]["group_code"].as_str()), (Some("陈低边"), Some("dibao_edge")));
    assert!(
        app.get_as("/api/v1/monitoring/subjects", Some(&reviewer)).await.json::<Vec<Value>>().await.unwrap().is_empty()
    );
    problem(app.get_as("/api/v1/monitoring/subjects", Some(&resident)).await, 403, "FORBIDDEN").await;
    problem(app.get_as("/api/v1/monitoring/subjects?group=aliens", Some(&reviewer_b)).await, 400, "INVALID_QUERY")
        .await;
}

#[tokio::test]
async fn aid_another_department_pays_is_flagged_at_submit_and_at_decision() {
    let app = TestApp::spawn_demo().await;
    let supervisor = app.token("demo-supervisor").await;
    let reviewer = app.token("demo-reviewer").await;
    let (wife, husband) = (id_number("19500317", 5), id_number("19480101", 4));
    // 特困 paid to her elsewhere (excludes 低保), medical aid already paid to him.
    let granted = format!(
        "记录编号,身份证号,姓名,日期,救助事项,部门\n\
         TK-1,{wife},张秀英,2026-01-01,tekun,邻区民政局\n\
         YL-1,{husband},李建国,2026-03-01,medical,区医保局\n"
    );
    let report = import(&app, &supervisor, "aid_granted", &granted).await;
    assert_eq!(report["rows_imported"].as_i64(), Some(2), "{report}");

    let (id, resident) = app.submitted("ledger-wife", 2, &["dibao", "medical"]).await;
    let seen = app.application(&reviewer, &id).await;
    let mut flags: Vec<(String, String, String, String)> = seen["aid_flags"]
        .as_array()
        .expect("reviewers see aid flags")
        .iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or_default().to_owned();
            (s("item_code"), s("kind"), s("other_item_code"), s("member_name"))
        })
        .collect();
    flags.sort();
    assert_eq!(
        flags,
        [
            ("dibao".to_owned(), "exclusive".to_owned(), "tekun".to_owned(), "张秀英".to_owned()),
            ("medical".to_owned(), "duplicate".to_owned(), "medical".to_owned(), "李建国".to_owned()),
        ]
    );
    let own = app.application(&resident, &id).await;
    assert!(own.get("aid_flags").is_none(), "the applicant does not see flags");

    // Approving 低保 anyway: the decision is flagged too, and her ledger shows both with the clash.
    let investigating = app.investigating(&reviewer, &id).await;
    let version = TestApp::item_version(&investigating, "dibao");
    let decision =
        json!({"items": [{"code": "dibao", "version": version, "outcome": "approved", "amount_fen": 50000}]});
    assert_eq!(app.step(&reviewer, &id, "decision", &decision).await.status(), 200);
    let stages: Vec<String> = app.application(&reviewer, &id).await["aid_flags"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["item_code"] == "dibao")
        .map(|f| f["stage"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(stages, ["submit", "decision"]);

    let ledger = app.post_json("/api/v1/ledger/lookup", Some(&reviewer), &json!({"id_number": wife})).await;
    assert_eq!(ledger.status(), 200);
    let ledger: Value = ledger.json().await.unwrap();
    let mut items: Vec<&str> =
        ledger["entries"].as_array().unwrap().iter().filter_map(|e| e["item_code"].as_str()).collect();
    items.sort_unstable();
    assert_eq!(items, ["dibao", "tekun"]);
    assert_eq!(ledger["conflicts"].as_array().unwrap().len(), 1, "{ledger}");
    assert!(!ledger.to_string().contains(&wife), "masked");
    assert!(!app.audit_events("ledger.read").await.is_empty());
    let helper = app.token("demo-social-worker").await;
    for token in [&helper, &resident] {
        problem(
            app.post_json("/api/v1/ledger/lookup", Some(token), &json!({"id_number": wife})).await,
            403,
            "FORBIDDEN",
        )
        .await;
    }
    problem(app.post_json("/api/v1/ledger/lookup", None, &json!({"id_number": wife})).await, 401, "UNAUTHENTICATED")
        .await;
    let body = problem(
        app.post_json("/api/v1/ledger/lookup", Some(&reviewer), &json!({"id_number": "123"})).await,
        422,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "id_number");
}

async fn lookup(app: &TestApp, token: &str, body: Value) -> reqwest::Response {
    app.post_json("/api/v1/ledger/lookup", Some(token), &body).await
}

#[tokio::test]
async fn a_ledger_lookup_beyond_reach_needs_a_reason_that_the_district_sees() {
    let app = TestApp::spawn_demo().await;
    let reviewer = app.token("demo-reviewer").await;
    let other_township = app.token("demo-reviewer-2").await;
    let supervisor = app.token("demo-supervisor").await;
    app.submitted("reach", 3, &["dibao"]).await;
    let (applicant, unknown) = (id_number("19500317", 7), id_number("19700101", 9));

    // The applicant's own township reads her ledger; the district too.
    assert_eq!(lookup(&app, &reviewer, json!({"id_number": applicant})).await.status(), 200);
    assert_eq!(lookup(&app, &supervisor, json!({"id_number": applicant})).await.status(), 200);
    // Another township gets exactly the answer an unknown number gets: no oracle.
    let beyond =
        problem(lookup(&app, &other_township, json!({"id_number": applicant})).await, 404, "PERSON_NOT_IN_REACH").await;
    let nobody =
        problem(lookup(&app, &other_township, json!({"id_number": unknown})).await, 404, "PERSON_NOT_IN_REACH").await;
    assert_eq!((&beyond["title"], &beyond["detail"]), (&nobody["title"], &nobody["detail"]));
    assert!(beyond["detail"].as_str().unwrap().contains("事由"), "it says how to ask with a reason");
    problem(lookup(&app, &reviewer, json!({"id_number": unknown})).await, 404, "PERSON_NOT_IN_REACH").await;
    let blank = json!({"id_number": applicant, "reason": " "});
    let body = problem(lookup(&app, &other_township, blank).await, 422, "VALIDATION_FAILED").await;
    assert_eq!(body["errors"][0]["field"], "reason");

    // With a stated reason the look-up is answered, audited and shown to the district.
    let reason = "申请人称曾在青石街道领取低保,核实是否仍在领取";
    let answered = lookup(&app, &other_township, json!({"id_number": applicant, "reason": reason})).await;
    assert_eq!(answered.status(), 200);
    let seen = app.get_as("/api/v1/ledger/lookups", Some(&supervisor)).await;
    assert_eq!(seen.status(), 200);
    let seen: Vec<Value> = seen.json().await.unwrap();
    assert_eq!(seen.len(), 1, "look-ups in reach are the township's own work: {seen:?}");
    assert_eq!(seen[0]["reason"], reason);
    assert_eq!(seen[0]["actor_name"], "白鹤镇审核员");
    assert_eq!(seen[0]["region_code"], "500199002");
    assert!(!seen[0].to_string().contains(&applicant), "the number is masked");

    // The wrong people: townships and helpers do not list the district's look-ups, an admin
    // neither looks up nor lists.
    let admin = app.token("demo-admin").await;
    for token in [&reviewer, &app.token("demo-social-worker").await] {
        problem(app.get_as("/api/v1/ledger/lookups", Some(token)).await, 403, "FORBIDDEN").await;
    }
    problem(app.get_as("/api/v1/ledger/lookups", None).await, 401, "UNAUTHENTICATED").await;
    problem(app.get_as("/api/v1/ledger/lookups", Some(&admin)).await, 403, "ADMIN_NOT_CASE_WORKER").await;
    let with_reason = json!({"id_number": applicant, "reason": reason});
    problem(lookup(&app, &admin, with_reason).await, 403, "ADMIN_NOT_CASE_WORKER").await;
}
