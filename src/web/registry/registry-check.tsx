import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RegistryMatch } from '../../shared/registry-match.ts';
import { query, request } from '../api/client.ts';
import { TextField } from '../ui/form.tsx';
import { useFormat } from '../ui/format.ts';
import { ErrorNotice } from '../ui/notice.tsx';
import { matchText } from './registry-matches.tsx';

/** "Is this gun reported anywhere?": manufacturer and serial, answered across every agency in the short form. */
export function RegistryCheck() {
  const { t } = useTranslation();
  const format = useFormat();
  const [manufacturer, setManufacturer] = useState('');
  const [serial, setSerial] = useState('');
  const [matches, setMatches] = useState<RegistryMatch[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const check = async () => {
    setError(null);
    try {
      const answer = await request<{ matches: RegistryMatch[] }>(
        `/registry/check${query({ manufacturer: manufacturer.trim(), serial: serial.trim() })}`,
      );
      setMatches(answer.matches);
    } catch (failure) {
      setError(failure);
      setMatches(null);
    }
  };
  return (
    <section className="registry-check" aria-labelledby="registry-check-title">
      <h2 id="registry-check-title">{t('registry.checkTitle')}</h2>
      <p>{t('registry.checkLead')}</p>
      <form
        className="filters"
        onSubmit={(event) => {
          event.preventDefault();
          void check();
        }}
      >
        <TextField
          label={t('weapons.manufacturer')}
          value={manufacturer}
          onChange={setManufacturer}
          required
          maxLength={120}
        />
        <TextField label={t('weapons.serialNumber')} value={serial} onChange={setSerial} required maxLength={64} />
        <button type="submit" disabled={!manufacturer.trim() || !serial.trim()}>
          {t('registry.checkSubmit')}
        </button>
      </form>
      <ErrorNotice error={error} />
      {matches &&
        (matches.length === 0 ? (
          <p role="status">{t('registry.checkNone')}</p>
        ) : (
          <ul className="plain" role="status" data-testid="registry-check-matches">
            {matches.map((match) => (
              <li key={match.reference}>
                {matchText(t, format, match)} (
                {t('registry.checkStatus', { status: t(`reportStatus.${match.status}`) })})
              </li>
            ))}
          </ul>
        ))}
    </section>
  );
}
