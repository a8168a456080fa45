//! The organisers' registration list: pages of it, exports, and imports
//! from a spreadsheet (previewed, then confirmed).

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::Utc;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::db::models::{ImportRow, RegistrationRow};
use crate::db::repo::registrations as repo;
use crate::db::repo::{imports, regions};
use crate::db::{Db, DbConnection};
use crate::domain::account::Account;
use crate::domain::event::Event;
use crate::domain::question::{Question, check_answers};
use crate::domain::region::{Directory, Region, RegionLevel};
use crate::domain::registration::{Filter, Form, GENDERS, LIBRARY_TYPES, Status, check_form};
use crate::error::Error;
use crate::export::spreadsheet::{self, Format, Table};
use crate::i18n::Lang;
use crate::services::accounts::Origin;
use crate::services::{questions, registrations};

pub const PAGE_SIZE: i64 = 20;

/// One page of the list, with how many match and the count in each state.
pub struct Page {
    pub rows: Vec<RegistrationRow>,
    pub matching: i64,
    pub by_status: Vec<(Status, i64)>,
    pub regions: std::sync::Arc<Directory>,
}

pub async fn page(db: &Db, event_id: &str, filter: Filter, page: i64) -> Result<Page, Error> {
    let event_id = event_id.to_owned();
    let listed = db.run(move |conn| -> Result<_, Error> {
        let matching = repo::count(conn, &event_id, &filter)?;
        let rows = repo::page(conn, &event_id, &filter, page.max(0) * PAGE_SIZE, PAGE_SIZE)?;
        let counts = repo::counts_by_status(conn, &event_id)?;
        Ok((matching, rows, counts))
    });
    let (matching, rows, by_status) = listed.await?;
    Ok(Page {
        rows,
        matching,
        by_status,
        regions: crate::services::regions::directory(db).await?,
    })
}

/// The columns of an export, which an import reads back.
const COLUMNS: [(&str, &str); 11] = [
    ("full_name", "registration.full_name"),
    ("email", "registration.email"),
    ("whatsapp", "registration.whatsapp"),
    ("nip", "registration.nip"),
    ("institution", "registration.institution"),
    ("position", "registration.position"),
    ("province_code", "registration.province"),
    ("regency_code", "registration.regency"),
    ("library_type", "registration.library_type"),
    ("gender", "registration.gender"),
    ("disability", "registration.disability"),
];

/// Other names organisers give these columns in their own sheets.
const ALIASES: [(&str, &str); 22] = [
    ("nama", "full_name"),
    ("namalengkap", "full_name"),
    ("namadangelar", "full_name"),
    ("name", "full_name"),
    ("surel", "email"),
    ("alamatemail", "email"),
    ("wa", "whatsapp"),
    ("nowa", "whatsapp"),
    ("nomorwa", "whatsapp"),
    ("nohp", "whatsapp"),
    ("nomorhp", "whatsapp"),
    ("telepon", "whatsapp"),
    ("phone", "whatsapp"),
    ("asalinstansi", "institution"),
    ("lembaga", "institution"),
    ("kabupaten", "regency_code"),
    ("kota", "regency_code"),
    ("kabkota", "regency_code"),
    ("kabupatenkota", "regency_code"),
    ("jeniskelamin", "gender"),
    ("disabilitas", "disability"),
    ("kodeprovinsi", "province_code"),
];

/// Lower-case letters and digits only: "Nomor WhatsApp" and "nomor_whatsapp" meet.
fn key(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase()
}

fn field_of_header(header: &str, questions: &[Question]) -> Option<String> {
    let wanted = key(header);
    for (field, label) in COLUMNS {
        if key(field) == wanted || Lang::ALL.iter().any(|l| key(l.t(label)) == wanted) {
            return Some(field.to_owned());
        }
    }
    if let Some((_, field)) = ALIASES.iter().find(|(alias, _)| *alias == wanted) {
        return Some((*field).to_owned());
    }
    questions
        .iter()
        .find(|q| key(&q.label) == wanted)
        .map(Question::field)
}

/// A value written as its code or as its label in either language.
fn code_of(value: &str, codes: &[&str], label: impl Fn(Lang, &str) -> String) -> Option<String> {
    let wanted = key(value);
    codes
        .iter()
        .find(|code| {
            key(code) == wanted || Lang::ALL.iter().any(|l| key(&label(*l, code)) == wanted)
        })
        .map(|code| (*code).to_owned())
}

