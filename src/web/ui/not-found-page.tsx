import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';

export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <section>
      <h1>{t('problems.notFound')}</h1>
      <Link to="/">{t('common.home')}</Link>
    </section>
  );
}
