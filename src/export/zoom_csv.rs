//! Zoom's participant report as organisers download it from Zoom's web
//! portal (`shared/zoom/CSV.md`): both header generations, one row per
//! join or one per person ("unique users"), with or without the meeting
//! block above, as Zoom writes it (a byte-order mark, CRLF, quoted times,
//! an empty trailing column) or as a spreadsheet saved it again (another
//! separator). Also the webinar attendee report, whose attendees' section
//! is read.
//!
//! Columns are found by their meaning, in any letter case. Times carry no
//! zone: they are returned as written, for the caller to read in the zone
//! the organiser confirms. Waiting-room rows and webinar registrants who
//! did not attend are counted and left out.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::spreadsheet::{LineCounter, MAX_ROWS, csv_reader, csv_text};

/// What the file holds per person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Mode {
    /// One row per join: each reconnection and each device its own.
    PerJoin,
    /// One row per person with their total minutes and no times: when they
    /// were there cannot be rebuilt.
    UniqueUsers,
}

/// The meeting block above the rows, when the file has one: what tells
/// whether the file belongs to the session.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meeting {
    /// Written with or without spaces (`812 3456 7890`).
    pub id: Option<i64>,
    pub topic: String,
    pub start: Option<NaiveDateTime>,
}

/// One row of the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    /// The line of the file, for messages.
    pub line: usize,
    /// The name cell as written.
    pub written: String,
    /// The name shown in the meeting.
    pub shown: String,
    /// The account's own name, when the person renamed themselves: Zoom
    /// writes it in the last balanced parentheses.
    pub original: Option<String>,
    /// Empty in the file (people not signed in): `None`.
    pub email: Option<String>,
    /// `Yes`/`No`; empty in some older files.
    pub guest: Option<bool>,
    pub presence: Presence,
}

impl Row {
    /// The name that stays the same on every join, whatever the person
    /// renamed themselves to: the account's, else the one shown.
    pub fn name(&self) -> &str {
        self.original.as_deref().unwrap_or(&self.shown)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Presence {
    /// As written, in no zone.
    Joined {
        join: NaiveDateTime,
        leave: NaiveDateTime,
    },
    /// A "unique users" total. Zoom rounds each join up to a minute.
    Total { minutes: u32 },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub meeting: Option<Meeting>,
    pub mode: Mode,
    pub rows: Vec<Row>,
    /// Rows of people waiting to be let in: not attendance.
    pub waiting_room: usize,
    /// Webinar registrants marked as not attending.
    pub not_attended: usize,
}

/// Why a file cannot be read as a participant report.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CsvError {
    #[error("the file is not text")]
    Unreadable,
    #[error("no participant rows found")]
    NoParticipants,
    #[error("more than {limit} rows")]
    TooManyRows { limit: usize },
    #[error("line {line}: the time {value:?} cannot be read")]
    Time { line: usize, value: String },
    #[error("line {line}: the minutes {value:?} cannot be read")]
    Minutes { line: usize, value: String },
}

impl CsvError {
    /// Message catalogue key; fill its placeholders with [`CsvError::args`].
    pub fn key(&self) -> &'static str {
        match self {
            CsvError::Unreadable => "attendance_import.error.unreadable",
            CsvError::NoParticipants => "attendance_import.error.no_participants",
            CsvError::TooManyRows { .. } => "attendance_import.error.too_many_rows",
            CsvError::Time { .. } => "attendance_import.error.time",
            CsvError::Minutes { .. } => "attendance_import.error.minutes",
        }
    }

    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            CsvError::Unreadable | CsvError::NoParticipants => Vec::new(),
            CsvError::TooManyRows { limit } => vec![("limit", limit.to_string())],
            CsvError::Time { line, value } | CsvError::Minutes { line, value } => {
                vec![("line", line.to_string()), ("value", value.clone())]
            }
        }
    }
}

/// What a participant header's columns mean.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Column {
    Name,
    Email,
    Join,
    Leave,
    Total,
    Guest,
    WaitingRoom,
    Attended,
}

/// Lower-case letters and digits only: "Join Time", "Join time" and
/// "join_time" meet.
fn key(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase()
}

fn column_of(header: &str) -> Option<Column> {
    let key = key(header);
    let column = match key.as_str() {
        // "Name (Original Name)", and the webinar's "User Name (Original Name)".
        k if k.starts_with("name") || k.starts_with("username") => Column::Name,
        "email" | "useremail" | "emailaddress" => Column::Email,
        "jointime" => Column::Join,
        "leavetime" => Column::Leave,
        k if k.starts_with("totalduration") => Column::Total,
        "guest" | "isguest" => Column::Guest,
        "inwaitingroom" => Column::WaitingRoom,
        "attended" => Column::Attended,
        _ => return None,
    };
    Some(column)
}

