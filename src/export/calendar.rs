//! iCalendar (RFC 5545) text for e-mailed invitations and a participant's
//! calendar feed, so a session lands at the right hour in Google Calendar,
//! Outlook or Apple Calendar whichever zone the participant lives in.
//!
//! Times keep their home zone (`DTSTART;TZID=Asia/Makassar:...`) with a
//! VTIMEZONE built from chrono-tz, because a participant in Makassar reads
//! "09.00 WITA" the way the organiser announced it. A zone whose offset
//! changes in the years an entry spans (daylight saving abroad) is written in
//! UTC instead: hand-made STANDARD/DAYLIGHT rules are easy to get subtly
//! wrong and Outlook reads only some shapes of them, while UTC is read right
//! everywhere and each client still shows the reader's own local time.

use chrono::{DateTime, Datelike, Duration, Offset, TimeZone, Utc};
use chrono_tz::Tz;

use crate::domain::time::zone_label;

const PRODID: &str = "-//bimtek//bimtek//ID";
/// RFC 5545 3.1: content lines SHOULD NOT be longer than 75 octets.
const MAX_LINE_OCTETS: usize = 75;

/// The iTIP (RFC 5546) method, which tells a mail client what to do with the
/// calendar: show a subscribed copy, add an invitation, or take it away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// A feed: entries to show, with no invitation semantics.
    Publish,
    /// An invitation e-mailed to the participant.
    Request,
    /// Withdraws entries earlier sent with `Request`.
    Cancel,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Publish => "PUBLISH",
            Self::Request => "REQUEST",
            Self::Cancel => "CANCEL",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub name: String,
    pub email: String,
}

/// The MIME type for the mail part or HTTP response; Outlook and Gmail look
/// for `method=` here, and it must match METHOD inside, so prefer
/// [`Calendar::content_type`] unless every entry has its organiser (and, for
/// `Request`, its attendee).
pub fn content_type(method: Method) -> String {
    format!("text/calendar; charset=utf-8; method={}", method.as_str())
}

/// One VEVENT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Must stay the same for the life of the event or session (e.g.
    /// `<session-id>@<host>`): clients match updates and cancellations by it.
    pub uid: String,
    /// Clients ignore an update or cancellation whose sequence is not higher
    /// than the last one they saw, so raise it each time the entry moves and
    /// once more for the cancellation.
    pub sequence: u32,
    /// When this version of the entry was produced (DTSTAMP).
    pub stamp: DateTime<Utc>,
    pub starts_at: DateTime<Utc>,
    /// An end not after `starts_at` writes no DTEND, so the entry lasts no
    /// time: RFC 5545 wants DTEND later than DTSTART.
    pub ends_at: DateTime<Utc>,
    /// The zone the organiser announced the times in.
    pub time_zone: Tz,
    pub summary: String,
    /// Left out when empty.
    pub description: String,
    /// A Zoom link or a place; left out when `None` or empty.
    pub location: Option<String>,
    pub url: Option<String>,
    /// Required by iTIP for `Request` and `Cancel`; see
    /// [`Calendar::effective_method`].
    pub organiser: Option<Person>,
    /// The participant the calendar is sent to. Not written for `Publish`:
    /// RFC 5546 forbids ATTENDEE there, and with it Apple Calendar would offer
    /// to answer an invitation nobody reads replies to.
    pub attendee: Option<Person>,
    /// Keeps the entry in a feed, shown as cancelled, rather than letting it
    /// vanish without a word. `Method::Cancel` marks every entry cancelled.
    pub cancelled: bool,
}

/// One `.ics` document.
///
/// RFC 5546 wants a `Request` or `Cancel` to carry a single UID, so an
/// invitation to several sessions is one calendar per session; a feed
/// (`Publish`) carries any number of entries.
#[derive(Debug, Clone, Copy)]
pub struct Calendar<'a> {
    pub method: Method,
    /// Shown by clients as the name of a subscribed feed (X-WR-CALNAME).
    pub name: Option<&'a str>,
    pub entries: &'a [Entry],
}

impl Calendar<'_> {
    /// The method actually written. iTIP requires an ORGANIZER on every
    /// `Request` and `Cancel` and an ATTENDEE on every `Request`, and clients
    /// may ignore messages that lack them, so a calendar missing either (or
    /// with no entries) falls back to `Publish`, which every client shows as
    /// a plain calendar. A fallen-back `Cancel` still marks its entries
    /// cancelled.
    pub fn effective_method(&self) -> Method {
        let complete = |entry: &Entry| {
            let has_organiser = contact(entry.organiser.as_ref()).is_some();
            match self.method {
                Method::Publish => true,
                Method::Request => has_organiser && contact(entry.attendee.as_ref()).is_some(),
                Method::Cancel => has_organiser,
            }
        };
        if !self.entries.is_empty() && self.entries.iter().all(complete) {
            self.method
        } else {
            Method::Publish
        }
    }

    /// [`content_type`] for the method actually written.
    pub fn content_type(&self) -> String {
        content_type(self.effective_method())
    }

    pub fn to_ics(&self) -> String {
        let method = self.effective_method();
        let zones = zone_plans(self.entries);
        let mut out = String::with_capacity(1024 + 1024 * self.entries.len());
        let mut line = |text: &str| push_folded(&mut out, text);

        line("BEGIN:VCALENDAR");
        line("VERSION:2.0");
        line(&format!("PRODID:{PRODID}"));
        line("CALSCALE:GREGORIAN");
        line(&format!("METHOD:{}", method.as_str()));
        if let Some(name) = self.name {
            line(&format!("X-WR-CALNAME:{}", text(name)));
        }
        for plan in &zones {
            if let Some(fixed) = &plan.fixed {
                write_vtimezone(&mut line, plan.zone, fixed);
            }
        }
        for entry in self.entries {
            let fixed = zones
                .iter()
                .find(|plan| plan.zone == entry.time_zone)
                .and_then(|plan| plan.fixed.is_some().then_some(plan.zone));
            let cancelled = entry.cancelled || self.method == Method::Cancel;
            write_vevent(&mut line, entry, method, fixed, cancelled);
        }
        line("END:VCALENDAR");
        out
    }
}

