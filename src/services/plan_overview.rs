//! The organisers' overview of an event's action plans: counts by state,
//! strategy and region, counted by the database; pages of the plans the
//! filters keep; the same plans as spreadsheets and as printed documents.

use std::sync::Arc;

use crate::db::repo::action_plans as repo;
use crate::db::repo::registrations;
use crate::db::{Db, DbConnection};
use crate::domain::account::Account;
use crate::domain::action_plan::review::Scope;
use crate::domain::action_plan::{Filter, State, Strategy};
use crate::domain::event::Event;
use crate::domain::region::Directory;
use crate::error::Error;
use crate::export::spreadsheet::{self, Format, Table};
use crate::i18n::Lang;
use crate::services::action_plans::{self, Listed};

/// Plans on one page of the overview, as many as the registration list's.
pub const PAGE_SIZE: i64 = 20;

/// What the overview shows of the plans the filters keep.
pub struct Overview {
    /// This page's plans, by participant's name.
    pub rows: Vec<Listed>,
    pub matching: i64,
    pub by_state: Vec<(State, i64)>,
    pub late: i64,
    pub by_strategy: Vec<(Strategy, i64)>,
    /// By province code.
    pub by_province: Vec<(String, i64)>,
    /// The province whose regencies are counted: the one filtered on,
    /// else the one most plans come from.
    pub open_province: Option<String>,
    pub by_regency: Vec<(String, i64)>,
    /// The event's participants with a seat and no plan saved yet; told
    /// to organisers, not to a reviewer, who sees some plans only.
    pub without_plan: Option<i64>,
    pub regions: Arc<Directory>,
}

/// What the overview shows of the plans `scope` admits and `filter` keeps.
pub async fn overview(
    db: &Db,
    (event, scope): (&Event, &Scope),
    filter: Filter,
    page: i64,
) -> Result<Overview, Error> {
    let (event_id, scope) = (event.id.to_string(), scope.clone());
    let regions = crate::services::regions::directory(db).await?;
    db.run(move |conn| {
        let plans = (event_id.as_str(), &scope);
        let by_province = repo::counts_by_province(conn, plans, &filter)?;
        let largest = by_province
            .iter()
            .max_by_key(|(code, n)| (*n, std::cmp::Reverse(code.clone())))
            .map(|(code, _)| code.clone());
        let open_province = filter.province_code.clone().or(largest);
        let by_regency = match &open_province {
            Some(code) => repo::counts_by_regency(conn, plans, &filter, code)?,
            None => Vec::new(),
        };
        Ok(Overview {
            rows: repo::page(conn, plans, &filter, page.max(0) * PAGE_SIZE, PAGE_SIZE)?
                .into_iter()
                .map(Listed::of)
                .collect(),
            matching: repo::count(conn, plans, &filter)?,
            by_state: repo::counts_by_state(conn, plans, &filter)?,
            late: repo::count_late(conn, plans, &filter)?,
            by_strategy: repo::counts_by_strategy(conn, plans, &filter)?,
            by_province,
            open_province,
            by_regency,
            without_plan: match scope {
                Scope::All => Some(repo::count_seats_without_plan(conn, &event_id)?),
                Scope::Reviewer(_) => None,
            },
            regions,
        })
    })
    .await
}

/// Every plan the scope admits and the filter keeps, by participant's name.
fn all(
    conn: &mut DbConnection,
    plans: (&str, &Scope),
    filter: &Filter,
) -> Result<Vec<Listed>, Error> {
    let total = repo::count(conn, plans, filter)?;
    Ok(repo::page(conn, plans, filter, 0, total.max(1))?
        .into_iter()
        .map(Listed::of)
        .collect())
}

/// The plans the scope admits and the filter keeps, for a document
/// printing them all.
pub async fn printable(
    db: &Db,
    (event, scope): (&Event, &Scope),
    filter: Filter,
) -> Result<(Vec<Listed>, Arc<Directory>), Error> {
    let (event_id, scope) = (event.id.to_string(), scope.clone());
    let regions = crate::services::regions::directory(db).await?;
    let plans = db
        .run(move |conn| all(conn, (&event_id, &scope), &filter))
        .await?;
    Ok((plans, regions))
}

