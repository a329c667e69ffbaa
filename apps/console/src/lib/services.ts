import { useQuery } from '@tanstack/react-query';

/** The first path a service owns behind the gateway: its screens show only when the merged document has it. */
export const SERVICE_PATHS = {
  sales: '/api/v1/pipelines',
  support: '/api/v1/tickets',
  marketing: '/api/v1/segments',
  documents: '/api/v1/documents',
  analytics: '/api/v1/analytics/rfm',
} as const;
export type ServiceName = keyof typeof SERVICE_PATHS;

/**
 * Which services the gateway routes to and that answer: the merged OpenAPI document lists the
 * paths of each service that served its document. Asked once per session (the page's own origin).
 */
export function useRoutedServices(): { routed: (s: ServiceName) => boolean; loading: boolean } {
  const q = useQuery({
    queryKey: ['routed-services'],
    staleTime: Infinity,
    queryFn: async () => {
      const res = await fetch('/api/openapi.json', { credentials: 'same-origin' });
      if (!res.ok) return [] as string[];
      const doc = (await res.json()) as { paths?: Record<string, unknown> };
      return Object.keys(doc.paths ?? {});
    },
  });
  const paths = q.data ?? [];
  return {
    loading: q.isPending,
    routed: (s) => paths.some((p) => p === SERVICE_PATHS[s] || p.startsWith(`${SERVICE_PATHS[s]}/`)),
  };
}
