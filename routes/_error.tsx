import { PageTitle } from "../lib/web/title.ts";
import type { ErrorPageProps } from "../lib/web/types.ts";

/** The page for errors: status and a user-safe message, never a stack. */
export default function ErrorPage({ status, message }: ErrorPageProps) {
  return (
    <section class="card narrow" role="alert">
      <PageTitle text={status >= 500 ? "Error" : `Error ${status}`} />
      <h1>{status >= 500 ? "Something went wrong" : `Error ${status}`}</h1>
      <p>{message}</p>
      <p>
        <a href="/">Go to the home page</a>
      </p>
    </section>
  );
}
