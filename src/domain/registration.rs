//! Registration rules: how a participant's contact data is checked and
//! normalised, and which state a registration takes as seats fill up.

use chrono::{Datelike, NaiveDate};

/// Indonesian mobile numbers as people write them ("0812-3456-7890",
/// "+62 812 3456 7890", "62812…", "(0812) 3456 7890") become +62…, the
/// form WhatsApp links need. Only mobile numbers (8…) are accepted.
pub fn normalise_whatsapp(raw: &str) -> Option<String> {
    let trimmed = raw.trim();
    if trimmed
        .chars()
        .any(|c| !(c.is_ascii_digit() || " -.()+".contains(c)))
    {
        return None;
    }
    let plus = trimmed.starts_with('+');
    let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
    let national = if plus {
        digits.strip_prefix("62")?
    } else if let Some(rest) = digits.strip_prefix("62") {
        rest
    } else {
        digits.strip_prefix('0').unwrap_or(&digits)
    };
    let valid = national.starts_with('8') && (9..=12).contains(&national.len());
    valid.then(|| format!("+62{national}"))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gender {
    Male,
    Female,
}

/// What an 18-digit civil-servant number (NIP) says about its holder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Nip {
    pub birth_date: NaiveDate,
    pub gender: Gender,
}

/// NIP = birth date (YYYYMMDD) + appointment month (YYYYMM) + gender
/// (1 male, 2 female) + a sequence (001–999). A number is plausible when
/// each part is a real value: an adult born at most 70 years ago, appointed
/// at 18 or later and not in the future. Returns a catalogue key otherwise.
pub fn check_nip(raw: &str, today: NaiveDate) -> Result<Nip, &'static str> {
    let nip: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    if nip.len() != 18 || !nip.bytes().all(|b| b.is_ascii_digit()) {
        return Err("registration.error.nip_format");
    }
    let number = |range: std::ops::Range<usize>| nip[range].parse::<u32>().expect("digits");
    let birth_date = NaiveDate::from_ymd_opt(number(0..4) as i32, number(4..6), number(6..8))
        .ok_or("registration.error.nip_birth_date")?;
    let age = today
        .years_since(birth_date)
        .ok_or("registration.error.nip_birth_date")?;
    if !(18..=70).contains(&age) {
        return Err("registration.error.nip_birth_date");
    }
    let appointed = NaiveDate::from_ymd_opt(number(8..12) as i32, number(12..14), 1)
        .ok_or("registration.error.nip_appointment")?;
    let adult = NaiveDate::from_ymd_opt(birth_date.year() + 18, 1, 1).expect("a valid year");
    if appointed < adult || appointed > today {
        return Err("registration.error.nip_appointment");
    }
    let gender = match &nip[14..15] {
        "1" => Gender::Male,
        "2" => Gender::Female,
        _ => return Err("registration.error.nip_gender"),
    };
    if number(15..18) == 0 {
        return Err("registration.error.nip_format");
    }
    Ok(Nip { birth_date, gender })
}

/// The kinds of library a participant works at.
pub const LIBRARY_TYPES: [&str; 7] = [
    "provinsi",
    "kabupaten_kota",
    "desa",
    "sekolah",
    "perguruan_tinggi",
    "khusus",
    "lainnya",
];

pub const GENDERS: [&str; 2] = ["perempuan", "laki_laki"];

/// What a participant typed, as received.
#[derive(Clone, Debug, Default)]
pub struct Form {
    pub full_name: String,
    pub email: String,
    pub whatsapp: String,
    pub nip: String,
    pub institution: String,
    pub position: String,
    pub province_code: String,
    pub regency_code: String,
    pub library_type: String,
    pub gender: String,
    pub disability: String,
    pub consent: bool,
}

impl Form {
    /// From submitted form fields by name; an unchecked box is absent.
    pub fn from_fields(fields: &std::collections::HashMap<String, String>) -> Form {
        let field = |name: &str| fields.get(name).cloned().unwrap_or_default();
        Form {
            full_name: field("full_name"),
            email: field("email"),
            whatsapp: field("whatsapp"),
            nip: field("nip"),
            institution: field("institution"),
            position: field("position"),
            province_code: field("province_code"),
            regency_code: field("regency_code"),
            library_type: field("library_type"),
            gender: field("gender"),
            disability: field("disability"),
            consent: fields.contains_key("consent"),
        }
    }
}

