//! A session: one slot of an event's agenda, with its speakers, its JP and
//! how it is held; and the rules a session must keep.

use chrono::{DateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

use super::event::FieldError;
use super::text::Text;
use super::time::{InvalidTime, parse_local};

/// A longer session is a slip of the keyboard (an end time in the evening
/// instead of the morning), not a lesson.
pub const LONGEST_HOURS: i64 = 12;
/// Minutes in one JP (*jam pelajaran*), the lesson hour certificates count.
pub const JP_MINUTES: i64 = 45;
/// An override above this is a typing mistake: a day holds no more.
pub const JP_OVERRIDE_MAX: u32 = 16;

/// How a session is held.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// A meeting bimtek creates, hosted by this Zoom user (e-mail or id).
    Zoom {
        host: String,
    },
    /// A meeting link the organiser pasted (Zoom or any other service).
    Link {
        url: String,
    },
    InPerson {
        location: String,
    },
}

impl Delivery {
    pub const KINDS: [&'static str; 3] = ["zoom", "link", "in_person"];

    pub fn kind(&self) -> &'static str {
        match self {
            Delivery::Zoom { .. } => "zoom",
            Delivery::Link { .. } => "link",
            Delivery::InPerson { .. } => "in_person",
        }
    }

    pub fn zoom_host(&self) -> Option<&str> {
        match self {
            Delivery::Zoom { host } => Some(host),
            _ => None,
        }
    }
}

/// Where the Zoom meeting bimtek creates for a session stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ZoomStatus {
    /// No meeting is wanted.
    None,
    /// Wanted, not yet created.
    Pending,
    Ready,
    /// Zoom refused or could not be reached; the error says why.
    Failed,
}

impl ZoomStatus {
    pub const ALL: [ZoomStatus; 4] = [
        ZoomStatus::None,
        ZoomStatus::Pending,
        ZoomStatus::Ready,
        ZoomStatus::Failed,
    ];

    /// The state after a session is planned or re-planned: one newly held
    /// on Zoom waits for its meeting, one no longer held there that has no
    /// meeting yet needs none. A meeting that exists (or failed) keeps its
    /// state until the Zoom job has dealt with the change.
    pub fn after_planning(self, delivery: &Delivery) -> ZoomStatus {
        match (self, delivery) {
            (ZoomStatus::None, Delivery::Zoom { .. }) => ZoomStatus::Pending,
            (ZoomStatus::Pending, Delivery::Link { .. } | Delivery::InPerson { .. }) => {
                ZoomStatus::None
            }
            (status, _) => status,
        }
    }
}

/// The meeting bimtek created on Zoom, as far as it is known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZoomMeeting {
    pub status: ZoomStatus,
    pub meeting_id: Option<i64>,
    pub join_url: Option<String>,
    /// The host's own link: it starts the meeting as host, so it is shown
    /// to nobody but the host.
    pub start_url: Option<String>,
    pub error: Option<ZoomProblem>,
}

/// Why Zoom would not make or change the meeting, kept as a catalogue key
/// (`zoom.error.*`) and the text for its `{detail}`, so that each organiser
/// reads it in their own language.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ZoomProblem {
    pub key: String,
    pub detail: String,
    /// Until when Zoom asked bimtek to wait (a rate limit), for organisers
    /// to read as a time of their own day rather than a wait that ages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<DateTime<Utc>>,
}

impl ZoomProblem {
    pub fn to_stored(&self) -> String {
        serde_json::to_string(self).expect("two strings serialise")
    }

    /// Zoom itself asked bimtek to wait (a rate limit): trying earlier
    /// than it said only earns another refusal.
    pub fn is_wait_asked_by_zoom(&self) -> bool {
        matches!(
            self.key.as_str(),
            "zoom.error.rate_limited" | "zoom.error.daily_limit"
        )
    }

