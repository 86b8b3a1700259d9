//! A small HTTP/1.1 load generator for the benchmarks: `connections` keep-alive connections, each
//! sending one GET at a time for a fixed time, every latency kept. Written on bare TCP so that the
//! generator costs little CPU next to the server on a 2-core machine.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// What one run measured.
#[derive(Debug, Clone)]
pub struct LoadReport {
    pub requests: usize,
    pub errors: usize,
    pub per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
}

/// One kind of request: a path and the bearer token to send with it, if any.
pub struct Target {
    pub path: String,
    pub token: Option<String>,
}

/// GETs the targets on `addr` over `connections` connections for `duration`, connection `i`
/// always sending `targets[i % targets.len()]` (a user polling their own record).
pub async fn run(addr: SocketAddr, targets: &[Target], connections: usize, duration: Duration) -> LoadReport {
    let requests: Vec<Vec<u8>> = targets.iter().map(|t| request(addr, t, "")).collect();
    run_requests(addr, requests, connections, duration).await
}

/// The bytes of a GET of `target`, with `extra` header lines (each ending in `\r\n`).
pub fn request(addr: SocketAddr, target: &Target, extra: &str) -> Vec<u8> {
    let auth = target.token.as_ref().map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
    format!("GET {} HTTP/1.1\r\nHost: {addr}\r\n{auth}Accept: application/json\r\n{extra}\r\n", target.path)
        .into_bytes()
}

/// Sends ready-made requests, as [`run`] does; connection `i` sends `requests[i % len]`.
pub async fn run_requests(
    addr: SocketAddr,
    requests: Vec<Vec<u8>>,
    connections: usize,
    duration: Duration,
) -> LoadReport {
    let started = Instant::now();
    let deadline = started + duration;
    let workers: Vec<_> = (0..connections)
        .map(|i| {
            let request = requests[i % requests.len()].clone();
            tokio::spawn(async move { connection(addr, &request, deadline).await })
        })
        .collect();
    let (mut latencies, mut errors) = (Vec::new(), 0);
    for worker in workers {
        let (mut lat, err) = worker.await.expect("load worker");
        latencies.append(&mut lat);
        errors += err;
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort_unstable();
    let pct = |p: f64| {
        if latencies.is_empty() {
            0.0
        } else {
            f64::from(latencies[((latencies.len() - 1) as f64 * p) as usize]) / 1000.0
        }
    };
    LoadReport {
        requests: latencies.len(),
        errors,
        per_second: latencies.len() as f64 / elapsed,
        p50_ms: pct(0.5),
        p99_ms: pct(0.99),
    }
}

/// One connection's loop: latencies in microseconds of the 200 answers, and the count of others.
async fn connection(addr: SocketAddr, request: &[u8], deadline: Instant) -> (Vec<u32>, usize) {
    let (mut latencies, mut errors) = (Vec::with_capacity(1 << 16), 0);
    let mut stream = None;
    let mut buffer = Vec::with_capacity(64 * 1024);
    while Instant::now() < deadline {
        if stream.is_none() {
            stream = TcpStream::connect(addr).await.ok();
            if let Some(s) = &stream {
                let _ = s.set_nodelay(true);
            }
        }
        let Some(conn) = stream.as_mut() else {
            errors += 1;
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let at = Instant::now();
        match exchange(conn, request, &mut buffer).await {
            Some(200) => latencies.push(u32::try_from(at.elapsed().as_micros()).unwrap_or(u32::MAX)),
            Some(_) => errors += 1,
            None => {
                errors += 1;
                stream = None;
            }
        }
    }
    (latencies, errors)
}

/// Sends the request and reads one whole response (with a `Content-Length` or chunked); its
/// status, or none when the connection broke.
async fn exchange(conn: &mut TcpStream, request: &[u8], buffer: &mut Vec<u8>) -> Option<u16> {
    conn.write_all(request).await.ok()?;
    buffer.clear();
    let end = loop {
        read_more(conn, buffer).await?;
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
    };
    let head = std::str::from_utf8(&buffer[..end]).ok()?.to_owned();
    let status: u16 = head.split(' ').nth(1)?.parse().ok()?;
    let header = |name: &str| {
        head.lines()
            .find_map(|l| l.split_once(':').filter(|(k, _)| k.eq_ignore_ascii_case(name)))
            .map(|(_, v)| v.trim().to_ascii_lowercase())
    };
    let mut body_at = end + 4;
    if header("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        // Each chunk: its size in hex, CRLF, the bytes, CRLF; a size of 0 ends the body.
        loop {
            let line_end = loop {
                if let Some(at) = buffer[body_at..].windows(2).position(|w| w == b"\r\n") {
                    break body_at + at;
                }
                read_more(conn, buffer).await?;
            };
            let size_text = std::str::from_utf8(&buffer[body_at..line_end]).ok()?;
            let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
            body_at = line_end + 2 + size + 2;
            while buffer.len() < body_at {
                read_more(conn, buffer).await?;
            }
            if size == 0 {
                return Some(status);
            }
        }
    }
    let length: usize = header("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
    body_at += length;
    while buffer.len() < body_at {
        read_more(conn, buffer).await?;
    }
    Some(status)
}

/// Appends what the connection has; none when it closed or broke.
async fn read_more(conn: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<()> {
    let mut chunk = [0u8; 16 * 1024];
    let read = conn.read(&mut chunk).await.ok()?;
    if read == 0 {
        return None;
    }
    buffer.extend_from_slice(&chunk[..read]);
    Some(())
}
