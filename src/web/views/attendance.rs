//! Attendance: the organisers' pages of a session, of the event and of one
//! participant, the printable attendance list (daftar hadir), and the
//! explanation a participant reads on their own page.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use maud::{Markup, html};
use serde::Deserialize;

use super::by_region::{self, Counted, Labels};
use super::forms::{self, Errors, Field, csrf, input, pages_of, radios, select, summarised};
use super::{format, layout};
use crate::domain::attendance::{
    EntryForm, EventResult, Outcome, SessionAttendance, SessionResult, Status,
};
use crate::domain::event::{Event, FieldError};
use crate::domain::region::Directory;
use crate::domain::session::{Delivery, Session};
use crate::i18n::attendance::{outcome_text, status_text};
use crate::i18n::{Lang, dates};
use crate::services::attendance::results::{Sheet, Standing};
use crate::services::attendance::review::{Answers, Queue, Unknown};
use crate::web::extract::PageContext;

/// Rows per page of the attendance lists.
pub const PAGE_SIZE: usize = 30;

pub fn event_path(event: &Event) -> String {
    format!("/manage/events/{}/attendance", event.slug)
}

pub fn session_path(event: &Event, session_id: &str) -> String {
    format!(
        "/manage/events/{}/sessions/{session_id}/attendance",
        event.slug
    )
}

pub fn participant_path(event: &Event, registration_id: &str) -> String {
    format!("{}/participants/{registration_id}", event_path(event))
}

/// A moment on the event's clock: "09.02".
fn clock(lang: Lang, at: DateTime<Utc>, zone: Tz) -> String {
    dates::time(lang, &at.with_timezone(&zone))
}

fn minutes(lang: Lang, attended: u32, scheduled: u32) -> String {
    lang.tf(
        "attendance.minutes",
        &[("attended", &attended), ("scheduled", &scheduled)],
    )
}

/// When someone was first in and last out: "09.02–10.55".
fn times(lang: Lang, attendance: &SessionAttendance, zone: Tz) -> String {
    match (attendance.first_in, attendance.last_out) {
        (Some(first), Some(last)) => {
            format!("{}–{}", clock(lang, first, zone), clock(lang, last, zone))
        }
        (Some(first), None) => clock(lang, first, zone),
        _ => "—".to_owned(),
    }
}

fn sources(lang: Lang, standing: &Standing, index: usize) -> String {
    let found = standing.sources(index);
    if found.is_empty() {
        "—".to_owned()
    } else {
        found
            .iter()
            .map(|s| lang.label(*s))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The status filter of a session's list, by its name in the address.
fn status_matches(name: &str, status: &Status) -> bool {
    match (name, status) {
        ("present", Status::Present { .. }) => true,
        ("late", Status::Present { late, .. }) => *late,
        ("left_early", Status::Present { left_early, .. }) => *left_early,
        ("absent", Status::Absent) => true,
        ("excused", Status::Excused { .. }) => true,
        ("", _) => true,
        _ => false,
    }
}

fn back(href: &str, text: &str, authored: Option<&str>) -> Markup {
    html! { p.back { a href=(href) { "← " span lang=[authored] { (text) } } } }
}

/// The address of a session's list and of its filters.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct SessionQuery {
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub page: Option<usize>,
    /// The participant whose excuse form is open.
    #[serde(default)]
    pub excuse: String,
}

/// The excuse form as sent.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ExcuseForm {
    pub registration_id: String,
    pub reason: String,
    pub withdraw: Option<String>,
}

pub struct SessionPage<'a> {
    pub event: &'a Event,
    pub sheet: &'a Sheet,
    pub index: usize,
    pub query: &'a SessionQuery,
    /// The excuse form being filled in, and its messages.
    pub excuse: Option<(&'a ExcuseForm, &'a [FieldError])>,
    /// People seen in the session whom nobody identified yet.
    pub awaiting_review: usize,
}

