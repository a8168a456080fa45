//! The organisers' registration list, imports and the event's questions.

use maud::{Markup, html};
use serde::Deserialize;

use super::forms::{self, Errors, Field, csrf, input, select, summarised};
use super::{format, layout};
use crate::domain::event::{Event, FieldError};
use crate::domain::question::{Kind, Question, QuestionForm};
use crate::domain::region::Region;
use crate::domain::registration::{Decision, Filter, Status};
use crate::domain::text::given;
use crate::i18n::Labelled;
use crate::services::roster::{ImportLine, PAGE_SIZE, Page, Preview};
use crate::web::extract::PageContext;

/// The list's filters and page, as they travel in its address.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub province: String,
    #[serde(default)]
    pub regency: String,
    #[serde(default)]
    pub page: Option<u32>,
    /// After a bulk decision: how many changed, how many did not apply.
    #[serde(default)]
    pub changed: Option<usize>,
    #[serde(default)]
    pub skipped: Option<usize>,
    #[serde(default)]
    pub added: Option<usize>,
    /// A bulk decision came with nobody ticked.
    #[serde(default)]
    pub unticked: Option<u8>,
}

impl ListQuery {
    pub fn filter(&self) -> Filter {
        Filter {
            text: given(&self.q),
            status: Status::from_name(self.status.trim()),
            province_code: given(&self.province),
            regency_code: given(&self.regency).filter(|_| !self.province.trim().is_empty()),
        }
    }

    /// The address of the same list at another page (0-based).
    pub fn query_string(&self, page: u32) -> String {
        serde_urlencoded::to_string([
            ("q", self.q.as_str()),
            ("status", &self.status),
            ("province", &self.province),
            ("regency", &self.regency),
            ("page", &page.to_string()),
        ])
        .unwrap_or_default()
    }
}

pub struct ListPage<'a> {
    pub event: &'a Event,
    pub query: &'a ListQuery,
    pub page: &'a Page,
    /// 0-based.
    pub number: u32,
    pub provinces: &'a [Region],
    pub regencies: &'a [Region],
}

fn options(lang: crate::i18n::Lang, all: &str, regions: &[Region]) -> Vec<(String, String)> {
    std::iter::once((String::new(), lang.t(all).to_owned()))
        .chain(regions.iter().map(|r| (r.code.clone(), r.name.clone())))
        .collect()
}

fn back_link(lang: crate::i18n::Lang, event: &Event) -> Markup {
    html! { p.back { a href={ "/manage/events/" (event.slug) } { "← " span lang=[format::authored(lang)] { (event.title) } } } }
}

