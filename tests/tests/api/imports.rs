//! Department data imports (the service; the HTTP endpoint and CLI come next): a GBK file with
//! good and bad rows, the same file again, a record another file brought already, and files that
//! are no table at all.

use api::imports::rows::{Format, Kind};
use api::imports::service;
use entity::department_record;
use sea_orm::{EntityTrait, PaginatorTrait};
use tests::{TempDir, TestApp, id_number};
use uuid::Uuid;

fn write(dir: &TempDir, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.path.join(name);
    std::fs::write(&path, bytes).expect("write the test file");
    path
}

/// The refusal's code and its Chinese detail.
fn refusal(err: api::error::ApiError) -> (String, String) {
    let problem = err.problem(api::request::Lang::Zh, None);
    (problem.code.as_str().to_owned(), problem.detail)
}

fn gbk(text: &str) -> Vec<u8> {
    encoding_rs::GB18030.encode(text).0.into_owned()
}

#[tokio::test]
async fn a_gbk_medical_file_is_imported_once_with_its_bad_rows_reported() {
    let app = TestApp::spawn().await;
    let dir = TempDir::new();
    let by = Uuid::now_v7();
    let (a, b, c) = (id_number("19500317", 1), id_number("19480101", 2), id_number("19620505", 3));
    let text = format!(
        "记录编号,身份证号,姓名,日期,金额\n\
         YB-001,{a},张秀英,2026-11,\"18,250.00\"\n\
         YB-002,{b},李建国,2026-11-03,960.5\n\
         YB-003,{}X,王五,2026-11-04,10\n\
         YB-004,{c},赵六,2026-11-05,一万\n",
        &c[..16]
    );
    let path = write(&dir, "medical.csv", &gbk(&text));
    let report = service::import(&app.state.db, &app.state.pii, by, Kind::MedicalExpense, Format::Csv, path.clone(), 6)
        .await
        .expect("imported");
    assert_eq!(
        (report.encoding.as_str(), report.rows_total, report.rows_imported, report.rows_rejected, report.repeated),
        ("gb18030", 4, 2, 2, false)
    );
    let rejected: Vec<(u64, &str, &str)> = report
        .rejected
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["line"].as_u64().unwrap(), r["field"].as_str().unwrap(), r["code"].as_str().unwrap()))
        .collect();
    assert_eq!(rejected, [(4, "id_number", "INVALID_ID_NUMBER"), (5, "amount_yuan", "INVALID_AMOUNT")]);
    assert!(!report.rejected.to_string().contains(&c[..16]), "no ID number in the report");

    // The same file again changes nothing and answers the first report.
    let again = service::import(&app.state.db, &app.state.pii, by, Kind::MedicalExpense, Format::Csv, path, 6)
        .await
        .expect("answered");
    assert_eq!((again.id, again.repeated, again.rows_imported), (report.id, true, 2));
    assert_eq!(department_record::Entity::find().count(&app.state.db).await.unwrap(), 2);

    // Another file carrying a record already brought (the department re-sent it): a duplicate.
    let next = format!(
        "ref,id_number,name,date,amount_yuan\nYB-002,{b},李建国,2026-11-03,960.5\nYB-005,{c},赵六,2026-11-20,300\n"
    );
    let path = write(&dir, "medical-2.csv", next.as_bytes());
    let report = service::import(&app.state.db, &app.state.pii, by, Kind::MedicalExpense, Format::Csv, path, 6)
        .await
        .expect("imported");
    assert_eq!((report.encoding.as_str(), report.rows_imported, report.rows_duplicate), ("UTF-8", 1, 1));
    let stored = department_record::Entity::find().all(&app.state.db).await.unwrap();
    assert_eq!(stored.len(), 3);
    assert!(stored.iter().all(|r| r.subject_index.len() == 64 && !r.subject_index.contains(&a)), "blind index only");
    let amounts: Vec<Option<i64>> = {
        let mut v: Vec<_> = stored.iter().map(|r| r.amount_fen).collect();
        v.sort();
        v
    };
    assert_eq!(amounts, [Some(30_000), Some(96_050), Some(1_825_000)]);
}

