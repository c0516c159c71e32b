import type { ComponentChildren } from "preact";
import { type MdNode, parseMarkdown } from "../../lib/chat/client/markdown.ts";

function render(nodes: MdNode[]): ComponentChildren[] {
  return nodes.map((n, i) => {
    if (typeof n === "string") return n;
    switch (n.t) {
      case "b":
        return <strong key={i}>{render(n.c)}</strong>;
      case "i":
        return <em key={i}>{render(n.c)}</em>;
      case "s":
        return <del key={i}>{render(n.c)}</del>;
      case "code":
        return <code key={i}>{n.text}</code>;
      case "pre":
        return (
          <pre key={i} class="md-pre" tabIndex={0}>
            <code>{n.text}</code>
          </pre>
        );
      case "br":
        return <br key={i} />;
      case "p":
        return <p key={i} class="md-p">{render(n.c)}</p>;
      case "quote":
        return <blockquote key={i} class="md-quote">{render(n.c)}</blockquote>;
      case "ul":
        return <ul key={i} class="md-list">{render(n.c)}</ul>;
      case "ol":
        return <ol key={i} class="md-list" start={n.start}>{render(n.c)}</ol>;
      case "li":
        return <li key={i}>{render(n.c)}</li>;
      case "a":
        return (
          <a
            key={i}
            href={n.href}
            target="_blank"
            rel="noopener noreferrer"
          >
            {render(n.c)}
          </a>
        );
    }
  });
}

/**
 * Message text rendered from the chat's Markdown subset as Preact elements
 * (see `lib/chat/client/markdown.ts`). Never builds HTML from the text:
 * raw HTML shows as text, links are only http, https and mailto, and open
 * in a new tab without access to this page.
 */
export function MessageText({ text }: { text: string }) {
  return <div class="md">{render(parseMarkdown(text))}</div>;
}
