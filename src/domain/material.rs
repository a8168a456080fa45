//! Session materials (slides, handouts, a link to a recording): who may
//! read one and from when, what a material form may hold, and which part
//! of a file a download asks for.

use chrono::{DateTime, NaiveDate, Timelike, Utc};
use chrono_tz::Tz;

use super::event::FieldError;
use super::time::local_to_utc;

/// Who may see a material, beside the event's organisers and the
/// session's speakers, who always may.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Visibility {
    /// Participants holding a confirmed seat (and the event's team).
    #[default]
    Registered,
    /// Anyone, signed in or not.
    Public,
    /// The event's organisers and the session's speakers only.
    Organisers,
}

impl Visibility {
    pub const ALL: [Visibility; 3] = [
        Visibility::Registered,
        Visibility::Public,
        Visibility::Organisers,
    ];

    /// As forms send it and the column stores it.
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Registered => "registered",
            Visibility::Public => "public",
            Visibility::Organisers => "organisers",
        }
    }

    pub fn parse(s: &str) -> Option<Visibility> {
        Visibility::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// From when participants may read a material.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Availability {
    #[default]
    Now,
    SessionStart,
    SessionEnd,
}

impl Availability {
    pub const ALL: [Availability; 3] = [
        Availability::Now,
        Availability::SessionStart,
        Availability::SessionEnd,
    ];

    /// As forms send it and the column stores it.
    pub fn as_str(self) -> &'static str {
        match self {
            Availability::Now => "now",
            Availability::SessionStart => "session_start",
            Availability::SessionEnd => "session_end",
        }
    }

    pub fn parse(s: &str) -> Option<Availability> {
        Availability::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// The moment it opens to participants; `None`: already.
    pub fn from(
        self,
        session_start: DateTime<Utc>,
        session_end: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        match self {
            Availability::Now => None,
            Availability::SessionStart => Some(session_start),
            Availability::SessionEnd => Some(session_end),
        }
    }
}

/// How the reader stands to the material's session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reader {
    /// An organiser of the event, or an administrator.
    Organiser,
    /// A speaker of the material's session.
    Speaker,
    /// A participant with a confirmed seat, or a member of the event's team.
    Participant,
    /// Signed in, with no seat in the event.
    Stranger,
    Anonymous,
}

impl Reader {
    /// Organisers and the session's speakers see every material, hidden or
    /// not yet open, and each earlier version.
    pub fn keeps(self) -> bool {
        matches!(self, Reader::Organiser | Reader::Speaker)
    }
}

/// What a material is, as far as reading it goes.
#[derive(Clone, Copy, Debug)]
pub struct Terms {
    pub visibility: Visibility,
    pub availability: Availability,
    pub hidden: bool,
    pub session_start: DateTime<Utc>,
    pub session_end: DateTime<Utc>,
}

/// Why a reader may not have a material.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Hidden, or for organisers only: as if it did not exist.
    Unknown,
    /// For registered participants; whoever this is should sign in.
    SignIn,
    /// For registered participants, and this reader holds no seat.
    NotRegistered,
    /// Not open yet; it opens then.
    NotYet(DateTime<Utc>),
}

impl Terms {
    pub fn may_read(&self, reader: Reader, now: DateTime<Utc>) -> Result<(), Refusal> {
        if reader.keeps() {
            return Ok(());
        }
        if self.hidden || self.visibility == Visibility::Organisers {
            return Err(Refusal::Unknown);
        }
        if self.visibility == Visibility::Registered {
            match reader {
                Reader::Anonymous => return Err(Refusal::SignIn),
                Reader::Stranger => return Err(Refusal::NotRegistered),
                _ => {}
            }
        }
        match self.availability.from(self.session_start, self.session_end) {
            Some(at) if now < at => Err(Refusal::NotYet(at)),
            _ => Ok(()),
        }
    }
}

impl Terms {
    /// When the material opens (or opened) to the event's registered
    /// participants, put up at `added`; `None`: it never does (hidden, or
    /// for organisers only).
    pub fn opens_to_participants(&self, added: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if self.hidden || self.visibility == Visibility::Organisers {
            return None;
        }
        Some(
            self.availability
                .from(self.session_start, self.session_end)
                .map_or(added, |at| at.max(added)),
        )
    }
}

