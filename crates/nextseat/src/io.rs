//! Reading inputs and writing outputs at the edge: size and encoding checks, format by
//! extension, the knowledge base chosen by `--kb`, and atomic writes (temp file in the
//! same directory, then rename), so an output file is all there or not there.

use crate::error::CliError;
use nextseat_core::{Format, KnowledgeBase};
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

/// Largest input accepted.
pub const MAX_INPUT: u64 = 16 * 1024 * 1024;

/// A text read from a file or stdin, with the name to report it by.
pub struct Input {
    /// `path` or `<stdin>`.
    pub origin: String,
    /// The text.
    pub text: String,
}

/// Reads a UTF-8 text file (`-` = stdin), refusing empty-of-meaning inputs early:
/// directories, binary data, invalid UTF-8, oversized files.
pub fn read_text(path: &Path) -> Result<Input, CliError> {
    let stdin = path == Path::new("-");
    let origin = if stdin {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    };
    let fail = |message: String| CliError::Input {
        origin: origin.clone(),
        message,
    };
    let mut bytes = Vec::new();
    let result = if stdin {
        std::io::stdin().take(MAX_INPUT + 1).read_to_end(&mut bytes)
    } else {
        if path.is_dir() {
            return Err(fail("is a directory, not a file".into()));
        }
        std::fs::File::open(path).and_then(|f| f.take(MAX_INPUT + 1).read_to_end(&mut bytes))
    };
    if let Err(e) = result {
        let why = match e.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_string(),
            std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
            _ => format!("cannot be read ({e})"),
        };
        return Err(fail(why));
    }
    if bytes.len() as u64 > MAX_INPUT {
        return Err(fail(format!(
            "is larger than {} MiB",
            MAX_INPUT / 1024 / 1024
        )));
    }
    if bytes.contains(&0) {
        return Err(fail(
            "looks like a binary file (it contains NUL bytes)".into(),
        ));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        fail(format!(
            "is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })?;
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or(text);
    Ok(Input { origin, text })
}

/// The profile format for a path: `.toml`, `.json`, or `-` (JSON on stdin).
pub fn profile_format(path: &Path) -> Result<Format, CliError> {
    if path == Path::new("-") {
        return Ok(Format::Json);
    }
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("toml") => Ok(Format::Toml),
        Some("json") => Ok(Format::Json),
        _ => Err(CliError::Input {
            origin: path.display().to_string(),
            message:
                "unknown profile format: name the file .toml or .json (or use - for JSON on stdin)"
                    .into(),
        }),
    }
}

/// The knowledge base: the file given by `--kb`, or the embedded default.
pub fn load_kb(path: Option<&Path>) -> Result<KnowledgeBase, CliError> {
    match path {
        None => {
            KnowledgeBase::parse(nextseat_core::kb::DEFAULT_KB).map_err(|diags| CliError::Invalid {
                origin: "<embedded knowledge base>".into(),
                diags,
            })
        }
        Some(p) => {
            let input = read_text(p)?;
            KnowledgeBase::parse(&input.text).map_err(|diags| CliError::Invalid {
                origin: input.origin,
                diags,
            })
        }
    }
}

/// Where output goes.
pub enum Output {
    /// Standard output.
    Stdout,
    /// A file (or a device or pipe), written through a [`Sink`].
    File(PathBuf),
}

impl Output {
    /// From an optional `-o` path (`-` means stdout).
    pub fn from_arg(path: Option<PathBuf>) -> Output {
        match path {
            Some(p) if p != Path::new("-") => Output::File(p),
            _ => Output::Stdout,
        }
    }

    /// Whether colour is wanted: stdout is a terminal and `NO_COLOR` is not set.
    pub fn color(&self) -> bool {
        matches!(self, Output::Stdout)
            && std::io::stdout().is_terminal()
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
    }

    /// The terminal's width when the output is a terminal's stdout.
    pub fn terminal_width(&self) -> Option<usize> {
        if !matches!(self, Output::Stdout) || !std::io::stdout().is_terminal() {
            return None;
        }
        terminal_size::terminal_size().map(|(w, _)| usize::from(w.0))
    }

    /// Writes all of `text`; a regular file gets all of it or keeps what it had.
    pub fn write(&self, text: &str) -> Result<(), CliError> {
        self.write_bytes(text.as_bytes())
    }

    /// Writes all of `bytes`; a regular file gets all of it or keeps what it had.
    pub fn write_bytes(&self, bytes: &[u8]) -> Result<(), CliError> {
        let mut sink = match self {
            Output::Stdout => Sink::stdout(),
            Output::File(path) => Sink::create(path)?,
        };
        sink.write(bytes)?;
        sink.commit()
    }
}

/// Writes `bytes` to `path` through a [`Sink`]: all of it, or (for a regular file)
/// nothing at all.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let mut sink = Sink::create(path)?;
    sink.write(bytes)?;
    sink.commit()
}

