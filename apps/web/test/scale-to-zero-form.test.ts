import { ApiError, createDeploymentBody, SCALING, updateDeploymentBody } from '@gguf/api';
import { describe, expect, it } from 'vitest';
import { emptyFormState, formStateOf, toRequestBody, withName, withReplicasMin } from '../app/(dashboard)/deployments/form-state';
import { invalid, runAction } from '../lib/dashboard/action-result';
import { describeScaling, statusLine, statusNote } from '../lib/dashboard/format';
import { changedFields } from '../lib/dashboard/form-values';
import { idleTimeInMinutes, minutesFromSeconds, secondsFromMinutes } from '../lib/dashboard/idle-minutes';
import { playgroundNotice } from '../lib/dashboard/playground-notice';
import { deploymentObject } from '../lib/testing/deployment-object';

const saved = deploymentObject({
  status: 'sleeping',
  gpu: { count: 1, type: null },
  replicas: { min: 0, max: 1, inflight: 0, servers: [] },
  scale_down_after_s: 1800,
  wake_timeout_s: 300,
  generation: 3,
});

/** The form's body through the API's own schema, with field errors as the form shows them. */
function validate(body: unknown) {
  const parsed = createDeploymentBody.safeParse(body);
  return parsed.success ? { ok: true as const, data: parsed.data } : idleTimeInMinutes(invalid(parsed.error), SCALING.scaleDownAfterS);
}

const named = (patch: Partial<ReturnType<typeof emptyFormState>>) => ({ ...withName(emptyFormState(0), 'tiny'), path: 'a.gguf', source: 'local' as const, ...patch });

describe('the deployment form’s scale to zero', () => {
  it('is off for a new deployment: one replica always running, the API’s defaults for the rest', () => {
    const body = toRequestBody(named({}), []);
    expect(body.replicas).toEqual({ min: 1, max: 1 });
    expect(body).not.toHaveProperty('scale_down_after_s');
    expect(validate(body)).toMatchObject({ ok: true, data: { replicas: { min: 1, max: 1 }, scale_down_after_s: 900, wake_timeout_s: 600 } });
  });

  it('on, sends replicas.min 0 with the idle time converted from minutes and the wake timeout in seconds', () => {
    const body = toRequestBody(named({ scaleToZero: true, idleMinutes: '30', wakeTimeoutS: '120' }), []);
    expect(body).toMatchObject({ replicas: { min: 0, max: 1 }, scale_down_after_s: 1800, wake_timeout_s: 120 });
    expect(validate(body)).toMatchObject({ ok: true, data: { replicas: { min: 0, max: 1 }, scale_down_after_s: 1800, wake_timeout_s: 120 } });
    // An empty field leaves the API's default.
    expect(validate(toRequestBody(named({ scaleToZero: true, idleMinutes: ' ', wakeTimeoutS: '' }), []))).toMatchObject({ ok: true, data: { scale_down_after_s: 900, wake_timeout_s: 600 } });
  });

  it.each([
    ['0.5', 'must be a number of minutes from 1 to 1440'],
    ['2000', 'must be a number of minutes from 1 to 1440'],
    ['soon', 'must be a number of minutes from 1 to 1440'],
    ['-5', 'must be a number of minutes from 1 to 1440'],
  ])('words a refused idle time of %j in minutes', (idleMinutes, message) => {
    const result = validate(toRequestBody(named({ scaleToZero: true, idleMinutes }), []));
    expect(result).toMatchObject({ ok: false, fieldErrors: { scale_down_after_s: message } });
    expect(result.ok === false && result.message).toBe(`Invalid idle time: ${message}`);
  });

  it.each([
    ['5', /at least 10/],
    ['7200', /at most 3600/],
    ['a while', /must be a number/],
  ])('refuses a wake timeout of %j with the API’s own words', (wakeTimeoutS, message) => {
    const result = validate(toRequestBody(named({ scaleToZero: true, wakeTimeoutS }), []));
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.fieldErrors?.wake_timeout_s).toMatch(message);
  });

  it('leaves hidden fields out when off, so a bad value there blocks nothing', () => {
    expect(validate(toRequestBody(named({ scaleToZero: false, idleMinutes: 'x', wakeTimeoutS: '1' }), []))).toMatchObject({ ok: true });
  });

  it('edits a saved deployment: shown in its units, and only a scaling change is sent', () => {
    const state = formStateOf(saved);
    expect(state).toMatchObject({ scaleToZero: true, idleMinutes: '30', wakeTimeoutS: '300' });
    const initial = toRequestBody(state, []);
    expect(changedFields(toRequestBody(state, []), initial)).toEqual({});
    const off = changedFields(toRequestBody({ ...state, scaleToZero: false }, []), initial);
    expect(off).toEqual({ replicas: { min: 1, max: 1 } });
    expect(updateDeploymentBody.safeParse(off).success).toBe(true);
    expect(changedFields(toRequestBody({ ...state, idleMinutes: '45' }, []), initial)).toEqual({ scale_down_after_s: 2700 });
  });
});

