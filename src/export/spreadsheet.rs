//! Tables in and out of CSV and XLSX.
//!
//! Organisers upload participant lists from whatever they have at hand (Excel
//! on Windows in the Indonesian locale, LibreOffice, Google Sheets), and they
//! open our exports in the same tools. Everything here is about surviving
//! those tools' habits: encodings, delimiters, numbers that were meant to be
//! text, and files that are not what their names say.
//!
//! Reading is CPU-bound and can take a noticeable fraction of a second on a
//! large file: call it from `web::block`, not on an async worker.

use std::io::{Cursor, Read};

use calamine::{DataRef, ExcelDateTime, Reader, Xlsx};
use chrono::{Days, NaiveDate, NaiveDateTime, NaiveTime, Timelike};

/// An import bigger than this is not a participant list; the bound also keeps
/// one upload from holding the server's memory for long.
pub const MAX_ROWS: usize = 20_000;

/// Every column is padded out for every row, so a stray cell far to the right
/// of the header would multiply memory by thousands without this bound.
pub const MAX_COLUMNS: usize = 200;

/// A zip that inflates to gigabytes is refused before calamine opens it.
/// An honest 20,000-row list of a dozen columns inflates to about 16 MiB,
/// nearly all of it the sheet, which calamine reads as a stream.
const MAX_UNPACKED_BYTES: u64 = 48 * 1024 * 1024;

/// calamine holds every part but the worksheets whole in memory, the
/// shared strings as one `String` each: tiny strings cost three times
/// their XML. The strings of an honest 20,000-row list take a few MiB.
const MAX_LOADED_BYTES: u64 = 8 * 1024 * 1024;

/// What the rows read may weigh in memory (each cell's `String` and its
/// text): one shared string can be shown in every cell, so the text read
/// is not bounded by the text unpacked. An honest 20,000-row list of a
/// dozen columns weighs under 12 MiB.
const MAX_TABLE_BYTES: usize = 24 * 1024 * 1024;

/// Excel refuses longer cell text; rust_xlsxwriter reports an error for it.
const XLSX_MAX_CHARS: usize = 32_767;
/// Excel's grid: 1,048,576 rows by 16,384 columns.
const XLSX_MAX_ROWS: usize = 1_048_576;
const XLSX_MAX_COLUMNS: usize = 16_384;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    /// The format a file name ends in (an export asks for one by name).
    /// Legacy `.xls` is not one: it needs another parser and every tool in
    /// use can save `.xlsx`.
    pub fn from_filename(name: &str) -> Option<Format> {
        let (_, extension) = name.trim().rsplit_once('.')?;
        if extension.eq_ignore_ascii_case("csv") {
            Some(Format::Csv)
        } else if extension.eq_ignore_ascii_case("xlsx") {
            Some(Format::Xlsx)
        } else {
            None
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }

    /// The charset matters for CSV: without it some browsers preview the
    /// download as Latin-1.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

/// A header row and the rows under it.
///
/// After [`read`], every row has exactly as many cells as the header, so
/// callers can index by header position without bounds checks. The header
/// ends at its last non-empty cell; empty cells beyond it are dropped, and a
/// non-empty one is an error ([`ReadError::ExtraCells`]) rather than silently
/// lost data.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// Why a file cannot be imported at all. Problems with single values are the
/// importer's business; these stop the whole file.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("the file is not a readable CSV or XLSX file")]
    Unreadable,
    #[error("the file has no header row or no data rows")]
    Empty,
    #[error("the file has more than {limit} data rows")]
    TooManyRows { limit: usize },
    #[error("the header has more than {limit} columns")]
    TooManyColumns { limit: usize },
    /// `row` is the row number the organiser sees in their spreadsheet
    /// program (1-based, header included), so the message can point at it.
    #[error("row {row} has a value to the right of the last header column")]
    ExtraCells { row: usize },
    #[error("the file holds more data than any participant list needs")]
    TooLarge,
}

impl ReadError {
    /// Message catalogue key, so the upload form can explain in the user's
    /// language.
    pub fn key(&self) -> &'static str {
        match self {
            ReadError::Unreadable => "import.error.unreadable",
            ReadError::Empty => "import.error.empty",
            ReadError::TooManyRows { .. } => "import.error.too_many_rows",
            ReadError::TooManyColumns { .. } => "import.error.too_many_columns",
            ReadError::ExtraCells { .. } => "import.error.extra_cells",
            ReadError::TooLarge => "import.error.too_large",
        }
    }
}

/// Never panics, whatever the bytes: uploads are untrusted.
pub fn read(bytes: &[u8], format: Format) -> Result<Table, ReadError> {
    match format {
        Format::Csv => read_csv(bytes),
        Format::Xlsx => {
            check_unpacked_size(bytes, MAX_UNPACKED_BYTES, MAX_LOADED_BYTES)?;
            // calamine is a parser of a complex format fed by strangers; a
            // panic in it must become a refused upload, not a dead worker.
            std::panic::catch_unwind(|| read_xlsx(bytes)).unwrap_or(Err(ReadError::Unreadable))
        }
    }
}

