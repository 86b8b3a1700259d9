//! Importing one department file: the same file again (same kind, same SHA-256) answers the first
//! import's report and changes nothing; a record another file already brought (same kind and
//! department record id) is counted as a duplicate, not stored twice. The file is read as a stream
//! on the blocking pool and its records are written in batches in one transaction, so a file that
//! breaks halfway (bytes that are not text, a missing column) leaves nothing behind. People are
//! kept by the ID blind index only. In the same transaction the warning rules are evaluated over
//! the new records (see `monitoring::evaluate`) and a pool file's people join the pool.

use std::io::{BufReader, Read};
use std::path::PathBuf;

use chrono::{NaiveDate, Utc};
use entity::{department_record, import_file};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter,
    Set, Statement, TryInsertResult,
};
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use tokio::sync::mpsc;
use utoipa::ToSchema;
use uuid::Uuid;

use super::decode::{DecodeError, Utf8Reader};
use super::rows::{self, FileError, Format, Kind, Rejected};
use crate::error::{ApiError, ErrorCode, Message};
use crate::monitoring::{evaluate, pool};
use crate::pii::cipher::{BlindIndexer, PiiCipher};
use crate::pii::id_number::ID_PURPOSE;
use crate::uow::UnitOfWork;

/// Records per INSERT: on PostgreSQL one JSON parameter, on SQLite 9 parameters each (under its
/// 32,766).
const BATCH: usize = 2000;
/// Rejected rows kept in the report; all are counted.
const REJECTS_KEPT: usize = 1000;

/// What became of a file.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Report {
    pub id: Uuid,
    pub kind: Kind,
    /// What the file was written in: `UTF-8`, `gb18030` (GBK), `UTF-16LE`, ...
    pub encoding: String,
    pub rows_total: i64,
    pub rows_imported: i64,
    pub rows_duplicate: i64,
    pub rows_rejected: i64,
    /// Records about people the platform does not know: kept, but no lead is raised for them
    /// (for `monitoring_subject` files: rows naming a community the platform does not know).
    pub rows_unmatched: i64,
    /// Leads the warning rules raised from this file.
    pub leads_raised: i64,
    /// The first 1,000 rejected rows: `line`, `field`, `code` and `message` (what to fix, Chinese).
    #[schema(value_type = Vec<Object>)]
    pub rejected: serde_json::Value,
    /// The same file was imported before: this is that import's report, nothing changed.
    pub repeated: bool,
}

/// What the reading thread hands over.
enum Batch {
    Rows(Vec<Record>),
    Rejected(Rejected),
}

/// A checked row as stored: the ID number replaced by its blind index on the reading thread.
#[derive(Serialize)]
struct Record {
    id: Uuid,
    source_ref: String,
    subject_index: String,
    occurred_on: NaiveDate,
    amount_fen: Option<i64>,
    details: serde_json::Value,
}

