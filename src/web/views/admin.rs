//! The administrator's pages and the parts organisers share with them.

use chrono::{DateTime, Utc};
use maud::{Markup, html};

use super::forms::{self, Field, checkbox, csrf, input, select, summary, textarea};
use super::layout;
use crate::db::models::{AuditRow, OutboxRow, UserRow};
use crate::domain::event::EventForm;
use crate::domain::event::{Event, FieldError};
use crate::domain::session::{Session, total_jp};
use crate::domain::timing::{SessionTiming, format_reminder_minutes};
use crate::i18n::Lang;
use crate::integrations::mail::Delivery;
use crate::web::extract::PageContext;

// Tables scroll sideways on a phone. Their wrapper is a labelled region that
// takes keyboard focus, so that it can be scrolled without a mouse.

/// What an invitation form held, to show it again with its messages.
#[derive(Default, Clone, serde::Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub lang: String,
    /// An event id (administrators) or a role (organisers).
    #[serde(default)]
    pub event_id: String,
    #[serde(default)]
    pub role: String,
}

fn when(lang: Lang, at: chrono::NaiveDateTime) -> String {
    let at: DateTime<Utc> = at.and_utc();
    let local = at.with_timezone(&chrono_tz::Tz::Asia__Jakarta);
    format!(
        "{} {} WIB",
        local.format("%Y-%m-%d"),
        crate::i18n::dates::time(lang, &local)
    )
}

pub fn language_options() -> Vec<(String, String)> {
    Lang::ALL
        .iter()
        .map(|l| (l.code().to_owned(), l.native_name().to_owned()))
        .collect()
}

pub fn delivery_notice(lang: Lang, delivery: &Delivery) -> Markup {
    html! {
        @match delivery {
            Delivery::Smtp { server } => p { (lang.tf("admin.mail.smtp", &[("server", server)])) },
            Delivery::Folder(folder) => div.notice {
                p { (lang.tf("admin.mail.folder", &[("folder", &folder.display())])) }
            },
        }
    }
}

