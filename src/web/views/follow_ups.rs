//! Follow-up of action plans: the organisers' dates.

use chrono::{DateTime, Utc};
use maud::{Markup, html};

use super::forms::{Errors, Field, Look, csrf, input, post_button, summarised};
use super::{format, layout};
use crate::domain::action_plan::follow_up::REMINDER_AFTER_DAYS;
use crate::domain::event::{Event, FieldError};
use crate::i18n::Lang;
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
