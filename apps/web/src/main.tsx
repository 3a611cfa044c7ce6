import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { connectEarly } from './lib/live';
import { SessionProvider } from './lib/session';
import './styles.css';

connectEarly(window.location.pathname);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <SessionProvider>
      <App />
    </SessionProvider>
  </StrictMode>,
);
