//! Certificates: an event's settings, who is eligible (the dry run),
//! issuing with gap-free numbers, rendering and delivery by the jobs
//! table, the holder's download and the public verify page.
//!
//! Issuing writes the certificate rows, each with the next number of its
//! type ([`repo::take_number`]) and a render job keyed by the certificate,
//! in one transaction: a crash issues all or nothing, and no number is
//! lost or taken twice. The render job renders and stores the PDF, then
//! records it and queues its e-mail in the transaction that finishes it,
//! after locking its own row: a second run finds the e-mail queued and
//! writes nothing.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use url::Url;
use uuid::Uuid;

use crate::db::models::{
    CertificateRow, CertificateSettingsRow, CertificateTypeRow, RegistrationRow,
};
use crate::db::repo::{
    action_plans as plans, audit, certificates as repo, events, registrations,
    sessions as sessions_repo, users,
};
use crate::db::states::Stored;
use crate::db::{Db, DbConnection};
use crate::domain::account::Account;
use crate::domain::certificate::eligibility::{Attendance, Eligibility, Requirement, eligibility};
use crate::domain::certificate::number::{Pattern, Values};
use crate::domain::certificate::settings::SettingsForm;
use crate::domain::certificate::{Kind, Signatory, default_event_code};
use crate::domain::event::{Event, FieldError};
use crate::domain::outbox::OutboxStatus;
use crate::domain::registration::Status;
use crate::domain::session::{Delivery, Session, total_jp};
use crate::email::Template;
use crate::error::Error;
use crate::i18n::Lang;
use crate::integrations::storage::{FileKey, Storage, StorageError};
use crate::jobs::{self, Attempt, BackgroundJob, JobContext, JobFailure, Outcome};
use crate::pdf;
use crate::services::attendance::results;
use crate::services::mail;

pub mod changes;
pub mod team;

/// The layout, read once per process.
static LAYOUT: LazyLock<Result<pdf::Layout, String>> =
    LazyLock::new(|| pdf::Layout::standard().map_err(|e| e.to_string()));

/// One certificate type of the event as saved (or as it starts).
#[derive(Clone, Debug)]
pub struct TypeSettings {
    pub kind: Kind,
    pub enabled: bool,
    pub pattern: String,
    /// The number the next certificate of the type takes.
    pub next_number: i32,
}

/// What an event's certificates print and who gets them.
#[derive(Clone, Debug)]
pub struct Settings {
    /// In the order of [`Kind::ALL`].
    pub types: Vec<TypeSettings>,
    pub requirement: Requirement,
    pub event_code: String,
    pub signing_place: String,
    pub signing_date: Option<NaiveDate>,
    pub signatories: Vec<Signatory>,
    pub logo_key: Option<String>,
    pub background_key: Option<String>,
    /// Saved at least once: nothing is issued before.
    pub saved: bool,
}

impl Settings {
    pub fn of(&self, kind: Kind) -> &TypeSettings {
        self.types
            .iter()
            .find(|t| t.kind == kind)
            .expect("every kind has its settings")
    }

    /// The day printed beside the place, whose month and year numbers
    /// carry: the chosen date, else the event's last day in its zone.
    pub fn signing_day(&self, event: &Event) -> NaiveDate {
        self.signing_date
            .unwrap_or_else(|| event.ends_at.with_timezone(&event.time_zone).date_naive())
    }

    /// The settings as the form shows them.
    pub fn form(&self) -> SettingsForm {
        let on = |kind| self.of(kind).enabled.then(|| "1".to_owned());
        let signatory = |i: usize| self.signatories.get(i).cloned().unwrap_or_default();
        let (first, second) = (signatory(0), signatory(1));
        SettingsForm {
            participant_enabled: on(Kind::Participant),
            speaker_enabled: on(Kind::Speaker),
            committee_enabled: on(Kind::Committee),
            requirement: self.requirement.stored().to_owned(),
            participant_pattern: self.of(Kind::Participant).pattern.clone(),
            speaker_pattern: self.of(Kind::Speaker).pattern.clone(),
            committee_pattern: self.of(Kind::Committee).pattern.clone(),
            event_code: self.event_code.clone(),
            signing_place: self.signing_place.clone(),
            signing_date: self
                .signing_date
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            signatory1_position: first.position,
            signatory1_name: first.name,
            signatory1_lines: first.lines.join("\n"),
            signatory2_position: second.position,
            signatory2_name: second.name,
            signatory2_lines: second.lines.join("\n"),
        }
    }
}

/// A requirement as forms send it.
pub fn requirement_value(requirement: Requirement) -> &'static str {
    requirement.stored()
}

/// A certificate type as a form or an address names it.
pub fn kind_value(kind: Kind) -> &'static str {
    kind.stored()
}

