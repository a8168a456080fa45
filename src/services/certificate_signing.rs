//! The electronic signature loop (TTE) of an event's certificates: the
//! signatory signs with their own government tool, so the certificates
//! waiting for a signature go out as one ZIP, and the signed PDFs come
//! back (one PDF, a ZIP, or several files at once). Each file is checked
//! (a signature that covers it whole, see `export::signed_pdf`), matched
//! to its certificate of the event (`domain::certificate::signing`) and
//! kept beside the unsigned file, which stays: from then on the holder
//! downloads the signed copy, and an e-mail not sent yet carries it. An
//! e-mail already sent is not sent again by itself: the holder downloads
//! the signed copy from their page, and organisers may resend.

use std::collections::{HashMap, HashSet};
use std::io::{Seek, SeekFrom};

use bytes::Bytes;
use chrono::Utc;

use crate::db::Db;
use crate::db::models::CertificateRow;
use crate::db::repo::{audit, signed_certificates as repo};
use crate::db::states::Stored;
use crate::domain::account::Account;
use crate::domain::certificate::Kind;
use crate::domain::certificate::signing::{self, Candidate, Evidence, Unmatched};
use crate::domain::event::Event;
use crate::error::Error;
use crate::export::pdf_zip::{self, EntryError, PdfZip, UploadError};
use crate::export::signed_pdf::{self, SignedPdf};
use crate::integrations::storage::{FileKey, Storage};
use crate::services::mail;

/// A certificate type as addresses name it (`?kind=speaker`).
pub fn kind_value(kind: Kind) -> &'static str {
    kind.stored()
}

pub fn kind_of(value: &str) -> Option<Kind> {
    Kind::from_stored(value)
}

/// The event's certificates waiting for a signature (of one type, or of
/// all): in force, rendered and not signed yet.
pub async fn waiting(
    db: &Db,
    event: &Event,
    kind: Option<Kind>,
) -> Result<Vec<CertificateRow>, Error> {
    let event_id = event.id.to_string();
    db.run(move |conn| Ok(repo::waiting(conn, &event_id, kind)?))
        .await
}

/// The certificates waiting for a signature as one ZIP, each PDF named by
/// its number, in a temporary file read from its start. Written one PDF
/// at a time (a batch of a thousand weighs some 55 MB): the file has no
/// name left on disk and goes when it is closed.
pub async fn unsigned_zip(
    db: &Db,
    storage: &Storage,
    event: &Event,
    kind: Option<Kind>,
) -> Result<tokio::fs::File, Error> {
    let certificates = waiting(db, event, kind).await?;
    let mut zip = blocking(|| Ok(PdfZip::new(tempfile::tempfile()?))).await?;
    for certificate in certificates {
        let key = certificate
            .unsigned_key
            .as_deref()
            .and_then(FileKey::parse)
            .ok_or_else(|| Error::Internal(format!("certificate {}: bad key", certificate.id)))?;
        let pdf = storage
            .read(&key)
            .await
            .map_err(|e| Error::Internal(e.to_string()))?;
        zip = blocking(move || {
            zip.add(&certificate.number, &pdf)?;
            Ok(zip)
        })
        .await?;
    }
    let file = blocking(move || {
        let mut file = zip.finish()?;
        file.seek(SeekFrom::Start(0))?;
        Ok(file)
    })
    .await?;
    Ok(tokio::fs::File::from_std(file))
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> std::io::Result<T> + Send + 'static,
) -> Result<T, Error> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| Error::Internal(e.to_string()))?
        .map_err(|e| Error::Internal(format!("the ZIP of certificates: {e}")))
}

/// A file as the organiser uploaded it.
pub struct Uploaded {
    pub name: String,
    pub bytes: Bytes,
}

/// What became of one file of an upload (or of a ZIP's).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileResult {
    pub name: String,
    pub outcome: Outcome,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Kept as the certificate's signed copy.
    Taken {
        number: String,
        holder: String,
        signer: Option<String>,
        evidence: Evidence,
        mail: MailNote,
    },
    /// The certificate's signed copy is this file already, or this file
    /// signed further.
    Unchanged {
        number: String,
    },
    Refused(Refusal),
}

