import { useCallback, useState, type DragEvent } from "react";
import { usePlaylists } from "../playlists/PlaylistsContext";
import { filesFromDrop, filesFromList, isWorthUploading, type PickedFile } from "./collectFiles";
import { UploadRow } from "./UploadRow";
import { useUploads } from "./useUploads";

export function UploadPage() {
  const { reload } = usePlaylists();
  const onAdded = useCallback(() => reload(), [reload]);
  const { items, add, cancelAll, clearFinished } = useUploads(onAdded);
  const [over, setOver] = useState(false);
  const [skipped, setSkipped] = useState(0);

  const accept = (files: PickedFile[]) => {
    const wanted = files.filter((f) => isWorthUploading(f.path));
    setSkipped((s) => s + files.length - wanted.length);
    add(wanted);
  };

  const onDrop = async (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    accept(await filesFromDrop(event.dataTransfer));
  };

  const counts = {
    added: items.filter((i) => i.outcome?.kind === "added").length,
    duplicate: items.filter((i) => i.outcome?.kind === "duplicate").length,
    refused: items.filter((i) => i.outcome?.kind === "refused" || i.outcome?.kind === "failed").length,
    pending: items.filter((i) => i.state !== "done").length,
  };

  return (
    <section className="page" aria-labelledby="upload-title">
      <header className="page-header">
        <h1 id="upload-title">Upload</h1>
      </header>
      <div
        className={over ? "dropzone over" : "dropzone"}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => void onDrop(e)}
      >
        <p>Drop music files or whole folders here</p>
        <div className="dropzone-buttons">
          <label className="button primary">
            Choose files
            <input
              type="file"
              multiple
              accept="audio/*,.flac,.opus,.ogg,.m4a,.mp3,.wav"
              className="visually-hidden"
              onChange={(e) => {
                accept(filesFromList(e.target.files));
                e.target.value = "";
              }}
            />
          </label>
          <label className="button">
            Choose a folder
            <input
              type="file"
              multiple
              className="visually-hidden"
              // Non-standard but supported everywhere that matters.
              {...{ webkitdirectory: "" }}
              onChange={(e) => {
                accept(filesFromList(e.target.files));
                e.target.value = "";
              }}
            />
          </label>
        </div>
      </div>
      {items.length > 0 && (
        <>
          <p className="upload-summary" role="status">
            {counts.added} added · {counts.duplicate} duplicates · {counts.refused} refused
            {counts.pending > 0 ? ` · ${counts.pending} to go` : ""}
            {skipped > 0 ? ` · ${skipped} non-audio files skipped` : ""}
          </p>
          <div className="hero-actions">
            <button type="button" onClick={cancelAll} disabled={counts.pending === 0}>
              Cancel all
            </button>
            <button type="button" onClick={clearFinished}>
              Clear finished
            </button>
          </div>
          <ul className="upload-list" aria-label="Uploads">
            {items.map((item) => (
              <UploadRow key={item.id} item={item} />
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