/// The name every staging file starts with; [`sweep`] removes abandoned ones.
const STAGING_PREFIX: &str = ".nextseat-";
/// The end of a staging file's name.
const STAGING_SUFFIX: &str = ".partial";
/// A staging file this old and unlocked was left by a process that died.
const ABANDONED_AFTER: std::time::Duration = std::time::Duration::from_secs(60);

/// Where a command's output goes, written as it is produced; every `-o` goes through one.
///
/// - `-` is standard output; a closed pipe (`| head`) ends the output quietly.
/// - A regular file (or a name not taken yet) is written under a temporary name in the
///   same folder and renamed over it by [`Sink::commit`]: readers see the old file or
///   the whole new one, never a part; a sink dropped without commit leaves the old one.
/// - A symbolic link is followed: the file it points to is replaced as above and the
///   link stays a link.
/// - A FIFO, a device or a socket is written directly, since renaming over it would
///   replace the special file with a plain one; its write errors (no space left on
///   `/dev/full`) are reported.
///
/// The temporary file holds an exclusive lock for its whole life. A process killed
/// before committing leaves it behind; the next sink in that folder removes such files
/// once they are a minute old and unlocked. Errors name the path the user gave, never
/// the temporary file.
pub struct Sink {
    /// The path as the user gave it, for messages.
    shown: PathBuf,
    to: Target,
}

enum Target {
    Stdout(std::io::BufWriter<std::io::Stdout>),
    Direct(std::io::BufWriter<std::fs::File>),
    Staged {
        out: std::io::BufWriter<std::fs::File>,
        tmp: tempfile::TempPath,
        target: PathBuf,
    },
    /// Standard output was closed by its reader: the rest is dropped.
    Gone,
}

/// Size of a sink's write buffer.
const SINK_BUFFER: usize = 256 * 1024;

impl Sink {
    /// Standard output.
    pub fn stdout() -> Sink {
        Sink {
            shown: PathBuf::from("<stdout>"),
            to: Target::Stdout(std::io::BufWriter::with_capacity(
                SINK_BUFFER,
                std::io::stdout(),
            )),
        }
    }

    /// A sink for `path` (`-` is standard output), ready to write.
    pub fn create(path: &Path) -> Result<Sink, CliError> {
        if path == Path::new("-") {
            return Ok(Sink::stdout());
        }
        let shown = path.to_path_buf();
        let fail = |source| CliError::Write {
            path: shown.clone(),
            source,
        };
        let target = follow_links(path).map_err(fail)?;
        let to = match std::fs::metadata(&target) {
            Ok(meta) if meta.is_dir() => {
                return Err(CliError::Usage(format!(
                    "the output {} is a folder: name a file in it",
                    path.display()
                )));
            }
            Ok(meta) if !meta.is_file() => {
                let file = std::fs::OpenOptions::new()
                    .write(true)
                    .open(&target)
                    .map_err(fail)?;
                Target::Direct(std::io::BufWriter::with_capacity(SINK_BUFFER, file))
            }
            _ => {
                sweep(&target);
                let tmp = staging_file(&target).map_err(fail)?;
                let (file, tmp) = tmp.into_parts();
                Target::Staged {
                    out: std::io::BufWriter::with_capacity(SINK_BUFFER, file),
                    tmp,
                    target,
                }
            }
        };
        Ok(Sink { shown, to })
    }

    /// The name the user gave.
    pub fn name(&self) -> String {
        self.shown.display().to_string()
    }

    /// Where the output is written until [`Sink::commit`].
    pub fn staging(&self) -> String {
        match &self.to {
            Target::Staged { tmp, .. } => tmp.display().to_string(),
            _ => self.name(),
        }
    }

    fn fail(&self, source: std::io::Error) -> CliError {
        CliError::Write {
            path: self.shown.clone(),
            source,
        }
    }

    /// Writes all of `bytes`.
    pub fn write(&mut self, bytes: &[u8]) -> Result<(), CliError> {
        let result = match &mut self.to {
            Target::Stdout(out) => out.write_all(bytes),
            Target::Direct(out) | Target::Staged { out, .. } => out.write_all(bytes),
            Target::Gone => Ok(()),
        };
        match result {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.to = Target::Gone;
                Ok(())
            }
            other => other.map_err(|e| self.fail(e)),
        }
    }

    /// Finishes the output: flushes it, and for a regular file syncs it and renames it
    /// into place.
    pub fn commit(self) -> Result<(), CliError> {
        let Sink { shown, to } = self;
        let fail = |source| CliError::Write {
            path: shown.clone(),
            source,
        };
        match to {
            Target::Gone => Ok(()),
            Target::Stdout(mut out) => match out.flush() {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(fail(e)),
                _ => Ok(()),
            },
            Target::Direct(out) => {
                let file = out.into_inner().map_err(|e| fail(e.into_error()))?;
                // A device or pipe may not support fsync; what matters is that every
                // write was taken.
                let _ = file.sync_all();
                Ok(())
            }
            Target::Staged { out, tmp, target } => {
                let file = out.into_inner().map_err(|e| fail(e.into_error()))?;
                file.sync_all().map_err(fail)?;
                tmp.persist(&target).map_err(|e| fail(e.error))?;
                // The rename is durable once the folder is synced (best effort: not
                // every file system lets a folder be opened).
                if let Some(dir) = folder_of(&target).and_then(|d| std::fs::File::open(d).ok()) {
                    let _ = dir.sync_all();
                }
                drop(file);
                Ok(())
            }
        }
    }
}

