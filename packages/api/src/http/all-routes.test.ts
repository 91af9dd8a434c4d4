import { describe, expect, it } from 'vitest';
import { methodsAt } from './all-routes';

describe('methodsAt', () => {
  it('lists the methods of a documented path, filling in its parameters', () => {
    expect(methodsAt('/api/v1/deployments')?.sort()).toEqual(['GET', 'POST']);
    expect(methodsAt('/api/v1/deployments/dep_01jq3v8kx2m6c4t7w9yzab3def')?.sort()).toEqual(['DELETE', 'GET', 'PATCH']);
    expect(methodsAt('/api/v1/deployments/dep_x/stop/')).toEqual(['POST']);
    expect(methodsAt('/api/v1/openapi.json')).toEqual(['GET']);
    expect(methodsAt('/api/v1/openapiXjson')).toBeUndefined();
  });

  it('knows nothing of paths no endpoint lives at', () => {
    expect(methodsAt('/api/v1/nothing-here')).toBeUndefined();
    expect(methodsAt('/api/v1/deployments/a/b/c/d')).toBeUndefined();
  });
});
