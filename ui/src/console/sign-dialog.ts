/**
 * Signing: the hub call ({@link signDocument}) and the dialog that asks the GP's TOTP code
 * again, shows progress and the result (version, short hash), or the error next to the
 * code. A document the hub finds invalid closes the dialog: the editor shows the field.
 */
import { h } from "../lib/dom";
import { t } from "../lib/i18n";
import { errorMessage, isHubError, type Hub, type HubError } from "./hub";
import type { DocumentKind, SignedDocument } from "./documents";

/** `POST /api/gp/consultations/{id}/documents`. */
export function signDocument(hub: Hub, consultationId: string, kind: DocumentKind, content: Record<string, unknown>, totp: string, supersedes: string | null): Promise<SignedDocument> {
  const body: Record<string, unknown> = { kind, content, totp };
  if (supersedes) body.supersedes = supersedes;
  return hub.request<SignedDocument>("POST", `/api/gp/consultations/${encodeURIComponent(consultationId)}/documents`, body);
}

/** The first 12 hex digits of a hash, in groups of 4 for reading aloud. */
export function shortHash(sha256: string): string {
  return (sha256.slice(0, 12).match(/.{1,4}/g) ?? []).join(" ");
}

/** A code the GP can fix in this dialog. */
function isCodeError(e: HubError): boolean {
  return e.code === "BAD_TOTP" || e.code === "TOTP_REPLAYED" || e.code === "RATE_LIMITED";
}

export interface SignDialogOptions {
  hub: Hub;
  consultationId: string;
  kind: DocumentKind;
  content: Record<string, unknown>;
  supersedes: string | null;
  /** Signed: the document as the hub keeps it. */
  onSigned(doc: SignedDocument): void;
  /** The hub refused the content (`DOCUMENT_INVALID` and its field). */
  onInvalid(field: string, message: string): void;
  /** The dialog closed (focus goes back to the caller). */
  onClose(): void;
}

/** Opens the dialog over `host`; returns its root (removed on close). */
export function openSignDialog(host: HTMLElement, o: SignDialogOptions): HTMLElement {
  const titleKey = ({ prescription: "console.docs.sign.titlePrescription", report: "console.docs.sign.titleReport", sickNote: "console.docs.sign.titleSickNote" } as const)[o.kind];
  const code = h("input", {
    type: "text",
    id: "sign-totp",
    class: "input input-totp",
    testid: "sign-totp",
    inputmode: "numeric",
    autocomplete: "one-time-code",
    maxlength: "6",
    "aria-describedby": "sign-totp-hint sign-totp-err",
  });
  const codeError = h("p", { id: "sign-totp-err", class: "field-error", testid: "sign-error", hidden: true, "aria-live": "assertive" });
  const status = h("p", { class: "sign-status", testid: "sign-status", role: "status", "aria-live": "polite" });
  const submit = h("button", { type: "submit", class: "btn btn-primary", testid: "sign-submit" }, t("console.docs.sign.submit"));
  const cancel = h("button", { type: "button", class: "btn btn-secondary", testid: "sign-cancel" }, t("common.cancel"));
  const form = h(
    "form",
    { class: "sign-form", novalidate: true },
    h("p", null, o.supersedes ? t("console.docs.sign.explainCorrection") : t("console.docs.sign.explain")),
    h("div", { class: "field" }, h("label", { for: "sign-totp", class: "field-label" }, t("console.docs.sign.code")), h("p", { id: "sign-totp-hint", class: "field-hint" }, t("console.docs.sign.codeHint")), code, codeError),
    status,
    h("div", { class: "actions" }, cancel, submit),
  );
  const box = h("div", { class: "sign-dialog card", role: "dialog", "aria-modal": "true", "aria-labelledby": "sign-title", testid: "sign-dialog" }, h("h2", { id: "sign-title", class: "screen-title" }, t(titleKey)), form);
  const overlay = h("div", { class: "sign-overlay" }, box);
  let busy = false;
  let done = false;

  const close = () => {
    overlay.remove();
    document.removeEventListener("keydown", onKey, true);
    o.onClose();
  };
  const onKey = (ev: KeyboardEvent) => {
    if (ev.key === "Escape" && !busy) {
      ev.preventDefault();
      close();
    } else if (ev.key === "Tab") {
      // Keep the focus inside the dialog.
      const items = Array.from(box.querySelectorAll<HTMLElement>("input, button")).filter((x) => !(x as HTMLButtonElement).disabled && !x.hidden);
      if (items.length === 0) return;
      const first = items[0];
      const last = items[items.length - 1];
      if (ev.shiftKey && document.activeElement === first) {
        ev.preventDefault();
        last.focus();
      } else if (!ev.shiftKey && document.activeElement === last) {
        ev.preventDefault();
        first.focus();
      }
    }
  };
  document.addEventListener("keydown", onKey, true);
  cancel.addEventListener("click", () => {
    if (!busy) close();
  });

  const showCodeError = (message: string) => {
    codeError.textContent = message;
    codeError.hidden = false;
    code.setAttribute("aria-invalid", "true");
    code.select();
    code.focus();
  };

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (busy) return;
    if (done) return close();
    const value = code.value.replace(/\s/g, "");
    if (!/^\d{6}$/.test(value)) return showCodeError(t("console.docs.sign.codeFormat"));
    codeError.hidden = true;
    code.removeAttribute("aria-invalid");
    busy = true;
    submit.disabled = true;
    cancel.disabled = true;
    code.readOnly = true;
    box.setAttribute("aria-busy", "true");
    status.className = "sign-status sign-status--busy";
    status.textContent = t("console.docs.sign.progress");
    signDocument(o.hub, o.consultationId, o.kind, o.content, value, o.supersedes).then(
      (doc) => {
        busy = false;
        done = true;
        box.removeAttribute("aria-busy");
        status.className = "sign-status sign-status--ok";
        status.dataset.version = String(doc.version);
        const doneKey = ({ prescription: "console.docs.sign.donePrescription", report: "console.docs.sign.doneReport", sickNote: "console.docs.sign.doneSickNote" } as const)[o.kind];
        status.textContent = t(doneKey, { version: doc.version, hash: shortHash(doc.sha256) });
        code.closest(".field")?.setAttribute("hidden", "");
        cancel.hidden = true;
        submit.disabled = false;
        submit.textContent = t("console.docs.sign.close");
        submit.focus();
        o.onSigned(doc);
      },
      (e: unknown) => {
        busy = false;
        box.removeAttribute("aria-busy");
        submit.disabled = false;
        cancel.disabled = false;
        code.readOnly = false;
        status.textContent = "";
        status.className = "sign-status";
        if (isHubError(e) && e.code === "DOCUMENT_INVALID") {
          close();
          o.onInvalid(e.field ?? "", e.message);
          return;
        }
        if (isHubError(e) && isCodeError(e)) return showCodeError(errorMessage(e));
        status.className = "sign-status sign-status--error";
        status.textContent = errorMessage(e);
        code.focus();
      },
    );
  });

  host.append(overlay);
  code.focus();
  return overlay;
}
