//! Installs what is missing: Debian packages, npm packages, cargo tools. Idempotent.
use std::process::Command;

use crate::{sh, Result};

/// What the machine is being prepared for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Building and starting the station.
    Run,
    /// Everything `run` needs, plus the test tools.
    Test,
}

/// Build and run dependencies of the station and the hub (Tauri on WebKitGTK, SQLCipher on
/// OpenSSL, openh264 built with nasm, libopus built with cmake, cpal on ALSA, nokhwa on V4L2).
const RUN_PACKAGES: &[&str] = &[
    "build-essential",
    "pkg-config",
    "libwebkit2gtk-4.1-dev",
    "libgtk-3-dev",
    "librsvg2-dev",
    "libayatana-appindicator3-dev",
    "libssl-dev",
    "libxdo-dev",
    "xvfb",
    "xauth",
    "nasm",
    "cmake",
    "libasound2-dev",
    // nokhwa's V4L2 bindings are generated at build time (bindgen).
    "libclang-dev",
    // Bluetooth LE instruments through BlueZ (btleplug talks D-Bus).
    "libdbus-1-dev",
    // VP8 for browsers without H.264 (Firefox without OpenH264): the system libvpx.
    "libvpx-dev",
    // WebKit plays media through GStreamer: the stethoscope clips replayed at the station (WAV).
    "gstreamer1.0-plugins-base",
    "gstreamer1.0-plugins-good",
];

/// Test tools: WebKit's WebDriver, the kernel keyring tools, Chromium and Firefox as the GP,
/// coturn, PulseAudio, CUPS with a PDF printer, poppler to read PDFs back.
const TEST_PACKAGES: &[&str] = &[
    "webkit2gtk-driver",
    "keyutils",
    "dbus",
    // The GP's browser in the end-to-end tests, and its WebDriver.
    "chromium",
    "chromium-driver",
    // The console must also work in Firefox (driven by geckodriver, installed with cargo).
    "firefox-esr",
    // TURN relay, network namespaces, and links cut or made lossy on purpose.
    "coturn",
    "iproute2",
    "nftables",
    // Audio devices for the station in tests (null sinks).
    "pulseaudio",
    "pulseaudio-utils",
    "libasound2-plugins",
    // Signals played into the stethoscope sink, and measured.
    "sox",
    // Printing at the station: CUPS and a printer that writes PDF files.
    "cups",
    "cups-client",
    "cups-bsd",
    "printer-driver-cups-pdf",
    // ipptool: tells a printed job from a cancelled or aborted one.
    "cups-ipp-utils",
    // Reading printed and rendered PDFs back (pdftotext, pdftoppm).
    "poppler-utils",
    // An independent FHIR R4 validator is installed from PyPI into this virtual environment.
    "python3-venv",
];

/// Python packages of the tests, installed into `target/pyenv` (rebuilt when missing).
const PYTHON_PACKAGES: &[&str] = &["fhir.resources==8.3.0"];

/// Cargo tools of the tests: (binary, crate, version requirement).
const CARGO_TOOLS: &[(&str, &str, &str)] = &[
    ("tauri-driver", "tauri-driver", "^2"),
    ("geckodriver", "geckodriver", "^0.37"),
];

/// Prepares the machine.
pub fn run(purpose: Purpose) -> Result {
    let mut packages: Vec<&str> = RUN_PACKAGES.to_vec();
    if purpose == Purpose::Test {
        packages.extend_from_slice(TEST_PACKAGES);
    }
    apt(&packages)?;
    npm()?;
    if purpose == Purpose::Test {
        for (binary, krate, version) in CARGO_TOOLS {
            if !sh::has(binary) {
                println!("==> cargo install {krate}");
                sh::run(sh::cargo().args(["install", krate, "--version", version, "--locked"]))?;
            }
        }
        python()?;
    }
    Ok(())
}

/// Path of the tests' Python interpreter (a virtual environment under `target/`).
pub fn python_path() -> std::path::PathBuf {
    sh::root().join("target/pyenv/bin/python3")
}

fn python() -> Result {
    let python = python_path();
    let marker = sh::root().join("target/pyenv/.relais-packages");
    let wanted = PYTHON_PACKAGES.join("\n");
    if std::fs::read_to_string(&marker).is_ok_and(|s| s == wanted) {
        return Ok(());
    }
    println!(
        "==> python venv (target/pyenv): {}",
        PYTHON_PACKAGES.join(" ")
    );
    if !python.is_file() {
        let system = if sh::has("python3") {
            "python3"
        } else {
            "python"
        };
        sh::run(
            sh::cmd(system)
                .args(["-m", "venv"])
                .arg(sh::root().join("target/pyenv")),
        )?;
    }
    sh::run(
        sh::cmd(&python.to_string_lossy())
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
            ])
            .args(PYTHON_PACKAGES),
    )?;
    std::fs::write(&marker, wanted).map_err(|e| format!("{}: {e}", marker.display()))?;
    Ok(())
}

fn installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", package])
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
}

fn apt(packages: &[&str]) -> Result {
    let missing: Vec<&str> = packages.iter().copied().filter(|p| !installed(p)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    println!("==> apt-get install {}", missing.join(" "));
    let sudo = !is_root();
    let apt = |args: &[&str]| {
        let mut c = if sudo {
            sh::cmd("sudo")
        } else {
            sh::cmd("apt-get")
        };
        if sudo {
            c.arg("apt-get");
        }
        c.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        sh::run(&mut c)
    };
    apt(&["update", "-qq"])?;
    // With recommends, as verified on these machines (fonts and GL helpers for WebKitGTK).
    let mut args = vec!["install", "-y", "-qq"];
    args.extend(missing);
    apt(&args)
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn npm() -> Result {
    let ui = sh::root().join("ui");
    if ui.join("node_modules/.package-lock.json").is_file() {
        return Ok(());
    }
    println!("==> npm ci (ui)");
    sh::run(
        sh::cmd("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(ui),
    )
}
