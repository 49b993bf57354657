import { startTransition, useEffect, useState, type ReactNode } from 'react';

/**
 * Renders nothing in the commit that mounts it and its children `stage` tasks later (as a
 * transition). The page's first commit was one main-thread task of style, layout and paint for
 * the whole page (40-90 ms on the 2-core build machine while the worker started beside it): wrap
 * what starts below the fold, and that work splits over a few tasks. Only around content below
 * the first screen: it appears a task or two after the rest, and would shift what is under it.
 */
export function Deferred({ children, stage = 1 }: { children: ReactNode; stage?: number }) {
  const [shown, setShown] = useState(false);
  useEffect(() => {
    let hopsLeft = stage;
    let timer: ReturnType<typeof setTimeout>;
    const hop = () => {
      hopsLeft -= 1;
      if (hopsLeft <= 0) startTransition(() => setShown(true));
      else timer = setTimeout(hop);
    };
    timer = setTimeout(hop);
    return () => clearTimeout(timer);
    // Mounted once: a later stage prop changes nothing.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return shown ? children : null;
}