/// Tables are ours, so writing cannot fail: anything Excel could not hold
/// (over-long text, more rows or columns than its grid) is cut to fit.
pub fn write(table: &Table, format: Format) -> Vec<u8> {
    match format {
        Format::Csv => write_csv(table),
        Format::Xlsx => write_xlsx(table),
    }
}

/// Builds a [`Table`] from rows as they come out of a file, enforcing the
/// invariants and limits in one place for both formats.
struct TableBuilder {
    table: Option<Table>,
    /// What the table weighs so far, against [`MAX_TABLE_BYTES`].
    weight: usize,
}

impl TableBuilder {
    fn new() -> Self {
        TableBuilder {
            table: None,
            weight: 0,
        }
    }

    /// The number of columns, once the header is known.
    fn width(&self) -> Option<usize> {
        self.table.as_ref().map(|t| t.header.len())
    }

    /// Whether a row may have a value in column `index` (0-based). Asked
    /// before the row's cells are collected, so that a value far to the right
    /// is refused before thousands of empty cells are allocated for it.
    fn admit(&self, index: usize, row_number: usize) -> Result<(), ReadError> {
        match self.width() {
            None if index >= MAX_COLUMNS => Err(ReadError::TooManyColumns { limit: MAX_COLUMNS }),
            Some(width) if index >= width => Err(ReadError::ExtraCells { row: row_number }),
            _ => Ok(()),
        }
    }

    /// `cells` are already trimmed; `row_number` is 1-based as the user sees it.
    fn push(&mut self, mut cells: Vec<String>, row_number: usize) -> Result<(), ReadError> {
        let Some(last) = cells.iter().rposition(|c| !c.is_empty()) else {
            return Ok(());
        };
        self.admit(last, row_number)?;
        let width = self.width().unwrap_or(last + 1);
        self.weight +=
            width * std::mem::size_of::<String>() + cells.iter().map(String::len).sum::<usize>();
        if self.weight > MAX_TABLE_BYTES {
            return Err(ReadError::TooLarge);
        }
        match &mut self.table {
            None => {
                cells.truncate(last + 1);
                self.table = Some(Table {
                    header: cells,
                    rows: Vec::new(),
                });
            }
            Some(table) => {
                let width = table.header.len();
                if table.rows.len() == MAX_ROWS {
                    return Err(ReadError::TooManyRows { limit: MAX_ROWS });
                }
                cells.resize(width, String::new());
                table.rows.push(cells);
            }
        }
        Ok(())
    }

    fn finish(self) -> Result<Table, ReadError> {
        match self.table {
            Some(table) if !table.rows.is_empty() => Ok(table),
            _ => Err(ReadError::Empty),
        }
    }
}

// ---------------------------------------------------------------- CSV

/// The text of an uploaded CSV file, whatever tool saved it (see
/// [`decode_text`]); `None` when it is no text at all.
pub(super) fn csv_text(bytes: &[u8]) -> Option<std::borrow::Cow<'_, str>> {
    let text = decode_text(bytes);
    // Text files do not contain control characters; a PDF, an image or a
    // renamed workbook does, and would otherwise import as nonsense.
    let binary = text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'));
    (!binary).then_some(text)
}

/// Reads `text` record by record, in the separator its first line uses,
/// rows of any length.
pub(super) fn csv_reader(text: &str) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(detect_delimiter(text))
        .from_reader(text.as_bytes())
}

fn read_csv(bytes: &[u8]) -> Result<Table, ReadError> {
    let text = csv_text(bytes).ok_or(ReadError::Unreadable)?;
    let mut reader = csv_reader(&text);
    let mut builder = TableBuilder::new();
    let mut lines = LineCounter::new(text.as_bytes());
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(_) => return Err(ReadError::Unreadable),
        }
        let row_number = record.position().map_or(0, |p| lines.line_at(p.byte()));
        // Excel writes trailing separators up to the widest row (";;;"),
        // so trailing empty cells are common and dropped before collecting.
        let Some(last) = (0..record.len())
            .rev()
            .find(|&i| !record[i].trim().is_empty())
        else {
            continue;
        };
        builder.admit(last, row_number)?;
        let cells = record
            .iter()
            .take(last + 1)
            .map(|c| c.trim().to_owned())
            .collect();
        builder.push(cells, row_number)?;
    }
    builder.finish()
}

/// Line numbers for error messages. They match the spreadsheet's row numbers
/// unless a cell above holds a line break, which is close enough to find the
/// row. The csv crate's own line count is off after blank lines and with
/// CRLF, and its byte position points before any blank lines it skipped.
pub(super) struct LineCounter<'a> {
    text: &'a [u8],
    offset: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    pub(super) fn new(text: &'a [u8]) -> Self {
        LineCounter {
            text,
            offset: 0,
            line: 1,
        }
    }

    /// Positions must come in increasing order, as records do.
    pub(super) fn line_at(&mut self, position: u64) -> usize {
        let position =
            usize::try_from(position).map_or(self.text.len(), |p| p.min(self.text.len()));
        let skipped = self.text[position..]
            .iter()
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .count();
        let start = (position + skipped).max(self.offset);
        self.line += self.text[self.offset..start]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.offset = start;
        self.line
    }
}

