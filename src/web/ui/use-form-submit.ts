import { useState, type Dispatch, type FormEvent, type SetStateAction } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiProblem, type FieldError } from '../api/client.ts';
import { fieldErrorsByPath, problemMessage } from './problems.ts';

/**
 * Sending a form: the browser's own errors (`errors`, by JSON Pointer) show once the user tried to send; the API's
 * field errors are placed at their paths when it refuses, and so is a conflict named in `conflictPaths` (problem kind →
 * path, e.g. a case number already taken); `busy` while the request runs. A form reopened after the server refused it
 * (a draft kept on the device) starts with that `refusal` shown.
 */
export function useFormSubmit(
  errors: Record<string, string>,
  send: () => Promise<unknown>,
  conflictPaths: Record<string, string> = {},
  refusal?: { errors?: FieldError[]; problem?: { status: number; kind: string; body: Record<string, unknown> } },
) {
  const { t } = useTranslation();
  const [submitted, setSubmitted] = useState(Boolean(refusal));
  const [serverErrors, setServerErrors] = useState<Record<string, string>>(() =>
    refusal?.errors ? fieldErrorsByPath(t, refusal.errors) : {},
  );
  const [failure, setFailure] = useState<unknown>(() =>
    refusal?.problem ? new ApiProblem(refusal.problem.status, refusal.problem.kind, '', refusal.problem.body) : null,
  );
  const [busy, setBusy] = useState(false);
  const errorAt = (path: string) => (submitted ? errors[path] : undefined) ?? serverErrors[path];
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (Object.keys(errors).length) return;
    setBusy(true);
    setFailure(null);
    setServerErrors({});
    try {
      await send();
    } catch (error) {
      const conflictPath = error instanceof ApiProblem ? conflictPaths[error.kind] : undefined;
      if (conflictPath) setServerErrors({ [conflictPath]: problemMessage(t, error) });
      else if (error instanceof ApiProblem && error.status === 400) setServerErrors(fieldErrorsByPath(t, error.errors));
      if (!conflictPath) setFailure(error);
    } finally {
      setBusy(false);
    }
  };
  return { submit, errorAt, submitted, failure, busy };
}

/**
 * The props that tie one text, date or select control to a form's state: its name, its value, a setter and its error
 * (at `/<name>` unless `paths` places it elsewhere in the body).
 */
export function fieldBinder<T extends Record<string, string>>(
  values: T,
  setValues: Dispatch<SetStateAction<T>>,
  errorAt: (path: string) => string | undefined,
  paths: Partial<Record<keyof T, string>> = {},
) {
  return (name: keyof T & string) => ({
    name,
    value: values[name],
    onChange: (value: string) => setValues((current) => ({ ...current, [name]: value })),
    error: errorAt(paths[name] ?? `/${name}`),
  });
}
