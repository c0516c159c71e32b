/**
 * Chromium for browser tests, through playwright-core. Without Chromium the
 * tests are skipped with a loud notice, unless REQUIRE_BROWSER=1 (CI), where
 * a missing browser fails the run.
 * @module
 */
import { type Browser, chromium } from "playwright-core";

/** Where Debian's chromium package puts the browser. */
export const CHROMIUM_PATH = Deno.env.get("CHROMIUM_PATH") ??
  "/usr/bin/chromium";

function chromiumExists(): boolean {
  try {
    return Deno.statSync(CHROMIUM_PATH).isFile;
  } catch {
    return false;
  }
}

/** True when browser tests can run here. */
export const hasBrowser = chromiumExists();
const required = Deno.env.get("REQUIRE_BROWSER") === "1";

if (!hasBrowser) {
  const msg =
    `\n!!! Chromium not found at ${CHROMIUM_PATH}: browser tests are ${
      required ? "REQUIRED (REQUIRE_BROWSER=1) and will FAIL" : "SKIPPED"
    }. Install it with: apt-get install -y chromium\n`;
  console.warn(msg);
}

/** Launches headless Chromium with flags that work as root and offline. */
export async function launchBrowser(): Promise<Browser> {
  return await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
}

/**
 * Registers a browser test: skipped (loudly) without Chromium, failing
 * instead when REQUIRE_BROWSER=1.
 */
export function browserTest(
  name: string,
  fn: (browser: Browser) => Promise<void>,
): void {
  Deno.test({
    name,
    ignore: !hasBrowser && !required,
    sanitizeOps: false,
    sanitizeResources: false,
    async fn() {
      if (!hasBrowser) {
        throw new Error(`Chromium is required but missing at ${CHROMIUM_PATH}`);
      }
      const browser = await launchBrowser();
      try {
        await fn(browser);
      } finally {
        await browser.close();
      }
    },
  });
}
