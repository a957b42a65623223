//! The `#[tauri::command]`s: each forwards to one [`Station`] method on a blocking
//! thread (Argon2id and SQLCipher must not freeze the window) and returns
//! `{ code, message }` errors. No logic lives here.
use std::sync::Arc;

use relais_app::call::{CallStatus, MediaDevices};
use relais_app::dto::{
    AuditTrail, Consultation, EnrolInput, HubStatus, IntakeInput, PatientRecord, PatientSummary,
    SetupInput, SignInInput, Status, TodayItem,
};
use relais_app::{ApiError, Calls, Station};
use relais_core::error::FieldError;
use relais_core::identity::Patient;
use serde::Deserialize;
use serde_json::Value;
use tauri::ipc::JavaScriptChannelId;
use tauri::State;

use crate::call::WebviewObserver;

type Shared<'a> = State<'a, Arc<Station>>;
type Reply<T> = Result<T, ApiError>;

/// Runs `f` on the blocking pool.
async fn run<T: Send + 'static>(
    station: Shared<'_>,
    f: impl FnOnce(&Station) -> Reply<T> + Send + 'static,
) -> Reply<T> {
    let station = Arc::clone(&station);
    tauri::async_runtime::spawn_blocking(move || f(&station))
        .await
        .unwrap_or_else(|_| {
            Err(ApiError::new(
                "INTERNAL",
                "Erreur interne du poste. Réessayez ; si elle persiste, redémarrez Relais.",
            ))
        })
}

/// `{ id }`.
#[derive(Deserialize)]
pub struct IdArgs {
    id: String,
}

/// `{ consultationId }`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsultationArgs {
    consultation_id: String,
}

/// `{ patient }` and `{ id, patient }`.
#[derive(Deserialize)]
pub struct PatientArgs {
    #[serde(default)]
    id: Option<String>,
    patient: Patient,
}

/// `{ query }`.
#[derive(Deserialize)]
pub struct QueryArgs {
    query: String,
}

/// `{ passphrase }`.
#[derive(Deserialize)]
pub struct PassphraseArgs {
    passphrase: String,
}

/// `{ limit }`.
#[derive(Deserialize)]
pub struct LimitArgs {
    limit: u32,
}

/// `{ kind, data? }`.
#[derive(Deserialize)]
pub struct DraftArgs {
    kind: String,
    #[serde(default)]
    data: Value,
}

#[tauri::command]
async fn app_status(s: Shared<'_>) -> Reply<Status> {
    run(s, |s| s.status()).await
}

#[tauri::command]
async fn unlock_storage(s: Shared<'_>, args: PassphraseArgs) -> Reply<Status> {
    run(s, move |s| s.unlock_storage(&args.passphrase)).await
}

#[tauri::command]
async fn setup_site(s: Shared<'_>, args: SetupInput) -> Reply<Status> {
    run(s, move |s| s.setup_site(args)).await
}

#[tauri::command]
async fn sign_in(s: Shared<'_>, args: SignInInput) -> Reply<Status> {
    run(s, move |s| s.sign_in(args)).await
}

#[tauri::command]
async fn sign_out(s: Shared<'_>) -> Reply<Status> {
    run(s, |s| s.sign_out()).await
}

#[tauri::command]
async fn lock(s: Shared<'_>) -> Reply<Status> {
    run(s, |s| s.lock()).await
}

#[tauri::command]
async fn touch(s: Shared<'_>) -> Reply<Status> {
    run(s, |s| s.touch()).await
}

#[tauri::command]
async fn validate_patient(s: Shared<'_>, args: PatientArgs) -> Reply<Vec<FieldError>> {
    run(s, move |s| s.validate_patient(&args.patient)).await
}

#[tauri::command]
async fn create_patient(s: Shared<'_>, args: PatientArgs) -> Reply<PatientRecord> {
    run(s, move |s| s.create_patient(&args.patient)).await
}

#[tauri::command]
async fn update_patient(s: Shared<'_>, args: PatientArgs) -> Reply<PatientRecord> {
    run(s, move |s| {
        s.update_patient(args.id.as_deref().unwrap_or_default(), &args.patient)
    })
    .await
}

#[tauri::command]
async fn get_patient(s: Shared<'_>, args: IdArgs) -> Reply<PatientRecord> {
    run(s, move |s| s.get_patient(&args.id)).await
}

#[tauri::command]
async fn search_patients(s: Shared<'_>, args: QueryArgs) -> Reply<Vec<PatientSummary>> {
    run(s, move |s| s.search_patients(&args.query)).await
}

#[tauri::command]
async fn submit_intake(s: Shared<'_>, args: IntakeInput) -> Reply<Consultation> {
    run(s, move |s| s.submit_intake(&args)).await
}

#[tauri::command]
async fn acknowledge_redirection(s: Shared<'_>, args: ConsultationArgs) -> Reply<Consultation> {
    run(s, move |s| s.acknowledge_redirection(&args.consultation_id)).await
}

#[tauri::command]
async fn request_consultation(s: Shared<'_>, args: ConsultationArgs) -> Reply<Consultation> {
    run(s, move |s| s.request_consultation(&args.consultation_id)).await
}

#[tauri::command]
async fn cancel_consultation(
    s: Shared<'_>,
    calls: CallsState<'_>,
    args: ConsultationArgs,
) -> Reply<Consultation> {
    calls.cancel(&args.consultation_id).await?;
    run(s, move |s| s.cancel_consultation(&args.consultation_id)).await
}