/// Excel on Windows saves "CSV" in the ANSI code page (Windows-1252 here),
/// "CSV UTF-8" with a BOM, and "Unicode text" as UTF-16 with a BOM. Without
/// a BOM, text that is valid UTF-8 almost certainly is UTF-8.
fn decode_text(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    if let Some((encoding, bom_length)) = encoding_rs::Encoding::for_bom(bytes) {
        return encoding.decode_without_bom_handling(&bytes[bom_length..]).0;
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => text.into(),
        Err(_) => {
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
        }
    }
}

/// Excel uses the locale's list separator: `;` in Indonesian (where `,` is
/// the decimal mark), `,` in English; "Unicode text" uses tabs. The header
/// line is the best evidence, since it has no numbers with decimal commas.
fn detect_delimiter(text: &str) -> u8 {
    let mut counts = [0usize; 3]; // tab, semicolon, comma
    let mut in_quotes = false;
    let mut line_has_content = false;
    for c in text.chars() {
        match c {
            '"' => {
                in_quotes = !in_quotes;
                line_has_content = true;
            }
            _ if in_quotes => {}
            '\n' | '\r' if line_has_content => break,
            '\n' | '\r' => counts = [0; 3],
            '\t' => counts[0] += 1,
            ';' => counts[1] += 1,
            ',' => counts[2] += 1,
            c if c.is_whitespace() => {}
            _ => line_has_content = true,
        }
    }
    // On a tie the comma loses: it is the one likely inside header text
    // ("Nama, Gelar"), while a tab or semicolon there would be odd.
    let [tabs, semicolons, commas] = counts;
    if tabs > 0 && tabs >= semicolons && tabs >= commas {
        b'\t'
    } else if semicolons > 0 && semicolons >= commas {
        b';'
    } else {
        b','
    }
}

fn write_csv(table: &Table) -> Vec<u8> {
    // The BOM is what makes Excel read the file as UTF-8 instead of the ANSI
    // code page, which would garble "é" or "ā".
    let mut out = b"\xEF\xBB\xBF".to_vec();
    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .terminator(csv::Terminator::CRLF)
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(&mut out);
    for row in std::iter::once(&table.header).chain(&table.rows) {
        for cell in row {
            writer
                .write_field(&*neutralise_formula(cell))
                .expect("writing to memory cannot fail");
        }
        // Ends the record; a row without cells becomes one empty field.
        writer
            .write_record(None::<&[u8]>)
            .expect("writing to memory cannot fail");
    }
    writer.flush().expect("writing to memory cannot fail");
    drop(writer);
    out
}

/// Spreadsheet programs evaluate a CSV cell that looks like a formula, so a
/// participant named `=HYPERLINK(...)` could attack whoever opens the export
/// (CSV injection). A leading `'` makes it text. Signed digits are left
/// alone so phone numbers such as "+6281234567890" stay readable.
fn neutralise_formula(cell: &str) -> std::borrow::Cow<'_, str> {
    let dangerous = match cell.chars().next() {
        Some('=' | '@' | '\t' | '\r') => true,
        Some('+' | '-') => !cell[1..].chars().all(|c| c.is_ascii_digit() || c == ' '),
        _ => false,
    };
    if dangerous {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

// ---------------------------------------------------------------- XLSX

/// Inflates every part once into nothing, counting, so that a zip bomb is
/// refused before calamine allocates for it: `limit` for all parts, and
/// `loaded` for those calamine reads whole (all but the worksheets).
/// Declared sizes in the zip directory can lie, so only the actual output
/// counts.
fn check_unpacked_size(bytes: &[u8], limit: u64, loaded: u64) -> Result<(), ReadError> {
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| ReadError::Unreadable)?;
    let (mut total, mut total_loaded) = (0u64, 0u64);
    for index in 0..archive.len() {
        let entry = archive.by_index(index).map_err(|_| ReadError::Unreadable)?;
        let streamed = entry.name().starts_with("xl/worksheets/");
        let allowance = if streamed {
            limit - total
        } else {
            (limit - total).min(loaded - total_loaded)
        };
        let unpacked = std::io::copy(&mut entry.take(allowance + 1), &mut std::io::sink())
            .map_err(|_| ReadError::Unreadable)?;
        if unpacked > allowance {
            return Err(ReadError::TooLarge);
        }
        total += unpacked;
        if !streamed {
            total_loaded += unpacked;
        }
    }
    Ok(())
}

fn read_xlsx(bytes: &[u8]) -> Result<Table, ReadError> {
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| ReadError::Unreadable)?;
    let is_1904 = workbook.has_1904_epoch();
    let first_sheet = workbook
        .sheet_names()
        .into_iter()
        .next()
        .ok_or(ReadError::Empty)?;
    // The streaming reader rather than a whole range: a range is allocated
    // for the sheet's full declared extent before any row can be counted.
    let mut cells = workbook
        .worksheet_cells_reader(&first_sheet)
        .map_err(|_| ReadError::Unreadable)?;
    let mut builder = TableBuilder::new();
    let mut current: Option<(u32, Vec<String>)> = None;
    while let Some(cell) = cells.next_cell().map_err(|_| ReadError::Unreadable)? {
        let text = cell_text(cell.get_value(), is_1904);
        if text.is_empty() {
            continue;
        }
        let (row, column) = cell.get_position();
        match current.take() {
            Some((r, values)) if r != row => builder.push(values, r as usize + 1)?,
            unchanged => current = unchanged,
        }
        let column = column as usize;
        // Checked per cell, not per row, so one row cannot grow without end.
        builder.admit(column, row as usize + 1)?;
        let (_, values) = current.get_or_insert_with(|| (row, Vec::new()));
        if values.len() <= column {
            values.resize(column + 1, String::new());
        }
        values[column] = text;
    }
    if let Some((row, values)) = current {
        builder.push(values, row as usize + 1)?;
    }
    builder.finish()
}

