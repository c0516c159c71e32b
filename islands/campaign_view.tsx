import { useEffect, useRef, useState } from "preact/hooks";
import {
  type CampaignSnapshot,
  finishedCount,
  isCampaignEvent,
} from "../lib/mail/protocol.ts";
import { progressHint, type RateSample } from "../lib/mail/eta.ts";
import { call } from "./mail/api.ts";
import { ConfirmDialog } from "./mail/confirm_dialog.tsx";
import { CampaignTools } from "./mail/campaign_tools.tsx";
import {
  type DraftContent,
  MergeTagWarning,
  withFallback,
} from "./mail/draft_tools.tsx";

/**
 * A campaign's progress, live over the app WebSocket (`campaign` frames),
 * with its controls; drafts get test send, preview, edit and a confirmed send.
 */
export function CampaignView(
  { initial, firstRecipient, content }: {
    initial: CampaignSnapshot;
    firstRecipient?: string;
    /** A draft's content (for the merge-tag fallback). */
    content?: DraftContent;
  },
) {
  const [c, setC] = useState<CampaignSnapshot>(initial);
  const [error, setError] = useState("");
  const [note, setNote] = useState("");
  const [confirm, setConfirm] = useState<"send" | "delete" | null>(null);
  const [draft, setDraft] = useState(content);
  const [, setTick] = useState(0);
  const samples = useRef<RateSample[]>([]);
  const id = initial.id;

  const apply = (next: CampaignSnapshot) => {
    const now = Date.now();
    samples.current = [...samples.current, {
      at: now,
      done: finishedCount(next),
    }].filter((s) => now - s.at < 15_000);
    setC((prev) => ({ ...prev, ...next }));
    // The recipient list island refreshes on this.
    globalThis.dispatchEvent(new CustomEvent("rt:campaign", { detail: next }));
  };

  useEffect(() => {
    let ws: WebSocket | undefined;
    let closed = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let delay = 1000;
    const refresh = () =>
      call<CampaignSnapshot>(`/api/campaigns/${id}`).then(apply).catch(
        () => {},
      );
    const connect = () => {
      const url = `${
        location.protocol === "https:" ? "wss" : "ws"
      }://${location.host}/api/ws`;
      ws = new WebSocket(url);
      ws.onopen = () => {
        delay = 1000;
        refresh(); // anything we missed before the socket was up
      };
      ws.onmessage = (e) => {
        try {
          const frame = JSON.parse(e.data);
          if (isCampaignEvent(frame) && frame.campaign.id === id) {
            apply(frame.campaign);
          }
        } catch { /* not ours */ }
      };
      ws.onclose = () => {
        if (closed) return;
        refresh();
        retry = setTimeout(connect, delay);
        delay = Math.min(delay * 2, 5000);
      };
    };
    connect();
    // The countdown to the next retry moves every second.
    const clock = setInterval(() => setTick((t) => t + 1), 1000);
    return () => {
      closed = true;
      clearTimeout(retry);
      clearInterval(clock);
      ws?.close();
    };
  }, [id]);

  const run = async (fn: () => Promise<void>) => {
    setError("");
    setNote("");
    try {
      await fn();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const act = (action: string, body?: unknown) =>
    run(async () =>
      apply(await call(`/api/campaigns/${id}/${action}`, "POST", body))
    );
  const duplicate = () =>
    run(async () => {
      const d = await call<{ id: string }>(
        `/api/campaigns/${id}/duplicate`,
        "POST",
      );
      location.assign(`/campaigns/${d.id}`);
    });
  const remove = () =>
    run(async () => {
      await call(`/api/campaigns/${id}`, "DELETE");
      location.assign("/campaigns");
    });
  const useFallback = () =>
    run(async () => {
      const next = withFallback(draft!);
      apply(await call(`/api/campaigns/${id}`, "PATCH", next));
      setDraft(next);
      setNote("Merge tags now fall back to “there”.");
    });

  const done = finishedCount(c);
  const pct = c.total ? Math.floor((done / c.total) * 100) : 100;
  const willSend = c.willSend ?? c.total;
  const finished = c.status === "done" || c.status === "cancelled";

  return (
    <div class="campaign-view">
      <p class="status-line">
        Status:{" "}
        <strong class={`status status-${c.status}`} data-status={c.status}>
          {c.status}
        </strong>
      </p>
      {c.status !== "draft" && (
        <div class="progress-box">
          <label for="campaign-progress">Progress</label>
          <progress
            id="campaign-progress"
            max={c.total}
            value={done}
            aria-valuetext={`${pct}%`}
          >
            {pct}%
          </progress>
          <p class="counts" aria-live="polite" aria-atomic="true">
            <span class="pct">{pct}%</span>
            {" · "}
            {[
              `${c.sent} sent`,
              `${c.failed} failed`,
              `${c.pending} pending`,
              ...(c.suppressed ? [`${c.suppressed} suppressed`] : []),
            ].join(" · ")}
          </p>
          <p class="hint" data-testid="progress-hint">
            {progressHint(c, samples.current, Date.now())}
          </p>
        </div>
      )}
      <MergeTagWarning c={c} content={draft} onFix={useFallback} />
      <div class="actions">
        {c.status === "draft" && (
          <>
            <button
              type="button"
              class="primary"
              onClick={() => setConfirm("send")}
            >
              Send to {willSend} recipient{willSend === 1 ? "" : "s"}…
            </button>
            <a class="button" href={`/campaigns/${id}/edit`}>Edit</a>
          </>
        )}
        {c.status === "sending" && (
          <button
            type="button"
            onClick={() => act("pause")}
          >
            Pause
          </button>
        )}
        {c.status === "paused" && (
          <button
            type="button"
            onClick={() => act("resume")}
          >
            Resume
          </button>
        )}
        {(c.status === "sending" || c.status === "paused") && (
          <button
            type="button"
            class="danger"
            onClick={() => act("cancel")}
          >
            Cancel
          </button>
        )}
        {c.failed > 0 && c.status !== "cancelled" && c.status !== "draft" && (
          <>
            <button type="button" onClick={() => act("retry")}>
              Retry failed
            </button>
            <button
              type="button"
              onClick={() => act("retry", { scope: "all" })}
            >
              Retry all ({c.failed})
            </button>
          </>
        )}
        <button type="button" onClick={duplicate}>Duplicate</button>
        {(c.status === "draft" || finished) && (
          <button
            type="button"
            class="danger"
            onClick={() => setConfirm("delete")}
          >
            Delete
          </button>
        )}
      </div>
      <ConfirmDialog
        open={confirm === "send"}
        title="Send this campaign?"
        confirmLabel={`Send to ${willSend}`}
        onCancel={() => setConfirm(null)}
        onConfirm={() => {
          setConfirm(null);
          act("send");
        }}
      >
        <p>
          “<strong>{c.subject}</strong>” goes to{" "}
          <strong>
            {willSend} recipient{willSend === 1 ? "" : "s"}
          </strong>.
        </p>
        {c.willSuppress
          ? (
            <p class="muted">
              {c.willSuppress} unsubscribed address
              {c.willSuppress === 1 ? " is" : "es are"} skipped.
            </p>
          )
          : null}
      </ConfirmDialog>
      <ConfirmDialog
        open={confirm === "delete"}
        title="Delete this campaign?"
        confirmLabel="Delete"
        danger
        onCancel={() => setConfirm(null)}
        onConfirm={() => {
          setConfirm(null);
          remove();
        }}
      >
        <p>“{c.subject}” and its recipient list are deleted for good.</p>
      </ConfirmDialog>
      <div role="alert">{error && <p class="form-error">{error}</p>}</div>
      <div role="status">{note && <p class="note">{note}</p>}</div>
      <CampaignTools
        id={id}
        firstRecipient={firstRecipient}
        run={run}
        onNote={setNote}
      />
    </div>
  );
}
