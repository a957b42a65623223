/**
 * The GP console: header (brand, account, sign-out, state in words), one screen at a time.
 *
 * Start: `GET /api/me` resumes a session (waiting list) or shows the sign-in. A 401 met
 * anywhere later brings the sign-in back with its reason. The call screen takes the whole
 * width and hides sign-out until the call has ended.
 */
import { h, replace } from "../lib/dom";
import { t } from "../lib/i18n";
import type { CallDeps } from "./call";
import { callScreen } from "./call-view";
import { Hub, isHubError, Code } from "./hub";
import type { Account, RoomTicket, WaitingConsultation } from "./protocol";
import { signinScreen } from "./signin";
import { screenRoot, type Screen } from "./ui";
import { waitingScreen } from "./waiting";

export interface ConsoleOptions {
  hub?: Hub;
  callDeps?: Partial<CallDeps>;
  now?: () => number;
}

export class ConsoleApp {
  readonly hub: Hub;
  private account: Account | null = null;
  private current: Screen | null = null;
  private readonly main: HTMLElement;
  private readonly stateBar: HTMLElement;
  private readonly stateText: HTMLElement;
  private readonly userText: HTMLElement;
  private readonly signoutBtn: HTMLButtonElement;

  constructor(
    private readonly root: HTMLElement,
    private readonly opts: ConsoleOptions = {},
  ) {
    this.hub = opts.hub ?? new Hub();
    this.stateText = h("span", { class: "state-text", testid: "console-state", role: "status" }, t("console.state.starting"));
    this.stateBar = h("div", { class: "state-bar" }, h("span", { class: "state-label" }, t("console.stateLabel")), this.stateText);
    this.userText = h("span", { class: "user-name", testid: "account-name" });
    this.signoutBtn = h("button", { type: "button", class: "btn btn-header", testid: "signout", hidden: true }, t("console.signout"));
    this.signoutBtn.addEventListener("click", () => void this.signOut());
    const header = h(
      "header",
      { class: "app-header" },
      h(
        "div",
        { class: "header-row" },
        h("div", { class: "brand" }, h("span", { class: "brand-name" }, t("app.name")), h("span", { class: "site-name" }, t("console.brand")), this.userText),
        h("nav", { class: "header-nav", "aria-label": t("console.headerLabel") }, this.signoutBtn),
      ),
      this.stateBar,
    );
    this.main = h("main", { class: "app-main", id: "main" });
    replace(this.root, header, this.main);
  }

  async start(): Promise<void> {
    this.show({
      name: "starting",
      root: screenRoot("starting", h("p", { id: "starting-title", class: "lead", role: "status" }, t("console.loading"))),
      state: "console.state.starting",
    });
    try {
      const account = await this.hub.me();
      this.signedIn(account);
    } catch (e) {
      // Not signed in is the usual case; only other failures are worth a message.
      const quiet = isHubError(e) && (e.code === Code.NotSignedIn || e.status === 401);
      this.showSignin(null, quiet ? undefined : e);
    }
  }

  showSignin(message: string | null = null, startError?: unknown): void {
    this.account = null;
    this.userText.textContent = "";
    this.show(signinScreen({ hub: this.hub, message, startError, onSignedIn: (a) => this.signedIn(a) }));
  }

  showWaiting(): void {
    if (!this.account) return this.showSignin();
    this.show(
      waitingScreen({
        hub: this.hub,
        account: this.account,
        now: this.opts.now,
        onAccepted: (ticket, c) => this.showCall(ticket, c),
        onSignedOut: (message) => this.showSignin(message),
      }),
    );
  }

  showCall(ticket: RoomTicket, consultation: WaitingConsultation): void {
    this.show(
      callScreen({
        ticket,
        consultation,
        hub: this.hub,
        deps: this.opts.callDeps,
        onBack: () => this.showWaiting(),
        onEnded: () => (this.signoutBtn.hidden = false),
      }),
    );
  }

  async signOut(): Promise<void> {
    try {
      await this.hub.logout();
    } catch {
      // The session is dropped on this side whatever the hub answers.
    }
    this.showSignin(t("console.signin.signedOut"));
  }

  private signedIn(account: Account): void {
    this.account = account;
    this.userText.textContent = account.name;
    this.showWaiting();
  }

  private show(screen: Screen): void {
    this.current?.dispose?.();
    this.current = screen;
    replace(this.main, screen.root);
    this.main.classList.toggle("app-main--wide", !!screen.wide);
    this.signoutBtn.hidden = !this.account || screen.name === "call";
    this.stateBar.hidden = screen.name === "call";
    this.stateBar.className = `state-bar state-bar--${screen.tone ?? "neutral"}`;
    this.stateText.textContent = t(screen.state);
    const target = screen.root.querySelector<HTMLElement>("[data-autofocus]") ?? screen.root.querySelector<HTMLElement>("h1");
    target?.focus({ preventScroll: true });
  }

  stop(): void {
    this.current?.dispose?.();
    this.current = null;
  }
}
