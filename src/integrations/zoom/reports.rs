//! Zoom's participant reports: the runs (instances) of a meeting, and for
//! each run one row per join, with the registrant id bimtek gave the person
//! (SPEC.md §4.1). The report is the source of truth on who attended.

use chrono::{DateTime, Utc};
use reqwest::Method;
use serde::Deserialize;

use super::error::ZoomError;
use super::{Zoom, text_or_empty};

/// The largest page the report endpoint gives.
const PAGE_SIZE: &str = "300";

/// Zoom's code for a meeting it does not know (or not yet, for a report).
const MEETING_NOT_FOUND: i64 = 3001;

/// One run of a meeting: a meeting started twice (the host dropped and
/// started it again) has two, each with its own report.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct Instance {
    pub uuid: String,
    #[serde(default, deserialize_with = "time_or_none")]
    pub start_time: Option<DateTime<Utc>>,
}

/// One join of one person in one run, as the report gives it. Text fields
/// Zoom leaves out or sends as `null` read as "".
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct Participant {
    /// The Zoom user id of a signed-in person; "" otherwise.
    #[serde(default, deserialize_with = "text_or_empty")]
    pub id: String,
    /// The per-join id: new on every reconnection, so never an identity.
    #[serde(default, deserialize_with = "text_or_empty")]
    pub user_id: String,
    #[serde(default, deserialize_with = "text_or_empty")]
    pub name: String,
    #[serde(default, deserialize_with = "text_or_empty")]
    pub user_email: String,
    /// Only present because bimtek asks for it (`include_fields`).
    #[serde(default, deserialize_with = "text_or_empty")]
    pub registrant_id: String,
    #[serde(default, deserialize_with = "time_or_none")]
    pub join_time: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "time_or_none")]
    pub leave_time: Option<DateTime<Utc>>,
    /// `in_meeting` or `in_waiting_room`.
    #[serde(default, deserialize_with = "text_or_empty")]
    pub status: String,
}

impl Participant {
    /// Waiting to be let in is not attending.
    pub fn in_waiting_room(&self) -> bool {
        self.status == "in_waiting_room"
    }
}

impl Zoom {
    /// The ended runs of meeting `meeting_id`. Right after a meeting ends
    /// Zoom may not list it yet: an empty list is [`ZoomError::NotReady`]
    /// (a meeting held at all has a run), as is 404/3001.
    pub async fn past_instances(&self, meeting_id: i64) -> Result<Vec<Instance>, ZoomError> {
        #[derive(Deserialize)]
        struct List {
            #[serde(default)]
            meetings: Vec<Instance>,
        }
        let url = self.url(&["past_meetings", &meeting_id.to_string(), "instances"]);
        let list: List = self
            .send_for_json(Method::GET, url, None)
            .await
            .map_err(not_found_is_not_ready)?;
        if list.meetings.is_empty() {
            return Err(ZoomError::NotReady(format!(
                "Zoom lists no ended run of meeting {meeting_id} yet"
            )));
        }
        Ok(list.meetings)
    }

    /// Every row of the report of the run `uuid`, all pages read (each up
    /// to 300 rows, one right after the other, well within the 15 minutes
    /// Zoom keeps a page token) before anything is returned: rows are
    /// merged only once the whole report is in.
    pub async fn participant_report(&self, uuid: &str) -> Result<Vec<Participant>, ZoomError> {
        #[derive(Deserialize)]
        struct Page {
            #[serde(default)]
            participants: Vec<Participant>,
            #[serde(default, deserialize_with = "text_or_empty")]
            next_page_token: String,
        }
        let segment = path_segment(uuid);
        let mut all = Vec::new();
        let mut next_page_token = String::new();
        loop {
            let mut url = self.url(&["report", "meetings", &segment, "participants"]);
            url.query_pairs_mut()
                .append_pair("page_size", PAGE_SIZE)
                .append_pair("include_fields", "registrant_id");
            if !next_page_token.is_empty() {
                url.query_pairs_mut()
                    .append_pair("next_page_token", &next_page_token);
            }
            let page: Page = self
                .send_for_json(Method::GET, url, None)
                .await
                .map_err(not_found_is_not_ready)?;
            all.extend(page.participants);
            // The last page has an empty token.
            if page.next_page_token.is_empty() {
                return Ok(all);
            }
            next_page_token = page.next_page_token;
        }
    }
}

/// On the report endpoints 404/3001 means "not yet": Zoom makes the report
/// some time after the meeting ends.
fn not_found_is_not_ready(error: ZoomError) -> ZoomError {
    match error {
        ZoomError::Rejected {
            code: Some(MEETING_NOT_FOUND),
            message,
            ..
        } => ZoomError::NotReady(message),
        other => other,
    }
}

/// A meeting UUID as it goes in a path: Zoom wants one that begins with
/// `/` or holds `//` percent-encoded twice (once here, once by the URL's
/// own encoding of the segment), any other once (SPEC.md §0).
pub fn path_segment(uuid: &str) -> String {
    if uuid.starts_with('/') || uuid.contains("//") {
        url::form_urlencoded::byte_serialize(uuid.as_bytes()).collect()
    } else {
        uuid.to_owned()
    }
}

/// Zoom's times are UTC with a `Z`; one that is missing, empty or garbled
/// reads as unknown rather than failing the whole report.
fn time_or_none<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    let text = Option::<String>::deserialize(d)?.unwrap_or_default();
    Ok(DateTime::parse_from_rfc3339(text.trim())
        .ok()
        .map(|at| at.with_timezone(&Utc)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn uuids_with_a_leading_or_double_slash_are_encoded_twice() {
        let url = url::Url::parse("https://api.zoom.us/v2").unwrap();
        let path = |uuid: &str| {
            let mut url = url.clone();
            url.path_segments_mut()
                .unwrap()
                .extend(["report", "meetings", &path_segment(uuid)]);
            url.path().to_owned()
        };
        assert_eq!(
            path("/ajXp112QmuoKj4854875=="),
            "/v2/report/meetings/%252FajXp112QmuoKj4854875%253D%253D"
        );
        assert_eq!(
            path("ab//c+d=="),
            "/v2/report/meetings/ab%252F%252Fc%252Bd%253D%253D"
        );
        assert_eq!(
            path("4444AAAiAAAAAiAiAiiAii=="),
            "/v2/report/meetings/4444AAAiAAAAAiAiAiiAii=="
        );
        // A lone slash inside is encoded once, like any other character.
        assert_eq!(path("ab/cd=="), "/v2/report/meetings/ab%2Fcd==");
    }

    #[test]
    fn a_report_row_reads_with_fields_missing_or_null() {
        let row: Participant = serde_json::from_value(json!({
            "id": "", "user_id": "16778240", "name": "Budi", "user_email": null,
            "join_time": "2020-07-27T02:00:05Z", "leave_time": "",
            "duration": 259, "status": "in_meeting", "failover": false
        }))
        .unwrap();
        assert_eq!(row.user_email, "");
        assert_eq!(row.registrant_id, "");
        assert_eq!(
            row.join_time,
            Some(
                DateTime::parse_from_rfc3339("2020-07-27T02:00:05Z")
                    .unwrap()
                    .to_utc()
            )
        );
        assert_eq!(row.leave_time, None);
        assert!(!row.in_waiting_room());
    }
}
