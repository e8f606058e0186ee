import { useCallback, useEffect, useRef, useState } from "react";
import type { Page } from "../api/types";

// A list that grows a page at a time as its end scrolls into view (the
// sentinel element). For grids, where rows have no fixed height.
export function useInfiniteList<T>(
  fetchPage: (offset: number, limit: number, signal: AbortSignal) => Promise<Page<T>>,
  pageSize: number,
) {
  const [items, setItems] = useState<T[]>([]);
  const [total, setTotal] = useState<number | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const loading = useRef(false);
  const controller = useRef(new AbortController());
  const sentinel = useRef<HTMLDivElement>(null);
  const itemsRef = useRef<T[]>([]);

  const loadMore = useCallback(() => {
    if (loading.current) return;
    if (total !== null && itemsRef.current.length >= total) return;
    loading.current = true;
    const signal = controller.current.signal;
    fetchPage(itemsRef.current.length, pageSize, signal).then(
      (page) => {
        if (signal.aborted) return;
        loading.current = false;
        itemsRef.current = [...itemsRef.current, ...page.items];
        setItems(itemsRef.current);
        setTotal(page.total);
      },
      (reason: unknown) => {
        if (signal.aborted) return;
        loading.current = false;
        setError(reason instanceof Error ? reason : new Error(String(reason)));
      },
    );
  }, [fetchPage, pageSize, total]);

  // A new fetchPage (another sort order) starts over.
  useEffect(() => {
    controller.current.abort();
    controller.current = new AbortController();
    loading.current = false;
    itemsRef.current = [];
    setItems([]);
    setTotal(null);
    setError(null);
  }, [fetchPage]);

  useEffect(() => {
    const element = sentinel.current;
    if (!element) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) loadMore();
    }, { rootMargin: "600px" });
    observer.observe(element);
    return () => observer.disconnect();
  }, [loadMore, items.length]);

  useEffect(() => () => controller.current.abort(), []);
  return { items, total, error, sentinel };
}