/// The participant's own plan, as their printed document shows it: with
/// their name, institution and region. Not theirs: not found.
pub async fn own_printable(
    db: &Db,
    account: &Account,
    registration_id: &str,
) -> Result<(Event, Listed, Arc<Directory>), Error> {
    let (event, plan) = action_plans::own(db, account, registration_id).await?;
    let id = registration_id.to_owned();
    let registration = db
        .run(move |conn| Ok::<_, Error>(registrations::find(conn, &id)?))
        .await?
        .ok_or(Error::NotFound)?;
    let listed = Listed {
        plan,
        participant: registration.full_name,
        institution: registration.institution,
        province_code: registration.province_code,
        regency_code: registration.regency_code,
    };
    Ok((
        event,
        listed,
        crate::services::regions::directory(db).await?,
    ))
}

/// What an export holds: the plans, a row each, or their activities.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    Plans,
    Activities,
}

/// The plans the scope admits and the filter keeps as a spreadsheet in
/// the reader's language: a CSV of one part, or a workbook with both as
/// sheets.
pub async fn export(
    db: &Db,
    (event, scope): (&Event, &Scope),
    filter: Filter,
    (format, part): (Format, Part),
    lang: Lang,
) -> Result<Vec<u8>, Error> {
    let (plans, regions) = printable(db, (event, scope), filter).await?;
    let event = event.clone();
    tokio::task::spawn_blocking(move || {
        let plans_table = || plans_table(&event, &plans, &regions, lang);
        let activities_table = || activities_table(&plans, lang);
        match (format, part) {
            (Format::Csv, Part::Plans) => spreadsheet::write(&plans_table(), format),
            (Format::Csv, Part::Activities) => spreadsheet::write(&activities_table(), format),
            (Format::Xlsx, _) => spreadsheet::write_workbook(&[
                (lang.t("plan.export.plans_sheet"), &plans_table()),
                (lang.t("plan.export.activities_sheet"), &activities_table()),
            ]),
        }
    })
    .await
    .map_err(|e| Error::Internal(e.to_string()))
}

fn region_name(regions: &Directory, code: &str) -> String {
    regions
        .find(code)
        .map_or(code, |r| r.name.as_str())
        .to_owned()
}

fn plans_table(event: &Event, plans: &[Listed], regions: &Directory, lang: Lang) -> Table {
    let header = [
        "plan.participant",
        "registration.institution",
        "registration.province",
        "registration.regency",
        "plan.state_label",
        "plan.late",
        "plan.export.version",
        "plan.submitted",
        "plan.field.title",
        "plan.field.situation",
        "plan.field.objectives",
        "plan.field.target_group",
        "plan.field.strategies",
        "plan.field.indicators",
        "plan.export.activities",
    ]
    .map(|key| lang.t(key).to_owned())
    .to_vec();
    let rows = plans
        .iter()
        .map(|listed| {
            let (plan, content) = (&listed.plan, &listed.plan.content);
            let strategies: Vec<&str> = content.strategies.iter().map(|s| lang.label(*s)).collect();
            vec![
                listed.participant.clone(),
                listed.institution.clone(),
                region_name(regions, &listed.province_code),
                region_name(regions, &listed.regency_code),
                lang.label(plan.state).to_owned(),
                lang.t(if plan.late {
                    "plan.export.yes"
                } else {
                    "plan.export.no"
                })
                .to_owned(),
                plan.version.to_string(),
                plan.submitted_at.map_or_else(String::new, |at| {
                    at.with_timezone(&event.time_zone)
                        .format("%Y-%m-%d %H:%M")
                        .to_string()
                }),
                content.title.clone(),
                content.situation.clone(),
                content.objectives.clone(),
                content.target_group.clone(),
                strategies.join("; "),
                content.indicators.clone(),
                content.activities.len().to_string(),
            ]
        })
        .collect();
    Table { header, rows }
}

fn activities_table(plans: &[Listed], lang: Lang) -> Table {
    let header = [
        "plan.participant",
        "registration.institution",
        "plan.field.title",
        "plan.export.number",
        "plan.field.what",
        "plan.field.month",
        "plan.field.responsible",
        "plan.field.resources",
        "plan.field.partner",
    ]
    .map(|key| lang.t(key).to_owned())
    .to_vec();
    let rows = plans
        .iter()
        .flat_map(|listed| {
            listed
                .plan
                .content
                .activities
                .iter()
                .enumerate()
                .map(move |(n, activity)| {
                    vec![
                        listed.participant.clone(),
                        listed.institution.clone(),
                        listed.plan.content.title.clone(),
                        (n + 1).to_string(),
                        activity.what.clone(),
                        activity.month.clone(),
                        activity.responsible.clone(),
                        activity.resources.clone(),
                        activity.partner.clone(),
                    ]
                })
        })
        .collect();
    Table { header, rows }
}
