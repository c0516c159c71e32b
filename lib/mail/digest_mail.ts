/**
 * The missed-mention mail: up to 20 items with links into the app, a
 * one-click unsubscribe (RFC 8058) that turns the setting off.
 * @module
 */
import { escapeHtml } from "./digest_html.ts";
import type { DigestItem } from "./digest_items.ts";
import { domainOf, parseMailbox } from "./headers.ts";
import type { OutgoingMail } from "./transport.ts";

/** Everything the mail needs. */
export interface DigestMailInput {
  jobId: string;
  to: { email: string; name?: string };
  items: DigestItem[];
  appUrl: string;
  mailFrom: string;
  unsubscribeToken: string;
}

/** The link that opens the app at one message. */
export function itemLink(appUrl: string, item: DigestItem): string {
  return `${appUrl.replace(/\/$/, "")}/chat/${
    encodeURIComponent(item.room)
  }?at=${item.message.seq}`;
}

/** Whitespace folded, cut to `n` characters with an ellipsis. */
export function clip(text: string, n = 200): string {
  const chars = [...text.replace(/\s+/g, " ").trim()];
  return chars.length > n
    ? chars.slice(0, n - 1).join("") + "…"
    : chars.join("");
}

/** Renders the digest as a mail for the transport. */
export function digestMail(i: DigestMailInput): OutgoingMail {
  const from = parseMailbox(i.mailFrom);
  const base = i.appUrl.replace(/\/$/, "");
  const unsub = `${base}/unsubscribe/digest/${i.unsubscribeToken}`;
  const n = i.items.length;
  const subject = `${n} message${
    n === 1 ? "" : "s"
  } you missed in RT Messenger`;
  const where = (it: DigestItem) =>
    it.direct ? `Direct message from ${it.message.author}` : `#${it.roomName}`;
  const lines = i.items.map((it) =>
    `${where(it)} · ${it.message.author}, ${
      it.message.createdAt.slice(0, 16).replace("T", " ")
    } UTC\n  ${clip(it.message.text)}\n  ${itemLink(base, it)}`
  );
  const text = [
    `You were mentioned or sent direct messages you have not read yet:`,
    "",
    ...lines.flatMap((l) => [l, ""]),
    `Change how often these mails come in the app's settings, or unsubscribe: ${unsub}`,
  ].join("\n");
  const html = [
    `<p>You were mentioned or sent direct messages you have not read yet:</p><ul>`,
    ...i.items.map((it) =>
      `<li><strong>${escapeHtml(where(it))}</strong> · ${
        escapeHtml(it.message.author)
      }<br>${escapeHtml(clip(it.message.text))}<br><a href="${
        escapeHtml(itemLink(base, it))
      }">Open in RT Messenger</a></li>`
    ),
    `</ul><p><a href="${
      escapeHtml(unsub)
    }">Unsubscribe from these mails</a></p>`,
  ].join("");
  return {
    from,
    to: { address: i.to.email, name: i.to.name },
    subject,
    text,
    html,
    messageId: `<digest-${i.jobId}@${domainOf(from.address) || "localhost"}>`,
    headers: {
      "List-Unsubscribe": `<${unsub}>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    },
  };
}
