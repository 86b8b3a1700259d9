//! `scripts/bench images`: the photo pipeline against `vipsthumbnail -s 2048` on the same 12 MP
//! phone photos (4032×3024 JPEG, quality 90, EXIF orientation 6 and a GPS position), generated
//! here. Each side runs as its own process under `/usr/bin/time`, which gives its CPU time (user +
//! system, all threads) and peak RSS; both process the images one after another (one image in
//! flight). Five rounds after a warm-up, alternating ours and the reference; medians and spread;
//! the last line is the RESULT line.
//!
//! Ours does what an upload does: header checks, DCT-scaled decode, orientation, the stored JPEG
//! (≤ 2048 px, quality 82), the 320 px thumbnail, SHA-256 of original and stored bytes, the light
//! and sharpness measures and the perceptual hash; face detection is timed apart with the other
//! quality checks, as the goal counts it apart. The reference does less: decode, orient, resize,
//! one JPEG (`[Q=82,strip]`). Peak memory per image in flight is the peak RSS of a run minus that
//! of the same program run on no image (its code and the face model).
//!
//! The quality checks are timed apart (`bench-images checks`), in their own runs.
//!
//! Usage: `bench-images run` (what the script calls), `bench-images generate DIR N`,
//! `bench-images ours FILE...`, `bench-images checks FILE...`. Settings: BENCH_IMAGES (default 8),
//! BENCH_ROUNDS (default 5), BENCH_GRAIN (default 12).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use imaging::decode::{self, Format};
use imaging::pipeline::{self, ANALYSIS_LONG, Options};
use imaging::{face, quality};

/// The CPU comparison covers decode, orientation, resize, encode, thumbnail and hashes (the
/// issue's goal); face detection is timed with the other checks (`checks`), apart.
fn options() -> Options {
    Options { min_short: 600, ..Options::default() }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("generate") => generate(Path::new(&args[2]), args[3].parse().expect("a count")),
        Some("ours") => ours(&args[2..]),
        Some("checks") => checks(&args[2..]),
        Some("stages") => stages(&args[2..]),
        Some("run") => run(),
        _ => {
            eprintln!("usage: bench-images run | generate DIR N | ours FILE... | checks FILE...");
            std::process::exit(2);
        }
    }
}

