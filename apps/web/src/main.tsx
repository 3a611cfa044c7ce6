import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { connectEarly } from './lib/live';
import { createQueryClient } from './lib/query-client';
import { SessionProvider } from './lib/session';
import { applyTheme } from './lib/theme';
import './styles.css';

applyTheme();
connectEarly(window.location.pathname);
const queryClient = createQueryClient();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <SessionProvider>
        <App />
      </SessionProvider>
    </QueryClientProvider>
  </StrictMode>,
);
