//! Connections: how many may be open, and how long one may sit without sending.
//!
//! axum's own listener accepts every connection and keeps it as long as the client
//! likes, so a few thousand idle or slow-header sockets exhaust the process's open-file
//! limit and nobody else is served. [`GuardedListener`] holds one permit per open
//! connection (accepting waits while all are taken, leaving newcomers in the kernel's
//! backlog rather than failing `accept`), and wraps each socket in a [`TimedStream`]
//! that closes it when it waits too long for the client:
//!
//! - a request's head must arrive within the header timeout, counted from the
//!   connection's opening or from the first byte of the request;
//! - between requests, a keep-alive connection may sit idle for the idle timeout;
//! - while a request is being handled no read deadline applies (the handler has its own
//!   timeout), and a response the client does not read is abandoned after the idle
//!   timeout.
//!
//! The phases come from the connection's [`Clock`], which the per-connection service
//! ([`MakeConn`]) marks busy while a request is in the handler.

use axum::Router;
use axum::extract::ConnectInfo;
use axum::serve::{IncomingStream, Listener};
use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Sleep;

/// Connection limits, as `serve` is configured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Time allowed for a request's head to arrive.
    pub header_timeout: Duration,
    /// Time a keep-alive connection may wait for its next request.
    pub idle_timeout: Duration,
    /// Connections open at once; further clients wait in the listen backlog.
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            max_connections: 1024,
        }
    }
}

/// A TCP listener that caps open connections and times out silent ones.
pub struct GuardedListener {
    inner: TcpListener,
    permits: Arc<Semaphore>,
    limits: Limits,
    /// When the cap was last reported as reached (it is said once a minute at most).
    warned: Option<Instant>,
}

impl GuardedListener {
    /// Wraps a bound listener.
    pub fn new(inner: TcpListener, limits: Limits) -> GuardedListener {
        GuardedListener {
            inner,
            permits: Arc::new(Semaphore::new(limits.max_connections.max(1))),
            limits,
            warned: None,
        }
    }

    async fn permit(&mut self) -> OwnedSemaphorePermit {
        loop {
            if let Ok(p) = Arc::clone(&self.permits).try_acquire_owned() {
                return p;
            }
            if self
                .warned
                .is_none_or(|t| t.elapsed() > Duration::from_secs(60))
            {
                self.warned = Some(Instant::now());
                tracing::warn!(
                    max_connections = self.limits.max_connections,
                    "connection limit reached; new connections wait until one closes"
                );
            }
            // The semaphore is never closed, so this only fails if it were; try again.
            if let Ok(p) = Arc::clone(&self.permits).acquire_owned().await {
                return p;
            }
        }
    }
}

impl Listener for GuardedListener {
    type Io = TimedStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (TimedStream, SocketAddr) {
        let permit = self.permit().await;
        loop {
            match self.inner.accept().await {
                Ok((stream, addr)) => {
                    let _ = stream.set_nodelay(true);
                    return (TimedStream::new(stream, permit, self.limits), addr);
                }
                Err(e) => {
                    // Per-connection errors (the peer gave up) are retried at once;
                    // running out of file descriptors waits a moment for some to close.
                    if matches!(
                        e.kind(),
                        io::ErrorKind::ConnectionRefused
                            | io::ErrorKind::ConnectionAborted
                            | io::ErrorKind::ConnectionReset
                    ) {
                        continue;
                    }
                    tracing::error!(error = %e, "accept failed; retrying in a second");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()
    }
}

/// What a connection is doing, shared by its stream and its service.
#[derive(Debug)]
pub struct Clock {
    opened: Instant,
    /// A request is in the handler.
    busy: AtomicBool,
    /// Microseconds after `opened` when the last response was handed over (0 = none yet).
    idle_since: AtomicU64,
    /// Microseconds after `opened` of the first byte read since then (0 = none).
    first_byte: AtomicU64,
    /// A read left waiting with no deadline while the handler ran; woken when the
    /// request finishes so that the idle deadline starts.
    reader: std::sync::Mutex<Option<std::task::Waker>>,
}

impl Clock {
    fn new() -> Clock {
        Clock {
            opened: Instant::now(),
            busy: AtomicBool::new(false),
            idle_since: AtomicU64::new(0),
            first_byte: AtomicU64::new(0),
            reader: std::sync::Mutex::new(None),
        }
    }

    fn micros(&self, at: Instant) -> u64 {
        u64::try_from(at.duration_since(self.opened).as_micros())
            .unwrap_or(u64::MAX)
            .max(1)
    }

    fn at(&self, micros: u64) -> Instant {
        self.opened + Duration::from_micros(micros)
    }

    fn request_started(&self) {
        self.busy.store(true, Ordering::Release);
        self.first_byte.store(0, Ordering::Release);
    }

    fn request_finished(&self) {
        self.idle_since
            .store(self.micros(Instant::now()), Ordering::Release);
        self.first_byte.store(0, Ordering::Release);
        self.busy.store(false, Ordering::Release);
        if let Some(waker) = self.reader.lock().ok().and_then(|mut w| w.take()) {
            waker.wake();
        }
    }

    fn bytes_read(&self) {
        if !self.busy.load(Ordering::Acquire) && self.first_byte.load(Ordering::Acquire) == 0 {
            self.first_byte
                .store(self.micros(Instant::now()), Ordering::Release);
        }
    }

    /// When a read that is still waiting must give up, if ever.
    fn read_deadline(&self, limits: &Limits) -> Option<Instant> {
        if self.busy.load(Ordering::Acquire) {
            return None;
        }
        let first = self.first_byte.load(Ordering::Acquire);
        if first != 0 {
            return Some(self.at(first) + limits.header_timeout);
        }
        match self.idle_since.load(Ordering::Acquire) {
            // A new connection owes its first request within the header timeout.
            0 => Some(self.opened + limits.header_timeout),
            idle => Some(self.at(idle) + limits.idle_timeout),
        }
    }
}

/// A socket with read and write deadlines, holding its connection permit until closed.
pub struct TimedStream {
    inner: TcpStream,
    clock: Arc<Clock>,
    limits: Limits,
    read_timer: Option<(Instant, Pin<Box<Sleep>>)>,
    write_timer: Option<Pin<Box<Sleep>>>,
    _permit: OwnedSemaphorePermit,
}

impl TimedStream {
    fn new(inner: TcpStream, permit: OwnedSemaphorePermit, limits: Limits) -> TimedStream {
        TimedStream {
            inner,
            clock: Arc::new(Clock::new()),
            limits,
            read_timer: None,
            write_timer: None,
            _permit: permit,
        }
    }

    /// The connection's clock, for its service.
    pub fn clock(&self) -> Arc<Clock> {
        Arc::clone(&self.clock)
    }
}

fn timed_out(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::TimedOut, what.to_string())
}

impl AsyncRead for TimedStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        let before = buf.filled().len();
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if buf.filled().len() > before {
                    this.clock.bytes_read();
                }
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => {
                let Some(deadline) = this.clock.read_deadline(&this.limits) else {
                    this.read_timer = None;
                    if let Ok(mut w) = this.clock.reader.lock() {
                        *w = Some(cx.waker().clone());
                    }
                    // The request may have finished between the two looks.
                    if this.clock.read_deadline(&this.limits).is_some() {
                        cx.waker().wake_by_ref();
                    }
                    return Poll::Pending;
                };
                let timer = match &mut this.read_timer {
                    Some((at, sleep)) if *at == deadline => sleep,
                    slot => {
                        let sleep = Box::pin(tokio::time::sleep_until(deadline.into()));
                        &mut slot.insert((deadline, sleep)).1
                    }
                };
                if timer.as_mut().poll(cx).is_ready() {
                    this.read_timer = None;
                    return Poll::Ready(Err(timed_out("the client sent nothing in time")));
                }
                Poll::Pending
            }
        }
    }
}

