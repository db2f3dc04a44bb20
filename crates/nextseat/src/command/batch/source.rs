//! The batch input: a CSV file with a header, or JSONL, read into chunks of rows.
//!
//! Every byte passes through a [`Guard`] first, which refuses what no batch file holds
//! and what would grow without bound: a NUL byte (binary data), a CSV record over
//! [`MAX_RECORD`] bytes, and a quote that is never closed (which would otherwise take
//! in the rest of the file as one field). It follows the CSV quoting rules just far
//! enough to know where records start, so each refusal names the line it began on.

use crate::error::CliError;
use nextseat_core::batch::Columns;
use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::Arc;

/// Rows per chunk: large enough that channel traffic is noise, small enough that the
/// progress bar moves smoothly and the chunks in flight stay a few hundred kilobytes.
pub const CHUNK_ROWS: usize = 512;
/// Longest accepted JSONL line (one profile).
pub const MAX_LINE: usize = 1024 * 1024;
/// Longest accepted CSV record (one profile), as for a JSONL line.
pub const MAX_RECORD: usize = 1024 * 1024;

/// The input format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A header row, then one profile a row.
    Csv,
    /// One profile JSON a line.
    Jsonl,
}

/// Rows read and not yet written, in buffers that travel back to be refilled.
pub struct Chunk {
    /// The input row number of the first row (the first after the header is 1).
    pub first_row: u64,
    /// How many of the buffers hold this chunk's rows (the rest are spare).
    pub len: usize,
    /// Input bytes consumed up to the end of this chunk (for the progress bar).
    pub end_byte: u64,
    /// The rows.
    pub rows: Rows,
}

/// Row buffers of either format.
pub enum Rows {
    /// CSV records.
    Csv(Vec<csv::ByteRecord>),
    /// JSONL lines.
    Json(Vec<Vec<u8>>),
}

impl Chunk {
    /// An empty chunk for input of `kind`.
    pub fn new(kind: Kind) -> Chunk {
        Chunk {
            first_row: 0,
            len: 0,
            end_byte: 0,
            rows: match kind {
                Kind::Csv => Rows::Csv(Vec::with_capacity(CHUNK_ROWS)),
                Kind::Jsonl => Rows::Json(Vec::with_capacity(CHUNK_ROWS)),
            },
        }
    }
}

/// The input, past its header.
pub struct Source {
    origin: String,
    next_row: u64,
    input: Input,
}

enum Input {
    Csv(Box<csv::Reader<Guard>>, Arc<Columns>),
    Jsonl(BufReader<Guard>, u64),
}

impl Source {
    /// Opens `path` (`-` is stdin) and, for CSV, reads and checks the header: a wrong
    /// column would misread every row, so it is refused before anything is written.
    /// Returns the source and the input's size when known.
    pub fn open(path: &Path, kind: Kind) -> Result<(Source, Option<u64>), CliError> {
        let origin = if path == Path::new("-") {
            "<stdin>".to_string()
        } else {
            path.display().to_string()
        };
        let (raw, size) = open_input(path, &origin)?;
        let input = match kind {
            Kind::Csv => {
                let mut reader = csv::ReaderBuilder::new()
                    .has_headers(false)
                    .flexible(true)
                    .from_reader(Guard::new(raw, true));
                let mut header = csv::ByteRecord::new();
                let columns = match reader.read_byte_record(&mut header) {
                    Ok(true) => {
                        let names: Vec<&str> = header
                            .iter()
                            .map(|f| std::str::from_utf8(f).unwrap_or("\u{fffd}"))
                            .collect();
                        Columns::from_header(names).map_err(|diags| CliError::Invalid {
                            origin: origin.clone(),
                            diags,
                        })?
                    }
                    Ok(false) => {
                        return Err(CliError::Input {
                            origin,
                            message: "is empty: a CSV batch starts with a header row naming its columns (employees at least)".into(),
                        });
                    }
                    Err(e) => return Err(ReadError::from(e).into_cli(&origin)),
                };
                Input::Csv(Box::new(reader), Arc::new(columns))
            }
            Kind::Jsonl => Input::Jsonl(
                BufReader::with_capacity(256 * 1024, Guard::new(raw, false)),
                0,
            ),
        };
        let source = Source {
            origin,
            next_row: 1,
            input,
        };
        Ok((source, size))
    }

    /// The input's name in messages.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The CSV columns (none for JSONL).
    pub fn columns(&self) -> Option<Arc<Columns>> {
        match &self.input {
            Input::Csv(_, c) => Some(Arc::clone(c)),
            Input::Jsonl(..) => None,
        }
    }

