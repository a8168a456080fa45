//! Certificates going out to their signatory and coming back signed
//! (the TTE loop).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::models::CertificateRow;
use crate::db::schema::certificates;
use crate::db::states::Stored;
use crate::domain::certificate::Kind;

/// The event's certificates waiting for a signature (of one type, or of
/// all): in force, rendered and not signed, by type and number.
pub fn waiting(
    conn: &mut DbConnection,
    event_id: &str,
    kind: Option<Kind>,
) -> QueryResult<Vec<CertificateRow>> {
    let mut query = certificates::table
        .filter(certificates::event_id.eq(event_id))
        .filter(certificates::revoked_at.is_null())
        .filter(certificates::unsigned_key.is_not_null())
        .filter(certificates::signed_key.is_null())
        .order((certificates::kind.asc(), certificates::sequence.asc()))
        .select(CertificateRow::as_select())
        .into_boxed();
    if let Some(kind) = kind {
        query = query.filter(certificates::kind.eq(kind.stored()));
    }
    query.load(conn)
}

/// The event's certificates, revoked ones too, whose codes are among
/// `codes` (in lower case, as codes are kept).
pub fn with_codes(
    conn: &mut DbConnection,
    event_id: &str,
    codes: &[String],
) -> QueryResult<Vec<CertificateRow>> {
    let mut found = Vec::new();
    // Bound parameters are limited (SQLite: 32,766).
    for part in codes.chunks(1_000) {
        found.extend(
            certificates::table
                .filter(certificates::event_id.eq(event_id))
                .filter(certificates::code.eq_any(part))
                .select(CertificateRow::as_select())
                .load(conn)?,
        );
    }
    Ok(found)
}

/// Records the signed file of a certificate in force; false when it was
/// revoked meanwhile.
pub fn set_signed(
    conn: &mut DbConnection,
    id: &str,
    (key, signed_at, signer): (&str, NaiveDateTime, Option<&str>),
) -> QueryResult<bool> {
    diesel::update(
        certificates::table
            .find(id)
            .filter(certificates::revoked_at.is_null()),
    )
    .set((
        certificates::signed_key.eq(key),
        certificates::signed_at.eq(signed_at),
        certificates::signer.eq(signer),
    ))
    .execute(conn)
    .map(|n| n == 1)
}
