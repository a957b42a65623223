/// <reference types="vitest/config" />
// Build of the Relais web front-ends.
//
// Pages (multi-page build, one HTML entry per front-end):
//   index.html   → dist/index.html   the station (Tauri `frontendDist = ../ui/dist`)
//   console.html → dist/console.html the GP console (later)
//
// `vite --mode mock` (npm run dev:mock) replaces the Tauri backend by the in-memory
// mock of src/dev/mock-backend.ts. The production build never includes it: the import
// sits behind `import.meta.env.MODE === "mock"`, which Vite folds to `false`.
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root: here,
  base: "./",
  clearScreen: false,
  server: { host: "127.0.0.1", port: 5173, strictPort: true },
  envPrefix: ["VITE_", "TAURI_ENV_"],
  build: {
    outDir: resolve(here, "dist"),
    emptyOutDir: true,
    // WebKitGTK 2.40+ (Debian 12 and later) ≈ Safari 16.
    target: ["es2021", "safari16"],
    sourcemap: false,
    rollupOptions: {
      input: {
        index: resolve(here, "index.html"),
        console: resolve(here, "console.html"),
      },
    },
  },
  test: {
    environment: "jsdom",
    include: ["tests/**/*.test.ts"],
    restoreMocks: true,
  },
});
