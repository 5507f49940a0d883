//! Probe 4: a 100 MB answer (with and without Content-Length, on a success and on an error
//! status, from the token endpoint and the API) is refused or cut without reading it whole:
//! the process's peak memory stays flat. One test in its own binary, so nothing else moves the
//! peak.

use std::time::Duration;

use omi_push::{Client, Config, ErrorKind, RetryPolicy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const HUGE: usize = 100 * 1024 * 1024;

/// Peak resident memory of this process, in KiB.
fn peak_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// Answers the token path with a token (or with the huge body when `huge_token`), every other
/// path with `status` and a 100 MB body, chunked or with a length.
async fn server(status: u16, chunked: bool, huge_token: bool) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = vec![0u8; 16 * 1024];
                let n = sock.read(&mut buf).await.unwrap_or(0);
                let head = String::from_utf8_lossy(&buf[..n]).to_string();
                if head.contains("/token") && !huge_token {
                    let body = r#"{"access_token":"tok-1","token_type":"Bearer","expires_in":3600}"#;
                    let resp = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = sock.write_all(resp.as_bytes()).await;
                    return;
                }
                let framing =
                    if chunked { "transfer-encoding: chunked".to_string() } else { format!("content-length: {HUGE}") };
                let head = format!("HTTP/1.1 {status} X\r\ncontent-type: application/json\r\n{framing}\r\n\r\n");
                if sock.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = vec![b' '; 64 * 1024];
                let mut sent = 0;
                while sent < HUGE {
                    let ok = if chunked {
                        sock.write_all(format!("{:x}\r\n", chunk.len()).as_bytes()).await.is_ok()
                            && sock.write_all(&chunk).await.is_ok()
                            && sock.write_all(b"\r\n").await.is_ok()
                    } else {
                        sock.write_all(&chunk).await.is_ok()
                    };
                    if !ok {
                        return;
                    }
                    sent += chunk.len();
                }
                if chunked {
                    let _ = sock.write_all(b"0\r\n\r\n").await;
                }
            });
        }
    });
    url
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn p4_huge_bodies_are_refused_and_memory_stays_flat() {
    let before = peak_kib();
    for (status, chunked, huge_token) in [
        (200, false, false),
        (200, true, false),
        (500, false, false),
        (500, true, false),
        (200, true, true),
        (200, false, true),
    ] {
        let url = server(status, chunked, huge_token).await;
        let config = Config::builder(url)
            .client_credentials("id", "secret")
            .retry_policy(RetryPolicy { max_retries: 0, ..Default::default() })
            .request_timeout(Duration::from_secs(30))
            .build()
            .expect("config");
        let client = Client::new(config).expect("client");
        let err = client.list_devices("user-1").await.expect_err("refused");
        let expected = if status == 200 { ErrorKind::Protocol } else { ErrorKind::Server };
        assert_eq!(err.kind(), expected, "status {status} chunked {chunked} token {huge_token}: {err:?}");
        if status == 200 {
            assert!(err.to_string().contains("limit"), "{err}");
        }
    }
    let grown_mib = (peak_kib().saturating_sub(before)) / 1024;
    println!("peak RSS grew by {grown_mib} MiB over six 100 MB answers");
    assert!(grown_mib < 24, "peak memory grew by {grown_mib} MiB");
}
