/**
 * Dev-only fakes for looking at the console without a hub (`npm run dev`, then
 * `console.html?mock&screen=signin|waiting|empty|call|reconnecting|ended|sick-note`).
 * Never bundled in a production build (see main.ts).
 */
import type { CallDeps, ChannelLike, PeerLike, SocketLike } from "../call";
import type { ConsoleApp, ConsoleOptions } from "../app";
import { Hub } from "../hub";
import type { Account, RoomTicket, WaitingConsultation } from "../protocol";

const account: Account = { id: "gp1", email: "claire.martin@example.fr", name: "Dr Claire Martin", rpps: "10101010101", role: "gp" };

function minutesAgo(n: number): string {
  return new Date(Date.now() - n * 60_000).toISOString();
}

function waitingList(): WaitingConsultation[] {
  return [
    {
      id: "c-101",
      stationName: "Pharmacie du Marché — Chartres",
      requestedAt: minutesAgo(14),
      patient: { familyName: "Durand", givenNames: "Paul", sex: "M", birthDate: "1944-03-02" },
      ageYears: 82,
      complaint: "Toux grasse et fièvre depuis trois jours, essoufflement à l’effort",
      assessment: { outcome: "accepted", reasons: [], redirect: [], priority: ["NO_TREATING_DOCTOR", "AGE_70_PLUS"] },
      status: "waiting",
    },
    {
      id: "c-102",
      stationName: "EHPAD Les Tilleuls — Lucé",
      requestedAt: minutesAgo(6),
      patient: { familyName: "Lefèvre", givenNames: "Jeanne Marie", sex: "F", birthDate: "1960-07-19" },
      ageYears: 65,
      complaint: "Contrôle de tension, vertiges le matin",
      assessment: { outcome: "accepted", reasons: [], redirect: [], priority: ["CHRONIC_DISEASE"] },
      status: "waiting",
    },
    {
      id: "c-103",
      stationName: "Pharmacie du Centre — Champhol",
      requestedAt: minutesAgo(22),
      patient: { familyName: "Nguyen", givenNames: "Linh", sex: "F", birthDate: "1991-11-05" },
      ageYears: 34,
      complaint: "Éruption cutanée sur les avant-bras depuis hier",
      assessment: { outcome: "accepted", reasons: [], redirect: [], priority: [] },
      status: "waiting",
    },
  ];
}

const ticket: RoomTicket = { consultationId: "c-101", roomId: "r-1", joinToken: "join-1", iceServers: [], relayOnly: false };

function json(status: number, body: unknown): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

function mockHub(signedIn: boolean, empty: boolean): Hub {
  let session = signedIn;
  return new Hub("", async (path, init) => {
    await new Promise((r) => setTimeout(r, 120));
    const method = init?.method ?? "GET";
    if (path === "/api/me") return session ? json(200, account) : json(401, { code: "NOT_SIGNED_IN", message: "Non connecté." });
    if (path === "/api/login" && method === "POST") {
      const body = JSON.parse(String(init?.body)) as { totp: string; password: string };
      if (body.password !== "secret") return json(401, { code: "BAD_CREDENTIALS", message: "Identifiants incorrects." });
      if (body.totp !== "123456") return json(401, { code: "BAD_TOTP", message: "Code incorrect." });
      session = true;
      return json(200, account);
    }
    if (path === "/api/logout") {
      session = false;
      return new Response(null, { status: 204 });
    }
    if (path === "/api/consultations/waiting") return json(200, empty ? [] : waitingList());
    if (path.endsWith("/accept")) return json(200, ticket);
    return json(404, { code: "NOT_FOUND", message: "Introuvable." });
  });
}

/** A moving picture standing for the station's camera. */
function stationStream(): MediaStream {
  const canvas = document.createElement("canvas");
  canvas.width = 1280;
  canvas.height = 720;
  const g = canvas.getContext("2d")!;
  const draw = () => {
    const grad = g.createLinearGradient(0, 0, 0, 720);
    grad.addColorStop(0, "#cbd5e1");
    grad.addColorStop(1, "#94a3b8");
    g.fillStyle = grad;
    g.fillRect(0, 0, 1280, 720);
    g.fillStyle = "#e2e8f0";
    g.fillRect(0, 470, 1280, 250);
    g.fillStyle = "#475569";
    g.beginPath();
    g.arc(640, 300, 110, 0, Math.PI * 2);
    g.fill();
    g.beginPath();
    g.ellipse(640, 640, 260, 220, 0, Math.PI, 0);
    g.fill();
  };
  draw();
  setInterval(draw, 500);
  return canvas.captureStream(5);
}

/** A still picture standing for the GP's own camera. */
function selfStream(): MediaStream {
  const canvas = document.createElement("canvas");
  canvas.width = 640;
  canvas.height = 360;
  const g = canvas.getContext("2d")!;
  const draw = () => {
    g.fillStyle = "#dbeafe";
    g.fillRect(0, 0, 640, 360);
    g.fillStyle = "#1e3a8a";
    g.beginPath();
    g.arc(320, 150, 70, 0, Math.PI * 2);
    g.fill();
    g.beginPath();
    g.ellipse(320, 380, 170, 150, 0, Math.PI, 0);
    g.fill();
  };
  draw();
  setInterval(draw, 500);
  return canvas.captureStream(5);
}

class FakeChannel implements ChannelLike {
  label = "relais";
  readyState = "open";
  onmessage: ChannelLike["onmessage"] = null;
  onopen: ChannelLike["onopen"] = null;
  onclose: ChannelLike["onclose"] = null;
  send() {}
  close() {}
}

