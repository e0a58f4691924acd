import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';

/** A labelled control with an optional hint; the hint is tied to the control for screen readers. */
function useFieldIds(hint?: ReactNode) {
  const id = useId();
  return { id, hintId: hint ? `${id}-hint` : undefined };
}

export function TextField({ label, hint, ...rest }: InputHTMLAttributes<HTMLInputElement> & { label: string; hint?: ReactNode }) {
  const { id, hintId } = useFieldIds(hint);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-describedby={hintId} {...rest} />
      {hint && <p id={hintId} className="hint">{hint}</p>}
    </div>
  );
}

export function TextArea({ label, hint, ...rest }: TextareaHTMLAttributes<HTMLTextAreaElement> & { label: string; hint?: ReactNode }) {
  const { id, hintId } = useFieldIds(hint);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea id={id} aria-describedby={hintId} {...rest} />
      {hint && <p id={hintId} className="hint">{hint}</p>}
    </div>
  );
}

export function SelectField({ label, hint, options, ...rest }: SelectHTMLAttributes<HTMLSelectElement> & { label: string; hint?: ReactNode; options: readonly { value: string; label: string }[] }) {
  const { id, hintId } = useFieldIds(hint);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} aria-describedby={hintId} {...rest}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {hint && <p id={hintId} className="hint">{hint}</p>}
    </div>
  );
}

export function CheckboxField({ label, hint, ...rest }: InputHTMLAttributes<HTMLInputElement> & { label: string; hint?: ReactNode }) {
  const { id, hintId } = useFieldIds(hint);
  return (
    <div className="field field-check">
      <input id={id} type="checkbox" aria-describedby={hintId} {...rest} />
      <label htmlFor={id}>{label}</label>
      {hint && <p id={hintId} className="hint">{hint}</p>}
    </div>
  );
}
