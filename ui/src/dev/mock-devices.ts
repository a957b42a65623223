/**
 * Dev mock of the device commands (device choice, camera roles, device check, camera
 * switching, stills), for looking at the screens in the browser (`?mock&screen=devices`).
 * `devices=missing` makes the saved camera disappear (fallback notice).
 */
import type { Channel } from "@tauri-apps/api/core";
import type { CameraRole, CameraStatus, CheckStatus, DeviceChoice, DevicesView } from "../station/devices-api";

type Args = Record<string, unknown>;

export function mockDevices(params: URLSearchParams): { handle(cmd: string, a: Args): { value: unknown } | null; camera(): CameraStatus } {
  const cameras = [
    { id: "0", label: "Caméra USB HD (046d:0825)", role: "room" as CameraRole | null },
    { id: "1", label: "Otoscope USB Firefly DE500", role: "otoscope" as CameraRole | null },
    { id: "2", label: "Mini-caméra dermatologique", role: "dermatoscope" as CameraRole | null },
  ];
  let saved: DeviceChoice = { cameraId: params.get("devices") === "missing" ? "7" : "1", microphoneId: null, speakerId: null };
  let frames = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  const view = (): DevicesView => {
    const missing = saved.cameraId !== null && !cameras.some((c) => c.id === saved.cameraId);
    return {
      cameras: cameras.map((c) => ({ ...c })),
      microphones: [
        { id: "mic1", label: "Micro du casque" },
        { id: "mic2", label: "Micro de la caméra" },
      ],
      speakers: [{ id: "spk1", label: "Haut-parleurs intégrés" }],
      saved: { ...saved },
      effective: { ...saved, cameraId: missing ? "0" : saved.cameraId },
      notices: missing
        ? [{ code: "DEVICE_CAMERA_FALLBACK", message: "La caméra choisie n’est pas branchée : la caméra « Caméra USB HD (046d:0825) » est utilisée à la place." }]
        : [],
    };
  };
  const check = (): CheckStatus => ({
    running: timer !== undefined,
    camera: cameras.find((c) => c.id === view().effective.cameraId)?.label ?? null,
    cameraError: null,
    frames,
    microphone: "Micro par défaut du système",
    microphoneError: null,
    level: 0.05 + 0.1 * Math.abs(Math.sin(Date.now() / 300)),
    speakerTesting: false,
    speakerError: null,
    notices: view().notices,
  });
  const preview = (channel: Channel<ArrayBuffer>) => {
    const cv = document.createElement("canvas");
    cv.width = 640;
    cv.height = 480;
    const g = cv.getContext("2d");
    clearInterval(timer);
    timer = setInterval(() => {
      if (!g) return;
      const red = view().effective.cameraId === "1";
      g.fillStyle = red ? "#7f1d1d" : "#334155";
      g.fillRect(0, 0, 640, 480);
      g.fillStyle = red ? "#fca5a5" : "#cbd5e1";
      g.beginPath();
      g.arc(320 + 40 * Math.sin(frames / 10), 240, red ? 150 : 90, 0, Math.PI * 2);
      g.fill();
      frames += 1;
      cv.toBlob((b) => void b?.arrayBuffer().then((buf) => channel.onmessage?.(buf)), "image/jpeg", 0.7);
    }, 100);
  };
  const camera: CameraStatus = {
    id: "1",
    label: cameras[1].label,
    role: "otoscope",
    available: params.get("camera") !== "unplugged",
    message:
      params.get("camera") === "unplugged"
        ? "La caméra « Otoscope USB Firefly DE500 » ne répond pas : elle est peut-être utilisée par un autre programme ou débranchée. Fermez l’autre programme ou rebranchez-la ; l’appel continue avec le son."
        : null,
    notices: [],
    stills: [
      { id: "s1", role: "otoscope", label: cameras[1].label, width: 1920, height: 1080, size: 412_000, takenAt: new Date().toISOString(), requestedBy: "gp", sent: true },
    ],
  };
  const handle = (cmd: string, a: Args): { value: unknown } | null => {
    switch (cmd) {
      case "call_switch_camera": {
        const c = cameras.find((x) => x.role === a.role) ?? cameras[0];
        Object.assign(camera, { id: c.id, label: c.label, role: c.role, available: true, message: null });
        return { value: camera };
      }
      case "call_take_still": {
        const still = { id: `s${camera.stills.length + 1}`, role: camera.role, label: camera.label ?? "", width: 1920, height: 1080, size: 405_000, takenAt: new Date().toISOString(), requestedBy: "station" as const, sent: true };
        camera.stills.push(still);
        return { value: still };
      }
      case "devices_list":
        return { value: view() };
      case "call_select_devices":
        saved = { cameraId: (a.cameraId as string) ?? null, microphoneId: (a.microphoneId as string) ?? null, speakerId: (a.speakerId as string) ?? null };
        return { value: view() };
      case "camera_set_role": {
        const role = (a.role as CameraRole | null) ?? null;
        for (const c of cameras) {
          if (c.id === a.cameraId) c.role = role;
          else if (role && c.role === role) c.role = null;
        }
        return { value: view() };
      }
      case "device_check_start":
        preview(a.onFrame as Channel<ArrayBuffer>);
        return { value: check() };
      case "device_check_status":
        return { value: check() };
      case "device_check_stop":
        clearInterval(timer);
        timer = undefined;
        return { value: null };
      case "device_check_speaker":
        return { value: { ...check(), speakerTesting: true } };
      default:
        return null;
    }
  };
  return { handle, camera: () => structuredClone(camera) };
}
