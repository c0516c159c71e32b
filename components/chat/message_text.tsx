import { linkify } from "../../lib/chat/client/linkify.ts";

/**
 * Message text as text nodes, with http(s) URLs as links that open in a new
 * tab without access to this page. Never builds HTML from the text.
 */
export function MessageText({ text }: { text: string }) {
  return (
    <>
      {linkify(text).map((s, i) =>
        s.kind === "text"
          ? s.text
          : (
            <a key={i} href={s.href} target="_blank" rel="noopener noreferrer">
              {s.text}
            </a>
          )
      )}
    </>
  );
}