/// The columns of a participant header, and its mode; `None` for any
/// other line.
fn participant_header(cells: &[&str]) -> Option<(Vec<Option<Column>>, Mode)> {
    let columns: Vec<Option<Column>> = cells.iter().map(|c| column_of(c)).collect();
    let has = |wanted: Column| columns.contains(&Some(wanted));
    if !has(Column::Name) {
        return None;
    }
    let mode = if has(Column::Join) && has(Column::Leave) {
        Mode::PerJoin
    } else if has(Column::Total) {
        Mode::UniqueUsers
    } else {
        return None;
    };
    Some((columns, mode))
}

/// Where the meeting block's values are, if `cells` is its header:
/// (id, topic, start).
fn meeting_header(cells: &[&str]) -> Option<(usize, Option<usize>, usize)> {
    let keys: Vec<String> = cells.iter().map(|c| key(c)).collect();
    let find = |names: &[&str]| keys.iter().position(|k| names.contains(&k.as_str()));
    let id = find(&["meetingid", "id", "webinarid"])?;
    let start = find(&["starttime", "actualstarttime"])?;
    Some((id, find(&["topic"]), start))
}

fn meeting(at: (usize, Option<usize>, usize), cells: &[&str]) -> Meeting {
    let (id, topic, start) = at;
    let cell = |i: usize| cells.get(i).copied().unwrap_or_default();
    let digits: String = cell(id)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    Meeting {
        id: digits.parse().ok(),
        topic: topic.map(|i| cell(i).to_owned()).unwrap_or_default(),
        start: parse_time(cell(start)),
    }
}

/// The time formats Zoom writes: `11/19/2021 9:54:15 AM` (the hour with or
/// without its zero), the webinar's `Mar 22, 2025 19:13:27`, and what a
/// spreadsheet may make of them when it saves the file again.
const TIME_FORMATS: [&str; 7] = [
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%b %d, %Y %H:%M:%S",
    "%b %d, %Y %I:%M:%S %p",
    "%Y-%m-%d %H:%M:%S",
];

pub fn parse_time(text: &str) -> Option<NaiveDateTime> {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    TIME_FORMATS
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(&text, format).ok())
}

/// "Budi - Perpus Desa (Budi Santoso)" is Budi Santoso's account, shown
/// as "Budi - Perpus Desa". Only the last balanced parentheses at the end
/// hold the account's name: "Siti (Perpus Kota) (Siti Aminah)" is shown as
/// "Siti (Perpus Kota)".
fn split_name(written: &str) -> (String, Option<String>) {
    let written = written.trim();
    let whole = || (written.to_owned(), None);
    let Some(body) = written.strip_suffix(')') else {
        return whole();
    };
    let mut depth = 0usize;
    for (at, c) in body.char_indices().rev() {
        match c {
            ')' => depth += 1,
            '(' if depth > 0 => depth -= 1,
            '(' => {
                let shown = body[..at].trim();
                let original = body[at + 1..].trim();
                return match (shown.is_empty(), original.is_empty()) {
                    (_, true) => whole(),
                    (true, false) => (original.to_owned(), None),
                    (false, false) => (shown.to_owned(), Some(original.to_owned())),
                };
            }
            _ => {}
        }
    }
    whole()
}

fn yes(value: &str) -> Option<bool> {
    match key(value).as_str() {
        "yes" | "y" | "ya" | "true" => Some(true),
        "no" | "n" | "tidak" | "false" => Some(false),
        _ => None,
    }
}

