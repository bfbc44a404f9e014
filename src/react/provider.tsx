// One tag for the app, created in the browser once React has hydrated, shared through context.
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { createTag, type Tag, type TagOptions } from 'slotwise';
import { useIsomorphicLayoutEffect } from './effects';

const TagContext = createContext<Tag | undefined>(undefined);

interface Held {
  tag: Tag;
  users: number;
  release?: ReturnType<typeof setTimeout> | undefined;
}

/**
The tags in use, by client key. Deliberately module-level: StrictMode mounts, unmounts and mounts
a provider again, and the second mount must find the tag of the first, not make another. A tag
whose last provider is gone is destroyed a task later, unless a provider takes it back meanwhile.
*/
const held = new Map<string, Held>();

/** The URL each tag last decided the page's slots for: a tag starts by deciding the page it is created on. */
export const decidedUrl = new WeakMap<Tag, string>();

function take(options: TagOptions): Tag {
  let entry = held.get(options.clientKey);
  if (entry) clearTimeout(entry.release);
  else {
    entry = { tag: createTag(options), users: 0 };
    held.set(options.clientKey, entry);
    decidedUrl.set(entry.tag, location.href);
  }
  entry.users++;
  return entry.tag;
}

function giveBack(clientKey: string, tag: Tag): void {
  const entry = held.get(clientKey);
  if (entry?.tag !== tag || --entry.users > 0) return;
  entry.release = setTimeout(() => {
    held.delete(clientKey);
    tag.destroy();
  }, 0);
}

export interface SlotwiseProviderProps {
  /** The tag's options. Read when the tag is created: give the provider a `key` to start over with others. */
  options: TagOptions;
  /** An option `createTag` refused (default: `console.error`). */
  onError?: (error: unknown) => void;
  children?: ReactNode;
}

/**
Creates the app's tag after the first render, in the browser only (never on the server or during
render), and gives it to `useTag()`, `<Slot>`, `useDecision()` and `usePage()` below it.
*/
export function SlotwiseProvider({ options, onError, children }: SlotwiseProviderProps): ReactNode {
  const [tag, setTag] = useState<Tag>();
  const latest = useRef({ options, onError });
  useIsomorphicLayoutEffect(() => {
    latest.current = { options, onError };
  });
  const { clientKey } = options;
  useEffect(() => {
    let made: Tag;
    try {
      made = take(latest.current.options);
    } catch (error) {
      (latest.current.onError ?? console.error)(error);
      return;
    }
    setTag(made);
    return () => {
      giveBack(clientKey, made);
    };
  }, [clientKey]);
  return <TagContext.Provider value={tag}>{children}</TagContext.Provider>;
}

/** The app's tag; undefined on the server and until the provider has created it. */
export const useTag = (): Tag | undefined => useContext(TagContext);
