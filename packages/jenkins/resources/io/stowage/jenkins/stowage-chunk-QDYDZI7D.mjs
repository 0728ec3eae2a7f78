// stowage 0.1.0: part of the Stowage CLI, loaded by stowage.mjs. Licenses: stowage.licenses.txt
import { createRequire as __stowageCreateRequire } from 'node:module';
const require = __stowageCreateRequire(import.meta.url);
import {
  __esm,
  __export,
  init_define_STOWAGE_UI_ASSETS
} from "./stowage-chunk-PAFHW2OS.mjs";

// lazy:node:sqlite
var node_sqlite_exports = {};
__export(node_sqlite_exports, {
  DatabaseSync: () => DatabaseSync,
  StatementSync: () => StatementSync
});
var load, DatabaseSync, StatementSync;
var init_node_sqlite = __esm({
  "lazy:node:sqlite"() {
    init_define_STOWAGE_UI_ASSETS();
    load = () => {
      const m = process.getBuiltinModule("node:sqlite");
      if (!m) throw new Error("node:sqlite is not available: Node " + process.versions.node + " is too old for the server, use Node 24");
      return m;
    };
    DatabaseSync = class {
      constructor(...args) {
        return new (load()).DatabaseSync(...args);
      }
    };
    StatementSync = class {
      constructor() {
        throw new TypeError("StatementSync is not constructible");
      }
    };
  }
});

export {
  DatabaseSync,
  node_sqlite_exports,
  init_node_sqlite
};
