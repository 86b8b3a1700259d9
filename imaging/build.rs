//! Finds the face-detection model that the `rustface` crate ships in its package
//! (`model/seeta_fd_frontal_v1.0.bin`) so the server embeds it: no copy in this repository, no
//! download at run time. The package directory comes from `cargo metadata`.
//!
//! With the `fast-jpeg` feature (the default) on x86, it also stops the build with one line when
//! `nasm` is missing: libjpeg-turbo's build would otherwise leave its SIMD code out with only a
//! warning, and photos would go 1.7 times slower without anyone noticing.

use std::path::PathBuf;
use std::process::Command;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=../Cargo.lock");
    if let Err(missing) = nasm_for_fast_jpeg() {
        println!("cargo::error={missing}");
        return;
    }
    let dir = match rustface_dir() {
        Ok(dir) => dir,
        Err(why) => panic!("cannot find the rustface package for its face model: {why}"),
    };
    let model = dir.join("model").join("seeta_fd_frontal_v1.0.bin");
    if !model.is_file() {
        panic!("the rustface package at {} has no model/seeta_fd_frontal_v1.0.bin", dir.display());
    }
    println!("cargo::rustc-env=JIUZHU_FACE_MODEL={}", model.display());
    println!("cargo::rustc-env=JIUZHU_RUSTFACE_DIR={}", dir.display());
}

/// Whether the fast JPEG code can be built: it needs `nasm` (1.x or newer) on x86.
fn nasm_for_fast_jpeg() -> Result<(), String> {
    let arch = std::env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    if std::env::var_os("CARGO_FEATURE_FAST_JPEG").is_none() || !matches!(arch.as_str(), "x86_64" | "x86") {
        return Ok(());
    }
    println!("cargo::rerun-if-env-changed=PATH");
    let usable = Command::new("nasm")
        .arg("-v")
        .output()
        .is_ok_and(|out| out.status.success() && !String::from_utf8_lossy(&out.stdout).contains("NASM version 0."));
    if usable {
        return Ok(());
    }
    Err("nasm is needed for the fast JPEG code (libjpeg-turbo SIMD): install it (Debian/Ubuntu: apt-get install \
         nasm; macOS: brew install nasm) and build again, or build the 1.7x slower pure-Rust JPEG path with \
         --no-default-features"
        .to_owned())
}

fn rustface_dir() -> Result<PathBuf, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").map_err(|e| e.to_string())?).join("Cargo.toml");
    let run = |offline: bool| {
        let mut cmd = Command::new(&cargo);
        cmd.args(["metadata", "--format-version", "1", "--manifest-path"]).arg(&manifest);
        if offline {
            cmd.arg("--offline");
        }
        cmd.output()
    };
    let output = match run(true) {
        Ok(out) if out.status.success() => out,
        _ => run(false).map_err(|e| e.to_string())?,
    };
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    let meta: serde_json::Value = serde_json::from_slice(&output.stdout).map_err(|e| e.to_string())?;
    let packages = meta["packages"].as_array().ok_or("no packages in cargo metadata")?;
    let manifest_path = packages
        .iter()
        .find(|p| p["name"] == "rustface")
        .and_then(|p| p["manifest_path"].as_str())
        .ok_or("rustface is not a dependency")?;
    PathBuf::from(manifest_path).parent().map(PathBuf::from).ok_or_else(|| "odd manifest path".to_owned())
}
