//! The accept loop: HTTP/1.1 over each accepted connection, with graceful shutdown, and with
//! the power to end a connection without answering, which the `reset` and `empty` faults need
//! and `axum::serve` does not give.
//!
//! Every client is bounded: its request headers must arrive within the header timeout (which
//! hyper also starts while a kept-alive connection waits for its next request, so it bounds
//! idle connections too), and no more than the connection cap are served at once; a client
//! past the cap is told so in the store's error body and closed, never left waiting. Request
//! bodies are bounded where they are read (`routes::extract`).
//!
//! A handler (the fault middleware) asks for that by returning a response that carries an
//! [`Abort`] extension. The connection's service sees it, notes the choice on the connection,
//! and fails the request, so hyper drops the connection without writing anything; on drop, the
//! connection's socket is closed with a zero linger (a reset) when a reset was asked for.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt as _, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tower::ServiceExt as _;

/// How long in-flight requests may take to finish once shutdown is asked for.
pub(crate) const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// How long and how many: the bounds every client is held to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientLimits {
    /// The most a client may take to send a request's headers, and the most a kept-alive
    /// connection may wait idle for its next request.
    pub header_read_timeout: Duration,
    /// The most a client may take to send a request's body once its headers are in.
    pub body_read_timeout: Duration,
    /// The most connections served at once.
    pub max_connections: usize,
}

impl Default for ClientLimits {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(30),
            max_connections: 512,
        }
    }
}

/// What a connection past the cap is answered, in the store's error body, before it is closed.
fn too_many_connections(max: usize) -> Vec<u8> {
    let body = serde_json::json!({
        "code": "SERVICE_UNAVAILABLE",
        "detail": format!("The simulator is serving its maximum of {max} connections; try again shortly"),
    })
    .to_string();
    format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\n\
         retry-after: 1\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Ends the connection without a response: `Close` with an orderly close (the client reads
/// end-of-file), `Reset` with a TCP reset (the client reads "connection reset").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Abort {
    /// FIN, no bytes.
    Close,
    /// RST.
    Reset,
}

#[derive(Debug, thiserror::Error)]
#[error("connection ended without a response on purpose")]
struct Aborted;

/// Serves `router` on `listener` until `shutdown`, then lets connections finish (bounded).
pub(crate) async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ClientLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let graceful = GracefulShutdown::new();
    let connections = Arc::new(Semaphore::new(limits.max_connections));
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _)) => stream,
                    Err(e) => {
                        // Out of file descriptors and the like: wait, do not spin.
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                stream.set_nodelay(true).ok();
                let Ok(permit) = connections.clone().try_acquire_owned() else {
                    tracing::warn!(max = limits.max_connections, "connection refused: at the cap");
                    tokio::spawn(refuse(stream, limits.max_connections));
                    continue;
                };
                let reset = Arc::new(AtomicBool::new(false));
                let io = TokioIo::new(Connection { stream, reset: reset.clone() });
                let service = connection_service(router.clone(), reset);
                let connection = hyper::server::conn::http1::Builder::new()
                    .timer(TokioTimer::new())
                    .header_read_timeout(limits.header_read_timeout)
                    .serve_connection(io, hyper::service::service_fn(service));
                let watched = graceful.watch(connection);
                tokio::spawn(async move {
                    if let Err(e) = watched.await {
                        tracing::debug!(error = %e, "connection ended");
                    }
                    drop(permit);
                });
            }
        }
    }
    drop(listener);
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("requests still in flight after {SHUTDOWN_GRACE:?}; closing them");
    }
    Ok(())
}

/// Answers a connection past the cap with a 503 and closes it; a client that does not read
/// the answer within a second is closed all the same.
async fn refuse(mut stream: TcpStream, max: usize) {
    let answer = too_many_connections(max);
    let written = tokio::time::timeout(Duration::from_secs(1), async {
        stream.write_all(&answer).await?;
        stream.shutdown().await
    })
    .await;
    if !matches!(written, Ok(Ok(()))) {
        tracing::debug!("a refused connection did not take its answer");
    }
}

type ServiceFuture = Pin<Box<dyn Future<Output = Result<Response<Body>, Aborted>> + Send>>;

fn connection_service(
    router: Router,
    reset: Arc<AtomicBool>,
) -> impl Fn(Request<Incoming>) -> ServiceFuture + Clone {
    move |request: Request<Incoming>| {
        let router = router.clone();
        let reset = reset.clone();
        Box::pin(async move {
            let response = router
                .oneshot(request.map(Body::new))
                .await
                .unwrap_or_else(|never| match never {});
            match response.extensions().get::<Abort>() {
                None => Ok(response),
                Some(abort) => {
                    reset.store(*abort == Abort::Reset, Ordering::SeqCst);
                    Err(Aborted)
                }
            }
        })
    }
}

/// A TCP connection that can be closed with a reset.
struct Connection {
    stream: TcpStream,
    reset: Arc<AtomicBool>,
}

impl Drop for Connection {
    fn drop(&mut self) {
        if self.reset.load(Ordering::SeqCst) {
            #[expect(
                deprecated,
                reason = "a zero linger never blocks on close; it is how a reset is sent"
            )]
            self.stream.set_linger(Some(Duration::ZERO)).ok();
        }
    }
}

impl AsyncRead for Connection {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Connection {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.reset.load(Ordering::SeqCst) {
            // A FIN first would let the client read a clean end before the reset.
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}
