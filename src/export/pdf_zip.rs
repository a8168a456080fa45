//! Many PDFs in one file, both ways: a batch's certificates go out to
//! their signatory as one ZIP, and come back signed as a ZIP or as PDFs
//! one by one. Each file is told by its content, never its name.
//!
//! Reading is CPU-bound for a large ZIP: call it from `web::block`.

use std::collections::HashSet;
use std::io::{Cursor, Read, Seek, Write};

use zip::write::SimpleFileOptions;

/// More files than a batch of certificates ever holds, with room to spare.
pub const MAX_ENTRIES: usize = 2_000;
/// A signed certificate weighs 50–200 KB; a signature image or a long
/// chain of certificates adds little.
pub const MAX_ENTRY_BYTES: u64 = 16 * 1024 * 1024;
/// What all the entries together may inflate to: a full batch, signed,
/// is a few hundred MB at most.
pub const MAX_UNPACKED_BYTES: u64 = 512 * 1024 * 1024;

/// Why an upload is refused whole.
#[derive(Clone, Copy, Debug, thiserror::Error, PartialEq, Eq)]
pub enum UploadError {
    #[error("neither a PDF nor a ZIP file")]
    NotPdfOrZip,
    #[error("the ZIP file cannot be read")]
    Unreadable,
    #[error("the ZIP file holds more than {MAX_ENTRIES} files")]
    TooManyFiles,
    #[error("the ZIP file unpacks to more than can be taken")]
    TooLarge,
}

/// One file of an upload: its name (without folders) and its bytes, or
/// why it is not taken while the others are.
#[derive(Debug, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub pdf: Result<Vec<u8>, EntryError>,
}

#[derive(Clone, Copy, Debug, thiserror::Error, PartialEq, Eq)]
pub enum EntryError {
    #[error("not a PDF file")]
    NotPdf,
    #[error("larger than a certificate can be")]
    TooLarge,
}

fn is_pdf(bytes: &[u8]) -> bool {
    bytes.starts_with(b"%PDF-")
}

/// An uploaded file as the PDFs it carries: itself when it is one, or the
/// files of a ZIP. Folders and the `__MACOSX` copies that macOS's
/// archiver adds are passed over, not refused.
pub fn read_upload(name: &str, bytes: &[u8]) -> Result<Vec<Entry>, UploadError> {
    read_within(name, bytes, LIMITS)
}

#[derive(Clone, Copy)]
struct Limits {
    entries: usize,
    entry: u64,
    total: u64,
}

const LIMITS: Limits = Limits {
    entries: MAX_ENTRIES,
    entry: MAX_ENTRY_BYTES,
    total: MAX_UNPACKED_BYTES,
};

fn read_within(name: &str, bytes: &[u8], limits: Limits) -> Result<Vec<Entry>, UploadError> {
    if is_pdf(bytes) {
        return Ok(vec![Entry {
            name: base_name(name),
            pdf: Ok(bytes.to_vec()),
        }]);
    }
    if !bytes.starts_with(b"PK\x03\x04") {
        return Err(UploadError::NotPdfOrZip);
    }
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| UploadError::Unreadable)?;
    if archive.len() > limits.entries {
        return Err(UploadError::TooManyFiles);
    }
    let mut entries = Vec::new();
    let mut unpacked = 0u64;
    for index in 0..archive.len() {
        let file = archive
            .by_index(index)
            .map_err(|_| UploadError::Unreadable)?;
        let path = file.name().to_string();
        if file.is_dir() || path.starts_with("__MACOSX/") {
            continue;
        }
        // The sizes in the ZIP's directory can lie: only what inflates
        // counts, and inflating stops one byte past the allowance.
        let left = limits.total - unpacked;
        let allowance = limits.entry.min(left);
        let mut content = Vec::new();
        file.take(allowance + 1)
            .read_to_end(&mut content)
            .map_err(|_| UploadError::Unreadable)?;
        let size = content.len() as u64;
        if size > left {
            return Err(UploadError::TooLarge);
        }
        unpacked += size.min(allowance);
        let pdf = if size > allowance {
            Err(EntryError::TooLarge)
        } else if is_pdf(&content) {
            Ok(content)
        } else {
            Err(EntryError::NotPdf)
        };
        entries.push(Entry {
            name: base_name(&path),
            pdf,
        });
    }
    Ok(entries)
}

/// The last part of a path, as the person who made the ZIP named the file.
fn base_name(path: &str) -> String {
    path.rsplit(['/', '\\']).next().unwrap_or(path).to_string()
}

/// A ZIP written one PDF at a time, so a batch is never held twice:
/// PDFs are stored as they are, their streams already compressed.
pub struct PdfZip<W: Write + Seek> {
    zip: zip::ZipWriter<W>,
    names: HashSet<String>,
}

impl<W: Write + Seek> PdfZip<W> {
    pub fn new(writer: W) -> PdfZip<W> {
        PdfZip {
            zip: zip::ZipWriter::new(writer),
            names: HashSet::new(),
        }
    }

    /// Adds `pdf` as `{name}.pdf`, the name made safe for every unzipping
    /// tool (a certificate number's slashes would make folders) and told
    /// apart from an earlier one of the same name by " (2)", " (3)"…
    pub fn add(&mut self, name: &str, pdf: &[u8]) -> std::io::Result<()> {
        let safe: String = name
            .trim()
            .chars()
            .map(|c| {
                if c.is_control() || "/\\:*?\"<>|".contains(c) {
                    '-'
                } else {
                    c
                }
            })
            .collect();
        let safe = if safe.is_empty() {
            "sertifikat".into()
        } else {
            safe
        };
        let mut file_name = format!("{safe}.pdf");
        let mut copy = 1;
        while !self.names.insert(file_name.clone()) {
            copy += 1;
            file_name = format!("{safe} ({copy}).pdf");
        }
        let options =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        self.zip.start_file(file_name, options)?;
        self.zip.write_all(pdf)
    }

