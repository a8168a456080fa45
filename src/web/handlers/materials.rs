//! Session materials: the speakers' and organisers' upload page, the
//! participants' list, downloads (ranges included) and the event's
//! materials as one ZIP, and the organisers' overview.

use actix_web::body::SizedStream;
use actix_web::http::{Method, StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::StreamExt;
use maud::Markup;
use serde::Deserialize;

use super::registration::Fields;
use super::{page, see_other};
use crate::domain::event::FieldError;
use crate::domain::material::{MaterialForm, Part, requested_part};
use crate::error::Error;
use crate::export::zip as archive;
use crate::integrations::storage::FileKey;
use crate::services::accounts::Origin;
use crate::services::events;
use crate::services::materials::{self, Addition, Fetched, StoredFile};
use crate::web::AppState;
use crate::web::extract::{Form, ManagedEvent, PageContext, Staff, Viewer};
use crate::web::upload::{Kind, Refusal, SpooledFile, Upload, UploadPolicy};
use crate::web::views::materials as views;

/// A material's file: slides, a document, a workbook or a picture. Its
/// size limit is the installation's (`BIMTEK_MATERIAL_LIMIT_MB`, read by
/// [`Upload::receive_spooled`]); this one is the default's, for reference.
pub struct MaterialUpload;

impl UploadPolicy for MaterialUpload {
    const LIMIT: usize = 50 * 1024 * 1024;
    const KINDS: &'static [Kind] = &[
        Kind::Pdf,
        Kind::Pptx,
        Kind::Docx,
        Kind::Xlsx,
        Kind::Jpeg,
        Kind::Png,
    ];
    /// Participants download it under the name it was sent with.
    const PLAIN_NAMES_ONLY: bool = true;
}

pub async fn session_page(
    state: web::Data<AppState>,
    ctx: PageContext,
    Staff(account): Staff,
    path: web::Path<(String, String)>,
) -> Result<Markup, Error> {
    let (slug, session_id) = path.into_inner();
    // What a staff member may do in the event the service decides: a
    // session's speakers are not its organisers.
    let event = events::by_slug(&state.db, &slug).await?;
    let found = materials::for_session(&state.db, &account, &event, &session_id).await?;
    Ok(views::session_page(
        &ctx,
        &event,
        &found,
        &account,
        &MaterialForm::default(),
        &[],
        state.material_limit,
    ))
}

/// Takes a new material (a file or a link) or a newer file of one. The
/// sender's right is checked before the body is read; the file is written
/// to disk as it arrives, then to storage.
pub async fn upload(
    state: web::Data<AppState>,
    ctx: PageContext,
    origin: Origin,
    Staff(account): Staff,
    path: web::Path<(String, String)>,
    upload: Upload<MaterialUpload>,
) -> Result<HttpResponse, Error> {
    let (slug, session_id) = path.into_inner();
    // What a staff member may do in the event the service decides: a
    // session's speakers are not its organisers.
    let event = events::by_slug(&state.db, &slug).await?;
    materials::may_add(&state.db, &account, &event, &session_id).await?;
    let form = match upload.receive_spooled(state.material_limit).await {
        Ok(form) => form,
        Err(Refusal::Csrf) => return Err(Error::Csrf),
        Err(Refusal::Field { .. }) => return Err(Error::Invalid(Vec::new())),
    };
    let typed = MaterialForm::from_pairs(&form.fields);
    let replacing = form
        .fields
        .iter()
        .find(|(name, _)| name == "material")
        .map(|(_, id)| id.clone())
        .filter(|id| !id.is_empty());
    let (file, status, mut errors) = match form.file {
        Ok(Some(file)) => (Some(store(&state, file).await?), StatusCode::OK, Vec::new()),
        Ok(None) | Err(Refusal::Csrf) => (None, StatusCode::UNPROCESSABLE_ENTITY, Vec::new()),
        Err(Refusal::Field { status, error }) => (None, status, vec![error]),
    };
    let addition = match (replacing, file) {
        (Some(id), Some(file)) => Some(Addition::Version(id, file)),
        (Some(_), None) => {
            if errors.is_empty() {
                errors.push(FieldError::new("file", "material.error.nothing"));
            }
            None
        }
        (None, file) => match typed.check(file.is_some() || !errors.is_empty()) {
            Ok(checked) if errors.is_empty() => Some(Addition::New(checked, file)),
            Ok(_) => None,
            Err(more) => {
                errors.extend(more);
                None
            }
        },
    };
    let outcome = match addition {
        Some(addition) => {
            materials::add(&state.db, &account, &event, &session_id, addition, &origin).await
        }
        None => Err(Error::Invalid(errors)),
    };
    match outcome {
        Ok(()) => Ok(see_other(&views::session_path(&event, &session_id))),
        Err(Error::Invalid(errors)) => {
            let found = materials::for_session(&state.db, &account, &event, &session_id).await?;
            let status = if status == StatusCode::OK {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                status
            };
            Ok(page(
                status,
                views::session_page(
                    &ctx,
                    &event,
                    &found,
                    &account,
                    &typed,
                    &errors,
                    state.material_limit,
                ),
            ))
        }
        Err(error) => Err(error),
    }
}

