//! A batch of operations from one device, applied in sequence order. Per op: seen before with
//! the same content → `duplicate` with the first answer; the same op id with other content →
//! `conflict` (`OP_ID_REUSED`, nothing overwritten); a sequence number with one not answered nor
//! sent before it → `retry_later` (`SEQUENCE_GAP`, with the expected number) for it and every
//! later op of the batch; an op whose photo is not uploaded yet → `retry_later`
//! (`UPLOAD_NOT_FINISHED`), and the later ops naming one of its records behind it
//! (`WAITING_FOR_EARLIER_OP`), while the others go on ([`super::sequence`]); otherwise applied in
//! the batch's one transaction (an op that writes in several steps in a savepoint of its own; the
//! others are checked whole before their first write), so a refused op leaves nothing and the rest
//! stay. A statement that fails outside a savepoint fails the batch, which the phone sends again.
//! The answers, the kept conflicts and the device's new mark are written in the same transaction,
//! so a crash anywhere leaves the whole batch unapplied and the resend applies it; the device's
//! row is locked for the batch, so two pushes of one phone take turns. The batch is one unit of
//! work ([`crate::uow`]): the cached progress of the applications its ops moved is dropped once,
//! after the commit.

use std::collections::HashMap;

use chrono::Utc;
use entity::{sync_conflict, sync_device, sync_op};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};
use serde_json::json;
use uuid::Uuid;

use super::apply::{self, Applied, Device, Failure};
use super::model::{MAX_OPS, OpIn, OpResult, Outcome, PushIn, PushOut, StatusOut, StatusQuery};
use super::sequence::{self, Place, Sequence, Waiting};
use crate::applications::Lookups;
use crate::error::{ApiError, ErrorCode, FieldCode, FieldError, Message, OpCode};
use crate::request::Lang;
use crate::state::AppState;
use crate::uow::UnitOfWork;
use crate::vocab::Principal;

#[tracing::instrument(
    skip_all,
    fields(device_id = %input.device_id, ops = input.ops.len(), applied_seq = tracing::field::Empty)
)]
pub async fn push(state: &AppState, principal: &Principal, input: PushIn) -> Result<PushOut, ApiError> {
    check_shape(&input)?;
    let device = device(state, principal, input.device_id).await?;
    let mut ops = input.ops;
    ops.sort_by_key(|op| op.seq);
    let hashes = ops.iter().map(content_hash).collect::<Result<Vec<_>, _>>()?;
    let now = Utc::now();
    let mut uow = UnitOfWork::begin(&state.db).await?;
    let txn = uow.txn();
    let mark = lock_device(txn, device, now).await?;
    let seen: HashMap<Uuid, sync_op::Model> = sync_op::Entity::find()
        .filter(sync_op::Column::OpId.is_in(ops.iter().map(|op| op.op_id)))
        .all(txn)
        .await?
        .into_iter()
        .map(|op| (op.op_id, op))
        .collect();
    let (sequence, waiting) = sequence::load(txn, device, mark).await?;
    let mut batch = Batch {
        sequence,
        waiting,
        blocked: None,
        record: Record::default(),
        own: Device { id: device, applications: HashMap::new(), lookups: Lookups::default() },
        progress_moved: Vec::new(),
    };
    let mut in_batch: HashMap<Uuid, &str> = HashMap::new();
    let mut results = Vec::with_capacity(ops.len());
    for (op, hash) in ops.iter().zip(&hashes) {
        let answer = match (in_batch.insert(op.op_id, hash), seen.get(&op.op_id)) {
            // The same op id twice in one batch: its first answer stands.
            (Some(first), _) if first == hash => {
                refused(op, Outcome::Duplicate, OpCode::DuplicateInBatch, "该操作在本批中重复出现,已按第一次处理。")
            }
            (None, Some(seen)) if &seen.content_sha256 == hash && seen.device_id == device => duplicate(op, seen),
            (Some(_), _) | (None, Some(_)) => {
                refused(op, Outcome::Conflict, OpCode::OpIdReused, "该操作编号已用于另一项内容,请为新操作生成新编号。")
            }
            (None, None) => batch.take(txn, state, principal, op, hash, now).await?,
        };
        results.push(answer);
    }
    let Batch { sequence, waiting, record, progress_moved, .. } = batch;
    record.save(txn).await?;
    waiting.save(txn, device, now).await?;
    let applied_seq = sequence.mark();
    sync_device::Entity::update_many()
        .col_expr(sync_device::Column::LastSeq, Expr::value(applied_seq))
        .filter(sync_device::Column::DeviceId.eq(device))
        .exec(txn)
        .await?;
    for id in progress_moved {
        crate::progress::forget_cached(&mut uow, id);
    }
    uow.commit(state).await?;
    tracing::Span::current().record("applied_seq", applied_seq);
    Ok(PushOut { device_id: device, applied_seq, results })
}

