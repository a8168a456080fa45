//! The registration form and the pages around it: sent, closed, the
//! address confirmation, and cancelling.

use std::collections::HashMap;

use maud::{Markup, html};

use super::forms::{self, Field, Look, radios};
use super::{format, layout};
use crate::domain::event::{Event, FieldError, Window};
use crate::domain::question::{self, Kind, Question};
use crate::domain::region::Region;
use crate::domain::registration::{GENDERS, LIBRARY_TYPES, Status};
use crate::domain::session::Session;
use crate::domain::time::zone_label;
use crate::domain::timing::{JoinLink, join_link};
use crate::i18n::{Labelled, Lang, dates};
use crate::services::sessions::Seat;
use crate::web::extract::PageContext;

/// Everything the form shows. Organisers adding someone by hand see the
/// same form with a statement of consent instead of the participant's own.
pub struct FormPage<'a> {
    pub event: &'a Event,
    pub action: &'a str,
    pub fields: &'a HashMap<String, String>,
    pub provinces: &'a [Region],
    /// The chosen province's regencies and cities.
    pub regencies: &'a [Region],
    /// Sent back by the province button: the page says the list came.
    pub regencies_loaded: bool,
    pub questions: &'a [Question],
    pub errors: &'a [FieldError],
    pub by_organiser: bool,
    /// A message about the whole form.
    pub notice: Option<&'a str>,
}

fn choices(
    lang: Lang,
    placeholder: &str,
    options: impl Iterator<Item = (String, String)>,
) -> Vec<(String, String)> {
    std::iter::once((String::new(), lang.t(placeholder).to_owned()))
        .chain(options)
        .collect()
}

fn question_field(
    lang: Lang,
    question: &Question,
    value: &str,
    errors: &forms::Errors<'_>,
) -> Markup {
    let name = question.field();
    match &question.kind {
        Kind::Text => {
            let field = Field::new(&name, &question.label, "text", value);
            forms::input(
                lang,
                if question.required {
                    field
                } else {
                    field.optional()
                },
                errors,
            )
        }
        Kind::Choice(options) => {
            let options: Vec<(String, String)> =
                options.iter().map(|o| (o.clone(), o.clone())).collect();
            radios(
                lang,
                &name,
                &question.label,
                &options,
                value,
                question.required,
                errors,
            )
        }
        Kind::YesNo => {
            let options = [
                (question::YES.to_owned(), lang.t("question.yes").to_owned()),
                (question::NO.to_owned(), lang.t("question.no").to_owned()),
            ];
            radios(
                lang,
                &name,
                &question.label,
                &options,
                value,
                question.required,
                errors,
            )
        }
    }
}

fn regencies_loaded(lang: Lang, page: &FormPage<'_>) -> Markup {
    let chosen = page.fields.get("province_code").map_or("", |c| c.trim());
    let province = page.provinces.iter().find(|p| p.code == chosen);
    html! {
        p #regencies role="status" {
            @match province {
                Some(province) => (lang.tf("registration.regencies_loaded", &[("province", &province.name), ("n", &page.regencies.len())])),
                None => (lang.t("registration.regencies_no_province")),
            }
        }
    }
}

