//! Follow-up of action plans: the organisers' dates.

use chrono::{DateTime, Utc};
use maud::{Markup, html};

use super::by_region::{self, Counted, Labels};
use super::follow_up_reports;
use super::forms::{Errors, Field, Look, csrf, input, post_button, summarised};
use super::{format, layout};
use crate::domain::action_plan::follow_up::REMINDER_AFTER_DAYS;
use crate::domain::event::{Event, FieldError};
use crate::domain::region::Directory;
use crate::i18n::Lang;
use crate::services::RegistrationRow;
use crate::services::follow_up_overview::{Asked, Overview};
use crate::services::follow_up_reports::ReportView;
use crate::services::follow_ups::FollowUp;
use crate::web::extract::PageContext;

/// Where an event's follow-up pages live.
pub fn base(event: &Event) -> String {
    format!("/manage/events/{}/plans/follow-ups", event.slug)
}

/// The event's follow-up dates, each removable, and the form adding one;
/// `typed`: the date as typed, when it came back with `errors`.
pub fn dates(
    ctx: &PageContext,
    event: &Event,
    follow_ups: &[FollowUp],
    typed: &str,
    errors: &[FieldError],
) -> Markup {
    let lang = ctx.lang;
    let t = |key| lang.t(key);
    let base = base(event);
    let title = super::forms::title(lang, errors, t("follow_up.dates_title"));
    // A refused removal has no field: the summary above says it.
    let errors = &Errors::new(errors);
    // A date a browser without a date field let through as text stays text.
    let kind =
        if typed.is_empty() || crate::domain::action_plan::follow_up::parse_date(typed).is_some() {
            "date"
        } else {
            "text"
        };
    layout::page(
        ctx,
        &title,
        html! {
            p.back { a href={ "/manage/events/" (event.slug) "/plans" } { (t("plan.list_title")) } }
            h1 { (t("follow_up.dates_title")) }
            (summarised(lang, errors, html! {
            p lang=[format::authored(lang)] { (event.title) }
            p { (lang.tf("follow_up.dates_hint", &[("days", &REMINDER_AFTER_DAYS)])) }
            @if follow_ups.is_empty() {
                p { (t("follow_up.none")) }
            } @else {
                ul {
                    @for follow_up in follow_ups {
                        li {
                            a href={ (base) "/" (follow_up.id) } { (day(lang, follow_up.due_at, event)) }
                            " · " (lang.tf("follow_up.reported_count", &[("n", &follow_up.reported)])) " "
                            @let date = day(lang, follow_up.due_at, event);
                            (post_button(ctx, &format!("{base}/{}/remove", follow_up.id), &lang.tf("follow_up.remove", &[("date", &date)]), &[], Look::Withdraw))
                        }
                    }
                }
            }
            h2 { (t("follow_up.add_title")) }
            form method="post" action=(base) novalidate {
                (csrf(ctx))
                (input(lang, Field::new("date", t("follow_up.date"), kind, typed).hint(t("follow_up.date_hint")), errors))
                button type="submit" { (t("follow_up.add")) }
            }
            }))
        },
    )
}

/// A follow-up's date in the event's zone ("Rabu, 10 Maret 2027").
pub fn day(lang: Lang, at: DateTime<Utc>, event: &Event) -> String {
    crate::i18n::dates::date(lang, &at.with_timezone(&event.time_zone))
}

/// Who was asked and who reported for one follow-up: counts by province,
/// the regencies of one province only (`province`, else the one most come
/// from), and both lists.
pub fn overview(
    ctx: &PageContext,
    event: &Event,
    follow_up_id: &str,
    overview: &Overview,
    (regions, province): (&Directory, &str),
) -> Markup {
    let lang = ctx.lang;
    let t = |key| lang.t(key);
    let base = format!("{}/{follow_up_id}", base(event));
    let title = lang.tf(
        "follow_up.overview_title",
        &[("at", &day(lang, overview.due_at, event))],
    );
    let (reported, waiting): (Vec<&Asked>, Vec<&Asked>) = overview
        .asked
        .iter()
        .partition(|a| a.submitted_at.is_some());
    layout::page(
        ctx,
        &title,
        html! {
            p.back { a href=(self::base(event)) { (t("follow_up.dates_title")) } }
            h1 { (title) }
            p lang=[format::authored(lang)] { (event.title) }
            @if overview.asked.is_empty() {
                p { (t("follow_up.nobody")) }
            } @else {
                p {
                    (t("follow_up.export_label")) ": "
                    a href={ (base) "/export?format=csv" } { "CSV" } " · "
                    a href={ (base) "/export?format=xlsx" } { "XLSX" }
                }
                (regions_table(lang, overview, regions, province))
                h2 #reported { (t("follow_up.list_reported")) " (" (reported.len()) ")" }
                ul {
                    @for asked in &reported {
                        @let id = asked.report_id.as_deref().unwrap_or_default();
                        li { a href={ (base) "/reports/" (id) } { (asked.registration.full_name) } ", " (asked.registration.institution) }
                    }
                }
                h2 #waiting { (t("follow_up.list_not_reported")) " (" (waiting.len()) ")" }
                ul {
                    @for asked in &waiting {
                        li { (asked.registration.full_name) ", " (asked.registration.institution) }
                    }
                }
            }
        },
    )
}

fn regions_table(lang: Lang, overview: &Overview, regions: &Directory, province: &str) -> Markup {
    let region = |code: &str| {
        regions
            .find(code)
            .map_or(code, |r| r.name.as_str())
            .to_owned()
    };
    let tallies: Vec<Counted> = overview
        .by_region()
        .into_iter()
        .map(|t| Counted {
            province_code: t.province_code,
            regency_code: t.regency_code,
            counts: vec![t.asked, t.reported],
        })
        .collect();
    let labels = Labels {
        title: lang.t("follow_up.by_region"),
        hint: lang.t("follow_up.by_region_hint"),
        nobody: lang.t("follow_up.nobody"),
        columns: &[
            lang.t("follow_up.asked"),
            lang.t("follow_up.reported_column"),
        ],
    };
    by_region::table(lang, &labels, &tallies, &region, province)
}

/// One participant's report, read-only, for the event's organisers.
pub fn report(
    ctx: &PageContext,
    event: &Event,
    registration: &RegistrationRow,
    view: &ReportView,
) -> Markup {
    let lang = ctx.lang;
    let t = |key| lang.t(key);
    let base = format!("{}/{}", base(event), view.follow_up_id);
    let report_id = view.report_id.as_deref().unwrap_or_default();
    layout::page(
        ctx,
        &format!(
            "{} · {}",
            t("follow_up.report_title"),
            registration.full_name
        ),
        html! {
            p.back { a href=(base) { (lang.tf("follow_up.overview_title", &[("at", &day(lang, view.due_at, event))])) } }
            h1 { (t("follow_up.report_title")) ": " (registration.full_name) }
            p { (registration.institution) }
            p lang=[format::authored(lang)] { strong { (view.plan.title) } }
            p { @match view.submitted_at {
                Some(at) => (lang.tf("follow_up.reported_at", &[("at", &format::moment(lang, at, event.time_zone))])),
                None => (t("follow_up.not_reported")),
            } }
            (follow_up_reports::content(lang, view, &format!("{base}/reports/{report_id}/evidence")))
        },
    )
}
