//! The outbox's files: append-only JSON lines, each appended line fsynced before it counts
//! (bar the outcomes of operations applied: see the outbox's docs).
//!
//! Two files: `accepted.jsonl` (every operation accepted while the database was away) and
//! `outcomes.jsonl` (what became of each). An operation is pending while it has no outcome.
//! A crash can leave a torn last line; such a line was never acknowledged (the fsync comes
//! before the 202), so reading skips it.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::{DirBuilderExt as _, OpenOptionsExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;

/// Why the outbox could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum OutboxError {
    /// The directory or a file could not be opened, written or synced.
    #[error("outbox {path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A record could not be encoded.
    #[error("outbox record could not be encoded: {0}")]
    Encode(#[from] serde_json::Error),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> OutboxError + '_ {
    move |source| OutboxError::Io {
        path: path.to_owned(),
        source,
    }
}

/// One append-only, fsynced JSON-lines file.
#[derive(Debug)]
pub(crate) struct JsonLines {
    path: PathBuf,
    file: File,
}

impl JsonLines {
    /// Opens (creating) `name` in `dir`, syncing the directory when the file is new so the file
    /// itself survives a crash.
    pub(crate) fn open(dir: &Path, name: &str) -> Result<Self, OutboxError> {
        // The outbox holds whole LPAs: only the simulator's user may read it.
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(io(dir))?;
        let path = dir.join(name);
        let existed = path.exists();
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .read(true)
            .mode(0o600)
            .open(&path)
            .map_err(io(&path))?;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(io(&path))?;
        if !existed {
            File::open(dir)
                .and_then(|d| d.sync_all())
                .map_err(io(dir))?;
        }
        let mut lines = Self { path, file };
        lines.terminate_torn_tail()?;
        Ok(lines)
    }

    /// Ends a line a crash left unfinished, so the next record starts on a line of its own.
    fn terminate_torn_tail(&mut self) -> Result<(), OutboxError> {
        use std::io::{Read, Seek, SeekFrom};
        let len = self.file.metadata().map_err(io(&self.path))?.len();
        if len == 0 {
            return Ok(());
        }
        let mut reader = File::open(&self.path).map_err(io(&self.path))?;
        reader
            .seek(SeekFrom::Start(len - 1))
            .map_err(io(&self.path))?;
        let mut last = [0u8; 1];
        reader.read_exact(&mut last).map_err(io(&self.path))?;
        if last[0] != b'\n' {
            self.file.write_all(b"\n").map_err(io(&self.path))?;
            self.file.sync_data().map_err(io(&self.path))?;
        }
        Ok(())
    }

    /// Every complete record, in order; unreadable lines (a torn tail) are skipped.
    pub(crate) fn read_all<T: DeserializeOwned>(&self) -> Result<Vec<T>, OutboxError> {
        let file = File::open(&self.path).map_err(io(&self.path))?;
        let mut records = Vec::new();
        for line in BufReader::new(file).lines() {
            let line = line.map_err(io(&self.path))?;
            match serde_json::from_str(&line) {
                Ok(record) => records.push(record),
                Err(e) => {
                    tracing::warn!(path = %self.path.display(), error = %e, "skipping an unreadable outbox line")
                }
            }
        }
        Ok(records)
    }

    /// Appends one record and waits until it is on disk.
    pub(crate) fn append<T: Serialize>(&mut self, record: &T) -> Result<(), OutboxError> {
        self.append_unsynced(record)?;
        self.file.sync_data().map_err(io(&self.path))
    }

    /// Appends one record without waiting for the disk: for records that can be lost in a
    /// crash without harm. A later [`Self::append`] syncs it along with its own.
    pub(crate) fn append_unsynced<T: Serialize>(&mut self, record: &T) -> Result<(), OutboxError> {
        let mut line = serde_json::to_vec(record)?;
        line.push(b'\n');
        self.file.write_all(&line).map_err(io(&self.path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn the_outbox_folder_and_files_are_private_to_the_simulators_user() {
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("outbox");

        JsonLines::open(&dir, "accepted.jsonl").unwrap();

        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&dir.join("accepted.jsonl")), 0o600);
    }

    #[test]
    fn a_file_left_readable_by_others_is_made_private_when_opened() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("outcomes.jsonl");
        std::fs::write(&path, "").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();

        JsonLines::open(dir.path(), "outcomes.jsonl").unwrap();

        assert_eq!(mode(&path), 0o600);
    }
}
