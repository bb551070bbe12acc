import type { TopLevelSpec } from 'vega-lite';
import { aboutHours } from '#core/capacity/exhaustion-forecast.ts';
import { chartConfig, colorScale, svgOf } from './html-charts.ts';
import type { HtmlReportData } from './html-report-data.ts';
import { shortArns } from './output.ts';

/** Section ids, in page order: the Chromium test looks for chart marks in each. */
export const HTML_SECTIONS = ['nodes', 'subnets', 'targets', 'dns', 'alerts'] as const;

const WIDTH = 640;

function html(text: unknown): string {
  return String(text ?? '-')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function tableHtml(head: readonly string[], rows: ReadonlyArray<ReadonlyArray<unknown>>): string {
  if (rows.length === 0) return '';
  return `<table><thead><tr>${head.map((h) => `<th>${html(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${html(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

/** Specs are written as plain objects (vega-lite's types are a union too wide to check literals against). */
function spec(body: Record<string, unknown>): TopLevelSpec {
  return { width: WIDTH, config: chartConfig, ...body } as TopLevelSpec;
}

/** Height for a horizontal bar chart of `n` rows. */
const rowsHeight = (n: number) => Math.max(1, n) * 28;

async function nodesChart(data: HtmlReportData): Promise<string | undefined> {
  const nodes = data.nodes.filter((n) => n.maxPods !== null);
  if (nodes.length === 0) return undefined;
  const label = (n: (typeof nodes)[number]) => `${n.node} (${n.instanceType})`;
  const values = nodes.flatMap((n) => [
    { node: label(n), part: 'pods behind LB targets', key: 'pods', count: n.podsBehindTargets },
    { node: label(n), part: 'other pods or warm pool', key: 'warm', count: n.otherAssigned },
    { node: label(n), part: 'room left', key: 'headroom', count: n.headroom ?? 0 },
  ]);
  return svgOf(
    spec({
      height: rowsHeight(nodes.length),
      layer: [
        {
          data: { values },
          mark: { type: 'bar' },
          encoding: {
            y: { field: 'node', type: 'nominal', title: null },
            x: {
              field: 'count',
              type: 'quantitative',
              stack: 'zero',
              title: 'pods that need a VPC address',
            },
            color: {
              field: 'key',
              type: 'nominal',
              title: null,
              scale: colorScale(['pods', 'warm', 'headroom']),
              legend: {
                labelExpr:
                  "{pods: 'pods behind LB targets', warm: 'other pods or warm pool', headroom: 'room left'}[datum.label]",
              },
            },
            order: { field: 'key', sort: 'descending' },
            tooltip: [{ field: 'part' }, { field: 'count' }],
          },
        },
        {
          data: { values: nodes.map((n) => ({ node: label(n), ceiling: n.addressCeiling })) },
          mark: { type: 'tick', color: '#111827', thickness: 2 },
          encoding: {
            y: { field: 'node', type: 'nominal' },
            x: { field: 'ceiling', type: 'quantitative' },
          },
        },
      ],
    }),
  );
}

const SUBNET_KINDS = [
  'vpc-cni',
  'node-primary',
  'eks-control-plane',
  'load-balancer',
  'other',
  'cidr-reservation',
  'aws-reserved',
  'free',
] as const;

async function subnetsCharts(data: HtmlReportData): Promise<string[]> {
  const subnets = data.subnets.filter((s) => s.total !== null);
  if (subnets.length === 0) return [];
  const label = (s: (typeof subnets)[number]) => `${s.subnet} (${s.cidr})`;
  const values = subnets.flatMap((s) =>
    SUBNET_KINDS.map((kind, order) => ({
      subnet: label(s),
      kind,
      order,
      count: kind === 'free' ? (s.free ?? 0) : kind === 'aws-reserved' ? 5 : (s.byKind[kind] ?? 0),
    })),
  );
  const byConsumer = await svgOf(
    spec({
      height: rowsHeight(subnets.length),
      data: { values },
      mark: { type: 'bar' },
      encoding: {
        y: { field: 'subnet', type: 'nominal', title: null },
        x: { field: 'count', type: 'quantitative', stack: 'zero', title: 'addresses' },
        color: {
          field: 'kind',
          type: 'nominal',
          title: null,
          scale: colorScale(SUBNET_KINDS),
        },
        order: { field: 'order' },
        tooltip: [{ field: 'kind' }, { field: 'count' }],
      },
    }),
  );
  const blocks = await svgOf(
    spec({
      height: rowsHeight(subnets.length),
      data: {
        values: subnets.map((s) => ({ subnet: label(s), blocks: s.freePrefixBlocks ?? 0 })),
      },
      mark: { type: 'bar', color: '#0891b2' },
      encoding: {
        y: { field: 'subnet', type: 'nominal', title: null },
        x: { field: 'blocks', type: 'quantitative', title: 'free /28 blocks (room for prefixes)' },
      },
    }),
  );
  return [byConsumer, blocks];
}

async function targetsCharts(data: HtmlReportData): Promise<string[]> {
  const groups = data.targets;
  if (groups.length === 0) return [];
  const name = (t: (typeof groups)[number]) => t.name ?? shortArns(t.targetGroupArn);
  const delays = await svgOf(
    spec({
      height: rowsHeight(groups.length * 2),
      data: {
        values: groups.flatMap((t) => [
          { group: name(t), which: 'actual', seconds: t.deregistrationDelay.actual ?? 0 },
          { group: name(t), which: 'desired', seconds: t.deregistrationDelay.desired },
        ]),
      },
      mark: { type: 'bar' },
      encoding: {
        y: { field: 'group', type: 'nominal', title: null },
        yOffset: { field: 'which' },
        x: { field: 'seconds', type: 'quantitative', title: 'deregistration delay (s)' },
        color: {
          field: 'which',
          type: 'nominal',
          title: null,
          scale: colorScale(['actual', 'desired']),
        },
      },
    }),
  );
  const stale = await svgOf(
    spec({
      height: rowsHeight(groups.length),
      data: {
        values: groups.flatMap((t) => [
          { group: name(t), kind: 'fresh', count: Math.max(0, t.targets - t.stale.length) },
          { group: name(t), kind: 'stale', count: t.stale.length },
        ]),
      },
      mark: { type: 'bar' },
      encoding: {
        y: { field: 'group', type: 'nominal', title: null },
        x: { field: 'count', type: 'quantitative', stack: 'zero', title: 'registered targets' },
        color: {
          field: 'kind',
          type: 'nominal',
          title: null,
          scale: { domain: ['fresh', 'stale'], range: ['#16a34a', '#dc2626'] },
        },
      },
    }),
  );
  return [delays, stale];
}

async function dnsChart(data: HtmlReportData): Promise<string | undefined> {
  if ('off' in data.dns || data.dns.rows.length === 0) return undefined;
  const statuses = ['owned', 'create', 'update', 'delete', 'conflict'];
  return svgOf(
    spec({
      height: rowsHeight(statuses.length),
      data: { values: data.dns.rows.map((r) => ({ status: r.status })) },
      mark: { type: 'bar' },
      encoding: {
        y: { field: 'status', type: 'nominal', title: null, scale: { domain: statuses } },
        x: { aggregate: 'count', type: 'quantitative', title: 'records' },
        color: {
          field: 'status',
          type: 'nominal',
          legend: null,
          scale: {
            domain: statuses,
            range: ['#16a34a', '#2563eb', '#f59e0b', '#64748b', '#dc2626'],
          },
        },
      },
    }),
  );
}

async function alertsChart(data: HtmlReportData): Promise<string | undefined> {
  if (data.alerts.length === 0) return undefined;
  const values = data.alerts.map((a) => ({
    alert: `${a.kind} ${shortArns(a.subject)}`.slice(0, 70),
    from: a.openedAt,
    to: a.resolvedAt ?? data.asOf,
    status: a.status,
    severity: a.severity,
  }));
  return svgOf(
    spec({
      height: rowsHeight(values.length),
      data: { values },
      layer: [
        {
          mark: { type: 'bar', height: 12, cornerRadius: 2 },
          encoding: {
            y: { field: 'alert', type: 'nominal', title: null },
            x: {
              field: 'from',
              type: 'temporal',
              title: 'time (UTC)',
              axis: { format: '%m-%d %H:%M' },
            },
            x2: { field: 'to' },
            color: {
              field: 'severity',
              type: 'nominal',
              title: 'severity',
              scale: colorScale(['critical', 'warning', 'info']),
            },
            opacity: { condition: { test: "datum.status === 'open'", value: 1 }, value: 0.45 },
          },
        },
        {
          mark: { type: 'point', filled: true, size: 40, color: '#111827' },
          encoding: {
            y: { field: 'alert', type: 'nominal' },
            x: { field: 'from', type: 'temporal', scale: { type: 'utc' } },
          },
        },
      ],
      resolve: { scale: { x: 'shared' } },
    }),
  );
}

function figure(svgs: ReadonlyArray<string | undefined>, empty: string): string {
  const present = svgs.filter((s): s is string => s !== undefined);
  if (present.length === 0) return `<p class="empty">${html(empty)}</p>`;
  return present.map((svg) => `<figure>${svg}</figure>`).join('');
}

/** The whole page: inline SVG and CSS only, so it opens offline from a file or a mail. */
export async function renderHtmlReport(data: HtmlReportData): Promise<string> {
  const [nodes, subnets, targets, dns, alerts] = await Promise.all([
    nodesChart(data),
    subnetsCharts(data),
    targetsCharts(data),
    dnsChart(data),
    alertsChart(data),
  ]);
  const open = data.alerts.filter((a) => a.status === 'open');
  const sections = [
    `<section id="nodes"><h2>Nodes: pod addresses against max pods</h2>
<p>Each bar is a node's pod address slots: addresses behind load-balancer targets are certainly pods; AWS does not say which of the other assigned addresses a pod holds, so they are pods the load balancers do not see or ipamd's warm pool. The black tick is the kubelet's max pods less the two host-network pods (aws-node, kube-proxy) that need no address.</p>
${figure([nodes], 'No running node with a known instance type.')}
${tableHtml(
  ['node', 'type', 'state', 'pods behind targets', 'other or warm', 'room left', 'max pods'],
  data.nodes.map((n) => [
    n.node,
    n.instanceType,
    n.state,
    n.podsBehindTargets,
    n.otherAssigned,
    n.headroom,
    n.maxPods,
  ]),
)}</section>`,
    `<section id="subnets"><h2>Subnets: addresses by consumer, free /28 blocks</h2>
<p>Who holds each subnet's addresses (the VPC CNI's pods and warm pools, node primaries, EKS's own ENIs, load balancers, others, CIDR reservations, the 5 AWS keeps) and how many aligned /28 blocks are left for prefix delegation.</p>
${figure(subnets, 'No subnet with a known CIDR.')}
${tableHtml(
  ['subnet', 'CIDR', 'free', 'free /28', 'trend'],
  data.subnets.map((s) => [
    s.subnet,
    s.cidr,
    s.total === null ? null : `${s.free}/${s.total}`,
    s.freePrefixBlocks,
    s.forecast?.trend === 'rising'
      ? `runs out in ${aboutHours(s.forecast.hoursToExhaustion)} at the current rate`
      : (s.forecast?.trend ?? 'no samples'),
  ]),
)}</section>`,
    `<section id="targets"><h2>Target groups: deregistration delay and stale targets</h2>
<p>Actual against desired deregistration delay (a difference is drift), and registered targets whose IP no longer belongs to the pod they were registered for.</p>
${figure(targets, 'No target group in the ledger.')}
${tableHtml(
  ['target group', 'stack', 'actual', 'desired', 'targets', 'stale'],
  data.targets.map((t) => [
    t.name ?? t.targetGroupArn,
    t.stack,
    t.deregistrationDelay.actual,
    `${t.deregistrationDelay.desired} (${t.deregistrationDelay.desiredSource})`,
    t.targets,
    t.stale.map((s) => `${s.ip}:${s.port} ${s.reason}`).join(', ') || '-',
  ]),
)}</section>`,
    `<section id="dns"><h2>DNS records</h2>
<p>${'off' in data.dns ? html(data.dns.off) : `Records netledger owns in ${html(data.dns.zones.join(', '))}, what a sync would change now, and conflicts it must leave alone.`}</p>
${figure([dns], 'off' in data.dns ? 'Set DNS_ZONES to see records.' : 'No record owned or wanted.')}
${
  'off' in data.dns
    ? ''
    : tableHtml(
        ['hostname', 'type', 'status', 'detail'],
        data.dns.rows.map((r) => [r.hostname, r.type, r.status, r.detail]),
      )
}</section>`,
    `<section id="alerts"><h2>Alert timeline</h2>
<p>Every alert the ledger holds, from when it opened to when it cleared (faded) or until now (solid).</p>
${figure([alerts], 'No alert so far.')}
${tableHtml(
  ['severity', 'kind', 'subject', 'opened', 'resolved', 'summary'],
  data.alerts.map((a) => [
    a.severity,
    a.kind,
    shortArns(a.subject),
    a.openedAt,
    a.resolvedAt ?? '(open)',
    a.summary,
  ]),
)}</section>`,
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>netledger report, ${html(data.asOf)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;color:#111827;margin:0 auto;max-width:980px;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:32px 0 6px;border-top:1px solid #e5e7eb;padding-top:16px}
p{color:#374151;margin:4px 0 10px}.empty{color:#6b7280;font-style:italic}
.cards{display:flex;gap:12px;margin:12px 0}.card{border:1px solid #e5e7eb;border-radius:8px;padding:8px 14px}
.card b{display:block;font-size:20px}figure{margin:8px 0;overflow-x:auto}
table{border-collapse:collapse;font-size:12px;margin:8px 0;width:100%}th,td{border-bottom:1px solid #e5e7eb;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f9fafb}
</style></head>
<body>
<h1>netledger: the pod networking ledger</h1>
<p>As of ${html(data.asOf)} (the ledger's latest event). Made by <code>netledger report --html</code>; works offline.</p>
<div class="cards">
<div class="card"><b>${data.nodes.filter((n) => n.maxPods !== null).length}</b>nodes with capacity</div>
<div class="card"><b>${data.subnets.length}</b>subnets</div>
<div class="card"><b>${data.targets.length}</b>target groups</div>
<div class="card"><b>${open.length}</b>open alerts</div>
</div>
${sections.join('\n')}
</body></html>
`;
}
