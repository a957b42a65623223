/**
 * The station app: status, routing between screens, header, lock screen, inactivity.
 *
 * Layout: header (site, user, state text, actions) · main (the current screen) · a layer for
 * the lock screen. Locking hides the current screen without destroying it, so what was typed
 * is still there after unlocking. A full-screen screen (redirection) makes the header inert.
 */
import { api, Code, onApiError, type ApiError, type Status } from "../lib/api";
import { h, replace } from "../lib/dom";
import { IdleTimer } from "../lib/idle";
import { t } from "../lib/i18n";
import { auditScreen } from "./audit";
import { lockedScreen, setupScreen, signinScreen, unlockScreen } from "./auth";
import { intakeScreen } from "./intake";
import { callScreen } from "./call";
import { documentsScreen, pendingPrintsNotice } from "./documents";
import { printersScreen } from "./printers";
import { devicesScreen } from "./devices";
import { hubSettingsScreen } from "./hub-settings";
import { acceptedScreen } from "./outcome";
import { patientScreen } from "./patient";
import { patientFormScreen } from "./patient-form";
import { redirectScreen } from "./redirect";
import { todayScreen } from "./today";
import { errorPanel, type Ctx, type Route, type Screen, type Tone } from "./ui";

const PUBLIC_ROUTES = new Set<Route["name"]>(["unlock", "setup", "signin"]);
const ACTIVITY_EVENTS = ["keydown", "pointerdown", "mousedown", "mousemove", "wheel", "touchstart"] as const;

export class StationApp implements Ctx {
  private st: Status | null = null;
  private current: Screen | null = null;
  private lockScreen: Screen | null = null;
  private focusBeforeLock: HTMLElement | null = null;
  private readonly idle = new IdleTimer(5 * 60_000);
  private tickTimer: ReturnType<typeof setInterval> | undefined;

  private readonly header: HTMLElement;
  private readonly main: HTMLElement;
  private readonly layer: HTMLElement;
  private readonly stateText: HTMLElement;
  private readonly stateBar: HTMLElement;
  private readonly siteText: HTMLElement;
  private readonly userText: HTMLElement;
  private readonly nav: HTMLElement;
  private readonly auditButton: HTMLButtonElement;
  private readonly settingsButton: HTMLButtonElement;
  private readonly pendingPrints = pendingPrintsNotice(this);

  constructor(
    private readonly root: HTMLElement,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.stateText = h("span", { class: "state-text", testid: "state-text", role: "status" }, t("state.starting"));
    this.siteText = h("span", { class: "site-name", testid: "site-name-text" });
    this.userText = h("span", { class: "user-name", testid: "user-name-text" });
    const btn = (testid: string, label: string, onclick: () => void) =>
      h("button", { type: "button", class: "btn btn-header", testid, onclick }, label);
    this.auditButton = btn("audit-button", t("header.audit"), () => this.go({ name: "audit" }));
    this.settingsButton = btn("settings-button", t("header.settings"), () => this.go({ name: "hub-settings" }));
    this.nav = h(
      "nav",
      { class: "header-nav", "aria-label": t("header.label") },
      btn("home-button", t("header.home"), () => this.go({ name: "today" })),
      this.auditButton,
      this.settingsButton,
      btn("printers-button", t("header.printers"), () => this.go({ name: "printers" })),
      btn("devices-button", t("header.devices"), () => this.go({ name: "devices" })),
      btn("lock-button", t("header.lock"), () => void this.lockNow()),
      btn("signout-button", t("header.signout"), () => void this.signOut()),
    );
    this.stateBar = h("div", { class: "state-bar state-bar--neutral" }, h("span", { class: "state-label" }, t("header.stateLabel")), this.stateText);
    this.header = h(
      "header",
      { class: "app-header" },
      h("div", { class: "header-row" }, h("div", { class: "brand" }, h("span", { class: "brand-name" }, t("app.name")), this.siteText, this.userText), this.nav),
      this.stateBar,
    );
    this.main = h("main", { class: "app-main", id: "main" });
    this.layer = h("div", { class: "app-layer", hidden: true });
    replace(this.root, this.header, this.main, this.layer);
  }

