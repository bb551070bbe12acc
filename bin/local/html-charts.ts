import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/**
 * Vega-Lite specs rendered to SVG text at build time, in this process: vega's headless view
 * with no renderer (`renderer: 'none'`), so the page needs no script, no CDN and no network.
 */
export async function svgOf(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const FONT = 'system-ui, sans-serif';

/** The look every chart shares. */
export const chartConfig = {
  font: FONT,
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 11, gridColor: '#e5e7eb', labelLimit: 300 },
  axisQuantitative: { tickMinStep: 1 },
  legend: { labelFontSize: 11, titleFontSize: 11, orient: 'bottom', columns: 4, labelLimit: 0 },
} as const;

/** Colours by meaning, the same in every chart. */
export const COLORS = {
  pods: '#2563eb',
  warm: '#93c5fd',
  headroom: '#e5e7eb',
  'vpc-cni': '#2563eb',
  'node-primary': '#0891b2',
  'eks-control-plane': '#7c3aed',
  'load-balancer': '#ea580c',
  other: '#64748b',
  'cidr-reservation': '#a16207',
  'aws-reserved': '#94a3b8',
  free: '#e5e7eb',
  actual: '#ea580c',
  desired: '#16a34a',
  critical: '#dc2626',
  warning: '#f59e0b',
  info: '#3b82f6',
} as const;

export function colorScale(domain: readonly (keyof typeof COLORS)[]) {
  return { domain: [...domain], range: domain.map((d) => COLORS[d]) };
}
