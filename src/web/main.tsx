import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { ApiProblem } from './api/client.ts';
import { App } from './app.tsx';
import { i18nReady } from './i18n/i18n.ts';
import { SessionProvider } from './session/session.tsx';
import './styles.css';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 5_000,
      // 4xx answers will not change on retry; network failures and 5xx get two more tries.
      retry: (count, error) => count < 2 && !(error instanceof ApiProblem && error.status >= 400 && error.status < 500),
    },
  },
});

// The app's shell and code stay on the device, so it opens at a police post without a connection (see vite.config.ts;
// the browser's own registration: the worker takes over at once and updates itself, so no helper library is sent).
if ('serviceWorker' in navigator)
  void navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => undefined);

// The first language's catalogue comes as its own file (one language, not both, on a weak link).
await i18nReady;

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <SessionProvider>
          <App />
        </SessionProvider>
      </BrowserRouter>
    </QueryClientProvider>
  </StrictMode>,
);