async fn store(state: &AppState, file: SpooledFile) -> Result<StoredFile, Error> {
    state
        .storage
        .put_file(&file.key, file.file)
        .await
        .map_err(|e| Error::Internal(e.to_string()))?;
    Ok(StoredFile {
        key: file.key.to_string(),
        name: file.name,
        kind: file.kind.extension().to_owned(),
        size: file.size,
    })
}

/// The event's materials a visitor may read, by session.
pub async fn event_list(
    state: web::Data<AppState>,
    ctx: PageContext,
    viewer: Viewer,
    slug: web::Path<String>,
) -> Result<Markup, Error> {
    let event = events::published_by_slug(&state.db, &slug).await?;
    let readable = materials::readable(&state.db, viewer.account.as_ref(), &event).await?;
    Ok(views::event_list(
        &ctx,
        &event,
        &readable,
        viewer.account.is_some(),
    ))
}

/// Every material the visitor may read now, as one ZIP streamed as it is
/// written, a folder per session.
pub async fn zip(
    state: web::Data<AppState>,
    viewer: Viewer,
    slug: web::Path<String>,
) -> Result<HttpResponse, Error> {
    let event = events::published_by_slug(&state.db, &slug).await?;
    let found = materials::zip_entries(&state.db, viewer.account.as_ref(), &event).await?;
    let mut taken = std::collections::HashSet::new();
    let mut sessions: Vec<&str> = Vec::new();
    let mut entries = Vec::new();
    for entry in &found {
        if !sessions.contains(&entry.session.as_str()) {
            sessions.push(&entry.session);
        }
        let Some(key) = FileKey::parse(&entry.file.key) else {
            continue;
        };
        let folder = format!("{:02} {}", sessions.len(), entry.session);
        entries.push(archive::Entry {
            name: archive::entry_name(&folder, &entry.file.name, &mut taken),
            key,
        });
    }
    Ok(HttpResponse::Ok()
        .content_type("application/zip")
        .insert_header((
            header::CONTENT_DISPOSITION,
            attachment(&format!("{}-materi.zip", event.slug)),
        ))
        .insert_header(("x-content-type-options", "nosniff"))
        .insert_header((header::CONTENT_ENCODING, "identity"))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .streaming(archive::stream(state.storage.clone(), entries)))
}

pub async fn download(
    state: web::Data<AppState>,
    ctx: PageContext,
    req: HttpRequest,
    viewer: Viewer,
    id: web::Path<String>,
) -> Result<HttpResponse, Error> {
    deliver(&state, &ctx, &req, viewer, &id, None).await
}

pub async fn version(
    state: web::Data<AppState>,
    ctx: PageContext,
    req: HttpRequest,
    viewer: Viewer,
    path: web::Path<(String, i32)>,
) -> Result<HttpResponse, Error> {
    let (id, number) = path.into_inner();
    deliver(&state, &ctx, &req, viewer, &id, Some(number)).await
}

async fn deliver(
    state: &AppState,
    ctx: &PageContext,
    req: &HttpRequest,
    viewer: Viewer,
    id: &str,
    version: Option<i32>,
) -> Result<HttpResponse, Error> {
    let range = req
        .headers()
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok());
    // A download is counted once, by its first byte, however many ranges
    // fetch the rest.
    let count = req.method() == Method::GET
        && range.is_none_or(|r| r.trim_start_matches("bytes=").starts_with("0-"));
    match materials::fetch(&state.db, viewer.account.as_ref(), id, version, count).await? {
        Fetched::Link(link) => Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, link))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .finish()),
        Fetched::NotYet(at, event) => {
            Ok(page(StatusCode::FORBIDDEN, views::not_yet(ctx, &event, at)))
        }
        Fetched::File { file, public } => file_response(state, &file, public, range).await,
    }
}

