//! Certificates: the organisers' batch page, settings and dry run, the
//! participant's download link and the public verify page.

use maud::{Markup, html};

use super::forms::{
    Errors, Field, Look, checkbox, csrf, input, message, pages_of, post_button, select, summarised,
    textarea, upload_form,
};
use super::{format, layout};
use crate::domain::certificate::Kind;
use crate::domain::certificate::eligibility::{Eligibility, Requirement};
use crate::domain::certificate::settings::SettingsForm;
use crate::domain::event::{Event, FieldError};
use crate::i18n::Lang;
use crate::i18n::certificates::{reasons_text, render_reason};
use crate::services::CertificateRow;
use crate::services::certificates::{
    Candidate, Counts, Issued, Picture, Progress, Settings, Verified,
};
use crate::web::extract::PageContext;
use crate::web::handlers::certificates::{BatchQuery, PictureUpload};
use crate::web::upload::UploadPolicy;

/// Where an event's certificate pages live.
pub fn base(event: &Event) -> String {
    format!("/manage/events/{}/certificates", event.slug)
}

/// A certificate's download for its holder.
pub fn download_path(id: &str) -> String {
    format!("/my/certificates/{id}")
}

pub(super) fn kind_label(lang: Lang, kind: Kind) -> &'static str {
    lang.t(match kind {
        Kind::Participant => "certificates.kind.participant",
        Kind::Speaker => "certificates.kind.speaker",
        Kind::Committee => "certificates.kind.committee",
    })
}

fn requirement_label(lang: Lang, requirement: Requirement) -> &'static str {
    lang.t(match requirement {
        Requirement::Both => "certificates.requirement.both",
        Requirement::Attendance => "certificates.requirement.attendance",
        Requirement::Plan => "certificates.requirement.plan",
        Requirement::None => "certificates.requirement.none",
    })
}

pub(super) fn progress_text(lang: Lang, progress: &Progress) -> String {
    match progress {
        Progress::Waiting => lang.t("certificates.progress.waiting").to_owned(),
        Progress::Rendered => lang.t("certificates.progress.rendered").to_owned(),
        Progress::Emailed => lang.t("certificates.progress.emailed").to_owned(),
        Progress::Failed(reason) => lang.tf(
            "certificates.progress.failed",
            &[("reason", &render_reason(lang, reason))],
        ),
        Progress::Revoked => lang.t("certificates.progress.revoked").to_owned(),
    }
}

/// Certificates shown on one page of the batch page.
pub const BATCH_PAGE: usize = 50;

