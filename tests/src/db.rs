//! One PostgreSQL database per test, cloned from a template migrated once per schema version.

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

static TEMPLATE: OnceCell<String> = OnceCell::const_new();

/// Creates the template once; an advisory lock keeps concurrent test processes from racing.
async fn template() -> &'static str {
    TEMPLATE
        .get_or_init(|| async {
            let name = template_name();
            let admin = admin().await;
            admin.execute_unprepared("SELECT pg_advisory_lock(730012)").await.expect("lock");
            let exists = admin
                .query_one_raw(sea_orm::Statement::from_string(
                    admin.get_database_backend(),
                    format!("SELECT 1 FROM pg_database WHERE datname = '{name}'"),
                ))
                .await
                .expect("query pg_database")
                .is_some();
            if !exists {
                let building = format!("{name}_building");
                admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)"))
                    .await
                    .expect("drop");
                admin.execute_unprepared(&format!("CREATE DATABASE {building}")).await.expect("create template");
                {
                    let db = Database::connect(url_for(&building)).await.expect("connect to template");
                    Migrator::up(&db, None).await.expect("migrate template");
                    db.close().await.expect("close template");
                }
                admin.execute_unprepared(&format!("ALTER DATABASE {building} RENAME TO {name}")).await.expect("rename");
            }
            admin.execute_unprepared("SELECT pg_advisory_unlock(730012)").await.expect("unlock");
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
        let template = template().await;
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
