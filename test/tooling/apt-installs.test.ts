// Holds the project's set-up to what the README promises: every package it installs with apt comes without recommended extras, and no container engine is installed to run the tests.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { test } from 'node:test';

const REPO = resolve(import.meta.dirname, '../..');

/** The files that install anything: the Makefile, the Dockerfile, CI's entry point and the scripts they call. */
async function installerFiles(): Promise<string[]> {
  const scripts = (await readdir(join(REPO, 'scripts'), { recursive: true })).filter((f) => f.endsWith('.sh')).map((f) => join('scripts', f));
  return ['Makefile', 'Dockerfile', '.ci/run', ...scripts];
}

/** Each apt-get or apt install command, its continuation lines joined. */
async function aptInstalls(): Promise<{ file: string; command: string }[]> {
  const found: { file: string; command: string }[] = [];
  for (const file of await installerFiles()) {
    let text: string;
    try {
      text = await readFile(join(REPO, file), 'utf8');
    } catch {
      continue;
    }
    const joined = text.replace(/\\\n/g, ' ');
    for (const match of joined.matchAll(/\bapt(?:-get)?\s+(?:-\S+\s+)*install\b[^\n;|&)}]*/g)) {
      found.push({ file, command: match[0] });
    }
  }
  return found;
}

test('every apt install leaves out recommended packages', async () => {
  const installs = await aptInstalls();
  assert.ok(installs.length > 0, 'scripts/lib/apt-ensure.sh installs redis-server and chromium with apt-get');
  for (const { file, command } of installs) {
    assert.match(command, /--no-install-recommends/, `${file}: ${command}`);
  }
});

test('no container engine or Compose is installed to run the tests', async () => {
  for (const { file, command } of await aptInstalls()) {
    assert.doesNotMatch(command, /\b(docker(\.io|-ce|-compose)?|podman|containerd)\b/, `${file}: ${command}`);
  }
});
