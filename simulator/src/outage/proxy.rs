//! A TCP proxy between the simulator and Postgres that can take the database away for real.
//!
//! Why a proxy: a flag the store reads would test the store's reading of the flag, not the
//! simulator's behaviour when its database connections fail. Through the proxy, sqlx sees what
//! it would see in production: refused connections (`offline`), connections that stop answering
//! mid-query (`hung`, like a paused server), slow round trips (`slow`), and both in turn
//! (`flapping`).
//!
//! Offline refuses new connections by closing the listening socket (a client gets
//! `ECONNREFUSED`) and resets the open ones; going online listens on the same port again.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::condition::{DbCondition, Phase, Timed};

/// How often connections and the listener look at the clock, for flapping phases.
const TICK: Duration = Duration::from_millis(20);

/// The proxy; dropping it stops it.
#[derive(Debug)]
pub(crate) struct DbProxy {
    address: SocketAddr,
    condition: watch::Sender<Timed>,
    accept_loop: JoinHandle<()>,
}

impl DbProxy {
    /// Starts a proxy on `127.0.0.1:0` forwarding to `upstream` (`host:port`).
    pub(crate) async fn start(upstream: String) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?;
        let (condition, watcher) = watch::channel(Timed::now(DbCondition::Online));
        let accept_loop = tokio::spawn(accept_loop(listener, address, upstream, watcher));
        Ok(Self {
            address,
            condition,
            accept_loop,
        })
    }

    /// Where the simulator should connect.
    pub(crate) fn local_addr(&self) -> SocketAddr {
        self.address
    }

    /// Puts the database in `condition` from now on.
    pub(crate) fn set_condition(&self, condition: DbCondition) {
        self.condition.send_replace(Timed::now(condition));
    }

    /// The current condition.
    pub(crate) fn condition(&self) -> DbCondition {
        self.condition.borrow().condition.clone()
    }
}

impl Drop for DbProxy {
    fn drop(&mut self) {
        self.accept_loop.abort();
    }
}

async fn accept_loop(
    listener: TcpListener,
    address: SocketAddr,
    upstream: String,
    mut watcher: watch::Receiver<Timed>,
) {
    let connections: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
    let mut listener = Some(listener);
    loop {
        let phase = watcher.borrow().phase();
        if phase == Phase::Offline {
            // Refuse: stop listening, and the connection tasks reset their sockets.
            listener = None;
            tokio::select! {
                _ = watcher.changed() => {}
                () = tokio::time::sleep(TICK) => {}
            }
            continue;
        }
        let Some(bound) = listener.as_ref() else {
            match TcpListener::bind(address).await {
                Ok(rebound) => listener = Some(rebound),
                Err(e) => {
                    tracing::warn!(%address, error = %e, "database proxy cannot listen again yet");
                    tokio::time::sleep(TICK).await;
                }
            }
            continue;
        };
        tokio::select! {
            accepted = bound.accept() => {
                if let Ok((client, _)) = accepted {
                    let task = tokio::spawn(connection(client, upstream.clone(), watcher.clone()));
                    let mut open = connections.lock().unwrap_or_else(|p| p.into_inner());
                    open.retain(|t| !t.is_finished());
                    open.push(task);
                }
            }
            _ = watcher.changed() => {}
            () = tokio::time::sleep(TICK) => {}
        }
    }
}

/// Forwards one connection until either side closes or the database goes offline, which
/// resets the client's socket.
async fn connection(mut client: TcpStream, upstream: String, watcher: watch::Receiver<Timed>) {
    let Ok(mut server) = TcpStream::connect(&upstream).await else {
        reset(client);
        return;
    };
    client.set_nodelay(true).ok();
    server.set_nodelay(true).ok();
    let went_offline = {
        let (client_read, client_write) = client.split();
        let (server_read, server_write) = server.split();
        tokio::select! {
            () = pump(client_read, server_write, watcher.clone()) => false,
            () = pump(server_read, client_write, watcher.clone()) => false,
            () = wait_for_offline(watcher) => true,
        }
    };
    if went_offline {
        reset(client);
        reset(server);
    }
}

/// Copies bytes one way, honouring hung and slow phases.
async fn pump(
    mut from: impl AsyncRead + Unpin,
    mut to: impl AsyncWrite + Unpin,
    watcher: watch::Receiver<Timed>,
) {
    let mut buffer = vec![0u8; 16 * 1024];
    loop {
        let read = match from.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        loop {
            let phase = watcher.borrow().phase();
            match phase {
                Phase::Online => break,
                Phase::Slow(delay) => {
                    tokio::time::sleep(delay).await;
                    break;
                }
                Phase::Hung => tokio::time::sleep(TICK).await,
                Phase::Offline => return,
            }
        }
        if to.write_all(&buffer[..read]).await.is_err() {
            return;
        }
    }
}

async fn wait_for_offline(watcher: watch::Receiver<Timed>) {
    loop {
        if watcher.borrow().phase() == Phase::Offline {
            return;
        }
        tokio::time::sleep(TICK).await;
    }
}

/// Closes `stream` with a reset rather than an orderly shutdown.
fn reset(stream: TcpStream) {
    #[expect(
        deprecated,
        reason = "a zero linger never blocks on close; it is how a reset is sent"
    )]
    stream.set_linger(Some(Duration::ZERO)).ok();
    drop(stream);
}
