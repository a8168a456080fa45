//! Signing in and out, passwords, links, and "Bimtek saya".

use maud::{Markup, html};

use super::forms::{self, Errors, Field, csrf, input, summarised};
use super::{format, layout};
use crate::domain::account::{Account, EventRole};
use crate::domain::event::{Event, FieldError};
use crate::domain::registration::Status;
use crate::services::RegistrationRow;
use crate::web::extract::PageContext;

/// The page to go back to after signing in, carried by the form.
fn next_field(next: Option<&str>) -> Markup {
    html! { @if let Some(next) = next { input type="hidden" name="next" value=(next); } }
}

/// A sign-in page's address that keeps the page to go back to.
fn sign_in_link(at: &str, next: Option<&str>) -> String {
    next.and_then(|next| serde_urlencoded::to_string([("next", next)]).ok())
        .map_or_else(|| at.to_owned(), |query| format!("{at}?{query}"))
}

/// `alert`: why the password was not checked (wait, or the server is busy).
/// `next`: the page that asked for the sign-in.
pub fn sign_in(
    ctx: &PageContext,
    email: &str,
    errors: &[FieldError],
    alert: Option<&str>,
    next: Option<&str>,
) -> Markup {
    let lang = ctx.lang;
    let form_errors = errors;
    let errors = &Errors::new(form_errors);
    layout::page(
        ctx,
        &forms::title(lang, form_errors, lang.t("account.sign_in.title")),
        html! {
            h1 { (lang.t("account.sign_in.title")) }
            p { (lang.t("account.sign_in.intro")) }
            @if let Some(alert) = alert {
                div.alert role="alert" { p { (alert) } }
            }
            (summarised(lang, errors, html! { form method="post" action="/sign-in" novalidate {
                (csrf(ctx))
                (next_field(next))
                (input(lang, Field::new("email", lang.t("account.email"), "email", email).autocomplete("username"), errors))
                (input(lang, Field::new("password", lang.t("account.password"), "password", "").autocomplete("current-password"), &Errors::none()))
                button type="submit" { (lang.t("account.sign_in.submit")) }
            } }))
            p { a href="/password/forgot" { (lang.t("account.forgot.link")) } }
            p { (lang.t("account.sign_in.participant")) " " a href=(sign_in_link("/my/sign-in", next)) { (lang.t("account.participant.link")) } }
        },
    )
}

/// A form that asks only for an address (a reset link, a sign-in link).
struct EmailForm<'a> {
    title: &'a str,
    intro: &'a str,
    action: &'a str,
    submit: &'a str,
    next: Option<&'a str>,
    after: Markup,
}

fn email_form(
    ctx: &PageContext,
    form: EmailForm<'_>,
    email: &str,
    errors: &[FieldError],
) -> Markup {
    let lang = ctx.lang;
    let form_errors = errors;
    let errors = &Errors::new(form_errors);
    layout::page(
        ctx,
        &forms::title(lang, form_errors, form.title),
        html! {
            h1 { (form.title) }
            p { (form.intro) }
            (summarised(lang, errors, html! { form method="post" action=(form.action) novalidate {
                (csrf(ctx))
                (next_field(form.next))
                (input(lang, Field::new("email", lang.t("account.email"), "email", email).autocomplete("email"), errors))
                button type="submit" { (form.submit) }
            } }))
            (form.after)
        },
    )
}

pub fn forgot(ctx: &PageContext, email: &str, errors: &[FieldError]) -> Markup {
    let lang = ctx.lang;
    let form = EmailForm {
        title: lang.t("account.forgot.title"),
        intro: lang.t("account.forgot.intro"),
        action: "/password/forgot",
        submit: lang.t("account.forgot.submit"),
        next: None,
        after: html! {},
    };
    email_form(ctx, form, email, errors)
}

/// After a reset or sign-in link was asked for: the same words whether or
/// not the address is known.
pub fn check_your_mail(ctx: &PageContext) -> Markup {
    let lang = ctx.lang;
    layout::page(
        ctx,
        lang.t("account.sent.title"),
        html! {
            h1 { (lang.t("account.sent.title")) }
            p role="status" { (lang.t("account.sent.body")) }
            p { a href="/" { (lang.t("error.home")) } }
        },
    )
}

