import { RegistryCheck } from '../registry/registry-check.tsx';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import type { Weapon } from '../../weapons/schemas.ts';
import { query } from '../api/client.ts';
import { LoadMore, usePagedList } from '../api/paged.tsx';
import { OnlyOfCase, SearchField } from '../ui/filters.tsx';
import { ErrorNotice, Loading } from '../ui/notice.tsx';
import { weaponLabel } from './weapon-label.ts';

export function WeaponsPage() {
  const { t } = useTranslation();
  const [serial, setSerial] = useState('');
  const [manufacturer, setManufacturer] = useState('');
  const [params, setParams] = useSearchParams();
  const caseId = params.get('caseId') ?? '';
  const weapons = usePagedList<Weapon>(
    ['weapons', serial, manufacturer, caseId],
    (cursor) => `/weapons${query({ serial: serial.trim(), manufacturer: manufacturer.trim(), caseId, cursor })}`,
  );
  return (
    <section>
      <h1>{t('weapons.title')}</h1>
      <form className="filters" role="search" onSubmit={(event) => event.preventDefault()}>
        <SearchField
          label={t('weapons.serialNumber')}
          hint={t('weapons.serialSearchHint')}
          value={serial}
          onChange={setSerial}
        />
        <SearchField label={t('weapons.manufacturer')} value={manufacturer} onChange={setManufacturer} />
      </form>
      {caseId && <OnlyOfCase onShowAll={() => setParams({})} />}
      <ErrorNotice error={weapons.error} />
      {weapons.isPending ? (
        <Loading />
      ) : weapons.items.length === 0 ? (
        <p>{t('weapons.none')}</p>
      ) : (
        <ul className="plain">
          {weapons.items.map((weapon) => (
            <li key={weapon.id}>
              <Link to={`/weapons/${weapon.id}`}>{weaponLabel(t, weapon)}</Link> · {t(`weaponTypes.${weapon.type}`)}
            </li>
          ))}
        </ul>
      )}
      <LoadMore list={weapons} />
      <RegistryCheck />
    </section>
  );
}
