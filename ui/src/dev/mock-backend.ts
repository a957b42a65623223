/**
 * DEV ONLY — an in-memory imitation of the station backend, to look at the screens in a
 * plain browser (`npm run dev:mock`, or `?mock` on the dev server). Never bundled in the
 * production build (see src/station/main.ts). Its rules are rough copies of the backend's,
 * for display only; its French messages imitate the backend's messages.
 *
 * URL parameters:
 *   state=passphrase|setup|signin|locked|today (default today, signed in as a manager)
 *   screen=today|patient|patient-form|patient-form-errors|intake|intake-filled|accepted|
 *          waiting|redirect|redirect-child|audit|audit-broken|
 *          call (sending → waiting → connecting → connected over ~5 s)|call-waiting|
 *          call-connected|call-reconnecting|call-failed|call-ended|
 *          call-hangup (muted, camera off, the hang-up question open)|
 *          hub-settings|hub-settings-errors|hub-enrolled|
 *          documents-export (the documents screen, "Exporter (FHIR)" clicked)
 *   lock=<seconds> inactivity delay (default 600)
 *   hub=enrolled|none|unreachable  the station's link to its hub (default enrolled;
 *          none for the hub-settings screens)
 *   devices=none  no camera, microphone or speaker
 *
 * The fake hub: enrolment code "FAUX" is refused, an address containing "injoignable" does
 * not answer, a fingerprint starting with "00" does not match the certificate.
 */
import type { Channel } from "@tauri-apps/api/core";
import { emit } from "@tauri-apps/api/event";
import { mockIPC } from "@tauri-apps/api/mocks";
import type {
  Answers,
  AuditEntry,
  CallEvent,
  CallState,
  CallStatus,
  Consultation,
  HubStatus,
  FieldError,
  Patient,
  PatientRecord,
  PatientSummary,
  Priority,
  Status,
  User,
} from "../lib/api";
import type { StationApp } from "../station/app";
import { mockDevices } from "./mock-devices";
import { mockDocuments } from "./mock-documents";

type Args = Record<string, unknown>;
class MockError {
  constructor(
    public code: string,
    public message: string,
    public fields?: FieldError[],
  ) {}
}

const manager: User = {
  id: "u1",
  username: "cdupont",
  displayName: "Claire Dupont",
  profession: "Pharmacienne",
  rpps: "10001234567",
  role: "manager",
};

function nirKey(nir13: string): number {
  const n = nir13.replace("2A", "19").replace("2B", "18");
  return 97 - Number(BigInt(n) % 97n);
}

function ageOn(birth: string, today = new Date()): number {
  const [y, m, d] = birth.split("-").map(Number);
  let a = today.getFullYear() - y;
  if (today.getMonth() + 1 < m || (today.getMonth() + 1 === m && today.getDate() < d)) a--;
  return a;
}

function validate(p: Patient): FieldError[] {
  const e: FieldError[] = [];
  const req = (f: keyof Patient, label: string) => {
    if (!p[f] || String(p[f]).trim() === "") e.push({ field: f, code: "REQUIRED", message: `${label} est obligatoire.` });
  };
  req("familyName", "Le nom de naissance");
  req("givenNames", "Le prénom");
  req("birthDate", "La date de naissance");
  req("phone", "Le téléphone");
  req("commune", "La commune");
  if (p.birthDate && new Date(p.birthDate) > new Date())
    e.push({ field: "birthDate", code: "BIRTH_DATE_FUTURE", message: "La date de naissance est dans le futur." });
  if (p.nir) {
    if (!/^[1-478][0-9]{2}(0[1-9]|1[0-2]|[2-9][0-9])(2A|2B|[0-9]{2})[0-9]{6}[0-9]{2}$/.test(p.nir))
      e.push({ field: "nir", code: "NIR_FORMAT", message: "Le n° de sécurité sociale doit compter 15 caractères (13 + la clé de 2 chiffres)." });
    else if (nirKey(p.nir.slice(0, 13)) !== Number(p.nir.slice(13)))
      e.push({ field: "nir", code: "NIR_KEY", message: "La clé du n° de sécurité sociale ne correspond pas : vérifiez les chiffres sur la carte Vitale." });
  }
  if (p.phone && !/^(0[1-9]\d{8}|\+33[1-9]\d{8})$/.test(p.phone.replace(/[\s.]/g, "")))
    e.push({ field: "phone", code: "PHONE_FORMAT", message: "Numéro de téléphone non reconnu : 10 chiffres, par exemple 06 12 34 56 78." });
  if (p.postalCode && !/^\d{5}$/.test(p.postalCode))
    e.push({ field: "postalCode", code: "POSTAL_CODE", message: "Le code postal compte 5 chiffres." });
  if (p.treatingDoctor?.rpps && !/^\d{11}$/.test(p.treatingDoctor.rpps))
    e.push({ field: "treatingDoctor.rpps", code: "RPPS_FORMAT", message: "Le n° RPPS compte 11 chiffres." });
  return e;
}

