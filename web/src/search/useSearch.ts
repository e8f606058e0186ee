import { useEffect, useState } from "react";
import { search } from "../api/endpoints";
import type { SearchResults } from "../api/types";
import { useDebounced } from "../lib/useDebounced";

export const kSearchDebounceMs = 200;
const kResultsPerKind = 8;

// Results for what is typed, once typing pauses; an older answer never
// replaces a newer one (the previous request is aborted).
export function useSearch(query: string) {
  const settled = useDebounced(query.trim(), kSearchDebounceMs);
  const [results, setResults] = useState<SearchResults | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  useEffect(() => {
    if (settled === "") {
      setResults(null);
      setError(null);
      return;
    }
    const controller = new AbortController();
    setLoading(true);
    search(settled, kResultsPerKind, controller.signal).then(
      (answer) => {
        setResults(answer);
        setError(null);
        setLoading(false);
      },
      (reason: unknown) => {
        if (controller.signal.aborted) return;
        setError(reason instanceof Error ? reason.message : String(reason));
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [settled]);
  return { results, error, loading, settled };
}