    pub fn finish(self) -> std::io::Result<W> {
        Ok(self.zip.finish()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zip::CompressionMethod::{Deflated, Stored};

    const PDF: &[u8] = b"%PDF-1.7\n% a certificate\n%%EOF\n";

    fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, bytes) in files {
            if let Some(folder) = name.strip_suffix('/') {
                zip.add_directory(folder, SimpleFileOptions::default())
                    .unwrap();
            } else {
                let options = SimpleFileOptions::default().compression_method(Deflated);
                zip.start_file(*name, options).unwrap();
                zip.write_all(bytes).unwrap();
            }
        }
        zip.finish().unwrap().into_inner()
    }

    fn names(entries: &[Entry]) -> Vec<(&str, Result<usize, EntryError>)> {
        entries
            .iter()
            .map(|e| {
                (
                    e.name.as_str(),
                    e.pdf.as_ref().map(Vec::len).map_err(|e| *e),
                )
            })
            .collect()
    }

    #[test]
    fn a_batch_goes_out_one_pdf_at_a_time_and_reads_back_the_same() {
        let mut out = PdfZip::new(Cursor::new(Vec::new()));
        out.add("001/BIMTEK-TPBIS/VII/2020 Siti Rahmawati", PDF)
            .unwrap();
        out.add("Budi", b"%PDF-1.7 Budi").unwrap();
        out.add("Budi", b"%PDF-1.7 the other Budi").unwrap();
        let bytes = out.finish().unwrap().into_inner();
        let back = read_upload("batch.zip", &bytes).unwrap();
        assert_eq!(
            back,
            [
                Entry {
                    name: "001-BIMTEK-TPBIS-VII-2020 Siti Rahmawati.pdf".into(),
                    pdf: Ok(PDF.to_vec()),
                },
                Entry {
                    name: "Budi.pdf".into(),
                    pdf: Ok(b"%PDF-1.7 Budi".to_vec()),
                },
                Entry {
                    name: "Budi (2).pdf".into(),
                    pdf: Ok(b"%PDF-1.7 the other Budi".to_vec()),
                },
            ]
        );
        // PDFs are stored, not deflated again.
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        assert_eq!(archive.by_index(0).unwrap().compression(), Stored);
    }

    #[test]
    fn a_pdf_alone_is_an_upload_of_one() {
        let entries = read_upload("C:\\Users\\TU\\Siti.pdf", PDF).unwrap();
        assert_eq!(names(&entries), [("Siti.pdf", Ok(PDF.len()))]);
        assert_eq!(
            read_upload("Siti.pdf", b"<html>not a pdf"),
            Err(UploadError::NotPdfOrZip)
        );
        assert_eq!(
            read_upload("batch.zip", b"PK\x03\x04 cut short"),
            Err(UploadError::Unreadable)
        );
    }

    #[test]
    fn in_a_zip_each_file_is_told_by_its_content_and_folders_are_passed_over() {
        let bytes = zip_of(&[
            ("ditandatangani/", b""),
            ("ditandatangani/Siti.pdf", PDF),
            ("ditandatangani/Budi.PDF.docx", b"PK\x03\x04 a Word file"),
            ("ditandatangani/catatan.pdf", b"not really a PDF"),
            ("__MACOSX/ditandatangani/._Siti.pdf", b"\x00\x05\x16\x07"),
        ]);
        let entries = read_upload("batch.zip", &bytes).unwrap();
        assert_eq!(
            names(&entries),
            [
                ("Siti.pdf", Ok(PDF.len())),
                ("Budi.PDF.docx", Err(EntryError::NotPdf)),
                ("catatan.pdf", Err(EntryError::NotPdf)),
            ]
        );
    }

    #[test]
    fn a_zip_bomb_is_refused_without_inflating_it_whole() {
        // 16 MiB of zeros and a byte deflate to a few KiB.
        let mut bomb = PDF.to_vec();
        bomb.resize(MAX_ENTRY_BYTES as usize + 1, 0);
        let bytes = zip_of(&[("bom.pdf", &bomb), ("Siti.pdf", PDF)]);
        assert!(bytes.len() < 100_000, "{}", bytes.len());
        let entries = read_upload("batch.zip", &bytes).unwrap();
        assert_eq!(
            names(&entries),
            [
                ("bom.pdf", Err(EntryError::TooLarge)),
                ("Siti.pdf", Ok(PDF.len()))
            ]
        );

        // Past the total, the whole upload is refused.
        let small = Limits {
            entries: 10,
            entry: 1_000,
            total: 2_500,
        };
        let mut big = PDF.to_vec();
        big.resize(900, b' ');
        let three = zip_of(&[("a.pdf", &big), ("b.pdf", &big), ("c.pdf", &big)]);
        assert_eq!(
            read_within("batch.zip", &three, small),
            Err(UploadError::TooLarge)
        );
        let two = zip_of(&[("a.pdf", &big), ("b.pdf", &big)]);
        assert_eq!(read_within("batch.zip", &two, small).unwrap().len(), 2);
        let many = Limits {
            entries: 2,
            ..small
        };
        assert_eq!(
            read_within("batch.zip", &three, many),
            Err(UploadError::TooManyFiles)
        );
    }
}