/// Reads a downloaded report. Never panics, whatever the bytes.
pub fn read(bytes: &[u8]) -> Result<Report, CsvError> {
    let text = csv_text(bytes).ok_or(CsvError::Unreadable)?;
    let mut reader = csv_reader(&text);
    let mut lines = LineCounter::new(text.as_bytes());
    let mut record = csv::StringRecord::new();
    let mut report = Report {
        meeting: None,
        mode: Mode::PerJoin,
        rows: Vec::new(),
        waiting_room: 0,
        not_attended: 0,
    };
    let mut columns: Option<Vec<Option<Column>>> = None;
    let mut block_header = None;
    // A webinar report has sections (host, panelists, attendees); only the
    // attendees' is read. A meeting report has none.
    let mut in_read_section = true;
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(_) => return Err(CsvError::Unreadable),
        }
        let line = record.position().map_or(0, |p| lines.line_at(p.byte()));
        let cells: Vec<&str> = record.iter().map(str::trim).collect();
        let filled: Vec<&str> = cells.iter().copied().filter(|c| !c.is_empty()).collect();
        if filled.is_empty() {
            continue;
        }
        if let Some(at) = block_header.take() {
            report.meeting = Some(meeting(at, &cells));
            continue;
        }
        if let [title] = filled.as_slice()
            && key(title).ends_with("details")
        {
            in_read_section = key(title) == "attendeedetails";
            columns = None;
            continue;
        }
        if let Some((found, mode)) = participant_header(&cells) {
            if in_read_section {
                columns = Some(found);
                report.mode = mode;
            }
            continue;
        }
        let Some(columns) = &columns else {
            // Above the rows: the meeting block, or a webinar report's titles.
            if report.meeting.is_none() {
                block_header = meeting_header(&cells);
            }
            continue;
        };
        if report.rows.len() == MAX_ROWS {
            return Err(CsvError::TooManyRows { limit: MAX_ROWS });
        }
        if let Some(row) = read_row(&mut report, columns, &cells, line)? {
            report.rows.push(row);
        }
    }
    if has_rows(&report) {
        Ok(report)
    } else {
        Err(CsvError::NoParticipants)
    }
}

/// Whether the file had any row under a participant header, counted or
/// left out.
fn has_rows(report: &Report) -> bool {
    !report.rows.is_empty() || report.waiting_room > 0 || report.not_attended > 0
}

