//! Who reported for a follow-up: the organisers' counts by region, lists
//! and the export of the reports, one row per activity reported.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::db::Db;
use crate::db::models::{FollowUpReportRow, RegistrationRow};
use crate::db::repo::follow_ups as repo;
use crate::domain::action_plan::Content;
use crate::domain::action_plan::follow_up::Report;
use crate::domain::event::Event;
use crate::domain::region::Directory;
use crate::error::Error;
use crate::export::spreadsheet::{self, Format, Table};
use crate::i18n::Lang;

/// A participant asked for a report, and theirs if they wrote one.
#[derive(Clone, Debug)]
pub struct Asked {
    pub registration: RegistrationRow,
    pub plan: Content,
    /// Its id, when a report was started.
    pub report_id: Option<String>,
    /// Set once the report was sent.
    pub submitted_at: Option<DateTime<Utc>>,
    pub report: Report,
}

/// A follow-up's participants, by name.
#[derive(Clone, Debug)]
pub struct Overview {
    pub due_at: DateTime<Utc>,
    pub asked: Vec<Asked>,
}

/// Participants asked and reports sent in one regency.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegionTally {
    pub province_code: String,
    pub regency_code: String,
    pub asked: usize,
    pub reported: usize,
}

impl Overview {
    /// By province then regency code.
    pub fn by_region(&self) -> Vec<RegionTally> {
        let mut tallies: Vec<RegionTally> = Vec::new();
        for asked in &self.asked {
            let r = &asked.registration;
            let at = match tallies.iter().position(|t| {
                t.province_code == r.province_code && t.regency_code == r.regency_code
            }) {
                Some(at) => at,
                None => {
                    tallies.push(RegionTally {
                        province_code: r.province_code.clone(),
                        regency_code: r.regency_code.clone(),
                        asked: 0,
                        reported: 0,
                    });
                    tallies.len() - 1
                }
            };
            tallies[at].asked += 1;
            tallies[at].reported += usize::from(asked.submitted_at.is_some());
        }
        tallies.sort_by(|a, b| {
            (&a.province_code, &a.regency_code).cmp(&(&b.province_code, &b.regency_code))
        });
        tallies
    }
}

fn content_of<T: serde::de::DeserializeOwned + Default>(json: &str) -> T {
    serde_json::from_str(json).unwrap_or_default()
}

/// One follow-up of the event: everyone whose plan was accepted and
/// holds a seat, with their report.
pub async fn overview(db: &Db, event: &Event, follow_up_id: &str) -> Result<Overview, Error> {
    let (event_id, follow_up_id) = (event.id.to_string(), follow_up_id.to_owned());
    db.run(move |conn| {
        let follow_up = repo::find(conn, &follow_up_id)?
            .filter(|f| f.event_id == event_id)
            .ok_or(Error::NotFound)?;
        let mut reports: HashMap<String, FollowUpReportRow> =
            repo::reports_of(conn, &follow_up.id)?
                .into_iter()
                .map(|r| (r.plan_id.clone(), r))
                .collect();
        let asked = repo::accepted_plans(conn, &event_id)?
            .into_iter()
            .map(|(plan, registration)| {
                let report = reports.remove(&plan.id);
                Asked {
                    registration,
                    plan: content_of(&plan.content),
                    report_id: report.as_ref().map(|r| r.id.clone()),
                    submitted_at: report
                        .as_ref()
                        .and_then(|r| r.submitted_at)
                        .map(|at| at.and_utc()),
                    report: report.map_or_else(Report::default, |r| content_of(&r.content)),
                }
            })
            .collect();
        Ok(Overview {
            due_at: follow_up.due_at.and_utc(),
            asked,
        })
    })
    .await
}

/// The sent reports as a spreadsheet in the organiser's language: one row
/// per activity reported, with its participant and plan.
pub async fn export(
    db: &Db,
    event: &Event,
    follow_up_id: &str,
    (format, lang): (Format, Lang),
    regions: &Directory,
) -> Result<Vec<u8>, Error> {
    let overview = overview(db, event, follow_up_id).await?;
    let evidence = evidence_names(db, &overview).await?;
    let table = export_table(&overview, &evidence, regions, event, lang);
    tokio::task::spawn_blocking(move || spreadsheet::write(&table, format))
        .await
        .map_err(|e| Error::Internal(e.to_string()))
}

/// The evidence files' names of each sent report, by report id.
async fn evidence_names(db: &Db, overview: &Overview) -> Result<HashMap<String, String>, Error> {
    let ids: Vec<String> = overview
        .asked
        .iter()
        .filter(|a| a.submitted_at.is_some())
        .filter_map(|a| a.report_id.clone())
        .collect();
    db.run(move |conn| {
        let mut names = HashMap::new();
        for id in ids {
            let files: Vec<String> = repo::evidence_of(conn, &id)?
                .into_iter()
                .map(|e| e.name)
                .collect();
            names.insert(id, files.join(", "));
        }
        Ok(names)
    })
    .await
}

fn export_table(
    overview: &Overview,
    evidence: &HashMap<String, String>,
    regions: &Directory,
    event: &Event,
    lang: Lang,
) -> Table {
    let t = |key: &str| lang.t(&format!("follow_up.export.{key}")).to_owned();
    let header = [
        "participant",
        "email",
        "institution",
        "province",
        "regency",
        "plan",
        "activity",
        "month",
        "progress",
        "realised_on",
        "obstacles",
        "solution",
        "evidence",
        "reported_at",
    ]
    .map(t)
    .to_vec();
    let region = |code: &str| {
        regions
            .find(code)
            .map_or(code, |r| r.name.as_str())
            .to_owned()
    };
    let mut rows = Vec::new();
    for asked in &overview.asked {
        let (Some(at), Some(id)) = (asked.submitted_at, &asked.report_id) else {
            continue;
        };
        let r = &asked.registration;
        let sent = at
            .with_timezone(&event.time_zone)
            .format("%Y-%m-%d %H:%M")
            .to_string();
        for (planned, activity) in asked.plan.activities.iter().zip(&asked.report.activities) {
            rows.push(vec![
                r.full_name.clone(),
                r.email.clone(),
                r.institution.clone(),
                region(&r.province_code),
                region(&r.regency_code),
                asked.plan.title.clone(),
                planned.what.clone(),
                planned.month.clone(),
                activity
                    .progress
                    .map_or_else(String::new, |p| lang.label(p).to_owned()),
                activity.realised_on.clone(),
                activity.obstacles.clone(),
                activity.solution.clone(),
                evidence.get(id).cloned().unwrap_or_default(),
                sent.clone(),
            ]);
        }
    }
    Table { header, rows }
}