  // ---- Ctx --------------------------------------------------------------------------------

  status(): Status | null {
    return this.st;
  }

  applyStatus(s: Status): void {
    this.st = s;
    this.idle.timeoutMs = Math.max(0, s.lockAfterSeconds) * 1000;
    const active = !!s.user && !s.locked;
    if (active && !this.idle.isArmed) this.idle.arm(this.now());
    if (!active) this.idle.disarm();
    this.siteText.textContent = s.site?.name ?? "";
    this.userText.textContent = s.user ? t("header.user", { name: s.user.displayName }) : "";
    this.nav.hidden = !active;
    this.auditButton.hidden = s.user?.role !== "manager";
    this.settingsButton.hidden = s.user?.role !== "manager";
  }

  go(route: Route): void {
    const s = this.st;
    if (!PUBLIC_ROUTES.has(route.name) && (!s || !s.user)) route = { name: "signin" };
    this.current?.dispose?.();
    const screen = this.build(route);
    this.current = screen;
    replace(this.main, screen.root);
    // Prints that failed or were interrupted (even before a restart) are offered on the home screen.
    if (screen.name === "today") {
      screen.root.prepend(this.pendingPrints.el);
      void this.pendingPrints.refresh();
    }
    this.main.classList.toggle("app-main--fullscreen", !!screen.fullscreen);
    this.header.inert = !!screen.fullscreen;
    this.setState(screen);
    if (!this.lockScreen) focusFirst(screen.root);
    window.scrollTo?.(0, 0);
  }

  refreshState(): void {
    if (this.lockScreen || !this.current) return;
    this.setState(this.current);
  }

  keepAwake(): void {
    if (this.idle.activity(this.now()) === "touch") {
      api.touch().then((s) => this.applyStatus(s)).catch(() => undefined);
    }
  }

  // ---- Start ------------------------------------------------------------------------------

  async start(): Promise<void> {
    this.listen();
    try {
      const s = await api.appStatus();
      this.applyStatus(s);
      this.routeFromStatus();
      // After the next paint, the first screen is really on display.
      requestAnimationFrame(() => void api.uiReady().catch(() => undefined));
    } catch (e) {
      this.showFatal(e as ApiError);
    }
  }

  private listen() {
    onApiError((e) => this.onApiError(e));
    const onActivity = () => {
      if (this.idle.activity(this.now()) === "touch") {
        api.touch().then((s) => this.applyStatus(s)).catch(() => undefined);
      }
    };
    for (const ev of ACTIVITY_EVENTS) window.addEventListener(ev, onActivity, { passive: true, capture: true });
    this.tickTimer = setInterval(() => {
      if (this.idle.tick(this.now()) === "lock") void this.lockNow();
    }, 1000);
  }

  stop(): void {
    if (this.tickTimer !== undefined) clearInterval(this.tickTimer);
    this.current?.dispose?.();
  }

  routeFromStatus(): void {
    const s = this.st;
    if (!s) return;
    if (s.storage === "needsPassphrase") this.go({ name: "unlock" });
    else if (!s.initialized) this.go({ name: "setup" });
    else if (!s.user) this.go({ name: "signin" });
    else if (s.locked) {
      replace(this.main);
      this.current = null;
      this.showLock();
    } else this.go({ name: "today" });
  }

  // ---- Lock, sign-out, errors -------------------------------------------------------------

  async lockNow(): Promise<void> {
    this.idle.disarm();
    try {
      this.applyStatus(await api.lock());
    } catch {
      /* the backend locks by itself anyway */
    }
    if (this.st?.user) this.showLock();
  }

