import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

interface Problem {
  id: string;
  text: string;
}

/** The invalid controls of a form, each with its label and its error text (the same the field shows inline). */
function problemsOf(form: HTMLFormElement): Problem[] {
  return [...form.querySelectorAll<HTMLInputElement>('[aria-invalid="true"]')].map((control) => {
    const label = control.labels?.[0]?.textContent?.replace(/\s*\*\s*$/, '').trim() ?? control.name;
    const error =
      (control.getAttribute('aria-describedby') ?? '')
        .split(' ')
        .map((id) => document.getElementById(id))
        .find((element) => element?.classList.contains('error'))?.textContent ?? '';
    return { id: control.id, text: error ? `${label}: ${error}` : label };
  });
}

/**
 * The GOV.UK error summary: placed first in a form, it lists after a failed send every field in error, each a link that
 * moves focus to its field, and takes focus itself so the problem is read out at once. The inline errors stay.
 */
export function ErrorSummary() {
  const { t } = useTranslation();
  const box = useRef<HTMLDivElement>(null);
  const [attempt, setAttempt] = useState(0);
  const focused = useRef(0);
  const [problems, setProblems] = useState<Problem[]>([]);

  useEffect(() => {
    const form = box.current?.closest('form');
    const count = () => setAttempt((n) => n + 1);
    form?.addEventListener('submit', count);
    return () => form?.removeEventListener('submit', count);
  }, []);
  // After every render of the form: what is invalid now (the form's own checks first, the API's refusal later).
  useLayoutEffect(() => {
    const form = box.current?.closest('form');
    if (!form || attempt === 0) return;
    const found = problemsOf(form);
    if (JSON.stringify(found) !== JSON.stringify(problems)) setProblems(found);
  });
  useEffect(() => {
    if (attempt > focused.current && problems.length) {
      focused.current = attempt;
      box.current?.focus();
    }
  }, [attempt, problems]);

  return (
    <div
      ref={box}
      tabIndex={-1}
      className={problems.length ? 'error-summary' : undefined}
      hidden={!problems.length}
      aria-labelledby={problems.length ? 'error-summary-title' : undefined}
      data-testid="error-summary"
    >
      {problems.length > 0 && (
        <>
          <h2 id="error-summary-title">{t('forms.problemTitle')}</h2>
          <ul>
            {problems.map((problem) => (
              <li key={problem.id}>
                <a
                  href={`#${problem.id}`}
                  onClick={(event) => {
                    event.preventDefault();
                    document.getElementById(problem.id)?.focus();
                  }}
                >
                  {problem.text}
                </a>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
