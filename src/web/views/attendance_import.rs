//! A session's Zoom participant report: where reading it from Zoom stands,
//! uploading the one downloaded from Zoom, and the preview of what that
//! upload will store, for whom.

use chrono_tz::Tz;
use maud::{Markup, html};

use super::attendance::session_path;
use super::forms::{self, Errors, csrf, summarised};
use super::{format, layout};
use crate::domain::event::{Event, FieldError};
use crate::domain::session::Session;
use crate::domain::time::zone_label;
use crate::export::zoom_csv::Mode;
use crate::i18n::Lang;
use crate::services::attendance::import::{Person, Preview, Warning};
use crate::services::attendance::reports::{JobState, Standing};
use crate::web::extract::PageContext;

pub fn path(event: &Event, session: &Session) -> String {
    format!("{}/import", session_path(event, &session.id))
}

/// How many people each table of the preview names; the rest are counted.
const MATCHED_SHOWN: usize = 20;
const REVIEW_SHOWN: usize = 50;

fn heading(lang: Lang, event: &Event, session: &Session) -> Markup {
    html! {
        p.back { a href=(session_path(event, &session.id)) { "← " (lang.t("attendance_import.attendance")) } }
        h1 { (lang.t("attendance_import.title")) ": " span lang=[format::authored(lang)] { (session.plan.title) } }
    }
}

pub struct UploadPage<'a> {
    pub event: &'a Event,
    pub session: &'a Session,
    pub standing: &'a Standing,
    /// After a confirmed import: how many people it stored.
    pub imported: Option<usize>,
    pub errors: &'a [FieldError],
}

pub fn upload(ctx: &PageContext, page: &UploadPage<'_>) -> Markup {
    let lang = ctx.lang;
    let title = lang.t("attendance_import.title");
    let errors = &Errors::new(page.errors);
    let error = errors.take("file", lang.t("attendance_import.file"));
    let form = html! {
        form method="post" action=(path(page.event, page.session)) enctype="multipart/form-data" {
            (csrf(ctx))
            div.field.invalid[error.is_some()] {
                label for="f-file" { (lang.t("attendance_import.file")) }
                p.hint #f-file-hint { (lang.t("attendance_import.file_hint")) }
                input #f-file type="file" name="file" accept=".csv" required
                    aria-invalid=[error.map(|_| "true")]
                    aria-describedby=(if error.is_some() { "f-file-hint f-file-error" } else { "f-file-hint" });
                @if let Some(error) = error { p.error #f-file-error { (forms::message(lang, error)) } }
            }
            button type="submit" { (lang.t("attendance_import.preview")) }
        }
    };
    layout::page(
        ctx,
        &forms::title(lang, page.errors, title),
        html! {
            (heading(lang, page.event, page.session))
            p { (format::span(lang, page.session.plan.starts_at, page.session.plan.ends_at, page.event.time_zone)) }
            @if let Some(n) = page.imported {
                p.notice role="status" {
                    (lang.tf("attendance_import.imported", &[("n", &n)])) " "
                    a href=(session_path(page.event, &page.session.id)) { (lang.t("attendance_import.see_attendance")) }
                }
            }
            (zoom_report(lang, page.event, page.standing))
            h2 { (lang.t("attendance_import.upload")) }
            p { (lang.t("attendance_import.intro")) }
            (summarised(lang, errors, form))
        },
    )
}

/// Where reading the report from Zoom stands; nothing for a session whose
/// report bimtek never planned to read (not on Zoom).
fn zoom_report(lang: Lang, event: &Event, standing: &Standing) -> Markup {
    let zone = event.time_zone;
    let read: Vec<_> = standing
        .instances
        .iter()
        .filter_map(|i| i.report_read_at)
        .collect();
    html! {
        @if standing.job != JobState::None || !standing.instances.is_empty() {
            h2 { (lang.t("zoom_report.title")) }
            @if let Some(last) = read.iter().max() {
                p { (lang.tf("zoom_report.read", &[("n", &read.len()), ("time", &format::moment(lang, *last, zone))])) }
            }
            @match &standing.job {
                JobState::Planned { at, waiting: None } => p { (lang.tf("zoom_report.planned", &[("time", &format::moment(lang, *at, zone))])) },
                JobState::Planned { at, waiting: Some(_) } => p { (lang.tf("zoom_report.waiting", &[("time", &format::moment(lang, *at, zone))])) },
                JobState::Running => p { (lang.t("zoom_report.running")) },
                JobState::Failed { reason } => p.error { (lang.tf("zoom_report.failed", &[("reason", &lang.tf(&reason.key, &[("detail", &reason.detail)]))])) },
                JobState::Done | JobState::None => {},
            }
        }
    }
}

/// The zones offered, each as its label and IANA name.
fn zone_options(zones: &[Tz], lang: Lang) -> Vec<(String, String)> {
    let now = chrono::Utc::now();
    zones
        .iter()
        .map(|zone| {
            let label = lang.tf(
                "attendance_import.zone_option",
                &[("label", &zone_label(*zone, now)), ("name", &zone.name())],
            );
            (zone.name().to_owned(), label)
        })
        .collect()
}

pub struct PreviewPage<'a> {
    pub event: &'a Event,
    pub session: &'a Session,
    pub preview: &'a Preview,
    pub zones: &'a [Tz],
    /// The zone field's message (a zone not offered), shown with the
    /// preview in the event's zone.
    pub errors: &'a [FieldError],
}

