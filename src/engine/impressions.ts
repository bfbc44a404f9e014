// Impressions and clicks are events like any other: sent through the core's queue, so they are
// consent-gated and never lost. A marketer's preview is marked, and never counted by the vendor's
// tracking URL. Tracking URLs are pinged without keepalive: a page of placements pings dozens of
// URLs on the API's host, and pings that outlived the page would hold the browser's connections
// to it while the next page asks for its decisions. A ping still in flight when the reader leaves
// is given up.
import { request } from '../shared/http';
import type { Decision } from '../types/decision';
import type { Settings } from '../types/options';
import type { CoreServices } from '../types/parts';

export interface Impressions {
  /** Reports content the reader was shown (`rendered`, `viewable`) or clicked. */
  track(kind: 'rendered' | 'viewable' | 'click', decision: Decision): void;
  /** Requests a vendor's tracking URL. */
  ping(url: string): void;
}

export function createImpressions(settings: Settings, core: CoreServices): Impressions {
  return {
    track: (kind, { slot, source, campaign, creative }) => {
      core.event(kind === 'click' ? 'SLOT_CLICK' : 'SLOT_IMPRESSION', {
        slot,
        source,
        campaign,
        creative,
        impression: kind,
        ...(core.preview() ? { preview: true } : {}),
      });
    },
    ping: (url) => {
      if (!core.preview() && core.allowed())
        void request({ method: 'GET', url }, { timeoutMs: settings.requestTimeoutMs });
    },
  };
}
