//! A pushed op as a typed command: `op` names it (`application.create`, `member.update`, …) and
//! `data` is its body, the same body the online endpoint takes (less what the op's own fields
//! carry: the record's id is `entity_id`, a version is `base_version`). The push body is read once:
//! each op's `data` is parsed into its command as the op is read, so an op name sync does not take
//! refuses the batch (422, `ops[i].op`, `UNSUPPORTED_OP`) and dispatch is one exhaustive match.
//! A body that is not the op's (a workflow field, a missing name) refuses that op alone.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::de::{self, DeserializeOwned, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::applications::model::{ApplicationIn, ApplicationUpdateIn, MemberIn};
use crate::authorizations::model::{AuthorizationIn, Capacity};
use crate::error::{FieldCode, FieldError, Message};
use crate::http::json::UNKNOWN_NAME;
use crate::precheck::model::HouseholdIn;
use crate::reviews::model::WithdrawIn;
use crate::vocab::{DocumentType, Relation};

/// The ops sync takes, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum OpName {
    #[serde(rename = "application.create")]
    ApplicationCreate,
    #[serde(rename = "application.update")]
    ApplicationUpdate,
    #[serde(rename = "application.withdraw")]
    ApplicationWithdraw,
    #[serde(rename = "member.update")]
    MemberUpdate,
    #[serde(rename = "member.delete")]
    MemberDelete,
    #[serde(rename = "document.create")]
    DocumentCreate,
    #[serde(rename = "authorization.create")]
    AuthorizationCreate,
    #[serde(rename = "checkin.create")]
    CheckinCreate,
}

impl OpName {
    pub const ALL: [Self; 8] = [
        Self::ApplicationCreate,
        Self::ApplicationUpdate,
        Self::ApplicationWithdraw,
        Self::MemberUpdate,
        Self::MemberDelete,
        Self::DocumentCreate,
        Self::AuthorizationCreate,
        Self::CheckinCreate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ApplicationCreate => "application.create",
            Self::ApplicationUpdate => "application.update",
            Self::ApplicationWithdraw => "application.withdraw",
            Self::MemberUpdate => "member.update",
            Self::MemberDelete => "member.delete",
            Self::DocumentCreate => "document.create",
            Self::AuthorizationCreate => "authorization.create",
            Self::CheckinCreate => "checkin.create",
        }
    }

    /// The kind of record (`sync_ops.entity`, `sync_conflicts.entity`).
    pub fn entity(self) -> &'static str {
        self.split().0
    }

    /// What is done to it (`sync_ops.op`).
    pub fn verb(self) -> &'static str {
        self.split().1
    }

    fn split(self) -> (&'static str, &'static str) {
        self.as_str().split_once('.').unwrap_or((self.as_str(), ""))
    }

    fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|name| name.as_str() == raw)
    }
}

/// A command of an op, tagged by `op`, with its body in `data`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[schema(as = SyncCommand)]
#[serde(tag = "op", content = "data")]
pub enum Command {
    /// A new draft (its id is the op's `entity_id`): the body of `POST /api/v1/applications`
    /// without `id`.
    #[serde(rename = "application.create")]
    ApplicationCreate(DraftIn),
    /// The draft's editable part (`base_version` required): the body of
    /// `PUT /api/v1/applications/{id}` without `version`.
    #[serde(rename = "application.update")]
    ApplicationUpdate(DraftUpdateIn),
    /// The applicant's side withdraws a submitted application (`base_version` required): the
    /// online step's body without `version`.
    #[serde(rename = "application.withdraw")]
    ApplicationWithdraw(WithdrawDataIn),
    /// A household member added or replaced (its id is `entity_id`; `base_version` required).
    #[serde(rename = "member.update")]
    MemberUpdate(MemberPutIn),
    /// A household member removed (its id is `entity_id`; `base_version` required).
    #[serde(rename = "member.delete")]
    MemberDelete(MemberDeleteIn),
    /// A finished resumable upload linked to the application as a document whose id is
    /// `entity_id`; answered `retry_later` (`UPLOAD_NOT_FINISHED`) until the upload is whole, and
    /// `rejected` (`UPLOAD_NOT_FOUND`) if there is no such upload of the caller's.
    #[serde(rename = "document.create")]
    DocumentCreate(DocumentIn),
    /// The signed authorization for the economic check (its id is `entity_id`): the body of
    /// `POST /api/v1/applications/{id}/authorizations` without `id`, plus `application_id`; its
    /// `signature_document_id` is a `document.create` of type `signature` sent before it.
    #[serde(rename = "authorization.create")]
    AuthorizationCreate(AuthorizationDataIn),
    /// An assisted check-in done on a home visit (its id is `entity_id`); waits for its photo's
    /// upload like a document.
    #[serde(rename = "checkin.create")]
    CheckinCreate(CheckinIn),
}

