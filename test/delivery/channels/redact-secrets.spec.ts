import { expect } from 'chai';
import { redactSecrets, secretsOf } from '../../../src/delivery/channels/redact-secrets.js';
import { safeHost, safeOrigin } from '../../../src/delivery/channels/safe-origin.js';

const SLACK = 'https://hooks.slack.com/services/T000/B000/XXXX';

describe('secretsOf, redactSecrets, safeOrigin, safeHost', () => {
  it('lists the URL path, its segments, query values, userinfo and the extra secrets, longer than 3 characters', () => {
    expect(secretsOf(SLACK, ['Bearer abc123'])).to.deep.equal([
      '/services/T000/B000/XXXX', 'services', 'T000', 'B000', 'XXXX', 'Bearer abc123', 'Bearer', 'abc123',
    ]);
    expect(secretsOf('https://user:p%40ss@ntfy.example/topic?auth=tok3n&x=1')).to.deep.equal([
      '/topic?auth=tok3n&x=1', 'topic', 'tok3n', 'user', 'p%40ss', 'p@ss',
    ]);
  });

  it('redacts every secret, longest first', () => {
    expect(redactSecrets('no such hook /services/T000/B000/XXXX', secretsOf(SLACK))).to.equal('no such hook …');
    expect(redactSecrets('token XXXX is wrong', secretsOf(SLACK))).to.equal('token … is wrong');
  });

  it('shows a URL by its origin or host only', () => {
    expect([safeOrigin(SLACK), safeHost(SLACK)]).to.deep.equal(['https://hooks.slack.com', 'hooks.slack.com']);
    expect(safeHost('http://user:pw@127.0.0.1:9093/am')).to.equal('127.0.0.1:9093');
    expect([safeOrigin('not a url'), safeHost('not a url')]).to.deep.equal(['(invalid URL)', '(invalid URL)']);
  });
});
