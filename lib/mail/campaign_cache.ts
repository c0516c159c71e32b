/**
 * The sender's compiled campaigns (templates parsed once), read from KV on
 * first use and dropped when a campaign finishes.
 * @module
 */
import { compileCampaign, type CompiledCampaign } from "./compose.ts";
import { type Campaign, keys } from "./model.ts";

/** At most this many compiled campaigns are kept (then the cache restarts). */
const MAX_CAMPAIGNS = 1000;

/** Compiled campaigns by id. */
export class CampaignCache {
  readonly #kv: Deno.Kv;
  readonly #campaigns = new Map<string, CompiledCampaign>();

  constructor(kv: Deno.Kv) {
    this.#kv = kv;
  }

  /** The compiled campaign `id`, or null when it no longer exists. */
  async get(id: string): Promise<CompiledCampaign | null> {
    let c = this.#campaigns.get(id);
    if (!c) {
      const campaign = (await this.#kv.get<Campaign>(keys.campaign(id))).value;
      if (!campaign) return null;
      c = compileCampaign(campaign);
      if (this.#campaigns.size > MAX_CAMPAIGNS) this.#campaigns.clear();
      this.#campaigns.set(id, c);
    }
    return c;
  }

  /** Forgets campaign `id` (finished: its next use reads it again). */
  delete(id: string): void {
    this.#campaigns.delete(id);
  }
}
