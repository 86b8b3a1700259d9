//! Database errors become API errors here and nowhere else.
//!
//! Unique and foreign-key violations are conflicts with existing data (409); not-null and check
//! violations are invalid values (422); a database that cannot be reached is a 503 with
//! `Retry-After`; anything else is an opaque 500. Unique indexes are named `uq_<table>__<column>`
//! so that a violation can name the field that clashed.

use sea_orm::sqlx::error::{DatabaseError, ErrorKind};
use sea_orm::{DbErr, RuntimeErr, sqlx};

use super::{ApiError, ErrorCode, FieldCode, FieldError, Message};

impl From<DbErr> for ApiError {
    fn from(err: DbErr) -> Self {
        match &err {
            DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => return ApiError::unavailable(err),
            DbErr::RecordNotFound(_) => return ApiError::new(ErrorCode::NotFound).with_source(err),
            DbErr::Exec(RuntimeErr::SqlxError(inner)) | DbErr::Query(RuntimeErr::SqlxError(inner)) => {
                match inner.as_ref() {
                    sqlx::Error::Database(db) => return from_constraint(db.as_ref()).with_source(err),
                    sqlx::Error::Io(_)
                    | sqlx::Error::PoolTimedOut
                    | sqlx::Error::PoolClosed
                    | sqlx::Error::Tls(_)
                    | sqlx::Error::WorkerCrashed => return ApiError::unavailable(err),
                    _ => {}
                }
            }
            _ => {}
        }
        ApiError::internal(err)
    }
}

fn from_constraint(db: &dyn DatabaseError) -> ApiError {
    let field = db.constraint().and_then(field_of_constraint);
    match db.kind() {
        ErrorKind::UniqueViolation => {
            let error = ApiError::new(ErrorCode::Conflict).with_detail(Message::new(
                "该记录已存在,请勿重复提交。",
                "This record already exists; do not submit it twice.",
            ));
            match field {
                Some(field) => error.with_errors(vec![FieldError::new(
                    field,
                    FieldCode::AlreadyExists,
                    Message::new("已存在相同的记录", "A record with this value already exists"),
                )]),
                None => error,
            }
        }
        ErrorKind::ForeignKeyViolation | ErrorKind::ExclusionViolation => ApiError::new(ErrorCode::Conflict)
            .with_detail(Message::new(
                "关联的记录不存在或仍在使用,请刷新后再试。",
                "A related record does not exist or is still in use; reload and try again.",
            )),
        ErrorKind::NotNullViolation | ErrorKind::CheckViolation => ApiError::new(ErrorCode::ValidationFailed),
        // 22021: text PostgreSQL cannot hold, such as a NUL character that slipped past validation.
        _ if db.code().as_deref() == Some("22021") => {
            ApiError::new(ErrorCode::ValidationFailed).with_detail(Message::new(
                "内容中含有无法识别的字符,请删除后重新提交。",
                "The text contains a character that cannot be stored; remove it.",
            ))
        }
        _ => ApiError::new(ErrorCode::Internal),
    }
}

/// `uq_regions__code` -> `code`.
fn field_of_constraint(constraint: &str) -> Option<&str> {
    constraint.strip_prefix("uq_")?.split_once("__").map(|(_, field)| field)
}

#[cfg(test)]
mod tests {
    use sea_orm::{ConnectionTrait, Database};

    use super::*;

    #[test]
    fn constraint_names_give_the_field() {
        assert_eq!(field_of_constraint("uq_regions__code"), Some("code"));
        assert_eq!(field_of_constraint("regions_pkey"), None);
    }

    /// Real SQLite errors go through the same mapping the PostgreSQL tests exercise.
    #[actix_web::test]
    async fn sqlite_constraint_violations_map_to_409_and_422() {
        let db = Database::connect("sqlite::memory:").await.unwrap();
        db.execute_unprepared(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, n INTEGER CHECK (n > 0));
             INSERT INTO t (id, code, n) VALUES (1, 'a', 1);",
        )
        .await
        .unwrap();
        let dup = db.execute_unprepared("INSERT INTO t (id, code, n) VALUES (2, 'a', 1)").await.unwrap_err();
        assert_eq!(ApiError::from(dup).code(), ErrorCode::Conflict);
        let check = db.execute_unprepared("INSERT INTO t (id, code, n) VALUES (3, 'b', 0)").await.unwrap_err();
        assert_eq!(ApiError::from(check).code(), ErrorCode::ValidationFailed);
        let null = db.execute_unprepared("INSERT INTO t (id, n) VALUES (4, 1)").await.unwrap_err();
        assert_eq!(ApiError::from(null).code(), ErrorCode::ValidationFailed);
        let syntax = db.execute_unprepared("SELEC 1").await.unwrap_err();
        assert_eq!(ApiError::from(syntax).code(), ErrorCode::Internal);
    }
}
