use api::error::{ApiError, ErrorCode};
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use tests::{TempDir, TestDatabase};

const INSERT_AUDIT: &str = "INSERT INTO audit_events (id, occurred_at, action, details) \
     VALUES ('0190f1c4-8a43-7d2e-a3c1-2f5b7c9d0e11', CURRENT_TIMESTAMP, 'test.event', '{}')";

async fn migrations_go_up_down_and_up(db: &DatabaseConnection) {
    Migrator::up(db, None).await.unwrap();
    db.execute_unprepared(INSERT_AUDIT).await.unwrap();
    Migrator::down(db, None).await.unwrap();
    assert!(db.execute_unprepared("SELECT 1 FROM audit_events").await.is_err(), "down removes the table");
    Migrator::up(db, None).await.unwrap();
    assert!(Migrator::get_pending_migrations(db).await.unwrap().is_empty());
}

async fn audit_log_is_append_only(db: &DatabaseConnection) {
    db.execute_unprepared(INSERT_AUDIT).await.unwrap();
    let update = db.execute_unprepared("UPDATE audit_events SET action = 'forged'").await.unwrap_err();
    assert!(update.to_string().contains("append-only"), "{update}");
    let delete = db.execute_unprepared("DELETE FROM audit_events").await.unwrap_err();
    assert!(delete.to_string().contains("append-only"), "{delete}");
}

#[tokio::test]
async fn postgres_migrations_have_real_downs() {
    let database = TestDatabase::create_empty().await;
    migrations_go_up_down_and_up(&database.connect().await).await;
}

#[tokio::test]
async fn sqlite_migrations_have_real_downs() {
    let dir = TempDir::new();
    let db = Database::connect(format!("sqlite://{}/m.db?mode=rwc", dir.path.display())).await.unwrap();
    migrations_go_up_down_and_up(&db).await;
}

#[tokio::test]
async fn postgres_audit_log_is_append_only() {
    let database = TestDatabase::create().await;
    audit_log_is_append_only(&database.connect().await).await;
}

#[tokio::test]
async fn sqlite_audit_log_is_append_only() {
    let dir = TempDir::new();
    let db = Database::connect(format!("sqlite://{}/a.db?mode=rwc", dir.path.display())).await.unwrap();
    Migrator::up(&db, None).await.unwrap();
    audit_log_is_append_only(&db).await;
}

#[tokio::test]
async fn several_nodes_migrating_at_once_apply_each_migration_once() {
    let database = TestDatabase::create_empty().await;
    let mut settings = api::config::Settings::default();
    settings.database.url = Some(database.url().into());
    let nodes = (0..4).map(|_| {
        let settings = settings.clone();
        tokio::spawn(async move {
            let db = api::infra::db::connect(&settings).await.unwrap();
            api::infra::db::migrate(&db).await
        })
    });
    for node in nodes {
        node.await.unwrap().unwrap();
    }
    let db = database.connect().await;
    let applied = Migrator::get_applied_migrations(&db).await.unwrap();
    assert_eq!(applied.len(), Migrator::migrations().len());
}

#[tokio::test]
async fn postgres_constraint_violations_map_to_409_and_422() {
    let database = TestDatabase::create().await;
    let db = database.connect().await;
    db.execute_unprepared(
        "CREATE TABLE things (id INT PRIMARY KEY, code TEXT NOT NULL, n INT CHECK (n > 0),
             CONSTRAINT uq_things__code UNIQUE (code));
         INSERT INTO things VALUES (1, 'a', 1);",
    )
    .await
    .unwrap();
    let dup = ApiError::from(db.execute_unprepared("INSERT INTO things VALUES (2, 'a', 1)").await.unwrap_err());
    assert_eq!(dup.code(), ErrorCode::Conflict);
    assert_eq!(dup.errors()[0].field, "code", "the unique index names the field");
    let check = ApiError::from(db.execute_unprepared("INSERT INTO things VALUES (3, 'b', 0)").await.unwrap_err());
    assert_eq!(check.code(), ErrorCode::ValidationFailed);
}

#[tokio::test]
async fn an_unreachable_database_at_start_names_the_setting_to_fix() {
    let mut settings = api::config::Settings::default();
    settings.database.url = Some("postgres://postgres@127.0.0.1:1/nowhere".into());
    settings.database.connect_timeout_secs = 1;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let err = api::Application::build_with_listener(settings, listener).await.err().expect("start-up fails");
    let message = err.to_string();
    assert!(message.contains("DATABASE_URL"), "{message}");
    assert!(message.contains("127.0.0.1:1"), "{message}");
}
