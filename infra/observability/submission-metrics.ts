import { Counter, type Registry } from 'prom-client';

/** What the API accepted: jobs and the credits reserved for them at submit, by model. */
export interface SubmissionMetrics {
  accepted(job: { readonly model: string; readonly cost: number }): void;
}

export function submissionMetrics(registry: Registry): SubmissionMetrics {
  const jobs = new Counter({ name: 'vivid_jobs_accepted_total', help: 'Jobs accepted by POST /generate (202), by model.', labelNames: ['model'], registers: [registry] });
  const credits = new Counter({
    name: 'vivid_credits_reserved_at_submit_total',
    help: 'Credits reserved by POST /generate for the jobs it accepted, by model (refunds of failed jobs: vivid_credit_refunds_total).',
    labelNames: ['model'],
    registers: [registry],
  });
  return {
    accepted({ model, cost }) {
      jobs.inc({ model });
      credits.inc({ model }, cost);
    },
  };
}