describe('the deployment form’s replicas', () => {
  it('sends the typed minimum and maximum; scale to zero is the minimum 0 under any maximum', () => {
    expect(validate(toRequestBody(named({ replicasMin: ' 2 ', replicasMax: '4' }), []))).toMatchObject({ ok: true, data: { replicas: { min: 2, max: 4 } } });
    expect(validate(toRequestBody(named({ scaleToZero: true, replicasMin: '2', replicasMax: '3' }), []))).toMatchObject({ ok: true, data: { replicas: { min: 0, max: 3 } } });
    // An empty bound takes the API's default.
    expect(validate(toRequestBody(named({ replicasMin: '', replicasMax: '' }), []))).toMatchObject({ ok: true, data: { replicas: { min: 1, max: 1 } } });
  });

  it.each([
    [{ replicasMax: '17' }, 'replicas.max', /at most 16/],
    [{ replicasMax: '0' }, 'replicas.max', /at least 1/],
    [{ replicasMax: 'lots' }, 'replicas.max', /must be a number/],
    [{ replicasMin: '1.5', replicasMax: '2' }, 'replicas.min', /whole number/],
    [{ replicasMin: '3', replicasMax: '2' }, 'replicas.min', /at most replicas.max/],
  ])('refuses %j on its own field, in the API’s own words', (patch, field, message) => {
    const result = validate(toRequestBody(named(patch), []));
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.fieldErrors?.[field]).toMatch(message);
  });

  it('takes a minimum typed as 0 as scale to zero, and unticking it keeps one server running', () => {
    const zero = withReplicasMin(named({ replicasMin: '2' }), '0');
    expect(zero).toMatchObject({ scaleToZero: true, replicasMin: '1' });
    expect(toRequestBody(zero, []).replicas).toEqual({ min: 0, max: 1 });
    expect(toRequestBody({ ...zero, scaleToZero: false }, []).replicas).toEqual({ min: 1, max: 1 });
    expect(withReplicasMin(named({}), ' 3')).toMatchObject({ scaleToZero: false, replicasMin: ' 3' });
    expect(withReplicasMin(named({}), '')).toMatchObject({ scaleToZero: false, replicasMin: '' });
  });

  it('edits saved bounds: shown as typed text, and only a changed bound is sent', () => {
    const asleep = formStateOf(saved);
    expect(asleep).toMatchObject({ scaleToZero: true, replicasMin: '1', replicasMax: '1' });
    const raised = changedFields(toRequestBody({ ...asleep, replicasMax: '2' }, []), toRequestBody(asleep, []));
    expect(raised).toEqual({ replicas: { min: 0, max: 2 } });
    expect(updateDeploymentBody.parse(raised)).toEqual({ replicas: { min: 0, max: 2 } });
    const wide = formStateOf(deploymentObject({ replicas: { min: 2, max: 5, inflight: 0, servers: [] } }));
    expect(wide).toMatchObject({ scaleToZero: false, replicasMin: '2', replicasMax: '5' });
    expect(changedFields(toRequestBody({ ...wide, replicasMin: '3' }, []), toRequestBody(wide, []))).toEqual({ replicas: { min: 3, max: 5 } });
  });

  it('shows a refusal of the quota on the field the API names', async () => {
    const message = 'Organization limit max_gpus (2) reached: this change needs 3 GPUs in total (each deployment counts gpu.count × replicas.max).';
    const result = await runAction(() => Promise.reject(new ApiError('conflict', message, 'replicas.max')));
    expect(result).toEqual({ ok: false, message, fieldErrors: { 'replicas.max': message } });
  });
});

