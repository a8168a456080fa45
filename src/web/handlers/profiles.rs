//! Speakers' profiles: the speaker's own on /my/profile, an organiser's
//! for a speaker of their event, and the photo as a small JPEG.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use maud::Markup;
use serde::Deserialize;

use super::{page, see_other};
use crate::domain::speaker::ProfileForm;
use crate::error::Error;
use crate::services::accounts::Origin;
use crate::services::profiles::{self, SpeakerProfile, Whose};
use crate::web::AppState;
use crate::web::extract::{ManagedEvent, PageContext, Staff};
use crate::web::upload::{Kind, Refusal, Upload, UploadPolicy};
use crate::web::views::profiles::{self as views, FormPage};

/// A speaker's photo: a PNG or JPEG, made small once received.
pub struct PhotoUpload;

impl UploadPolicy for PhotoUpload {
    const LIMIT: usize = 5 * 1024 * 1024;
    const KINDS: &'static [Kind] = &[Kind::Jpeg, Kind::Png];
    const FIELD: &'static str = "photo";
}

/// `?saved`: the profile was just saved.
#[derive(Deserialize, Default)]
pub struct Saved {
    #[serde(default)]
    saved: Option<String>,
}

pub async fn own_page(
    state: web::Data<AppState>,
    ctx: PageContext,
    Staff(account): Staff,
    query: web::Query<Saved>,
) -> Result<Markup, Error> {
    let profile = profiles::own(&state.db, &account).await?;
    Ok(views::form_page(
        &ctx,
        &FormPage {
            whose: views::Whose::Own,
            typed: &profile.form(),
            profile: &profile,
            errors: &[],
            saved: query.saved.is_some(),
        },
    ))
}

pub async fn save_own(
    state: web::Data<AppState>,
    ctx: PageContext,
    origin: Origin,
    Staff(account): Staff,
    upload: Upload<PhotoUpload>,
) -> Result<HttpResponse, Error> {
    let profile = profiles::own(&state.db, &account).await?;
    let sent = receive(&state, &account, Whose::Own, upload, &origin).await?;
    answer(
        &ctx,
        sent,
        views::Whose::Own,
        &profile,
        "/my/profile?saved=1",
    )
}

pub async fn speaker_page(
    state: web::Data<AppState>,
    ctx: PageContext,
    ManagedEvent { account, event }: ManagedEvent,
    path: web::Path<(String, String)>,
    query: web::Query<Saved>,
) -> Result<Markup, Error> {
    let (_, user_id) = path.into_inner();
    let profile = profiles::in_event(&state.db, &account, &event, &user_id).await?;
    let mut typed = profile.form();
    typed.time_zone = None;
    Ok(views::form_page(
        &ctx,
        &FormPage {
            whose: views::Whose::InEvent(&event),
            typed: &typed,
            profile: &profile,
            errors: &[],
            saved: query.saved.is_some(),
        },
    ))
}

pub async fn save_speaker(
    state: web::Data<AppState>,
    ctx: PageContext,
    origin: Origin,
    ManagedEvent { account, event }: ManagedEvent,
    path: web::Path<(String, String)>,
    upload: Upload<PhotoUpload>,
) -> Result<HttpResponse, Error> {
    let (_, user_id) = path.into_inner();
    // The organiser's right is checked before the body is read.
    let profile = profiles::in_event(&state.db, &account, &event, &user_id).await?;
    let whose = Whose::InEvent(&event, &user_id);
    let sent = receive(&state, &account, whose, upload, &origin).await?;
    let saved = format!("{}?saved=1", views::speaker_path(&event, &user_id));
    answer(&ctx, sent, views::Whose::InEvent(&event), &profile, &saved)
}

/// What a sent form came to: saved, or refused with its messages and
/// what was typed.
enum Sent {
    Saved,
    Refused(
        StatusCode,
        ProfileForm,
        Vec<crate::domain::event::FieldError>,
    ),
}

/// Reads the form (its fields, then the photo), checks it and saves it.
async fn receive(
    state: &AppState,
    account: &crate::domain::account::Account,
    whose: Whose<'_>,
    upload: Upload<PhotoUpload>,
    origin: &Origin,
) -> Result<Sent, Error> {
    let form = match upload.receive_form().await {
        Ok(form) => form,
        Err(Refusal::Csrf) => return Err(Error::Csrf),
        Err(Refusal::Field { .. }) => return Err(Error::Invalid(Vec::new())),
    };
    let typed = ProfileForm::from_pairs(&form.fields, matches!(whose, Whose::Own));
    let (photo, status, mut errors) = match form.file {
        Ok(file) => (
            file.map(|f| f.bytes),
            StatusCode::UNPROCESSABLE_ENTITY,
            Vec::new(),
        ),
        Err(Refusal::Csrf) => (None, StatusCode::UNPROCESSABLE_ENTITY, Vec::new()),
        Err(Refusal::Field { status, error }) => (None, status, vec![error]),
    };
    let checked = match typed.check() {
        Ok(checked) if errors.is_empty() => checked,
        Ok(_) => return Ok(Sent::Refused(status, typed, errors)),
        Err(more) => {
            errors.extend(more);
            return Ok(Sent::Refused(status, typed, errors));
        }
    };
    match profiles::save(
        (&state.db, &state.storage),
        account,
        whose,
        checked,
        photo,
        origin,
    )
    .await
    {
        Ok(()) => Ok(Sent::Saved),
        Err(Error::Invalid(errors)) => Ok(Sent::Refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            typed,
            errors,
        )),
        Err(error) => Err(error),
    }
}

fn answer(
    ctx: &PageContext,
    sent: Sent,
    whose: views::Whose<'_>,
    profile: &SpeakerProfile,
    saved: &str,
) -> Result<HttpResponse, Error> {
    match sent {
        Sent::Saved => Ok(see_other(saved)),
        Sent::Refused(status, typed, errors) => Ok(page(
            status,
            views::form_page(
                ctx,
                &FormPage {
                    whose,
                    profile,
                    typed: &typed,
                    errors: &errors,
                    saved: false,
                },
            ),
        )),
    }
}

/// A speaker's photo, by the key of its content: cached for long, since a
/// new photo has a new address.
pub async fn photo(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, Error> {
    let (user_id, key) = path.into_inner();
    let jpeg = profiles::photo((&state.db, &state.storage), &user_id, &key).await?;
    Ok(HttpResponse::Ok()
        .content_type("image/jpeg")
        .insert_header(("x-content-type-options", "nosniff"))
        .insert_header((header::CACHE_CONTROL, "public, max-age=604800, immutable"))
        .body(jpeg))
}