/// The batch page: the settings in short, counts, the issue button and
/// the certificates with where their delivery stands, found by name or
/// number and by status, a page at a time.
pub fn batch(
    ctx: &PageContext,
    (event, settings): (&Event, &Settings),
    list: &[Issued],
    query: &BatchQuery,
) -> Markup {
    let lang = ctx.lang;
    let t = |key| lang.t(key);
    let base = base(event);
    let counts = Counts::of(list);
    let filter = query.filter();
    let shown: Vec<&Issued> = list.iter().filter(|i| filter.keeps(i)).collect();
    let pages = shown.len().div_ceil(BATCH_PAGE).max(1);
    let number = query.page.min(pages - 1);
    let statuses: Vec<(String, String)> =
        std::iter::once((String::new(), t("certificates.all_states").to_owned()))
            .chain(Progress::NAMES.iter().map(|&name| {
                (
                    name.to_owned(),
                    lang.t(&format!("certificates.state.{name}")).to_owned(),
                )
            }))
            .collect();
    let kinds: Vec<(String, String)> =
        std::iter::once((String::new(), t("certificates.all_kinds").to_owned()))
            .chain(Kind::ALL.iter().map(|&kind| {
                (
                    crate::services::certificates::kind_value(kind).to_owned(),
                    kind_label(lang, kind).to_owned(),
                )
            }))
            .collect();
    layout::page(
        ctx,
        t("certificates.title"),
        html! {
            p.back { a href={ "/manage/events/" (event.slug) } lang=[format::authored(lang)] { (event.title) } }
            h1 { (t("certificates.title")) }
            @match query.issued {
                Some(0) => p role="status" { (t("certificates.issued_none")) },
                Some(n) => p.success role="status" { (lang.tf("certificates.issued_now", &[("n", &n)])) },
                None => {},
            }
            @if let Some(n) = query.retried {
                p.success role="status" { (lang.tf("certificates.retried", &[("n", &n)])) }
            }
            ul.links {
                li { a href={ (base) "/settings" } { (t("certificates.settings_title")) } }
                li { a href={ (base) "/dry-run" } { (t("certificates.dry_run_title")) } }
                li { a href={ (base) "/preview" } { (t("certificates.preview")) } }
                li { a href={ (base) "/team" } { (t("certificates.team_title")) } }
                li { a href={ (base) "/signed" } { (t("signing.title")) } }
            }
            @if !settings.saved {
                p { (t("certificates.not_set")) }
            } @else {
                h2 { (t("certificates.summary")) }
                dl {
                    @for rules in &settings.types {
                        dt { (kind_label(lang, rules.kind)) }
                        dd {
                            @if rules.enabled {
                                code { (rules.pattern) } " · "
                                (lang.tf("certificates.next_number", &[("n", &rules.next_number)]))
                            } @else { (t("certificates.disabled")) }
                        }
                    }
                    dt { (t("certificates.requirement_label")) }
                    dd { (requirement_label(lang, settings.requirement)) }
                    dt { (t("certificates.event_code")) }
                    dd { code { (settings.event_code) } }
                    dt { (t("certificates.signatories")) }
                    dd { @for (i, s) in settings.signatories.iter().enumerate() { @if i > 0 { "; " } (s.name) ", " (s.position) } }
                }
            }
            h2 { (t("certificates.counts")) }
            p {
                (lang.tf("certificates.counts_line", &[
                    ("issued", &counts.issued), ("waiting", &counts.waiting),
                    ("rendered", &counts.rendered), ("emailed", &counts.emailed),
                    ("failed", &counts.failed), ("revoked", &counts.revoked),
                ]))
            }
            @if settings.saved && settings.of(Kind::Participant).enabled {
                (post_button(ctx, &format!("{base}/issue"), t("certificates.issue_all"), &[], Look::Primary))
            }
            @if counts.failed > 0 {
                p.hint { (t("certificates.retry_hint")) }
                (post_button(ctx, &format!("{base}/retry"), &lang.tf("certificates.retry", &[("n", &counts.failed)]), &[], Look::Secondary))
            }
            h2 #list { (t("certificates.list")) }
            @if list.is_empty() {
                p { (t("certificates.none")) }
            } @else {
                form.filters method="get" action=(base) role="search" aria-label=(t("certificates.find")) {
                    (input(lang, Field::new("q", t("certificates.find_label"), "search", &query.q).optional(), &Errors::none()))
                    (select(lang, "status", t("certificates.status"), &statuses, &query.status, &Errors::none()))
                    (select(lang, "kind", t("certificates.kind_label"), &kinds, &query.kind, &Errors::none()))
                    button.secondary type="submit" { (t("certificates.show")) }
                }
                p role="status" { (lang.tf("certificates.shown", &[("n", &shown.len()), ("all", &list.len())])) }
                @if !shown.is_empty() {
                    div.table tabindex="0" role="region" aria-labelledby="list" {
                        table.stack {
                            thead { tr {
                                th scope="col" { (t("certificates.number")) }
                                th scope="col" { (t("certificates.holder")) }
                                th scope="col" { (t("certificates.kind_label")) }
                                th scope="col" { (t("certificates.status")) }
                            } }
                            tbody {
                                @for issued in shown.iter().skip(number * BATCH_PAGE).take(BATCH_PAGE) {
                                    tr {
                                        td { a href=(super::certificate_changes::detail_path(event, &issued.row.id)) { (issued.row.number) } }
                                        td { (issued.row.holder_name) }
                                        td { (kind_label(lang, issued.row.kind)) }
                                        td { (progress_text(lang, &issued.progress)) }
                                    }
                                }
                            }
                        }
                    }
                }
                (pages_of(lang, (&base, &query.filter_query()), number, shown.len(), BATCH_PAGE))
            }
        },
    )
}

