import type { LayoutProps } from "../lib/web/types.ts";
import { Nav } from "../components/nav.tsx";

/** The HTML shell of every page. */
export default function App({ Component, state, url }: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <title>RT Messenger</title>
        <link rel="stylesheet" href="/styles.css" />
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <Nav user={state.user} path={url.pathname} />
        <main id="main">
          <Component />
        </main>
      </body>
    </html>
  );
}
