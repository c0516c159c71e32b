import { useEffect, useRef, useState } from "preact/hooks";
import {
  type CampaignSnapshot,
  finishedCount,
  isCampaignEvent,
} from "../lib/mail/protocol.ts";
import { MailPreview } from "../components/mail_preview.tsx";

interface Sample {
  at: number;
  done: number;
}

async function call(url: string, method = "GET", body?: unknown) {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data?.error?.message ?? `HTTP ${res.status}`);
  return data;
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "—";
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  const m = Math.floor(seconds / 60);
  return m < 60
    ? `${m} min ${Math.ceil(seconds % 60)} s`
    : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/**
 * A campaign's progress, live over the app WebSocket (`campaign` frames),
 * with its controls; drafts get test send, preview and send.
 */
export function CampaignView(
  { initial, firstRecipient }: {
    initial: CampaignSnapshot;
    firstRecipient?: string;
  },
) {
  const [c, setC] = useState<CampaignSnapshot>(initial);
  const [error, setError] = useState("");
  const [note, setNote] = useState("");
  const [testTo, setTestTo] = useState("");
  const [previewFor, setPreviewFor] = useState(firstRecipient ?? "");
  const [preview, setPreview] = useState<
    { subject: string; text: string; html?: string } | null
  >(null);
  const samples = useRef<Sample[]>([]);
  const id = initial.id;

  const apply = (next: CampaignSnapshot) => {
    samples.current = [...samples.current, {
      at: Date.now(),
      done: finishedCount(next),
    }]
      .filter((s) => Date.now() - s.at < 15_000);
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
      call(`/api/campaigns/${id}`).then(apply).catch(() => {});
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
        // While the socket is down, the server's state is read on each reconnect attempt.
        refresh();
        retry = setTimeout(connect, delay);
        delay = Math.min(delay * 2, 5000);
      };
    };
    connect();
    return () => {
      closed = true;
      clearTimeout(retry);
      ws?.close();
    };
  }, [id]);

  const act = async (action: string) => {
    setError("");
    setNote("");
    try {
      apply(await call(`/api/campaigns/${id}/${action}`, "POST"));
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const sendTest = async (e: Event) => {
    e.preventDefault();
    setError("");
    try {
      const r = await call(`/api/campaigns/${id}/test`, "POST", {
        email: testTo,
      });
      setNote(`Test mail sent to ${r.email}.`);
    } catch (err) {
      setError((err as Error).message);
    }
  };

  const showPreview = async (e: Event) => {
    e.preventDefault();
    setError("");
    try {
      setPreview(
        await call(
          `/api/campaigns/${id}/preview?email=${
            encodeURIComponent(previewFor)
          }`,
        ),
      );
    } catch (err) {
      setError((err as Error).message);
    }
  };

  const done = finishedCount(c);
  const pct = c.total ? Math.floor((done / c.total) * 100) : 100;
  const s = samples.current;
  const rate = s.length > 1 && s.at(-1)!.at > s[0].at
    ? (s.at(-1)!.done - s[0].done) / ((s.at(-1)!.at - s[0].at) / 1000)
    : 0;
  const active = c.status === "sending";

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
            <span class="pct">{pct}%</span> · <span>{c.sent} sent</span> ·{" "}
            <span>{c.failed} failed</span> · <span>{c.pending} pending</span>
            {c.suppressed ? <span>· {c.suppressed} suppressed</span> : null}
          </p>
          <p class="hint">
            {active && rate > 0
              ? `${rate.toFixed(1)} mails/s · about ${
                duration(c.pending / rate)
              } left`
              : active
              ? "Measuring the rate…"
              : ""}
          </p>
        </div>
      )}
      <div class="actions">
        {c.status === "draft" && (
          <button
            type="button"
            class="primary"
            onClick={() => act("send")}
          >
            Send to {c.total} recipient{c.total === 1 ? "" : "s"}
          </button>
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
          <button type="button" onClick={() => act("retry")}>
            Retry failed ({c.failed})
          </button>
        )}
      </div>
      <div role="alert">{error && <p class="form-error">{error}</p>}</div>
      <div role="status">{note && <p class="note">{note}</p>}</div>
      <div class="tools">
        <form onSubmit={sendTest} class="inline-form">
          <label>
            Send a test to
            <input
              type="email"
              required
              value={testTo}
              onInput={(e) => setTestTo(e.currentTarget.value)}
            />
          </label>
          <button type="submit">Send test</button>
        </form>
        <form onSubmit={showPreview} class="inline-form">
          <label>
            Preview for recipient
            <input
              type="email"
              value={previewFor}
              onInput={(e) => setPreviewFor(e.currentTarget.value)}
            />
          </label>
          <button type="submit">Preview</button>
        </form>
      </div>
      {preview && <MailPreview preview={preview} />}
    </div>
  );
}