pub fn list(ctx: &PageContext, list: &ListPage<'_>) -> Markup {
    let lang = ctx.lang;
    let (event, query, page) = (list.event, list.query, list.page);
    let base = format!("/manage/events/{}/registrations", event.slug);
    let statuses: Vec<(String, String)> =
        std::iter::once((String::new(), lang.t("roster.all_states").to_owned()))
            .chain(
                Status::ALL
                    .iter()
                    .map(|&s| (s.name().to_owned(), lang.label(s).to_owned())),
            )
            .collect();
    let decisions: Vec<(String, String)> = [Decision::Approve, Decision::Reject, Decision::Promote]
        .iter()
        .map(|d| {
            (
                d.as_str().to_owned(),
                lang.t(&format!("roster.decision.{}", d.as_str()))
                    .to_owned(),
            )
        })
        .collect();
    let pages = ((page.matching + PAGE_SIZE - 1) / PAGE_SIZE).max(1) as u32;
    let here = query.query_string(list.number);
    let region = |code: &str| {
        page.regions
            .find(code)
            .map_or(code, |r| r.name.as_str())
            .to_owned()
    };
    layout::page(
        ctx,
        &format!("{}: {}", lang.t("roster.title"), event.title),
        html! {
            (back_link(lang, event))
            h1 { (lang.t("roster.title")) }
            p.lead lang=[format::authored(lang)] { (event.title) }
            @if query.unticked.is_some() {
                div.alert role="alert" { p { (lang.t("roster.error.unticked")) } }
            } @else if let Some(changed) = query.changed {
                p.success role="status" { (lang.tf("roster.decided", &[("changed", &changed), ("skipped", &query.skipped.unwrap_or(0))])) }
            } @else if let Some(added) = query.added {
                p.success role="status" { (lang.tf("roster.added", &[("added", &added), ("skipped", &query.skipped.unwrap_or(0))])) }
            }
            ul.counts {
                @for (status, n) in &page.by_status {
                    li { (lang.label(*status)) ": " strong { (n) } }
                }
            }
            ul.links {
                li { a href={ (base) "/new" } { (lang.t("registration.add_title")) } }
                li { a href={ (base) "/export?format=csv&" (here) } { (lang.t("roster.export_csv")) } }
                li { a href={ (base) "/export?format=xlsx&" (here) } { (lang.t("roster.export_xlsx")) } }
            }
            form.filters method="get" action=(base) role="search" {
                (input(lang, Field::new("q", lang.t("roster.search"), "search", &query.q).optional(), &Errors::none()))
                (select(lang, "status", lang.t("roster.status"), &statuses, &query.status, &Errors::none()))
                (select(lang, "province", lang.t("registration.province"), &options(lang, "roster.all_provinces", list.provinces), &query.province, &Errors::none()))
                @if !list.regencies.is_empty() {
                    (select(lang, "regency", lang.t("registration.regency"), &options(lang, "roster.all_regencies", list.regencies), &query.regency, &Errors::none()))
                }
                button type="submit" { (lang.t("roster.apply")) }
            }
            p role="status" { (lang.tf("roster.matching", &[("n", &page.matching), ("page", &(list.number + 1)), ("pages", &pages)])) }
            form method="post" action={ (base) "/decide" } {
                (csrf(ctx))
                input type="hidden" name="back" value=(here);
                div.table tabindex="0" role="region" aria-labelledby="roster-caption" {
                    // Rows stack on a phone; a row's name, institution,
                    // region and status read without their column's name.
                    table.stack {
                        caption #roster-caption { (lang.t("roster.title")) }
                        thead { tr {
                            th scope="col" { span.visually-hidden { (lang.t("roster.select")) } }
                            th scope="col" { (lang.t("registration.full_name")) }
                            th scope="col" { (lang.t("registration.institution")) }
                            th scope="col" { (lang.t("roster.region")) }
                            th scope="col" { (lang.t("roster.status")) }
                        } }
                        // Light rows, the page's weight being theirs: a box
                        // named by its label (the name), ids by place, the
                        // province only when the list mixes them.
                        tbody {
                            @for (n, row) in page.rows.iter().enumerate() {
                                tr {
                                    td { input type="checkbox" name="ids" value=(row.id) id={ "r" (n) }; }
                                    td { label for={ "r" (n) } { (row.full_name) } br; small { (row.email) " · " (row.whatsapp) } }
                                    td { (row.institution) br; small { (row.position) } }
                                    td {
                                        (region(&row.regency_code))
                                        @if query.province.trim().is_empty() { br; small { (region(&row.province_code)) } }
                                    }
                                    td { (lang.label(row.status)) }
                                }
                            }
                        }
                    }
                }
                (select(lang, "decision", lang.t("roster.decision.label"), &decisions, "", &Errors::none()))
                button type="submit" { (lang.t("roster.decide")) }
            }
            nav.pages aria-label=(lang.t("roster.pages")) {
                @if list.number > 0 {
                    a rel="prev" href={ (base) "?" (query.query_string(list.number - 1)) } { "← " (lang.t("roster.previous")) }
                    " "
                }
                @if list.number + 1 < pages {
                    a rel="next" href={ (base) "?" (query.query_string(list.number + 1)) } { (lang.t("roster.next")) " →" }
                }
            }
            (upload_form(ctx, event, &Errors::none()))
        },
    )
}