fn read_row(
    report: &mut Report,
    columns: &[Option<Column>],
    cells: &[&str],
    line: usize,
) -> Result<Option<Row>, CsvError> {
    let cell = |wanted: Column| {
        columns
            .iter()
            .position(|c| *c == Some(wanted))
            .and_then(|at| cells.get(at).copied())
            .unwrap_or_default()
    };
    if yes(cell(Column::WaitingRoom)) == Some(true) {
        report.waiting_room += 1;
        return Ok(None);
    }
    if yes(cell(Column::Attended)) == Some(false) {
        report.not_attended += 1;
        return Ok(None);
    }
    let time = |column: Column| {
        let value = cell(column);
        parse_time(value).ok_or_else(|| CsvError::Time {
            line,
            value: value.to_owned(),
        })
    };
    let presence = match report.mode {
        Mode::PerJoin => Presence::Joined {
            join: time(Column::Join)?,
            leave: time(Column::Leave)?,
        },
        Mode::UniqueUsers => {
            let value = cell(Column::Total);
            let minutes = value.parse().map_err(|_| CsvError::Minutes {
                line,
                value: value.to_owned(),
            })?;
            Presence::Total { minutes }
        }
    };
    let written = cell(Column::Name).to_owned();
    let (shown, original) = split_name(&written);
    let email = cell(Column::Email);
    Ok(Some(Row {
        line,
        written,
        shown,
        original,
        email: (!email.is_empty()).then(|| email.to_owned()),
        guest: yes(cell(Column::Guest)),
        presence,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!(
            "{}/tests/api/support/fixtures/zoom-csv/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn at(date: (i32, u32, u32), h: u32, m: u32, s: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(date.0, date.1, date.2)
            .unwrap()
            .and_hms_opt(h, m, s)
            .unwrap()
    }

    fn joined(row: &Row) -> (NaiveDateTime, NaiveDateTime) {
        match row.presence {
            Presence::Joined { join, leave } => (join, leave),
            Presence::Total { .. } => panic!("a total in {row:?}"),
        }
    }

    fn total(row: &Row) -> u32 {
        match row.presence {
            Presence::Total { minutes } => minutes,
            Presence::Joined { .. } => panic!("times in {row:?}"),
        }
    }

    const DAY: (i32, u32, u32) = (2020, 7, 27);

    #[test]
    fn the_older_per_join_export_with_its_meeting_block() {
        let bytes = fixture("older-per-join.csv");
        assert!(bytes.starts_with("\u{feff}".as_bytes()) && bytes.windows(2).any(|w| w == b"\r\n"));
        let report = read(&bytes).unwrap();
        assert_eq!(
            report.meeting,
            Some(Meeting {
                id: Some(81_234_567_890),
                topic: "Bimtek Strategi Pengembangan Perpustakaan dan TIK".into(),
                start: Some(at(DAY, 8, 55, 12)),
            })
        );
        assert_eq!(report.mode, Mode::PerJoin);
        assert_eq!(report.rows.len(), 5);
        let budi = &report.rows[1];
        assert_eq!(budi.line, 6);
        assert_eq!(budi.name(), "Budi Santoso");
        assert_eq!(budi.email.as_deref(), Some("peserta1@perpusdes.example.id"));
        assert_eq!(budi.guest, Some(false));
        // The hour without its leading zero.
        assert_eq!(joined(budi), (at(DAY, 8, 58, 3), at(DAY, 10, 0, 0)));
        let renamed = &report.rows[2];
        assert_eq!(
            (renamed.shown.as_str(), renamed.name()),
            ("Budi - Perpus Desa", "Budi Santoso")
        );
        assert_eq!(joined(renamed).1, at(DAY, 12, 10, 0));
        let siti = &report.rows[3];
        assert_eq!(
            (siti.shown.as_str(), siti.name(), siti.email.as_deref()),
            ("Siti (Perpus Kota)", "Siti Aminah", None)
        );
        assert_eq!(siti.guest, Some(true));
        let phone = &report.rows[4];
        assert_eq!(
            (phone.name(), phone.email.as_deref()),
            ("+62 812 3456 7890", None)
        );
        assert_eq!(report.waiting_room, 0);
    }

    #[test]
    fn the_older_export_with_its_waiting_room_column_and_no_block() {
        let bytes = fixture("older-per-join-waiting.csv");
        assert!(!bytes.starts_with("\u{feff}".as_bytes()) && !bytes.contains(&b'\r'));
        let report = read(&bytes).unwrap();
        assert_eq!(report.meeting, None);
        assert_eq!(report.waiting_room, 1);
        assert_eq!(report.rows.len(), 1);
        assert_eq!(
            joined(&report.rows[0]),
            (at((2021, 11, 19), 9, 54, 15), at((2021, 11, 19), 11, 30, 0))
        );
    }

    #[test]
    fn the_current_per_join_export_quoted_with_a_trailing_column() {
        let report = read(&fixture("current-per-join.csv")).unwrap();
        let meeting = report.meeting.unwrap();
        assert_eq!(meeting.id, Some(81_234_567_890));
        assert_eq!(meeting.start, Some(at((2026, 6, 16), 8, 55, 26)));
        assert_eq!(report.mode, Mode::PerJoin);
        assert_eq!(report.waiting_room, 1, "Sari waited first");
        let names: Vec<&str> = report.rows.iter().map(Row::name).collect();
        assert_eq!(names, ["Rina Panitia", "Sari", "Sari", "Pak Joko"]);
        assert_eq!(
            joined(&report.rows[3]),
            (at((2026, 6, 16), 9, 15, 0), at((2026, 6, 16), 11, 45, 0))
        );
        assert_eq!(report.rows[2].written, "Sari HP (Sari)");
    }

    #[test]
    fn unique_users_exports_of_both_generations_give_totals() {
        let current = read(&fixture("current-unique.csv")).unwrap();
        assert_eq!(current.mode, Mode::UniqueUsers);
        assert_eq!(
            current.meeting.as_ref().and_then(|m| m.id),
            Some(81_234_567_890)
        );
        let totals: Vec<(&str, u32)> = current.rows.iter().map(|r| (r.name(), total(r))).collect();
        assert_eq!(
            totals,
            [("Rina Panitia", 186), ("Sari", 182), ("Pak Joko", 150)]
        );
        let older = read(&fixture("older-unique.csv")).unwrap();
        assert_eq!(older.mode, Mode::UniqueUsers);
        assert_eq!(older.meeting, None);
        let totals: Vec<(&str, Option<&str>, u32, Option<bool>)> = older
            .rows
            .iter()
            .map(|r| (r.name(), r.email.as_deref(), total(r), r.guest))
            .collect();
        assert_eq!(
            totals,
            [
                (
                    "Budi Santoso",
                    Some("peserta1@perpusdes.example.id"),
                    173,
                    Some(false)
                ),
                ("Call-in User_1", None, 95, None),
            ]
        );
    }

    #[test]
    fn a_webinar_report_gives_its_attendees_only() {
        let report = read(&fixture("webinar.csv")).unwrap();
        let meeting = report.meeting.unwrap();
        assert_eq!(meeting.id, Some(81_234_567_890));
        assert_eq!(meeting.start, Some(at((2025, 3, 22), 19, 0, 2)));
        assert_eq!(report.not_attended, 1);
        let names: Vec<&str> = report.rows.iter().map(Row::name).collect();
        assert_eq!(names, ["Budi Santoso", "Dedi"]);
        assert_eq!(
            joined(&report.rows[0]),
            (at((2025, 3, 22), 19, 13, 27), at((2025, 3, 22), 20, 40, 0))
        );
    }

    #[test]
    fn a_file_saved_again_by_a_spreadsheet_in_any_case_and_separator() {
        let text = "NAME (ORIGINAL NAME);USER EMAIL;JOIN TIME;LEAVE TIME;DURATION (MINUTES)\r\n\
                    Budi;b@x.id;7/27/2020 9:00;7/27/2020 13:30\r\n";
        let report = read(text.as_bytes()).unwrap();
        assert_eq!(
            joined(&report.rows[0]),
            (at(DAY, 9, 0, 0), at(DAY, 13, 30, 0))
        );
    }

    #[test]
    fn what_cannot_be_read_says_where() {
        let bad_time = "Name (Original Name),User Email,Join Time,Leave Time\n\
                        Budi,b@x.id,07/27/2020 09:00:00 AM,07/27/2020 10:00:00 AM\n\
                        Sari,s@x.id,27-07-2020 pukul 9,07/27/2020 10:00:00 AM\n";
        let error = read(bad_time.as_bytes()).unwrap_err();
        assert_eq!(
            error,
            CsvError::Time {
                line: 3,
                value: "27-07-2020 pukul 9".into()
            }
        );
        assert_eq!(error.key(), "attendance_import.error.time");
        let bad_total = "Name (original name),Email,Total duration (minutes)\nBudi,,sembilan\n";
        assert!(matches!(
            read(bad_total.as_bytes()),
            Err(CsvError::Minutes { line: 2, .. })
        ));
        let roster = "Nama lengkap,E-mail,Instansi\nBudi,b@x.id,Perpus\n";
        assert_eq!(read(roster.as_bytes()), Err(CsvError::NoParticipants));
        assert_eq!(read(b"%PDF-1.7\n\x00\x01"), Err(CsvError::Unreadable));
        assert_eq!(read(b""), Err(CsvError::NoParticipants));
    }

    /// Every message exists in both languages, its placeholders filled.
    #[test]
    fn every_error_reads_in_both_languages() {
        let errors = [
            CsvError::Unreadable,
            CsvError::NoParticipants,
            CsvError::TooManyRows { limit: 20_000 },
            CsvError::Time {
                line: 7,
                value: "x".into(),
            },
            CsvError::Minutes {
                line: 7,
                value: "x".into(),
            },
        ];
        for error in errors {
            for lang in crate::i18n::Lang::ALL {
                let args = error.args();
                let args: Vec<(&str, &dyn std::fmt::Display)> = args
                    .iter()
                    .map(|(name, value)| (*name, value as &dyn std::fmt::Display))
                    .collect();
                let text = lang.tf(error.key(), &args);
                assert!(
                    text != "…" && !text.contains('{'),
                    "{}: {text}",
                    error.key()
                );
            }
        }
    }

    #[test]
    fn the_account_name_is_in_the_last_balanced_parentheses() {
        let split = |s: &str| split_name(s);
        assert_eq!(split("Budi Santoso"), ("Budi Santoso".into(), None));
        assert_eq!(
            split("Budi (HP (lama)) (Budi Santoso)"),
            ("Budi (HP (lama))".into(), Some("Budi Santoso".into()))
        );
        assert_eq!(
            split("Budi (HP (lama))"),
            ("Budi".into(), Some("HP (lama)".into()))
        );
        assert_eq!(split("(Budi)"), ("Budi".into(), None));
        assert_eq!(split("Budi ()"), ("Budi ()".into(), None));
        assert_eq!(split("Budi )"), ("Budi )".into(), None));
    }

    #[test]
    fn times_in_every_form_zoom_writes() {
        let t = |s: &str| parse_time(s);
        assert_eq!(
            t("11/19/2021 9:54:15 AM"),
            Some(at((2021, 11, 19), 9, 54, 15))
        );
        assert_eq!(
            t("11/19/2021 09:54:15 PM"),
            Some(at((2021, 11, 19), 21, 54, 15))
        );
        assert_eq!(
            t("11/19/2021 12:05:00 AM"),
            Some(at((2021, 11, 19), 0, 5, 0))
        );
        assert_eq!(
            t("Mar 22, 2025 19:13:27"),
            Some(at((2025, 3, 22), 19, 13, 27))
        );
        assert_eq!(
            t("2025-03-22 19:13:27"),
            Some(at((2025, 3, 22), 19, 13, 27))
        );
        assert_eq!(t("--"), None);
        assert_eq!(t("13/19/2021 9:54:15 AM"), None);
    }
}
