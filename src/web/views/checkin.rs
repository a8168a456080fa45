//! Self check-in: the organisers' page that opens a session's window and
//! shows its code and QR code (printable, to put up in the room), and the
//! participant's page where the code is typed.

use chrono::{DateTime, Utc};
use maud::{Markup, html};

use super::forms::{self, Errors, Field, csrf, input, summarised};
use super::{format, layout};
use crate::domain::attendance::checkin::{Window, WindowState, shown_code};
use crate::domain::event::{Event, FieldError};
use crate::domain::session::Session;
use crate::export::qr::Qr;
use crate::i18n::Lang;
use crate::services::attendance::checkin::{Desk, Standing, Visit};
use crate::web::extract::PageContext;

pub fn desk_path(event: &Event, session_id: &str) -> String {
    format!(
        "/manage/events/{}/sessions/{session_id}/checkin",
        event.slug
    )
}

pub fn visit_path(session_id: &str) -> String {
    format!("/checkin/{session_id}")
}

fn when(lang: Lang, event: &Event, session: &Session) -> Markup {
    format::span(
        lang,
        session.plan.starts_at,
        session.plan.ends_at,
        event.time_zone,
    )
}

fn moment(lang: Lang, event: &Event, at: DateTime<Utc>) -> String {
    format::moment(lang, at, event.time_zone)
}

/// What the organisers' page needs besides the session's window.
pub struct DeskPage<'a> {
    pub event: &'a Event,
    pub desk: &'a Desk,
    /// The address participants open, and its QR code.
    pub url: &'a str,
    pub qr: Option<&'a Qr>,
    /// The window's length as typed.
    pub minutes: &'a str,
    pub errors: &'a [FieldError],
    pub now: DateTime<Utc>,
}

/// The window's code, QR code and address, large: what is printed and put
/// up in the room, or shown on the projector.
fn poster(lang: Lang, page: &DeskPage<'_>, window: &Window) -> Markup {
    let session = &page.desk.session;
    html! {
        section.poster aria-labelledby="poster-title" {
            h2 #poster-title lang=[format::authored(lang)] { (session.plan.title) }
            p { (lang.t("checkin.code")) }
            p.poster-code { (shown_code(&window.code)) }
            @if let Some(qr) = page.qr {
                svg.qr xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (qr.size) " " (qr.size) }
                    role="img" aria-label=(lang.tf("checkin.qr", &[("url", &page.url)])) shape-rendering="crispEdges" {
                    rect width=(qr.size) height=(qr.size) fill="#fff" {}
                    path d=(qr.path) fill="#000" {}
                }
            }
            p { (lang.t("checkin.open_address")) br; strong { (page.url) } }
        }
    }
}

/// The organisers' check-in page of one session.
pub fn desk(ctx: &PageContext, page: &DeskPage<'_>) -> Markup {
    let lang = ctx.lang;
    let (event, session) = (page.event, &page.desk.session);
    let title = lang.tf("checkin.desk_title", &[("session", &session.plan.title)]);
    let state = Window::state(page.desk.window.as_ref(), page.now);
    let errors = &Errors::new(page.errors);
    let action = desk_path(event, &session.id);
    let minutes = |label| {
        input(
            lang,
            Field::new("minutes", label, "number", page.minutes)
                .inputmode("numeric")
                .hint(lang.t("checkin.minutes_hint")),
            errors,
        )
    };
    layout::page(
        ctx,
        &forms::title(lang, page.errors, &title),
        html! {
            p.back { a href={ "/manage/events/" (event.slug) "/sessions" } { (lang.t("session.back")) } }
            h1.no-print { (lang.t("checkin.desk_heading")) }
            p.no-print { strong lang=[format::authored(lang)] { (session.plan.title) } br; (when(lang, event, session)) }
            @if session.plan.delivery.zoom_host().is_some() {
                p.notice { (lang.t("checkin.error.zoom")) }
            } @else {
                @if let (WindowState::Open { .. }, Some(window)) = (state, &page.desk.window) {
                    (poster(lang, page, window))
                }
                div.no-print {
                    p {
                        @match state {
                            WindowState::NotOpened => (lang.t("checkin.not_opened")),
                            WindowState::Open { closes_at } => (lang.tf("checkin.open_until", &[("time", &moment(lang, event, closes_at))])),
                            WindowState::Closed { closed_at } => (lang.tf("checkin.closed_at", &[("time", &moment(lang, event, closed_at))])),
                        }
                        " " (lang.tf("checkin.count", &[("n", &page.desk.checked_in)]))
                    }
                    @if matches!(state, WindowState::Open { .. }) {
                        p { (lang.t("checkin.print_hint")) }
                        (forms::post_button(ctx, &action, lang.t("checkin.close"), &[("action", "close")], forms::Look::Withdraw))
                        h2 { (lang.t("checkin.reopen_heading")) }
                        (summarised(lang, errors, html! { form method="post" action=(action) novalidate {
                            (csrf(ctx))
                            input type="hidden" name="action" value="open";
                            (minutes(lang.t("checkin.minutes")))
                            button.secondary type="submit" { (lang.t("checkin.reopen")) }
                        } }))
                    } @else {
                        (summarised(lang, errors, html! { form method="post" action=(action) novalidate {
                            (csrf(ctx))
                            input type="hidden" name="action" value="open";
                            (minutes(lang.t("checkin.minutes")))
                            button type="submit" { (lang.t("checkin.open")) }
                        } }))
                    }
                }
            }
        },
    )
}

/// The participant's page: the session, then where they stand, with the
/// code field while the window is open.
pub fn visit(
    ctx: &PageContext,
    visit: &Visit,
    typed: &str,
    errors: &[FieldError],
    alert: Option<&str>,
) -> Markup {
    let lang = ctx.lang;
    let (event, session) = (&visit.event, &visit.session);
    let title = lang.t("checkin.title");
    let errors_shown = &Errors::new(errors);
    layout::page(
        ctx,
        &forms::title(lang, errors, title),
        html! {
            p.back { a href="/my" { (lang.t("my.title")) } }
            h1 { (title) }
            p {
                strong lang=[format::authored(lang)] { (session.plan.title) } br;
                (when(lang, event, session)) br;
                span lang=[format::authored(lang)] { (event.title) }
            }
            @if let Some(alert) = alert { div.alert role="alert" { p { (alert) } } }
            @match visit.standing {
                Standing::NotParticipant => p.notice { (lang.t("checkin.not_participant")) },
                Standing::OnZoom => p.notice { (lang.t("checkin.on_zoom")) },
                Standing::Recorded { at } => p.success role="status" { (lang.tf("checkin.recorded", &[("time", &moment(lang, event, at))])) },
                Standing::Window(WindowState::NotOpened) => p.notice { (lang.tf("checkin.not_open_yet", &[("time", &moment(lang, event, session.plan.starts_at))])) },
                Standing::Window(WindowState::Closed { closed_at }) => p.notice { (lang.tf("checkin.closed", &[("time", &moment(lang, event, closed_at))])) },
                Standing::Window(WindowState::Open { closes_at }) => {
                    p { (lang.tf("checkin.open_until", &[("time", &moment(lang, event, closes_at))])) }
                    (summarised(lang, errors_shown, html! { form method="post" action=(visit_path(&session.id)) novalidate {
                        (csrf(ctx))
                        (input(lang, Field::new("code", lang.t("checkin.code"), "text", typed)
                            .inputmode("numeric").autocomplete("one-time-code").hint(lang.t("checkin.code_hint")), errors_shown))
                        button type="submit" { (lang.t("checkin.submit")) }
                    } }))
                },
            }
        },
    )
}
