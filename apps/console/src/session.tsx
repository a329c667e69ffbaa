import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo } from 'react';
import { auth, setCsrfToken, whenSignedOut, type SessionInfo } from './api/client';
import { grants } from './lib/permissions';

interface SessionState {
  session: SessionInfo | null;
  loading: boolean;
  can(permission: string): boolean;
  signedIn(session: SessionInfo): void;
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: React.ReactNode }) {
  const client = useQueryClient();
  const query = useQuery({ queryKey: ['session'], queryFn: auth.session, staleTime: Infinity, retry: 1 });
  const session = query.data ?? null;
  setCsrfToken(session?.csrfToken);
  useEffect(() => {
    whenSignedOut(() => {
      setCsrfToken(undefined);
      client.setQueryData(['session'], null);
    });
  }, [client]);
  const signedIn = useCallback(
    (s: SessionInfo) => {
      setCsrfToken(s.csrfToken);
      // Another person's data must not linger in the cache; the session query itself stays observed.
      client.removeQueries({ predicate: (q) => q.queryKey[0] !== 'session' });
      client.setQueryData(['session'], s);
    },
    [client],
  );
  const signOut = useCallback(async () => {
    await auth.logout();
    setCsrfToken(undefined);
    client.removeQueries({ predicate: (q) => q.queryKey[0] !== 'session' });
    client.setQueryData(['session'], null);
  }, [client]);
  const value = useMemo<SessionState>(
    () => ({
      session,
      loading: query.isPending,
      can: (p) => (session ? grants(session.permissions, p) : false),
      signedIn,
      signOut,
    }),
    [session, query.isPending, signedIn, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}
