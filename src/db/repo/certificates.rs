//! Certificate types and their counters, an event's certificate settings,
//! and the certificates issued.

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::models::{CertificateRow, CertificateSettingsRow, CertificateTypeRow};
use crate::db::schema::{certificate_settings, certificate_types, certificates, outbox};
use crate::db::states::Stored;
use crate::domain::certificate::Kind;

/// The event's certificate types that were ever saved.
pub fn types_of(conn: &mut DbConnection, event_id: &str) -> QueryResult<Vec<CertificateTypeRow>> {
    certificate_types::table
        .filter(certificate_types::event_id.eq(event_id))
        .select(CertificateTypeRow::as_select())
        .load(conn)
}

/// Saves a type's rules; its counter stays as it is.
pub fn save_type(conn: &mut DbConnection, row: &CertificateTypeRow) -> QueryResult<()> {
    let kind = row.kind.stored();
    let updated = diesel::update(
        certificate_types::table
            .filter(certificate_types::event_id.eq(&row.event_id))
            .filter(certificate_types::kind.eq(kind)),
    )
    .set((
        certificate_types::enabled.eq(row.enabled),
        certificate_types::number_pattern.eq(&row.number_pattern),
        certificate_types::requirement.eq(row.requirement.stored()),
        certificate_types::updated_at.eq(row.updated_at),
    ))
    .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(certificate_types::table)
            .values(row.clone())
            .execute(conn)?;
    }
    Ok(())
}

/// Waits for every other issuer of the type (PostgreSQL's row lock, held
/// to the end of this transaction) without taking a number: what this
/// transaction reads afterwards includes what they committed.
pub fn lock_numbering(conn: &mut DbConnection, event_id: &str, kind: Kind) -> QueryResult<()> {
    diesel::update(
        certificate_types::table
            .filter(certificate_types::event_id.eq(event_id))
            .filter(certificate_types::kind.eq(kind.stored())),
    )
    .set(certificate_types::next_number.eq(certificate_types::next_number))
    .execute(conn)?;
    Ok(())
}

/// Takes the type's next number: the counter goes up by one in this
/// transaction, whose row lock (PostgreSQL) holds every other issuer of
/// the type until it ends; rolled back, the number is free again.
/// `None`: the type was never saved.
pub fn take_number(
    conn: &mut DbConnection,
    event_id: &str,
    kind: Kind,
) -> QueryResult<Option<i32>> {
    let the_type = certificate_types::table
        .filter(certificate_types::event_id.eq(event_id))
        .filter(certificate_types::kind.eq(kind.stored()));
    let updated = diesel::update(the_type)
        .set(certificate_types::next_number.eq(certificate_types::next_number + 1))
        .execute(conn)?;
    if updated == 0 {
        return Ok(None);
    }
    // Read after the update, under its lock: what this transaction wrote.
    let next: i32 = the_type
        .select(certificate_types::next_number)
        .first(conn)?;
    Ok(Some(next - 1))
}

pub fn settings_of(
    conn: &mut DbConnection,
    event_id: &str,
) -> QueryResult<Option<CertificateSettingsRow>> {
    certificate_settings::table
        .find(event_id)
        .select(CertificateSettingsRow::as_select())
        .first(conn)
        .optional()
}

pub fn save_settings(conn: &mut DbConnection, row: &CertificateSettingsRow) -> QueryResult<()> {
    let updated = diesel::update(certificate_settings::table.find(&row.event_id))
        .set((
            certificate_settings::event_code.eq(&row.event_code),
            certificate_settings::signing_place.eq(&row.signing_place),
            certificate_settings::signing_date.eq(&row.signing_date),
            certificate_settings::signatories.eq(&row.signatories),
            certificate_settings::logo_key.eq(&row.logo_key),
            certificate_settings::background_key.eq(&row.background_key),
            certificate_settings::updated_at.eq(row.updated_at),
        ))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(certificate_settings::table)
            .values(row.clone())
            .execute(conn)?;
    }
    Ok(())
}

/// Whether another event's settings use `code` already.
pub fn code_taken(conn: &mut DbConnection, event_id: &str, code: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        certificate_settings::table
            .filter(certificate_settings::event_code.eq(code))
            .filter(certificate_settings::event_id.ne(event_id)),
    ))
    .get_result(conn)
}

pub fn insert(conn: &mut DbConnection, row: &CertificateRow) -> QueryResult<()> {
    diesel::insert_into(certificates::table)
        .values(row.clone())
        .execute(conn)
        .map(drop)
}

pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<CertificateRow>> {
    certificates::table
        .find(id)
        .select(CertificateRow::as_select())
        .first(conn)
        .optional()
}

pub fn by_code(conn: &mut DbConnection, code: &str) -> QueryResult<Option<CertificateRow>> {
    certificates::table
        .filter(certificates::code.eq(code))
        .select(CertificateRow::as_select())
        .first(conn)
        .optional()
}

/// A certificate's e-mail as the outbox has it: its state and the mail
/// server's last answer; `None` while none is queued.
pub type MailState = Option<(String, Option<String>)>;

/// The event's certificates, revoked ones too, by type and number, each
/// with its e-mail's state.
pub fn of_event(
    conn: &mut DbConnection,
    event_id: &str,
) -> QueryResult<Vec<(CertificateRow, MailState)>> {
    certificates::table
        .left_join(outbox::table.on(certificates::mail_id.eq(outbox::id.nullable())))
        .filter(certificates::event_id.eq(event_id))
        .order((certificates::kind.asc(), certificates::sequence.asc()))
        .select((
            CertificateRow::as_select(),
            (outbox::status, outbox::last_error).nullable(),
        ))
        .load(conn)
}

/// The certificates in force of these registrations (a participant's
/// seats), the latest first.
pub fn of_registrations(
    conn: &mut DbConnection,
    registration_ids: &[String],
) -> QueryResult<Vec<CertificateRow>> {
    certificates::table
        .filter(certificates::registration_id.eq_any(registration_ids))
        .filter(certificates::revoked_at.is_null())
        .order(certificates::issued_at.desc())
        .select(CertificateRow::as_select())
        .load(conn)
}

/// Records the rendered PDF; a certificate rendered already keeps its
/// first file. Whether this call recorded it.
pub fn set_rendered(
    conn: &mut DbConnection,
    id: &str,
    (key, sha256, len): (&str, &str, i64),
) -> QueryResult<bool> {
    diesel::update(
        certificates::table
            .find(id)
            .filter(certificates::unsigned_key.is_null()),
    )
    .set((
        certificates::unsigned_key.eq(key),
        certificates::unsigned_sha256.eq(sha256),
        certificates::unsigned_len.eq(len),
        certificates::render_error.eq(None::<String>),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// Records why the certificate cannot be rendered; `None` when it is to be
/// tried again.
pub fn set_render_error(conn: &mut DbConnection, id: &str, error: Option<&str>) -> QueryResult<()> {
    diesel::update(certificates::table.find(id))
        .set(certificates::render_error.eq(error))
        .execute(conn)
        .map(drop)
}

pub fn set_mail(conn: &mut DbConnection, id: &str, mail_id: &str) -> QueryResult<()> {
    diesel::update(certificates::table.find(id))
        .set(certificates::mail_id.eq(mail_id))
        .execute(conn)
        .map(drop)
}

/// Revokes a certificate in force; whether this call revoked it (a second
/// organiser finds it revoked already).
pub fn revoke(
    conn: &mut DbConnection,
    id: &str,
    (at, reason): (chrono::NaiveDateTime, &str),
) -> QueryResult<bool> {
    diesel::update(
        certificates::table
            .find(id)
            .filter(certificates::revoked_at.is_null()),
    )
    .set((
        certificates::revoked_at.eq(at),
        certificates::revoke_reason.eq(reason),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

pub fn set_replaced_by(conn: &mut DbConnection, id: &str, new_id: &str) -> QueryResult<()> {
    diesel::update(certificates::table.find(id))
        .set(certificates::replaced_by.eq(new_id))
        .execute(conn)
        .map(drop)
}

/// The revoked certificate `id` replaced, if any.
pub fn replaced(conn: &mut DbConnection, id: &str) -> QueryResult<Option<CertificateRow>> {
    certificates::table
        .filter(certificates::replaced_by.eq(id))
        .select(CertificateRow::as_select())
        .first(conn)
        .optional()
}

/// The speakers' and committee certificates in force of an account, the
/// latest first.
pub fn of_account(conn: &mut DbConnection, account_id: &str) -> QueryResult<Vec<CertificateRow>> {
    certificates::table
        .filter(certificates::account_id.eq(account_id))
        .filter(certificates::revoked_at.is_null())
        .order(certificates::issued_at.desc())
        .select(CertificateRow::as_select())
        .load(conn)
}
