//! The records of a department file, checked one by one: a bad row is answered with its line, the
//! field and what is wrong (never the ID number itself), and the rows after it go on. A header that
//! lacks a column the kind needs refuses the whole file before any row.
//!
//! Columns may be named in English or as the departments' spreadsheets name them in Chinese:
//!
//! | column | also | kinds |
//! |---|---|---|
//! | `ref` | `记录编号` | all: the department's own record id (unique per kind) |
//! | `id_number` | `身份证号` | all |
//! | `name` | `姓名` | all |
//! | `date` | `日期` | all: when it happened (`YYYY-MM-DD`; a month `YYYY-MM` is its first day) |
//! | `amount_yuan` | `金额` | `medical_expense`: the out-of-pocket cost, yuan with up to 2 decimals |
//! | `grade` | `等级` | `disability_certificate`: 1 (most severe) to 4 |
//! | `lives_alone` | `独居` | `disability_certificate`: 是/否, true/false, 1/0 (optional) |
//! | `college` | `院校` | `college_admission` |
//! | `item` | `救助事项` | `aid_granted`: the aid item's code (`education`, `medical`, ...) |
//! | `department` | `部门` | `aid_granted`: who pays it |
//! | `until` | `截止日期` | `aid_granted`: the last day it is paid (optional: ongoing) |
//! | `group` | `监测类别` | `monitoring_subject`: one of the eight watched groups (`left_aid`, ...) |
//! | `community` | `社区代码` | `monitoring_subject`: the 12-digit code of the community they live in |
//! | `reason` | `原因` | `monitoring_subject` |
//! | `consent_basis` | `授权依据` | `monitoring_subject`: the legal basis of watching them |
//! | `review_date` | `复核日期` | `monitoring_subject`: when to look again (optional: in 6 months) |
//!
//! `aid_granted` rows may carry `amount_yuan` too. For `aid_granted` and `monitoring_subject`,
//! `date` is when the aid started or the person joined the group.
//!
//! A JSON-lines file has one object per line with the same keys (numbers allowed as numbers).

use std::collections::HashMap;
use std::io::BufRead;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;

use crate::error::{FieldCode, FieldError, Message};
use crate::pii::id_number::{IdNumber, id_number_error};

/// What a department's file reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = ImportKind)]
pub enum Kind {
    /// 医保: out-of-pocket medical costs.
    MedicalExpense,
    /// 残联: a new disability certificate.
    DisabilityCertificate,
    /// 公安/民政: a death.
    Death,
    /// 卫健: a hospital stay.
    HospitalStay,
    /// 教育: a college admission.
    CollegeAdmission,
    /// 人社: a registration as unemployed.
    Unemployment,
    /// Any department: aid it pays a person (the ledger against double aid).
    AidGranted,
    /// 民政: people to watch (the monitoring pool: left aid, 低保边缘, disability allowance, ...).
    MonitoringSubject,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MedicalExpense => "medical_expense",
            Self::DisabilityCertificate => "disability_certificate",
            Self::Death => "death",
            Self::HospitalStay => "hospital_stay",
            Self::CollegeAdmission => "college_admission",
            Self::Unemployment => "unemployment",
            Self::AidGranted => "aid_granted",
            Self::MonitoringSubject => "monitoring_subject",
        }
    }

    /// The columns a file of this kind must have, besides `ref`, `id_number`, `name` and `date`.
    fn columns(self) -> &'static [&'static str] {
        match self {
            Self::MedicalExpense => &["amount_yuan"],
            Self::DisabilityCertificate => &["grade"],
            Self::CollegeAdmission => &["college"],
            Self::AidGranted => &["item", "department"],
            Self::MonitoringSubject => &["group", "community", "reason", "consent_basis"],
            Self::Death | Self::HospitalStay | Self::Unemployment => &[],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = ImportFormat)]
pub enum Format {
    Csv,
    Jsonl,
}

