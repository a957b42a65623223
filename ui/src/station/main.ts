/**
 * Entry of the station webview.
 *
 * In `vite --mode mock` (npm run dev:mock), or in the dev server with `?mock` in the URL,
 * the Tauri backend is replaced by the in-memory mock of src/dev/. In a production build
 * both conditions are constants folded to `false`, so the mock is not even bundled.
 */
import "../styles/station.css";
import { StationApp } from "./app";

async function boot() {
  const root = document.getElementById("app");
  if (!root) return;
  let scenario: ((app: StationApp) => Promise<void>) | null = null;
  if (import.meta.env.MODE === "mock" || (import.meta.env.DEV && new URLSearchParams(location.search).has("mock"))) {
    const mock = await import("../dev/mock-backend");
    scenario = mock.installMockBackend(new URLSearchParams(location.search));
  }
  const app = new StationApp(root);
  await app.start();
  if (scenario) await scenario(app);
}

void boot();
