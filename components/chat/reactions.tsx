import { useEffect, useRef } from "preact/hooks";
import { emojiName, REACTION_EMOJI } from "../../lib/chat/emoji.ts";
import type { Reaction } from "../../lib/chat/protocol.ts";

function who(users: string[], me: string): string {
  const names = users.map((u) => (u === me ? "you" : u));
  if (names.length <= 3) return names.join(", ");
  return `${names.slice(0, 3).join(", ")} and ${names.length - 3} more`;
}

/** The reactions under a message: one toggle button per emoji with its count. */
export function ReactionBar(
  { reactions, me, onToggle }: {
    reactions: Reaction[];
    me: string;
    onToggle?: (emoji: string) => void;
  },
) {
  if (!reactions.length) return null;
  return (
    <ul class="chat-reactions" aria-label="Reactions">
      {reactions.map((r) => {
        const mine = r.users.includes(me);
        const label = `${emojiName(r.emoji) || r.emoji}: ${r.users.length} (${
          who(r.users, me)
        })`;
        return (
          <li key={r.emoji}>
            <button
              type="button"
              class={"chat-reaction" + (mine ? " is-mine" : "")}
              aria-pressed={mine}
              aria-label={label}
              title={label}
              disabled={!onToggle}
              onClick={() => onToggle?.(r.emoji)}
            >
              <span aria-hidden="true">{r.emoji}</span>{" "}
              <span aria-hidden="true">{r.users.length}</span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}

const RECENT_KEY = "rt-recent-reactions";

/** Recently used reaction emoji (newest first, at most 8), from localStorage. */
export function recentEmoji(): string[] {
  try {
    const raw = JSON.parse(localStorage.getItem(RECENT_KEY) ?? "[]");
    const allowed = new Set(REACTION_EMOJI.map(([e]) => e));
    return Array.isArray(raw)
      ? raw.filter((e) => allowed.has(e)).slice(0, 8)
      : [];
  } catch {
    return [];
  }
}

/** Remembers `emoji` as recently used. */
export function rememberEmoji(emoji: string): void {
  try {
    const next = [emoji, ...recentEmoji().filter((e) => e !== emoji)];
    localStorage.setItem(RECENT_KEY, JSON.stringify(next.slice(0, 8)));
  } catch {
    // storage unavailable: no recents
  }
}

/**
 * The emoji picker: recently used first, then the fixed set, as a grid of
 * buttons. Escape closes it; focus starts on the first emoji.
 */
export function EmojiPicker(
  { onPick, onClose }: {
    onPick: (emoji: string) => void;
    onClose: () => void;
  },
) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    box.current?.querySelector<HTMLButtonElement>("button")?.focus();
  }, []);
  const recent = recentEmoji();
  const pick = (e: string) => {
    rememberEmoji(e);
    onPick(e);
    onClose();
  };
  const grid = (list: string[], label: string) => (
    <div role="group" aria-label={label} class="chat-picker-grid">
      {list.map((e) => (
        <button
          key={label + e}
          type="button"
          aria-label={emojiName(e)}
          title={emojiName(e)}
          onClick={() => pick(e)}
        >
          {e}
        </button>
      ))}
    </div>
  );
  return (
    <div
      class="chat-picker"
      ref={box}
      role="dialog"
      aria-label="Add a reaction"
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.stopPropagation();
          onClose();
        }
      }}
    >
      {recent.length > 0 && grid(recent, "Recently used")}
      {grid(REACTION_EMOJI.map(([e]) => e), "All reactions")}
    </div>
  );
}
