import { CHANNELS, closeRedis, createRedis } from '@gguf/redis';
import { testEnv } from '@gguf/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, createApiHarness } from '../../../../lib/testing/api-harness';
import * as one from './[id]/route';
import * as collection from './route';

/** Deployments' model names and aliases: what the organization endpoint (/api/llm) resolves `model` against. */
let h: ApiHarness;
let tenant: Awaited<ReturnType<ApiHarness['createTenant']>>;

const base = { model: { source: 'local', path: 'm.gguf' }, gpu: { count: 0 } };

beforeAll(async () => {
  h = await createApiHarness();
  tenant = await h.createTenant({ name: 'Names', max_deployments: 100 });
});
afterAll(() => h.close());

const create = (body: Record<string, unknown>, auth = tenant.auth) => h.call(collection.POST, '', { method: 'POST', headers: auth, body: { ...base, ...body } });
const patch = (id: string, body: unknown, auth = tenant.auth) => h.call(one.PATCH, '', { method: 'PATCH', headers: auth, params: { id }, body });
const remove = (id: string) => h.call(one.DELETE, '', { method: 'DELETE', headers: tenant.auth, params: { id } });

async function listen(...channels: string[]) {
  const subscriber = createRedis(testEnv('redisUrl'), 'test-sub');
  await subscriber.subscribe(...channels);
  const messages: { channel: string; message: unknown }[] = [];
  subscriber.on('message', (channel: string, message: string) => messages.push({ channel, message: JSON.parse(message) }));
  return { messages, close: () => closeRedis(subscriber) };
}

describe('model_name', () => {
  it('defaults to a slug of the name, made unique in the organization with -2, -3…', async () => {
    const first = await create({ name: 'Qwen3 Coder 30B' });
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({ name: 'Qwen3 Coder 30B', model_name: 'qwen3-coder-30b', model_aliases: [] });
    expect((await create({ name: 'qwen3 coder 30b!' })).json.model_name).toBe('qwen3-coder-30b-2');
    // An exact alias takes a name too.
    await create({ name: 'suffix taker', model_aliases: ['qwen3-coder-30b-3'] });
    expect((await create({ name: 'Qwen3-Coder-30B' })).json.model_name).toBe('qwen3-coder-30b-4');
    // Another organization's names are its own.
    const other = await h.createTenant({ name: 'Elsewhere' });
    expect((await create({ name: 'Qwen3 Coder 30B' }, other.auth)).json.model_name).toBe('qwen3-coder-30b');
  });

  it('takes an explicit name and aliases, each alias once and never its own model name', async () => {
    const res = await create({ name: 'Explicit', model_name: 'team/explicit-1.5', model_aliases: ['ex', 'ex-*', 'ex', 'team/explicit-1.5'] });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ model_name: 'team/explicit-1.5', model_aliases: ['ex', 'ex-*'] });
    const row = await h.db.deployment.findUniqueOrThrow({ where: { id: res.json.id } });
    expect(row).toMatchObject({ modelName: 'team/explicit-1.5', modelAliases: ['ex', 'ex-*'] });
    const audit = await h.db.auditLog.findFirstOrThrow({ where: { targetId: res.json.id, action: 'deployment.create' } });
    expect(audit.details).toMatchObject({ model_name: 'team/explicit-1.5', model_aliases: ['ex', 'ex-*'] });
  });

  it.each([
    [{ model_name: 'Qwen' }, 'model_name', /lower-case/],
    [{ model_name: 'a b' }, 'model_name', /lower-case/],
    [{ model_name: '' }, 'model_name', /1-100/],
    [{ model_name: 'x'.repeat(101) }, 'model_name', /1-100/],
    [{ model_name: 'claude-*' }, 'model_name', /lower-case/],
    [{ model_name: 'a\u0000' }, 'model_name', /./],
    [{ model_aliases: ['*'] }, 'model_aliases.0', /default deployment/],
    [{ model_aliases: ['ok', 'Not OK'] }, 'model_aliases.1', /wildcard/],
    [{ model_aliases: Array.from({ length: 21 }, (_, i) => `a${i}`) }, 'model_aliases', /at most 20/],
    [{ model_aliases: 'single' }, 'model_aliases', /array/],
  ])('refuses %j with 400 naming the field', async (fields, param, message) => {
    const res = await create({ name: 'bad', ...fields });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ type: 'invalid_request', param });
    expect(res.json.error.message).toMatch(message);
  });
});