impl AsyncWrite for TimedStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_write(cx, buf) {
            Poll::Pending => {
                let idle = this.limits.idle_timeout;
                let timer = this
                    .write_timer
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep(idle)));
                if timer.as_mut().poll(cx).is_ready() {
                    this.write_timer = None;
                    return Poll::Ready(Err(timed_out("the client stopped reading")));
                }
                Poll::Pending
            }
            ready => {
                this.write_timer = None;
                ready
            }
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Makes the service for each connection: the app, told the peer's address (for the
/// rate limiter) and marking the connection busy while a request is handled.
#[derive(Clone)]
pub struct MakeConn {
    /// The whole app.
    pub router: Router,
}

impl tower::Service<IncomingStream<'_, GuardedListener>> for MakeConn {
    type Response = ConnService;
    type Error = Infallible;
    type Future = std::future::Ready<Result<ConnService, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, incoming: IncomingStream<'_, GuardedListener>) -> Self::Future {
        std::future::ready(Ok(ConnService {
            router: self.router.clone(),
            peer: *incoming.remote_addr(),
            clock: incoming.io().clock(),
        }))
    }
}

/// The app as one connection sees it.
#[derive(Clone)]
pub struct ConnService {
    router: Router,
    peer: SocketAddr,
    clock: Arc<Clock>,
}

/// Marks the connection idle again when the response is ready or the request is dropped.
struct Finished(Arc<Clock>);

impl Drop for Finished {
    fn drop(&mut self) {
        self.0.request_finished();
    }
}

impl tower::Service<axum::extract::Request> for ConnService {
    type Response = axum::response::Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, mut req: axum::extract::Request) -> Self::Future {
        req.extensions_mut().insert(ConnectInfo(self.peer));
        self.clock.request_started();
        let finished = Finished(Arc::clone(&self.clock));
        let call = tower::ServiceExt::oneshot(self.router.clone(), req);
        Box::pin(async move {
            let response = call.await;
            drop(finished);
            response
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits {
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            max_connections: 4,
        }
    }

    #[test]
    fn a_new_connection_owes_its_head_within_the_header_timeout() {
        let c = Clock::new();
        assert_eq!(
            c.read_deadline(&limits()),
            Some(c.opened + limits().header_timeout)
        );
    }

    #[test]
    fn no_read_deadline_while_a_request_is_handled() {
        let c = Clock::new();
        c.request_started();
        c.bytes_read();
        assert_eq!(c.read_deadline(&limits()), None);
    }

    #[test]
    fn between_requests_the_idle_timeout_applies_until_a_byte_arrives() {
        let c = Clock::new();
        c.request_started();
        c.request_finished();
        let idle = c.at(c.idle_since.load(Ordering::Acquire));
        assert_eq!(
            c.read_deadline(&limits()),
            Some(idle + limits().idle_timeout)
        );
        c.bytes_read();
        let first = c.at(c.first_byte.load(Ordering::Acquire));
        assert_eq!(
            c.read_deadline(&limits()),
            Some(first + limits().header_timeout)
        );
    }
}