#[tauri::command]
async fn today(s: Shared<'_>) -> Reply<Vec<TodayItem>> {
    run(s, |s| s.today()).await
}

#[tauri::command]
async fn audit_trail(s: Shared<'_>, args: LimitArgs) -> Reply<AuditTrail> {
    run(s, move |s| s.audit_trail(args.limit)).await
}

#[tauri::command]
async fn save_draft(s: Shared<'_>, args: DraftArgs) -> Reply<()> {
    run(s, move |s| s.save_draft(&args.kind, &args.data)).await
}

#[tauri::command]
async fn load_draft(s: Shared<'_>, args: DraftArgs) -> Reply<Option<Value>> {
    run(s, move |s| s.load_draft(&args.kind)).await
}

#[tauri::command]
async fn clear_draft(s: Shared<'_>, args: DraftArgs) -> Reply<()> {
    run(s, move |s| s.clear_draft(&args.kind)).await
}

#[tauri::command]
async fn hub_status(s: Shared<'_>) -> Reply<HubStatus> {
    run(s, |s| s.hub_status()).await
}

#[tauri::command]
async fn enrol_station(s: Shared<'_>, args: EnrolInput) -> Reply<HubStatus> {
    s.enrol(args).await
}

type CallsState<'a> = State<'a, Arc<Calls>>;

/// `{ muted }`.
#[derive(Deserialize)]
pub struct MutedArgs {
    muted: bool,
}

/// `{ on }`.
#[derive(Deserialize)]
pub struct OnArgs {
    on: bool,
}

/// `{ text }`.
#[derive(Deserialize)]
pub struct TextArgs {
    text: String,
}

/// `{ onFrame }`: the channel of the GP's video.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VideoArgs {
    on_frame: JavaScriptChannelId,
}

#[tauri::command]
async fn start_call(calls: CallsState<'_>, args: ConsultationArgs) -> Reply<CallStatus> {
    calls.start(&args.consultation_id).await
}

#[tauri::command]
async fn call_status(calls: CallsState<'_>) -> Reply<Option<CallStatus>> {
    Ok(calls.status())
}

#[tauri::command]
async fn call_set_muted(calls: CallsState<'_>, args: MutedArgs) -> Reply<CallStatus> {
    calls.set_muted(args.muted).await
}

#[tauri::command]
async fn call_set_camera(calls: CallsState<'_>, args: OnArgs) -> Reply<CallStatus> {
    calls.set_camera(args.on).await
}

#[tauri::command]
async fn call_send_chat(calls: CallsState<'_>, args: TextArgs) -> Reply<CallStatus> {
    calls.send_chat(&args.text).await
}

#[tauri::command]
async fn call_hang_up(calls: CallsState<'_>) -> Reply<CallStatus> {
    calls.hang_up().await
}

#[tauri::command]
async fn media_devices() -> Reply<MediaDevices> {
    tauri::async_runtime::spawn_blocking(relais_app::call::media_devices)
        .await
        .map_err(|_| ApiError::new("INTERNAL", "Liste des appareils indisponible."))
}

#[tauri::command]
async fn call_video(
    webview: tauri::Webview,
    observer: State<'_, Arc<WebviewObserver>>,
    args: VideoArgs,
) -> Reply<()> {
    observer.set_video_channel(args.on_frame.channel_on(webview));
    Ok(())
}

/// The first screen is on display (measured by the start-up benchmark).
#[tauri::command]
fn ui_ready() {
    relais_app::ready::mark();
}

/// Every command of the station, for `Builder::invoke_handler`.
pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        crate::readings::readings_record,
        crate::readings::readings_list,
        crate::readings::readings_trend,
        crate::readings::readings_open,
        crate::readings::readings_close,
        crate::readings::readings_devices,
        crate::readings::readings_pair,
        crate::readings::readings_forget,
        app_status,
        unlock_storage,
        setup_site,
        sign_in,
        sign_out,
        lock,
        touch,
        validate_patient,
        create_patient,
        update_patient,
        get_patient,
        search_patients,
        submit_intake,
        acknowledge_redirection,
        request_consultation,
        cancel_consultation,
        today,
        audit_trail,
        save_draft,
        load_draft,
        clear_draft,
        hub_status,
        enrol_station,
        start_call,
        call_status,
        call_set_muted,
        call_set_camera,
        call_send_chat,
        call_hang_up,
        media_devices,
        call_video,
        crate::devices::devices_list,
        crate::devices::call_select_devices,
        crate::devices::camera_set_role,
        crate::devices::call_switch_camera,
        crate::devices::call_take_still,
        crate::stethoscope::stethoscope_inputs_list,
        crate::stethoscope::call_stethoscope_start,
        crate::stethoscope::call_stethoscope_stop,
        crate::stethoscope::call_stethoscope_status,
        crate::stethoscope::stethoscope_clips,
        crate::stethoscope::stethoscope_clip,
        crate::devices::device_check_start,
        crate::devices::device_check_status,
        crate::devices::device_check_stop,
        crate::devices::device_check_speaker,
        ui_ready,
        crate::documents::consultation_documents,
        crate::documents::fetch_documents,
        crate::documents::get_document,
        crate::documents::list_printers,
        crate::documents::set_default_printer,
        crate::documents::print_document,
        crate::documents::print_status,
        crate::documents::retry_print,
        crate::documents::cancel_print,
        crate::documents::pending_prints,
        crate::export::export_consultation_fhir,
    ]
}
