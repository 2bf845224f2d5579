import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

interface Toast {
  id: number;
  text: string;
  link?: { to: string; label: string };
}

const Context = createContext<(toast: Omit<Toast, 'id'>) => void>(() => undefined);

/** Confirms what just happened (an action whose row then leaves the page), with a link to the record; read out politely. */
export function ToastProvider({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const [toasts, setToasts] = useState<Toast[]>([]);
  const dismiss = useCallback((id: number) => setToasts((current) => current.filter((toast) => toast.id !== id)), []);
  const show = useCallback(
    (toast: Omit<Toast, 'id'>) => {
      const id = Date.now() + Math.random();
      setToasts((current) => [...current.slice(-2), { ...toast, id }]);
      setTimeout(() => dismiss(id), 15_000);
    },
    [dismiss],
  );
  const value = useMemo(() => show, [show]);
  return (
    <Context.Provider value={value}>
      {children}
      <div className="toasts" role="status" aria-live="polite" data-testid="toasts">
        {toasts.map((toast) => (
          <div key={toast.id} className="toast">
            <span>{toast.text}</span>
            {toast.link && <Link to={toast.link.to}>{toast.link.label}</Link>}
            <button type="button" className="small" aria-label={t('common.dismiss')} onClick={() => dismiss(toast.id)}>
              ×
            </button>
          </div>
        ))}
      </div>
    </Context.Provider>
  );
}

export const useToast = () => useContext(Context);