    /// The input's format.
    pub fn kind(&self) -> Kind {
        match &self.input {
            Input::Csv(..) => Kind::Csv,
            Input::Jsonl(..) => Kind::Jsonl,
        }
    }

    /// Reads up to a chunk of rows into `chunk`, reusing the buffers already there;
    /// false when the input has ended.
    pub fn fill(&mut self, chunk: &mut Chunk) -> Result<bool, ReadError> {
        if !matches!(
            (&self.input, &chunk.rows),
            (Input::Csv(..), Rows::Csv(_)) | (Input::Jsonl(..), Rows::Json(_))
        ) {
            *chunk = Chunk::new(self.kind());
        }
        let (len, end_byte) = match (&mut self.input, &mut chunk.rows) {
            (Input::Csv(reader, _), Rows::Csv(records)) => {
                let mut len = 0;
                while len < CHUNK_ROWS {
                    if len == records.len() {
                        records.push(csv::ByteRecord::new());
                    }
                    if !reader.read_byte_record(&mut records[len])? {
                        break;
                    }
                    len += 1;
                }
                (len, reader.position().byte())
            }
            (Input::Jsonl(reader, offset), Rows::Json(lines)) => {
                let mut len = 0;
                while len < CHUNK_ROWS {
                    if len == lines.len() {
                        lines.push(Vec::new());
                    }
                    let line = &mut lines[len];
                    line.clear();
                    let n = reader
                        .by_ref()
                        .take(MAX_LINE as u64 + 1)
                        .read_until(b'\n', line)?;
                    if n == 0 {
                        break;
                    }
                    *offset += n as u64;
                    if line.len() > MAX_LINE && line.last() != Some(&b'\n') {
                        // Skip the rest of an oversized line; it becomes a bad row.
                        let mut rest = Vec::new();
                        *offset += reader.read_until(b'\n', &mut rest)? as u64;
                    }
                    if !line.iter().all(u8::is_ascii_whitespace) {
                        len += 1;
                    }
                }
                (len, *offset)
            }
            // Made to match above.
            _ => (0, 0),
        };
        chunk.first_row = self.next_row;
        chunk.len = len;
        chunk.end_byte = end_byte;
        self.next_row += len as u64;
        Ok(len > 0)
    }
}

fn open_input(path: &Path, origin: &str) -> Result<(Box<dyn Read + Send>, Option<u64>), CliError> {
    if path == Path::new("-") {
        return Ok((Box::new(std::io::stdin()), None));
    }
    if path.is_dir() {
        return Err(CliError::Input {
            origin: origin.to_string(),
            message: "is a directory, not a file".into(),
        });
    }
    let file = std::fs::File::open(path).map_err(|e| CliError::Input {
        origin: origin.to_string(),
        message: match e.kind() {
            std::io::ErrorKind::NotFound => "no such file".into(),
            std::io::ErrorKind::PermissionDenied => "permission denied".into(),
            _ => format!("cannot be read ({e})"),
        },
    })?;
    let size = file
        .metadata()
        .ok()
        .filter(std::fs::Metadata::is_file)
        .map(|m| m.len());
    Ok((Box::new(file), size))
}

/// Why the input cannot be read on.
#[derive(Debug)]
pub enum ReadError {
    /// The input is not a batch file, or a record in it is malformed beyond a row error.
    Refused(Refusal),
    /// The system failed to read it.
    Io(String),
}

impl ReadError {
    /// The error as the command reports it.
    pub fn into_cli(self, origin: &str) -> CliError {
        CliError::Input {
            origin: origin.to_string(),
            message: match self {
                ReadError::Refused(r) => r.to_string(),
                ReadError::Io(e) => format!("cannot be read ({e})"),
            },
        }
    }
}

impl From<std::io::Error> for ReadError {
    fn from(e: std::io::Error) -> ReadError {
        match e
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<Refusal>())
        {
            Some(r) => ReadError::Refused(r.clone()),
            None => ReadError::Io(e.to_string()),
        }
    }
}

impl From<csv::Error> for ReadError {
    fn from(e: csv::Error) -> ReadError {
        if !e.is_io_error() {
            return ReadError::Io(e.to_string());
        }
        match e.into_kind() {
            csv::ErrorKind::Io(io) => ReadError::from(io),
            _ => ReadError::Io("the CSV reader failed".into()),
        }
    }
}

