// A throwaway certificate authority and server certificates, made with openssl in a temp directory:
// one valid for 127.0.0.1 (SAN IP:127.0.0.1), one for another name, one expired. EC keys, so that
// making them takes a few milliseconds.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { baseEnv, mustSucceed, run } from './process.ts';

export interface ServerCertificate {
  key: string;
  cert: string;
}

export interface TestPki {
  dir: string;
  /** path of the CA certificate (PEM) */
  caFile: string;
  /** valid for IP 127.0.0.1, signed by the CA */
  loopback: ServerCertificate;
  /** valid for DNS gitlab.invalid only, signed by the CA */
  wrongName: ServerCertificate;
  /** valid for IP 127.0.0.1, signed by the CA, expired */
  expired: ServerCertificate;
  /** a second CA that signed nothing we serve */
  otherCaFile: string;
  remove(): void;
}

export async function makeTestPki(): Promise<TestPki> {
  const dir = mkdtempSync(join(tmpdir(), 'rc-pki-'));
  const openssl = async (...args: string[]) =>
    mustSucceed(
      `openssl ${args[0]}`,
      await run('openssl', args, { env: baseEnv(), cwd: dir, timeoutMs: 20_000 }),
    );
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

  for (const ca of ['ca', 'other-ca']) {
    await openssl(
      'req',
      '-x509',
      ...ecKey,
      '-keyout',
      `${ca}.key`,
      '-out',
      `${ca}.pem`,
      '-days',
      '2',
      '-subj',
      `/CN=registry-cleaner test ${ca}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    );
  }
  const issue = async (name: string, san: string, days: string): Promise<ServerCertificate> => {
    writeFileSync(
      join(dir, `${name}.ext`),
      `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`,
    );
    await openssl('req', ...ecKey, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    await openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      days,
      '-extfile',
      `${name}.ext`,
    );
    return {
      key: readFileSync(join(dir, `${name}.key`), 'utf8'),
      cert: readFileSync(join(dir, `${name}.pem`), 'utf8'),
    };
  };
  const loopback = await issue('loopback', 'IP:127.0.0.1', '2');
  const wrongName = await issue('wrong-name', 'DNS:gitlab.invalid', '2');
  // -days -1: notAfter is a day before notBefore (now), so the certificate has expired.
  const expired = await issue('expired', 'IP:127.0.0.1', '-1');
  return {
    dir,
    caFile: join(dir, 'ca.pem'),
    otherCaFile: join(dir, 'other-ca.pem'),
    loopback,
    wrongName,
    expired,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
