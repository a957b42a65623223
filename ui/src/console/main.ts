/**
 * Entry of the GP console (console.html, served by the hub at `/`).
 *
 * In the dev server only, `?mock` replaces the hub and the call by the in-memory fakes of
 * ./dev/mock.ts (for screenshots). In a production build `import.meta.env.DEV` is `false`,
 * so the mock is not even bundled.
 */
import "../styles/station.css";
import "../styles/console.css";
import { ConsoleApp, type ConsoleOptions } from "./app";

async function boot() {
  const root = document.getElementById("app");
  if (!root) return;
  let opts: ConsoleOptions = {};
  let scenario: ((app: ConsoleApp) => Promise<void>) | null = null;
  if (import.meta.env.DEV && new URLSearchParams(location.search).has("mock")) {
    const mock = await import("./dev/mock");
    ({ opts, scenario } = mock.installMock(new URLSearchParams(location.search)));
  }
  const app = new ConsoleApp(root, opts);
  await app.start();
  if (scenario) await scenario(app);
}

void boot();
