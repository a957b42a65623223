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
];

/// Test tools: WebKit's WebDriver, the kernel keyring tools, Chromium as the GP, coturn, PulseAudio.
const TEST_PACKAGES: &[&str] = &[
    "webkit2gtk-driver",
    "keyutils",
    "dbus",
    // The GP's browser in the end-to-end tests, and its WebDriver.
    "chromium",
    "chromium-driver",
    // TURN relay, network namespaces and links cut on purpose.
    "coturn",
    "iproute2",
    // Audio devices for the station in tests (null sinks).
    "pulseaudio",
    "pulseaudio-utils",
    "libasound2-plugins",
];

/// Prepares the machine.
pub fn run(purpose: Purpose) -> Result {
    let mut packages: Vec<&str> = RUN_PACKAGES.to_vec();
    if purpose == Purpose::Test {
        packages.extend_from_slice(TEST_PACKAGES);
    }
    apt(&packages)?;
    npm()?;
    if purpose == Purpose::Test && !sh::has("tauri-driver") {
        println!("==> cargo install tauri-driver");
        sh::run(sh::cargo().args(["install", "tauri-driver", "--version", "^2", "--locked"]))?;
    }
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
