export { fakeFileBytes, fakeGgufFile, fakeHtmlFile, GGUF_V3_HEADER, type FakeFile } from './content';
export { guardLoopbackOnly, type ConnectAttempt, type LoopbackGuard } from './loopback-guard';
export { fakeResolver, type FakeResolver } from './resolver';
export type { ServeFault } from './serve-file';
export { startFakeHub, type Fault, type FakeHub, type FakeHubOptions, type RecordedRequest } from './server';
export { FAKE_HUB_NAMES, makeSelfSignedTls, type SelfSignedTls } from './tls';
