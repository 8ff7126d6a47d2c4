import { createHmac } from 'node:crypto';
import { asyncLocalStorage } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import type { ActivityDeps } from '../deps.ts';
import { JobEvent } from '../../schemas/job-event.ts';
import { reportProgress } from '../heartbeat.ts';

export const SendJobEventInput = z.object({ event: JobEvent, urls: z.array(z.string()) });
export type SendJobEventInput = z.infer<typeof SendJobEventInput>;

/** Failure types: the workflow's retry policy retries the first, never the second (non-retryable). */
export const WebhookFailure = { retryable: 'WebhookDeliveryFailed', rejected: 'WebhookRejected' } as const;

type Outcome =
  | { url: string; ok: true }
  | { url: string; ok: false; retryable: boolean; reason: string; retryAfterMs?: number };

const MAX_RETRY_AFTER_MS = 60 * 60 * 1000;

/** `x-quarry-signature` value: `sha256=<hex HMAC-SHA256 of the exact body bytes>`. */
export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/**
 * Webhook delivery of job events (EventBridge-shaped, see job-event.ts). One POST per URL; a failure
 * throws so that the workflow's retry policy redelivers durably with backoff. 4xx answers other than
 * 408/429, redirects and unusable URLs are permanent (non-retryable). URLs that already accepted the
 * event are remembered in heartbeat details, so a retry only goes to the ones that failed; receivers
 * should still de-duplicate on `x-quarry-event-id` (at-least-once delivery).
 */
export function createNotifyActivities(deps: ActivityDeps, options: { timeoutMs?: number } = {}) {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    async sendJobEvent(input: SendJobEventInput): Promise<{ eventId: string; delivered: string[] }> {
      const parsed = SendJobEventInput.safeParse(input);
      if (!parsed.success)
        throw ApplicationFailure.nonRetryable(
          `invalid job event: ${parsed.error.issues[0]?.message}`,
          WebhookFailure.rejected,
        );
      const { event, urls } = parsed.data;
      const body = JSON.stringify(event);
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'user-agent': 'Quarry-Webhook/1',
        'x-quarry-event-id': event.id,
      };
      const secret = deps.config.webhooks.secret;
      if (secret) headers['x-quarry-signature'] = signBody(body, secret);

      const ctx = asyncLocalStorage.getStore();
      const previous = (ctx?.info.heartbeatDetails as { delivered?: string[] } | undefined)?.delivered ?? [];
      const delivered = new Set(previous.filter((u) => urls.includes(u)));
      const outcomes = await Promise.all(
        [...new Set(urls)]
          .filter((u) => !delivered.has(u))
          .map(async (url) => {
            const outcome = await post(url, body, headers, timeoutMs, ctx?.cancellationSignal);
            if (outcome.ok) {
              delivered.add(url);
              reportProgress({ delivered: [...delivered] });
            }
            return outcome;
          }),
      );
      const failed = outcomes.filter((o): o is Extract<Outcome, { ok: false }> => !o.ok);
      if (failed.length === 0) return { eventId: event.id, delivered: [...delivered] };
      const message = `webhook delivery of event ${event.id} failed for ${failed.length} of ${urls.length} URL(s): ${failed
        .map((f) => `${f.url}: ${f.reason}`)
        .join('; ')}`;
      const retry = failed.filter((f) => f.retryable);
      if (retry.length === 0) throw ApplicationFailure.nonRetryable(message, WebhookFailure.rejected);
      const hinted = retry.map((f) => f.retryAfterMs).filter((ms): ms is number => ms !== undefined);
      throw ApplicationFailure.create({
        message,
        type: WebhookFailure.retryable,
        nonRetryable: false,
        // honour the receiver's Retry-After when every retryable failure gave one
        nextRetryDelay: hinted.length === retry.length ? Math.max(...hinted) : undefined,
      });
    },
  };
}

export type NotifyActivities = ReturnType<typeof createNotifyActivities>;

async function post(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
  cancel?: AbortSignal,
): Promise<Outcome> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return { url, ok: false, retryable: false, reason: 'not a valid URL' };
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:')
    return { url, ok: false, retryable: false, reason: `unsupported scheme '${target.protocol}' (use http or https)` };
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = cancel ? AbortSignal.any([timeout, cancel]) : timeout;
  let res: Response;
  try {
    res = await fetch(target, { method: 'POST', headers, body, signal, redirect: 'manual' });
  } catch (e) {
    if (cancel?.aborted) throw e; // the activity was cancelled: let Temporal see the cancellation
    const reason = timeout.aborted ? `no answer within ${timeoutMs / 1000} s` : describe(e);
    return { url, ok: false, retryable: true, reason };
  }
  const snippet = await bodySnippet(res);
  const s = res.status;
  if (s >= 200 && s < 300) return { url, ok: true };
  const reason = `HTTP ${s}${snippet ? ` ${snippet}` : ''}`;
  if (s >= 300 && s < 400)
    return {
      url,
      ok: false,
      retryable: false,
      reason: `${reason} (redirects are not followed: configure the final URL)`,
    };
  if (s >= 400 && s < 500 && s !== 408 && s !== 429) return { url, ok: false, retryable: false, reason };
  return { url, ok: false, retryable: true, reason, retryAfterMs: retryAfter(res.headers.get('retry-after')) };
}

/** Retry-After in seconds or as an HTTP date, capped at an hour. */
function retryAfter(v: string | null): number | undefined {
  if (!v) return undefined;
  const ms = /^\d+$/.test(v.trim()) ? Number(v) * 1000 : Date.parse(v) - Date.now();
  return Number.isFinite(ms) && ms >= 0 ? Math.min(ms, MAX_RETRY_AFTER_MS) : undefined;
}

/** The first 200 characters of the answer (for the error message); the rest is discarded. */
async function bodySnippet(res: Response): Promise<string> {
  try {
    const reader = res.body?.getReader();
    if (!reader) return '';
    let text = '';
    const dec = new TextDecoder();
    while (text.length < 200) {
      const { done, value } = await reader.read();
      if (done) break;
      text += dec.decode(value, { stream: true });
    }
    await reader.cancel().catch(() => undefined);
    return text.replace(/\s+/g, ' ').trim().slice(0, 200);
  } catch {
    return '';
  }
}

function describe(e: unknown): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  return err.cause?.code ? `${err.cause.code} ${err.cause.message ?? ''}`.trim() : (err.message ?? String(e));
}