/// The settings form, and the pictures' uploads below it.
pub fn settings_page(
    ctx: &PageContext,
    event: &Event,
    settings: &Settings,
    form: &SettingsForm,
    (errors, refused): (&[FieldError], Option<Picture>),
) -> Markup {
    let lang = ctx.lang;
    let t = |key| lang.t(key);
    let base = base(event);
    let title = super::forms::title(lang, errors, t("certificates.settings_title"));
    let errors = &Errors::new(errors);
    let requirements: Vec<(String, String)> = Requirement::ALL
        .into_iter()
        .map(|r| {
            (
                crate::services::certificates::requirement_value(r).to_owned(),
                requirement_label(lang, r).to_owned(),
            )
        })
        .collect();
    layout::page(
        ctx,
        &title,
        html! {
            p.back { a href=(base) { (t("certificates.title")) } }
            h1 { (t("certificates.settings_title")) }
            (summarised(lang, errors, html! {
            form method="post" action={ (base) "/settings" } novalidate {
                (csrf(ctx))
                h2 { (t("certificates.types")) }
                p.hint { (t("certificates.pattern_help")) }
                @for kind in Kind::ALL {
                    @let name = crate::domain::certificate::settings::pattern_field(kind);
                    @let enabled = match kind { Kind::Participant => "participant_enabled", Kind::Speaker => "speaker_enabled", Kind::Committee => "committee_enabled" };
                    (checkbox(lang, enabled, &lang.tf("certificates.enable", &[("kind", &kind_label(lang, kind))]), form.enabled(kind), None, errors))
                    (input(lang, Field::new(name, &lang.tf("certificates.pattern", &[("kind", &kind_label(lang, kind))]), "text", form.pattern(kind)), errors))
                }
                (select(lang, "requirement", t("certificates.requirement_label"), &requirements, &form.requirement, errors))
                (input(lang, Field::new("event_code", t("certificates.event_code"), "text", &form.event_code).hint(t("certificates.event_code_hint")), errors))
                h2 { (t("certificates.signing")) }
                (input(lang, Field::new("signing_place", t("certificates.signing_place"), "text", &form.signing_place), errors))
                (input(lang, Field::new("signing_date", t("certificates.signing_date"), "date", &form.signing_date).optional().hint(t("certificates.signing_date_hint")), errors))
                @for (i, (position, name, lines)) in [
                    (("signatory1_position", &form.signatory1_position), ("signatory1_name", &form.signatory1_name), ("signatory1_lines", &form.signatory1_lines)),
                    (("signatory2_position", &form.signatory2_position), ("signatory2_name", &form.signatory2_name), ("signatory2_lines", &form.signatory2_lines)),
                ].into_iter().enumerate() {
                    fieldset {
                        legend { (lang.tf("certificates.signatory", &[("n", &(i + 1))])) @if i > 0 { " " span.optional { (t("form.optional")) } } }
                        (input(lang, Field::new(position.0, t("certificates.position"), "text", position.1).conditional(), errors))
                        (input(lang, Field::new(name.0, t("certificates.name"), "text", name.1).conditional(), errors))
                        (textarea(lang, lines.0, t("certificates.lines"), lines.1, Some(t("certificates.lines_hint")), errors))
                    }
                }
                button type="submit" { (t("certificates.save")) }
            }
            h2 { (t("certificates.pictures")) }
            p.hint { (t("certificates.pictures_hint")) }
            @for picture in Picture::ALL {
                (picture_upload(ctx, (&base, settings), picture, (refused == Some(picture)).then_some(errors)))
            }
            }))
        },
    )
}

/// One picture's upload form; `errors`: what refused this picture.
fn picture_upload(
    ctx: &PageContext,
    (base, settings): (&str, &Settings),
    picture: Picture,
    errors: Option<&Errors<'_>>,
) -> Markup {
    let lang = ctx.lang;
    let t = |key| lang.t(key);
    let label = picture_label(lang, picture);
    let heading = format!("picture-{}", picture.name());
    // The refused one's file field carries the name its message links to.
    let id = match errors {
        Some(_) => format!("f-{}", PictureUpload::FIELD),
        None => format!("f-{}", picture.name()),
    };
    let error = errors.and_then(|e| e.take(PictureUpload::FIELD, &label));
    html! {
        section aria-labelledby=(heading) {
            h3 id=(heading) { (label) }
            p { (t(if picture.key(settings).is_some() { "certificates.picture_kept" } else { "certificates.picture_none" })) }
            (upload_form(ctx, &format!("{base}/pictures/{}", picture.name()), html! {
                div.field.invalid[error.is_some()] {
                    label for=(id) { (lang.tf("certificates.choose_file", &[("picture", &label)])) }
                    input id=(id) type="file" name=(PictureUpload::FIELD) accept="image/png,image/jpeg"
                        aria-invalid=[error.map(|_| "true")]
                        aria-describedby=[error.map(|_| format!("{id}-error"))];
                    @if let Some(error) = error { p.error id={ (id) "-error" } { (message(lang, error)) } }
                }
                button.secondary type="submit" { (lang.tf("certificates.upload", &[("picture", &label)])) }
            }))
        }
    }
}

fn picture_label(lang: Lang, picture: Picture) -> String {
    match picture {
        Picture::Logo => lang.t("certificates.picture.logo").to_owned(),
        Picture::Background => lang.t("certificates.picture.background").to_owned(),
        Picture::Signature(i) => lang.tf("certificates.picture.signature", &[("n", &(i + 1))]),
        Picture::Stamp(i) => lang.tf("certificates.picture.stamp", &[("n", &(i + 1))]),
    }
}

/// A refused upload: the settings page with the message above.
pub fn picture_refused(
    ctx: &PageContext,
    event: &Event,
    settings: &Settings,
    (picture, errors): (Picture, &[FieldError]),
) -> Markup {
    settings_page(
        ctx,
        event,
        settings,
        &settings.form(),
        (errors, Some(picture)),
    )
}