/// `application.create`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftIn {
    #[schema(min_length = 12, max_length = 12, pattern = "^[0-9]{12}$")]
    pub community_code: String,
    pub service_point_id: Option<Uuid>,
    #[schema(min_items = 1, max_items = 13)]
    pub items: Vec<String>,
    #[schema(pattern = "^1[3-9][0-9]{9}$")]
    pub contact_phone: Option<String>,
    #[serde(default)]
    pub household: HouseholdIn,
    #[schema(max_length = 500)]
    pub note: Option<String>,
}

impl DraftIn {
    /// The online create's body, with the op's `entity_id`.
    pub fn with_id(self, id: Uuid) -> ApplicationIn {
        let Self { community_code, service_point_id, items, contact_phone, household, note } = self;
        ApplicationIn { id, community_code, service_point_id, items, contact_phone, household, note }
    }
}

/// `application.update`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftUpdateIn {
    #[schema(min_items = 1, max_items = 13)]
    pub items: Vec<String>,
    #[schema(pattern = "^1[3-9][0-9]{9}$")]
    pub contact_phone: Option<String>,
    #[serde(default)]
    pub household: HouseholdIn,
    #[schema(max_length = 500)]
    pub note: Option<String>,
}

impl DraftUpdateIn {
    /// The online update's body, made on `version`.
    pub fn at(self, version: i32) -> ApplicationUpdateIn {
        let Self { items, contact_phone, household, note } = self;
        ApplicationUpdateIn { items, contact_phone, household, note, version: Some(version) }
    }
}

/// `application.withdraw`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawDataIn {
    #[schema(max_length = 500)]
    pub reason: Option<String>,
}

impl WithdrawDataIn {
    pub fn at(self, version: i32) -> WithdrawIn {
        WithdrawIn { version, reason: self.reason }
    }
}

/// `member.update`: the application and the member's fields.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberPutIn {
    pub application_id: Uuid,
    #[schema(min_length = 1, max_length = 32)]
    pub name: String,
    pub relation: Relation,
    #[schema(min_length = 18, max_length = 18, pattern = "^[0-9]{17}[0-9Xx]$")]
    pub id_number: String,
    #[serde(default)]
    #[schema(minimum = 0, maximum = 10_000_000_000_i64)]
    pub monthly_income_fen: i64,
    #[serde(default)]
    pub disabled: bool,
    #[serde(default)]
    pub severe_disability: bool,
    #[serde(default)]
    pub severe_illness: bool,
    #[serde(default)]
    pub student: bool,
    #[serde(default)]
    pub unemployed: bool,
}

impl MemberPutIn {
    /// The online member body.
    pub fn member(self) -> MemberIn {
        let Self {
            name,
            relation,
            id_number,
            monthly_income_fen,
            disabled,
            severe_disability,
            severe_illness,
            student,
            unemployed,
            ..
        } = self;
        MemberIn {
            name,
            relation,
            id_number,
            monthly_income_fen,
            disabled,
            severe_disability,
            severe_illness,
            student,
            unemployed,
        }
    }
}