  async signOut(): Promise<void> {
    this.idle.disarm();
    // Let the screen write its draft while the session is still open.
    this.current?.dispose?.();
    this.current = null;
    try {
      this.applyStatus(await api.signOut());
    } catch {
      if (this.st) this.applyStatus({ ...this.st, user: null, locked: false });
    }
    this.hideLock(false);
    this.go({ name: "signin" });
  }

  private onApiError(e: ApiError) {
    if (e.code === Code.SessionLocked) {
      if (this.st) this.applyStatus({ ...this.st, locked: true });
      this.showLock();
    } else if (e.code === Code.NotSignedIn) {
      if (this.current?.name === "signin") return;
      if (this.st) this.applyStatus({ ...this.st, user: null, locked: false });
      this.hideLock(false);
      this.go({ name: "signin" });
    }
  }

  showLock(): void {
    if (this.lockScreen) return;
    this.focusBeforeLock = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const screen = lockedScreen(this, {
      unlocked: (s) => {
        this.applyStatus(s);
        this.hideLock(true);
      },
      switchUser: () => void this.signOut(),
    });
    this.lockScreen = screen;
    this.main.hidden = true;
    this.header.inert = true;
    this.nav.hidden = true;
    replace(this.layer, screen.root);
    this.layer.hidden = false;
    this.setState(screen);
    focusFirst(screen.root);
  }

  private hideLock(restoreFocus: boolean) {
    if (!this.lockScreen) return;
    this.lockScreen.dispose?.();
    this.lockScreen = null;
    replace(this.layer);
    this.layer.hidden = true;
    this.main.hidden = false;
    this.header.inert = !!this.current?.fullscreen;
    if (this.st) this.applyStatus(this.st);
    if (!this.current) {
      if (this.st?.user) this.go({ name: "today" });
      return;
    }
    this.setState(this.current);
    if (restoreFocus && this.focusBeforeLock?.isConnected) this.focusBeforeLock.focus();
    else focusFirst(this.current.root);
  }

  private setState(screen: Screen) {
    const live = screen.liveState?.() ?? null;
    const tone: Tone = live?.tone ?? screen.tone ?? "neutral";
    this.stateText.textContent = live?.text ?? t(screen.state);
    this.stateBar.className = `state-bar state-bar--${tone}`;
    this.root.dataset.screen = screen.name;
  }

  private showFatal(err: ApiError) {
    const panel = errorPanel("fatal-error");
    panel.show(err);
    const retry = h("button", { type: "button", class: "btn btn-primary", onclick: () => void this.start() }, t("common.retry"));
    replace(this.main, h("section", { class: "screen" }, h("h1", { class: "screen-title" }, t("app.name")), panel.el, retry));
  }

  private build(route: Route): Screen {
    switch (route.name) {
      case "unlock":
        return unlockScreen(this);
      case "setup":
        return setupScreen(this);
      case "signin":
        return signinScreen(this);
      case "today":
        return todayScreen(this);
      case "patient-form":
        return patientFormScreen(this, route.id);
      case "patient":
        return patientScreen(this, route.id);
      case "intake":
        return intakeScreen(this, route.patientId);
      case "accepted":
        return acceptedScreen(this, route.consultation);
      case "call":
        return callScreen(this, route.consultation, { start: !!route.start });
      case "redirect":
        return redirectScreen(this, route.consultation);
      case "audit":
        return auditScreen();
      case "hub-settings":
        return hubSettingsScreen(this);
      case "documents":
        return documentsScreen(this, route);
      case "printers":
        return printersScreen(this);
      case "devices":
        return devicesScreen(this);
    }
  }
}

/** Focus the element marked `data-autofocus` (if usable), else the screen title. */
export function focusFirst(root: HTMLElement): void {
  const auto = root.querySelector<HTMLElement>("[data-autofocus]");
  if (auto && !(auto as HTMLButtonElement).disabled) {
    auto.focus();
    return;
  }
  root.querySelector<HTMLElement>(".screen-title")?.focus();
}