/// One checked record. The ID number is here only to compute its blind index; it is never stored
/// or reported as read.
#[derive(Debug)]
pub struct Row {
    /// The file's line the record starts on (1 is the CSV header).
    pub line: u64,
    pub source_ref: String,
    pub id_number: IdNumber,
    pub name: String,
    pub occurred_on: NaiveDate,
    pub amount_fen: Option<i64>,
    /// What else the kind carries (`grade`, `lives_alone`, `college`).
    pub details: Value,
}

/// A record refused: where, and why.
#[derive(Debug, Clone)]
pub struct Rejected {
    pub line: u64,
    pub error: FieldError,
}

/// A file that cannot be read as rows at all.
#[derive(Debug)]
pub enum FileError {
    /// A column the kind needs is missing from the header (the first missing one).
    MissingColumn(&'static str),
    /// The bytes are not text, or the stream broke.
    Io(std::io::Error),
}

const ALIASES: [(&str, &str); 16] = [
    ("记录编号", "ref"),
    ("身份证号", "id_number"),
    ("姓名", "name"),
    ("日期", "date"),
    ("金额", "amount_yuan"),
    ("等级", "grade"),
    ("独居", "lives_alone"),
    ("院校", "college"),
    ("救助事项", "item"),
    ("部门", "department"),
    ("截止日期", "until"),
    ("监测类别", "group"),
    ("社区代码", "community"),
    ("原因", "reason"),
    ("授权依据", "consent_basis"),
    ("复核日期", "review_date"),
];

fn canonical(column: &str) -> String {
    let column = column.trim().trim_start_matches('\u{feff}');
    ALIASES.iter().find(|(zh, _)| *zh == column).map_or_else(|| column.to_ascii_lowercase(), |(_, en)| (*en).to_owned())
}

/// Each record checked, or the error that stops the file (the bytes, the stream).
pub type Records = Box<dyn Iterator<Item = Result<Result<Row, Rejected>, FileError>>>;

/// The records of `text` (UTF-8, see [`super::decode`]), each checked, as an iterator.
pub fn read<R: BufRead + 'static>(text: R, kind: Kind, format: Format, today: NaiveDate) -> Result<Records, FileError> {
    match format {
        Format::Csv => {
            let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text);
            let header: Vec<String> = reader
                .headers()
                .map_err(|err| FileError::Io(std::io::Error::other(err)))?
                .iter()
                .map(canonical)
                .collect();
            ensure_columns(kind, &header)?;
            Ok(Box::new(reader.into_records().map(move |record| {
                let record = record.map_err(csv_error)?;
                let line = record.position().map_or(0, csv::Position::line);
                let fields: HashMap<&str, &str> =
                    header.iter().map(String::as_str).zip(record.iter().map(str::trim)).collect();
                Ok(check(kind, line, &fields, today))
            })))
        }
        Format::Jsonl => {
            let mut seen_columns = false;
            Ok(Box::new(text.lines().enumerate().filter_map(move |(i, line)| {
                let line_no = i as u64 + 1;
                let text = match line {
                    Ok(text) => text,
                    Err(err) => return Some(Err(FileError::Io(err))),
                };
                if text.trim().is_empty() {
                    return None;
                }
                let Ok(Value::Object(object)) = serde_json::from_str::<Value>(&text) else {
                    return Some(Ok(Err(reject(
                        line_no,
                        "line",
                        FieldCode::InvalidJson,
                        "该行不是 JSON 对象",
                        "Not a JSON object",
                    ))));
                };
                let values: Vec<(String, String)> = object
                    .into_iter()
                    .map(|(key, value)| {
                        let value = match value {
                            Value::String(s) => s.trim().to_owned(),
                            Value::Null => String::new(),
                            other => other.to_string(),
                        };
                        (canonical(&key), value)
                    })
                    .collect();
                if !seen_columns {
                    seen_columns = true;
                    let keys: Vec<String> = values.iter().map(|(k, _)| k.clone()).collect();
                    if let Err(err) = ensure_columns(kind, &keys) {
                        return Some(Err(err));
                    }
                }
                let fields: HashMap<&str, &str> = values.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                Some(Ok(check(kind, line_no, &fields, today)))
            })))
        }
    }
}