function summary(id: string, p: Patient): PatientSummary {
  return {
    id,
    familyName: p.familyName,
    usedName: p.usedName,
    givenNames: p.givenNames,
    birthDate: p.birthDate,
    age: ageOn(p.birthDate),
    nirMasked: p.nir ? `${p.nir.slice(0, 1)} ${p.nir.slice(1, 3)} •• •• ••• ••• ${p.nir.slice(13)}` : null,
    commune: p.commune,
  };
}

const LABELS: Record<Consultation["state"], string> = {
  draft: "Brouillon",
  triaged: "Accueil fait",
  requested: "En attente du médecin",
  inCall: "En consultation",
  reported: "Compte rendu reçu",
  closed: "Terminée",
  excluded: "Orientée (15 / urgences)",
  cancelled: "Annulée",
};

function triage(age: number, a: Answers, prio: Priority, p: Patient): Consultation["assessment"] {
  const reasons: { code: string; message: string }[] = [];
  const redirect = new Set<"SAMU_15" | "URGENCES" | "PEDIATRE">();
  if (a.emergencySigns) {
    reasons.push({ code: "EMERGENCY_SIGNS", message: "Signe d'urgence vitale : appelez le 15 immédiatement." });
    redirect.add("SAMU_15");
  }
  if (age < 3) {
    reasons.push({ code: "CHILD_UNDER_3", message: `Enfant de moins de 3 ans (${age} an${age > 1 ? "s" : ""}) : la téléconsultation n'est pas autorisée.` });
    redirect.add("PEDIATRE");
    redirect.add("URGENCES");
  }
  if (a.abdominalPain) {
    reasons.push({ code: "ABDOMINAL_PAIN", message: "Douleur abdominale : un examen physique est nécessaire." });
    redirect.add("URGENCES");
    redirect.add("SAMU_15");
  }
  if (a.technicalGesture) {
    reasons.push({ code: "TECHNICAL_GESTURE", message: "Geste technique nécessaire (suture, plâtre…) : impossible à distance." });
    redirect.add("URGENCES");
  }
  const codes: [boolean, string][] = [
    [prio.noTreatingDoctor, "NO_TREATING_DOCTOR"],
    [prio.mobilityDifficulty, "MOBILITY_DIFFICULTY"],
    [prio.longDelay, "LONG_DELAY"],
    [ageOn(p.birthDate) >= 70, "AGE_70_PLUS"],
    [prio.chronicDisease, "CHRONIC_DISEASE"],
    [prio.c2s, "C2S"],
  ];
  const priority = codes.filter(([on]) => on).map(([, c]) => c);
  return { outcome: reasons.length ? "excluded" : "accepted", reasons, redirect: [...redirect], priority };
}

