//! The stethoscope's commands: each forwards to one `Calls` method (see docs/COMMANDS.md).
use std::sync::Arc;

use relais_app::call::{stethoscope_inputs, MediaDevice, StethoscopeStatus, StoredClip};
use relais_app::{ApiError, Calls};
use serde::Deserialize;
use tauri::State;

type CallsState<'a> = State<'a, Arc<Calls>>;
type Reply<T> = Result<T, ApiError>;

fn internal() -> ApiError {
    ApiError::new(
        "INTERNAL",
        "Erreur interne du poste. Réessayez ; si elle persiste, redémarrez Relais.",
    )
}

/// `{ device }`: the input's id (or a part of its name).
#[derive(Deserialize)]
pub struct DeviceArgs {
    device: String,
}

/// `{ attachmentId }`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClipArgs {
    attachment_id: String,
}

/// `{ consultationId }`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsultationArgs {
    consultation_id: String,
}

/// The audio inputs the nurse can choose as the stethoscope.
#[tauri::command]
pub async fn stethoscope_inputs_list() -> Reply<Vec<MediaDevice>> {
    tauri::async_runtime::spawn_blocking(stethoscope_inputs)
        .await
        .map_err(|_| internal())
}

/// Opens the input and sends it to the GP on the stethoscope's track.
#[tauri::command]
pub async fn call_stethoscope_start(
    calls: CallsState<'_>,
    args: DeviceArgs,
) -> Reply<StethoscopeStatus> {
    calls.stethoscope_start(&args.device).await
}

/// Stops sending the stethoscope and closes its input.
#[tauri::command]
pub async fn call_stethoscope_stop(calls: CallsState<'_>) -> Reply<StethoscopeStatus> {
    calls.stethoscope_stop().await
}

/// The stethoscope as the call screen shows it.
#[tauri::command]
pub async fn call_stethoscope_status(calls: CallsState<'_>) -> Reply<StethoscopeStatus> {
    Ok(calls.stethoscope_status())
}

/// The stethoscope clips kept in a consultation's record.
#[tauri::command]
pub async fn stethoscope_clips(
    calls: CallsState<'_>,
    args: ConsultationArgs,
) -> Reply<Vec<StoredClip>> {
    calls.stethoscope_clips(&args.consultation_id)
}

/// The WAV bytes of a clip (an audited read), as an ArrayBuffer.
#[tauri::command]
pub async fn stethoscope_clip(
    calls: CallsState<'_>,
    args: ClipArgs,
) -> Reply<tauri::ipc::Response> {
    let calls = Arc::clone(&calls);
    let bytes =
        tauri::async_runtime::spawn_blocking(move || calls.stethoscope_clip(&args.attachment_id))
            .await
            .map_err(|_| internal())??;
    Ok(tauri::ipc::Response::new(bytes))
}
