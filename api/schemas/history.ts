import { z } from 'zod';
import { integerField } from './form-fields.js';
import { MODELS } from './generate-limits.js';
import { JOB_ERROR_CODES } from '../../workflows/messages.js';
import { JOB_STATUSES } from './jobs.js';

/** An ISO 8601 instant with a zone (`2026-12-01T10:00:00Z`, `+02:00`) or a UTC date (`2026-12-01`). */
const instantField = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()], { error: 'must be an ISO 8601 date or date-time, e.g. 2026-12-01T00:00:00Z' })
  .transform((v) => new Date(v.length === 10 ? `${v}T00:00:00Z` : v))
  .meta({ type: 'string', description: 'An ISO 8601 date-time with a zone, or a date (UTC midnight).', examples: ['2026-12-01', '2026-12-01T10:00:00Z'] });

/** `GET /history`'s query: paging and filters. */
export const historyQuerySchema = z
  .object({
    limit: integerField(1, 100).default(20).meta({ description: 'Items per page.' }),
    cursor: z.string().optional().meta({ description: "The previous page's `X-Next-Cursor`." }),
    status: z.enum(JOB_STATUSES, { error: 'must be PROCESSING, COMPLETED or FAILED' }).optional(),
    model: z.enum(MODELS, { error: 'must be wan2.1 or veo3.1' }).optional(),
    created_after: instantField.optional().meta({ description: 'Jobs created at or after this instant.' }),
    created_before: instantField.optional().meta({ description: 'Jobs created before this instant (exclusive).' }),
  })
  .refine((q) => !q.created_after || !q.created_before || q.created_after < q.created_before, { path: ['created_before'], error: 'must be later than created_after' });

export const historyItemSchema = z.object({
  id: z.uuid(),
  prompt: z.string(),
  video_url: z.url().nullable().meta({ description: 'A signed link to the video of a COMPLETED job; null otherwise.' }),
  status: z.enum(JOB_STATUSES),
  timestamp: z.string().regex(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/).meta({ description: 'When the job was created, `YYYY-MM-DD HH:MM:SS` in UTC (the contract\'s form).' }),
  model: z.enum(MODELS),
  created_at: z.iso.datetime().meta({ description: 'The same instant as `timestamp`, ISO 8601 UTC.' }),
  credits_charged: z.int().min(0),
  poster_url: z.url().nullable(),
  error: z.string().nullable().optional().meta({ description: 'When FAILED: why.' }),
  code: z.enum(JOB_ERROR_CODES).optional().meta({ description: 'When FAILED: why, for programs.' }),
});
export const historyPageSchema = z.array(historyItemSchema).meta({ description: 'Newest first. The next page, when there is one, is named by the `X-Next-Cursor` and `Link` headers.' });
export type HistoryPageBody = z.output<typeof historyPageSchema>;
