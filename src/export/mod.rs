//! File formats bimtek writes and reads: iCalendar for invitations and
//! feeds, CSV and XLSX for participant lists, QR codes, the participant
//! report organisers download from Zoom, and certificates going out to be
//! signed and coming back signed (ZIPs of PDFs, signed PDFs). The rules
//! they carry out stay in `domain`; here is only the shape of the bytes.

pub mod calendar;
pub mod pdf_zip;
pub mod qr;
pub mod signed_pdf;
pub mod spreadsheet;
pub mod zip;
pub mod zoom_csv;