export function installMockBackend(params: URLSearchParams): (app: StationApp) => Promise<void> {
  const stateParam = params.get("state") ?? "today";
  const lockAfter = Number(params.get("lock") ?? 600);
  const status: Status = {
    storage: stateParam === "passphrase" ? "needsPassphrase" : "ready",
    storageMessage: null,
    initialized: stateParam !== "setup" && stateParam !== "passphrase",
    site: { id: "s1", kind: "pharmacie", name: "Pharmacie du Centre", commune: "Chartres", address: "12 rue Noël Ballay" },
    user: stateParam === "today" || stateParam === "locked" ? manager : null,
    locked: stateParam === "locked",
    lockAfterSeconds: lockAfter,
    hubUrl: null,
    version: "0.1.0-mock",
  };
  if (!status.initialized) status.site = null;

  const patients = new Map<string, Patient>();
  const consultations: Consultation[] = [];
  const drafts = new Map<string, unknown>();
  const audit: AuditEntry[] = [];
  let seq = 0;
  let ids = 100;
  const log = (action: string, recordType: string, recordId: string | null, detail = "") =>
    audit.push({ seq: ++seq, at: new Date().toISOString(), actor: status.user?.username ?? "système", action, recordType, recordId, detail });

  const seedPatient = (p: Partial<Patient> & Pick<Patient, "familyName" | "givenNames" | "birthDate" | "sex">): string => {
    const id = `p${++ids}`;
    patients.set(id, {
      usedName: null,
      birthPlaceCode: null,
      nir: null,
      phone: "06 12 34 56 78",
      address: null,
      postalCode: "28000",
      commune: "Chartres",
      treatingDoctor: null,
      coverage: { ald: false, c2s: false, ame: false },
      weightKg: null,
      ...p,
    });
    log("patient.create", "patient", id);
    return id;
  };
  const at = (h: number, m: number) => {
    const d = new Date();
    d.setHours(h, m, 0, 0);
    return d.toISOString();
  };
  const seedConsultation = (patientId: string, state: Consultation["state"], complaint: string, time: string, excluded = false) => {
    const c: Consultation = {
      id: `c${++ids}`,
      patientId,
      state,
      stateLabel: LABELS[state],
      complaint,
      assessment: excluded
        ? { outcome: "excluded", reasons: [{ code: "ABDOMINAL_PAIN", message: "Douleur abdominale : un examen physique est nécessaire." }], redirect: ["URGENCES", "SAMU_15"], priority: [] }
        : { outcome: "accepted", reasons: [], redirect: [], priority: ["NO_TREATING_DOCTOR"] },
      createdAt: time,
      updatedAt: time,
      redirectionAcknowledged: excluded,
    };
    consultations.push(c);
    log("consultation.triage", "consultation", c.id);
    return c;
  };
  const martin = seedPatient({
    familyName: "MARTIN",
    usedName: "LEROY",
    givenNames: "Jeanne Marie",
    sex: "F",
    birthDate: "1941-03-08",
    nir: "241032808512345".slice(0, 13) + String(nirKey("2410328085123")).padStart(2, "0"),
    address: "4 place des Halles",
    treatingDoctor: { name: "Dr Bernard Petit", rpps: "10003456789" },
    coverage: { ald: true, c2s: false, ame: false },
  });
  const durand = seedPatient({ familyName: "DURAND", givenNames: "Paul", sex: "M", birthDate: "1958-11-24", commune: "Champhol", postalCode: "28300" });
  const bebe = seedPatient({ familyName: "MOREAU", givenNames: "Léo", sex: "M", birthDate: new Date(Date.now() - 2 * 365.25 * 864e5).toISOString().slice(0, 10), commune: "Jouy", weightKg: 12.5 });
  seedConsultation(durand, "closed", "Renouvellement d'ordonnance (hypertension)", at(8, 42));
  seedConsultation(martin, "excluded", "Mal au ventre depuis hier soir", at(9, 15), true);
  seedConsultation(martin, "requested", "Toux et fièvre à 38,5 °C depuis 3 jours", at(10, 42));

  const record = (id: string): PatientRecord => {
    const p = patients.get(id);
    if (!p) throw new MockError("NOT_FOUND", "Patient introuvable.");
    return { id, patient: p, age: ageOn(p.birthDate), consultations: consultations.filter((c) => c.patientId === id) };
  };
  const needUser = () => {
    if (!status.user) throw new MockError("NOT_SIGNED_IN", "Vous n'êtes pas connecté.");
    if (status.locked) throw new MockError("SESSION_LOCKED", "Session verrouillée.");
  };
  const findC = (id: unknown) => {
    const c = consultations.find((x) => x.id === id);
    if (!c) throw new MockError("NOT_FOUND", "Consultation introuvable.");
    return c;
  };
  const setState = (c: Consultation, s: Consultation["state"]) => {
    c.state = s;
    c.stateLabel = LABELS[s];
    c.updatedAt = new Date().toISOString();
  };

  // ---- Fake hub and call ----------------------------------------------------------------
  const screenParam = params.get("screen") ?? "";
  const hubParam = params.get("hub") ?? (screenParam === "hub-settings" || screenParam === "hub-settings-errors" ? "none" : "enrolled");
  const hub: HubStatus =
    hubParam === "none"
      ? { enrolled: false, url: "https://relais.exemple.fr", fingerprint: null, stationName: null, enrolledAt: null }
      : {
          enrolled: true,
          url: "https://relais.exemple.fr",
          fingerprint: "3f9a1c0e5b7d2a4486e1f0c3b9d8a7e65c4b3a29180f7e6d5c4b3a2918a0b1c2",
          stationName: "Pharmacie du Centre — Chartres",
          enrolledAt: at(8, 5),
        };
  let hubDown = hubParam === "unreachable";
  const GP = "Dr Claire Martin";
  let call: CallStatus | null = null;
  let callTimers: ReturnType<typeof setTimeout>[] = [];
  let qualityTimer: ReturnType<typeof setInterval> | undefined;
  let noGp = false;
  const LIVE: CallState[] = ["sending", "waitingGp", "connecting", "connected", "reconnecting"];
  const IN_CALL: CallState[] = ["connecting", "connected", "reconnecting"];
  const snapshot = (): CallStatus | null => (call ? { ...structuredClone(call), camera: devices.camera() } as CallStatus : null);
  const publish = () => {
    if (call) void emit("call-status", snapshot());
  };
  const event = (kind: string, message: string, when = new Date()): CallEvent => ({ at: when.toISOString(), kind, message });
  const enter = (state: CallState, kind: string | null, message: string) => {
    if (!call) return;
    call.state = state;
    call.since = new Date().toISOString();
    if (kind) call.events.push(event(kind, message));
    if (state === "connecting") call.gpName = GP;
    if (state === "connected") {
      const c = consultations.find((x) => x.id === call!.consultationId);
      if (c) setState(c, "inCall");
    }
    publish();
  };
  const later = (ms: number, fn: () => void) => callTimers.push(setTimeout(fn, ms));
  const stopCall = () => {
    callTimers.forEach(clearTimeout);
    callTimers = [];
    if (qualityTimer !== undefined) clearInterval(qualityTimer);
    qualityTimer = undefined;
  };
  const progress = (fast: boolean) => {
    const steps: [number, () => void][] = [
      [fast ? 0 : 800, () => enter("waitingGp", "QUEUED", "Demande reçue par le serveur Relais : en attente d’un médecin.")],
      [fast ? 0 : 2500, () => !noGp && enter("connecting", "ACCEPTED", `Le ${GP} a accepté la consultation.`)],
      [
        fast ? 0 : 1200,
        () => {
          if (noGp) return;
          enter("connected", "CONNECTED", `Communication établie avec le ${GP}.`);
          call!.quality = { rttMs: 48, lossPercent: 0.2, level: "good" };
          qualityTimer = setInterval(() => {
            if (!call || call.state !== "connected") return;
            const rtt = 40 + Math.round(Math.random() * 30);
            call.quality = { rttMs: rtt, lossPercent: Math.round(Math.random() * 8) / 10, level: rtt > 65 ? "fair" : "good" };
            publish();
          }, 2000);
        },
      ],
    ];
    if (fast) steps.forEach(([, fn]) => fn());
    else {
      let t = 0;
      for (const [ms, fn] of steps) later((t += ms), fn);
    }
  };
  const startCall = (consultationId: string, fast = false): CallStatus => {
    if (!hub.enrolled)
      throw new MockError(
        "HUB_NOT_ENROLLED",
        "Ce poste n’est pas encore relié au serveur Relais. Un responsable doit le relier (menu Réglages) avec le code donné par la coordination.",
      );
    if (call && LIVE.includes(call.state)) {
      if (call.consultationId === consultationId) return snapshot()!;
      throw new MockError("CALL_IN_PROGRESS", "Un autre appel est en cours sur ce poste.");
    }
    if (hubDown) {
      hubDown = false; // the next try goes through
      throw new MockError("HUB_UNREACHABLE", "Le serveur Relais est injoignable. Vérifiez la connexion Internet puis réessayez.");
    }
    stopCall();
    call = {
      consultationId,
      state: "sending",
      since: new Date().toISOString(),
      gpName: null,
      muted: false,
      cameraOn: params.get("devices") !== "none",
      quality: { rttMs: null, lossPercent: null, level: null },
      events: [event("REQUEST_SENT", "Demande envoyée au serveur Relais.")],
      chat: [],
      error: null,
    };
    progress(fast);
    return snapshot()!;
  };
  const endCall = (message: string) => {
    if (!call) return;
    stopCall();
    enter("ended", "ENDED", message);
  };
  const needCall = () => {
    if (!call || !IN_CALL.includes(call.state)) throw new MockError("NO_CALL", "Aucun appel en cours.");
    return call;
  };

  /** The GP's picture: a drawn "doctor" with the time, as JPEG, ~10 images per second. */
  const streamVideo = (channel: Channel<ArrayBuffer>) => {
    const cv = document.createElement("canvas");
    cv.width = 640;
    cv.height = 360;
    const g = cv.getContext("2d");
    let index = 0;
    const timer = setInterval(() => {
      if (!call || !IN_CALL.includes(call.state)) {
        if (!call || !LIVE.includes(call.state)) clearInterval(timer);
        return;
      }
      if (call.state !== "connected" || !g) return;
      const sky = g.createLinearGradient(0, 0, 0, 360);
      sky.addColorStop(0, "#dbeafe");
      sky.addColorStop(1, "#f8fafc");
      g.fillStyle = sky;
      g.fillRect(0, 0, 640, 360);
      g.fillStyle = "#cbd5e1";
      g.fillRect(420, 40, 160, 200); // a bookcase
      g.fillStyle = "#e2e8f0";
      g.beginPath();
      g.ellipse(320, 380, 150, 130, 0, Math.PI, 0); // white coat
      g.fill();
      g.fillStyle = "#1e3a8a";
      g.fillRect(300, 250, 40, 110); // shirt
      g.fillStyle = "#f1c9a5";
      g.beginPath();
      g.arc(320, 170, 62 + Math.sin(Date.now() / 400) * 1.5, 0, Math.PI * 2); // head, breathing
      g.fill();
      g.fillStyle = "#5b3a29";
      g.beginPath();
      g.arc(320, 150, 64, Math.PI, 0);
      g.fill();
      g.fillStyle = "#0f172a";
      g.font = "20px sans-serif";
      g.fillText(new Date().toLocaleTimeString("fr-FR"), 16, 340);
      cv.toBlob(
        (blob) => {
          void blob?.arrayBuffer().then((buf) => {
            const internals = (window as unknown as { __TAURI_INTERNALS__: { runCallback(id: number, data: unknown): void } }).__TAURI_INTERNALS__;
            internals.runCallback(channel.id, { message: buf, index: index++ });
          });
        },
        "image/jpeg",
        0.7,
      );
    }, 100);
  };
  const sleepMs = (ms: number) => new Promise((r) => setTimeout(r, ms));

  async function enrol(a: Args): Promise<HubStatus> {
    await sleepMs(1200);
    const url = String(a.url ?? "");
    const fp = String(a.fingerprint ?? "");
    if (status.user?.role !== "manager") throw new MockError("FORBIDDEN", "Seul un responsable du poste peut le relier au serveur Relais.");
    if (!/^https:\/\/[^\s/]+/.test(url)) throw new MockError("HUB_BAD_SETTING", "Réglage du serveur Relais invalide : l’adresse doit commencer par https://");
    if (fp && !/^[0-9a-f]{64}$/.test(fp)) throw new MockError("HUB_BAD_SETTING", "Réglage du serveur Relais invalide : empreinte de 64 caractères attendue");
    if (url.includes("injoignable")) throw new MockError("HUB_UNREACHABLE", "Le serveur Relais est injoignable. Vérifiez la connexion Internet puis réessayez.");
    if (fp.startsWith("00"))
      throw new MockError("HUB_CERTIFICATE_MISMATCH", "Le certificat du serveur Relais ne correspond pas à celui enregistré. Ne poursuivez pas et prévenez le support.");
    if (String(a.code ?? "").trim().toUpperCase() === "FAUX") throw new MockError("BAD_ENROLMENT_CODE", "Code d’inscription inconnu, déjà utilisé ou expiré.");
    Object.assign(hub, { enrolled: true, url, fingerprint: fp || null, stationName: "Pharmacie du Centre — Chartres", enrolledAt: new Date().toISOString() });
    status.hubUrl = url;
    log("hub.enrol", "station", "s1");
    return { ...hub };
  }

  const devices = mockDevices(params);
  const documents = mockDocuments(params);
  function handle(cmd: string, payload?: Record<string, unknown>): unknown {
    const a = (payload?.args ?? {}) as Args;
    const fromDevices = devices.handle(cmd, a as Record<string, unknown>);
    if (fromDevices) return fromDevices.value;
    const fromDocuments = params.get("docs") !== "none" ? documents.handle(cmd, a as Record<string, unknown>) : null;
    if (fromDocuments) return fromDocuments.value;
    switch (cmd) {
      case "app_status":
        return { ...status };
      case "unlock_storage":
        if (String(a.passphrase).length < 8) throw new MockError("PASSPHRASE_TOO_SHORT", "La phrase secrète est trop courte.");
        status.storage = "ready";
        status.initialized = true;
        return { ...status };
      case "setup_site": {
        const u = a.user as { username: string; displayName: string; profession: string; rpps: string | null; password: string };
        if (u.password.length < 10) throw new MockError("PASSWORD_TOO_SHORT", "Le mot de passe doit contenir au moins 10 caractères.");
        status.initialized = true;
        status.site = { id: "s1", ...(a.site as Omit<NonNullable<Status["site"]>, "id">) };
        status.user = { id: "u1", ...u, role: "manager" };
        return { ...status };
      }
      case "sign_in":
        if (a.password !== "motdepasse1") throw new MockError("BAD_CREDENTIALS", "Identifiant ou mot de passe incorrect.");
        status.user = { ...manager, username: String(a.username) };
        status.locked = false;
        log("session.sign_in", "user", "u1");
        return { ...status };
      case "sign_out":
        status.user = null;
        status.locked = false;
        return { ...status };
      case "lock":
        needUser();
        status.locked = true;
        return { ...status };
      case "touch":
        needUser();
        return { ...status };
    }
    needUser();
    switch (cmd) {
      case "validate_patient":
        return validate(a.patient as Patient);
      case "create_patient": {
        const p = a.patient as Patient;
        const errs = validate(p);
        if (errs.length) throw new MockError("INVALID_PATIENT", "Certains champs sont à corriger.", errs);
        const id = `p${++ids}`;
        patients.set(id, p);
        log("patient.create", "patient", id);
        return record(id);
      }
      case "update_patient": {
        const p = a.patient as Patient;
        const errs = validate(p);
        if (errs.length) throw new MockError("INVALID_PATIENT", "Certains champs sont à corriger.", errs);
        patients.set(String(a.id), p);
        log("patient.update", "patient", String(a.id));
        return record(String(a.id));
      }
      case "get_patient":
        return record(String(a.id));
      case "search_patients": {
        const q = String(a.query ?? "").trim().toLowerCase();
        const all = [...patients.entries()].map(([id, p]) => summary(id, p));
        if (!q) return all.reverse().slice(0, 20);
        const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(q);
        const iso = m ? `${m[3]}-${m[2].padStart(2, "0")}-${m[1].padStart(2, "0")}` : q;
        return all.filter((s) => {
          const p = patients.get(s.id)!;
          return (
            s.birthDate === iso ||
            (p.nir ?? "").startsWith(q.replace(/\s/g, "")) ||
            q.split(/\s+/).every((w) => `${p.familyName} ${p.usedName ?? ""} ${p.givenNames}`.toLowerCase().includes(w))
          );
        });
      }
      case "submit_intake": {
        const answers = a.answers as Answers;
        const missing = (Object.keys(answers) as (keyof Answers)[]).filter((k) => answers[k] === null);
        const fields = missing.map((k) => ({ field: `answers.${k}`, code: "REQUIRED", message: "Répondez à cette question." }));
        if (String(a.complaint ?? "").trim() === "") fields.push({ field: "complaint", code: "REQUIRED", message: "Indiquez le motif de la consultation." });
        if (fields.length) throw new MockError("INCOMPLETE_INTAKE", "L'accueil est incomplet.", fields);
        if (!a.consent) throw new MockError("CONSENT_REQUIRED", "Le consentement du patient est obligatoire.");
        const rec = record(String(a.patientId));
        const assessment = triage(rec.age, answers, a.priority as Priority, rec.patient);
        const now = new Date().toISOString();
        const c: Consultation = {
          id: `c${++ids}`,
          patientId: rec.id,
          state: assessment.outcome === "excluded" ? "excluded" : "triaged",
          stateLabel: "",
          complaint: String(a.complaint ?? ""),
          assessment,
          createdAt: now,
          updatedAt: now,
          redirectionAcknowledged: false,
        };
        c.stateLabel = LABELS[c.state];
        consultations.push(c);
        log("consultation.triage", "consultation", c.id, assessment.outcome);
        return c;
      }
      case "acknowledge_redirection": {
        const c = findC(a.consultationId);
        c.redirectionAcknowledged = true;
        log("consultation.redirection_ack", "consultation", c.id);
        return c;
      }
      case "request_consultation": {
        const c = findC(a.consultationId);
        setState(c, "requested");
        log("consultation.request", "consultation", c.id);
        return c;
      }
      case "cancel_consultation": {
        const c = findC(a.consultationId);
        setState(c, "cancelled");
        log("consultation.cancel", "consultation", c.id);
        return c;
      }
      case "today":
        return consultations
          .slice()
          .sort((x, y) => y.createdAt.localeCompare(x.createdAt))
          .map((c) => ({ consultation: c, patient: summary(c.patientId, patients.get(c.patientId)!) }));
      case "audit_trail": {
        const entries = audit.slice(-Number(a.limit ?? 100)).reverse();
        const broken = params.get("screen") === "audit-broken";
        return { entries, ok: !broken, checked: audit.length, firstBroken: broken ? 4 : null };
      }
      case "save_draft":
        drafts.set(String(a.kind), a.data);
        return null;
      case "load_draft":
        return drafts.get(String(a.kind)) ?? null;
      case "clear_draft":
        drafts.delete(String(a.kind));
        return null;
      case "hub_status":
        return { ...hub };
      case "enrol_station":
        return enrol(a);
      case "start_call":
        return startCall(String(a.consultationId));
      case "call_status":
        return snapshot();
      case "call_set_muted":
        needCall().muted = !!a.muted;
        publish();
        return snapshot();
      case "call_set_camera":
        needCall().cameraOn = !!a.on;
        publish();
        return snapshot();
      case "call_send_chat": {
        const cl = needCall();
        const text = String(a.text ?? "").slice(0, 1000);
        cl.chat.push({ from: "station", text, at: new Date().toISOString() });
        later(1500, () => {
          if (!call || !IN_CALL.includes(call.state)) return;
          call.chat.push({ from: "gp", text: `Bien reçu : « ${text} ».`, at: new Date().toISOString() });
          publish();
        });
        publish();
        return snapshot();
      }
      case "call_hang_up":
        needCall();
        endCall("Appel terminé depuis la station.");
        return snapshot();
      case "media_devices":
        return params.get("devices") === "none"
          ? { cameras: [], microphones: [], speakers: [] }
          : {
              cameras: [{ id: "cam1", label: "Caméra USB HD (046d:0825)" }],
              microphones: [
                { id: "mic1", label: "Micro du casque" },
                { id: "mic2", label: "Micro de la caméra" },
              ],
              speakers: [{ id: "spk1", label: "Haut-parleurs intégrés" }],
            };
      case "call_video": {
        const channel = a.onFrame as Channel<ArrayBuffer> | undefined;
        if (channel && typeof channel.id === "number") streamVideo(channel);
        return null;
      }
      case "consultation_documents":
      case "fetch_documents":
        return [];
      case "list_printers":
        return { printers: [], chosen: null, effective: null };
      case "export_consultation_fhir":
        return sleepMs(600).then(() => ({ path: `/home/infirmiere/.local/share/relais/exports/${String(a.consultationId)}.fhir.json`, resources: 14 }));
    }
    throw `command ${cmd} not found`;
  }

  mockIPC(
    (cmd, payload) => {
      const plain = (e: unknown) => (e instanceof MockError ? { ...e } : e);
      try {
        return Promise.resolve(handle(cmd, payload as Record<string, unknown>)).catch((e) => Promise.reject(plain(e)));
      } catch (e) {
        return Promise.reject(plain(e));
      }
    },
    { shouldMockEvents: true },
  );

  // ---- Scenarios: drive the UI to a given screen for screenshots ----------------------
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const $ = <T extends HTMLElement>(id: string) => document.querySelector<T>(`[data-testid="${id}"]`)!;
  const type = (id: string, value: string) => {
    const el = $<HTMLInputElement>(id);
    el.focus();
    el.value = value;
    el.dispatchEvent(new Event("input", { bubbles: true }));
    el.dispatchEvent(new FocusEvent("focusout", { bubbles: true }));
  };
  const click = (id: string) => $(id).click();

  return async (app: StationApp) => {
    const screen = params.get("screen") ?? "";
    if (!status.user || status.locked || !screen) return;
    await sleep(50);
    switch (screen) {
      case "patient":
        app.go({ name: "patient", id: martin });
        break;
      case "devices":
        app.go({ name: "devices" });
        break;
      case "patient-form":
        app.go({ name: "patient-form" });
        break;
      case "patient-form-errors":
        app.go({ name: "patient-form" });
        await sleep(50);
        type("patient-familyName", "BERTIN");
        type("patient-givenNames", "Lucien");
        $<HTMLSelectElement>("patient-sex").value = "M";
        $("patient-sex").dispatchEvent(new Event("change", { bubbles: true }));
        type("patient-birthDate", "24/11/1950");
        type("patient-nir", "150112808512399");
        type("patient-phone", "06 12 34");
        type("patient-postalCode", "280");
        type("patient-commune", "Chartres");
        type("patient-weightKg", "7a");
        await sleep(400);
        $("patient-submit").focus();
        window.scrollTo(0, 0);
        break;
      case "intake":
        app.go({ name: "intake", patientId: durand });
        break;
      case "intake-filled":
        app.go({ name: "intake", patientId: durand });
        await sleep(50);
        type("intake-complaint", "Toux sèche et fièvre à 38,2 °C depuis 3 jours");
        click("answer-abdominalPain-no");
        click("answer-technicalGesture-no");
        click("priority-noTreatingDoctor");
        $("intake-submit").focus();
        break;
      case "accepted":
      case "waiting":
      case "redirect":
      case "redirect-child": {
        const child = screen === "redirect-child";
        const c = handle("submit_intake", {
          args: {
            patientId: child ? bebe : durand,
            complaint: child ? "Fièvre depuis hier" : screen === "redirect" ? "Douleur au ventre depuis ce matin" : "Toux et fièvre à 38,5 °C depuis 3 jours",
            answers: { abdominalPain: !child && screen === "redirect", technicalGesture: false, emergencySigns: screen === "redirect" },
            priority: { noTreatingDoctor: true, mobilityDifficulty: true, longDelay: false, chronicDisease: false, c2s: false },
            consent: true,
          },
        }) as Consultation;
        if (screen === "waiting") app.go({ name: "call", consultation: handle("request_consultation", { args: { consultationId: c.id } }) as Consultation, start: true });
        else if (screen === "accepted") app.go({ name: "accepted", consultation: c });
        else app.go({ name: "redirect", consultation: c });
        break;
      }
      case "audit":
      case "audit-broken":
        app.go({ name: "audit" });
        break;
      case "documents":
        app.go({ name: "documents", consultationId: "c-doc" });
        break;
      case "documents-print":
        app.go({ name: "documents", consultationId: "c-doc" });
        await sleep(900);
        click("print-button");
        break;
      case "printers":
        app.go({ name: "printers" });
        break;
      case "documents-export":
        app.go({ name: "documents", consultationId: "6f1c2b8e-0d4a-4c4e-9a51-2f0f8c1d9e01" });
        await sleep(100);
        click("export-fhir");
        break;
      case "call":
      case "call-waiting":
      case "call-connected":
      case "call-hangup":
      case "call-reconnecting":
      case "call-failed":
      case "call-ended": {
        const c = handle("submit_intake", {
          args: {
            patientId: martin,
            complaint: "Toux et fièvre à 38,5 °C depuis 3 jours",
            answers: { abdominalPain: false, technicalGesture: false, emergencySigns: false },
            priority: { noTreatingDoctor: true, mobilityDifficulty: false, longDelay: false, chronicDisease: false, c2s: false },
            consent: true,
          },
        }) as Consultation;
        const requested = handle("request_consultation", { args: { consultationId: c.id } }) as Consultation;
        if (screen === "call-waiting") noGp = true;
        if (screen === "call-failed") hubDown = true;
        if (screen === "call" || screen === "call-waiting" || screen === "call-failed") {
          app.go({ name: "call", consultation: requested, start: true });
          break;
        }
        // Already in the call: skip the progression, with a conversation going on.
        const back = (s: number) => new Date(Date.now() - s * 1000);
        startCall(c.id, true);
        call!.since = back(754).toISOString();
        call!.events = [
          event("REQUEST_SENT", "Demande envoyée au serveur Relais.", back(1020)),
          event("QUEUED", "Demande reçue par le serveur Relais : en attente d’un médecin.", back(1019)),
          event("ACCEPTED", `Le ${GP} a accepté la consultation.`, back(760)),
          event("CONNECTED", `Communication établie avec le ${GP}.`, back(754)),
        ];
        call!.chat = [
          { from: "gp", text: "Bonjour, pouvez-vous prendre la température de Mme Leroy ?", at: back(600).toISOString() },
          { from: "station", text: "38,4 °C à l’instant.", at: back(540).toISOString() },
          { from: "gp", text: "Merci. Approchez la caméra de la gorge, s’il vous plaît.", at: back(420).toISOString() },
        ];
        if (screen === "call-reconnecting") {
          call!.events.push(event("SIGNALING_LOST", "Liaison avec le serveur perdue : nouvel essai.", back(6)));
          call!.events.push(event("ICE_RESTART", "Recherche d’un nouveau chemin réseau pour l’appel.", back(4)));
          call!.state = "reconnecting";
          call!.since = back(6).toISOString();
          call!.quality = { rttMs: 310, lossPercent: 12.5, level: "poor" };
        }
        if (screen === "call-ended") {
          call!.events.push(event("ENDED", "Appel terminé par le médecin.", new Date()));
          call!.state = "ended";
          call!.since = new Date().toISOString();
          stopCall();
        }
        app.go({ name: "call", consultation: requested });
        if (screen === "call-hangup") {
          await sleep(600);
          click("call-mute");
          await sleep(100);
          click("call-camera");
          await sleep(100);
          click("call-hangup");
        }
        break;
      }
      case "hub-settings":
      case "hub-enrolled":
        app.go({ name: "hub-settings" });
        break;
      case "hub-settings-errors":
        app.go({ name: "hub-settings" });
        await sleep(100);
        type("hub-url", "https://relais.exemple.fr");
        type("hub-fingerprint", "3F:9A:1C:0E:5B:7D:2A:44:86:E1:F0:C3:B9:D8:A7:E6:5C:4B:3A:29:18:0F:7E:6D:5C:4B:3A:29:18:A0:B1:C2");
        type("hub-code", "FAUX");
        click("hub-enrol");
        await sleep(1500);
        window.scrollTo(0, 0);
        break;
    }
  };
}
