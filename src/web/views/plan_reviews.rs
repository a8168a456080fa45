//! Reviewing action plans: the reviewers' comments where a plan is read,
//! the review form, the choice of reviewer, and what changed between two
//! versions.

use maud::{Markup, html};

use super::forms::{Errors, csrf, select, summarised, textarea};
use super::{format, layout};
use crate::domain::action_plan::diff::{Row, Words};
use crate::domain::action_plan::review::{Comments, Decision, Section};
use crate::domain::action_plan::{Activity, Strategy};
use crate::domain::event::{Event, FieldError};
use crate::i18n::Lang;
use crate::services::action_plans::{Listed, Review, Version};
use crate::services::plan_reviews::{Compared, Reviewer};
use crate::web::extract::PageContext;

/// The reviewer's comment on one section, where the section is read or
/// written; nothing without one.
pub fn comment(lang: Lang, comments: Option<&Comments>, section: Section) -> Markup {
    html! {
        @if let Some(text) = comments.and_then(|c| c.on(section)) {
            div.notice {
                p { strong { (lang.t("plan_review.comment")) } }
                div lang=[format::authored(lang)] { (format::paragraphs(text)) }
            }
        }
    }
}

/// A decision in a sentence: what, by whom, when.
pub fn decision(lang: Lang, event: &Event, review: &Review) -> String {
    let key = match review.decision {
        Decision::RevisionAsked => "plan_review.revision_asked_by",
        Decision::Accepted => "plan_review.accepted_by",
    };
    lang.tf(
        key,
        &[
            ("version", &review.version),
            ("reviewer", &review.reviewer),
            ("at", &format::moment(lang, review.at, event.time_zone)),
        ],
    )
}

/// A decision with its general comment.
pub fn outcome(lang: Lang, event: &Event, review: &Review) -> Markup {
    html! {
        p { strong { (decision(lang, event, review)) } }
        @if !review.comments.general.is_empty() {
            div.notice {
                p { strong { (lang.t("plan_review.general")) } }
                div lang=[format::authored(lang)] { (format::paragraphs(&review.comments.general)) }
            }
        }
    }
}

/// What the review form holds: as typed when it came back, with its
/// messages, or a note that the plan no longer waits.
#[derive(Default)]
pub struct Draft<'a> {
    pub comments: Option<&'a Comments>,
    pub errors: &'a [FieldError],
    pub not_waiting: bool,
}

/// Accept the version or ask for its revision, with comments.
pub fn form(ctx: &PageContext, address: &str, version: i32, draft: &Draft<'_>) -> Markup {
    let lang = ctx.lang;
    let errors = &Errors::new(draft.errors);
    let typed = |section: Option<Section>| {
        draft.comments.map_or("", |c| match section {
            Some(section) => c.on(section).unwrap_or_default(),
            None => c.general.as_str(),
        })
    };
    html! {
        section aria-labelledby="review" {
            h2 #review { (lang.t("plan_review.title")) }
            p.hint { (lang.t("plan_review.hint")) }
            (summarised(lang, errors, html! {
                form method="post" action=(address) novalidate {
                    (csrf(ctx))
                    input type="hidden" name="version" value=(version);
                    @for section in Section::ALL {
                        @let label = lang.tf("plan_review.comment_on", &[("section", &lang.label(section))]);
                        (textarea(lang, &section.field(), &label, typed(Some(section)), None, errors))
                    }
                    (textarea(lang, "general", lang.t("plan_review.general"), typed(None), None, errors))
                    button.secondary type="submit" name="decision" value="revision" { (lang.t("plan_review.ask_revision")) }
                    " "
                    button type="submit" name="decision" value="accept" { (lang.t("plan_review.accept")) }
                }
            }))
        }
    }
}

/// The organisers' choice of who reviews the plan.
pub fn assignment(
    ctx: &PageContext,
    address: &str,
    reviewers: &[Reviewer],
    current: Option<&str>,
) -> Markup {
    let lang = ctx.lang;
    let mut options = vec![(String::new(), lang.t("plan_review.anyone").to_owned())];
    options.extend(reviewers.iter().map(|r| (r.id.clone(), r.name.clone())));
    html! {
        form method="post" action=(address) {
            (csrf(ctx))
            (select(lang, "reviewer", lang.t("plan_review.reviewer"), &options, current.unwrap_or_default(), &Errors::new(&[])))
            button.secondary type="submit" { (lang.t("plan_review.assign")) }
        }
    }
}

/// The versions submitted, each with its decision and a link to what
/// changed since the one before.
pub fn versions(lang: Lang, event: &Event, base: &str, versions: &[Version]) -> Markup {
    html! {
        @if !versions.is_empty() {
            h2 { (lang.t("plan.versions")) }
            ul {
                @for version in versions {
                    li {
                        (lang.tf("plan.submitted_at", &[("version", &version.number), ("at", &format::moment(lang, version.submitted_at, event.time_zone))]))
                        @if version.late { " · " (lang.t("plan.late")) }
                        @if let Some(review) = &version.review { " " (decision(lang, event, review)) }
                        @if version.number > 1 {
                            " " a href={ (base) "/changes?from=" (version.number - 1) "&to=" (version.number) } {
                                (lang.tf("plan_review.changes_since", &[("version", &(version.number - 1))]))
                            }
                        }
                    }
                }
            }
        }
    }
}