/// Renders a cell the way the organiser sees it in Excel, since what they
/// typed is what they expect to have imported.
fn cell_text(value: &DataRef<'_>, is_1904: bool) -> String {
    match value {
        DataRef::String(s) | DataRef::DurationIso(s) => s.trim().to_owned(),
        DataRef::SharedString(s) => s.trim().to_owned(),
        DataRef::DateTimeIso(s) => iso_text(s),
        DataRef::Int(n) => n.to_string(),
        DataRef::Float(f) => number_text(*f),
        DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        DataRef::DateTime(dt) => date_text(dt, is_1904),
        // "#N/A" and friends, as Excel shows them.
        DataRef::Error(e) => e.to_string(),
        DataRef::Empty => String::new(),
    }
}

/// Phone numbers and IDs typed into Excel become numbers; Rust's shortest
/// round-trip repr writes them back without ".0" or an exponent, so
/// 81234567890 stays "81234567890".
fn number_text(value: f64) -> String {
    if value == 0.0 {
        // Avoid "-0".
        return "0".to_owned();
    }
    value.to_string()
}

/// Dates in Excel are day counts in a number-formatted cell. calamine can
/// convert them, but its conversion overflows on absurd values, so it is
/// done here with checked arithmetic.
fn date_text(value: &ExcelDateTime, is_1904: bool) -> String {
    let serial = value.as_f64();
    // 2,958,466 is 10000-01-01, beyond Excel's calendar.
    if !(0.0..2_958_466.0).contains(&serial) {
        return number_text(serial);
    }
    let total_seconds = (serial * 86_400.0).round() as u64;
    let (days, seconds) = (total_seconds / 86_400, total_seconds % 86_400);
    if value.is_duration() {
        return time_text(total_seconds);
    }
    if days == 0 {
        // A time without a date: Excel shows "1900-01-00" if asked for one.
        return time_text(seconds);
    }
    let date = if is_1904 {
        NaiveDate::from_ymd_opt(1904, 1, 1).and_then(|d| d.checked_add_days(Days::new(days)))
    } else if days == 60 {
        // Excel counts the non-existent 1900-02-29 (a Lotus 1-2-3 bug).
        return "1900-02-29".to_owned();
    } else if days < 60 {
        NaiveDate::from_ymd_opt(1899, 12, 31).and_then(|d| d.checked_add_days(Days::new(days)))
    } else {
        NaiveDate::from_ymd_opt(1899, 12, 30).and_then(|d| d.checked_add_days(Days::new(days)))
    };
    let Some(date) = date else {
        return number_text(serial);
    };
    if seconds == 0 {
        date.format("%Y-%m-%d").to_string()
    } else {
        format!("{} {}", date.format("%Y-%m-%d"), time_text(seconds))
    }
}

/// "09:00", or "09:00:30" when there are seconds; hours may exceed 24 for
/// durations.
fn time_text(seconds: u64) -> String {
    let (hours, minutes, seconds) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if seconds == 0 {
        format!("{hours:02}:{minutes:02}")
    } else {
        format!("{hours:02}:{minutes:02}:{seconds:02}")
    }
}

/// Cells of type "d" (written by LibreOffice and some generators) hold ISO
/// text like "2026-11-24T09:00:00"; shown the same way as serial dates.
fn iso_text(text: &str) -> String {
    let text = text.trim();
    if let Ok(dt) = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f") {
        let seconds = u64::from(dt.time().num_seconds_from_midnight());
        if seconds == 0 {
            return dt.date().format("%Y-%m-%d").to_string();
        }
        return format!("{} {}", dt.date().format("%Y-%m-%d"), time_text(seconds));
    }
    if let Ok(time) = NaiveTime::parse_from_str(text, "%H:%M:%S%.f") {
        return time_text(u64::from(time.num_seconds_from_midnight()));
    }
    text.to_owned()
}

fn write_xlsx(table: &Table) -> Vec<u8> {
    write_workbook(&[("Data", table)])
}