/// Choosing a password through an invitation or reset link.
pub fn choose_password(
    ctx: &PageContext,
    action: &str,
    name: &str,
    invitation: bool,
    errors: &[FieldError],
) -> Markup {
    let lang = ctx.lang;
    let title = if invitation {
        lang.t("account.invitation.title")
    } else {
        lang.t("account.reset.title")
    };
    let form_errors = errors;
    let errors = &Errors::new(form_errors);
    layout::page(
        ctx,
        &forms::title(lang, form_errors, title),
        html! {
            h1 { (title) }
            p { (lang.tf("account.greeting", &[("name", &name)])) }
            (summarised(lang, errors, html! { form method="post" action=(action) novalidate {
                (csrf(ctx))
                (input(lang, Field::new("password", lang.t("account.new_password"), "password", "")
                    .autocomplete("new-password").hint(lang.t("account.password_hint")), errors))
                button type="submit" { (lang.t("account.save_password")) }
            } }))
        },
    )
}

pub fn setup(
    ctx: &PageContext,
    action: &str,
    name: &str,
    email: &str,
    errors: &[FieldError],
) -> Markup {
    let lang = ctx.lang;
    let form_errors = errors;
    let errors = &Errors::new(form_errors);
    layout::page(
        ctx,
        &forms::title(lang, form_errors, lang.t("account.setup.title")),
        html! {
            h1 { (lang.t("account.setup.title")) }
            p { (lang.t("account.setup.intro")) }
            (summarised(lang, errors, html! { form method="post" action=(action) novalidate {
                (csrf(ctx))
                (input(lang, Field::new("name", lang.t("account.name"), "text", name).autocomplete("name"), errors))
                (input(lang, Field::new("email", lang.t("account.email"), "email", email).autocomplete("username"), errors))
                (input(lang, Field::new("password", lang.t("account.password"), "password", "")
                    .autocomplete("new-password").hint(lang.t("account.password_hint")), errors))
                button type="submit" { (lang.t("account.setup.submit")) }
            } }))
        },
    )
}

pub fn participant_sign_in(
    ctx: &PageContext,
    email: &str,
    errors: &[FieldError],
    next: Option<&str>,
) -> Markup {
    let lang = ctx.lang;
    let form = EmailForm {
        title: lang.t("account.participant.title"),
        intro: lang.t("account.participant.intro"),
        action: "/my/sign-in",
        submit: lang.t("account.participant.submit"),
        next,
        after: html! {
            p { (lang.t("account.participant.staff")) " " a href=(sign_in_link("/sign-in", next)) { (lang.t("account.sign_in.title")) } }
        },
    };
    email_form(ctx, form, email, errors)
}

/// The link from the e-mail opens this page; the button uses it up. A link
/// scanner that fetches the page therefore spends nothing.
pub fn confirm_link(ctx: &PageContext, action: &str, name: &str, next: Option<&str>) -> Markup {
    let lang = ctx.lang;
    layout::page(
        ctx,
        lang.t("account.participant.title"),
        html! {
            h1 { (lang.t("account.participant.title")) }
            p { (lang.tf("account.greeting", &[("name", &name)])) }
            form method="post" action=(action) {
                (csrf(ctx))
                (next_field(next))
                button type="submit" { (lang.t("account.participant.confirm")) }
            }
        },
    )
}

/// What a participant's page shows of their sessions.
pub struct Participation {
    pub seats: Vec<crate::services::sessions::Seat>,
    /// Whether their private calendar feed works.
    pub feed_working: bool,
    /// Their sessions whose check-in is open now.
    pub checkins_open: std::collections::HashSet<String>,
    /// Their attendance per confirmed seat (by registration id), once a
    /// session of its event has been held.
    pub attendance: std::collections::HashMap<
        String,
        (
            Vec<crate::domain::session::Session>,
            crate::services::attendance::results::Standing,
        ),
    >,
    /// Where each of their action plans stands, by registration id, and
    /// whether it came late; a seat without one has not started its plan.
    pub plans: std::collections::HashMap<String, (crate::domain::action_plan::State, bool)>,
    /// The follow-ups due of their accepted plans, by registration id.
    pub follow_ups: std::collections::HashMap<String, Vec<crate::services::follow_up_reports::Due>>,
    /// Their certificates in force, by registration id.
    pub certificates: std::collections::HashMap<String, crate::services::CertificateRow>,
    /// Their speakers' and committee certificates in force.
    pub team_certificates: Vec<crate::services::CertificateRow>,
}

