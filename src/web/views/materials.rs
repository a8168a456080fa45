//! Session materials: the upload page of a session, the participants'
//! list, the page of a material not open yet, the organisers' overview.

use chrono::{DateTime, Utc};
use maud::{Markup, html};

use super::forms::{Errors, Field, Look, input, post_button, radios, summarised, upload_form};
use super::{format, layout};
use crate::domain::account::Account;
use crate::domain::event::{Event, FieldError};
use crate::domain::material::{Availability, MaterialForm, Visibility};
use crate::i18n::Lang;
use crate::services::materials::{Material, Readable, SessionMaterials};
use crate::web::extract::PageContext;

/// Where the materials of a session are put up.
pub fn session_path(event: &Event, session_id: &str) -> String {
    format!(
        "/manage/events/{}/sessions/{session_id}/materials",
        event.slug
    )
}

pub fn overview_path(event: &Event) -> String {
    format!("/manage/events/{}/materials", event.slug)
}

fn visibility_label(lang: Lang, visibility: Visibility) -> &'static str {
    lang.t(match visibility {
        Visibility::Registered => "material.visibility.registered",
        Visibility::Public => "material.visibility.public",
        Visibility::Organisers => "material.visibility.organisers",
    })
}

fn availability_label(lang: Lang, availability: Availability) -> &'static str {
    lang.t(match availability {
        Availability::Now => "material.availability.now",
        Availability::SessionStart => "material.availability.session_start",
        Availability::SessionEnd => "material.availability.session_end",
    })
}

/// A file's weight as people read it: "820 KB", "2.4 MB".
fn weight(lang: Lang, bytes: u64) -> String {
    const MB: f64 = 1024.0 * 1024.0;
    let text = if bytes < 1024 * 1024 {
        format!("{} KB", bytes.div_ceil(1024))
    } else {
        format!("{:.1} MB", bytes as f64 / MB)
    };
    if lang.code() == "id" {
        text.replace('.', ",")
    } else {
        text
    }
}

/// What a material is: its file's kind and weight, or a link.
fn what(lang: Lang, material: &Material) -> String {
    match material.current() {
        Some(version) => format!(
            "{}, {}",
            version.file.kind.to_ascii_uppercase(),
            weight(lang, version.file.size)
        ),
        None => lang.t("material.link_kind").to_owned(),
    }
}

