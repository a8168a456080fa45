//! Sessions: the organisers' agenda and form, the public agenda on the
//! event page, and a speaker's own sessions.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use chrono_tz::Tz;
use maud::{Markup, html};

use super::forms::{
    self, Errors, Field, checkbox, checkboxes, csrf, input, radios, summarised, textarea,
};
use super::{format, layout};
use crate::domain::event::{Event, FieldError};
use crate::domain::registrant::LinkStanding;
use crate::domain::session::{Delivery, Session, SessionForm, Speaker, ZoomStatus, derived_jp};
use crate::domain::speaker::shown_zone;
use crate::domain::time::zone_label;
use crate::i18n::{Labelled, Lang};
use crate::services::sessions::Agenda;
use crate::web::extract::PageContext;

pub fn list_path(event: &Event) -> String {
    format!("/manage/events/{}/sessions", event.slug)
}

fn speaker_names(session: &Session) -> String {
    session
        .speakers
        .iter()
        .map(|s| s.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// How a session is held, as the public may read it: never a link.
fn held(lang: Lang, session: &Session) -> String {
    match &session.plan.delivery {
        Delivery::InPerson { location } => {
            lang.tf("session.held.in_person", &[("location", location)])
        }
        other => lang.t(&format!("session.held.{}", other.kind())).to_owned(),
    }
}

fn mandatory(lang: Lang, session: &Session) -> &'static str {
    lang.t(if session.plan.mandatory {
        "session.mandatory"
    } else {
        "session.optional"
    })
}

fn when(lang: Lang, event: &Event, session: &Session) -> Markup {
    format::span(
        lang,
        session.plan.starts_at,
        session.plan.ends_at,
        event.time_zone,
    )
}

/// The event's JP, or a dash while it has no sessions.
pub fn total_jp(lang: Lang, total: u32, sessions: usize) -> String {
    if sessions == 0 {
        "—".to_owned()
    } else {
        lang.tf("agenda.jp", &[("n", &total)])
    }
}

/// The agenda on the public event page, made once per version of the
/// event's content: a session's column shown here must be among those its
/// trigger counts (migration 2026-12-06-054000).
pub fn agenda(lang: Lang, event: &Event, agenda: &Agenda, own_zone: Option<Tz>) -> Markup {
    html! {
        section #agenda aria-labelledby="agenda-title" {
            h2 #agenda-title { (lang.t("agenda.title")) }
            @if agenda.sessions.is_empty() {
                p { (lang.t("agenda.none")) }
            } @else {
                @if let Some(own) = own_zone {
                    p.hint { (lang.tf("agenda.own_zone", &[("zone", &zone_label(own, event.starts_at))])) }
                }
                ol.agenda {
                    @for session in &agenda.sessions {
                        li.session {
                            h3 lang=[format::authored(lang)] { (session.plan.title) }
                            p.when {
                                (when(lang, event, session))
                                @if let Some(own) = own_zone {
                                    (format::own_clock(lang, session.plan.starts_at, session.plan.ends_at, event.time_zone, own))
                                }
                            }
                            @if !session.speakers.is_empty() {
                                p.label { (lang.t("agenda.speakers")) ":" }
                                ul.speakers {
                                    @for speaker in &session.speakers {
                                        li { (super::profiles::card(lang, &speaker.name, agenda.profiles.get(&speaker.id))) }
                                    }
                                }
                            }
                            @if let Some(materials) = agenda.materials.get(&session.id) {
                                p.label { (lang.t("agenda.materials")) ":" }
                                ul {
                                    @for material in materials {
                                        li {
                                            a href={ "/materials/" (material.id) } lang=[format::authored(lang)] { (material.title) }
                                            // Made once per version of the content, not per
                                            // visit: when it opens is said, not whether it has.
                                            @if let Some(at) = material.opens_at {
                                                " · " (lang.tf("material.opens", &[("when", &format::moment(lang, at, event.time_zone))]))
                                            }
                                            @if material.registered_only { " · " (lang.t("agenda.registered_only")) }
                                        }
                                    }
                                }
                            }
                            p.meta {
                                (lang.tf("agenda.jp", &[("n", &session.plan.jp())]))
                                " · " (mandatory(lang, session))
                                " · " (held(lang, session))
                            }
                            @if !session.plan.description.is_empty() {
                                p lang=[format::authored(lang)] { (session.plan.description) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The organisers' agenda: every session with its JP, how it is held and
/// where its Zoom meeting stands.
pub fn list(
    ctx: &PageContext,
    event: &Event,
    sessions: &[Session],
    standings: &HashMap<String, LinkStanding>,
    zoom_at_work: &HashSet<String>,
    zoom_configured: bool,
) -> Markup {
    let lang = ctx.lang;
    let heading = lang.tf("session.list_title", &[("event", &event.title)]);
    let total = crate::domain::session::total_jp(sessions);
    let base = list_path(event);
    layout::page(
        ctx,
        &heading,
        html! {
            p.back { a href={ "/manage/events/" (event.slug) } lang=[format::authored(lang)] { (event.title) } }
            h1 { (heading) }
            p { a.button href={ (base) "/new" } { (lang.t("session.new")) } }
            @if sessions.is_empty() {
                p { (lang.t("session.none")) }
            } @else {
                p { (lang.t("agenda.total_jp")) ": " strong { (total_jp(lang, total, sessions.len())) } }
                div.table tabindex="0" role="region" aria-label=(heading) {
                    table {
                        thead { tr {
                            th scope="col" { (lang.t("session.when")) }
                            th scope="col" { (lang.t("session.title")) }
                            th scope="col" { (lang.t("session.jp")) }
                            th scope="col" { (lang.t("session.how")) }
                            th scope="col" { (lang.t("session.zoom")) }
                            th scope="col" { (lang.t("session.actions")) }
                        } }
                        tbody {
                            @for session in sessions {
                                tr {
                                    td { (when(lang, event, session)) }
                                    td {
                                        span lang=[format::authored(lang)] { (session.plan.title) }
                                        @if !session.speakers.is_empty() { br; small { (speaker_names(session)) } }
                                        br; small { (mandatory(lang, session)) }
                                    }
                                    td {
                                        (session.plan.jp())
                                        @if session.plan.jp_override.is_some() {
                                            br; small { "(" (lang.tf("session.jp_derived", &[("n", &derived_jp(session.plan.starts_at, session.plan.ends_at))])) ")" }
                                        }
                                    }
                                    td { (held(lang, session)) }
                                    td { (zoom_state(ctx, event, session, standings.get(&session.id), zoom_at_work.contains(&session.id), zoom_configured)) }
                                    td {
                                        a href={ (base) "/" (session.id) "/edit" } { (lang.t("session.edit")) span.visually-hidden { ": " (session.plan.title) } }
                                        br;
                                        a href={ (base) "/" (session.id) "/delete" } { (lang.t("session.delete")) span.visually-hidden { ": " (session.plan.title) } }
                                        @if session.plan.delivery.zoom_host().is_none() {
                                            br;
                                            a href={ (base) "/" (session.id) "/checkin" } { (lang.t("checkin.link")) span.visually-hidden { ": " (session.plan.title) } }
                                        }
                                        // Held online: Zoom's own report, or the one an organiser downloaded.
                                        @if !matches!(session.plan.delivery, Delivery::InPerson { .. }) {
                                            br;
                                            a href={ (base) "/" (session.id) "/attendance/import" } { (lang.t("session.zoom_report")) span.visually-hidden { ": " (session.plan.title) } }
                                        }
                                        br;
                                        a href={ (base) "/" (session.id) "/attendance" } { (lang.t("attendance.title")) span.visually-hidden { ": " (session.plan.title) } }
                                        br;
                                        a href={ (base) "/" (session.id) "/materials" } { (lang.t("material.for_session")) span.visually-hidden { ": " (session.plan.title) } }
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

/// Where a session's meeting stands, in words: Zoom's problem, if any,
/// how many participants have their personal link, and a button to try
/// again once the organiser has fixed what Zoom refused (or Zoom was
/// configured after the session was planned: hence also while pending).
/// While a job works on it, it is "in progress", whatever it was before.
fn zoom_state(
    ctx: &PageContext,
    event: &Event,
    session: &Session,
    standing: Option<&LinkStanding>,
    at_work: bool,
    configured: bool,
) -> Markup {
    let lang = ctx.lang;
    let status = session.zoom.status;
    let refusals = standing.is_some_and(LinkStanding::has_refusals);
    html! {
        @if at_work && configured {
            span.state.in-progress { (lang.t("session.zoom_in_progress")) }
        } @else {
            span class={ "state " (status.name()) } { (lang.label(status)) }
        }
        @if status != ZoomStatus::None {
            @if !configured {
                br; small { (lang.t("session.zoom_not_configured")) }
            } @else if let Some(problem) = &session.zoom.error {
                br; small.error { (lang.tf(&problem.key, &[("detail", &problem.detail)])) }
                // Trying again cannot hurry Zoom: the button says so, with when.
                @if let Some(until) = problem.until.filter(|until| *until > Utc::now()) {
                    br; small { (lang.tf("session.zoom_wait_until", &[("time", &format::moment(lang, until, event.time_zone))])) }
                }
            }
            @if let Some(standing) = standing.filter(|s| s.linked < s.total) {
                br; small { (links(lang, standing)) }
            }
            @if refusals || matches!(status, ZoomStatus::Failed | ZoomStatus::Pending) {
                form method="post" action={ (list_path(event)) "/" (session.id) "/zoom/retry" } {
                    (csrf(ctx))
                    button.secondary type="submit" { (lang.t("session.zoom_retry")) span.visually-hidden { ": " (session.plan.title) } }
                }
            }
        }
    }
}

fn links(lang: Lang, standing: &LinkStanding) -> String {
    lang.tf(
        "session.zoom_links",
        &[
            ("linked", &standing.linked.to_string()),
            ("total", &standing.total.to_string()),
        ],
    )
}

/// People named on a session's page without a link: enough to act on,
/// few enough that the page stays light with an event of hundreds.
const UNLINKED_SHOWN: usize = 20;

/// Who has no personal link yet, and why, on the session's own page: those
/// Zoom refused first (someone has to act), then those waiting; the rest
/// are counted, with the way to the registration list.
fn unlinked(lang: Lang, event: &Event, standing: &LinkStanding) -> Markup {
    let (refused, waiting): (Vec<_>, Vec<_>) =
        standing.unlinked.iter().partition(|p| p.problem.is_some());
    let more = standing.unlinked.len().saturating_sub(UNLINKED_SHOWN);
    html! {
        @if !standing.unlinked.is_empty() {
            h2 { (lang.t("session.zoom_unlinked")) }
            ul.unlinked {
                @for person in refused.into_iter().chain(waiting).take(UNLINKED_SHOWN) {
                    li {
                        (person.name) " (" (person.email) "): "
                        @match &person.problem {
                            Some(problem) => span.error { (lang.tf(&problem.key, &[("detail", &problem.detail)])) },
                            None => (lang.t("session.zoom_waiting")),
                        }
                    }
                }
            }
            @if more > 0 {
                p {
                    (lang.tf("session.zoom_unlinked_more", &[("count", &more)])) " "
                    a href={ "/manage/events/" (event.slug) "/registrations" } { (lang.t("session.zoom_unlinked_list")) }
                }
            }
        }
    }
}

/// What the session form shows.
pub struct FormPage<'a> {
    pub event: &'a Event,
    pub heading: &'a str,
    pub action: &'a str,
    pub form: &'a SessionForm,
    pub speakers: &'a [Speaker],
    pub errors: &'a [FieldError],
    /// The session being edited, whose meeting's state is shown.
    pub session: Option<&'a Session>,
    /// Its participants' personal links.
    pub standing: Option<&'a LinkStanding>,
    /// Whether a job works on its meeting or participants now.
    pub zoom_at_work: bool,
    pub zoom_configured: bool,
}

/// Creating or editing a session: times in the event's own zone.
pub fn form(ctx: &PageContext, page: &FormPage<'_>) -> Markup {
    let lang = ctx.lang;
    let t = |key| lang.t(key);
    let form = page.form;
    let errors = &Errors::new(page.errors);
    let zone = zone_label(page.event.time_zone, page.event.starts_at);
    let deliveries: Vec<(String, String)> = Delivery::KINDS
        .iter()
        .map(|k| {
            (
                (*k).to_owned(),
                lang.t(&format!("session.delivery.{k}")).to_owned(),
            )
        })
        .collect();
    let speakers: Vec<(String, String)> = page
        .speakers
        .iter()
        .map(|s| (s.id.clone(), format!("{} <{}>", s.name, s.email)))
        .collect();
    layout::page(
        ctx,
        &forms::title(lang, page.errors, page.heading),
        html! {
            p.back { a href=(list_path(page.event)) { (t("session.back")) } }
            h1 { (page.heading) }
            p lang=[format::authored(lang)] { (page.event.title) }
            @if let Some(session) = page.session.filter(|s| s.plan.delivery.zoom_host().is_none()) {
                p { a href={ (list_path(page.event)) "/" (session.id) "/checkin" } { (t("checkin.link")) } }
            }
            @if let Some(session) = page.session.filter(|s| s.zoom.status != ZoomStatus::None) {
                div.zoom {
                    (t("session.zoom")) ": " (zoom_state(ctx, page.event, session, page.standing, page.zoom_at_work, page.zoom_configured))
                    @if let Some(standing) = page.standing { (unlinked(lang, page.event, standing)) }
                }
            }
            (summarised(lang, errors, html! { form method="post" action=(page.action) novalidate {
                (csrf(ctx))
                (input(lang, Field::new("title", t("session.form.title"), "text", &form.title), errors))
                (textarea(lang, "description", t("session.form.description"), &form.description, None, errors))
                fieldset.field {
                    legend { (lang.tf("session.form.times", &[("zone", &zone)])) }
                    (input(lang, Field::new("date", t("session.form.date"), "date", &form.date), errors))
                    div.pair {
                        (input(lang, Field::new("start_time", t("session.form.start"), "time", &form.start_time), errors))
                        (input(lang, Field::new("end_time", t("session.form.end"), "time", &form.end_time), errors))
                    }
                }
                (input(lang, Field::new("jp", t("session.form.jp"), "number", &form.jp).optional().hint(t("session.form.jp_hint")), errors))
                (checkbox(lang, "mandatory", t("session.form.mandatory"), form.mandatory, None, errors))
                (radios(lang, "delivery", t("session.how"), &deliveries, &form.delivery, true, errors))
                (input(lang, Field::new("zoom_host", t("session.form.zoom_host"), "text", &form.zoom_host).conditional().hint(t("session.form.zoom_host_hint")), errors))
                (input(lang, Field::new("join_link", t("session.form.join_link"), "text", &form.join_link).conditional().hint(t("session.form.join_link_hint")), errors))
                (input(lang, Field::new("location", t("session.form.location"), "text", &form.location).conditional().hint(t("session.form.location_hint")), errors))
                @if speakers.is_empty() {
                    p.hint { (t("session.no_speakers")) }
                } @else {
                    (checkboxes(lang, "speakers", t("session.speakers"), &speakers, &form.speakers, errors))
                    (checkbox(lang, "alternative_hosts", t("session.form.alternative_hosts"), form.alternative_hosts, None, errors))
                }
                button type="submit" { (t("session.save")) }
            } }))
        },
    )
}

pub fn delete_page(ctx: &PageContext, event: &Event, session: &Session) -> Markup {
    let lang = ctx.lang;
    let base = list_path(event);
    layout::page(
        ctx,
        lang.t("session.delete_title"),
        html! {
            h1 { (lang.t("session.delete_title")) }
            p { strong lang=[format::authored(lang)] { (session.plan.title) } br; (when(lang, event, session)) }
            p { (lang.t("session.delete_body")) }
            form method="post" action={ (base) "/" (session.id) "/delete" } {
                (csrf(ctx))
                button.danger type="submit" { (lang.t("session.delete_confirm")) }
            }
            p { a href=(base) { (lang.t("session.keep")) } }
        },
    )
}

/// A speaker's sessions across events, in the zone they chose (each in its
/// event's zone when they chose none), with the link to join (never the
/// host's start link), their materials and their profile.
pub fn speaking(ctx: &PageContext, sessions: &[(Session, Event)], own_zone: Option<Tz>) -> Markup {
    let lang = ctx.lang;
    layout::page(
        ctx,
        lang.t("speaking.title"),
        html! {
            p.back { a href="/my" { (lang.t("my.title")) } }
            h1 { (lang.t("speaking.title")) }
            p {
                @match own_zone {
                    Some(zone) => (lang.tf("speaking.own_zone", &[("zone", &zone_label(zone, Utc::now()))])),
                    None => (lang.t("speaking.event_zone")),
                }
                " " a href="/my/profile" { (lang.t("speaking.profile")) }
            }
            @if sessions.is_empty() {
                p { (lang.t("speaking.none")) }
            } @else {
                ul.events {
                    @for (session, event) in sessions {
                        li.event {
                            h2 lang=[format::authored(lang)] { (session.plan.title) }
                            p.office { a href={ "/events/" (event.slug) "#agenda" } lang=[format::authored(lang)] { (event.title) } }
                            p.when { (format::span(lang, session.plan.starts_at, session.plan.ends_at, shown_zone(own_zone, event.time_zone))) }
                            p { (held(lang, session)) }
                            @if let Some(link) = session.join_link() {
                                p { a href=(link) { (lang.t("speaking.join")) } br; code { (link) } }
                            } @else if session.zoom.status != ZoomStatus::None {
                                p { (lang.t("speaking.no_link")) }
                            }
                            @if session.plan.speakers_are_alternative_hosts && session.plan.delivery.zoom_host().is_some() {
                                p { (lang.t("speaking.alternative_host")) }
                            }
                            p { a href={ "/manage/events/" (event.slug) "/sessions/" (session.id) "/materials" } { (lang.t("speaking.materials")) span.visually-hidden { ": " (session.plan.title) } } }
                        }
                    }
                }
            }
        },
    )
}
