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
  const browser = await chromium.launch({
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
  return withPatientTimeouts(browser);
}

/**
 * Waits and navigations get 60 s instead of Playwright's 30 s: a loaded CI
 * machine (2 cores, Chromium plus servers) can be slow. This bounds a hang;
 * it asserts nothing about speed.
 */
export const BROWSER_TIMEOUT_MS = 60_000;

function withPatientTimeouts(browser: Browser): Browser {
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (...args) => {
    const ctx = await newContext(...args);
    ctx.setDefaultTimeout(BROWSER_TIMEOUT_MS);
    ctx.setDefaultNavigationTimeout(BROWSER_TIMEOUT_MS);
    return ctx;
  };
  browser.newPage = async (...args) => {
    const ctx = await browser.newContext(...args);
    const page = await ctx.newPage();
    // Closing the page closes its own context, as Playwright's newPage does.
    page.on("close", () => ctx.close().catch(() => {}));
    return page;
  };
  return browser;
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
