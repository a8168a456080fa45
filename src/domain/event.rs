//! What an event (one bimtek) is, and the rules a new one must keep.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use uuid::Uuid;

use super::action_plan::{LateRule, PlanRules};
use super::attendance::Rules;
use super::text::Text;
use super::timing::{
    JOIN_LINKS_BEFORE_MAX, SessionTiming, format_reminder_minutes, parse_reminder_minutes,
};

#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub id: Uuid,
    pub slug: String,
    pub title: String,
    pub description: String,
    pub organiser_office: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub time_zone: Tz,
    pub published: bool,
    pub seats: Seating,
    pub timing: SessionTiming,
    /// What attending a session and the event takes.
    pub rules: Rules,
    /// When action plans are due.
    pub plans: PlanRules,
}

/// Who may take a seat, and when.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Seating {
    /// `None`: no limit.
    pub quota: Option<u32>,
    /// Organisers approve each registration.
    pub moderated: bool,
    pub registration_opens_at: Option<DateTime<Utc>>,
    pub registration_closes_at: Option<DateTime<Utc>>,
    /// Who answers participants' questions (a name and a number or address).
    pub contact: String,
}

/// Whether the registration form takes registrations now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Window {
    NotYet(DateTime<Utc>),
    Open,
    Closed,
}

impl Event {
    pub fn has_ended(&self, now: DateTime<Utc>) -> bool {
        self.ends_at < now
    }

    /// Open from publication (or the opening time) until the closing time,
    /// or until the event starts when none is set.
    pub fn registration(&self, now: DateTime<Utc>) -> Window {
        let closes = self.seats.registration_closes_at.unwrap_or(self.starts_at);
        match self.seats.registration_opens_at {
            _ if !self.published || now >= closes => Window::Closed,
            Some(opens) if now < opens => Window::NotYet(opens),
            _ => Window::Open,
        }
    }

    /// Who participants write to: the contact set, else the office.
    pub fn contact_or_office(&self) -> &str {
        if self.seats.contact.trim().is_empty() {
            &self.organiser_office
        } else {
            &self.seats.contact
        }
    }
}

#[derive(Clone, Debug)]
pub struct NewEvent {
    pub slug: String,
    pub title: String,
    pub description: String,
    pub organiser_office: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub time_zone: Tz,
    pub published: bool,
    pub seats: Seating,
    pub timing: SessionTiming,
    pub rules: Rules,
    pub plans: PlanRules,
}

/// A broken rule, named by the field it concerns and a catalogue key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// Owned only for fields named at run time (an event's own questions).
    pub field: std::borrow::Cow<'static, str>,
    pub message: &'static str,
    /// Values for the message's `{name}` placeholders, already in the
    /// reader's language (a message naming another session and its time).
    pub args: Vec<(&'static str, String)>,
}

impl FieldError {
    pub fn new(field: impl Into<std::borrow::Cow<'static, str>>, message: &'static str) -> Self {
        FieldError {
            field: field.into(),
            message,
            args: Vec::new(),
        }
    }