fn read_settings(conn: &mut DbConnection, event: &Event) -> Result<Settings, Error> {
    let event_id = event.id.to_string();
    let saved_types = repo::types_of(conn, &event_id)?;
    let types = Kind::ALL
        .into_iter()
        .map(|kind| match saved_types.iter().find(|t| t.kind == kind) {
            Some(t) => TypeSettings {
                kind,
                enabled: t.enabled,
                pattern: t.number_pattern.clone(),
                next_number: t.next_number,
            },
            None => TypeSettings {
                kind,
                enabled: false,
                pattern: kind.default_pattern().to_owned(),
                next_number: 1,
            },
        })
        .collect();
    let requirement = saved_types
        .iter()
        .find(|t| t.kind == Kind::Participant)
        .map_or(Requirement::Both, |t| t.requirement);
    Ok(match repo::settings_of(conn, &event_id)? {
        Some(row) => Settings {
            types,
            requirement,
            signatories: signatories(&row.signatories)?,
            event_code: row.event_code,
            signing_place: row.signing_place,
            signing_date: row
                .signing_date
                .and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
            logo_key: row.logo_key,
            background_key: row.background_key,
            saved: true,
        },
        None => Settings {
            types,
            requirement,
            event_code: default_event_code(&event.slug),
            signing_place: String::new(),
            signing_date: None,
            signatories: Vec::new(),
            logo_key: None,
            background_key: None,
            saved: false,
        },
    })
}

fn signatories(json: &str) -> Result<Vec<Signatory>, Error> {
    serde_json::from_str(json).map_err(|e| Error::Internal(format!("signatories: {e}")))
}

/// The event's certificate settings.
pub async fn settings(db: &Db, event: &Event) -> Result<Settings, Error> {
    let event = event.clone();
    db.run(move |conn| read_settings(conn, &event)).await
}

/// Saves the settings form; the pictures uploaded stay. Each type's
/// counter stays as it is.
pub async fn save_settings(
    db: &Db,
    actor: &Account,
    event: &Event,
    form: &SettingsForm,
) -> Result<(), Error> {
    let checked = form
        .check(Requirement::from_stored(form.requirement.trim()))
        .map_err(Error::Invalid)?;
    let (actor, event) = (actor.clone(), event.clone());
    db.transaction(move |conn| {
        let event_id = event.id.to_string();
        if repo::code_taken(conn, &event_id, &checked.event_code)? {
            return Err(Error::Invalid(vec![FieldError::new(
                "event_code",
                "certificate.error.code_taken",
            )]));
        }
        let before = read_settings(conn, &event)?;
        let now = Utc::now();
        let signatories: Vec<Signatory> = checked
            .signatories
            .into_iter()
            .enumerate()
            .map(|(i, mut signatory)| {
                if let Some(old) = before.signatories.get(i) {
                    signatory.signature_key = old.signature_key.clone();
                    signatory.stamp_key = old.stamp_key.clone();
                }
                signatory
            })
            .collect();
        repo::save_settings(
            conn,
            &CertificateSettingsRow {
                event_id: event_id.clone(),
                event_code: checked.event_code,
                signing_place: checked.signing_place,
                signing_date: checked
                    .signing_date
                    .map(|d| d.format("%Y-%m-%d").to_string()),
                signatories: serde_json::to_string(&signatories).expect("signatories serialise"),
                logo_key: before.logo_key,
                background_key: before.background_key,
                updated_at: now.naive_utc(),
            },
        )?;
        for rules in checked.types {
            repo::save_type(
                conn,
                &CertificateTypeRow {
                    event_id: event_id.clone(),
                    kind: rules.kind,
                    enabled: rules.enabled,
                    number_pattern: rules.pattern,
                    next_number: 1,
                    requirement: match rules.kind {
                        Kind::Participant => checked.requirement,
                        Kind::Speaker | Kind::Committee => Requirement::None,
                    },
                    updated_at: now.naive_utc(),
                },
            )?;
        }
        audit::Entry::new("certificate.settings_saved")
            .by(&actor)
            .event(Some(&event_id))
            .record(conn, now)?;
        Ok(())
    })
    .await
}

/// A picture a certificate prints, uploaded on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Picture {
    Logo,
    Background,
    /// Of the first (0) or second (1) signatory.
    Signature(usize),
    Stamp(usize),
}

impl Picture {
    pub const ALL: [Picture; 6] = [
        Picture::Logo,
        Picture::Background,
        Picture::Signature(0),
        Picture::Stamp(0),
        Picture::Signature(1),
        Picture::Stamp(1),
    ];

    /// As the upload's address names it.
    pub fn name(self) -> &'static str {
        match self {
            Picture::Logo => "logo",
            Picture::Background => "background",
            Picture::Signature(0) => "signature-1",
            Picture::Stamp(0) => "stamp-1",
            Picture::Signature(_) => "signature-2",
            Picture::Stamp(_) => "stamp-2",
        }
    }

    pub fn from_name(name: &str) -> Option<Picture> {
        Picture::ALL.into_iter().find(|p| p.name() == name)
    }

    /// Its current key in the settings.
    pub fn key(self, settings: &Settings) -> Option<&str> {
        match self {
            Picture::Logo => settings.logo_key.as_deref(),
            Picture::Background => settings.background_key.as_deref(),
            Picture::Signature(i) => settings.signatories.get(i)?.signature_key.as_deref(),
            Picture::Stamp(i) => settings.signatories.get(i)?.stamp_key.as_deref(),
        }
    }
}

