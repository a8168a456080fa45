//! Organisers' pages of an event: its management page and its form.

use maud::{Markup, html};

use super::admin::{InviteForm, language_options, outbox_page, outbox_table};
use super::forms::{self, Errors, Field, checkbox, csrf, input, select, summarised, textarea};
use super::{format, layout};
use crate::domain::account::EventRole;
use crate::domain::action_plan::LateRule;
use crate::domain::attendance::Rules;
use crate::domain::event::{Event, FieldError};
use crate::domain::event::{EventForm, late_rule_name};
use crate::domain::session::{Session, total_jp};
use crate::domain::timing::{SessionTiming, format_reminder_minutes};
use crate::i18n::Lang;
use crate::services::mail::OutboxPage;
use crate::services::{OutboxRow, UserRow};
use crate::web::extract::PageContext;

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
    let roles: Vec<(String, String)> = [
        EventRole::Speaker,
        EventRole::Reviewer,
        EventRole::Organiser,
    ]
    .into_iter()
    .map(|role| (role.as_str().to_owned(), lang.label(role).to_owned()))
    .collect();
    let form_errors = errors;
    let errors = &Errors::new(form_errors);
    layout::page(
        ctx,
        &forms::title(lang, form_errors, &event.title),
        html! {
            p.back { a href={ "/events/" (event.slug) } { (lang.t("manage.public_page")) } }
            h1 lang=[format::authored(lang)] { (event.title) }
            p {
                strong { (lang.t(if event.published { "manage.published" } else { "manage.draft" })) }
                " · " a href={ "/manage/events/" (event.slug) "/edit" } { (lang.t("manage.edit")) }
            }
            p {
                (lang.t("agenda.total_jp")) ": "
                strong { (super::sessions::total_jp(lang, total_jp(sessions), sessions.len())) }
            }
            @let toggle = if event.published { ("0", lang.t("manage.unpublish"), forms::Look::Withdraw) } else { ("1", lang.t("manage.publish"), forms::Look::Primary) };
            (forms::post_button(ctx, &format!("/manage/events/{}/publish", event.slug), toggle.1, &[("published", toggle.0)], toggle.2))
            nav aria-label=(lang.t("manage.sections")) {
                ul.links {
                    li { a href={ "/manage/events/" (event.slug) "/registrations" } { (lang.t("roster.title")) } }
                    li { a href={ "/manage/events/" (event.slug) "/questions" } { (lang.t("questions.title")) } }
                    li { a href={ "/manage/events/" (event.slug) "/sessions" } { (lang.t("session.title")) } }
                    li { a href={ "/manage/events/" (event.slug) "/attendance" } { (lang.t("attendance.title")) } }
                    li { a href={ "/manage/events/" (event.slug) "/plans" } { (lang.t("plan.list_title")) } }
                    li { a href={ "/manage/events/" (event.slug) "/materials" } { (lang.t("material.overview_title")) } }
                    li { a href={ "/manage/events/" (event.slug) "/certificates" } { (lang.t("certificates.title")) } }
                }
            }
            section aria-labelledby="team" {
                h2 #team { (lang.t("manage.team")) }
                @if team.is_empty() {
                    p { (lang.t("manage.no_team")) }
                } @else {
                    ul {
                        @for (role, user) in team {
                            li {
                                (user.name) " <" (user.email) "> — " (lang.t(&format!("role.{role}")))
                                @if role == EventRole::Speaker.as_str() {
                                    " · " a href=(super::profiles::speaker_path(event, &user.id)) { (lang.t("profile.link")) span.visually-hidden { ": " (user.name) } }
                                }
                            }
                        }
                    }
                }
            }
            section aria-labelledby="invite" {
                h2 #invite { (lang.t("manage.invite")) }
                @if invited { p.success role="status" { (lang.t("admin.invite.sent")) } }
                (summarised(lang, errors, html! { form method="post" action={ "/manage/events/" (event.slug) "/invitations" } novalidate {
                    (csrf(ctx))
                    (input(lang, Field::new("name", lang.t("account.name"), "text", &form.name), errors))
                    (input(lang, Field::new("email", lang.t("account.email"), "email", &form.email), errors))
                    (select(lang, "role", lang.t("manage.role"), &roles, &form.role, errors))
                    (select(lang, "lang", lang.t("admin.invite.lang"), &language_options(), &form.lang, errors))
                    button type="submit" { (lang.t("admin.invite.submit")) }
                } }))
            }
            section aria-labelledby="mail" {
                h2 #mail { (lang.t("outbox.title")) }
                (outbox_table(ctx, outbox))
                @if !outbox.is_empty() {
                    p { a href={ "/manage/events/" (event.slug) "/outbox" } { (lang.t("outbox.all")) } }
                }
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
    let form_errors = errors;
    let errors = &Errors::new(form_errors);
    let pair = |date: (&str, &str), time: (&str, &str), legend: &str, required: bool| {
        let date_name = format!("{legend} – {}", t("event.form.date"));
        let time_name = format!("{legend} – {}", t("event.form.time"));
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
                (input(lang, date_field.summary_label(&date_name), errors))
                (input(lang, time_field.summary_label(&time_name), errors))
            }
        }
    };
    let late_rules: Vec<(String, String)> = [LateRule::Accept, LateRule::Refuse]
        .into_iter()
        .map(|rule| {
            let name = late_rule_name(rule);
            (
                name.to_owned(),
                lang.t(&format!("event.form.plan_late_{name}")).to_owned(),
            )
        })
        .collect();
    let late_chosen = if form.plan_late == late_rule_name(LateRule::Refuse) {
        late_rule_name(LateRule::Refuse)
    } else {
        late_rule_name(LateRule::Accept)
    };
    layout::page(
        ctx,
        &forms::title(lang, form_errors, heading),
        html! {
            p.back { a href="/my" { (t("my.title")) } }
            h1 { (heading) }
            (summarised(lang, errors, html! { form method="post" action=(action) novalidate {
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
                (rules_fields(lang, form, errors))
                fieldset.field {
                    legend { (t("event.form.plans")) }
                    p.hint { (t("event.form.plans_hint")) }
                    (pair(("plan_due_date", &form.plan_due_date), ("plan_due_time", &form.plan_due_time), t("event.form.plan_due"), false))
                    (forms::radios(lang, "plan_late", t("event.form.plan_late"), &late_rules, late_chosen, true, errors))
                }
                button type="submit" { (t("event.form.save")) }
            } }))
        },
    )
}

