const LABELS: Record<string, string> = { PROCESSING: 'Processing', COMPLETED: 'Completed', FAILED: 'Failed', CANCELLED: 'Cancelled' };

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${status.toLowerCase()}`}>{LABELS[status] ?? status}</span>;
}

/** Videos from the tiny development model are noise; say so wherever one appears. */
export function DevModelBadge({ notes }: { notes?: Record<string, unknown> | undefined }) {
  if (!notes?.development_model) return null;
  return (
    <span className="badge badge-dev" title="Made by the tiny development model: random weights, so the video is noise.">
      Development model
    </span>
  );
}