/// Keeps an uploaded picture (PNG or JPEG, as its content showed) in
/// storage and the settings.
/// Settings must be saved first, and a signatory's picture needs the
/// signatory.
pub async fn set_picture(
    (db, storage): (&Db, &Storage),
    actor: &Account,
    event: &Event,
    picture: Picture,
    bytes: bytes::Bytes,
) -> Result<(), Error> {
    let printable = std::sync::Arc::new(bytes.to_vec());
    tokio::task::spawn_blocking(move || pdf::check_picture(printable))
        .await
        .map_err(|e| Error::Internal(e.to_string()))?
        .map_err(|_| {
            Error::Invalid(vec![FieldError::new(
                "picture",
                "certificate.error.picture_unreadable",
            )])
        })?;
    // Stored first: a file nobody refers to is harmless, a key to no file
    // is not. Storing is idempotent (the key is the content's hash).
    let key = storage
        .put(bytes)
        .await
        .map_err(|e| Error::Internal(e.to_string()))?;
    let (actor, event) = (actor.clone(), event.clone());
    db.transaction(move |conn| {
        let event_id = event.id.to_string();
        let mut row = repo::settings_of(conn, &event_id)?.ok_or_else(|| {
            Error::Invalid(vec![FieldError::new(
                "picture",
                "certificate.error.settings_first",
            )])
        })?;
        let mut people = signatories(&row.signatories)?;
        let key = Some(key.to_string());
        match picture {
            Picture::Logo => row.logo_key = key,
            Picture::Background => row.background_key = key,
            Picture::Signature(i) | Picture::Stamp(i) => {
                let signatory = people.get_mut(i).ok_or_else(|| {
                    Error::Invalid(vec![FieldError::new(
                        "picture",
                        "certificate.error.signatory_first",
                    )])
                })?;
                if matches!(picture, Picture::Signature(_)) {
                    signatory.signature_key = key;
                } else {
                    signatory.stamp_key = key;
                }
            }
        }
        let now = Utc::now();
        row.signatories = serde_json::to_string(&people).expect("signatories serialise");
        row.updated_at = now.naive_utc();
        repo::save_settings(conn, &row)?;
        audit::Entry::new("certificate.picture_saved")
            .by(&actor)
            .event(Some(&event_id))
            .subject(picture.name())
            .record(conn, now)?;
        Ok(())
    })
    .await
}

/// A participant with a confirmed seat, as the dry run judges them.
#[derive(Clone, Debug)]
pub struct Candidate {
    pub registration_id: String,
    pub name: String,
    pub email: String,
    pub institution: String,
    pub eligibility: Eligibility,
    /// The number of the certificate they hold already, if any.
    pub holds: Option<String>,
}

fn candidates(
    conn: &mut DbConnection,
    event: &Event,
    settings: &Settings,
    now: DateTime<Utc>,
) -> Result<(Vec<Candidate>, Vec<Session>), Error> {
    let sheet = results::sheet(conn, event, now)?;
    let event_id = event.id.to_string();
    let plans: HashMap<String, _> = plans::states_of_event(conn, &event_id)?
        .into_iter()
        .collect();
    let held: HashMap<String, String> = repo::of_event(conn, &event_id)?
        .into_iter()
        .map(|(row, _)| row)
        .filter(|row| row.kind == Kind::Participant && row.revoked_at.is_none())
        .filter_map(|row| Some((row.registration_id?, row.number)))
        .collect();
    let candidates = sheet
        .standings
        .iter()
        .map(|standing| {
            let attendee = &standing.attendee;
            let result = &standing.result;
            let attendance = Attendance {
                passed: result.passed(),
                percent: result.percent,
                required_percent: result.required_percent,
                overridden: result.overridden.is_some(),
            };
            Candidate {
                registration_id: attendee.id.clone(),
                name: attendee.full_name.clone(),
                email: attendee.email.clone(),
                institution: attendee.institution.clone(),
                eligibility: eligibility(
                    settings.requirement,
                    &attendance,
                    plans.get(&attendee.id).copied(),
                ),
                holds: held.get(&attendee.id).cloned(),
            }
        })
        .collect();
    Ok((candidates, sheet.sessions))
}

/// Who would receive a participant's certificate now, and why not for
/// everyone else: every participant with a confirmed seat, by name.
pub async fn dry_run(db: &Db, event: &Event) -> Result<Vec<Candidate>, Error> {
    let event = event.clone();
    db.run(move |conn| {
        let settings = read_settings(conn, &event)?;
        Ok(candidates(conn, &event, &settings, Utc::now())?.0)
    })
    .await
}

/// Whom a certificate is issued to, as printed.
#[derive(Clone, Debug)]
pub struct Holder {
    /// Participants'.
    pub registration_id: Option<String>,
    /// Speakers' and committee members'.
    pub account_id: Option<String>,
    /// With titles, exactly as registered.
    pub name: String,
    pub detail: Option<String>,
    pub jp: u32,
}

impl Holder {
    /// A participant, by their registration.
    pub fn participant(registration: &RegistrationRow, jp: u32) -> Holder {
        let detail = match registration.nip.as_deref().map(str::trim) {
            Some(nip) if !nip.is_empty() => format!("NIP {nip} · {}", registration.institution),
            _ => registration.institution.clone(),
        };
        Holder {
            registration_id: Some(registration.id.clone()),
            account_id: None,
            name: registration.full_name.clone(),
            detail: Some(detail).filter(|d| !d.trim().is_empty()),
            jp,
        }
    }
}

