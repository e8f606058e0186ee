// The REST API's records (docs/API.md), as the server sends them.

// What each may do: src/auth/permissions.ts (the server's table is
// src/api/permissions.h; it enforces, the app only hides what would be refused).
export type Role = "admin" | "uploader" | "listener";

export interface User {
  id: string;
  username: string;
  role: Role;
  created_at: string;
}

export interface ReplayGain {
  track_gain_db: number | null;
  track_peak: number | null;
  album_gain_db: number | null;
  album_peak: number | null;
}

export interface Track {
  id: string;
  title: string;
  artist: string;
  artists: string[];
  album: string;
  album_artist: string;
  album_id: string;
  artist_id: string;
  track_number: number | null;
  disc_number: number | null;
  year: number | null;
  genre: string | null;
  duration_ms: number;
  codec: string;
  content_type: string;
  size_bytes: number;
  has_cover: boolean;
  replaygain: ReplayGain;
  created_at: string;
}

export interface Album {
  id: string;
  title: string;
  album_artist: string;
  artist_id: string;
  compilation: boolean;
  year: number | null;
  genre: string | null;
  track_count: number;
  disc_count: number;
  duration_ms: number;
  has_cover: boolean;
  tracks?: Track[];
}

export interface Artist {
  id: string;
  name: string;
  album_count: number;
  track_count: number;
  albums?: Album[];
  tracks?: Track[];
}

// One entry of the audit log (GET /api/v1/audit).
export interface AuditEvent {
  id: number;
  time: string;
  actor: { id: string; username: string } | null;
  action: string;
  target: string;
  detail: Record<string, unknown>;
  address: string | null;
}

export interface Page<T> {
  items: T[];
  total: number;
  offset: number;
  limit: number;
}

export interface SearchResults {
  tracks: Track[];
  albums: Album[];
  artists: Artist[];
}

export interface Playlist {
  id: string;
  owner_id: string;
  name: string;
  track_count: number;
  duration_ms: number;
  created_at: string;
  updated_at: string;
  tracks?: Track[];
}

export interface LoginAnswer {
  token: string;
  expires_at: string;
  user: User;
}

export interface RaftStatus {
  role?: string;
  term?: number;
  leader?: string | null;
  commit_index?: number;
  applied_index?: number;
  last_index?: number;
  snapshot_index?: number;
  error?: string;
  [field: string]: unknown;
}

export interface ClusterMember {
  node_id: string;
  peer_address: string;
  api_address: string;
  joined_at_ms: number;
  storage_full?: boolean; // below --min-free-disk: takes no new blob copies
  membership: "voter" | "learner" | "none";
  reachable: boolean;
  lag: number | null;
  last_contact_ms_ago: number | null;
  raft_messages_dropped?: number;
  last_error?: string | null;
  status: RaftStatus;
  [field: string]: unknown;
}

export interface ClusterStorage {
  replication_factor: number;
  write_quorum: number;
  blobs: number;
  bytes: number;
  under_replicated: number;
  repair_tasks: number;
  repair_bytes: number;
}

export interface ClusterStatus {
  storage?: ClusterStorage;
  cluster_id: string;
  node_id: string;
  leader: string | null;
  term: number;
  commit_index: number;
  members: ClusterMember[];
  [field: string]: unknown;
}