/// An XLSX workbook of several tables, one sheet each, by name (at most
/// 31 characters, none of `[]:*?/\`); a CSV holds one table only.
pub fn write_workbook(sheets: &[(&str, &Table)]) -> Vec<u8> {
    use rust_xlsxwriter::{Format as CellFormat, Workbook};

    let mut workbook = Workbook::new();
    let bold = CellFormat::new().set_bold();
    for (name, table) in sheets {
        let sheet = workbook.add_worksheet();
        sheet.set_name(*name).expect("a valid sheet name");
        let rows = std::iter::once(&table.header)
            .chain(&table.rows)
            .take(XLSX_MAX_ROWS);
        for (r, row) in rows.enumerate() {
            let r = u32::try_from(r).expect("bounded by XLSX_MAX_ROWS");
            for (c, cell) in row.iter().take(XLSX_MAX_COLUMNS).enumerate() {
                if cell.is_empty() {
                    continue;
                }
                let c = u16::try_from(c).expect("bounded by XLSX_MAX_COLUMNS");
                let text = truncate_chars(cell, XLSX_MAX_CHARS);
                // Always strings: 18-digit NIPs and "+62..." phone numbers would
                // lose digits or their sign as numbers.
                let written = if r == 0 {
                    sheet.write_string_with_format(r, c, text, &bold)
                } else {
                    sheet.write_string(r, c, text)
                };
                written.expect("text, row and column are within Excel's limits");
            }
        }
        sheet
            .set_freeze_panes(1, 0)
            .expect("row 1 is within Excel's limits");
        // About 40 characters: long addresses stay readable without a column
        // wider than the screen. Looking at the first rows is enough for a
        // width and keeps big exports fast.
        sheet.set_autofit_max_width(300);
        sheet.set_autofit_max_row(1000);
        sheet.autofit();
    }
    workbook
        .save_to_buffer()
        .expect("saving to memory cannot fail")
}

