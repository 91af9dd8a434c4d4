export { startTestDocker, type StartTestDockerOptions, type TestDockerDaemon } from './daemon';
export { engineRequest, enginePing } from './engine-api';
export { buildFakeLlamaServerImage, buildNodeImage, DEFAULT_FAKE_IMAGE, FAKE_IMAGE_ENTRYPOINT, type NodeImageSpec } from './image';
export { fakeLlamaServerExecutable } from './executable';