/// Locks the device's row for the batch (two pushes of one phone take turns, and the second sees
/// the first's ops as seen); its mark.
async fn lock_device(txn: &DatabaseTransaction, device: Uuid, now: chrono::DateTime<Utc>) -> Result<i64, ApiError> {
    sync_device::Entity::update_many()
        .col_expr(sync_device::Column::UpdatedAt, Expr::value(now))
        .filter(sync_device::Column::DeviceId.eq(device))
        .exec(txn)
        .await?;
    let device = sync_device::Entity::find_by_id(device)
        .one(txn)
        .await?
        .ok_or_else(|| ApiError::internal("a registered device vanished"))?;
    Ok(device.last_seq)
}

/// What the schema says of every op, checked for the whole batch; what the services say is
/// checked op by op.
fn check_shape(input: &PushIn) -> Result<(), ApiError> {
    if input.ops.is_empty() || input.ops.len() > MAX_OPS {
        return Err(ApiError::validation(vec![FieldError::new(
            "ops",
            FieldCode::BatchSize,
            Message::new("每批 1 到 500 个操作", "Send 1 to 500 operations per batch"),
        )]));
    }
    let mut malformed = Vec::new();
    for (i, op) in input.ops.iter().enumerate() {
        if op.seq < 1 {
            malformed.push(FieldError::new(
                format!("ops[{i}].seq"),
                FieldCode::OutOfRange,
                Message::new("序号从 1 开始", "seq starts at 1"),
            ));
        }
        if !op.data.is_object() {
            malformed.push(FieldError::new(
                format!("ops[{i}].data"),
                FieldCode::InvalidType,
                Message::new("data 应为 JSON 对象", "data must be a JSON object"),
            ));
        }
    }
    if malformed.is_empty() { Ok(()) } else { Err(ApiError::validation(malformed)) }
}

/// The batch as it is applied: the device's sequence, the records that wait, and what the
/// answered ops leave.
struct Batch {
    sequence: Sequence,
    waiting: Waiting,
    /// After a gap or an op the server could not apply, every later op waits: why, and the
    /// sequence number expected first.
    blocked: Option<(OpCode, i64)>,
    record: Record,
    own: Device,
    progress_moved: Vec<Uuid>,
}

