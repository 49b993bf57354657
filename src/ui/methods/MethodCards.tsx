/**
 * Method cards: one modal dialog, opened from small "?" buttons wherever a method or measure is
 * named (the method select, the readouts, the charts). A context carries the opener, so any
 * component can offer a card without new props through the tree.
 */
import { createContext, useCallback, useContext, useRef, useState, type ReactNode } from 'react';
import { CARD_TOPICS, METHOD_CARDS, type CardTopic } from './method-cards';
import './methods.css';

const OpenCard = createContext<(topic: CardTopic) => void>(() => undefined);

export function MethodCardsProvider({ children }: { children: ReactNode }) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const [topic, setTopic] = useState<CardTopic>('ispasp');
  const open = useCallback((next: CardTopic) => {
    setTopic(next);
    const dialog = dialogRef.current;
    if (dialog && !dialog.open) dialog.showModal?.();
  }, []);
  const card = METHOD_CARDS[topic];
  return (
    <OpenCard.Provider value={open}>
      {children}
      <dialog ref={dialogRef} className="method-card" data-testid="method-card" aria-labelledby="method-card-title">
        <h2 id="method-card-title">{card.title}</h2>
        <p>{card.text}</p>
        <p className="method-card__formula" data-testid="method-card-formula">
          {card.formula}
        </p>
        {card.note ? (
          <p className="method-card__note" data-testid="method-card-note">
            <strong>Why it can lose on dense networks. </strong>
            {card.note}
          </p>
        ) : null}
        <nav aria-label="Other cards" className="method-card__others">
          {CARD_TOPICS.filter((other) => other !== topic).map((other) => (
            <button key={other} type="button" className="linkish" onClick={() => setTopic(other)}>
              {METHOD_CARDS[other].title}
            </button>
          ))}
        </nav>
        <form method="dialog">
          <button type="submit" className="button--primary" data-testid="method-card-close">
            Close
          </button>
        </form>
      </dialog>
    </OpenCard.Provider>
  );
}

/** A small "?" button that opens the card of `topic`. */
export function CardButton({ topic, label }: { topic: CardTopic; label?: string }) {
  const open = useContext(OpenCard);
  const title = METHOD_CARDS[topic].title;
  return (
    <button type="button" className="card-button" data-testid={`card-button-${topic}`} onClick={() => open(topic)} aria-label={`What is ${title}?`} title={`What is ${title}?`}>
      {label ?? '?'}
    </button>
  );
}

/** One button per method and measure, for under a chart. */
export function CardStrip({ topics = CARD_TOPICS }: { topics?: readonly CardTopic[] }) {
  const open = useContext(OpenCard);
  return (
    <p className="card-strip">
      <span className="muted">Explained:</span>
      {topics.map((topic) => (
        <button key={topic} type="button" className="linkish" onClick={() => open(topic)}>
          {METHOD_CARDS[topic].title.replace(/ \(.*\)$/, '')}
        </button>
      ))}
    </p>
  );
}