/// One session: who was there, for how long, by what evidence.
pub fn session_page(ctx: &PageContext, page: &SessionPage<'_>) -> Markup {
    let lang = ctx.lang;
    let (event, sheet, index) = (page.event, page.sheet, page.index);
    let session = &sheet.sessions[index];
    let base = session_path(event, &session.id);
    let tally = sheet.tally(index);
    let filter = page.query.status.as_str();
    let shown: Vec<&Standing> = sheet
        .standings
        .iter()
        .filter(|s| status_matches(filter, &s.sessions[index].attendance.status))
        .collect();
    let number = page.query.page.unwrap_or(0);
    let heading = lang.tf(
        "attendance.session_title",
        &[("session", &session.plan.title)],
    );
    let errors = page.excuse.map_or(&[][..], |(_, e)| e);
    let counts = [
        ("present", tally.present),
        ("late", tally.late),
        ("left_early", tally.left_early),
        ("absent", tally.absent),
        ("excused", tally.excused),
    ];
    let filter_query = if filter.is_empty() {
        String::new()
    } else {
        format!("status={filter}&")
    };
    layout::page(
        ctx,
        &forms::title(lang, errors, &heading),
        html! {
            (back(&event_path(event), lang.t("attendance.title"), None))
            h1 lang=[format::authored(lang)] { (heading) }
            p.when { (format::span(lang, session.plan.starts_at, session.plan.ends_at, event.time_zone)) }
            p.meta {
                (minutes_of_session(lang, session))
                " · " (lang.t(if session.plan.mandatory { "session.mandatory" } else { "session.optional" }))
            }
            ul.links {
                li { a href={ (base) "/print" } { (lang.t("attendance.print")) } }
                li { a href={ (event_path(event)) "/review" } { (lang.tf("attendance.awaiting_review", &[("n", &page.awaiting_review)])) } }
                // Held online: Zoom's report, read by bimtek or uploaded.
                @if !matches!(session.plan.delivery, Delivery::InPerson { .. }) {
                    li { a href={ (base) "/import" } { (lang.t("session.zoom_report")) } }
                }
            }
            @if let Some((form, errors)) = page.excuse {
                (excuse_form(ctx, event, session, sheet, form, errors))
            }
            ul.counts {
                li { a href=(base) aria-current=[filter.is_empty().then_some("true")] { (lang.t("attendance.everyone")) } ": " strong { (sheet.standings.len()) } }
                @for (name, n) in counts {
                    li { a href={ "?status=" (name) } aria-current=[(filter == name).then_some("true")] { (lang.t(&format!("attendance.filter.{name}"))) } ": " strong { (n) } }
                }
            }
            @if shown.is_empty() {
                p { (lang.t("attendance.nobody")) }
            } @else {
                div.table tabindex="0" role="region" aria-labelledby="list-caption" {
                    // Rows stack on a phone: each cell says its column.
                    table.stack {
                        caption #list-caption { (lang.t("attendance.participants")) }
                        thead { tr {
                            th scope="col" { (lang.t("registration.full_name")) }
                            th scope="col" { (lang.t("attendance.minutes_column")) }
                            th scope="col" { (lang.t("attendance.status_column")) }
                            th scope="col" { (lang.t("attendance.source_column")) }
                            th scope="col" { (lang.t("attendance.excuse_column")) }
                        } }
                        tbody {
                            @for standing in shown.iter().skip(number * PAGE_SIZE).take(PAGE_SIZE) {
                                @let a = &standing.sessions[index].attendance;
                                tr {
                                    td { a href={ (participant_path(event, &standing.attendee.id)) } { (standing.attendee.full_name) } }
                                    td data-label=(lang.t("attendance.minutes_column")) { (minutes(lang, a.attended_minutes, a.scheduled_minutes)) br; small { (times(lang, a, event.time_zone)) } }
                                    td data-label=(lang.t("attendance.status_column")) { (status_text(lang, a, sheet.now)) }
                                    td data-label=(lang.t("attendance.source_column")) { (sources(lang, standing, index)) }
                                    // This page's own address with another query:
                                    // the full path on every row weighs 2 KB.
                                    td { a href={ "?excuse=" (standing.attendee.id) "#excuse" } { (lang.t("attendance.excuse")) span.visually-hidden { ": " (standing.attendee.full_name) } } }
                                }
                            }
                        }
                    }
                }
                (pages_of(lang, (&base, &filter_query), number, shown.len(), PAGE_SIZE))
            }
        },
    )
}

fn minutes_of_session(lang: Lang, session: &Session) -> String {
    let scheduled = (session.plan.ends_at - session.plan.starts_at).num_minutes();
    lang.tf("attendance.scheduled", &[("n", &scheduled)])
}

