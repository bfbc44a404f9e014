// What the slot engine reports back to the tag: impressions and clicks, the vendors' tracking
// URLs to ping, and errors for the `error` listeners.
import { request } from '../shared/http';
import { customMessage } from '../events/messages';
import type { SlotwiseError } from '../types/errors';
import type { Decision } from '../types/decision';
import type { Settings } from '../types/options';
import type { RenderHooks } from '../types/parts';
import type { EventCalls } from './event-calls';

/**
@param preview the marketer's preview in force, if any
@param allowed whether this tab may send (consent, not destroyed)
@param error tells the `error` listeners
*/
export function slotHooks(
  settings: Settings,
  track: EventCalls['track'],
  preview: () => string | undefined,
  allowed: () => boolean,
  error: (error: SlotwiseError) => void,
): RenderHooks {
  return {
    // Impressions and clicks are events like any other: queued, consent-gated, never lost. A
    // marketer's preview is marked, and never counted by the vendor's tracking URL.
    track: (kind, { slot, source, campaign, creative }: Decision) =>
      void track((ctx) =>
        customMessage(
          settings,
          ctx,
          kind === 'click' ? 'SLOT_CLICK' : 'SLOT_IMPRESSION',
          {},
          {
            slot,
            source,
            campaign,
            creative,
            impression: kind,
            ...(preview() ? { preview: true } : {}),
          },
        ),
      ),
    // Not keepalive: a page of placements pings dozens of URLs on the API's host, and pings that
    // outlived the page would hold the browser's connections to it while the next page asks for
    // its decisions. A ping still in flight when the reader leaves is given up.
    ping: (url) => {
      if (!preview() && allowed()) void request({ method: 'GET', url }, { timeoutMs: settings.requestTimeoutMs });
    },
    error,
  };
}
