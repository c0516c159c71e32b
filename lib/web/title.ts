/**
 * Page titles: a page renders `<PageTitle text="Contacts" />` anywhere in its
 * tree and the document's `<title>` becomes "Contacts · RT Messenger".
 * Server rendering is synchronous, so one pending value per render suffices.
 * @module
 */

/** The app's name, the suffix of every title. */
export const APP_NAME = "RT Messenger";

let pending: string | undefined;

/** Sets the current page's title (renders nothing). */
export function PageTitle({ text }: { text: string }): null {
  pending = text;
  return null;
}

/** Clears the pending title (before a render). */
export function resetTitle(): void {
  pending = undefined;
}

/** The full title for the last render: "Page · RT Messenger" or the name. */
export function takeTitle(): string {
  const text = pending?.trim();
  pending = undefined;
  return text ? `${text} · ${APP_NAME}` : APP_NAME;
}