    /// A stored text that is not ours (written by hand, say) is shown as
    /// Zoom's refusal in those words.
    pub fn from_stored(stored: &str) -> ZoomProblem {
        serde_json::from_str(stored).unwrap_or_else(|_| ZoomProblem {
            key: "zoom.error.rejected".into(),
            detail: stored.to_owned(),
            until: None,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Speaker {
    pub id: String,
    pub name: String,
    pub email: String,
}

/// What organisers decide about a session: a checked form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    pub title: String,
    pub description: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub jp_override: Option<u32>,
    pub mandatory: bool,
    pub delivery: Delivery,
    pub speakers_are_alternative_hosts: bool,
    /// Users with the speaker role in the session's event.
    pub speaker_ids: Vec<String>,
}

impl Plan {
    pub fn jp(&self) -> u32 {
        self.jp_override
            .unwrap_or_else(|| derived_jp(self.starts_at, self.ends_at))
    }

    /// Whether calendars must be told: something a participant's calendar
    /// entry shows changed (its title, description, time or place), so the
    /// entry is sent again at a higher SEQUENCE. JP, speakers and whether it
    /// is mandatory are not in the entry.
    pub fn shown_differently_from(&self, before: &Plan) -> bool {
        self.title != before.title
            || self.description != before.description
            || self.starts_at != before.starts_at
            || self.ends_at != before.ends_at
            || self.delivery != before.delivery
    }
}

/// A session as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub id: String,
    pub event_id: String,
    pub plan: Plan,
    /// The speakers named in the plan, by name.
    pub speakers: Vec<Speaker>,
    pub zoom: ZoomMeeting,
    /// iCalendar SEQUENCE of the session's invitations.
    pub sequence: u32,
}

impl Session {
    /// The link a participant or speaker joins by, when there is one yet.
    pub fn join_link(&self) -> Option<&str> {
        match &self.plan.delivery {
            Delivery::Link { url } => Some(url),
            Delivery::Zoom { .. } => self.zoom.join_url.as_deref(),
            Delivery::InPerson { .. } => None,
        }
    }

    /// The link one participant joins by: their personal Zoom link, else
    /// the pasted one. The meeting's general Zoom link is not theirs: a
    /// meeting with registration turns away whoever comes by it.
    pub fn participant_link<'a>(&'a self, personal: Option<&'a str>) -> Option<&'a str> {
        match (&self.plan.delivery, personal) {
            (Delivery::InPerson { .. }, _) => None,
            (_, Some(personal)) if !personal.trim().is_empty() => Some(personal),
            (Delivery::Link { url }, _) => Some(url),
            (Delivery::Zoom { .. }, _) => None,
        }
    }

    /// Whether a participant's personal Zoom link is still to come: the
    /// session is on Zoom, its meeting not refused, the participant has no
    /// link yet and Zoom has not `refused` them.
    pub fn awaits_personal_link(&self, personal: Option<&str>, refused: bool) -> bool {
        self.plan.delivery.zoom_host().is_some()
            && self.zoom.status != ZoomStatus::Failed
            && personal.is_none_or(|link| link.trim().is_empty())
            && !refused
    }

    /// The SEQUENCE of one participant's calendar entry for the session:
    /// see [`entry_sequence`].
    pub fn entry_sequence(&self, personal: Option<&str>) -> u32 {
        let carries = self.plan.delivery.zoom_host().is_some()
            && personal.is_some_and(|link| !link.trim().is_empty());
        entry_sequence(self.sequence, carries)
    }

    /// The place of a session held in a room.
    pub fn place(&self) -> Option<&str> {
        match &self.plan.delivery {
            Delivery::InPerson { location } => Some(location),
            _ => None,
        }
    }
}

/// The SEQUENCE of a participant's calendar entry for a session at
/// `revision` (its invitation sequence, raised by each change the entry
/// shows). Each revision has two: the entry without the participant's
/// personal Zoom link and the entry carrying it, so that a link arriving
/// after the invitation (Zoom was away) reaches calendars as an update,
/// and the feed, reading the same state, shows the same SEQUENCE.
pub fn entry_sequence(revision: u32, carries_personal_link: bool) -> u32 {
    revision.saturating_mul(2) + u32::from(carries_personal_link)
}

/// JP from a duration: whole lesson hours only, rounded down, because a JP
/// is a complete 45-minute lesson hour and a certificate must not count one
/// that was not held (a 60-minute session is 1 JP, a 90-minute one 2 JP).
/// Organisers override it where their programme counts otherwise.
pub fn derived_jp(starts_at: DateTime<Utc>, ends_at: DateTime<Utc>) -> u32 {
    let minutes = (ends_at - starts_at).num_minutes().max(0);
    u32::try_from(minutes / JP_MINUTES).unwrap_or(u32::MAX)
}

/// The event's JP: the sum over its sessions.
pub fn total_jp<'a>(sessions: impl IntoIterator<Item = &'a Session>) -> u32 {
    sessions.into_iter().map(|s| s.plan.jp()).sum()
}

/// Whether two spans share a moment; one ending as the other starts does not.
pub fn overlaps(a: (DateTime<Utc>, DateTime<Utc>), b: (DateTime<Utc>, DateTime<Utc>)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// The first of `others` held on the same Zoom host at a time that overlaps
/// the plan's: one host runs one meeting at a time.
pub fn host_conflict<'a>(plan: &Plan, others: &'a [Session]) -> Option<&'a Session> {
    let host = plan.delivery.zoom_host()?;
    others.iter().find(|other| {
        other.plan.delivery.zoom_host() == Some(host)
            && overlaps(
                (plan.starts_at, plan.ends_at),
                (other.plan.starts_at, other.plan.ends_at),
            )
    })
}