/// The same, checked and normalised.
#[derive(Clone, Debug, PartialEq)]
pub struct Checked {
    pub full_name: String,
    pub email: String,
    pub whatsapp: String,
    pub nip: Option<String>,
    pub institution: String,
    pub position: String,
    pub province_code: String,
    pub regency_code: String,
    pub library_type: String,
    pub gender: String,
    pub disability: Option<String>,
}

/// Checks every field and reports all that are wrong at once. Whether the
/// region codes exist is the service's question (it needs the list).
pub fn check_form(form: &Form, today: NaiveDate) -> Result<Checked, Vec<super::event::FieldError>> {
    use super::event::FieldError;
    use super::text::Text;
    let mut errors = Vec::new();
    let (full_name, institution, position, disability) = (
        Text::NAME.or_note(&mut errors, "full_name", &form.full_name),
        Text::LINE.or_note(&mut errors, "institution", &form.institution),
        Text::LINE.or_note(&mut errors, "position", &form.position),
        Text::LINE.or_note(&mut errors, "disability", &form.disability),
    );
    let refused: Vec<_> = errors.iter().map(|e| e.field.clone()).collect();
    let named = |field: &str| refused.iter().any(|f| f == field);
    let mut fail = |field, message| errors.push(FieldError::new(field, message));
    if full_name.is_empty() && !named("full_name") {
        fail("full_name", "registration.error.full_name");
    }
    let email = super::account::normalise_email(&form.email);
    if email.is_none() {
        fail("email", "account.error.email");
    }
    let whatsapp = normalise_whatsapp(&form.whatsapp);
    if whatsapp.is_none() {
        fail("whatsapp", "registration.error.whatsapp");
    }
    let nip: String = form.nip.chars().filter(|c| !c.is_whitespace()).collect();
    if !nip.is_empty()
        && let Err(message) = check_nip(&nip, today)
    {
        fail("nip", message);
    }
    for (field, value) in [("institution", &institution), ("position", &position)] {
        if value.is_empty() && !named(field) {
            fail(field, "registration.error.required");
        }
    }
    if form.province_code.trim().is_empty() {
        fail("province_code", "registration.error.province");
    }
    if !super::region::lies_in(form.regency_code.trim(), form.province_code.trim()) {
        fail("regency_code", "registration.error.regency");
    }
    if !LIBRARY_TYPES.contains(&form.library_type.as_str()) {
        fail("library_type", "registration.error.choose");
    }
    if !GENDERS.contains(&form.gender.as_str()) {
        fail("gender", "registration.error.choose");
    }
    if !form.consent {
        fail("consent", "registration.error.consent");
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Checked {
        full_name,
        email: email.expect("checked"),
        whatsapp: whatsapp.expect("checked"),
        nip: (!nip.is_empty()).then_some(nip),
        institution,
        position,
        province_code: form.province_code.trim().to_owned(),
        regency_code: form.regency_code.trim().to_owned(),
        library_type: form.library_type.clone(),
        gender: form.gender.clone(),
        disability: Some(disability).filter(|d| !d.is_empty()),
    })
}

impl Checked {
    /// What the organisers' search matches: one lower-cased line.
    pub fn search_text(&self) -> String {
        [
            self.full_name.as_str(),
            &self.email,
            &self.institution,
            &self.whatsapp,
            self.nip.as_deref().unwrap_or(""),
        ]
        .join(" ")
        .to_lowercase()
    }
}

/// Where a registration stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Waiting for the participant to confirm their address.
    Unconfirmed,
    /// Confirmed address, the event is moderated: an organiser decides.
    AwaitingApproval,
    /// No seat free; in line, first come first served.
    Waitlisted,
    Confirmed,
    Rejected,
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Unconfirmed,
        Status::AwaitingApproval,
        Status::Waitlisted,
        Status::Confirmed,
        Status::Rejected,
        Status::Cancelled,
    ];

    /// Still wants a seat (and may be told about changes).
    pub fn is_active(self) -> bool {
        !matches!(self, Status::Rejected | Status::Cancelled)
    }
}

