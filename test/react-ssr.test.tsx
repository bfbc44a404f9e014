// slotwise/react on a server: no DOM, no tag, the slot's container and its fallback in the markup
// (the markup the client hydrates without a mismatch, as e2e/react.spec.ts checks in Chromium).
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Slot, SlotwiseProvider, slotAttributes, useDecision, usePage, useTag } from '../src/react/index';

describe('slotwise/react on the server', () => {
  it('renders containers and fallbacks, creates no tag and touches no browser global', () => {
    expect(typeof window).toBe('undefined');
    function Data() {
      const [ref, result] = useDecision<{ headline: string }>();
      usePage('/home');
      return (
        <section ref={ref} {...slotAttributes({ flow: 'home_data' })}>
          {result?.data?.headline ?? 'Welcome'} {useTag() ? 'tag' : 'no tag'}
        </section>
      );
    }
    const html = renderToString(
      <SlotwiseProvider options={{ clientKey: 'k', target: 'https://api', pointOfSale: 'p', currency: 'EUR' }}>
        <Slot placement="item_page.recs" context={{ productId: 'A', categoryId: 'c' }} fallback={<p>Default</p>} />
        <Data />
      </SlotwiseProvider>,
    );
    expect(html).toBe(
      '<div data-slotwise-placement="item_page.recs" data-slotwise-context="{&quot;categoryId&quot;:&quot;c&quot;,&quot;productId&quot;:&quot;A&quot;}"><p>Default</p></div>' +
        '<section data-slotwise-flow="home_data">Welcome<!-- --> <!-- -->no tag</section>',
    );
  });
});
