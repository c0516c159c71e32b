import type { Person } from "../../lib/chat/client/api_essentials.ts";

/** Props of {@link MentionPopup}. */
export interface MentionPopupProps {
  id: string;
  items: Person[];
  active: number;
  onPick: (username: string) => void;
}

/** The `@` suggestion list under the composer (a listbox the textarea controls). */
export function MentionPopup(p: MentionPopupProps) {
  return (
    <ul
      id={p.id}
      class="chat-mentions-popup"
      role="listbox"
      aria-label="People"
    >
      {p.items.map((person, i) => (
        <li
          key={person.username}
          id={`${p.id}-${i}`}
          role="option"
          aria-selected={i === p.active}
          class={i === p.active ? "is-active" : undefined}
          onMouseDown={(e) => {
            e.preventDefault();
            p.onPick(person.username);
          }}
        >
          <strong>@{person.username}</strong>
          {person.displayName && (
            <span class="chat-muted">{person.displayName}</span>
          )}
        </li>
      ))}
    </ul>
  );
}