    pub fn with_args(mut self, args: Vec<(&'static str, String)>) -> Self {
        self.args = args;
        self
    }
}

pub const SLUG_MAX: usize = 80;

impl NewEvent {
    /// Whether the calendar entries of the event's sessions change with
    /// this edit: their summary and description carry the event's title.
    pub fn shown_in_sessions_differently_from(&self, before: &Event) -> bool {
        self.title != before.title
    }

    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut fail = |field, message| errors.push(FieldError::new(field, message));
        if !is_valid_slug(&self.slug) {
            fail("slug", "event.error.slug");
        }
        if self.title.trim().is_empty() {
            fail("title", "event.error.title");
        }
        if self.organiser_office.trim().is_empty() {
            fail("organiser_office", "event.error.office");
        }
        if self.ends_at < self.starts_at {
            // Named after the form's fields, which the messages point at.
            fail("end_date", "event.error.ends_before_start");
        }
        if let (Some(opens), Some(closes)) = (
            self.seats.registration_opens_at,
            self.seats.registration_closes_at,
        ) && closes < opens
        {
            fail("closes_date", "event.error.closes_before_opens");
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// Paths under /manage/events/ that are pages, not events.
const RESERVED_SLUGS: [&str; 1] = ["new"];

/// Lower-case letters, digits and single hyphens: safe in a URL and easy to
/// read aloud or type from a WhatsApp message.
pub fn is_valid_slug(slug: &str) -> bool {
    !RESERVED_SLUGS.contains(&slug)
        && (3..=SLUG_MAX).contains(&slug.len())
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--")
}

/// An event form as typed: dates (YYYY-MM-DD) and times (HH:MM) in the
/// event's own zone, which is what organisers think in.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct EventForm {
    pub title: String,
    pub slug: String,
    pub description: String,
    pub organiser_office: String,
    pub time_zone: String,
    pub start_date: String,
    pub start_time: String,
    pub end_date: String,
    pub end_time: String,
    pub seat_quota: String,
    pub moderated: Option<String>,
    pub opens_date: String,
    pub opens_time: String,
    pub closes_date: String,
    pub closes_time: String,
    pub contact: String,
    /// Absent (an older form): the defaults.
    pub reminder_minutes: Option<String>,
    pub join_links_before_minutes: Option<String>,
    pub late_after_minutes: Option<String>,
    pub left_early_minutes: Option<String>,
    pub session_percent: Option<String>,
    pub event_percent: Option<String>,
    /// The deadline for action plans, both empty for none.
    pub plan_due_date: String,
    pub plan_due_time: String,
    /// `refuse`, or anything else (an older form): late plans are taken.
    pub plan_late: String,
}

impl EventForm {
    /// The form of an existing event, times in its own zone.
    pub fn of(event: &Event) -> EventForm {
        let local = |at: DateTime<Utc>| at.with_timezone(&event.time_zone);
        let date = |at: Option<DateTime<Utc>>| {
            at.map(|at| local(at).format("%Y-%m-%d").to_string())
                .unwrap_or_default()
        };
        let time = |at: Option<DateTime<Utc>>| {
            at.map(|at| local(at).format("%H:%M").to_string())
                .unwrap_or_default()
        };
        EventForm {
            title: event.title.clone(),
            slug: event.slug.clone(),
            description: event.description.clone(),
            organiser_office: event.organiser_office.clone(),
            time_zone: event.time_zone.name().to_owned(),
            start_date: date(Some(event.starts_at)),
            start_time: time(Some(event.starts_at)),
            end_date: date(Some(event.ends_at)),
            end_time: time(Some(event.ends_at)),
            seat_quota: event.seats.quota.map(|q| q.to_string()).unwrap_or_default(),
            moderated: event.seats.moderated.then(|| "on".to_owned()),
            opens_date: date(event.seats.registration_opens_at),
            opens_time: time(event.seats.registration_opens_at),
            closes_date: date(event.seats.registration_closes_at),
            closes_time: time(event.seats.registration_closes_at),
            contact: event.seats.contact.clone(),
            reminder_minutes: Some(format_reminder_minutes(&event.timing.reminder_minutes)),
            join_links_before_minutes: Some(event.timing.join_links_before_minutes.to_string()),
            late_after_minutes: Some(event.rules.late_after_minutes.to_string()),
            left_early_minutes: Some(event.rules.left_early_minutes.to_string()),
            session_percent: Some(event.rules.session_percent.to_string()),
            event_percent: Some(event.rules.event_percent.to_string()),
            plan_due_date: date(event.plans.due_at),
            plan_due_time: time(event.plans.due_at),
            plan_late: late_rule_name(event.plans.late).to_owned(),
        }
    }
}

/// Checks a form and turns it into an event (not yet published), naming
/// every wrong field at once.
pub fn check_event_form(form: &EventForm) -> Result<NewEvent, Vec<FieldError>> {
    let mut errors = Vec::new();
    let zone = super::time::parse_zone(&form.time_zone);
    if zone.is_none() {
        errors.push(FieldError::new("time_zone", "event.error.time_zone"));
    }
    let zone = zone.unwrap_or(Tz::Asia__Jakarta);
    // Each date has its own message: the summary on top lists them all.
    let mut instant =
        |field: &'static str, message: &'static str, date: &str, time: &str, required: bool| {
            match super::time::parse_local(zone, date, time) {
                Ok(None) if required => {
                    errors.push(FieldError::new(field, message));
                    None
                }
                Ok(at) => at,
                Err(super::time::InvalidTime) => {
                    errors.push(FieldError::new(field, message));
                    None
                }
            }
        };
    let starts_at = instant(
        "start_date",
        "event.error.start",
        &form.start_date,
        &form.start_time,
        true,
    );
    let ends_at = instant(
        "end_date",
        "event.error.end",
        &form.end_date,
        &form.end_time,
        true,
    );
    let opens = instant(
        "opens_date",
        "event.error.opens",
        &form.opens_date,
        &form.opens_time,
        false,
    );
    let closes = instant(
        "closes_date",
        "event.error.closes",
        &form.closes_date,
        &form.closes_time,
        false,
    );
    let plan_due_at = instant(
        "plan_due_date",
        "event.error.plan_due",
        &form.plan_due_date,
        &form.plan_due_time,
        false,
    );
    let quota = match form.seat_quota.trim() {
        "" => None,
        raw => match raw.parse::<u32>() {
            Ok(n) if n > 0 => Some(n),
            _ => {
                errors.push(FieldError::new("seat_quota", "event.error.quota"));
                None
            }
        },
    };
    let defaults = SessionTiming::default();
    let reminder_minutes = match &form.reminder_minutes {
        None => defaults.reminder_minutes,
        Some(raw) => parse_reminder_minutes(raw).unwrap_or_else(|| {
            errors.push(FieldError::new("reminder_minutes", "event.error.reminders"));
            Vec::new()
        }),
    };
    let join_links_before_minutes = match form.join_links_before_minutes.as_deref().map(str::trim) {
        None | Some("") => defaults.join_links_before_minutes,
        Some(raw) => match raw.parse::<u32>() {
            Ok(m) if m <= JOIN_LINKS_BEFORE_MAX => m,
            _ => {
                errors.push(FieldError::new(
                    "join_links_before_minutes",
                    "event.error.join_links",
                ));
                defaults.join_links_before_minutes
            }
        },
    };
    let rules = check_rules(form, &mut errors);
    let title = Text::TITLE.or_note(&mut errors, "title", &form.title);
    let description = Text::PARAGRAPHS.or_note(&mut errors, "description", &form.description);
    let organiser_office =
        Text::LINE.or_note(&mut errors, "organiser_office", &form.organiser_office);
    let contact = Text::LINE.or_note(&mut errors, "contact", &form.contact);
    let event = NewEvent {
        slug: form.slug.trim().to_lowercase(),
        title,
        description,
        organiser_office,
        starts_at: starts_at.unwrap_or_default(),
        ends_at: ends_at.or(starts_at).unwrap_or_default(),
        time_zone: zone,
        published: false,
        seats: Seating {
            quota,
            moderated: form.moderated.is_some(),
            registration_opens_at: opens,
            registration_closes_at: closes,
            contact,
        },
        timing: SessionTiming {
            reminder_minutes,
            join_links_before_minutes,
        },
        rules,
        plans: PlanRules {
            due_at: plan_due_at,
            late: if form.plan_late == late_rule_name(LateRule::Refuse) {
                LateRule::Refuse
            } else {
                LateRule::Accept
            },
        },
    };
    if let Err(more) = event.validate() {
        errors.extend(more.into_iter().filter(|e| {
            e.message != "event.error.ends_before_start"
                || (starts_at.is_some() && ends_at.is_some())
        }));
    }
    if errors.is_empty() {
        Ok(event)
    } else {
        Err(errors)
    }
}

/// The form's word for a late rule.
pub fn late_rule_name(rule: LateRule) -> &'static str {
    match rule {
        LateRule::Accept => "accept",
        LateRule::Refuse => "refuse",
    }
}

/// The attendance rules' four numbers, each a whole number from 0 to 100
/// (minutes or percent: no session runs so long that lateness starts
/// later); an absent field (an older form) or an empty one keeps its default.
fn check_rules(form: &EventForm, errors: &mut Vec<FieldError>) -> Rules {
    let defaults = Rules::default();
    let mut number = |field: &'static str, message, raw: &Option<String>, default: u32| match raw
        .as_deref()
        .map(str::trim)
    {
        None | Some("") => default,
        Some(raw) => match raw.parse::<u32>() {
            Ok(n) if n <= 100 => n,
            _ => {
                errors.push(FieldError::new(field, message));
                default
            }
        },
    };
    Rules {
        late_after_minutes: number(
            "late_after_minutes",
            "event.error.rule_minutes",
            &form.late_after_minutes,
            defaults.late_after_minutes,
        ),
        left_early_minutes: number(
            "left_early_minutes",
            "event.error.rule_minutes",
            &form.left_early_minutes,
            defaults.left_early_minutes,
        ),
        session_percent: number(
            "session_percent",
            "event.error.rule_percent",
            &form.session_percent,
            defaults.session_percent,
        ),
        event_percent: number(
            "event_percent",
            "event.error.rule_percent",
            &form.event_percent,
            defaults.event_percent,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn event() -> NewEvent {
        NewEvent {
            slug: "bimtek-tpbis-bengkulu".into(),
            title: "Bimbingan Teknis".into(),
            description: String::new(),
            organiser_office: "Dinas Perpustakaan dan Kearsipan Provinsi Bengkulu".into(),
            starts_at: Utc.with_ymd_and_hms(2020, 7, 27, 2, 0, 0).unwrap(),
            ends_at: Utc.with_ymd_and_hms(2020, 7, 29, 9, 0, 0).unwrap(),
            time_zone: Tz::Asia__Jakarta,
            published: true,
            seats: Seating::default(),
            timing: SessionTiming::default(),
            rules: Rules::default(),
            plans: PlanRules::default(),
        }
    }

    #[test]
    fn a_complete_event_is_valid() {
        assert_eq!(event().validate(), Ok(()));
    }

    #[test]
    fn each_broken_rule_names_its_field() {
        let mut bad = event();
        bad.slug = "Bimtek 2020".into();
        bad.title = "  ".into();
        bad.ends_at = bad.starts_at - chrono::Duration::hours(1);
        let fields: Vec<_> = bad
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["slug", "title", "end_date"]);
    }

    fn form() -> EventForm {
        EventForm {
            title: "Bimtek TIK".into(),
            slug: "Bimtek-TIK-2026".into(),
            organiser_office: "Dinas Perpustakaan dan Kearsipan Provinsi Bengkulu".into(),
            time_zone: "WITA".into(),
            start_date: "2026-12-07".into(),
            start_time: "09:00".into(),
            end_date: "2026-12-07".into(),
            end_time: "12:00".into(),
            seat_quota: "150".into(),
            moderated: Some("on".into()),
            closes_date: "2026-12-05".into(),
            ..EventForm::default()
        }
    }

    #[test]
    fn a_form_becomes_an_unpublished_event_in_its_zone() {
        let event = check_event_form(&form()).unwrap();
        assert_eq!(event.slug, "bimtek-tik-2026");
        assert_eq!(event.time_zone, Tz::Asia__Makassar);
        assert_eq!(
            event.starts_at,
            Utc.with_ymd_and_hms(2026, 12, 7, 1, 0, 0).unwrap()
        );
        assert_eq!(event.seats.quota, Some(150));
        assert!(event.seats.moderated && !event.published);
        assert_eq!(
            event.seats.registration_closes_at,
            Some(Utc.with_ymd_and_hms(2026, 12, 4, 16, 0, 0).unwrap())
        );
    }

    #[test]
    fn a_bad_form_names_each_field() {
        let bad = EventForm {
            time_zone: "Mars".into(),
            start_date: "7 Desember".into(),
            seat_quota: "0".into(),
            title: String::new(),
            ..form()
        };
        let fields: Vec<_> = check_event_form(&bad)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["time_zone", "start_date", "seat_quota", "title"]);
    }

    #[test]
    fn reminder_and_join_link_minutes_are_checked_field_by_field() {
        let older = check_event_form(&form()).unwrap();
        assert_eq!(
            older.timing,
            SessionTiming::default(),
            "an older form keeps the defaults"
        );
        let set = EventForm {
            reminder_minutes: Some("60, 2880".into()),
            join_links_before_minutes: Some("15".into()),
            ..form()
        };
        let timing = check_event_form(&set).unwrap().timing;
        assert_eq!(timing.reminder_minutes, [2880, 60]);
        assert_eq!(timing.join_links_before_minutes, 15);
        let none = EventForm {
            reminder_minutes: Some(String::new()),
            ..form()
        };
        assert!(
            check_event_form(&none)
                .unwrap()
                .timing
                .reminder_minutes
                .is_empty()
        );
        let bad = EventForm {
            reminder_minutes: Some("sehari".into()),
            join_links_before_minutes: Some("-5".into()),
            ..form()
        };
        let errors = check_event_form(&bad).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| (&*e.field, e.message)).collect();
        assert_eq!(
            fields,
            [
                ("reminder_minutes", "event.error.reminders"),
                ("join_links_before_minutes", "event.error.join_links")
            ]
        );
    }

