//! The real server: stores assessments, is killed with SIGKILL, restarts, and still has
//! every assessment it acknowledged with a 201.
#![allow(missing_docs)]
#![cfg(feature = "web")]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct Server {
    child: Child,
    addr: String,
    /// The server's log lines (stderr), as they come.
    log: std::sync::mpsc::Receiver<String>,
}

impl Server {
    /// Waits (at most 30 s) for a log line containing `text`.
    fn wait_for_log(&self, text: &str) -> String {
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.log.recv_timeout(left) {
                Ok(line) if line.contains(text) => return line,
                Ok(_) => {}
                Err(e) => panic!("no log line with {text:?}: {e}"),
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(db: &str) -> Server {
    start_with(db, "0")
}

fn start_with(db: &str, rate: &str) -> Server {
    start_args(db, &["--rate-limit", rate])
}

fn start_args(db: &str, extra: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_nextseat"))
        .args(["serve", "--addr", "127.0.0.1:0", "--database", db])
        .args(extra)
        .env("RUST_LOG", "warn")
        .env("NEXTSEAT_READER", "phrases")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("server starts");
    let err = child.stderr.take().expect("stderr");
    let (lines, log) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(err).lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                return;
            }
        }
    });
    let out = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(out)
        .read_line(&mut line)
        .expect("listening line");
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    Server { child, addr, log }
}

fn http(addr: &str, method: &str, path: &str, body: Option<&str>) -> (u16, String) {
    try_http(addr, method, path, body).expect("request answered")
}

/// One request on a fresh connection; `None` when the connection fails.
fn try_http(addr: &str, method: &str, path: &str, body: Option<&str>) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(addr).ok()?;
    let body = body.unwrap_or("");
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .ok()?;
    let mut resp = String::new();
    s.read_to_string(&mut resp).ok()?;
    let status = resp
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = resp
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .to_string();
    Some((status, body))
}

/// Restarts the server on `db` and checks every acknowledged `(id, name)` is there.
fn all_still_there(db: &str, ids: &[(String, String)]) {
    let mut again = start(db);
    for (id, name) in ids {
        let (status, body) = http(
            &again.addr,
            "GET",
            &format!("/api/v1/assessments/{id}"),
            None,
        );
        assert_eq!(status, 200, "{id} lost after SIGKILL: {body}");
        let v: serde_json::Value = serde_json::from_str(&body).expect("json");
        assert_eq!(v["profile"]["company"]["name"], name.as_str());
    }
    again.child.kill().expect("stop");
    again.child.wait().expect("reaped");
}

#[test]
fn acknowledged_assessments_survive_sigkill() {
    let dir = tempfile::tempdir().expect("dir");
    let db = format!("sqlite://{}/durable.db", dir.path().display());
    let mut server = start(&db);
    assert_eq!(http(&server.addr, "GET", "/healthz", None).0, 200);
    let mut ids = Vec::new();
    for i in 0..40 {
        let profile = format!(
            "{{\"company\":{{\"name\":\"Co {i}\",\"employees\":{}}}}}",
            i + 1
        );
        let (status, body) = http(&server.addr, "POST", "/api/v1/assessments", Some(&profile));
        assert_eq!(status, 201, "{body}");
        let v: serde_json::Value = serde_json::from_str(&body).expect("json");
        ids.push((v["id"].as_str().expect("id").to_string(), format!("Co {i}")));
    }
    server.child.kill().expect("SIGKILL");
    server.child.wait().expect("reaped");

    all_still_there(&db, &ids);
}

