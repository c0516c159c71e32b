import assert from "node:assert/strict";
import { ForbiddenError, NotFoundError } from "../lib/errors.ts";
import { GroupCommitter } from "../lib/chat/group_commit.ts";
import { sendMessage } from "../lib/chat/messages.ts";
import {
  addMember,
  createRoom,
  getRoom,
  joinRoom,
  leaveRoom,
  listJoinableRooms,
  listMyRooms,
  markRead,
  openDm,
  requireMember,
} from "../lib/chat/rooms.ts";
import { withKv } from "./helpers/kv.ts";

const users = new Set(["alice", "bob", "carol"]);
const exists = (u: string) => Promise.resolve(users.has(u));

Deno.test("rooms: the creator of a room is a member and sees it in the list", () =>
  withKv(async (kv) => {
    const r = await createRoom(kv, "alice", {
      name: "  general ",
      visibility: "public",
    });
    assert.equal(r.name, "general");
    assert.equal(r.visibility, "public");
    const mine = await listMyRooms(kv, "alice");
    assert.deepEqual(mine, [{ ...r, unread: 0 }]);
  }));

Deno.test("rooms: bad names and visibilities are refused", () =>
  withKv(async (kv) => {
    for (const name of ["", "   ", "x".repeat(81), "a\nb", 5]) {
      await assert.rejects(
        createRoom(kv, "alice", { name, visibility: "public" }),
        { code: "invalid_name" },
      );
    }
    await assert.rejects(
      createRoom(kv, "alice", { name: "x", visibility: "direct" }),
      { code: "invalid_visibility" },
    );
    assert.deepEqual(await listMyRooms(kv, "alice"), []);
  }));

Deno.test("rooms: a non-member cannot read a private room (404) or an unjoined public one (403)", () =>
  withKv(async (kv) => {
    const priv = await createRoom(kv, "alice", {
      name: "secret",
      visibility: "private",
    });
    const pub = await createRoom(kv, "alice", {
      name: "open",
      visibility: "public",
    });
    await assert.rejects(getRoom(kv, "bob", priv.id), NotFoundError);
    await assert.rejects(joinRoom(kv, "bob", priv.id), NotFoundError);
    await assert.rejects(getRoom(kv, "bob", pub.id), ForbiddenError);
    await assert.rejects(getRoom(kv, "bob", "NOSUCHROOM"), NotFoundError);
    // A non-member cannot add anyone, not even themselves.
    await assert.rejects(
      addMember(kv, "bob", priv.id, "bob", exists),
      NotFoundError,
    );
    const joinable = await listJoinableRooms(kv, "bob");
    assert.deepEqual(joinable.map((r) => r.id), [pub.id]);
  }));

Deno.test("rooms: join and leave a public room", () =>
  withKv(async (kv) => {
    const pub = await createRoom(kv, "alice", {
      name: "open",
      visibility: "public",
    });
    await joinRoom(kv, "bob", pub.id);
    await joinRoom(kv, "bob", pub.id); // idempotent
    assert.equal((await getRoom(kv, "bob", pub.id)).name, "open");
    assert.deepEqual(await listJoinableRooms(kv, "bob"), []);
    assert.deepEqual((await listMyRooms(kv, "bob")).map((r) => r.id), [pub.id]);
    await leaveRoom(kv, "bob", pub.id);
    await assert.rejects(requireMember(kv, "bob", pub.id), ForbiddenError);
    assert.deepEqual(await listMyRooms(kv, "bob"), []);
  }));

Deno.test("rooms: a member may add a user to a private room; unknown users are 404", () =>
  withKv(async (kv) => {
    const priv = await createRoom(kv, "alice", {
      name: "secret",
      visibility: "private",
    });
    await addMember(kv, "alice", priv.id, "bob", exists);
    assert.equal((await getRoom(kv, "bob", priv.id)).visibility, "private");
    await addMember(kv, "bob", priv.id, "carol", exists);
    await getRoom(kv, "carol", priv.id);
    await assert.rejects(
      addMember(kv, "alice", priv.id, "mallory", exists),
      { code: "user_not_found" },
    );
  }));

Deno.test("rooms: a DM between two users is the same room every time, from either side", () =>
  withKv(async (kv) => {
    const results = await Promise.all([
      openDm(kv, "alice", "bob", exists),
      openDm(kv, "bob", "alice", exists),
      openDm(kv, "alice", "bob", exists),
    ]);
    assert.equal(new Set(results.map((r) => r.id)).size, 1);
    assert.equal(results[0].name, "bob");
    assert.equal(results[1].name, "alice");
    assert.equal(results[0].visibility, "direct");
    await assert.rejects(getRoom(kv, "carol", results[0].id), NotFoundError);
    await assert.rejects(joinRoom(kv, "carol", results[0].id), NotFoundError);
    await assert.rejects(
      addMember(kv, "alice", results[0].id, "carol", exists),
      { code: "direct_room" },
    );
    await assert.rejects(leaveRoom(kv, "alice", results[0].id), {
      code: "cannot_leave_dm",
    });
    await assert.rejects(openDm(kv, "alice", "nobody", exists), NotFoundError);
    const other = await openDm(kv, "alice", "carol", exists);
    assert.notEqual(other.id, results[0].id);
  }));

Deno.test("rooms: unread counts come from the per-user read marker", () =>
  withKv(async (kv) => {
    const w = new GroupCommitter(kv);
    const dm = await openDm(kv, "alice", "bob", exists);
    for (let i = 0; i < 3; i++) {
      await sendMessage(kv, w, "alice", dm.id, { text: `m${i}`, cid: `c${i}` });
    }
    // The author has read their own messages.
    assert.equal((await listMyRooms(kv, "alice"))[0].unread, 0);
    assert.equal((await listMyRooms(kv, "bob"))[0].unread, 3);
    assert.equal(await markRead(kv, "bob", dm.id, 2), 2);
    assert.equal((await listMyRooms(kv, "bob"))[0].unread, 1);
    // Never backwards, clamped to the latest seq.
    assert.equal(await markRead(kv, "bob", dm.id, 1), 2);
    assert.equal(await markRead(kv, "bob", dm.id, 99), 3);
    assert.equal((await listMyRooms(kv, "bob"))[0].unread, 0);
    await assert.rejects(markRead(kv, "carol", dm.id, 1), NotFoundError);
    await w.close();
  }));
