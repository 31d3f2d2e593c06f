// The loopback sshd of the tests, for TypeScript: written in plain JavaScript (loopback-sshd.mjs, typed by
// loopback-sshd.d.mts) so that the benchmarks start the same server.
export * from './loopback-sshd.mjs';
