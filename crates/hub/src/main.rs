//! `relais-hub [--config PATH] [--data-dir DIR] [--listen ADDR] [--demo]`

use std::path::PathBuf;
use std::process::ExitCode;

use relais_hub::{start, Config, HubError};

const USAGE: &str =
    "usage : relais-hub [--config FICHIER] [--data-dir DOSSIER] [--listen ADRESSE:PORT] [--demo]";

struct Args {
    config: Option<PathBuf>,
    data_dir: Option<PathBuf>,
    listen: Option<String>,
    demo: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        config: None,
        data_dir: None,
        listen: None,
        demo: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} attend une valeur"));
        match a.as_str() {
            "--config" => args.config = Some(PathBuf::from(value("--config")?)),
            "--data-dir" => args.data_dir = Some(PathBuf::from(value("--data-dir")?)),
            "--listen" => args.listen = Some(value("--listen")?),
            "--demo" => args.demo = true,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("option inconnue : {other}")),
        }
    }
    Ok(args)
}

async fn run(args: Args) -> Result<(), HubError> {
    let mut config = match &args.config {
        Some(p) => Config::load(p)?,
        None => Config::default(),
    };
    if let Some(d) = args.data_dir {
        config.data_dir = d;
    }
    if let Some(l) = args.listen {
        config.listen = l
            .parse()
            .map_err(|_| HubError::Config(format!("adresse d'écoute invalide : {l}")))?;
    }
    let data_dir = config.data_dir.clone();
    let hub = start(config).await?;
    println!("Hub Relais : {}", hub.url());
    println!("Empreinte du certificat (SHA-256) : {}", hub.fingerprint());
    if args.demo {
        let info = relais_hub::demo::set_up(&hub, &data_dir).await?;
        println!("Démonstration ({}):", data_dir.join("demo.json").display());
        println!(
            "  coordinateur : {} / {} — secret TOTP {}",
            info.coordinator.email, info.coordinator.password, info.coordinator.totp_secret
        );
        println!(
            "  médecin      : {} / {} — secret TOTP {}",
            info.gp.email, info.gp.password, info.gp.totp_secret
        );
        println!("  code d'enrôlement : {}", info.enrolment_code);
        tokio::spawn(print_demo_codes(info.gp.totp_secret.clone()));
    }
    let handle = hub.handle();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            handle.graceful_shutdown(Some(std::time::Duration::from_secs(5)));
        }
    });
    hub.wait().await
}

/// Demonstration only: prints the demo GP's current TOTP code at each new 30 s step, so
/// the console can be tried without an authenticator app.
async fn print_demo_codes(secret: String) {
    let mut last = String::new();
    loop {
        if let Ok(code) = relais_hub::totp::code_now(&secret) {
            if code != last {
                println!("  code TOTP actuel du médecin de démonstration : {code}");
                last = code;
            }
        }
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    }
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("{e}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("démarrage impossible : {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("erreur : {e}");
            ExitCode::FAILURE
        }
    }
}
