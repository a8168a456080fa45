//! Action plans (RTL): the participant's form and read-only page, and the
//! organisers' list and reading of an event's plans.

use maud::{Markup, html};

use super::forms::{self, Errors, Field, input, summarised, textarea_marked};
use super::plan_reviews::{self as review, comment};
use super::{format, layout};
use crate::domain::action_plan::review::{Comments, Section};
use crate::domain::action_plan::{
    Activity, Content, LateRule, State, Strategy, activity_field_name, parse_month, strategy_name,
};
use crate::domain::event::{Event, FieldError};
use crate::i18n::Lang;
use crate::services::action_plans::{Listed, Plan, Version};
use crate::services::follow_up_reports::Due;
use crate::services::plan_reviews::Reviewer;
use crate::web::extract::PageContext;

/// The participant's plan: where it stands, and the form while it is
/// theirs to change, else what was submitted.
pub fn participant_page(
    ctx: &PageContext,
    event: &Event,
    plan: &Plan,
    errors: &[FieldError],
    saved: bool,
    follow_ups: &[Due],
) -> Markup {
    let lang = ctx.lang;
    let address = format!("/my/registrations/{}/plan", plan.registration_id);
    layout::page(
        ctx,
        &forms::title(lang, errors, lang.t("plan.title")),
        html! {
            p.back { a href="/my" { (lang.t("my.title")) } }
            h1 { (lang.t("plan.title")) }
            p lang=[format::authored(lang)] { (event.title) }
            (standing(lang, event, plan))
            (super::follow_up_reports::dues(lang, event, &plan.registration_id, follow_ups))
            @if plan.id.is_some() { p.no-print { a href={ (address) "/print" } { (lang.t("plan.print.link")) } } }
            @if plan.state.editable() {
                @if saved && errors.is_empty() {
                    p.success role="status" { (lang.t("plan.saved")) }
                } @else if !errors.is_empty() {
                    p.notice { (lang.t("plan.saved_with_errors")) }
                }
                (form(ctx, &address, plan, errors))
            } @else {
                (content(lang, &plan.content, plan.attachment.as_ref().map(|a| (format!("{address}/attachment"), a.name.as_str())), current_comments(plan), true))
            }
        },
    )
}

/// The comments of the decision on the plan's current version: what the
/// participant revises, or what came with its acceptance.
fn current_comments(plan: &Plan) -> Option<&Comments> {
    plan.review
        .as_ref()
        .filter(|r| r.version == plan.version)
        .map(|r| &r.comments)
}

/// The state, the deadline and the late rule, in a sentence each; the
/// decision on the current version, if any.
fn standing(lang: Lang, event: &Event, plan: &Plan) -> Markup {
    html! {
        p {
            (lang.t("plan.state_label")) ": " strong { (lang.label(plan.state)) }
            @if plan.late { " · " strong { (lang.t("plan.late")) } }
        }
        @if let Some(at) = plan.submitted_at {
            p { (lang.tf("plan.submitted_at", &[("version", &plan.version), ("at", &format::moment(lang, at, event.time_zone))])) }
        }
        @if plan.state == State::Submitted { p { (lang.t("plan_review.waiting")) } }
        @if let Some(decided) = plan.review.as_ref().filter(|r| r.version == plan.version) {
            (review::outcome(lang, event, decided))
            @if plan.state == State::RevisionAsked { p { (lang.t("plan_review.revise")) } }
        }
        @if let Some(due) = event.plans.due_at {
            @if plan.state.editable() {
                p { (lang.tf("plan.due", &[("at", &format::moment(lang, due, event.time_zone))])) " "
                    (lang.t(match event.plans.late { LateRule::Accept => "plan.late_accepted", LateRule::Refuse => "plan.late_refused" })) }
            }
        }
    }
}

