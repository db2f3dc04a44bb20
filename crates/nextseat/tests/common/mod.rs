//! Running the real `nextseat` binary from the integration tests: one harness for every
//! test file that needs it.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// The example profile shipped in the repository.
pub const EXAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../examples/acme-logistics.toml"
);

/// What a run of the binary came to.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `nextseat ARGS` in `dir` with `stdin` piped in (nothing when `None`) and the
/// extra environment `env`; `NEXTSEAT_KB` and `NO_COLOR` from the caller's environment
/// are removed so that every run starts from the same defaults.
pub fn run_in(dir: &Path, args: &[&str], stdin: Option<&[u8]>, env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_nextseat"));
    cmd.args(args)
        .current_dir(dir)
        .env_remove("NEXTSEAT_KB")
        .env("NEXTSEAT_READER", "phrases")
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("the binary starts");
    if let Some(mut input) = child.stdin.take() {
        input
            .write_all(stdin.unwrap_or_default())
            .expect("stdin written");
    }
    let out = child.wait_with_output().expect("the binary finishes");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}