/// The session's materials, each with its earlier files and a form for a
/// newer one, and the form adding one; for its speakers and organisers.
pub fn session_page(
    ctx: &PageContext,
    event: &Event,
    found: &SessionMaterials,
    account: &Account,
    typed: &MaterialForm,
    errors: &[FieldError],
    limit: u64,
) -> Markup {
    let lang = ctx.lang;
    let t = |key| lang.t(key);
    let session = &found.session;
    let heading = lang.tf(
        "material.session_title",
        &[("session", &session.plan.title)],
    );
    let title = super::forms::title(lang, errors, &heading);
    let action = session_path(event, &session.id);
    let errors = &Errors::new(errors);
    let limit_text = format!("{} MB", limit / (1024 * 1024));
    let (back, back_text) = if account.may_manage(&event.id.to_string()) {
        (
            format!("/manage/events/{}/sessions", event.slug),
            lang.tf("session.list_title", &[("event", &event.title)]),
        )
    } else {
        ("/my/sessions".to_owned(), t("speaking.title").to_owned())
    };
    let visibility: Vec<(String, String)> = Visibility::ALL
        .iter()
        .map(|v| (v.as_str().to_owned(), visibility_label(lang, *v).to_owned()))
        .collect();
    let availability: Vec<(String, String)> = Availability::ALL
        .iter()
        .map(|a| {
            (
                a.as_str().to_owned(),
                availability_label(lang, *a).to_owned(),
            )
        })
        .collect();
    let chosen = |typed: &str, default: &'static str| {
        if typed.is_empty() {
            default.to_owned()
        } else {
            typed.to_owned()
        }
    };
    layout::page(
        ctx,
        &title,
        html! {
            p.back { a href=(back) { (back_text) } }
            h1 lang=[format::authored(lang)] { (heading) }
            p.when { span lang=[format::authored(lang)] { (event.title) } " · " (format::span(lang, session.plan.starts_at, session.plan.ends_at, event.time_zone)) }
            (summarised(lang, errors, html! {
            @if found.materials.is_empty() {
                p { (t("material.none_yet")) }
            } @else {
                ul.agenda {
                    @for material in &found.materials {
                        li.session {
                            h2 lang=[format::authored(lang)] { a href={ "/materials/" (material.id) } { (material.title) } }
                            p.meta {
                                (what(lang, material)) " · " (visibility_label(lang, material.visibility))
                                " · " (availability_label(lang, material.availability))
                                @if material.hidden { " · " strong { (t("material.hidden")) } }
                            }
                            @if material.versions.len() > 1 {
                                details {
                                    summary { (lang.tf("material.earlier", &[("n", &(material.versions.len() - 1))])) }
                                    ul {
                                        @for version in material.versions.iter().skip(1) {
                                            li {
                                                a href={ "/materials/" (material.id) "/versions/" (version.number) } { (version.file.name) }
                                                " · " (format::moment(lang, version.uploaded_at, event.time_zone))
                                            }
                                        }
                                    }
                                }
                            }
                            @if material.link.is_none() {
                                @let field = format!("file-{}", material.id);
                                (upload_form(ctx, &action, html! {
                                    input type="hidden" name="material" value=(material.id);
                                    div.field {
                                        label for=(field) { (lang.tf("material.new_version", &[("title", &material.title)])) }
                                        input id=(field) type="file" name="file" accept=(ACCEPT);
                                    }
                                    button.secondary type="submit" { (t("material.upload_version")) }
                                }))
                            }
                        }
                    }
                }
            }
            h2 { (t("material.add_title")) }
            (upload_form(ctx, &action, html! {
                (input(lang, Field::new("title", t("material.title"), "text", &typed.title), errors))
                (radios(lang, "visibility", t("material.visibility_legend"), &visibility, &chosen(&typed.visibility, "registered"), true, errors))
                (radios(lang, "availability", t("material.availability_legend"), &availability, &chosen(&typed.availability, "now"), true, errors))
                (input(lang, Field::new("link", t("material.link"), "url", &typed.link).conditional().hint(t("material.link_hint")), errors))
                @let error = errors.take("file", t("material.file"));
                div.field.invalid[error.is_some()] {
                    label for="f-file" { (t("material.file")) }
                    p.hint #f-file-hint { (lang.tf("material.file_hint", &[("limit", &limit_text)])) }
                    input #f-file type="file" name="file" accept=(ACCEPT)
                        aria-invalid=[error.is_some().then_some("true")]
                        aria-describedby={ "f-file-hint" @if error.is_some() { " f-file-error" } };
                    @if let Some(error) = error { p.error #f-file-error { (super::forms::message(lang, error)) } }
                }
                button type="submit" { (t("material.add")) }
            }))
            }))
        },
    )
}

/// What the file fields offer to pick; the content decides all the same.
const ACCEPT: &str = ".pdf,.pptx,.docx,.xlsx,.jpg,.jpeg,.png";