/// What organisers look for in the list of registrations.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Matched anywhere in name, e-mail, institution, WhatsApp or NIP.
    pub text: Option<String>,
    pub status: Option<Status>,
    pub province_code: Option<String>,
    pub regency_code: Option<String>,
}

/// The seat situation of an event when a decision is made: taken under the
/// event's lock, so two decisions never see the same free seat.
#[derive(Clone, Copy, Debug)]
pub struct Seats {
    pub confirmed: u32,
    /// `None`: no limit.
    pub quota: Option<u32>,
}

impl Seats {
    pub fn free(self) -> bool {
        self.quota.is_none_or(|quota| self.confirmed < quota)
    }
}

/// The participant confirmed their address.
pub fn on_address_confirmed(moderated: bool, seats: Seats) -> Status {
    match (moderated, seats.free()) {
        (true, _) => Status::AwaitingApproval,
        (false, true) => Status::Confirmed,
        (false, false) => Status::Waitlisted,
    }
}

/// An organiser approved a registration awaiting approval (or moved one
/// from the waiting list): a seat if there is one, else the waiting list.
pub fn on_approved(seats: Seats) -> Status {
    if seats.free() {
        Status::Confirmed
    } else {
        Status::Waitlisted
    }
}

/// What organisers may do with registrations, one or many at a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Approve,
    Reject,
    /// From the waiting list to a seat, even past the quota: the
    /// organiser has decided to make room.
    Promote,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Approve => "approve",
            Decision::Reject => "reject",
            Decision::Promote => "promote",
        }
    }
}

/// Where a decision takes a registration, or `None` when it does not apply
/// to its state (a bulk action skips those).
pub fn decide(current: Status, decision: Decision, seats: Seats) -> Option<Status> {
    match (decision, current) {
        (Decision::Approve, Status::AwaitingApproval | Status::Rejected) => {
            Some(on_approved(seats))
        }
        (Decision::Reject, Status::Cancelled | Status::Rejected) => None,
        (Decision::Reject, _) => Some(Status::Rejected),
        (Decision::Promote, Status::Waitlisted) => Some(Status::Confirmed),
        _ => None,
    }
}

