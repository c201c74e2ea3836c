import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { caseIdOf, downloadPackage, requestExport } from './client';
import { formatReport, openPackage, verifyPackage, zipReader, type Report, type VerifyOptions } from './verify';

const say = (line: string) => console.error(line);
const onFile: VerifyOptions['onFile'] = (path, i, n, size) => say(`checking [${i}/${n}] ${path} (${size} bytes)`);

function print(report: Report, json: boolean | undefined): void {
  console.log(json ? JSON.stringify({ ...report, manifest: undefined }, null, 2) : formatReport(report));
  process.exitCode = report.ok ? 0 : 1;
}

/** `evidence verify` (offline, for receivers) and `evidence export` (an API client of the platform). */
export function registerExportCommands(program: Command): void {
  program
    .command('verify <package>')
    .description('Check a court-export package (folder or .zip) without the platform: signature, every file\'s SHA-256 and SM3, nothing missing or added. Exit 0 only when all hold.')
    .option('--fingerprint <hex>', 'the signing-key fingerprint the platform publishes: a package signed by any other key fails')
    .option('--json', 'print the report as JSON')
    .action(async (path: string, opts: { fingerprint?: string; json?: boolean }) => {
      const options = { ...(opts.fingerprint ? { expectFingerprint: opts.fingerprint } : {}), ...(opts.json ? {} : { onFile }) };
      try {
        print(await verifyPackage(await openPackage(path), options), opts.json);
      } catch (error) {
        // An unreadable package (no such path, a broken or hostile zip) fails like a tampered one.
        console.log(`result: FAILED: cannot read ${path}: ${(error as Error).message}`);
        process.exitCode = 1;
      }
    });

  program
    .command('export')
    .description('Have the platform package a case for a court or the police (an audited action), download the package and verify it. Exit 0 only when it verifies.')
    .requiredOption('--server <url>', 'the platform, e.g. https://evidence.example')
    .requiredOption('--token <token>', 'an API token of a role allowed to export')
    .requiredOption('--case <number or id>', 'the case to export, by its number (e.g. 高环罚〔2026〕17号) or its id')
    .requiredOption('--reason <text>', 'why (kept in the audit trail and in the package)')
    .option('--receiver <text>', 'who receives the package (kept in the transfer record)')
    .option('--out <dir>', 'unpack the package into this new or empty folder')
    .option('--zip <file>', 'save the package as this zip file')
    .action(async (opts: { server: string; token: string; case: string; reason: string; receiver?: string; out?: string; zip?: string }) => {
      if (!opts.out === !opts.zip) throw new InvalidArgumentError('give exactly one of --out DIR or --zip FILE');
      if (opts.out) {
        await mkdir(opts.out, { recursive: true });
        if ((await readdir(opts.out)).length > 0) throw new InvalidArgumentError(`${opts.out} is not empty`);
      }
      const client = { server: opts.server, token: opts.token, say };
      const status = await requestExport(client, { caseId: await caseIdOf(client, opts.case), reason: opts.reason, ...(opts.receiver ? { receiver: opts.receiver } : {}) });
      const zip = opts.zip ? resolve(opts.zip) : `${resolve(opts.out!)}.download.zip`;
      await rm(`${zip}.part`, { force: true });
      await downloadPackage(client, status, `${zip}.part`);
      await rename(`${zip}.part`, zip);
      say(`downloaded export ${status.exportId}: ${status.size} bytes, SHA-256 ${status.sha256} (matches the platform's transfer record)`);
      // --out: one read of the zip both unpacks and verifies every file.
      const report = await verifyPackage(await zipReader(zip), { onFile, ...(opts.out ? { extractTo: opts.out } : {}) });
      if (opts.out) await rm(zip);
      print(report, false);
    });
}