impl Batch {
    /// Answers an op not seen before: in its turn, unless it waits.
    async fn take(
        &mut self,
        txn: &DatabaseTransaction,
        state: &AppState,
        principal: &Principal,
        op: &OpIn,
        hash: &str,
        now: chrono::DateTime<Utc>,
    ) -> Result<OpResult, ApiError> {
        if let Some((code, expected)) = self.blocked {
            return Ok(retry(op, code, Some(expected)));
        }
        match self.sequence.place(op.seq, op.op_id) {
            Place::Next => {}
            Place::Reused => {
                return Ok(refused(
                    op,
                    Outcome::Rejected,
                    OpCode::SequenceReused,
                    "该序号已被本设备的另一个操作使用。",
                ));
            }
            Place::Gap(expected) => {
                self.blocked = Some((OpCode::SequenceGap, expected));
                return Ok(retry(op, OpCode::SequenceGap, Some(expected)));
            }
        }
        if let Some(behind) = self.waiting.blocker(op) {
            self.waiting.hold(op);
            return Ok(OpResult { waiting_for: Some(behind), ..retry(op, OpCode::WaitingForEarlierOp, None) });
        }
        match one(txn, state, principal, &mut self.own, op).await? {
            Step::Answered(answered) => {
                let (result, application, conflict) = *answered;
                self.sequence.answered(op.seq);
                self.waiting.release(op.seq);
                let application_id = application.as_ref().map(|app| app.id);
                if let Some(app) = application {
                    if apply::moves_progress(op) {
                        self.progress_moved.push(app.id);
                    }
                    self.own.applications.insert(app.id, app);
                }
                self.record.add(principal, self.own.id, op, hash, &result, application_id, conflict, now)?;
                Ok(result)
            }
            Step::Later(code @ OpCode::UploadNotFinished) => {
                self.waiting.hold(op);
                Ok(retry(op, code, None))
            }
            Step::Later(code) => {
                self.blocked = Some((code, op.seq));
                Ok(retry(op, code, Some(op.seq)))
            }
        }
    }
}

/// What one answered op leaves, kept for the batch's few multi-row inserts.
#[derive(Default)]
struct Record {
    ops: Vec<sync_op::ActiveModel>,
    conflicts: Vec<sync_conflict::ActiveModel>,
}

impl Record {
    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        principal: &Principal,
        device: Uuid,
        op: &OpIn,
        hash: &str,
        result: &OpResult,
        application_id: Option<Uuid>,
        conflict: Option<(OpCode, Option<Box<entity::application::Model>>)>,
        now: chrono::DateTime<Utc>,
    ) -> Result<(), ApiError> {
        let outcome = match result.outcome {
            Outcome::Applied => "applied",
            Outcome::Conflict => "conflict",
            _ => "rejected",
        };
        self.ops.push(sync_op::ActiveModel {
            op_id: Set(op.op_id),
            device_id: Set(device),
            seq: Set(op.seq),
            account_id: Set(principal.account_id),
            entity: Set(op.op.entity().to_owned()),
            entity_id: Set(op.entity_id),
            application_id: Set(application_id),
            op: Set(op.op.verb().to_owned()),
            content_sha256: Set(hash.to_owned()),
            outcome: Set(outcome.to_owned()),
            result: Set(serde_json::to_value(result).map_err(ApiError::internal)?),
            created_at: Set(now),
        });
        if let Some((code, application)) = conflict {
            self.conflicts.push(sync_conflict::ActiveModel {
                id: Set(Uuid::now_v7()),
                op_id: Set(op.op_id),
                account_id: Set(principal.account_id),
                community_code: Set(application.as_ref().map(|a| a.community_code.clone())),
                entity: Set(op.op.entity().to_owned()),
                entity_id: Set(op.entity_id),
                code: Set(code.as_str().to_owned()),
                base_version: Set(op.base_version),
                server_version: Set(application.as_ref().map(|a| a.version)),
                payload: Set(serde_json::to_value(op).map_err(ApiError::internal)?),
                status: Set("open".to_owned()),
                resolution: Set(None),
                note: Set(None),
                resolved_by: Set(None),
                resolved_at: Set(None),
                created_at: Set(now),
            });
        }
        Ok(())
    }

    async fn save(self, txn: &DatabaseTransaction) -> Result<(), ApiError> {
        // Rows per statement well under PostgreSQL's 65,535 bind parameters (12 columns each).
        for chunk in self.ops.chunks(1000) {
            sync_op::Entity::insert_many(chunk.to_vec()).exec_without_returning(txn).await?;
        }
        for chunk in self.conflicts.chunks(1000) {
            sync_conflict::Entity::insert_many(chunk.to_vec()).exec_without_returning(txn).await?;
        }
        Ok(())
    }
}

type Answered =
    (OpResult, Option<entity::application::Model>, Option<(OpCode, Option<Box<entity::application::Model>>)>);

