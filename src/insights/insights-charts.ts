import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { formatKroner } from '../common/money';
import { GrantIndicatorRow, MoneyFlowRow, ReachRow } from './insights.queries';

/**
 * The charts, as Vega-Lite specifications rendered to SVG on the server by Vega's headless SVG renderer (no canvas,
 * no browser). Each plotted value carries its label as a text mark, so the numbers can be read (and searched) in
 * the SVG itself.
 *
 * Vega and Vega-Lite are ES modules only, with top-level await: Node 20's require() cannot load them, and TypeScript's
 * CommonJS output would turn import() into require(). They are loaded and run in a worker thread of their own, by
 * Node's own ES module loader: a chart neither blocks the event loop that serves requests, nor depends on the module
 * linker of the host (under Jest, an import() made from a module that an earlier test file also loaded was answered
 * by that file's torn-down environment: a 500 that depended on test order).
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const libs = (async () => ({ vega: await import(workerData.vega), vegaLite: await import(workerData.vegaLite) }))();
parentPort.on('message', async ({ id, spec }) => {
  try {
    const { vega, vegaLite } = await libs;
    const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
    try {
      parentPort.postMessage({ id, svg: await view.toSVG() });
    } finally {
      view.finalize();
    }
  } catch (e) {
    parentPort.postMessage({ id, error: String((e && e.stack) || e) });
  }
});`;

type Pending = { resolve: (svg: string) => void; reject: (e: Error) => void };
let renderer: { worker: Worker; pending: Map<number, Pending> } | undefined;
let nextId = 0;

/** The renderer thread, started on the first chart; it does not keep the process alive. */
function chartWorker(): { worker: Worker; pending: Map<number, Pending> } {
  if (renderer) return renderer;
  const moduleUrl = (name: string) => pathToFileURL(require.resolve(name)).href;
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { vega: moduleUrl('vega'), vegaLite: moduleUrl('vega-lite') } });
  worker.unref();
  const pending = new Map<number, Pending>();
  const current = { worker, pending };
  worker.on('message', (m: { id: number; svg?: string; error?: string }) => {
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.svg !== undefined) p?.resolve(m.svg);
    else p?.reject(new Error(`chart rendering failed: ${m.error}`));
  });
  const fail = (e: Error) => {
    if (renderer === current) renderer = undefined; // the next chart starts a new thread
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the chart renderer stopped (exit code ${code})`)));
  renderer = current;
  return current;
}

export const CHART_NAMES = ['reach', 'money-flow', 'indicator-progress'] as const;
export type ChartName = (typeof CHART_NAMES)[number];

export function renderSvg(spec: Record<string, unknown>): Promise<string> {
  const { worker, pending } = chartWorker();
  const id = nextId++;
  return new Promise<string>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.postMessage({ id, spec: { $schema: 'https://vega.github.io/schema/vega-lite/v5.json', ...spec } });
  });
}

const percent = (v: number) => `${v.toFixed(1)} %`;

/** Reach over time: the share of the municipalities reached, in each region and in total, against the target line. */
export function reachChart(rows: readonly ReachRow[], target: { percent: number; year: number | null }, subtitle: string) {
  const values = rows.map((r) => {
    const share = r.shareOfMunicipalitiesPercent ?? 0;
    return { year: String(r.year), region: r.healthRegion ?? 'Alle', share, label: percent(share) };
  });
  return {
    title: { text: 'Kommuner nådd (andel av kommunene i regionen og i hele landet)', subtitle },
    width: 560,
    height: 320,
    data: { values },
    layer: [
      {
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'year', type: 'ordinal', title: 'År' },
          y: { field: 'share', type: 'quantitative', title: 'Prosent', scale: { domain: [0, 100] } },
          color: { field: 'region', type: 'nominal', title: 'Region' },
        },
      },
      {
        mark: { type: 'text', dy: -8, fontSize: 9 },
        encoding: {
          x: { field: 'year', type: 'ordinal' },
          y: { field: 'share', type: 'quantitative' },
          text: { field: 'label' },
          color: { field: 'region', type: 'nominal' },
        },
      },
      {
        data: { values: [{ target: target.percent, label: `Mål ${target.percent} %${target.year ? ` innen ${target.year}` : ''}` }] },
        layer: [
          { mark: { type: 'rule', strokeDash: [6, 4], color: '#b00' }, encoding: { y: { field: 'target', type: 'quantitative' } } },
          {
            mark: { type: 'text', align: 'left', dx: 4, dy: -6, color: '#b00', x: 0 },
            encoding: { y: { field: 'target', type: 'quantitative' }, text: { field: 'label' } },
          },
        ],
      },
    ],
  };
}

/** Money flow per call: requested, granted, paid and reclaimed side by side, each bar labelled in kroner. */
export function moneyFlowChart(rows: readonly MoneyFlowRow[], subtitle: string) {
  const stages: Array<[keyof MoneyFlowRow, string]> = [
    ['requestedOre', '1 Søkt'],
    ['grantedOre', '2 Innvilget'],
    ['paidOre', '3 Utbetalt'],
    ['reclaimedOre', '4 Tilbakekrevd'],
  ];
  const values = rows
    .filter((r) => r.callId !== null)
    .flatMap((r) =>
      stages.map(([key, stage]) => {
        const ore = r[key] as number;
        return { call: `${r.callTitle} (${r.year})`, stage, kroner: ore / 100, label: formatKroner(ore) };
      }),
    );
  return {
    title: { text: 'Pengestrøm per utlysning', subtitle },
    data: { values },
    facet: { row: { field: 'call', type: 'nominal', title: null } },
    spec: {
      width: 480,
      layer: [
        {
          mark: 'bar',
          encoding: {
            y: { field: 'stage', type: 'nominal', title: null },
            x: { field: 'kroner', type: 'quantitative', title: 'kr' },
            color: { field: 'stage', type: 'nominal', legend: null },
          },
        },
        {
          mark: { type: 'text', align: 'left', dx: 4, fontSize: 9 },
          encoding: {
            y: { field: 'stage', type: 'nominal' },
            x: { field: 'kroner', type: 'quantitative' },
            text: { field: 'label' },
          },
        },
      ],
    },
  };
}

/** Indicator progress: each grant's indicator with a baseline, a target and a reported value, as percent of the way. */
export function indicatorProgressChart(rows: readonly GrantIndicatorRow[], subtitle: string) {
  const values = rows
    .filter((r) => r.progressPercent !== null)
    .map((r) => ({
      indicator: `${r.caseNumber} ${r.name} (${r.unit})`,
      progress: r.progressPercent!,
      label: percent(r.progressPercent!),
    }));
  return {
    title: { text: 'Indikatorer: framdrift mot målet', subtitle },
    width: 480,
    data: { values },
    layer: [
      {
        mark: 'bar',
        encoding: {
          y: { field: 'indicator', type: 'nominal', title: null, sort: null },
          x: { field: 'progress', type: 'quantitative', title: 'Prosent av veien fra utgangspunkt til mål' },
        },
      },
      {
        mark: { type: 'text', align: 'left', dx: 4, fontSize: 9 },
        encoding: {
          y: { field: 'indicator', type: 'nominal', sort: null },
          x: { field: 'progress', type: 'quantitative' },
          text: { field: 'label' },
        },
      },
      { data: { values: [{ x: 100 }] }, mark: { type: 'rule', strokeDash: [6, 4], color: '#b00' }, encoding: { x: { field: 'x' } } },
    ],
  };
}