/// What the guard refuses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// A NUL byte at this offset.
    Binary(u64),
    /// The record starting on this line is longer than [`MAX_RECORD`].
    TooLong {
        /// Where the record starts.
        line: u64,
        /// Whether a quote opened in it is still open (the likely cause).
        open_quote: Option<u64>,
    },
    /// A quote opened on this line is never closed.
    Unclosed(u64),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Binary(at) => write!(
                f,
                "looks like a binary file (a NUL byte at offset {at}), not CSV or JSONL text"
            ),
            Refusal::TooLong { line, open_quote } => {
                write!(
                    f,
                    "the row starting on line {line} is longer than {} KiB",
                    MAX_RECORD / 1024
                )?;
                if let Some(q) = open_quote {
                    write!(
                        f,
                        "; a quote (\") opened on line {q} is still open, so the lines after it were read as one field"
                    )?;
                }
                Ok(())
            }
            Refusal::Unclosed(line) => write!(
                f,
                "a quote (\") opened on line {line} is never closed, so every line after it would be read as one field: close it or remove it"
            ),
        }
    }
}

impl std::error::Error for Refusal {}

/// Where the guard is in the CSV quoting rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Quoting {
    /// Outside quotes.
    Plain,
    /// Inside a quoted field.
    Quoted,
    /// Just after a quote inside a quoted field: an escaped quote if the next byte is
    /// another, else the field's closing quote.
    AfterQuote,
}

/// Every input byte passes through here first (see the module's notes).
pub struct Guard {
    inner: Box<dyn Read + Send>,
    csv: bool,
    /// Bytes read so far.
    offset: u64,
    /// The current line (1-based).
    line: u64,
    quoting: Quoting,
    /// Where the current quoted field's opening quote is.
    quote_line: u64,
    /// Offset of the quote that put the guard in [`Quoting::AfterQuote`].
    quote_at: u64,
    /// The byte before the current buffer.
    prev: Option<u8>,
    /// Where the current record starts.
    record_start: u64,
    record_line: u64,
    /// A record seen whole in this read that was over the limit.
    too_long: Option<Refusal>,
}

impl Guard {
    fn new(inner: Box<dyn Read + Send>, csv: bool) -> Guard {
        Guard {
            inner,
            csv,
            offset: 0,
            line: 1,
            quoting: Quoting::Plain,
            quote_line: 0,
            quote_at: 0,
            prev: None,
            record_start: 0,
            record_line: 1,
            too_long: None,
        }
    }

    fn refuse(r: Refusal) -> std::io::Error {
        std::io::Error::new(std::io::ErrorKind::InvalidData, r)
    }

    /// Follows the quoting rules over `bytes` (which start at `self.offset`).
    fn scan(&mut self, bytes: &[u8]) {
        let mut from = 0;
        while let Some(k) = memchr::memchr3(b'"', b'\n', b'\r', &bytes[from..]) {
            let i = from + k;
            let at = self.offset + i as u64;
            let b = bytes[i];
            if self.quoting == Quoting::AfterQuote {
                if b == b'"' && at == self.quote_at + 1 {
                    // An escaped quote: still inside the field.
                    self.quoting = Quoting::Quoted;
                    from = i + 1;
                    continue;
                }
                self.quoting = Quoting::Plain;
            }
            match (b, self.quoting) {
                (b'"', Quoting::Quoted) => {
                    self.quoting = Quoting::AfterQuote;
                    self.quote_at = at;
                }
                (b'"', _) => {
                    // A quote opens a field only at its start; elsewhere it is data.
                    let before = if i > 0 { Some(bytes[i - 1]) } else { self.prev };
                    if matches!(before, None | Some(b',' | b'\n' | b'\r')) {
                        self.quoting = Quoting::Quoted;
                        self.quote_line = self.line;
                    }
                }
                (b'\n', Quoting::Quoted) => self.line += 1,
                (_, Quoting::Quoted) => {}
                (end, _) => {
                    if at - self.record_start > MAX_RECORD as u64 && self.too_long.is_none() {
                        self.too_long = Some(Refusal::TooLong {
                            line: self.record_line,
                            open_quote: None,
                        });
                    }
                    if end == b'\n' {
                        self.line += 1;
                    }
                    self.record_start = at + 1;
                    self.record_line = self.line;
                }
            }
            from = i + 1;
        }
        self.prev = bytes.last().copied().or(self.prev);
    }
}

