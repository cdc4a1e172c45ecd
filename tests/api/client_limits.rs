//! Bounded waits for every client, and every answer in the store's error body: slow and
//! silent clients are cut off, oversized bodies refused from their headers, too many
//! connections told to come back, and the router's own refusals in the store's words.

use std::time::{Duration, Instant};

use simulator::{ClientLimits, Simulator};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

use testkit::{Consumer, TestApp, expect_json, spawn, spawn_app};

fn limits(header_ms: u64, body_ms: u64, max_connections: usize) -> ClientLimits {
    ClientLimits {
        header_read_timeout: Duration::from_millis(header_ms),
        body_read_timeout: Duration::from_millis(body_ms),
        max_connections,
    }
}

async fn connect(app: &TestApp) -> TcpStream {
    TcpStream::connect(app.address.trim_start_matches("http://"))
        .await
        .expect("the simulator accepts connections")
}

/// Reads until the server closes the connection, within `bound`.
async fn read_to_close(stream: &mut TcpStream, bound: Duration) -> String {
    let mut answer = Vec::new();
    tokio::time::timeout(bound, stream.read_to_end(&mut answer))
        .await
        .expect("the server closed the connection within the bound")
        .ok();
    String::from_utf8_lossy(&answer).into_owned()
}

/// The body of a raw HTTP answer, parsed as JSON.
fn json_body(answer: &str) -> serde_json::Value {
    let (_, body) = answer.split_once("\r\n\r\n").expect("headers then a body");
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {answer}"))
}

#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_cut_off_within_the_header_timeout() {
    // Arrange
    let app = spawn(Simulator::in_memory().with_client_limits(limits(300, 30_000, 64))).await;
    let mut stream = connect(&app).await;
    let started = Instant::now();

    // Act: half a request line and one header, then silence.
    stream
        .write_all(b"GET /health-check HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    read_to_close(&mut stream, Duration::from_secs(5)).await;

    // Assert
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(250) && took < Duration::from_secs(3),
        "cut off after {took:?}"
    );
    let health = reqwest::get(app.url("/health-check")).await.unwrap();
    assert_eq!(health.status(), 200, "the server is still serving others");
}

#[tokio::test]
async fn an_idle_kept_alive_connection_is_closed_within_the_header_timeout() {
    // Arrange
    let app = spawn(Simulator::in_memory().with_client_limits(limits(300, 30_000, 64))).await;
    let mut stream = connect(&app).await;

    // Act: one whole request, then nothing more.
    stream
        .write_all(b"GET /health-check HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let started = Instant::now();
    let answer = read_to_close(&mut stream, Duration::from_secs(5)).await;

    // Assert
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn a_body_that_stops_arriving_gets_408_within_the_body_timeout() {
    // Arrange
    let app = spawn(Simulator::in_memory().with_client_limits(limits(5_000, 300, 64))).await;
    let mut stream = connect(&app).await;
    let token = app.token(Consumer::MakeRegister);

    // Act: 1 byte of a 1,000-byte body.
    let request = format!(
        "PUT /lpas/M-0000-1111-2222 HTTP/1.1\r\nHost: x\r\nX-Jwt-Authorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let answer = read_to_close(&mut stream, Duration::from_secs(5)).await;

    // Assert
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    let problem = json_body(&answer);
    assert_eq!(problem["code"], "REQUEST_TIMEOUT");
}

#[tokio::test]
async fn an_oversized_body_is_refused_from_its_headers_before_any_100_continue() {
    // Arrange
    let app = spawn(Simulator::in_memory().with_body_limit(1024)).await;
    let mut stream = connect(&app).await;
    let token = app.token(Consumer::MakeRegister);

    // Act: the headers of a 10 MiB + 1 body, asking to be told to continue; no body follows.
    let request = format!(
        "PUT /lpas/M-0000-1111-2222 HTTP/1.1\r\nHost: x\r\nX-Jwt-Authorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: 10485761\r\nExpect: 100-continue\r\n\
         Connection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let answer = read_to_close(&mut stream, Duration::from_secs(5)).await;

    // Assert
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(!answer.contains("100 Continue"), "{answer}");
    assert_eq!(json_body(&answer)["code"], "PAYLOAD_TOO_LARGE");
}

#[tokio::test]
async fn a_connection_past_the_cap_is_told_to_come_back_and_closed() {
    // Arrange: a cap of two, both held by idle clients.
    let app = spawn(Simulator::in_memory().with_client_limits(limits(5_000, 5_000, 2))).await;
    let _first = connect(&app).await;
    let _second = connect(&app).await;
    tokio::time::sleep(Duration::from_millis(100)).await;

    // Act
    let mut third = connect(&app).await;
    let answer = read_to_close(&mut third, Duration::from_secs(5)).await;

    // Assert
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(
        answer.to_ascii_lowercase().contains("retry-after: 1"),
        "{answer}"
    );
    let problem = json_body(&answer);
    assert_eq!(problem["code"], "SERVICE_UNAVAILABLE");
    assert!(problem["detail"].as_str().unwrap().contains("maximum of 2"));
}

#[tokio::test]
async fn a_wrong_method_is_405_in_the_stores_error_body() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let response = app
        .send(
            Consumer::Sirius,
            reqwest::Method::DELETE,
            "/lpas/M-0000-1111-2222",
            None,
        )
        .await;

    // Assert
    let problem = expect_json(response, 405).await;
    assert_eq!(problem["code"], "METHOD_NOT_ALLOWED");
    assert_eq!(
        problem["detail"],
        "DELETE is not allowed on /lpas/M-0000-1111-2222"
    );
}

#[tokio::test]
async fn a_path_that_is_not_utf8_is_400_in_the_stores_error_body() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let response = app
        .send(Consumer::Sirius, reqwest::Method::GET, "/lpas/M-%ff", None)
        .await;

    // Assert
    let problem = expect_json(response, 400).await;
    assert_eq!(problem["code"], "BAD_REQUEST");
    assert!(
        problem["detail"].as_str().unwrap().contains("UTF-8"),
        "{problem}"
    );
}
