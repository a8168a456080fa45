//! Scheduled meetings, one per session, with registration on so that each
//! participant gets a personal join link.

use chrono::{DateTime, Timelike, Utc};
use chrono_tz::Tz;
use reqwest::Method;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::error::ZoomError;
use super::{Zoom, id_from_number_or_string, text_or_empty};

/// Zoom's documented maximum for `agenda`.
const AGENDA_MAX_CHARS: usize = 2000;
/// Older docs give 200 for `topic`; cutting there costs nothing if the
/// current limit is higher, and avoids a refusal if it is not.
const TOPIC_MAX_CHARS: usize = 200;

/// When a meeting runs. Zoom gets the start in UTC (its docs insist on the
/// `Z`) and the zone only for display and invitations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schedule {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub time_zone: Tz,
}

#[derive(Clone, Debug)]
pub struct NewMeeting {
    /// The Zoom user (e-mail or user id) whose meeting it is.
    pub host: String,
    pub topic: String,
    pub agenda: String,
    pub schedule: Schedule,
    /// E-mail addresses or user ids of Zoom users in the same account who
    /// may start the meeting too.
    pub alternative_hosts: Vec<String>,
}

/// A partial update: only the fields that are `Some` change.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MeetingChanges {
    pub topic: Option<String>,
    pub agenda: Option<String>,
    pub schedule: Option<Schedule>,
    pub alternative_hosts: Option<Vec<String>>,
}

/// A meeting as Zoom describes it.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct Meeting {
    /// More than 10 digits; stored as a 64-bit integer.
    #[serde(deserialize_with = "id_from_number_or_string")]
    pub id: i64,
    /// Per occurrence. Absent from older create answers; `get_meeting`
    /// always has it.
    pub uuid: Option<String>,
    pub host_id: Option<String>,
    pub host_email: Option<String>,
    #[serde(default, deserialize_with = "text_or_empty")]
    pub topic: String,
    pub start_time: Option<DateTime<Utc>>,
    /// Minutes.
    pub duration: Option<u32>,
    pub timezone: Option<String>,
    /// The meeting's link for people who are not registrants (it still
    /// asks them to register).
    #[serde(default, deserialize_with = "text_or_empty")]
    pub join_url: String,
    /// The host's link; expires 2 hours after it is issued: get the meeting
    /// again for a fresh one.
    #[serde(default, deserialize_with = "text_or_empty")]
    pub start_url: String,
    #[serde(default, deserialize_with = "text_or_empty")]
    pub agenda: String,
    #[serde(default)]
    pub settings: MeetingSettings,
    /// The passcode, when the account requires one.
    pub password: Option<String>,
    /// `waiting` or `started`; only from `get_meeting`.
    pub status: Option<String>,
}

/// The settings bimtek reads back.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
pub struct MeetingSettings {
    /// Separated by `;` (older docs: `,`).
    #[serde(default, deserialize_with = "text_or_empty")]
    pub alternative_hosts: String,
}

impl Zoom {
    /// `POST /users/{host}/meetings` for the meeting's host.
    pub async fn create_meeting(&self, meeting: &NewMeeting) -> Result<Meeting, ZoomError> {
        let url = self.url(&["users", &meeting.host, "meetings"]);
        self.send_for_json(Method::POST, url, Some(&meeting.body()))
            .await
    }

    /// The host's scheduled meetings still to come, page by page (listed
    /// meetings carry no `start_url`: get one for that).
    pub async fn upcoming_meetings(&self, host: &str) -> Result<Vec<Meeting>, ZoomError> {
        #[derive(Deserialize)]
        struct Page {
            #[serde(default)]
            meetings: Vec<Meeting>,
            #[serde(default, deserialize_with = "text_or_empty")]
            next_page_token: String,
        }
        let mut all = Vec::new();
        let mut next_page_token = String::new();
        loop {
            let mut url = self.url(&["users", host, "meetings"]);
            url.query_pairs_mut()
                .append_pair("type", "upcoming")
                .append_pair("page_size", "300");
            if !next_page_token.is_empty() {
                url.query_pairs_mut()
                    .append_pair("next_page_token", &next_page_token);
            }
            let page: Page = self.send_for_json(Method::GET, url, None).await?;
            all.extend(page.meetings);
            // The last page has an empty token.
            if page.next_page_token.is_empty() {
                return Ok(all);
            }
            next_page_token = page.next_page_token;
        }
    }

    pub async fn get_meeting(&self, id: i64) -> Result<Meeting, ZoomError> {
        let url = self.url(&["meetings", &id.to_string()]);
        self.send_for_json(Method::GET, url, None).await
    }

    /// `PATCH /meetings/{id}`; Zoom answers 204 without a body.
    pub async fn update_meeting(&self, id: i64, changes: &MeetingChanges) -> Result<(), ZoomError> {
        let url = self.url(&["meetings", &id.to_string()]);
        self.send(Method::PATCH, url, Some(&changes.body()))
            .await
            .map(drop)
    }

