import { useEffect, useRef, useState, type ReactNode } from 'react';

/**
 * Renders its children while they are on screen (or near it) and keeps showing the last render
 * while they are not: React skips an element it has already rendered, so charts below the fold
 * cost nothing on each slider move and catch up when scrolled into view. Use it only around
 * content of a fixed height: a frozen section that grows when revealed shifts the page.
 */
export function VisibleOnly({ children, className }: { children: ReactNode; className?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const [visible, setVisible] = useState(true);
  const [shown, setShown] = useState<ReactNode>(children);
  useEffect(() => {
    const element = ref.current;
    if (!element || typeof IntersectionObserver === 'undefined') return;
    // Entries queue up between callbacks; only the latest says where the element is now.
    const observer = new IntersectionObserver((entries) => setVisible(entries[entries.length - 1].isIntersecting), { rootMargin: '200px 0px' });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  // Adjusting state while rendering (React's documented pattern): the new children show at once.
  if (visible && shown !== children) setShown(children);
  return (
    <div ref={ref} className={className}>
      {visible ? children : shown}
    </div>
  );
}