pub fn my_page(
    ctx: &PageContext,
    account: &Account,
    events: &[(Event, Vec<EventRole>)],
    registrations: &[(RegistrationRow, Event)],
    participation: &Participation,
    now: chrono::DateTime<chrono::Utc>,
) -> Markup {
    let lang = ctx.lang;
    layout::page(
        ctx,
        lang.t("my.title"),
        html! {
            h1 { (lang.t("my.title")) }
            p { (lang.tf("account.greeting", &[("name", &account.name)])) }
            @if account.is_admin {
                p { a href="/admin" { (lang.t("admin.title")) } }
            }
            @if account.is_organiser || account.is_admin {
                p { a href="/manage/events/new" { (lang.t("manage.new")) } }
            }
            @if account.memberships.iter().any(|m| m.role == EventRole::Speaker) {
                p { a href="/my/sessions" { (lang.t("speaking.title")) } }
                p { a href="/my/profile" { (lang.t("profile.own_title")) } }
            }
            @if !registrations.is_empty() {
                section aria-labelledby="registrations" {
                    h2 #registrations { (lang.t("my.registrations")) }
                    ul.events {
                        @for (registration, event) in registrations {
                            li.event {
                                h3 lang=[format::authored(lang)] { a href={ "/events/" (event.slug) } { (event.title) } }
                                p.when { (super::format::span(lang, event.starts_at, event.ends_at, event.time_zone)) }
                                p { (lang.t("my.status")) ": " strong { (lang.label(registration.status)) } }
                                @if registration.status == Status::Confirmed {
                                    p { a href={ "/my/registrations/" (registration.id) "/invitation.ics" } { (lang.t("my.ics")) } }
                                    p { a href={ "/events/" (event.slug) "/materials" } { (lang.t("material.list_title")) } }
                                    p {
                                        (lang.t("plan.short")) ": "
                                        @match participation.plans.get(&registration.id) {
                                            Some((state, late)) => { strong { (lang.label(*state)) } @if *late { " · " strong { (lang.t("plan.late")) } } }
                                            None => strong { (lang.t("plan.not_started")) },
                                        }
                                        " · " a href={ "/my/registrations/" (registration.id) "/plan" } { (lang.t("plan.open")) }
                                    }
                                    @if let Some(dues) = participation.follow_ups.get(&registration.id) {
                                        (super::follow_up_reports::dues(lang, event, &registration.id, dues))
                                    }
                                    @if let Some(certificate) = participation.certificates.get(&registration.id) {
                                        (super::certificates::own(lang, certificate))
                                    }
                                }
                                @if let Some(seat) = participation.seats.iter().find(|s| s.registration_id == registration.id) {
                                    (super::registration::seat_sessions(lang, event, seat, &participation.checkins_open, now))
                                }
                                @if let Some((sessions, standing)) = participation.attendance.get(&registration.id) {
                                    h4 { (lang.t("attendance.yours")) }
                                    (super::attendance::explanation(lang, sessions, &standing.result, &standing.sessions))
                                }
                                @if registration.status.is_active() && !event.has_ended(now) {
                                    p { a href={ "/my/registrations/" (registration.id) "/cancel" } { (lang.t("my.cancel")) } }
                                }
                            }
                        }
                    }
                }
            }
            @if !participation.seats.is_empty() || participation.feed_working {
                (super::registration::calendar_feed(ctx, participation.feed_working))
            }
            @if events.is_empty() && registrations.is_empty() {
                p { (lang.t("my.none")) }
            } @else if !events.is_empty() {
                ul.events {
                    @for (event, roles) in events {
                        li.event {
                            h2 lang=[format::authored(lang)] { a href={ "/events/" (event.slug) } { (event.title) } }
                            @if !event.published { p { strong { (lang.t("manage.draft")) } } }
                            p { @for (i, role) in roles.iter().enumerate() {
                                @if i > 0 { ", " }
                                (lang.label(*role))
                            } }
                            @if account.may_manage(&event.id.to_string()) {
                                p { a href={ "/manage/events/" (event.slug) } { (lang.t("manage.open")) } }
                            }
                            @if roles.contains(&EventRole::Reviewer) {
                                p { a href={ "/manage/events/" (event.slug) "/plans" } { (lang.t("plan.list_title")) } }
                            }
                            @for certificate in participation.team_certificates.iter().filter(|c| c.event_id == event.id.to_string()) {
                                (super::certificates::own(lang, certificate))
                            }
                        }
                    }
                }
            }
        },
    )
}