    /// Deletes without e-mail from Zoom to the hosts or the registrants
    /// (bimtek tells them itself). A meeting that is already gone counts as
    /// deleted, so that a job deleting it can run twice.
    pub async fn delete_meeting(&self, id: i64) -> Result<(), ZoomError> {
        let mut url = self.url(&["meetings", &id.to_string()]);
        url.query_pairs_mut()
            .append_pair("schedule_for_reminder", "false")
            .append_pair("cancel_meeting_reminder", "false");
        match self.send(Method::DELETE, url, None).await {
            Ok(_) => Ok(()),
            Err(error) if error.is_meeting_not_found() => Ok(()),
            Err(error) => Err(error),
        }
    }
}

impl NewMeeting {
    fn body(&self) -> Value {
        let mut body = Map::new();
        body.insert("type".into(), json!(2));
        body.insert(
            "topic".into(),
            truncate(&self.topic, TOPIC_MAX_CHARS).into(),
        );
        body.insert(
            "agenda".into(),
            truncate(&self.agenda, AGENDA_MAX_CHARS).into(),
        );
        self.schedule.write(&mut body);
        let mut settings = json!({
            // Automatic approval: every registrant gets a join_url at once.
            "approval_type": 0,
            // bimtek sends its own e-mail, in Indonesian, with the link.
            "registrants_confirmation_email": false,
            "registrants_email_notification": false,
            // Registrants come in with personal links; a waiting room
            // would have the host admit hundreds of them one by one, and
            // joining before the host would start a session without its
            // speaker.
            "waiting_room": false,
            "join_before_host": false,
            "mute_upon_entry": true,
            "use_pmi": false,
        });
        if !self.alternative_hosts.is_empty() {
            settings["alternative_hosts"] = self.alternative_hosts.join(";").into();
        }
        body.insert("settings".into(), settings);
        Value::Object(body)
    }
}

impl NewMeeting {
    /// Whether `listed` is this meeting as an earlier create made it: the
    /// same topic at the same second. A host holds one meeting at a time
    /// (bimtek refuses overlapping sessions on one host), so on the host's
    /// account that is this session's meeting.
    pub fn made_as(&self, listed: &Meeting) -> bool {
        listed.topic == truncate(&self.topic, TOPIC_MAX_CHARS)
            && listed.start_time == Some(self.schedule.start_to_the_second())
    }

    /// Whether `current` belongs to this meeting's host, named by e-mail
    /// (in any case) or user id; a meeting that names no host is taken to.
    pub fn same_host(&self, current: &Meeting) -> bool {
        let by_email = current
            .host_email
            .as_deref()
            .map(|email| email.eq_ignore_ascii_case(self.host.trim()));
        let by_id = current.host_id.as_deref().map(|id| id == self.host.trim());
        match (by_email, by_id) {
            (None, None) => true,
            (email, id) => email == Some(true) || id == Some(true),
        }
    }

    /// What must change for `current` to be this meeting: only the fields
    /// that differ, as Zoom keeps them (cut to its limits, hosts in any
    /// order and case). The host is not among them: Zoom does not move a
    /// meeting to another user.
    pub fn changes_from(&self, current: &Meeting) -> MeetingChanges {
        let topic = truncate(&self.topic, TOPIC_MAX_CHARS);
        let agenda = truncate(&self.agenda, AGENDA_MAX_CHARS);
        let same_schedule = current.start_time == Some(self.schedule.start_to_the_second())
            && current.duration.map(i64::from) == Some(self.schedule.minutes())
            && current.timezone.as_deref() == Some(self.schedule.time_zone.name());
        let hosts = |list: &[String]| {
            let mut hosts: Vec<String> = list.iter().map(|h| h.trim().to_lowercase()).collect();
            hosts.sort();
            hosts
        };
        let current_hosts: Vec<String> = current
            .settings
            .alternative_hosts
            .split([';', ','])
            .filter(|h| !h.trim().is_empty())
            .map(str::to_owned)
            .collect();
        MeetingChanges {
            topic: (current.topic != topic).then(|| topic.to_owned()),
            agenda: (current.agenda != agenda).then(|| agenda.to_owned()),
            schedule: (!same_schedule).then(|| self.schedule.clone()),
            alternative_hosts: (hosts(&current_hosts) != hosts(&self.alternative_hosts))
                .then(|| self.alternative_hosts.clone()),
        }
    }
}

impl MeetingChanges {
    pub fn is_empty(&self) -> bool {
        *self == MeetingChanges::default()
    }

    fn body(&self) -> Value {
        let mut body = Map::new();
        if let Some(topic) = &self.topic {
            body.insert("topic".into(), truncate(topic, TOPIC_MAX_CHARS).into());
        }
        if let Some(agenda) = &self.agenda {
            body.insert("agenda".into(), truncate(agenda, AGENDA_MAX_CHARS).into());
        }
        if let Some(schedule) = &self.schedule {
            schedule.write(&mut body);
        }
        if let Some(hosts) = &self.alternative_hosts {
            // Semicolons, as the current docs say (older docs: commas).
            body.insert(
                "settings".into(),
                json!({ "alternative_hosts": hosts.join(";") }),
            );
        }
        Value::Object(body)
    }
}