/// The hour of the day, in the event's zone, at which its registered
/// participants are told in one e-mail of the materials that opened to
/// them since the day before.
pub const DIGEST_HOUR: u32 = 18;

/// The day (in `zone`) whose digest tells of a material that opens at
/// `at`: that day's when it opens before [`DIGEST_HOUR`], else the next.
pub fn digest_day(at: DateTime<Utc>, zone: Tz) -> NaiveDate {
    let local = at.with_timezone(&zone);
    let day = local.date_naive();
    if local.hour() < DIGEST_HOUR {
        day
    } else {
        day.succ_opt().unwrap_or(day)
    }
}

/// When the digest of `day` is sent: at [`DIGEST_HOUR`] in `zone`.
pub fn digest_at(day: NaiveDate, zone: Tz) -> DateTime<Utc> {
    let local = day.and_time(chrono::NaiveTime::MIN) + chrono::Duration::hours(DIGEST_HOUR.into());
    local_to_utc(zone, local).unwrap_or_else(|| local.and_utc())
}

/// A material as its form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MaterialForm {
    pub title: String,
    pub visibility: String,
    pub availability: String,
    /// A link instead of a file (empty: a file).
    pub link: String,
}

/// A material form that passed its checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checked {
    pub title: String,
    pub visibility: Visibility,
    pub availability: Availability,
    pub link: Option<String>,
}

pub const TITLE_MAX: usize = 200;
pub const LINK_MAX: usize = 2000;

impl MaterialForm {
    pub fn from_pairs(fields: &[(String, String)]) -> MaterialForm {
        let value = |name: &str| {
            fields
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.trim().to_owned())
                .unwrap_or_default()
        };
        MaterialForm {
            title: value("title"),
            visibility: value("visibility"),
            availability: value("availability"),
            link: value("link"),
        }
    }

    /// The form's values checked; `has_file`: a file came with it.
    pub fn check(&self, has_file: bool) -> Result<Checked, Vec<FieldError>> {
        let mut errors = Vec::new();
        let title = self.title.trim();
        if title.is_empty() {
            errors.push(FieldError::new("title", "material.error.title"));
        } else if title.chars().count() > TITLE_MAX || title.chars().any(char::is_control) {
            errors.push(
                FieldError::new("title", "material.error.title_long")
                    .with_args(vec![("max", TITLE_MAX.to_string())]),
            );
        }
        let visibility = Visibility::parse(&self.visibility);
        if visibility.is_none() {
            errors.push(FieldError::new("visibility", "material.error.visibility"));
        }
        let availability = Availability::parse(&self.availability);
        if availability.is_none() {
            errors.push(FieldError::new(
                "availability",
                "material.error.availability",
            ));
        }
        let link = match (self.link.is_empty(), has_file) {
            (true, true) => None,
            (true, false) => {
                errors.push(FieldError::new("file", "material.error.nothing"));
                None
            }
            (false, true) => {
                errors.push(FieldError::new("link", "material.error.both"));
                None
            }
            (false, false) => match web_link(&self.link) {
                Some(link) => Some(link),
                None => {
                    errors.push(FieldError::new("link", "material.error.link"));
                    None
                }
            },
        };
        match (visibility, availability) {
            (Some(visibility), Some(availability)) if errors.is_empty() => Ok(Checked {
                title: title.to_owned(),
                visibility,
                availability,
                link,
            }),
            _ => Err(errors),
        }
    }
}

/// An address participants may be sent to: http or https with a host,
/// nothing that a browser would run (`javascript:`, `data:`).
pub fn web_link(raw: &str) -> Option<String> {
    if raw.len() > LINK_MAX || raw.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return None;
    }
    let url = url::Url::parse(raw).ok()?;
    (matches!(url.scheme(), "http" | "https") && url.host_str().is_some_and(|h| !h.is_empty()))
        .then(|| url.to_string())
}