function mockCallDeps(scene: string): Partial<CallDeps> {
  const at = (m: number) => minutesAgo(m);
  const dataMessages = [
    { type: "reading", reading: { kind: "temperature", celsius: 38.4 }, takenAt: at(9), source: "manual" },
    { type: "reading", reading: { kind: "bloodPressure", systolic: 142, diastolic: 86 }, takenAt: at(7), source: "A&D UA-651BLE" },
    { type: "reading", reading: { kind: "spO2", percent: 94 }, takenAt: at(5), source: "Nonin 3230" },
    { type: "reading", reading: { kind: "pulse", bpm: 96 }, takenAt: at(5), source: "Nonin 3230" },
    { type: "chat", from: "station", text: "Bonjour docteur, le patient est installé, je prends ses constantes.", at: at(4) },
  ];
  return {
    createSocket: () => {
      const ws: SocketLike = {
        readyState: 1,
        send() {},
        close() {},
        onopen: null,
        onmessage: null,
        onclose: null,
        onerror: null,
      };
      const emit = (m: object) => ws.onmessage?.({ data: JSON.stringify({ v: 1, ...m }) });
      setTimeout(() => {
        emit({ type: "welcome", side: "gp", roomId: "r-1", peerPresent: true, rejoinToken: "rejoin-1", iceServers: [], relayOnly: false });
        emit({ type: "offer", sdp: "v=0" });
        if (scene === "reconnecting") setTimeout(() => emit({ type: "peerLeft" }), 600);
      }, 50);
      return ws;
    },
    createPeer: () => {
      const pc = {
        remoteDescription: null as RTCSessionDescriptionInit | null,
        localDescription: null as RTCSessionDescriptionInit | null,
        iceConnectionState: "new" as RTCIceConnectionState,
        onicecandidate: null,
        ontrack: null as ((ev: unknown) => void) | null,
        ondatachannel: null as ((ev: unknown) => void) | null,
        oniceconnectionstatechange: null as (() => void) | null,
        async setRemoteDescription(d: RTCSessionDescriptionInit) {
          pc.remoteDescription = d;
          setTimeout(() => {
            pc.ontrack?.({ streams: [stationStream()], track: null });
            pc.iceConnectionState = "connected";
            pc.oniceconnectionstatechange?.();
            const ch = new FakeChannel();
            pc.ondatachannel?.({ channel: ch });
            dataMessages.forEach((m, i) => setTimeout(() => ch.onmessage?.({ data: JSON.stringify(m) }), 50 * i));
          }, 100);
        },
        async createAnswer() {
          return { type: "answer", sdp: "v=0" };
        },
        async setLocalDescription(d: RTCSessionDescriptionInit) {
          pc.localDescription = d;
        },
        async addIceCandidate() {},
        addTrack() {},
        close() {},
        async getStats() {
          return new Map<string, object>([
            ["t", { id: "t", type: "transport", selectedCandidatePairId: "p" }],
            ["p", { id: "p", type: "candidate-pair", state: "succeeded", nominated: true, currentRoundTripTime: 0.048 }],
            ["a", { id: "a", type: "inbound-rtp", kind: "audio", packetsReceived: 4000, packetsLost: 4, jitter: 0.006 }],
          ]);
        },
      };
      return pc as unknown as PeerLike;
    },
    getUserMedia: async (c) => {
      // Headless browsers under virtual time may never answer: fall back to a picture.
      const fallback = new Promise<MediaStream>((r) => setTimeout(() => r(selfStream()), 800));
      try {
        return await Promise.race([navigator.mediaDevices.getUserMedia(c), fallback]);
      } catch {
        return selfStream();
      }
    },
  };
}

export function installMock(params: URLSearchParams): { opts: ConsoleOptions; scenario: (app: ConsoleApp) => Promise<void> } {
  const scene = params.get("screen") ?? "signin";
  const opts: ConsoleOptions = { hub: mockHub(scene !== "signin" && scene !== "signin-error", scene === "empty"), callDeps: mockCallDeps(scene) };
  const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const q = <T extends HTMLElement>(id: string) => document.querySelector<T>(`[data-testid="${id}"]`);
  async function scenario() {
    if (scene === "signin-error") {
      q<HTMLInputElement>("login-email")!.value = "claire.martin@example.fr";
      q<HTMLInputElement>("login-password")!.value = "secret";
      q<HTMLInputElement>("login-totp")!.value = "654321";
      q<HTMLButtonElement>("login-submit")!.click();
    }
    if (scene === "call" || scene === "reconnecting" || scene === "ended" || scene === "sick-note") {
      await wait(300);
      q<HTMLButtonElement>("accept")?.click();
      if (scene === "sick-note") {
        // The sick note tab with free exits (the justification shown) over 3 days.
        await wait(800);
        q<HTMLButtonElement>("tab-sickNote")?.click();
        const days = q<HTMLInputElement>("sn-days");
        if (days) {
          days.value = "5";
          days.dispatchEvent(new Event("input"));
        }
        q<HTMLInputElement>("sn-exits-allowedAnyTime")?.click();
        q<HTMLElement>("sn-editor")?.scrollIntoView({ block: "start" });
      }
      if (scene === "ended") {
        await wait(1500);
        q<HTMLButtonElement>("hangup")?.click();
      }
    }
  }
  return { opts, scenario };
}
