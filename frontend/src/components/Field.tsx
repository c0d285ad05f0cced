import { useId, type ReactNode } from "react";

import type { InputRules } from "../api/rules";

type Common = {
  label: string;
  /** The server's message about this field (from a 4xx naming it), shown beside it. */
  error?: string | undefined;
  hint?: string | undefined;
};

function Described({ id, hint, error }: { id: string; hint?: string | undefined; error?: string | undefined }) {
  return (
    <>
      {hint && (
        <small id={`${id}-hint`} className="hint">
          {hint}
        </small>
      )}
      {error && (
        <small id={`${id}-error`} className="field-error" role="alert">
          {error}
        </small>
      )}
    </>
  );
}

function describedBy(id: string, hint?: string, error?: string): string | undefined {
  const ids = [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean);
  return ids.length ? ids.join(" ") : undefined;
}

/** A labelled text, date or number input; its rules come from the service's schema (api/rules). */
export function TextField({
  label,
  error,
  hint,
  value,
  onChange,
  rules = {},
  type = "text",
  name,
  autoComplete,
  placeholder,
}: Common & {
  value: string;
  onChange: (value: string) => void;
  rules?: InputRules;
  type?: "text" | "date" | "datetime-local" | "number" | "tel" | "search" | "month";
  name: string;
  autoComplete?: string;
  /** An example of the expected form (never a substitute for the label). */
  placeholder?: string;
}) {
  const id = useId();
  return (
    <div className={`field${error ? " invalid" : ""}`}>
      <label htmlFor={id}>
        {label}
        {rules.required && <span className="required" aria-hidden="true"> *</span>}
      </label>
      <input
        id={id}
        name={name}
        type={type}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        autoComplete={autoComplete ?? "off"}
        placeholder={placeholder}
        {...rules}
      />
      <Described id={id} hint={hint} error={error} />
    </div>
  );
}

export function TextArea({
  label,
  error,
  hint,
  value,
  onChange,
  rules = {},
  name,
  rows = 4,
}: Common & { value: string; onChange: (value: string) => void; rules?: InputRules; name: string; rows?: number }) {
  const id = useId();
  const { maxLength, minLength, required } = rules;
  return (
    <div className={`field${error ? " invalid" : ""}`}>
      <label htmlFor={id}>
        {label}
        {required && <span className="required" aria-hidden="true"> *</span>}
      </label>
      <textarea
        id={id}
        name={name}
        rows={rows}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        maxLength={maxLength}
        minLength={minLength}
        required={required}
      />
      <Described id={id} hint={hint} error={error} />
    </div>
  );
}

export type Option = { value: string; label: string };

export function SelectField({
  label,
  error,
  hint,
  value,
  onChange,
  options,
  name,
  required,
  placeholder,
}: Common & {
  value: string;
  onChange: (value: string) => void;
  options: readonly Option[];
  name: string;
  required?: boolean;
  placeholder?: string;
}) {
  const id = useId();
  return (
    <div className={`field${error ? " invalid" : ""}`}>
      <label htmlFor={id}>
        {label}
        {required && <span className="required" aria-hidden="true"> *</span>}
      </label>
      <select
        id={id}
        name={name}
        value={value}
        required={required}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
      >
        {placeholder !== undefined && <option value="">{placeholder}</option>}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <Described id={id} hint={hint} error={error} />
    </div>
  );
}

/** Several codes (e.g. a consultation's issues) as a fieldset of checkboxes. */
export function CheckboxGroup({
  legend,
  error,
  options,
  values,
  onChange,
  name,
  required,
}: {
  legend: string;
  error?: string | undefined;
  options: readonly Option[];
  values: readonly string[];
  onChange: (values: string[]) => void;
  name: string;
  required?: boolean;
}) {
  const id = useId();
  return (
    <fieldset className={`field checkboxes${error ? " invalid" : ""}`} aria-describedby={error ? `${id}-error` : undefined}>
      <legend>
        {legend}
        {required && <span className="required" aria-hidden="true"> *</span>}
      </legend>
      {options.map((o) => (
        <label key={o.value} className="check">
          <input
            type="checkbox"
            name={name}
            value={o.value}
            checked={values.includes(o.value)}
            onChange={(e) => onChange(e.target.checked ? [...values, o.value] : values.filter((v) => v !== o.value))}
          />
          {o.label}
        </label>
      ))}
      <Described id={id} error={error} />
    </fieldset>
  );
}

export function Checkbox({ label, checked, onChange, name }: { label: ReactNode; checked: boolean; onChange: (v: boolean) => void; name: string }) {
  return (
    <label className="check">
      <input type="checkbox" name={name} checked={checked} onChange={(e) => onChange(e.target.checked)} />
      {label}
    </label>
  );
}