pub fn form(ctx: &PageContext, page: &FormPage<'_>) -> Markup {
    let lang = ctx.lang;
    let value = |name: &str| page.fields.get(name).map_or("", String::as_str);
    let errors = &forms::Errors::new(page.errors);
    let title = if page.by_organiser {
        lang.t("registration.add_title")
    } else {
        lang.t("registration.title")
    };
    let provinces = choices(
        lang,
        "registration.choose",
        page.provinces
            .iter()
            .map(|r| (r.code.clone(), r.name.clone())),
    );
    let regencies = choices(
        lang,
        if page.regencies.is_empty() {
            "registration.province_first"
        } else {
            "registration.choose"
        },
        page.regencies
            .iter()
            .map(|r| (r.code.clone(), r.name.clone())),
    );
    let library_types = choices(
        lang,
        "registration.choose",
        LIBRARY_TYPES.iter().map(|t| {
            (
                (*t).to_owned(),
                lang.t(&format!("registration.library.{t}")).to_owned(),
            )
        }),
    );
    let genders: Vec<(String, String)> = GENDERS
        .iter()
        .map(|g| {
            (
                (*g).to_owned(),
                lang.t(&format!("registration.gender_{g}")).to_owned(),
            )
        })
        .collect();
    let purpose = lang.tf(
        "registration.consent_purpose",
        &[("office", &page.event.organiser_office)],
    );
    layout::page(
        ctx,
        &forms::title(lang, page.errors, &format!("{title}: {}", page.event.title)),
        html! {
            p.back { a href={ "/events/" (page.event.slug) } { "← " span lang=[format::authored(lang)] { (page.event.title) } } }
            h1 { (title) }
            p.lead { span lang=[format::authored(lang)] { (page.event.title) } br; (format::span(lang, page.event.starts_at, page.event.ends_at, page.event.time_zone)) }
            @if !page.by_organiser { p { (lang.t("registration.intro")) } }
            @if let Some(notice) = page.notice {
                div.alert role="alert" { p { (notice) } }
            }
            (forms::summarised(lang, errors, html! { form method="post" action=(page.action) novalidate {
                (forms::csrf(ctx))
                (forms::input(lang, Field::new("full_name", lang.t("registration.full_name"), "text", value("full_name")).autocomplete("name").hint(lang.t("registration.full_name_hint")), errors))
                (forms::input(lang, Field::new("email", lang.t("registration.email"), "email", value("email")).autocomplete("email").hint(lang.t("registration.email_hint")), errors))
                (forms::input(lang, Field::new("whatsapp", lang.t("registration.whatsapp"), "tel", value("whatsapp")).autocomplete("tel").hint(lang.t("registration.whatsapp_hint")), errors))
                (forms::input(lang, Field::new("nip", lang.t("registration.nip"), "text", value("nip")).optional().hint(lang.t("registration.nip_hint")), errors))
                (forms::input(lang, Field::new("institution", lang.t("registration.institution"), "text", value("institution")).autocomplete("organization"), errors))
                (forms::input(lang, Field::new("position", lang.t("registration.position"), "text", value("position")).autocomplete("organization-title"), errors))
                (forms::select(lang, "province_code", lang.t("registration.province"), &provinces, value("province_code"), errors))
                // Without JavaScript, the regencies of a province come with
                // the page sent back by this button; everything typed stays.
                // The answer lands at the list it brought (the fragment of
                // the form's address) and says so there.
                p.step { button.secondary type="submit" name="step" value="province" formaction={ (page.action) "#regencies" } formnovalidate { (lang.t("registration.show_regencies")) } }
                @if page.regencies_loaded { (regencies_loaded(lang, page)) }
                (forms::select(lang, "regency_code", lang.t("registration.regency"), &regencies, value("regency_code"), errors))
                (forms::select(lang, "library_type", lang.t("registration.library_type"), &library_types, value("library_type"), errors))
                (radios(lang, "gender", lang.t("registration.gender"), &genders, value("gender"), true, errors))
                (forms::input(lang, Field::new("disability", lang.t("registration.disability"), "text", value("disability")).optional().hint(lang.t("registration.disability_hint")), errors))
                @for question in page.questions {
                    (question_field(lang, question, value(&question.field()), errors))
                }
                @if page.by_organiser {
                    (forms::checkbox(lang, "consent", lang.t("registration.consent_by_organiser"), page.fields.contains_key("consent"), Some(&purpose), errors))
                } @else {
                    (forms::checkbox(lang, "consent", lang.t("registration.consent"), page.fields.contains_key("consent"), Some(&purpose), errors))
                    // A field people never see: only robots fill it in.
                    div.hp aria-hidden="true" {
                        label for="f-website" { (lang.t("registration.honeypot")) }
                        input id="f-website" name="website" type="text" tabindex="-1" autocomplete="off";
                    }
                }
                button type="submit" { (if page.by_organiser { lang.t("registration.add") } else { lang.t("registration.submit") }) }
            } }))
        },
    )
}