/// What the certificate's e-mail carries now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MailNote {
    /// Not sent yet: it leaves with the signed copy.
    Signed,
    /// Sent before with the unsigned file; not sent again.
    SentBefore,
    /// The certificate has no e-mail.
    None,
}

/// Why a file is not taken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The file uploaded, whole.
    Upload(UploadError),
    /// A file of a ZIP.
    Entry(EntryError),
    Signature(signed_pdf::Refusal),
    /// The code it carries names no certificate of this event.
    NoCertificate,
    Revoked {
        number: String,
    },
    NotRendered {
        number: String,
    },
    /// Codes of several certificates, and none's file its beginning.
    Several,
    /// Another file of the same upload was taken for the certificate.
    Twice {
        number: String,
    },
}

/// A file that passed the checks, with its certificate.
struct Matched {
    index: usize,
    pdf: Vec<u8>,
    signed: SignedPdf,
    certificate: CertificateRow,
    evidence: Evidence,
}

/// Takes the signed certificates of an upload: every file is answered,
/// taken or refused with its reason, in the order uploaded; those taken
/// are recorded together.
pub async fn import(
    (db, storage): (&Db, &Storage),
    actor: &Account,
    event: &Event,
    files: Vec<Uploaded>,
) -> Result<Vec<FileResult>, Error> {
    // Unpacking and checking digests is CPU work: off the async workers.
    let checked = tokio::task::spawn_blocking(move || check_all(files))
        .await
        .map_err(|e| Error::Internal(e.to_string()))?;
    let codes: Vec<String> = checked
        .iter()
        .filter_map(|(_, checked)| checked.as_ref().ok())
        .flat_map(|(_, signed)| signing::codes_in(&signed.identifiers))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let event_id = event.id.to_string();
    let lookup = event_id.clone();
    let certificates = db
        .run(move |conn| Ok::<_, Error>(repo::with_codes(conn, &lookup, &codes)?))
        .await?;
    let (mut results, matched) =
        tokio::task::spawn_blocking(move || match_all(checked, &certificates))
            .await
            .map_err(|e| Error::Internal(e.to_string()))?;

    // Stored first: a file nobody refers to is harmless, a key to no file
    // is not.
    let mut to_record = Vec::new();
    for m in matched {
        // The same file again, or one the kept file was signed further
        // from (before a second signatory's signature): the kept one stays.
        if let Some(kept) = m.certificate.signed_key.as_deref().and_then(FileKey::parse) {
            let kept = storage
                .read(&kept)
                .await
                .map_err(|e| Error::Internal(e.to_string()))?;
            if kept.starts_with(&m.pdf) {
                results[m.index].outcome = Outcome::Unchanged {
                    number: m.certificate.number,
                };
                continue;
            }
        }
        let key = storage
            .put(Bytes::from(m.pdf))
            .await
            .map_err(|e| Error::Internal(e.to_string()))?;
        to_record.push((m.index, key, m.signed, m.certificate, m.evidence));
    }
    if to_record.is_empty() {
        return Ok(results);
    }
    let actor = actor.clone();
    let outcomes = db
        .transaction(move |conn| {
            let now = Utc::now();
            let mut outcomes = Vec::new();
            for (index, key, signed, certificate, evidence) in to_record {
                let signer =
                    signing::signers_line(signed.signatures.iter().map(|s| s.signer.as_deref()));
                let signed_at = signed
                    .signatures
                    .iter()
                    .rev()
                    .find_map(|s| s.signed_at)
                    .unwrap_or(now);
                let recorded = repo::set_signed(
                    conn,
                    &certificate.id,
                    (key.as_str(), signed_at.naive_utc(), signer.as_deref()),
                )?;
                if !recorded {
                    outcomes.push((
                        index,
                        Outcome::Refused(Refusal::Revoked {
                            number: certificate.number,
                        }),
                    ));
                    continue;
                }
                // The e-mail carries whichever file the certificate had.
                let before = certificate
                    .signed_key
                    .as_deref()
                    .or(certificate.unsigned_key.as_deref())
                    .and_then(FileKey::parse);
                let mail = match (&certificate.mail_id, before) {
                    (Some(mail_id), Some(before)) => {
                        if mail::attach_instead(conn, mail_id, (&before, &key))? {
                            MailNote::Signed
                        } else {
                            MailNote::SentBefore
                        }
                    }
                    _ => MailNote::None,
                };
                audit::Entry::new("certificate.signed")
                    .by(&actor)
                    .event(Some(&event_id))
                    .subject(&certificate.number)
                    .record(conn, now)?;
                outcomes.push((
                    index,
                    Outcome::Taken {
                        number: certificate.number,
                        holder: certificate.holder_name,
                        signer,
                        evidence,
                        mail,
                    },
                ));
            }
            Ok::<_, Error>(outcomes)
        })
        .await?;
    for (index, outcome) in outcomes {
        results[index].outcome = outcome;
    }
    Ok(results)
}