fn excuse_form(
    ctx: &PageContext,
    event: &Event,
    session: &Session,
    sheet: &Sheet,
    form: &ExcuseForm,
    errors: &[FieldError],
) -> Markup {
    let lang = ctx.lang;
    let Some(standing) = sheet
        .standings
        .iter()
        .find(|s| s.attendee.id == form.registration_id)
    else {
        return html! {};
    };
    let index = sheet.index_of(&session.id).unwrap_or(0);
    let excused = match &standing.sessions[index].attendance.status {
        Status::Excused { reason } => Some(reason.as_str()),
        _ => None,
    };
    let reason = if form.reason.is_empty() {
        excused.unwrap_or("")
    } else {
        &form.reason
    };
    let action = format!("{}/excuses", session_path(event, &session.id));
    let errors = &Errors::new(errors);
    html! {
        section #excuse aria-labelledby="excuse-title" {
            h2 #excuse-title { (lang.tf("attendance.excuse_for", &[("name", &standing.attendee.full_name)])) }
            p.hint { (lang.t("attendance.excuse_hint")) }
            (summarised(lang, errors, html! { form method="post" action=(action) novalidate {
                (csrf(ctx))
                input type="hidden" name="registration_id" value=(standing.attendee.id);
                (input(lang, Field::new("reason", lang.t("attendance.reason"), "text", reason), errors))
                button type="submit" { (lang.t("attendance.excuse_save")) }
            } }))
            @if excused.is_some() {
                (forms::post_button(ctx, &action, lang.t("attendance.excuse_withdraw"), &[("registration_id", &standing.attendee.id), ("withdraw", "1")], forms::Look::Withdraw))
            }
        }
    }
}

/// The address of the event's list and of its filter.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct EventQuery {
    /// `below`: only those below the minimum.
    #[serde(default)]
    pub show: String,
    #[serde(default)]
    pub page: Option<usize>,
    /// The province whose regencies the counts by region show.
    #[serde(default)]
    pub province: String,
}

pub struct EventPage<'a> {
    pub event: &'a Event,
    pub sheet: &'a Sheet,
    pub regions: &'a Directory,
    pub query: &'a EventQuery,
    /// People awaiting review, per session id.
    pub awaiting_review: &'a HashMap<String, usize>,
}

fn percent_text(lang: Lang, result: &EventResult<usize>) -> String {
    match result.percent {
        Some(percent) => lang.tf(
            "attendance.total",
            &[
                ("attended", &result.attended_minutes),
                ("scheduled", &result.scheduled_minutes),
                ("percent", &percent),
            ],
        ),
        None => "—".to_owned(),
    }
}

