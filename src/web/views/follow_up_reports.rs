//! Follow-up reports: the participant's form, and a report as read.

use maud::{Markup, html};

use super::follow_ups::day;
use super::forms::{self, Errors, Field, input, summarised, textarea};
use super::{format, layout};
use crate::domain::action_plan::Activity;
use crate::domain::action_plan::follow_up::{ActivityReport, Progress, field_name, parse_date};
use crate::domain::event::{Event, FieldError};
use crate::i18n::Lang;
use crate::services::follow_up_reports::{Due, Evidence, ReportView};
use crate::services::follow_ups::report_path;
use crate::web::extract::PageContext;

/// The participant's report: where it stands, and the form while it is
/// open, else what was sent.
pub fn participant_page(
    ctx: &PageContext,
    event: &Event,
    view: &ReportView,
    errors: &[FieldError],
    saved: bool,
) -> Markup {
    let lang = ctx.lang;
    let t = |key| lang.t(key);
    let address = report_path(&view.registration_id, &view.follow_up_id);
    layout::page(
        ctx,
        &forms::title(lang, errors, t("follow_up.report_title")),
        html! {
            p.back { a href={ "/my/registrations/" (view.registration_id) "/plan" } { (t("plan.title")) } }
            h1 { (t("follow_up.report_title")) }
            p lang=[format::authored(lang)] { (event.title) ": " strong { (view.plan.title) } }
            p { (lang.tf("follow_up.report_due", &[("at", &day(lang, view.due_at, event))])) " "
                @match (view.open, view.open_until) {
                    (false, _) => (t("follow_up.closed")),
                    (true, Some(until)) => (lang.tf("follow_up.open_until", &[("at", &day(lang, until, event))])),
                    (true, None) => (t("follow_up.open_always")),
                }
            }
            p { (standing(lang, event, view)) }
            @if !view.open && !errors.is_empty() {
                p.notice role="alert" { (t("follow_up.error.closed")) }
            }
            @if saved && errors.is_empty() {
                p.success role="status" { (t("follow_up.saved")) }
            } @else if !errors.is_empty() && view.open {
                p.notice { (t(if view.submitted_at.is_some() { "follow_up.sent_with_errors" } else { "follow_up.saved_with_errors" })) }
            }
            @if view.open {
                (form(ctx, &address, view, errors))
            } @else {
                (content(lang, view, &format!("{address}/evidence")))
            }
        },
    )
}

/// "Laporan dikirim …" or "Belum dilaporkan".
fn standing(lang: Lang, event: &Event, view: &ReportView) -> Markup {
    html! {
        @match view.submitted_at {
            Some(at) => strong { (lang.tf("follow_up.reported_at", &[("at", &format::moment(lang, at, event.time_zone))])) },
            None => strong { (lang.t("follow_up.not_reported")) },
        }
    }
}

fn form(ctx: &PageContext, address: &str, view: &ReportView, form_errors: &[FieldError]) -> Markup {
    let lang = ctx.lang;
    let t = |key| lang.t(key);
    let errors = &Errors::new(form_errors);
    let options: Vec<(String, String)> = Progress::ALL
        .into_iter()
        .map(|p| (p.name().to_owned(), lang.label(p).to_owned()))
        .collect();
    let default_button = match view.submitted_at {
        None => {
            html! { button.secondary type="submit" name="action" value="save" { (t("follow_up.save")) } }
        }
        Some(_) => {
            html! { button type="submit" name="action" value="submit" { (t("follow_up.submit")) } }
        }
    };
    summarised(
        lang,
        errors,
        html! {
            (forms::upload_form(ctx, address, html! {
                // First, so that Enter in a field saves (or sends a sent
                // report again) rather than removing a file.
                p { (default_button) }
                @for (row, (planned, activity)) in view.plan.activities.iter().zip(&view.report.activities).enumerate() {
                    (activity_fields(lang, row, planned, activity, &options, errors))
                }
                (evidence_field(lang, address, &view.evidence, errors))
                @if view.submitted_at.is_none() {
                    button.secondary type="submit" name="action" value="save" { (t("follow_up.save")) }
                    " "
                }
                button type="submit" name="action" value="submit" { (t("follow_up.submit")) }
            }))
        },
    )
}

