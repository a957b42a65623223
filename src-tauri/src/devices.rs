//! The commands of device choice, camera roles, camera switching, stills and the device
//! check: each forwards to one `Calls` method (see docs/COMMANDS.md).
use std::sync::Arc;

use relais_app::call::devices::CameraRole;
use relais_app::call::{CameraStatus, CheckStatus, DeviceChoice, DevicesView, StillInfo};
use relais_app::{ApiError, Calls};
use serde::Deserialize;
use tauri::ipc::{InvokeResponseBody, JavaScriptChannelId};
use tauri::State;

type CallsState<'a> = State<'a, Arc<Calls>>;
type Reply<T> = Result<T, ApiError>;

fn internal() -> ApiError {
    ApiError::new(
        "INTERNAL",
        "Erreur interne du poste. Réessayez ; si elle persiste, redémarrez Relais.",
    )
}

/// Runs `f` on the blocking pool (device lists and openings may take a moment).
async fn blocking<T: Send + 'static>(
    calls: &Arc<Calls>,
    f: impl FnOnce(&Arc<Calls>) -> Reply<T> + Send + 'static,
) -> Reply<T> {
    let calls = Arc::clone(calls);
    tauri::async_runtime::spawn_blocking(move || f(&calls))
        .await
        .unwrap_or_else(|_| Err(internal()))
}

/// `{ cameraId, role }`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleArgs {
    camera_id: String,
    role: Option<CameraRole>,
}

/// `{ role }`.
#[derive(Deserialize)]
pub struct SwitchArgs {
    role: CameraRole,
}

/// `{ onFrame }`: the channel of the preview.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PreviewArgs {
    on_frame: JavaScriptChannelId,
}

/// The devices, their roles, the saved choice and what will be used.
#[tauri::command]
pub async fn devices_list(calls: CallsState<'_>) -> Reply<DevicesView> {
    blocking(&calls, |c| c.devices()).await
}

/// Saves the devices to use (before or during a call).
#[tauri::command]
pub async fn call_select_devices(calls: CallsState<'_>, args: DeviceChoice) -> Reply<DevicesView> {
    calls.select_devices(args).await
}

/// Gives a role to a camera (or removes it).
#[tauri::command]
pub async fn camera_set_role(calls: CallsState<'_>, args: RoleArgs) -> Reply<DevicesView> {
    blocking(&calls, move |c| {
        c.set_camera_role(&args.camera_id, args.role)
    })
    .await
}

/// Sends the camera of a role during the call.
#[tauri::command]
pub async fn call_switch_camera(calls: CallsState<'_>, args: SwitchArgs) -> Reply<CameraStatus> {
    calls.switch_camera(args.role, "station").await
}

/// Takes a still, stores it and sends it to the GP.
#[tauri::command]
pub async fn call_take_still(calls: CallsState<'_>) -> Reply<StillInfo> {
    calls.take_still("station").await
}

/// Starts the device check; preview images arrive on the channel.
#[tauri::command]
pub async fn device_check_start(
    webview: tauri::Webview,
    calls: CallsState<'_>,
    args: PreviewArgs,
) -> Reply<CheckStatus> {
    let channel = args.on_frame.channel_on(webview);
    blocking(&calls, move |c| {
        c.start_device_check(Arc::new(move |jpeg| {
            let _ = channel.send(InvokeResponseBody::Raw(jpeg));
        }))
    })
    .await
}

/// The device check as it is now (level meter, preview count, errors).
#[tauri::command]
pub async fn device_check_status(calls: CallsState<'_>) -> Reply<CheckStatus> {
    Ok(calls.device_check())
}

/// Stops the device check.
#[tauri::command]
pub async fn device_check_stop(calls: CallsState<'_>) -> Reply<()> {
    calls.stop_device_check();
    Ok(())
}

/// Plays the test tone on the chosen speaker.
#[tauri::command]
pub async fn device_check_speaker(calls: CallsState<'_>) -> Reply<CheckStatus> {
    blocking(&calls, |c| c.test_speaker()).await
}