/// Issues one certificate of `kind` to `holder` in the caller's
/// transaction: takes the type's next number, writes the row and queues
/// its rendering. The type must be enabled; a holder with a certificate
/// of the type in force gets none (the unique index refuses it).
pub fn issue_one(
    conn: &mut DbConnection,
    (event, settings): (&Event, &Settings),
    kind: Kind,
    holder: Holder,
    actor: Option<&Account>,
    now: DateTime<Utc>,
) -> Result<CertificateRow, Error> {
    let refused = |message| Error::Invalid(vec![FieldError::new("certificate", message)]);
    let rules = settings.of(kind);
    if !settings.saved || !rules.enabled {
        return Err(refused("certificate.error.disabled"));
    }
    let pattern = Pattern::parse(&rules.pattern, "pattern").map_err(|e| Error::Invalid(vec![e]))?;
    let event_id = event.id.to_string();
    let sequence = repo::take_number(conn, &event_id, kind)?
        .ok_or_else(|| refused("certificate.error.disabled"))?;
    let day = settings.signing_day(event);
    let row = CertificateRow {
        id: Uuid::now_v7().simple().to_string(),
        event_id,
        kind,
        registration_id: holder.registration_id,
        account_id: holder.account_id,
        holder_name: holder.name,
        holder_detail: holder.detail,
        jp: i32::try_from(holder.jp).unwrap_or(i32::MAX),
        sequence,
        number: pattern.format(&Values {
            sequence: u32::try_from(sequence).unwrap_or(0),
            event_code: &settings.event_code,
            month: day.month(),
            year: day.year(),
        }),
        code: crate::secret::new_verify_code(),
        issued_at: now.naive_utc(),
        issued_by: actor.map(|a| a.id.clone()),
        revoked_at: None,
        revoke_reason: None,
        replaced_by: None,
        unsigned_key: None,
        unsigned_sha256: None,
        unsigned_len: None,
        signed_key: None,
        signed_at: None,
        signer: None,
        mail_id: None,
        render_error: None,
    };
    repo::insert(conn, &row).map_err(|e| {
        if crate::db::repo::is_unique_violation(&e) {
            refused("certificate.error.number_taken")
        } else {
            e.into()
        }
    })?;
    jobs::enqueue(
        conn,
        &Render {
            certificate_id: row.id.clone(),
        },
        now,
    )?;
    Ok(row)
}

/// Issues a participant's certificate to everyone eligible who holds
/// none, in the order of the dry run (by name), in one transaction; how
/// many were issued. Two organisers (or two instances) issuing at once
/// take turns: the second finds the first one's holders served and
/// issues to nobody twice.
pub async fn issue_eligible(db: &Db, actor: &Account, event: &Event) -> Result<usize, Error> {
    let (actor, event) = (actor.clone(), event.clone());
    db.transaction(move |conn| {
        let now = Utc::now();
        let event_id = event.id.to_string();
        repo::lock_numbering(conn, &event_id, Kind::Participant)?;
        let settings = read_settings(conn, &event)?;
        let (candidates, sessions) = candidates(conn, &event, &settings, now)?;
        let jp = total_jp(&sessions);
        let seats: HashMap<String, RegistrationRow> =
            registrations::with_status(conn, &event_id, Status::Confirmed)?
                .into_iter()
                .map(|r| (r.id.clone(), r))
                .collect();
        let mut issued = 0;
        for candidate in candidates {
            if !candidate.eligibility.is_eligible() || candidate.holds.is_some() {
                continue;
            }
            let Some(registration) = seats.get(&candidate.registration_id) else {
                continue;
            };
            let holder = Holder::participant(registration, jp);
            issue_one(
                conn,
                (&event, &settings),
                Kind::Participant,
                holder,
                Some(&actor),
                now,
            )?;
            issued += 1;
        }
        if issued > 0 {
            audit::Entry::new("certificate.issued")
                .by(&actor)
                .event(Some(&event_id))
                .subject(&issued.to_string())
                .record(conn, now)?;
        }
        Ok(issued)
    })
    .await
}

/// Where a certificate's delivery stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Progress {
    /// Its PDF is still to be rendered.
    Waiting,
    /// Rendered; its e-mail is queued.
    Rendered,
    /// The mail server took its e-mail.
    Emailed,
    /// Rendering or sending failed, with the reason.
    Failed(String),
    Revoked,
}

impl Progress {
    /// The names the batch page filters by.
    pub const NAMES: [&'static str; 5] = ["waiting", "rendered", "emailed", "failed", "revoked"];

    pub fn name(&self) -> &'static str {
        match self {
            Progress::Waiting => "waiting",
            Progress::Rendered => "rendered",
            Progress::Emailed => "emailed",
            Progress::Failed(_) => "failed",
            Progress::Revoked => "revoked",
        }
    }
}

/// A certificate on the batch page.
#[derive(Clone, Debug)]
pub struct Issued {
    pub row: CertificateRow,
    pub progress: Progress,
}

/// Which certificates of the batch page are shown.
#[derive(Clone, Debug, Default)]
pub struct ListFilter {
    /// Part of a holder's name or of a number, in any case.
    pub text: Option<String>,
    /// One of [`Progress::NAMES`].
    pub progress: Option<String>,
    /// A type's [`kind_value`].
    pub kind: Option<String>,
}

