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
    /// A file, written atomically.
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

    /// Writes all of `text`, or (for a file) nothing at all.
    pub fn write(&self, text: &str) -> Result<(), CliError> {
        match self {
            Output::Stdout => {
                let mut out = std::io::stdout().lock();
                match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
                    Ok(()) => Ok(()),
                    Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                    Err(source) => Err(CliError::Write {
                        path: PathBuf::from("<stdout>"),
                        source,
                    }),
                }
            }
            Output::File(path) => write_atomic(path, text.as_bytes()),
        }
    }
}

/// Writes `bytes` to a temporary file beside `path`, syncs it, and renames it into place.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let err = |source| CliError::Write {
        path: path.to_path_buf(),
        source,
    };
    let mut tmp = staging_file(path, ".nextseat-").map_err(err)?;
    tmp.write_all(bytes).map_err(err)?;
    tmp.as_file().sync_all().map_err(err)?;
    tmp.persist(path).map_err(|e| err(e.error))?;
    Ok(())
}

/// A temporary file beside `target`, to be renamed onto it once complete. It gets the
/// permissions the finished file should have: those of the file it replaces, or for a
/// new file what any new file gets (read-write for all, less the umask). A temporary
/// file's own default (owner only) would otherwise become the output's.
pub fn staging_file(target: &Path, prefix: &str) -> std::io::Result<tempfile::NamedTempFile> {
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(prefix);
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
            _ => e,
        }
    })?;
    if let Ok(meta) = std::fs::metadata(target)
        && meta.is_file()
    {
        tmp.as_file().set_permissions(meta.permissions())?;
    }
    Ok(tmp)
}