impl Read for Guard {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let bytes = &buf[..n];
        if n == 0 {
            if self.csv && self.quoting == Quoting::Quoted {
                return Err(Guard::refuse(Refusal::Unclosed(self.quote_line)));
            }
            return Ok(0);
        }
        if let Some(i) = memchr::memchr(0, bytes) {
            return Err(Guard::refuse(Refusal::Binary(self.offset + i as u64)));
        }
        if self.csv {
            self.scan(bytes);
            if let Some(r) = self.too_long.take() {
                return Err(Guard::refuse(r));
            }
            let end = self.offset + n as u64;
            if end - self.record_start > MAX_RECORD as u64 {
                return Err(Guard::refuse(Refusal::TooLong {
                    line: self.record_line,
                    open_quote: (self.quoting != Quoting::Plain).then_some(self.quote_line),
                }));
            }
        }
        self.offset += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads all of `text` as a CSV batch body through a guard, `step` bytes a read.
    fn guarded(text: &[u8], step: usize) -> Result<Vec<csv::StringRecord>, ReadError> {
        struct Trickle(Vec<u8>, usize, usize);
        impl Read for Trickle {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let n = self.2.min(buf.len()).min(self.0.len() - self.1);
                buf[..n].copy_from_slice(&self.0[self.1..self.1 + n]);
                self.1 += n;
                Ok(n)
            }
        }
        let guard = Guard::new(Box::new(Trickle(text.to_vec(), 0, step)), true);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(guard);
        let mut out = Vec::new();
        let mut record = csv::StringRecord::new();
        while reader.read_record(&mut record)? {
            out.push(record.clone());
        }
        Ok(out)
    }

    /// A short account of a result, for failure messages (never the huge fields).
    fn brief(r: &Result<Vec<csv::StringRecord>, ReadError>) -> String {
        match r {
            Ok(rows) => format!("Ok({} rows)", rows.len()),
            Err(e) => format!("{e:?}"),
        }
    }

    #[test]
    fn quoted_fields_with_escapes_and_line_breaks_pass() {
        let text = b"name,narrative\r\n\"A, \"\"B\"\"\",\"two\nlines\"\nx\"y,plain\n";
        for step in [1, 2, 3, 7, 1024] {
            let rows = guarded(text, step).unwrap_or_else(|e| panic!("step {step}: {e:?}"));
            assert_eq!(rows.len(), 3);
            assert_eq!(&rows[1][0], "A, \"B\"");
            assert_eq!(&rows[1][1], "two\nlines");
            assert_eq!(&rows[2][0], "x\"y");
        }
    }

    #[test]
    fn an_unclosed_quote_is_refused_with_its_line() {
        let text = b"name,employees\nA,3\n\"B,4\nC,5\nD,6\n";
        for step in [1, 5, 1024] {
            match guarded(text, step) {
                Err(ReadError::Refused(Refusal::Unclosed(3))) => {}
                other => panic!("step {step}: {other:?}"),
            }
        }
    }

    #[test]
    fn binary_input_is_refused() {
        match guarded(b"name,employees\nA,\x003\n", 4) {
            Err(ReadError::Refused(Refusal::Binary(17))) => {}
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_record_over_the_limit_is_refused_with_its_first_line() {
        let mut text = b"name,employees\nA,3\nB,".to_vec();
        text.extend(std::iter::repeat_n(b'9', MAX_RECORD + 10));
        text.extend_from_slice(b"\nC,4\n");
        match guarded(&text, 64 * 1024) {
            Err(ReadError::Refused(Refusal::TooLong {
                line: 3,
                open_quote: None,
            })) => {}
            other => panic!("{}", brief(&other)),
        }
        // A long quoted field that is never closed names the quote too.
        let mut text = b"name,employees\nA,\"".to_vec();
        text.extend(std::iter::repeat_n(b'x', MAX_RECORD + 10));
        match guarded(&text, 64 * 1024) {
            Err(ReadError::Refused(Refusal::TooLong {
                line: 2,
                open_quote: Some(2),
            })) => {}
            other => panic!("{}", brief(&other)),
        }
    }

    proptest::proptest! {
        /// On any text the csv crate reads without a NUL byte or an over-long record,
        /// the guard agrees that it is well formed, whatever the read sizes.
        #[test]
        fn the_guard_never_refuses_what_csv_reads_cleanly(
            fields in proptest::collection::vec("([a-z ,\"\r\n]){0,12}", 1..30),
            step in 1usize..16,
        ) {
            let mut w = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
            for pair in fields.chunks(2) {
                w.write_record(pair).map_err(|e| proptest::test_runner::TestCaseError::fail(e.to_string()))?;
            }
            let text = w.into_inner().map_err(|e| proptest::test_runner::TestCaseError::fail(e.to_string()))?;
            let rows = guarded(&text, step);
            proptest::prop_assert!(rows.is_ok(), "{:?}", rows.err());
        }
    }
}