type Checked = (String, Result<(Vec<u8>, SignedPdf), Refusal>);

/// Every file of the upload, unpacked and its signature checked.
fn check_all(files: Vec<Uploaded>) -> Vec<Checked> {
    let mut checked = Vec::new();
    for file in files {
        match pdf_zip::read_upload(&file.name, &file.bytes) {
            Err(e) => checked.push((file.name, Err(Refusal::Upload(e)))),
            Ok(entries) => {
                // The upload's bytes go before its PDFs are checked.
                drop(file.bytes);
                for entry in entries {
                    let result = entry.pdf.map_err(Refusal::Entry).and_then(|pdf| {
                        signed_pdf::read(&pdf)
                            .map(|signed| (pdf, signed))
                            .map_err(Refusal::Signature)
                    });
                    checked.push((entry.name, result));
                }
            }
        }
    }
    checked
}

/// Each checked file's certificate among `certificates` (those whose
/// codes the files carry): the results so far (refusals final, the
/// others to be filled in) and the files matched, one per certificate.
fn match_all(
    checked: Vec<Checked>,
    certificates: &[CertificateRow],
) -> (Vec<FileResult>, Vec<Matched>) {
    let by_code: HashMap<String, &CertificateRow> = certificates
        .iter()
        .map(|c| (c.code.to_ascii_lowercase(), c))
        .collect();
    let mut results = Vec::new();
    let mut matched: Vec<Matched> = Vec::new();
    for (index, (name, file)) in checked.into_iter().enumerate() {
        let outcome = match file {
            Err(refusal) => Outcome::Refused(refusal),
            Ok((pdf, signed)) => {
                let found: Vec<&CertificateRow> = signing::codes_in(&signed.identifiers)
                    .iter()
                    .filter_map(|code| by_code.get(code).copied())
                    .collect();
                let facts: Vec<Candidate> = found
                    .iter()
                    .map(|c| Candidate {
                        revoked: c.revoked_at.is_some(),
                        rendered: c.unsigned_key.is_some(),
                        continued: match (c.unsigned_len, &c.unsigned_sha256) {
                            (Some(len), Some(sha256)) => signed_pdf::continues(
                                &pdf,
                                u64::try_from(len).unwrap_or(u64::MAX),
                                sha256,
                            ),
                            _ => false,
                        },
                    })
                    .collect();
                let number = |i: usize| found[i].number.clone();
                match signing::choose(&facts) {
                    Ok((i, evidence)) => {
                        let certificate = found[i];
                        if matched.iter().any(|m| m.certificate.id == certificate.id) {
                            Outcome::Refused(Refusal::Twice { number: number(i) })
                        } else {
                            matched.push(Matched {
                                index,
                                pdf,
                                signed,
                                certificate: certificate.clone(),
                                evidence,
                            });
                            // Filled in once recorded.
                            Outcome::Unchanged { number: number(i) }
                        }
                    }
                    Err(Unmatched::Nothing) => Outcome::Refused(Refusal::NoCertificate),
                    Err(Unmatched::Several) => Outcome::Refused(Refusal::Several),
                    Err(Unmatched::Revoked(i)) => {
                        Outcome::Refused(Refusal::Revoked { number: number(i) })
                    }
                    Err(Unmatched::NotRendered(i)) => {
                        Outcome::Refused(Refusal::NotRendered { number: number(i) })
                    }
                }
            }
        };
        results.push(FileResult { name, outcome });
    }
    (results, matched)
}
