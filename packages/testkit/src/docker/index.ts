export { startTestDocker, type StartTestDockerOptions, type TestDockerDaemon } from './daemon';
export { engineRequest, enginePing } from './engine-api';
export { buildFakeLlamaServerImage, DEFAULT_FAKE_IMAGE, FAKE_IMAGE_ENTRYPOINT } from './image';
export { fakeLlamaServerExecutable } from './executable';
