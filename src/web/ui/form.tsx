import { useId, type InputHTMLAttributes, type KeyboardEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNotice } from './notice.tsx';

interface ControlProps {
  id: string;
  'aria-invalid': boolean;
  'aria-describedby'?: string;
}

interface FieldProps {
  label: string;
  error?: string;
  hint?: string;
  warning?: string;
  required?: boolean;
  children: (control: ControlProps) => ReactNode;
}

/** A labelled form control with its hint and its error, both announced through aria-describedby. */
export function Field({ label, error, hint, warning, required, children }: FieldProps) {
  const id = useId();
  const described = [hint && `${id}-hint`, warning && `${id}-warning`, error && `${id}-error`]
    .filter(Boolean)
    .join(' ');
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>
        {label}
        {required && <span aria-hidden="true"> *</span>}
      </label>
      {children({ id, 'aria-invalid': Boolean(error), 'aria-describedby': described || undefined })}
      {hint && (
        <small id={`${id}-hint`} className="hint">
          {hint}
        </small>
      )}
      {warning && (
        <small id={`${id}-warning`} className="warning">
          {warning}
        </small>
      )}
      {error && (
        <small id={`${id}-error`} className="error" role="alert">
          {error}
        </small>
      )}
    </div>
  );
}

type Common = Omit<FieldProps, 'children'> & { name?: string; onBlur?: () => void; disabled?: boolean };

export function TextField(
  props: Common & {
    value: string;
    onChange: (value: string) => void;
    type?: InputHTMLAttributes<HTMLInputElement>['type'];
    maxLength?: number;
    autoComplete?: string;
    placeholder?: string;
    onKeyDown?: (event: KeyboardEvent<HTMLInputElement>) => void;
    /** The id of a <datalist> of suggestions. */
    list?: string;
  },
) {
  const {
    value,
    onChange,
    type = 'text',
    name,
    onBlur,
    disabled,
    maxLength,
    autoComplete,
    placeholder,
    onKeyDown,
    list,
    ...field
  } = props;
  return (
    <Field {...field}>
      {(control) => (
        <input
          {...control}
          name={name}
          type={type}
          value={value}
          disabled={disabled}
          maxLength={maxLength}
          autoComplete={autoComplete}
          placeholder={placeholder}
          list={list}
          required={field.required}
          onKeyDown={onKeyDown}
          onChange={(event) => onChange(event.target.value)}
          onBlur={onBlur}
        />
      )}
    </Field>
  );
}

export function TextAreaField(props: Common & { value: string; onChange: (value: string) => void; rows?: number }) {
  const { value, onChange, name, onBlur, disabled, rows = 3, ...field } = props;
  return (
    <Field {...field}>
      {(control) => (
        <textarea
          {...control}
          name={name}
          rows={rows}
          value={value}
          disabled={disabled}
          required={field.required}
          onChange={(event) => onChange(event.target.value)}
          onBlur={onBlur}
        />
      )}
    </Field>
  );
}

export function SelectField(
  props: Common & {
    value: string;
    onChange: (value: string) => void;
    options: readonly { value: string; label: string }[];
    placeholder?: string;
  },
) {
  const { value, onChange, name, onBlur, disabled, options, placeholder, ...field } = props;
  return (
    <Field {...field}>
      {(control) => (
        <select
          {...control}
          name={name}
          value={value}
          disabled={disabled}
          required={field.required}
          onChange={(event) => onChange(event.target.value)}
          onBlur={onBlur}
        >
          {placeholder !== undefined && <option value="">{placeholder}</option>}
          {options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

export function CheckboxField(props: {
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  name?: string;
  hint?: string;
  disabled?: boolean;
}) {
  const id = useId();
  return (
    <div className="field field-checkbox">
      <input
        id={id}
        type="checkbox"
        name={props.name}
        checked={props.checked}
        disabled={props.disabled}
        aria-describedby={props.hint ? `${id}-hint` : undefined}
        onChange={(event) => props.onChange(event.target.checked)}
      />
      <label htmlFor={id}>{props.label}</label>
      {props.hint && (
        <small id={`${id}-hint`} className="hint">
          {props.hint}
        </small>
      )}
    </div>
  );
}

/** The end of a form: what went wrong, if anything, then Cancel (when the form can be left) and the primary action. */
export function FormFooter({
  failure,
  busy,
  submitLabel,
  onCancel,
}: {
  failure: unknown;
  busy: boolean;
  submitLabel: string;
  onCancel?: () => void;
}) {
  const { t } = useTranslation();
  return (
    <>
      <ErrorNotice error={failure} />
      <div className="actions">
        {onCancel && (
          <button type="button" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {submitLabel}
        </button>
      </div>
    </>
  );
}