/// What became of one op: answered for good, or to be sent again later (with why; nothing kept).
enum Step {
    Answered(Box<Answered>),
    Later(OpCode),
}

/// Applies one op in the batch's transaction: its answer, the application it touched, and the
/// conflict to keep. An op that is not checked whole before its first write gets a savepoint of
/// its own, so that nothing of it stays when it is refused.
async fn one(
    txn: &DatabaseTransaction,
    state: &AppState,
    principal: &Principal,
    device: &mut Device,
    op: &OpIn,
) -> Result<Step, ApiError> {
    let savepoint = if apply::atomic(op) { None } else { Some(txn.begin().await?) };
    let conn = savepoint.as_ref().unwrap_or(txn);
    let answered = match apply::apply(conn, state, principal, device, op).await {
        Ok(Applied { application, server }) => {
            if let Some(savepoint) = savepoint {
                savepoint.commit().await?;
            }
            let version = application.as_ref().map(|app| app.version);
            let result = OpResult { version, server: Some(server), ..base(op, Outcome::Applied) };
            return Ok(Step::Answered(Box::new((result, application, None))));
        }
        // A statement failed outside a savepoint: the transaction is no longer usable, and the
        // whole batch is undone and answered with the error (the phone sends it again).
        Err(Failure::RetryLater(err)) if savepoint.is_none() => return Err(err),
        Err(Failure::RetryLater(err)) => {
            tracing::warn!(error = ?err, op_id = %op.op_id, "a pushed op could not be applied now");
            undo(savepoint).await?;
            return Ok(Step::Later(OpCode::RetryLater));
        }
        Err(Failure::Waiting(code)) => {
            undo(savepoint).await?;
            return Ok(Step::Later(code));
        }
        Err(Failure::Rejected(err)) => {
            let problem = err.problem(Lang::Zh, None);
            let errors = (!problem.errors.is_empty()).then(|| json!(problem.errors));
            let result = OpResult {
                code: Some(problem.code.as_str().to_owned()),
                message: Some(problem.detail),
                errors,
                ..base(op, Outcome::Rejected)
            };
            (result, None, None)
        }
        Err(Failure::Conflict { code, application }) => {
            let version = application.as_ref().map(|a| a.version);
            let message = "服务器上的记录在您离线期间已被修改,本操作已保留待处理;请刷新后核对再处理。";
            let result = OpResult {
                code: Some(code.as_str().to_owned()),
                message: Some(message.to_owned()),
                version,
                ..base(op, Outcome::Conflict)
            };
            (result, None, Some((code, application)))
        }
    };
    // Whatever a refused op wrote is undone; its answer is kept with the batch.
    undo(savepoint).await?;
    Ok(Step::Answered(Box::new(answered)))
}

async fn undo(savepoint: Option<DatabaseTransaction>) -> Result<(), ApiError> {
    if let Some(savepoint) = savepoint {
        savepoint.rollback().await?;
    }
    Ok(())
}

/// The device, registered to the caller on first use; another account's device is refused.
async fn device(state: &AppState, principal: &Principal, id: Uuid) -> Result<Uuid, ApiError> {
    let row = sync_device::ActiveModel {
        device_id: Set(id),
        account_id: Set(principal.account_id),
        last_seq: Set(0),
        updated_at: Set(Utc::now()),
    };
    sync_device::Entity::insert(row)
        .on_conflict_do_nothing_on([sync_device::Column::DeviceId])
        .exec_without_returning(&state.db)
        .await?;
    sync_device::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .filter(|d| d.account_id == principal.account_id)
        .map(|d| d.device_id)
        .ok_or_else(|| {
            ApiError::new(ErrorCode::Forbidden).with_detail(Message::new(
                "该设备编号已登记在另一个账号下,请在本机重新生成设备编号。",
                "This device id belongs to another account; make a new device id on this phone.",
            ))
        })
}

