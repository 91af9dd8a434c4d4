import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelRefusedError, resolveInLibrary, scanLibrary } from './library';

/**
 * `local` paths resolve inside the library and nowhere else. The REST API already refuses `..` and
 * absolute paths; this is the worker's own line, for whatever reaches it.
 */
let models: string;
let library: string;

beforeAll(async () => {
  models = await mkdtemp(join(tmpdir(), 'gguf-library-'));
  library = join(models, 'library');
  await mkdir(join(library, 'team'), { recursive: true });
  await writeFile(join(library, 'team', 'good.gguf'), 'GGUF');
  // Another organization's download, and the worker's own files, beside the library.
  await mkdir(join(models, 'orgs', 'org_other', 'hf', 'a', 'b', 'main'), { recursive: true });
  await writeFile(join(models, 'orgs', 'org_other', 'hf', 'a', 'b', 'main', 'private.gguf'), 'GGUF');
  await writeFile(join(models, 'secrets.gguf'), 'GGUF');
  await symlink(join(models, 'orgs', 'org_other', 'hf', 'a', 'b', 'main', 'private.gguf'), join(library, 'borrowed.gguf'));
  await symlink(join(models, 'orgs'), join(library, 'caches'));
  await symlink('/etc/passwd', join(library, 'passwd.gguf'));
  await symlink(join(library, 'team', 'good.gguf'), join(library, 'alias.gguf'));
  await mkdir(join(library, 'dir.gguf'));
});

describe('resolveInLibrary', () => {
  it.each([
    ['../secrets.gguf', 'traversal out of the library'],
    ['team/../../secrets.gguf', 'traversal through a directory'],
    ['../orgs/org_other/hf/a/b/main/private.gguf', "traversal into another organization's downloads"],
    ['orgs/org_other/hf/a/b/main/private.gguf', 'a cache path named as if the library held it'],
    ['/etc/passwd.gguf', 'an absolute path'],
    [`${'/'}${'..'}/etc/x.gguf`, 'an absolute path with traversal'],
    ['borrowed.gguf', "a symlink to another organization's download"],
    ['caches/org_other/hf/a/b/main/private.gguf', 'a symlinked directory into the caches'],
    ['passwd.gguf', 'a symlink to a system file'],
    ['dir.gguf', 'a directory'],
    ['missing.gguf', 'a file that is not there'],
  ])('refuses %s (%s) like a missing file', async (path) => {
    await expect(resolveInLibrary(library, path)).rejects.toEqual(new ModelRefusedError(`model file not found in the node's library: ${path}`));
  });

  it('finds files of the library, through links that stay inside it', async () => {
    await expect(resolveInLibrary(library, 'team/good.gguf')).resolves.toMatch(/library\/team\/good\.gguf$/);
    await expect(resolveInLibrary(library, 'alias.gguf')).resolves.toMatch(/library\/team\/good\.gguf$/);
  });

  it('lists only what may be deployed', async () => {
    expect((await scanLibrary(library)).map((entry) => entry.path)).toEqual(['alias.gguf', 'team/good.gguf']);
  });
});
