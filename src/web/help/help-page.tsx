import { useTranslation } from 'react-i18next';
import type { Language } from '../i18n/i18n.ts';
import { useMe } from '../session/session.tsx';
import { GUIDE } from './guide.ts';

/** The user guide of the signed-in person's role, in the page's language, with screenshots of the screens it names. */
export function HelpPage() {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const guide = GUIDE[me.role][(i18n.language === 'en' ? 'en' : 'es') as Language];
  return (
    <section className="guide">
      <h1>{t('help.title', { role: t(`roles.${me.role}`) })}</h1>
      <p className="lead">{guide.lead}</p>
      <ol className="guide-steps">
        {guide.steps.map((step) => (
          <li key={step.title}>
            <h2>{step.title}</h2>
            <p>{step.text}</p>
            {step.image && (
              <img
                src={`/guide/${step.image}.jpg`}
                alt={t('help.screenshot', { title: step.title })}
                loading="lazy"
                width={1280}
                height={800}
              />
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
