import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';
import { decodeConfig } from '../../src/config/decode-config.js';
import { exchangeConnectors } from '../../src/connectors/exchange-connectors.js';
import { EXCHANGE_IDS } from '../../src/domain/exchange-id.js';

describe('exchange registration', () => {
  it('maps every id to the connector of that id, and nothing else', () => {
    expect(Object.keys(exchangeConnectors)).to.have.members([...EXCHANGE_IDS]);
    for (const id of EXCHANGE_IDS) expect(exchangeConnectors[id].id, id).to.equal(id);
  });

  it('lets the config name every registered exchange, and names them all when none is enabled', () => {
    for (const id of EXCHANGE_IDS) {
      const decoded = decodeConfig({ exchanges: { [id]: { symbols: ['BTC/USDT'] } } }, { env: {} });
      expect(E.isRight(decoded), id).to.equal(true);
    }
    const none = decodeConfig({ exchanges: {} }, { env: {} });
    expect(none).to.deep.equal(E.left([{ path: 'exchanges', message: `no enabled exchange; configure one of ${EXCHANGE_IDS.join(', ')}` }]));
  });
});
