import { PageTitle } from "../lib/web/title.ts";
/** The page for unknown routes. */
export default function NotFound() {
  return (
    <section class="card narrow">
      <PageTitle text="Page not found" />
      <h1>Page not found</h1>
      <p>There is nothing at this address.</p>
      <p>
        <a href="/">Go to the home page</a>
      </p>
    </section>
  );
}