describe('the deployment form’s target concurrency', () => {
  it('is empty for a new deployment and sent as null: the parallel slots', () => {
    const body = toRequestBody(named({}), []);
    expect(body.target_concurrency).toBeNull();
    expect(validate(body)).toMatchObject({ ok: true, data: { target_concurrency: null } });
    expect(validate(toRequestBody(named({ targetConcurrency: ' 16 ' }), []))).toMatchObject({ ok: true, data: { target_concurrency: 16 } });
  });

  it.each([
    ['0', /at least 1/],
    ['2000', /at most 1024/],
    ['1.5', /whole number/],
    ['many', /must be a number/],
  ])('refuses %j with the API’s own words', (targetConcurrency, message) => {
    const result = validate(toRequestBody(named({ targetConcurrency }), []));
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.fieldErrors?.target_concurrency).toMatch(message);
  });

  it('edits a saved value: shown as typed text, sent only when changed, and cleared back to null', () => {
    const state = formStateOf(deploymentObject({ target_concurrency: 6 }));
    expect(state.targetConcurrency).toBe('6');
    expect(formStateOf(deploymentObject()).targetConcurrency).toBe('');
    const initial = toRequestBody(state, []);
    expect(changedFields(toRequestBody({ ...state, targetConcurrency: '8' }, []), initial)).toEqual({ target_concurrency: 8 });
    const cleared = changedFields(toRequestBody({ ...state, targetConcurrency: '' }, []), initial);
    expect(cleared).toEqual({ target_concurrency: null });
    expect(updateDeploymentBody.parse(cleared)).toEqual({ target_concurrency: null });
  });
});

describe('minutes and seconds', () => {
  it.each([
    ['15', 900],
    ['1.5', 90],
    ['0.01', 1],
    ['1,440', 86_400],
    ['', undefined],
    ['ten', 'ten'],
  ])('%j minutes → %j seconds', (typed, seconds) => {
    expect(secondsFromMinutes(typed)).toBe(seconds);
  });

  it.each([
    [900, '15'],
    [90, '1.5'],
    [100, '1.67'],
    [86_400, '1440'],
  ])('%j seconds show as %j minutes', (seconds, shown) => {
    expect(minutesFromSeconds(seconds)).toBe(shown);
  });

  it('rewords only the idle time', () => {
    const result = { ok: false as const, message: "Invalid 'wake_timeout_s': must be at least 10", fieldErrors: { wake_timeout_s: 'must be at least 10' } };
    expect(idleTimeInMinutes(result, SCALING.scaleDownAfterS)).toBe(result);
  });
});

describe('a sleeping deployment on the dashboard', () => {
  it('says it wakes on the next request, after the worker’s own message', () => {
    expect(statusNote('sleeping')).toBe('wakes on the next request');
    expect(statusNote('running')).toBeNull();
    expect(statusLine({ status: 'sleeping', status_message: '' })).toBe('wakes on the next request');
    expect(statusLine({ status: 'sleeping', status_message: 'Idle for 15 min' })).toBe('Idle for 15 min — wakes on the next request');
    expect(statusLine({ status: 'failed', status_message: 'out of memory' })).toBe('out of memory');
  });

  it('summarizes scale to zero among the settings', () => {
    expect(describeScaling(saved)).toBe('after 30 min idle; requests wait up to 5 min while it wakes');
    expect(describeScaling({ ...saved, scale_down_after_s: 7200, wake_timeout_s: 45 })).toBe('after 2 h idle; requests wait up to 45 s while it wakes');
    expect(describeScaling({ ...saved, replicas: { min: 1 } })).toBe('off (always running)');
  });

  it('is not refused by the playground, which warns that the first answer waits for the model', () => {
    expect(playgroundNotice(saved)).toMatchObject({ kind: 'waking', title: 'Asleep: wakes on the next request', message: expect.stringMatching(/first answer waits.*up to 5 min/) });
    expect(playgroundNotice({ ...saved, status: 'running' })).toBeNull();
    // Already waking: the gateway holds requests to a deployment that scales to zero on its way up too.
    expect(playgroundNotice({ ...saved, status: 'pulling' })).toMatchObject({ kind: 'waking' });
    // Without scale to zero, or stopped, the gateway refuses as before.
    expect(playgroundNotice({ ...saved, status: 'starting', replicas: { ...saved.replicas, min: 1 } })).toMatchObject({ kind: 'refused' });
    expect(playgroundNotice({ ...saved, status: 'stopped', desired_state: 'stopped' })).toMatchObject({ kind: 'refused' });
    expect(playgroundNotice({ ...saved, status: 'pending', desired_state: 'stopped' })).toMatchObject({ kind: 'refused' });
  });
});
