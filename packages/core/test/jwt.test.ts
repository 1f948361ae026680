import { generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { jwtVerifier } from '@countersign/core';

const settings = { configName: 'test', tokenName: 'the token', retryNote: 'the platform will retry' };

describe('jwtVerifier', () => {
  it('accepts a token signed with the configured key and refuses a token whose algorithm the key cannot verify', async () => {
    const es = await generateKeyPair('ES256');
    const rs = await generateKeyPair('RS256');
    const verify = jwtVerifier({ key: es.publicKey, issuer: 'https://issuer.test' }, settings);
    const good = await new SignJWT({}).setProtectedHeader({ alg: 'ES256' }).setIssuer('https://issuer.test').setExpirationTime('5m').sign(es.privateKey);
    expect(await verify(good)).toMatchObject({ iss: 'https://issuer.test' });
    const otherAlg = await new SignJWT({}).setProtectedHeader({ alg: 'RS256' }).setIssuer('https://issuer.test').setExpirationTime('5m').sign(rs.privateKey);
    await expect(verify(otherAlg)).rejects.toMatchObject({ code: 'AUTH_INVALID', status: 401 });
  });
});