impl ListFilter {
    pub fn keeps(&self, issued: &Issued) -> bool {
        let text = self.text.as_deref().map(str::to_lowercase);
        text.is_none_or(|text| {
            issued.row.holder_name.to_lowercase().contains(&text)
                || issued.row.number.to_lowercase().contains(&text)
        }) && self
            .progress
            .as_deref()
            .is_none_or(|name| issued.progress.name() == name)
            && self
                .kind
                .as_deref()
                .is_none_or(|kind| issued.row.kind.stored() == kind)
    }
}

fn progress(row: &CertificateRow, mail: repo::MailState) -> Progress {
    if row.revoked_at.is_some() {
        return Progress::Revoked;
    }
    if let Some(error) = &row.render_error {
        return Progress::Failed(error.clone());
    }
    match mail.map(|(status, error)| (OutboxStatus::from_stored(&status), error)) {
        Some((Some(OutboxStatus::Sent), _)) => Progress::Emailed,
        Some((Some(OutboxStatus::Failed), error)) => Progress::Failed(error.unwrap_or_default()),
        Some(_) => Progress::Rendered,
        None if row.unsigned_key.is_some() => Progress::Rendered,
        None => Progress::Waiting,
    }
}

/// The event's certificates, by type and number, with their progress.
pub async fn issued(db: &Db, event: &Event) -> Result<Vec<Issued>, Error> {
    let event_id = event.id.to_string();
    db.run(move |conn| {
        Ok(repo::of_event(conn, &event_id)?
            .into_iter()
            .map(|(row, mail)| Issued {
                progress: progress(&row, mail),
                row,
            })
            .collect())
    })
    .await
}

/// A participant's certificates in force, by registration id.
pub async fn of_participant(
    db: &Db,
    account: &Account,
) -> Result<HashMap<String, CertificateRow>, Error> {
    let user_id = account.id.clone();
    db.run(move |conn| {
        let ids: Vec<String> = registrations::of_user(conn, &user_id)?
            .into_iter()
            .map(|(r, _)| r.id)
            .collect();
        Ok(repo::of_registrations(conn, &ids)?
            .into_iter()
            .filter_map(|row| Some((row.registration_id.clone()?, row)))
            .collect())
    })
    .await
}

/// A certificate's PDF as its holder downloads it: the signed copy when
/// there is one. `NotFound` for anyone else, and before it is rendered.
pub async fn own_file(db: &Db, account: &Account, id: &str) -> Result<(String, FileKey), Error> {
    let (user_id, id) = (account.id.clone(), id.to_owned());
    db.run(move |conn| {
        let row = repo::find(conn, &id)?.ok_or(Error::NotFound)?;
        let holder = match (&row.registration_id, &row.account_id) {
            (Some(registration), _) => registrations::find(conn, registration)?.map(|r| r.user_id),
            (None, Some(account)) => Some(account.clone()),
            (None, None) => None,
        };
        if holder.as_deref() != Some(user_id.as_str()) || row.revoked_at.is_some() {
            return Err(Error::NotFound);
        }
        let key = row
            .signed_key
            .as_deref()
            .or(row.unsigned_key.as_deref())
            .and_then(FileKey::parse)
            .ok_or(Error::NotFound)?;
        Ok((file_name(&row.number), key))
    })
    .await
}

/// The PDF's file name: the number made safe.
fn file_name(number: &str) -> String {
    let safe: String = number
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("sertifikat-{safe}.pdf")
}

/// A certificate as the public verify page shows it.
#[derive(Clone, Debug)]
pub struct Verified {
    pub row: CertificateRow,
    pub event: Event,
}

/// The certificate of a verify code; `NotFound` for an unknown code.
pub async fn verify(db: &Db, code: &str) -> Result<Verified, Error> {
    let code = code.trim().to_ascii_lowercase();
    db.run(move |conn| {
        let row = repo::by_code(conn, &code)?.ok_or(Error::NotFound)?;
        let event = events::find(conn, &row.event_id)?.ok_or(Error::NotFound)?;
        Ok(Verified { row, event })
    })
    .await
}

/// The verify page's address of a code.
pub fn verify_url(base_url: &Url, code: &str) -> String {
    base_url
        .join(&format!("/verify/{code}"))
        .map_or_else(|_| format!("/verify/{code}"), String::from)
}

/// What a certificate prints beyond the settings: its holder and number.
struct Printed<'a> {
    kind: Kind,
    holder: &'a str,
    detail: Option<&'a str>,
    jp: i32,
    number: &'a str,
    code: &'a str,
    issued_at: DateTime<Utc>,
}

/// The pictures of the settings, read from storage.
struct Pictures {
    logo: Option<pdf::certificate::Picture>,
    background: Option<pdf::certificate::Picture>,
    /// Signature and stamp per signatory.
    signatories: Vec<(
        Option<pdf::certificate::Picture>,
        Option<pdf::certificate::Picture>,
    )>,
}

