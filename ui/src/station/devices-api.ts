/**
 * Commands of device choice, camera roles, camera switching, stills and the device check
 * (docs/COMMANDS.md, "Devices and cameras"), on the same `call` as every command.
 */
import { Channel } from "@tauri-apps/api/core";
import { call, type CallStatus, type MediaDevice } from "../lib/api";

export type CameraRole = "room" | "otoscope" | "dermatoscope";
export type DeviceChoice = { cameraId: string | null; microphoneId: string | null; speakerId: string | null };
export type DeviceNotice = { code: string; message: string };
export type CameraView = { id: string; label: string; role: CameraRole | null };
export type DevicesView = {
  cameras: CameraView[];
  microphones: MediaDevice[];
  speakers: MediaDevice[];
  saved: DeviceChoice;
  effective: DeviceChoice;
  notices: DeviceNotice[];
};
export type StillInfo = {
  id: string;
  role: CameraRole | null;
  label: string;
  width: number;
  height: number;
  size: number;
  takenAt: string;
  requestedBy: "station" | "gp";
  sent: boolean;
};
export type CameraStatus = {
  id: string | null;
  label: string | null;
  role: CameraRole | null;
  available: boolean;
  message: string | null;
  notices: DeviceNotice[];
  stills: StillInfo[];
};
/** `CallStatus` with its camera part. */
export type CallStatusWithCamera = CallStatus & { camera?: CameraStatus };
export type CheckStatus = {
  running: boolean;
  camera: string | null;
  cameraError: string | null;
  frames: number;
  microphone: string | null;
  microphoneError: string | null;
  level: number;
  speakerTesting: boolean;
  speakerError: string | null;
  notices: DeviceNotice[];
};

function toArrayBuffer(m: unknown): ArrayBuffer | null {
  if (m instanceof ArrayBuffer) return m;
  if (ArrayBuffer.isView(m)) return m.buffer.slice(m.byteOffset, m.byteOffset + m.byteLength) as ArrayBuffer;
  if (Array.isArray(m)) return new Uint8Array(m as number[]).buffer;
  return null;
}

export const devicesApi = {
  devicesList: () => call<DevicesView>("devices_list"),
  callSelectDevices: (choice: DeviceChoice) => call<DevicesView>("call_select_devices", choice),
  cameraSetRole: (cameraId: string, role: CameraRole | null) => call<DevicesView>("camera_set_role", { cameraId, role }),
  callSwitchCamera: (role: CameraRole) => call<CameraStatus>("call_switch_camera", { role }),
  callTakeStill: () => call<StillInfo>("call_take_still"),
  /** Starts the device check; `onFrame` gets the preview's JPEG images. */
  deviceCheckStart: async (onFrame: (jpeg: ArrayBuffer) => void): Promise<CheckStatus> => {
    const channel = new Channel<ArrayBuffer>();
    channel.onmessage = (m) => {
      const buf = toArrayBuffer(m);
      if (buf) onFrame(buf);
    };
    return call<CheckStatus>("device_check_start", { onFrame: channel });
  },
  deviceCheckStatus: () => call<CheckStatus>("device_check_status"),
  deviceCheckStop: () => call<null>("device_check_stop"),
  deviceCheckSpeaker: () => call<CheckStatus>("device_check_speaker"),
};