fn form(ctx: &PageContext, address: &str, plan: &Plan, form_errors: &[FieldError]) -> Markup {
    let lang = ctx.lang;
    let t = |key| lang.t(key);
    let errors = &Errors::new(form_errors);
    let content = &plan.content;
    let strategies: Vec<(String, String)> = Strategy::ALL
        .into_iter()
        .map(|s| (strategy_name(s).to_owned(), lang.label(s).to_owned()))
        .collect();
    let chosen: Vec<String> = content
        .strategies
        .iter()
        .map(|s| strategy_name(*s).to_owned())
        .collect();
    let kinds = "PDF, DOCX, XLSX, JPG, PNG";
    let said = current_comments(plan);
    let note = |section| comment(lang, said, section);
    summarised(
        lang,
        errors,
        html! {
            (forms::upload_form(ctx, address, html! {
                // First, so that Enter in a field saves rather than
                // pressing a row's button.
                p { button.secondary type="submit" name="action" value="save" { (t("plan.save")) } }
                (note(Section::Title))
                (input(lang, Field::new("title", t("plan.field.title"), "text", &content.title), errors))
                (note(Section::Situation))
                (textarea_marked(lang, ("situation", t("plan.field.situation"), true), &content.situation, Some(t("plan.hint.situation")), errors))
                (note(Section::Objectives))
                (textarea_marked(lang, ("objectives", t("plan.field.objectives"), true), &content.objectives, None, errors))
                (note(Section::TargetGroup))
                (textarea_marked(lang, ("target_group", t("plan.field.target_group"), true), &content.target_group, Some(t("plan.hint.target_group")), errors))
                (note(Section::Strategies))
                (forms::checkboxes(lang, "strategy", t("plan.field.strategies"), &strategies, &chosen, errors))
                (note(Section::Activities))
                (activities(lang, &content.activities, errors))
                (note(Section::Indicators))
                (textarea_marked(lang, ("indicators", t("plan.field.indicators"), true), &content.indicators, Some(t("plan.hint.indicators")), errors))
                (note(Section::Attachment))
                (attachment_field(lang, address, plan, kinds, errors))
                p.hint { (t("plan.submit_hint")) }
                button.secondary type="submit" name="action" value="save" { (t("plan.save")) }
                " "
                button type="submit" name="action" value="submit" { (t("plan.submit")) }
            }))
        },
    )
}

fn activities(lang: Lang, rows: &[Activity], errors: &Errors<'_>) -> Markup {
    let t = |key| lang.t(key);
    let legend = t("plan.field.activities");
    let error = errors.take("activities", legend);
    html! {
        fieldset.field #activities aria-describedby=[error.map(|_| "f-activities-error")] {
            legend { (legend) }
            p.hint { (t("plan.hint.activities")) }
            @for (row, activity) in rows.iter().enumerate() {
                @let number = row + 1;
                @let heading = lang.tf("plan.activity", &[("n", &number)]);
                @let names = ["what", "month", "responsible", "resources", "partner"].map(|c| activity_field_name(row, c));
                @let summary = |key: &str| format!("{heading} – {}", lang.t(key));
                @let summaries = [summary("plan.field.what"), summary("plan.field.month"), summary("plan.field.responsible"), summary("plan.field.resources"), summary("plan.field.partner")];
                // A month a browser without a month field let through as
                // text stays text, so it comes back as typed.
                @let month_kind = if activity.month.is_empty() || parse_month(&activity.month).is_some() { "month" } else { "text" };
                fieldset.activity #{ "activity-" (row) } {
                    legend { (heading) }
                    (input(lang, Field::new(&names[0], t("plan.field.what"), "text", &activity.what).summary_label(&summaries[0]), errors))
                    (input(lang, Field::new(&names[1], t("plan.field.month"), month_kind, &activity.month).hint(t("plan.hint.month")).summary_label(&summaries[1]), errors))
                    (input(lang, Field::new(&names[2], t("plan.field.responsible"), "text", &activity.responsible).summary_label(&summaries[2]), errors))
                    (input(lang, Field::new(&names[3], t("plan.field.resources"), "text", &activity.resources).optional().summary_label(&summaries[3]), errors))
                    (input(lang, Field::new(&names[4], t("plan.field.partner"), "text", &activity.partner).optional().summary_label(&summaries[4]), errors))
                    button.secondary.danger type="submit" name="remove_row" value=(row) { (lang.tf("plan.remove_row", &[("n", &number)])) }
                }
            }
            @if let Some(error) = error { p.error #f-activities-error { (forms::message(lang, error)) } }
            button.secondary type="submit" name="add_row" value="1" { (t("plan.add_row")) }
        }
    }
}

