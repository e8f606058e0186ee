import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import { useNavigate } from "react-router-dom";
import { formatDuration } from "../lib/format";
import { usePlayerStore } from "../player/usePlayer";
import { Icon } from "../ui/Icon";
import { flattenResults, moveActive, type SearchItem } from "./searchItems";
import { useSearch } from "./useSearch";

const kGroups = [
  { kind: "track", label: "Tracks" },
  { kind: "album", label: "Albums" },
  { kind: "artist", label: "Artists" },
] as const;

// Search as you type: a combobox whose popup lists tracks, albums and
// artists; arrows move, Enter plays or opens, Escape closes, "/" focuses.
export function SearchBox() {
  const [query, setQuery] = useState("");
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const { results, error, loading, settled } = useSearch(query);
  const items = flattenResults(results);
  const store = usePlayerStore();
  const navigate = useNavigate();
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const root = useRef<HTMLDivElement>(null);

  useEffect(() => setActive(-1), [results]);

  useEffect(() => {
    const onKey = (event: globalThis.KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      const typing = target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA");
      if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey) {
        event.preventDefault();
        input.current?.focus();
      }
    };
    const onClick = (event: MouseEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    window.addEventListener("keydown", onKey);
    document.addEventListener("mousedown", onClick);
    return () => {
      window.removeEventListener("keydown", onKey);
      document.removeEventListener("mousedown", onClick);
    };
  }, []);

  function choose(item: SearchItem) {
    if (item.kind === "track") store.playTracks(results?.tracks ?? [item.track], item.index);
    else navigate(item.kind === "album" ? `/albums/${item.id}` : `/artists/${item.id}`);
    setOpen(false);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      setOpen(true);
      setActive(moveActive(active, items.length, event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Enter") {
      const item = items[active] ?? items[0];
      if (item) {
        event.preventDefault();
        choose(item);
      }
    } else if (event.key === "Escape") {
      if (open) setOpen(false);
      else setQuery("");
    }
  }

  const listId = `${id}-results`;
  const optionId = (item: SearchItem) => `${id}-${item.kind}-${item.id}`;
  const showPopup = open && settled !== "";
  const activeItem = items[active];

  return (
    <div className="search" ref={root}>
      <Icon name="search" size={18} />
      <label htmlFor={`${id}-input`} className="visually-hidden">
        Search
      </label>
      <input
        id={`${id}-input`}
        ref={input}
        type="search"
        role="combobox"
        aria-expanded={showPopup}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={showPopup && activeItem ? optionId(activeItem) : undefined}
        placeholder="Search songs, albums, artists"
        autoComplete="off"
        spellCheck={false}
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onKeyDown={onKeyDown}
      />
      {showPopup && (
        <div className="search-popup" id={listId} role="listbox" aria-label="Search results">
          {error && <p role="alert">Search failed: {error}</p>}
          {!error && results && items.length === 0 && <p className="muted">No results for “{settled}”.</p>}
          {!results && loading && <p className="muted">Searching…</p>}
          {kGroups.map((group) => {
            const groupItems = items.filter((i) => i.kind === group.kind);
            if (groupItems.length === 0) return null;
            return (
              <div role="group" aria-label={group.label} key={group.kind}>
                <div className="search-group" aria-hidden="true">
                  {group.label}
                </div>
                {groupItems.map((item) => (
                  <div
                    key={optionId(item)}
                    id={optionId(item)}
                    role="option"
                    aria-selected={item === activeItem}
                    className={item === activeItem ? "search-option active" : "search-option"}
                    onMouseDown={(e) => e.preventDefault()}
                    onClick={() => choose(item)}
                  >
                    <ResultText item={item} />
                  </div>
                ))}
              </div>
            );
          })}
        </div>
      )}
    </div>
  );
}

function ResultText({ item }: { item: SearchItem }) {
  switch (item.kind) {
    case "track":
      return (
        <>
          <span>{item.track.title}</span>
          <span className="muted">
            {item.track.artist} · {formatDuration(item.track.duration_ms)}
          </span>
        </>
      );
    case "album":
      return (
        <>
          <span>{item.album.title}</span>
          <span className="muted">{item.album.album_artist}</span>
        </>
      );
    case "artist":
      return <span>{item.artist.name}</span>;
  }
}
