import type { OfflineOrder } from '../../src/server/index';

/** The example order of Optimizely's offline order documentation. */
export const documentedOrder = (): OfflineOrder => ({
  lang: 'en-gb',
  user: { id: 'abcd1234efgh', info: { gender: 'male' } },
  order: {
    refCode: 'orderRef',
    orderDate: '2016-05-16T14:25:00 GMT',
    currency: 'GBP',
    shipping: 0.0,
    subTotal: 90.0,
    total: 90.0,
    items: [
      { refCode: 'ref1', qty: 1, price: 50.0, attributes: { discount: 'true' } },
      { refCode: 'ref2', qty: 2, price: 20.0, attributes: { attr21: 'value21' } },
    ],
    attributes: { store: 'StreamlyCool Regent Street', storePostcode: 'W1B 4HX' },
  },
});
