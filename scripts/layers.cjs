// The folders of src/, top to bottom as the dependency rule layers them (see ARCHITECTURE.md):
// read by .dependency-cruiser.cjs and by scripts/deps-summary.mjs.
module.exports = {
  FOLDERS: [
    'react',
    'script-tag',
    'server',
    'tag',
    'identity',
    'events',
    'slots',
    'loaders',
    'engine',
    'debug',
    'codecs',
    'shared',
    'types',
  ],
};
