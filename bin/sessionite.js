#!/usr/bin/env node
import('../dist/emulator/cli/main.js').then((m) => m.main(process.argv.slice(2)));
