//! Speakers' profiles: the form (the speaker's own, or an organiser's for
//! a speaker of their event) and the card the agenda shows.

use maud::{Markup, html};

use super::forms::{
    Errors, Field, checkbox, input, message, select, summarised, textarea_marked, upload_form,
};
use super::{format, layout};
use crate::domain::event::{Event, FieldError};
use crate::domain::speaker::{ProfileForm, ZONES};
use crate::domain::time::zone_label;
use crate::i18n::Lang;
use crate::services::profiles::SpeakerProfile;
use crate::web::extract::PageContext;
use crate::web::handlers::profiles::PhotoUpload;
use crate::web::upload::UploadPolicy;

/// Where an organiser keeps the profile of a speaker of their event.
pub fn speaker_path(event: &Event, user_id: &str) -> String {
    format!("/manage/events/{}/speakers/{user_id}", event.slug)
}

/// Whose profile the form is for.
pub enum Whose<'a> {
    Own,
    InEvent(&'a Event),
}

/// A profile's form as typed, its current photo beside it.
pub struct FormPage<'a> {
    pub whose: Whose<'a>,
    pub profile: &'a SpeakerProfile,
    pub typed: &'a ProfileForm,
    pub errors: &'a [FieldError],
    pub saved: bool,
}

pub fn form_page(ctx: &PageContext, page: &FormPage<'_>) -> Markup {
    let lang = ctx.lang;
    let t = |key| lang.t(key);
    let (heading, action, back, back_text) = match page.whose {
        Whose::Own => (
            t("profile.own_title").to_owned(),
            "/my/profile".to_owned(),
            "/my".to_owned(),
            t("my.title").to_owned(),
        ),
        Whose::InEvent(event) => (
            lang.tf("profile.speaker_title", &[("name", &page.profile.name)]),
            speaker_path(event, &page.profile.user_id),
            format!("/manage/events/{}#team", event.slug),
            event.title.clone(),
        ),
    };
    let title = super::forms::title(lang, page.errors, &heading);
    let errors = &Errors::new(page.errors);
    let typed = page.typed;
    let zones: Vec<(String, String)> =
        std::iter::once((String::new(), t("profile.zone_each").to_owned()))
            .chain(ZONES.iter().map(|zone| {
                (
                    zone.name().to_owned(),
                    format!(
                        "{} ({})",
                        zone_label(*zone, chrono::Utc::now()),
                        zone.name()
                    ),
                )
            }))
            .collect();
    let photo_field = PhotoUpload::FIELD;
    let photo_id = format!("f-{photo_field}");
    let limit = format!("{} MB", PhotoUpload::LIMIT / (1024 * 1024));
    layout::page(
        ctx,
        &title,
        html! {
            p.back { a href=(back) lang=[matches!(page.whose, Whose::InEvent(_)).then(|| format::authored(lang)).flatten()] { (back_text) } }
            h1 { (heading) }
            @if page.saved { p.success role="status" { (t("profile.saved")) } }
            (summarised(lang, errors, upload_form(ctx, &action, html! {
                (input(lang, Field::new("name", t("profile.name"), "text", &typed.name).autocomplete("name").hint(t("profile.name_hint")), errors))
                (input(lang, Field::new("position", t("profile.position"), "text", &typed.position).autocomplete("organization-title").optional(), errors))
                (input(lang, Field::new("institution", t("profile.institution"), "text", &typed.institution).autocomplete("organization").optional(), errors))
                (textarea_marked(lang, ("bio", t("profile.bio"), false), &typed.bio, Some(t("profile.bio_hint")), errors))
                @if let Some(zone) = &typed.time_zone {
                    (select(lang, "time_zone", t("profile.zone"), &zones, zone, errors))
                }
                @if let (Some(path), Some(photo)) = (page.profile.photo_path(), &page.profile.photo) {
                    p { img.photo src=(path) width=(photo.width) height=(photo.height) alt=(lang.tf("profile.photo_alt", &[("name", &page.profile.name)])); }
                    (checkbox(lang, "remove_photo", t("profile.remove_photo"), typed.remove_photo, None, errors))
                }
                @let error = errors.take(photo_field, t("profile.photo"));
                div.field.invalid[error.is_some()] {
                    label for=(photo_id) { (t("profile.photo")) " " span.optional { (t("form.optional")) } }
                    p.hint id={ (photo_id) "-hint" } { (lang.tf("profile.photo_hint", &[("limit", &limit)])) }
                    input id=(photo_id) type="file" name=(photo_field) accept="image/jpeg,image/png"
                        aria-invalid=[error.map(|_| "true")]
                        aria-describedby={ (photo_id) "-hint" @if error.is_some() { " " (photo_id) "-error" } };
                    @if let Some(error) = error { p.error id={ (photo_id) "-error" } { (message(lang, error)) } }
                }
                button type="submit" { (t("profile.save")) }
            })))
            @if matches!(page.whose, Whose::Own) {
                p { a href="/my/sessions" { (t("speaking.title")) } }
            }
        },
    )
}

/// A speaker as the agenda shows them: a small photo, the name, the
/// position and institution, and their short biography folded under it.
pub fn card(lang: Lang, name: &str, profile: Option<&SpeakerProfile>) -> Markup {
    let about = profile
        .map(|p| {
            [p.position.as_str(), p.institution.as_str()]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default();
    html! {
        @if let Some((path, photo)) = profile.and_then(|p| Some((p.photo_path()?, p.photo.as_ref()?))) {
            @let (width, height) = thumbnail(photo.width, photo.height);
            img.photo src=(path) width=(width) height=(height) loading="lazy"
                alt=(lang.tf("profile.photo_alt", &[("name", &name)]));
        }
        span.name { (name) }
        @if !about.is_empty() { br; small lang=[format::authored(lang)] { (about) } }
        @if let Some(bio) = profile.map(|p| p.bio.as_str()).filter(|b| !b.is_empty()) {
            details.bio {
                summary { (lang.t("profile.bio")) span.visually-hidden { ": " (name) } }
                p lang=[format::authored(lang)] { (bio) }
            }
        }
    }
}

/// The size a photo is shown at on the agenda: within 64 pixels a side.
fn thumbnail(width: u32, height: u32) -> (u32, u32) {
    const SIDE: u32 = 64;
    let longest = width.max(height).max(1);
    (
        (width * SIDE / longest).max(1),
        (height * SIDE / longest).max(1),
    )
}
