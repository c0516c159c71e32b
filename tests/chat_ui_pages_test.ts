import { assert, assertEquals } from "./helpers/assert.ts";
import { Client, signedInClient, uniqueName } from "./helpers/client.ts";
import { withServer } from "./helpers/server.ts";
import { GroupCommitter } from "../lib/chat/group_commit.ts";

async function room(
  c: Client,
  name: string,
  visibility: "public" | "private",
): Promise<string> {
  const r = await c.json<{ id: string }>("/api/rooms", {
    method: "POST",
    json: { name, visibility },
  });
  assertEquals(r.status, 201);
  return r.body.id;
}

async function text(res: Response): Promise<string> {
  return await res.text();
}

Deno.test("chat pages: a room page is 404 for non-members, unknown ids and bad input", async () => {
  await withServer(async (server) => {
    const ann = await signedInClient(server.url, uniqueName("ann"));
    const eve = await signedInClient(server.url, uniqueName("eve"));
    const priv = await room(ann, "secret plans", "private");
    const pub = await room(ann, "lobby", "public");
    const dm = await ann.json<{ id: string }>("/api/dms", {
      method: "POST",
      json: {
        username:
          (await signedInClient(server.url, uniqueName("bob"))).username,
      },
    });
    for (
      const path of [
        `/chat/${priv}`,
        `/chat/${pub}`,
        `/chat/${dm.body.id}`,
        "/chat/01ZZZZZZZZZZZZZZZZZZZZZZZZ",
        "/chat/bad%20id",
        `/chat/${pub}?before=-1`,
      ]
    ) {
      const res = await eve.fetch(path);
      const body = await text(res);
      assertEquals(res.status, 404, path);
      assert(!body.includes("secret plans"), `${path} leaks nothing`);
    }
    // Joining the public room makes its page available.
    const join = await eve.fetch(`/api/rooms/${pub}/join`, { method: "POST" });
    await join.body?.cancel();
    const res = await eve.fetch(`/chat/${pub}`);
    await res.body?.cancel();
    assertEquals(res.status, 200);
  });
});

Deno.test("chat pages: signed-out visitors are sent to the login page", async () => {
  await withServer(async (server) => {
    const res = await new Client(server.url).fetch("/chat");
    await res.body?.cancel();
    assertEquals(res.status, 303);
    assert(res.headers.get("location")!.startsWith("/login"));
  });
});

Deno.test("chat pages: the first screen of history is server-rendered, escaped, with older pages as links", async () => {
  await withServer(async (server) => {
    const ann = await signedInClient(server.url, uniqueName("ann"));
    const id = await room(ann, "<b>team</b>", "public");
    const writer = new GroupCommitter(server.kv);
    const texts = Array.from({ length: 60 }, (_, i) => `note ${i + 1}`);
    texts[59] = `<script>alert(1)</script> see https://example.com/x`;
    for (const [i, t] of texts.entries()) {
      await writer.send({
        room: id,
        author: ann.username!,
        text: t,
        cid: `c${i}`,
      });
    }
    await writer.close();

    const res = await ann.fetch(`/chat/${id}`);
    const html = await text(res);
    assertEquals(res.status, 200);
    assert(html.includes('href="/chat.css"'), "links the chat stylesheet");
    assert(
      html.includes("note 11") && !html.includes(">note 10<"),
      "the newest 50 only",
    );
    assert(
      html.includes("&lt;script>alert(1)&lt;/script>") ||
        html.includes("&lt;script&gt;alert(1)&lt;/script&gt;"),
    );
    assert(
      !html.includes("<script>alert(1)"),
      "message text is never raw HTML",
    );
    assert(!html.includes("<b>team</b>"), "room names are escaped");
    assert(
      html.includes(
        '<a href="https://example.com/x" target="_blank" rel="noopener noreferrer">',
      ),
    );
    assert(html.includes(`href="/chat/${id}?before=11"`), "older history link");

    const older = await text(await ann.fetch(`/chat/${id}?before=11`));
    assert(older.includes(">note 1<") && older.includes(">note 10<"));
    assert(!older.includes("note 11<"), "only the older page");
    assert(older.includes("This is the start of the room."));

    const list = await text(await ann.fetch("/chat"));
    assert(list.includes(`href="/chat/${id}"`), "the room list links the room");
  });
});
