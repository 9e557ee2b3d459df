// Runs before every test file: no test may reach the GCE metadata server or the internet.
process.env.METADATA_SERVER_DETECTION = 'none';
process.env.CHECKPOINT_DISABLE = '1';

// TensorFlow.js (inside @energetic-ai/core) keeps its engine on the global object. Jest gives every test file a
// fresh module registry, so a second file's fresh copy of tfjs would find the first file's engine, whose wasm
// backend its own copy never initialised ("Backend 'wasm' has not yet been initialized"). Start each file clean.
delete (globalThis as { _tfengine?: unknown })._tfengine;
