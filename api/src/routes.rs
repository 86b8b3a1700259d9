//! Every endpoint, registered with `.service()` so that it reaches the OpenAPI document.

use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    accounts, applications, auth, authorizations, calendar, catalog, checkins, documents, health, imports, monitoring,
    precheck, progress, regions, reviews, service_points, supervision, sync, uploads,
};

/// Lists the endpoints once: `configure` registers them in this order, and the OpenAPI tests
/// read every schema each of them names (`schema_entries`), before the document keeps one per name.
macro_rules! endpoints {
    ($($endpoint:path),* $(,)?) => {
        /// Routes are matched in this order, a pattern at a time: the hottest reads come first (the
        /// progress poll right after the probes), so they do not pay for trying every other pattern.
        pub fn configure(cfg: &mut ServiceConfig) {
            $(cfg.service($endpoint);)*
        }

        /// Every `(name, schema)` pair the endpoints bring, duplicates included.
        #[cfg(test)]
        pub fn schema_entries() -> Vec<(String, utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>)> {
            let mut entries = Vec::new();
            $(utoipa_actix_web::OpenApiFactory::schemas(&$endpoint, &mut entries);)*
            entries
        }
    };
}

endpoints![
    health::routes::get_healthz,
    health::routes::get_readyz,
    progress::routes::get_progress,
    auth::routes::sign_in_wechat,
    auth::routes::sign_in_password,
    auth::routes::refresh_tokens,
    auth::routes::logout,
    accounts::routes::get_me,
    accounts::routes::change_my_password,
    accounts::routes::create_staff,
    accounts::routes::update_staff,
    regions::routes::get_region_tree,
    regions::routes::list_regions,
    regions::routes::create_region,
    accounts::routes::list_region_staff,
    calendar::routes::get_calendar_year,
    calendar::routes::put_calendar_year,
    catalog::routes::list_aid_items,
    catalog::routes::get_aid_item,
    catalog::routes::put_aid_item,
    service_points::routes::create_service_point,
    service_points::routes::get_service_point_qrcode,
    service_points::routes::revoke_service_point,
    service_points::routes::scan,
    precheck::routes::run_precheck,
    precheck::routes::get_precheck_rules,
    precheck::routes::put_precheck_rules,
    applications::routes::create_application,
    applications::routes::list_applications,
    applications::routes::get_application,
    applications::routes::update_application,
    applications::routes::submit_application,
    applications::routes::get_checklist,
    applications::routes::put_member,
    applications::routes::delete_member,
    applications::routes::reveal_id_number,
    documents::routes::upload_document,
    documents::routes::reuse_document,
    documents::routes::detach_document,
    documents::routes::get_document_content,
    documents::routes::get_wallet,
    documents::routes::get_wallet_content,
    authorizations::routes::get_authorization_text,
    authorizations::routes::sign_authorization,
    authorizations::routes::revoke_authorization,
    progress::routes::query_public_progress,
    reviews::routes::accept_application,
    reviews::routes::return_application,
    reviews::routes::supplement_application,
    reviews::routes::start_investigation,
    reviews::routes::list_investigations,
    reviews::routes::decide_application,
    reviews::routes::approve_emergency,
    reviews::routes::confirm_item,
    reviews::routes::close_application,
    reviews::routes::withdraw_application,
    supervision::routes::list_deadlines,
    supervision::routes::list_tickets,
    supervision::routes::close_ticket,
    supervision::routes::answer_ticket,
    supervision::routes::get_figures,
    supervision::routes::draw_samples,
    supervision::routes::list_samples,
    checkins::routes::get_my_checkins,
    checkins::routes::start_checkin,
    checkins::routes::submit_checkin,
    checkins::routes::submit_assisted_checkin,
    checkins::routes::list_periods,
    checkins::routes::list_checkin_tasks,
    checkins::routes::close_checkin_task,
    checkins::routes::list_checkin_samples,
    checkins::routes::get_checkin_figures,
    checkins::routes::review_checkin,
    checkins::routes::get_checkin_selfie,
    checkins::routes::get_recipient,
    checkins::routes::suspend_recipient,
    checkins::routes::resume_recipient,
    sync::routes::sync_push,
    sync::routes::sync_pull,
    sync::routes::sync_status,
    sync::routes::list_sync_conflicts,
    sync::routes::resolve_sync_conflict,
    uploads::routes::create_upload,
    uploads::routes::upload_offset,
    uploads::routes::append_chunk,
    uploads::routes::append_chunk_by_post,
    imports::routes::import_file,
    monitoring::routes::put_rule,
    monitoring::routes::list_rules,
    monitoring::routes::list_leads,
    monitoring::routes::get_lead,
    monitoring::routes::assign_lead,
    monitoring::routes::visit_lead,
    monitoring::routes::close_lead,
    monitoring::routes::list_subjects,
    monitoring::routes::lead_figures,
    monitoring::routes::dashboard,
    monitoring::routes::lookup_ledger,
    monitoring::routes::list_ledger_lookups,
];
