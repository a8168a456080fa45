//! HTTP: routes, middleware, extractors, handlers and views.

pub mod assets;
pub mod errors;
pub mod extract;
pub mod handlers;
pub mod middleware;
pub mod rate_limit;
pub mod session;
pub mod upload;
pub mod views;

use actix_web::web;

use crate::domain::account::TokenPurpose;
use crate::services::Db;
use crate::telemetry::Metrics;

/// What every handler may reach, shared by all server threads.
pub struct AppState {
    pub db: Db,
    /// The public event pages this instance made, each checked against its
    /// event's content version on every visit.
    pub public_pages: crate::services::events::PublicPages,
    pub metrics: Metrics,
    pub base_url: url::Url,
    /// Take the client's address from X-Forwarded-For / Forwarded (set
    /// only behind a reverse proxy that overwrites them).
    pub behind_proxy: bool,
    pub mail_delivery: crate::integrations::mail::Delivery,
    pub registration_limit: rate_limit::RateLimit,
    /// `None`: Zoom is not configured.
    pub zoom: Option<crate::integrations::zoom::Zoom>,
    pub storage: crate::integrations::storage::Storage,
    /// The most a session material may weigh, in bytes.
    pub material_limit: u64,
    /// How long a request body may send nothing (a slow body holds a
    /// connection and a worker's buffer for as long as it lasts).
    pub body_timeout: std::time::Duration,
    /// What `/metrics` asks for; `None`: it is not served.
    pub metrics_token: Option<crate::secret::Secret>,
    /// What checks Zoom's webhook deliveries; `None`: no secret is set and
    /// `/webhooks/zoom` is not served.
    pub zoom_webhook: Option<crate::integrations::zoom::webhook::Verifier>,
}

impl AppState {
    /// Cookies get `Secure` when the public address is HTTPS.
    pub fn https(&self) -> bool {
        self.base_url.scheme() == "https"
    }
}

/// GET, and HEAD wherever GET goes (monitoring probes use HEAD): the
/// handler runs as for GET and the server sends its headers alone.
fn get() -> actix_web::Route {
    use actix_web::guard;
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}