/// The same answer for a new registration, a second attempt and a robot.
pub fn sent(ctx: &PageContext, event: &Event, email: &str) -> Markup {
    let lang = ctx.lang;
    layout::page(
        ctx,
        lang.t("registration.sent_title"),
        html! {
            h1 { (lang.t("registration.sent_title")) }
            p { (lang.tf("registration.sent_body", &[("email", &email), ("days", &crate::services::registrations::CONFIRMATION_DAYS)])) }
            p { a href={ "/events/" (event.slug) } { "← " span lang=[format::authored(lang)] { (event.title) } } }
        },
    )
}

pub fn window_notice(lang: Lang, event: &Event, window: Window) -> Option<String> {
    match window {
        Window::Open => None,
        Window::Closed => Some(lang.t("registration.closed").to_owned()),
        Window::NotYet(opens) => Some(lang.tf(
            "registration.not_yet",
            &[(
                "when",
                &crate::i18n::dates::span(lang, opens, opens, event.time_zone),
            )],
        )),
    }
}

pub fn closed(ctx: &PageContext, event: &Event, window: Window) -> Markup {
    let lang = ctx.lang;
    layout::page(
        ctx,
        lang.t("registration.title"),
        html! {
            p.back { a href={ "/events/" (event.slug) } { "← " span lang=[format::authored(lang)] { (event.title) } } }
            h1 { (lang.t("registration.title")) }
            p.notice { (window_notice(lang, event, window).unwrap_or_default()) }
        },
    )
}

/// A link opened from an e-mail shows a button: mail scanners that fetch
/// links do not confirm anything.
pub fn confirm(ctx: &PageContext, event: Option<&Event>, action: &str) -> Markup {
    let lang = ctx.lang;
    layout::page(
        ctx,
        lang.t("registration.confirm_title"),
        html! {
            h1 { (lang.t("registration.confirm_title")) }
            @if let Some(event) = event {
                p.lead { span lang=[format::authored(lang)] { (event.title) } br; (format::span(lang, event.starts_at, event.ends_at, event.time_zone)) }
            }
            p { (lang.t("registration.confirm_body")) }
            (forms::post_button(ctx, action, lang.t("registration.confirm_button"), &[], Look::Primary))
        },
    )
}

pub fn confirmed(ctx: &PageContext, event_title: &str, status: Status) -> Markup {
    let lang = ctx.lang;
    // A seat is good news; waiting (for a seat or a decision) is a notice.
    let look = if status == Status::Confirmed {
        "success"
    } else {
        "notice"
    };
    layout::page(
        ctx,
        lang.t("registration.confirmed_title"),
        html! {
            h1 { (lang.t("registration.confirmed_title")) }
            p.lead lang=[format::authored(lang)] { (event_title) }
            p class=(look) { (lang.t(&format!("registration.outcome.{}", status.name()))) }
            p { a href="/my" { (lang.t("my.title")) } }
        },
    )
}

pub fn cancel(ctx: &PageContext, event: &Event, action: &str) -> Markup {
    let lang = ctx.lang;
    layout::page(
        ctx,
        lang.t("my.cancel_title"),
        html! {
            h1 { (lang.t("my.cancel_title")) }
            p { span lang=[format::authored(lang)] { (event.title) } br; (format::span(lang, event.starts_at, event.ends_at, event.time_zone)) }
            p { (lang.t("my.cancel_body")) }
            (forms::post_button(ctx, action, lang.t("my.cancel"), &[], Look::Danger))
            p { a href="/my" { (lang.t("my.keep")) } }
        },
    )
}

/// A moment on the event's clock, and on the reader's own when it differs:
/// "Senin, 27 Juli 2020, 08.30 WIB (09.30 WITA)".
fn on_both_clocks(
    lang: Lang,
    at: chrono::DateTime<chrono::Utc>,
    zone: chrono_tz::Tz,
    own: Option<chrono_tz::Tz>,
) -> String {
    let shown = format::moment(lang, at, zone);
    match own.filter(|own| zone_label(*own, at) != zone_label(zone, at)) {
        Some(own) => {
            let local = at.with_timezone(&own);
            let time = dates::time(lang, &local);
            let label = zone_label(own, at);
            if local.date_naive() == at.with_timezone(&zone).date_naive() {
                format!("{shown} ({time} {label})")
            } else {
                format!("{shown} ({}, {time} {label})", dates::date(lang, &local))
            }
        }
        None => shown,
    }
}

