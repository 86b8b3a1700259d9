//! A device's sequence while a batch is applied, and what waits.
//!
//! `applied_seq` is the device's mark: every op up to it is answered for good. Ops past it may be
//! answered for good too (ops after one that waits for its photo, on other records), and are kept
//! with their answers like any other, so a resend of them answers `duplicate`. An op that waits for
//! its upload, or behind such an op, is kept as waiting (`sync_waiting`): its number is taken, so
//! later ops, in this batch or a later one, are no gap, and it holds the records it names: a later
//! op naming one of them waits behind it ([`Waiting`]). Sent again and answered for good, it lets
//! them go. An op is taken when every number before it is answered, waiting, or in the same batch;
//! a number that is none of these is a gap, and every op after it waits ([`Sequence`]).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use entity::{sync_op, sync_waiting};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect, Set};
use serde_json::Value;
use uuid::Uuid;

use super::model::OpIn;

/// Where an op's sequence number stands.
#[derive(Debug, PartialEq, Eq)]
pub enum Place {
    /// Its turn: every number before it is answered, waiting, or in this batch.
    Next,
    /// The number was used by another op already.
    Reused,
    /// A number before it is none of these: that one is expected first.
    Gap(i64),
}

pub struct Sequence {
    /// The device's mark when the batch began.
    mark: i64,
    /// Every number up to here is answered, waiting, or was taken in this batch.
    covered: i64,
    /// Numbers past `mark` answered for good (before or in this batch).
    answered: BTreeSet<i64>,
    /// Numbers of ops kept waiting by an earlier batch, with their op ids.
    waited: HashMap<i64, Uuid>,
}

/// The device's sequence and what waits, as the batch finds them.
pub async fn load(db: &impl ConnectionTrait, device: Uuid, mark: i64) -> Result<(Sequence, Waiting), DbErr> {
    let answered: Vec<i64> = sync_op::Entity::find()
        .select_only()
        .column(sync_op::Column::Seq)
        .filter(sync_op::Column::DeviceId.eq(device))
        .filter(sync_op::Column::Seq.gt(mark))
        .into_tuple()
        .all(db)
        .await?;
    let waiting = sync_waiting::Entity::find().filter(sync_waiting::Column::DeviceId.eq(device)).all(db).await?;
    let waited = waiting.iter().map(|row| (row.seq, row.op_id)).collect();
    let ops = waiting
        .into_iter()
        .map(|row| {
            let records = serde_json::from_value(row.records).map_err(|err| DbErr::Json(err.to_string()))?;
            Ok((row.seq, (row.op_id, records)))
        })
        .collect::<Result<_, DbErr>>()?;
    Ok((Sequence::new(mark, answered, waited), Waiting { ops }))
}

impl Sequence {
    fn new(mark: i64, answered: impl IntoIterator<Item = i64>, waited: HashMap<i64, Uuid>) -> Self {
        let mut sequence = Self { mark, covered: mark, answered: answered.into_iter().collect(), waited };
        sequence.advance();
        sequence
    }

    fn advance(&mut self) {
        while self.answered.contains(&(self.covered + 1)) || self.waited.contains_key(&(self.covered + 1)) {
            self.covered += 1;
        }
    }

    /// Places the next op of the batch (ops come in sequence order); `Next` takes its number.
    pub fn place(&mut self, seq: i64, op_id: Uuid) -> Place {
        if let Some(waited) = self.waited.get(&seq) {
            return if *waited == op_id { Place::Next } else { Place::Reused };
        }
        if seq <= self.covered {
            return Place::Reused;
        }
        if seq > self.covered + 1 {
            return Place::Gap(self.covered + 1);
        }
        self.covered = seq;
        self.advance();
        Place::Next
    }

    /// The op numbered `seq` was answered for good.
    pub fn answered(&mut self, seq: i64) {
        self.answered.insert(seq);
    }

    /// The device's new mark: the highest number up to which every op is answered for good.
    pub fn mark(&self) -> i64 {
        let mut mark = self.mark;
        while self.answered.contains(&(mark + 1)) {
            mark += 1;
        }
        mark
    }
}

/// The ops that wait, by number, with the records each holds.
pub struct Waiting {
    ops: BTreeMap<i64, (Uuid, Vec<Uuid>)>,
}

