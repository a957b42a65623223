//! Tauri build script: generates the app context from tauri.conf.json.
fn main() {
    tauri_build::build()
}
