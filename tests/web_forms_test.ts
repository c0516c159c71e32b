import { assertEquals, assertStringIncludes } from "./helpers/assert.ts";
import { Client } from "./helpers/client.ts";
import { withServer } from "./helpers/server.ts";

Deno.test("auth: a broken username rule is said once on the sign-up page, and the field points at it", async () => {
  await withServer(async (s) => {
    const res = await new Client(s.url).fetch("/signup", {
      form: { username: "No Spaces!", password: "password123" },
    });
    const html = await res.text();
    assertEquals(res.status, 400);
    const main = html.slice(html.indexOf("<main"), html.indexOf("</main>"));
    assertEquals(main.match(/3 to 32/g)?.length, 1, main);
    assertStringIncludes(main, 'aria-describedby="form-error"');
    assertStringIncludes(main, 'id="form-error"');
  });
});
