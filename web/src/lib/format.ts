/** Dates as the reader's locale writes them; the API speaks UTC. */
export function parseApiDate(value: string): Date {
  // History's contract timestamp is "YYYY-MM-DD HH:MM:SS" in UTC, without a zone.
  return new Date(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(value) ? `${value.replace(' ', 'T')}Z` : value);
}

export function formatDateTime(value: string | null | undefined): string {
  if (!value) return '—';
  const d = parseApiDate(value);
  return Number.isNaN(d.getTime()) ? value : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function formatDate(value: string | null | undefined): string {
  if (!value) return '—';
  const d = parseApiDate(value);
  return Number.isNaN(d.getTime()) ? value : d.toLocaleDateString(undefined, { dateStyle: 'long' });
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "1 credit", "6 credits": every amount of credits the app shows. */
export function formatCredits(n: number): string {
  return `${n} ${n === 1 ? 'credit' : 'credits'}`;
}
