/** Consultation helpers shared by screens: state label and colour, where a click leads. */
import type { Consultation } from "../lib/api";
import { has, t } from "../lib/i18n";
import type { Route, Tone } from "./ui";

export function consultationTone(c: Consultation): Tone {
  switch (c.state) {
    case "excluded":
      return "danger";
    case "requested":
      return "attention";
    case "inCall":
    case "reported":
    case "closed":
      return "ok";
    default:
      return "neutral";
  }
}

/** The backend's French label, or ours when missing. */
export function stateLabel(c: Consultation): string {
  if (c.stateLabel) return c.stateLabel;
  const key = `cstate.${c.state}`;
  return has(key) ? t(key) : c.state;
}

/** Where opening a consultation leads: an unacknowledged redirection comes back first. */
export function consultationRoute(c: Consultation): Route {
  if (c.state === "excluded" && !c.redirectionAcknowledged) return { name: "redirect", consultation: c };
  if (c.state === "triaged") return { name: "accepted", consultation: c };
  if (c.state === "requested" || c.state === "inCall") return { name: "call", consultation: c };
  // After the call: the GP's documents, their printing and the export.
  if (c.state === "reported" || c.state === "closed") return { name: "documents", consultationId: c.id, patientId: c.patientId };
  return { name: "patient", id: c.patientId };
}
