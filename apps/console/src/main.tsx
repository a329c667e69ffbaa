import '@mantine/core/styles.css';
import './theme.css';
import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiError } from './lib/problem';
import { RouterProvider } from './lib/router';
import { App } from './App';

const queries = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      refetchOnWindowFocus: false,
      // A refusal (4xx) is not retried; a service that is down (503, 504) is, twice, and the screen offers a retry after.
      retry: (count, error) => count < 2 && !(error instanceof ApiError && !error.retryable),
    },
  },
});

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    {/* The theme's variables come from styles.css: no <style> element is injected, so the CSP needs no 'unsafe-inline'. */}
    <MantineProvider withCssVariables={false} withGlobalClasses={false}>
      <QueryClientProvider client={queries}>
        <RouterProvider>
          <App />
        </RouterProvider>
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
