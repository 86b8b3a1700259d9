//! sea-orm entities, one module per table. Query helpers that take the caller's scope live beside
//! their entity. API types live in `api`; these never leave the server.

pub mod account;
pub mod aid_item;
pub mod application;
pub mod application_document;
pub mod application_event;
pub mod application_item;
pub mod application_number_counter;
pub mod audit_event;
pub mod authorization;
pub mod cache_repair;
pub mod checkin;
pub mod checkin_challenge;
pub mod checkin_cycle;
pub mod checkin_task;
pub mod document;
pub mod document_flag;
pub mod household_member;
pub mod investigation;
pub mod monitoring_subject;
pub mod notification;
pub mod precheck_rule_set;
pub mod progress_snapshot;
pub mod recipient;
pub mod recipient_action;
pub mod refresh_token;
pub mod region;
pub mod service_point;
pub mod supervision_sample;
pub mod supervision_ticket;
pub mod sync_change;
pub mod sync_conflict;
pub mod sync_device;
pub mod sync_op;
pub mod work_day;