fn gender_of(value: &str) -> Option<String> {
    match key(value).as_str() {
        "p" | "f" | "female" | "wanita" => Some("perempuan".into()),
        "l" | "m" | "male" | "pria" => Some("laki_laki".into()),
        _ => code_of(value, &GENDERS, |l, g| {
            l.t(&format!("registration.gender_{g}")).into()
        }),
    }
}

/// "Kab. Bengkulu Utara" and "Kabupaten Bengkulu Utara" are the same place.
fn place_key(name: &str) -> String {
    let lower = name.trim().to_lowercase();
    let expanded = lower
        .strip_prefix("kab.")
        .or_else(|| lower.strip_prefix("kab "))
        .map_or(lower.clone(), |rest| format!("kabupaten {rest}"));
    key(&expanded)
}

fn region_code(value: &str, candidates: &[&Region]) -> Option<String> {
    let value = value.trim();
    candidates
        .iter()
        .find(|r| r.code == value || place_key(&r.name) == place_key(value))
        .map(|r| r.code.clone())
}

/// One row of an import as the organiser will see it in the preview.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ImportLine {
    /// The row number in the organiser's spreadsheet (the header is row 1).
    pub row: usize,
    pub fields: BTreeMap<String, String>,
    /// (field, catalogue key); empty: the row will be imported.
    pub errors: Vec<(String, String)>,
}

pub struct Preview {
    pub id: String,
    pub filename: String,
    pub lines: Vec<ImportLine>,
    pub imported: bool,
}

impl Preview {
    pub fn valid(&self) -> usize {
        self.lines.iter().filter(|l| l.errors.is_empty()).count()
    }
}

/// Reads an uploaded sheet and checks every row; nothing is registered
/// until [`confirm_import`]. Returns the import's id.
static ONE_IMPORT_AT_A_TIME: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);

pub async fn preview_import(
    db: &Db,
    event: &Event,
    filename: &str,
    format: Format,
    bytes: bytes::Bytes,
    actor: &Account,
) -> Result<String, Error> {
    // One list is read and checked at a time per process: reading holds
    // tens of MiB, and uploads at once would add up.
    let _turn = ONE_IMPORT_AT_A_TIME.acquire().await;
    let table = tokio::task::spawn_blocking(move || spreadsheet::read(&bytes, format))
        .await
        .map_err(|e| Error::Internal(e.to_string()))?
        .map_err(|e| Error::invalid("file", e.key()))?;
    let questions = questions::of_event(db, &event.id.to_string()).await?;
    let (event_id, filename, actor_id) =
        (event.id.to_string(), filename.to_owned(), actor.id.clone());
    db.transaction(move |conn| {
        let lines = check_table(conn, &event_id, table, &questions)?;
        let rows = serde_json::to_string(&lines).map_err(|e| Error::Internal(e.to_string()))?;
        // Not held while the database takes its own copies of the text.
        drop(lines);
        let row = ImportRow {
            id: Uuid::now_v7().simple().to_string(),
            event_id,
            created_by: actor_id,
            filename,
            rows,
            created_at: Utc::now().naive_utc(),
            imported_at: None,
            session_id: None,
        };
        imports::insert(conn, &row)?;
        Ok(row.id)
    })
    .await
}