/// The file as a download: never shown in the site's origin, its name as
/// sent, in whole or in the one range asked for.
async fn file_response(
    state: &AppState,
    file: &StoredFile,
    public: bool,
    range: Option<&str>,
) -> Result<HttpResponse, Error> {
    let kind = Kind::from_extension(&file.kind).ok_or(Error::NotFound)?;
    let key = FileKey::parse(&file.key).ok_or(Error::NotFound)?;
    let mut response = HttpResponse::build(StatusCode::OK);
    response
        .content_type(kind.content_type())
        .insert_header((header::CONTENT_DISPOSITION, attachment(&file.name)))
        .insert_header((header::ACCEPT_RANGES, "bytes"))
        .insert_header(("x-content-type-options", "nosniff"))
        // Already compact (PDF, Office files, pictures); gzip would only
        // cost time and lose the length ranges rely on.
        .insert_header((header::CONTENT_ENCODING, "identity"))
        .insert_header((
            header::CACHE_CONTROL,
            if public {
                "public, max-age=300"
            } else {
                "no-store"
            },
        ));
    let (start, end) = match requested_part(range, file.size) {
        Part::Whole => (0, file.size),
        Part::Range { start, end } => {
            response.status(StatusCode::PARTIAL_CONTENT).insert_header((
                header::CONTENT_RANGE,
                format!("bytes {start}-{end}/{}", file.size),
            ));
            (start, end + 1)
        }
        Part::Unsatisfiable => {
            return Ok(HttpResponse::RangeNotSatisfiable()
                .insert_header((header::CONTENT_RANGE, format!("bytes */{}", file.size)))
                .finish());
        }
    };
    let whole = start == 0 && end == file.size;
    let bytes = state
        .storage
        .get_part(&key, (!whole).then_some(start..end))
        .await
        .map_err(|e| Error::Internal(e.to_string()))?;
    Ok(response.body(SizedStream::new(
        end - start,
        bytes.map(|part| part.map_err(std::io::Error::other)),
    )))
}

/// `Content-Disposition` for a download under `name` (RFC 6266): an ASCII
/// `filename` for old clients, and the name itself as UTF-8 in
/// `filename*`.
pub fn attachment(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

pub async fn overview(
    state: web::Data<AppState>,
    ctx: PageContext,
    ManagedEvent { event, .. }: ManagedEvent,
) -> Result<Markup, Error> {
    let all = materials::of_event_for_organisers(&state.db, &event).await?;
    Ok(views::overview(&ctx, &event, &all))
}

#[derive(Deserialize)]
pub struct Hidden {
    hidden: String,
}

pub async fn hide(
    state: web::Data<AppState>,
    origin: Origin,
    ManagedEvent { account, event }: ManagedEvent,
    path: web::Path<(String, String)>,
    Form(form): Form<Hidden>,
) -> Result<HttpResponse, Error> {
    let (_, id) = path.into_inner();
    let hidden = form.hidden == "true";
    materials::set_hidden(&state.db, &account, &event, &id, hidden, &origin).await?;
    Ok(see_other(&views::overview_path(&event)))
}

pub async fn remove(
    state: web::Data<AppState>,
    origin: Origin,
    ManagedEvent { account, event }: ManagedEvent,
    path: web::Path<(String, String)>,
    Form(_): Form<Fields>,
) -> Result<HttpResponse, Error> {
    let (_, id) = path.into_inner();
    materials::remove(&state.db, &account, &event, &id, &origin).await?;
    Ok(see_other(&views::overview_path(&event)))
}

#[cfg(test)]
mod tests {
    use super::attachment;

    #[test]
    fn download_names_survive_every_client() {
        assert_eq!(
            attachment("Strategi TPBIS.pdf"),
            "attachment; filename=\"Strategi TPBIS.pdf\"; filename*=UTF-8''Strategi%20TPBIS.pdf"
        );
        assert_eq!(
            attachment("Materi \"Literasi\" – Bengkulu.pptx"),
            "attachment; filename=\"Materi _Literasi_ _ Bengkulu.pptx\"; \
             filename*=UTF-8''Materi%20%22Literasi%22%20%E2%80%93%20Bengkulu.pptx"
        );
    }
}