impl Waiting {
    /// The nearest earlier op that waits and holds a record `op` names.
    pub fn blocker(&self, op: &OpIn) -> Option<Uuid> {
        let names = records(op);
        self.ops
            .range(..op.seq)
            .rev()
            .find(|(_, (_, held))| held.iter().any(|id| names.contains(id)))
            .map(|(_, (op_id, _))| *op_id)
    }

    /// `op` waits, holding the records it names.
    pub fn hold(&mut self, op: &OpIn) {
        self.ops.insert(op.seq, (op.op_id, records(op)));
    }

    /// The op numbered `seq` was answered for good: its records go free.
    pub fn release(&mut self, seq: i64) {
        self.ops.remove(&seq);
    }

    /// Keeps what waits now for the device's next batch (in the batch's transaction).
    pub async fn save(&self, db: &impl ConnectionTrait, device: Uuid, now: DateTime<Utc>) -> Result<(), DbErr> {
        sync_waiting::Entity::delete_many().filter(sync_waiting::Column::DeviceId.eq(device)).exec(db).await?;
        let rows: Vec<sync_waiting::ActiveModel> = self
            .ops
            .iter()
            .map(|(seq, (op_id, records))| sync_waiting::ActiveModel {
                device_id: Set(device),
                seq: Set(*seq),
                op_id: Set(*op_id),
                records: Set(serde_json::json!(records)),
                created_at: Set(now),
            })
            .collect();
        for chunk in rows.chunks(1000) {
            sync_waiting::Entity::insert_many(chunk.to_vec()).exec_without_returning(db).await?;
        }
        Ok(())
    }
}

/// The records an op names: its own, and the application, member, recipient and upload in its
/// data. Two ops that name one record are ordered.
fn records(op: &OpIn) -> Vec<Uuid> {
    let named = ["application_id", "member_id", "recipient_id", "upload_id"]
        .iter()
        .filter_map(|key| op.data.get(key).and_then(Value::as_str).and_then(|id| Uuid::parse_str(id).ok()));
    std::iter::once(op.entity_id).chain(named).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_answered_or_waiting_past_the_mark_are_neither_gaps_nor_free() {
        // 1 and 2 answered; 3 waits; 4 answered; 5 was never sent.
        let (three, other) = (Uuid::now_v7(), Uuid::now_v7());
        let mut sequence = Sequence::new(2, [4], HashMap::from([(3, three)]));
        assert_eq!(sequence.place(6, other), Place::Gap(5), "5 was never sent");
        assert_eq!(sequence.place(3, other), Place::Reused, "3 is another op's");
        assert_eq!(sequence.place(3, three), Place::Next, "3 sent again");
        assert_eq!(sequence.place(4, other), Place::Reused, "4 is another op's");
        assert_eq!(sequence.place(5, other), Place::Next);
        assert_eq!(sequence.place(6, other), Place::Next);
        assert_eq!(sequence.mark(), 2, "3 still waits");
        sequence.answered(3);
        assert_eq!(sequence.mark(), 4, "5 and 6 still wait");
        sequence.answered(5);
        assert_eq!(sequence.mark(), 5);
    }

    fn op(seq: i64, entity_id: Uuid, data: Value) -> OpIn {
        serde_json::from_value(serde_json::json!({"op_id": Uuid::now_v7(), "seq": seq,
            "entity_id": entity_id, "op": "member.delete", "client_time": Utc::now(), "data": data}))
        .unwrap()
    }

    #[test]
    fn an_op_waits_behind_the_nearest_earlier_waiting_op_naming_one_of_its_records() {
        let (app, other) = (Uuid::now_v7(), Uuid::now_v7());
        let mut waiting = Waiting { ops: BTreeMap::new() };
        let photo = op(2, Uuid::now_v7(), serde_json::json!({"application_id": app}));
        waiting.hold(&photo);
        let member = op(3, Uuid::now_v7(), serde_json::json!({"application_id": app.to_string()}));
        assert_eq!(waiting.blocker(&member), Some(photo.op_id));
        waiting.hold(&member);
        let later = op(4, Uuid::now_v7(), serde_json::json!({"application_id": app}));
        assert_eq!(waiting.blocker(&later), Some(member.op_id), "the nearest");
        assert_eq!(waiting.blocker(&op(5, other, serde_json::json!({}))), None, "another record");
        assert_eq!(waiting.blocker(&photo), None, "not behind itself");
        waiting.release(2);
        waiting.release(3);
        assert_eq!(waiting.blocker(&later), None);
    }
}