fn csv_error(err: csv::Error) -> FileError {
    match err.into_kind() {
        csv::ErrorKind::Io(err) => FileError::Io(err),
        other => FileError::Io(std::io::Error::other(format!("{other:?}"))),
    }
}

fn ensure_columns(kind: Kind, columns: &[String]) -> Result<(), FileError> {
    let missing = ["ref", "id_number", "name", "date"]
        .iter()
        .chain(kind.columns())
        .find(|needed| !columns.iter().any(|c| c == *needed));
    match missing {
        Some(column) => Err(FileError::MissingColumn(column)),
        None => Ok(()),
    }
}

fn reject(line: u64, field: &str, code: FieldCode, zh: &'static str, en: &'static str) -> Rejected {
    Rejected { line, error: FieldError::new(field, code, Message::new(zh, en)) }
}

/// Checks one record's fields; the first problem refuses it.
fn check(kind: Kind, line: u64, fields: &HashMap<&str, &str>, today: NaiveDate) -> Result<Row, Rejected> {
    let get = |name: &str| fields.get(name).copied().unwrap_or("");
    let required = |name: &'static str| -> Result<&str, Rejected> {
        let value = get(name);
        if value.is_empty() {
            return Err(reject(line, name, FieldCode::Required, "此项不能为空", "Required"));
        }
        Ok(value)
    };
    let source_ref = required("ref")?;
    if source_ref.chars().count() > 64 {
        return Err(reject(line, "ref", FieldCode::TooLong, "记录编号不能超过 64 个字符", "At most 64 characters"));
    }
    let id_number =
        IdNumber::parse(required("id_number")?, today).map_err(|err| Rejected { line, error: id_number_error(err) })?;
    let name = required("name")?;
    if name.chars().count() > 32 || name.chars().any(|c| c.is_control() || c.is_ascii_digit()) {
        return Err(reject(
            line,
            "name",
            FieldCode::InvalidName,
            "姓名应为不超过 32 个字的文字",
            "A name of up to 32 characters",
        ));
    }
    let occurred_on = date(required("date")?).filter(|d| *d <= today).ok_or_else(|| {
        reject(
            line,
            "date",
            FieldCode::InvalidDate,
            "日期应为 YYYY-MM-DD 且不晚于今天",
            "A date YYYY-MM-DD, not in the future",
        )
    })?;
    let mut amount_fen = None;
    let mut details = json!({});
    match kind {
        Kind::MedicalExpense => {
            amount_fen = Some(yuan_to_fen(required("amount_yuan")?).ok_or_else(|| {
                reject(
                    line,
                    "amount_yuan",
                    FieldCode::InvalidAmount,
                    "金额应为不超过 1 亿元的数字,最多两位小数",
                    "An amount in yuan with up to 2 decimals, at most 100 million",
                )
            })?);
        }
        Kind::DisabilityCertificate => {
            let raw = required("grade")?.trim_end_matches('级');
            let grade =
                raw.parse::<u8>().ok().or_else(|| chinese_grade(raw)).filter(|g| (1..=4).contains(g)).ok_or_else(
                    || reject(line, "grade", FieldCode::InvalidGrade, "残疾等级应为 1 至 4 级", "A grade from 1 to 4"),
                )?;
            let alone = match get("lives_alone") {
                "" => None,
                "是" | "true" | "1" | "Y" | "y" => Some(true),
                "否" | "false" | "0" | "N" | "n" => Some(false),
                _ => {
                    return Err(reject(
                        line,
                        "lives_alone",
                        FieldCode::InvalidFlag,
                        "独居一栏请填\u{201c}是\u{201d}或\u{201c}否\u{201d}",
                        "Yes or no",
                    ));
                }
            };
            details = json!({ "grade": grade, "lives_alone": alone });
        }
        Kind::CollegeAdmission => {
            let college = required("college")?;
            if college.chars().count() > 100 {
                return Err(reject(
                    line,
                    "college",
                    FieldCode::TooLong,
                    "院校名称不能超过 100 个字",
                    "At most 100 characters",
                ));
            }
            details = json!({ "college": college });
        }
        Kind::AidGranted => {
            let item = required("item")?;
            if !crate::catalog::service::is_item_code(item) {
                return Err(reject(
                    line,
                    "item",
                    FieldCode::InvalidItem,
                    "救助事项应为事项代码(如 education、medical)",
                    "An aid item code such as `education`",
                ));
            }
            let department = text(line, "department", required("department")?, 64)?;
            let until = match get("until") {
                "" => None,
                raw => Some(date(raw).filter(|d| *d >= occurred_on).ok_or_else(|| {
                    reject(
                        line,
                        "until",
                        FieldCode::InvalidDate,
                        "截止日期应为 YYYY-MM-DD 且不早于开始日期",
                        "A date YYYY-MM-DD, not before `date`",
                    )
                })?),
            };
            amount_fen = match get("amount_yuan") {
                "" => None,
                raw => Some(yuan_to_fen(raw).ok_or_else(|| {
                    reject(
                        line,
                        "amount_yuan",
                        FieldCode::InvalidAmount,
                        "金额应为不超过 1 亿元的数字,最多两位小数",
                        "An amount in yuan with up to 2 decimals",
                    )
                })?),
            };
            details = json!({ "item_code": item, "department": department, "until": until });
        }
        Kind::MonitoringSubject => {
            let group = required("group")?;
            if !crate::monitoring::groups::is_imported(group) {
                return Err(reject(
                    line,
                    "group",
                    FieldCode::InvalidGroup,
                    "监测类别应为 left_aid、dibao_edge、disability_allowance、severe_illness、unemployed、elderly_alone、children_at_risk 之一",
                    "One of the watched groups other than rejected_applicant",
                ));
            }
            let community = required("community")?;
            if community.len() != 12 || !community.bytes().all(|b| b.is_ascii_digit()) {
                return Err(reject(
                    line,
                    "community",
                    FieldCode::InvalidCommunity,
                    "社区代码应为 12 位数字",
                    "A 12-digit community code",
                ));
            }
            let reason = text(line, "reason", required("reason")?, 200)?;
            let consent_basis = text(line, "consent_basis", required("consent_basis")?, 64)?;
            let review_date = match get("review_date") {
                "" => None,
                raw => Some(date(raw).ok_or_else(|| {
                    reject(line, "review_date", FieldCode::InvalidDate, "复核日期应为 YYYY-MM-DD", "A date YYYY-MM-DD")
                })?),
            };
            details = json!({
                "group": group, "community_code": community, "reason": reason, "consent_basis": consent_basis,
                "review_date": review_date, "name": name, "id_number_masked": id_number.masked(),
            });
        }
        Kind::Death | Kind::HospitalStay | Kind::Unemployment => {}
    }
    Ok(Row {
        line,
        source_ref: source_ref.to_owned(),
        id_number,
        name: name.to_owned(),
        occurred_on,
        amount_fen,
        details,
    })
}