/// `member.delete`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberDeleteIn {
    pub application_id: Uuid,
}

/// `document.create`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentIn {
    pub application_id: Uuid,
    /// A finished resumable upload of the caller's.
    pub upload_id: Uuid,
    #[serde(rename = "type")]
    pub doc_type: DocumentType,
    pub member_id: Option<Uuid>,
}

/// `authorization.create`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuthorizationDataIn {
    pub application_id: Uuid,
    #[schema(max_length = 16)]
    pub text_version: String,
    #[schema(min_length = 64, max_length = 64, pattern = "^[0-9a-f]{64}$")]
    pub text_sha256: String,
    #[schema(min_items = 1, max_items = 8)]
    pub scope: Vec<String>,
    pub signer_member_id: Uuid,
    pub capacity: Capacity,
    #[schema(max_length = 32)]
    pub relation: Option<String>,
    #[schema(min_items = 1, max_items = 20)]
    pub covers: Vec<Uuid>,
    pub signature_document_id: Uuid,
    #[schema(max_length = 128)]
    pub device: Option<String>,
}

impl AuthorizationDataIn {
    /// The online body, with the op's `entity_id`.
    pub fn with_id(self, id: Uuid) -> AuthorizationIn {
        let Self {
            text_version,
            text_sha256,
            scope,
            signer_member_id,
            capacity,
            relation,
            covers,
            signature_document_id,
            device,
            ..
        } = self;
        AuthorizationIn {
            id,
            text_version,
            text_sha256,
            scope,
            signer_member_id,
            capacity,
            relation,
            covers,
            signature_document_id,
            device,
        }
    }
}

/// `checkin.create`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckinIn {
    pub recipient_id: Uuid,
    pub performed_at: DateTime<Utc>,
    #[schema(max_length = 200)]
    pub location_note: String,
    pub device: Option<String>,
    /// The photo's finished resumable upload.
    pub upload_id: Uuid,
}

/// Reads `data` as op `name`'s body; a body that is not refuses the op alone, as before the typed
/// commands (a `version` belongs in `base_version`, a part of an application names it).
fn command(name: OpName, data: &Value) -> Result<Command, FieldError> {
    let Some(object) = data.as_object() else {
        return Err(required("data", "data 应为 JSON 对象", "data must be a JSON object"));
    };
    let versioned = matches!(name, OpName::ApplicationUpdate | OpName::ApplicationWithdraw);
    if versioned && object.contains_key("version") {
        return Err(required("data.version", "版本请填在 base_version 中", "Give the version as base_version"));
    }
    let part = !matches!(name, OpName::ApplicationCreate | OpName::ApplicationUpdate | OpName::ApplicationWithdraw);
    let named = object.get("application_id").and_then(Value::as_str).is_some_and(|id| Uuid::parse_str(id).is_ok());
    if part && !matches!(name, OpName::CheckinCreate) && !named {
        return Err(required("application_id", "请注明所属的申请", "Give the application_id"));
    }
    Ok(match name {
        OpName::ApplicationCreate => Command::ApplicationCreate(body(data)?),
        OpName::ApplicationUpdate => Command::ApplicationUpdate(body(data)?),
        OpName::ApplicationWithdraw => Command::ApplicationWithdraw(body(data)?),
        OpName::MemberUpdate => Command::MemberUpdate(body(data)?),
        OpName::MemberDelete => Command::MemberDelete(body(data)?),
        OpName::DocumentCreate => Command::DocumentCreate(body(data)?),
        OpName::AuthorizationCreate => Command::AuthorizationCreate(body(data)?),
        OpName::CheckinCreate => Command::CheckinCreate(body(data)?),
    })
}

fn body<T: DeserializeOwned>(data: &Value) -> Result<T, FieldError> {
    T::deserialize(data).map_err(|err| {
        let text = err.to_string();
        FieldError::new(
            "data",
            FieldCode::InvalidData,
            Message::new(format!("数据有误:{text}"), format!("Invalid data: {text}")),
        )
    })
}