fn write_vevent(
    line: &mut impl FnMut(&str),
    entry: &Entry,
    method: Method,
    zone: Option<Tz>,
    cancelled: bool,
) {
    line("BEGIN:VEVENT");
    line(&format!("UID:{}", text(&entry.uid)));
    line(&format!("SEQUENCE:{}", entry.sequence));
    line(&format!("DTSTAMP:{}", utc_date_time(entry.stamp)));
    line(&format!("DTSTART{}", date_time(entry.starts_at, zone)));
    if entry.ends_at > entry.starts_at {
        line(&format!("DTEND{}", date_time(entry.ends_at, zone)));
    }
    line(&format!("SUMMARY:{}", text(&entry.summary)));
    if !entry.description.is_empty() {
        line(&format!("DESCRIPTION:{}", text(&entry.description)));
    }
    if let Some(location) = non_empty(entry.location.as_deref()) {
        line(&format!("LOCATION:{}", text(location)));
    }
    if let Some(url) = non_empty(entry.url.as_deref()) {
        line(&format!("URL:{}", uri(url)));
    }
    if let Some(organiser) = contact(entry.organiser.as_ref()) {
        line(&format!(
            "ORGANIZER{}:mailto:{}",
            common_name(&organiser.name),
            uri(&organiser.email)
        ));
    }
    if method != Method::Publish
        && let Some(attendee) = contact(entry.attendee.as_ref())
    {
        // The site has already confirmed the registration and reads no
        // replies: ACCEPTED with RSVP=FALSE files it without asking.
        line(&format!(
            "ATTENDEE{};ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE:mailto:{}",
            common_name(&attendee.name),
            uri(&attendee.email)
        ));
    }
    line(if cancelled {
        "STATUS:CANCELLED"
    } else {
        "STATUS:CONFIRMED"
    });
    line("END:VEVENT");
}

/// How a zone used by the entries is written.
struct ZonePlan {
    zone: Tz,
    /// `None` when the offset changes in the spanned years: entries in the
    /// zone are then written in UTC and the zone gets no VTIMEZONE.
    fixed: Option<FixedZone>,
}

struct FixedZone {
    offset_seconds: i32,
    /// The observance starts on 1 January of the first spanned year, the
    /// earliest moment the offset was checked for.
    from_year: i32,
    name: String,
}

/// One plan per zone, in order of first use, so output is deterministic.
fn zone_plans(entries: &[Entry]) -> Vec<ZonePlan> {
    let mut plans: Vec<ZonePlan> = Vec::new();
    for entry in entries {
        if plans.iter().any(|plan| plan.zone == entry.time_zone) {
            continue;
        }
        let in_zone = entries.iter().filter(|e| e.time_zone == entry.time_zone);
        let first = in_zone
            .clone()
            .flat_map(|e| [e.starts_at, e.ends_at])
            .min()
            .unwrap_or(entry.starts_at);
        let last = in_zone
            .flat_map(|e| [e.starts_at, e.ends_at])
            .max()
            .unwrap_or(entry.ends_at);
        plans.push(ZonePlan {
            zone: entry.time_zone,
            fixed: fixed_offset(entry.time_zone, first, last).map(|offset_seconds| FixedZone {
                offset_seconds,
                from_year: first.year(),
                name: zone_label(entry.time_zone, first),
            }),
        });
    }
    plans
}

/// The zone's offset if it is the same throughout the calendar years from
/// `first` to `last`. Sampled daily (no offset in the tz database lasts less
/// than a day), with a day's margin either side so the observance's local
/// start on 1 January is covered whatever the offset.
fn fixed_offset(zone: Tz, first: DateTime<Utc>, last: DateTime<Utc>) -> Option<i32> {
    let offset = |at: DateTime<Utc>| {
        zone.offset_from_utc_datetime(&at.naive_utc())
            .fix()
            .local_minus_utc()
    };
    let from = Utc.with_ymd_and_hms(first.year(), 1, 1, 0, 0, 0).single()? - Duration::days(1);
    let to = Utc
        .with_ymd_and_hms(last.year().checked_add(1)?, 1, 1, 0, 0, 0)
        .single()?
        + Duration::days(1);
    let expected = offset(from);
    let mut at = from;
    while at <= to {
        if offset(at) != expected {
            return None;
        }
        at += Duration::days(1);
    }
    (offset(to) == expected).then_some(expected)
}

fn write_vtimezone(line: &mut impl FnMut(&str), zone: Tz, fixed: &FixedZone) {
    let offset = utc_offset(fixed.offset_seconds);
    line("BEGIN:VTIMEZONE");
    line(&format!("TZID:{}", zone.name()));
    line("BEGIN:STANDARD");
    line(&format!("DTSTART:{:04}0101T000000", fixed.from_year));
    line(&format!("TZOFFSETFROM:{offset}"));
    line(&format!("TZOFFSETTO:{offset}"));
    line(&format!("TZNAME:{}", text(&fixed.name)));
    line("END:STANDARD");
    line("END:VTIMEZONE");
}

