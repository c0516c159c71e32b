import { hueOf, initialsOf } from "../lib/auth/avatar.ts";

/** A round avatar with coloured initials; decorative next to a name. */
export function Avatar(
  { username, name, size = 32 }: {
    username: string;
    name: string;
    size?: number;
  },
) {
  return (
    <span
      class="avatar"
      aria-hidden="true"
      data-hue={hueOf(username)}
      style={`--avatar-hue:${hueOf(username)};--avatar-size:${size}px`}
    >
      {initialsOf(name)}
    </span>
  );
}
