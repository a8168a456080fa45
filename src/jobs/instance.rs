//! An instance's name in the jobs table (`locked_by`), kept in a file
//! across restarts: an instance restarted after a crash knows the jobs its
//! previous life held and takes them back at once, instead of waiting for
//! their leases to lapse as another instance must.
//!
//! The file is locked while the instance runs (the lock dies with the
//! process, kill -9 included), so two live instances never share a name: a
//! second one started beside the first gets a name of its own, kept nowhere.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

/// The name, and the locked file that keeps it while the instance runs.
pub struct InstanceName {
    pub name: String,
    _lock: Option<File>,
}

impl InstanceName {
    /// The name kept in `file`, made and written there on first use; a
    /// fresh one when there is no file, or when another live instance
    /// holds it.
    pub fn take(file: Option<&Path>) -> InstanceName {
        let Some(path) = file else {
            return InstanceName::fresh();
        };
        match kept_in(path) {
            Ok((name, lock)) => InstanceName {
                name,
                _lock: Some(lock),
            },
            Err(error) => {
                tracing::debug!(file = %path.display(), %error, "a fresh instance name: the kept one is not available");
                InstanceName::fresh()
            }
        }
    }

    fn fresh() -> InstanceName {
        InstanceName {
            name: new_name(),
            _lock: None,
        }
    }
}

fn new_name() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..12].to_owned()
}

fn kept_in(path: &Path) -> std::io::Result<(String, File)> {
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)?;
    file.try_lock()?;
    let mut kept = String::new();
    file.read_to_string(&mut kept)?;
    let kept = kept.trim();
    if kept.len() == 12 && kept.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok((kept.to_owned(), file));
    }
    let name = new_name();
    file.set_len(0)?;
    file.seek(SeekFrom::Start(0))?;
    file.write_all(name.as_bytes())?;
    file.sync_all()?;
    Ok((name, file))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_restart_keeps_the_name_and_a_second_live_instance_gets_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bimtek.db-instance");
        let first = InstanceName::take(Some(&path));
        let beside = InstanceName::take(Some(&path));
        assert_ne!(beside.name, first.name);
        let name = first.name.clone();
        drop(first);
        assert_eq!(InstanceName::take(Some(&path)).name, name);
        assert_ne!(InstanceName::take(None).name, name);
    }
}
