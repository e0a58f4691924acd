import { collectDefaultMetrics, Registry } from 'prom-client';

/** One registry per process: Node's own metrics (event loop, heap, GC) labelled by component. */
export function createMetricsRegistry(component: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ component });
  collectDefaultMetrics({ register: registry, prefix: 'vivid_' });
  return registry;
}
