//! Evaluating the warning rules over what an import brought, in the import's own transaction (the
//! leads and the records land together or not at all). Monthly rules (medical costs, hospital
//! stays) add up each person's month in one grouped statement over every record of that month, so
//! a bill that arrives in a later file still counts; one-off rules (a death, a certificate, an
//! admission) read the file's records. Only people the platform knows are considered (see
//! [`super::people`]); each rule raises at most one lead per person and period, so evaluating
//! again raises nothing new.

use std::collections::HashMap;

use chrono::{Days, NaiveDate, Utc};
use entity::{department_record, lead};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, QueryFilter, Set, Statement, TryInsertResult, Value,
};
use serde_json::json;
use uuid::Uuid;

use super::people::{self, Person};
use super::rules::{self, Params, Rule};
use crate::error::ApiError;

/// The blind indexes the platform knows: members of applications, recipients, the pool.
const KNOWN: &str = "SELECT id_number_index FROM household_members \
                     UNION SELECT subject_index FROM recipients \
                     UNION SELECT subject_index FROM monitoring_subjects";

/// Evidence records kept on one lead.
const EVIDENCE_KEPT: usize = 20;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Evaluation {
    /// Records of the import about people the platform does not know.
    pub rows_unmatched: i64,
    pub leads_raised: i64,
}

/// Something a rule found about one person for one period, before routing.
struct Candidate {
    subject_index: String,
    period: String,
    /// The month's total (fen) or count the rule compared.
    value: Option<i64>,
    records: Vec<department_record::Model>,
}

pub async fn after_import(
    db: &impl ConnectionTrait,
    import_id: Uuid,
    record_kind: &str,
    today: NaiveDate,
) -> Result<Evaluation, ApiError> {
    let backend = db.get_database_backend();
    let started = std::time::Instant::now();
    let unmatched = db
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            format!(
                "SELECT COUNT(*) AS n FROM department_records WHERE import_id = {p1} \
                 AND subject_index NOT IN ({KNOWN})",
                p1 = param(backend, 1)
            ),
            [Value::from(import_id)],
        ))
        .await?
        .map(|row| row.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0);
    let mut evaluation = Evaluation { rows_unmatched: unmatched, leads_raised: 0 };
    let rules = rules::active_for(db, record_kind).await?;
    if rules.is_empty() {
        return Ok(evaluation);
    }
    let mut found: Vec<(usize, Candidate)> = Vec::new();
    for (i, rule) in rules.iter().enumerate() {
        let candidates = match rule.params {
            Params::MedicalExpenseMonth { threshold_fen } => {
                monthly(db, import_id, record_kind, &format!("SUM(amount_fen) > {threshold_fen}")).await?
            }
            Params::HospitalStaysMonth { min_stays } => {
                monthly(db, import_id, record_kind, &format!("COUNT(*) >= {min_stays}")).await?
            }
            _ => events(db, import_id, record_kind).await?,
        };
        found.extend(candidates.into_iter().map(|c| (i, c)));
    }
    let candidates_ms = started.elapsed().as_millis();
    let mut indexes: Vec<String> = found.iter().map(|(_, c)| c.subject_index.clone()).collect();
    indexes.sort_unstable();
    indexes.dedup();
    let known = people::find(db, &indexes).await?;
    let people_ms = started.elapsed().as_millis() - candidates_ms;
    let now = Utc::now();
    let mut rows = Vec::new();
    for (i, candidate) in found {
        let rule = &rules[i];
        let Some(person) = known.get(&candidate.subject_index) else { continue };
        if !person.township_code.starts_with(&rule.row.region_code) || !applies(rule, person, &candidate) {
            continue;
        }
        let deadline_days = u64::try_from(rule.row.deadline_days).unwrap_or(0);
        rows.push(lead::ActiveModel {
            id: Set(Uuid::now_v7()),
            rule_id: Set(rule.row.id),
            rule_kind: Set(rule.kind.as_str().to_owned()),
            subject_index: Set(candidate.subject_index.clone()),
            period: Set(candidate.period.clone()),
            level: Set(rule.level.as_str().to_owned()),
            name: Set(person.name.clone()),
            id_number_masked: Set(person.id_number_masked.clone()),
            community_code: Set(person.community_code.clone()),
            township_code: Set(person.township_code.clone()),
            district_code: Set(person.district_code().to_owned()),
            status: Set("open".to_owned()),
            sla_state: Set("on_time".to_owned()),
            deadline: Set(today.checked_add_days(Days::new(deadline_days)).unwrap_or(today)),
            evidence: Set(evidence(&candidate)),
            assigned_to: Set(None),
            assigned_at: Set(None),
            visited_at: Set(None),
            visit_note: Set(None),
            outcome: Set(None),
            outcome_note: Set(None),
            closed_at: Set(None),
            closed_by: Set(None),
            version: Set(1),
            created_at: Set(now),
        });
    }
    for chunk in rows.chunks(500) {
        let inserted = lead::Entity::insert_many(chunk.to_vec())
            .on_conflict_do_nothing_on([lead::Column::RuleId, lead::Column::SubjectIndex, lead::Column::Period])
            .exec_without_returning(db)
            .await?;
        if let TryInsertResult::Inserted(n) = inserted {
            evaluation.leads_raised += i64::try_from(n).unwrap_or(i64::MAX);
        }
    }
    tracing::debug!(candidates_ms, people_ms, total_ms = started.elapsed().as_millis(), "rules evaluated");
    Ok(evaluation)
}

