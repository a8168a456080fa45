//! Speakers' and committee certificates for organisers: the speakers with
//! the JP of the sessions they gave, the organisers and reviewers to
//! choose from, and who holds one already.

use maud::{Markup, html};

use super::certificates::base;
use super::forms::{Errors, Look, checkboxes, csrf, post_button, summarised};
use super::layout;
use crate::domain::certificate::Kind;
use crate::domain::event::{Event, FieldError};
use crate::services::certificates::Settings;
use crate::services::certificates::team::{Member, Team};
use crate::web::extract::PageContext;

/// The team page, the committee choice as ticked and its messages.
pub fn team_page(
    ctx: &PageContext,
    event: &Event,
    (settings, team): (&Settings, &Team),
    (chosen, errors): (&[String], &[FieldError]),
) -> Markup {
    let lang = ctx.lang;
    let t = |key| lang.t(key);
    let base = base(event);
    let title = super::forms::title(lang, errors, t("certificates.team_title"));
    let errors = &Errors::new(errors);
    let enabled = |kind| settings.saved && settings.of(kind).enabled;
    let without: Vec<(String, String)> = team
        .committee
        .iter()
        .filter(|m| m.holds.is_none())
        .map(|m| (m.account_id.clone(), format!("{} ({})", m.name, m.email)))
        .collect();
    layout::page(
        ctx,
        &title,
        html! {
            p.back { a href=(base) { (t("certificates.title")) } }
            h1 { (t("certificates.team_title")) }
            h2 #speakers { (t("certificates.speakers")) }
            p.hint { (t("certificates.speakers_hint")) }
            (members(ctx, "speakers", &team.speakers))
            @if !enabled(Kind::Speaker) {
                p { (t("certificates.speaker_disabled")) }
            } @else if team.speakers.iter().any(|m| m.holds.is_none() && m.jp > 0) {
                (post_button(ctx, &format!("{base}/team/speakers"), t("certificates.issue_speakers"), &[], Look::Primary))
            }
            h2 #committee { (t("certificates.committee")) }
            p.hint { (t("certificates.committee_hint")) }
            (members(ctx, "committee", &team.committee))
            @if !enabled(Kind::Committee) {
                p { (t("certificates.committee_disabled")) }
            } @else if !without.is_empty() {
                (summarised(lang, errors, html! {
                    form method="post" action={ (base) "/team/committee" } novalidate {
                        (csrf(ctx))
                        (checkboxes(lang, "members", t("certificates.choose_committee"), &without, chosen, errors))
                        button type="submit" { (t("certificates.issue_committee")) }
                    }
                }))
            }
        },
    )
}

fn members(ctx: &PageContext, id: &str, list: &[Member]) -> Markup {
    let lang = ctx.lang;
    let t = |key| lang.t(key);
    html! {
        @if list.is_empty() {
            p { (t("certificates.nobody")) }
        } @else {
            div.table tabindex="0" role="region" aria-labelledby=(id) {
                table.stack {
                    thead { tr {
                        th scope="col" { (t("certificates.holder")) }
                        th scope="col" { (t("verify.jp")) }
                        th scope="col" { (t("certificates.number")) }
                    } }
                    tbody {
                        @for m in list {
                            tr {
                                td { (m.name) }
                                td { (m.jp) }
                                td { (m.holds.as_deref().unwrap_or("–")) }
                            }
                        }
                    }
                }
            }
        }
    }
}
