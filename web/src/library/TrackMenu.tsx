import { useNavigate } from "react-router-dom";
import { addToPlaylist, createPlaylist } from "../api/endpoints";
import type { Track } from "../api/types";
import { usePlayerStore } from "../player/usePlayer";
import { usePlaylists } from "../playlists/PlaylistsContext";
import { Menu, type MenuItem } from "../ui/Menu";
import { useToast } from "../ui/Toast";

// The actions on one track, from any track list.
export function TrackMenu({ track, extra = [] }: { track: Track; extra?: MenuItem[] }) {
  const store = usePlayerStore();
  const navigate = useNavigate();
  const { playlists, reload } = usePlaylists();
  const toast = useToast();

  const add = async (playlistId: string, name: string) => {
    try {
      await addToPlaylist(playlistId, [track.id]);
      toast(`Added “${track.title}” to ${name}.`);
      reload();
    } catch (reason) {
      toast(`Could not add to ${name}: ${reason instanceof Error ? reason.message : String(reason)}`);
    }
  };
  const addToNew = async () => {
    const name = window.prompt("Name of the new playlist");
    if (!name) return;
    try {
      await createPlaylist(name, [track.id]);
      toast(`Created ${name} with “${track.title}”.`);
      reload();
    } catch (reason) {
      toast(`Could not create ${name}: ${reason instanceof Error ? reason.message : String(reason)}`);
    }
  };

  const items: MenuItem[] = [
    { label: "Play next", onSelect: () => store.enqueue([track], true) },
    { label: "Add to queue", onSelect: () => store.enqueue([track], false) },
    ...playlists.map((p) => ({ label: `Add to ${p.name}`, onSelect: () => void add(p.id, p.name) })),
    { label: "Add to new playlist…", onSelect: () => void addToNew() },
    { label: "Go to album", onSelect: () => navigate(`/albums/${track.album_id}`) },
    { label: "Go to artist", onSelect: () => navigate(`/artists/${track.artist_id}`) },
    ...extra,
  ];
  return <Menu label={`More actions: ${track.title}`} items={items} />;
}
