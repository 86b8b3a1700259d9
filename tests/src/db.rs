//! One PostgreSQL database per test, cloned from a template migrated once per schema version, or
//! from a template of this test run that also holds the demo district (`TestApp::spawn_demo`).

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection};
use tokio::sync::OnceCell;

/// A database the harness may create and drop databases from.
pub fn admin_url() -> String {
    std::env::var("TEST_DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// `admin_url` with another database name.
fn url_for(name: &str) -> String {
    let admin = admin_url();
    let (base, _) = admin.rsplit_once('/').expect("TEST_DATABASE_URL ends with /<database>");
    format!("{base}/{name}")
}

async fn admin() -> DatabaseConnection {
    let mut options = ConnectOptions::new(admin_url());
    options.max_connections(1).sqlx_logging(false);
    Database::connect(options).await.unwrap_or_else(|err| {
        panic!("cannot reach PostgreSQL at TEST_DATABASE_URL={}: {err}. Run the tests with scripts/test.", admin_url())
    })
}

/// The template's name changes whenever the list of migrations or the text of one does (a
/// migration edited before it landed must not reuse a template built from its older text).
fn template_name() -> String {
    let mut hasher = DefaultHasher::new();
    for migration in Migrator::migrations() {
        migration.name().hash(&mut hasher);
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../migration/src");
    let mut files: Vec<_> = std::fs::read_dir(&dir).expect("migration sources").flatten().map(|e| e.path()).collect();
    files.sort();
    for file in files {
        std::fs::read(&file).expect("migration source").hash(&mut hasher);
    }
    format!("jiuzhu_tpl_{:016x}", hasher.finish())
}

/// Makes database `name` unless it exists: as a copy of `from` (or empty) under a building name,
/// filled by `fill`, then renamed, so a half-made one is never taken for finished. The caller
/// holds the advisory lock that keeps test processes from racing.
async fn make_once<F, Fut>(admin: &DatabaseConnection, name: &str, from: Option<&str>, fill: F)
where
    F: FnOnce(DatabaseConnection) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let exists = admin
        .query_one_raw(sea_orm::Statement::from_string(
            admin.get_database_backend(),
            format!("SELECT 1 FROM pg_database WHERE datname = '{name}'"),
        ))
        .await
        .expect("query pg_database")
        .is_some();
    if exists {
        return;
    }
    let building = format!("{name}_b");
    admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)")).await.expect("drop");
    let template = from.map(|t| format!(" TEMPLATE {t}")).unwrap_or_default();
    admin.execute_unprepared(&format!("CREATE DATABASE {building}{template}")).await.expect("create template");
    fill(Database::connect(url_for(&building)).await.expect("connect to template")).await;
    admin.execute_unprepared(&format!("ALTER DATABASE {building} RENAME TO {name}")).await.expect("rename");
}

static TEMPLATE: OnceCell<String> = OnceCell::const_new();

/// Creates the template once; an advisory lock keeps concurrent test processes from racing.
async fn template() -> &'static str {
    TEMPLATE
        .get_or_init(|| async {
            let name = template_name();
            let admin = admin().await;
            admin.execute_unprepared("SELECT pg_advisory_lock(730012)").await.expect("lock");
            make_once(&admin, &name, None, |db| async move {
                Migrator::up(&db, None).await.expect("migrate template");
                db.close().await.expect("close template");
            })
            .await;
            admin.execute_unprepared("SELECT pg_advisory_unlock(730012)").await.expect("unlock");
            name
        })
        .await
}

/// The demo template of this run: named after the process that runs the test binaries (cargo),
/// so that every binary of one `cargo test` shares it and a later run never sees data seeded by
/// older code. The host is part of the name: only this host's dead runs are cleaned up.
fn demo_template_name() -> String {
    let parent = std::os::unix::process::parent_id();
    let mut hasher = DefaultHasher::new();
    std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default().trim().hash(&mut hasher);
    let host = hasher.finish() & 0xffff_ffff;
    format!("jiuzhu_demo_{host:08x}_{parent}_{}", process_start(parent).unwrap_or(0))
}