fn runs(lang: Lang, runs: &[Words]) -> Markup {
    html! {
        p lang=[format::authored(lang)] {
            @for (i, run) in runs.iter().enumerate() {
                @if i > 0 { " " }
                @match run {
                    Words::Same(text) => (text),
                    Words::Removed(text) => del { span.visually-hidden { (lang.t("plan_review.removed")) " " } (text) },
                    Words::Added(text) => ins { span.visually-hidden { (lang.t("plan_review.added")) " " } (text) },
                }
            }
        }
    }
}

fn strategies(lang: Lang, key: &str, strategies: &[Strategy]) -> Markup {
    html! {
        @if !strategies.is_empty() {
            p { (lang.t(key)) ": " @for (i, s) in strategies.iter().enumerate() { @if i > 0 { "; " } (lang.label(*s)) } }
        }
    }
}

/// One column of a changed row: as it was, or what replaced what.
fn cell(lang: Lang, before: &str, after: &str) -> Markup {
    html! {
        @if before == after { (after) } @else {
            @if !before.is_empty() { del { span.visually-hidden { (lang.t("plan_review.removed")) " " } (before) } " " }
            ins { span.visually-hidden { (lang.t("plan_review.added")) " " } (after) }
        }
    }
}

fn activities(lang: Lang, rows: &[Row]) -> Markup {
    let t = |key| lang.t(key);
    let columns = [
        t("plan.field.what"),
        t("plan.field.month"),
        t("plan.field.responsible"),
        t("plan.field.resources"),
        t("plan.field.partner"),
    ];
    let fields = |a: &Activity| {
        [
            a.what.clone(),
            super::action_plans::month(lang, &a.month),
            a.responsible.clone(),
            a.resources.clone(),
            a.partner.clone(),
        ]
    };
    // Five columns of free text outgrow the page at any width: the box
    // scrolls (its rows stack on a phone), not the page.
    html! {
        div.table tabindex="0" role="region" aria-label=(t("plan.field.activities")) { table.stack {
            thead { tr {
                th scope="col" { (t("plan_review.row")) }
                @for column in columns { th scope="col" { (column) } }
            } }
            tbody lang=[format::authored(lang)] {
                @for row in rows {
                    @let (key, before, after) = match row {
                        Row::Same(a) => ("plan_review.row_same", fields(a), fields(a)),
                        Row::Added(a) => ("plan_review.row_added", Default::default(), fields(a)),
                        Row::Removed(a) => ("plan_review.row_removed", fields(a), Default::default()),
                        Row::Changed { before, after } => ("plan_review.row_changed", fields(before), fields(after)),
                    };
                    tr {
                        td data-label=(t("plan_review.row")) { strong { (t(key)) } }
                        @for (i, column) in columns.iter().enumerate() {
                            td data-label=(column) {
                                @if matches!(row, Row::Removed(_)) { del { (before[i]) } } @else { (cell(lang, &before[i], &after[i])) }
                            }
                        }
                    }
                }
            }
        } }
    }
}

/// What changed between two versions of a plan, section by section.
pub fn changes_page(
    ctx: &PageContext,
    event: &Event,
    listed: &Listed,
    versions: &[Version],
    compared: Option<&Compared>,
) -> Markup {
    let lang = ctx.lang;
    let t = |key| lang.t(key);
    let id = listed.plan.id.as_deref().unwrap_or_default();
    let base = format!("/manage/events/{}/plans/{id}", event.slug);
    let numbers: Vec<(String, String)> = versions
        .iter()
        .map(|v| {
            (
                v.number.to_string(),
                lang.tf("plan_review.version", &[("n", &v.number)]),
            )
        })
        .collect();
    let none = Errors::new(&[]);
    layout::page(
        ctx,
        &format!("{} · {}", t("plan_review.changes"), listed.participant),
        html! {
            p.back { a href=(base) { (t("plan.title")) ": " (listed.participant) } }
            h1 { (t("plan_review.changes")) ": " (listed.participant) }
            @match compared {
                None => p { (t("plan_review.one_version")) },
                Some(compared) => {
                    form method="get" action={ (base) "/changes" } {
                        div.pair {
                            (select(lang, "from", t("plan_review.from"), &numbers, &compared.from.to_string(), &none))
                            (select(lang, "to", t("plan_review.to"), &numbers, &compared.to.to_string(), &none))
                        }
                        button.secondary type="submit" { (t("plan_review.compare")) }
                    }
                    h2 { (lang.tf("plan_review.between", &[("from", &compared.from), ("to", &compared.to)])) }
                    @for section in Section::ALL {
                        @let changed = compared.changes.changed(section);
                        h3 { (lang.label(section)) }
                        p { strong { (t(if changed { "plan_review.changed" } else { "plan_review.unchanged" })) } }
                        @if changed {
                            @match section {
                                Section::Strategies => {
                                    (strategies(lang, "plan_review.strategies_added", &compared.changes.strategies_added))
                                    (strategies(lang, "plan_review.strategies_removed", &compared.changes.strategies_removed))
                                }
                                Section::Activities => (activities(lang, &compared.changes.activities)),
                                Section::Attachment => {
                                    @if let Some((before, after)) = &compared.changes.attachment {
                                        p { (before.as_deref().unwrap_or(t("plan_review.no_file"))) " → " (after.as_deref().unwrap_or(t("plan_review.no_file"))) }
                                    }
                                }
                                _ => @if let Some(text) = compared.changes.text(section) { (runs(lang, text)) },
                            }
                        }
                    }
                }
            }
        },
    )
}
