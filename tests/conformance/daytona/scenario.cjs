// Daytona's official TypeScript SDK (@daytonaio/sdk, pinned in package.json) against
// forge-daytona-emulator: every call a preview needs, the way Daytona's own client makes it.
// tst_daytonasdk.cpp installs the SDK and runs this with
//   DAYTONA_API_URL, DAYTONA_API_KEY   the emulator and its key (as for any SDK program)
//   FORGE_GIT_URL                      a repository on 127.0.0.1 (git http-backend), branch main
//   FORGE_FREE_PORT                    a port in 3000-9999 nothing listens on, for the preview server
// Each step prints its name; the first mismatch prints what was expected and exits 1.
'use strict';

const { Daytona, DaytonaNotFoundError } = require('@daytonaio/sdk');
const { PortApi } = require('@daytona/toolbox-api-client');

const run = `${process.pid}-${Date.now().toString(36)}`;
const label = { 'forge.conformance': run };
let current = '';

class Mismatch extends Error {}

function expect(condition, message) {
  if (!condition) throw new Mismatch(message);
}

function expectEqual(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  expect(a === e, `${what}: expected ${e}, got ${a}`);
}

async function step(name, body) {
  current = name;
  const started = Date.now();
  process.stdout.write(`step: ${name} ... `);
  await body();
  process.stdout.write(`ok (${Date.now() - started} ms)\n`);
}