/// Whether a one-off record (or a month's figure) is a lead for this person under this rule.
fn applies(rule: &Rule, person: &Person, candidate: &Candidate) -> bool {
    let detail = |key: &str| candidate.records.first().and_then(|r| r.details.get(key).cloned());
    match &rule.params {
        Params::MedicalExpenseMonth { .. } | Params::HospitalStaysMonth { .. } => true,
        Params::DisabilityLivingAlone { max_grade } => {
            detail("lives_alone").and_then(|v| v.as_bool()) == Some(true)
                && detail("grade").and_then(|v| v.as_i64()).is_some_and(|g| g <= *max_grade)
        }
        Params::RecipientDeath => !person.own_items.is_empty() || !person.household_items.is_empty(),
        Params::CollegeWithoutGrant { grant_item } => {
            person.household_items.iter().any(|i| i == "dibao" || i == "tekun") && !person.gets(grant_item)
        }
        Params::UnemployedInPool => !person.groups.is_empty(),
    }
}

fn evidence(candidate: &Candidate) -> serde_json::Value {
    let records: Vec<serde_json::Value> = candidate
        .records
        .iter()
        .take(EVIDENCE_KEPT)
        .map(|r| {
            json!({ "id": r.id, "kind": r.kind, "source_ref": r.source_ref, "occurred_on": r.occurred_on,
                    "amount_fen": r.amount_fen, "details": r.details })
        })
        .collect();
    json!({ "value": candidate.value, "records_total": candidate.records.len(), "records": records })
}

fn param(backend: DatabaseBackend, n: usize) -> String {
    if backend == DatabaseBackend::Postgres { format!("${n}") } else { "?".to_owned() }
}

/// People of this import whose month (any file's records of it) meets `having`.
async fn monthly(
    db: &impl ConnectionTrait,
    import_id: Uuid,
    record_kind: &str,
    having: &str,
) -> Result<Vec<Candidate>, ApiError> {
    let backend = db.get_database_backend();
    let month = "SUBSTR(CAST(occurred_on AS TEXT), 1, 7)";
    let sql = format!(
        "SELECT subject_index, {month} AS period, CAST(SUM(COALESCE(amount_fen, 0)) AS BIGINT) AS total, \
                COUNT(*) AS n \
         FROM department_records \
         WHERE kind = {p1} \
           AND subject_index IN (SELECT subject_index FROM department_records WHERE import_id = {p2}) \
           AND subject_index IN ({KNOWN}) \
         GROUP BY subject_index, {month} \
         HAVING {having}",
        p1 = param(backend, 1),
        p2 = param(backend, 2),
    );
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, [record_kind.into(), Value::from(import_id)]))
        .await?;
    let mut found: Vec<Candidate> = Vec::with_capacity(rows.len());
    for row in rows {
        let total: i64 = row.try_get("", "total")?;
        let count: i64 = row.try_get("", "n")?;
        found.push(Candidate {
            subject_index: row.try_get("", "subject_index")?,
            period: row.try_get("", "period")?,
            value: Some(if record_kind == "medical_expense" { total } else { count }),
            records: Vec::new(),
        });
    }
    // The evidence: the records of each month found.
    let indexes: Vec<String> = found.iter().map(|c| c.subject_index.clone()).collect();
    let by_key: HashMap<(String, String), usize> =
        found.iter().enumerate().map(|(i, c)| ((c.subject_index.clone(), c.period.clone()), i)).collect();
    for chunk in indexes.chunks(people::CHUNK) {
        let records = department_record::Entity::find()
            .filter(department_record::Column::Kind.eq(record_kind))
            .filter(department_record::Column::SubjectIndex.is_in(chunk.iter().cloned()))
            .all(db)
            .await?;
        for record in records {
            let key = (record.subject_index.clone(), record.occurred_on.format("%Y-%m").to_string());
            if let Some(i) = by_key.get(&key) {
                found[*i].records.push(record);
            }
        }
    }
    Ok(found)
}

/// The records of this import about people the platform knows, one candidate each.
async fn events(db: &impl ConnectionTrait, import_id: Uuid, record_kind: &str) -> Result<Vec<Candidate>, ApiError> {
    let records = department_record::Entity::find()
        .filter(department_record::Column::ImportId.eq(import_id))
        .filter(department_record::Column::Kind.eq(record_kind))
        .filter(Expr::cust(format!("subject_index IN ({KNOWN})")))
        .all(db)
        .await?;
    Ok(records
        .into_iter()
        .map(|r| Candidate {
            subject_index: r.subject_index.clone(),
            period: r.occurred_on.to_string(),
            value: None,
            records: vec![r],
        })
        .collect())
}