/// Imports the file at `path` (already on local disk, e.g. the request body spooled there).
#[tracing::instrument(skip_all, fields(kind = kind.as_str(), by = %by, import_id = tracing::field::Empty))]
pub async fn import(
    db: &DatabaseConnection,
    cipher: &PiiCipher,
    by: Uuid,
    kind: Kind,
    format: Format,
    path: PathBuf,
    review_months: u32,
) -> Result<Report, ApiError> {
    let hash_path = path.clone();
    let sha256 = crate::blocking::run(move || file_sha256(&hash_path)).await?.map_err(ApiError::internal)?;
    if let Some(done) = earlier(db, kind, &sha256).await? {
        return Ok(done);
    }
    let id = Uuid::now_v7();
    tracing::Span::current().record("import_id", tracing::field::display(id));
    let now = Utc::now();
    let format_name = match format {
        Format::Csv => "csv",
        Format::Jsonl => "jsonl",
    };
    let uow = UnitOfWork::begin(db).await?;
    let txn = uow.txn();
    // The file is claimed first: the same file imported at the same moment elsewhere waits here
    // for this one's commit, inserts nothing, and answers with this one's report.
    let claim = import_file::ActiveModel {
        id: Set(id),
        kind: Set(kind.as_str().to_owned()),
        format: Set(format_name.to_owned()),
        sha256: Set(sha256.clone()),
        encoding: Set(String::new()),
        rows_total: Set(0),
        rows_imported: Set(0),
        rows_duplicate: Set(0),
        rows_rejected: Set(0),
        rows_unmatched: Set(0),
        leads_raised: Set(0),
        rejected: Set(json!([])),
        created_by: Set(by),
        created_at: Set(now),
    };
    let claimed = import_file::Entity::insert(claim)
        .on_conflict_do_nothing_on([import_file::Column::Kind, import_file::Column::Sha256])
        .exec_without_returning(txn)
        .await?;
    if !matches!(claimed, TryInsertResult::Inserted(n) if n > 0) {
        drop(uow);
        return earlier(db, kind, &sha256)
            .await?
            .ok_or_else(|| ApiError::internal("an import neither saved nor found"));
    }
    // Dates in the files are China dates: "not in the future" is measured on China's calendar.
    let today = crate::calendar::today();
    let started = std::time::Instant::now();
    let (tx, mut rx) = mpsc::channel::<Batch>(4);
    let indexer = cipher.indexer(ID_PURPOSE);
    // The reading thread logs inside the import's span.
    let span = tracing::Span::current();
    let reader =
        tokio::task::spawn_blocking(move || span.in_scope(|| read_file(path, kind, format, today, &indexer, &tx)));
    let (mut total, mut imported, mut rejected_count) = (0_i64, 0_i64, 0_i64);
    let mut rejected = Vec::new();
    while let Some(batch) = rx.recv().await {
        match batch {
            Batch::Rejected(row) => {
                total += 1;
                rejected_count += 1;
                if rejected.len() < REJECTS_KEPT {
                    rejected.push(json!({ "line": row.line, "field": row.error.field, "code": row.error.code,
                                          "message": row.error.message.zh }));
                }
            }
            Batch::Rows(records) => {
                total += records.len() as i64;
                imported += write(txn, id, kind, now, records).await?;
            }
        }
    }
    // A file that cannot be read: the transaction is dropped, nothing of it stays.
    let encoding = reader.await.map_err(ApiError::internal)?.map_err(refusal)?;
    if txn.get_database_backend() == DatabaseBackend::Postgres {
        // The planner has not seen the rows this transaction wrote: the rules' queries over them
        // would be planned for an empty table.
        txn.execute_unprepared("ANALYZE department_records").await?;
    }
    let written_ms = started.elapsed().as_millis();
    let mut evaluation = evaluate::after_import(txn, id, kind.as_str(), today).await?;
    if kind == Kind::MonitoringSubject {
        let added = pool::from_import(txn, id, review_months).await?;
        evaluation.rows_unmatched = added.unknown_community;
    }
    let done = import_file::Model {
        id,
        kind: kind.as_str().to_owned(),
        format: format_name.to_owned(),
        sha256,
        encoding: encoding.to_owned(),
        rows_total: total,
        rows_imported: imported,
        rows_duplicate: total - rejected_count - imported,
        rows_rejected: rejected_count,
        rows_unmatched: evaluation.rows_unmatched,
        leads_raised: evaluation.leads_raised,
        rejected: json!(rejected),
        created_by: by,
        created_at: now,
    };
    import_file::Entity::update_many()
        .col_expr(import_file::Column::Encoding, Expr::value(done.encoding.clone()))
        .col_expr(import_file::Column::RowsTotal, Expr::value(done.rows_total))
        .col_expr(import_file::Column::RowsImported, Expr::value(done.rows_imported))
        .col_expr(import_file::Column::RowsDuplicate, Expr::value(done.rows_duplicate))
        .col_expr(import_file::Column::RowsRejected, Expr::value(done.rows_rejected))
        .col_expr(import_file::Column::RowsUnmatched, Expr::value(done.rows_unmatched))
        .col_expr(import_file::Column::LeadsRaised, Expr::value(done.leads_raised))
        .col_expr(import_file::Column::Rejected, Expr::value(done.rejected.clone()))
        .filter(import_file::Column::Id.eq(id))
        .exec(txn)
        .await?;
    uow.commit(&()).await?;
    tracing::info!(
        kind = kind.as_str(),
        rows = total,
        imported,
        leads = done.leads_raised,
        written_ms,
        evaluated_ms = started.elapsed().as_millis() - written_ms,
        "department file imported"
    );
    Ok(report(done, kind, false))
}

/// Inserts a batch, skipping records another file brought (same kind and `ref`); how many were new.
async fn write(
    txn: &DatabaseTransaction,
    import_id: Uuid,
    kind: Kind,
    now: chrono::DateTime<Utc>,
    records: Vec<Record>,
) -> Result<i64, ApiError> {
    let inserted = if txn.get_database_backend() == DatabaseBackend::Postgres {
        // One statement with the batch as one JSON parameter: PostgreSQL parses it far faster than
        // a VALUES list of 18,000 parameters.
        let batch = serde_json::to_string(&records).map_err(ApiError::internal)?;
        let done = txn
            .execute_raw(Statement::from_sql_and_values(
                DatabaseBackend::Postgres,
                "INSERT INTO department_records
                     (id, import_id, kind, source_ref, subject_index, occurred_on, amount_fen, details, created_at)
                 SELECT r.id, $2, $3, r.source_ref, r.subject_index, r.occurred_on, r.amount_fen, r.details, $4
                 FROM jsonb_to_recordset($1::jsonb)
                     AS r(id uuid, source_ref text, subject_index text, occurred_on date, amount_fen bigint, details json)
                 ON CONFLICT (kind, source_ref) DO NOTHING",
                [batch.into(), import_id.into(), kind.as_str().into(), now.into()],
            ))
            .await?;
        done.rows_affected()
    } else {
        let rows = records.into_iter().map(|r| department_record::ActiveModel {
            id: Set(r.id),
            import_id: Set(import_id),
            kind: Set(kind.as_str().to_owned()),
            source_ref: Set(r.source_ref),
            subject_index: Set(r.subject_index),
            occurred_on: Set(r.occurred_on),
            amount_fen: Set(r.amount_fen),
            details: Set(r.details),
            created_at: Set(now),
        });
        let done = department_record::Entity::insert_many(rows)
            .on_conflict_do_nothing_on([department_record::Column::Kind, department_record::Column::SourceRef])
            .exec_without_returning(txn)
            .await?;
        match done {
            TryInsertResult::Inserted(n) => n,
            _ => 0,
        }
    };
    Ok(i64::try_from(inserted).unwrap_or(i64::MAX))
}