fn truncate_chars(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::Data;

    fn table(header: &[&str], rows: &[&[&str]]) -> Table {
        Table {
            header: header.iter().map(|s| s.to_string()).collect(),
            rows: rows
                .iter()
                .map(|r| r.iter().map(|s| s.to_string()).collect())
                .collect(),
        }
    }

    fn indonesian() -> Table {
        table(
            &["Nama", "Instansi", "Catatan"],
            &[
                &[
                    "Dra. Ni Luh Ayu Sri Wahyuni, M.Hum.",
                    "Kab. Pangkajene dan Kepulauan",
                    "kata \"perpustakaan\", lalu\nbaris baru",
                ],
                &["Ir. Ḥasan", "Perpustakaan Daerah; Kota Bima", "é ā ñ ü"],
                &["+6281234567890", "198503302010121002", ""],
            ],
        )
    }

    #[test]
    fn format_from_filename() {
        assert_eq!(Format::from_filename("peserta.csv"), Some(Format::Csv));
        assert_eq!(Format::from_filename("Peserta.CSV"), Some(Format::Csv));
        assert_eq!(Format::from_filename("daftar.v2.XlSx"), Some(Format::Xlsx));
        assert_eq!(
            Format::from_filename("C:\\fakepath\\peserta.xlsx"),
            Some(Format::Xlsx)
        );
        assert_eq!(Format::from_filename("peserta.xls"), None);
        assert_eq!(Format::from_filename("peserta"), None);
        assert_eq!(Format::from_filename("csv"), None);
        assert_eq!(Format::from_filename(""), None);
        assert_eq!(Format::Csv.extension(), "csv");
        assert_eq!(Format::Xlsx.extension(), "xlsx");
        assert_eq!(Format::Csv.content_type(), "text/csv; charset=utf-8");
        assert!(Format::Xlsx.content_type().ends_with("spreadsheetml.sheet"));
    }

    #[test]
    fn error_keys() {
        assert_eq!(ReadError::Unreadable.key(), "import.error.unreadable");
        assert_eq!(ReadError::Empty.key(), "import.error.empty");
        assert_eq!(
            ReadError::TooManyRows { limit: 1 }.key(),
            "import.error.too_many_rows"
        );
    }

    #[test]
    fn csv_round_trip() {
        let original = indonesian();
        let bytes = write(&original, Format::Csv);
        assert!(bytes.starts_with(b"\xEF\xBB\xBFNama,Instansi,Catatan\r\n"));
        assert_eq!(read(&bytes, Format::Csv), Ok(original));
    }

    #[test]
    fn xlsx_round_trip() {
        let original = indonesian();
        let bytes = write(&original, Format::Xlsx);
        assert!(bytes.starts_with(b"PK"));
        assert_eq!(read(&bytes, Format::Xlsx), Ok(original));
    }

    #[test]
    fn csv_output_is_rfc_4180() {
        let bytes = write(
            &table(&["a", "b"], &[&["x,y", "say \"hi\""], &["1\n2", ""]]),
            Format::Csv,
        );
        assert_eq!(
            std::str::from_utf8(&bytes[3..]).unwrap(),
            "a,b\r\n\"x,y\",\"say \"\"hi\"\"\"\r\n\"1\n2\",\r\n"
        );
    }

    #[test]
    fn csv_export_neutralises_formulas() {
        let bytes = write(&table(&["x"], &[&["=1+1"], &["+62 812"]]), Format::Csv);
        assert_eq!(
            std::str::from_utf8(&bytes[3..]).unwrap(),
            "x\r\n'=1+1\r\n+62 812\r\n"
        );
    }

    #[test]
    fn formula_neutralising() {
        for dangerous in [
            "=SUM(A1)", "@SUM(A1)", "\tx", "\rx", "+SUM(A1)", "-2+3", "+62-812", "-A1", "-1.5",
        ] {
            let safe = neutralise_formula(dangerous);
            assert_eq!(safe, format!("'{dangerous}"), "{dangerous:?}");
        }
        for harmless in [
            "+6281234567890",
            "+62 812 3456 7890",
            "-",
            "+",
            "+ ",
            "-42",
            "",
            "Budi",
            " =x",
            "Ir. Ḥasan",
            "a=b",
        ] {
            assert_eq!(neutralise_formula(harmless), harmless, "{harmless:?}");
        }
    }

    #[test]
    fn semicolon_csv() {
        let text = "Nama;Kota;Nilai\r\nSiti Rahayu;Makassar;3,5\r\n\"Andi; Jr.\";Bone;4\r\n";
        assert_eq!(
            read(text.as_bytes(), Format::Csv),
            Ok(table(
                &["Nama", "Kota", "Nilai"],
                &[
                    &["Siti Rahayu", "Makassar", "3,5"],
                    &["Andi; Jr.", "Bone", "4"]
                ]
            ))
        );
    }

    #[test]
    fn tab_csv() {
        let text = "Nama\tKota\nBudi, S.Kom.\tMedan\n";
        assert_eq!(
            read(text.as_bytes(), Format::Csv),
            Ok(table(&["Nama", "Kota"], &[&["Budi, S.Kom.", "Medan"]]))
        );
    }

    #[test]
    fn delimiter_detection() {
        assert_eq!(detect_delimiter("a,b,c\n1;2;3;4;5\n"), b',');
        assert_eq!(detect_delimiter("\n\n a;b;c\n"), b';');
        assert_eq!(detect_delimiter(";;\r\na;b\r\n"), b';');
        assert_eq!(detect_delimiter("\"x,y,z\";b\n"), b';');
        assert_eq!(detect_delimiter("Nama, Gelar;Kota\n"), b';');
        assert_eq!(detect_delimiter("Nama\n"), b',');
        assert_eq!(detect_delimiter(""), b',');
    }

    #[test]
    fn bom_csv() {
        let bytes = b"\xEF\xBB\xBFNama,Kota\nJos\xC3\xA9,Ambon\n";
        assert_eq!(
            read(bytes, Format::Csv),
            Ok(table(&["Nama", "Kota"], &[&["José", "Ambon"]]))
        );
    }

    #[test]
    fn windows_1252_csv() {
        let bytes = b"Nama;Kota\r\nJos\xE9 \x93Ucok\x94;Medan\r\n";
        assert_eq!(
            read(bytes, Format::Csv),
            Ok(table(&["Nama", "Kota"], &[&["José “Ucok”", "Medan"]]))
        );
    }

    #[test]
    fn utf16_csv() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "Nama\tKota\r\nḤasan\tBima\r\n".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(
            read(&bytes, Format::Csv),
            Ok(table(&["Nama", "Kota"], &[&["Ḥasan", "Bima"]]))
        );
    }

    #[test]
    fn csv_cells_trimmed_padded_and_empty_rows_skipped() {
        let text = "\n , \n Nama , Kota ,,\n\n Budi \n;,\n Ani , Palu , ,\n ,  \n";
        assert_eq!(
            read(text.as_bytes(), Format::Csv),
            Ok(table(
                &["Nama", "Kota"],
                &[&["Budi", ""], &[";", ""], &["Ani", "Palu"]]
            ))
        );
    }

    #[test]
    fn extra_cells_are_reported_with_their_row() {
        for text in [
            "Nama,Kota\nBudi,Medan\n\n  \nAni,Palu,catatan\n",
            "\r\nNama,Kota\r\nBudi,Medan\r\n\r\nAni,Palu,catatan\r\n",
            "Nama,Kota\n\n\n\nAni,Palu,catatan\n",
            "Nama,Kota\n\"Budi\nSanto\",Medan\n\nAni,Palu,catatan\n",
        ] {
            assert_eq!(
                read(text.as_bytes(), Format::Csv),
                Err(ReadError::ExtraCells { row: 5 }),
                "{text:?}"
            );
        }

        let mut workbook = rust_xlsxwriter::Workbook::new();
        let sheet = workbook.add_worksheet();
        sheet.write_string(1, 0, "Nama").unwrap();
        sheet.write_string(2, 0, "Budi").unwrap();
        sheet.write_string(4, 0, "Ani").unwrap();
        sheet.write_string(4, 3, "catatan").unwrap();
        let bytes = workbook.save_to_buffer().unwrap();
        assert_eq!(
            read(&bytes, Format::Xlsx),
            Err(ReadError::ExtraCells { row: 5 })
        );
    }

    #[test]
    fn empty_files() {
        for format in [Format::Csv, Format::Xlsx] {
            let header_only = write(&table(&["Nama", "Kota"], &[]), format);
            assert_eq!(read(&header_only, format), Err(ReadError::Empty));
            let blank = write(&table(&[], &[&[" ", ""], &[]]), format);
            assert_eq!(read(&blank, format), Err(ReadError::Empty));
        }
        assert_eq!(read(b"", Format::Csv), Err(ReadError::Empty));
        assert_eq!(
            read(b"\xEF\xBB\xBF\r\n ;\r\n", Format::Csv),
            Err(ReadError::Empty)
        );
    }

    #[test]
    fn xlsx_cell_values() {
        use rust_xlsxwriter::{ExcelDateTime as XlsxDate, Format as CellFormat, Workbook};

        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        let date = CellFormat::new().set_num_format("yyyy-mm-dd");
        let datetime = CellFormat::new().set_num_format("dd/mm/yyyy hh:mm");
        let time = CellFormat::new().set_num_format("hh:mm");
        let header = [
            "Telepon", "Nilai", "Hadir", "Tanggal", "Mulai", "Jam", "Aneh",
        ];
        for (c, h) in header.iter().enumerate() {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        sheet.write_number(1, 0, 81234567890.0).unwrap();
        sheet.write_number(1, 1, 3.25).unwrap();
        sheet.write_boolean(1, 2, true).unwrap();
        let day = XlsxDate::from_ymd(2026, 11, 24).unwrap();
        sheet.write_datetime_with_format(1, 3, &day, &date).unwrap();
        let start = XlsxDate::from_ymd(2026, 11, 24)
            .unwrap()
            .and_hms(9, 0, 0)
            .unwrap();
        sheet
            .write_datetime_with_format(1, 4, &start, &datetime)
            .unwrap();
        sheet.write_number_with_format(1, 5, 0.375, &time).unwrap();
        // A date format on a value no calendar can hold must not panic.
        sheet.write_number_with_format(1, 6, 1e30, &date).unwrap();
        sheet.write_number(2, 0, -0.0).unwrap();
        sheet.write_number(2, 1, 0.1).unwrap();
        sheet.write_boolean(2, 2, false).unwrap();
        sheet.write_number_with_format(2, 3, 61.0, &date).unwrap();
        sheet
            .write_number_with_format(2, 4, 45985.5 + 30.0 / 86_400.0, &datetime)
            .unwrap();
        sheet.write_number_with_format(2, 5, -1.0, &date).unwrap();
        sheet.write_string(2, 6, "  spasi  ").unwrap();
        let bytes = workbook.save_to_buffer().unwrap();

        let read_back = read(&bytes, Format::Xlsx).unwrap();
        assert_eq!(read_back.header, header);
        assert_eq!(
            read_back.rows,
            [
                [
                    "81234567890",
                    "3.25",
                    "TRUE",
                    "2026-11-24",
                    "2026-11-24 09:00",
                    "09:00",
                    "1000000000000000000000000000000"
                ],
                [
                    "0",
                    "0.1",
                    "FALSE",
                    "1900-03-01",
                    "2025-11-24 12:00:30",
                    "-1",
                    "spasi"
                ],
            ]
        );
    }

    #[test]
    fn excel_serial_dates() {
        use calamine::ExcelDateTimeType::{DateTime, TimeDelta};
        let text = |v, is_1904| date_text(&ExcelDateTime::new(v, DateTime, is_1904), is_1904);
        assert_eq!(text(1.0, false), "1900-01-01");
        assert_eq!(text(59.0, false), "1900-02-28");
        assert_eq!(text(60.0, false), "1900-02-29");
        assert_eq!(text(61.0, false), "1900-03-01");
        assert_eq!(text(46350.375, false), "2026-11-24 09:00");
        // Floating point noise in the serial is rounded to the second.
        assert_eq!(text(46_350.374_999_99, false), "2026-11-24 09:00");
        assert_eq!(text(44888.375, true), "2026-11-24 09:00");
        assert_eq!(text(0.999_999_999, false), "1900-01-01");
        assert_eq!(text(2_958_465.0, false), "9999-12-31");
        assert_eq!(text(2_958_466.0, false), "2958466");
        assert_eq!(text(f64::NAN, false), "NaN");
        let duration = date_text(&ExcelDateTime::new(1.5625, TimeDelta, false), false);
        assert_eq!(duration, "37:30");
    }

    #[test]
    fn xlsx_phone_number_stored_as_number() {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        let sheet = workbook.add_worksheet();
        sheet.write_string(0, 0, "Nama").unwrap();
        sheet.write_string(0, 1, "No. HP").unwrap();
        sheet.write_string(1, 0, "Wayan").unwrap();
        sheet.write_number(1, 1, 81234567890.0).unwrap();
        let bytes = workbook.save_to_buffer().unwrap();
        assert_eq!(
            read(&bytes, Format::Xlsx),
            Ok(table(&["Nama", "No. HP"], &[&["Wayan", "81234567890"]]))
        );
    }

    #[test]
    fn xlsx_export_keeps_digits_as_text() {
        let bytes = write(&indonesian(), Format::Xlsx);
        let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
        assert_eq!(workbook.sheet_names(), ["Data"]);
        let range = workbook.worksheet_range("Data").unwrap();
        assert_eq!(
            range.get_value((3, 1)),
            Some(&Data::String("198503302010121002".into()))
        );
        assert_eq!(
            range.get_value((3, 0)),
            Some(&Data::String("+6281234567890".into()))
        );
    }

    #[test]
    fn xlsx_reads_first_sheet_only() {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        let first = workbook.add_worksheet();
        first.write_string(0, 0, "Nama").unwrap();
        first.write_string(1, 0, "Budi").unwrap();
        let second = workbook.add_worksheet();
        second.write_string(0, 0, "Lain").unwrap();
        second.write_string(1, 0, "Ani").unwrap();
        let bytes = workbook.save_to_buffer().unwrap();
        assert_eq!(
            read(&bytes, Format::Xlsx),
            Ok(table(&["Nama"], &[&["Budi"]]))
        );
    }

    #[test]
    fn row_limit() {
        let at_limit = Table {
            header: vec!["No".into()],
            rows: (0..MAX_ROWS).map(|i| vec![i.to_string()]).collect(),
        };
        let mut over_limit = at_limit.clone();
        over_limit.rows.push(vec!["x".into()]);
        for format in [Format::Csv, Format::Xlsx] {
            let ok = read(&write(&at_limit, format), format).unwrap();
            assert_eq!(ok.rows.len(), MAX_ROWS);
            assert_eq!(
                read(&write(&over_limit, format), format),
                Err(ReadError::TooManyRows { limit: MAX_ROWS })
            );
        }
    }

    #[test]
    fn column_limit() {
        let wide = |n: usize| Table {
            header: (0..n).map(|i| format!("K{i}")).collect(),
            rows: vec![vec!["x".into(); n]],
        };
        for format in [Format::Csv, Format::Xlsx] {
            assert!(read(&write(&wide(MAX_COLUMNS), format), format).is_ok());
            assert_eq!(
                read(&write(&wide(MAX_COLUMNS + 1), format), format),
                Err(ReadError::TooManyColumns { limit: MAX_COLUMNS })
            );
        }
        let trailing_commas = format!("a{0}\nb{0}\n", ",".repeat(100_000));
        assert_eq!(
            read(trailing_commas.as_bytes(), Format::Csv),
            Ok(table(&["a"], &[&["b"]]))
        );
        let far_right = format!("a{}x\nb\n", ",".repeat(100_000));
        assert_eq!(
            read(far_right.as_bytes(), Format::Csv),
            Err(ReadError::TooManyColumns { limit: MAX_COLUMNS })
        );
    }

    #[test]
    fn unpacked_size_limit() {
        let bytes = write(&indonesian(), Format::Xlsx);
        assert_eq!(
            check_unpacked_size(&bytes, MAX_UNPACKED_BYTES, MAX_LOADED_BYTES),
            Ok(())
        );
        assert_eq!(
            check_unpacked_size(&bytes, 1024, 1024),
            Err(ReadError::TooLarge)
        );
        // The parts read whole have their own, smaller allowance.
        assert_eq!(
            check_unpacked_size(&bytes, MAX_UNPACKED_BYTES, 16),
            Err(ReadError::TooLarge)
        );
    }

    #[test]
    fn one_text_in_every_cell_is_refused_by_weight() {
        let long = "x".repeat(30_000);
        let row: Vec<&str> = vec![long.as_str(); 10];
        let rows: Vec<&[&str]> = vec![row.as_slice(); 200];
        let csv = write(&table(&["a"; 10], &rows), Format::Csv);
        assert_eq!(read(&csv, Format::Csv), Err(ReadError::TooLarge));
    }

    #[test]
    fn garbage_never_panics() {
        let xlsx = write(&indonesian(), Format::Xlsx);
        let csv = write(&indonesian(), Format::Csv);
        let mut noise = Vec::new();
        let mut state: u32 = 0x1234_5678;
        for _ in 0..4096 {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            noise.push((state >> 16) as u8);
        }
        let mut inputs: Vec<Vec<u8>> = vec![
            Vec::new(),
            noise.clone(),
            b"PK\x03\x04".to_vec(),
            xlsx[..xlsx.len() / 2].to_vec(),
            xlsx[..xlsx.len() - 10].to_vec(),
            xlsx[100..].to_vec(),
            b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n1 0 obj\n".to_vec(),
        ];
        // Single corrupted bytes all over a valid workbook.
        for i in (0..xlsx.len()).step_by(97) {
            let mut broken = xlsx.clone();
            broken[i] ^= 0x5A;
            inputs.push(broken);
        }
        for input in &inputs {
            let _ = read(input, Format::Csv);
            let _ = read(input, Format::Xlsx);
        }
        for input in [&b""[..], &noise, &xlsx[..xlsx.len() / 2], &csv] {
            assert_eq!(read(input, Format::Xlsx), Err(ReadError::Unreadable));
        }
        for input in [&noise[..], &xlsx, &xlsx[..xlsx.len() / 2]] {
            assert_eq!(read(input, Format::Csv), Err(ReadError::Unreadable));
        }
    }

    #[test]
    fn write_cuts_text_to_excel_limit() {
        let long = "a".repeat(XLSX_MAX_CHARS + 5);
        let bytes = write(&table(&["x"], &[&[&long]]), Format::Xlsx);
        let read_back = read(&bytes, Format::Xlsx).unwrap();
        assert_eq!(read_back.rows[0][0].len(), XLSX_MAX_CHARS);
        assert_eq!(truncate_chars("Ḥasan", 2), "Ḥa");
        assert_eq!(truncate_chars("ab", 5), "ab");
    }
}
