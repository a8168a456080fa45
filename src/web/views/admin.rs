//! The administrator's pages and the parts organisers share with them
//! (the invitation form, the outbox table).

use chrono::{DateTime, Utc};
use maud::{Markup, html};

use super::forms::{self, Errors, Field, csrf, input, select, summarised};
use super::layout;
use crate::domain::event::{Event, FieldError};
use crate::domain::outbox::OutboxStatus;
use crate::i18n::{Labelled, Lang};
use crate::integrations::mail::Delivery;
use crate::services::mail::OutboxPage;
use crate::services::{AuditRow, OutboxRow, UserRow};
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

/// A user's standing in plain words: staff by their role, everyone else
/// by whether they sign in with a password (a bimtek's team) or a link.
fn roles(lang: Lang, user: &UserRow) -> String {
    let mut roles = Vec::new();
    if user.is_admin {
        roles.push(lang.t("role.admin"));
    }
    if user.is_organiser {
        roles.push(lang.t("role.organiser"));
    }
    if roles.is_empty() {
        roles.push(lang.t(if user.password_hash.is_some() {
            "role.member"
        } else {
            "role.participant"
        }));
    }
    roles.join(", ")
}

/// What an audit line records, in words; a code the catalogue does not
/// know stays as it was written.
fn action(lang: Lang, code: &str) -> Markup {
    match lang.find(&format!("audit.action.{code}")) {
        Some(words) => html! { (words) },
        None => html! { code { (code) } },
    }
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
    let form_errors = errors;
    let errors = &Errors::new(form_errors);
    layout::page(
        ctx,
        &forms::title(lang, form_errors, lang.t("admin.title")),
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
                (summarised(lang, errors, html! { form method="post" action="/admin/invitations" novalidate {
                    (csrf(ctx))
                    (input(lang, Field::new("name", lang.t("account.name"), "text", &form.name), errors))
                    (input(lang, Field::new("email", lang.t("account.email"), "email", &form.email), errors))
                    (select(lang, "event_id", lang.t("admin.invite.event"), &event_options, &form.event_id, errors))
                    (select(lang, "lang", lang.t("admin.invite.lang"), &language_options(), &form.lang, errors))
                    button type="submit" { (lang.t("admin.invite.submit")) }
                } }))
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
                                        (roles(lang, user))
                                        @if user.password_hash.is_none() && (user.is_admin || user.is_organiser) { " (" (lang.t("admin.no_password")) ")" }
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
                                    span class={ "state " (row.status.name()) } { (lang.label(row.status)) }
                                    @if row.attempts > 1 || (row.status != OutboxStatus::Sent && row.attempts > 0) {
                                        " (" (lang.tf("outbox.attempts", &[("n", &row.attempts)])) ")"
                                    }
                                    @if let Some(error) = &row.last_error { br; small { (error) } }
                                }
                                td { (forms::post_button(ctx, &format!("/outbox/{}/resend", row.id), lang.t("outbox.resend"), &[("back", &ctx.path)], forms::Look::Secondary)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// One page of messages and the links to the newer and older ones.
pub fn outbox_page(ctx: &PageContext, base: &str, page: &OutboxPage) -> Markup {
    let lang = ctx.lang;
    html! {
        @if page.number > 0 {
            p role="status" { (lang.tf("outbox.page", &[("n", &(page.number + 1))])) }
        }
        (outbox_table(ctx, &page.rows))
        @if page.number > 0 || page.more {
            nav.pages aria-label=(lang.t("outbox.pages")) {
                @if page.number > 0 {
                    a rel="prev" href={ (base) "?page=" (page.number - 1) } { "← " (lang.t("outbox.newer")) }
                    " "
                }
                @if page.more {
                    a rel="next" href={ (base) "?page=" (page.number + 1) } { (lang.t("outbox.older")) " →" }
                }
            }
        }
    }
}

pub fn outbox(ctx: &PageContext, delivery: &Delivery, page: &OutboxPage) -> Markup {
    let lang = ctx.lang;
    layout::page(
        ctx,
        lang.t("outbox.title"),
        html! {
            p.back { a href="/admin" { (lang.t("admin.title")) } }
            h1 { (lang.t("outbox.title")) }
            (delivery_notice(lang, delivery))
            (outbox_page(ctx, "/admin/outbox", page))
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
                                td { (action(lang, &row.action)) }
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
