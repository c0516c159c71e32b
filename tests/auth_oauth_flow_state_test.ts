import assert from "node:assert/strict";
import {
  StateExpiredError,
  StateMismatchError,
  StateMissingError,
} from "../lib/auth/oauth/errors.ts";
import {
  consumeFlow,
  createFlow,
  FLOW_TTL_MS,
} from "../lib/auth/oauth/flow_state.ts";
import { withKv } from "./helpers/kv.ts";

const data = {
  provider: "oidc" as const,
  state: "state-abc",
  codeVerifier: "verifier",
  nonce: "nonce",
  returnTo: "/rooms",
};

Deno.test("oauth flow state: a flow record is returned once, then refused", () =>
  withKv(async (kv) => {
    const id = await createFlow(kv, data);
    const rec = await consumeFlow(kv, id, "oidc", "state-abc");
    assert.equal(rec.codeVerifier, "verifier");
    assert.equal(rec.returnTo, "/rooms");
    await assert.rejects(
      consumeFlow(kv, id, "oidc", "state-abc"),
      StateMissingError,
    );
  }));

Deno.test("oauth flow state: concurrent callbacks, only one wins", () =>
  withKv(async (kv) => {
    const id = await createFlow(kv, data);
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () => consumeFlow(kv, id, "oidc", "state-abc")),
    );
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
    for (const r of results) {
      if (r.status === "rejected") {
        assert.ok(r.reason instanceof StateMissingError);
      }
    }
  }));

Deno.test("oauth flow state: a wrong state is refused and burns the record", () =>
  withKv(async (kv) => {
    const id = await createFlow(kv, data);
    await assert.rejects(
      consumeFlow(kv, id, "oidc", "state-evil"),
      StateMismatchError,
    );
    await assert.rejects(
      consumeFlow(kv, id, "oidc", "state-abc"),
      StateMissingError,
    );
    const id2 = await createFlow(kv, data);
    await assert.rejects(
      consumeFlow(kv, id2, "oidc", null),
      StateMismatchError,
    );
  }));

Deno.test("oauth flow state: a record of another provider is refused", () =>
  withKv(async (kv) => {
    const id = await createFlow(kv, data);
    await assert.rejects(
      consumeFlow(kv, id, "github", "state-abc"),
      StateMismatchError,
    );
  }));

Deno.test("oauth flow state: a record past its 10 minutes is refused", () =>
  withKv(async (kv) => {
    const t0 = Date.now();
    const id = await createFlow(kv, data, t0);
    await assert.rejects(
      consumeFlow(kv, id, "oidc", "state-abc", t0 + FLOW_TTL_MS + 1),
      StateExpiredError,
    );
    assert.equal(FLOW_TTL_MS, 600_000);
  }));

Deno.test("oauth flow state: missing or malformed flow ids are refused", () =>
  withKv(async (kv) => {
    for (
      const id of [undefined, "", "short", "x".repeat(101), "a/b".repeat(10)]
    ) {
      await assert.rejects(consumeFlow(kv, id, "oidc", "s"), StateMissingError);
    }
    await assert.rejects(
      consumeFlow(kv, "A".repeat(43), "oidc", "s"),
      StateMissingError,
    );
  }));