fn check_table(
    conn: &mut DbConnection,
    event_id: &str,
    table: Table,
    questions: &[Question],
) -> Result<Vec<ImportLine>, Error> {
    let columns: Vec<Option<String>> = table
        .header
        .iter()
        .map(|h| field_of_header(h, questions))
        .collect();
    let all_regions = regions::all(conn)?;
    let provinces: Vec<&Region> = all_regions
        .iter()
        .filter(|r| r.level == RegionLevel::Province)
        .collect();
    let today = Utc::now()
        .with_timezone(&chrono_tz::Tz::Asia__Jakarta)
        .date_naive();
    let mut seen = HashSet::new();
    let mut lines = Vec::with_capacity(table.rows.len());
    // Each row is dropped as its line is made, so the two are not held whole at once.
    for (index, cells) in table.rows.into_iter().enumerate() {
        let mut fields: BTreeMap<String, String> = BTreeMap::new();
        for (column, cell) in columns.iter().zip(cells) {
            if let Some(field) = column {
                fields.insert(field.clone(), cell.trim().to_owned());
            }
        }
        let mut raw: HashMap<String, String> = fields.clone().into_iter().collect();
        // Choices written as labels, places as names: stored as codes.
        if let Some(v) = raw.get("library_type").cloned() {
            let code = code_of(&v, &LIBRARY_TYPES, |l, t| {
                l.t(&format!("registration.library.{t}")).into()
            });
            raw.insert("library_type".into(), code.unwrap_or(v));
        }
        if let Some(v) = raw.get("gender").cloned() {
            raw.insert("gender".into(), gender_of(&v).unwrap_or(v));
        }
        let province = raw
            .get("province_code")
            .and_then(|v| region_code(v, &provinces));
        if let Some(code) = &province {
            let within: Vec<&Region> = all_regions
                .iter()
                .filter(|r| r.province_code.as_deref() == Some(code.as_str()))
                .collect();
            if let Some(v) = raw.get("regency_code").cloned() {
                raw.insert("regency_code".into(), region_code(&v, &within).unwrap_or(v));
            }
            raw.insert("province_code".into(), code.clone());
        } else {
            raw.insert("province_code".into(), String::new());
        }
        raw.insert("consent".into(), "on".into());
        let mut errors: Vec<(String, String)> = Vec::new();
        let form = check_form(&Form::from_fields(&raw), today);
        match &form {
            Ok(checked) => {
                if !seen.insert(checked.email.clone()) {
                    errors.push(("email".into(), "import.error.duplicate_in_file".into()));
                } else if repo::find_by_email(conn, event_id, &checked.email)?.is_some() {
                    errors.push(("email".into(), "registration.error.already".into()));
                }
            }
            Err(problems) => errors.extend(
                problems
                    .iter()
                    .map(|e| (e.field.to_string(), e.message.to_owned())),
            ),
        }
        if let Err(problems) = check_answers(questions, &raw) {
            errors.extend(
                problems
                    .iter()
                    .map(|e| (e.field.to_string(), e.message.to_owned())),
            );
        }
        let mut normalised: BTreeMap<String, String> = raw.into_iter().collect();
        normalised.remove("consent");
        // A province not found is checked as missing but shown as written,
        // so the organiser sees what to correct.
        if province.is_none()
            && let Some(written) = fields.remove("province_code")
        {
            normalised.insert("province_code".into(), written);
        }
        lines.push(ImportLine {
            row: index + 2,
            fields: normalised,
            errors,
        });
    }
    Ok(lines)
}

pub async fn import_preview(db: &Db, event_id: &str, import_id: &str) -> Result<Preview, Error> {
    let (event_id, id) = (event_id.to_owned(), import_id.to_owned());
    db.run(move |conn| {
        let row = imports::find(conn, &event_id, None, &id)?.ok_or(Error::NotFound)?;
        let lines: Vec<ImportLine> =
            serde_json::from_str(&row.rows).map_err(|e| Error::Internal(e.to_string()))?;
        Ok(Preview {
            id: row.id,
            filename: row.filename,
            lines,
            imported: row.imported_at.is_some(),
        })
    })
    .await
}

/// Registers every row the preview found valid, in one transaction; a row
/// whose address registered meanwhile is skipped. Returns (added, skipped).
pub async fn confirm_import(
    db: &Db,
    event: &Event,
    import_id: &str,
    actor: &Account,
    origin: &Origin,
) -> Result<(usize, usize), Error> {
    let questions = questions::of_event(db, &event.id.to_string()).await?;
    let (event, id, actor, origin) = (
        event.clone(),
        import_id.to_owned(),
        actor.clone(),
        origin.clone(),
    );
    db.transaction(move |conn| {
        let event_id = event.id.to_string();
        let import = imports::find(conn, &event_id, None, &id)?.ok_or(Error::NotFound)?;
        if import.imported_at.is_some() {
            return Err(Error::invalid("import", "import.error.done"));
        }
        let lines: Vec<ImportLine> =
            serde_json::from_str(&import.rows).map_err(|e| Error::Internal(e.to_string()))?;
        let today = Utc::now()
            .with_timezone(&chrono_tz::Tz::Asia__Jakarta)
            .date_naive();
        let mut rows = Vec::new();
        for line in lines.into_iter().filter(|l| l.errors.is_empty()) {
            let mut raw: HashMap<String, String> = line.fields.into_iter().collect();
            raw.insert("consent".into(), "on".into());
            let (Ok(checked), Ok(answers)) = (
                check_form(&Form::from_fields(&raw), today),
                check_answers(&questions, &raw),
            ) else {
                continue;
            };
            rows.push((checked, answers));
        }
        let now = Utc::now();
        let results = registrations::add_imported(conn, &event, rows, &actor, &origin, now)?;
        imports::mark_imported(conn, &id, now)?;
        let added = results.iter().filter(|r| r.is_ok()).count();
        Ok((added, results.len() - added))
    })
    .await
}

