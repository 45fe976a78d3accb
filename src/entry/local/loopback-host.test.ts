import { describe, expect, it } from 'vitest';
import { acceptedHostNames, isAcceptedHost } from './loopback-host.ts';

describe('acceptedHostNames', () => {
  it('acceptedHostNames is the loopback names for the default bind address and for wildcards', () => {
    for (const bind of ['127.0.0.1', '0.0.0.0', '::', '[::]', ' ']) {
      expect([...acceptedHostNames(bind)].sort()).toEqual(['127.0.0.1', '[::1]', 'localhost']);
    }
  });

  it('acceptedHostNames adds a specific bind address or name, IPv6 in brackets', () => {
    expect(acceptedHostNames('192.168.1.20').has('192.168.1.20')).toBe(true);
    expect(acceptedHostNames('fe80::1').has('[fe80::1]')).toBe(true);
    expect(acceptedHostNames('Devbox.Local').has('devbox.local')).toBe(true);
  });
});

describe('isAcceptedHost', () => {
  const loopback = acceptedHostNames('127.0.0.1');

  it('isAcceptedHost accepts loopback names with or without a port, in any case', () => {
    for (const host of [
      'localhost',
      'localhost:8080',
      'LOCALHOST:8080',
      '127.0.0.1',
      '127.0.0.1:65535',
      '[::1]',
      '[::1]:8080',
    ]) {
      expect(isAcceptedHost(host, loopback)).toBe(true);
    }
  });

  it('isAcceptedHost refuses other names, lookalikes, malformed values and a missing header', () => {
    const refused = [
      'evil.example:8080',
      'localhost.evil.example',
      '127.0.0.1.nip.io',
      'localhost.',
      '0.0.0.0:8080',
      '::1',
      '[::1',
      'localhost:8080:1',
      'localhost:port',
      'user@localhost',
      '127.0.0.1/x',
      '',
    ];
    for (const host of refused) expect(isAcceptedHost(host, loopback), host).toBe(false);
    expect(isAcceptedHost(null, loopback)).toBe(false);
    expect(isAcceptedHost(undefined, loopback)).toBe(false);
  });

  it('isAcceptedHost accepts a specific bind address the server was configured with', () => {
    expect(isAcceptedHost('192.168.1.20:8080', acceptedHostNames('192.168.1.20'))).toBe(true);
    expect(isAcceptedHost('192.168.1.21:8080', acceptedHostNames('192.168.1.20'))).toBe(false);
  });
});
