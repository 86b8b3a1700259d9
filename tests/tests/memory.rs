//! The server's peak memory while large photos are processed. A test binary of its own, with one
//! test, so the process's peak resident memory (the server runs in it) is this test's alone.

use serde_json::{Value, json};
use tests::{TestApp, jpeg_bytes};
use uuid::Uuid;

const MIB: u64 = 1 << 20;

/// A line of `/proc/self/status` (`VmRSS`, `VmHWM`), in bytes.
fn status(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let line = status.lines().find_map(|l| l.strip_prefix(field)?.strip_prefix(':')).expect("the field");
    let kib: u64 = line.trim().trim_end_matches("kB").trim().parse().expect("a number of kB");
    kib * 1024
}

/// Six 7999×7999 PNGs (64 MP each, under 1 MB) uploaded at once, two decoded at a time: each used
/// to take about 235 MB, now it is read in bands and shrunk as it is read. The peak is measured
/// from the resident memory just before the uploads (`VmHWM` reset through `clear_refs` where the
/// kernel allows it; otherwise the bound holds over the start-up peak as well).
#[tokio::test]
async fn six_huge_pngs_at_once_stay_within_the_memory_budget() {
    // Made first: an idle connection the server closes (keep-alive) would break an upload.
    let pngs: Vec<Vec<u8>> =
        (0..6u8).map(|i| imaging::samples::flat_png(7999, 7999, [90 + i, 120, 150]).expect("a PNG")).collect();
    let app = TestApp::spawn_demo_with(|s| {
        s.imaging.max_in_flight = 2;
        // Every upload waits for its turn: the test measures memory, not the busy answer.
        s.imaging.queue_wait_ms = 600_000;
    })
    .await;
    let resident = app.resident_token("memory").await;
    let id = Uuid::now_v7().to_string();
    let body = json!({"id": id, "community_code": "500199001001", "items": ["dibao"], "contact_phone": "13800138000"});
    assert_eq!(app.create_application(&resident, &body).await.status(), 201);
    let bill = [("type", "medical_bill")];
    // A first photo loads what stays loaded (the codecs' tables, the connections).
    assert_eq!(app.upload(&resident, &id, &bill, &jpeg_bytes(1)).await.status(), 201);

    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let before = status("VmRSS");
    let uploads = pngs.iter().map(|png| app.upload(&resident, &id, &bill, png));
    for response in futures_util::future::join_all(uploads).await {
        let code = response.status();
        let body: Value = response.json().await.expect("JSON");
        assert_eq!(code, 201, "{body}");
        assert_eq!((body["width"].as_i64(), body["height"].as_i64()), (Some(2000), Some(2000)), "{body}");
    }
    let peak = status("VmHWM").saturating_sub(before);
    eprintln!("peak over the start: {} MiB (resident before: {} MiB)", peak / MIB, before / MIB);
    // Measured: 84 MiB over the start (two in flight, about 30 MiB reserved each, plus the six
    // request bodies on both sides of the socket and the allocator's arenas). The old code held
    // 192 MB of pixels for one such PNG alone, and peaked near 470 MB over the start for two.
    assert!(peak < 160 * MIB, "the peak was {} MiB over the start", peak / MIB);
}
