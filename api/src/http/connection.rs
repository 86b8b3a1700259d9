//! Set-up of each accepted connection.
//!
//! `TCP_NODELAY` on every socket: an answer written in several pieces (a compressed body comes in
//! chunks) must not wait for the client's delayed ACK before its last piece goes out, which Nagle's
//! algorithm would make it do (about 40 ms, on keep-alive connections one answer in two).

use std::any::Any;

use actix_web::dev::Extensions;
use actix_web::rt::net::TcpStream;

/// Called by the server for each accepted connection (`HttpServer::on_connect`).
pub fn on_connect(connection: &dyn Any, _: &mut Extensions) {
    if let Some(socket) = connection.downcast_ref::<TcpStream>()
        && let Err(err) = socket.set_nodelay(true)
    {
        // The connection still works, only slower; the peer may already have gone.
        tracing::debug!(error = %err, "could not set TCP_NODELAY on an accepted connection");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn accepted_connections_get_tcp_nodelay() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
        let (accepted, _) = listener.accept().await.unwrap();
        assert!(!accepted.nodelay().unwrap(), "off by default: the test would prove nothing otherwise");
        on_connect(&accepted, &mut Extensions::new());
        assert!(accepted.nodelay().unwrap());
        drop(client);
    }
}
