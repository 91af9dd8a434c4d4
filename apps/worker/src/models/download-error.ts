import { formatSize } from '@gguf/core';

/**
 * Why a model download failed, in words a tenant may read. Messages never carry what the worker saw
 * on the network (addresses, socket errors, which internal port answered): that goes to `detail`, for
 * the worker's log only. `permanent` tells the caller whether trying again later can help.
 */
export class DownloadError extends Error {
  override readonly name = 'DownloadError';

  constructor(
    message: string,
    readonly permanent: boolean,
    /** For logs only: the rule or network error behind the message. */
    readonly detail?: string,
  ) {
    super(message);
  }
}

/**
 * One answer for a refused URL and for a host that does not resolve, so a tenant cannot tell an internal
 * name that exists from one that does not.
 */
export const refusedUrl = (detail: string) => new DownloadError('download refused: the URL is not allowed or its host cannot be found', true, detail);

export const tooManyRedirects = (limit: number) => new DownloadError(`download refused: more than ${limit} redirects`, true);

export const notGguf = () => new DownloadError('download refused: not a GGUF file', true);

export const tooLarge = (maxBytes: number) => new DownloadError(`download refused: the file is larger than the ${formatSize(maxBytes)} limit`, true);

export const connectionProblem = (detail: string) => new DownloadError('download failed: connection problem, will retry', false, detail);

export function statusError(status: number): DownloadError {
  if (status === 401 || status === 403) return new DownloadError(`download failed: the server answered ${status} (access denied; the file may need a token)`, true);
  if (status === 404 || status === 410) return new DownloadError(`download failed: the server answered ${status} (not found)`, true);
  if (status === 408 || status === 429 || status >= 500) return new DownloadError(`download failed: the server answered ${status}, will retry`, false);
  return new DownloadError(`download failed: the server answered ${status}`, true);
}

/** OpenSSL's verification failures: the server is reachable but cannot prove it is who the URL names. */
const CERTIFICATE_ERRORS = /^(ERR_TLS_CERT_ALTNAME_INVALID|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(GET_ISSUER_CERT|VERIFY_LEAF_SIGNATURE))/;

/** A failure of the connection itself (not an answer), as a DownloadError. */
export function networkError(error: unknown): DownloadError {
  if (error instanceof DownloadError) return error;
  const code = String((error as { code?: unknown } | undefined)?.code ?? '');
  if (CERTIFICATE_ERRORS.test(code)) return new DownloadError("download failed: the server's TLS certificate is not valid", true, code);
  return connectionProblem(code || (error instanceof Error ? error.message : String(error)));
}

