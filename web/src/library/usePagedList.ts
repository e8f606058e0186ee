import { useCallback, useEffect, useRef, useState } from "react";
import type { Page } from "../api/types";

// Rows of a long server-side list, fetched a page at a time as they are
// needed (the visible range asks for them) and cached by page.
export interface PagedList<T> {
  total: number | null;
  rowAt: (index: number) => T | undefined;
  ensureRange: (first: number, last: number) => void;
  error: Error | null;
  // Every row loaded so far, in order (for "play all" from a table).
  loadedRows: () => T[];
}

export function usePagedList<T>(
  fetchPage: (offset: number, limit: number, signal: AbortSignal) => Promise<Page<T>>,
  pageSize: number,
  resetKey: string,
): PagedList<T> {
  const pages = useRef(new Map<number, T[]>());
  const inFlight = useRef(new Set<number>());
  const controller = useRef(new AbortController());
  const [total, setTotal] = useState<number | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [, setVersion] = useState(0);

  const load = useCallback(
    (page: number) => {
      if (pages.current.has(page) || inFlight.current.has(page)) return;
      inFlight.current.add(page);
      const signal = controller.current.signal;
      fetchPage(page * pageSize, pageSize, signal).then(
        (answer) => {
          if (signal.aborted) return;
          inFlight.current.delete(page);
          pages.current.set(page, answer.items);
          setTotal(answer.total);
          setVersion((v) => v + 1);
        },
        (reason: unknown) => {
          if (signal.aborted) return;
          inFlight.current.delete(page);
          setError(reason instanceof Error ? reason : new Error(String(reason)));
        },
      );
    },
    [fetchPage, pageSize],
  );

  useEffect(() => {
    controller.current.abort();
    controller.current = new AbortController();
    pages.current = new Map();
    inFlight.current = new Set();
    setTotal(null);
    setError(null);
    load(0);
    // resetKey names the list (sort order, filters): a new one starts over.
  }, [resetKey]);

  useEffect(() => () => controller.current.abort(), []);

  const ensureRange = useCallback(
    (first: number, last: number) => {
      for (let page = Math.floor(Math.max(first, 0) / pageSize); page <= Math.floor(last / pageSize); page++) {
        if (total === null || page * pageSize < total) load(page);
      }
    },
    [load, pageSize, total],
  );

  const rowAt = (index: number) => pages.current.get(Math.floor(index / pageSize))?.[index % pageSize];
  const loadedRows = () => {
    const out: T[] = [];
    for (let page = 0; pages.current.has(page); page++) out.push(...(pages.current.get(page) as T[]));
    return out;
  };
  return { total, rowAt, ensureRange, error, loadedRows };
}