/// `;TZID=<zone>:<local>` for a zone with a VTIMEZONE, else `:<utc>Z`;
/// appended to the property name.
fn date_time(at: DateTime<Utc>, zone: Option<Tz>) -> String {
    match zone {
        Some(zone) => format!(
            ";TZID={}:{}",
            zone.name(),
            at.with_timezone(&zone).format("%Y%m%dT%H%M%S")
        ),
        None => format!(":{}", utc_date_time(at)),
    }
}

fn utc_date_time(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

/// RFC 5545 UTC-OFFSET: `+HHMM`, with seconds only when there are any.
fn utc_offset(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let total = seconds.unsigned_abs();
    let (hours, minutes, seconds) = (total / 3600, total / 60 % 60, total % 60);
    if seconds == 0 {
        format!("{sign}{hours:02}{minutes:02}")
    } else {
        format!("{sign}{hours:02}{minutes:02}{seconds:02}")
    }
}

/// A person with no address cannot be written as `mailto:`; treat as absent.
fn contact(person: Option<&Person>) -> Option<&Person> {
    person.filter(|person| !person.email.trim().is_empty())
}

fn non_empty(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

/// Control characters other than tab are not allowed in any value.
fn is_forbidden(c: char) -> bool {
    c.is_control() && c != '\t'
}

/// A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and line
/// breaks escaped; other control characters dropped.
fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 8);
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            c if is_forbidden(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// A URI or address is not TEXT: no escaping, only what may not appear in a
/// content line removed.
fn uri(value: &str) -> String {
    value.trim().chars().filter(|c| !is_forbidden(*c)).collect()
}

/// `;CN=...`, or nothing for a blank name. A parameter value cannot hold a
/// double quote at all, and must be quoted to hold `:`, `;` or `,`.
fn common_name(name: &str) -> String {
    let name: String = name
        .trim()
        .chars()
        .filter(|c| *c != '"' && !is_forbidden(*c))
        .collect();
    if name.is_empty() {
        String::new()
    } else if name.contains([':', ';', ',']) {
        format!(";CN=\"{name}\"")
    } else {
        format!(";CN={name}")
    }
}

/// Appends one content line, folded (RFC 5545 3.1) so no physical line
/// exceeds 75 octets and no UTF-8 character is split; a continuation line's
/// leading space counts towards its 75.
fn push_folded(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        let octets = c.len_utf8();
        if width + octets > MAX_LINE_OCTETS {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += octets;
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDateTime;

    // ---- A strict reader for the tests -------------------------------------
    //
    // Our own checks of RFC 5545's content-line grammar (line ends, line
    // length, names, parameter quoting, TEXT escapes, DATE-TIME and
    // UTC-OFFSET values, component nesting, required properties), and the
    // independent `icalendar` parser must accept the same text and find the
    // same tree, so the two cannot agree on a mistake of ours by accident.

    #[derive(Debug, Clone)]
    struct Prop {
        name: String,
        params: Vec<(String, String)>,
        /// As written, still escaped.
        raw: String,
    }

    #[derive(Debug, Clone)]
    struct Comp {
        name: String,
        props: Vec<Prop>,
        children: Vec<Comp>,
    }

    impl Prop {
        fn param(&self, name: &str) -> Option<&str> {
            self.params
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.as_str())
        }

        fn text(&self) -> String {
            unescape(&self.raw)
        }
    }

    impl Comp {
        fn all(&self, name: &str) -> Vec<&Prop> {
            self.props.iter().filter(|p| p.name == name).collect()
        }

        fn prop(&self, name: &str) -> &Prop {
            let found = self.all(name);
            assert_eq!(found.len(), 1, "{name} once in {}", self.name);
            found[0]
        }

        fn has(&self, name: &str) -> bool {
            !self.all(name).is_empty()
        }

        fn children(&self, name: &str) -> Vec<&Comp> {
            self.children.iter().filter(|c| c.name == name).collect()
        }

        fn events(&self) -> Vec<&Comp> {
            self.children("VEVENT")
        }

        fn time_zones(&self) -> Vec<&Comp> {
            self.children("VTIMEZONE")
        }
    }

    fn parse(ics: &str) -> Comp {
        assert!(ics.ends_with("\r\n"), "last line ends with CRLF");
        let physical: Vec<&str> = ics[..ics.len() - 2].split("\r\n").collect();
        let mut logical: Vec<String> = Vec::new();
        for line in &physical {
            assert!(!line.contains(['\r', '\n']), "bare CR or LF in {line:?}");
            assert!(
                line.len() <= MAX_LINE_OCTETS,
                "{} octets: {line:?}",
                line.len()
            );
            assert!(!line.is_empty(), "empty line");
            match line.strip_prefix([' ', '\t']) {
                Some(rest) => logical
                    .last_mut()
                    .expect("fold on first line")
                    .push_str(rest),
                None => logical.push((*line).to_string()),
            }
        }

        let mut stack = vec![Comp {
            name: String::new(),
            props: vec![],
            children: vec![],
        }];
        for line in &logical {
            let prop = content_line(line);
            match prop.name.as_str() {
                "BEGIN" => stack.push(Comp {
                    name: prop.raw,
                    props: vec![],
                    children: vec![],
                }),
                "END" => {
                    let done = stack.pop().expect("END without BEGIN");
                    assert_eq!(done.name, prop.raw, "END matches BEGIN");
                    stack
                        .last_mut()
                        .expect("END of the root")
                        .children
                        .push(done);
                }
                _ => {
                    assert!(stack.len() > 1, "property outside a component: {line}");
                    stack.last_mut().unwrap().props.push(prop);
                }
            }
        }
        assert_eq!(stack.len(), 1, "every BEGIN has its END");
        let mut root = stack.pop().unwrap();
        assert_eq!(root.children.len(), 1, "exactly one VCALENDAR");
        let calendar = root.children.remove(0);
        assert_eq!(calendar.name, "VCALENDAR");

        check_semantics(&calendar);
        agrees_with_icalendar_crate(ics, &calendar);
        calendar
    }

    fn is_name_char(c: char) -> bool {
        c.is_ascii_alphanumeric() || c == '-'
    }

    /// contentline = name *(";" param) ":" value
    fn content_line(line: &str) -> Prop {
        let name_end = line.find([';', ':']).expect("line has a colon");
        let name = &line[..name_end];
        assert!(
            !name.is_empty() && name.chars().all(is_name_char),
            "name {name:?}"
        );
        let mut rest = &line[name_end..];
        let mut params = Vec::new();
        while let Some(after) = rest.strip_prefix(';') {
            let eq = after.find('=').expect("param has '='");
            let key = &after[..eq];
            assert!(
                !key.is_empty() && key.chars().all(is_name_char),
                "param {key:?}"
            );
            let value_and_rest = &after[eq + 1..];
            let (value, tail) = if let Some(quoted) = value_and_rest.strip_prefix('"') {
                let close = quoted.find('"').expect("closing quote");
                (&quoted[..close], &quoted[close + 1..])
            } else {
                let end = value_and_rest.find([';', ':']).expect("param ends");
                let value = &value_and_rest[..end];
                assert!(!value.contains(','), "unquoted ',' in {line}");
                (value, &value_and_rest[end..])
            };
            assert!(!value.chars().any(is_forbidden), "control char in param");
            params.push((key.to_string(), value.to_string()));
            rest = tail;
        }
        let raw = rest.strip_prefix(':').expect("':' before value");
        assert!(!raw.chars().any(is_forbidden), "control char in {line:?}");
        Prop {
            name: name.to_string(),
            params,
            raw: raw.to_string(),
        }
    }

    /// TEXT unescaping that refuses anything RFC 5545 does not define.
    fn unescape(raw: &str) -> String {
        let mut out = String::new();
        let mut chars = raw.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some('\\') => out.push('\\'),
                    Some(';') => out.push(';'),
                    Some(',') => out.push(','),
                    Some('n' | 'N') => out.push('\n'),
                    other => panic!("bad escape \\{other:?} in {raw:?}"),
                },
                ';' | ',' => panic!("unescaped {c:?} in TEXT {raw:?}"),
                c => out.push(c),
            }
        }
        out
    }

    fn check_semantics(calendar: &Comp) {
        assert_eq!(calendar.prop("VERSION").raw, "2.0");
        assert_eq!(calendar.prop("PRODID").raw, PRODID);
        assert_eq!(calendar.prop("CALSCALE").raw, "GREGORIAN");
        let method = calendar.prop("METHOD").raw.clone();
        assert!(["PUBLISH", "REQUEST", "CANCEL"].contains(&method.as_str()));
        for zone in calendar.time_zones() {
            zone.prop("TZID");
            assert!(!zone.children.is_empty(), "an observance");
            for observance in &zone.children {
                assert!(["STANDARD", "DAYLIGHT"].contains(&observance.name.as_str()));
                local_date_time(&observance.prop("DTSTART").raw);
                offset_seconds(&observance.prop("TZOFFSETFROM").raw);
                offset_seconds(&observance.prop("TZOFFSETTO").raw);
                observance.prop("TZNAME").text();
            }
        }
        for event in calendar.events() {
            assert!(!event.prop("UID").text().is_empty());
            event.prop("SEQUENCE").raw.parse::<u32>().expect("SEQUENCE");
            assert!(event.prop("DTSTAMP").raw.ends_with('Z'));
            instant(calendar, event, "DTSTAMP");
            let start = instant(calendar, event, "DTSTART");
            if event.has("DTEND") {
                assert!(
                    instant(calendar, event, "DTEND") > start,
                    "DTEND after DTSTART"
                );
            }
            event.prop("SUMMARY").text();
            for name in ["DESCRIPTION", "LOCATION"] {
                for p in event.all(name) {
                    let _ = p.text();
                }
            }
            let status = &event.prop("STATUS").raw;
            assert!(status == "CONFIRMED" || status == "CANCELLED");
            for person in ["ORGANIZER", "ATTENDEE"] {
                for p in event.all(person) {
                    assert!(p.raw.starts_with("mailto:"), "{person} is mailto");
                }
            }
            match method.as_str() {
                "PUBLISH" => assert!(!event.has("ATTENDEE"), "no ATTENDEE in PUBLISH"),
                "REQUEST" => {
                    event.prop("ORGANIZER");
                    event.prop("ATTENDEE");
                }
                _ => {
                    event.prop("ORGANIZER");
                    assert_eq!(status, "CANCELLED");
                }
            }
        }
    }

    fn agrees_with_icalendar_crate(ics: &str, ours: &Comp) {
        fn same(theirs: &icalendar::parser::Component<'_>, ours: &Comp) {
            assert_eq!(theirs.name.as_str(), ours.name);
            let names: Vec<&str> = theirs.properties.iter().map(|p| p.name.as_str()).collect();
            let our_names: Vec<&str> = ours.props.iter().map(|p| p.name.as_str()).collect();
            assert_eq!(names, our_names, "properties of {}", ours.name);
            for (t, o) in theirs.properties.iter().zip(&ours.props) {
                let params: Vec<(&str, &str)> = t
                    .params
                    .iter()
                    .map(|p| (p.key.as_str(), p.val.as_ref().map_or("", |v| v.as_str())))
                    .collect();
                let our_params: Vec<(&str, &str)> = o
                    .params
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                assert_eq!(params, our_params, "parameters of {}", o.name);
            }
            assert_eq!(theirs.components.len(), ours.children.len());
            for (t, o) in theirs.components.iter().zip(&ours.children) {
                same(t, o);
            }
        }
        let unfolded = icalendar::parser::unfold(ics);
        let theirs = icalendar::parser::read_calendar(&unfolded)
            .unwrap_or_else(|e| panic!("icalendar crate rejects it: {e}\n{ics}"));
        same(
            &icalendar::parser::Component {
                name: "VCALENDAR".into(),
                properties: theirs.properties,
                components: theirs.components,
            },
            ours,
        );
    }

    fn local_date_time(raw: &str) -> NaiveDateTime {
        assert_eq!(raw.len(), 15, "DATE-TIME {raw:?}");
        NaiveDateTime::parse_from_str(raw, "%Y%m%dT%H%M%S")
            .unwrap_or_else(|e| panic!("DATE-TIME {raw:?}: {e}"))
    }

    fn offset_seconds(raw: &str) -> i32 {
        let sign = match &raw[..1] {
            "+" => 1,
            "-" => -1,
            _ => panic!("UTC-OFFSET sign in {raw:?}"),
        };
        assert!(raw.len() == 5 || raw.len() == 7, "UTC-OFFSET {raw:?}");
        let digits = |at: usize| raw[at..at + 2].parse::<i32>().expect("UTC-OFFSET digits");
        let seconds = if raw.len() == 7 { digits(5) } else { 0 };
        sign * (digits(1) * 3600 + digits(3) * 60 + seconds)
    }

    /// The instant a DATE-TIME property names, using the calendar's own
    /// VTIMEZONE (never chrono-tz), so a wrong VTIMEZONE shows up here.
    fn instant(calendar: &Comp, event: &Comp, name: &str) -> DateTime<Utc> {
        let prop = event.prop(name);
        if let Some(utc) = prop.raw.strip_suffix('Z') {
            assert!(prop.param("TZID").is_none(), "UTC with TZID");
            return local_date_time(utc).and_utc();
        }
        let tzid = prop.param("TZID").expect("no floating times");
        let local = local_date_time(&prop.raw);
        let zone = calendar
            .time_zones()
            .into_iter()
            .find(|z| z.prop("TZID").raw == tzid)
            .unwrap_or_else(|| panic!("no VTIMEZONE for {tzid}"));
        let observance = zone
            .children
            .iter()
            .inspect(|o| assert!(!o.has("RRULE") && !o.has("RDATE")))
            .filter(|o| local_date_time(&o.prop("DTSTART").raw) <= local)
            .max_by_key(|o| local_date_time(&o.prop("DTSTART").raw))
            .unwrap_or_else(|| panic!("{tzid} has no observance for {local}"));
        let offset = offset_seconds(&observance.prop("TZOFFSETTO").raw);
        (local - Duration::seconds(offset.into())).and_utc()
    }

    // ---- Fixtures -----------------------------------------------------------

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
    }

    /// 09:00–12:00 local time on 27 July 2020 in `zone`.
    fn morning(zone: Tz) -> (DateTime<Utc>, DateTime<Utc>) {
        let at = |h| {
            zone.with_ymd_and_hms(2020, 7, 27, h, 0, 0)
                .unwrap()
                .with_timezone(&Utc)
        };
        (at(9), at(12))
    }

    fn person(name: &str, email: &str) -> Person {
        Person {
            name: name.into(),
            email: email.into(),
        }
    }

    fn entry(uid: &str, zone: Tz) -> Entry {
        let (starts_at, ends_at) = morning(zone);
        Entry {
            uid: format!("{uid}@bimtek.example"),
            sequence: 0,
            stamp: utc(2020, 7, 1, 3, 0),
            starts_at,
            ends_at,
            time_zone: zone,
            summary: "Bimtek Pengelolaan Perpustakaan Desa".into(),
            description: "Sesi pertama".into(),
            location: Some("https://zoom.us/j/1234567890?pwd=abc".into()),
            url: Some("https://bimtek.example/acara/1".into()),
            organiser: Some(person(
                "Perpustakaan Nasional RI",
                "bimtek@perpusnas.example",
            )),
            attendee: Some(person("Siti Aminah", "siti@example.id")),
            cancelled: false,
        }
    }

    fn unfold(text: &str) -> String {
        text.replace("\r\n ", "")
    }

    fn ics(method: Method, entries: &[Entry]) -> String {
        Calendar {
            method,
            name: None,
            entries,
        }
        .to_ics()
    }

    // ---- Tests --------------------------------------------------------------

    #[test]
    fn nine_to_noon_round_trips_in_each_indonesian_zone() {
        let cases = [
            (Tz::Asia__Jakarta, "WIB", "+0700", utc(2020, 7, 27, 2, 0)),
            (Tz::Asia__Makassar, "WITA", "+0800", utc(2020, 7, 27, 1, 0)),
            (Tz::Asia__Jayapura, "WIT", "+0900", utc(2020, 7, 27, 0, 0)),
        ];
        for (zone, label, offset, nine_utc) in cases {
            let text = ics(Method::Request, &[entry("s1", zone)]);
            let name = zone.name();
            assert!(text.contains(&format!("DTSTART;TZID={name}:20200727T090000\r\n")));
            assert!(text.contains(&format!("DTEND;TZID={name}:20200727T120000\r\n")));
            let calendar = parse(&text);
            let [tz] = calendar.time_zones()[..] else {
                panic!("one VTIMEZONE")
            };
            assert_eq!(tz.prop("TZID").raw, name);
            let [standard] = tz.children("STANDARD")[..] else {
                panic!("one STANDARD")
            };
            assert!(tz.children("DAYLIGHT").is_empty());
            assert_eq!(standard.prop("TZOFFSETFROM").raw, offset);
            assert_eq!(standard.prop("TZOFFSETTO").raw, offset);
            assert_eq!(standard.prop("TZNAME").text(), label);
            assert_eq!(standard.prop("DTSTART").raw, "20200101T000000");
            let event = calendar.events()[0];
            assert_eq!(instant(&calendar, event, "DTSTART"), nine_utc);
            assert_eq!(
                instant(&calendar, event, "DTEND"),
                nine_utc + Duration::hours(3)
            );
            assert_eq!(event.prop("DTSTAMP").raw, "20200701T030000Z");
        }
    }

    #[test]
    fn long_indonesian_description_folds_between_characters() {
        let description = "Bimbingan teknis “Pengelolaan Perpustakaan Desa” — sesi ke-2 \
            untuk pustakawan di Kabupaten Sorong, Papua Barat Daya; silakan siapkan \
            katalog koleksi Anda.\nCatatan: materi dalam bahasa Indonesia 📚📚📚 \
            dan sertifikat dikirim setelah evaluasi ✓. Ééééééééééééééééééééééééééééééé \
            ééééééééééééééééééééééééééééééééééééééé 日本語の資料もあります。";
        let mut long = entry("s1", Tz::Asia__Jayapura);
        long.description = description.into();
        // Shift the text by one octet so fold points land in other places too.
        let mut shifted = long.clone();
        shifted.uid = "s2@bimtek.example".into();
        shifted.description = format!("x{description}");
        let text = ics(Method::Publish, &[long, shifted]);

        let calendar = parse(&text);
        for (event, expected) in calendar
            .events()
            .iter()
            .zip([description.to_string(), format!("x{description}")])
        {
            assert_eq!(event.prop("DESCRIPTION").text(), expected);
        }
        let lines: Vec<&str> = text.split("\r\n").collect();
        let folded = lines.iter().filter(|l| l.starts_with(' ')).count();
        assert!(folded >= 8, "{folded} continuation lines");
        for pair in lines.windows(2) {
            assert!(pair[0].len() <= MAX_LINE_OCTETS);
            if pair[1].starts_with(' ') {
                // Folded greedily: only a character that no longer fitted moved.
                let next = pair[1][1..].chars().next().unwrap();
                assert!(
                    pair[0].len() + next.len_utf8() > MAX_LINE_OCTETS,
                    "{pair:?}"
                );
            }
        }
    }

    #[test]
    fn folding_starts_at_seventy_six_octets() {
        let mut out = String::new();
        push_folded(&mut out, &"a".repeat(75));
        assert_eq!(out, format!("{}\r\n", "a".repeat(75)));
        out.clear();
        push_folded(&mut out, &"a".repeat(76));
        assert_eq!(out, format!("{}\r\n a\r\n", "a".repeat(75)));
        out.clear();
        push_folded(&mut out, &format!("{}é", "a".repeat(74)));
        assert_eq!(out, format!("{}\r\n é\r\n", "a".repeat(74)));
    }

    #[test]
    fn text_values_are_escaped() {
        let mut tricky = entry("s1", Tz::Asia__Makassar);
        tricky.summary = r"Bimtek: Katalogisasi; RDA, MARC\21".into();
        tricky.description = "Baris satu\r\nBaris dua\nBaris\ttiga\u{7}\rakhir \\n".into();
        tricky.location = Some("Ruang Rapat 2, Lt. 3; Gedung Layanan".into());
        let text = Calendar {
            method: Method::Publish,
            name: Some("Bimtek, Perpusnas; 2020"),
            entries: &[tricky.clone()],
        }
        .to_ics();
        assert!(text.contains("\r\nSUMMARY:Bimtek: Katalogisasi\\; RDA\\, MARC\\\\21\r\n"));
        assert!(text.contains("\r\nX-WR-CALNAME:Bimtek\\, Perpusnas\\; 2020\r\n"));
        assert!(
            text.contains("DESCRIPTION:Baris satu\\nBaris dua\\nBaris\ttiga\\nakhir \\\\n\r\n")
        );

        let calendar = parse(&text);
        assert_eq!(
            calendar.prop("X-WR-CALNAME").text(),
            "Bimtek, Perpusnas; 2020"
        );
        let event = calendar.events()[0];
        assert_eq!(event.prop("SUMMARY").text(), tricky.summary);
        assert_eq!(
            event.prop("DESCRIPTION").text(),
            "Baris satu\nBaris dua\nBaris\ttiga\nakhir \\n"
        );
        assert_eq!(
            event.prop("LOCATION").text(),
            "Ruang Rapat 2, Lt. 3; Gedung Layanan"
        );
        // A URI is not TEXT: its separators stay as they are.
        assert_eq!(event.prop("URL").raw, "https://bimtek.example/acara/1");
    }

    #[test]
    fn names_with_separators_are_quoted_in_parameters() {
        let mut named = entry("s1", Tz::Asia__Jakarta);
        named.organiser = Some(person(
            "Perpustakaan \"Nasional\", Jakarta: Pusat",
            "bimtek@perpusnas.example",
        ));
        named.attendee = Some(person("Dr. Siti; M.Hum", "siti@example.id"));
        let text = ics(Method::Request, &[named]);
        assert!(unfold(&text).contains(
            "\r\nORGANIZER;CN=\"Perpustakaan Nasional, Jakarta: Pusat\":mailto:bimtek@perpusnas.example\r\n"
        ));
        let calendar = parse(&text);
        let event = calendar.events()[0];
        let attendee = event.prop("ATTENDEE");
        assert_eq!(attendee.param("CN"), Some("Dr. Siti; M.Hum"));
        assert_eq!(attendee.param("ROLE"), Some("REQ-PARTICIPANT"));
        assert_eq!(attendee.param("PARTSTAT"), Some("ACCEPTED"));
        assert_eq!(attendee.param("RSVP"), Some("FALSE"));
        assert_eq!(attendee.raw, "mailto:siti@example.id");

        let mut plain = entry("s2", Tz::Asia__Jakarta);
        plain.attendee = Some(person("  ", "budi@example.id"));
        let text = ics(Method::Request, &[plain]);
        assert!(unfold(&text).contains("\r\nORGANIZER;CN=Perpustakaan Nasional RI:mailto:"));
        assert!(unfold(&text).contains(
            "\r\nATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE:mailto:budi@example.id\r\n"
        ));
        parse(&text);
    }

    #[test]
    fn feed_has_one_vtimezone_per_zone_and_no_attendee() {
        let mut entries = vec![
            entry("a", Tz::Asia__Jakarta),
            entry("b", Tz::Asia__Makassar),
            entry("c", Tz::Asia__Jakarta),
            entry("d", Tz::Asia__Jayapura),
        ];
        entries[2].starts_at += Duration::days(400);
        entries[2].ends_at += Duration::days(400);
        entries[3].cancelled = true;
        let calendar = Calendar {
            method: Method::Publish,
            name: Some("Jadwal Bimtek Siti"),
            entries: &entries,
        };
        assert_eq!(
            calendar.content_type(),
            "text/calendar; charset=utf-8; method=PUBLISH"
        );
        let text = calendar.to_ics();
        let parsed = parse(&text);
        assert_eq!(parsed.prop("METHOD").raw, "PUBLISH");
        assert_eq!(parsed.prop("X-WR-CALNAME").text(), "Jadwal Bimtek Siti");
        let zones: Vec<String> = parsed
            .time_zones()
            .iter()
            .map(|z| z.prop("TZID").raw.clone())
            .collect();
        assert_eq!(zones, ["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"]);
        let events = parsed.events();
        let uids: Vec<String> = events.iter().map(|e| e.prop("UID").text()).collect();
        assert_eq!(
            uids,
            ["a", "b", "c", "d"].map(|u| format!("{u}@bimtek.example"))
        );
        for (event, entry) in events.iter().zip(&entries) {
            assert_eq!(instant(&parsed, event, "DTSTART"), entry.starts_at);
            assert_eq!(instant(&parsed, event, "DTEND"), entry.ends_at);
            assert!(!event.has("ATTENDEE"));
            event.prop("ORGANIZER");
        }
        // The Jakarta zone covers both years its entries span.
        assert_eq!(
            parsed.time_zones()[0].children[0].prop("DTSTART").raw,
            "20200101T000000"
        );
        assert_eq!(events[2].prop("DTSTART").raw, "20210831T090000");
        assert_eq!(events[0].prop("STATUS").raw, "CONFIRMED");
        assert_eq!(events[3].prop("STATUS").raw, "CANCELLED");
    }

    #[test]
    fn invitation_then_cancellation() {
        let mut invited = entry("sesi-7", Tz::Asia__Makassar);
        invited.sequence = 2;
        let request = Calendar {
            method: Method::Request,
            name: None,
            entries: &[invited.clone()],
        };
        assert_eq!(request.effective_method(), Method::Request);
        assert_eq!(
            request.content_type(),
            "text/calendar; charset=utf-8; method=REQUEST"
        );
        let sent = parse(&request.to_ics());
        assert_eq!(sent.prop("METHOD").raw, "REQUEST");
        assert!(!sent.has("X-WR-CALNAME"));
        let event = sent.events()[0];
        assert_eq!(event.prop("STATUS").raw, "CONFIRMED");
        assert_eq!(event.prop("SEQUENCE").raw, "2");
        assert_eq!(
            event.prop("LOCATION").text(),
            "https://zoom.us/j/1234567890?pwd=abc"
        );

        let mut withdrawn = invited.clone();
        withdrawn.sequence = 3;
        withdrawn.stamp = utc(2020, 7, 20, 1, 0);
        let cancel = Calendar {
            method: Method::Cancel,
            name: None,
            entries: &[withdrawn],
        };
        assert_eq!(
            cancel.content_type(),
            "text/calendar; charset=utf-8; method=CANCEL"
        );
        let gone = parse(&cancel.to_ics());
        assert_eq!(gone.prop("METHOD").raw, "CANCEL");
        let cancelled = gone.events()[0];
        assert_eq!(cancelled.prop("UID").text(), event.prop("UID").text());
        assert_eq!(cancelled.prop("STATUS").raw, "CANCELLED");
        let sequence = |e: &Comp| e.prop("SEQUENCE").raw.parse::<u32>().unwrap();
        assert!(sequence(cancelled) > sequence(event));
        assert_eq!(cancelled.prop("ATTENDEE").raw, "mailto:siti@example.id");
    }

    #[test]
    fn itip_without_organiser_or_attendee_falls_back_to_publish() {
        let mut orphan = entry("s1", Tz::Asia__Jakarta);
        orphan.organiser = None;
        let no_organiser = Calendar {
            method: Method::Request,
            name: None,
            entries: std::slice::from_ref(&orphan),
        };
        assert_eq!(no_organiser.effective_method(), Method::Publish);
        assert_eq!(
            no_organiser.content_type(),
            "text/calendar; charset=utf-8; method=PUBLISH"
        );
        let parsed = parse(&no_organiser.to_ics());
        assert_eq!(parsed.prop("METHOD").raw, "PUBLISH");
        assert!(!parsed.events()[0].has("ORGANIZER"));
        assert!(!parsed.events()[0].has("ATTENDEE"));

        let mut blank = entry("s2", Tz::Asia__Jakarta);
        blank.attendee = Some(person("Siti", " "));
        assert_eq!(
            Calendar {
                method: Method::Request,
                name: None,
                entries: &[blank.clone()]
            }
            .effective_method(),
            Method::Publish
        );
        // A cancellation needs no attendee, and one that falls back still cancels.
        blank.attendee = None;
        let cancel = Calendar {
            method: Method::Cancel,
            name: None,
            entries: &[blank],
        };
        assert_eq!(cancel.effective_method(), Method::Cancel);
        let parsed = parse(&ics(Method::Cancel, &[orphan]));
        assert_eq!(parsed.prop("METHOD").raw, "PUBLISH");
        assert_eq!(parsed.events()[0].prop("STATUS").raw, "CANCELLED");

        let empty = Calendar {
            method: Method::Request,
            name: Some("Kosong"),
            entries: &[],
        };
        assert_eq!(empty.effective_method(), Method::Publish);
        assert!(parse(&empty.to_ics()).children.is_empty());
    }

    #[test]
    fn daylight_saving_zone_is_written_in_utc() {
        let summer = entry("nl-summer", Tz::Europe__Amsterdam);
        let mut winter = entry("nl-winter", Tz::Europe__Amsterdam);
        winter.starts_at = utc(2020, 1, 27, 8, 0); // 09:00 CET
        winter.ends_at = utc(2020, 1, 27, 11, 0);
        let text = ics(
            Method::Publish,
            &[summer, winter, entry("id", Tz::Asia__Jakarta)],
        );
        // 09:00 CEST is 07:00Z.
        assert!(text.contains("\r\nDTSTART:20200727T070000Z\r\n"));
        assert!(text.contains("\r\nDTEND:20200727T100000Z\r\n"));
        assert!(text.contains("\r\nDTSTART:20200127T080000Z\r\n"));
        assert!(!text.contains("Europe/Amsterdam"));
        let parsed = parse(&text);
        let zones = parsed.time_zones();
        assert_eq!(zones.len(), 1);
        assert_eq!(zones[0].prop("TZID").raw, "Asia/Jakarta");
        let events = parsed.events();
        assert_eq!(
            instant(&parsed, events[0], "DTSTART"),
            utc(2020, 7, 27, 7, 0)
        );
        assert_eq!(
            instant(&parsed, events[1], "DTSTART"),
            utc(2020, 1, 27, 8, 0)
        );
        assert_eq!(
            instant(&parsed, events[2], "DTSTART"),
            utc(2020, 7, 27, 2, 0)
        );
    }

    #[test]
    fn a_zone_is_fixed_only_in_years_without_a_change() {
        // Moscow left daylight saving in 2011 and moved from +04 to +03 on
        // 26 October 2014; since then it has kept +03.
        let mut moscow = entry("msk", Tz::Europe__Moscow);
        let text = ics(Method::Publish, std::slice::from_ref(&moscow));
        let parsed = parse(&text);
        let standard = &parsed.time_zones()[0].children[0];
        assert_eq!(standard.prop("TZOFFSETTO").raw, "+0300");
        assert_eq!(standard.prop("TZNAME").text(), "MSK");
        assert_eq!(
            instant(&parsed, parsed.events()[0], "DTSTART"),
            moscow.starts_at
        );

        moscow.starts_at = utc(2014, 3, 3, 6, 0);
        moscow.ends_at = utc(2014, 3, 3, 9, 0);
        let parsed = parse(&ics(Method::Publish, &[moscow]));
        assert!(parsed.time_zones().is_empty());
        assert_eq!(parsed.events()[0].prop("DTSTART").raw, "20140303T060000Z");

        // Half-hour and quarter-hour offsets are written as they are.
        let text = ics(Method::Publish, &[entry("np", Tz::Asia__Kathmandu)]);
        assert!(text.contains("\r\nTZOFFSETTO:+0545\r\n"));
        assert!(text.contains("\r\nDTSTART;TZID=Asia/Kathmandu:20200727T090000\r\n"));
        parse(&text);
        assert_eq!(utc_offset(-(3 * 3600 + 30 * 60)), "-0330");
        assert_eq!(utc_offset(7 * 3600 + 12), "+070012");
    }

    #[test]
    fn optional_fields_left_out_when_empty() {
        let mut bare = entry("s1", Tz::Asia__Jakarta);
        bare.description.clear();
        bare.location = Some("  ".into());
        bare.url = None;
        bare.ends_at = bare.starts_at;
        let text = ics(Method::Publish, &[bare]);
        let parsed = parse(&text);
        let event = parsed.events()[0];
        for name in ["DESCRIPTION", "LOCATION", "URL", "DTEND"] {
            assert!(!event.has(name), "{name} left out");
        }
    }

    #[test]
    #[should_panic(expected = "octets")]
    fn the_reader_rejects_long_lines() {
        let text = ics(Method::Publish, &[entry("s1", Tz::Asia__Jakarta)]);
        parse(&text.replace("SUMMARY:", &format!("SUMMARY:{}", "x".repeat(80))));
    }

    #[test]
    #[should_panic(expected = "unescaped")]
    fn the_reader_rejects_unescaped_text() {
        let text = ics(Method::Publish, &[entry("s1", Tz::Asia__Jakarta)]);
        parse(&text.replace("Sesi pertama", "Sesi, pertama"));
    }

    #[test]
    #[should_panic(expected = "icalendar crate rejects it")]
    fn the_other_parser_is_consulted() {
        let text = ics(Method::Publish, &[entry("s1", Tz::Asia__Jakarta)]);
        let ours = parse(&text);
        agrees_with_icalendar_crate(&text.replacen("END:STANDARD", "END:DAYLIGHT", 1), &ours);
    }
}
