import { useCallback, useMemo, useState } from 'react';
import { ApiError, messageOf } from '../lib/api';
import { Notice } from './ui';

interface FeedbackMessage {
  tone: 'success' | 'error';
  text: string;
  /** What the message is about ("first.gcode"), shown before it. */
  about?: string;
  /** The request field the server refused, shown beside that input when the form has it. */
  field?: string;
}

/** What a section tells the user about its last action: one success or error notice, and field errors. */
export interface Feedback {
  current: FeedbackMessage | null;
  succeed: (text: string) => void;
  fail: (error: unknown, about?: string) => void;
  clear: () => void;
  /** The error message when the server refused one of `fields` (`requirements.material` matches `material`). */
  fieldError: (...fields: string[]) => string | null;
}

const matches = (field: string | undefined, fields: readonly string[]) =>
  field !== undefined && fields.some((candidate) => field === candidate || field.endsWith(`.${candidate}`));

/** The one notice pattern of the dashboard: every mutation reports here (see `useApiMutation`). */
export function useFeedback(): Feedback {
  const [current, setCurrent] = useState<FeedbackMessage | null>(null);
  const succeed = useCallback((text: string) => setCurrent({ tone: 'success', text }), []);
  const fail = useCallback(
    (error: unknown, about?: string) =>
      setCurrent({
        tone: 'error',
        text: messageOf(error),
        about,
        field: error instanceof ApiError ? error.field : undefined,
      }),
    [],
  );
  const clear = useCallback(() => setCurrent(null), []);
  return useMemo(
    () => ({
      current,
      succeed,
      fail,
      clear,
      fieldError: (...fields: string[]) =>
        current?.tone === 'error' && matches(current.field, fields) ? current.text : null,
    }),
    [current, succeed, fail, clear],
  );
}

/**
 * Shows a section's feedback: the success, or the error unless it concerns one of the `inline` fields (the form
 * shows those beside their input, through `feedback.fieldError`).
 */
export function FeedbackNotice({ feedback, inline = [] }: { feedback: Feedback; inline?: readonly string[] }) {
  const { current } = feedback;
  if (!current || (current.tone === 'error' && matches(current.field, inline))) return null;
  return <Notice tone={current.tone}>{current.about ? `${current.about}: ${current.text}` : current.text}</Notice>;
}
