import { describe, expect, it } from 'vitest';
import { redactBodyText, redactHeaders, redactJson, redactJwts, redactQuery, type Redactions } from './redact.js';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZGEiLCJhdWQiOiJ4In0.c2lnbmF0dXJlLXBhcnQtaGVyZQ';

function run<T>(fn: (found: Redactions) => T): { out: T; found: string[] } {
  const found: Redactions = new Set();
  const out = fn(found);
  return { out, found: [...found].sort() };
}

describe('headers', () => {
  it('keeps the scheme of an Authorization header and removes cookies and identity headers whole', () => {
    const { out, found } = run((f) =>
      redactHeaders(
        {
          Authorization: 'Bearer abc.def',
          'Proxy-Authorization': 'Basic dXNlcjpwYXNz',
          Cookie: 'a=1; b=2',
          'set-cookie': ['s=1; HttpOnly', 't=2'],
          'X-IDENTITY-HEADER': 'mi-secret',
          secret: 'old-msi-secret',
          'x-other': `token ${JWT} here`,
          'content-length': 12,
        },
        f,
      ),
    );
    expect(out).toEqual({
      authorization: 'Bearer [REDACTED]',
      'proxy-authorization': 'Basic [REDACTED]',
      cookie: '[REDACTED]',
      'set-cookie': ['[REDACTED]', '[REDACTED]'],
      'x-identity-header': '[REDACTED]',
      secret: '[REDACTED]',
      'x-other': 'token [REDACTED] here',
      'content-length': '12',
    });
    expect(found).toContain('header:set-cookie');
    expect(found).toContain('jwt');
  });
});

describe('JWTs', () => {
  it('finds tokens anywhere and leaves dotted names alone', () => {
    expect(run((f) => redactJwts(`a ${JWT}, b "${JWT}"`, f)).out).toBe('a [REDACTED], b "[REDACTED]"');
    const unsigned = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.';
    expect(run((f) => redactJwts(unsigned, f)).out).toBe('[REDACTED]');
    for (const text of ['www.example.com', 'v1.2.3', 'eyJ.a.b', 'a.b.c.d']) expect(run((f) => redactJwts(text, f)).out).toBe(text);
  });
});

describe('forms and queries', () => {
  it('redacts OAuth form fields without re-encoding the others', () => {
    const form = 'grant_type=client_credentials&client_id=app%201&client_secret=s%2Bcret&scope=x+y&code=abc';
    expect(run((f) => redactBodyText(form, 'application/x-www-form-urlencoded', 'token', f)).out).toBe(
      'grant_type=client_credentials&client_id=app%201&client_secret=[REDACTED]&scope=x+y&code=[REDACTED]',
    );
    // `code` is data on the data plane (code interpreters); everything else is still a secret there.
    expect(run((f) => redactBodyText('code=print(1)&password=pw', 'application/x-www-form-urlencoded', 'data', f)).out).toBe('code=print(1)&password=[REDACTED]');
  });

  it('redacts tokens in queries, and OAuth fields on token routes', () => {
    expect(run((f) => redactQuery('identifier=u&access_token=abc', 'data', f)).out).toBe('identifier=u&access_token=[REDACTED]');
    expect(run((f) => redactQuery('code=abc&state=1', 'token', f)).out).toBe('code=[REDACTED]&state=1');
    expect(run((f) => redactQuery('code=abc', 'data', f)).out).toBe('code=abc');
  });
});

describe('JSON', () => {
  it('keeps formatting and replaces secret values, ARM secrets and passwords', () => {
    const text = '{\n  "properties": {\n    "secrets": [ { "name": "db", "value": "arm-secret-1" } ],\n    "registry": { "password": "registry-pw-1", "passwordSecretRef": "db" }\n  },\n  "value": "not-a-secret"\n}';
    const { out, found } = run((f) => redactJson(text, 'arm', f));
    expect(out).toBe(text.replace('arm-secret-1', '[REDACTED]').replace('registry-pw-1', '[REDACTED]'));
    expect(found).toEqual(['body:json:password', 'body:json:secrets[].value']);
  });

  it('redacts JSON nested in strings and short secrets by re-serializing', () => {
    const echo = JSON.stringify({ body: JSON.stringify({ password: 'long-enough-pw' }), headers: { cookie: 'c=1' } });
    const out = run((f) => redactJson(echo, 'data', f)).out;
    expect(out).not.toContain('long-enough-pw');
    expect(out).not.toContain('c=1');
    const short = run((f) => redactJson('{"password":"pw","note":"pw is short"}', 'data', f)).out;
    expect(JSON.parse(short)).toEqual({ password: '[REDACTED]', note: 'pw is short' });
  });

  it('redacts key/value pairs in JSON that does not parse (a stored prefix)', () => {
    const cut = '{"access_token":"abc","refresh_token":"def","other":"x","more":';
    expect(run((f) => redactJson(cut, 'token', f)).out).toBe('{"access_token":"[REDACTED]","refresh_token":"[REDACTED]","other":"x","more":');
  });

  it('leaves bodies without secret-looking keys untouched', () => {
    const text = '{ "a": 1, "list": [1, 2] }';
    expect(run((f) => redactJson(text, 'data', f))).toEqual({ out: text, found: [] });
  });
});
