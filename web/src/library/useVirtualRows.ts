import { useEffect, useState, type RefObject } from "react";

export interface VirtualRange {
  first: number;
  last: number; // inclusive; -1 when nothing is visible
}

// Which rows of a fixed-height list inside the scroll container are on
// screen (plus `overscan` rows on each side), so only those are rendered.
export function useVirtualRows(
  scroller: RefObject<HTMLElement | null>,
  count: number,
  rowHeight: number,
  overscan = 10,
  listOffset = 0,
): VirtualRange {
  const [range, setRange] = useState<VirtualRange>({ first: 0, last: Math.min(count, 40) - 1 });
  useEffect(() => {
    const element = scroller.current;
    if (!element) return;
    let frame = 0;
    const measure = () => {
      frame = 0;
      const top = Math.max(element.scrollTop - listOffset, 0);
      const height = element.clientHeight || 800;
      const first = Math.max(Math.floor(top / rowHeight) - overscan, 0);
      const last = Math.min(Math.ceil((top + height) / rowHeight) + overscan, count - 1);
      setRange((old) => (old.first === first && old.last === last ? old : { first, last }));
    };
    const schedule = () => {
      if (frame === 0) frame = window.requestAnimationFrame(measure);
    };
    measure();
    element.addEventListener("scroll", schedule, { passive: true });
    const observer = typeof ResizeObserver === "undefined" ? null : new ResizeObserver(schedule);
    observer?.observe(element);
    return () => {
      element.removeEventListener("scroll", schedule);
      observer?.disconnect();
      if (frame !== 0) window.cancelAnimationFrame(frame);
    };
  }, [scroller, count, rowHeight, overscan, listOffset]);
  return range;
}