fn upload_form(ctx: &PageContext, event: &Event, errors: &Errors<'_>) -> Markup {
    let lang = ctx.lang;
    let error = errors.take("file", lang.t("import.file"));
    html! {
        section aria-labelledby="import" {
            h2 #import { (lang.t("import.title")) }
            p #f-file-hint { (lang.t("import.hint")) }
            form method="post" action={ "/manage/events/" (event.slug) "/registrations/import" } enctype="multipart/form-data" {
                (csrf(ctx))
                div.field.invalid[error.is_some()] {
                    label for="f-file" { (lang.t("import.file")) }
                    input #f-file type="file" name="file" accept=".csv,.xlsx" required
                        aria-describedby=(if error.is_some() { "f-file-hint f-file-error" } else { "f-file-hint" });
                    @if let Some(error) = error { p.error #f-file-error { (super::forms::message(lang, error)) } }
                }
                button type="submit" { (lang.t("import.preview")) }
            }
        }
    }
}

pub fn upload_failed(ctx: &PageContext, event: &Event, errors: &[FieldError]) -> Markup {
    let lang = ctx.lang;
    let form_errors = errors;
    let errors = &Errors::new(form_errors);
    layout::page(
        ctx,
        &forms::title(lang, form_errors, lang.t("import.title")),
        html! {
            (back_link(lang, event))
            h1 { (lang.t("import.title")) }
            (summarised(lang, errors, upload_form(ctx, event, errors)))
        },
    )
}

/// How many of the rows about to be imported the preview lists.
const READY_SHOWN: usize = 20;

/// What would be imported and what not, row by row; nothing happens until
/// the organiser confirms.
pub fn preview(ctx: &PageContext, event: &Event, preview: &Preview) -> Markup {
    let lang = ctx.lang;
    let valid = preview.valid();
    let (ready, invalid): (Vec<&ImportLine>, Vec<&ImportLine>) =
        preview.lines.iter().partition(|l| l.errors.is_empty());
    layout::page(
        ctx,
        lang.t("import.title"),
        html! {
            p.back { a href={ "/manage/events/" (event.slug) "/registrations" } { "← " (lang.t("roster.title")) } }
            h1 { (lang.t("import.title")) ": " (preview.filename) }
            p { (lang.tf("import.summary", &[("valid", &valid), ("invalid", &invalid.len())])) }
            @if preview.imported {
                p.notice { (lang.t("import.error.done")) }
            } @else if valid > 0 {
                (forms::post_button(ctx, &format!("/manage/events/{}/registrations/import/{}", event.slug, preview.id), &lang.tf("import.confirm", &[("n", &valid)]), &[], forms::Look::Primary))
            }
            @if !invalid.is_empty() {
                (import_table(lang, "import-errors", lang.t("import.rows_with_errors"), &invalid[..invalid.len().min(500)], true))
            }
            @if !ready.is_empty() && !preview.imported {
                (import_table(lang, "import-ready", lang.t("import.rows_ready"), &ready[..ready.len().min(READY_SHOWN)], false))
                @if ready.len() > READY_SHOWN {
                    p { (lang.tf("import.first_of", &[("shown", &READY_SHOWN), ("n", &ready.len())])) }
                }
            }
        },
    )
}

/// Rows of an import under a heading: who they are and, for rows with
/// problems, each problem with the value as written in the file (beside
/// the row's number, so that a phone shows them before scrolling).
fn import_table(
    lang: crate::i18n::Lang,
    id: &str,
    heading: &str,
    lines: &[&ImportLine],
    problems: bool,
) -> Markup {
    let field = |line: &ImportLine, name: &str| line.fields.get(name).cloned().unwrap_or_default();
    html! {
        h2 id=(id) { (heading) }
        div.table tabindex="0" role="region" aria-labelledby=(id) {
            table {
                thead { tr {
                    th scope="col" { (lang.t("import.row")) }
                    @if problems { th scope="col" { (lang.t("import.problems")) } }
                    th scope="col" { (lang.t("registration.full_name")) }
                    th scope="col" { (lang.t("registration.email")) }
                    @if !problems { th scope="col" { (lang.t("registration.institution")) } }
                } }
                tbody {
                    @for line in lines {
                        tr {
                            td { (line.row) }
                            @if problems {
                                td { ul { @for (name, message) in &line.errors {
                                    li {
                                        strong { (field_label(lang, name)) } ": " (lang.t(message))
                                        @let written = field(line, name);
                                        @if !written.is_empty() {
                                            " " (lang.t("import.written")) " " q { (written) }
                                        }
                                    }
                                } } }
                            }
                            td { (field(line, "full_name")) }
                            td { (field(line, "email")) }
                            @if !problems { td { (field(line, "institution")) } }
                        }
                    }
                }
            }
        }
    }
}

pub fn questions(
    ctx: &PageContext,
    event: &Event,
    list: &[Question],
    form: &QuestionForm,
    errors: &[FieldError],
) -> Markup {
    let lang = ctx.lang;
    let kinds: Vec<(String, String)> = ["text", "choice", "yes_no"]
        .iter()
        .map(|k| {
            (
                (*k).to_owned(),
                lang.t(&format!("questions.kind.{k}")).to_owned(),
            )
        })
        .collect();
    let form_errors = errors;
    let errors = &Errors::new(form_errors);
    layout::page(
        ctx,
        &forms::title(lang, form_errors, lang.t("questions.title")),
        html! {
            (back_link(lang, event))
            h1 { (lang.t("questions.title")) }
            p { (lang.t("questions.intro")) }
            @if list.is_empty() {
                p { (lang.t("questions.none")) }
            } @else {
                ol {
                    @for question in list {
                        li {
                            (question.label)
                            " (" (lang.t(&format!("questions.kind.{}", question.kind.as_str())))
                            @if question.required { ", " (lang.t("questions.required")) }
                            ")"
                            @if let Kind::Choice(choices) = &question.kind { br; small { (choices.join(" · ")) } }
                            " "
                            a href={ "/manage/events/" (event.slug) "/questions/" (question.id) "/delete" } {
                                (lang.t("questions.remove")) span.visually-hidden { ": " (question.label) }
                            }
                        }
                    }
                }
            }
            h2 { (lang.t("questions.add")) }
            (summarised(lang, errors, html! { form method="post" action={ "/manage/events/" (event.slug) "/questions" } novalidate {
                (csrf(ctx))
                (input(lang, Field::new("label", lang.t("questions.label"), "text", &form.label), errors))
                (select(lang, "kind", lang.t("questions.kind_label"), &kinds, &form.kind, errors))
                (forms::textarea(lang, "choices", lang.t("questions.choices"), &form.choices, Some(lang.t("questions.choices_hint")), errors))
                (forms::checkbox(lang, "required", lang.t("questions.required_label"), form.required.is_some(), None, errors))
                button type="submit" { (lang.t("questions.add")) }
            } }))
        },
    )
}

pub fn remove_question(ctx: &PageContext, event: &Event, question: &Question) -> Markup {
    let lang = ctx.lang;
    let back = format!("/manage/events/{}/questions", event.slug);
    layout::page(
        ctx,
        lang.t("questions.remove_title"),
        html! {
            h1 { (lang.t("questions.remove_title")) }
            p { strong { (question.label) } }
            p { (lang.t("questions.remove_body")) }
            (forms::post_button(ctx, &format!("{back}/{}/delete", question.id), lang.t("questions.remove_confirm"), &[], forms::Look::Danger))
            p { a href=(back) { (lang.t("questions.keep")) } }
        },
    )
}

/// The form's label of a field named in an import's messages.
fn field_label(lang: crate::i18n::Lang, name: &str) -> &'static str {
    let key = match name {
        "province_code" => "registration.province",
        "regency_code" => "registration.regency",
        "full_name" | "email" | "whatsapp" | "nip" | "institution" | "position"
        | "library_type" | "gender" | "disability" => {
            return lang.t(&format!("registration.{name}"));
        }
        _ => "import.question",
    };
    lang.t(key)
}
