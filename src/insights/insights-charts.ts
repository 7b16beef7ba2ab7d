import { formatKroner } from '../common/money';
import { GrantIndicatorRow, MoneyFlowRow, ReachRow } from './insights.queries';

/**
 * The charts, as Vega-Lite specifications rendered to SVG on the server by Vega's headless SVG renderer (no canvas,
 * no browser). Each plotted value carries its label as a text mark, so the numbers can be read (and searched) in
 * the SVG itself.
 *
 * Vega and Vega-Lite are ES modules only, with top-level await: Node's require() cannot load them, and TypeScript's
 * CommonJS output would turn import() into require(). A real dynamic import() made by the Function constructor
 * stays one, in Node and in Jest (which runs with --experimental-vm-modules).
 */
const esmImport = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<any>;

let libs: Promise<{ vega: any; vegaLite: any }> | undefined;
function load() {
  // one after the other: Jest's module linker fails on two graphs sharing modules loaded at once
  libs ??= (async () => {
    const vega = await esmImport('vega');
    const vegaLite = await esmImport('vega-lite');
    return { vega, vegaLite };
  })();
  return libs;
}

export const CHART_NAMES = ['reach', 'money-flow', 'indicator-progress'] as const;
export type ChartName = (typeof CHART_NAMES)[number];

export async function renderSvg(spec: Record<string, unknown>): Promise<string> {
  const { vega, vegaLite } = await load();
  const compiled = vegaLite.compile({ $schema: 'https://vega.github.io/schema/vega-lite/v5.json', ...spec }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
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
