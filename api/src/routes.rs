//! Every endpoint, registered with `.service()` so that it reaches the OpenAPI document.

use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    accounts, applications, auth, authorizations, calendar, catalog, documents, health, precheck, progress, regions,
    reviews, service_points, supervision,
};

/// Routes are matched in this order, a pattern at a time: the hottest reads come first (the
/// progress poll right after the probes), so they do not pay for trying every other pattern.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(health::routes::get_healthz)
        .service(health::routes::get_readyz)
        .service(progress::routes::get_progress)
        .service(auth::routes::sign_in_wechat)
        .service(auth::routes::sign_in_password)
        .service(auth::routes::refresh_tokens)
        .service(auth::routes::logout)
        .service(accounts::routes::get_me)
        .service(accounts::routes::change_my_password)
        .service(accounts::routes::create_staff)
        .service(accounts::routes::update_staff)
        .service(regions::routes::get_region_tree)
        .service(regions::routes::list_regions)
        .service(regions::routes::create_region)
        .service(accounts::routes::list_region_staff)
        .service(calendar::routes::get_calendar_year)
        .service(calendar::routes::put_calendar_year)
        .service(catalog::routes::list_aid_items)
        .service(catalog::routes::get_aid_item)
        .service(catalog::routes::put_aid_item)
        .service(service_points::routes::create_service_point)
        .service(service_points::routes::get_service_point_qrcode)
        .service(service_points::routes::revoke_service_point)
        .service(service_points::routes::scan)
        .service(precheck::routes::run_precheck)
        .service(precheck::routes::get_precheck_rules)
        .service(precheck::routes::put_precheck_rules)
        .service(applications::routes::create_application)
        .service(applications::routes::list_applications)
        .service(applications::routes::get_application)
        .service(applications::routes::update_application)
        .service(applications::routes::submit_application)
        .service(applications::routes::put_member)
        .service(applications::routes::delete_member)
        .service(applications::routes::reveal_id_number)
        .service(documents::routes::upload_document)
        .service(documents::routes::reuse_document)
        .service(documents::routes::detach_document)
        .service(documents::routes::get_document_content)
        .service(documents::routes::get_wallet)
        .service(documents::routes::get_wallet_content)
        .service(authorizations::routes::get_authorization_text)
        .service(authorizations::routes::sign_authorization)
        .service(authorizations::routes::revoke_authorization)
        .service(progress::routes::query_public_progress)
        .service(reviews::routes::accept_application)
        .service(reviews::routes::return_application)
        .service(reviews::routes::supplement_application)
        .service(reviews::routes::start_investigation)
        .service(reviews::routes::list_investigations)
        .service(reviews::routes::decide_application)
        .service(reviews::routes::approve_emergency)
        .service(reviews::routes::confirm_item)
        .service(reviews::routes::close_application)
        .service(reviews::routes::withdraw_application)
        .service(supervision::routes::list_deadlines)
        .service(supervision::routes::list_tickets)
        .service(supervision::routes::close_ticket)
        .service(supervision::routes::get_figures)
        .service(supervision::routes::draw_samples)
        .service(supervision::routes::list_samples);
}