fn required(field: &'static str, zh: &'static str, en: &'static str) -> FieldError {
    FieldError::new(field, FieldCode::Required, Message::new(zh, en))
}

/// One operation made on the phone, as read: its common fields, its command (or why its `data`
/// is not the op's body: the op is then refused alone), and its name and body as sent, which make
/// it the same op again and are what a kept conflict shows.
#[derive(Debug)]
pub struct OpIn {
    pub op_id: Uuid,
    pub seq: i64,
    pub entity_id: Uuid,
    pub base_version: Option<i32>,
    pub client_time: DateTime<Utc>,
    pub op: OpName,
    pub data: Value,
    pub command: Result<Command, FieldError>,
}

/// The op as pushed (kept with a conflict).
#[derive(Serialize)]
struct Sent<'a> {
    op_id: Uuid,
    seq: i64,
    entity_id: Uuid,
    base_version: Option<i32>,
    client_time: DateTime<Utc>,
    op: OpName,
    data: &'a Value,
}

impl Serialize for OpIn {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Sent {
            op_id: self.op_id,
            seq: self.seq,
            entity_id: self.entity_id,
            base_version: self.base_version,
            client_time: self.client_time,
            op: self.op,
            data: &self.data,
        }
        .serialize(serializer)
    }
}

/// One operation made on the phone: the common fields and one command, named by `op` with its
/// body in `data` (a `oneOf` by `op`). An `op` sync does not take refuses the batch (422,
/// `UNSUPPORTED_OP`); a `data` that is not the op's body refuses the op alone (`rejected`).
#[derive(Deserialize, ToSchema)]
#[schema(as = OpIn)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct OpDoc {
    /// Made by the phone (UUIDv7): the same op sent again is recognised.
    op_id: Uuid,
    /// This device's sequence number, from 1, without gaps.
    #[schema(minimum = 1)]
    seq: i64,
    /// The record's id, made by the phone.
    entity_id: Uuid,
    /// The application's version the op was made on (as last read from the server); required for
    /// updates, withdrawals and member changes.
    base_version: Option<i32>,
    /// When the op was made on the phone.
    client_time: DateTime<Utc>,
    /// The op's name (`op`) and its body (`data`). Workflow fields (status, decisions, amounts)
    /// are not accepted: only the server's commands change them.
    #[serde(flatten)]
    command: Command,
}

const FIELDS: &[&str] = &["op_id", "seq", "entity_id", "base_version", "client_time", "op", "data"];

impl<'de> Deserialize<'de> for OpName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse(&raw).ok_or_else(|| {
            let names: Vec<&str> = Self::ALL.iter().map(|name| name.as_str()).collect();
            de::Error::custom(format!("{UNKNOWN_NAME} `{raw}`, expected one of {}", names.join(", ")))
        })
    }
}

impl<'de> Deserialize<'de> for OpIn {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_struct("OpIn", FIELDS, OpVisitor)
    }
}

struct OpVisitor;

#[derive(Default)]
struct Fields {
    op_id: Option<Uuid>,
    seq: Option<i64>,
    entity_id: Option<Uuid>,
    base_version: Option<Option<i32>>,
    client_time: Option<DateTime<Utc>>,
    op: Option<OpName>,
    data: Option<Value>,
}

fn once<T, E: de::Error>(slot: &mut Option<T>, name: &'static str, value: T) -> Result<(), E> {
    if slot.replace(value).is_some() {
        return Err(E::duplicate_field(name));
    }
    Ok(())
}

