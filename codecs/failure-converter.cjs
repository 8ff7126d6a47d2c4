// Loaded by path (DataConverter.failureConverterPath): by the client/worker with require(), and bundled
// into the workflow sandbox by worker/start.ts. Plain CommonJS so both can load it without a TS loader.
// encodeCommonAttributes: a failure's message and stack trace travel in an encoded payload, so the payload
// codec (gzip + AES-256-GCM) encrypts them too: error messages name input files (e.g. "unsupported file
// type GIF … for 'file:///…/x.gif'"), which must not be stored in plaintext by the Temporal server.
const { DefaultFailureConverter } = require('@temporalio/common');

exports.failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
