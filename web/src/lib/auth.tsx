import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, ApiError, onUnauthorized } from './api';
import type { Account } from './types';

/** Who is signed in, as the server says (`GET /auth/session`); the cookie itself is never read here. */
type SessionState = { status: 'loading' } | { status: 'signed-out'; error?: string } | { status: 'signed-in'; account: Account };

interface AuthContextValue {
  readonly session: SessionState;
  signedIn(account: Account): void;
  signedOut(): void;
  refresh(): Promise<void>;
}

const AuthContext = createContext<AuthContextValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<SessionState>({ status: 'loading' });

  const refresh = useCallback(async () => {
    try {
      const body = await api.get<{ account: Account }>('/auth/session', { quiet401: true });
      setSession({ status: 'signed-in', account: body.account });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setSession({ status: 'signed-out' });
      else setSession({ status: 'signed-out', error: err instanceof Error ? err.message : String(err) });
    }
  }, []);

  useEffect(() => {
    void refresh();
    // A session revoked elsewhere shows up as a 401 on the next request.
    return onUnauthorized(() => setSession({ status: 'signed-out' }));
  }, [refresh]);

  const value: AuthContextValue = {
    session,
    refresh,
    signedIn: (account) => setSession({ status: 'signed-in', account }),
    signedOut: () => setSession({ status: 'signed-out' }),
  };
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth outside AuthProvider');
  return value;
}

export function useAccount(): Account {
  const { session } = useAuth();
  if (session.status !== 'signed-in') throw new Error('useAccount on a signed-out page');
  return session.account;
}