/// What attending takes, under its own legend; a new event's form offers
/// the common practice.
fn rules_fields(lang: Lang, form: &EventForm, errors: &Errors<'_>) -> Markup {
    let t = |key| lang.t(key);
    let defaults = Rules::default();
    let fields = [
        (
            "late_after_minutes",
            "event.form.late_after",
            &form.late_after_minutes,
            defaults.late_after_minutes,
        ),
        (
            "left_early_minutes",
            "event.form.left_early",
            &form.left_early_minutes,
            defaults.left_early_minutes,
        ),
        (
            "session_percent",
            "event.form.session_percent",
            &form.session_percent,
            defaults.session_percent,
        ),
        (
            "event_percent",
            "event.form.event_percent",
            &form.event_percent,
            defaults.event_percent,
        ),
    ];
    html! {
        fieldset.field {
            legend { (t("event.form.rules")) }
            p.hint { (t("event.form.rules_hint")) }
            @for (name, label, value, default) in fields {
                @let default = default.to_string();
                (input(lang, Field::new(name, t(label), "number", value.as_deref().unwrap_or(&default)), errors))
            }
        }
    }
}

pub fn outbox(ctx: &PageContext, event: &Event, page: &OutboxPage) -> Markup {
    let lang = ctx.lang;
    let base = format!("/manage/events/{}/outbox", event.slug);
    layout::page(
        ctx,
        lang.t("outbox.title"),
        html! {
            p.back { a href={ "/manage/events/" (event.slug) } lang=[format::authored(lang)] { (event.title) } }
            h1 { (lang.t("outbox.title")) }
            (outbox_page(ctx, &base, page))
        },
    )
}
