//! One issued certificate for its organisers: where its delivery stands,
//! sending its e-mail again, revoking it with a reason and reissuing it;
//! and the dry run's button issuing to one participant.

use maud::{Markup, html};

use super::certificates::{base, kind_label, progress_text};
use super::forms::{Errors, Look, checkbox, csrf, post_button, summarised, textarea_marked};
use super::{format, layout};
use crate::domain::event::{Event, FieldError};
use crate::services::certificates::Candidate;
use crate::services::certificates::changes::{Detail, RevokeForm};
use crate::web::extract::PageContext;

/// A certificate's page for its organisers.
pub fn detail_path(event: &Event, id: &str) -> String {
    format!("{}/issued/{id}", base(event))
}

/// The certificate's page, its revoke form as typed and the messages of
/// the last action.
pub fn detail(
    ctx: &PageContext,
    event: &Event,
    (detail, resent): (&Detail, bool),
    (form, errors): (&RevokeForm, &[FieldError]),
) -> Markup {
    let lang = ctx.lang;
    let t = |key| lang.t(key);
    let row = &detail.issued.row;
    let path = detail_path(event, &row.id);
    let heading = lang.tf("certificates.detail_title", &[("number", &row.number)]);
    let title = super::forms::title(lang, errors, &heading);
    let errors = &Errors::new(errors);
    let zone = event.time_zone;
    layout::page(
        ctx,
        &title,
        html! {
            p.back { a href=(base(event)) { (t("certificates.title")) } }
            h1 { (heading) }
            @if resent {
                p.success role="status" { (t("certificates.resent")) }
            }
            dl {
                dt { (t("certificates.holder")) } dd { (row.holder_name) }
                dt { (t("certificates.kind_label")) } dd { (kind_label(lang, row.kind)) }
                dt { (t("verify.jp")) } dd { (row.jp) }
                dt { (t("verify.issued")) } dd { (format::moment(lang, row.issued_at.and_utc(), zone)) }
                dt { (t("certificates.status")) } dd { (progress_text(lang, &detail.issued.progress)) }
                dt { (t("certificates.verify_page")) } dd { a href={ "/verify/" (row.code) } { "/verify/" (row.code) } }
            }
            @if let Some(at) = row.revoked_at {
                p.notice {
                    (lang.tf("certificates.revoked_on", &[
                        ("date", &format::moment(lang, at.and_utc(), zone)),
                        ("reason", &row.revoke_reason.as_deref().unwrap_or_default()),
                    ]))
                }
                @if let Some(new) = &detail.replacement {
                    p { (t("certificates.replaced_by")) " " a href=(detail_path(event, &new.id)) { (new.number) } }
                }
            }
            @if let Some(old) = &detail.replaced {
                p { (t("certificates.replaces")) " " a href=(detail_path(event, &old.id)) { (old.number) } }
            }
            @if row.revoked_at.is_none() {
                (summarised(lang, errors, html! {
                    h2 { (t("certificates.resend_title")) }
                    @if row.mail_id.is_some() {
                        p.hint { (t("certificates.resend_hint")) }
                        (post_button(ctx, &format!("{path}/resend"), t("certificates.resend"), &[], Look::Secondary))
                    } @else {
                        p { (t("certificates.resend_not_yet")) }
                    }
                    h2 { (t("certificates.revoke_title")) }
                    p.hint { (t("certificates.revoke_hint")) }
                    form method="post" action={ (path) "/revoke" } novalidate {
                        (csrf(ctx))
                        (textarea_marked(lang, ("reason", t("certificates.reason"), true), &form.reason, Some(t("certificates.reason_hint")), errors))
                        (checkbox(lang, "reissue", t("certificates.reissue"), form.reissue.is_some(), Some(t("certificates.reissue_hint")), errors))
                        button.danger type="submit" { (t("certificates.revoke")) }
                    }
                }))
            }
        },
    )
}

/// The dry run's participants who would receive a certificate, each with
/// a button issuing theirs alone.
pub fn eligible(ctx: &PageContext, event: &Event, list: &[&Candidate]) -> Markup {
    let lang = ctx.lang;
    html! {
        @if !list.is_empty() {
            ul {
                @for c in list {
                    li {
                        (c.name) ", " (c.institution) " "
                        (post_button(ctx, &format!("{}/issue/{}", base(event), c.registration_id),
                            &lang.tf("certificates.issue_one", &[("name", &c.name)]), &[], Look::Secondary))
                    }
                }
            }
        }
    }
}
