//! Pages anyone may see: the list of events and an event's page.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use maud::{Markup, PreEscaped, html};

use super::{format, layout, sessions};
use crate::domain::event::{Event, Window};
use crate::domain::registration::Seats;
use crate::domain::time::zone_label;
use crate::i18n::Lang;
use crate::services::events::PublicPage;
use crate::services::sessions::Agenda;
use crate::web::extract::PageContext;

pub fn home(ctx: &PageContext, events: &[Event], now: DateTime<Utc>) -> Markup {
    let lang = ctx.lang;
    let (past, upcoming): (Vec<&Event>, Vec<&Event>) =
        events.iter().partition(|e| e.has_ended(now));
    layout::page(
        ctx,
        lang.t("home.title"),
        html! {
            h1 { (lang.t("home.title")) }
            p.lead { (lang.t("home.intro")) }
            section aria-labelledby="upcoming" {
                h2 #upcoming { (lang.t("home.upcoming")) }
                @if upcoming.is_empty() {
                    p { (lang.t("home.none_upcoming")) }
                } @else {
                    ul.events { @for event in &upcoming { (summary(ctx, event)) } }
                }
            }
            @if !past.is_empty() {
                section aria-labelledby="past" {
                    h2 #past { (lang.t("home.past")) }
                    ul.events { @for event in past.iter().rev() { (summary(ctx, event)) } }
                }
            }
        },
    )
}

fn summary(ctx: &PageContext, event: &Event) -> Markup {
    html! {
        li.event {
            h3 lang=[format::authored(ctx.lang)] { a href={ "/events/" (event.slug) } { (event.title) } }
            p.office lang=[format::authored(ctx.lang)] { (event.organiser_office) }
            p.when { (format::span(ctx.lang, event.starts_at, event.ends_at, event.time_zone)) }
        }
    }
}

/// The event's page. What depends only on the event's content, the
/// language and the viewer's zone is made once per version of the content
/// ([`PublicPage::part`]); the frame (who is signed in, the language
/// switch's way back), and what depends on the time, on every visit.
pub fn event_page(
    ctx: &PageContext,
    page: &PublicPage,
    own_zone: Option<Tz>,
    now: DateTime<Utc>,
) -> Markup {
    let lang = ctx.lang;
    let event = &page.event;
    let details = page.part(lang, own_zone, || {
        details(lang, event, &page.agenda, own_zone).into_string()
    });
    layout::page(
        ctx,
        &event.title,
        html! {
            p.back { a href="/" { (lang.t("event.all_events")) } }
            article.event-detail {
                h1 lang=[format::authored(lang)] { (event.title) }
                @if event.has_ended(now) {
                    p.notice { (lang.t("event.ended")) }
                }
                (registration_call(lang, event, page.seats, now))
                (PreEscaped(&*details))
            }
        },
    )
}

/// The event's facts, description and agenda.
fn details(lang: Lang, event: &Event, agenda: &Agenda, own_zone: Option<Tz>) -> Markup {
    html! {
        dl.facts {
            dt { (lang.t("event.when")) }
            dd { (format::span(lang, event.starts_at, event.ends_at, event.time_zone)) }
            dt { (lang.t("event.time_zone")) }
            dd { (zone_label(event.time_zone, event.starts_at)) " (" (event.time_zone.name()) ")" }
            dt { (lang.t("event.organiser")) }
            dd lang=[format::authored(lang)] { (event.organiser_office) }
            @if !agenda.sessions.is_empty() {
                dt { (lang.t("agenda.total_jp")) }
                dd { a href="#agenda" { (sessions::total_jp(lang, agenda.total_jp, agenda.sessions.len())) } }
            }
        }
        @if !event.description.is_empty() {
            section aria-labelledby="about" {
                h2 #about { (lang.t("event.about")) }
                div lang=[format::authored(lang)] { (format::paragraphs(&event.description)) }
            }
        }
        (sessions::agenda(lang, event, agenda, own_zone))
        @if !agenda.sessions.is_empty() {
            p { a href={ "/events/" (event.slug) "/materials" } { (lang.t("material.list_title")) } }
        }
    }
}

/// Register, or why not now; and how many seats are left.
fn registration_call(lang: Lang, event: &Event, seats: Seats, now: DateTime<Utc>) -> Markup {
    let window = event.registration(now);
    html! {
        @if event.has_ended(now) {
        } @else if window == Window::Open {
            div.register {
                p { a.button href={ "/events/" (event.slug) "/register" } { (lang.t("registration.submit")) } }
                @if let Some(quota) = seats.quota {
                    @if seats.free() {
                        p { (lang.tf("registration.seats_left", &[("n", &(quota - seats.confirmed))])) }
                    } @else {
                        p { (lang.t("registration.full")) }
                    }
                }
                @if event.seats.moderated { p { (lang.t("registration.moderated")) } }
            }
        } @else {
            p.notice { (super::registration::window_notice(lang, event, window).unwrap_or_default()) }
        }
    }
}