pub fn dashboard(
    ctx: &PageContext,
    delivery: &Delivery,
    users: &[UserRow],
    events: &[Event],
    form: &InviteForm,
    errors: &[FieldError],
    invited: bool,
) -> Markup {
    let lang = ctx.lang;
    let mut event_options = vec![(String::new(), lang.t("admin.invite.no_event").to_owned())];
    event_options.extend(events.iter().map(|e| (e.id.to_string(), e.title.clone())));
    layout::page(
        ctx,
        lang.t("admin.title"),
        html! {
            h1 { (lang.t("admin.title")) }
            nav aria-label=(lang.t("admin.title")) {
                ul.links {
                    li { a href="/admin/outbox" { (lang.t("outbox.title")) } }
                    li { a href="/admin/audit" { (lang.t("audit.title")) } }
                }
            }
            (delivery_notice(lang, delivery))
            section aria-labelledby="invite" {
                h2 #invite { (lang.t("admin.invite.title")) }
                @if invited { p.success role="status" { (lang.t("admin.invite.sent")) } }
                (summary(lang, errors))
                form method="post" action="/admin/invitations" novalidate {
                    (csrf(ctx))
                    (input(lang, Field::new("name", lang.t("account.name"), "text", &form.name), errors))
                    (input(lang, Field::new("email", lang.t("account.email"), "email", &form.email), errors))
                    (select(lang, "event_id", lang.t("admin.invite.event"), &event_options, &form.event_id, errors))
                    (select(lang, "lang", lang.t("admin.invite.lang"), &language_options(), &form.lang, errors))
                    button type="submit" { (lang.t("admin.invite.submit")) }
                }
            }
            section aria-labelledby="users" {
                h2 #users { (lang.t("admin.users")) }
                div.table tabindex="0" role="region" aria-label=(lang.t("admin.users")) {
                    table {
                        thead { tr {
                            th scope="col" { (lang.t("account.name")) }
                            th scope="col" { (lang.t("account.email")) }
                            th scope="col" { (lang.t("admin.roles")) }
                        } }
                        tbody {
                            @for user in users {
                                tr {
                                    td { (user.name) }
                                    td { (user.email) }
                                    td {
                                        @if user.is_admin { (lang.t("role.admin")) " " }
                                        @if user.is_organiser { (lang.t("role.organiser")) " " }
                                        @if user.password_hash.is_none() { "(" (lang.t("admin.no_password")) ")" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// Messages with their state and, for failures, the server's answer; each
/// can be sent again.
pub fn outbox_table(ctx: &PageContext, rows: &[OutboxRow]) -> Markup {
    let lang = ctx.lang;
    html! {
        @if rows.is_empty() {
            p { (lang.t("outbox.empty")) }
        } @else {
            div.table tabindex="0" role="region" aria-label=(lang.t("outbox.title")) {
                table {
                    thead { tr {
                        th scope="col" { (lang.t("outbox.created")) }
                        th scope="col" { (lang.t("outbox.recipient")) }
                        th scope="col" { (lang.t("outbox.subject")) }
                        th scope="col" { (lang.t("outbox.state")) }
                        th scope="col" { span.visually-hidden { (lang.t("outbox.actions")) } }
                    } }
                    tbody {
                        @for row in rows {
                            tr {
                                td { (when(lang, row.created_at)) }
                                td { (row.recipient) }
                                td { (row.subject) }
                                td {
                                    span class={ "state " (row.status) } { (lang.t(&format!("outbox.status.{}", row.status))) }
                                    @if row.attempts > 1 || (row.status != "sent" && row.attempts > 0) {
                                        " (" (lang.tf("outbox.attempts", &[("n", &row.attempts)])) ")"
                                    }
                                    @if let Some(error) = &row.last_error { br; small { (error) } }
                                }
                                td { (forms::post_button(ctx, &format!("/outbox/{}/resend", row.id), lang.t("outbox.resend"), &[("back", &ctx.path)])) }
                            }
                        }
                    }
                }
            }
        }
    }
}

pub fn outbox(ctx: &PageContext, delivery: &Delivery, rows: &[OutboxRow]) -> Markup {
    let lang = ctx.lang;
    layout::page(
        ctx,
        lang.t("outbox.title"),
        html! {
            p.back { a href="/admin" { (lang.t("admin.title")) } }
            h1 { (lang.t("outbox.title")) }
            (delivery_notice(lang, delivery))
            (outbox_table(ctx, rows))
        },
    )
}

pub fn audit(ctx: &PageContext, rows: &[AuditRow]) -> Markup {
    let lang = ctx.lang;
    layout::page(
        ctx,
        lang.t("audit.title"),
        html! {
            p.back { a href="/admin" { (lang.t("admin.title")) } }
            h1 { (lang.t("audit.title")) }
            div.table tabindex="0" role="region" aria-label=(lang.t("audit.title")) {
                table {
                    thead { tr {
                        th scope="col" { (lang.t("audit.when")) }
                        th scope="col" { (lang.t("audit.who")) }
                        th scope="col" { (lang.t("audit.what")) }
                        th scope="col" { (lang.t("audit.subject")) }
                        th scope="col" { (lang.t("audit.address")) }
                    } }
                    tbody {
                        @for row in rows {
                            tr {
                                td { (when(lang, row.at)) }
                                td { (row.actor_email.as_deref().unwrap_or("—")) }
                                td { code { (row.action) } }
                                td { (row.subject.as_deref().unwrap_or("")) }
                                td { (row.address.as_deref().unwrap_or("")) }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// What an event's management page shows besides its invitation form.
pub struct EventPage<'a> {
    pub event: &'a Event,
    pub team: &'a [(String, UserRow)],
    pub sessions: &'a [Session],
    pub outbox: &'a [OutboxRow],
}

pub fn manage_event(
    ctx: &PageContext,
    page: &EventPage<'_>,
    form: &InviteForm,
    errors: &[FieldError],
    invited: bool,
) -> Markup {
    let lang = ctx.lang;
    let EventPage {
        event,
        team,
        sessions,
        outbox,
    } = *page;
    let roles = vec![
        ("speaker".to_owned(), lang.t("role.speaker").to_owned()),
        ("organiser".to_owned(), lang.t("role.organiser").to_owned()),
    ];
    layout::page(
        ctx,
        &event.title,
        html! {
            p.back { a href={ "/events/" (event.slug) } { (lang.t("manage.public_page")) } }
            h1 { (event.title) }
            p {
                strong { (lang.t(if event.published { "manage.published" } else { "manage.draft" })) }
                " · " a href={ "/manage/events/" (event.slug) "/edit" } { (lang.t("manage.edit")) }
            }
            p {
                (lang.t("agenda.total_jp")) ": "
                strong { (super::sessions::total_jp(lang, total_jp(sessions), sessions.len())) }
            }
            @let toggle = if event.published { ("0", lang.t("manage.unpublish")) } else { ("1", lang.t("manage.publish")) };
            (forms::post_button(ctx, &format!("/manage/events/{}/publish", event.slug), toggle.1, &[("published", toggle.0)]))
            nav aria-label=(lang.t("manage.sections")) {
                ul.links {
                    li { a href={ "/manage/events/" (event.slug) "/registrations" } { (lang.t("roster.title")) } }
                    li { a href={ "/manage/events/" (event.slug) "/questions" } { (lang.t("questions.title")) } }
                    li { a href={ "/manage/events/" (event.slug) "/sessions" } { (lang.t("session.title")) } }
                }
            }
            section aria-labelledby="team" {
                h2 #team { (lang.t("manage.team")) }
                @if team.is_empty() {
                    p { (lang.t("manage.no_team")) }
                } @else {
                    ul {
                        @for (role, user) in team {
                            li { (user.name) " <" (user.email) "> — " (lang.t(&format!("role.{role}"))) }
                        }
                    }
                }
            }
            section aria-labelledby="invite" {
                h2 #invite { (lang.t("manage.invite")) }
                @if invited { p.success role="status" { (lang.t("admin.invite.sent")) } }
                (summary(lang, errors))
                form method="post" action={ "/manage/events/" (event.slug) "/invitations" } novalidate {
                    (csrf(ctx))
                    (input(lang, Field::new("name", lang.t("account.name"), "text", &form.name), errors))
                    (input(lang, Field::new("email", lang.t("account.email"), "email", &form.email), errors))
                    (select(lang, "role", lang.t("manage.role"), &roles, &form.role, errors))
                    (select(lang, "lang", lang.t("admin.invite.lang"), &language_options(), &form.lang, errors))
                    button type="submit" { (lang.t("admin.invite.submit")) }
                }
            }
            section aria-labelledby="mail" {
                h2 #mail { (lang.t("outbox.title")) }
                (outbox_table(ctx, outbox))
            }
        },
    )
}

/// Creating or editing an event: every time in the event's own zone.
pub fn event_form(
    ctx: &PageContext,
    heading: &str,
    action: &str,
    form: &EventForm,
    errors: &[FieldError],
) -> Markup {
    let lang = ctx.lang;
    let t = |key| lang.t(key);
    // A new event's form offers the defaults rather than an empty field
    // that would mean "no reminders".
    let defaults = SessionTiming::default();
    let pair = |date: (&str, &str), time: (&str, &str), legend: &str, required: bool| {
        let date_field = Field::new(date.0, t("event.form.date"), "date", date.1);
        let time_field = Field::new(time.0, t("event.form.time"), "time", time.1);
        let (date_field, time_field) = if required {
            (date_field, time_field)
        } else {
            (date_field.optional(), time_field.optional())
        };
        html! {
            fieldset.pair {
                legend { (legend) }
                (input(lang, date_field, errors))
                (input(lang, time_field, errors))
            }
        }
    };
    layout::page(
        ctx,
        heading,
        html! {
            p.back { a href="/my" { (t("my.title")) } }
            h1 { (heading) }
            (summary(lang, errors))
            form method="post" action=(action) novalidate {
                (csrf(ctx))
                (input(lang, Field::new("title", t("event.form.title"), "text", &form.title), errors))
                (input(lang, Field::new("slug", t("event.form.slug"), "text", &form.slug).hint(t("event.form.slug_hint")), errors))
                (input(lang, Field::new("organiser_office", t("event.organiser"), "text", &form.organiser_office), errors))
                (textarea(lang, "description", t("event.about"), &form.description, None, errors))
                (input(lang, Field::new("time_zone", t("event.time_zone"), "text", &form.time_zone).hint(t("event.form.zone_hint")), errors))
                (pair(("start_date", &form.start_date), ("start_time", &form.start_time), t("event.form.starts"), true))
                (pair(("end_date", &form.end_date), ("end_time", &form.end_time), t("event.form.ends"), true))
                (input(lang, Field::new("seat_quota", t("event.form.quota"), "number", &form.seat_quota).optional().hint(t("event.form.quota_hint")), errors))
                (checkbox(lang, "moderated", t("event.form.moderated"), form.moderated.is_some(), Some(t("event.form.moderated_hint")), errors))
                (pair(("opens_date", &form.opens_date), ("opens_time", &form.opens_time), t("event.form.opens"), false))
                (pair(("closes_date", &form.closes_date), ("closes_time", &form.closes_time), t("event.form.closes"), false))
                (input(lang, Field::new("contact", t("event.form.contact"), "text", &form.contact).optional(), errors))
                (input(lang, Field::new("reminder_minutes", t("event.form.reminders"), "text", form.reminder_minutes.as_deref().unwrap_or(&format_reminder_minutes(&defaults.reminder_minutes))).optional().hint(t("event.form.reminders_hint")), errors))
                (input(lang, Field::new("join_links_before_minutes", t("event.form.join_links"), "number", form.join_links_before_minutes.as_deref().unwrap_or(&defaults.join_links_before_minutes.to_string())).hint(t("event.form.join_links_hint")), errors))
                button type="submit" { (t("event.form.save")) }
            }
        },
    )
}
