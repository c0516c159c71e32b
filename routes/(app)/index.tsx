import { PageTitle } from "../../lib/web/title.ts";
import type { PageProps } from "../../lib/web/types.ts";

/** Home: where to go next. */
export default function Home({ state }: PageProps) {
  return (
    <section class="home">
      <PageTitle text="Home" />
      <h1>Welcome, {state.user!.username}</h1>
      <ul class="tiles">
        <li>
          <a class="tile" href="/chat">
            <strong>Chat</strong>
            <span>Rooms and direct messages, live.</span>
          </a>
        </li>
        <li>
          <a class="tile" href="/contacts">
            <strong>Contacts</strong>
            <span>Your address book, groups, import and export.</span>
          </a>
        </li>
        <li>
          <a class="tile" href="/campaigns">
            <strong>Group mail</strong>
            <span>One personalised mail to a whole group.</span>
          </a>
        </li>
      </ul>
    </section>
  );
}