/// `own` when its clocks show another time than the event's at `at`: a
/// participant in Makassar reads a Jakarta session in WITA as well. Zones
/// that agree (Pontianak and Jakarta) add nothing.
pub fn other_zone(event_zone: Tz, own: Tz, at: DateTime<Utc>) -> Option<Tz> {
    let offset = |zone: Tz| zone.offset_from_utc_datetime(&at.naive_utc()).fix();
    (offset(own) != offset(event_zone)).then_some(own)
}

/// A Zoom user as typed: an e-mail address is case-blind, a user id is not.
pub fn normalise_host(raw: &str) -> String {
    let host = raw.trim();
    if host.contains('@') {
        host.to_lowercase()
    } else {
        host.to_owned()
    }
}

/// A session form as typed: one date and two times in the event's zone.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SessionForm {
    pub title: String,
    pub description: String,
    pub date: String,
    pub start_time: String,
    pub end_time: String,
    pub jp: String,
    pub mandatory: bool,
    pub delivery: String,
    pub join_link: String,
    pub location: String,
    pub zoom_host: String,
    pub alternative_hosts: bool,
    pub speakers: Vec<String>,
}

impl SessionForm {
    /// A form's fields as sent; `speakers` repeats, one per ticked box.
    pub fn from_pairs(pairs: &[(String, String)]) -> SessionForm {
        let mut form = SessionForm::default();
        for (name, value) in pairs {
            let value = value.clone();
            match name.as_str() {
                "title" => form.title = value,
                "description" => form.description = value,
                "date" => form.date = value,
                "start_time" => form.start_time = value,
                "end_time" => form.end_time = value,
                "jp" => form.jp = value,
                "mandatory" => form.mandatory = true,
                "delivery" => form.delivery = value,
                "join_link" => form.join_link = value,
                "location" => form.location = value,
                "zoom_host" => form.zoom_host = value,
                "alternative_hosts" => form.alternative_hosts = true,
                "speakers" => form.speakers.push(value),
                _ => {}
            }
        }
        form
    }

    /// A new session's form: mandatory, on Zoom with the installation's
    /// host when one is set, on the event's first day.
    pub fn new_session(first_day: String, zoom_host: Option<&str>) -> SessionForm {
        SessionForm {
            date: first_day,
            mandatory: true,
            delivery: "zoom".into(),
            zoom_host: zoom_host.unwrap_or_default().to_owned(),
            ..SessionForm::default()
        }
    }