async fn pictures(storage: &Storage, settings: &Settings) -> Result<Pictures, StorageError> {
    async fn one(
        storage: &Storage,
        key: Option<&str>,
    ) -> Result<Option<pdf::certificate::Picture>, StorageError> {
        match key.and_then(FileKey::parse) {
            Some(key) => Ok(Some(Arc::new(storage.read(&key).await?))),
            None => Ok(None),
        }
    }
    let mut signatories = Vec::new();
    for s in &settings.signatories {
        signatories.push((
            one(storage, s.signature_key.as_deref()).await?,
            one(storage, s.stamp_key.as_deref()).await?,
        ));
    }
    Ok(Pictures {
        logo: one(storage, settings.logo_key.as_deref()).await?,
        background: one(storage, settings.background_key.as_deref()).await?,
        signatories,
    })
}

/// "27–29 Juli 2026", "30 Juli – 2 Agustus 2026".
fn days_text(lang: Lang, first: NaiveDate, last: NaiveDate) -> String {
    let month = |d: NaiveDate| crate::i18n::dates::month(lang, d.year(), d.month());
    if first == last {
        format!("{} {}", first.day(), month(first))
    } else if (first.year(), first.month()) == (last.year(), last.month()) {
        format!("{}–{} {}", first.day(), last.day(), month(last))
    } else {
        format!(
            "{} {} – {} {}",
            first.day(),
            month(first),
            last.day(),
            month(last)
        )
    }
}

/// Where the event took place: its first in-person session's place, else
/// online.
fn place_text(lang: Lang, sessions: &[Session]) -> String {
    sessions
        .iter()
        .find_map(|s| match &s.plan.delivery {
            Delivery::InPerson { location } => Some(location.clone()),
            Delivery::Zoom { .. } | Delivery::Link { .. } => None,
        })
        .map_or_else(
            || lang.t("certificate.online").to_owned(),
            |place| lang.tf("certificate.place", &[("place", &place)]),
        )
}

/// The certificate as `pdf` prints it, worded in `lang`.
fn compose(
    lang: Lang,
    (event, settings, sessions): (&Event, &Settings, &[Session]),
    printed: &Printed<'_>,
    pictures: Pictures,
    base_url: &Url,
) -> pdf::Certificate {
    use pdf::certificate::{SessionRow, Sessions, Signatory as PrintedSignatory};
    let zone = event.time_zone;
    let first = event.starts_at.with_timezone(&zone).date_naive();
    let last = event.ends_at.with_timezone(&zone).date_naive();
    let dates = days_text(lang, first, last);
    let place = place_text(lang, sessions);
    let signed = settings.signing_day(event);
    let number_line = lang.tf("certificate.number", &[("number", &printed.number)]);
    let mut signatory_pictures = pictures.signatories.into_iter();
    let signatories = settings
        .signatories
        .iter()
        .map(|s| {
            let (signature, stamp) = signatory_pictures.next().unwrap_or((None, None));
            PrintedSignatory {
                position: s.position.clone(),
                name: s.name.clone(),
                lines: s.lines.clone(),
                signature,
                stamp,
            }
        })
        .collect();
    let rows = sessions
        .iter()
        .map(|s| SessionRow {
            date: days_text(
                lang,
                s.plan.starts_at.with_timezone(&zone).date_naive(),
                s.plan.starts_at.with_timezone(&zone).date_naive(),
            ),
            title: s.plan.title.clone(),
            speakers: s
                .speakers
                .iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>()
                .join("; "),
            jp: s.plan.jp().to_string(),
        })
        .collect();
    let role = match printed.kind {
        Kind::Participant => "certificate.role.participant",
        Kind::Speaker => "certificate.role.speaker",
        Kind::Committee => "certificate.role.committee",
    };
    pdf::Certificate {
        code: printed.code.to_owned(),
        verify_url: verify_url(base_url, printed.code),
        language: lang.code().to_owned(),
        issued_at: printed.issued_at,
        organiser: event.organiser_office.clone(),
        heading: lang.t("certificate.heading").to_owned(),
        number: number_line,
        presented_to: lang.t("certificate.presented_to").to_owned(),
        holder: printed.holder.to_owned(),
        holder_detail: printed.detail.map(str::to_owned),
        role_intro: lang.t("certificate.role_intro").to_owned(),
        role: lang.t(role).to_owned(),
        event_intro: lang.t("certificate.event_intro").to_owned(),
        event_title: event.title.clone(),
        details: lang.tf(
            "certificate.details",
            &[
                ("organiser", &event.organiser_office),
                ("dates", &dates),
                ("place", &place),
                ("jp", &printed.jp),
            ],
        ),
        place_date: format!(
            "{}, {} {}",
            settings.signing_place,
            signed.day(),
            crate::i18n::dates::month(lang, signed.year(), signed.month())
        ),
        signatories,
        logo: pictures.logo,
        background: pictures.background,
        qr_caption: lang.t("certificate.qr_caption").to_owned(),
        sessions: Sessions {
            heading: lang.t("certificate.sessions_heading").to_owned(),
            facts: vec![
                format!("{dates} · {place}"),
                lang.tf(
                    "certificate.sessions_of",
                    &[("number", &printed.number), ("holder", &printed.holder)],
                ),
            ],
            columns: [
                "column_number",
                "column_date",
                "column_subject",
                "column_speakers",
                "column_jp",
            ]
            .map(|key| lang.t(&format!("certificate.{key}")).to_string()),
            rows,
            total_label: lang.t("certificate.total").to_owned(),
            total: total_jp(sessions).to_string(),
        },
    }
}

