//! The `jiuzhu` binary as an operator runs it: exit codes and one-line messages. The HTTP API is
//! tested in the `tests` crate.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn jiuzhu() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_jiuzhu"));
    command
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("JIUZHU__LOG__FORMAT", "pretty")
        .env("JIUZHU__SERVER__PORT", "0");
    command
}

#[test]
fn an_unreachable_database_exits_non_zero_naming_the_setting() {
    let output = jiuzhu()
        .env("DATABASE_URL", "postgres://postgres:secret@127.0.0.1:1/jiuzhu")
        .env("JIUZHU__DATABASE__CONNECT_TIMEOUT_SECS", "1")
        .env("JIUZHU__DATABASE__ACQUIRE_TIMEOUT_SECS", "1")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("DATABASE_URL"), "{stderr}");
    assert!(!stderr.contains("secret"), "the password is not printed: {stderr}");
}

#[test]
fn an_unknown_setting_stops_the_server_at_start() {
    let output = jiuzhu().env("JIUZHU__SERVER__PROT", "9000").output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("prot"), "{stderr}");
}

#[test]
fn a_weak_token_key_stops_the_server_at_start() {
    let dir = std::env::temp_dir().join(format!("jiuzhu-key-{}", std::process::id()));
    let output = jiuzhu().env("JIUZHU__DATA_DIR", &dir).env("JIUZHU__AUTH__JWT_KEYS", "k1:xyzzy42").output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("JIUZHU__AUTH__JWT_KEYS"), "{stderr}");
    assert!(!stderr.contains("xyzzy42"), "the secret is not printed: {stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn openapi_prints_the_committed_document() {
    let output = jiuzhu().arg("openapi").output().unwrap();
    assert!(output.status.success());
    let committed = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/openapi.json")).unwrap();
    assert!(output.stdout == committed, "regenerate with: cargo run -p api -- openapi > openapi/openapi.json");
}

