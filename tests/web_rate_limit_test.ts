import {
  assert,
  assertEquals,
  assertStringIncludes,
} from "./helpers/assert.ts";
import { Client, uniqueName } from "./helpers/client.ts";
import { withServer } from "./helpers/server.ts";
import { loadConfig } from "../lib/config.ts";
import { logIn, signUp } from "../lib/auth/accounts.ts";
import { delayAfter, MAX_DELAY_MS } from "../lib/auth/login_throttle.ts";
import { release, reserve, windowSlot } from "../lib/rate_limit.ts";
import { TooManyRequestsError } from "../lib/errors.ts";

const HOUR = 3600_000;

Deno.test("rate limit: 100 parallel reservations against a limit of 7 grant exactly 7", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const limit = { max: 7, windowMs: HOUR };
    const results = await Promise.all(
      Array.from(
        { length: 100 },
        () => reserve(kv, [windowSlot("t", "k", limit)]),
      ),
    );
    assertEquals(results.filter((r) => r.ok).length, 7);
    const refused = results.find((r) => !r.ok);
    assert(refused && !refused.ok && refused.retryAfterMs > 0);
  } finally {
    kv.close();
  }
});

Deno.test("rate limit: a reservation over several counters is all or nothing, and release gives it back", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const wide = { max: 10, windowMs: HOUR };
    const narrow = { max: 1, windowMs: HOUR };
    const first = await reserve(kv, [
      windowSlot("a", "k", wide),
      windowSlot("b", "k", narrow),
    ]);
    assert(first.ok);
    const second = await reserve(kv, [
      windowSlot("a", "k", wide),
      windowSlot("b", "k", narrow),
    ]);
    assertEquals(second.ok, false);
    // The refused attempt did not count in the wide counter.
    const probe = await reserve(kv, [
      windowSlot("a", "k", { max: 2, windowMs: HOUR }),
    ]);
    assert(probe.ok, "the wide counter holds 1, not 2");
    await release(kv, first.reservation);
    const third = await reserve(kv, [windowSlot("b", "k", narrow)]);
    assert(third.ok, "released: the narrow counter is free again");
  } finally {
    kv.close();
  }
});

Deno.test("auth: 40 parallel wrong passwords with the right one last: at most the limit is checked and it does not sign in", async () => {
  await withServer(async (s) => {
    const owner = await new Client(s.url).signup(
      uniqueName("vic"),
      "password123",
    );
    const attempts = Array.from(
      { length: 40 },
      (_, i) =>
        new Client(s.url).login(
          owner.username!,
          i === 39 ? "password123" : `wrong-${i}`,
        ),
    );
    const answers = await Promise.all(attempts);
    const statuses = answers.map((r) => r.status);
    assertEquals(
      statuses[39],
      429,
      "the right password at position 40 is refused",
    );
    assertEquals(statuses.filter((s) => s === 303).length, 0);
    assertEquals(statuses.filter((s) => s === 400).length, 5);
    assertEquals(statuses.filter((s) => s === 429).length, 35);
  }, { env: { LOGIN_FAILURES_PER_USER: "5" } });
});

Deno.test("auth: 150 parallel failures from one IP: exactly LOGIN_FAILURES_PER_IP are checked", async () => {
  await withServer(async (s) => {
    const answers = await Promise.all(
      Array.from(
        { length: 150 },
        (_, i) => new Client(s.url).login(`ghost_${i}`, "bad-password"),
      ),
    );
    const statuses = answers.map((r) => r.status);
    assertEquals(statuses.filter((s) => s === 400).length, 20);
    assertEquals(statuses.filter((s) => s === 429).length, 130);
  }, { env: { LOGIN_FAILURES_PER_IP: "20" } });
});

Deno.test("auth: 60 parallel sign-ups against SIGNUPS_PER_IP_PER_HOUR=30 create exactly 30 accounts", async () => {
  await withServer(async (s) => {
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        new Client(s.url).fetch("/signup", {
          form: { username: uniqueName(`par${i}`), password: "password123" },
        }).then(async (r) => {
          await r.body?.cancel();
          return r.status;
        })),
    );
    assertEquals(answers.filter((s) => s === 303).length, 30);
    assertEquals(answers.filter((s) => s === 429).length, 30);
  }, { env: { SIGNUPS_PER_IP_PER_HOUR: "30" } });
});

Deno.test("auth: a 429 login says when to retry, in Retry-After and on the page", async () => {
  await withServer(async (s) => {
    const c = new Client(s.url);
    const name = uniqueName("wait");
    for (let i = 0; i < 2; i++) await c.login(name, "bad-password");
    const res = await c.fetch("/login", {
      form: { username: name, password: "bad-password" },
    });
    const html = await res.text();
    assertEquals(res.status, 429);
    const seconds = Number(res.headers.get("retry-after"));
    assert(seconds > 0 && seconds <= 15 * 60, `Retry-After ${seconds}`);
    assertStringIncludes(html, "Try again in ");
    assert(/Try again in \d+ (seconds?|minutes)\./.test(html), html);
  }, { env: { LOGIN_FAILURES_PER_USER: "2" } });
});

Deno.test("auth: failures from other addresses slow a username down but never lock its owner out", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const config = loadConfig({
      KV_PATH: ":memory:",
      LOGIN_FAILURES_PER_USER: "3",
      LOGIN_FAILURES_PER_IP: "100",
    });
    await signUp(kv, { ...config, signupsPerIpPerHour: 10 }, {
      username: "owner",
      password: "password123",
    }, "10.0.0.1");
    // An attacker fails 3 times from 10.6.6.6: that address is now refused.
    for (let i = 0; i < 3; i++) {
      const err = await logIn(kv, config, {
        username: "owner",
        password: "nope-nope",
      }, "10.6.6.6")
        .catch((e) => e);
      assertEquals(err.status, 400);
    }
    const refused = await logIn(kv, config, {
      username: "owner",
      password: "nope-nope",
    }, "10.6.6.6")
      .catch((e) => e);
    assert(refused instanceof TooManyRequestsError);
    // The owner, from their own address, waits at most the growing delay.
    const early = await logIn(kv, config, {
      username: "owner",
      password: "password123",
    }, "10.0.0.1")
      .catch((e) => e);
    assert(early instanceof TooManyRequestsError, "slowed down");
    assert(early.retryAfter! <= 1, `waits ${early.retryAfter} s`);
    await new Promise((r) => setTimeout(r, early.retryAfter! * 1000 + 50));
    const user = await logIn(kv, config, {
      username: "owner",
      password: "password123",
    }, "10.0.0.1");
    assertEquals(user.username, "owner");
  } finally {
    kv.close();
  }
});

Deno.test("auth: the per-username delay grows and is capped", () => {
  assertEquals(delayAfter(2, 5), 0);
  assertEquals(delayAfter(5, 5), 1000);
  assertEquals(delayAfter(6, 5), 2000);
  assertEquals(delayAfter(8, 5), 8000);
  assertEquals(delayAfter(50, 5), MAX_DELAY_MS);
});