/// What part of a file of `size` bytes a `Range` header asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// No range, or one this server does not serve in parts (several
    /// ranges, another unit): the whole file, as HTTP allows.
    Whole,
    /// Bytes `start..=end`.
    Range { start: u64, end: u64 },
    /// Starts past the end: 416.
    Unsatisfiable,
}

/// Reads `bytes=a-b`, `bytes=a-` and `bytes=-n` (RFC 9110, 14.1.2).
pub fn requested_part(header: Option<&str>, size: u64) -> Part {
    let Some(spec) = header.and_then(|h| h.trim().strip_prefix("bytes=")) else {
        return Part::Whole;
    };
    if spec.contains(',') {
        return Part::Whole;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return Part::Whole;
    };
    let number = |s: &str| -> Option<u64> {
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    match (first.trim(), last.trim()) {
        ("", suffix) => match number(suffix) {
            Some(0) => Part::Unsatisfiable,
            Some(_) if size == 0 => Part::Unsatisfiable,
            Some(n) => Part::Range {
                start: size.saturating_sub(n),
                end: size - 1,
            },
            None => Part::Whole,
        },
        (start, end) => {
            let Some(start) = number(start) else {
                return Part::Whole;
            };
            let end = match end {
                "" => size.saturating_sub(1),
                end => match number(end) {
                    Some(end) if end >= start => end.min(size.saturating_sub(1)),
                    _ => return Part::Whole,
                },
            };
            if start >= size {
                Part::Unsatisfiable
            } else {
                Part::Range { start, end }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2030, 7, 29, hour, 0, 0).unwrap()
    }

    fn terms(visibility: Visibility, availability: Availability) -> Terms {
        Terms {
            visibility,
            availability,
            hidden: false,
            session_start: at(2),
            session_end: at(4),
        }
    }

    #[test]
    fn who_reads_what_and_from_when() {
        use Availability::*;
        use Reader::*;
        use Visibility::*;
        let slides = terms(Registered, SessionEnd);
        assert_eq!(
            slides.may_read(Participant, at(3)),
            Err(Refusal::NotYet(at(4)))
        );
        assert_eq!(slides.may_read(Participant, at(4)), Ok(()));
        assert_eq!(slides.may_read(Anonymous, at(5)), Err(Refusal::SignIn));
        assert_eq!(
            slides.may_read(Stranger, at(5)),
            Err(Refusal::NotRegistered)
        );
        // The session's speakers and the organisers see it before it opens.
        assert_eq!(slides.may_read(Speaker, at(1)), Ok(()));
        assert_eq!(slides.may_read(Organiser, at(1)), Ok(()));

        let open = terms(Public, SessionStart);
        assert_eq!(open.may_read(Anonymous, at(1)), Err(Refusal::NotYet(at(2))));
        assert_eq!(open.may_read(Anonymous, at(2)), Ok(()));
        assert_eq!(open.may_read(Stranger, at(2)), Ok(()));

        let internal = terms(Organisers, Now);
        assert_eq!(internal.may_read(Participant, at(5)), Err(Refusal::Unknown));
        assert_eq!(internal.may_read(Speaker, at(5)), Ok(()));

        let hidden = Terms {
            hidden: true,
            ..terms(Public, Now)
        };
        assert_eq!(hidden.may_read(Anonymous, at(5)), Err(Refusal::Unknown));
        assert_eq!(hidden.may_read(Organiser, at(5)), Ok(()));
    }

    #[test]
    fn participants_are_told_of_what_opens_to_them_once_a_day() {
        use Availability::*;
        use Visibility::*;
        let added = at(1);
        assert_eq!(
            terms(Registered, Now).opens_to_participants(added),
            Some(at(1))
        );
        assert_eq!(
            terms(Public, SessionEnd).opens_to_participants(added),
            Some(at(4))
        );
        // Put up after its session ended: it opens as it is put up.
        assert_eq!(
            terms(Registered, SessionStart).opens_to_participants(at(6)),
            Some(at(6))
        );
        assert_eq!(terms(Organisers, Now).opens_to_participants(added), None);
        let hidden = Terms {
            hidden: true,
            ..terms(Registered, Now)
        };
        assert_eq!(hidden.opens_to_participants(added), None);

        // 29 July 2030 in WITA (UTC+8): up to 17.59 that day's digest,
        // from 18.00 the next day's; each sent at 18.00 WITA (10.00 UTC).
        let zone = Tz::Asia__Makassar;
        let day = NaiveDate::from_ymd_opt(2030, 7, 29).unwrap();
        assert_eq!(digest_day(at(9), zone), day);
        assert_eq!(digest_day(at(10), zone), day.succ_opt().unwrap());
        assert_eq!(digest_at(day, zone), at(10));
        // 23.00 UTC on the 28th is already the 29th in WITA.
        let late = Utc.with_ymd_and_hms(2030, 7, 28, 23, 0, 0).unwrap();
        assert_eq!(digest_day(late, zone), day);
    }

    fn form(title: &str, link: &str) -> MaterialForm {
        MaterialForm {
            title: title.into(),
            visibility: "registered".into(),
            availability: "now".into(),
            link: link.into(),
        }
    }

    fn check(form: &MaterialForm, has_file: bool) -> Result<Checked, Vec<&'static str>> {
        form.check(has_file)
            .map_err(|errors| errors.iter().map(|e| e.message).collect())
    }

    #[test]
    fn a_material_is_a_file_or_a_web_link_with_a_title() {
        let checked = check(&form("Strategi TPBIS", ""), true).unwrap();
        assert_eq!(checked.link, None);
        let video = check(&form("Rekaman", "https://video.example.id/sesi-1"), false).unwrap();
        assert_eq!(
            video.link.as_deref(),
            Some("https://video.example.id/sesi-1")
        );
        assert_eq!(
            check(&form("", ""), true),
            Err(vec!["material.error.title"])
        );
        assert_eq!(
            check(&form("Slide", ""), false),
            Err(vec!["material.error.nothing"])
        );
        assert_eq!(
            check(&form("Slide", "https://a.example.id"), true),
            Err(vec!["material.error.both"])
        );
        for bad in [
            "javascript:alert(1)",
            "data:text/html,hi",
            "ftp://files.example.id/a.pdf",
            "https://",
            "video.example.id",
            "https://a.example.id/ x",
        ] {
            assert_eq!(
                check(&form("Slide", bad), false),
                Err(vec!["material.error.link"]),
                "{bad}"
            );
        }
        let mut wrong = form("Slide", "");
        wrong.visibility = "everyone".into();
        wrong.availability = "later".into();
        assert_eq!(
            check(&wrong, true),
            Err(vec![
                "material.error.visibility",
                "material.error.availability"
            ])
        );
    }

    #[test]
    fn ranges_are_read_as_http_says() {
        let part = |h: &str| requested_part(Some(h), 1000);
        assert_eq!(requested_part(None, 1000), Part::Whole);
        assert_eq!(part("bytes=0-99"), Part::Range { start: 0, end: 99 });
        assert_eq!(
            part("bytes=900-"),
            Part::Range {
                start: 900,
                end: 999
            }
        );
        assert_eq!(
            part("bytes=-100"),
            Part::Range {
                start: 900,
                end: 999
            }
        );
        assert_eq!(part("bytes=-5000"), Part::Range { start: 0, end: 999 });
        assert_eq!(
            part("bytes=990-5000"),
            Part::Range {
                start: 990,
                end: 999
            }
        );
        assert_eq!(part("bytes=1000-"), Part::Unsatisfiable);
        assert_eq!(part("bytes=-0"), Part::Unsatisfiable);
        // Served whole: several ranges, another unit, nonsense.
        assert_eq!(part("bytes=0-1,5-6"), Part::Whole);
        assert_eq!(part("items=0-1"), Part::Whole);
        assert_eq!(part("bytes=5-1"), Part::Whole);
        assert_eq!(part("bytes=a-b"), Part::Whole);
        assert_eq!(requested_part(Some("bytes=0-"), 0), Part::Unsatisfiable);
    }
}