/// Who would receive a participant's certificate, who holds one, and why
/// everyone else would not.
pub fn dry_run(
    ctx: &PageContext,
    event: &Event,
    settings: &Settings,
    candidates: &[Candidate],
) -> Markup {
    let lang = ctx.lang;
    let t = |key| lang.t(key);
    let (holding, rest): (Vec<&Candidate>, Vec<&Candidate>) =
        candidates.iter().partition(|c| c.holds.is_some());
    let (eligible, refused): (Vec<&Candidate>, Vec<&Candidate>) =
        rest.into_iter().partition(|c| c.eligibility.is_eligible());
    layout::page(
        ctx,
        t("certificates.dry_run_title"),
        html! {
            p.back { a href=(base(event)) { (t("certificates.title")) } }
            h1 { (t("certificates.dry_run_title")) }
            p { (t("certificates.requirement_label")) ": " strong { (requirement_label(lang, settings.requirement)) } }
            h2 #eligible { (lang.tf("certificates.would_receive", &[("n", &eligible.len())])) }
            (super::certificate_changes::eligible(ctx, event, &eligible))
            h2 #refused { (lang.tf("certificates.would_not", &[("n", &refused.len())])) }
            @if !refused.is_empty() {
                ul {
                    @for c in &refused {
                        li {
                            (c.name) ", " (c.institution) ": "
                            @if let Eligibility::NotEligible(reasons) = &c.eligibility { (reasons_text(lang, reasons)) }
                        }
                    }
                }
            }
            h2 #holding { (lang.tf("certificates.holding", &[("n", &holding.len())])) }
            @if !holding.is_empty() {
                ul { @for c in &holding { li { (c.name) ", " (c.holds.as_deref().unwrap_or_default()) } } }
            }
        },
    )
}

/// The participant's certificate on their page: its download once made.
pub fn own(lang: Lang, certificate: &CertificateRow) -> Markup {
    html! {
        p {
            (lang.t("certificates.yours")) ": " (certificate.number) " · "
            @if certificate.unsigned_key.is_some() || certificate.signed_key.is_some() {
                a href=(download_path(&certificate.id)) { (lang.t("certificates.download")) }
            } @else {
                (lang.t("certificates.being_made"))
            }
        }
    }
}

/// The public verify page of a known code.
pub fn verified(ctx: &PageContext, found: &Verified) -> Markup {
    let lang = ctx.lang;
    let t = |key| lang.t(key);
    let row = &found.row;
    let event = &found.event;
    layout::page(
        ctx,
        t("verify.title"),
        html! {
            h1 { (t("verify.title")) }
            @if let Some(at) = row.revoked_at {
                p.notice role="status" {
                    strong { (lang.tf("verify.revoked", &[("date", &crate::i18n::dates::date(lang, &at.and_utc().with_timezone(&event.time_zone)))])) }
                }
            } @else {
                p.success role="status" { strong { (t("verify.valid")) } }
            }
            dl {
                dt { (t("verify.number")) } dd { (row.number) }
                dt { (t("verify.holder")) } dd { (row.holder_name) }
                dt { (t("verify.kind")) } dd { (kind_label(lang, row.kind)) }
                dt { (t("verify.event")) } dd lang=[format::authored(lang)] { (event.title) }
                dt { (t("verify.dates")) } dd { (format::span(lang, event.starts_at, event.ends_at, event.time_zone)) }
                dt { (t("verify.jp")) } dd { (row.jp) }
                dt { (t("verify.organiser")) } dd { (event.organiser_office) }
                dt { (t("verify.issued")) } dd { (crate::i18n::dates::date(lang, &row.issued_at.and_utc().with_timezone(&event.time_zone))) }
            }
            @if let Some(at) = row.signed_at {
                p { (signed_text(lang, row.signer.as_deref(), &format::moment(lang, at.and_utc(), event.time_zone))) }
            }
        },
    )
}

/// The verify page of a code nobody was given.
pub fn unknown(ctx: &PageContext) -> Markup {
    let lang = ctx.lang;
    layout::page(
        ctx,
        lang.t("verify.title"),
        html! {
            h1 { (lang.t("verify.title")) }
            p.notice role="status" { strong { (lang.t("verify.unknown")) } }
            p { (lang.t("verify.unknown_hint")) }
        },
    )
}

/// "Signed electronically by … on …": the signers and time as the
/// signature states them.
fn signed_text(lang: Lang, signer: Option<&str>, moment: &str) -> String {
    match signer {
        Some(signer) => lang.tf(
            "verify.signed_by",
            &[("signer", &signer), ("moment", &moment)],
        ),
        None => lang.tf("verify.signed", &[("moment", &moment)]),
    }
}
