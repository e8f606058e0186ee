// What the app shows to each role. The server decides (src/api/permissions.h
// holds the table and refuses with 403); the app only hides what the
// server would refuse, so nobody meets a button that cannot work.
import type { Role } from "../api/types";

export const kRoles: { role: Role; description: string }[] = [
  { role: "listener", description: "listens, keeps own playlists" },
  { role: "uploader", description: "also uploads tracks and deletes their own" },
  { role: "admin", description: "everything: users, cluster, audit log" },
];

export const canUpload = (role: Role | undefined) => role === "uploader" || role === "admin";
export const isAdmin = (role: Role | undefined) => role === "admin";