    #[test]
    fn the_plan_deadline_is_in_the_events_zone_and_late_plans_are_taken_unless_refused() {
        assert_eq!(
            check_event_form(&form()).unwrap().plans,
            PlanRules::default()
        );
        let set = EventForm {
            plan_due_date: "2026-12-20".into(),
            plan_due_time: "23:59".into(),
            plan_late: "refuse".into(),
            ..form()
        };
        let plans = check_event_form(&set).unwrap().plans;
        assert_eq!(
            plans.due_at,
            Some(Utc.with_ymd_and_hms(2026, 12, 20, 15, 59, 0).unwrap())
        );
        assert_eq!(plans.late, LateRule::Refuse);
        let bad = EventForm {
            plan_due_date: "20-12-2026".into(),
            ..form()
        };
        let errors = check_event_form(&bad).unwrap_err();
        assert_eq!(errors[0].field, "plan_due_date");
    }

    #[test]
    fn attendance_rules_are_whole_numbers_to_100_checked_field_by_field() {
        assert_eq!(check_event_form(&form()).unwrap().rules, Rules::default());
        let set = EventForm {
            late_after_minutes: Some("10".into()),
            left_early_minutes: Some("0".into()),
            session_percent: Some(" 75 ".into()),
            event_percent: Some("100".into()),
            ..form()
        };
        assert_eq!(
            check_event_form(&set).unwrap().rules,
            Rules {
                late_after_minutes: 10,
                left_early_minutes: 0,
                session_percent: 75,
                event_percent: 100,
            }
        );
        let bad = EventForm {
            late_after_minutes: Some("-1".into()),
            left_early_minutes: Some("101".into()),
            session_percent: Some("80 %".into()),
            event_percent: Some("7.5".into()),
            ..form()
        };
        let errors = check_event_form(&bad).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| (&*e.field, e.message)).collect();
        assert_eq!(
            fields,
            [
                ("late_after_minutes", "event.error.rule_minutes"),
                ("left_early_minutes", "event.error.rule_minutes"),
                ("session_percent", "event.error.rule_percent"),
                ("event_percent", "event.error.rule_percent"),
            ]
        );
    }

    #[test]
    fn slugs_are_plain() {
        assert!(is_valid_slug("bimtek-2020"));
        for bad in [
            "ab",
            "-bimtek",
            "bimtek-",
            "bim--tek",
            "bimtek_2020",
            "bímtek",
        ] {
            assert!(!is_valid_slug(bad), "{bad}");
        }
        assert!(!is_valid_slug(&"a".repeat(SLUG_MAX + 1)));
    }
}
