import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { setToken, setUnauthorizedListener } from "../api/client";
import * as endpoints from "../api/endpoints";
import type { User } from "../api/types";
import { loadSession, saveSession, type Session } from "./session";

interface AuthValue {
  user: User | null;
  login: (username: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
}

const AuthContext = createContext<AuthValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(() => {
    const saved = loadSession();
    setToken(saved?.token ?? null);
    return saved;
  });

  const apply = useCallback((next: Session | null) => {
    setToken(next?.token ?? null);
    saveSession(next);
    setSession(next);
  }, []);

  useEffect(() => {
    setUnauthorizedListener(() => apply(null));
    return () => setUnauthorizedListener(null);
  }, [apply]);

  // A saved session may have been revoked or its role changed meanwhile.
  useEffect(() => {
    if (!session) return;
    endpoints.me().then(
      (user) => apply({ token: session.token, user }),
      () => undefined, // 401 signs out through the listener; other errors keep the session
    );
    // Only once per token.
  }, [session?.token]);

  const login = useCallback(
    async (username: string, password: string) => {
      const answer = await endpoints.login(username, password);
      apply({ token: answer.token, user: answer.user });
    },
    [apply],
  );

  const logout = useCallback(async () => {
    try {
      await endpoints.logout();
    } catch {
      // Signed out locally whatever the server says.
    }
    apply(null);
  }, [apply]);

  const value = useMemo(() => ({ user: session?.user ?? null, login, logout }), [session, login, logout]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error("useAuth outside AuthProvider");
  return value;
}
