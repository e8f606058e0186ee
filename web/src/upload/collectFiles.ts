// Files from a drop: plain files and whole folders (walked recursively
// through the File and Directory Entries API), with their relative paths.

export interface PickedFile {
  file: File;
  path: string;
}

const kFilesMax = 10_000;

function readAll(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => {
    const out: FileSystemEntry[] = [];
    const next = () =>
      reader.readEntries((batch) => {
        if (batch.length === 0) resolve(out);
        else {
          out.push(...batch);
          next();
        }
      }, reject);
    next();
  });
}

async function walk(entry: FileSystemEntry, out: PickedFile[]): Promise<void> {
  if (out.length >= kFilesMax) return;
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({ file, path: entry.fullPath.replace(/^\//, "") });
  } else if (entry.isDirectory) {
    const children = await readAll((entry as FileSystemDirectoryEntry).createReader());
    for (const child of children) await walk(child, out);
  }
}

export async function filesFromDrop(data: DataTransfer): Promise<PickedFile[]> {
  const entries = [...data.items]
    .map((item) => (item.kind === "file" ? item.webkitGetAsEntry?.() : null))
    .filter((e): e is FileSystemEntry => !!e);
  if (entries.length === 0) return filesFromList(data.files);
  const out: PickedFile[] = [];
  for (const entry of entries) await walk(entry, out);
  return out;
}

export function filesFromList(list: FileList | null): PickedFile[] {
  return [...(list ?? [])].slice(0, kFilesMax).map((file) => ({ file, path: file.webkitRelativePath || file.name }));
}

// Hidden files and the usual non-audio companions of a music folder are
// skipped (the server would refuse them anyway).
export function isWorthUploading(path: string): boolean {
  const name = path.split("/").pop() ?? path;
  if (name.startsWith(".")) return false;
  return !/\.(jpe?g|png|gif|bmp|txt|nfo|cue|log|m3u8?|pls|db|ini|pdf|sfv|md5)$/i.test(name);
}
