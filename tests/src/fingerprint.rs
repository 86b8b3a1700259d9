//! A fingerprint of every table's rows, to show that a refused request changed nothing: take one
//! before, one after, and compare. Tables that record the refusal itself (the audit trail) or the
//! sign-in machinery can be left out by name.

use std::collections::BTreeMap;

use sea_orm::{ConnectionTrait, Statement};

use crate::TestApp;

impl TestApp {
    /// An md5 of each table's rows (PostgreSQL only), by table name, leaving out `skip`.
    pub async fn table_fingerprints(&self, skip: &[&str]) -> BTreeMap<String, String> {
        let db = &self.state.db;
        let backend = db.get_database_backend();
        let tables = db
            .query_all_raw(Statement::from_string(
                backend,
                "SELECT tablename::text AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
            ))
            .await
            .expect("list tables");
        let mut out = BTreeMap::new();
        for row in tables {
            let name: String = row.try_get("", "name").expect("table name");
            if skip.contains(&name.as_str()) {
                continue;
            }
            let sql =
                format!("SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS sum FROM \"{name}\" t");
            let row =
                db.query_one_raw(Statement::from_string(backend, sql)).await.expect("fingerprint").expect("a row");
            out.insert(name, row.try_get("", "sum").expect("md5"));
        }
        out
    }
}