fn attachment_field(
    lang: Lang,
    address: &str,
    plan: &Plan,
    kinds: &str,
    errors: &Errors<'_>,
) -> Markup {
    let label = lang.t("plan.field.attachment");
    let error = errors.take("attachment", label);
    let hint = lang.tf(
        "plan.hint.attachment",
        &[("kinds", &kinds), ("limit", &"10 MB")],
    );
    html! {
        div.field.invalid[error.is_some()] {
            label for="f-attachment" { (label) " " span.optional { (lang.t("form.optional")) } }
            @if let Some(file) = &plan.attachment {
                p { (lang.t("plan.attached")) ": " a href={ (address) "/attachment" } { (file.name) } }
            }
            p.hint #f-attachment-hint { (hint) }
            input #f-attachment type="file" name="attachment" accept=".pdf,.docx,.xlsx,.jpg,.jpeg,.png"
                aria-invalid=[error.map(|_| "true")]
                aria-describedby={ "f-attachment-hint" @if error.is_some() { " f-attachment-error" } };
            @if let Some(error) = error { p.error #f-attachment-error { (forms::message(lang, error)) } }
        }
    }
}

/// A plan as submitted, read-only, with the reviewer's comment under
/// each section's heading; `attachment`: its address and name. `top`: its
/// parts are the page's sections (h2), else a part's (h3).
pub(super) fn content(
    lang: Lang,
    content: &Content,
    attachment: Option<(String, &str)>,
    comments: Option<&Comments>,
    top: bool,
) -> Markup {
    let t = |key| lang.t(key);
    let heading = |section: Section| {
        html! {
            @if top { h2 { (lang.label(section)) } } @else { h3 { (lang.label(section)) } }
            (comment(lang, comments, section))
        }
    };
    let text = |section: Section, value: &str| {
        html! {
            (heading(section))
            div lang=[format::authored(lang)] { (format::paragraphs(value)) }
        }
    };
    html! {
        article {
            (heading(Section::Title))
            p lang=[format::authored(lang)] { strong { (content.title) } }
            (text(Section::Situation, &content.situation))
            (text(Section::Objectives, &content.objectives))
            (text(Section::TargetGroup, &content.target_group))
            (heading(Section::Strategies))
            ul { @for strategy in &content.strategies { li { (lang.label(*strategy)) } } }
            (heading(Section::Activities))
            div.table tabindex="0" role="region" aria-label=(t("plan.field.activities")) {
                table {
                    thead { tr {
                        th scope="col" { "#" }
                        th scope="col" { (t("plan.field.what")) }
                        th scope="col" { (t("plan.field.month")) }
                        th scope="col" { (t("plan.field.responsible")) }
                        th scope="col" { (t("plan.field.resources")) }
                        th scope="col" { (t("plan.field.partner")) }
                    } }
                    tbody lang=[format::authored(lang)] {
                        @for (row, activity) in content.activities.iter().enumerate() {
                            tr {
                                td { (row + 1) }
                                td { (activity.what) }
                                td { (month(lang, &activity.month)) }
                                td { (activity.responsible) }
                                td { (activity.resources) }
                                td { (activity.partner) }
                            }
                        }
                    }
                }
            }
            (text(Section::Indicators, &content.indicators))
            @if let Some((href, name)) = attachment {
                (heading(Section::Attachment))
                p { a href=(href) { (name) } }
            } @else if comments.and_then(|c| c.on(Section::Attachment)).is_some() {
                (heading(Section::Attachment))
            }
        }
    }
}

/// "September 2026" in the reader's language; anything else as typed.
pub(super) fn month(lang: Lang, raw: &str) -> String {
    parse_month(raw).map_or_else(
        || raw.to_owned(),
        |(year, month)| crate::i18n::dates::month(lang, year, month),
    )
}

pub(super) fn title_or_untitled(lang: Lang, content: &Content) -> &str {
    if content.title.is_empty() {
        lang.t("plan.untitled")
    } else {
        &content.title
    }
}

/// What the plan's page offers its reader beside the plan: the choice of
/// reviewer (organisers only) and the review form as it was left.
pub struct Reviewing<'a> {
    pub reviewers: Option<&'a [Reviewer]>,
    pub draft: review::Draft<'a>,
}

/// One plan, read-only, for the event's organisers and reviewers: its
/// versions and decisions, and the review form while it waits for one.
pub fn organiser_page(
    ctx: &PageContext,
    event: &Event,
    (listed, versions): (&Listed, &[Version]),
    reviewing: &Reviewing<'_>,
) -> Markup {
    let lang = ctx.lang;
    let t = |key| lang.t(key);
    let plan = &listed.plan;
    let list = format!("/manage/events/{}/plans", event.slug);
    let id = plan.id.as_deref().unwrap_or_default();
    let base = format!("{list}/{id}");
    let title = format!("{} · {}", t("plan.title"), listed.participant);
    layout::page(
        ctx,
        &forms::title(lang, reviewing.draft.errors, &title),
        html! {
            p.back { a href=(list) { (t("plan.list_title")) } }
            h1 { (t("plan.title")) ": " (listed.participant) }
            p { (listed.institution) }
            (standing(lang, event, plan))
            @if let Some(reviewers) = reviewing.reviewers {
                (review::assignment(ctx, &format!("{base}/reviewer"), reviewers, plan.reviewer_id.as_deref()))
            }
            (review::versions(lang, event, &base, versions))
            @if plan.state == State::Draft {
                p.notice { (t("plan.organiser_draft")) }
            }
            @if reviewing.draft.not_waiting {
                p.alert role="alert" { (t("plan_review.not_waiting")) }
            }
            p.no-print { a href={ (base) "/print" } { (lang.t("plan.print.link")) } }
            (content(lang, &plan.content, plan.attachment.as_ref().map(|a| (format!("{base}/attachment"), a.name.as_str())), current_comments(plan), true))
            @if plan.state.awaits_review() {
                (review::form(ctx, &format!("{base}/review"), plan.version, &reviewing.draft))
            }
        },
    )
}
