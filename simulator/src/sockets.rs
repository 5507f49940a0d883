//! Every socket the server has open, so that `Simulator::stop` can shut them all itself, from
//! any thread, without the server task's help: that task may not run again before `stop`
//! returns (a current-thread runtime whose only thread is the caller, a runtime shutting
//! down). The registry keeps a duplicate of each file descriptor; `shutdown(2)` on it acts on
//! the socket the server task still holds, which then sees end-of-file and winds down.

use std::collections::HashMap;
use std::io::{self, IoSlice};
use std::net::{Shutdown, SocketAddr};
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use socket2::{SockRef, Socket};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

pub(crate) struct Sockets {
    open: Mutex<Open>,
    /// Flips to `true` once, in `shut_all`; requests held by a fault wait on it.
    stopped: watch::Sender<bool>,
}

struct Open {
    stopped: bool,
    /// Connections accepted so far, and how many of them speak HTTP/2 (ALPN `h2`).
    accepted: u64,
    h2: u64,
    listener: Option<Socket>,
    streams: HashMap<u64, Socket>,
    next_id: u64,
}

impl Sockets {
    pub(crate) fn new(listener: &TcpListener) -> io::Result<Self> {
        Ok(Self {
            open: Mutex::new(Open {
                stopped: false,
                accepted: 0,
                h2: 0,
                listener: Some(SockRef::from(listener).try_clone()?),
                streams: HashMap::new(),
                next_id: 0,
            }),
            stopped: watch::Sender::new(false),
        })
    }

    /// Nothing is left half-updated by a panic under this lock, so a poisoned one is taken over.
    fn lock(&self) -> MutexGuard<'_, Open> {
        self.open.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Keeps a duplicate of an accepted stream until the returned registration is dropped.
    /// `None` once stopped: the stream is shut down then and must not be served.
    fn register(self: &Arc<Self>, stream: &TcpStream) -> io::Result<Option<Registration>> {
        let duplicate = SockRef::from(stream).try_clone()?;
        let mut open = self.lock();
        if open.stopped {
            let _ = duplicate.shutdown(Shutdown::Both);
            return Ok(None);
        }
        open.next_id += 1;
        let id = open.next_id;
        open.streams.insert(id, duplicate);
        Ok(Some(Registration { sockets: self.clone(), id }))
    }

    fn is_stopped(&self) -> bool {
        self.lock().stopped
    }

    /// Connections accepted so far, and those of them on HTTP/2 (over TLS, by ALPN).
    pub(crate) fn counts(&self) -> (u64, u64) {
        let open = self.lock();
        (open.accepted, open.h2)
    }

    fn count(&self, h2: bool) {
        let mut open = self.lock();
        open.accepted += 1;
        open.h2 += u64::from(h2);
    }

    /// Shuts the listener (new connections are refused) and every open connection (clients
    /// see end-of-file or a reset, idle pooled connections included). Idempotent.
    ///
    /// The flag is set under the same lock `register` checks, so a connection accepted while
    /// this runs is either shut here or refused there; none is ever served afterwards.
    pub(crate) fn shut_all(&self) {
        let (listener, streams) = {
            let mut open = self.lock();
            open.stopped = true;
            (open.listener.take(), std::mem::take(&mut open.streams))
        };
        self.stopped.send_replace(true);
        // Errors mean the socket is already shut or closed by the peer: nothing left to do.
        if let Some(listener) = listener {
            let _ = listener.shutdown(Shutdown::Both);
        }
        for stream in streams.values() {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }

    /// Resolves once `shut_all` has run.
    pub(crate) async fn stopped(&self) {
        let mut stopped = self.stopped.subscribe();
        // The sender lives as long as `self`, so this only returns once stopped.
        let _ = stopped.wait_for(|stopped| *stopped).await;
    }
}

/// Removes its stream's duplicate when the connection ends, so a normal close still closes
/// the socket (and sends FIN) at once.
struct Registration {
    sockets: Arc<Sockets>,
    id: u64,
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.sockets.lock().streams.remove(&self.id);
    }
}

/// The listener `axum::serve` accepts on: every connection it hands out is registered.
pub(crate) struct SimListener {
    listener: TcpListener,
    sockets: Arc<Sockets>,
    tls: Option<tokio_rustls::TlsAcceptor>,
}

/// Longest TLS handshake the listener waits for (handshakes are made one at a time).
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(5);

impl SimListener {
    pub(crate) fn new(listener: TcpListener, sockets: Arc<Sockets>, tls: Option<tokio_rustls::TlsAcceptor>) -> Self {
        Self { listener, sockets, tls }
    }
}

