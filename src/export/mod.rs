//! File formats bimtek writes and reads: iCalendar for invitations and
//! feeds, CSV and XLSX for participant lists, QR codes, and the participant
//! report organisers download from Zoom. The rules they carry out stay in
//! `domain`; here is only the shape of the bytes.

pub mod calendar;
pub mod qr;
pub mod spreadsheet;
pub mod zoom_csv;