/// A free-text field of at most `max` characters, without control characters.
fn text<'a>(line: u64, field: &str, value: &'a str, max: usize) -> Result<&'a str, Rejected> {
    if value.chars().count() > max || value.chars().any(char::is_control) {
        return Err(Rejected {
            line,
            error: FieldError::new(
                field,
                FieldCode::InvalidText,
                Message::new(format!("此项应为不超过 {max} 个字的文字"), format!("Text of at most {max} characters")),
            ),
        });
    }
    Ok(value)
}

/// `YYYY-MM-DD` (also with `/`), or a month `YYYY-MM` as its first day.
fn date(raw: &str) -> Option<NaiveDate> {
    let raw = raw.replace('/', "-");
    NaiveDate::parse_from_str(&raw, "%Y-%m-%d")
        .ok()
        .or_else(|| NaiveDate::parse_from_str(&format!("{raw}-01"), "%Y-%m-%d").ok())
}

/// `一` .. `四` (of `一级` .. `四级`).
fn chinese_grade(raw: &str) -> Option<u8> {
    ["一", "二", "三", "四"].iter().position(|c| raw == *c).and_then(|i| u8::try_from(i + 1).ok())
}

/// Yuan with up to two decimals (`12345.6`, `12,345.60`), 0 to 100 million, as fen.
fn yuan_to_fen(raw: &str) -> Option<i64> {
    let raw = raw.replace(',', "");
    let (whole, fraction) = raw.split_once('.').unwrap_or((&raw, ""));
    if whole.is_empty()
        || whole.len() > 9
        || fraction.len() > 2
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let fen = whole.parse::<i64>().ok()? * 100 + format!("{fraction:0<2}").parse::<i64>().ok()?;
    (fen <= 10_000_000_000).then_some(fen)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()
    }

    fn id(birth: &str, sequence: u32) -> String {
        crate::pii::id_number::tests::with_check(&format!("500101{birth}{sequence:03}"))
    }

    fn rows(text: &str, kind: Kind, format: Format) -> Vec<Result<Row, Rejected>> {
        let cursor = std::io::Cursor::new(text.as_bytes().to_vec());
        read(cursor, kind, format, today())
            .map_err(|e| format!("{e:?}"))
            .unwrap()
            .map(|r| r.map_err(|e| format!("{e:?}")).unwrap())
            .collect()
    }

    fn codes(rows: &[Result<Row, Rejected>]) -> Vec<(u64, String)> {
        rows.iter()
            .filter_map(|r| r.as_ref().err())
            .map(|r| (r.line, format!("{}:{}", r.error.field, r.error.code)))
            .collect()
    }

    #[test]
    fn a_medical_file_with_chinese_headers_gives_amounts_in_fen() {
        let text = format!(
            "记录编号,身份证号,姓名,日期,金额\nM1,{},张秀英,2026-11,\"12,345.6\"\nM2,{},李建国,2026-11-03,88\n",
            id("19500317", 1),
            id("19480101", 2)
        );
        let rows = rows(&text, Kind::MedicalExpense, Format::Csv);
        let ok: Vec<(u64, Option<i64>, NaiveDate)> =
            rows.iter().filter_map(|r| r.as_ref().ok()).map(|r| (r.line, r.amount_fen, r.occurred_on)).collect();
        assert_eq!(
            ok,
            [
                (2, Some(1_234_560), NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()),
                (3, Some(8_800), NaiveDate::from_ymd_opt(2026, 11, 3).unwrap())
            ]
        );
    }

    #[test]
    fn bad_rows_are_answered_each_with_line_and_field_and_the_rest_go_on() {
        let good = id("19500317", 1);
        let bad = format!("{}{}", &good[..17], if good.ends_with('1') { "2" } else { "1" });
        let text = format!(
            "ref,id_number,name,date,amount_yuan\n\
             A,{good},张秀英,2026-11-01,10\n\
             B,{bad},张秀英,2026-11-01,10\n\
             C,{good},,2026-11-01,10\n\
             D,{good},张秀英,2027-01-01,10\n\
             E,{good},张秀英,2026-11-01,12.345\n\
             ,{good},张秀英,2026-11-01,10\n\
             G,{good},张秀英,2026-11-01,-5\n\
             H,{good},张秀英,2026-11-01,20\n"
        );
        let rows = rows(&text, Kind::MedicalExpense, Format::Csv);
        assert_eq!(rows.len(), 8);
        assert_eq!(
            codes(&rows),
            [
                (3, "id_number:ID_NUMBER_CHECKSUM".to_owned()),
                (4, "name:REQUIRED".to_owned()),
                (5, "date:INVALID_DATE".to_owned()),
                (6, "amount_yuan:INVALID_AMOUNT".to_owned()),
                (7, "ref:REQUIRED".to_owned()),
                (8, "amount_yuan:INVALID_AMOUNT".to_owned()),
            ]
        );
        // The report never carries the number itself.
        let report = format!("{:?}", rows[1].as_ref().unwrap_err());
        assert!(!report.contains(&bad), "{report}");
    }

    #[test]
    fn a_file_without_a_needed_column_is_refused_before_any_row() {
        let text = "ref,id_number,name,date\nA,x,y,2026-11-01\n";
        let cursor = std::io::Cursor::new(text.as_bytes().to_vec());
        let refused = read(cursor, Kind::MedicalExpense, Format::Csv, today()).err();
        assert!(matches!(refused, Some(FileError::MissingColumn("amount_yuan"))), "{refused:?}");
    }

    #[test]
    fn json_lines_of_disability_certificates_with_grades_and_living_alone() {
        let text = format!(
            "{{\"ref\":\"D1\",\"id_number\":\"{}\",\"name\":\"王德福\",\"date\":\"2026-10-20\",\"grade\":1,\"lives_alone\":\"是\"}}\n\
             \n\
             {{\"ref\":\"D2\",\"id_number\":\"{}\",\"name\":\"王德福\",\"date\":\"2026-10-20\",\"grade\":\"二级\"}}\n\
             {{\"ref\":\"D3\",\"id_number\":\"{}\",\"name\":\"王德福\",\"date\":\"2026-10-20\",\"grade\":7}}\n\
             not json\n",
            id("19420815", 21),
            id("19420815", 22),
            id("19420815", 23)
        );
        let rows = rows(&text, Kind::DisabilityCertificate, Format::Jsonl);
        let details: Vec<Value> = rows.iter().filter_map(|r| r.as_ref().ok()).map(|r| r.details.clone()).collect();
        assert_eq!(details, [json!({"grade": 1, "lives_alone": true}), json!({"grade": 2, "lives_alone": null})]);
        assert_eq!(codes(&rows), [(4, "grade:INVALID_GRADE".to_owned()), (5, "line:INVALID_JSON".to_owned())]);
    }

    #[test]
    fn aid_other_departments_pay_and_people_to_watch() {
        let text = format!(
            "记录编号,身份证号,姓名,日期,救助事项,部门,截止日期,金额\n\
             A1,{},王德福,2026-09-01,education,区教委,2027-06-30,2000\n\
             A2,{},王德福,2026-09-01,助学金,区教委,,\n\
             A3,{},王德福,2026-09-01,education,区教委,2026-01-01,\n",
            id("20060101", 1),
            id("20060101", 2),
            id("20060101", 3)
        );
        let aid = rows(&text, Kind::AidGranted, Format::Csv);
        let first = aid[0].as_ref().map_err(|e| format!("{e:?}")).unwrap();
        assert_eq!(first.details, json!({"item_code": "education", "department": "区教委", "until": "2027-06-30"}));
        assert_eq!(first.amount_fen, Some(200_000));
        assert_eq!(codes(&aid), [(3, "item:INVALID_ITEM".to_owned()), (4, "until:INVALID_DATE".to_owned())]);

        let text = format!(
            "监测类别,社区代码,原因,授权依据,记录编号,身份证号,姓名,日期\n\
             left_aid,500199001001,退出低保,退出告知书,P1,{},王德福,2026-09-01\n\
             rejected_applicant,500199001001,未通过,授权书,P2,{},王德福,2026-09-01\n\
             left_aid,5001990,退出低保,退出告知书,P3,{},王德福,2026-09-01\n",
            id("19600101", 1),
            id("19600101", 2),
            id("19600101", 3)
        );
        let pool = rows(&text, Kind::MonitoringSubject, Format::Csv);
        let first = pool[0].as_ref().map_err(|e| format!("{e:?}")).unwrap();
        assert_eq!(first.details["group"], "left_aid");
        assert!(first.details["id_number_masked"].as_str().unwrap().contains("****"));
        assert_eq!(
            codes(&pool),
            [(3, "group:INVALID_GROUP".to_owned()), (4, "community:INVALID_COMMUNITY".to_owned())]
        );
    }

    #[test]
    fn yuan_amounts() {
        assert_eq!(yuan_to_fen("0"), Some(0));
        assert_eq!(yuan_to_fen("1.5"), Some(150));
        assert_eq!(yuan_to_fen("100000000"), Some(10_000_000_000));
        for bad in ["", ".5", "1.234", "1e3", "-1", "100000000.01", "１２"] {
            assert_eq!(yuan_to_fen(bad), None, "{bad}");
        }
    }
}