describe('a clash between two deployments', () => {
  let holder: { id: string; name: string };
  beforeAll(async () => {
    const res = await create({ name: 'Holder of names', model_name: 'holder', model_aliases: ['held', 'claude-*', 'gpt-4*'] });
    expect(res.status).toBe(201);
    holder = res.json;
  });

  it.each([
    [{ model_name: 'holder' }, 'model_name', "The model name 'holder' is already the model name"],
    [{ model_name: 'held' }, 'model_name', "The model name 'held' is already the alias"],
    [{ model_name: 'free', model_aliases: ['x', 'holder'] }, 'model_aliases.1', "The alias 'holder' is already the model name"],
    [{ model_name: 'free', model_aliases: ['held'] }, 'model_aliases.0', "The alias 'held' is already the alias"],
    [{ model_name: 'free', model_aliases: ['claude-*'] }, 'model_aliases.0', "The alias 'claude-*' is already the alias"],
  ])('refuses %j with 409 naming the other deployment', async (fields, param, message) => {
    const res = await create({ name: 'clasher', ...fields });
    expect(res.status).toBe(409);
    expect(res.json.error).toMatchObject({ type: 'conflict', param });
    expect(res.json.error.message).toBe(`${message} of deployment 'Holder of names' (${holder.id}); pick another or change that deployment first.`);
    expect(await h.db.deployment.count({ where: { orgId: tenant.orgId, name: 'clasher' } })).toBe(0);
  });

  it('allows overlapping globs, and globs matching another deployment’s exact name', async () => {
    const res = await create({ name: 'overlap', model_name: 'claude-sonnet', model_aliases: ['claude-*-haiku-*', 'gpt-*', 'hold*'] });
    expect(res.status).toBe(201);
  });

  it('is refused on PATCH too, changing nothing; a deployment may keep or reshuffle its own names', async () => {
    const mine = (await create({ name: 'renamer', model_name: 'renamer', model_aliases: ['r1'] })).json;
    const refused = await patch(mine.id, { model_aliases: ['r2', 'gpt-4*'] });
    expect(refused.status).toBe(409);
    expect(refused.json.error).toMatchObject({ param: 'model_aliases.1' });
    expect(refused.json.error.message).toContain(holder.id);
    expect((await patch(mine.id, { model_name: 'held' })).status).toBe(409);
    expect(await h.db.deployment.findUniqueOrThrow({ where: { id: mine.id } })).toMatchObject({ modelName: 'renamer', modelAliases: ['r1'] });
    // Its own names are no clash: swapping name and alias is fine.
    const swapped = await patch(mine.id, { model_name: 'r1', model_aliases: ['renamer'] });
    expect(swapped.json).toMatchObject({ model_name: 'r1', model_aliases: ['renamer'] });
    // A new model name that one of its aliases already was drops that alias.
    expect((await patch(mine.id, { model_name: 'renamer' })).json).toMatchObject({ model_name: 'renamer', model_aliases: [] });
  });
});

describe('renaming', () => {
  it('changes nothing that runs, is audited, and tells the gateways (the deployment and the organization’s model table)', async () => {
    const d = (await create({ name: 'quiet' })).json;
    const jobsBefore = (await h.jobsFor(d.id)).length;
    const listener = await listen(CHANNELS.deployments, CHANNELS.organizations);
    const res = await patch(d.id, { model_name: 'quiet-2b', model_aliases: ['quiet-*'] });
    expect(res.json).toMatchObject({ model_name: 'quiet-2b', model_aliases: ['quiet-*'], generation: 1 });
    await expect.poll(() => listener.messages).toEqual(
      expect.arrayContaining([
        { channel: CHANNELS.deployments, message: { kind: 'updated', deploymentId: d.id } },
        { channel: CHANNELS.organizations, message: { kind: 'updated', orgId: tenant.orgId } },
      ]),
    );
    await listener.close();
    expect(await h.jobsFor(d.id)).toHaveLength(jobsBefore);
    const audit = await h.db.auditLog.findFirstOrThrow({ where: { targetId: d.id, action: 'deployment.update' } });
    expect(audit.details).toMatchObject({ changed: ['model_name', 'model_aliases'], generation: 1, model_name: 'quiet-2b', model_aliases: ['quiet-*'] });
    // A display rename leaves the model name alone: clients keep calling it by the same name.
    expect((await patch(d.id, { name: 'Quiet, renamed' })).json).toMatchObject({ name: 'Quiet, renamed', model_name: 'quiet-2b' });
  });

  it('frees the names of a deleted deployment at once', async () => {
    const gone = (await create({ name: 'gone', model_name: 'reused', model_aliases: ['reused-alias', 'reused-*'] })).json;
    expect((await create({ name: 'waiting', model_name: 'reused' })).status).toBe(409);
    expect((await remove(gone.id)).status).toBe(200);
    const again = await create({ name: 'again', model_name: 'reused', model_aliases: ['reused-alias', 'reused-*'] });
    expect(again.status).toBe(201);
    expect((await create({ name: 'gone' })).json.model_name).toBe('gone');
  });
});

describe('concurrent creates and renames', () => {
  it('let exactly one take an explicit name: the organization row lock orders them', async () => {
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => create({ name: `racer ${i}`, model_name: 'contested' })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    expect(await h.db.deployment.count({ where: { orgId: tenant.orgId, modelName: 'contested' } })).toBe(1);
    const winner = results.find((r) => r.status === 201)?.json;
    for (const loser of results.filter((r) => r.status === 409)) expect(loser.json.error.message).toContain(winner.id);
  });

  it('give each default name its own suffix', async () => {
    const results = await Promise.all(Array.from({ length: 5 }, () => create({ name: 'Same Name' })));
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    expect(results.map((r) => r.json.model_name).sort()).toEqual(['same-name', 'same-name-2', 'same-name-3', 'same-name-4', 'same-name-5']);
  });

  it('let one of a rename and a create take the same alias, never both', async () => {
    const d = (await create({ name: 'alias racer' })).json;
    const [renamed, created] = await Promise.all([patch(d.id, { model_aliases: ['hot-alias'] }), create({ name: 'alias racer 2', model_aliases: ['hot-alias'] })]);
    // Whichever takes the organization's lock first wins (rename 200 or create 201); the other is refused with 409.
    expect([[200, 409], [409, 201]]).toContainEqual([renamed.status, created.status]);
    const holders = await h.db.deployment.findMany({ where: { orgId: tenant.orgId, modelAliases: { has: 'hot-alias' } } });
    expect(holders).toHaveLength(1);
  });

  it('do not deadlock a rename against a delete of the same deployment', async () => {
    const d = (await create({ name: 'rename vs delete' })).json;
    const [renamed, deleted] = await Promise.all([patch(d.id, { model_name: 'rvd-2' }), remove(d.id)]);
    expect(deleted.status).toBe(200);
    expect([200, 404]).toContain(renamed.status);
  });
});