/// The registrations that match, as a spreadsheet in the organiser's language.
pub async fn export(
    db: &Db,
    event: &Event,
    filter: Filter,
    format: Format,
    lang: Lang,
) -> Result<Vec<u8>, Error> {
    let questions = questions::of_event(db, &event.id.to_string()).await?;
    let regions = crate::services::regions::directory(db).await?;
    let event = event.clone();
    let table = db
        .run(move |conn| {
            let event_id = event.id.to_string();
            let total = repo::count(conn, &event_id, &filter)?;
            let mut rows = repo::page(conn, &event_id, &filter, 0, total.max(1))?;
            rows.reverse();
            let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
            let mut answers: HashMap<(String, String), String> = HashMap::new();
            for a in repo::answers_of(conn, &ids)? {
                answers.insert((a.registration_id, a.question_id), a.answer);
            }
            Ok::<_, Error>(export_table(
                &event, &rows, &answers, &regions, &questions, lang,
            ))
        })
        .await?;
    tokio::task::spawn_blocking(move || spreadsheet::write(&table, format))
        .await
        .map_err(|e| Error::Internal(e.to_string()))
}

fn export_table(
    event: &Event,
    rows: &[RegistrationRow],
    answers: &HashMap<(String, String), String>,
    regions: &Directory,
    questions: &[Question],
    lang: Lang,
) -> Table {
    let mut header: Vec<String> = COLUMNS
        .iter()
        .map(|(_, label)| lang.t(label).to_owned())
        .collect();
    header.push(lang.t("roster.status").to_owned());
    header.push(lang.t("roster.registered_at").to_owned());
    header.extend(questions.iter().map(|q| q.label.clone()));
    let name = |code: &str| {
        regions
            .find(code)
            .map_or(code, |r| r.name.as_str())
            .to_owned()
    };
    let rows = rows
        .iter()
        .map(|r| {
            let registered = r.created_at.and_utc().with_timezone(&event.time_zone);
            let mut cells = vec![
                r.full_name.clone(),
                r.email.clone(),
                r.whatsapp.clone(),
                r.nip.clone().unwrap_or_default(),
                r.institution.clone(),
                r.position.clone(),
                name(&r.province_code),
                name(&r.regency_code),
                lang.t(&format!("registration.library.{}", r.library_type))
                    .to_owned(),
                lang.t(&format!("registration.gender_{}", r.gender))
                    .to_owned(),
                r.disability.clone().unwrap_or_default(),
                lang.label(r.status).to_owned(),
                registered.format("%Y-%m-%d %H:%M").to_string(),
            ];
            cells.extend(questions.iter().map(|q| {
                answers
                    .get(&(r.id.clone(), q.id.clone()))
                    .cloned()
                    .unwrap_or_default()
            }));
            cells
        })
        .collect();
    Table { header, rows }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_in_either_language_or_common_names_find_their_field() {
        let none: [Question; 0] = [];
        assert_eq!(
            field_of_header("Nama lengkap dan gelar", &none).as_deref(),
            Some("full_name")
        );
        assert_eq!(
            field_of_header("Full name and titles", &none).as_deref(),
            Some("full_name")
        );
        assert_eq!(
            field_of_header("No. WA", &none).as_deref(),
            Some("whatsapp")
        );
        assert_eq!(
            field_of_header("Kab/Kota", &none).as_deref(),
            Some("regency_code")
        );
        assert_eq!(field_of_header("Hobi", &none), None);
    }

    #[test]
    fn choices_and_places_by_label_or_abbreviation() {
        assert_eq!(gender_of("P").as_deref(), Some("perempuan"));
        assert_eq!(gender_of("Laki-laki").as_deref(), Some("laki_laki"));
        assert_eq!(
            code_of("Perpustakaan desa/kelurahan", &LIBRARY_TYPES, |l, t| l
                .t(&format!("registration.library.{t}"))
                .into())
            .as_deref(),
            Some("desa")
        );
        assert_eq!(
            place_key("Kab. Bengkulu Utara"),
            place_key("Kabupaten Bengkulu Utara")
        );
    }
}