/// When the process `pid` started (clock ticks since boot), so that a reused pid is not taken for
/// a live run; `None` when there is no such process (or no /proc).
fn process_start(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Field 22; the command name (field 2) may hold spaces, so count from its closing parenthesis.
    stat.rsplit_once(") ")?.1.split(' ').nth(19)?.parse().ok()
}

/// Drops the demo templates of this host's runs whose process is gone (a run cannot drop its own
/// on exit: it cannot tell which of its test binaries is the last).
async fn drop_dead_demo_templates(admin: &DatabaseConnection, current: &str) {
    if !std::path::Path::new("/proc/self/stat").exists() {
        return;
    }
    let Some(host) = current.split('_').nth(2) else { return };
    let rows = admin
        .query_all_raw(sea_orm::Statement::from_string(
            admin.get_database_backend(),
            format!("SELECT datname FROM pg_database WHERE datname LIKE 'jiuzhu_demo_{host}_%'"),
        ))
        .await
        .expect("query pg_database");
    for row in rows {
        let name: String = row.try_get("", "datname").expect("datname");
        let mut parts = name.split('_').skip(3);
        let (Some(pid), Some(start)) = (parts.next(), parts.next()) else { continue };
        let alive = pid.parse().ok().and_then(process_start).is_some_and(|s| s.to_string() == start);
        if !alive {
            admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await.expect("drop");
        }
    }
}

static DEMO_TEMPLATE: OnceCell<String> = OnceCell::const_new();

/// The migrated template with the demo district seeded (`seed_demo_into`), made once per run; the
/// advisory lock keeps the test binaries of a run from racing.
async fn demo_template() -> &'static str {
    DEMO_TEMPLATE
        .get_or_init(|| async {
            let migrated = template().await;
            let name = demo_template_name();
            let admin = admin().await;
            admin.execute_unprepared("SELECT pg_advisory_lock(730013)").await.expect("lock");
            drop_dead_demo_templates(&admin, &name).await;
            make_once(&admin, &name, Some(migrated), |db| async move {
                crate::auth::seed_demo_into(&db, &api::infra::cache::Cache::in_process()).await;
                db.close().await.expect("close demo template");
            })
            .await;
            admin.execute_unprepared("SELECT pg_advisory_unlock(730013)").await.expect("unlock");
            name
        })
        .await
}

/// A freshly migrated database, dropped when this value is.
pub struct TestDatabase {
    name: String,
}

impl TestDatabase {
    pub async fn create() -> Self {
        Self::create_from(template().await).await
    }

    /// A database with the demo district already in it, as `TestApp::seed_demo` leaves it.
    pub async fn create_demo() -> Self {
        Self::create_from(demo_template().await).await
    }

    async fn create_from(template: &str) -> Self {
        let name = format!("jiuzhu_test_{}", uuid::Uuid::new_v4().simple());
        admin()
            .await
            .execute_unprepared(&format!("CREATE DATABASE {name} TEMPLATE {template}"))
            .await
            .expect("create test database");
        Self { name }
    }

    /// An empty database with no migrations applied, for migration tests.
    pub async fn create_empty() -> Self {
        let name = format!("jiuzhu_test_{}", uuid::Uuid::new_v4().simple());
        admin().await.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create empty database");
        Self { name }
    }

    pub fn url(&self) -> String {
        url_for(&self.name)
    }

    pub async fn connect(&self) -> DatabaseConnection {
        Database::connect(self.url()).await.expect("connect to test database")
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let name = std::mem::take(&mut self.name);
        // Drop runs inside the test's runtime, which cannot be blocked on; use a thread of our own.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            runtime.block_on(async {
                admin().await.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(_))) {
            eprintln!("could not drop a test database: {dropped:?}");
        }
    }
}
