//! Files heapscope writes (converted or symbolized profiles, reports):
//! always to a temporary file in the destination's folder, then renamed
//! over the destination, so a failure mid-write never leaves a truncated
//! file and never destroys what was there.
//!
//! An interrupt must not leave the temporary file behind either. The first
//! call to [`write_atomic`] installs a handler for SIGINT, SIGTERM and
//! SIGHUP (the `ctrlc` crate; commands that write no file keep the default
//! behaviour) that removes the temporary files in flight and exits with
//! 130. Creating, registering, renaming and unregistering a temporary file
//! happen under the same lock the handler takes, so the handler sees either
//! a registered temporary file (removed; the destination keeps its old
//! content) or a finished rename (the destination is complete). SIGKILL
//! and power loss cannot be handled: they can leave a `.NAME.PID.N.tmp`
//! beside the destination, never a truncated destination.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, Once};

/// Temporary files being written, removed by the interrupt handler.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
static HANDLER: Once = Once::new();

fn pending() -> MutexGuard<'static, Vec<PathBuf>> {
    PENDING.lock().unwrap_or_else(|e| e.into_inner())
}

/// Installs the interrupt handler once. If the program embedding this
/// library installed its own handler already, that one stays.
fn install_interrupt_cleanup() {
    HANDLER.call_once(|| {
        let _ = ctrlc::set_handler(|| {
            // Holding the lock until exit: no rename can start afterwards.
            let files = pending();
            for f in files.iter() {
                let _ = fs::remove_file(f);
            }
            std::process::exit(130);
        });
    });
}

/// Writes `path` atomically: `write` fills a temporary file next to it,
/// which is synced and renamed over `path` only if everything succeeded.
/// On failure (or an interrupt) the temporary file is removed.
pub fn write_atomic(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    if path.is_dir() {
        return Err(io::Error::other(format!(
            "{} is a directory",
            path.display()
        )));
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::other(format!("{} is not a file path", path.display())))?
        .to_string_lossy()
        .into_owned();
    install_interrupt_cleanup();
    let mut n = 0u32;
    let (tmp, file) = loop {
        let tmp = dir.join(format!(".{name}.{}.{n}.tmp", std::process::id()));
        let mut files = pending();
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(f) => {
                files.push(tmp.clone());
                break (tmp, f);
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && n < 100 => n += 1,
            Err(e) => return Err(e),
        }
    };
    let result = (|| {
        let mut w = BufWriter::new(&file);
        write(&mut w)?;
        w.flush()?;
        drop(w);
        file.sync_all()
    })();
    let mut files = pending();
    let result = result.and_then(|()| fs::rename(&tmp, path));
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    files.retain(|f| f != &tmp);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failure_keeps_old_file_and_leaves_no_temp() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("out.txt");
        fs::write(&p, "old").unwrap();
        let r = write_atomic(&p, |w| {
            w.write_all(b"partial")?;
            Err(io::Error::other("boom"))
        });
        assert!(r.is_err());
        assert_eq!(fs::read_to_string(&p).unwrap(), "old");
        assert_eq!(fs::read_dir(d.path()).unwrap().count(), 1);
        write_atomic(&p, |w| w.write_all(b"new")).unwrap();
        assert_eq!(fs::read_to_string(&p).unwrap(), "new");
        assert_eq!(fs::read_dir(d.path()).unwrap().count(), 1);
    }

    #[test]
    fn directory_target_is_refused() {
        let d = tempfile::tempdir().unwrap();
        assert!(write_atomic(d.path(), |w| w.write_all(b"x")).is_err());
        assert_eq!(fs::read_dir(d.path()).unwrap().count(), 0);
    }
}
