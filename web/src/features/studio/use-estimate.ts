import { useEffect, useState } from 'react';
import type { Estimate } from '../../lib/types';
import { estimateJob } from './api/studio';

/** Long enough that typing a number asks once, short enough that the price follows the form. */
const DEBOUNCE_MS = 250;

export interface EstimateState {
  /** The latest answer for these fields; null until one has come. */
  readonly estimate: Estimate | null;
  /** Why the server would refuse these fields (its own 400 message), or why it could not be asked. */
  readonly error: unknown;
  /** Fields changed since the answer shown. */
  readonly pending: boolean;
}

/**
 * The server's price for the form as it stands (POST /estimate), asked for a moment after the
 * last change; an answer to fields that have changed since is dropped.
 */
export function useEstimate(fields: Record<string, string>): EstimateState {
  const key = JSON.stringify(fields);
  const [state, setState] = useState<{ key: string | null; estimate: Estimate | null; error: unknown }>({ key: null, estimate: null, error: null });

  useEffect(() => {
    const abort = new AbortController();
    const timer = setTimeout(() => {
      estimateJob(JSON.parse(key) as Record<string, string>, abort.signal).then(
        (estimate) => setState({ key, estimate, error: null }),
        (error: unknown) => {
          if (!abort.signal.aborted) setState({ key, estimate: null, error });
        },
      );
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [key]);

  return { estimate: state.estimate, error: state.error, pending: state.key !== key };
}