/// The event: each participant's result, who is below the minimum, the
/// sessions' pages, counts by region and the exports.
pub fn event_page(ctx: &PageContext, page: &EventPage<'_>) -> Markup {
    let lang = ctx.lang;
    let (event, sheet) = (page.event, page.sheet);
    let base = event_path(event);
    let below = page.query.show == "below";
    let shown: Vec<&Standing> = sheet
        .standings
        .iter()
        .filter(|s| !below || s.below_minimum())
        .collect();
    let below_count = sheet.standings.iter().filter(|s| s.below_minimum()).count();
    let passed = sheet
        .standings
        .iter()
        .filter(|s| s.result.computed != Outcome::NotYet && s.result.passed())
        .count();
    let number = page.query.page.unwrap_or(0);
    let rules = &event.rules;
    let region = |code: &str| {
        page.regions
            .find(code)
            .map_or(code, |r| r.name.as_str())
            .to_owned()
    };
    layout::page(
        ctx,
        &format!("{}: {}", lang.t("attendance.title"), event.title),
        html! {
            (back(&format!("/manage/events/{}", event.slug), &event.title, format::authored(lang)))
            h1 { (lang.t("attendance.title")) }
            p.lead lang=[format::authored(lang)] { (event.title) }
            p {
                (lang.tf("attendance.rules", &[
                    ("session", &rules.session_percent),
                    ("event", &rules.event_percent),
                    ("late", &rules.late_after_minutes),
                    ("early", &rules.left_early_minutes),
                ]))
                " " a href={ "/manage/events/" (event.slug) "/edit" } { (lang.t("attendance.rules_edit")) }
            }
            @if sheet.running() { p.notice { (lang.t("attendance.so_far")) } }
            ul.counts {
                li { a href=(base) aria-current=[(!below).then_some("true")] { (lang.t("attendance.everyone")) } ": " strong { (sheet.standings.len()) } }
                li { (lang.t("attendance.outcome.passed")) ": " strong { (passed) } }
                li { a href={ (base) "?show=below" } aria-current=[below.then_some("true")] { (lang.t("attendance.outcome.below")) } ": " strong { (below_count) } }
            }
            ul.links {
                li { a href={ (base) "/export?format=csv" } { (lang.t("roster.export_csv")) } }
                li { a href={ (base) "/export?format=xlsx" } { (lang.t("roster.export_xlsx")) } }
                li { a href={ (base) "/review" } { (lang.tf("attendance.awaiting_review", &[("n", &page.awaiting_review.values().sum::<usize>())])) } }
            }
            section aria-labelledby="sessions" {
                h2 #sessions { (lang.t("session.title")) }
                @if sheet.sessions.is_empty() {
                    p { (lang.t("session.none")) }
                } @else {
                    ul {
                        @for (i, session) in sheet.sessions.iter().enumerate() {
                            @let tally = sheet.tally(i);
                            li {
                                a href=(session_path(event, &session.id)) lang=[format::authored(lang)] { (session.plan.title) }
                                " · " (lang.tf("attendance.session_tally", &[("present", &tally.present), ("absent", &tally.absent), ("excused", &tally.excused)]))
                                " · " a href={ (session_path(event, &session.id)) "/print" } { (lang.t("attendance.print")) span.visually-hidden { ": " (session.plan.title) } }
                            }
                        }
                    }
                }
            }
            section aria-labelledby="participants" {
                h2 #participants { (lang.t(if below { "attendance.below_title" } else { "attendance.participants" })) }
                @if shown.is_empty() {
                    p { (lang.t("attendance.nobody")) }
                } @else {
                    div.table tabindex="0" role="region" aria-labelledby="participants" {
                        table.stack {
                            thead { tr {
                                th scope="col" { (lang.t("registration.full_name")) }
                                th scope="col" { (lang.t("attendance.minutes_column")) }
                                th scope="col" { (lang.t("attendance.result_column")) }
                                th scope="col" { (lang.t("attendance.short_column")) }
                            } }
                            tbody {
                                @for standing in shown.iter().skip(number * PAGE_SIZE).take(PAGE_SIZE) {
                                    tr {
                                        td { a href=(participant_path(event, &standing.attendee.id)) { (standing.attendee.full_name) } br; small { (region(&standing.attendee.regency_code)) } }
                                        td data-label=(lang.t("attendance.minutes_column")) { (percent_text(lang, &standing.result)) }
                                        td data-label=(lang.t("attendance.result_column")) { (outcome_text(lang, &standing.result)) }
                                        td data-label=[(!standing.result.shortfalls.is_empty()).then(|| lang.t("attendance.short_column"))] {
                                            @for (n, short) in standing.result.shortfalls.iter().enumerate() {
                                                @if n > 0 { br; }
                                                span lang=[format::authored(lang)] { (sheet.sessions[short.session].plan.title) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    (pages_of(lang, (&base, if below { "show=below&" } else { "" }), number, shown.len(), PAGE_SIZE))
                }
            }
            (regions_table(lang, sheet, &region, &page.query.province))
        },
    )
}

/// Participants, passed and below the minimum, by region.
fn regions_table(
    lang: Lang,
    sheet: &Sheet,
    region: &dyn Fn(&str) -> String,
    province: &str,
) -> Markup {
    let tallies: Vec<Counted> = sheet
        .by_region()
        .into_iter()
        .map(|t| Counted {
            province_code: t.province_code,
            regency_code: t.regency_code,
            counts: vec![t.participants, t.passed, t.below_minimum],
        })
        .collect();
    let labels = Labels {
        title: lang.t("attendance.by_region"),
        hint: lang.t("attendance.by_region_hint"),
        nobody: lang.t("attendance.nobody"),
        columns: &[
            lang.t("attendance.everyone"),
            lang.t("attendance.outcome.passed"),
            lang.t("attendance.outcome.below"),
        ],
    };
    by_region::table(lang, &labels, &tallies, region, province)
}

/// What a participant's result rests on, in words: "Hadir 212 dari 270
/// menit (78 %); syarat minimal 80 %", the result, an organiser's decision
/// and the sessions that fell short. Shared by the organisers' page and
/// the participant's own.
pub fn explanation(
    lang: Lang,
    sessions: &[Session],
    result: &EventResult<usize>,
    results: &[SessionResult<usize>],
) -> Markup {
    html! {
        @match result.percent {
            Some(percent) => p {
                (lang.tf("attendance.explain", &[
                    ("attended", &result.attended_minutes),
                    ("scheduled", &result.scheduled_minutes),
                    ("percent", &percent),
                    ("required", &result.required_percent),
                ]))
            },
            None => p { (lang.t("attendance.explain_not_yet")) },
        }
        p { (lang.t("attendance.result_column")) ": " strong { (outcome_text(lang, result)) } }
        @if let Some(decision) = &result.overridden {
            p { (lang.tf("attendance.override_reason", &[("reason", &decision.reason)])) }
        }
        @if !result.shortfalls.is_empty() {
            p { (lang.t("attendance.short_title")) }
            ul {
                @for short in &result.shortfalls {
                    li {
                        span lang=[format::authored(lang)] { (sessions[short.session].plan.title) }
                        ": " (minutes(lang, short.attended_minutes, short.scheduled_minutes))
                    }
                }
            }
        }
        @let excused: Vec<_> = results.iter().filter_map(|r| match &r.attendance.status { Status::Excused { reason } => Some((r.session, reason)), _ => None }).collect();
        @if !excused.is_empty() {
            ul {
                @for (session, reason) in excused {
                    li { span lang=[format::authored(lang)] { (sessions[session].plan.title) } ": " (lang.tf("attendance.status.excused", &[("reason", reason)])) }
                }
            }
        }
    }
}

/// The override form as sent: `passed`, `failed`, or `minutes` (the
/// minutes decide again).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct OverrideForm {
    pub decision: String,
    pub reason: String,
}

pub struct ParticipantPage<'a> {
    pub event: &'a Event,
    pub sessions: &'a [Session],
    pub standing: &'a Standing,
    pub regions: &'a Directory,
    pub now: DateTime<Utc>,
    pub override_form: &'a OverrideForm,
    pub entry_form: &'a EntryForm,
    pub errors: &'a [FieldError],
}

/// One participant: each session's minutes and the rows behind them, the
/// event's result, and the organisers' decisions on it.
pub fn participant_page(ctx: &PageContext, page: &ParticipantPage<'_>) -> Markup {
    let lang = ctx.lang;
    let (event, standing) = (page.event, page.standing);
    let attendee = &standing.attendee;
    let region = |code: &str| {
        page.regions
            .find(code)
            .map_or(code, |r| r.name.as_str())
            .to_owned()
    };
    let base = participant_path(event, &attendee.id);
    let form_errors = page.errors;
    let errors = &Errors::new(form_errors);
    let decisions = [
        ("passed", "attendance.decide.passed"),
        ("failed", "attendance.decide.failed"),
        ("minutes", "attendance.decide.minutes"),
    ]
    .map(|(value, key)| (value.to_owned(), lang.t(key).to_owned()));
    let decision = match (
        &page.override_form.decision[..],
        &standing.result.overridden,
    ) {
        ("", Some(o)) if o.passed => "passed",
        ("", Some(_)) => "failed",
        ("", None) => "minutes",
        (typed, _) => typed,
    };
    let reason = match (&page.override_form.reason[..], &standing.result.overridden) {
        ("", Some(o)) => o.reason.as_str(),
        (typed, _) => typed,
    };
    let session_options: Vec<(String, String)> = page
        .sessions
        .iter()
        .map(|s| (s.id.clone(), s.plan.title.clone()))
        .collect();
    layout::page(
        ctx,
        &forms::title(lang, form_errors, &attendee.full_name),
        html! {
            (back(&event_path(event), lang.t("attendance.title"), None))
            h1 { (attendee.full_name) }
            p.lead { (attendee.institution) br; (region(&attendee.regency_code)) ", " (region(&attendee.province_code)) }
            (explanation(lang, page.sessions, &standing.result, &standing.sessions))
            @for (i, session) in page.sessions.iter().enumerate() {
                @let a = &standing.sessions[i].attendance;
                section.session id={ "s-" (session.id) } aria-labelledby={ "t-" (session.id) } {
                    h2 id={ "t-" (session.id) } lang=[format::authored(lang)] { (session.plan.title) }
                    p.when { (format::span(lang, session.plan.starts_at, session.plan.ends_at, event.time_zone)) }
                    p {
                        strong { (status_text(lang, a, page.now)) }
                        " · " (minutes(lang, a.attended_minutes, a.scheduled_minutes))
                        " · " (times(lang, a, event.time_zone))
                    }
                    @if !standing.proofs[i].is_empty() {
                        ul {
                            @for proof in &standing.proofs[i] {
                                li {
                                    (lang.label(proof.source))
                                    @if let Some(how) = proof.matched_by { ", " (lang.label(how)) }
                                    ": "
                                    @match (proof.joined_at, proof.left_at, proof.minutes) {
                                        (Some(j), Some(l), _) => { (clock(lang, j, event.time_zone)) "–" (clock(lang, l, event.time_zone)) }
                                        (Some(j), None, _) => { (clock(lang, j, event.time_zone)) }
                                        (None, _, Some(m)) => { (lang.tf("attendance.total_only", &[("n", &m)])) }
                                        _ => { "—" }
                                    }
                                }
                            }
                        }
                    }
                    p { a href={ (session_path(event, &session.id)) "?excuse=" (attendee.id) "#excuse" } { (lang.t("attendance.excuse")) span.visually-hidden { ": " (session.plan.title) } } }
                }
            }
            (summarised(lang, errors, html! {
                section aria-labelledby="override" {
                    h2 #override { (lang.t("attendance.override_title")) }
                    p.hint { (lang.t("attendance.override_hint")) }
                    form method="post" action=(base) novalidate {
                        (csrf(ctx))
                        (radios(lang, "decision", lang.t("attendance.result_column"), &decisions, decision, true, errors))
                        (input(lang, Field::new("reason", lang.t("attendance.reason"), "text", reason).conditional().hint(lang.t("attendance.reason_hint")), errors))
                        button type="submit" { (lang.t("attendance.override_save")) }
                    }
                }
                @if !page.sessions.is_empty() {
                    section aria-labelledby="entry" {
                        h2 #entry { (lang.t("attendance.entry_title")) }
                        p.hint { (lang.t("attendance.entry_hint")) }
                        form method="post" action={ (base) "/entries" } novalidate {
                            (csrf(ctx))
                            (select(lang, "session_id", lang.t("attendance.entry_session"), &session_options, &page.entry_form.session_id, errors))
                            div.pair {
                                (input(lang, Field::new("from", lang.t("attendance.entry_from"), "time", &page.entry_form.from).optional(), errors))
                                (input(lang, Field::new("until", lang.t("attendance.entry_until"), "time", &page.entry_form.until).optional(), errors))
                            }
                            button.secondary type="submit" { (lang.t("attendance.entry_save")) }
                        }
                    }
                }
            }))
        },
    )
}

/// The attendance list to print and sign (daftar hadir): every confirmed
/// participant with their institution, region and times, and an empty
/// column for their signature.
pub fn print_page(
    ctx: &PageContext,
    event: &Event,
    sheet: &Sheet,
    index: usize,
    regions: &Directory,
) -> Markup {
    let lang = ctx.lang;
    let session = &sheet.sessions[index];
    let region = |code: &str| {
        regions
            .find(code)
            .map_or(code, |r| r.name.as_str())
            .to_owned()
    };
    let heading = lang.t("attendance.print_title");
    layout::page(
        ctx,
        &format!("{heading}: {}", session.plan.title),
        html! {
            (back(&session_path(event, &session.id), &session.plan.title, format::authored(lang)))
            h1 { (heading) }
            dl.facts {
                dt { (lang.t("attendance.print_event")) } dd lang=[format::authored(lang)] { (event.title) }
                dt { (lang.t("attendance.print_session")) } dd lang=[format::authored(lang)] { (session.plan.title) }
                dt { (lang.t("session.when")) } dd { (format::span(lang, session.plan.starts_at, session.plan.ends_at, event.time_zone)) }
                dt { (lang.t("event.organiser")) } dd lang=[format::authored(lang)] { (event.organiser_office) }
            }
            p.hint.no-print { (lang.t("attendance.print_hint")) }
            div.table tabindex="0" role="region" aria-labelledby="print-caption" {
                table.print {
                    caption #print-caption { (heading) }
                    thead { tr {
                        th scope="col" { (lang.t("attendance.number")) }
                        th scope="col" { (lang.t("registration.full_name")) }
                        th scope="col" { (lang.t("registration.institution")) }
                        th scope="col" { (lang.t("roster.region")) }
                        th scope="col" { (lang.t("attendance.times_column")) }
                        th scope="col" { (lang.t("attendance.signature")) }
                    } }
                    tbody {
                        @for (n, standing) in sheet.standings.iter().enumerate() {
                            @let a = &standing.sessions[index].attendance;
                            tr {
                                td { (n + 1) }
                                td { (standing.attendee.full_name) }
                                td { (standing.attendee.institution) }
                                td { (region(&standing.attendee.regency_code)) }
                                td { (times(lang, a, event.time_zone)) }
                                td.signature {}
                            }
                        }
                    }
                }
            }
        },
    )
}

/// People on one page of the review queue.
pub const REVIEW_PAGE: usize = 12;

/// The review queue's address: its page, and the person whose full list
/// of participants is open (by place in the queue).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ReviewQuery {
    #[serde(default)]
    pub page: Option<usize>,
    #[serde(default)]
    pub other: Option<usize>,
}

/// An answer from the review queue as sent: `assign` (with the
/// participant chosen) or `dismiss`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReviewForm {
    pub session_id: String,
    pub identity: String,
    pub registration_id: String,
    pub action: String,
}

pub struct ReviewPage<'a> {
    pub event: &'a Event,
    pub queue: &'a Queue,
    pub query: &'a ReviewQuery,
    /// The answer that came back with a message, and the message.
    pub refused: Option<(&'a ReviewForm, &'a FieldError)>,
}

/// Who was seen and not identified, per session; each with suggestions
/// (ranked by how alike the names are, none chosen beforehand) and the
/// two answers.
pub fn review_page(ctx: &PageContext, page: &ReviewPage<'_>) -> Markup {
    let lang = ctx.lang;
    let (event, queue) = (page.event, page.queue);
    let base = format!("{}/review", event_path(event));
    let number = page.query.page.unwrap_or(0);
    let first = number * REVIEW_PAGE;
    let shown: Vec<(usize, &Unknown)> = queue
        .waiting
        .iter()
        .enumerate()
        .skip(first)
        .take(REVIEW_PAGE)
        .collect();
    let title = lang.t("review.title");
    let refused_at = page.refused.and_then(|(form, _)| {
        queue
            .waiting
            .iter()
            .position(|u| u.session_id == form.session_id && u.identity == form.identity)
    });
    let errors: Vec<FieldError> = page.refused.map(|(_, e)| e.clone()).into_iter().collect();
    layout::page(
        ctx,
        &forms::title(lang, &errors, title),
        html! {
            (back(&event_path(event), lang.t("attendance.title"), None))
            h1 { (title) }
            p.lead lang=[format::authored(lang)] { (event.title) }
            p.hint { (lang.t("review.hint")) }
            p { a href=(answers_path(event)) { (lang.t("review.answers_link")) } }
            @if let (Some((_, error)), Some(at)) = (page.refused, refused_at) {
                div.alert role="alert" {
                    p { strong { (lang.t("form.has_errors")) } }
                    ul { li { a href={ "#u" (at) } { (forms::message(lang, error)) } } }
                }
            }
            @if queue.waiting.is_empty() {
                p { (lang.t("review.none")) }
            }
            @for (i, (n, unknown)) in shown.iter().enumerate() {
                @let session = queue.sessions.iter().find(|s| s.id == unknown.session_id);
                @if i == 0 || shown[i - 1].1.session_id != unknown.session_id {
                    @if let Some(session) = session {
                        h2 lang=[format::authored(lang)] { a href=(session_path(event, &session.id)) { (session.plan.title) } }
                    }
                }
                @let error = page.refused.filter(|_| refused_at == Some(*n)).map(|(_, e)| e);
                (unknown_form(ctx, event, &base, page.query, *n, unknown, queue, error))
            }
            (pages_of(lang, (&base, ""), number, queue.waiting.len(), REVIEW_PAGE))
        },
    )
}

#[allow(clippy::too_many_arguments)]
fn unknown_form(
    ctx: &PageContext,
    event: &Event,
    base: &str,
    query: &ReviewQuery,
    n: usize,
    unknown: &Unknown,
    queue: &Queue,
    error: Option<&FieldError>,
) -> Markup {
    let lang = ctx.lang;
    let zone = event.time_zone;
    let name = if unknown.name.is_empty() {
        lang.t("review.no_name")
    } else {
        &unknown.name
    };
    let other = query.other == Some(n);
    let sources = unknown
        .sources
        .iter()
        .map(|s| lang.label(*s))
        .collect::<Vec<_>>()
        .join(", ");
    let legend = lang.tf("review.who", &[("name", &name)]);
    let error_id = format!("u{n}-error");
    html! {
        section.unknown.invalid[error.is_some()] id={ "u" (n) } aria-labelledby={ "u" (n) "-name" } {
            h3 id={ "u" (n) "-name" } { (name) }
            p.meta {
                @if let Some(email) = &unknown.email { (email) " · " }
                (lang.tf("review.seen", &[("minutes", &unknown.minutes), ("rows", &unknown.rows)]))
                @if let Some(at) = unknown.first_seen { " · " (lang.tf("review.first_seen", &[("time", &clock(lang, at, zone))])) }
                " · " (sources)
            }
            form method="post" action=(base) {
                (csrf(ctx))
                input type="hidden" name="session_id" value=(unknown.session_id);
                input type="hidden" name="identity" value=(unknown.identity);
                @if other {
                    div.field {
                        label for={ "u" (n) "-pick" } { (legend) }
                        select id={ "u" (n) "-pick" } name="registration_id" aria-describedby=[error.map(|_| &error_id)] {
                            option value="" { (lang.t("review.choose")) }
                            @for attendee in &queue.attendees {
                                option value=(attendee.id) { (attendee.full_name) " — " (attendee.institution) }
                            }
                        }
                    }
                } @else {
                    fieldset.field aria-describedby=[error.map(|_| &error_id)] {
                        legend { (legend) }
                        @if unknown.suggestions.is_empty() {
                            p.hint { (lang.t("review.no_suggestion")) }
                        }
                        @for (i, suggestion) in unknown.suggestions.iter().enumerate() {
                            div.choice {
                                input type="radio" id={ "u" (n) "-" (i) } name="registration_id" value=(suggestion.registration_id);
                                label for={ "u" (n) "-" (i) } { (suggestion.full_name) " " small { (lang.tf("review.score", &[("score", &suggestion.score)])) } }
                            }
                        }
                        p { a href={ (base) "?page=" (n / REVIEW_PAGE) "&other=" (n) "#u" (n) } { (lang.t("review.other")) span.visually-hidden { ": " (name) } } }
                    }
                }
                @if let Some(error) = error { p.error id=(error_id) { (forms::message(lang, error)) } }
                button type="submit" name="action" value="assign" { (lang.t("review.assign")) }
                " "
                button.secondary.danger type="submit" name="action" value="dismiss" { (lang.t("review.dismiss")) }
            }
        }
    }
}

pub fn answers_path(event: &Event) -> String {
    format!("{}/review/answers", event_path(event))
}

/// Answers on one page of their list.
pub const ANSWERS_PAGE: usize = 20;

#[derive(Clone, Debug, Default, Deserialize)]
pub struct AnswersQuery {
    #[serde(default)]
    pub page: Option<usize>,
}

/// Taking back the answer for a person in a session, as sent.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct UndoForm {
    pub session_id: String,
    pub identity: String,
}

/// The answers given in the review queue, newest first, each with what it
/// said and a button to take it back.
pub fn answers_page(
    ctx: &PageContext,
    event: &Event,
    answers: &Answers,
    query: &AnswersQuery,
) -> Markup {
    let lang = ctx.lang;
    let base = answers_path(event);
    let number = query.page.unwrap_or(0);
    let title = lang.t("review.answers_title");
    layout::page(
        ctx,
        title,
        html! {
            (back(&format!("{}/review", event_path(event)), lang.t("review.title"), None))
            h1 { (title) }
            p.lead lang=[format::authored(lang)] { (event.title) }
            p.hint { (lang.t("review.answers_hint")) }
            @if answers.answered.is_empty() {
                p { (lang.t("review.answers_none")) }
            }
            @for (n, answer) in answers.answered.iter().enumerate().skip(number * ANSWERS_PAGE).take(ANSWERS_PAGE) {
                @let name = if answer.name.is_empty() { lang.t("review.no_name") } else { &answer.name };
                @let session = answers.sessions.iter().find(|s| s.id == answer.session_id);
                section.unknown id={ "a" (n) } aria-labelledby={ "a" (n) "-name" } {
                    h2 id={ "a" (n) "-name" } { (name) }
                    p.meta {
                        @if let Some(email) = &answer.email { (email) " · " }
                        @if let Some(session) = session { span lang=[format::authored(lang)] { (session.plan.title) } " · " }
                        (lang.tf("review.rows", &[("rows", &answer.rows)]))
                    }
                    p {
                        strong {
                            @match &answer.attendee {
                                Some(attendee) => (lang.tf("review.answer_assigned", &[("name", attendee)])),
                                None => (lang.t("review.answer_dismissed")),
                            }
                        }
                        " · " (format::moment(lang, answer.decided_at, event.time_zone))
                    }
                    form method="post" action=(base) {
                        (csrf(ctx))
                        input type="hidden" name="session_id" value=(answer.session_id);
                        input type="hidden" name="identity" value=(answer.identity);
                        button.secondary type="submit" { (lang.t("review.undo")) span.visually-hidden { ": " (name) } }
                    }
                }
            }
            (pages_of(lang, (&base, ""), number, answers.answered.len(), ANSWERS_PAGE))
        },
    )
}