#[test]
fn migrate_applies_migrations_and_exits() {
    let dir = std::env::temp_dir().join(format!("jiuzhu-cli-{}", std::process::id()));
    let output = jiuzhu().arg("migrate").env("JIUZHU__DATA_DIR", &dir).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(dir.join("jiuzhu.db").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The port the server logged it listens on (JSON log lines).
fn listening_port(log: &str) -> Option<u16> {
    let rest = log.split("\"address\":\"127.0.0.1:").nth(1)?;
    rest.split('"').next()?.parse().ok()
}

#[test]
fn healthcheck_fails_when_nothing_listens() {
    let output = jiuzhu().arg("healthcheck").env("JIUZHU__SERVER__PORT", "1").output().unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("unhealthy"));
}

#[test]
fn sigterm_shuts_down_gracefully() {
    let dir = std::env::temp_dir().join(format!("jiuzhu-term-{}", std::process::id()));
    let mut child = jiuzhu()
        .env("JIUZHU__LOG__FORMAT", "json")
        .env("JIUZHU__DATA_DIR", &dir)
        .env("JIUZHU__SERVER__PORT", "0")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let mut log = String::new();
    let started = Instant::now();
    let mut buf = [0u8; 4096];
    let port = loop {
        if let Some(port) = listening_port(&log) {
            break port;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "no listening line: {log}");
        let n = stderr.read(&mut buf).unwrap();
        assert!(n > 0, "the server exited early: {log}");
        log.push_str(&String::from_utf8_lossy(&buf[..n]));
    };
    // Serving a request means the server loop, and its signal handlers, are running.
    let healthy = (0..100).any(|_| {
        let ok = jiuzhu().arg("healthcheck").env("JIUZHU__SERVER__PORT", port.to_string()).status().unwrap().success();
        if !ok {
            std::thread::sleep(Duration::from_millis(50));
        }
        ok
    });
    assert!(healthy, "healthcheck never passed: {log}");
    let kill = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(kill.success());
    let status = child.wait().unwrap();
    stderr.read_to_string(&mut log).unwrap();
    assert!(status.success(), "exit status {status:?}: {log}");
    assert!(log.contains("graceful shutdown"), "{log}");
    assert!(log.contains(&format!("\"jpeg\":\"{}\"", imaging::JPEG_PATH)), "the JPEG path is logged: {log}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[allow(clippy::unwrap_used, reason = "a test helper: a failure is a panic with a message")]
fn run_with_stdin(mut command: Command, stdin: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn create_user_reads_the_password_from_stdin_and_applies_the_rules() {
    let dir = std::env::temp_dir().join(format!("jiuzhu-create-user-{}", std::process::id()));
    let args = ["create-user", "--username", "ops.admin", "--display-name", "运维管理员", "--role", "admin"];
    let mut command = jiuzhu();
    command.args(args).env("JIUZHU__DATA_DIR", &dir);
    let output = run_with_stdin(command, "Harbour-lights-42\n");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.starts_with("created admin ops.admin"), "{stdout}");

    let mut command = jiuzhu();
    command.args(args).env("JIUZHU__DATA_DIR", &dir);
    let again = run_with_stdin(command, "Harbour-lights-42\n");
    assert!(!again.status.success(), "a username is taken once");

    let mut command = jiuzhu();
    command
        .args(["create-user", "--username", "helper.one", "--display-name", "帮办员", "--role", "helper"])
        .args(["--region", "500199001001", "--helper-kind", "volunteer"])
        .env("JIUZHU__DATA_DIR", &dir);
    let weak = run_with_stdin(command, "short\n");
    assert!(!weak.status.success());
    let stderr = String::from_utf8_lossy(&weak.stderr);
    assert!(stderr.contains("password") && !stderr.contains("short\n"), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn seed_demo_can_run_twice() {
    let dir = std::env::temp_dir().join(format!("jiuzhu-seed-{}", std::process::id()));
    let first = jiuzhu().arg("seed-demo").env("JIUZHU__DATA_DIR", &dir).output().unwrap();
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(stdout.contains("demo-admin") && stdout.contains("demo-helper-b"), "{stdout}");
    assert!(stdout.contains("catalog: 13 aid items"), "{stdout}");
    assert!(stdout.contains("password of the created accounts: "), "{stdout}");
    let second = jiuzhu()
        .args(["seed-demo", "--password", "Another-demo-pass-1"])
        .env("JIUZHU__DATA_DIR", &dir)
        .output()
        .unwrap();
    assert!(second.status.success(), "{}", String::from_utf8_lossy(&second.stderr));
    assert!(String::from_utf8_lossy(&second.stdout).contains("already there (password unchanged): demo-admin"));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// An ID number with its check digit (born 1950-03-17).
fn id_number(sequence: u32) -> String {
    let body = format!("50010119500317{sequence:03}");
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body.bytes().zip(weights).map(|(b, w)| u32::from(b - b'0') * w).sum();
    format!("{body}{}", ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"][(sum % 11) as usize])
}

#[test]
fn import_reads_a_department_file_once_as_a_district_supervisor() {
    let dir = std::env::temp_dir().join(format!("jiuzhu-import-{}", std::process::id()));
    let seeded = jiuzhu()
        .args(["seed-demo", "--password", "Import-demo-pass-1"])
        .env("JIUZHU__DATA_DIR", &dir)
        .output()
        .unwrap();
    assert!(seeded.status.success(), "{}", String::from_utf8_lossy(&seeded.stderr));
    let file = dir.join("deaths.csv");
    std::fs::write(
        &file,
        format!("ref,id_number,name,date\nD-1,{},张秀英,2026-11-20\nD-2,,李四,2026-11-21\n", id_number(1)),
    )
    .unwrap();
    let import = |by: &str| {
        jiuzhu()
            .args(["import", "--kind", "death", "--format", "csv", "--as", by])
            .arg(&file)
            .env("JIUZHU__DATA_DIR", &dir)
            .output()
            .unwrap()
    };
    let first = import("demo-supervisor");
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let report: serde_json::Value = serde_json::from_slice(&first.stdout).unwrap();
    assert_eq!(
        (report["rows_imported"].as_i64(), report["rows_rejected"].as_i64(), report["repeated"].as_bool()),
        (Some(1), Some(1), Some(false))
    );
    let again: serde_json::Value = serde_json::from_slice(&import("demo-supervisor").stdout).unwrap();
    assert_eq!(again["repeated"], true);
    let refused = import("demo-helper-b");
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("no active district supervisor"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