fn activity_fields(
    lang: Lang,
    row: usize,
    planned: &Activity,
    activity: &ActivityReport,
    options: &[(String, String)],
    errors: &Errors<'_>,
) -> Markup {
    let t = |key| lang.t(key);
    let heading = lang.tf("plan.activity", &[("n", &(row + 1))]);
    let names = ["progress", "realised_on", "obstacles", "solution"].map(|c| field_name(row, c));
    let chosen = activity.progress.map(Progress::name).unwrap_or_default();
    // A date a browser without a date field let through stays text.
    let date_kind =
        if activity.realised_on.is_empty() || parse_date(&activity.realised_on).is_some() {
            "date"
        } else {
            "text"
        };
    let summary = format!("{heading} – {}", t("follow_up.realised_on"));
    html! {
        fieldset.activity #{ "activity-" (row) } {
            legend { (heading) ": " span lang=[format::authored(lang)] { (planned.what) } }
            p.hint { (lang.tf("follow_up.planned", &[("month", &super::action_plans::month(lang, &planned.month)), ("responsible", &planned.responsible)])) }
            (forms::radios(lang, &names[0], t("follow_up.progress_label"), options, chosen, true, errors))
            (input(lang, Field::new(&names[1], t("follow_up.realised_on"), date_kind, &activity.realised_on).conditional().hint(t("follow_up.realised_hint")).summary_label(&summary), errors))
            (textarea(lang, &names[2], t("follow_up.obstacles"), &activity.obstacles, None, errors))
            (textarea(lang, &names[3], t("follow_up.solution"), &activity.solution, None, errors))
        }
    }
}

fn evidence_field(lang: Lang, address: &str, evidence: &[Evidence], errors: &Errors<'_>) -> Markup {
    let label = lang.t("follow_up.evidence");
    let error = errors.take("evidence", label);
    let hint = lang.tf("follow_up.evidence_hint", &[("limit", &"10 MB")]);
    html! {
        div.field.invalid[error.is_some()] {
            label for="f-evidence" { (label) " " span.optional { (lang.t("form.optional")) } }
            @if !evidence.is_empty() {
                ul {
                    @for item in evidence {
                        li {
                            a href={ (address) "/evidence/" (item.id) } { (item.file.name) } " "
                            button.secondary.danger type="submit" name="remove_evidence" value=(item.id) {
                                (lang.tf("follow_up.remove_evidence", &[("name", &item.file.name)]))
                            }
                        }
                    }
                }
            }
            p.hint #f-evidence-hint { (hint) }
            input #f-evidence type="file" name="evidence" accept=".pdf,.jpg,.jpeg,.png"
                aria-invalid=[error.map(|_| "true")]
                aria-describedby={ "f-evidence-hint" @if error.is_some() { " f-evidence-error" } };
            @if let Some(error) = error { p.error #f-evidence-error { (forms::message(lang, error)) } }
        }
    }
}

/// A report as read: each activity as planned and as reported, then the
/// evidence, linked under `evidence_base`.
pub fn content(lang: Lang, view: &ReportView, evidence_base: &str) -> Markup {
    let t = |key| lang.t(key);
    html! {
        @for (row, (planned, activity)) in view.plan.activities.iter().zip(&view.report.activities).enumerate() {
            h2 { (lang.tf("plan.activity", &[("n", &(row + 1))])) ": " span lang=[format::authored(lang)] { (planned.what) } }
            dl lang=[format::authored(lang)] {
                dt { (t("follow_up.progress_label")) }
                dd lang=(lang.code()) { @match activity.progress { Some(p) => (lang.label(p)), None => "–" } }
                dt { (t("follow_up.realised_on")) }
                dd { (display_date(lang, &activity.realised_on)) }
                dt { (t("follow_up.obstacles")) }
                dd { (format::paragraphs(&activity.obstacles)) }
                dt { (t("follow_up.solution")) }
                dd { (format::paragraphs(&activity.solution)) }
            }
        }
        h2 { (t("follow_up.evidence")) }
        @if view.evidence.is_empty() {
            p { (t("follow_up.evidence_none")) }
        } @else {
            ul { @for item in &view.evidence { li { a href={ (evidence_base) "/" (item.id) } { (item.file.name) } } } }
        }
    }
}

/// "Senin, 15 Maret 2027" for a date as a date field sends it; else as typed.
pub fn display_date(lang: Lang, raw: &str) -> String {
    parse_date(raw).map_or_else(
        || raw.to_owned(),
        |date| crate::i18n::dates::date(lang, &date),
    )
}

/// The follow-ups of a participant's plan, for their pages.
pub fn dues(lang: Lang, event: &Event, registration_id: &str, dues: &[Due]) -> Markup {
    html! {
        @for due in dues {
            p {
                (lang.t("follow_up.short")) " " (day(lang, due.due_at, event)) ": "
                strong { (lang.t(if due.reported { "follow_up.reported" } else { "follow_up.not_reported" })) }
                " · " a href=(report_path(registration_id, &due.follow_up_id)) { (lang.t("follow_up.report_title")) }
            }
        }
    }
}