/// Renders on the blocking pool: a certificate takes milliseconds of CPU.
async fn render(certificate: pdf::Certificate) -> Result<Vec<u8>, pdf::RenderError> {
    tokio::task::spawn_blocking(move || {
        let layout = LAYOUT
            .as_ref()
            .map_err(|e| pdf::RenderError::Pdf(e.clone()))?;
        pdf::render(layout, &certificate)
    })
    .await
    .map_err(|e| pdf::RenderError::Pdf(e.to_string()))?
}

/// A render failure as a certificate keeps it, for the pages to put in
/// the reader's words ([`crate::i18n::certificates::render_reason`]).
fn stored_reason(error: &pdf::RenderError) -> String {
    match error {
        pdf::RenderError::MissingGlyph(text) => format!("glyph:{text}"),
        pdf::RenderError::Picture(detail) => format!("picture:{detail}"),
        pdf::RenderError::Pdf(detail) => detail.clone(),
    }
}

/// The layout with this event's settings and a sample holder: what the
/// organisers check before issuing.
pub async fn preview(
    db: &Db,
    storage: &Storage,
    event: &Event,
    (lang, base_url): (Lang, &Url),
) -> Result<Vec<u8>, Error> {
    let for_event = event.clone();
    let (settings, sessions) = db
        .run(move |conn| {
            let settings = read_settings(conn, &for_event)?;
            let sessions = sessions_repo::of_event(conn, &for_event.id.to_string())?;
            Ok::<_, Error>((settings, sessions))
        })
        .await?;
    let pictures = pictures(storage, &settings)
        .await
        .map_err(|e| Error::Internal(e.to_string()))?;
    let day = settings.signing_day(event);
    let number = Pattern::parse(&settings.of(Kind::Participant).pattern, "pattern")
        .map(|p| {
            p.format(&Values {
                sequence: 1,
                event_code: &settings.event_code,
                month: day.month(),
                year: day.year(),
            })
        })
        .unwrap_or_default();
    let jp = i32::try_from(total_jp(&sessions)).unwrap_or(i32::MAX);
    let printed = Printed {
        kind: Kind::Participant,
        holder: "Dra. Hj. Siti Rahmawati, S.IP., M.Hum.",
        detail: Some("NIP 19700101 199003 2 001 · Perpustakaan Desa Sukamaju"),
        jp,
        number: &number,
        code: "contoh",
        issued_at: Utc::now(),
    };
    let certificate = compose(
        lang,
        (event, &settings, &sessions),
        &printed,
        pictures,
        base_url,
    );
    // What the organisers can mend is said on the settings page.
    render(certificate).await.map_err(|error| {
        let refused = |message, args| {
            Error::Invalid(vec![FieldError::new("preview", message).with_args(args)])
        };
        match error {
            pdf::RenderError::MissingGlyph(text) => {
                refused("certificate.error.glyph", vec![("text", text)])
            }
            pdf::RenderError::Picture(_) => refused("certificate.error.picture", Vec::new()),
            pdf::RenderError::Pdf(detail) => Error::Internal(detail),
        }
    })
}

/// Renders one certificate, stores it, and queues its e-mail.
#[derive(Serialize, Deserialize)]
pub struct Render {
    certificate_id: String,
}

/// What the e-mail of a rendered certificate needs, read with it.
struct Recipient {
    to: String,
    lang: Lang,
    name: String,
    event: Event,
}

/// Everything a render reads from the database.
struct ToRender {
    row: CertificateRow,
    settings: Settings,
    sessions: Vec<Session>,
    delivery: Recipient,
}

impl BackgroundJob for Render {
    const KIND: &'static str = "certificate_render";
    type Context = JobContext;

    fn dedup_key(&self) -> Option<String> {
        Some(format!("{}:{}", Self::KIND, self.certificate_id))
    }

    async fn run(self, context: &JobContext, _: &Attempt) -> Outcome {
        let id = self.certificate_id.clone();
        let read = context
            .db
            .run(move |conn| -> Result<_, Error> { to_render(conn, &id) })
            .await;
        let to_render = match read {
            Ok(Some(to_render)) => to_render,
            Ok(None) => return Ok(()).into(),
            Err(e) => return Err(JobFailure::retry(e.to_string())).into(),
        };
        let stored = match stored_file(context, &to_render).await {
            Ok(stored) => stored,
            Err(Failure::Later(reason)) => return Err(JobFailure::retry(reason)).into(),
            Err(Failure::Refused(reason)) => {
                let id = self.certificate_id.clone();
                let recorded = reason.clone();
                return Outcome {
                    result: Err(JobFailure::Permanent(reason)),
                    record: Some(Box::new(move |conn| {
                        repo::set_render_error(conn, &id, Some(&recorded))
                    })),
                };
            }
        };
        let base_url = context.base_url.clone();
        Outcome::done(move |conn| deliver(conn, &self, to_render, stored, &base_url))
    }
}

enum Failure {
    /// Storage or the database did not answer.
    Later(String),
    /// The certificate cannot be printed as it is (a glyph, a picture).
    Refused(String),
}

