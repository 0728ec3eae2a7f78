// stowage 0.1.0: part of the Stowage CLI, loaded by stowage.mjs. Licenses: stowage.licenses.txt
import { createRequire as __stowageCreateRequire } from 'node:module';
const require = __stowageCreateRequire(import.meta.url);
import {
  init_define_STOWAGE_UI_ASSETS
} from "./stowage-chunk-PAFHW2OS.mjs";

// ../server/dist/internal/turn-batch.js
init_define_STOWAGE_UI_ASSETS();
var TurnBatch = class {
  #items = [];
  #scheduled = false;
  #max;
  #run;
  constructor(max, run) {
    this.#max = max;
    this.#run = run;
  }
  add(item) {
    this.#items.push(item);
    if (this.#items.length >= this.#max)
      this.flush();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.flush());
    }
  }
  /** Hands over what was added so far, now (on close: nothing asked for is lost). */
  flush() {
    this.#scheduled = false;
    const items = this.#items;
    if (items.length === 0)
      return;
    this.#items = [];
    this.#run(items);
  }
};

export {
  TurnBatch
};