#[test]
fn acknowledged_assessments_survive_sigkill_in_the_middle_of_concurrent_saves() {
    let dir = tempfile::tempdir().expect("dir");
    let db = format!("sqlite://{}/load.db", dir.path().display());
    let mut server = start(&db);
    // Eight clients save as fast as they can, so saves share group commits; each sends
    // home the (id, name) of every 201 it has read in full.
    let (acks, acked) = std::sync::mpsc::channel::<(String, String)>();
    let mut clients = Vec::new();
    for c in 0..8 {
        let addr = server.addr.clone();
        let acks = acks.clone();
        clients.push(std::thread::spawn(move || {
            for i in 0.. {
                let name = format!("Client {c} save {i}");
                let profile = format!(
                    "{{\"company\":{{\"name\":\"{name}\",\"employees\":{}}}}}",
                    i + 1
                );
                // Once the server is gone the connection fails: that client is done.
                let Some((201, body)) =
                    try_http(&addr, "POST", "/api/v1/assessments", Some(&profile))
                else {
                    return;
                };
                let Ok(v) = serde_json::from_str::<serde_json::Value>(&body) else {
                    return;
                };
                let id = v["id"].as_str().expect("id").to_string();
                if acks.send((id, name)).is_err() {
                    return;
                }
            }
        }));
    }
    drop(acks);
    let mut ids = Vec::new();
    while ids.len() < 300 {
        ids.push(acked.recv().expect("the clients keep getting 201s"));
    }
    server.child.kill().expect("SIGKILL");
    server.child.wait().expect("reaped");
    for c in clients {
        c.join().expect("client");
    }
    // Every 201 read before the kill counts, not only the first 300.
    ids.extend(acked.try_iter());

    all_still_there(&db, &ids);
}

#[test]
fn a_client_over_the_rate_limit_gets_429_problem_json() {
    let dir = tempfile::tempdir().expect("dir");
    let db = format!("sqlite://{}/rate.db", dir.path().display());
    let mut server = start_with(&db, "1");
    let statuses: Vec<u16> = (0..6)
        .map(|_| http(&server.addr, "GET", "/healthz", None).0)
        .collect();
    assert_eq!(
        &statuses[..2],
        &[200, 200],
        "a burst of two is allowed: {statuses:?}"
    );
    assert!(statuses.contains(&429), "then 429: {statuses:?}");
    let mut s = TcpStream::connect(&server.addr).expect("connect");
    write!(
        s,
        "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut resp = String::new();
    s.read_to_string(&mut resp).expect("read");
    if resp.starts_with("HTTP/1.1 429") {
        assert!(
            resp.to_lowercase()
                .contains("content-type: application/problem+json"),
            "{resp}"
        );
        assert!(resp.to_lowercase().contains("retry-after:"), "{resp}");
    }
    server.child.kill().expect("stop");
    server.child.wait().expect("reaped");
}

/// Reads until the server closes the connection; true if it did within 30 s (a read that
/// times out means the server kept a silent connection open).
fn closed_by_server(s: &mut TcpStream) -> bool {
    s.set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return true,
            Err(_) => return false,
        }
    }
}

#[test]
fn silent_slow_and_idle_connections_are_closed() {
    let dir = tempfile::tempdir().expect("dir");
    let db = format!("sqlite://{}/t.db", dir.path().display());
    let server = start_args(&db, &["--header-timeout", "1s", "--idle-timeout", "2s"]);

    // Connects and says nothing.
    let mut silent = TcpStream::connect(&server.addr).expect("connect");
    // Starts a request head and never finishes it.
    let mut slow = TcpStream::connect(&server.addr).expect("connect");
    write!(slow, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ").expect("send");
    // Makes a keep-alive request, reads the answer, then goes quiet.
    let mut idle = TcpStream::connect(&server.addr).expect("connect");
    write!(idle, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").expect("send");
    let mut answer = [0u8; 2];
    idle.read_exact(&mut answer).expect("an answer starts");
    assert_eq!(&answer, b"HT");

    assert!(
        closed_by_server(&mut silent),
        "a silent connection stayed open"
    );
    assert!(
        closed_by_server(&mut slow),
        "a slow request head stayed open"
    );
    assert!(
        closed_by_server(&mut idle),
        "an idle keep-alive connection stayed open"
    );
    // And the server still answers.
    assert_eq!(http(&server.addr, "GET", "/healthz", None).0, 200);
}

#[test]
fn past_the_connection_cap_clients_wait_until_one_closes() {
    let dir = tempfile::tempdir().expect("dir");
    let db = format!("sqlite://{}/t.db", dir.path().display());
    let server = start_args(&db, &["--max-connections", "2", "--header-timeout", "60s"]);
    let first = TcpStream::connect(&server.addr).expect("connect");
    let _second = TcpStream::connect(&server.addr).expect("connect");
    server.wait_for_log("connection limit reached");
    // A third client is queued, not refused; it is served once a connection closes.
    let addr = server.addr.clone();
    let third = std::thread::spawn(move || http(&addr, "GET", "/healthz", None));
    drop(first);
    let (status, body) = third.join().expect("third client");
    assert_eq!(status, 200, "{body}");
}