impl Schedule {
    fn write(&self, body: &mut Map<String, Value>) {
        body.insert(
            "start_time".into(),
            self.start.format("%Y-%m-%dT%H:%M:%SZ").to_string().into(),
        );
        body.insert("duration".into(), self.minutes().into());
        body.insert("timezone".into(), self.time_zone.name().into());
    }

    /// Zoom keeps whole seconds.
    fn start_to_the_second(&self) -> DateTime<Utc> {
        self.start
            .with_nanosecond(0)
            .expect("zero nanoseconds is a valid time")
    }

    /// Whole minutes, rounded up so the meeting never ends early; at least 1.
    fn minutes(&self) -> i64 {
        let seconds = (self.end - self.start).num_seconds();
        ((seconds + 59) / 60).max(1)
    }
}

/// At most `max` characters, cut on a character boundary.
fn truncate(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((at, _)) => &text[..at],
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeDelta;

    fn schedule(seconds: i64) -> Schedule {
        let start = DateTime::parse_from_rfc3339("2030-07-29T02:00:00.750Z")
            .unwrap()
            .with_timezone(&Utc);
        Schedule {
            start,
            end: start + TimeDelta::seconds(seconds),
            time_zone: chrono_tz::Asia::Jakarta,
        }
    }

    #[test]
    fn durations_are_whole_minutes_rounded_up() {
        assert_eq!(schedule(3 * 3600).minutes(), 180);
        assert_eq!(schedule(3 * 3600 + 1).minutes(), 181);
        assert_eq!(schedule(59).minutes(), 1);
        assert_eq!(schedule(0).minutes(), 1);
    }

    #[test]
    fn agendas_are_cut_on_a_character_boundary() {
        let long = "é".repeat(2001);
        let cut = truncate(&long, AGENDA_MAX_CHARS);
        assert_eq!(cut.chars().count(), 2000);
        assert_eq!(cut.len(), 4000);
        assert_eq!(truncate("pendek", AGENDA_MAX_CHARS), "pendek");
    }

    #[test]
    fn a_new_meeting_is_scheduled_in_utc_with_registration() {
        let body = NewMeeting {
            host: "pelatihan@bimtek.example".into(),
            topic: "Sesi 1".into(),
            agenda: "a".repeat(2500),
            schedule: schedule(90 * 60 + 30),
            alternative_hosts: vec!["a@example.org".into(), "b@example.org".into()],
        }
        .body();
        assert_eq!(body["type"], 2);
        assert_eq!(body["start_time"], "2030-07-29T02:00:00Z");
        assert_eq!(body["duration"], 91);
        assert_eq!(body["timezone"], "Asia/Jakarta");
        assert_eq!(body["agenda"].as_str().unwrap().len(), 2000);
        assert_eq!(body["settings"]["approval_type"], 0);
        assert_eq!(
            body["settings"]["alternative_hosts"],
            "a@example.org;b@example.org"
        );
    }

    #[test]
    fn only_what_differs_from_zoom_changes() {
        let wanted = NewMeeting {
            host: "h@example.org".into(),
            topic: "Sesi 1".into(),
            agenda: "Pembukaan".into(),
            schedule: schedule(3600),
            alternative_hosts: vec!["A@example.org".into(), "b@example.org".into()],
        };
        let current: Meeting = serde_json::from_value(json!({
            "id": 1, "topic": "Sesi 1", "agenda": "Pembukaan",
            "start_time": "2030-07-29T02:00:00Z", "duration": 60, "timezone": "Asia/Jakarta",
            "settings": { "alternative_hosts": "b@example.org,a@example.org" }
        }))
        .unwrap();
        assert!(wanted.changes_from(&current).is_empty());
        assert!(
            wanted.same_host(&current),
            "no host named: taken to be ours"
        );
        let moved = NewMeeting {
            schedule: schedule(7200),
            ..wanted
        };
        let changes = moved.changes_from(&current);
        assert_eq!(changes.schedule, Some(schedule(7200)));
        assert_eq!(
            (changes.topic, changes.agenda, changes.alternative_hosts),
            (None, None, None)
        );
    }

    #[test]
    fn a_meeting_belongs_to_its_host_by_email_or_id() {
        let wanted = |host: &str| NewMeeting {
            host: host.into(),
            topic: String::new(),
            agenda: String::new(),
            schedule: schedule(60),
            alternative_hosts: Vec::new(),
        };
        let current: Meeting = serde_json::from_value(json!({
            "id": 1, "host_id": "KdYKjnimT4KPd8FFgQt9FQ", "host_email": "Pelatihan@Bimtek.example"
        }))
        .unwrap();
        assert!(wanted("pelatihan@bimtek.example").same_host(&current));
        assert!(wanted("KdYKjnimT4KPd8FFgQt9FQ").same_host(&current));
        assert!(!wanted("lain@bimtek.example").same_host(&current));
    }

    #[test]
    fn changes_carry_only_what_changed() {
        let body = MeetingChanges {
            topic: Some("Sesi 1 (diubah)".into()),
            ..Default::default()
        }
        .body();
        assert_eq!(body, json!({ "topic": "Sesi 1 (diubah)" }));
    }
}