    /// The form of a stored session, times in the event's zone.
    pub fn of(session: &Session, zone: Tz) -> SessionForm {
        let plan = &session.plan;
        let (start, end) = (
            plan.starts_at.with_timezone(&zone),
            plan.ends_at.with_timezone(&zone),
        );
        let (join_link, location, zoom_host) = match &plan.delivery {
            Delivery::Zoom { host } => (String::new(), String::new(), host.clone()),
            Delivery::Link { url } => (url.clone(), String::new(), String::new()),
            Delivery::InPerson { location } => (String::new(), location.clone(), String::new()),
        };
        SessionForm {
            title: plan.title.clone(),
            description: plan.description.clone(),
            date: start.format("%Y-%m-%d").to_string(),
            start_time: start.format("%H:%M").to_string(),
            end_time: end.format("%H:%M").to_string(),
            jp: plan
                .jp_override
                .map(|jp| jp.to_string())
                .unwrap_or_default(),
            mandatory: plan.mandatory,
            delivery: plan.delivery.kind().to_owned(),
            join_link,
            location,
            zoom_host,
            alternative_hosts: plan.speakers_are_alternative_hosts,
            speakers: plan.speaker_ids.clone(),
        }
    }
}

fn is_web_address(raw: &str) -> bool {
    url::Url::parse(raw).is_ok_and(|url| {
        matches!(url.scheme(), "http" | "https") && url.host_str().is_some_and(|h| !h.is_empty())
    })
}

