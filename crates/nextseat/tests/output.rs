//! Every `-o`: what it does to the file it is pointed at. A regular file is replaced
//! whole or not at all; a symbolic link is followed and kept; a pipe or device is
//! written in place and its errors reported; nothing is left behind by a killed run.
#![allow(missing_docs)]

use std::os::unix::fs::FileTypeExt;
use std::path::Path;
use std::process::Command;

mod common;
use common::{EXAMPLE, Run, run_in};

const CSV: &str = "name,employees,signs\nAcme,35,coo.firefighting\n";

fn nextseat(dir: &Path, args: &[&str]) -> Run {
    run_in(dir, args, None, &[])
}

/// The commands that take `-o`, each writing into `out`.
fn writers(out: &str) -> Vec<Vec<String>> {
    let own = |args: &[&str]| args.iter().map(|a| (*a).to_string()).collect::<Vec<_>>();
    vec![
        own(&["assess", EXAMPLE, "--format", "json", "-o", out]),
        own(&["kb", "export", "-o", out]),
        own(&["batch", "in.csv", "--to", "csv", "-o", out]),
    ]
}

fn run_args(dir: &Path, args: &[String]) -> Run {
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    nextseat(dir, &refs)
}

#[test]
fn a_symbolic_link_is_followed_and_kept() {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(dir.path().join("in.csv"), CSV).expect("input");
    std::fs::create_dir(dir.path().join("real")).expect("dir");
    for args in writers("link.out") {
        std::fs::write(dir.path().join("real/target.out"), "old").expect("target");
        let _ = std::fs::remove_file(dir.path().join("link.out"));
        std::os::unix::fs::symlink("real/target.out", dir.path().join("link.out")).expect("link");
        let r = run_args(dir.path(), &args);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{args:?} wrote to stdout too");
        let meta = std::fs::symlink_metadata(dir.path().join("link.out")).expect("meta");
        assert!(meta.file_type().is_symlink(), "{args:?} replaced the link");
        let written = std::fs::read_to_string(dir.path().join("real/target.out")).expect("read");
        assert!(
            written.len() > 10 && written != "old",
            "{args:?}: {written}"
        );
        let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("real"))
            .expect("dir")
            .filter_map(Result::ok)
            .map(|e| e.file_name())
            .collect();
        assert_eq!(leftovers.len(), 1, "{leftovers:?}");
    }
}

#[test]
fn a_fifo_is_written_into_not_replaced() {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(dir.path().join("in.csv"), CSV).expect("input");
    let fifo = dir.path().join("pipe");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    for args in writers("pipe") {
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read(fifo).expect("read the fifo"))
        };
        let r = run_args(dir.path(), &args);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        let got = reader.join().expect("reader");
        assert!(got.len() > 10, "{args:?}: nothing came through the pipe");
        let meta = std::fs::symlink_metadata(&fifo).expect("meta");
        assert!(meta.file_type().is_fifo(), "{args:?} replaced the fifo");
    }
}

#[test]
fn a_full_device_is_an_error_that_names_it_and_stays_a_device() {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(dir.path().join("in.csv"), CSV).expect("input");
    for args in writers("/dev/full") {
        let r = run_args(dir.path(), &args);
        assert_eq!(r.code, 1, "{args:?}: {}", r.stderr);
        assert!(
            r.stderr
                .contains("could not write /dev/full: No space left on device"),
            "{args:?}: {}",
            r.stderr
        );
        assert!(!r.stderr.contains(".nextseat-"), "{}", r.stderr);
        let meta = std::fs::symlink_metadata("/dev/full").expect("meta");
        assert!(meta.file_type().is_char_device(), "/dev/full was replaced");
    }
}

#[test]
fn abandoned_staging_files_are_swept_and_live_ones_left() {
    let dir = tempfile::tempdir().expect("dir");
    let d = dir.path();
    std::fs::write(d.join("in.csv"), CSV).expect("input");
    let old = [".nextseat-batch-2Wy533", ".nextseat-a1B2c3.partial"];
    let keep = [
        ".nextseat-config",
        "notes.partial",
        ".nextseat-young1.partial",
    ];
    for name in old.iter().chain(&keep) {
        std::fs::write(d.join(name), "left over").expect("leftover");
    }
    for name in old.iter().chain(&keep[..2]) {
        let aged = Command::new("touch")
            .args(["-d", "2 minutes ago"])
            .arg(d.join(name))
            .status()
            .expect("touch runs");
        assert!(aged.success());
    }
    // An old staging file that a live writer still holds locked.
    let held = d.join(".nextseat-locked.partial");
    std::fs::write(&held, "in use").expect("held");
    let aged = Command::new("touch")
        .args(["-d", "2 minutes ago"])
        .arg(&held)
        .status()
        .expect("touch runs");
    assert!(aged.success());
    let lock = std::fs::File::open(&held).expect("open");
    lock.lock().expect("lock");

    let r = nextseat(d, &["batch", "in.csv", "-o", "out.csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for name in old {
        assert!(!d.join(name).exists(), "{name} was left");
    }
    for name in keep {
        assert!(d.join(name).exists(), "{name} was removed");
    }
    assert!(held.exists(), "a locked staging file was removed");
    drop(lock);
}
