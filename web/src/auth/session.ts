// The signed-in session, kept in localStorage so a reload stays signed in.
import type { User } from "../api/types";
import { readJson, writeJson } from "../lib/storage";

const kKey = "dispotify.session";

export interface Session {
  token: string;
  user: User;
}

export function loadSession(): Session | null {
  const session = readJson<Session>(kKey);
  return session && typeof session.token === "string" && session.user ? session : null;
}

export function saveSession(session: Session | null): void {
  writeJson(kKey, session);
}
