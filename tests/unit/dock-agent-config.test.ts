import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { dockAgentOptions, readDockAgentConfig } from '../../dock-agent/config';

const base = { server: 'http://127.0.0.1:8080', token: 'evd_x', allow: ['4255:1000/DSJ*'], home: '/var/lib/dock' };

describe('dock agent configuration', () => {
  it('applies the documented defaults', () => {
    const config = readDockAgentConfig(base);
    expect(config).toMatchObject({
      concurrency: 8,
      purge: 'never',
      stableMs: 5000,
      retryMs: 10_000,
      mountDir: null,
      mountTimeoutMs: 30_000,
      usb: true,
      simulateDir: null,
      utcOffsetMinutes: 480,
      driver: { kind: 'mass-storage' },
      journalPath: '/var/lib/dock/journal.sqlite',
      statusFile: '/var/lib/dock/status.json',
      spool: { dir: '/var/lib/dock/spool', maxBytes: 100 * 1024 ** 3 },
      allow: [{ vidPid: '4255:1000', serial: 'DSJ*' }],
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it.each([
    [{ spoolMax: '800M' }, { spool: { maxBytes: 800 * 1024 ** 2 } }],
    [{ spoolMax: '1.5G' }, { spool: { maxBytes: 1.5 * 1024 ** 3 } }],
    [{ spoolMax: '2097152' }, { spool: { maxBytes: 2097152 } }],
    [{ allow: ['4255:1000/A, 4255:1001/B', '12ab:34CD/*'] }, { allow: [{ vidPid: '4255:1000', serial: 'A' }, { vidPid: '4255:1001', serial: 'B' }, { vidPid: '12ab:34cd', serial: '*' }] }],
    [{ allow: '4255:1000/A,4255:1000/B' }, { allow: [{ serial: 'A' }, { serial: 'B' }] }], // from the environment
    [{ stableSeconds: '0.25', retrySeconds: '1' }, { stableMs: 250, retryMs: 1000 }],
    [{ purge: 'after-verify', concurrency: '3' }, { purge: 'after-verify', concurrency: 3 }],
    [{ driver: 'vendor', vendorModule: 'v.js', vendorPassword: 'pw', syncClock: true }, { driver: { kind: 'vendor', password: 'pw', syncClock: true } }],
    [{ usb: false, simulate: 'ctl' }, { usb: false }],
  ])('%j', (raw, expected) => {
    expect(readDockAgentConfig({ ...base, ...raw })).toMatchObject(expected);
  });

  it('maps USB ports to bays', () => {
    expect([...readDockAgentConfig({ ...base, bayPorts: '1-1.1=1, 1-1.2=2' }).bayPorts]).toEqual([['1-1.1', 1], ['1-1.2', 2]]);
  });

  it.each([
    [{ server: undefined }, /missing --server/],
    [{ server: 'ftp://x' }, /must be an http\(s\) URL/],
    [{ token: '' }, /missing --token/],
    [{ allow: [] }, /no recorder is allowed to dock/],
    [{ allow: ['4255'] }, /a VID or VID:PID alone identifies nothing/],
    [{ allow: ['4255:1000'] }, /VID:PID\/SERIAL/],
    [{ concurrency: '0' }, /--concurrency must be a whole number of at least 1/],
    [{ spoolMax: 'lots' }, /--spool-max must be a size/],
    [{ stableSeconds: '-1' }, /--stable-seconds must be a number of seconds/],
    [{ bayPorts: 'usb3=1' }, /--bay-ports entry "usb3=1" must be PORT=BAY/],
    [{ driver: 'vendor' }, /missing --vendor-module/],
    [{ namePattern: ['{who}.ext'] }, /unknown field \{who\}/],
  ])('refuses %j', (raw, message) => {
    expect(() => readDockAgentConfig({ ...base, ...raw })).toThrow(message);
  });

  it('reads every option from its environment variable through the command line parser', () => {
    const command = new Command('dock-agent').exitOverride();
    for (const option of dockAgentOptions()) command.addOption(option);
    const saved = { ...process.env };
    Object.assign(process.env, { EVIDENCE_DOCK_SERVER: 'http://platform:8080', EVIDENCE_DOCK_TOKEN: 't', EVIDENCE_DOCK_ALLOW: '4255:1000/X', EVIDENCE_DOCK_CONCURRENCY: '4', EVIDENCE_DOCK_PURGE: 'after-verify' });
    try {
      command.parse([], { from: 'user' });
    } finally {
      process.env = saved;
    }
    expect(readDockAgentConfig(command.opts())).toMatchObject({ server: 'http://platform:8080', concurrency: 4, purge: 'after-verify', allow: [{ serial: 'X' }] });
  });
});