/// How to join one session now: the link from its time until the end,
/// before that when it will appear.
fn joining(
    lang: Lang,
    (event, own): (&Event, Option<chrono_tz::Tz>),
    session: &Session,
    personal: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
) -> Markup {
    if let Some(place) = session.place() {
        return html! { p { (lang.tf("my.place", &[("place", &place)])) } };
    }
    let window = join_link(
        session.plan.starts_at,
        session.plan.ends_at,
        event.timing.join_links_before_minutes,
        now,
    );
    html! {
        @match (window, session.participant_link(personal)) {
            (JoinLink::Over, _) => p { (lang.t("my.over")) },
            (JoinLink::NotYet(from), _) => p { (lang.tf("my.link_at", &[("when", &on_both_clocks(lang, from, event.time_zone, own))])) },
            (JoinLink::Shown, Some(link)) => p.join { a href=(link) rel="noopener noreferrer" { (lang.tf("my.join", &[("session", &session.plan.title)])) } },
            (JoinLink::Shown, None) => p { (lang.t("my.link_pending")) },
        }
    }
}

/// The sessions of a confirmed seat on the participant's page, with the way
/// to check in to those whose check-in is open (`checkins_open`).
pub fn seat_sessions(
    lang: Lang,
    event: &Event,
    seat: &Seat,
    checkins_open: &std::collections::HashSet<String>,
    now: chrono::DateTime<chrono::Utc>,
) -> Markup {
    html! {
        @if !seat.sessions.is_empty() {
            h4 { (lang.t("my.sessions")) }
            ul.sessions {
                @for (session, personal) in &seat.sessions {
                    li {
                        strong lang=[format::authored(lang)] { (session.plan.title) }
                        p.when {
                            (format::span(lang, session.plan.starts_at, session.plan.ends_at, event.time_zone))
                            @if let Some(own) = seat.own_zone {
                                (format::own_clock(lang, session.plan.starts_at, session.plan.ends_at, event.time_zone, own))
                            }
                        }
                        (joining(lang, (event, seat.own_zone), session, personal.as_deref(), now))
                        @if checkins_open.contains(&session.id) {
                            p { a.button href=(super::checkin::visit_path(&session.id)) { (lang.t("my.checkin")) span.visually-hidden { ": " (session.plan.title) } } }
                        }
                    }
                }
            }
        }
    }
}

/// The private feed: made, renewed or stopped; its address is shown only
/// when made.
pub fn calendar_feed(ctx: &PageContext, working: bool) -> Markup {
    let lang = ctx.lang;
    html! {
        section aria-labelledby="calendar-feed" {
            h2 #calendar-feed { (lang.t("my.feed_title")) }
            p { (lang.t("my.feed_intro")) }
            @if working {
                p { (lang.t("my.feed_active")) }
                (forms::post_button(ctx, "/my/calendar", lang.t("my.feed_renew"), &[], Look::Secondary))
                " "
                (forms::post_button(ctx, "/my/calendar/revoke", lang.t("my.feed_revoke"), &[], Look::Withdraw))
            } @else {
                (forms::post_button(ctx, "/my/calendar", lang.t("my.feed_create"), &[], Look::Secondary))
            }
        }
    }
}

pub fn feed_created(ctx: &PageContext, url: &str) -> Markup {
    let lang = ctx.lang;
    layout::page(
        ctx,
        lang.t("my.feed_created_title"),
        html! {
            h1 { (lang.t("my.feed_created_title")) }
            p { (lang.t("my.feed_created_body")) }
            p {
                label for="feed-url" { (lang.t("my.feed_url")) }
                br;
                input #feed-url.address type="url" readonly value=(url);
            }
            p { a href=(url) { (url) } }
            p { a href="/my" { "← " (lang.t("my.title")) } }
        },
    )
}