fn to_render(conn: &mut DbConnection, id: &str) -> Result<Option<ToRender>, Error> {
    let Some(row) = repo::find(conn, id)? else {
        return Ok(None);
    };
    if row.revoked_at.is_some() || row.mail_id.is_some() {
        return Ok(None);
    }
    let Some(event) = events::find(conn, &row.event_id)? else {
        return Ok(None);
    };
    let (to, user_id) = match (&row.registration_id, &row.account_id) {
        (Some(registration), _) => match registrations::find(conn, registration)? {
            Some(r) => (r.email, r.user_id),
            None => return Ok(None),
        },
        (None, Some(account)) => match users::find(conn, account)? {
            Some(u) => (u.email, u.id),
            None => return Ok(None),
        },
        (None, None) => return Ok(None),
    };
    let lang = users::lang_of(conn, &user_id)?;
    let settings = read_settings(conn, &event)?;
    let sessions = team::printed_sessions(sessions_repo::of_event(conn, &row.event_id)?, &row);
    Ok(Some(ToRender {
        delivery: Recipient {
            to,
            lang,
            name: row.holder_name.clone(),
            event,
        },
        row,
        settings,
        sessions,
    }))
}

/// The file in storage, with its hash and length.
struct StoredPdf {
    key: FileKey,
    sha256: String,
    len: i64,
}

async fn stored_file(context: &JobContext, r: &ToRender) -> Result<StoredPdf, Failure> {
    let later = |e: StorageError| Failure::Later(e.to_string());
    // Rendered by an earlier run whose e-mail was not queued: the file
    // stays the one recorded.
    if let (Some(key), Some(sha256), Some(len)) = (
        r.row.unsigned_key.as_deref().and_then(FileKey::parse),
        &r.row.unsigned_sha256,
        r.row.unsigned_len,
    ) {
        return Ok(StoredPdf {
            key,
            sha256: sha256.clone(),
            len,
        });
    }
    let pictures = pictures(&context.storage, &r.settings)
        .await
        .map_err(later)?;
    let printed = Printed {
        kind: r.row.kind,
        holder: &r.row.holder_name,
        detail: r.row.holder_detail.as_deref(),
        jp: r.row.jp,
        number: &r.row.number,
        code: &r.row.code,
        issued_at: r.row.issued_at.and_utc(),
    };
    let certificate = compose(
        r.delivery.lang,
        (&r.delivery.event, &r.settings, &r.sessions),
        &printed,
        pictures,
        &context.base_url,
    );
    let bytes = render(certificate)
        .await
        .map_err(|e| Failure::Refused(stored_reason(&e)))?;
    let sha256 = format!("{:x}", Sha256::digest(&bytes));
    let len = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
    let key = context.storage.put(bytes.into()).await.map_err(later)?;
    Ok(StoredPdf { key, sha256, len })
}

/// Records the file and queues the e-mail, once: the job's row is locked
/// first, so a second run waits and then finds the e-mail queued.
fn deliver(
    conn: &mut DbConnection,
    job: &Render,
    r: ToRender,
    stored: StoredPdf,
    base_url: &Url,
) -> diesel::QueryResult<()> {
    jobs::lock(conn, job)?;
    let Some(row) = repo::find(conn, &job.certificate_id)? else {
        return Ok(());
    };
    if row.mail_id.is_some() || row.revoked_at.is_some() {
        return Ok(());
    }
    repo::set_rendered(
        conn,
        &row.id,
        (stored.key.as_str(), &stored.sha256, stored.len),
    )?;
    let d = &r.delivery;
    let link = base_url
        .join("/my")
        .map_or_else(|_| String::new(), String::from);
    let verify = verify_url(base_url, &row.code);
    let now = Utc::now();
    let mail_id = mail::enqueue_with_stored(
        conn,
        mail::Outgoing {
            template: Template::CertificateIssued,
            lang: d.lang,
            to: &d.to,
            event_id: Some(&row.event_id),
            args: &[
                ("name", &d.name),
                ("event", &d.event.title),
                ("number", &row.number),
                ("jp", &row.jp),
                ("link", &link),
                ("verify", &verify),
                ("contact", &d.event.contact_or_office()),
            ],
            attachments: Vec::new(),
        },
        vec![mail::StoredFile {
            key: stored.key,
            filename: file_name(&row.number),
            content_type: "application/pdf".to_owned(),
        }],
        now,
    )?;
    repo::set_mail(conn, &row.id, &mail_id)
}

/// Counts of the batch page: issued in force, rendered, e-mailed, failed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub issued: usize,
    pub waiting: usize,
    pub rendered: usize,
    pub emailed: usize,
    pub failed: usize,
    pub revoked: usize,
}

impl Counts {
    pub fn of(list: &[Issued]) -> Counts {
        let mut counts = Counts::default();
        for issued in list {
            match issued.progress {
                Progress::Revoked => counts.revoked += 1,
                ref p => {
                    counts.issued += 1;
                    match p {
                        Progress::Waiting => counts.waiting += 1,
                        Progress::Rendered => counts.rendered += 1,
                        Progress::Emailed => counts.emailed += 1,
                        Progress::Failed(_) => counts.failed += 1,
                        Progress::Revoked => {}
                    }
                }
            }
        }
        counts
    }
}