/// A route's pattern, as logs and metrics name it. Each resource carries its
/// own, so that naming a request costs nothing: asking actix for the matched
/// pattern (`match_pattern`) matches the path against the routes again.
#[derive(Clone, Copy, Debug)]
pub struct RoutePattern(pub &'static str);

fn resource(path: &'static str) -> actix_web::Resource {
    web::resource(path).app_data(RoutePattern(path))
}

fn password_link(path: &'static str, purpose: TokenPurpose) -> actix_web::Resource {
    use handlers::accounts;
    resource(path)
        .app_data(web::Data::new(purpose))
        .route(get().to(accounts::password_link_page))
        .route(web::post().to(accounts::use_password_link))
}

/// A Zoom delivery is a few hundred bytes; a meeting's longest (a topic
/// and agenda at their limits) stays well under this.
const WEBHOOK_LIMIT: usize = 64 * 1024;

pub fn routes(cfg: &mut web::ServiceConfig) {
    use handlers::{
        accounts, action_plans, admin, attendance, attendance_import, certificate_changes,
        certificate_signing, certificate_team, certificates, checkin, events, follow_up_reports,
        follow_ups, materials, ops, plan_overview, plan_reviews, profiles, public, registration,
        roster, sessions, webhooks,
    };
    use web::post;
    cfg.service(resource("/").route(get().to(public::home)))
        .service(resource("/events/{slug}").route(get().to(public::event)))
        .service(resource("/events/{slug}/materials").route(get().to(materials::event_list)))
        .service(resource("/events/{slug}/materials.zip").route(get().to(materials::zip)))
        .service(resource("/materials/{id}").route(get().to(materials::download)))
        .service(resource("/materials/{id}/versions/{version}").route(get().to(materials::version)))
        .service(
            resource("/events/{slug}/register")
                .route(get().to(registration::register_page))
                .route(post().to(registration::register)),
        )
        .service(
            resource("/registrations/confirm/{token}")
                .route(get().to(registration::confirm_page))
                .route(post().to(registration::confirm)),
        )
        .service(resource("/lang/{code}").route(get().to(public::set_language)))
        .service(resource("/static/{file}").route(get().to(assets::stylesheet)))
        .service(resource("/healthz").route(get().to(ops::healthz)))
        .service(resource("/metrics").route(get().to(ops::metrics)))
        .service(
            resource("/webhooks/zoom")
                .app_data(web::PayloadConfig::new(WEBHOOK_LIMIT))
                .route(post().to(webhooks::zoom))
                // Zoom only posts: any other method is told what an
                // unknown address is told, not that this one exists.
                .default_service(web::to(public::not_found)),
        )
        // Accounts
        .service(
            resource("/sign-in")
                .route(get().to(accounts::sign_in_page))
                .route(post().to(accounts::sign_in)),
        )
        .service(resource("/sign-out").route(post().to(accounts::sign_out)))
        .service(
            resource("/password/forgot")
                .route(get().to(accounts::forgot_page))
                .route(post().to(accounts::forgot)),
        )
        .service(password_link(
            "/password/reset/{token}",
            TokenPurpose::PasswordReset,
        ))
        .service(password_link(
            "/invitation/{token}",
            TokenPurpose::Invitation,
        ))
        .service(
            resource("/setup/{token}")
                .route(get().to(accounts::setup_page))
                .route(post().to(accounts::setup)),
        )
        .service(
            resource("/my/sign-in")
                .route(get().to(accounts::participant_page))
                .route(post().to(accounts::participant_request)),
        )
        .service(
            resource("/my/sign-in/{token}")
                .route(get().to(accounts::link_page))
                .route(post().to(accounts::use_link)),
        )
        .service(resource("/my").route(get().to(accounts::my_page)))
        .service(resource("/my/sessions").route(get().to(sessions::speaking)))
        .service(
            resource("/my/profile")
                .route(get().to(profiles::own_page))
                .route(post().to(profiles::save_own)),
        )
        .service(resource("/speakers/{user_id}/photo/{key}").route(get().to(profiles::photo)))
        .service(resource("/my/certificates/{id}").route(get().to(certificates::download)))
        .service(resource("/verify/{code}").route(get().to(certificates::verify)))
        .service(
            resource("/my/registrations/{id}/cancel")
                .route(get().to(registration::cancel_page))
                .route(post().to(registration::cancel)),
        )
        .service(
            resource("/my/registrations/{id}/invitation.ics")
                .route(get().to(registration::invitation)),
        )
        .service(
            resource("/my/registrations/{id}/plan")
                .route(get().to(action_plans::show))
                .route(post().to(action_plans::save)),
        )
        .service(
            resource("/my/registrations/{id}/plan/attachment")
                .route(get().to(action_plans::attachment)),
        )
        .service(
            resource("/my/registrations/{id}/follow-ups/{follow_up}")
                .route(get().to(follow_up_reports::show))
                .route(post().to(follow_up_reports::save)),
        )
        .service(
            resource("/my/registrations/{id}/follow-ups/{follow_up}/evidence/{evidence}")
                .route(get().to(follow_up_reports::evidence)),
        )
        .service(
            resource("/my/registrations/{id}/plan/print").route(get().to(plan_overview::print_own)),
        )
        .service(
            resource("/my/calendar")
                .route(get().to(registration::new_calendar_feed))
                .route(post().to(registration::create_calendar_feed)),
        )
        .service(
            resource("/my/calendar/revoke").route(post().to(registration::revoke_calendar_feed)),
        )
        .service(resource("/calendar/{secret}.ics").route(get().to(registration::calendar_feed)))
        .service(
            resource("/checkin/{session_id}")
                .route(get().to(checkin::visit_page))
                .route(post().to(checkin::check_in)),
        )
        // Staff
        .service(resource("/admin").route(get().to(admin::dashboard)))
        .service(resource("/admin/invitations").route(post().to(admin::invite_organiser)))
        .service(resource("/admin/outbox").route(get().to(admin::outbox)))
        .service(resource("/admin/audit").route(get().to(admin::audit)))
        .service(resource("/outbox/{id}/resend").route(post().to(admin::resend)))
        .service(resource("/manage/events/new").route(get().to(events::new_event_page)))
        .service(resource("/manage/events").route(post().to(events::create_event)))
        .service(resource("/manage/events/{slug}").route(get().to(events::manage_event)))
        .service(resource("/manage/events/{slug}/outbox").route(get().to(events::outbox)))
        .service(
            resource("/manage/events/{slug}/edit")
                .route(get().to(events::edit_event_page))
                .route(post().to(events::update_event)),
        )
        .service(resource("/manage/events/{slug}/publish").route(post().to(events::publish_event)))
        .service(
            resource("/manage/events/{slug}/invitations").route(post().to(events::invite_member)),
        )
        .service(resource("/manage/events/{slug}/registrations").route(get().to(roster::list)))
        .service(
            resource("/manage/events/{slug}/registrations/decide").route(post().to(roster::decide)),
        )
        .service(
            resource("/manage/events/{slug}/registrations/new")
                .route(get().to(roster::add_page))
                .route(post().to(roster::add)),
        )
        .service(
            resource("/manage/events/{slug}/registrations/export").route(get().to(roster::export)),
        )
        .service(
            resource("/manage/events/{slug}/registrations/import").route(post().to(roster::upload)),
        )
        .service(
            resource("/manage/events/{slug}/registrations/import/{id}")
                .route(get().to(roster::preview))
                .route(post().to(roster::confirm_import)),
        )
        .service(
            resource("/manage/events/{slug}/questions")
                .route(get().to(roster::questions_page))
                .route(post().to(roster::add_question)),
        )
        .service(
            resource("/manage/events/{slug}/questions/{id}/delete")
                .route(get().to(roster::remove_question_page))
                .route(post().to(roster::remove_question)),
        )
        .service(
            resource("/manage/events/{slug}/sessions")
                .route(get().to(sessions::list))
                .route(post().to(sessions::create)),
        )
        .service(resource("/manage/events/{slug}/sessions/new").route(get().to(sessions::new_page)))
        .service(
            resource("/manage/events/{slug}/sessions/{id}/edit")
                .route(get().to(sessions::edit_page))
                .route(post().to(sessions::update)),
        )
        .service(
            resource("/manage/events/{slug}/sessions/{id}/delete")
                .route(get().to(sessions::delete_page))
                .route(post().to(sessions::delete)),
        )
        .service(
            resource("/manage/events/{slug}/sessions/{id}/zoom/retry")
                .route(post().to(sessions::retry_zoom)),
        )
        .service(
            resource("/manage/events/{slug}/sessions/{id}/checkin")
                .route(get().to(checkin::desk_page))
                .route(post().to(checkin::desk_change)),
        )
        .service(
            resource("/manage/events/{slug}/sessions/{id}/attendance/import")
                .route(get().to(attendance_import::show))
                .route(post().to(attendance_import::upload)),
        )
        .service(
            resource("/manage/events/{slug}/sessions/{id}/attendance/import/{import_id}")
                .route(get().to(attendance_import::preview))
                .route(post().to(attendance_import::confirm)),
        )
        .service(
            resource("/manage/events/{slug}/sessions/{id}/materials")
                .route(get().to(materials::session_page))
                .route(post().to(materials::upload)),
        )
        .service(resource("/manage/events/{slug}/materials").route(get().to(materials::overview)))
        .service(
            resource("/manage/events/{slug}/speakers/{user_id}")
                .route(get().to(profiles::speaker_page))
                .route(post().to(profiles::save_speaker)),
        )
        .service(
            resource("/manage/events/{slug}/materials/{id}/hide").route(post().to(materials::hide)),
        )
        .service(
            resource("/manage/events/{slug}/materials/{id}/remove")
                .route(post().to(materials::remove)),
        )
        // Action plans
        .service(
            resource("/manage/events/{slug}/certificates").route(get().to(certificates::batch)),
        )
        .service(
            resource("/manage/events/{slug}/certificates/settings")
                .route(get().to(certificates::settings_page))
                .route(post().to(certificates::save_settings)),
        )
        .service(
            resource("/manage/events/{slug}/certificates/pictures/{picture}")
                .route(post().to(certificates::upload_picture)),
        )
        .service(
            resource("/manage/events/{slug}/certificates/preview")
                .route(get().to(certificates::preview)),
        )
        .service(
            resource("/manage/events/{slug}/certificates/dry-run")
                .route(get().to(certificates::dry_run)),
        )
        .service(
            resource("/manage/events/{slug}/certificates/issue")
                .route(post().to(certificates::issue)),
        )
        .service(
            resource("/manage/events/{slug}/certificates/retry")
                .route(post().to(certificates::retry)),
        )
        .service(
            resource("/manage/events/{slug}/certificates/issue/{registration}")
                .route(post().to(certificate_changes::issue_one)),
        )
        .service(
            resource("/manage/events/{slug}/certificates/issued/{id}")
                .route(get().to(certificate_changes::detail)),
        )
        .service(
            resource("/manage/events/{slug}/certificates/issued/{id}/revoke")
                .route(post().to(certificate_changes::revoke)),
        )
        .service(
            resource("/manage/events/{slug}/certificates/issued/{id}/resend")
                .route(post().to(certificate_changes::resend)),
        )
        .service(
            resource("/manage/events/{slug}/certificates/team")
                .route(get().to(certificate_team::team_page)),
        )
        .service(
            resource("/manage/events/{slug}/certificates/team/speakers")
                .route(post().to(certificate_team::issue_speakers)),
        )
        .service(
            resource("/manage/events/{slug}/certificates/team/committee")
                .route(post().to(certificate_team::issue_committee)),
        )
        // The electronic signature loop (TTE).
        .service(
            resource("/manage/events/{slug}/certificates/unsigned.zip")
                .route(get().to(certificate_signing::unsigned_zip)),
        )
        .service(
            resource("/manage/events/{slug}/certificates/signed")
                .route(get().to(certificate_signing::signing_page))
                .route(post().to(certificate_signing::upload)),
        )
        .service(resource("/manage/events/{slug}/plans").route(get().to(plan_overview::overview)))
        // Follow-up of plans: before "/plans/{id}", which would take its name.
        .service(
            resource("/manage/events/{slug}/plans/follow-ups")
                .route(get().to(follow_ups::dates))
                .route(post().to(follow_ups::add)),
        )
        .service(
            resource("/manage/events/{slug}/plans/follow-ups/{id}/remove")
                .route(post().to(follow_ups::remove)),
        )
        .service(
            resource("/manage/events/{slug}/plans/follow-ups/{id}")
                .route(get().to(follow_ups::overview)),
        )
        .service(
            resource("/manage/events/{slug}/plans/follow-ups/{id}/export")
                .route(get().to(follow_ups::export)),
        )
        .service(
            resource("/manage/events/{slug}/plans/follow-ups/{id}/reports/{report}")
                .route(get().to(follow_ups::report)),
        )
        .service(
            resource(
                "/manage/events/{slug}/plans/follow-ups/{id}/reports/{report}/evidence/{evidence}",
            )
            .route(get().to(follow_ups::evidence)),
        )
        // Before the plans by id, which would take these words for ids.
        .service(
            resource("/manage/events/{slug}/plans/export").route(get().to(plan_overview::export)),
        )
        .service(
            resource("/manage/events/{slug}/plans/print").route(get().to(plan_overview::print_all)),
        )
        .service(resource("/manage/events/{slug}/plans/{id}").route(get().to(action_plans::read)))
        .service(
            resource("/manage/events/{slug}/plans/{id}/attachment")
                .route(get().to(action_plans::organiser_attachment)),
        )
        .service(
            resource("/manage/events/{slug}/plans/{id}/review")
                .route(post().to(plan_reviews::decide)),
        )
        .service(
            resource("/manage/events/{slug}/plans/{id}/reviewer")
                .route(post().to(plan_reviews::assign)),
        )
        .service(
            resource("/manage/events/{slug}/plans/{id}/changes")
                .route(get().to(plan_reviews::changes)),
        )
        .service(
            resource("/manage/events/{slug}/plans/{id}/print")
                .route(get().to(plan_overview::print_one)),
        )
        // Attendance
        .service(resource("/manage/events/{slug}/attendance").route(get().to(attendance::event)))
        .service(
            resource("/manage/events/{slug}/attendance/export").route(get().to(attendance::export)),
        )
        .service(
            resource("/manage/events/{slug}/attendance/review")
                .route(get().to(attendance::review))
                .route(post().to(attendance::decide)),
        )
        .service(
            resource("/manage/events/{slug}/attendance/review/answers")
                .route(get().to(attendance::answers))
                .route(post().to(attendance::undo)),
        )
        .service(
            resource("/manage/events/{slug}/attendance/participants/{registration_id}")
                .route(get().to(attendance::participant))
                .route(post().to(attendance::override_result)),
        )
        .service(
            resource("/manage/events/{slug}/attendance/participants/{registration_id}/entries")
                .route(post().to(attendance::record_entry)),
        )
        .service(
            resource("/manage/events/{slug}/sessions/{id}/attendance")
                .route(get().to(attendance::session)),
        )
        .service(
            resource("/manage/events/{slug}/sessions/{id}/attendance/excuses")
                .route(post().to(attendance::excuse)),
        )
        .service(
            resource("/manage/events/{slug}/sessions/{id}/attendance/print")
                .route(get().to(attendance::print)),
        );
}
