//! A network namespace for the GP's browser, joined to the test's own namespace by a veth
//! pair: the call then crosses a real network interface, which a test can take down or
//! make lossy.
//!
//! Needs root (CI and the developers' machines run as root). The addresses are private
//! ones that exist only on this pair, inside the test's sandbox; everything is removed on drop.
use std::net::Ipv4Addr;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU8, Ordering};

use crate::Result;

/// A namespace with one veth link to the host side.
pub struct NetNs {
    name: String,
    host_if: String,
    subnet: u8,
}

impl NetNs {
    /// Creates the namespace, the veth pair and their addresses, and brings them up.
    pub fn create() -> Result<Self> {
        static NEXT: AtomicU8 = AtomicU8::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let pid = std::process::id() % 10_000;
        let ns = Self {
            name: format!("relais-gp-{pid}-{n}"),
            host_if: format!("rh{pid}x{n}"),
            // One /30 per namespace of this process, apart from the other processes'.
            subnet: ((pid % 200) as u8).wrapping_add(n.wrapping_mul(37)),
        };
        let guest_if = format!("rg{pid}x{n}");
        ip(&["netns", "add", &ns.name])?;
        ip(&[
            "link",
            "add",
            &ns.host_if,
            "type",
            "veth",
            "peer",
            "name",
            &guest_if,
        ])?;
        ip(&["link", "set", &guest_if, "netns", &ns.name])?;
        ip(&[
            "addr",
            "add",
            &format!("{}/30", ns.host_ip()),
            "dev",
            &ns.host_if,
        ])?;
        ip(&["link", "set", &ns.host_if, "up"])?;
        ns.ip_in(&[
            "addr",
            "add",
            &format!("{}/30", ns.guest_ip()),
            "dev",
            &guest_if,
        ])?;
        ns.ip_in(&["link", "set", &guest_if, "up"])?;
        ns.ip_in(&["link", "set", "lo", "up"])?;
        Ok(ns)
    }

    /// The namespace's name (for `ip netns exec`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The address of the host side of the link (where the hub and the station are).
    pub fn host_ip(&self) -> Ipv4Addr {
        Ipv4Addr::new(10, 213, self.subnet, 1)
    }

    /// The address inside the namespace (the GP's browser).
    pub fn guest_ip(&self) -> Ipv4Addr {
        Ipv4Addr::new(10, 213, self.subnet, 2)
    }

    /// A command run inside the namespace.
    pub fn command(&self, program: &str) -> tokio::process::Command {
        let mut c = tokio::process::Command::new("ip");
        c.args(["netns", "exec", &self.name, program]);
        c
    }

    /// Takes the link down: nothing passes between the GP and the rest.
    pub fn link_down(&self) -> Result {
        ip(&["link", "set", &self.host_if, "down"])
    }

    /// Brings the link back up.
    pub fn link_up(&self) -> Result {
        ip(&["link", "set", &self.host_if, "up"])
    }

    /// Drops `percent` % of the UDP packets (media, ICE) that come from the GP's side, at
    /// random, until the guard is dropped: a lossy link (nftables).
    pub fn lossy_from_gp(&self, percent: u8) -> Result<Loss> {
        let table = self.name.replace('-', "_");
        nft(&["add", "table", "inet", &table])?;
        let loss = Loss { table };
        nft(&[
            "add",
            "chain",
            "inet",
            &loss.table,
            "input",
            "{ type filter hook input priority 0; }",
        ])?;
        nft(&[
            "add",
            "rule",
            "inet",
            &loss.table,
            "input",
            "iifname",
            &self.host_if,
            "meta",
            "l4proto",
            "udp",
            "numgen",
            "random",
            "mod",
            "100",
            "lt",
            &percent.to_string(),
            "drop",
        ])?;
        Ok(loss)
    }

    fn ip_in(&self, args: &[&str]) -> Result {
        let mut all = vec!["-n", self.name.as_str()];
        all.extend_from_slice(args);
        ip(&all)
    }
}

impl Drop for NetNs {
    fn drop(&mut self) {
        // Deleting the namespace deletes its end of the pair, and so the pair.
        let _ = ip(&["netns", "del", &self.name]);
        let _ = ip(&["link", "del", &self.host_if]);
    }
}

/// A lossy link, made whole again on drop.
pub struct Loss {
    table: String,
}

impl Drop for Loss {
    fn drop(&mut self) {
        let _ = nft(&["delete", "table", "inet", &self.table]);
    }
}

fn nft(args: &[&str]) -> Result {
    run("nft", "nftables", args)
        .map_err(|stderr| format!("nft {}: {stderr}", args.join(" ")).into())
}

fn ip(args: &[&str]) -> Result {
    match run("ip", "iproute2", args) {
        // Removing what is already gone is fine (drop after a failed set-up).
        Err(stderr) if args.contains(&"del") && stderr.contains("Cannot find") => Ok(()),
        Err(stderr) => Err(format!(
            "ip {}: {stderr} (network namespaces need root)",
            args.join(" ")
        )
        .into()),
        Ok(()) => Ok(()),
    }
}

/// Runs `program` (from Debian's `package`); on failure, what it said.
fn run(program: &str, package: &str, args: &[&str]) -> std::result::Result<(), String> {
    let out = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{e} (is {package} installed?)"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_owned())
    }
}