// What the SDK does while it waits (Sandbox.waitForState polls getSandbox): here for archive,
// which the SDK does not wait for.
async function waitForState(sandbox, wanted, seconds = 60) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    await sandbox.refreshData();
    if (sandbox.state === wanted) return;
    expect(Date.now() < deadline, `state stayed ${sandbox.state}, expected ${wanted} within ${seconds} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function expectRejects(promise, what, check) {
  try {
    await promise;
  } catch (error) {
    if (check) check(error);
    return error;
  }
  throw new Mismatch(`${what}: expected an error, the call succeeded`);
}

// Follows a session command's log over the SDK's WebSocket until the command ends.
async function followLogs(sandbox, sessionId, commandId) {
  let stdout = '';
  let stderr = '';
  await sandbox.process.getSessionCommandLogs(
    sessionId,
    commandId,
    (chunk) => (stdout += chunk),
    (chunk) => (stderr += chunk),
  );
  return { stdout, stderr };
}

async function waitForCommandExit(sandbox, sessionId, commandId, seconds = 30) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const command = await sandbox.process.getSessionCommand(sessionId, commandId);
    if (command.exitCode !== undefined && command.exitCode !== null) return command;
    expect(Date.now() < deadline, `command ${commandId} still runs after ${seconds} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function lifecycle(daytona, state) {
  await step('create with labels, env and a name', async () => {
    state.name = `forge-conformance-${run}`;
    state.sandbox = await daytona.create(
      { name: state.name, labels: { ...label, role: 'main' }, envVars: { FORGE_GREETING: 'hello' } },
      { timeout: 120 },
    );
    expectEqual(state.sandbox.state, 'started', 'state after create');
    expectEqual(state.sandbox.name, state.name, 'name');
    // The SDK adds code-toolbox-language (Daytona.js in @daytonaio/sdk) to the labels given.
    for (const [key, value] of Object.entries({ ...label, role: 'main' }))
      expectEqual(state.sandbox.labels[key], value, `label ${key}`);
    expect(state.sandbox.toolboxProxyUrl, 'the sandbox has no toolboxProxyUrl');
  });
  await step('get by id and by name', async () => {
    const byId = await daytona.get(state.sandbox.id);
    expectEqual(byId.name, state.name, 'name from get(id)');
    const byName = await daytona.get(state.name);
    expectEqual(byName.id, state.sandbox.id, 'id from get(name)');
    expectEqual(byName.state, 'started', 'state from get(name)');
  });
  await step('list by labels, one per page (cursor)', async () => {
    state.second = await daytona.create({ labels: { ...label, role: 'second' } }, { timeout: 120 });
    const ids = [];
    for await (const sandbox of daytona.list({ labels: label, limit: 1 })) ids.push(sandbox.id);
    expectEqual(ids.sort(), [state.sandbox.id, state.second.id].sort(), 'ids listed with limit 1');
    const only = [];
    for await (const sandbox of daytona.list({ labels: { ...label, role: 'second' } })) only.push(sandbox.id);
    expectEqual(only, [state.second.id], 'ids listed for role=second');
  });
  await step('toolbox-proxy-url fallback (a sandbox without toolboxProxyUrl)', async () => {
    const dto = { ...state.sandbox, toolboxProxyUrl: undefined };
    const hydrated = await daytona.ensureToolboxProxyUrl(dto);
    expectEqual(hydrated.toolboxProxyUrl, state.sandbox.toolboxProxyUrl, 'toolbox proxy URL from the fallback');
  });
}

async function processes(state) {
  const { sandbox } = state;
  await step('work dir and home dir', async () => {
    state.workDir = await sandbox.getWorkDir();
    expect(state.workDir && state.workDir.startsWith('/'), `work dir ${state.workDir} is not absolute`);
    expectEqual(await sandbox.getUserHomeDir(), '/home/daytona', 'home dir');
  });
  await step('executeCommand with cwd and env', async () => {
    const inTmp = await sandbox.process.executeCommand('pwd', '/tmp');
    expectEqual([inTmp.exitCode, inTmp.result.trim()], [0, '/tmp'], 'pwd in /tmp');
    const inHome = await sandbox.process.executeCommand('pwd && echo "$HOME"', '/home/daytona');
    expectEqual(inHome.result.trim().split('\n'), ['/home/daytona', '/home/daytona'], 'pwd and $HOME in the home');
    const env = await sandbox.process.executeCommand('echo "$FORGE_A-$FORGE_B"', undefined, {
      FORGE_A: 'one',
      FORGE_B: 'two words',
    });
    expectEqual(env.result.trim(), 'one-two words', 'env given to executeCommand');
    const created = await sandbox.process.executeCommand('echo "$FORGE_GREETING"');
    expectEqual(created.result.trim(), 'hello', 'env given to create');
    const failing = await sandbox.process.executeCommand('echo partial; exit 3');
    expectEqual([failing.exitCode, failing.result.trim()], [3, 'partial'], 'exit code and output of a failing command');
  });
  await step('session: state kept between commands', async () => {
    await sandbox.process.createSession('conformance');
    await sandbox.process.executeSessionCommand('conformance', { command: 'cd /tmp && export FORGE_KEPT=yes' });
    const kept = await sandbox.process.executeSessionCommand('conformance', { command: 'pwd; echo "$FORGE_KEPT"' });
    expectEqual([kept.exitCode, kept.stdout.trim().split('\n')], [0, ['/tmp', 'yes']], 'cwd and variable kept');
    const split = await sandbox.process.executeSessionCommand('conformance', {
      command: 'echo to-out; echo to-err >&2; exit 4',
    });
    expectEqual([split.exitCode, split.stdout.trim(), split.stderr.trim()], [4, 'to-out', 'to-err'], 'split output');
  });
  await step('session: async command, streamed and split logs', async () => {
    const gate = '/tmp/forge-conformance-gate';
    const started = await sandbox.process.executeSessionCommand('conformance', {
      command: `echo first; echo oops >&2; while [ ! -e ${gate} ]; do sleep 0.05; done; echo last`,
      runAsync: true,
    });
    expect(started.cmdId, 'no cmdId for an async command');
    const running = await sandbox.process.getSessionCommand('conformance', started.cmdId);
    expect(running.exitCode === undefined || running.exitCode === null, 'the async command already has an exit code');
    const following = followLogs(sandbox, 'conformance', started.cmdId);
    await sandbox.fs.uploadFile(Buffer.from('go'), gate);
    const streamed = await following;
    expectEqual([streamed.stdout, streamed.stderr], ['first\nlast\n', 'oops\n'], 'streamed stdout and stderr');
    const done = await waitForCommandExit(sandbox, 'conformance', started.cmdId);
    expectEqual(done.exitCode, 0, 'exit code of the async command');
    const logs = await sandbox.process.getSessionCommandLogs('conformance', started.cmdId);
    expectEqual([logs.stdout, logs.stderr], ['first\nlast\n', 'oops\n'], 'split logs');
    const session = await sandbox.process.getSession('conformance');
    expect(session.commands.some((c) => c.id === started.cmdId), 'the session does not list the async command');
    const sessions = await sandbox.process.listSessions();
    expect(sessions.some((s) => s.sessionId === 'conformance'), 'listSessions misses the session');
    await sandbox.process.deleteSession('conformance');
    await expectRejects(sandbox.process.getSession('conformance'), 'getSession after deleteSession');
  });
}

async function files(state) {
  const { sandbox } = state;
  const home = '/home/daytona/notes';
  const content = `made by the conformance test ${run}\n`;
  await step('files: upload, list, details, download (home and /tmp)', async () => {
    await sandbox.fs.createFolder(home, '755');
    await sandbox.fs.uploadFile(Buffer.from(content), `${home}/hello.txt`);
    const listed = await sandbox.fs.listFiles(home);
    const entry = listed.find((f) => f.name === 'hello.txt');
    expect(entry, `listFiles(${home}) misses hello.txt: ${JSON.stringify(listed)}`);
    expectEqual([entry.isDir, entry.size], [false, Buffer.byteLength(content)], 'listed entry');
    const details = await sandbox.fs.getFileDetails(`${home}/hello.txt`);
    expectEqual([details.name, details.isDir, details.size], ['hello.txt', false, Buffer.byteLength(content)], 'details');
    const folder = await sandbox.fs.getFileDetails(home);
    expectEqual(folder.isDir, true, 'details of a folder: isDir');
    const downloaded = await sandbox.fs.downloadFile(`${home}/hello.txt`);
    expectEqual(downloaded.toString(), content, 'downloaded content');
    const seen = await sandbox.process.executeCommand(`cat ${home}/hello.txt`);
    expectEqual(seen.result, content, 'what a command reads from the uploaded file');
    await sandbox.process.executeCommand('printf made-by-a-command > /tmp/forge-from-command.txt');
    const fromCommand = await sandbox.fs.downloadFile('/tmp/forge-from-command.txt');
    expectEqual(fromCommand.toString(), 'made-by-a-command', 'a file a command wrote in /tmp');
    await sandbox.fs.uploadFile(Buffer.from('relative'), 'relative.txt');
    const relative = await sandbox.process.executeCommand(`cat ${state.workDir}/relative.txt`);
    expectEqual(relative.result, 'relative', 'a relative upload lands in the work dir');
  });
  await step('files: delete', async () => {
    await sandbox.fs.deleteFile(`${home}/hello.txt`);
    await expectRejects(sandbox.fs.getFileDetails(`${home}/hello.txt`), 'getFileDetails after delete');
    await expectRejects(sandbox.fs.downloadFile(`${home}/hello.txt`), 'downloadFile after delete');
    await sandbox.fs.deleteFile(home, true);
    const left = await sandbox.fs.listFiles('/home/daytona');
    expect(!left.some((f) => f.name === 'notes'), 'the folder is still listed after a recursive delete');
  });
}

async function git(state) {
  const { sandbox } = state;
  await step('git clone and status', async () => {
    await sandbox.git.clone(process.env.FORGE_GIT_URL, 'repo', 'main');
    const clean = await sandbox.git.status('repo');
    expectEqual(clean.currentBranch, 'main', 'current branch');
    expectEqual(clean.fileStatus, [], 'file status of a fresh clone');
    await sandbox.fs.uploadFile(Buffer.from('new file\n'), 'repo/added.txt');
    const changed = await sandbox.git.status(`${state.workDir}/repo`);
    const added = changed.fileStatus.find((f) => f.name === 'added.txt');
    expect(added, `git status misses added.txt: ${JSON.stringify(changed.fileStatus)}`);
    expectEqual(added.worktree, 'Untracked', 'worktree status of a new file');
  });
}

async function previews(state) {
  const { sandbox } = state;
  const port = Number(process.env.FORGE_FREE_PORT);
  await step('ports: a server in a session, in-use and listed, preview link and token', async () => {
    // The SDK's own toolbox client for the port routes, which the Sandbox class does not wrap.
    const ports = new PortApi(sandbox.clientConfig, '', sandbox.axiosInstance);
    expectEqual((await ports.isPortInUse(port)).data.isInUse, false, `port ${port} in use before the server`);
    await sandbox.process.createSession('server');
    const script = `require('http').createServer((q, r) => r.end('conformance ' + q.url)).listen(${port}, '0.0.0.0')`;
    await sandbox.process.executeSessionCommand('server', { command: `node -e "${script}"`, runAsync: true });
    const deadline = Date.now() + 30000;
    while (!(await ports.isPortInUse(port)).data.isInUse) {
      expect(Date.now() < deadline, `nothing listens on ${port} after 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const listed = (await ports.getPorts()).data.ports;
    expect(listed.includes(port), `GET /port lists ${JSON.stringify(listed)}, not ${port}`);
    await expectRejects(ports.isPortInUse(80), 'isPortInUse(80), outside 3000-9999');
    const link = await sandbox.getPreviewLink(port);
    expect(link.url && link.token, `preview link without url or token: ${JSON.stringify(link)}`);
    const answer = await fetch(`${link.url}/hello`, { headers: { 'x-daytona-preview-token': link.token } });
    expectEqual([answer.status, await answer.text()], [200, 'conformance /hello'], 'preview with its token');
    // Daytona's proxy sends a private preview's visitor without a token to log in
    // (apps/proxy/pkg/proxy/auth.go in daytonaio/daytona v0.190.0).
    const anonymous = await fetch(link.url, { redirect: 'manual' });
    expectEqual(anonymous.status, 307, 'status of a private preview without a token');
  });
  await step('signed preview URL', async () => {
    const signed = await sandbox.getSignedPreviewUrl(port, 60);
    expect(signed.url && signed.token, `signed preview URL without url or token: ${JSON.stringify(signed)}`);
    const answer = await fetch(`${signed.url}/signed`);
    expectEqual([answer.status, await answer.text()], [200, 'conformance /signed'], 'signed preview');
    await sandbox.expireSignedPreviewUrl(port, signed.token);
    const expired = await fetch(`${signed.url}/signed`, { redirect: 'manual' });
    expect(expired.status !== 200, 'an expired signed preview URL still answers 200');
  });
}

async function stopStartArchiveDelete(daytona, state) {
  const { sandbox } = state;
  const keep = '/home/daytona/kept.txt';
  await step('stop and start keep files', async () => {
    await sandbox.fs.uploadFile(Buffer.from('kept'), keep);
    await sandbox.stop();
    expectEqual(sandbox.state, 'stopped', 'state after stop');
    await expectRejects(sandbox.process.executeCommand('true'), 'executeCommand on a stopped sandbox');
    await sandbox.start();
    expectEqual(sandbox.state, 'started', 'state after start');
    expectEqual((await sandbox.fs.downloadFile(keep)).toString(), 'kept', 'file after stop and start');
  });
  await step('archive and start from archived', async () => {
    await sandbox.stop();
    await sandbox.archive();
    expect(['archiving', 'archived'].includes(sandbox.state), `state right after archive: ${sandbox.state}`);
    await waitForState(sandbox, 'archived');
    await sandbox.start();
    expectEqual(sandbox.state, 'started', 'state after start from archived');
    expectEqual((await sandbox.fs.downloadFile(keep)).toString(), 'kept', 'file after archive and start');
  });
  await step('delete; the name is free again', async () => {
    await sandbox.delete(60, true);
    await state.second.delete(60, true);
    await expectRejects(daytona.get(sandbox.id), 'get after delete', (error) =>
      expect(error instanceof DaytonaNotFoundError, `get after delete: expected DaytonaNotFoundError, got ${error}`),
    );
    const again = await daytona.create({ name: state.name, labels: label }, { timeout: 120 });
    await again.delete(60, true);
    const left = [];
    for await (const s of daytona.list({ labels: label })) left.push(s.id);
    expectEqual(left, [], 'sandboxes left with the run label');
  });
}

async function main() {
  for (const variable of ['DAYTONA_API_URL', 'DAYTONA_API_KEY', 'FORGE_GIT_URL', 'FORGE_FREE_PORT'])
    expect(process.env[variable], `${variable} is not set (tst_daytonasdk.cpp sets it)`);
  const daytona = new Daytona({ apiKey: process.env.DAYTONA_API_KEY, apiUrl: process.env.DAYTONA_API_URL, target: 'us' });
  const state = {};
  await lifecycle(daytona, state);
  await processes(state);
  await files(state);
  await git(state);
  await previews(state);
  await stopStartArchiveDelete(daytona, state);
}

main().then(
  () => {
    console.log('conformance: every step passed');
    process.exit(0);
  },
  (error) => {
    process.stdout.write('FAILED\n');
    const detail =
      error instanceof Mismatch
        ? error.message
        : `${error && error.constructor ? error.constructor.name : 'Error'}: ${error && error.message}` +
          (error && error.statusCode ? ` (HTTP ${error.statusCode})` : '');
    console.error(`conformance: step "${current}" failed: ${detail}`);
    process.exit(1);
  },
);