fn number(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// N phone-like photos: broad shapes with sensor grain (± BENCH_GRAIN levels, default 12: files
/// of about 3.5 MB, a phone's 12 MP JPEG; 32 makes grainy 6 MB files), turned (EXIF 6), with GPS.
fn generate(dir: &Path, count: usize) {
    let grain = u8::try_from(number("BENCH_GRAIN", 12)).unwrap_or(12);
    std::fs::create_dir_all(dir).expect("bench directory");
    for i in 0..count {
        let (w, h) = (4032, 3024);
        let pixels = tests::picture(u8::try_from(i * 13 % 251).expect("small"), w, h, 1.0, grain);
        let jpeg = imaging::samples::with_exif(&tests::encode_jpeg(&pixels, w, h, 90), 6);
        std::fs::write(dir.join(format!("photo-{i:02}.jpg")), jpeg).expect("write");
    }
}

/// The whole upload pipeline on each file, as an upload runs it.
fn ours(files: &[String]) {
    for file in files {
        let bytes = std::fs::read(file).expect("read");
        let original = api::hex::sha256(&bytes);
        let out = pipeline::process(&bytes, Format::Jpeg, &options()).expect("processed");
        let stored = api::hex::sha256(&out.stored);
        std::hint::black_box((original, stored, out.phash));
    }
}

/// The quality checks alone (light, sharpness, face detection) on the 640 px grey copy the
/// pipeline measures; prints the wall time per image. Not part of the CPU comparison.
fn checks(files: &[String]) {
    let mut total = 0.0;
    for file in files {
        let bytes = std::fs::read(file).expect("read");
        let gray = decode::decode(&bytes, Format::Jpeg, &options().limits, 1600)
            .and_then(|d| d.image.fit(ANALYSIS_LONG))
            .expect("decoded")
            .gray();
        let started = Instant::now();
        std::hint::black_box((quality::brightness(&gray), quality::sharpness(&gray), face::count(&gray)));
        total += started.elapsed().as_secs_f64();
    }
    println!("checks_s_per_image={:.4}", total / files.len().max(1) as f64);
}

/// Where the time of one image goes, stage by stage (for tuning; not part of the RESULT).
fn stages(files: &[String]) {
    for file in files {
        let bytes = std::fs::read(file).expect("read");
        let mut t = Instant::now();
        let mut lap = |name: &str| {
            print!("{name} {:.1} ms  ", t.elapsed().as_secs_f64() * 1000.0);
            t = Instant::now();
        };
        let original = api::hex::sha256(&bytes);
        lap("sha256");
        let decoded = decode::decode(&bytes, Format::Jpeg, &options().limits, 1600).expect("decoded");
        lap("decode+orient");
        let stored = decoded.image.fit(options().stored_long).expect("fit");
        lap("fit");
        let jpeg = stored.jpeg(options().quality).expect("jpeg");
        lap("encode");
        let analysis = stored.fitted(ANALYSIS_LONG).expect("640");
        let thumb = analysis.fitted(options().thumbnail_long).and_then(|t| t.jpeg(72)).expect("thumb");
        lap("640+thumbnail");
        let gray = analysis.gray();
        let hash = imaging::phash::phash(&gray).expect("phash");
        lap("gray+phash");
        std::hint::black_box((original, jpeg, thumb, hash));
        println!();
    }
}

struct Measured {
    cpu_per_image: f64,
    images_per_s: f64,
    peak_rss_mib: f64,
    checks_s: Option<f64>,
}

/// Runs `program args` under `/usr/bin/time` and reads what it measured.
fn measure(program: &str, args: &[String], images: usize) -> Measured {
    let output = Command::new("/usr/bin/time")
        .args(["-f", "TIME %e %U %S %M"])
        .arg(program)
        .args(args)
        .output()
        .expect("/usr/bin/time (Debian package time)");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{program} failed: {stderr}");
    let line = stderr.lines().rev().find(|l| l.starts_with("TIME ")).expect("time's line");
    let f: Vec<f64> = line[5..].split_whitespace().map(|v| v.parse().expect("a number")).collect();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let checks_s = stdout.lines().find_map(|l| l.strip_prefix("checks_s_per_image=")).and_then(|v| v.parse().ok());
    Measured {
        cpu_per_image: (f[1] + f[2]) / images as f64,
        images_per_s: images as f64 / f[0].max(1e-9),
        peak_rss_mib: f[3] / 1024.0,
        checks_s,
    }
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn spread(values: &[f64]) -> String {
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = values.iter().copied().fold(0.0, f64::max);
    format!("{min:.3}-{max:.3}")
}

fn run() {
    let images = number("BENCH_IMAGES", 8);
    let rounds = number("BENCH_ROUNDS", 5);
    let dir = std::env::temp_dir().join(format!("jiuzhu-bench-images-{}", std::process::id()));
    let out_dir = dir.join("vips");
    std::fs::create_dir_all(&out_dir).expect("bench directory");
    let started = Instant::now();
    generate(&dir, images);
    let files: Vec<String> = (0..images).map(|i| dir.join(format!("photo-{i:02}.jpg")).display().to_string()).collect();
    let bytes: u64 = files.iter().map(|f| std::fs::metadata(f).map(|m| m.len()).unwrap_or(0)).sum();
    println!(
        "inputs: {images} photos 4032x3024, EXIF orientation 6 + GPS, {:.1} MB each on average (generated in {:.1} s)",
        bytes as f64 / images as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    let me: PathBuf = std::env::current_exe().expect("own path");
    let me = me.display().to_string();
    let mut ours_args = vec!["ours".to_owned()];
    ours_args.extend(files.iter().cloned());
    let mut vips_args = files.clone();
    vips_args.extend(["-s".into(), "2048".into(), "-o".into(), format!("{}/%s.jpg[Q=82,strip]", out_dir.display())]);

    let baseline = measure(&me, &["ours".to_owned()], 1).peak_rss_mib;
    let (mut ours, mut vips) = (Vec::new(), Vec::new());
    for round in 0..=rounds {
        let a = measure(&me, &ours_args, images);
        let b = measure("vipsthumbnail", &vips_args, images);
        if round == 0 {
            continue; // warm-up
        }
        println!(
            "round {round}: ours {:.3} cpu_s/img {:.1} img/s {:.0} MiB peak | vipsthumbnail {:.3} cpu_s/img {:.1} img/s {:.0} MiB peak",
            a.cpu_per_image, a.images_per_s, a.peak_rss_mib, b.cpu_per_image, b.images_per_s, b.peak_rss_mib
        );
        ours.push(a);
        vips.push(b);
    }
    let column = |side: &[Measured], f: fn(&Measured) -> f64| side.iter().map(f).collect::<Vec<f64>>();
    let (ours_cpu, vips_cpu) = (column(&ours, |m| m.cpu_per_image), column(&vips, |m| m.cpu_per_image));
    let (ours_rss, vips_rss) = (column(&ours, |m| m.peak_rss_mib), column(&vips, |m| m.peak_rss_mib));
    let (ours_ips, vips_ips) = (column(&ours, |m| m.images_per_s), column(&vips, |m| m.images_per_s));
    let mut checks_args = vec!["checks".to_owned()];
    checks_args.extend(files.iter().cloned());
    let mut checks = (0..rounds).filter_map(|_| measure(&me, &checks_args, images).checks_s).collect::<Vec<f64>>();
    let (o, r) = (median(&mut ours_cpu.clone()), median(&mut vips_cpu.clone()));
    let ratio = o / r;
    let rss = median(&mut ours_rss.clone()) - baseline;
    let checks_ms = median(&mut checks) * 1000.0;
    println!("machine: {} cores", std::thread::available_parallelism().map_or(0, std::num::NonZero::get));
    println!(
        "ours:          cpu {o:.3} s/img (spread {}), {:.1} img/s, peak RSS {:.0} MiB = {baseline:.0} MiB program + {rss:.0} MiB for the image in flight",
        spread(&ours_cpu),
        median(&mut ours_ips.clone()),
        median(&mut ours_rss.clone())
    );
    println!(
        "vipsthumbnail: cpu {r:.3} s/img (spread {}), {:.1} img/s, peak RSS {:.0} MiB",
        spread(&vips_cpu),
        median(&mut vips_ips.clone()),
        median(&mut vips_rss.clone())
    );
    println!("quality checks incl. face detection: {checks_ms:.1} ms/img (goal <= 150 ms)");
    let met = ratio <= 0.5 && rss <= 40.0 && checks_ms <= 150.0;
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "RESULT images ours={o:.3} cpu_s/img ref={r:.3} cpu_s/img ratio={ratio:.2} goal=<=0.50,rss/img<=40MiB,checks<=150ms {}",
        if met { "met" } else { "not met" }
    );
}