/// What the upload will store, person by person, in the zone shown; the
/// zone can be changed (a GET form: nothing is stored) before confirming.
pub fn preview(ctx: &PageContext, page: &PreviewPage<'_>) -> Markup {
    let lang = ctx.lang;
    let preview = page.preview;
    let action = format!("{}/{}", path(page.event, page.session), preview.id);
    let title = lang.tf(
        "attendance_import.preview_title",
        &[("file", &preview.filename)],
    );
    let errors = &Errors::new(page.errors);
    let matched = preview.matched();
    let review = preview.people.len() - matched;
    let (with_match, for_review) = preview.people.split_at(matched);
    let zone_form = html! {
        form method="get" action=(action) {
            (forms::select(lang, "zone", lang.t("attendance_import.zone"), &zone_options(page.zones, lang), preview.zone.name(), errors))
            p.hint { (lang.t("attendance_import.zone_hint")) }
            button.secondary type="submit" { (lang.t("attendance_import.zone_apply")) }
        }
    };
    layout::page(
        ctx,
        &forms::title(lang, page.errors, &title),
        html! {
            p.back { a href=(path(page.event, page.session)) { "← " (lang.t("attendance_import.title")) } }
            h1 { (title) }
            p { span lang=[format::authored(lang)] { (page.session.plan.title) } ", " (format::span(lang, page.session.plan.starts_at, page.session.plan.ends_at, page.event.time_zone)) }
            @if preview.imported {
                p.notice { (lang.t("attendance_import.done")) }
            }
            @if preview.mode == Mode::UniqueUsers {
                p.notice { (lang.tf("attendance_import.unique_users", &[("minutes", &preview.scheduled_minutes)])) }
            }
            @if !preview.warnings.is_empty() {
                div.alert role="alert" { ul { @for warning in &preview.warnings { li { (warning_text(lang, page.event, warning)) } } } }
            }
            (summarised(lang, errors, zone_form))
            p { (lang.tf("attendance_import.summary", &[("people", &preview.people.len()), ("matched", &matched), ("review", &review)])) }
            @if preview.waiting_room + preview.not_attended > 0 {
                p { (lang.tf("attendance_import.left_out", &[("waiting", &preview.waiting_room), ("absent", &preview.not_attended)])) }
            }
            @if preview.people.is_empty() {
                p { (lang.t("attendance_import.no_rows")) }
            } @else if !preview.imported {
                form method="post" action=(action) {
                    (csrf(ctx))
                    input type="hidden" name="zone" value=(preview.zone.name());
                    button type="submit" { (lang.tf("attendance_import.confirm", &[("n", &preview.people.len()), ("zone", &zone_label(preview.zone, page.session.plan.starts_at))])) }
                }
            }
            @if !with_match.is_empty() {
                (people_table(lang, "matched", lang.t("attendance_import.matched_title"), &with_match[..with_match.len().min(MATCHED_SHOWN)], true))
                @if with_match.len() > MATCHED_SHOWN { p { (lang.tf("attendance_import.more", &[("n", &(with_match.len() - MATCHED_SHOWN))])) } }
            }
            @if !for_review.is_empty() {
                (people_table(lang, "review", lang.t("attendance_import.review_title"), &for_review[..for_review.len().min(REVIEW_SHOWN)], false))
                p.hint { (lang.t("attendance_import.review_hint")) }
                @if for_review.len() > REVIEW_SHOWN { p { (lang.tf("attendance_import.more", &[("n", &(for_review.len() - REVIEW_SHOWN))])) } }
            }
        },
    )
}

fn warning_text(lang: Lang, event: &Event, warning: &Warning) -> String {
    match warning {
        Warning::OtherMeeting { file, session } => lang.tf(
            "attendance_import.warning.other_meeting",
            &[("file", file), ("session", session)],
        ),
        Warning::OtherStart { file } => lang.tf(
            "attendance_import.warning.other_start",
            &[("file", &format::moment(lang, *file, event.time_zone))],
        ),
        Warning::Outside { rows } => lang.tf("attendance_import.warning.outside", &[("n", rows)]),
    }
}

fn people_table(lang: Lang, id: &str, heading: &str, people: &[Person], matched: bool) -> Markup {
    html! {
        h2 id=(id) { (heading) }
        div.table tabindex="0" role="region" aria-labelledby=(id) {
            table {
                thead { tr {
                    th scope="col" { (lang.t("attendance_import.name_in_zoom")) }
                    @if matched {
                        th scope="col" { (lang.t("attendance_import.participant")) }
                    } @else {
                        th scope="col" { (lang.t("attendance_import.email")) }
                        th scope="col" { (lang.t("attendance_import.rows")) }
                    }
                    th scope="col" { (lang.t("attendance_import.minutes")) }
                } }
                tbody {
                    @for person in people {
                        tr {
                            td { (person.name) }
                            @if let Some(to) = &person.matched {
                                td { (to.full_name) br; small { (lang.label(to.how)) } }
                            } @else {
                                td { (person.email.as_deref().unwrap_or("—")) }
                                td { (person.rows) }
                            }
                            td { (person.minutes) }
                        }
                    }
                }
            }
        }
    }
}