#[tokio::test]
async fn files_that_are_no_table_are_refused_and_leave_nothing() {
    let app = TestApp::spawn().await;
    let dir = TempDir::new();
    let by = Uuid::now_v7();
    let xlsx = write(
        &dir,
        "medical.xlsx",
        &[0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00, 0xA1, 0xFF, 0x80, 0x81],
    );
    let err = service::import(&app.state.db, &app.state.pii, by, Kind::MedicalExpense, Format::Csv, xlsx, 6)
        .await
        .expect_err("refused");
    let (code, detail) = refusal(err);
    assert_eq!(code, "IMPORT_FILE_INVALID");
    assert!(detail.contains("UTF-8 或 GBK"), "{detail}");
    let no_amount = format!("ref,id_number,name,date\nA,{},张三,2026-11-01\n", id_number("19500317", 1));
    let path = write(&dir, "short.csv", no_amount.as_bytes());
    let (code, detail) = refusal(
        service::import(&app.state.db, &app.state.pii, by, Kind::MedicalExpense, Format::Csv, path, 6)
            .await
            .expect_err("refused"),
    );
    assert_eq!(code, "IMPORT_FILE_INVALID");
    assert!(detail.contains("amount_yuan"), "{detail}");
    assert_eq!(department_record::Entity::find().count(&app.state.db).await.unwrap(), 0);
    assert_eq!(entity::import_file::Entity::find().count(&app.state.db).await.unwrap(), 0);
}

#[tokio::test]
async fn the_district_imports_a_file_over_http_and_nobody_else_may() {
    let app = TestApp::spawn_demo().await;
    let supervisor = app.token("demo-supervisor").await;
    let text = format!(
        "{{\"ref\":\"CL-1\",\"id_number\":\"{}\",\"name\":\"王德福\",\"date\":\"2026-10-20\",\"grade\":\"一级\",\"lives_alone\":\"是\"}}\n\
         {{\"ref\":\"CL-2\",\"id_number\":\"{}\",\"name\":\"王德福\",\"date\":\"2026-10-20\",\"grade\":9}}\n",
        id_number("19420815", 21),
        id_number("19420815", 22)
    );
    let query = "kind=disability_certificate&format=jsonl";
    let response = app.post_import(Some(&supervisor), query, text.clone().into_bytes()).await;
    assert_eq!(response.status(), 200);
    let report: serde_json::Value = response.json().await.unwrap();
    assert_eq!((report["rows_imported"].as_i64(), report["rows_rejected"].as_i64()), (Some(1), Some(1)), "{report}");
    assert_eq!(report["rejected"][0]["code"], "INVALID_GRADE");
    assert_eq!(report["rejected"][0]["message"], "残疾等级应为 1 至 4 级");
    let again: serde_json::Value =
        app.post_import(Some(&supervisor), query, text.clone().into_bytes()).await.json().await.unwrap();
    assert_eq!((again["id"].clone(), again["repeated"].as_bool()), (report["id"].clone(), Some(true)));

    let body = tests::problem(
        app.post_import(Some(&supervisor), query, vec![0xFF, 0xFE, 0x00, 0xD8, 0x00]).await,
        422,
        "IMPORT_FILE_INVALID",
    )
    .await;
    assert!(body["detail"].as_str().unwrap().contains("字节"), "{body}");
    tests::problem(
        app.post_import(Some(&supervisor), "kind=salary&format=csv", text.clone().into_bytes()).await,
        400,
        "INVALID_QUERY",
    )
    .await;
    let reviewer = app.token("demo-reviewer").await;
    let helper = app.token("demo-social-worker").await;
    let resident = app.resident_token("import-resident").await;
    for token in [&reviewer, &helper, &resident] {
        tests::problem(app.post_import(Some(token), query, text.clone().into_bytes()).await, 403, "FORBIDDEN").await;
    }
    tests::problem(app.post_import(None, query, text.into_bytes()).await, 401, "UNAUTHENTICATED").await;
    assert_eq!(department_record::Entity::find().count(&app.state.db).await.unwrap(), 1);
}

#[tokio::test]
async fn a_file_over_the_limit_is_refused_while_streaming_and_leaves_nothing() {
    let app = TestApp::spawn_demo_with(|settings| settings.server.import_max_bytes = 100_000).await;
    let supervisor = app.token("demo-supervisor").await;
    let mut text = String::from("ref,id_number,name,date,amount_yuan\n");
    for i in 0..3000 {
        text.push_str(&format!("YB-{i},{},张秀英,2026-11-01,100\n", id_number("19500317", i % 900 + 1)));
    }
    assert!(text.len() > 150_000);
    let body = tests::problem(
        app.post_import(Some(&supervisor), "kind=medical_expense&format=csv", text.into_bytes()).await,
        413,
        "PAYLOAD_TOO_LARGE",
    )
    .await;
    assert!(body["detail"].as_str().unwrap().contains("拆分"), "{body}");
    assert_eq!(department_record::Entity::find().count(&app.state.db).await.unwrap(), 0);
    let spool = app.state.settings.data_dir.0.join("imports");
    let left = std::fs::read_dir(&spool).map(|d| d.count()).unwrap_or(0);
    assert_eq!(left, 0, "the spooled part is removed");
}
