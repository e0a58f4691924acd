import { MAX_HINT_CHARS, MAX_PROMPT_CHARS, SEED_MAX, VEO_DURATIONS, VEO_PERSON_GENERATION, VEO_RESOLUTIONS, WAN_LIMITS, WAN_MAX_PIXELS, type NumberLimit } from '../../../../../api/schemas/generate-limits';
import { CheckboxField, SelectField, TextArea, TextField } from '../../../components/ui/Field';
import type { StudioSettings } from '../settings';

type Change = <K extends keyof StudioSettings>(name: K, value: StudioSettings[K]) => void;

function NumberInput({ label, limit, value, onChange, hint }: { label: string; limit: NumberLimit; value: number; onChange: (v: number) => void; hint?: string }) {
  return (
    <TextField
      label={label}
      type="number"
      inputMode="decimal"
      min={limit.min}
      max={limit.max}
      step={limit.step}
      value={Number.isNaN(value) ? '' : value}
      onChange={(e) => onChange(e.target.valueAsNumber)}
      hint={hint ?? `${limit.min} to ${limit.max}; default ${limit.default}.`}
      required
    />
  );
}

/** The chosen model's parameters with the contract's defaults and ranges; advanced ones folded away. */
export function ParamsFields({ s, set }: { s: StudioSettings; set: Change }) {
  const tooLarge = s.model === 'wan2.1' && s.width * s.height > WAN_MAX_PIXELS;
  return (
    <>
      {s.model === 'wan2.1' ? (
        <div className="grid-2">
          <NumberInput label="Width (px)" limit={WAN_LIMITS.width} value={s.width} onChange={(v) => set('width', v)} hint="Multiple of 16; default 1280." />
          <NumberInput label="Height (px)" limit={WAN_LIMITS.height} value={s.height} onChange={(v) => set('height', v)} hint="Multiple of 16; default 720." />
          <NumberInput label="Length (frames)" limit={WAN_LIMITS.length} value={s.length} onChange={(v) => set('length', v)} hint="4k+1 frames at 16 fps; default 81 (about 5 s)." />
        </div>
      ) : (
        <div className="grid-2">
          <SelectField label="Duration" value={String(s.duration_seconds)} onChange={(e) => set('duration_seconds', Number(e.target.value))} options={VEO_DURATIONS.map((d) => ({ value: String(d), label: `${d} seconds` }))} />
          <SelectField label="Resolution" value={s.resolution} onChange={(e) => set('resolution', e.target.value)} options={VEO_RESOLUTIONS.map((r) => ({ value: r, label: r }))} />
          <CheckboxField label="Generate audio (doubles the cost)" checked={s.generate_audio} onChange={(e) => set('generate_audio', e.target.checked)} />
        </div>
      )}
      {tooLarge && (
        <p className="alert alert-warning" role="status">
          {s.width}×{s.height} is larger than Wan 2.1's largest frame (1280×720 pixels); the server will refuse it.
        </p>
      )}
      <details className="advanced">
        <summary>Advanced settings</summary>
        <div className="grid-2">
          {s.model === 'wan2.1' ? (
            <>
              <NumberInput label="Motion guidance (cfg)" limit={WAN_LIMITS.cfg} value={s.cfg} onChange={(v) => set('cfg', v)} />
              <NumberInput label="Diffusion steps" limit={WAN_LIMITS.steps} value={s.steps} onChange={(v) => set('steps', v)} />
            </>
          ) : (
            <>
              <SelectField label="People in the video" value={s.person_generation} onChange={(e) => set('person_generation', e.target.value)} options={VEO_PERSON_GENERATION.map((p) => ({ value: p, label: p }))} />
              <CheckboxField label="Let Google enhance the prompt" checked={s.enhance_prompt} onChange={(e) => set('enhance_prompt', e.target.checked)} />
              <TextField label="Camera motion" maxLength={MAX_HINT_CHARS} value={s.camera_motion} onChange={(e) => set('camera_motion', e.target.value)} hint="For example “Dolly (In)”." />
              <TextField label="Subject animation" maxLength={MAX_HINT_CHARS} value={s.subject_animation} onChange={(e) => set('subject_animation', e.target.value)} />
              <TextField label="Environmental animation" maxLength={MAX_HINT_CHARS} value={s.environmental_animation} onChange={(e) => set('environmental_animation', e.target.value)} />
            </>
          )}
          <TextField
            label="Seed"
            type="number"
            inputMode="numeric"
            min={0}
            max={SEED_MAX}
            value={s.seed}
            onChange={(e) => set('seed', e.target.value)}
            hint={s.model === 'wan2.1' ? 'Empty for the default, 42.' : 'Empty for a random one.'}
          />
        </div>
        <TextArea label="Negative prompt" rows={2} maxLength={MAX_PROMPT_CHARS} value={s.negative_prompt} onChange={(e) => set('negative_prompt', e.target.value)} hint="What to avoid in the video." />
      </details>
    </>
  );
}
