//! The electronic signature loop's page: the certificates waiting for a
//! signature to download as one ZIP, the form that takes the signed PDFs
//! back, and what became of each file uploaded.

use maud::{Markup, html};

use super::certificates::{base, kind_label};
use super::forms::{self, Errors, csrf, summarised};
use super::layout;
use crate::domain::certificate::Kind;
use crate::domain::certificate::signing::Evidence;
use crate::domain::event::{Event, FieldError};
use crate::export::pdf_zip::{EntryError, MAX_ENTRIES, MAX_ENTRY_BYTES, UploadError};
use crate::export::signed_pdf;
use crate::i18n::Lang;
use crate::services::certificate_signing::{FileResult, MailNote, Outcome, Refusal, kind_value};
use crate::web::extract::PageContext;

/// The page's address.
pub fn address(event: &Event) -> String {
    format!("{}/signed", base(event))
}

/// What the page shows: how many wait for a signature, of which types,
/// and the results of an upload just made.
pub struct SigningPage<'a> {
    pub event: &'a Event,
    /// Certificates waiting for a signature, per type (types with none
    /// left out).
    pub waiting: &'a [(Kind, usize)],
    pub results: Option<&'a [FileResult]>,
    pub errors: &'a [FieldError],
}

pub fn page(ctx: &PageContext, page: &SigningPage<'_>) -> Markup {
    let lang = ctx.lang;
    let t = |key| lang.t(key);
    let event = page.event;
    let base = base(event);
    let total: usize = page.waiting.iter().map(|(_, n)| n).sum();
    let errors = &Errors::new(page.errors);
    layout::page(
        ctx,
        &forms::title(lang, page.errors, t("signing.title")),
        html! {
            p.back { a href=(base) { "← " (t("certificates.title")) } }
            h1 { (t("signing.title")) }
            @if let Some(results) = page.results {
                (results_table(lang, results))
            }
            h2 { (t("signing.export_title")) }
            p { (t("signing.export_help")) }
            @if total == 0 {
                p { (t("signing.none_waiting")) }
            } @else {
                ul.links {
                    li { a href={ (base) "/unsigned.zip" } { (lang.tf("signing.download_all", &[("n", &total)])) } }
                    @if page.waiting.len() > 1 {
                        @for (kind, n) in page.waiting {
                            li { a href={ (base) "/unsigned.zip?kind=" (kind_value(*kind)) } {
                                (lang.tf("signing.download_kind", &[("kind", &kind_label(lang, *kind)), ("n", n)]))
                            } }
                        }
                    }
                }
            }
            h2 { (t("signing.import_title")) }
            (summarised(lang, errors, upload_form(ctx, event, errors)))
        },
    )
}

fn upload_form(ctx: &PageContext, event: &Event, errors: &Errors<'_>) -> Markup {
    let lang = ctx.lang;
    let label = lang.t("signing.file");
    let error = errors.take("file", label);
    let hint = lang.tf("signing.file_hint", &[("files", &MAX_ENTRIES)]);
    html! {
        form method="post" action=(address(event)) enctype="multipart/form-data" {
            (csrf(ctx))
            div.field.invalid[error.is_some()] {
                label for="f-file" { (label) }
                p.hint #f-file-hint { (hint) }
                input #f-file type="file" name="file" accept=".pdf,.zip,application/pdf,application/zip" multiple required
                    aria-describedby=(if error.is_some() { "f-file-hint f-file-error" } else { "f-file-hint" });
                @if let Some(error) = error { p.error #f-file-error { (forms::message(lang, error)) } }
            }
            button type="submit" { (lang.t("signing.upload")) }
        }
    }
}

fn results_table(lang: Lang, results: &[FileResult]) -> Markup {
    let t = |key| lang.t(key);
    let taken = results
        .iter()
        .filter(|r| !matches!(r.outcome, Outcome::Refused(_)))
        .count();
    let refused = results.len() - taken;
    html! {
        h2 #results { (t("signing.results")) }
        p role="status" class=(if refused == 0 { "success" } else { "notice" }) {
            (lang.tf("signing.results_line", &[("taken", &taken), ("refused", &refused)]))
        }
        div.table tabindex="0" role="region" aria-labelledby="results" {
            table.stack {
                thead { tr {
                    th scope="col" { (t("signing.column_file")) }
                    th scope="col" { (t("signing.column_result")) }
                } }
                tbody {
                    @for result in results {
                        tr {
                            td { (result.name) }
                            td { (outcome_text(lang, &result.outcome)) }
                        }
                    }
                }
            }
        }
    }
}

fn outcome_text(lang: Lang, outcome: &Outcome) -> Markup {
    match outcome {
        Outcome::Taken {
            number,
            holder,
            signer,
            evidence,
            mail,
        } => html! {
            strong { (lang.tf("signing.taken", &[("number", number), ("holder", holder)])) }
            @if let Some(signer) = signer {
                br; (lang.tf("signing.signed_by", &[("signer", signer)]))
            }
            @if *evidence == Evidence::Code {
                br; (lang.t("signing.by_code_only"))
            }
            @match mail {
                MailNote::Signed => { br; (lang.t("signing.mail_signed")) }
                MailNote::SentBefore => { br; (lang.t("signing.mail_sent_before")) }
                MailNote::None => {}
            }
        },
        Outcome::Unchanged { number } => {
            html! { (lang.tf("signing.unchanged", &[("number", number)])) }
        }
        Outcome::Refused(refusal) => html! {
            strong { (lang.t("signing.refused")) } " " (refusal_text(lang, refusal))
        },
    }
}

fn refusal_text(lang: Lang, refusal: &Refusal) -> String {
    let key = match refusal {
        Refusal::Upload(UploadError::NotPdfOrZip) => "signing.reason.not_pdf_or_zip",
        Refusal::Upload(UploadError::Unreadable) => "signing.reason.zip_unreadable",
        Refusal::Upload(UploadError::TooManyFiles) => {
            return lang.tf("signing.reason.too_many_files", &[("files", &MAX_ENTRIES)]);
        }
        Refusal::Upload(UploadError::TooLarge) => "signing.reason.zip_too_large",
        Refusal::Entry(EntryError::NotPdf) | Refusal::Signature(signed_pdf::Refusal::NotPdf) => {
            "signing.reason.not_pdf"
        }
        Refusal::Entry(EntryError::TooLarge) => {
            let limit = format!("{} MB", MAX_ENTRY_BYTES / (1024 * 1024));
            return lang.tf("signing.reason.too_large", &[("limit", &limit)]);
        }
        Refusal::Signature(signed_pdf::Refusal::NoSignature) => "signing.reason.no_signature",
        Refusal::Signature(signed_pdf::Refusal::BrokenSignature) => {
            "signing.reason.broken_signature"
        }
        Refusal::Signature(signed_pdf::Refusal::ChangedAfterSigning) => {
            "signing.reason.changed_after_signing"
        }
        Refusal::NoCertificate => "signing.reason.no_certificate",
        Refusal::Several => "signing.reason.several",
        Refusal::Revoked { number } => {
            return lang.tf("signing.reason.revoked", &[("number", number)]);
        }
        Refusal::NotRendered { number } => {
            return lang.tf("signing.reason.not_rendered", &[("number", number)]);
        }
        Refusal::Twice { number } => {
            return lang.tf("signing.reason.twice", &[("number", number)]);
        }
    };
    lang.t(key).to_owned()
}
