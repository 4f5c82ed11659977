/**
 * The officer page's live re-run (LiveSelection, wired to the brief form as officer.view.ts wires
 * it) against a real HTTP server started here: edits are debounced into one request, a newer run
 * aborts the request it supersedes (the server sees the connection closed) and only the newest
 * answer reaches the page.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { requestJson } from '../shared/http.client.ts';
import { BriefFormComponent } from './brief-form.component.ts';
import { LiveSelection, type SelectionResponse } from './selection.service.ts';

interface Seen { brief: Record<string, unknown>; aborted: boolean; answered: boolean }

let server: http.Server;
let base = '';
let seen: Seen[] = [];

/** Answers a brief after `delayMs` (a field of the brief), with numberMatched = its `tag`. */
beforeAll(async () => {
  server = http.createServer((req, res) => {
    res.setHeader('access-control-allow-origin', req.headers.origin ?? '*');
    res.setHeader('access-control-allow-headers', 'content-type, accept');
    res.setHeader('access-control-allow-methods', 'POST');
    if (req.method === 'OPTIONS') { res.writeHead(204).end(); return; }
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const brief = JSON.parse(body) as Record<string, unknown>;
      const entry: Seen = { brief, aborted: false, answered: false };
      seen.push(entry);
      res.on('close', () => { if (!entry.answered) entry.aborted = true; });
      setTimeout(() => {
        if (entry.aborted) return;
        entry.answered = true;
        const answer: SelectionResponse = { numberMatched: Number(brief.tag ?? 0), numberReturned: 0, results: [], geojson: { type: 'FeatureCollection', features: [] } };
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
      }, Number(brief.delayMs ?? 0));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => { seen = []; });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const until = async (done: () => boolean, what: string) => {
  for (let i = 0; i < 200 && !done(); i++) await sleep(10);
  if (!done()) throw new Error(`timed out waiting for ${what}`);
};
const send = (brief: unknown, signal: AbortSignal) =>
  requestJson<SelectionResponse>(`${base}/api/site-selection`, { signal, method: 'POST', body: brief });

/** A LiveSelection over `brief()`, recording what the page would show. */
function live(brief: () => Record<string, unknown>, ready = () => true, delayMs = 60) {
  const shown: number[] = [];
  const errors: string[] = [];
  const busy: boolean[] = [];
  const selection = new LiveSelection({
    brief, ready, answer: (res) => shown.push(res.numberMatched), error: (e) => errors.push(e.message), busy: (b) => busy.push(b),
  }, delayMs, send);
  return { selection, shown, errors, busy };
}

describe('LiveSelection', () => {
  it('runs an edited brief once, when the edits pause, with the brief as it stands then', async () => {
    let tag = 0;
    const { selection, shown } = live(() => ({ tag }));
    for (tag = 1; tag <= 5; tag++) {
      selection.edited();
      await sleep(10);
    }
    expect(seen).toEqual([]);
    await until(() => shown.length === 1, 'the answer');
    await sleep(100);
    expect(seen.map((s) => s.brief.tag)).toEqual([6]);
    expect(shown).toEqual([6]);
  });

  it('aborts the request of a run it supersedes; only the newest answer is shown', async () => {
    let brief: Record<string, unknown> = { tag: 1, delayMs: 400 };
    const { selection, shown, errors, busy } = live(() => brief);
    const first = selection.run();
    await until(() => seen.length === 1, 'the first request');
    brief = { tag: 2, delayMs: 0 };
    await Promise.all([first, selection.run()]);
    await until(() => seen[0].aborted, 'the server to see the first request closed');
    expect(seen.map((s) => [s.brief.tag, s.aborted])).toEqual([[1, true], [2, false]]);
    expect(shown).toEqual([2]);
    expect(errors).toEqual([]);
    expect(busy.at(-1)).toBe(false);
  });

  it('does not ask again for the brief on screen unless forced; an edit cancels a pending run', async () => {
    const { selection, shown } = live(() => ({ tag: 7 }));
    await selection.run();
    await selection.run();
    expect(seen).toHaveLength(1);
    await selection.run(true);
    expect(seen).toHaveLength(2);
    selection.edited();
    selection.stop();
    await sleep(120);
    expect(seen).toHaveLength(2);
    expect(shown).toEqual([7, 7]);
  });

  it('reports the error of the newest run only', async () => {
    const { selection, errors, shown } = live(() => ({ tag: 3 }));
    // Port 9 (discard) is closed: a network error.
    const failing = new LiveSelection({ brief: () => ({}), ready: () => true, answer: () => undefined, error: (e) => errors.push(e.message), busy: () => undefined }, 10,
      (b, signal) => requestJson(`http://127.0.0.1:9/api/site-selection`, { signal, method: 'POST', body: b }));
    await failing.run();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('network error');
    await selection.run();
    expect(shown).toEqual([3]);
  });
});

describe('the brief form drives LiveSelection as the officer page wires it', () => {
  it('typing a weight digit by digit sends one request, only once the weights sum to 100', async () => {
    const form = new BriefFormComponent({}, () => undefined, document.createElement('div'));
    document.body.append(form.el);
    const { selection, shown } = live(() => form.brief(), () => form.ready());
    form.el.addEventListener('input', () => selection.edited());
    const price = form.el.querySelector<HTMLInputElement>('input[name=w_price]')!;
    const area = form.el.querySelector<HTMLInputElement>('input[name=w_area]')!;
    // 40 + 20 + 20 + 20 = 100; the officer moves 10 points from price to area: "3", "30", then area "3", "30".
    for (const [input, value] of [[price, '3'], [price, '30'], [area, '3'], [area, '30']] as const) {
      input.value = value;
      input.dispatchEvent(new Event('input', { bubbles: true }));
      await sleep(15);
    }
    await until(() => shown.length === 1, 'the answer');
    await sleep(100);
    expect(seen).toHaveLength(1);
    expect(seen[0].brief.weights).toEqual({ price: 30, area: 30, distance_highway_exit: 20, distance_school: 20 });
    form.el.remove();
  });
});
