import { z } from 'zod';

/** `/healthz` and `/readyz`: for load balancers and orchestrators. */
export const healthSchema = z.object({ ok: z.literal(true) });
export type HealthBody = z.output<typeof healthSchema>;

export const readinessSchema = z.object({
  ok: z.boolean(),
  checks: z.record(z.string(), z.string()).meta({ description: 'Each dependency (`database`, `temporal`, …): `ok`, or why not.' }),
});
export type ReadinessBody = z.output<typeof readinessSchema>;