impl<'de> Visitor<'de> for OpVisitor {
    type Value = OpIn;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a sync operation")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<OpIn, A::Error> {
        let mut f = Fields::default();
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match key.as_ref() {
                "op_id" => once(&mut f.op_id, "op_id", map.next_value()?)?,
                "seq" => once(&mut f.seq, "seq", map.next_value()?)?,
                "entity_id" => once(&mut f.entity_id, "entity_id", map.next_value()?)?,
                "base_version" => once(&mut f.base_version, "base_version", map.next_value()?)?,
                "client_time" => once(&mut f.client_time, "client_time", map.next_value()?)?,
                "op" => once(&mut f.op, "op", map.next_value()?)?,
                "data" => once(&mut f.data, "data", map.next_value()?)?,
                other => return Err(de::Error::unknown_field(other, FIELDS)),
            }
        }
        let op_id = f.op_id.ok_or_else(|| de::Error::missing_field("op_id"))?;
        let seq = f.seq.ok_or_else(|| de::Error::missing_field("seq"))?;
        let entity_id = f.entity_id.ok_or_else(|| de::Error::missing_field("entity_id"))?;
        let client_time = f.client_time.ok_or_else(|| de::Error::missing_field("client_time"))?;
        let op = f.op.ok_or_else(|| de::Error::missing_field("op"))?;
        let data = f.data.ok_or_else(|| de::Error::missing_field("data"))?;
        let command = command(op, &data);
        Ok(OpIn { op_id, seq, entity_id, base_version: f.base_version.flatten(), client_time, op, data, command })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};
    use utoipa::PartialSchema;

    use super::*;

    /// The schema of `T` as JSON: its properties (without their descriptions: the rules, not the
    /// words) and required fields.
    fn shape<T: PartialSchema>() -> (Value, Value) {
        let schema = serde_json::to_value(T::schema()).unwrap();
        let mut properties = schema["properties"].clone();
        for property in properties.as_object_mut().unwrap().values_mut() {
            property.as_object_mut().map(|p| p.remove("description"));
        }
        (properties, schema.get("required").cloned().unwrap_or(json!([])))
    }

    /// `online` with `drop` taken out of its properties and required list and `add` put in.
    fn adjusted(online: (Value, Value), drop: &[&str], add: &[(&str, (Value, bool))]) -> (Value, Value) {
        let (mut properties, required) = online;
        let map = properties.as_object_mut().unwrap();
        let mut required: Vec<Value> =
            required.as_array().unwrap().iter().filter(|r| !drop.contains(&r.as_str().unwrap())).cloned().collect();
        for name in drop {
            map.remove(*name);
        }
        for (name, (schema, needed)) in add {
            map.insert((*name).to_owned(), schema.clone());
            if *needed {
                required.push(json!(name));
            }
        }
        required.sort_by_key(|r| r.as_str().unwrap_or_default().to_owned());
        (properties, Value::Array(required))
    }

    fn sorted(shape: (Value, Value)) -> (Value, Value) {
        let (properties, required) = shape;
        let mut required: Vec<Value> = required.as_array().unwrap().clone();
        required.sort_by_key(|r| r.as_str().unwrap_or_default().to_owned());
        (properties, Value::Array(required))
    }

    /// The sync bodies repeat the online bodies' fields (the op's `entity_id` stands for the
    /// online `id`; a part of an application names it in `application_id`): they must say the same
    /// of every field, so that the online and offline paths take the same input.
    #[test]
    fn each_sync_body_takes_the_fields_of_its_online_body() {
        let uuid = || (json!({"type": "string", "format": "uuid"}), true);
        assert_eq!(sorted(shape::<DraftIn>()), adjusted(shape::<ApplicationIn>(), &["id"], &[]));
        assert_eq!(sorted(shape::<DraftUpdateIn>()), adjusted(shape::<ApplicationUpdateIn>(), &["version"], &[]));
        assert_eq!(sorted(shape::<MemberPutIn>()), adjusted(shape::<MemberIn>(), &[], &[("application_id", uuid())]));
        assert_eq!(
            sorted(shape::<AuthorizationDataIn>()),
            adjusted(shape::<AuthorizationIn>(), &["id"], &[("application_id", uuid())])
        );
    }
}
