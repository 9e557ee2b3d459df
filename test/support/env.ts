// Runs before every test file: no test may reach the GCE metadata server or the internet.
process.env.METADATA_SERVER_DETECTION = 'none';
process.env.CHECKPOINT_DISABLE = '1';

