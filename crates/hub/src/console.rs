//! The GP console's static files (`console.html` at `/`, `/assets/…`), or a French page
//! saying it was not built.

use std::path::{Path, PathBuf};

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::state::AppState;

/// Name of the console's page in the built folder.
pub const CONSOLE_PAGE: &str = "console.html";

/// Where the built console is, if it was found.
#[derive(Debug, Clone, Default)]
pub struct ConsoleFiles {
    /// Folder holding `console.html` and `assets/`.
    pub dir: Option<PathBuf>,
}

impl ConsoleFiles {
    /// The configured folder, else the first `ui/dist` holding `console.html` found from the
    /// current folder upwards, else the workspace's `ui/dist`.
    pub fn locate(configured: Option<&Path>) -> ConsoleFiles {
        let has_page = |d: &Path| d.join(CONSOLE_PAGE).is_file();
        if let Some(dir) = configured {
            return ConsoleFiles {
                dir: has_page(dir).then(|| dir.to_path_buf()),
            };
        }
        let mut candidates: Vec<PathBuf> = Vec::new();
        if let Ok(cwd) = std::env::current_dir() {
            candidates.extend(cwd.ancestors().map(|a| a.join("ui").join("dist")));
        }
        candidates.push(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("..")
                .join("..")
                .join("ui")
                .join("dist"),
        );
        ConsoleFiles {
            dir: candidates.into_iter().find(|d| has_page(d)),
        }
    }
}

const NOT_BUILT: &str = r#"<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Relais — console non construite</title></head>
<body>
<h1>La console médecin n'a pas été construite</h1>
<p>Le hub Relais fonctionne, mais les fichiers de la console (<code>console.html</code>) sont
introuvables. Construisez l'interface (<code>npm run build</code> dans <code>ui/</code>) ou
indiquez leur dossier avec <code>console_dir</code> dans <code>hub.toml</code>, puis redémarrez le hub.</p>
</body></html>
"#;

/// `GET /`: the console page.
pub async fn index(State(state): State<AppState>) -> Response {
    let Some(dir) = state.console.dir.clone() else {
        return (StatusCode::SERVICE_UNAVAILABLE, Html(NOT_BUILT)).into_response();
    };
    match tokio::fs::read_to_string(dir.join(CONSOLE_PAGE)).await {
        Ok(page) => Html(page).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "console page unreadable");
            (StatusCode::SERVICE_UNAVAILABLE, Html(NOT_BUILT)).into_response()
        }
    }
}
