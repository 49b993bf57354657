import { startTransition, useEffect, useState } from 'react';

/**
 * `value`, one task later (as a transition): a change that would redraw too much in one task
 * hands part of the redraw to the next, so no single task grows long. The first render sees the
 * value at once.
 */
export function useNextTask<T>(value: T): T {
  const [later, setLater] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => startTransition(() => setLater(() => value)));
    return () => clearTimeout(timer);
  }, [value]);
  return later;
}
