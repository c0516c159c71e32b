/**
 * Every page of the app, for the page-wide browser checks (axe-core
 * accessibility in a11y_test.ts, phone-width screenshots). ADD YOUR NEW
 * PAGES HERE (settings, admin, search …): one entry each, with a path (or a
 * function that creates what the page needs and returns its path).
 * @module
 */
import type { Client } from "../helpers/client.ts";
import type { TestServer } from "../helpers/server.ts";

/** What a page entry may use to set itself up. */
export interface PageWorld {
  server: TestServer;
  /** A signed-in user with a room, messages, contacts and a campaign draft. */
  user: Client;
  /** Ids created by {@link seedWorld}. */
  ids: { room: string; campaign: string };
}

/** One page to check. */
export interface PageSpec {
  name: string;
  /** Signed in as `world.user`, or signed out. */
  signedIn: boolean;
  path: string | ((world: PageWorld) => string | Promise<string>);
  /** A CSS selector that shows the page is ready (default: `main h1`). */
  ready?: string;
}

/** The list. Keep it complete: a page missing here is never checked. */
export const PAGES: PageSpec[] = [
  { name: "login", signedIn: false, path: "/login" },
  { name: "signup", signedIn: false, path: "/signup" },
  { name: "not found", signedIn: false, path: "/no-such-page" },
  {
    name: "forgot password",
    signedIn: false,
    path: "/password/forgot",
    ready: 'main h1:has-text("Forgot your password")',
  },
  {
    name: "reset password, stale link",
    signedIn: false,
    path: "/password/reset/not-a-valid-token",
    ready: 'main h1:has-text("Set a new password")',
  },
  {
    name: "verify email, stale link",
    signedIn: false,
    path: "/verify-email/not-a-valid-token",
    ready: 'main h1:has-text("Verify your email")',
  },
  {
    name: "unsubscribe, stale link",
    signedIn: false,
    path: "/unsubscribe/not-a-valid-token",
    ready: 'main h1:has-text("Link not valid")',
  },
  {
    name: "missed-mention mail unsubscribe, stale link",
    signedIn: false,
    path: "/unsubscribe/digest/not-a-valid-token",
    ready: 'main h1:has-text("Link not valid")',
  },
  { name: "home", signedIn: true, path: "/" },
  { name: "chat", signedIn: true, path: "/chat" },
  {
    name: "chat room",
    signedIn: true,
    path: (w) => `/chat/${w.ids.room}`,
    ready: "#chat-input:not([disabled])",
  },
  { name: "contacts", signedIn: true, path: "/contacts" },
  { name: "campaigns", signedIn: true, path: "/campaigns" },
  { name: "new campaign", signedIn: true, path: "/campaigns/new" },
  {
    name: "campaign",
    signedIn: true,
    path: (w) => `/campaigns/${w.ids.campaign}`,
  },
  { name: "outbox", signedIn: true, path: "/outbox" },
  { name: "settings", signedIn: true, path: "/settings" },
  {
    name: "people",
    signedIn: true,
    path: "/people",
    ready: 'main h1:has-text("People")',
  },
  // The seeded user is the server's first account, so an admin.
  {
    name: "admin",
    signedIn: true,
    path: "/admin",
    ready: 'main h1:has-text("Administration")',
  },
];

/** Creates the data the pages show (a room with messages, contacts, a draft). */
export async function seedWorld(
  server: TestServer,
  user: Client,
): Promise<PageWorld> {
  const room = await user.json<{ id: string }>("/api/rooms", {
    json: { name: "general talk", visibility: "public" },
  });
  const group = await user.json<{ id: string }>("/api/groups", {
    json: { name: "Friends" },
  });
  for (let i = 0; i < 4; i++) {
    const r = await user.fetch("/api/contacts", {
      json: {
        name: `Person ${i} With A Rather Long Name`,
        email: `person.${i}.long-address@example-company.com`,
        company: "Example Company",
        groups: [group.body.id],
      },
    });
    await r.body?.cancel();
  }
  const campaign = await user.json<{ id: string }>("/api/campaigns", {
    json: {
      subject: "Autumn update",
      text: "Hi {{first_name|there}}, news.",
      to: { groups: [group.body.id] },
    },
  });
  return {
    server,
    user,
    ids: { room: room.body.id, campaign: campaign.body.id },
  };
}
