/**
 * The core figures: start-up to the first answer, idle memory, and the request rate of
 * sts:GetCallerIdentity and iam:GetRole next to the floor (a bare node:http server).
 */
import {
  type BenchSettings,
  emit,
  floorArgs,
  floorPattern,
  form,
  interleaved,
  load,
  median,
  nimbusPattern,
  nimbusScript,
  type Request,
  round,
  rssMb,
  startProcess,
  stopProcess,
} from './lib.js';

const nimbusArgs = [nimbusScript, '--port', '0', '--ephemeral', '--log-level', 'warn'];
const getCallerIdentity = form('sts', 'Action=GetCallerIdentity&Version=2011-06-15');
const trustPolicy = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});
const getRole = form('iam', 'Action=GetRole&RoleName=bench-role&Version=2010-05-08');

/** Milliseconds from spawn to the first answered request: what a user waits for. */
async function timeToFirstAnswer(args: string[], portPattern: RegExp, request: Request): Promise<number> {
  const started = performance.now();
  const server = await startProcess(args, portPattern);
  const response = await fetch(`http://127.0.0.1:${server.port}/`, request);
  await response.arrayBuffer();
  const elapsed = performance.now() - started;
  await stopProcess(server.child);
  if (response.status !== 200) throw new Error(`first answer was ${response.status}`);
  return elapsed;
}

export async function benchCore(settings: BenchSettings, starts: number): Promise<void> {
  // Start-up: spawn to first answer, alternating so that both see the same machine state.
  const floorStarts: number[] = [];
  const nimbusStarts: number[] = [];
  for (let i = 0; i < starts; i++) {
    floorStarts.push(await timeToFirstAnswer(floorArgs, floorPattern, getCallerIdentity));
    nimbusStarts.push(await timeToFirstAnswer(nimbusArgs, nimbusPattern, getCallerIdentity));
  }
  const floorStart = median(floorStarts);
  const nimbusStart = median(nimbusStarts);
  emit({
    figure: 'startup_to_first_answer_ms',
    floor: round(floorStart),
    nimbus: round(nimbusStart),
    ratio: round(nimbusStart / floorStart),
    goal: '<= 2',
  });

  const floor = await startProcess(floorArgs, floorPattern);
  const nimbus = await startProcess(nimbusArgs, nimbusPattern);
  try {
    // Idle memory after one answer each (Nimbus has loaded STS).
    await (await fetch(`http://127.0.0.1:${floor.port}/`, getCallerIdentity)).arrayBuffer();
    await (await fetch(`http://127.0.0.1:${nimbus.port}/`, getCallerIdentity)).arrayBuffer();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const floorRss = rssMb(floor.child.pid as number);
    const nimbusRss = rssMb(nimbus.child.pid as number);
    emit({
      figure: 'idle_rss_mb',
      floor: floorRss,
      nimbus: nimbusRss,
      ratio: round(nimbusRss / floorRss),
      goal: '<= 1.5',
    });

    const create = form(
      'iam',
      `Action=CreateRole&RoleName=bench-role&Version=2010-05-08&AssumeRolePolicyDocument=${encodeURIComponent(trustPolicy)}`,
    );
    const created = await fetch(`http://127.0.0.1:${nimbus.port}/`, create);
    if (created.status !== 200) throw new Error(`CreateRole answered ${created.status}: ${await created.text()}`);

    const results = await interleaved(
      [
        { name: 'floor', run: () => load(floor.port, settings, getCallerIdentity) },
        { name: 'sts:GetCallerIdentity', run: () => load(nimbus.port, settings, getCallerIdentity) },
        { name: 'iam:GetRole', run: () => load(nimbus.port, settings, getRole) },
      ],
      settings.rounds,
    );
    const { connections, seconds, rounds } = settings;
    const floorResult = results.get('floor');
    emit({ figure: 'floor_requests_per_second', connections, seconds, rounds, ...floorResult, ratio: undefined });
    for (const operation of ['sts:GetCallerIdentity', 'iam:GetRole']) {
      emit({
        figure: 'requests_per_second',
        operation,
        connections,
        seconds,
        rounds,
        ...results.get(operation),
        floor: floorResult?.rps,
        goal: '>= 0.5',
      });
    }
    emit({ figure: 'rss_after_load_mb', nimbus: rssMb(nimbus.child.pid as number) });
  } finally {
    await stopProcess(floor.child);
    await stopProcess(nimbus.child);
  }
}