/// Checks a session form against the event's zone and its speakers, naming
/// every wrong field at once.
pub fn check_session_form(
    form: &SessionForm,
    zone: Tz,
    speakers: &[Speaker],
) -> Result<Plan, Vec<FieldError>> {
    let mut errors = Vec::new();
    let title = Text::TITLE.or_note(&mut errors, "title", &form.title);
    let description = Text::PARAGRAPHS.or_note(&mut errors, "description", &form.description);
    // Only the chosen way's field is kept, so only it is checked.
    let (field, kind, raw) = match form.delivery.as_str() {
        "zoom" => ("zoom_host", Text::LINE, &form.zoom_host),
        "link" => ("join_link", Text::ADDRESS, &form.join_link),
        _ => ("location", Text::LINE, &form.location),
    };
    let place = kind.or_note(&mut errors, field, raw);
    // A refused field has its message already, and no second one.
    let refused: Vec<_> = errors.iter().map(|e| e.field.clone()).collect();
    let named = |field: &str| refused.iter().any(|f| f == field);
    let mut fail = |field: &'static str, message: &'static str| {
        errors.push(FieldError::new(field, message));
    };
    if title.is_empty() && !named("title") {
        fail("title", "session.error.title");
    }
    let date_ok = parse_local(zone, &form.date, "").is_ok_and(|d| d.is_some());
    if !date_ok {
        fail("date", "session.error.date");
    }
    let mut instant = |field, message, time: &str| {
        if time.trim().is_empty() {
            fail(field, message);
            return None;
        }
        match parse_local(zone, &form.date, time) {
            Ok(at) => at,
            Err(InvalidTime) if !date_ok => None,
            Err(InvalidTime) => {
                fail(field, message);
                None
            }
        }
    };
    let starts_at = instant("start_time", "session.error.start", &form.start_time);
    let ends_at = instant("end_time", "session.error.end", &form.end_time);
    if let (Some(start), Some(end)) = (starts_at, ends_at) {
        if end <= start {
            fail("end_time", "session.error.end_before_start");
        } else if end - start > chrono::Duration::hours(LONGEST_HOURS) {
            fail("end_time", "session.error.too_long");
        }
    }
    let jp_override = match form.jp.trim() {
        "" => None,
        raw => match raw.parse::<u32>() {
            Ok(jp) if jp <= JP_OVERRIDE_MAX => Some(jp),
            _ => {
                fail("jp", "session.error.jp");
                None
            }
        },
    };
    let delivery = match form.delivery.as_str() {
        "zoom" => {
            let host = normalise_host(&place);
            if (host.is_empty() || host.contains(char::is_whitespace)) && !named(field) {
                fail("zoom_host", "session.error.zoom_host");
            }
            Some(Delivery::Zoom { host })
        }
        "link" => {
            if !is_web_address(&place) && !named(field) {
                fail("join_link", "session.error.link");
            }
            Some(Delivery::Link { url: place })
        }
        "in_person" => {
            if place.is_empty() && !named(field) {
                fail("location", "session.error.location");
            }
            Some(Delivery::InPerson { location: place })
        }
        _ => {
            fail("delivery", "session.error.delivery");
            None
        }
    };
    let mut speaker_ids: Vec<String> = Vec::new();
    for id in &form.speakers {
        if !speakers.iter().any(|s| &s.id == id) {
            fail("speakers", "session.error.speaker");
        } else if !speaker_ids.contains(id) {
            speaker_ids.push(id.clone());
        }
    }
    match (starts_at, ends_at, delivery) {
        (Some(starts_at), Some(ends_at), Some(delivery)) if errors.is_empty() => Ok(Plan {
            title,
            description,
            starts_at,
            ends_at,
            jp_override,
            mandatory: form.mandatory,
            delivery,
            speakers_are_alternative_hosts: form.alternative_hosts,
            speaker_ids,
        }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2020, 7, 27, h, m, 0).unwrap()
    }

    fn plan(start: DateTime<Utc>, end: DateTime<Utc>, host: &str) -> Plan {
        Plan {
            title: "Strategi TPBIS".into(),
            description: String::new(),
            starts_at: start,
            ends_at: end,
            jp_override: None,
            mandatory: true,
            delivery: Delivery::Zoom { host: host.into() },
            speakers_are_alternative_hosts: false,
            speaker_ids: Vec::new(),
        }
    }

    fn session(id: &str, plan: Plan) -> Session {
        Session {
            id: id.into(),
            event_id: "e".into(),
            plan,
            speakers: Vec::new(),
            zoom: ZoomMeeting {
                status: ZoomStatus::Pending,
                meeting_id: None,
                join_url: None,
                start_url: None,
                error: None,
            },
            sequence: 0,
        }
    }

    #[test]
    fn jp_counts_whole_lesson_hours() {
        assert_eq!(derived_jp(at(2, 0), at(2, 44)), 0);
        assert_eq!(derived_jp(at(2, 0), at(2, 45)), 1);
        assert_eq!(derived_jp(at(2, 0), at(3, 0)), 1);
        assert_eq!(derived_jp(at(2, 0), at(3, 30)), 2);
        assert_eq!(derived_jp(at(2, 0), at(5, 0)), 4);
        assert_eq!(derived_jp(at(5, 0), at(2, 0)), 0);
    }

    #[test]
    fn an_override_wins_and_the_event_sums_its_sessions() {
        let derived = session("a", plan(at(2, 0), at(3, 30), "h"));
        let mut overridden = session("b", plan(at(4, 0), at(4, 30), "h"));
        overridden.plan.jp_override = Some(3);
        assert_eq!(overridden.plan.jp(), 3);
        assert_eq!(total_jp([&derived, &overridden]), 5);
        assert_eq!(total_jp([]), 0);
    }

    #[test]
    fn back_to_back_is_no_overlap() {
        assert!(overlaps((at(2, 0), at(3, 0)), (at(2, 59), at(4, 0))));
        assert!(overlaps((at(2, 0), at(5, 0)), (at(3, 0), at(4, 0))));
        assert!(!overlaps((at(2, 0), at(3, 0)), (at(3, 0), at(4, 0))));
        assert!(!overlaps((at(3, 0), at(4, 0)), (at(2, 0), at(3, 0))));
    }

    #[test]
    fn one_host_holds_one_meeting_at_a_time() {
        let others = [
            session("other-host", plan(at(2, 0), at(4, 0), "b@zoom.id")),
            session("earlier", plan(at(1, 0), at(2, 0), "a@zoom.id")),
            session("clash", plan(at(2, 30), at(3, 30), "a@zoom.id")),
        ];
        let new = plan(at(2, 0), at(3, 0), "a@zoom.id");
        assert_eq!(host_conflict(&new, &others).map(|s| &*s.id), Some("clash"));
        let mut elsewhere = new.clone();
        elsewhere.delivery = Delivery::Link {
            url: "https://zoom.us/j/1".into(),
        };
        assert_eq!(host_conflict(&elsewhere, &others), None);
    }

    #[test]
    fn own_zone_only_when_the_clock_differs() {
        let t = at(2, 0);
        assert_eq!(
            other_zone(Tz::Asia__Jakarta, Tz::Asia__Makassar, t),
            Some(Tz::Asia__Makassar)
        );
        assert_eq!(other_zone(Tz::Asia__Jakarta, Tz::Asia__Pontianak, t), None);
        assert_eq!(other_zone(Tz::Asia__Jakarta, Tz::Asia__Jakarta, t), None);
    }

    #[test]
    fn zoom_state_follows_the_plan() {
        let zoom = Delivery::Zoom { host: "h".into() };
        let link = Delivery::Link { url: "u".into() };
        assert_eq!(ZoomStatus::None.after_planning(&zoom), ZoomStatus::Pending);
        assert_eq!(ZoomStatus::Pending.after_planning(&link), ZoomStatus::None);
        assert_eq!(ZoomStatus::Ready.after_planning(&link), ZoomStatus::Ready);
        assert_eq!(ZoomStatus::None.after_planning(&link), ZoomStatus::None);
    }

    fn speakers() -> Vec<Speaker> {
        vec![Speaker {
            id: "s1".into(),
            name: "Dr. Ahmad Fauzi".into(),
            email: "ahmad@perpusnas.example.id".into(),
        }]
    }

    fn form() -> SessionForm {
        SessionForm {
            title: "Strategi pengembangan perpustakaan".into(),
            date: "2020-07-27".into(),
            start_time: "09:00".into(),
            end_time: "10:30".into(),
            mandatory: true,
            delivery: "zoom".into(),
            zoom_host: " Zoom@Dispusip.example.id ".into(),
            speakers: vec!["s1".into()],
            ..SessionForm::default()
        }
    }

    fn fields(result: Result<Plan, Vec<FieldError>>) -> Vec<String> {
        result
            .unwrap_err()
            .into_iter()
            .map(|e| format!("{}:{}", e.field, e.message))
            .collect()
    }

    #[test]
    fn a_form_becomes_a_plan_in_the_event_zone() {
        let plan = check_session_form(&form(), Tz::Asia__Makassar, &speakers()).unwrap();
        assert_eq!(plan.starts_at, at(1, 0));
        assert_eq!(plan.ends_at, at(2, 30));
        assert_eq!(plan.jp(), 2);
        assert_eq!(
            plan.delivery,
            Delivery::Zoom {
                host: "zoom@dispusip.example.id".into()
            }
        );
        assert_eq!(plan.speaker_ids, ["s1"]);
        let back = SessionForm::of(&session("x", plan), Tz::Asia__Makassar);
        assert_eq!(back.start_time, "09:00");
        assert_eq!(back.end_time, "10:30");
    }

    #[test]
    fn times_must_make_a_session() {
        let bad = SessionForm {
            start_time: "9 pagi".into(),
            ..form()
        };
        assert_eq!(
            fields(check_session_form(&bad, Tz::Asia__Jakarta, &speakers())),
            ["start_time:session.error.start"]
        );
        let backwards = SessionForm {
            end_time: "08:00".into(),
            ..form()
        };
        assert_eq!(
            fields(check_session_form(
                &backwards,
                Tz::Asia__Jakarta,
                &speakers()
            )),
            ["end_time:session.error.end_before_start"]
        );
        let marathon = SessionForm {
            start_time: "07:00".into(),
            end_time: "19:30".into(),
            ..form()
        };
        assert_eq!(
            fields(check_session_form(
                &marathon,
                Tz::Asia__Jakarta,
                &speakers()
            )),
            ["end_time:session.error.too_long"]
        );
        let no_date = SessionForm {
            date: "27 Juli".into(),
            ..form()
        };
        assert_eq!(
            fields(check_session_form(&no_date, Tz::Asia__Jakarta, &speakers())),
            ["date:session.error.date"]
        );
    }

    #[test]
    fn each_way_of_holding_it_needs_its_detail() {
        let cases = [
            ("zoom", "zoom_host:session.error.zoom_host"),
            ("link", "join_link:session.error.link"),
            ("in_person", "location:session.error.location"),
            ("carrier-pigeon", "delivery:session.error.delivery"),
        ];
        for (delivery, expected) in cases {
            let bad = SessionForm {
                delivery: delivery.into(),
                zoom_host: String::new(),
                join_link: "zoom.us/j/123".into(),
                ..form()
            };
            assert_eq!(
                fields(check_session_form(&bad, Tz::Asia__Jakarta, &speakers())),
                [expected],
                "{delivery}"
            );
        }
        let link = SessionForm {
            delivery: "link".into(),
            join_link: "https://us02web.zoom.us/j/85512345678?pwd=abc".into(),
            ..form()
        };
        assert!(check_session_form(&link, Tz::Asia__Jakarta, &speakers()).is_ok());
    }

    #[test]
    fn title_jp_and_speakers_are_checked() {
        let bad = SessionForm {
            title: "x".repeat(Text::TITLE.max_chars + 1),
            jp: "banyak".into(),
            speakers: vec!["stranger".into()],
            ..form()
        };
        assert_eq!(
            fields(check_session_form(&bad, Tz::Asia__Jakarta, &speakers())),
            [
                "title:text.error.too_long",
                "jp:session.error.jp",
                "speakers:session.error.speaker"
            ]
        );
        let overridden = SessionForm {
            jp: "3".into(),
            ..form()
        };
        let plan = check_session_form(&overridden, Tz::Asia__Jakarta, &speakers()).unwrap();
        assert_eq!(plan.jp(), 3);
    }

    #[test]
    fn repeated_fields_collect_speakers() {
        let pairs: Vec<(String, String)> = [
            ("title", "Sesi"),
            ("speakers", "a"),
            ("speakers", "b"),
            ("mandatory", "on"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let form = SessionForm::from_pairs(&pairs);
        assert_eq!(form.speakers, ["a", "b"]);
        assert!(form.mandatory && !form.alternative_hosts);
    }

    #[test]
    fn a_participant_joins_by_their_own_link_else_the_pasted_one() {
        let mut zoom = session("z", plan(at(2, 0), at(3, 0), "h"));
        zoom.zoom.join_url = Some("https://zoom.us/j/1".into());
        assert_eq!(zoom.participant_link(None), None);
        assert_eq!(zoom.participant_link(Some(" ")), None);
        assert_eq!(
            zoom.participant_link(Some("https://zoom.us/w/1?tk=siti")),
            Some("https://zoom.us/w/1?tk=siti")
        );
        let mut pasted = zoom.clone();
        pasted.plan.delivery = Delivery::Link {
            url: "https://meet.example/abc".into(),
        };
        assert_eq!(
            pasted.participant_link(None),
            Some("https://meet.example/abc")
        );
        let mut room = zoom.clone();
        room.plan.delivery = Delivery::InPerson {
            location: "Aula".into(),
        };
        assert_eq!(room.participant_link(Some("x")), None);
        assert_eq!(room.place(), Some("Aula"));
    }

    #[test]
    fn a_late_personal_link_is_an_update_below_the_next_revision() {
        assert_eq!(entry_sequence(0, false), 0);
        assert_eq!(entry_sequence(0, true), 1);
        assert_eq!(entry_sequence(1, false), 2);
        assert!(entry_sequence(1, false) > entry_sequence(0, true));
    }

    #[test]
    fn calendars_are_told_what_their_entry_shows() {
        let before = plan(at(2, 0), at(3, 0), "h");
        let mut renamed = before.clone();
        renamed.title = "Lain".into();
        assert!(renamed.shown_differently_from(&before));
        let mut described = before.clone();
        described.description = "Bawa laptop.".into();
        assert!(described.shown_differently_from(&before));
        let mut later = before.clone();
        later.ends_at = at(3, 30);
        assert!(later.shown_differently_from(&before));
        let mut elsewhere = before.clone();
        elsewhere.delivery = Delivery::InPerson {
            location: "Aula".into(),
        };
        assert!(elsewhere.shown_differently_from(&before));
        let mut unseen = before.clone();
        unseen.jp_override = Some(3);
        unseen.mandatory = !before.mandatory;
        assert!(!unseen.shown_differently_from(&before));
    }
}