/// The event's materials a visitor may read, by session, with the ZIP of
/// all of them.
pub fn event_list(
    ctx: &PageContext,
    event: &Event,
    readable: &Readable,
    signed_in: bool,
) -> Markup {
    let lang = ctx.lang;
    let t = |key| lang.t(key);
    let any_now = readable
        .sessions
        .iter()
        .any(|(_, listed)| listed.iter().any(|l| l.opens_at.is_none()));
    layout::page(
        ctx,
        t("material.list_title"),
        html! {
            p.back { a href={ "/events/" (event.slug) } lang=[format::authored(lang)] { (event.title) } }
            h1 { (t("material.list_title")) }
            @if readable.for_participants_only && !signed_in {
                p.notice { a href={ "/my/sign-in?next=/events/" (event.slug) "/materials" } { (t("material.sign_in")) } }
            } @else if readable.for_participants_only {
                p.notice { (t("material.participants_only")) }
            }
            @if any_now {
                p { a href={ "/events/" (event.slug) "/materials.zip" } download { (t("material.zip")) } }
            }
            @let shown: Vec<_> = readable.sessions.iter().filter(|(_, listed)| !listed.is_empty()).collect();
            @if shown.is_empty() {
                p { (t("material.none")) }
            }
            ul.agenda {
                @for (session, listed) in shown {
                    li.session {
                        h2 lang=[format::authored(lang)] { (session.plan.title) }
                        p.when { (format::span(lang, session.plan.starts_at, session.plan.ends_at, event.time_zone)) }
                        ul {
                            @for item in listed {
                                li {
                                    @match item.opens_at {
                                        None => {
                                            a href={ "/materials/" (item.material.id) } lang=[format::authored(lang)] { (item.material.title) }
                                            " (" (what(lang, &item.material)) ")"
                                        }
                                        Some(at) => {
                                            span lang=[format::authored(lang)] { (item.material.title) }
                                            " · " (lang.tf("material.opens", &[("when", &format::moment(lang, at, event.time_zone))]))
                                        }
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

/// A material asked for before it opens.
pub fn not_yet(ctx: &PageContext, event: &Event, at: DateTime<Utc>) -> Markup {
    let lang = ctx.lang;
    layout::page(
        ctx,
        lang.t("material.not_yet_title"),
        html! {
            h1 { (lang.t("material.not_yet_title")) }
            p { (lang.tf("material.opens", &[("when", &format::moment(lang, at, event.time_zone))])) }
            p { a href={ "/events/" (event.slug) "/materials" } { (lang.t("material.list_title")) } }
        },
    )
}

/// Every material of the event, with its downloads, to hide or remove.
pub fn overview(ctx: &PageContext, event: &Event, all: &[SessionMaterials]) -> Markup {
    let lang = ctx.lang;
    let t = |key| lang.t(key);
    let base = overview_path(event);
    layout::page(
        ctx,
        t("material.overview_title"),
        html! {
            p.back { a href={ "/manage/events/" (event.slug) } lang=[format::authored(lang)] { (event.title) } }
            h1 { (t("material.overview_title")) }
            ul.agenda {
                @for found in all {
                    li.session {
                        h2 lang=[format::authored(lang)] { (found.session.plan.title) }
                        p { a href=(session_path(event, &found.session.id)) { (t("material.manage_session")) } }
                        @if found.materials.is_empty() {
                            p { (t("material.none_yet")) }
                        }
                        ul {
                            @for material in &found.materials {
                                li {
                                    a href={ "/materials/" (material.id) } lang=[format::authored(lang)] { (material.title) }
                                    " · " (what(lang, material))
                                    " · " (visibility_label(lang, material.visibility))
                                    " · " (availability_label(lang, material.availability))
                                    " · " (lang.tf("material.downloads", &[("n", &material.downloads)]))
                                    @if material.hidden { " · " strong { (t("material.hidden")) } }
                                    br;
                                    @let (label, value) = if material.hidden { ("material.show", "false") } else { ("material.hide", "true") };
                                    (post_button(ctx, &format!("{base}/{}/hide", material.id), &lang.tf(label, &[("title", &material.title)]), &[("hidden", value)], Look::Secondary))
                                    (post_button(ctx, &format!("{base}/{}/remove", material.id), &lang.tf("material.remove", &[("title", &material.title)]), &[], Look::Withdraw))
                                }
                            }
                        }
                    }
                }
            }
            (remove_note(lang))
        },
    )
}

/// Removing cannot be undone; said once under the list.
fn remove_note(lang: Lang) -> Markup {
    html! { p.hint { (lang.t("material.remove_hint")) } }
}

#[cfg(test)]
mod tests {
    use super::weight;
    use crate::i18n::Lang;

    #[test]
    fn weights_read_as_people_write_them() {
        assert_eq!(weight(Lang::Id, 1000), "1 KB");
        assert_eq!(weight(Lang::Id, 2_516_582), "2,4 MB");
        assert_eq!(weight(Lang::En, 2_516_582), "2.4 MB");
    }
}
