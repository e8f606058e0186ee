// Typed wrappers of the routes in docs/API.md that the app calls.
import { api, authorizedUrl } from "./client";
import type {
  Album,
  Artist,
  AuditEvent,
  ClusterStatus,
  LoginAnswer,
  Page,
  Playlist,
  Role,
  SearchResults,
  Track,
  User,
} from "./types";

export type SortOrder = "asc" | "desc";
export type TrackSort = "title" | "artist" | "album" | "year" | "duration" | "created_at";
export type AlbumSort = "name" | "artist" | "year" | "created_at";

function pageQuery(offset: number, limit: number, extra: Record<string, string> = {}): string {
  const query = new URLSearchParams({ offset: String(offset), limit: String(limit), ...extra });
  return query.toString();
}

export const login = (username: string, password: string) =>
  api<LoginAnswer>("/auth/login", { method: "POST", body: { username, password } });
export const logout = () => api<{ ok: boolean }>("/auth/logout", { method: "POST" });
export const me = () => api<User>("/me");

export const listTracks = (offset: number, limit: number, sort: TrackSort, order: SortOrder, signal?: AbortSignal) =>
  api<Page<Track>>(`/tracks?${pageQuery(offset, limit, { sort, order })}`, { signal });
export const deleteTrack = (id: string) => api<{ ok: boolean }>(`/tracks/${id}`, { method: "DELETE" });
export const listAlbums = (offset: number, limit: number, sort: AlbumSort, order: SortOrder, signal?: AbortSignal) =>
  api<Page<Album>>(`/albums?${pageQuery(offset, limit, { sort, order })}`, { signal });
export const getAlbum = (id: string, signal?: AbortSignal) => api<Album>(`/albums/${id}`, { signal });
export const listArtists = (offset: number, limit: number, signal?: AbortSignal) =>
  api<Page<Artist>>(`/artists?${pageQuery(offset, limit)}`, { signal });
export const getArtist = (id: string, signal?: AbortSignal) => api<Artist>(`/artists/${id}`, { signal });
export const search = (q: string, limit: number, signal?: AbortSignal) =>
  api<SearchResults>(`/search?${new URLSearchParams({ q, limit: String(limit) }).toString()}`, { signal });

export const streamUrl = (trackId: string) => authorizedUrl(`/tracks/${trackId}/stream`);
export const trackCoverUrl = (trackId: string, size: number) => authorizedUrl(`/tracks/${trackId}/cover`, { size });
export const albumCoverUrl = (albumId: string, size: number) => authorizedUrl(`/albums/${albumId}/cover`, { size });

export const listPlaylists = () => api<{ items: Playlist[] }>("/playlists");
export const getPlaylist = (id: string, signal?: AbortSignal) => api<Playlist>(`/playlists/${id}`, { signal });
export const createPlaylist = (name: string, trackIds: string[] = []) =>
  api<Playlist>("/playlists", { method: "POST", body: { name, track_ids: trackIds } });
export const renamePlaylist = (id: string, name: string) =>
  api<Playlist>(`/playlists/${id}`, { method: "PATCH", body: { name } });
export const deletePlaylist = (id: string) => api<{ ok: boolean }>(`/playlists/${id}`, { method: "DELETE" });
export const addToPlaylist = (id: string, trackIds: string[]) =>
  api<Playlist>(`/playlists/${id}/tracks`, { method: "POST", body: { track_ids: trackIds } });
export const removeFromPlaylist = (id: string, position: number) =>
  api<Playlist>(`/playlists/${id}/tracks/${position}`, { method: "DELETE" });
export const movePlaylistEntry = (id: string, from: number, to: number) =>
  api<Playlist>(`/playlists/${id}/move`, { method: "POST", body: { from, to } });

export const listUsers = () => api<{ items: User[] }>("/users");
export const createUser = (username: string, password: string, role: Role) =>
  api<User>("/users", { method: "POST", body: { username, password, role } });
export const updateUser = (id: string, change: { password?: string; role?: Role }) =>
  api<User>(`/users/${id}`, { method: "PATCH", body: change });
export const deleteUser = (id: string) => api<{ ok: boolean }>(`/users/${id}`, { method: "DELETE" });

export const clusterStatus = () => api<ClusterStatus>("/cluster");
export const listAudit = (offset: number, limit: number, action: string, signal?: AbortSignal) =>
  api<Page<AuditEvent>>(`/audit?${pageQuery(offset, limit, action ? { action } : {})}`, { signal });