/// Whether the first in line gets the seat that just came free.
pub fn promote_after_cancel(seats: Seats, someone_waiting: bool) -> bool {
    someone_waiting && seats.free()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn decisions_apply_only_where_they_make_sense() {
        let full = Seats {
            confirmed: 2,
            quota: Some(2),
        };
        let free = Seats {
            confirmed: 1,
            quota: Some(2),
        };
        use Decision::*;
        assert_eq!(
            decide(Status::AwaitingApproval, Approve, free),
            Some(Status::Confirmed)
        );
        assert_eq!(
            decide(Status::AwaitingApproval, Approve, full),
            Some(Status::Waitlisted)
        );
        assert_eq!(decide(Status::Confirmed, Approve, free), None);
        assert_eq!(
            decide(Status::Waitlisted, Promote, full),
            Some(Status::Confirmed)
        );
        assert_eq!(decide(Status::Confirmed, Promote, free), None);
        assert_eq!(
            decide(Status::Confirmed, Reject, full),
            Some(Status::Rejected)
        );
        assert_eq!(decide(Status::Cancelled, Reject, full), None);
    }

    #[test]
    fn whatsapp_numbers_in_every_usual_form() {
        for raw in [
            "0812-3456-7890",
            "+62 812 3456 7890",
            "6281234567890",
            "(0812) 3456 7890",
            "812.3456.7890",
        ] {
            assert_eq!(
                normalise_whatsapp(raw).as_deref(),
                Some("+6281234567890"),
                "{raw}"
            );
        }
        assert_eq!(
            normalise_whatsapp("0811 234 567").as_deref(),
            Some("+62811234567")
        );
        for bad in [
            "",
            "0736-21234",
            "+1 812 3456 7890",
            "0812",
            "0812345678901234",
            "0812-3456-789O",
            "+62 +812",
        ] {
            assert_eq!(normalise_whatsapp(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_plausible_nip_tells_birth_date_and_gender() {
        let today = day(2026, 11, 24);
        let nip = check_nip("19850317 201001 2 004", today).unwrap();
        assert_eq!(
            nip,
            Nip {
                birth_date: day(1985, 3, 17),
                gender: Gender::Female
            }
        );
        assert_eq!(
            check_nip("198503172010011004", today).unwrap().gender,
            Gender::Male
        );
    }

    #[test]
    fn implausible_nips_say_what_is_wrong() {
        let today = day(2026, 11, 24);
        let cases = [
            ("1985031720100120", "registration.error.nip_format"),
            ("19850317201001200A", "registration.error.nip_format"),
            ("198502302010012004", "registration.error.nip_birth_date"),
            ("201503172010012004", "registration.error.nip_birth_date"),
            ("194003172010012004", "registration.error.nip_birth_date"),
            ("198503172030012004", "registration.error.nip_appointment"),
            ("198503171999012004", "registration.error.nip_appointment"),
            ("198503172010132004", "registration.error.nip_appointment"),
            ("198503172010013004", "registration.error.nip_gender"),
            ("198503172010012000", "registration.error.nip_format"),
        ];
        for (nip, expected) in cases {
            assert_eq!(check_nip(nip, today), Err(expected), "{nip}");
        }
    }

    #[test]
    fn seats_decide_between_confirmed_and_the_waiting_list() {
        let full = Seats {
            confirmed: 50,
            quota: Some(50),
        };
        let open = Seats {
            confirmed: 49,
            quota: Some(50),
        };
        let unlimited = Seats {
            confirmed: 10_000,
            quota: None,
        };
        assert_eq!(on_address_confirmed(false, open), Status::Confirmed);
        assert_eq!(on_address_confirmed(false, full), Status::Waitlisted);
        assert_eq!(on_address_confirmed(false, unlimited), Status::Confirmed);
        assert_eq!(on_address_confirmed(true, open), Status::AwaitingApproval);
        assert_eq!(on_approved(open), Status::Confirmed);
        assert_eq!(on_approved(full), Status::Waitlisted);
        assert!(promote_after_cancel(open, true));
        assert!(!promote_after_cancel(open, false));
        assert!(!promote_after_cancel(full, true));
    }

    fn form() -> Form {
        Form {
            full_name: "Siti Aminah, S.IPI".into(),
            email: "Siti@PerpusDes.example.id".into(),
            whatsapp: "0812-3456-7890".into(),
            nip: String::new(),
            institution: "Perpustakaan Desa Sukamaju".into(),
            position: "Pustakawan".into(),
            province_code: "17".into(),
            regency_code: "17.71".into(),
            library_type: "desa".into(),
            gender: "perempuan".into(),
            disability: " ".into(),
            consent: true,
        }
    }

    #[test]
    fn a_complete_form_is_normalised() {
        let checked = check_form(&form(), day(2026, 11, 24)).unwrap();
        assert_eq!(checked.email, "siti@perpusdes.example.id");
        assert_eq!(checked.whatsapp, "+6281234567890");
        assert_eq!((checked.nip, checked.disability), (None, None));
        assert_eq!(checked.full_name, "Siti Aminah, S.IPI");
    }

    #[test]
    fn every_wrong_field_is_named_at_once() {
        let bad = Form {
            full_name: " ".into(),
            whatsapp: "0736-21234".into(),
            nip: "12345".into(),
            regency_code: "16.71".into(),
            library_type: "rumah".into(),
            consent: false,
            ..form()
        };
        let fields: Vec<_> = check_form(&bad, day(2026, 11, 24))
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            [
                "full_name",
                "whatsapp",
                "nip",
                "regency_code",
                "library_type",
                "consent"
            ]
        );
    }

    #[test]
    fn rejected_and_cancelled_no_longer_want_a_seat() {
        assert!(!Status::Cancelled.is_active() && Status::Waitlisted.is_active());
    }
}
