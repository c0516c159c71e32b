import type { User } from "../lib/auth/users.ts";
import { ThemeToggle } from "../islands/theme_toggle.tsx";
import { Avatar } from "./avatar.tsx";

/** Top navigation: app sections, the signed-in user, logout. */
export function Nav({ user, path }: { user?: User; path: string }) {
  const link = (href: string, label: string) => (
    <a
      href={href}
      aria-current={path === href ||
          (href !== "/" && path.startsWith(href + "/"))
        ? "page"
        : undefined}
    >
      {label}
    </a>
  );
  return (
    <header class="topbar">
      <a class="brand" href="/">RT Messenger</a>
      {user && (
        <nav aria-label="Main">
          {link("/chat", "Chat")}
          {link("/contacts", "Contacts")}
          {link("/campaigns", "Mail")}
          {link("/people", "People")}
          {user.role === "admin" && link("/admin", "Admin")}
        </nav>
      )}
      <div class="topbar-end">
        {user
          ? (
            <>
              <ThemeToggle />
              <a class="user" href="/settings" title="Settings">
                <Avatar
                  username={user.username}
                  name={user.displayName || user.username}
                  size={24}
                />{" "}
                {user.displayName || user.username}
              </a>
              <form method="post" action="/logout" class="inline">
                <button type="submit" class="link">Log out</button>
              </form>
            </>
          )
          : (
            <>
              <a href="/login">Log in</a>
              <a href="/signup">Sign up</a>
            </>
          )}
      </div>
    </header>
  );
}
