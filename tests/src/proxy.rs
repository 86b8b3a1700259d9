//! A TCP proxy a test can cut, to make a dependency "go away" at run time and come back.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

pub struct TcpProxy {
    pub addr: SocketAddr,
    upstream: SocketAddr,
    tasks: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl TcpProxy {
    /// Starts forwarding a free local port to `upstream`.
    pub async fn start(upstream: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let addr = listener.local_addr().expect("proxy address");
        let proxy = Self { addr, upstream, tasks: Arc::default() };
        proxy.accept_on(listener);
        proxy
    }

    fn accept_on(&self, listener: TcpListener) {
        let upstream = self.upstream;
        let tasks = self.tasks.clone();
        let accept = tokio::spawn({
            let tasks = tasks.clone();
            async move {
                while let Ok((mut inbound, _)) = listener.accept().await {
                    let pipe = tokio::spawn(async move {
                        if let Ok(mut outbound) = TcpStream::connect(upstream).await {
                            let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                        }
                    });
                    tasks.lock().expect("tasks").push(pipe);
                }
            }
        });
        tasks.lock().expect("tasks").push(accept);
    }

    /// Closes the listening port and every open connection.
    pub fn cut(&self) {
        for task in self.tasks.lock().expect("tasks").drain(..) {
            task.abort();
        }
    }

    /// Listens again on the same port (once the aborted listener has let it go).
    pub async fn restore(&self) {
        for _ in 0..100 {
            if let Ok(listener) = TcpListener::bind(self.addr).await {
                self.accept_on(listener);
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("cannot listen on {} again", self.addr);
    }
}

impl Drop for TcpProxy {
    fn drop(&mut self) {
        self.cut();
    }
}

/// A TCP proxy that cuts connections at random points, the way a village's mobile signal does:
/// per connection, with `cut_percent` chance, it drops the connection after a random number of
/// bytes of the request (the server never sees it whole) or of the response (the server did the
/// work, the phone never hears of it). Seeded, so a failing run can be replayed; `cuts` counts
/// the connections actually cut.
pub struct FlakyProxy {
    pub addr: SocketAddr,
    pub cuts: Arc<std::sync::atomic::AtomicUsize>,
    accept: JoinHandle<()>,
}

/// Where a connection is cut, in bytes: of the request, or of the response.
#[derive(Clone, Copy, Debug)]
enum Cut {
    None,
    Request(u64),
    Response(u64),
}

impl FlakyProxy {
    pub async fn start(upstream: SocketAddr, seed: u64, cut_percent: u64) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let addr = listener.local_addr().expect("proxy address");
        let cuts = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counted = cuts.clone();
        let accept = tokio::spawn(async move {
            let mut state = seed | 1;
            let mut next = move || {
                // xorshift64: enough randomness for a test, no dependency.
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state
            };
            while let Ok((inbound, _)) = listener.accept().await {
                let cut = if next() % 100 < cut_percent {
                    // Most requests and answers are small; photos' chunks reach 16 KiB.
                    let at = next() % 20_000;
                    if next() % 2 == 0 { Cut::Request(at) } else { Cut::Response(at) }
                } else {
                    Cut::None
                };
                let counted = counted.clone();
                tokio::spawn(async move {
                    if let Ok(outbound) = TcpStream::connect(upstream).await {
                        pipe(inbound, outbound, cut, &counted).await;
                    }
                });
            }
        });
        Self { addr, cuts, accept }
    }
}

impl Drop for FlakyProxy {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

/// Copies both ways until either side closes, or the cut is reached (then both are dropped).
async fn pipe(inbound: TcpStream, outbound: TcpStream, cut: Cut, cuts: &std::sync::atomic::AtomicUsize) {
    let (client_read, client_write) = inbound.into_split();
    let (server_read, server_write) = outbound.into_split();
    let (up, down) = match cut {
        Cut::None => (u64::MAX, u64::MAX),
        Cut::Request(at) => (at, u64::MAX),
        Cut::Response(at) => (u64::MAX, at),
    };
    // Whichever way ends first (a close, or the cut), the connection goes: both halves drop.
    tokio::select! {
        () = copy_until(client_read, server_write, up, cuts) => {}
        () = copy_until(server_read, client_write, down, cuts) => {}
    }
}

async fn copy_until(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    limit: u64,
    cuts: &std::sync::atomic::AtomicUsize,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut sent = 0_u64;
    let mut buf = vec![0_u8; 4096];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        let room = usize::try_from(limit.saturating_sub(sent)).unwrap_or(usize::MAX).min(n);
        if to.write_all(&buf[..room]).await.is_err() {
            return;
        }
        if room < n {
            cuts.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            return;
        }
        sent += room as u64;
    }
}