/// The folder a path is in (`.` for a bare file name).
fn folder_of(path: &Path) -> Option<&Path> {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => Some(d),
        Some(_) => Some(Path::new(".")),
        None => None,
    }
}

/// The path a chain of symbolic links ends at (the path itself if it is not a link).
/// The end may not exist yet: it is where a new file will be made.
fn follow_links(path: &Path) -> std::io::Result<PathBuf> {
    let mut at = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&at) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let next = std::fs::read_link(&at)?;
                at = match folder_of(&at) {
                    Some(dir) if next.is_relative() => dir.join(next),
                    _ => next,
                };
            }
            _ => return Ok(at),
        }
    }
    Err(std::io::Error::other("too many levels of symbolic links"))
}

/// Removes staging files that a killed nextseat left beside `target`: named like ours,
/// untouched for a minute, and not locked by a live writer. Best effort: a file that
/// cannot be looked at is left alone.
fn sweep(target: &Path) {
    let Some(dir) = folder_of(target) else {
        return;
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            continue;
        };
        if !is_staging_name(name) {
            continue;
        }
        let path = entry.path();
        let old = entry
            .metadata()
            .ok()
            .filter(std::fs::Metadata::is_file)
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age >= ABANDONED_AFTER);
        if !old {
            continue;
        }
        let Ok(file) = std::fs::File::open(&path) else {
            continue;
        };
        // A live writer holds the lock; a dead one's lock went with its process.
        if file.try_lock().is_ok() {
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// Whether `name` is one of our staging files: `.nextseat-XXXXXX.partial`, or the name
/// earlier batches used (`.nextseat-batch-XXXXXX`). Earlier single-file writes used
/// `.nextseat-XXXXXX`, which a person's own file could be called too: those are left.
fn is_staging_name(name: &str) -> bool {
    let Some(rest) = name.strip_prefix(STAGING_PREFIX) else {
        return false;
    };
    let random = |s: &str| s.len() == 6 && s.bytes().all(|b| b.is_ascii_alphanumeric());
    match rest.strip_suffix(STAGING_SUFFIX) {
        Some(r) => random(r),
        None => rest.strip_prefix("batch-").is_some_and(random),
    }
}

/// A locked temporary file beside `target`, to be renamed onto it once complete. It
/// gets the permissions the finished file should have: those of the file it replaces,
/// or for a new file what any new file gets (read-write for all, less the umask). A
/// temporary file's own default (owner only) would otherwise become the output's.
fn staging_file(target: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let dir = folder_of(target).unwrap_or(Path::new("."));
    let mut builder = tempfile::Builder::new();
    builder
        .prefix(STAGING_PREFIX)
        .suffix(STAGING_SUFFIX)
        .rand_bytes(6);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    // Said in terms of the folder the user named, not of the temporary file's name.
    let tmp = builder.tempfile_in(dir).map_err(|e| {
        let folder = dir.display();
        match e.kind() {
            std::io::ErrorKind::NotFound => {
                std::io::Error::new(e.kind(), format!("the folder {folder} does not exist"))
            }
            std::io::ErrorKind::PermissionDenied => std::io::Error::new(
                e.kind(),
                format!("no permission to create files in the folder {folder}"),
            ),
            _ => std::io::Error::new(
                e.kind(),
                format!("cannot create a file in the folder {folder}: {e}"),
            ),
        }
    })?;
    tmp.as_file().lock()?;
    if let Ok(meta) = std::fs::metadata(target)
        && meta.is_file()
    {
        tmp.as_file().set_permissions(meta.permissions())?;
    }
    Ok(tmp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staging_names_are_recognised_and_nothing_else() {
        for ours in [".nextseat-a1B2c3.partial", ".nextseat-batch-2Wy533"] {
            assert!(is_staging_name(ours), "{ours}");
        }
        for theirs in [
            ".nextseat-config",
            ".nextseat-Zz9y8x",
            ".nextseat-a1B2c3.partial.bak",
            "nextseat-a1B2c3.partial",
            ".nextseat-batch-2Wy53",
            "report.csv",
        ] {
            assert!(!is_staging_name(theirs), "{theirs}");
        }
    }
}
