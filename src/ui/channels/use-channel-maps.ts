/**
 * The Channels view's data flow: the test digits (asked for once per CNN), the digit chosen, and
 * the maps for that digit at the prune shown, asked of the worker whenever the kept sets (slider,
 * method, per-layer ratios), the step shown, or the drawn digit change. The worker computes and
 * transfers them; stale answers come back null from the client and are dropped. No tensor code.
 */
import { startTransition, useEffect, useMemo, useRef, useState } from 'react';
import type { ChannelMapsRequest, ChannelTestDigit, PlaygroundClient } from '../../client/worker-client';
import type { ChannelMapsView } from '../../worker/channel-maps';
import type { ChannelsViewInput } from '../cnn/channels-input';
import type { DigitChoice } from './DigitChooser';

export interface ChannelMapsState {
  readonly digits: readonly ChannelTestDigit[];
  readonly selected: DigitChoice | null;
  readonly select: (choice: DigitChoice) => void;
  readonly maps: ChannelMapsView | null;
  readonly pending: boolean;
  readonly error: unknown;
}

/**
 * The kept sets the maps are for: the prune's, with the first layer's replaced by the step's in
 * step mode (its later layers keep the final sets, and the dense network's slices compute them:
 * the delivered network has the final first layer). Null before a prune: the dense network.
 */
export function channelMapsRequest(input: ChannelsViewInput | null, serial: number | null, digit: ChannelMapsRequest['digit']): ChannelMapsRequest {
  if (!input) return { digit, kept: null };
  const kept = input.layers.map((layer) => layer.kept);
  const importance = input.layers.map((layer) => layer.importance ?? null);
  const step = input.step && input.step.kept.length > 0 ? [...input.step.kept].sort((a, b) => a - b) : null;
  if (step) return { digit, kept: [step, ...kept.slice(1)], importance };
  return { digit, kept, importance, ...(serial !== null && { serial }) };
}

/** What determines a request's answer, the drawn pixels aside (compared by identity). */
const requestKey = (request: ChannelMapsRequest) => JSON.stringify({ ...request, digit: request.digit.kind === 'test' ? request.digit : 'pixels' });

interface Answer {
  readonly key: string;
  readonly pixels: Float32Array | null;
  readonly maps?: ChannelMapsView;
  readonly error?: unknown;
}

export function useChannelMaps(client: PlaygroundClient, modelId: string | null, input: ChannelsViewInput | null, serial: number | null, drawn: Float32Array | null): ChannelMapsState {
  const [digits, setDigits] = useState<readonly ChannelTestDigit[]>([]);
  const [digitsError, setDigitsError] = useState<unknown>(null);
  const [chosen, setChosen] = useState<DigitChoice | null>(null);
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [shown, setShown] = useState<{ modelId: string; maps: ChannelMapsView } | null>(null);
  const asked = useRef<{ key: string; pixels: Float32Array | null } | null>(null);

  useEffect(() => {
    if (!modelId || digits.length > 0) return;
    let live = true;
    client.channelDigits().then((next) => live && setDigits(next), (reason: unknown) => live && setDigitsError(reason));
    return () => void (live = false);
  }, [client, modelId, digits.length]);

  // The first test digit until one is chosen; "Drawn" only while there is a drawing.
  const first: DigitChoice | null = digits[0] ? { kind: 'test', index: digits[0].index } : null;
  const selected = chosen && (chosen.kind === 'test' || drawn) ? chosen : first;
  const testIndex = selected?.kind === 'test' ? selected.index : null;
  const pixels = selected?.kind === 'drawn' ? drawn : null;
  const request = useMemo(() => {
    const digit: ChannelMapsRequest['digit'] | null = testIndex !== null ? { kind: 'test', index: testIndex } : pixels ? { kind: 'pixels', pixels } : null;
    return modelId && digit ? channelMapsRequest(input, serial, digit) : null;
  }, [modelId, input, serial, testIndex, pixels]);
  // A new view with the same sets (the full-test accuracy arriving) has the same key: nothing new is asked.
  const key = useMemo(() => (request ? `${modelId} ${requestKey(request)}` : null), [modelId, request]);

  useEffect(() => {
    if (!request || !modelId || key === null) return;
    if (asked.current && asked.current.key === key && asked.current.pixels === pixels) return;
    asked.current = { key, pixels };
    // Only the answer to the latest question is kept (the client also drops superseded ones).
    const current = () => asked.current?.key === key && asked.current.pixels === pixels;
    client.channelMaps(request).then(
      (maps) => {
        if (!maps || !current()) return;
        // A transition: React may split the redraw of 64 maps around a slider move's more urgent updates.
        startTransition(() => {
          setAnswer({ key, pixels, maps });
          setShown({ modelId, maps });
        });
      },
      (error: unknown) => current() && setAnswer({ key, pixels, error }),
    );
  }, [client, modelId, request, key, pixels]);

  const maps = shown && shown.modelId === modelId ? shown.maps : null;
  const answered = answer !== null && answer.key === key && answer.pixels === pixels;
  return { digits, selected, select: setChosen, maps, pending: key !== null && !answered, error: (answered && answer.error) || digitsError };
}
