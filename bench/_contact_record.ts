/**
 * One contact-sized record, the raw-KV reference of the contacts benches
 * (`contacts.ts` and `_kv_locality.ts`).
 * @module
 */

/** A stored contact of typical size, in `groups`. */
export function contactRecord(groups: string[] = []): Record<string, unknown> {
  const now = new Date().toISOString();
  return {
    id: "01J0000000000000000000000",
    name: "Ana Lima",
    email: "ana.lima.1@acme.example",
    emails: [{ label: "", value: "ana.lima.1@acme.example" }],
    phone: "+1 234 555 0001",
    phones: [{ label: "", value: "+1 234 555 0001" }],
    company: "Acme",
    groups,
    createdAt: now,
    updatedAt: now,
  };
}