impl axum::serve::Listener for SimListener {
    type Io = Connection;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Connection, SocketAddr) {
        loop {
            if self.sockets.is_stopped() {
                // The graceful-shutdown signal ends the server from here.
                std::future::pending::<()>().await;
            }
            match self.listener.accept().await {
                Ok((stream, addr)) => match self.sockets.register(&stream) {
                    Ok(Some(registration)) => {
                        let Some(acceptor) = &self.tls else {
                            self.sockets.count(false);
                            return (Connection { stream: Stream::Plain(stream), _registration: registration }, addr);
                        };
                        match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
                            Ok(Ok(tls)) => {
                                let h2 = tls.get_ref().1.alpn_protocol() == Some(b"h2");
                                self.sockets.count(h2);
                                let stream = Stream::Tls(Box::new(tls));
                                return (Connection { stream, _registration: registration }, addr);
                            }
                            Ok(Err(e)) => tracing::debug!(error = %e, "simulator TLS handshake failed"),
                            Err(_) => tracing::debug!("simulator TLS handshake timed out"),
                        }
                    }
                    Ok(None) => {}
                    // Without a duplicate, `stop` could not cut this connection: refuse it.
                    Err(e) => tracing::warn!(error = %e, "simulator refused a connection"),
                },
                // Shut by `stop` meanwhile: the loop ends at its top.
                Err(_) if self.sockets.is_stopped() => {}
                Err(e) => accept_error(e).await,
            }
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }
}

/// As `axum::serve` does: a client that went away is no error; anything else (such as too
/// many open files) is logged and retried a second later.
async fn accept_error(e: io::Error) {
    if matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused | io::ErrorKind::ConnectionAborted | io::ErrorKind::ConnectionReset
    ) {
        return;
    }
    tracing::error!(error = %e, "simulator accept error");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

/// An accepted stream that stays registered while the server uses it.
pub(crate) struct Connection {
    stream: Stream,
    _registration: Registration,
}

/// Plain TCP, or TLS over it.
enum Stream {
    Plain(TcpStream),
    Tls(Box<tokio_rustls::server::TlsStream<TcpStream>>),
}

macro_rules! both {
    ($self:expr, $s:ident => $e:expr) => {
        match &mut $self.stream {
            Stream::Plain($s) => $e,
            Stream::Tls($s) => $e,
        }
    };
}

impl AsyncRead for Connection {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        both!(self, s => Pin::new(s).poll_read(cx, buf))
    }
}

impl AsyncWrite for Connection {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        both!(self, s => Pin::new(s).poll_write(cx, buf))
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        both!(self, s => Pin::new(s).poll_write_vectored(cx, bufs))
    }

    fn is_write_vectored(&self) -> bool {
        match &self.stream {
            Stream::Plain(s) => s.is_write_vectored(),
            Stream::Tls(s) => s.is_write_vectored(),
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        both!(self, s => Pin::new(s).poll_flush(cx))
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        both!(self, s => Pin::new(s).poll_shutdown(cx))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::time::Instant;

    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;
    use crate::{SimConfig, Simulator};

    fn open_streams(sim: &Simulator) -> usize {
        sim.shared.sockets.lock().streams.len()
    }

    async fn wait_for_no_streams(sim: &Simulator) {
        let deadline = Instant::now() + Duration::from_secs(5);
        while open_streams(sim) > 0 {
            assert!(Instant::now() < deadline, "a closed connection stays registered");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// Otherwise the duplicate would keep the socket open after a normal close.
    #[tokio::test(flavor = "multi_thread")]
    async fn a_connection_that_ends_is_no_longer_registered() {
        let sim = Simulator::start(SimConfig::testing()).await.unwrap();
        let mut closing = TcpStream::connect(sim.local_addr()).await.unwrap();
        closing.write_all(b"GET /_sim/health HTTP/1.1\r\nhost: sim\r\nconnection: close\r\n\r\n").await.unwrap();
        let mut answer = Vec::new();
        closing.read_to_end(&mut answer).await.unwrap();
        assert!(answer.ends_with(b"{\"ok\":true}"));
        wait_for_no_streams(&sim).await;

        let mut idle = TcpStream::connect(sim.local_addr()).await.unwrap();
        idle.write_all(b"GET /_sim/health HTTP/1.1\r\nhost: sim\r\n\r\n").await.unwrap();
        let mut buf = [0; 1024];
        assert!(idle.read(&mut buf).await.unwrap() > 0);
        assert_eq!(open_streams(&sim), 1);
        drop(idle);
        wait_for_no_streams(&sim).await;
    }

    /// Requests held by faults and idle connections end on the server side too, and so does
    /// the server task: nothing but the handle holds the state afterwards.
    #[tokio::test(flavor = "multi_thread")]
    async fn after_stop_every_server_task_ends() {
        let sim = Simulator::start(SimConfig::testing()).await.unwrap();
        let held = |path: &'static str| {
            let addr = sim.local_addr();
            async move {
                let mut stream = TcpStream::connect(addr).await.unwrap();
                let request = format!("GET {path} HTTP/1.1\r\nhost: sim\r\n\r\n");
                stream.write_all(request.as_bytes()).await.unwrap();
                stream
            }
        };
        sim.add_fault(crate::Fault { hang: true, ..crate::Fault::on("devices") }).unwrap();
        sim.add_fault(crate::Fault { latency_ms: 600_000, ..crate::Fault::on("confirmation") }).unwrap();
        let _hanging = held("/omi/users/user-1/devices").await;
        let _slow = held("/omi/push/confirmation?nonce=n").await;
        let deadline = Instant::now() + Duration::from_secs(5);
        while sim.request_log().len() < 2 {
            assert!(Instant::now() < deadline, "the requests never arrived");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        sim.stop();
        // The client sockets stay open: the server must not wait for them.
        let deadline = Instant::now() + Duration::from_secs(5);
        while Arc::strong_count(&sim.shared) > 1 {
            assert!(Instant::now() < deadline, "a server task outlives stop");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}
