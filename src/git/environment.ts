// The environment git runs in: the caller's, minus what would start programs or point git elsewhere.

export type GitEnv = Readonly<Record<string, string | undefined>>;

/** Categories of simple-git's unsafe-operation guard that the user's own environment needs opened. */
export interface UnsafeAllowances {
  allowUnsafeConfigPaths?: boolean;
  allowUnsafeConfigEnvCount?: boolean;
}

// Editors, pagers, password prompts, ssh and external diff programs: agentmux runs git unattended and
// parses its output, so none of them may start. simple-git refuses to run with most of them set, too.
const PROGRAMS = [
  'EDITOR', 'VISUAL', 'GIT_EDITOR', 'GIT_SEQUENCE_EDITOR', 'PAGER', 'GIT_PAGER', 'GIT_ASKPASS', 'SSH_ASKPASS',
  'GIT_SSH', 'GIT_SSH_COMMAND', 'GIT_PROXY_COMMAND', 'GIT_EXTERNAL_DIFF', 'GIT_TEMPLATE_DIR',
];
// Set inside git hooks and by wrappers: they would make every command act on some other repository or index.
const LOCATIONS = [
  'GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY', 'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_COMMON_DIR', 'GIT_NAMESPACE', 'GIT_PREFIX',
];
const DROPPED = new Set([...PROGRAMS, ...LOCATIONS]);
const CONFIG_PATHS = new Set(['GIT_CONFIG_GLOBAL', 'GIT_CONFIG_SYSTEM', 'GIT_CONFIG', 'GIT_EXEC_PATH', 'PREFIX']);

const FIXED = {
  GIT_TERMINAL_PROMPT: '0', // never wait for a password on a terminal nobody watches
  GIT_MERGE_AUTOEDIT: 'no', // never open an editor for a merge message
};

/** The child environment built from `base`, and the simple-git guard categories it needs. */
export function gitEnvironment(base: GitEnv): { env: Record<string, string>; unsafe: UnsafeAllowances } {
  const env: Record<string, string> = {};
  const unsafe: UnsafeAllowances = {};
  for (const [key, value] of Object.entries(base)) {
    if (value === undefined) continue;
    const upper = key.toUpperCase();
    if (DROPPED.has(upper)) continue;
    // The user's own choice of config files: git would read them anyway when the user runs it.
    if (CONFIG_PATHS.has(upper)) unsafe.allowUnsafeConfigPaths = true;
    if (upper === 'GIT_CONFIG_COUNT') unsafe.allowUnsafeConfigEnvCount = true;
    env[key] = value;
  }
  return { env: { ...env, ...FIXED }, unsafe };
}