/// Where the caller's device stands, with the answers kept for its ops numbered above `after`.
pub async fn status(state: &AppState, principal: &Principal, query: &StatusQuery) -> Result<StatusOut, ApiError> {
    let device = sync_device::Entity::find_by_id(query.device_id)
        .one(&state.db)
        .await?
        .filter(|d| d.account_id == principal.account_id)
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
    let after = query.after.unwrap_or(device.last_seq);
    if after < 0 {
        return Err(ApiError::new(ErrorCode::InvalidQuery)
            .with_detail(Message::new("after 应为不小于 0 的序号", "`after` must be a sequence number of 0 or more")));
    }
    let mut kept = sync_op::Entity::find()
        .filter(sync_op::Column::DeviceId.eq(device.device_id))
        .filter(sync_op::Column::Seq.gt(after))
        .order_by_asc(sync_op::Column::Seq)
        .limit(MAX_OPS as u64 + 1)
        .all(&state.db)
        .await?;
    let more = kept.len() > MAX_OPS;
    kept.truncate(MAX_OPS);
    let results = kept.iter().map(first_answer).collect::<Result<Vec<_>, _>>()?;
    let open_conflicts = sync_conflict::Entity::find()
        .filter(sync_conflict::Column::AccountId.eq(principal.account_id))
        .filter(sync_conflict::Column::Status.eq("open"))
        .count(&state.db)
        .await?;
    Ok(StatusOut { device_id: device.device_id, applied_seq: device.last_seq, results, more, open_conflicts })
}

/// The answer an op got when it was first answered, as kept.
fn first_answer(op: &sync_op::Model) -> Result<OpResult, ApiError> {
    serde_json::from_value(op.result.clone()).map_err(ApiError::internal)
}

/// What makes an op the same op: everything but when the phone says it was made. The same
/// content as before the ops were typed commands (the entity and the verb apart), so an op kept
/// then is still known when sent again.
fn content_hash(op: &OpIn) -> Result<String, ApiError> {
    let content = json!({ "seq": op.seq, "entity": op.op.entity(), "entity_id": op.entity_id, "op": op.op.verb(),
                          "base_version": op.base_version, "data": op.data });
    Ok(crate::hex::sha256(&serde_json::to_vec(&content).map_err(ApiError::internal)?))
}

fn base(op: &OpIn, outcome: Outcome) -> OpResult {
    OpResult {
        op_id: op.op_id,
        seq: op.seq,
        outcome,
        original: None,
        version: None,
        server: None,
        code: None,
        message: None,
        errors: None,
        expected_seq: None,
        waiting_for: None,
    }
}

fn duplicate(op: &OpIn, seen: &sync_op::Model) -> OpResult {
    let mut first: OpResult =
        serde_json::from_value(seen.result.clone()).unwrap_or_else(|_| base(op, Outcome::Duplicate));
    first.original = Some(first.outcome);
    first.outcome = Outcome::Duplicate;
    first
}

fn refused(op: &OpIn, outcome: Outcome, code: OpCode, message: &str) -> OpResult {
    OpResult { code: Some(code.as_str().to_owned()), message: Some(message.to_owned()), ..base(op, outcome) }
}

fn retry(op: &OpIn, code: OpCode, expected_seq: Option<i64>) -> OpResult {
    let message = match (code, expected_seq) {
        (OpCode::SequenceGap, Some(expected)) => format!("缺少序号 {expected} 的操作,请先补发;本操作稍后随之重发。"),
        (OpCode::UploadNotFinished, _) => {
            "该照片尚未上传完成,请先续传照片,再重发本操作;与它无关的后续操作已照常处理。".to_owned()
        }
        (OpCode::WaitingForEarlierOp, _) => {
            "本操作涉及的记录正等待前面一个操作(waiting_for)的照片上传完成,请与该操作一起重发。".to_owned()
        }
        _ => "服务器暂时无法处理,请稍后重发。".to_owned(),
    };
    OpResult {
        code: Some(code.as_str().to_owned()),
        message: Some(message),
        expected_seq,
        ..base(op, Outcome::RetryLater)
    }
}
