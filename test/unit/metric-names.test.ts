/**
 * The dashboard and README's metrics table name only series the code defines, and every metric
 * the code defines is documented: a renamed metric cannot leave a dead panel behind.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { httpMetrics } from '../../api/middleware/http-metrics.js';
import { activityMetrics } from '../../infra/observability/activity-metrics.js';
import { createMetricsRegistry } from '../../infra/observability/metrics-registry.js';
import { submissionMetrics } from '../../infra/observability/submission-metrics.js';
import { wanStepMetrics } from '../../infra/observability/wan-metrics.js';

async function definedNames(): Promise<Set<string>> {
  const registry = createMetricsRegistry('test');
  httpMetrics(registry);
  activityMetrics(registry);
  submissionMetrics(registry);
  wanStepMetrics(registry);
  return new Set((await registry.getMetricsAsJSON()).map((m) => m.name));
}

/** A histogram's series (`_bucket`, `_count`, `_sum`) belong to the histogram. */
const baseName = (series: string) => series.replace(/_(bucket|count|sum)$/, '');

test('every vivid_ series the Grafana dashboard queries is defined by the code', async () => {
  const defined = await definedNames();
  const dashboard = JSON.parse(await readFile(new URL('../../docs/grafana-dashboard.json', import.meta.url), 'utf8')) as { panels: Array<{ title: string; targets?: Array<{ expr: string }> }> };
  const queried = dashboard.panels.flatMap((p) => (p.targets ?? []).flatMap((t) => [...t.expr.matchAll(/\bvivid_\w+/g)].map((m) => ({ panel: p.title, name: baseName(m[0]) }))));
  assert.ok(queried.length >= 5);
  for (const { panel, name } of queried) assert.ok(defined.has(name), `panel "${panel}" queries ${name}, which no code defines`);
});

test("README's metrics table lists every metric the code defines, and nothing else of ours", async () => {
  const defined = [...(await definedNames())].filter((n) => !n.startsWith('vivid_process_') && !n.startsWith('vivid_nodejs_'));
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  const table = readme.slice(readme.indexOf('| Metric | From | Meaning |'));
  const rows = table.slice(0, table.indexOf('\n\n'));
  const listed = new Set([...rows.matchAll(/`(vivid_[a-z0-9_]+)/g)].map((m) => m[1]!).filter((n) => !n.endsWith('_')));
  for (const name of defined) assert.ok(listed.has(name), `${name} is not in README's metrics table`);
  for (const name of listed) assert.ok(defined.includes(name), `README lists ${name}, which no code defines`);
});