async fn earlier(db: &DatabaseConnection, kind: Kind, sha256: &str) -> Result<Option<Report>, ApiError> {
    Ok(import_file::Entity::find()
        .filter(import_file::Column::Kind.eq(kind.as_str()))
        .filter(import_file::Column::Sha256.eq(sha256))
        .one(db)
        .await?
        .map(|row| report(row, kind, true)))
}

fn report(row: import_file::Model, kind: Kind, repeated: bool) -> Report {
    Report {
        id: row.id,
        kind,
        encoding: row.encoding,
        rows_total: row.rows_total,
        rows_imported: row.rows_imported,
        rows_duplicate: row.rows_duplicate,
        rows_rejected: row.rows_rejected,
        rows_unmatched: row.rows_unmatched,
        leads_raised: row.leads_raised,
        rejected: row.rejected,
        repeated,
    }
}

/// Reads and checks the file on the blocking pool, handing records over in batches; the
/// encoding it was in, or why it cannot be read.
fn read_file(
    path: PathBuf,
    kind: Kind,
    format: Format,
    today: NaiveDate,
    indexer: &BlindIndexer,
    tx: &mpsc::Sender<Batch>,
) -> Result<&'static str, FileError> {
    let file = std::fs::File::open(&path).map_err(FileError::Io)?;
    let text = Utf8Reader::new(file).map_err(FileError::Io)?;
    let encoding = text.encoding();
    let records = rows::read(BufReader::new(text), kind, format, today)?;
    let mut batch = Vec::with_capacity(BATCH);
    for record in records {
        match record? {
            Ok(row) => {
                batch.push(Record {
                    id: Uuid::now_v7(),
                    subject_index: indexer.index(row.id_number.expose()),
                    source_ref: row.source_ref,
                    occurred_on: row.occurred_on,
                    amount_fen: row.amount_fen,
                    details: row.details,
                });
                if batch.len() == BATCH && tx.blocking_send(Batch::Rows(std::mem::take(&mut batch))).is_err() {
                    break;
                }
            }
            Err(rejected) => {
                if tx.blocking_send(Batch::Rejected(rejected)).is_err() {
                    break;
                }
            }
        }
    }
    if !batch.is_empty() {
        let _ = tx.blocking_send(Batch::Rows(batch));
    }
    Ok(encoding)
}

fn file_sha256(path: &std::path::Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0; 64 * 1024];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(crate::hex::encode(&hasher.finalize()))
}

/// 422 `IMPORT_FILE_INVALID` saying what is wrong with the file as a whole.
fn refusal(err: FileError) -> ApiError {
    let detail = match &err {
        FileError::MissingColumn(column) => Message::new(
            format!("文件缺少\u{201c}{column}\u{201d}一列,请按模板补齐表头后重新导入。"),
            format!("The file has no `{column}` column; add it to the header and import again."),
        ),
        FileError::Io(io) => match DecodeError::from_io(io) {
            Some(DecodeError::Unknown) => Message::new(
                "无法识别文件编码:请将文件另存为 UTF-8 或 GBK 编码的 CSV(不是 Excel 格式)后重新导入。",
                "Not UTF-8 or GBK text: save it as a UTF-8 or GBK CSV (not Excel) and import again.",
            ),
            Some(DecodeError::Malformed { encoding, offset }) => Message::new(
                format!("文件在第 {offset} 字节处有不符合 {encoding} 编码的内容,可能已损坏,请重新导出后导入。"),
                format!("The file is not valid {encoding} at byte {offset}; export it again."),
            ),
            None => Message::new(
                format!("文件无法按表格读取:{io}。请检查格式后重新导入。"),
                format!("The file cannot be read as a table: {io}."),
            ),
        },
    };
    ApiError::new(ErrorCode::ImportFileInvalid).with_detail(detail)
}
