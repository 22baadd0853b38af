import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { cliPath, killHard, spawnNimbus } from '../helpers/process.js';

describe('nimbus command', () => {
  test('--help documents every option with its environment variable', () => {
    const help = execFileSync(process.execPath, [cliPath, '--help'], { encoding: 'utf8' });
    for (const option of ['--port', '--host', '--data-dir', '--ephemeral', '--log-level'])
      assert.ok(help.includes(option));
    for (const variable of ['NIMBUS_PORT', 'NIMBUS_HOST', 'NIMBUS_DATA_DIR', 'NIMBUS_EPHEMERAL', 'NIMBUS_LOG_LEVEL']) {
      assert.ok(help.includes(variable));
    }
  });

  test('an unknown option exits with status 2 and says why', () => {
    const result = spawnSync(process.execPath, [cliPath, '--no-such-flag'], { encoding: 'utf8' });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /no-such-flag/);
  });

  test('prints one ready line with version, address, data directory and start time', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'nimbus-cli-'));
    const running = await spawnNimbus(['--port', '0', '--data-dir', dataDir]);
    try {
      assert.match(
        running.readyLine,
        /^Nimbus \d+\.\d+\.\d+ ready at http:\/\/127\.0\.0\.1:\d+ \| data: .+ \| started in \d+ ms$/,
      );
      assert.ok(running.readyLine.includes(dataDir));
    } finally {
      await killHard(running.child);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('takes its options from NIMBUS_* environment variables', async () => {
    const running = await spawnNimbus([], { NIMBUS_PORT: '0', NIMBUS_EPHEMERAL: '1', NIMBUS_HOST: '127.0.0.1' });
    try {
      assert.match(running.readyLine, /data: in memory/);
      const health = await fetch(`${running.endpoint}/_nimbus/health`);
      assert.equal(health.status, 200);
    } finally {
      await killHard(running.child);
    }
  });
});
