import { useEffect, useRef } from "react";

export function useInterval(callback: () => void, delayMs: number): void {
  const saved = useRef(callback);
  saved.current = callback;
  useEffect(() => {
    const timer = window.setInterval(() => saved.current(), delayMs);
    return () => window.clearInterval(timer);
  }, [delayMs]);
}
