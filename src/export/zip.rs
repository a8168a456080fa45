//! Several stored files as one ZIP, written as it is sent: each file is
//! read from storage a part at a time and passed through (stored, not
//! compressed again: PDFs, Office files and pictures are compressed
//! already), so the archive is never whole in memory, nor any file in it.

use std::collections::{HashSet, VecDeque};
use std::io::Write;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use futures_util::stream::{self, Stream, StreamExt};
use zip::write::{SimpleFileOptions, StreamWriter};
use zip::{CompressionMethod, ZipWriter};

use crate::integrations::storage::{FileKey, FileStream, Storage};

/// A file to put in the archive under `name` (folders separated by `/`).
pub struct Entry {
    pub name: String,
    pub key: FileKey,
}

/// What the writer produced and the stream has not sent yet.
#[derive(Clone, Default)]
struct Pending(Arc<Mutex<Vec<u8>>>);

impl Pending {
    fn take(&self) -> Bytes {
        Bytes::from(std::mem::take(&mut *self.0.lock().expect("not poisoned")))
    }
}

impl Write for Pending {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("not poisoned").extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

struct State {
    storage: Storage,
    entries: VecDeque<Entry>,
    writer: Option<ZipWriter<StreamWriter<Pending>>>,
    pending: Pending,
    reading: Option<FileStream>,
}

/// The archive of `entries`, in order, as its bytes come.
pub fn stream(
    storage: Storage,
    entries: Vec<Entry>,
) -> impl Stream<Item = Result<Bytes, std::io::Error>> {
    let pending = Pending::default();
    let state = State {
        storage,
        entries: entries.into(),
        writer: Some(ZipWriter::new_stream(pending.clone())),
        pending,
        reading: None,
    };
    stream::try_unfold(state, |mut state| async move {
        loop {
            let Some(writer) = state.writer.as_mut() else {
                return Ok(None);
            };
            if let Some(reading) = state.reading.as_mut() {
                match reading.next().await {
                    Some(part) => writer.write_all(&part.map_err(std::io::Error::other)?)?,
                    None => state.reading = None,
                }
            } else if let Some(entry) = state.entries.pop_front() {
                let options =
                    SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
                writer
                    .start_file(entry.name, options)
                    .map_err(std::io::Error::other)?;
                state.reading = Some(
                    state
                        .storage
                        .get(&entry.key)
                        .await
                        .map_err(std::io::Error::other)?,
                );
            } else {
                let writer = state.writer.take().expect("checked above");
                writer.finish().map_err(std::io::Error::other)?;
            }
            let bytes = state.pending.take();
            if !bytes.is_empty() {
                return Ok(Some((bytes, state)));
            }
        }
    })
}

/// `folder/name`, each made a plain path part, and unique in `taken`
/// ("slide (2).pdf" after "slide.pdf").
pub fn entry_name(folder: &str, name: &str, taken: &mut HashSet<String>) -> String {
    let part = |s: &str| -> String {
        let cleaned: String = s
            .chars()
            .map(|c| {
                if c.is_control() || matches!(c, '/' | '\\' | ':') {
                    '_'
                } else {
                    c
                }
            })
            .collect();
        let cleaned = cleaned.trim().trim_matches('.').to_owned();
        if cleaned.is_empty() {
            "_".into()
        } else {
            cleaned
        }
    };
    let (folder, name) = (part(folder), part(name));
    let (stem, extension) = match name.rsplit_once('.') {
        Some((stem, extension)) => (stem.to_owned(), format!(".{extension}")),
        None => (name.clone(), String::new()),
    };
    let mut candidate = format!("{folder}/{name}");
    let mut n = 2;
    while !taken.insert(candidate.clone()) {
        candidate = format!("{folder}/{stem} ({n}){extension}");
        n += 1;
    }
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_plain_and_unique() {
        let mut taken = HashSet::new();
        assert_eq!(
            entry_name("01 Sesi 1: Strategi", "slide.pdf", &mut taken),
            "01 Sesi 1_ Strategi/slide.pdf"
        );
        assert_eq!(
            entry_name("01 Sesi 1: Strategi", "slide.pdf", &mut taken),
            "01 Sesi 1_ Strategi/slide (2).pdf"
        );
        assert_eq!(
            entry_name("../..", "a/b\u{0}.pdf", &mut taken),
            "_/a_b_.pdf"
        );
    }
}
