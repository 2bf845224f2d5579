import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiProblem } from '../api/client.ts';
import { fieldErrorsByPath } from './problems.ts';

/**
 * Sending a form: the browser's own errors (`errors`, by JSON Pointer) show once the user tried to send; the API's
 * field errors are placed at their paths when it refuses; `busy` while the request runs.
 */
export function useFormSubmit(errors: Record<string, string>, send: () => Promise<unknown>) {
  const { t } = useTranslation();
  const [submitted, setSubmitted] = useState(false);
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const errorAt = (path: string) => (submitted ? errors[path] : undefined) ?? serverErrors[path];
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (Object.keys(errors).length) return;
    setBusy(true);
    setFailure(null);
    try {
      await send();
    } catch (error) {
      if (error instanceof ApiProblem && error.status === 400) setServerErrors(fieldErrorsByPath(t, error.errors));
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };
  return { submit, errorAt, failure, busy };
}
