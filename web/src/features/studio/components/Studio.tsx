import { useEffect, useState, type FormEvent } from 'react';
import { MAX_PROMPT_CHARS, MODELS } from '../../../../../api/schemas/generate-limits';
import { Button } from '../../../components/ui/Button';
import { ErrorMessage, Loading, Notice } from '../../../components/ui/Feedback';
import { SelectField, TextArea } from '../../../components/ui/Field';
import { formatCredits, formatDate } from '../../../lib/format';
import type { Usage } from '../../../lib/types';
import { fetchSourceImage, getJob, getUsage, submitJob, type Accepted } from '../api/studio';
import { checkImage, type CheckedImage } from '../image-rules';
import { defaultSettings, fromParams, toEstimateFields, toFormData, type StudioSettings } from '../settings';
import { useEstimate } from '../use-estimate';
import { ImagePicker } from './ImagePicker';
import { JobProgress } from './JobProgress';
import { ParamsFields } from './ParamsFields';

const MODEL_LABELS: Record<string, string> = { 'wan2.1': 'Wan 2.1 (self-hosted)', 'veo3.1': 'Veo 3.1 (Google)' };

/** Image, prompt, model and parameters → a job; `fromJob` fills everything in from an earlier one. */
export function Studio({ fromJob }: { fromJob?: string | null | undefined }) {
  const [s, setS] = useState<StudioSettings>(defaultSettings);
  const [image, setImage] = useState<CheckedImage | null>(null);
  const [usage, setUsage] = useState<Usage | null>(null);
  const [usageError, setUsageError] = useState<unknown>(null);
  const [loadingFrom, setLoadingFrom] = useState(Boolean(fromJob));
  const [fromError, setFromError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [submitted, setSubmitted] = useState<Accepted | null>(null);

  const set = <K extends keyof StudioSettings>(name: K, value: StudioSettings[K]) => setS((prev) => ({ ...prev, [name]: value }));

  const loadUsage = () => getUsage().then(setUsage, setUsageError);
  useEffect(() => {
    void loadUsage();
  }, []);

  useEffect(() => {
    if (!fromJob) return;
    let cancelled = false;
    setLoadingFrom(true);
    (async () => {
      const job = await getJob(fromJob);
      if (cancelled) return;
      setS(fromParams(job.model, job.prompt, job.params));
      if (job.image_url) setImage(await checkImage(await fetchSourceImage(job.image_url)));
    })()
      .catch((err) => !cancelled && setFromError(err))
      .finally(() => !cancelled && setLoadingFrom(false));
    return () => {
      cancelled = true;
    };
  }, [fromJob]);

  // The server prices the form as it stands, with the checks /generate will make.
  const priced = useEstimate(toEstimateFields(s));
  const cost = priced.estimate?.cost;
  const short = priced.estimate !== null && priced.estimate.cost > priced.estimate.credits_remaining;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (!image) return setError(new Error('Choose a source image first.'));
    if (!s.prompt.trim()) return setError(new Error('Describe the motion you want in the prompt.'));
    setBusy(true);
    try {
      const accepted = await submitJob(toFormData(s, image.file));
      setSubmitted(accepted);
      void loadUsage();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="studio">
      <form className="card studio-form" onSubmit={submit} aria-labelledby="studio-title">
        <h1 id="studio-title">Studio</h1>
        {loadingFrom && <Loading label="Loading the earlier job's settings…" />}
        {fromJob && !loadingFrom && !fromError && <Notice tone="success">Filled in from job {fromJob}: change anything, then generate.</Notice>}
        <ErrorMessage error={fromError} title="Could not load the earlier job's settings:" />
        <ImagePicker image={image} onImage={setImage} />
        <TextArea label="Prompt" name="prompt" rows={3} required maxLength={MAX_PROMPT_CHARS} value={s.prompt} onChange={(e) => set('prompt', e.target.value)} hint="Describe the motion: what moves, how the camera moves." />
        <SelectField label="Model" name="model" value={s.model} onChange={(e) => set('model', e.target.value as StudioSettings['model'])} options={MODELS.map((m) => ({ value: m, label: MODEL_LABELS[m] ?? m }))} />
        <ParamsFields s={s} set={set} />
        <div className="cost-line" aria-live="polite">
          <span>
            Cost:{' '}
            {cost !== undefined ? (
              <strong data-testid="cost" aria-busy={priced.pending}>
                {formatCredits(cost)}
              </strong>
            ) : (
              <span className="muted" data-testid="cost">
                {priced.error ? 'not available' : 'pricing…'}
              </span>
            )}
          </span>
          <span>
            Balance:{' '}
            {usage ? (
              <strong data-testid="balance">{formatCredits(usage.credits_remaining)}</strong>
            ) : usageError ? (
              <span className="muted">unavailable</span>
            ) : (
              <span className="muted">loading…</span>
            )}
            {usage && <span className="muted"> · renews {formatDate(usage.cycle_resets_on)}</span>}
          </span>
        </div>
        {short && <p className="alert alert-warning" role="status">This job costs more credits than you have left.</p>}
        <ErrorMessage error={usageError} title="Balance:" />
        <ErrorMessage error={priced.error} title="These settings cannot be priced:" />
        <ErrorMessage error={error} />
        <Button type="submit" busy={busy} disabled={loadingFrom}>
          Generate video
        </Button>
      </form>
      <div className="studio-result">
        {submitted ? (
          <JobProgress key={submitted.job_id} jobId={submitted.job_id} cost={submitted.cost ?? cost} />
        ) : (
          <section className="card placeholder" aria-label="Result">
            <p className="muted">Your video will appear here, with its progress while it renders.</p>
          </section>
        )}
      </div>
    </div>
  );
}
