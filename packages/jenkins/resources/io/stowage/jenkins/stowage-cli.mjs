#!/usr/bin/env node
// stowage 0.1.0: part of the Stowage CLI, loaded by stowage.mjs. Licenses: stowage.licenses.txt
import { createRequire as __stowageCreateRequire } from 'node:module';
const require = __stowageCreateRequire(import.meta.url);
import {
  BuildStore,
  DEFAULT_ENV_EXCLUDE,
  DEPS_COLLECTORS,
  DOWNLOAD_IDS,
  RepositoryClient,
  collectDependencies,
  collectEnv,
  collectEnvDetailed,
  collectGit,
  detectCi,
  dockerModule,
  formatBytes,
  formatDuration,
  formatLeadTime,
  formatStarted,
  isStowageError,
  mergeBuildInfo,
  mergeWithDownloads,
  moduleIdOf,
  newBuildInfo,
  parseImageRef,
  parseStarted,
  publishGoModule,
  publishMerged,
  pullHelmChartOci,
  pushHelmChart,
  pushHelmChartOci,
  readChart,
  readRemoteImage,
  registryLocation,
  setupTool,
  setupTools,
  skopeoCopy,
  skopeoLocation,
  tokenForBuild
} from "./stowage-chunk-TPUZXTG7.mjs";
import {
  __commonJS,
  __toESM,
  init_define_STOWAGE_UI_ASSETS
} from "./stowage-chunk-PAFHW2OS.mjs";

// ../../node_modules/picomatch/lib/constants.js
var require_constants = __commonJS({
  "../../node_modules/picomatch/lib/constants.js"(exports, module) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var WIN_SLASH = "\\\\/";
    var WIN_NO_SLASH = `[^${WIN_SLASH}]`;
    var DEFAULT_MAX_EXTGLOB_RECURSION = 0;
    var DOT_LITERAL = "\\.";
    var PLUS_LITERAL = "\\+";
    var QMARK_LITERAL = "\\?";
    var SLASH_LITERAL = "\\/";
    var ONE_CHAR = "(?=.)";
    var QMARK = "[^/]";
    var END_ANCHOR = `(?:${SLASH_LITERAL}|$)`;
    var START_ANCHOR = `(?:^|${SLASH_LITERAL})`;
    var DOTS_SLASH = `${DOT_LITERAL}{1,2}${END_ANCHOR}`;
    var NO_DOT = `(?!${DOT_LITERAL})`;
    var NO_DOTS = `(?!${START_ANCHOR}${DOTS_SLASH})`;
    var NO_DOT_SLASH = `(?!${DOT_LITERAL}{0,1}${END_ANCHOR})`;
    var NO_DOTS_SLASH = `(?!${DOTS_SLASH})`;
    var QMARK_NO_DOT = `[^.${SLASH_LITERAL}]`;
    var STAR = `${QMARK}*?`;
    var SEP = "/";
    var POSIX_CHARS = {
      DOT_LITERAL,
      PLUS_LITERAL,
      QMARK_LITERAL,
      SLASH_LITERAL,
      ONE_CHAR,
      QMARK,
      END_ANCHOR,
      DOTS_SLASH,
      NO_DOT,
      NO_DOTS,
      NO_DOT_SLASH,
      NO_DOTS_SLASH,
      QMARK_NO_DOT,
      STAR,
      START_ANCHOR,
      SEP
    };
    var WINDOWS_CHARS = {
      ...POSIX_CHARS,
      SLASH_LITERAL: `[${WIN_SLASH}]`,
      QMARK: WIN_NO_SLASH,
      STAR: `${WIN_NO_SLASH}*?`,
      DOTS_SLASH: `${DOT_LITERAL}{1,2}(?:[${WIN_SLASH}]|$)`,
      NO_DOT: `(?!${DOT_LITERAL})`,
      NO_DOTS: `(?!(?:^|[${WIN_SLASH}])${DOT_LITERAL}{1,2}(?:[${WIN_SLASH}]|$))`,
      NO_DOT_SLASH: `(?!${DOT_LITERAL}{0,1}(?:[${WIN_SLASH}]|$))`,
      NO_DOTS_SLASH: `(?!${DOT_LITERAL}{1,2}(?:[${WIN_SLASH}]|$))`,
      QMARK_NO_DOT: `[^.${WIN_SLASH}]`,
      START_ANCHOR: `(?:^|[${WIN_SLASH}])`,
      END_ANCHOR: `(?:[${WIN_SLASH}]|$)`,
      SEP: "\\"
    };
    var POSIX_REGEX_SOURCE = {
      __proto__: null,
      alnum: "a-zA-Z0-9",
      alpha: "a-zA-Z",
      ascii: "\\x00-\\x7F",
      blank: " \\t",
      cntrl: "\\x00-\\x1F\\x7F",
      digit: "0-9",
      graph: "\\x21-\\x7E",
      lower: "a-z",
      print: "\\x20-\\x7E ",
      punct: "\\-!\"#$%&'()\\*+,./:;<=>?@[\\]^_`{|}~",
      space: " \\t\\r\\n\\v\\f",
      upper: "A-Z",
      word: "A-Za-z0-9_",
      xdigit: "A-Fa-f0-9"
    };
    module.exports = {
      DEFAULT_MAX_EXTGLOB_RECURSION,
      MAX_LENGTH: 1024 * 64,
      POSIX_REGEX_SOURCE,
      // regular expressions
      REGEX_BACKSLASH: /\\(?![*+?^${}(|)[\]])/g,
      REGEX_NON_SPECIAL_CHARS: /^[^@![\].,$*+?^{}()|\\/]+/,
      REGEX_SPECIAL_CHARS: /[-*+?.^${}(|)[\]]/,
      REGEX_SPECIAL_CHARS_BACKREF: /(\\?)((\W)(\3*))/g,
      REGEX_SPECIAL_CHARS_GLOBAL: /([-*+?.^${}(|)[\]])/g,
      REGEX_REMOVE_BACKSLASH: /(?:\[.*?[^\\]\]|\\(?=.))/g,
      // Replace globs with equivalent patterns to reduce parsing time.
      REPLACEMENTS: {
        __proto__: null,
        "***": "*",
        "**/**": "**",
        "**/**/**": "**"
      },
      // Digits
      CHAR_0: 48,
      /* 0 */
      CHAR_9: 57,
      /* 9 */
      // Alphabet chars.
      CHAR_UPPERCASE_A: 65,
      /* A */
      CHAR_LOWERCASE_A: 97,
      /* a */
      CHAR_UPPERCASE_Z: 90,
      /* Z */
      CHAR_LOWERCASE_Z: 122,
      /* z */
      CHAR_LEFT_PARENTHESES: 40,
      /* ( */
      CHAR_RIGHT_PARENTHESES: 41,
      /* ) */
      CHAR_ASTERISK: 42,
      /* * */
      // Non-alphabetic chars.
      CHAR_AMPERSAND: 38,
      /* & */
      CHAR_AT: 64,
      /* @ */
      CHAR_BACKWARD_SLASH: 92,
      /* \ */
      CHAR_CARRIAGE_RETURN: 13,
      /* \r */
      CHAR_CIRCUMFLEX_ACCENT: 94,
      /* ^ */
      CHAR_COLON: 58,
      /* : */
      CHAR_COMMA: 44,
      /* , */
      CHAR_DOT: 46,
      /* . */
      CHAR_DOUBLE_QUOTE: 34,
      /* " */
      CHAR_EQUAL: 61,
      /* = */
      CHAR_EXCLAMATION_MARK: 33,
      /* ! */
      CHAR_FORM_FEED: 12,
      /* \f */
      CHAR_FORWARD_SLASH: 47,
      /* / */
      CHAR_GRAVE_ACCENT: 96,
      /* ` */
      CHAR_HASH: 35,
      /* # */
      CHAR_HYPHEN_MINUS: 45,
      /* - */
      CHAR_LEFT_ANGLE_BRACKET: 60,
      /* < */
      CHAR_LEFT_CURLY_BRACE: 123,
      /* { */
      CHAR_LEFT_SQUARE_BRACKET: 91,
      /* [ */
      CHAR_LINE_FEED: 10,
      /* \n */
      CHAR_NO_BREAK_SPACE: 160,
      /* \u00A0 */
      CHAR_PERCENT: 37,
      /* % */
      CHAR_PLUS: 43,
      /* + */
      CHAR_QUESTION_MARK: 63,
      /* ? */
      CHAR_RIGHT_ANGLE_BRACKET: 62,
      /* > */
      CHAR_RIGHT_CURLY_BRACE: 125,
      /* } */
      CHAR_RIGHT_SQUARE_BRACKET: 93,
      /* ] */
      CHAR_SEMICOLON: 59,
      /* ; */
      CHAR_SINGLE_QUOTE: 39,
      /* ' */
      CHAR_SPACE: 32,
      /*   */
      CHAR_TAB: 9,
      /* \t */
      CHAR_UNDERSCORE: 95,
      /* _ */
      CHAR_VERTICAL_LINE: 124,
      /* | */
      CHAR_ZERO_WIDTH_NOBREAK_SPACE: 65279,
      /* \uFEFF */
      /**
       * Create EXTGLOB_CHARS
       */
      extglobChars(chars) {
        return {
          "!": { type: "negate", open: "(?:(?!(?:", close: `))${chars.STAR})` },
          "?": { type: "qmark", open: "(?:", close: ")?" },
          "+": { type: "plus", open: "(?:", close: ")+" },
          "*": { type: "star", open: "(?:", close: ")*" },
          "@": { type: "at", open: "(?:", close: ")" }
        };
      },
      /**
       * Create GLOB_CHARS
       */
      globChars(win32) {
        return win32 === true ? WINDOWS_CHARS : POSIX_CHARS;
      }
    };
  }
});

// ../../node_modules/picomatch/lib/utils.js
var require_utils = __commonJS({
  "../../node_modules/picomatch/lib/utils.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var {
      REGEX_BACKSLASH,
      REGEX_REMOVE_BACKSLASH,
      REGEX_SPECIAL_CHARS,
      REGEX_SPECIAL_CHARS_GLOBAL
    } = require_constants();
    exports.isObject = (val) => val !== null && typeof val === "object" && !Array.isArray(val);
    exports.hasRegexChars = (str) => REGEX_SPECIAL_CHARS.test(str);
    exports.isRegexChar = (str) => str.length === 1 && exports.hasRegexChars(str);
    exports.escapeRegex = (str) => str.replace(REGEX_SPECIAL_CHARS_GLOBAL, "\\$1");
    exports.toPosixSlashes = (str) => str.replace(REGEX_BACKSLASH, "/");
    exports.isWindows = () => {
      if (typeof navigator !== "undefined" && navigator.platform) {
        const platform = navigator.platform.toLowerCase();
        return platform === "win32" || platform === "windows";
      }
      if (typeof process !== "undefined" && process.platform) {
        return process.platform === "win32";
      }
      return false;
    };
    exports.removeBackslashes = (str) => {
      return str.replace(REGEX_REMOVE_BACKSLASH, (match) => {
        return match === "\\" ? "" : match;
      });
    };
    exports.escapeLast = (input, char, lastIdx) => {
      const idx = input.lastIndexOf(char, lastIdx);
      if (idx === -1) return input;
      if (input[idx - 1] === "\\") return exports.escapeLast(input, char, idx - 1);
      return `${input.slice(0, idx)}\\${input.slice(idx)}`;
    };
    exports.removePrefix = (input, state = {}) => {
      let output = input;
      if (output.startsWith("./")) {
        output = output.slice(2);
        state.prefix = "./";
      }
      return output;
    };
    exports.wrapOutput = (input, state = {}, options = {}) => {
      const prepend = options.contains ? "" : "^";
      const append = options.contains ? "" : "$";
      let output = `${prepend}(?:${input})${append}`;
      if (state.negated === true) {
        output = `(?:^(?!${output}).*$)`;
      }
      return output;
    };
    exports.basename = (path2, { windows } = {}) => {
      const segs = path2.split(windows ? /[\\/]/ : "/");
      const last = segs[segs.length - 1];
      if (last === "") {
        return segs[segs.length - 2];
      }
      return last;
    };
  }
});

// ../../node_modules/picomatch/lib/scan.js
var require_scan = __commonJS({
  "../../node_modules/picomatch/lib/scan.js"(exports, module) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var utils = require_utils();
    var {
      CHAR_ASTERISK,
      /* * */
      CHAR_AT,
      /* @ */
      CHAR_BACKWARD_SLASH,
      /* \ */
      CHAR_COMMA,
      /* , */
      CHAR_DOT,
      /* . */
      CHAR_EXCLAMATION_MARK,
      /* ! */
      CHAR_FORWARD_SLASH,
      /* / */
      CHAR_LEFT_CURLY_BRACE,
      /* { */
      CHAR_LEFT_PARENTHESES,
      /* ( */
      CHAR_LEFT_SQUARE_BRACKET,
      /* [ */
      CHAR_PLUS,
      /* + */
      CHAR_QUESTION_MARK,
      /* ? */
      CHAR_RIGHT_CURLY_BRACE,
      /* } */
      CHAR_RIGHT_PARENTHESES,
      /* ) */
      CHAR_RIGHT_SQUARE_BRACKET
      /* ] */
    } = require_constants();
    var isPathSeparator = (code) => {
      return code === CHAR_FORWARD_SLASH || code === CHAR_BACKWARD_SLASH;
    };
    var depth = (token) => {
      if (token.isPrefix !== true) {
        token.depth = token.isGlobstar ? Infinity : 1;
      }
    };
    var scan = (input, options) => {
      const opts = options || {};
      const length = input.length - 1;
      const scanToEnd = opts.parts === true || opts.tokens === true || opts.scanToEnd === true;
      const slashes = [];
      const tokens = [];
      const parts = [];
      let str = input;
      let index = -1;
      let start = 0;
      let lastIndex = 0;
      let isBrace = false;
      let isBracket = false;
      let isGlob = false;
      let isExtglob = false;
      let isGlobstar = false;
      let braceEscaped = false;
      let backslashes = false;
      let negated = false;
      let negatedExtglob = false;
      let finished = false;
      let braces = 0;
      let prev;
      let code;
      let token = { value: "", depth: 0, isGlob: false };
      const eos = () => index >= length;
      const peek = () => str.charCodeAt(index + 1);
      const advance = () => {
        prev = code;
        return str.charCodeAt(++index);
      };
      while (index < length) {
        code = advance();
        let next;
        if (code === CHAR_BACKWARD_SLASH) {
          backslashes = token.backslashes = true;
          code = advance();
          if (code === CHAR_LEFT_CURLY_BRACE) {
            braceEscaped = true;
          }
          continue;
        }
        if (braceEscaped === true || code === CHAR_LEFT_CURLY_BRACE) {
          braces++;
          while (eos() !== true && (code = advance())) {
            if (code === CHAR_BACKWARD_SLASH) {
              backslashes = token.backslashes = true;
              advance();
              continue;
            }
            if (code === CHAR_LEFT_CURLY_BRACE) {
              braces++;
              continue;
            }
            if (braceEscaped !== true && code === CHAR_DOT && (code = advance()) === CHAR_DOT) {
              isBrace = token.isBrace = true;
              isGlob = token.isGlob = true;
              finished = true;
              if (scanToEnd === true) {
                continue;
              }
              break;
            }
            if (braceEscaped !== true && code === CHAR_COMMA) {
              isBrace = token.isBrace = true;
              isGlob = token.isGlob = true;
              finished = true;
              if (scanToEnd === true) {
                continue;
              }
              break;
            }
            if (code === CHAR_RIGHT_CURLY_BRACE) {
              braces--;
              if (braces === 0) {
                braceEscaped = false;
                isBrace = token.isBrace = true;
                finished = true;
                break;
              }
            }
          }
          if (scanToEnd === true) {
            continue;
          }
          break;
        }
        if (code === CHAR_FORWARD_SLASH) {
          slashes.push(index);
          tokens.push(token);
          token = { value: "", depth: 0, isGlob: false };
          if (finished === true) continue;
          if (prev === CHAR_DOT && index === start + 1) {
            start += 2;
            continue;
          }
          lastIndex = index + 1;
          continue;
        }
        if (opts.noext !== true) {
          const isExtglobChar = code === CHAR_PLUS || code === CHAR_AT || code === CHAR_ASTERISK || code === CHAR_QUESTION_MARK || code === CHAR_EXCLAMATION_MARK;
          if (isExtglobChar === true && peek() === CHAR_LEFT_PARENTHESES) {
            isGlob = token.isGlob = true;
            isExtglob = token.isExtglob = true;
            finished = true;
            if (code === CHAR_EXCLAMATION_MARK && index === start) {
              negatedExtglob = true;
            }
            if (scanToEnd === true) {
              let parens = 0;
              while (eos() !== true && (code = advance())) {
                if (code === CHAR_BACKWARD_SLASH) {
                  backslashes = token.backslashes = true;
                  advance();
                  continue;
                }
                if (code === CHAR_LEFT_PARENTHESES) {
                  parens++;
                  continue;
                }
                if (code === CHAR_RIGHT_PARENTHESES && --parens === 0) {
                  finished = true;
                  break;
                }
              }
              continue;
            }
            break;
          }
        }
        if (code === CHAR_ASTERISK) {
          if (prev === CHAR_ASTERISK) isGlobstar = token.isGlobstar = true;
          isGlob = token.isGlob = true;
          finished = true;
          if (scanToEnd === true) {
            continue;
          }
          break;
        }
        if (code === CHAR_QUESTION_MARK) {
          isGlob = token.isGlob = true;
          finished = true;
          if (scanToEnd === true) {
            continue;
          }
          break;
        }
        if (code === CHAR_LEFT_SQUARE_BRACKET) {
          while (eos() !== true && (next = advance())) {
            if (next === CHAR_BACKWARD_SLASH) {
              backslashes = token.backslashes = true;
              advance();
              continue;
            }
            if (next === CHAR_RIGHT_SQUARE_BRACKET) {
              isBracket = token.isBracket = true;
              isGlob = token.isGlob = true;
              finished = true;
              break;
            }
          }
          if (scanToEnd === true) {
            continue;
          }
          break;
        }
        if (opts.nonegate !== true && code === CHAR_EXCLAMATION_MARK && index === start) {
          negated = token.negated = true;
          start++;
          continue;
        }
        if (opts.noparen !== true && code === CHAR_LEFT_PARENTHESES) {
          isGlob = token.isGlob = true;
          if (scanToEnd === true) {
            let parens = 1;
            while (eos() !== true && (code = advance())) {
              if (code === CHAR_BACKWARD_SLASH) {
                backslashes = token.backslashes = true;
                advance();
                continue;
              }
              if (code === CHAR_LEFT_PARENTHESES) {
                parens++;
                continue;
              }
              if (code === CHAR_RIGHT_PARENTHESES && --parens === 0) {
                finished = true;
                break;
              }
            }
            continue;
          }
          break;
        }
        if (isGlob === true) {
          finished = true;
          if (scanToEnd === true) {
            continue;
          }
          break;
        }
      }
      if (opts.noext === true) {
        isExtglob = false;
        isGlob = false;
      }
      let base = str;
      let prefix = "";
      let glob2 = "";
      if (start > 0) {
        prefix = str.slice(0, start);
        str = str.slice(start);
        lastIndex -= start;
      }
      if (base && isGlob === true && lastIndex > 0) {
        base = str.slice(0, lastIndex);
        glob2 = str.slice(lastIndex);
      } else if (isGlob === true) {
        base = "";
        glob2 = str;
      } else {
        base = str;
      }
      if (base && base !== "" && base !== "/" && base !== str) {
        if (isPathSeparator(base.charCodeAt(base.length - 1))) {
          base = base.slice(0, -1);
        }
      }
      if (opts.unescape === true) {
        if (glob2) glob2 = utils.removeBackslashes(glob2);
        if (base && backslashes === true) {
          base = utils.removeBackslashes(base);
        }
      }
      const state = {
        prefix,
        input,
        start,
        base,
        glob: glob2,
        isBrace,
        isBracket,
        isGlob,
        isExtglob,
        isGlobstar,
        negated,
        negatedExtglob
      };
      if (opts.tokens === true) {
        state.maxDepth = 0;
        if (!isPathSeparator(code)) {
          tokens.push(token);
        }
        state.tokens = tokens;
      }
      if (opts.parts === true || opts.tokens === true) {
        let prevIndex;
        for (let idx = 0; idx < slashes.length; idx++) {
          const n2 = prevIndex !== void 0 ? prevIndex + 1 : start;
          const i = slashes[idx];
          const value2 = input.slice(n2, i);
          if (opts.tokens) {
            if (idx === 0 && start !== 0) {
              tokens[idx].isPrefix = true;
              tokens[idx].value = prefix;
            } else {
              tokens[idx].value = value2;
            }
            depth(tokens[idx]);
            state.maxDepth += tokens[idx].depth;
          }
          if (i >= start) {
            parts.push(value2);
            prevIndex = i;
          }
        }
        const n = prevIndex !== void 0 ? prevIndex + 1 : start;
        const value = input.slice(n);
        parts.push(value);
        if (opts.tokens && prevIndex && prevIndex + 1 < input.length) {
          tokens[tokens.length - 1].value = value;
          depth(tokens[tokens.length - 1]);
          state.maxDepth += tokens[tokens.length - 1].depth;
        }
        state.slashes = slashes;
        state.parts = parts;
      }
      return state;
    };
    module.exports = scan;
  }
});

// ../../node_modules/picomatch/lib/parse.js
var require_parse = __commonJS({
  "../../node_modules/picomatch/lib/parse.js"(exports, module) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var constants = require_constants();
    var utils = require_utils();
    var {
      MAX_LENGTH,
      POSIX_REGEX_SOURCE,
      REGEX_NON_SPECIAL_CHARS,
      REGEX_SPECIAL_CHARS_BACKREF,
      REPLACEMENTS
    } = constants;
    var expandRange = (args, options) => {
      if (typeof options.expandRange === "function") {
        return options.expandRange(...args, options);
      }
      args.sort();
      const value = `[${args.join("-")}]`;
      try {
        new RegExp(value);
      } catch (ex) {
        return args.map((v) => utils.escapeRegex(v)).join("..");
      }
      return value;
    };
    var syntaxError = (type, char) => {
      return `Missing ${type}: "${char}" - use "\\\\${char}" to match literal characters`;
    };
    var splitTopLevel = (input) => {
      const parts = [];
      let bracket = 0;
      let paren = 0;
      let quote = 0;
      let value = "";
      let escaped = false;
      for (const ch of input) {
        if (escaped === true) {
          value += ch;
          escaped = false;
          continue;
        }
        if (ch === "\\") {
          value += ch;
          escaped = true;
          continue;
        }
        if (ch === '"') {
          quote = quote === 1 ? 0 : 1;
          value += ch;
          continue;
        }
        if (quote === 0) {
          if (ch === "[") {
            bracket++;
          } else if (ch === "]" && bracket > 0) {
            bracket--;
          } else if (bracket === 0) {
            if (ch === "(") {
              paren++;
            } else if (ch === ")" && paren > 0) {
              paren--;
            } else if (ch === "|" && paren === 0) {
              parts.push(value);
              value = "";
              continue;
            }
          }
        }
        value += ch;
      }
      parts.push(value);
      return parts;
    };
    var isPlainBranch = (branch) => {
      let escaped = false;
      for (const ch of branch) {
        if (escaped === true) {
          escaped = false;
          continue;
        }
        if (ch === "\\") {
          escaped = true;
          continue;
        }
        if (/[?*+@!()[\]{}]/.test(ch)) {
          return false;
        }
      }
      return true;
    };
    var normalizeSimpleBranch = (branch) => {
      let value = branch.trim();
      let changed = true;
      while (changed === true) {
        changed = false;
        if (/^@\([^\\()[\]{}|]+\)$/.test(value)) {
          value = value.slice(2, -1);
          changed = true;
        }
      }
      if (!isPlainBranch(value)) {
        return;
      }
      return value.replace(/\\(.)/g, "$1");
    };
    var hasRepeatedCharPrefixOverlap = (branches) => {
      const values = branches.map(normalizeSimpleBranch).filter(Boolean);
      for (let i = 0; i < values.length; i++) {
        for (let j = i + 1; j < values.length; j++) {
          const a = values[i];
          const b = values[j];
          const char = a[0];
          if (!char || a !== char.repeat(a.length) || b !== char.repeat(b.length)) {
            continue;
          }
          if (a === b || a.startsWith(b) || b.startsWith(a)) {
            return true;
          }
        }
      }
      return false;
    };
    var parseRepeatedExtglob = (pattern, requireEnd = true) => {
      if (pattern[0] !== "+" && pattern[0] !== "*" || pattern[1] !== "(") {
        return;
      }
      let bracket = 0;
      let paren = 0;
      let quote = 0;
      let escaped = false;
      for (let i = 1; i < pattern.length; i++) {
        const ch = pattern[i];
        if (escaped === true) {
          escaped = false;
          continue;
        }
        if (ch === "\\") {
          escaped = true;
          continue;
        }
        if (ch === '"') {
          quote = quote === 1 ? 0 : 1;
          continue;
        }
        if (quote === 1) {
          continue;
        }
        if (ch === "[") {
          bracket++;
          continue;
        }
        if (ch === "]" && bracket > 0) {
          bracket--;
          continue;
        }
        if (bracket > 0) {
          continue;
        }
        if (ch === "(") {
          paren++;
          continue;
        }
        if (ch === ")") {
          paren--;
          if (paren === 0) {
            if (requireEnd === true && i !== pattern.length - 1) {
              return;
            }
            return {
              type: pattern[0],
              body: pattern.slice(2, i),
              end: i
            };
          }
        }
      }
    };
    var buildCharClassStar = (chars) => {
      const source = chars.length === 1 ? utils.escapeRegex(chars[0]) : `[${chars.map((ch) => utils.escapeRegex(ch)).join("")}]`;
      return `${source}*`;
    };
    var getStarExtglobSequenceChars = (pattern) => {
      let index = 0;
      const chars = [];
      while (index < pattern.length) {
        const match = parseRepeatedExtglob(pattern.slice(index), false);
        if (!match || match.type !== "*") {
          return;
        }
        const branches = splitTopLevel(match.body).map((branch2) => branch2.trim());
        if (branches.length !== 1) {
          return;
        }
        const branch = normalizeSimpleBranch(branches[0]);
        if (!branch || branch.length !== 1) {
          return;
        }
        chars.push(branch);
        index += match.end + 1;
      }
      if (chars.length < 1) {
        return;
      }
      return chars;
    };
    var repeatedExtglobRecursion = (pattern) => {
      let depth = 0;
      let value = pattern.trim();
      let match = parseRepeatedExtglob(value);
      while (match) {
        depth++;
        value = match.body.trim();
        match = parseRepeatedExtglob(value);
      }
      return depth;
    };
    var analyzeRepeatedExtglob = (body, options) => {
      if (options.maxExtglobRecursion === false) {
        return { risky: false };
      }
      const max = typeof options.maxExtglobRecursion === "number" ? options.maxExtglobRecursion : constants.DEFAULT_MAX_EXTGLOB_RECURSION;
      const branches = splitTopLevel(body).map((branch) => branch.trim());
      if (branches.length > 1) {
        if (branches.some((branch) => branch === "") || branches.some((branch) => /^[*?]+$/.test(branch)) || hasRepeatedCharPrefixOverlap(branches)) {
          return { risky: true };
        }
      }
      const safeChars = [];
      let sawStarSequence = false;
      let combinable = true;
      for (const branch of branches) {
        const chars = getStarExtglobSequenceChars(branch);
        if (chars) {
          sawStarSequence = true;
          safeChars.push(...chars);
          continue;
        }
        const literal = normalizeSimpleBranch(branch);
        if (literal && literal.length === 1) {
          safeChars.push(literal);
          continue;
        }
        combinable = false;
        if (repeatedExtglobRecursion(branch) > max) {
          return { risky: true };
        }
      }
      if (sawStarSequence) {
        return combinable ? { risky: true, safeOutput: buildCharClassStar([...new Set(safeChars)]) } : { risky: true };
      }
      return { risky: false };
    };
    var parse = (input, options) => {
      if (typeof input !== "string") {
        throw new TypeError("Expected a string");
      }
      input = REPLACEMENTS[input] || input;
      const opts = { ...options };
      const max = typeof opts.maxLength === "number" ? Math.min(MAX_LENGTH, opts.maxLength) : MAX_LENGTH;
      let len = input.length;
      if (len > max) {
        throw new SyntaxError(`Input length: ${len}, exceeds maximum allowed length: ${max}`);
      }
      const bos = { type: "bos", value: "", output: opts.prepend || "" };
      const tokens = [bos];
      const capture = opts.capture ? "" : "?:";
      const PLATFORM_CHARS = constants.globChars(opts.windows);
      const EXTGLOB_CHARS = constants.extglobChars(PLATFORM_CHARS);
      const {
        DOT_LITERAL,
        PLUS_LITERAL,
        SLASH_LITERAL,
        ONE_CHAR,
        DOTS_SLASH,
        NO_DOT,
        NO_DOT_SLASH,
        NO_DOTS_SLASH,
        QMARK,
        QMARK_NO_DOT,
        STAR,
        START_ANCHOR
      } = PLATFORM_CHARS;
      const globstar = (opts2) => {
        return `(${capture}(?:(?!${START_ANCHOR}${opts2.dot ? DOTS_SLASH : DOT_LITERAL}).)*?)`;
      };
      const nodot = opts.dot ? "" : NO_DOT;
      const qmarkNoDot = opts.dot ? QMARK : QMARK_NO_DOT;
      let star = opts.bash === true ? globstar(opts) : STAR;
      if (opts.capture) {
        star = `(${star})`;
      }
      if (typeof opts.noext === "boolean") {
        opts.noextglob = opts.noext;
      }
      const state = {
        input,
        index: -1,
        start: 0,
        dot: opts.dot === true,
        consumed: "",
        output: "",
        prefix: "",
        backtrack: false,
        negated: false,
        brackets: 0,
        braces: 0,
        parens: 0,
        quotes: 0,
        globstar: false,
        tokens
      };
      input = utils.removePrefix(input, state);
      len = input.length;
      const extglobs = [];
      const braces = [];
      const stack = [];
      let prev = bos;
      let value;
      const eos = () => state.index === len - 1;
      const peek = state.peek = (n = 1) => input[state.index + n];
      const advance = state.advance = () => input[++state.index] || "";
      const remaining = () => input.slice(state.index + 1);
      const consume = (value2 = "", num = 0) => {
        state.consumed += value2;
        state.index += num;
      };
      const append = (token) => {
        state.output += token.output != null ? token.output : token.value;
        consume(token.value);
      };
      const negate = () => {
        let count = 1;
        while (peek() === "!" && (peek(2) !== "(" || peek(3) === "?")) {
          advance();
          state.start++;
          count++;
        }
        if (count % 2 === 0) {
          return false;
        }
        state.negated = true;
        state.start++;
        return true;
      };
      const increment = (type) => {
        state[type]++;
        stack.push(type);
      };
      const decrement = (type) => {
        state[type]--;
        stack.pop();
      };
      const push = (tok) => {
        if (prev.type === "globstar") {
          const isBrace = state.braces > 0 && (tok.type === "comma" || tok.type === "brace");
          const isExtglob = tok.extglob === true || extglobs.length && (tok.type === "pipe" || tok.type === "paren");
          if (tok.type !== "slash" && tok.type !== "paren" && !isBrace && !isExtglob) {
            state.output = state.output.slice(0, -prev.output.length);
            prev.type = "star";
            prev.value = "*";
            prev.output = star;
            state.output += prev.output;
          }
        }
        if (extglobs.length && tok.type !== "paren") {
          extglobs[extglobs.length - 1].inner += tok.value;
        }
        if (tok.value || tok.output) append(tok);
        if (prev && prev.type === "text" && tok.type === "text") {
          prev.output = (prev.output || prev.value) + tok.value;
          prev.value += tok.value;
          return;
        }
        tok.prev = prev;
        tokens.push(tok);
        prev = tok;
      };
      const extglobOpen = (type, value2) => {
        const token = { ...EXTGLOB_CHARS[value2], conditions: 1, inner: "" };
        token.prev = prev;
        token.parens = state.parens;
        token.output = state.output;
        token.startIndex = state.index;
        token.tokensIndex = tokens.length;
        const output = (opts.capture ? "(" : "") + token.open;
        increment("parens");
        push({ type, value: value2, output: state.output ? "" : ONE_CHAR });
        push({ type: "paren", extglob: true, value: advance(), output });
        extglobs.push(token);
      };
      const extglobClose = (token) => {
        const literal = input.slice(token.startIndex, state.index + 1);
        const body = input.slice(token.startIndex + 2, state.index);
        const analysis = analyzeRepeatedExtglob(body, opts);
        if ((token.type === "plus" || token.type === "star") && analysis.risky) {
          const safeOutput = analysis.safeOutput ? (token.output ? "" : ONE_CHAR) + (opts.capture ? `(${analysis.safeOutput})` : analysis.safeOutput) : void 0;
          const open = tokens[token.tokensIndex];
          open.type = "text";
          open.value = literal;
          open.output = safeOutput || utils.escapeRegex(literal);
          for (let i = token.tokensIndex + 1; i < tokens.length; i++) {
            tokens[i].value = "";
            tokens[i].output = "";
            delete tokens[i].suffix;
          }
          state.output = token.output + open.output;
          state.backtrack = true;
          push({ type: "paren", extglob: true, value, output: "" });
          decrement("parens");
          return;
        }
        let output = token.close + (opts.capture ? ")" : "");
        let rest;
        if (token.type === "negate") {
          let extglobStar = star;
          if (token.inner && token.inner.length > 1 && token.inner.includes("/")) {
            extglobStar = globstar(opts);
          }
          if (extglobStar !== star || eos() || /^\)+$/.test(remaining())) {
            output = token.close = `)$))${extglobStar}`;
          }
          if (token.inner.includes("*") && (rest = remaining()) && /^\.[^\\/.]+$/.test(rest)) {
            const expression = parse(rest, { ...options, fastpaths: false }).output;
            output = token.close = `)${expression})${extglobStar})`;
          }
          if (token.prev.type === "bos") {
            state.negatedExtglob = true;
          }
        }
        push({ type: "paren", extglob: true, value, output });
        decrement("parens");
      };
      if (opts.fastpaths !== false && !/(^[*!]|[/()[\]{}"])/.test(input)) {
        let backslashes = false;
        let output = input.replace(REGEX_SPECIAL_CHARS_BACKREF, (m, esc, chars, first, rest, index) => {
          if (first === "\\") {
            backslashes = true;
            return m;
          }
          if (first === "?") {
            if (esc) {
              return esc + first + (rest ? QMARK.repeat(rest.length) : "");
            }
            if (index === 0) {
              return qmarkNoDot + (rest ? QMARK.repeat(rest.length) : "");
            }
            return QMARK.repeat(chars.length);
          }
          if (first === ".") {
            return DOT_LITERAL.repeat(chars.length);
          }
          if (first === "*") {
            if (esc) {
              return esc + first + (rest ? star : "");
            }
            return star;
          }
          return esc ? m : `\\${m}`;
        });
        if (backslashes === true) {
          if (opts.unescape === true) {
            output = output.replace(/\\/g, "");
          } else {
            output = output.replace(/\\+/g, (m) => {
              return m.length % 2 === 0 ? "\\\\" : m ? "\\" : "";
            });
          }
        }
        if (output === input && opts.contains === true) {
          state.output = input;
          return state;
        }
        state.output = utils.wrapOutput(output, state, options);
        return state;
      }
      while (!eos()) {
        value = advance();
        if (value === "\0") {
          continue;
        }
        if (value === "\\") {
          const next = peek();
          if (next === "/" && opts.bash !== true) {
            continue;
          }
          if (next === "." || next === ";") {
            continue;
          }
          if (!next) {
            value += "\\";
            push({ type: "text", value });
            continue;
          }
          const match = /^\\+/.exec(remaining());
          let slashes = 0;
          if (match && match[0].length > 2) {
            slashes = match[0].length;
            state.index += slashes;
            if (slashes % 2 !== 0) {
              value += "\\";
            }
          }
          if (opts.unescape === true) {
            value = advance();
          } else {
            value += advance();
          }
          if (state.brackets === 0) {
            push({ type: "text", value });
            continue;
          }
        }
        if (state.brackets > 0 && (value !== "]" || prev.value === "[" || prev.value === "[^")) {
          if (opts.posix !== false && value === ":") {
            const inner = prev.value.slice(1);
            if (inner.includes("[")) {
              prev.posix = true;
              if (inner.includes(":")) {
                const idx = prev.value.lastIndexOf("[");
                const pre = prev.value.slice(0, idx);
                const rest2 = prev.value.slice(idx + 2);
                const posix2 = POSIX_REGEX_SOURCE[rest2];
                if (posix2) {
                  prev.value = pre + posix2;
                  state.backtrack = true;
                  advance();
                  if (!bos.output && tokens.indexOf(prev) === 1) {
                    bos.output = ONE_CHAR;
                  }
                  continue;
                }
              }
            }
          }
          if (value === "[" && peek() !== ":" || value === "-" && peek() === "]") {
            value = `\\${value}`;
          }
          if (value === "]" && (prev.value === "[" || prev.value === "[^")) {
            value = `\\${value}`;
          }
          if (opts.posix === true && value === "!" && prev.value === "[") {
            value = "^";
          }
          prev.value += value;
          append({ value });
          continue;
        }
        if (state.quotes === 1 && value !== '"') {
          value = utils.escapeRegex(value);
          prev.value += value;
          append({ value });
          continue;
        }
        if (value === '"') {
          state.quotes = state.quotes === 1 ? 0 : 1;
          if (opts.keepQuotes === true) {
            push({ type: "text", value });
          }
          continue;
        }
        if (value === "(") {
          increment("parens");
          push({ type: "paren", value });
          continue;
        }
        if (value === ")") {
          if (state.parens === 0 && opts.strictBrackets === true) {
            throw new SyntaxError(syntaxError("opening", "("));
          }
          const extglob = extglobs[extglobs.length - 1];
          if (extglob && state.parens === extglob.parens + 1) {
            extglobClose(extglobs.pop());
            continue;
          }
          push({ type: "paren", value, output: state.parens ? ")" : "\\)" });
          decrement("parens");
          continue;
        }
        if (value === "[") {
          if (opts.nobracket === true || !remaining().includes("]")) {
            if (opts.nobracket !== true && opts.strictBrackets === true) {
              throw new SyntaxError(syntaxError("closing", "]"));
            }
            value = `\\${value}`;
          } else {
            increment("brackets");
          }
          push({ type: "bracket", value });
          continue;
        }
        if (value === "]") {
          if (opts.nobracket === true || prev && prev.type === "bracket" && prev.value.length === 1) {
            push({ type: "text", value, output: `\\${value}` });
            continue;
          }
          if (state.brackets === 0) {
            if (opts.strictBrackets === true) {
              throw new SyntaxError(syntaxError("opening", "["));
            }
            push({ type: "text", value, output: `\\${value}` });
            continue;
          }
          decrement("brackets");
          const prevValue = prev.value.slice(1);
          if (prev.posix !== true && prevValue[0] === "^" && !prevValue.includes("/")) {
            value = `/${value}`;
          }
          prev.value += value;
          append({ value });
          if (opts.literalBrackets === false || utils.hasRegexChars(prevValue)) {
            continue;
          }
          const escaped = utils.escapeRegex(prev.value);
          state.output = state.output.slice(0, -prev.value.length);
          if (opts.literalBrackets === true) {
            state.output += escaped;
            prev.value = escaped;
            continue;
          }
          prev.value = `(${capture}${escaped}|${prev.value})`;
          state.output += prev.value;
          continue;
        }
        if (value === "{" && opts.nobrace !== true) {
          increment("braces");
          const open = {
            type: "brace",
            value,
            output: "(",
            outputIndex: state.output.length,
            tokensIndex: state.tokens.length
          };
          braces.push(open);
          push(open);
          continue;
        }
        if (value === "}") {
          const brace = braces[braces.length - 1];
          if (opts.nobrace === true || !brace) {
            push({ type: "text", value, output: value });
            continue;
          }
          let output = ")";
          if (brace.dots === true) {
            const arr = tokens.slice();
            const range = [];
            for (let i = arr.length - 1; i >= 0; i--) {
              tokens.pop();
              if (arr[i].type === "brace") {
                break;
              }
              if (arr[i].type !== "dots") {
                range.unshift(arr[i].value);
              }
            }
            output = expandRange(range, opts);
            state.backtrack = true;
          }
          if (brace.comma !== true && brace.dots !== true) {
            const out = state.output.slice(0, brace.outputIndex);
            const toks = state.tokens.slice(brace.tokensIndex);
            brace.value = brace.output = "\\{";
            value = output = "\\}";
            state.output = out;
            for (const t of toks) {
              state.output += t.output || t.value;
            }
          }
          push({ type: "brace", value, output });
          decrement("braces");
          braces.pop();
          continue;
        }
        if (value === "|") {
          if (extglobs.length > 0) {
            extglobs[extglobs.length - 1].conditions++;
          }
          push({ type: "text", value });
          continue;
        }
        if (value === ",") {
          let output = value;
          const brace = braces[braces.length - 1];
          if (brace && stack[stack.length - 1] === "braces") {
            brace.comma = true;
            output = "|";
          }
          push({ type: "comma", value, output });
          continue;
        }
        if (value === "/") {
          if (prev.type === "dot" && state.index === state.start + 1) {
            state.start = state.index + 1;
            state.consumed = "";
            state.output = "";
            tokens.pop();
            prev = bos;
            continue;
          }
          push({ type: "slash", value, output: SLASH_LITERAL });
          continue;
        }
        if (value === ".") {
          if (state.braces > 0 && prev.type === "dot") {
            if (prev.value === ".") prev.output = DOT_LITERAL;
            const brace = braces[braces.length - 1];
            prev.type = "dots";
            prev.output += value;
            prev.value += value;
            brace.dots = true;
            continue;
          }
          if (state.braces + state.parens === 0 && prev.type !== "bos" && prev.type !== "slash") {
            push({ type: "text", value, output: DOT_LITERAL });
            continue;
          }
          push({ type: "dot", value, output: DOT_LITERAL });
          continue;
        }
        if (value === "?") {
          const isGroup = prev && prev.value === "(";
          if (!isGroup && opts.noextglob !== true && peek() === "(" && peek(2) !== "?") {
            extglobOpen("qmark", value);
            continue;
          }
          if (prev && prev.type === "paren") {
            const next = peek();
            let output = value;
            if (prev.value === "(" && !/[!=<:]/.test(next) || next === "<" && !/<([!=]|\w+>)/.test(remaining())) {
              output = `\\${value}`;
            }
            push({ type: "text", value, output });
            continue;
          }
          if (opts.dot !== true && (prev.type === "slash" || prev.type === "bos")) {
            push({ type: "qmark", value, output: QMARK_NO_DOT });
            continue;
          }
          push({ type: "qmark", value, output: QMARK });
          continue;
        }
        if (value === "!") {
          if (opts.noextglob !== true && peek() === "(") {
            if (peek(2) !== "?" || !/[!=<:]/.test(peek(3))) {
              extglobOpen("negate", value);
              continue;
            }
          }
          if (opts.nonegate !== true && state.index === 0) {
            negate();
            continue;
          }
        }
        if (value === "+") {
          if (opts.noextglob !== true && peek() === "(" && peek(2) !== "?") {
            extglobOpen("plus", value);
            continue;
          }
          if (prev && prev.value === "(" || opts.regex === false) {
            push({ type: "plus", value, output: PLUS_LITERAL });
            continue;
          }
          if (prev && (prev.type === "bracket" || prev.type === "paren" || prev.type === "brace") || state.parens > 0) {
            push({ type: "plus", value });
            continue;
          }
          push({ type: "plus", value: PLUS_LITERAL });
          continue;
        }
        if (value === "@") {
          if (opts.noextglob !== true && peek() === "(" && peek(2) !== "?") {
            push({ type: "at", extglob: true, value, output: "" });
            continue;
          }
          push({ type: "text", value });
          continue;
        }
        if (value !== "*") {
          if (value === "$" || value === "^") {
            value = `\\${value}`;
          }
          const match = REGEX_NON_SPECIAL_CHARS.exec(remaining());
          if (match) {
            value += match[0];
            state.index += match[0].length;
          }
          push({ type: "text", value });
          continue;
        }
        if (prev && (prev.type === "globstar" || prev.star === true)) {
          prev.type = "star";
          prev.star = true;
          prev.value += value;
          prev.output = star;
          state.backtrack = true;
          state.globstar = true;
          consume(value);
          continue;
        }
        let rest = remaining();
        if (opts.noextglob !== true && /^\([^?]/.test(rest)) {
          extglobOpen("star", value);
          continue;
        }
        if (prev.type === "star") {
          if (opts.noglobstar === true) {
            consume(value);
            continue;
          }
          const prior = prev.prev;
          const before = prior.prev;
          const isStart = prior.type === "slash" || prior.type === "bos";
          const afterStar = before && (before.type === "star" || before.type === "globstar");
          if (opts.bash === true && (!isStart || rest[0] && rest[0] !== "/")) {
            push({ type: "star", value, output: "" });
            continue;
          }
          const isBrace = state.braces > 0 && (prior.type === "comma" || prior.type === "brace");
          const isExtglob = extglobs.length && (prior.type === "pipe" || prior.type === "paren");
          if (!isStart && prior.type !== "paren" && !isBrace && !isExtglob) {
            push({ type: "star", value, output: "" });
            continue;
          }
          while (rest.slice(0, 3) === "/**") {
            const after = input[state.index + 4];
            if (after && after !== "/") {
              break;
            }
            rest = rest.slice(3);
            consume("/**", 3);
          }
          const isEnd = eos() || state.parens > 0 && rest === ")".repeat(state.parens) && !extglobs.some((extglob) => extglob.type === "negate");
          if (prior.type === "bos" && eos()) {
            prev.type = "globstar";
            prev.value += value;
            prev.output = globstar(opts);
            state.output = prev.output;
            state.globstar = true;
            consume(value);
            continue;
          }
          if (prior.type === "slash" && prior.prev.type !== "bos" && !afterStar && isEnd) {
            state.output = state.output.slice(0, -(prior.output + prev.output).length);
            prior.output = `(?:${prior.output}`;
            prev.type = "globstar";
            prev.output = globstar(opts) + (opts.strictSlashes ? ")" : "|$)");
            prev.value += value;
            state.globstar = true;
            state.output += prior.output + prev.output;
            consume(value);
            continue;
          }
          if (prior.type === "slash" && prior.prev.type !== "bos" && rest[0] === "/") {
            const end = rest[1] !== void 0 ? "|$" : "";
            state.output = state.output.slice(0, -(prior.output + prev.output).length);
            prior.output = `(?:${prior.output}`;
            prev.type = "globstar";
            prev.output = `${globstar(opts)}${SLASH_LITERAL}|${SLASH_LITERAL}${end})`;
            prev.value += value;
            state.output += prior.output + prev.output;
            state.globstar = true;
            consume(value + advance());
            push({ type: "slash", value: "/", output: "" });
            continue;
          }
          if (prior.type === "bos" && rest[0] === "/") {
            prev.type = "globstar";
            prev.value += value;
            prev.output = `(?:^|${SLASH_LITERAL}|${globstar(opts)}${SLASH_LITERAL})`;
            state.output = prev.output;
            state.globstar = true;
            consume(value + advance());
            push({ type: "slash", value: "/", output: "" });
            continue;
          }
          state.output = state.output.slice(0, -prev.output.length);
          prev.type = "globstar";
          prev.output = globstar(opts);
          prev.value += value;
          state.output += prev.output;
          state.globstar = true;
          consume(value);
          continue;
        }
        const token = { type: "star", value, output: star };
        if (opts.bash === true) {
          token.output = ".*?";
          if (prev.type === "bos" || prev.type === "slash") {
            token.output = nodot + token.output;
          }
          push(token);
          continue;
        }
        if (prev && (prev.type === "bracket" || prev.type === "paren") && opts.regex === true) {
          token.output = value;
          push(token);
          continue;
        }
        if (state.index === state.start || prev.type === "slash" || prev.type === "dot") {
          if (prev.type === "dot") {
            state.output += NO_DOT_SLASH;
            prev.output += NO_DOT_SLASH;
          } else if (opts.dot === true) {
            state.output += NO_DOTS_SLASH;
            prev.output += NO_DOTS_SLASH;
          } else {
            state.output += nodot;
            prev.output += nodot;
          }
          if (peek() !== "*") {
            state.output += ONE_CHAR;
            prev.output += ONE_CHAR;
          }
        }
        push(token);
      }
      while (state.brackets > 0) {
        if (opts.strictBrackets === true) throw new SyntaxError(syntaxError("closing", "]"));
        state.output = utils.escapeLast(state.output, "[");
        decrement("brackets");
      }
      while (state.parens > 0) {
        if (opts.strictBrackets === true) throw new SyntaxError(syntaxError("closing", ")"));
        state.output = utils.escapeLast(state.output, "(");
        decrement("parens");
      }
      while (state.braces > 0) {
        if (opts.strictBrackets === true) throw new SyntaxError(syntaxError("closing", "}"));
        state.output = utils.escapeLast(state.output, "{");
        decrement("braces");
      }
      if (opts.strictSlashes !== true && (prev.type === "star" || prev.type === "bracket")) {
        push({ type: "maybe_slash", value: "", output: `${SLASH_LITERAL}?` });
      }
      if (state.backtrack === true) {
        state.output = "";
        for (const token of state.tokens) {
          state.output += token.output != null ? token.output : token.value;
          if (token.suffix) {
            state.output += token.suffix;
          }
        }
      }
      return state;
    };
    parse.fastpaths = (input, options) => {
      const opts = { ...options };
      const max = typeof opts.maxLength === "number" ? Math.min(MAX_LENGTH, opts.maxLength) : MAX_LENGTH;
      const len = input.length;
      if (len > max) {
        throw new SyntaxError(`Input length: ${len}, exceeds maximum allowed length: ${max}`);
      }
      input = REPLACEMENTS[input] || input;
      const {
        DOT_LITERAL,
        SLASH_LITERAL,
        ONE_CHAR,
        DOTS_SLASH,
        NO_DOT,
        NO_DOTS,
        NO_DOTS_SLASH,
        STAR,
        START_ANCHOR
      } = constants.globChars(opts.windows);
      const nodot = opts.dot ? NO_DOTS : NO_DOT;
      const slashDot = opts.dot ? NO_DOTS_SLASH : NO_DOT;
      const capture = opts.capture ? "" : "?:";
      const state = { negated: false, prefix: "" };
      let star = opts.bash === true ? ".*?" : STAR;
      if (opts.capture) {
        star = `(${star})`;
      }
      const globstar = (opts2) => {
        if (opts2.noglobstar === true) return star;
        return `(${capture}(?:(?!${START_ANCHOR}${opts2.dot ? DOTS_SLASH : DOT_LITERAL}).)*?)`;
      };
      const create = (str) => {
        switch (str) {
          case "*":
            return `${nodot}${ONE_CHAR}${star}`;
          case ".*":
            return `${DOT_LITERAL}${ONE_CHAR}${star}`;
          case "*.*":
            return `${nodot}${star}${DOT_LITERAL}${ONE_CHAR}${star}`;
          case "*/*":
            return `${nodot}${star}${SLASH_LITERAL}${ONE_CHAR}${slashDot}${star}`;
          case "**":
            return nodot + globstar(opts);
          case "**/*":
            return `(?:${nodot}${globstar(opts)}${SLASH_LITERAL})?${slashDot}${ONE_CHAR}${star}`;
          case "**/*.*":
            return `(?:${nodot}${globstar(opts)}${SLASH_LITERAL})?${slashDot}${star}${DOT_LITERAL}${ONE_CHAR}${star}`;
          case "**/.*":
            return `(?:${nodot}${globstar(opts)}${SLASH_LITERAL})?${DOT_LITERAL}${ONE_CHAR}${star}`;
          default: {
            const match = /^(.*?)\.(\w+)$/.exec(str);
            if (!match) return;
            const source2 = create(match[1]);
            if (!source2) return;
            return source2 + DOT_LITERAL + match[2];
          }
        }
      };
      const output = utils.removePrefix(input, state);
      let source = create(output);
      if (source && opts.strictSlashes !== true) {
        source += `${SLASH_LITERAL}?`;
      }
      return source;
    };
    module.exports = parse;
  }
});

// ../../node_modules/picomatch/lib/picomatch.js
var require_picomatch = __commonJS({
  "../../node_modules/picomatch/lib/picomatch.js"(exports, module) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var scan = require_scan();
    var parse = require_parse();
    var utils = require_utils();
    var constants = require_constants();
    var isObject = (val) => val && typeof val === "object" && !Array.isArray(val);
    var picomatch2 = (glob2, options, returnState = false) => {
      if (Array.isArray(glob2)) {
        const fns = glob2.map((input) => picomatch2(input, options, returnState));
        const arrayMatcher = (str) => {
          for (const isMatch of fns) {
            const state2 = isMatch(str);
            if (state2) return state2;
          }
          return false;
        };
        return arrayMatcher;
      }
      const isState = isObject(glob2) && glob2.tokens && glob2.input;
      if (glob2 === "" || typeof glob2 !== "string" && !isState) {
        throw new TypeError("Expected pattern to be a non-empty string");
      }
      const opts = options || {};
      const posix2 = opts.windows;
      const regex = isState ? picomatch2.compileRe(glob2, options) : picomatch2.makeRe(glob2, options, false, true);
      const state = regex.state;
      delete regex.state;
      let isIgnored = () => false;
      if (opts.ignore) {
        const ignoreOpts = { ...options, ignore: null, onMatch: null, onResult: null };
        isIgnored = picomatch2(opts.ignore, ignoreOpts, returnState);
      }
      const matcher = (input, returnObject = false) => {
        const { isMatch, match, output } = picomatch2.test(input, regex, options, { glob: glob2, posix: posix2 });
        const result = { glob: glob2, state, regex, posix: posix2, input, output, match, isMatch };
        if (typeof opts.onResult === "function") {
          opts.onResult(result);
        }
        if (isMatch === false) {
          result.isMatch = false;
          return returnObject ? result : false;
        }
        if (isIgnored(input)) {
          if (typeof opts.onIgnore === "function") {
            opts.onIgnore(result);
          }
          result.isMatch = false;
          return returnObject ? result : false;
        }
        if (typeof opts.onMatch === "function") {
          opts.onMatch(result);
        }
        return returnObject ? result : true;
      };
      if (returnState) {
        matcher.state = state;
      }
      return matcher;
    };
    picomatch2.test = (input, regex, options, { glob: glob2, posix: posix2 } = {}) => {
      if (typeof input !== "string") {
        throw new TypeError("Expected input to be a string");
      }
      if (input === "") {
        return { isMatch: false, output: "" };
      }
      const opts = options || {};
      const format = opts.format || (posix2 ? utils.toPosixSlashes : null);
      let match = input === glob2;
      let output = match && format ? format(input) : input;
      if (match === false) {
        output = format ? format(input) : input;
        match = output === glob2;
      }
      if (match === false || opts.capture === true) {
        if (opts.matchBase === true || opts.basename === true) {
          match = picomatch2.matchBase(input, regex, options, posix2);
        } else {
          match = regex.exec(output);
        }
      }
      return { isMatch: Boolean(match), match, output };
    };
    picomatch2.matchBase = (input, glob2, options, posix2 = options && options.windows) => {
      const regex = glob2 instanceof RegExp ? glob2 : picomatch2.makeRe(glob2, options);
      return regex.test(utils.basename(input, { windows: posix2 }));
    };
    picomatch2.isMatch = (str, patterns, options) => picomatch2(patterns, options)(str);
    picomatch2.parse = (pattern, options) => {
      if (Array.isArray(pattern)) return pattern.map((p) => picomatch2.parse(p, options));
      return parse(pattern, { ...options, fastpaths: false });
    };
    picomatch2.scan = (input, options) => scan(input, options);
    picomatch2.compileRe = (state, options, returnOutput = false, returnState = false) => {
      if (returnOutput === true) {
        return state.output;
      }
      const opts = options || {};
      const prepend = opts.contains ? "" : "^";
      const append = opts.contains ? "" : "$";
      let source = `${prepend}(?:${state.output})${append}`;
      if (state && state.negated === true) {
        source = `^(?!${source}).*$`;
      }
      const regex = picomatch2.toRegex(source, options);
      if (returnState === true) {
        regex.state = state;
      }
      return regex;
    };
    picomatch2.makeRe = (input, options = {}, returnOutput = false, returnState = false) => {
      if (!input || typeof input !== "string") {
        throw new TypeError("Expected a non-empty string");
      }
      let parsed = { negated: false, fastpaths: true };
      if (options.fastpaths !== false && (input[0] === "." || input[0] === "*")) {
        parsed.output = parse.fastpaths(input, options);
      }
      if (!parsed.output) {
        parsed = parse(input, options);
      }
      return picomatch2.compileRe(parsed, options, returnOutput, returnState);
    };
    picomatch2.toRegex = (source, options) => {
      try {
        const opts = options || {};
        return new RegExp(source, opts.flags || (opts.nocase ? "i" : ""));
      } catch (err) {
        if (options && options.debug === true) throw err;
        return /$^/;
      }
    };
    picomatch2.constants = constants;
    module.exports = picomatch2;
  }
});

// ../../node_modules/picomatch/index.js
var require_picomatch2 = __commonJS({
  "../../node_modules/picomatch/index.js"(exports, module) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var pico = require_picomatch();
    var utils = require_utils();
    function picomatch2(glob2, options, returnState = false) {
      if (options && (options.windows === null || options.windows === void 0)) {
        options = { ...options, windows: utils.isWindows() };
      }
      return pico(glob2, options, returnState);
    }
    Object.assign(picomatch2, pico);
    module.exports = picomatch2;
  }
});

// dist/cli.js
init_define_STOWAGE_UI_ASSETS();

// ../../node_modules/commander/index.js
init_define_STOWAGE_UI_ASSETS();

// ../../node_modules/commander/lib/argument.js
init_define_STOWAGE_UI_ASSETS();

// ../../node_modules/commander/lib/error.js
init_define_STOWAGE_UI_ASSETS();
var CommanderError = class extends Error {
  /**
   * Constructs the CommanderError class
   * @param {number} exitCode suggested exit code which could be used with process.exit
   * @param {string} code an id string representing the error
   * @param {string} message human-readable description of the error
   */
  constructor(exitCode, code, message) {
    super(message);
    Error.captureStackTrace(this, this.constructor);
    this.name = this.constructor.name;
    this.code = code;
    this.exitCode = exitCode;
    this.nestedError = void 0;
  }
};
var InvalidArgumentError = class extends CommanderError {
  /**
   * Constructs the InvalidArgumentError class
   * @param {string} [message] explanation of why argument is invalid
   */
  constructor(message) {
    super(1, "commander.invalidArgument", message);
    Error.captureStackTrace(this, this.constructor);
    this.name = this.constructor.name;
  }
};

// ../../node_modules/commander/lib/argument.js
var Argument = class {
  /**
   * Initialize a new command argument with the given name and description.
   * The default is that the argument is required, and you can explicitly
   * indicate this with <> around the name. Put [] around the name for an optional argument.
   *
   * @param {string} name
   * @param {string} [description]
   */
  constructor(name, description) {
    this.description = description || "";
    this.variadic = false;
    this.parseArg = void 0;
    this.defaultValue = void 0;
    this.defaultValueDescription = void 0;
    this.argChoices = void 0;
    switch (name[0]) {
      case "<":
        this.required = true;
        this._name = name.slice(1, -1);
        break;
      case "[":
        this.required = false;
        this._name = name.slice(1, -1);
        break;
      default:
        this.required = true;
        this._name = name;
        break;
    }
    if (this._name.endsWith("...")) {
      this.variadic = true;
      this._name = this._name.slice(0, -3);
    }
  }
  /**
   * Return argument name.
   *
   * @return {string}
   */
  name() {
    return this._name;
  }
  /**
   * @package
   */
  _collectValue(value, previous) {
    if (previous === this.defaultValue || !Array.isArray(previous)) {
      return [value];
    }
    previous.push(value);
    return previous;
  }
  /**
   * Set the default value, and optionally supply the description to be displayed in the help.
   *
   * @param {*} value
   * @param {string} [description]
   * @return {Argument}
   */
  default(value, description) {
    this.defaultValue = value;
    this.defaultValueDescription = description;
    return this;
  }
  /**
   * Set the custom handler for processing CLI command arguments into argument values.
   *
   * @param {Function} [fn]
   * @return {Argument}
   */
  argParser(fn) {
    this.parseArg = fn;
    return this;
  }
  /**
   * Only allow argument value to be one of choices.
   *
   * @param {string[]} values
   * @return {Argument}
   */
  choices(values) {
    this.argChoices = values.slice();
    this.parseArg = (arg, previous) => {
      if (!this.argChoices.includes(arg)) {
        throw new InvalidArgumentError(
          `Allowed choices are ${this.argChoices.join(", ")}.`
        );
      }
      if (this.variadic) {
        return this._collectValue(arg, previous);
      }
      return arg;
    };
    return this;
  }
  /**
   * Make argument required.
   *
   * @returns {Argument}
   */
  argRequired() {
    this.required = true;
    return this;
  }
  /**
   * Make argument optional.
   *
   * @returns {Argument}
   */
  argOptional() {
    this.required = false;
    return this;
  }
};
function humanReadableArgName(arg) {
  const nameOutput = arg.name() + (arg.variadic === true ? "..." : "");
  return arg.required ? "<" + nameOutput + ">" : "[" + nameOutput + "]";
}

// ../../node_modules/commander/lib/command.js
init_define_STOWAGE_UI_ASSETS();
import { EventEmitter } from "node:events";
import childProcess from "node:child_process";
import path from "node:path";
import fs from "node:fs";
import process2 from "node:process";
import { stripVTControlCharacters as stripVTControlCharacters2 } from "node:util";

// ../../node_modules/commander/lib/help.js
init_define_STOWAGE_UI_ASSETS();
import { stripVTControlCharacters } from "node:util";
var Help = class {
  constructor() {
    this.helpWidth = void 0;
    this.minWidthToWrap = 40;
    this.sortSubcommands = false;
    this.sortOptions = false;
    this.showGlobalOptions = false;
  }
  /**
   * prepareContext is called by Commander after applying overrides from `Command.configureHelp()`
   * and just before calling `formatHelp()`.
   *
   * Commander just uses the helpWidth and the rest is provided for optional use by more complex subclasses.
   *
   * @param {{ error?: boolean, helpWidth?: number, outputHasColors?: boolean }} contextOptions
   */
  prepareContext(contextOptions) {
    this.helpWidth = this.helpWidth ?? contextOptions.helpWidth ?? 80;
  }
  /**
   * Get an array of the visible subcommands. Includes a placeholder for the implicit help command, if there is one.
   *
   * @param {Command} cmd
   * @returns {Command[]}
   */
  visibleCommands(cmd) {
    const visibleCommands = cmd.commands.filter((cmd2) => !cmd2._hidden);
    const helpCommand = cmd._getHelpCommand();
    if (helpCommand && !helpCommand._hidden) {
      visibleCommands.push(helpCommand);
    }
    if (this.sortSubcommands) {
      visibleCommands.sort((a, b) => {
        return a.name().localeCompare(b.name());
      });
    }
    return visibleCommands;
  }
  /**
   * Compare options for sort.
   *
   * @param {Option} a
   * @param {Option} b
   * @returns {number}
   */
  compareOptions(a, b) {
    const getSortKey = (option) => {
      return option.short ? option.short.replace(/^-/, "") : option.long.replace(/^--/, "");
    };
    return getSortKey(a).localeCompare(getSortKey(b));
  }
  /**
   * Get an array of the visible options. Includes a placeholder for the implicit help option, if there is one.
   *
   * @param {Command} cmd
   * @returns {Option[]}
   */
  visibleOptions(cmd) {
    const visibleOptions = cmd.options.filter((option) => !option.hidden);
    const helpOption = cmd._getHelpOption();
    if (helpOption && !helpOption.hidden) {
      const removeShort = helpOption.short && cmd._findOption(helpOption.short);
      const removeLong = helpOption.long && cmd._findOption(helpOption.long);
      if (!removeShort && !removeLong) {
        visibleOptions.push(helpOption);
      } else if (helpOption.long && !removeLong) {
        visibleOptions.push(
          cmd.createOption(helpOption.long, helpOption.description).helpGroup(helpOption.helpGroupHeading)
        );
      } else if (helpOption.short && !removeShort) {
        visibleOptions.push(
          cmd.createOption(helpOption.short, helpOption.description).helpGroup(helpOption.helpGroupHeading)
        );
      }
    }
    if (this.sortOptions) {
      visibleOptions.sort(this.compareOptions);
    }
    return visibleOptions;
  }
  /**
   * Get an array of the visible global options. (Not including help.)
   *
   * @param {Command} cmd
   * @returns {Option[]}
   */
  visibleGlobalOptions(cmd) {
    if (!this.showGlobalOptions) return [];
    const globalOptions = [];
    for (let ancestorCmd = cmd.parent; ancestorCmd; ancestorCmd = ancestorCmd.parent) {
      const visibleOptions = ancestorCmd.options.filter(
        (option) => !option.hidden
      );
      globalOptions.push(...visibleOptions);
    }
    if (this.sortOptions) {
      globalOptions.sort(this.compareOptions);
    }
    return globalOptions;
  }
  /**
   * Get an array of the arguments if any have a description.
   *
   * @param {Command} cmd
   * @returns {Argument[]}
   */
  visibleArguments(cmd) {
    if (cmd._argsDescription) {
      cmd.registeredArguments.forEach((argument) => {
        argument.description = argument.description || cmd._argsDescription[argument.name()] || "";
      });
    }
    if (cmd.registeredArguments.find((argument) => argument.description)) {
      return cmd.registeredArguments;
    }
    return [];
  }
  /**
   * Get the command term to show in the list of subcommands.
   *
   * @param {Command} cmd
   * @returns {string}
   */
  subcommandTerm(cmd) {
    const args = cmd.registeredArguments.map((arg) => humanReadableArgName(arg)).join(" ");
    return cmd._name + (cmd._aliases[0] ? "|" + cmd._aliases[0] : "") + (cmd.options.length ? " [options]" : "") + // simplistic check for non-help option
    (args ? " " + args : "");
  }
  /**
   * Get the option term to show in the list of options.
   *
   * @param {Option} option
   * @returns {string}
   */
  optionTerm(option) {
    return option.flags;
  }
  /**
   * Get the argument term to show in the list of arguments.
   *
   * @param {Argument} argument
   * @returns {string}
   */
  argumentTerm(argument) {
    return argument.name();
  }
  /**
   * Get the longest command term length.
   *
   * @param {Command} cmd
   * @param {Help} helper
   * @returns {number}
   */
  longestSubcommandTermLength(cmd, helper) {
    return helper.visibleCommands(cmd).reduce((max, command) => {
      return Math.max(
        max,
        this.displayWidth(
          helper.styleSubcommandTerm(helper.subcommandTerm(command))
        )
      );
    }, 0);
  }
  /**
   * Get the longest option term length.
   *
   * @param {Command} cmd
   * @param {Help} helper
   * @returns {number}
   */
  longestOptionTermLength(cmd, helper) {
    return helper.visibleOptions(cmd).reduce((max, option) => {
      return Math.max(
        max,
        this.displayWidth(helper.styleOptionTerm(helper.optionTerm(option)))
      );
    }, 0);
  }
  /**
   * Get the longest global option term length.
   *
   * @param {Command} cmd
   * @param {Help} helper
   * @returns {number}
   */
  longestGlobalOptionTermLength(cmd, helper) {
    return helper.visibleGlobalOptions(cmd).reduce((max, option) => {
      return Math.max(
        max,
        this.displayWidth(helper.styleOptionTerm(helper.optionTerm(option)))
      );
    }, 0);
  }
  /**
   * Get the longest argument term length.
   *
   * @param {Command} cmd
   * @param {Help} helper
   * @returns {number}
   */
  longestArgumentTermLength(cmd, helper) {
    return helper.visibleArguments(cmd).reduce((max, argument) => {
      return Math.max(
        max,
        this.displayWidth(
          helper.styleArgumentTerm(helper.argumentTerm(argument))
        )
      );
    }, 0);
  }
  /**
   * Get the command usage to be displayed at the top of the built-in help.
   *
   * @param {Command} cmd
   * @returns {string}
   */
  commandUsage(cmd) {
    let cmdName = cmd._name;
    if (cmd._aliases[0]) {
      cmdName = cmdName + "|" + cmd._aliases[0];
    }
    let ancestorCmdNames = "";
    for (let ancestorCmd = cmd.parent; ancestorCmd; ancestorCmd = ancestorCmd.parent) {
      ancestorCmdNames = ancestorCmd.name() + " " + ancestorCmdNames;
    }
    return ancestorCmdNames + cmdName + " " + cmd.usage();
  }
  /**
   * Get the description for the command.
   *
   * @param {Command} cmd
   * @returns {string}
   */
  commandDescription(cmd) {
    return cmd.description();
  }
  /**
   * Get the subcommand summary to show in the list of subcommands.
   * (Fallback to description for backwards compatibility.)
   *
   * @param {Command} cmd
   * @returns {string}
   */
  subcommandDescription(cmd) {
    return cmd.summary() || cmd.description();
  }
  /**
   * Get the option description to show in the list of options.
   *
   * @param {Option} option
   * @return {string}
   */
  optionDescription(option) {
    const extraInfo = [];
    if (option.argChoices) {
      extraInfo.push(
        // use stringify to match the display of the default value
        `choices: ${option.argChoices.map((choice) => JSON.stringify(choice)).join(", ")}`
      );
    }
    if (option.defaultValue !== void 0) {
      const showDefault = option.required || option.optional || option.isBoolean() && typeof option.defaultValue === "boolean";
      if (showDefault) {
        extraInfo.push(
          `default: ${option.defaultValueDescription || JSON.stringify(option.defaultValue)}`
        );
      }
    }
    if (option.presetArg !== void 0 && option.optional) {
      extraInfo.push(`preset: ${JSON.stringify(option.presetArg)}`);
    }
    if (option.envVar !== void 0) {
      extraInfo.push(`env: ${option.envVar}`);
    }
    if (extraInfo.length > 0) {
      const extraDescription = `(${extraInfo.join(", ")})`;
      if (option.description) {
        return `${option.description} ${extraDescription}`;
      }
      return extraDescription;
    }
    return option.description;
  }
  /**
   * Get the argument description to show in the list of arguments.
   *
   * @param {Argument} argument
   * @return {string}
   */
  argumentDescription(argument) {
    const extraInfo = [];
    if (argument.argChoices) {
      extraInfo.push(
        // use stringify to match the display of the default value
        `choices: ${argument.argChoices.map((choice) => JSON.stringify(choice)).join(", ")}`
      );
    }
    if (argument.defaultValue !== void 0) {
      extraInfo.push(
        `default: ${argument.defaultValueDescription || JSON.stringify(argument.defaultValue)}`
      );
    }
    if (extraInfo.length > 0) {
      const extraDescription = `(${extraInfo.join(", ")})`;
      if (argument.description) {
        return `${argument.description} ${extraDescription}`;
      }
      return extraDescription;
    }
    return argument.description;
  }
  /**
   * Format a list of items, given a heading and an array of formatted items.
   *
   * @param {string} heading
   * @param {string[]} items
   * @param {Help} helper
   * @returns string[]
   */
  formatItemList(heading, items, helper) {
    if (items.length === 0) return [];
    return [helper.styleTitle(heading), ...items, ""];
  }
  /**
   * Group items by their help group heading.
   *
   * @param {Command[] | Option[]} unsortedItems
   * @param {Command[] | Option[]} visibleItems
   * @param {Function} getGroup
   * @returns {Map<string, Command[] | Option[]>}
   */
  groupItems(unsortedItems, visibleItems, getGroup) {
    const result = /* @__PURE__ */ new Map();
    unsortedItems.forEach((item) => {
      const group = getGroup(item);
      if (!result.has(group)) result.set(group, []);
    });
    visibleItems.forEach((item) => {
      const group = getGroup(item);
      if (!result.has(group)) {
        result.set(group, []);
      }
      result.get(group).push(item);
    });
    return result;
  }
  /**
   * Generate the built-in help text.
   *
   * @param {Command} cmd
   * @param {Help} helper
   * @returns {string}
   */
  formatHelp(cmd, helper) {
    const termWidth = helper.padWidth(cmd, helper);
    const helpWidth = helper.helpWidth ?? 80;
    function callFormatItem(term, description) {
      return helper.formatItem(term, termWidth, description, helper);
    }
    let output = [
      `${helper.styleTitle("Usage:")} ${helper.styleUsage(helper.commandUsage(cmd))}`,
      ""
    ];
    const commandDescription = helper.commandDescription(cmd);
    if (commandDescription.length > 0) {
      output = output.concat([
        helper.boxWrap(
          helper.styleCommandDescription(commandDescription),
          helpWidth
        ),
        ""
      ]);
    }
    const argumentList = helper.visibleArguments(cmd).map((argument) => {
      return callFormatItem(
        helper.styleArgumentTerm(helper.argumentTerm(argument)),
        helper.styleArgumentDescription(helper.argumentDescription(argument))
      );
    });
    output = output.concat(
      this.formatItemList("Arguments:", argumentList, helper)
    );
    const optionGroups = this.groupItems(
      cmd.options,
      helper.visibleOptions(cmd),
      (option) => option.helpGroupHeading ?? "Options:"
    );
    optionGroups.forEach((options, group) => {
      const optionList = options.map((option) => {
        return callFormatItem(
          helper.styleOptionTerm(helper.optionTerm(option)),
          helper.styleOptionDescription(helper.optionDescription(option))
        );
      });
      output = output.concat(this.formatItemList(group, optionList, helper));
    });
    if (helper.showGlobalOptions) {
      const globalOptionList = helper.visibleGlobalOptions(cmd).map((option) => {
        return callFormatItem(
          helper.styleOptionTerm(helper.optionTerm(option)),
          helper.styleOptionDescription(helper.optionDescription(option))
        );
      });
      output = output.concat(
        this.formatItemList("Global Options:", globalOptionList, helper)
      );
    }
    const commandGroups = this.groupItems(
      cmd.commands,
      helper.visibleCommands(cmd),
      (sub) => sub.helpGroup() || "Commands:"
    );
    commandGroups.forEach((commands, group) => {
      const commandList = commands.map((sub) => {
        return callFormatItem(
          helper.styleSubcommandTerm(helper.subcommandTerm(sub)),
          helper.styleSubcommandDescription(helper.subcommandDescription(sub))
        );
      });
      output = output.concat(this.formatItemList(group, commandList, helper));
    });
    return output.join("\n");
  }
  /**
   * Return display width of string, ignoring ANSI escape sequences. Used in padding and wrapping calculations.
   *
   * @param {string} str
   * @returns {number}
   */
  displayWidth(str) {
    return stripVTControlCharacters(str).length;
  }
  /**
   * Style the title for displaying in the help. Called with 'Usage:', 'Options:', etc.
   *
   * @param {string} str
   * @returns {string}
   */
  styleTitle(str) {
    return str;
  }
  styleUsage(str) {
    return str.split(" ").map((word) => {
      if (word === "[options]") return this.styleOptionText(word);
      if (word === "[command]") return this.styleSubcommandText(word);
      if (word[0] === "[" || word[0] === "<")
        return this.styleArgumentText(word);
      return this.styleCommandText(word);
    }).join(" ");
  }
  styleCommandDescription(str) {
    return this.styleDescriptionText(str);
  }
  styleOptionDescription(str) {
    return this.styleDescriptionText(str);
  }
  styleSubcommandDescription(str) {
    return this.styleDescriptionText(str);
  }
  styleArgumentDescription(str) {
    return this.styleDescriptionText(str);
  }
  styleDescriptionText(str) {
    return str;
  }
  styleOptionTerm(str) {
    return this.styleOptionText(str);
  }
  styleSubcommandTerm(str) {
    return str.split(" ").map((word) => {
      if (word === "[options]") return this.styleOptionText(word);
      if (word[0] === "[" || word[0] === "<")
        return this.styleArgumentText(word);
      return this.styleSubcommandText(word);
    }).join(" ");
  }
  styleArgumentTerm(str) {
    return this.styleArgumentText(str);
  }
  styleOptionText(str) {
    return str;
  }
  styleArgumentText(str) {
    return str;
  }
  styleSubcommandText(str) {
    return str;
  }
  styleCommandText(str) {
    return str;
  }
  /**
   * Calculate the pad width from the maximum term length.
   *
   * @param {Command} cmd
   * @param {Help} helper
   * @returns {number}
   */
  padWidth(cmd, helper) {
    return Math.max(
      helper.longestOptionTermLength(cmd, helper),
      helper.longestGlobalOptionTermLength(cmd, helper),
      helper.longestSubcommandTermLength(cmd, helper),
      helper.longestArgumentTermLength(cmd, helper)
    );
  }
  /**
   * Detect manually wrapped and indented strings by checking for line break followed by whitespace.
   *
   * @param {string} str
   * @returns {boolean}
   */
  preformatted(str) {
    return /\n[^\S\r\n]/.test(str);
  }
  /**
   * Format the "item", which consists of a term and description. Pad the term and wrap the description, indenting the following lines.
   *
   * So "TTT", 5, "DDD DDDD DD DDD" might be formatted for this.helpWidth=17 like so:
   *   TTT  DDD DDDD
   *        DD DDD
   *
   * @param {string} term
   * @param {number} termWidth
   * @param {string} description
   * @param {Help} helper
   * @returns {string}
   */
  formatItem(term, termWidth, description, helper) {
    const itemIndent = 2;
    const itemIndentStr = " ".repeat(itemIndent);
    if (!description) return itemIndentStr + term;
    const paddedTerm = term.padEnd(
      termWidth + term.length - helper.displayWidth(term)
    );
    const spacerWidth = 2;
    const helpWidth = this.helpWidth ?? 80;
    const remainingWidth = helpWidth - termWidth - spacerWidth - itemIndent;
    let formattedDescription;
    if (remainingWidth < this.minWidthToWrap || helper.preformatted(description)) {
      formattedDescription = description;
    } else {
      const wrappedDescription = helper.boxWrap(description, remainingWidth);
      formattedDescription = wrappedDescription.replace(
        /\n/g,
        "\n" + " ".repeat(termWidth + spacerWidth)
      );
    }
    return itemIndentStr + paddedTerm + " ".repeat(spacerWidth) + formattedDescription.replace(/\n/g, `
${itemIndentStr}`);
  }
  /**
   * Wrap a string at whitespace, preserving existing line breaks.
   * Wrapping is skipped if the width is less than `minWidthToWrap`.
   *
   * @param {string} str
   * @param {number} width
   * @returns {string}
   */
  boxWrap(str, width) {
    if (width < this.minWidthToWrap) return str;
    const rawLines = str.split(/\r\n|\n/);
    const chunkPattern = /[\s]*[^\s]+/g;
    const wrappedLines = [];
    rawLines.forEach((line) => {
      const chunks = line.match(chunkPattern);
      if (chunks === null) {
        wrappedLines.push("");
        return;
      }
      let sumChunks = [chunks.shift()];
      let sumWidth = this.displayWidth(sumChunks[0]);
      chunks.forEach((chunk) => {
        const visibleWidth = this.displayWidth(chunk);
        if (sumWidth + visibleWidth <= width) {
          sumChunks.push(chunk);
          sumWidth += visibleWidth;
          return;
        }
        wrappedLines.push(sumChunks.join(""));
        const nextChunk = chunk.trimStart();
        sumChunks = [nextChunk];
        sumWidth = this.displayWidth(nextChunk);
      });
      wrappedLines.push(sumChunks.join(""));
    });
    return wrappedLines.join("\n");
  }
};

// ../../node_modules/commander/lib/option.js
init_define_STOWAGE_UI_ASSETS();
var Option = class {
  /**
   * Initialize a new `Option` with the given `flags` and `description`.
   *
   * @param {string} flags
   * @param {string} [description]
   */
  constructor(flags, description) {
    this.flags = flags;
    this.description = description || "";
    this.required = flags.includes("<");
    this.optional = flags.includes("[");
    this.variadic = new RegExp("\\p{ID_Continue}\\.\\.\\.[>\\]]$", "u").test(flags);
    this.mandatory = false;
    const optionFlags = splitOptionFlags(flags);
    this.short = optionFlags.shortFlag;
    this.long = optionFlags.longFlag;
    this.negate = false;
    if (this.long) {
      this.negate = this.long.startsWith("--no-");
    }
    this.defaultValue = void 0;
    this.defaultValueDescription = void 0;
    this.presetArg = void 0;
    this.envVar = void 0;
    this.parseArg = void 0;
    this.hidden = false;
    this.argChoices = void 0;
    this.conflictsWith = [];
    this.implied = void 0;
    this.helpGroupHeading = void 0;
  }
  /**
   * Set the default value, and optionally supply the description to be displayed in the help.
   *
   * @param {*} value
   * @param {string} [description]
   * @return {Option}
   */
  default(value, description) {
    this.defaultValue = value;
    this.defaultValueDescription = description;
    return this;
  }
  /**
   * Preset to use when option used without option-argument, especially optional but also boolean and negated.
   * The custom processing (parseArg) is called.
   *
   * @example
   * new Option('--color').default('GREYSCALE').preset('RGB');
   * new Option('--donate [amount]').preset('20').argParser(parseFloat);
   *
   * @param {*} arg
   * @return {Option}
   */
  preset(arg) {
    this.presetArg = arg;
    return this;
  }
  /**
   * Add option name(s) that conflict with this option.
   * An error will be displayed if conflicting options are found during parsing.
   *
   * @example
   * new Option('--rgb').conflicts('cmyk');
   * new Option('--js').conflicts(['ts', 'jsx']);
   *
   * @param {(string | string[])} names
   * @return {Option}
   */
  conflicts(names) {
    this.conflictsWith = this.conflictsWith.concat(names);
    return this;
  }
  /**
   * Specify implied option values for when this option is set and the implied options are not.
   *
   * The custom processing (parseArg) is not called on the implied values.
   *
   * @example
   * program
   *   .addOption(new Option('--log', 'write logging information to file'))
   *   .addOption(new Option('--trace', 'log extra details').implies({ log: 'trace.txt' }));
   *
   * @param {object} impliedOptionValues
   * @return {Option}
   */
  implies(impliedOptionValues) {
    let newImplied = impliedOptionValues;
    if (typeof impliedOptionValues === "string") {
      newImplied = { [impliedOptionValues]: true };
    }
    this.implied = Object.assign(this.implied || {}, newImplied);
    return this;
  }
  /**
   * Set environment variable to check for option value.
   *
   * An environment variable is only used if when processed the current option value is
   * undefined, or the source of the current value is 'default' or 'config' or 'env'.
   *
   * @param {string} name
   * @return {Option}
   */
  env(name) {
    this.envVar = name;
    return this;
  }
  /**
   * Set the custom handler for processing CLI option arguments into option values.
   *
   * @param {Function} [fn]
   * @return {Option}
   */
  argParser(fn) {
    this.parseArg = fn;
    return this;
  }
  /**
   * Whether the option is mandatory and must have a value after parsing.
   *
   * @param {boolean} [mandatory=true]
   * @return {Option}
   */
  makeOptionMandatory(mandatory = true) {
    this.mandatory = !!mandatory;
    return this;
  }
  /**
   * Hide option in help.
   *
   * @param {boolean} [hide=true]
   * @return {Option}
   */
  hideHelp(hide = true) {
    this.hidden = !!hide;
    return this;
  }
  /**
   * @package
   */
  _collectValue(value, previous) {
    if (previous === this.defaultValue || !Array.isArray(previous)) {
      return [value];
    }
    previous.push(value);
    return previous;
  }
  /**
   * Only allow option value to be one of choices.
   *
   * @param {string[]} values
   * @return {Option}
   */
  choices(values) {
    this.argChoices = values.slice();
    this.parseArg = (arg, previous) => {
      if (!this.argChoices.includes(arg)) {
        throw new InvalidArgumentError(
          `Allowed choices are ${this.argChoices.join(", ")}.`
        );
      }
      if (this.variadic) {
        return this._collectValue(arg, previous);
      }
      return arg;
    };
    return this;
  }
  /**
   * Return option name.
   *
   * @return {string}
   */
  name() {
    if (this.long) {
      return this.long.replace(/^--/, "");
    }
    return this.short.replace(/^-/, "");
  }
  /**
   * Return option name, in a camelcase format that can be used
   * as an object attribute key.
   *
   * @return {string}
   */
  attributeName() {
    if (this.negate) {
      return camelcase(this.name().replace(/^no-/, ""));
    }
    return camelcase(this.name());
  }
  /**
   * Set the help group heading.
   *
   * @param {string} heading
   * @return {Option}
   */
  helpGroup(heading) {
    this.helpGroupHeading = heading;
    return this;
  }
  /**
   * Check if `arg` matches the short or long flag.
   *
   * @param {string} arg
   * @return {boolean}
   * @package
   */
  is(arg) {
    return this.short === arg || this.long === arg;
  }
  /**
   * Return whether a boolean option.
   *
   * Options are one of boolean, negated, required argument, or optional argument.
   *
   * @return {boolean}
   * @package
   */
  isBoolean() {
    return !this.required && !this.optional && !this.negate;
  }
};
var DualOptions = class {
  /**
   * @param {Option[]} options
   */
  constructor(options) {
    this.positiveOptions = /* @__PURE__ */ new Map();
    this.negativeOptions = /* @__PURE__ */ new Map();
    this.dualOptions = /* @__PURE__ */ new Set();
    options.forEach((option) => {
      if (option.negate) {
        this.negativeOptions.set(option.attributeName(), option);
      } else {
        this.positiveOptions.set(option.attributeName(), option);
      }
    });
    this.negativeOptions.forEach((value, key) => {
      if (this.positiveOptions.has(key)) {
        this.dualOptions.add(key);
      }
    });
  }
  /**
   * Did the value come from the option, and not from possible matching dual option?
   *
   * @param {*} value
   * @param {Option} option
   * @returns {boolean}
   */
  valueFromOption(value, option) {
    const optionKey = option.attributeName();
    if (!this.dualOptions.has(optionKey)) return true;
    const preset = this.negativeOptions.get(optionKey).presetArg;
    const negativeValue = preset !== void 0 ? preset : false;
    return option.negate === (negativeValue === value);
  }
};
function camelcase(str) {
  return str.split("-").reduce((str2, word) => {
    return str2 + word[0].toUpperCase() + word.slice(1);
  });
}
function splitOptionFlags(flags) {
  let shortFlag;
  let longFlag;
  const shortFlagExp = /^-[^-]$/;
  const longFlagExp = /^--[^-]/;
  const flagParts = flags.split(/[ |,]+/).concat("guard");
  if (shortFlagExp.test(flagParts[0])) shortFlag = flagParts.shift();
  if (longFlagExp.test(flagParts[0])) longFlag = flagParts.shift();
  if (!shortFlag && shortFlagExp.test(flagParts[0]))
    shortFlag = flagParts.shift();
  if (!shortFlag && longFlagExp.test(flagParts[0])) {
    shortFlag = longFlag;
    longFlag = flagParts.shift();
  }
  if (flagParts[0].startsWith("-")) {
    const unsupportedFlag = flagParts[0];
    const baseError = `option creation failed due to '${unsupportedFlag}' in option flags '${flags}'`;
    if (/^-[^-][^-]/.test(unsupportedFlag))
      throw new Error(
        `${baseError}
- a short flag is a single dash and a single character
  - either use a single dash and a single character (for a short flag)
  - or use a double dash for a long option (and can have two, like '--ws, --workspace')`
      );
    if (shortFlagExp.test(unsupportedFlag))
      throw new Error(`${baseError}
- too many short flags`);
    if (longFlagExp.test(unsupportedFlag))
      throw new Error(`${baseError}
- too many long flags`);
    throw new Error(`${baseError}
- unrecognised flag format`);
  }
  if (shortFlag === void 0 && longFlag === void 0)
    throw new Error(
      `option creation failed due to no flags found in '${flags}'.`
    );
  return { shortFlag, longFlag };
}

// ../../node_modules/commander/lib/suggestSimilar.js
init_define_STOWAGE_UI_ASSETS();
var maxDistance = 3;
function editDistance(a, b) {
  if (Math.abs(a.length - b.length) > maxDistance)
    return Math.max(a.length, b.length);
  const d = [];
  for (let i = 0; i <= a.length; i++) {
    d[i] = [i];
  }
  for (let j = 0; j <= b.length; j++) {
    d[0][j] = j;
  }
  for (let j = 1; j <= b.length; j++) {
    for (let i = 1; i <= a.length; i++) {
      let cost;
      if (a[i - 1] === b[j - 1]) {
        cost = 0;
      } else {
        cost = 1;
      }
      d[i][j] = Math.min(
        d[i - 1][j] + 1,
        // deletion
        d[i][j - 1] + 1,
        // insertion
        d[i - 1][j - 1] + cost
        // substitution
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}
function suggestSimilar(word, candidates) {
  if (!candidates || candidates.length === 0) return "";
  candidates = Array.from(new Set(candidates));
  const searchingOptions = word.startsWith("--");
  if (searchingOptions) {
    word = word.slice(2);
    candidates = candidates.map((candidate) => candidate.slice(2));
  }
  let similar = [];
  let bestDistance = maxDistance;
  const minSimilarity = 0.4;
  candidates.forEach((candidate) => {
    if (candidate.length <= 1) return;
    const distance = editDistance(word, candidate);
    const length = Math.max(word.length, candidate.length);
    const similarity = (length - distance) / length;
    if (similarity > minSimilarity) {
      if (distance < bestDistance) {
        bestDistance = distance;
        similar = [candidate];
      } else if (distance === bestDistance) {
        similar.push(candidate);
      }
    }
  });
  similar.sort((a, b) => a.localeCompare(b));
  if (searchingOptions) {
    similar = similar.map((candidate) => `--${candidate}`);
  }
  if (similar.length > 1) {
    return `
(Did you mean one of ${similar.join(", ")}?)`;
  }
  if (similar.length === 1) {
    return `
(Did you mean ${similar[0]}?)`;
  }
  return "";
}

// ../../node_modules/commander/lib/command.js
var Command = class _Command extends EventEmitter {
  /**
   * Initialize a new `Command`.
   *
   * @param {string} [name]
   */
  constructor(name) {
    super();
    this.commands = [];
    this.options = [];
    this.parent = null;
    this._allowUnknownOption = false;
    this._allowExcessArguments = false;
    this.registeredArguments = [];
    this._args = this.registeredArguments;
    this.args = [];
    this.rawArgs = [];
    this.processedArgs = [];
    this._scriptPath = null;
    this._name = name || "";
    this._optionValues = {};
    this._optionValueSources = {};
    this._storeOptionsAsProperties = false;
    this._actionHandler = null;
    this._executableHandler = false;
    this._executableFile = null;
    this._executableDir = null;
    this._defaultCommandName = null;
    this._exitCallback = null;
    this._aliases = [];
    this._combineFlagAndOptionalValue = true;
    this._description = "";
    this._summary = "";
    this._argsDescription = void 0;
    this._enablePositionalOptions = false;
    this._passThroughOptions = false;
    this._lifeCycleHooks = {};
    this._showHelpAfterError = false;
    this._showSuggestionAfterError = true;
    this._savedState = null;
    this._outputConfiguration = {
      writeOut: (str) => process2.stdout.write(str),
      writeErr: (str) => process2.stderr.write(str),
      outputError: (str, write2) => write2(str),
      getOutHelpWidth: () => process2.stdout.isTTY ? process2.stdout.columns : void 0,
      getErrHelpWidth: () => process2.stderr.isTTY ? process2.stderr.columns : void 0,
      getOutHasColors: () => useColor() ?? (process2.stdout.isTTY && process2.stdout.hasColors?.()),
      getErrHasColors: () => useColor() ?? (process2.stderr.isTTY && process2.stderr.hasColors?.()),
      stripColor: (str) => stripVTControlCharacters2(str)
    };
    this._hidden = false;
    this._helpOption = void 0;
    this._addImplicitHelpCommand = void 0;
    this._helpCommand = void 0;
    this._helpConfiguration = {};
    this._helpGroupHeading = void 0;
    this._defaultCommandGroup = void 0;
    this._defaultOptionGroup = void 0;
  }
  /**
   * Copy settings that are useful to have in common across root command and subcommands.
   *
   * (Used internally when adding a command using `.command()` so subcommands inherit parent settings.)
   *
   * @param {Command} sourceCommand
   * @return {Command} `this` command for chaining
   */
  copyInheritedSettings(sourceCommand) {
    this._outputConfiguration = sourceCommand._outputConfiguration;
    this._helpOption = sourceCommand._helpOption;
    this._helpCommand = sourceCommand._helpCommand;
    this._helpConfiguration = sourceCommand._helpConfiguration;
    this._exitCallback = sourceCommand._exitCallback;
    this._storeOptionsAsProperties = sourceCommand._storeOptionsAsProperties;
    this._combineFlagAndOptionalValue = sourceCommand._combineFlagAndOptionalValue;
    this._allowExcessArguments = sourceCommand._allowExcessArguments;
    this._enablePositionalOptions = sourceCommand._enablePositionalOptions;
    this._showHelpAfterError = sourceCommand._showHelpAfterError;
    this._showSuggestionAfterError = sourceCommand._showSuggestionAfterError;
    return this;
  }
  /**
   * @returns {Command[]}
   * @private
   */
  _getCommandAndAncestors() {
    const result = [];
    for (let command = this; command; command = command.parent) {
      result.push(command);
    }
    return result;
  }
  /**
   * Define a command.
   *
   * There are two styles of command: pay attention to where to put the description.
   *
   * @example
   * // Command implemented using action handler (description is supplied separately to `.command`)
   * program
   *   .command('clone <source> [destination]')
   *   .description('clone a repository into a newly created directory')
   *   .action((source, destination) => {
   *     console.log('clone command called');
   *   });
   *
   * // Command implemented using separate executable file (description is second parameter to `.command`)
   * program
   *   .command('start <service>', 'start named service')
   *   .command('stop [service]', 'stop named service, or all if no name supplied');
   *
   * @param {string} nameAndArgs - command name and arguments, args are `<required>` or `[optional]` and last may also be `variadic...`
   * @param {(object | string)} [actionOptsOrExecDesc] - configuration options (for action), or description (for executable)
   * @param {object} [execOpts] - configuration options (for executable)
   * @return {Command} returns new command for action handler, or `this` for executable command
   */
  command(nameAndArgs, actionOptsOrExecDesc, execOpts) {
    let desc = actionOptsOrExecDesc;
    let opts = execOpts;
    if (typeof desc === "object" && desc !== null) {
      opts = desc;
      desc = null;
    }
    opts = opts || {};
    const [, name, args] = nameAndArgs.match(/([^ ]+) *(.*)/);
    const cmd = this.createCommand(name);
    if (desc) {
      cmd.description(desc);
      cmd._executableHandler = true;
    }
    if (opts.isDefault) this._defaultCommandName = cmd._name;
    cmd._hidden = !!(opts.noHelp || opts.hidden);
    cmd._executableFile = opts.executableFile || null;
    if (args) cmd.arguments(args);
    this._registerCommand(cmd);
    cmd.parent = this;
    cmd.copyInheritedSettings(this);
    if (desc) return this;
    return cmd;
  }
  /**
   * Factory routine to create a new unattached command.
   *
   * See .command() for creating an attached subcommand, which uses this routine to
   * create the command. You can override createCommand to customise subcommands.
   *
   * @param {string} [name]
   * @return {Command} new command
   */
  createCommand(name) {
    return new _Command(name);
  }
  /**
   * You can customise the help with a subclass of Help by overriding createHelp,
   * or by overriding Help properties using configureHelp().
   *
   * @return {Help}
   */
  createHelp() {
    return Object.assign(new Help(), this.configureHelp());
  }
  /**
   * You can customise the help by overriding Help properties using configureHelp(),
   * or with a subclass of Help by overriding createHelp().
   *
   * @param {object} [configuration] - configuration options
   * @return {(Command | object)} `this` command for chaining, or stored configuration
   */
  configureHelp(configuration) {
    if (configuration === void 0) return this._helpConfiguration;
    this._helpConfiguration = configuration;
    return this;
  }
  /**
   * The default output goes to stdout and stderr. You can customise this for special
   * applications. You can also customise the display of errors by overriding outputError.
   *
   * The configuration properties are all functions:
   *
   *     // change how output being written, defaults to stdout and stderr
   *     writeOut(str)
   *     writeErr(str)
   *     // change how output being written for errors, defaults to writeErr
   *     outputError(str, write) // used for displaying errors and not used for displaying help
   *     // specify width for wrapping help
   *     getOutHelpWidth()
   *     getErrHelpWidth()
   *     // color support, currently only used with Help
   *     getOutHasColors()
   *     getErrHasColors()
   *     stripColor() // used to remove ANSI escape codes if output does not have colors
   *
   * @param {object} [configuration] - configuration options
   * @return {(Command | object)} `this` command for chaining, or stored configuration
   */
  configureOutput(configuration) {
    if (configuration === void 0) return this._outputConfiguration;
    this._outputConfiguration = {
      ...this._outputConfiguration,
      ...configuration
    };
    return this;
  }
  /**
   * Display the help or a custom message after an error occurs.
   *
   * @param {(boolean|string)} [displayHelp]
   * @return {Command} `this` command for chaining
   */
  showHelpAfterError(displayHelp = true) {
    if (typeof displayHelp !== "string") displayHelp = !!displayHelp;
    this._showHelpAfterError = displayHelp;
    return this;
  }
  /**
   * Display suggestion of similar commands for unknown commands, or options for unknown options.
   *
   * @param {boolean} [displaySuggestion]
   * @return {Command} `this` command for chaining
   */
  showSuggestionAfterError(displaySuggestion = true) {
    this._showSuggestionAfterError = !!displaySuggestion;
    return this;
  }
  /**
   * Add a prepared subcommand.
   *
   * See .command() for creating an attached subcommand which inherits settings from its parent.
   *
   * @param {Command} cmd - new subcommand
   * @param {object} [opts] - configuration options
   * @return {Command} `this` command for chaining
   */
  addCommand(cmd, opts) {
    if (!cmd._name) {
      throw new Error(`Command passed to .addCommand() must have a name
- specify the name in Command constructor or using .name()`);
    }
    opts = opts || {};
    if (opts.isDefault) this._defaultCommandName = cmd._name;
    if (opts.noHelp || opts.hidden) cmd._hidden = true;
    this._registerCommand(cmd);
    cmd.parent = this;
    cmd._checkForBrokenPassThrough();
    return this;
  }
  /**
   * Factory routine to create a new unattached argument.
   *
   * See .argument() for creating an attached argument, which uses this routine to
   * create the argument. You can override createArgument to return a custom argument.
   *
   * @param {string} name
   * @param {string} [description]
   * @return {Argument} new argument
   */
  createArgument(name, description) {
    return new Argument(name, description);
  }
  /**
   * Define argument syntax for command.
   *
   * The default is that the argument is required, and you can explicitly
   * indicate this with <> around the name. Put [] around the name for an optional argument.
   *
   * @example
   * program.argument('<input-file>');
   * program.argument('[output-file]');
   *
   * @param {string} name
   * @param {string} [description]
   * @param {(Function|*)} [parseArg] - custom argument processing function or default value
   * @param {*} [defaultValue]
   * @return {Command} `this` command for chaining
   */
  argument(name, description, parseArg, defaultValue) {
    const argument = this.createArgument(name, description);
    if (typeof parseArg === "function") {
      argument.default(defaultValue).argParser(parseArg);
    } else {
      argument.default(parseArg);
    }
    this.addArgument(argument);
    return this;
  }
  /**
   * Define argument syntax for command, adding multiple at once (without descriptions).
   *
   * See also .argument().
   *
   * @example
   * program.arguments('<cmd> [env]');
   *
   * @param {string} names
   * @return {Command} `this` command for chaining
   */
  arguments(names) {
    names.trim().split(/ +/).forEach((detail) => {
      this.argument(detail);
    });
    return this;
  }
  /**
   * Define argument syntax for command, adding a prepared argument.
   *
   * @param {Argument} argument
   * @return {Command} `this` command for chaining
   */
  addArgument(argument) {
    const previousArgument = this.registeredArguments.slice(-1)[0];
    if (previousArgument?.variadic) {
      throw new Error(
        `only the last argument can be variadic '${previousArgument.name()}'`
      );
    }
    if (argument.required && argument.defaultValue !== void 0 && argument.parseArg === void 0) {
      throw new Error(
        `a default value for a required argument is never used: '${argument.name()}'`
      );
    }
    this.registeredArguments.push(argument);
    return this;
  }
  /**
   * Customise or override default help command. By default a help command is automatically added if your command has subcommands.
   *
   * @example
   *    program.helpCommand('help [cmd]');
   *    program.helpCommand('help [cmd]', 'show help');
   *    program.helpCommand(false); // suppress default help command
   *    program.helpCommand(true); // add help command even if no subcommands
   *
   * @param {string|boolean} enableOrNameAndArgs - enable with custom name and/or arguments, or boolean to override whether added
   * @param {string} [description] - custom description
   * @return {Command} `this` command for chaining
   */
  helpCommand(enableOrNameAndArgs, description) {
    if (typeof enableOrNameAndArgs === "boolean") {
      this._addImplicitHelpCommand = enableOrNameAndArgs;
      if (enableOrNameAndArgs && this._defaultCommandGroup) {
        this._initCommandGroup(this._getHelpCommand());
      }
      return this;
    }
    const nameAndArgs = enableOrNameAndArgs ?? "help [command]";
    const [, helpName, helpArgs] = nameAndArgs.match(/([^ ]+) *(.*)/);
    const helpDescription = description ?? "display help for command";
    const helpCommand = this.createCommand(helpName);
    helpCommand.helpOption(false);
    if (helpArgs) helpCommand.arguments(helpArgs);
    if (helpDescription) helpCommand.description(helpDescription);
    this._addImplicitHelpCommand = true;
    this._helpCommand = helpCommand;
    if (enableOrNameAndArgs || description) this._initCommandGroup(helpCommand);
    return this;
  }
  /**
   * Add prepared custom help command.
   *
   * @param {(Command|string|boolean)} helpCommand - custom help command, or deprecated enableOrNameAndArgs as for `.helpCommand()`
   * @param {string} [deprecatedDescription] - deprecated custom description used with custom name only
   * @return {Command} `this` command for chaining
   */
  addHelpCommand(helpCommand, deprecatedDescription) {
    if (typeof helpCommand !== "object") {
      this.helpCommand(helpCommand, deprecatedDescription);
      return this;
    }
    this._addImplicitHelpCommand = true;
    this._helpCommand = helpCommand;
    this._initCommandGroup(helpCommand);
    return this;
  }
  /**
   * Lazy create help command.
   *
   * @return {(Command|null)}
   * @package
   */
  _getHelpCommand() {
    const hasImplicitHelpCommand = this._addImplicitHelpCommand ?? (this.commands.length && !this._actionHandler && !this._findCommand("help"));
    if (hasImplicitHelpCommand) {
      if (this._helpCommand === void 0) {
        this.helpCommand(void 0, void 0);
      }
      return this._helpCommand;
    }
    return null;
  }
  /**
   * Add hook for life cycle event.
   *
   * @param {string} event
   * @param {Function} listener
   * @return {Command} `this` command for chaining
   */
  hook(event, listener) {
    const allowedValues = ["preSubcommand", "preAction", "postAction"];
    if (!allowedValues.includes(event)) {
      throw new Error(`Unexpected value for event passed to hook : '${event}'.
Expecting one of '${allowedValues.join("', '")}'`);
    }
    if (this._lifeCycleHooks[event]) {
      this._lifeCycleHooks[event].push(listener);
    } else {
      this._lifeCycleHooks[event] = [listener];
    }
    return this;
  }
  /**
   * Register callback to use as replacement for calling process.exit.
   *
   * @param {Function} [fn] optional callback which will be passed a CommanderError, defaults to throwing
   * @return {Command} `this` command for chaining
   */
  exitOverride(fn) {
    if (fn) {
      this._exitCallback = fn;
    } else {
      this._exitCallback = (err) => {
        if (err.code !== "commander.executeSubCommandAsync") {
          throw err;
        } else {
        }
      };
    }
    return this;
  }
  /**
   * Call process.exit, and _exitCallback if defined.
   *
   * @param {number} exitCode exit code for using with process.exit
   * @param {string} code an id string representing the error
   * @param {string} message human-readable description of the error
   * @return never
   * @private
   */
  _exit(exitCode, code, message) {
    if (this._exitCallback) {
      this._exitCallback(new CommanderError(exitCode, code, message));
    }
    process2.exit(exitCode);
  }
  /**
   * Register callback `fn` for the command.
   *
   * @example
   * program
   *   .command('serve')
   *   .description('start service')
   *   .action(function() {
   *      // do work here
   *   });
   *
   * @param {Function} fn
   * @return {Command} `this` command for chaining
   */
  action(fn) {
    const listener = (args) => {
      const expectedArgsCount = this.registeredArguments.length;
      const actionArgs = args.slice(0, expectedArgsCount);
      if (this._storeOptionsAsProperties) {
        actionArgs[expectedArgsCount] = this;
      } else {
        actionArgs[expectedArgsCount] = this.opts();
      }
      actionArgs.push(this);
      return fn.apply(this, actionArgs);
    };
    this._actionHandler = listener;
    return this;
  }
  /**
   * Factory routine to create a new unattached option.
   *
   * See .option() for creating an attached option, which uses this routine to
   * create the option. You can override createOption to return a custom option.
   *
   * @param {string} flags
   * @param {string} [description]
   * @return {Option} new option
   */
  createOption(flags, description) {
    return new Option(flags, description);
  }
  /**
   * Wrap parseArgs to catch 'commander.invalidArgument'.
   *
   * @param {(Option | Argument)} target
   * @param {string} value
   * @param {*} previous
   * @param {string} invalidArgumentMessage
   * @private
   */
  _callParseArg(target, value, previous, invalidArgumentMessage) {
    try {
      return target.parseArg(value, previous);
    } catch (err) {
      if (err.code === "commander.invalidArgument") {
        const message = `${invalidArgumentMessage} ${err.message}`;
        this.error(message, { exitCode: err.exitCode, code: err.code });
      }
      throw err;
    }
  }
  /**
   * Check for option flag conflicts.
   * Register option if no conflicts found, or throw on conflict.
   *
   * @param {Option} option
   * @private
   */
  _registerOption(option) {
    const matchingOption = option.short && this._findOption(option.short) || option.long && this._findOption(option.long);
    if (matchingOption) {
      const matchingFlag = option.long && this._findOption(option.long) ? option.long : option.short;
      throw new Error(`Cannot add option '${option.flags}'${this._name && ` to command '${this._name}'`} due to conflicting flag '${matchingFlag}'
-  already used by option '${matchingOption.flags}'`);
    }
    this._initOptionGroup(option);
    this.options.push(option);
  }
  /**
   * Check for command name and alias conflicts with existing commands.
   * Register command if no conflicts found, or throw on conflict.
   *
   * @param {Command} command
   * @private
   */
  _registerCommand(command) {
    const knownBy = (cmd) => {
      return [cmd.name()].concat(cmd.aliases());
    };
    const alreadyUsed = knownBy(command).find(
      (name) => this._findCommand(name)
    );
    if (alreadyUsed) {
      const existingCmd = knownBy(this._findCommand(alreadyUsed)).join("|");
      const newCmd = knownBy(command).join("|");
      throw new Error(
        `cannot add command '${newCmd}' as already have command '${existingCmd}'`
      );
    }
    this._initCommandGroup(command);
    this.commands.push(command);
  }
  /**
   * Add an option.
   *
   * @param {Option} option
   * @return {Command} `this` command for chaining
   */
  addOption(option) {
    this._registerOption(option);
    const oname = option.name();
    const name = option.attributeName();
    if (option.defaultValue !== void 0) {
      this.setOptionValueWithSource(name, option.defaultValue, "default");
    }
    const handleOptionValue = (val, invalidValueMessage, valueSource) => {
      if (val == null && option.presetArg !== void 0) {
        val = option.presetArg;
      }
      const oldValue = this.getOptionValue(name);
      if (val !== null && option.parseArg) {
        val = this._callParseArg(option, val, oldValue, invalidValueMessage);
      } else if (val !== null && option.variadic) {
        val = option._collectValue(val, oldValue);
      }
      if (val == null) {
        if (option.negate) {
          val = false;
        } else if (option.isBoolean() || option.optional) {
          val = true;
        } else {
          val = "";
        }
      }
      this.setOptionValueWithSource(name, val, valueSource);
    };
    this.on("option:" + oname, (val) => {
      const invalidValueMessage = `error: option '${option.flags}' argument '${val}' is invalid.`;
      handleOptionValue(val, invalidValueMessage, "cli");
    });
    if (option.envVar) {
      this.on("optionEnv:" + oname, (val) => {
        const invalidValueMessage = `error: option '${option.flags}' value '${val}' from env '${option.envVar}' is invalid.`;
        handleOptionValue(val, invalidValueMessage, "env");
      });
    }
    return this;
  }
  /**
   * Internal implementation shared by .option() and .requiredOption()
   *
   * @return {Command} `this` command for chaining
   * @private
   */
  _optionEx(config, flags, description, fn, defaultValue) {
    if (typeof flags === "object" && flags instanceof Option) {
      throw new Error(
        "To add an Option object use addOption() instead of option() or requiredOption()"
      );
    }
    const option = this.createOption(flags, description);
    option.makeOptionMandatory(!!config.mandatory);
    if (typeof fn === "function") {
      option.default(defaultValue).argParser(fn);
    } else if (fn instanceof RegExp) {
      const regex = fn;
      fn = (val, def) => {
        const m = regex.exec(val);
        return m ? m[0] : def;
      };
      option.default(defaultValue).argParser(fn);
    } else {
      option.default(fn);
    }
    return this.addOption(option);
  }
  /**
   * Define option with `flags`, `description`, and optional argument parsing function or `defaultValue` or both.
   *
   * The `flags` string contains the short and/or long flags, separated by comma, a pipe or space. A required
   * option-argument is indicated by `<>` and an optional option-argument by `[]`.
   *
   * See the README for more details, and see also addOption() and requiredOption().
   *
   * @example
   * program
   *     .option('-p, --pepper', 'add pepper')
   *     .option('--pt, --pizza-type <TYPE>', 'type of pizza') // required option-argument
   *     .option('-c, --cheese [CHEESE]', 'add extra cheese', 'mozzarella') // optional option-argument with default
   *     .option('-t, --tip <VALUE>', 'add tip to purchase cost', parseFloat) // custom parse function
   *
   * @param {string} flags
   * @param {string} [description]
   * @param {(Function|*)} [parseArg] - custom option processing function or default value
   * @param {*} [defaultValue]
   * @return {Command} `this` command for chaining
   */
  option(flags, description, parseArg, defaultValue) {
    return this._optionEx({}, flags, description, parseArg, defaultValue);
  }
  /**
   * Add a required option which must have a value after parsing. This usually means
   * the option must be specified on the command line. (Otherwise the same as .option().)
   *
   * The `flags` string contains the short and/or long flags, separated by comma, a pipe or space.
   *
   * @param {string} flags
   * @param {string} [description]
   * @param {(Function|*)} [parseArg] - custom option processing function or default value
   * @param {*} [defaultValue]
   * @return {Command} `this` command for chaining
   */
  requiredOption(flags, description, parseArg, defaultValue) {
    return this._optionEx(
      { mandatory: true },
      flags,
      description,
      parseArg,
      defaultValue
    );
  }
  /**
   * Alter parsing of short flags with optional values.
   *
   * @example
   * // for `.option('-f,--flag [value]'):
   * program.combineFlagAndOptionalValue(true);  // `-f80` is treated like `--flag=80`, this is the default behaviour
   * program.combineFlagAndOptionalValue(false) // `-fb` is treated like `-f -b`
   *
   * @param {boolean} [combine] - if `true` or omitted, an optional value can be specified directly after the flag.
   * @return {Command} `this` command for chaining
   */
  combineFlagAndOptionalValue(combine = true) {
    this._combineFlagAndOptionalValue = !!combine;
    return this;
  }
  /**
   * Allow unknown options on the command line.
   *
   * @param {boolean} [allowUnknown] - if `true` or omitted, no error will be thrown for unknown options.
   * @return {Command} `this` command for chaining
   */
  allowUnknownOption(allowUnknown = true) {
    this._allowUnknownOption = !!allowUnknown;
    return this;
  }
  /**
   * Allow excess command-arguments on the command line. Pass false to make excess arguments an error.
   *
   * @param {boolean} [allowExcess] - if `true` or omitted, no error will be thrown for excess arguments.
   * @return {Command} `this` command for chaining
   */
  allowExcessArguments(allowExcess = true) {
    this._allowExcessArguments = !!allowExcess;
    return this;
  }
  /**
   * Enable positional options. Positional means global options are specified before subcommands which lets
   * subcommands reuse the same option names, and also enables subcommands to turn on passThroughOptions.
   * The default behaviour is non-positional and global options may appear anywhere on the command line.
   *
   * @param {boolean} [positional]
   * @return {Command} `this` command for chaining
   */
  enablePositionalOptions(positional = true) {
    this._enablePositionalOptions = !!positional;
    return this;
  }
  /**
   * Pass through options that come after command-arguments rather than treat them as command-options,
   * so actual command-options come before command-arguments. Turning this on for a subcommand requires
   * positional options to have been enabled on the program (parent commands).
   * The default behaviour is non-positional and options may appear before or after command-arguments.
   *
   * @param {boolean} [passThrough] for unknown options.
   * @return {Command} `this` command for chaining
   */
  passThroughOptions(passThrough = true) {
    this._passThroughOptions = !!passThrough;
    this._checkForBrokenPassThrough();
    return this;
  }
  /**
   * @private
   */
  _checkForBrokenPassThrough() {
    if (this.parent && this._passThroughOptions && !this.parent._enablePositionalOptions) {
      throw new Error(
        `passThroughOptions cannot be used for '${this._name}' without turning on enablePositionalOptions for parent command(s)`
      );
    }
  }
  /**
   * Whether to store option values as properties on command object,
   * or store separately (specify false). In both cases the option values can be accessed using .opts().
   *
   * @param {boolean} [storeAsProperties=true]
   * @return {Command} `this` command for chaining
   */
  storeOptionsAsProperties(storeAsProperties = true) {
    if (this.options.length) {
      throw new Error("call .storeOptionsAsProperties() before adding options");
    }
    if (Object.keys(this._optionValues).length) {
      throw new Error(
        "call .storeOptionsAsProperties() before setting option values"
      );
    }
    this._storeOptionsAsProperties = !!storeAsProperties;
    return this;
  }
  /**
   * Retrieve option value.
   *
   * @param {string} key
   * @return {object} value
   */
  getOptionValue(key) {
    if (this._storeOptionsAsProperties) {
      return this[key];
    }
    return this._optionValues[key];
  }
  /**
   * Store option value.
   *
   * @param {string} key
   * @param {object} value
   * @return {Command} `this` command for chaining
   */
  setOptionValue(key, value) {
    return this.setOptionValueWithSource(key, value, void 0);
  }
  /**
   * Store option value and where the value came from.
   *
   * @param {string} key
   * @param {object} value
   * @param {string} source - expected values are default/config/env/cli/implied
   * @return {Command} `this` command for chaining
   */
  setOptionValueWithSource(key, value, source) {
    if (this._storeOptionsAsProperties) {
      this[key] = value;
    } else {
      this._optionValues[key] = value;
    }
    this._optionValueSources[key] = source;
    return this;
  }
  /**
   * Get source of option value.
   * Expected values are default | config | env | cli | implied
   *
   * @param {string} key
   * @return {string}
   */
  getOptionValueSource(key) {
    return this._optionValueSources[key];
  }
  /**
   * Get source of option value. See also .optsWithGlobals().
   * Expected values are default | config | env | cli | implied
   *
   * @param {string} key
   * @return {string}
   */
  getOptionValueSourceWithGlobals(key) {
    let source;
    this._getCommandAndAncestors().forEach((cmd) => {
      if (Object.hasOwn(cmd._optionValueSources, key)) {
        source = cmd.getOptionValueSource(key);
      }
    });
    return source;
  }
  /**
   * Get user arguments from implied or explicit arguments.
   * Side-effects: set _scriptPath if args included script. Used for default program name, and subcommand searches.
   *
   * @private
   */
  _prepareUserArgs(argv, parseOptions) {
    if (argv !== void 0 && !Array.isArray(argv)) {
      throw new Error("first parameter to parse must be array or undefined");
    }
    parseOptions = parseOptions || {};
    if (argv === void 0 && parseOptions.from === void 0) {
      if (process2.versions?.electron) {
        parseOptions.from = "electron";
      }
      const execArgv = process2.execArgv ?? [];
      if (execArgv.includes("-e") || execArgv.includes("--eval") || execArgv.includes("-p") || execArgv.includes("--print")) {
        parseOptions.from = "eval";
      }
    }
    if (argv === void 0) {
      argv = process2.argv;
    }
    this.rawArgs = argv.slice();
    let userArgs;
    switch (parseOptions.from) {
      case void 0:
      case "node":
        this._scriptPath = argv[1];
        userArgs = argv.slice(2);
        break;
      case "electron":
        if (process2.defaultApp) {
          this._scriptPath = argv[1];
          userArgs = argv.slice(2);
        } else {
          userArgs = argv.slice(1);
        }
        break;
      case "user":
        userArgs = argv.slice(0);
        break;
      case "eval":
        userArgs = argv.slice(1);
        break;
      default:
        throw new Error(
          `unexpected parse option { from: '${parseOptions.from}' }`
        );
    }
    if (!this._name && this._scriptPath)
      this.nameFromFilename(this._scriptPath);
    this._name = this._name || "program";
    return userArgs;
  }
  /**
   * Parse `argv`, setting options and invoking commands when defined.
   *
   * Use parseAsync instead of parse if any of your action handlers are async.
   *
   * Call with no parameters to parse `process.argv`. Detects Electron and special node options like `node --eval`. Easy mode!
   *
   * Or call with an array of strings to parse, and optionally where the user arguments start by specifying where the arguments are `from`:
   * - `'node'`: default, `argv[0]` is the application and `argv[1]` is the script being run, with user arguments after that
   * - `'electron'`: `argv[0]` is the application and `argv[1]` varies depending on whether the electron application is packaged
   * - `'user'`: just user arguments
   *
   * @example
   * program.parse(); // parse process.argv and auto-detect electron and special node flags
   * program.parse(process.argv); // assume argv[0] is app and argv[1] is script
   * program.parse(my-args, { from: 'user' }); // just user supplied arguments, nothing special about argv[0]
   *
   * @param {string[]} [argv] - optional, defaults to process.argv
   * @param {object} [parseOptions] - optionally specify style of options with from: node/user/electron
   * @param {string} [parseOptions.from] - where the args are from: 'node', 'user', 'electron'
   * @return {Command} `this` command for chaining
   */
  parse(argv, parseOptions) {
    this._prepareForParse();
    const userArgs = this._prepareUserArgs(argv, parseOptions);
    this._parseCommand([], userArgs);
    return this;
  }
  /**
   * Parse `argv`, setting options and invoking commands when defined.
   *
   * Call with no parameters to parse `process.argv`. Detects Electron and special node options like `node --eval`. Easy mode!
   *
   * Or call with an array of strings to parse, and optionally where the user arguments start by specifying where the arguments are `from`:
   * - `'node'`: default, `argv[0]` is the application and `argv[1]` is the script being run, with user arguments after that
   * - `'electron'`: `argv[0]` is the application and `argv[1]` varies depending on whether the electron application is packaged
   * - `'user'`: just user arguments
   *
   * @example
   * await program.parseAsync(); // parse process.argv and auto-detect electron and special node flags
   * await program.parseAsync(process.argv); // assume argv[0] is app and argv[1] is script
   * await program.parseAsync(my-args, { from: 'user' }); // just user supplied arguments, nothing special about argv[0]
   *
   * @param {string[]} [argv]
   * @param {object} [parseOptions]
   * @param {string} parseOptions.from - where the args are from: 'node', 'user', 'electron'
   * @return {Promise}
   */
  async parseAsync(argv, parseOptions) {
    this._prepareForParse();
    const userArgs = this._prepareUserArgs(argv, parseOptions);
    await this._parseCommand([], userArgs);
    return this;
  }
  _prepareForParse() {
    if (this._savedState === null) {
      this.options.filter(
        (option) => option.negate && option.defaultValue === void 0 && this.getOptionValue(option.attributeName()) === void 0
      ).forEach((option) => {
        const positiveLongFlag = option.long.replace(/^--no-/, "--");
        if (!this._findOption(positiveLongFlag)) {
          this.setOptionValueWithSource(
            option.attributeName(),
            true,
            "default"
          );
        }
      });
      this.saveStateBeforeParse();
    } else {
      this.restoreStateBeforeParse();
    }
  }
  /**
   * Called the first time parse is called to save state and allow a restore before subsequent calls to parse.
   * Not usually called directly, but available for subclasses to save their custom state.
   *
   * This is called in a lazy way. Only commands used in parsing chain will have state saved.
   */
  saveStateBeforeParse() {
    this._savedState = {
      // name is stable if supplied by author, but may be unspecified for root command and deduced during parsing
      _name: this._name,
      // option values before parse have default values (including false for negated options)
      // shallow clones
      _optionValues: { ...this._optionValues },
      _optionValueSources: { ...this._optionValueSources }
    };
  }
  /**
   * Restore state before parse for calls after the first.
   * Not usually called directly, but available for subclasses to save their custom state.
   *
   * This is called in a lazy way. Only commands used in parsing chain will have state restored.
   */
  restoreStateBeforeParse() {
    if (this._storeOptionsAsProperties)
      throw new Error(`Can not call parse again when storeOptionsAsProperties is true.
- either make a new Command for each call to parse, or stop storing options as properties`);
    this._name = this._savedState._name;
    this._scriptPath = null;
    this.rawArgs = [];
    this._optionValues = { ...this._savedState._optionValues };
    this._optionValueSources = { ...this._savedState._optionValueSources };
    this.args = [];
    this.processedArgs = [];
  }
  /**
   * Throw if expected executable is missing. Add lots of help for author.
   *
   * @param {string} executableFile
   * @param {string} executableDir
   * @param {string} subcommandName
   */
  _checkForMissingExecutable(executableFile, executableDir, subcommandName) {
    if (fs.existsSync(executableFile)) return;
    const executableDirMessage = executableDir ? `searched for local subcommand relative to directory '${executableDir}'` : "no directory for search for local subcommand, use .executableDir() to supply a custom directory";
    const executableMissing = `'${executableFile}' does not exist
 - if '${subcommandName}' is not meant to be an executable command, remove description parameter from '.command()' and use '.description()' instead
 - if the default executable name is not suitable, use the executableFile option to supply a custom name or path
 - ${executableDirMessage}`;
    throw new Error(executableMissing);
  }
  /**
   * Execute a sub-command executable.
   *
   * @private
   */
  _executeSubCommand(subcommand, args) {
    args = args.slice();
    const sourceExt = [".js", ".ts", ".tsx", ".mjs", ".cjs"];
    function findFile(baseDir, baseName) {
      const localBin = path.resolve(baseDir, baseName);
      if (fs.existsSync(localBin)) return localBin;
      if (sourceExt.includes(path.extname(baseName))) return void 0;
      const foundExt = sourceExt.find(
        (ext) => fs.existsSync(`${localBin}${ext}`)
      );
      if (foundExt) return `${localBin}${foundExt}`;
      return void 0;
    }
    this._checkForMissingMandatoryOptions();
    this._checkForConflictingOptions();
    let executableFile = subcommand._executableFile || `${this._name}-${subcommand._name}`;
    let executableDir = this._executableDir || "";
    if (this._scriptPath) {
      let resolvedScriptPath;
      try {
        resolvedScriptPath = fs.realpathSync(this._scriptPath);
      } catch {
        resolvedScriptPath = this._scriptPath;
      }
      executableDir = path.resolve(
        path.dirname(resolvedScriptPath),
        executableDir
      );
    }
    if (executableDir) {
      let localFile = findFile(executableDir, executableFile);
      if (!localFile && !subcommand._executableFile && this._scriptPath) {
        const legacyName = path.basename(
          this._scriptPath,
          path.extname(this._scriptPath)
        );
        if (legacyName !== this._name) {
          localFile = findFile(
            executableDir,
            `${legacyName}-${subcommand._name}`
          );
        }
      }
      executableFile = localFile || executableFile;
    }
    const launchWithNode = sourceExt.includes(path.extname(executableFile));
    let proc;
    if (process2.platform !== "win32") {
      if (launchWithNode) {
        args.unshift(executableFile);
        args = incrementNodeInspectorPort(process2.execArgv).concat(args);
        proc = childProcess.spawn(process2.argv[0], args, { stdio: "inherit" });
      } else {
        proc = childProcess.spawn(executableFile, args, { stdio: "inherit" });
      }
    } else {
      this._checkForMissingExecutable(
        executableFile,
        executableDir,
        subcommand._name
      );
      args.unshift(executableFile);
      args = incrementNodeInspectorPort(process2.execArgv).concat(args);
      proc = childProcess.spawn(process2.execPath, args, { stdio: "inherit" });
    }
    if (!proc.killed) {
      const signals = ["SIGUSR1", "SIGUSR2", "SIGTERM", "SIGINT", "SIGHUP"];
      signals.forEach((signal) => {
        process2.on(signal, () => {
          if (proc.killed === false && proc.exitCode === null) {
            proc.kill(signal);
          }
        });
      });
    }
    const exitCallback = this._exitCallback;
    proc.on("close", (code) => {
      code = code ?? 1;
      if (!exitCallback) {
        process2.exit(code);
      } else {
        exitCallback(
          new CommanderError(
            code,
            "commander.executeSubCommandAsync",
            "(close)"
          )
        );
      }
    });
    proc.on("error", (err) => {
      if (err.code === "ENOENT") {
        this._checkForMissingExecutable(
          executableFile,
          executableDir,
          subcommand._name
        );
      } else if (err.code === "EACCES") {
        throw new Error(`'${executableFile}' not executable`);
      }
      if (!exitCallback) {
        process2.exit(1);
      } else {
        const wrappedError = new CommanderError(
          1,
          "commander.executeSubCommandAsync",
          "(error)"
        );
        wrappedError.nestedError = err;
        exitCallback(wrappedError);
      }
    });
    this.runningCommand = proc;
  }
  /**
   * @private
   */
  _dispatchSubcommand(commandName, operands, unknown) {
    const subCommand = this._findCommand(commandName);
    if (!subCommand) this.help({ error: true });
    subCommand._prepareForParse();
    let promiseChain;
    promiseChain = this._chainOrCallSubCommandHook(
      promiseChain,
      subCommand,
      "preSubcommand"
    );
    promiseChain = this._chainOrCall(promiseChain, () => {
      if (subCommand._executableHandler) {
        this._executeSubCommand(subCommand, operands.concat(unknown));
      } else {
        return subCommand._parseCommand(operands, unknown);
      }
    });
    return promiseChain;
  }
  /**
   * Invoke help directly if possible, or dispatch if necessary.
   * e.g. help foo
   *
   * @private
   */
  _dispatchHelpCommand(subcommandName) {
    if (!subcommandName) {
      this.help();
    }
    const subCommand = this._findCommand(subcommandName);
    if (subCommand && !subCommand._executableHandler) {
      subCommand.help();
    }
    return this._dispatchSubcommand(
      subcommandName,
      [],
      [this._getHelpOption()?.long ?? this._getHelpOption()?.short ?? "--help"]
    );
  }
  /**
   * Check this.args against expected this.registeredArguments.
   *
   * @private
   */
  _checkNumberOfArguments() {
    this.registeredArguments.forEach((arg, i) => {
      if (arg.required && this.args[i] == null) {
        this.missingArgument(arg.name());
      }
    });
    if (this.registeredArguments.length > 0 && this.registeredArguments[this.registeredArguments.length - 1].variadic) {
      return;
    }
    if (this.args.length > this.registeredArguments.length) {
      this._excessArguments(this.args);
    }
  }
  /**
   * Process this.args using this.registeredArguments and save as this.processedArgs!
   *
   * @private
   */
  _processArguments() {
    const myParseArg = (argument, value, previous) => {
      let parsedValue = value;
      if (value !== null && argument.parseArg) {
        const invalidValueMessage = `error: command-argument value '${value}' is invalid for argument '${argument.name()}'.`;
        parsedValue = this._callParseArg(
          argument,
          value,
          previous,
          invalidValueMessage
        );
      }
      return parsedValue;
    };
    this._checkNumberOfArguments();
    const processedArgs = [];
    this.registeredArguments.forEach((declaredArg, index) => {
      let value = declaredArg.defaultValue;
      if (declaredArg.variadic) {
        if (index < this.args.length) {
          value = this.args.slice(index);
          if (declaredArg.parseArg) {
            value = value.reduce((processed, v) => {
              return myParseArg(declaredArg, v, processed);
            }, declaredArg.defaultValue);
          }
        } else if (value === void 0) {
          value = [];
        }
      } else if (index < this.args.length) {
        value = this.args[index];
        if (declaredArg.parseArg) {
          value = myParseArg(declaredArg, value, declaredArg.defaultValue);
        }
      }
      processedArgs[index] = value;
    });
    this.processedArgs = processedArgs;
  }
  /**
   * Once we have a promise we chain, but call synchronously until then.
   *
   * @param {(Promise|undefined)} promise
   * @param {Function} fn
   * @return {(Promise|undefined)}
   * @private
   */
  _chainOrCall(promise2, fn) {
    if (promise2?.then && typeof promise2.then === "function") {
      return promise2.then(() => fn());
    }
    return fn();
  }
  /**
   *
   * @param {(Promise|undefined)} promise
   * @param {string} event
   * @return {(Promise|undefined)}
   * @private
   */
  _chainOrCallHooks(promise2, event) {
    let result = promise2;
    const hooks = [];
    this._getCommandAndAncestors().reverse().filter((cmd) => cmd._lifeCycleHooks[event] !== void 0).forEach((hookedCommand) => {
      hookedCommand._lifeCycleHooks[event].forEach((callback2) => {
        hooks.push({ hookedCommand, callback: callback2 });
      });
    });
    if (event === "postAction") {
      hooks.reverse();
    }
    hooks.forEach((hookDetail) => {
      result = this._chainOrCall(result, () => {
        return hookDetail.callback(hookDetail.hookedCommand, this);
      });
    });
    return result;
  }
  /**
   *
   * @param {(Promise|undefined)} promise
   * @param {Command} subCommand
   * @param {string} event
   * @return {(Promise|undefined)}
   * @private
   */
  _chainOrCallSubCommandHook(promise2, subCommand, event) {
    let result = promise2;
    if (this._lifeCycleHooks[event] !== void 0) {
      this._lifeCycleHooks[event].forEach((hook) => {
        result = this._chainOrCall(result, () => {
          return hook(this, subCommand);
        });
      });
    }
    return result;
  }
  /**
   * Process arguments in context of this command.
   * Returns action result, in case it is a promise.
   *
   * @private
   */
  _parseCommand(operands, unknown) {
    const parsed = this.parseOptions(unknown);
    this._parseOptionsEnv();
    this._parseOptionsImplied();
    operands = operands.concat(parsed.operands);
    unknown = parsed.unknown;
    this.args = operands.concat(unknown);
    if (operands && this._findCommand(operands[0])) {
      return this._dispatchSubcommand(operands[0], operands.slice(1), unknown);
    }
    if (this._getHelpCommand() && operands[0] === this._getHelpCommand().name()) {
      return this._dispatchHelpCommand(operands[1]);
    }
    if (this._defaultCommandName) {
      this._outputHelpIfRequested(unknown);
      return this._dispatchSubcommand(
        this._defaultCommandName,
        operands,
        unknown
      );
    }
    if (this.commands.length && this.args.length === 0 && !this._actionHandler && !this._defaultCommandName) {
      this.help({ error: true });
    }
    this._outputHelpIfRequested(parsed.unknown);
    this._checkForMissingMandatoryOptions();
    this._checkForConflictingOptions();
    const checkForUnknownOptions = () => {
      if (parsed.unknown.length > 0) {
        this.unknownOption(parsed.unknown[0]);
      }
    };
    const commandEvent = `command:${this.name()}`;
    if (this._actionHandler) {
      checkForUnknownOptions();
      this._processArguments();
      let promiseChain;
      promiseChain = this._chainOrCallHooks(promiseChain, "preAction");
      promiseChain = this._chainOrCall(
        promiseChain,
        () => this._actionHandler(this.processedArgs)
      );
      if (this.parent) {
        promiseChain = this._chainOrCall(promiseChain, () => {
          this.parent.emit(commandEvent, operands, unknown);
        });
      }
      promiseChain = this._chainOrCallHooks(promiseChain, "postAction");
      return promiseChain;
    }
    if (this.parent?.listenerCount(commandEvent)) {
      checkForUnknownOptions();
      this._processArguments();
      this.parent.emit(commandEvent, operands, unknown);
    } else if (operands.length) {
      if (this._findCommand("*")) {
        return this._dispatchSubcommand("*", operands, unknown);
      }
      if (this.listenerCount("command:*")) {
        this.emit("command:*", operands, unknown);
      } else if (this.commands.length) {
        this.unknownCommand();
      } else {
        checkForUnknownOptions();
        this._processArguments();
      }
    } else if (this.commands.length) {
      checkForUnknownOptions();
      this.help({ error: true });
    } else {
      checkForUnknownOptions();
      this._processArguments();
    }
  }
  /**
   * Find matching command.
   *
   * @private
   * @return {Command | undefined}
   */
  _findCommand(name) {
    if (!name) return void 0;
    return this.commands.find(
      (cmd) => cmd._name === name || cmd._aliases.includes(name)
    );
  }
  /**
   * Return an option matching `arg` if any.
   *
   * @param {string} arg
   * @return {Option}
   * @package
   */
  _findOption(arg) {
    return this.options.find((option) => option.is(arg));
  }
  /**
   * Display an error message if a mandatory option does not have a value.
   * Called after checking for help flags in leaf subcommand.
   *
   * @private
   */
  _checkForMissingMandatoryOptions() {
    this._getCommandAndAncestors().forEach((cmd) => {
      cmd.options.forEach((anOption) => {
        if (anOption.mandatory && cmd.getOptionValue(anOption.attributeName()) === void 0) {
          cmd.missingMandatoryOptionValue(anOption);
        }
      });
    });
  }
  /**
   * Display an error message if conflicting options are used together in this.
   *
   * @private
   */
  _checkForConflictingLocalOptions() {
    const definedNonDefaultOptions = this.options.filter((option) => {
      const optionKey = option.attributeName();
      if (this.getOptionValue(optionKey) === void 0) {
        return false;
      }
      return this.getOptionValueSource(optionKey) !== "default";
    });
    const optionsWithConflicting = definedNonDefaultOptions.filter(
      (option) => option.conflictsWith.length > 0
    );
    optionsWithConflicting.forEach((option) => {
      const conflictingAndDefined = definedNonDefaultOptions.find(
        (defined) => option.conflictsWith.includes(defined.attributeName())
      );
      if (conflictingAndDefined) {
        this._conflictingOption(option, conflictingAndDefined);
      }
    });
  }
  /**
   * Display an error message if conflicting options are used together.
   * Called after checking for help flags in leaf subcommand.
   *
   * @private
   */
  _checkForConflictingOptions() {
    this._getCommandAndAncestors().forEach((cmd) => {
      cmd._checkForConflictingLocalOptions();
    });
  }
  /**
   * Parse options from `argv` removing known options,
   * and return argv split into operands and unknown arguments.
   *
   * Side effects: modifies command by storing options. Does not reset state if called again.
   *
   * Examples:
   *
   *     argv => operands, unknown
   *     --known kkk op => [op], []
   *     op --known kkk => [op], []
   *     sub --unknown uuu op => [sub], [--unknown uuu op]
   *     sub -- --unknown uuu op => [sub --unknown uuu op], []
   *
   * @param {string[]} args
   * @return {{operands: string[], unknown: string[]}}
   */
  parseOptions(args) {
    const operands = [];
    const unknown = [];
    let dest = operands;
    function maybeOption(arg) {
      return arg.length > 1 && arg[0] === "-";
    }
    const negativeNumberArg = (arg) => {
      if (!/^-(\d+|\d*\.\d+)([eE][+-]?\d+)?$/.test(arg)) return false;
      return !this._getCommandAndAncestors().some(
        (cmd) => cmd.options.map((opt) => opt.short).some((short2) => /^-\d$/.test(short2))
      );
    };
    let activeVariadicOption = null;
    let activeGroup = null;
    let i = 0;
    while (i < args.length || activeGroup) {
      const arg = activeGroup ?? args[i++];
      activeGroup = null;
      if (arg === "--") {
        if (dest === unknown) dest.push(arg);
        dest.push(...args.slice(i));
        break;
      }
      if (activeVariadicOption && (!maybeOption(arg) || negativeNumberArg(arg))) {
        this.emit(`option:${activeVariadicOption.name()}`, arg);
        continue;
      }
      activeVariadicOption = null;
      if (maybeOption(arg)) {
        const option = this._findOption(arg);
        if (option) {
          if (option.required) {
            const value = args[i++];
            if (value === void 0) this.optionMissingArgument(option);
            this.emit(`option:${option.name()}`, value);
          } else if (option.optional) {
            let value = null;
            if (i < args.length && (!maybeOption(args[i]) || negativeNumberArg(args[i]))) {
              value = args[i++];
            }
            this.emit(`option:${option.name()}`, value);
          } else {
            this.emit(`option:${option.name()}`);
          }
          activeVariadicOption = option.variadic ? option : null;
          continue;
        }
      }
      if (arg.length > 2 && arg[0] === "-" && arg[1] !== "-") {
        const option = this._findOption(`-${arg[1]}`);
        if (option) {
          if (option.required || option.optional && this._combineFlagAndOptionalValue) {
            this.emit(`option:${option.name()}`, arg.slice(2));
          } else {
            this.emit(`option:${option.name()}`);
            activeGroup = `-${arg.slice(2)}`;
          }
          continue;
        }
      }
      if (/^--[^=]+=/.test(arg)) {
        const index = arg.indexOf("=");
        const option = this._findOption(arg.slice(0, index));
        if (option && (option.required || option.optional)) {
          this.emit(`option:${option.name()}`, arg.slice(index + 1));
          continue;
        }
      }
      if (dest === operands && maybeOption(arg) && !(this.commands.length === 0 && negativeNumberArg(arg))) {
        dest = unknown;
      }
      if ((this._enablePositionalOptions || this._passThroughOptions) && operands.length === 0 && unknown.length === 0) {
        if (this._findCommand(arg)) {
          operands.push(arg);
          unknown.push(...args.slice(i));
          break;
        } else if (this._getHelpCommand() && arg === this._getHelpCommand().name()) {
          operands.push(arg, ...args.slice(i));
          break;
        } else if (this._defaultCommandName) {
          unknown.push(arg, ...args.slice(i));
          break;
        }
      }
      if (this._passThroughOptions) {
        dest.push(arg, ...args.slice(i));
        break;
      }
      dest.push(arg);
    }
    return { operands, unknown };
  }
  /**
   * Return an object containing local option values as key-value pairs.
   *
   * @return {object}
   */
  opts() {
    if (this._storeOptionsAsProperties) {
      const result = {};
      const len = this.options.length;
      for (let i = 0; i < len; i++) {
        const key = this.options[i].attributeName();
        result[key] = key === this._versionOptionName ? this._version : this[key];
      }
      return result;
    }
    return this._optionValues;
  }
  /**
   * Return an object containing merged local and global option values as key-value pairs.
   *
   * @return {object}
   */
  optsWithGlobals() {
    return this._getCommandAndAncestors().reduce(
      (combinedOptions, cmd) => Object.assign(combinedOptions, cmd.opts()),
      {}
    );
  }
  /**
   * Display error message and exit (or call exitOverride).
   *
   * @param {string} message
   * @param {object} [errorOptions]
   * @param {string} [errorOptions.code] - an id string representing the error
   * @param {number} [errorOptions.exitCode] - used with process.exit
   */
  error(message, errorOptions) {
    this._outputConfiguration.outputError(
      `${message}
`,
      this._outputConfiguration.writeErr
    );
    if (typeof this._showHelpAfterError === "string") {
      this._outputConfiguration.writeErr(`${this._showHelpAfterError}
`);
    } else if (this._showHelpAfterError) {
      this._outputConfiguration.writeErr("\n");
      this.outputHelp({ error: true });
    }
    const config = errorOptions || {};
    const exitCode = config.exitCode || 1;
    const code = config.code || "commander.error";
    this._exit(exitCode, code, message);
  }
  /**
   * Apply any option related environment variables, if option does
   * not have a value from cli or client code.
   *
   * @private
   */
  _parseOptionsEnv() {
    this.options.forEach((option) => {
      if (option.envVar && option.envVar in process2.env) {
        const optionKey = option.attributeName();
        if (this.getOptionValue(optionKey) === void 0 || ["default", "config", "env"].includes(
          this.getOptionValueSource(optionKey)
        )) {
          if (option.required || option.optional) {
            this.emit(`optionEnv:${option.name()}`, process2.env[option.envVar]);
          } else {
            this.emit(`optionEnv:${option.name()}`);
          }
        }
      }
    });
  }
  /**
   * Apply any implied option values, if option is undefined or default value.
   *
   * @private
   */
  _parseOptionsImplied() {
    const dualHelper = new DualOptions(this.options);
    const hasCustomOptionValue = (optionKey) => {
      return this.getOptionValue(optionKey) !== void 0 && !["default", "implied"].includes(this.getOptionValueSource(optionKey));
    };
    this.options.filter(
      (option) => option.implied !== void 0 && hasCustomOptionValue(option.attributeName()) && dualHelper.valueFromOption(
        this.getOptionValue(option.attributeName()),
        option
      )
    ).forEach((option) => {
      Object.keys(option.implied).filter((impliedKey) => !hasCustomOptionValue(impliedKey)).forEach((impliedKey) => {
        this.setOptionValueWithSource(
          impliedKey,
          option.implied[impliedKey],
          "implied"
        );
      });
    });
  }
  /**
   * Argument `name` is missing.
   *
   * @param {string} name
   * @private
   */
  missingArgument(name) {
    const message = `error: missing required argument '${name}'`;
    this.error(message, { code: "commander.missingArgument" });
  }
  /**
   * `Option` is missing an argument.
   *
   * @param {Option} option
   * @private
   */
  optionMissingArgument(option) {
    const message = `error: option '${option.flags}' argument missing`;
    this.error(message, { code: "commander.optionMissingArgument" });
  }
  /**
   * `Option` does not have a value, and is a mandatory option.
   *
   * @param {Option} option
   * @private
   */
  missingMandatoryOptionValue(option) {
    const message = `error: required option '${option.flags}' not specified`;
    this.error(message, { code: "commander.missingMandatoryOptionValue" });
  }
  /**
   * `Option` conflicts with another option.
   *
   * @param {Option} option
   * @param {Option} conflictingOption
   * @private
   */
  _conflictingOption(option, conflictingOption) {
    const findBestOptionFromValue = (option2) => {
      const optionKey = option2.attributeName();
      const optionValue = this.getOptionValue(optionKey);
      const negativeOption = this.options.find(
        (target) => target.negate && optionKey === target.attributeName()
      );
      const positiveOption = this.options.find(
        (target) => !target.negate && optionKey === target.attributeName()
      );
      if (negativeOption && (negativeOption.presetArg === void 0 && optionValue === false || negativeOption.presetArg !== void 0 && optionValue === negativeOption.presetArg)) {
        return negativeOption;
      }
      return positiveOption || option2;
    };
    const getErrorMessage = (option2) => {
      const bestOption = findBestOptionFromValue(option2);
      const optionKey = bestOption.attributeName();
      const source = this.getOptionValueSource(optionKey);
      if (source === "env") {
        return `environment variable '${bestOption.envVar}'`;
      }
      return `option '${bestOption.flags}'`;
    };
    const message = `error: ${getErrorMessage(option)} cannot be used with ${getErrorMessage(conflictingOption)}`;
    this.error(message, { code: "commander.conflictingOption" });
  }
  /**
   * Unknown option `flag`.
   *
   * @param {string} flag
   * @private
   */
  unknownOption(flag) {
    if (this._allowUnknownOption) return;
    let suggestion = "";
    if (flag.startsWith("--") && this._showSuggestionAfterError) {
      let candidateFlags = [];
      let command = this;
      do {
        const moreFlags = command.createHelp().visibleOptions(command).filter((option) => option.long).map((option) => option.long);
        candidateFlags = candidateFlags.concat(moreFlags);
        command = command.parent;
      } while (command && !command._enablePositionalOptions);
      suggestion = suggestSimilar(flag, candidateFlags);
    }
    const message = `error: unknown option '${flag}'${suggestion}`;
    this.error(message, { code: "commander.unknownOption" });
  }
  /**
   * Excess arguments, more than expected.
   *
   * @param {string[]} receivedArgs
   * @private
   */
  _excessArguments(receivedArgs) {
    if (this._allowExcessArguments) return;
    const expected = this.registeredArguments.length;
    const s = expected === 1 ? "" : "s";
    const received = receivedArgs.length;
    const forSubcommand = this.parent ? ` for '${this.name()}'` : "";
    const details = receivedArgs.join(", ");
    const message = `error: too many arguments${forSubcommand}. Expected ${expected} argument${s} but got ${received}: ${details}.`;
    this.error(message, { code: "commander.excessArguments" });
  }
  /**
   * Unknown command.
   *
   * @private
   */
  unknownCommand() {
    const unknownName = this.args[0];
    let suggestion = "";
    if (this._showSuggestionAfterError) {
      const candidateNames = [];
      this.createHelp().visibleCommands(this).forEach((command) => {
        candidateNames.push(command.name());
        if (command.alias()) candidateNames.push(command.alias());
      });
      suggestion = suggestSimilar(unknownName, candidateNames);
    }
    const message = `error: unknown command '${unknownName}'${suggestion}`;
    this.error(message, { code: "commander.unknownCommand" });
  }
  /**
   * Get or set the program version.
   *
   * This method auto-registers the "-V, --version" option which will print the version number.
   *
   * You can optionally supply the flags and description to override the defaults.
   *
   * @param {string} [str]
   * @param {string} [flags]
   * @param {string} [description]
   * @return {(this | string | undefined)} `this` command for chaining, or version string if no arguments
   */
  version(str, flags, description) {
    if (str === void 0) return this._version;
    this._version = str;
    flags = flags || "-V, --version";
    description = description || "output the version number";
    const versionOption = this.createOption(flags, description);
    this._versionOptionName = versionOption.attributeName();
    this._registerOption(versionOption);
    this.on("option:" + versionOption.name(), () => {
      this._outputConfiguration.writeOut(`${str}
`);
      this._exit(0, "commander.version", str);
    });
    return this;
  }
  /**
   * Set the description.
   *
   * @param {string} [str]
   * @param {object} [argsDescription]
   * @return {(string|Command)}
   */
  description(str, argsDescription) {
    if (str === void 0 && argsDescription === void 0)
      return this._description;
    this._description = str;
    if (argsDescription) {
      this._argsDescription = argsDescription;
    }
    return this;
  }
  /**
   * Set the summary. Used when listed as subcommand of parent.
   *
   * @param {string} [str]
   * @return {(string|Command)}
   */
  summary(str) {
    if (str === void 0) return this._summary;
    this._summary = str;
    return this;
  }
  /**
   * Set an alias for the command.
   *
   * You may call more than once to add multiple aliases. Only the first alias is shown in the auto-generated help.
   *
   * @param {string} [alias]
   * @return {(string|Command)}
   */
  alias(alias) {
    if (alias === void 0) return this._aliases[0];
    let command = this;
    if (this.commands.length !== 0 && this.commands[this.commands.length - 1]._executableHandler) {
      command = this.commands[this.commands.length - 1];
    }
    if (alias === command._name)
      throw new Error("Command alias can't be the same as its name");
    const matchingCommand = this.parent?._findCommand(alias);
    if (matchingCommand) {
      const existingCmd = [matchingCommand.name()].concat(matchingCommand.aliases()).join("|");
      throw new Error(
        `cannot add alias '${alias}' to command '${this.name()}' as already have command '${existingCmd}'`
      );
    }
    command._aliases.push(alias);
    return this;
  }
  /**
   * Set aliases for the command.
   *
   * Only the first alias is shown in the auto-generated help.
   *
   * @param {string[]} [aliases]
   * @return {(string[]|Command)}
   */
  aliases(aliases) {
    if (aliases === void 0) return this._aliases;
    aliases.forEach((alias) => this.alias(alias));
    return this;
  }
  /**
   * Set / get the command usage `str`.
   *
   * @param {string} [str]
   * @return {(string|Command)}
   */
  usage(str) {
    if (str === void 0) {
      if (this._usage) return this._usage;
      const args = this.registeredArguments.map((arg) => {
        return humanReadableArgName(arg);
      });
      return [].concat(
        this.options.length || this._helpOption !== null ? "[options]" : [],
        this.commands.length ? "[command]" : [],
        this.registeredArguments.length ? args : []
      ).join(" ");
    }
    this._usage = str;
    return this;
  }
  /**
   * Get or set the name of the command.
   *
   * @param {string} [str]
   * @return {(string|Command)}
   */
  name(str) {
    if (str === void 0) return this._name;
    this._name = str;
    return this;
  }
  /**
   * Set/get the help group heading for this subcommand in parent command's help.
   *
   * @param {string} [heading]
   * @return {Command | string}
   */
  helpGroup(heading) {
    if (heading === void 0) return this._helpGroupHeading ?? "";
    this._helpGroupHeading = heading;
    return this;
  }
  /**
   * Set/get the default help group heading for subcommands added to this command.
   * (This does not override a group set directly on the subcommand using .helpGroup().)
   *
   * @example
   * program.commandsGroup('Development Commands:');
   * program.command('watch')...
   * program.command('lint')...
   * ...
   *
   * @param {string} [heading]
   * @returns {Command | string}
   */
  commandsGroup(heading) {
    if (heading === void 0) return this._defaultCommandGroup ?? "";
    this._defaultCommandGroup = heading;
    return this;
  }
  /**
   * Set/get the default help group heading for options added to this command.
   * (This does not override a group set directly on the option using .helpGroup().)
   *
   * @example
   * program
   *   .optionsGroup('Development Options:')
   *   .option('-d, --debug', 'output extra debugging')
   *   .option('-p, --profile', 'output profiling information')
   *
   * @param {string} [heading]
   * @returns {Command | string}
   */
  optionsGroup(heading) {
    if (heading === void 0) return this._defaultOptionGroup ?? "";
    this._defaultOptionGroup = heading;
    return this;
  }
  /**
   * @param {Option} option
   * @private
   */
  _initOptionGroup(option) {
    if (this._defaultOptionGroup && !option.helpGroupHeading)
      option.helpGroup(this._defaultOptionGroup);
  }
  /**
   * @param {Command} cmd
   * @private
   */
  _initCommandGroup(cmd) {
    if (this._defaultCommandGroup && !cmd.helpGroup())
      cmd.helpGroup(this._defaultCommandGroup);
  }
  /**
   * Set the name of the command from script filename, such as process.argv[1],
   * or import.meta.filename.
   *
   * (Used internally and public although not documented in README.)
   *
   * @example
   * program.nameFromFilename(import.meta.filename);
   *
   * @param {string} filename
   * @return {Command}
   */
  nameFromFilename(filename) {
    this._name = path.basename(filename, path.extname(filename));
    return this;
  }
  /**
   * Get or set the directory for searching for executable subcommands of this command.
   *
   * @example
   * program.executableDir(import.meta.dirname);
   * // or
   * program.executableDir('subcommands');
   *
   * @param {string} [path]
   * @return {(string|null|Command)}
   */
  executableDir(path2) {
    if (path2 === void 0) return this._executableDir;
    this._executableDir = path2;
    return this;
  }
  /**
   * Return program help documentation.
   *
   * @param {{ error: boolean }} [contextOptions] - pass {error:true} to wrap for stderr instead of stdout
   * @return {string}
   */
  helpInformation(contextOptions) {
    const helper = this.createHelp();
    const context = this._getOutputContext(contextOptions);
    helper.prepareContext({
      error: context.error,
      helpWidth: context.helpWidth,
      outputHasColors: context.hasColors
    });
    const text2 = helper.formatHelp(this, helper);
    if (context.hasColors) return text2;
    return this._outputConfiguration.stripColor(text2);
  }
  /**
   * @typedef HelpContext
   * @type {object}
   * @property {boolean} error
   * @property {number} helpWidth
   * @property {boolean} hasColors
   * @property {function} write - includes stripColor if needed
   *
   * @returns {HelpContext}
   * @private
   */
  _getOutputContext(contextOptions) {
    contextOptions = contextOptions || {};
    const error = !!contextOptions.error;
    let baseWrite;
    let hasColors;
    let helpWidth;
    if (error) {
      baseWrite = (str) => this._outputConfiguration.writeErr(str);
      hasColors = this._outputConfiguration.getErrHasColors();
      helpWidth = this._outputConfiguration.getErrHelpWidth();
    } else {
      baseWrite = (str) => this._outputConfiguration.writeOut(str);
      hasColors = this._outputConfiguration.getOutHasColors();
      helpWidth = this._outputConfiguration.getOutHelpWidth();
    }
    const write2 = (str) => {
      if (!hasColors) str = this._outputConfiguration.stripColor(str);
      return baseWrite(str);
    };
    return { error, write: write2, hasColors, helpWidth };
  }
  /**
   * Output help information for this command.
   *
   * Outputs built-in help, and custom text added using `.addHelpText()`.
   *
   * @param {{ error: boolean } | Function} [contextOptions] - pass {error:true} to write to stderr instead of stdout
   */
  outputHelp(contextOptions) {
    let deprecatedCallback;
    if (typeof contextOptions === "function") {
      deprecatedCallback = contextOptions;
      contextOptions = void 0;
    }
    const outputContext = this._getOutputContext(contextOptions);
    const eventContext = {
      error: outputContext.error,
      write: outputContext.write,
      command: this
    };
    this._getCommandAndAncestors().reverse().forEach((command) => command.emit("beforeAllHelp", eventContext));
    this.emit("beforeHelp", eventContext);
    let helpInformation = this.helpInformation({ error: outputContext.error });
    if (deprecatedCallback) {
      helpInformation = deprecatedCallback(helpInformation);
      if (typeof helpInformation !== "string" && !Buffer.isBuffer(helpInformation)) {
        throw new Error("outputHelp callback must return a string or a Buffer");
      }
    }
    outputContext.write(helpInformation);
    if (this._getHelpOption()?.long) {
      this.emit(this._getHelpOption().long);
    }
    this.emit("afterHelp", eventContext);
    this._getCommandAndAncestors().forEach(
      (command) => command.emit("afterAllHelp", eventContext)
    );
  }
  /**
   * You can pass in flags and a description to customise the built-in help option.
   * Pass in false to disable the built-in help option.
   *
   * @example
   * program.helpOption('-?, --help', 'show help'); // customise
   * program.helpOption(false); // disable
   *
   * @param {(string | boolean)} flags
   * @param {string} [description]
   * @return {Command} `this` command for chaining
   */
  helpOption(flags, description) {
    if (typeof flags === "boolean") {
      if (flags) {
        if (this._helpOption === null) this._helpOption = void 0;
        if (this._defaultOptionGroup) {
          this._initOptionGroup(this._getHelpOption());
        }
      } else {
        this._helpOption = null;
      }
      return this;
    }
    this._helpOption = this.createOption(
      flags ?? "-h, --help",
      description ?? "display help for command"
    );
    if (flags || description) this._initOptionGroup(this._helpOption);
    return this;
  }
  /**
   * Lazy create help option.
   * Returns null if has been disabled with .helpOption(false).
   *
   * @returns {(Option | null)} the help option
   * @package
   */
  _getHelpOption() {
    if (this._helpOption === void 0) {
      this.helpOption(void 0, void 0);
    }
    return this._helpOption;
  }
  /**
   * Supply your own option to use for the built-in help option.
   * This is an alternative to using helpOption() to customise the flags and description etc.
   *
   * @param {Option} option
   * @return {Command} `this` command for chaining
   */
  addHelpOption(option) {
    this._helpOption = option;
    this._initOptionGroup(option);
    return this;
  }
  /**
   * Output help information and exit.
   *
   * Outputs built-in help, and custom text added using `.addHelpText()`.
   *
   * @param {{ error: boolean }} [contextOptions] - pass {error:true} to write to stderr instead of stdout
   */
  help(contextOptions) {
    this.outputHelp(contextOptions);
    let exitCode = Number(process2.exitCode ?? 0);
    if (exitCode === 0 && contextOptions && typeof contextOptions !== "function" && contextOptions.error) {
      exitCode = 1;
    }
    this._exit(exitCode, "commander.help", "(outputHelp)");
  }
  /**
   * // Do a little typing to coordinate emit and listener for the help text events.
   * @typedef HelpTextEventContext
   * @type {object}
   * @property {boolean} error
   * @property {Command} command
   * @property {function} write
   */
  /**
   * Add additional text to be displayed with the built-in help.
   *
   * Position is 'before' or 'after' to affect just this command,
   * and 'beforeAll' or 'afterAll' to affect this command and all its subcommands.
   *
   * @param {string} position - before or after built-in help
   * @param {(string | Function)} text - string to add, or a function returning a string
   * @return {Command} `this` command for chaining
   */
  addHelpText(position, text2) {
    const allowedValues = ["beforeAll", "before", "after", "afterAll"];
    if (!allowedValues.includes(position)) {
      throw new Error(`Unexpected value for position to addHelpText.
Expecting one of '${allowedValues.join("', '")}'`);
    }
    const helpEvent = `${position}Help`;
    this.on(helpEvent, (context) => {
      let helpStr;
      if (typeof text2 === "function") {
        helpStr = text2({ error: context.error, command: context.command });
      } else {
        helpStr = text2;
      }
      if (helpStr) {
        context.write(`${helpStr}
`);
      }
    });
    return this;
  }
  /**
   * Output help information if help flags specified
   *
   * @param {Array} args - array of options to search for help flags
   * @private
   */
  _outputHelpIfRequested(args) {
    const helpOption = this._getHelpOption();
    const helpRequested = helpOption && args.find((arg) => helpOption.is(arg));
    if (helpRequested) {
      this.outputHelp();
      this._exit(0, "commander.helpDisplayed", "(outputHelp)");
    }
  }
};
function incrementNodeInspectorPort(args) {
  return args.map((arg) => {
    if (!arg.startsWith("--inspect")) {
      return arg;
    }
    let debugOption;
    let debugHost = "127.0.0.1";
    let debugPort = "9229";
    let match;
    if ((match = arg.match(/^(--inspect(-brk|-wait)?)$/)) !== null) {
      debugOption = match[1];
    } else if ((match = arg.match(
      /^(--inspect(-brk|-port|-wait)?)=(\[[^\]]+\]|[^:]+)$/
    )) !== null) {
      debugOption = match[1];
      if (/^\d+$/.test(match[3])) {
        debugPort = match[3];
      } else {
        debugHost = match[3];
      }
    } else if ((match = arg.match(
      /^(--inspect(-brk|-port|-wait)?)=(\[[^\]]+\]|[^:]+):(\d+)$/
    )) !== null) {
      debugOption = match[1];
      debugHost = match[3];
      debugPort = match[4];
    }
    if (debugOption && debugPort !== "0") {
      return `${debugOption}=${debugHost}:${parseInt(debugPort) + 1}`;
    }
    return arg;
  });
}
function useColor() {
  if (process2.env.NO_COLOR || process2.env.FORCE_COLOR === "0" || process2.env.FORCE_COLOR === "false")
    return false;
  if (process2.env.FORCE_COLOR || process2.env.CLICOLOR_FORCE !== void 0)
    return true;
  return void 0;
}

// ../../node_modules/commander/index.js
var program = new Command();

// dist/commands/build.js
init_define_STOWAGE_UI_ASSETS();
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { basename } from "node:path";

// dist/internal/context.js
init_define_STOWAGE_UI_ASSETS();
import { readFileSync } from "node:fs";
var VERSION = (() => {
  if (true)
    return "0.1.0";
  try {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    return typeof pkg.version === "string" ? pkg.version : "0.0.0";
  } catch {
    return "0.0.0";
  }
})();

// dist/internal/errors.js
init_define_STOWAGE_UI_ASSETS();
var UsageError = class extends Error {
  name = "UsageError";
};
var CliError = class extends Error {
  name = "CliError";
  code;
  constructor(code, message) {
    super(message);
    this.code = code;
  }
};

// dist/internal/format.js
init_define_STOWAGE_UI_ASSETS();
function formatTable(headers, rows) {
  const all = [headers, ...rows];
  const widths = headers.map((_, i) => Math.max(...all.map((r) => (r[i] ?? "").length)));
  return all.map((r) => r.map((cell, i) => i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)).join("  ").trimEnd()).join("\n") + "\n";
}

// dist/internal/pool.js
init_define_STOWAGE_UI_ASSETS();
async function mapLimit(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  let failed = false;
  let failure;
  const worker = async () => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i], i);
      } catch (err) {
        if (!failed) {
          failed = true;
          failure = err;
        }
      }
    }
  };
  const n = Math.max(1, Math.min(Math.floor(limit) || 1, items.length));
  await Promise.all(Array.from({ length: n }, worker));
  if (failed)
    throw failure;
  return results;
}

// dist/internal/project.js
init_define_STOWAGE_UI_ASSETS();
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
async function text(file) {
  try {
    return await readFile(file, "utf8");
  } catch {
    return void 0;
  }
}
var clean = (s) => {
  const v = s?.trim().replace(/^["']|["']$/g, "");
  return v && /^[\w@./:+-]{1,214}$/.test(v) ? v : void 0;
};
async function projectName(tool, dir) {
  switch (tool) {
    case "npm": {
      const pkg = await text(join(dir, "package.json"));
      if (!pkg)
        return void 0;
      try {
        const name = JSON.parse(pkg).name;
        return typeof name === "string" ? clean(name) : void 0;
      } catch {
        return void 0;
      }
    }
    case "maven":
    case "gradle": {
      const pom = await text(join(dir, "pom.xml"));
      if (pom) {
        const top = pom.replace(/<!--[\s\S]*?-->/g, "").replace(/<(parent|dependencies|dependencyManagement|build|profiles|plugins)>[\s\S]*?<\/\1>/g, "");
        const artifact = clean(/<artifactId>([^<]+)<\/artifactId>/.exec(top)?.[1]);
        const group = clean(/<groupId>([^<]+)<\/groupId>/.exec(top)?.[1]) ?? clean(/<parent>[\s\S]*?<groupId>([^<]+)<\/groupId>/.exec(pom)?.[1]);
        if (artifact)
          return group ? `${group}:${artifact}` : artifact;
      }
      const settings = await text(join(dir, "settings.gradle")) ?? await text(join(dir, "settings.gradle.kts"));
      return clean(/rootProject\.name\s*=\s*["']([^"']+)["']/.exec(settings ?? "")?.[1]);
    }
    case "go":
      return clean(/^module\s+(\S+)/m.exec(await text(join(dir, "go.mod")) ?? "")?.[1]);
    case "pip": {
      const pyproject = await text(join(dir, "pyproject.toml"));
      const fromToml = /^\[(?:project|tool\.poetry)\][^[]*?^name\s*=\s*["']([^"']+)["']/ms.exec(pyproject ?? "")?.[1];
      if (fromToml)
        return clean(fromToml);
      return clean(/^\[metadata\][^[]*?^name\s*=\s*(\S+)/ms.exec(await text(join(dir, "setup.cfg")) ?? "")?.[1]);
    }
    case "r":
      return clean(/^Package:\s*(\S+)/m.exec(await text(join(dir, "DESCRIPTION")) ?? "")?.[1]);
    case "conda":
      return clean(/^name:\s*(\S+)/m.exec(await text(join(dir, "environment.yml")) ?? "")?.[1]);
    case "nuget": {
      const files = await readdir(dir).catch(() => []);
      const proj = files.filter((f) => /\.(cs|fs|vb)proj$/.test(f)).sort()[0];
      return proj ? clean(proj.replace(/\.\w+proj$/, "")) : void 0;
    }
    default:
      return void 0;
  }
}

// dist/internal/props.js
init_define_STOWAGE_UI_ASSETS();
function parseProps(input) {
  const out = {};
  if (input === void 0 || input.trim() === "")
    return out;
  for (const pair2 of splitEscaped(input, ";")) {
    if (pair2.trim() === "")
      continue;
    const eq = indexOfUnescaped(pair2, "=");
    if (eq < 0) {
      throw new UsageError(`property "${unescape(pair2)}" has no value; write it as key=value (e.g. --props "team=data;tier=gold")`);
    }
    const key = unescape(pair2.slice(0, eq)).trim();
    if (key === "") {
      throw new UsageError(`property "${unescape(pair2)}" has an empty name; write it as key=value`);
    }
    const values = splitEscaped(pair2.slice(eq + 1), ",").map(unescape);
    (out[key] ??= []).push(...values);
  }
  return out;
}
function mergeProps(...maps) {
  const out = {};
  for (const map of maps) {
    for (const [k, v] of Object.entries(map)) {
      const list2 = out[k] ??= [];
      for (const value of Array.isArray(v) ? v : [v])
        if (!list2.includes(value))
          list2.push(value);
    }
  }
  return out;
}
function indexOfUnescaped(s, ch) {
  for (let i = 0; i < s.length; i++) {
    if (s[i] === "\\")
      i++;
    else if (s[i] === ch)
      return i;
  }
  return -1;
}
function splitEscaped(s, sep3) {
  const parts = [];
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === "\\")
      i++;
    else if (s[i] === sep3) {
      parts.push(s.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(s.slice(start));
  return parts;
}
function unescape(s) {
  return s.replace(/\\(.)/g, "$1");
}
function parseList(input) {
  if (input === void 0)
    return [];
  const all = Array.isArray(input) ? input : [input];
  return all.flatMap((s) => s.split(",")).map((s) => s.trim()).filter((s) => s !== "");
}

// dist/internal/session.js
init_define_STOWAGE_UI_ASSETS();
import { isAbsolute, join as join2, resolve } from "node:path";
var DEFAULT_URL = "http://127.0.0.1:8081";
var Session = class {
  ctx;
  globals;
  ci;
  constructor(ctx, cmd) {
    this.ctx = ctx;
    this.globals = cmd.optsWithGlobals();
    this.ci = detectCi(ctx.env);
  }
  get json() {
    return this.globals.json === true;
  }
  get url() {
    return this.globals.url ?? this.ctx.env.STOWAGE_URL ?? DEFAULT_URL;
  }
  get hasToken() {
    return (this.globals.token ?? this.ctx.env.STOWAGE_TOKEN ?? "") !== "";
  }
  /** A client for the configured server; call `close()` when done (see `withClient`). */
  client(build2) {
    const token = this.globals.token ?? this.ctx.env.STOWAGE_TOKEN;
    return new RepositoryClient({
      url: this.url,
      ...token ? { token } : {},
      ...this.ctx.env.STOWAGE_USER ? { user: this.ctx.env.STOWAGE_USER } : {},
      userAgent: `stowage-cli/${VERSION}`,
      ...build2 ? { build: build2 } : {}
    });
  }
  async withClient(fn, build2) {
    const client = this.client(build2);
    try {
      return await fn(client);
    } finally {
      await client.close().catch(() => {
      });
    }
  }
  /**
   * The build from positional arguments, else `--build-name/--build-number`, else the CI system
   * (GitHub Actions, Jenkins). Undefined when none gives both; a name without a number (or the
   * reverse) is a usage error.
   */
  build(name, number) {
    const n = name ?? this.globals.buildName ?? this.ci.name;
    const m = number ?? this.globals.buildNumber ?? this.ci.number;
    if (n === void 0 && m === void 0)
      return void 0;
    if (n === void 0 || n === "")
      throw new UsageError(`build number ${m} was given without a build name; pass --build-name (or the name argument)`);
    if (m === void 0 || m === "")
      throw new UsageError(`build name "${n}" was given without a build number; pass --build-number (or the number argument)`);
    return { name: n, number: m };
  }
  /** Like `build()`, but one is required. */
  requireBuild(name, number) {
    const b = this.build(name, number);
    if (!b) {
      throw new UsageError("no build given: pass <name> <number>, or --build-name and --build-number (inside GitHub Actions or Jenkins they default to the run)");
    }
    return b;
  }
  /** The local build-info store: --store-dir, $STOWAGE_BUILD_STORE, or .stowage/builds in cwd. */
  store() {
    const dir = this.globals.storeDir ?? this.ctx.env.STOWAGE_BUILD_STORE ?? join2(".stowage", "builds");
    return new BuildStore({ dir: isAbsolute(dir) ? dir : resolve(this.ctx.cwd, dir) });
  }
  /** Resolves a user-given local path against the run's cwd. */
  path(p) {
    return resolve(this.ctx.cwd, p);
  }
  out(text2) {
    this.ctx.stdout.write(text2.endsWith("\n") ? text2 : `${text2}
`);
  }
  err(text2) {
    this.ctx.stderr.write(text2.endsWith("\n") ? text2 : `${text2}
`);
  }
  /** Prints a JSON document on stdout (for --json). */
  printJson(value) {
    this.ctx.stdout.write(`${JSON.stringify(value, null, 2)}
`);
  }
};
function positiveInt(value, option) {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new UsageError(`${option} must be a whole number of at least 1, got "${value}"`);
  }
  return n;
}
function nonNegativeInt(value, option) {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    throw new UsageError(`${option} must be a whole number of at least 0, got "${value}"`);
  }
  return n;
}

// dist/commands/build.js
var collect = (value, previous = []) => [...previous, value];
var NO_LOCKFILE = /* @__PURE__ */ new Set(["ERR_DEPS_LOCKFILE", "ERR_FILE_NOT_FOUND"]);
var DEPS_TOOLS = () => Object.keys(DEPS_COLLECTORS).sort().join(", ") || "none yet";
function buildCommand(program2, ctx) {
  const build2 = program2.command("build").summary("collect, publish, promote, show, list and discard build-info").description("Build-info records what a build produced and consumed. `upload`, `download`,\n`collect-env` and `add-git` add parts to a local store (.stowage/builds); `publish`\nmerges them and sends the build-info to the server; `promote` moves its artifacts\nthrough the stages (staged \u2192 qa \u2192 release).\n\n[name] [number] default to --build-name/--build-number, then to the CI run\n(GitHub Actions: GITHUB_WORKFLOW + GITHUB_RUN_NUMBER; Jenkins: JOB_NAME + BUILD_NUMBER).");
  build2.command("collect-env").summary("record environment variables (secrets excluded)").description(`Record the environment as build properties (buildInfo.env.NAME). Variables whose
names match ${DEFAULT_ENV_EXCLUDE.join(", ")} (case-insensitive)
are left out, and so are values shaped like credentials (GitHub, npm, Slack, AWS and
Stowage tokens, JWTs, private keys, URLs with a password) whatever their name.
--allow keeps a name those patterns match (its value is still checked).`).argument("[name]", "build name").argument("[number]", "build number").option("--include <glob>", "keep only matching variable names (repeatable, comma-separated)", collect).option("--exclude <glob>", "also leave out matching names (repeatable, comma-separated)", collect).option("--allow <glob>", "keep matching names even though a secret pattern matches them, e.g. AUTHOR_* (repeatable)", collect).action(async (name, number, opts, cmd) => {
    const s = new Session(ctx, cmd);
    const b = s.requireBuild(name, number);
    const o = opts;
    const include = parseList(o.include);
    const allow = parseList(o.allow);
    const got = collectEnvDetailed({
      env: ctx.env,
      ...include.length ? { include } : {},
      exclude: [...DEFAULT_ENV_EXCLUDE, ...parseList(o.exclude)],
      ...allow.length ? { allow } : {}
    });
    const properties = got.properties;
    await s.store().addPart(b.name, b.number, { properties });
    const count = Object.keys(properties).length;
    const left = got.excludedByName.length + got.excludedByValue.length;
    if (s.json)
      s.printJson({
        build: b,
        collected: count,
        names: Object.keys(properties),
        excluded: { byName: got.excludedByName, byValue: got.excludedByValue }
      });
    else
      s.out(`collected ${count} environment variable(s) into build ${b.name} #${b.number}` + (left ? ` (${left} left out as secrets)` : ""));
  });
  build2.command("add-git").summary("record the git remote, branch, revision and message").argument("[name]", "build name").argument("[number]", "build number").option("--dir <path>", "a directory inside the git work tree", ".").action(async (name, number, opts, cmd) => {
    const s = new Session(ctx, cmd);
    const b = s.requireBuild(name, number);
    const dir = s.path(opts.dir);
    const vcs = await collectGit({ cwd: dir });
    if (!vcs) {
      throw new CliError("ERR_CLI_NOT_GIT", `${dir} is not inside a git work tree; pass --dir with the checked-out sources`);
    }
    await s.store().addPart(b.name, b.number, { vcs: [vcs] });
    if (s.json)
      s.printJson({ build: b, vcs });
    else
      s.out(`recorded ${vcs.url ?? "(no remote)"} ${vcs.branch ?? "(detached)"} @ ${(vcs.revision ?? "?").slice(0, 12)} into build ${b.name} #${b.number}`);
  });
  build2.command("add-deps").summary("record a package manager's resolved dependencies, with checksums").description("Reads what a tool resolved (package-lock.json, requirements.txt with hashes or pip's\ninstalled set, go.sum, Maven's resolved tree, \u2026) and cross-checks it against what the\nserver recorded as downloaded for this build, so every dependency appears once with\nthe checksums of the file actually served.").argument("<tool>", `the package manager (${DEPS_TOOLS()})`).argument("[name]", "build name").argument("[number]", "build number").option("--dir <path>", "project directory", ".").option("--file <path>", "the lockfile or manifest (default: the tool's usual one)").option("--module <id>", "module id in the build-info (default: <tool>:<the project's name> from package.json, pom.xml, go.mod, pyproject.toml, \u2026; else the directory's name)").option("--no-downloads", "don't cross-check with the server's download records").action(async (tool, name, number, opts, cmd) => {
    const s = new Session(ctx, cmd);
    const b = s.requireBuild(name, number);
    const o = opts;
    const dir = s.path(o.dir);
    const downloads = o.downloads ? await s.withClient((c) => c.buildDownloads(b.name, b.number)) : void 0;
    let deps;
    try {
      deps = await collectDependencies(tool, {
        dir,
        ...o.file ? { file: s.path(o.file) } : {}
      });
    } catch (err) {
      if (!downloads?.length || !isStowageError(err) || !NO_LOCKFILE.has(err.code))
        throw err;
      s.err(`${err.message}; using the ${downloads.length} downloads the server recorded`);
      deps = [];
    }
    if (downloads)
      deps = mergeWithDownloads(deps, downloads, DOWNLOAD_IDS[tool]);
    const recorded = downloads?.length ?? 0;
    const id = o.module ?? `${tool}:${await projectName(tool, dir) ?? basename(dir)}`;
    await s.store().addPart(b.name, b.number, { modules: [{ id, type: tool, dependencies: deps }] });
    const withSha256 = deps.filter((d) => d.sha256).length;
    if (s.json)
      s.printJson({
        build: b,
        module: id,
        dependencies: deps.length,
        withSha256,
        downloadsRecorded: recorded
      });
    else
      s.out(`recorded ${deps.length} ${tool} dependencies (${withSha256} with sha256; ${recorded} downloads on the server) into build ${b.name} #${b.number}, module ${id}`);
  });
  build2.command("push-part").summary("move the parts recorded here to the server, for a publish on another agent").description("Send what this workspace recorded for the build (its local parts, merged) to the server\nas one part of the build in progress, and clear the local parts. `build publish` on\nany agent or job then merges every part kept on the server (Stowage only).").argument("[name]", "build name").argument("[number]", "build number").option("--part <id>", "part id (default: host, time and a random suffix; the same id replaces)").action(async (name, number, opts, cmd) => {
    await pushPart(new Session(ctx, cmd), name, number, opts);
  });
  build2.command("publish").summary("merge the local parts (and those on the server) and publish the build-info").description("Merge the parts recorded for the build, set started, durationMillis, agent,\nbuildAgent, url and principal, and publish it: on Stowage the server merges, in one\ntransaction, the build it has, the parts other agents pushed (`build push-part`) and\nthis one; elsewhere (Artifactory) it is merged over the published build with a\nconditional PUT /api/build. Clears the local parts. --dry-run prints the build-info\ninstead and keeps the parts.").argument("[name]", "build name").argument("[number]", "build number").option("--dry-run", "print the build-info; publish nothing, keep the local parts").option("--env", "also collect the environment (secrets excluded) before publishing").action(async (name, number, opts, cmd) => {
    const s = new Session(ctx, cmd);
    await publish(s, name, number, opts);
  });
  build2.command("promote").summary("promote a build to a stage (or repository)").description("Move (or --copy) the build\u2019s artifacts to the stage\u2019s repository and append a status.\n--to takes a stage name (staged, qa, release: see GET /api/stowage/v1/stages) or a\nrepository key. The status defaults to the stage name. The server promotes all or\nnothing unless --no-fail-fast is given.").argument("<name>", "build name").argument("<number>", "build number").requiredOption("--to <stage|repo>", "target stage or repository").option("--status <status>", "status to record (default: the stage name)").option("--comment <text>", "comment stored with the status").option("--copy", "copy the artifacts instead of moving them").option("--dry-run", "check the promotion; change nothing").option("--props <k=v;\u2026>", "properties to set on the promoted artifacts").option("--source-repo <repo>", "only promote artifacts found in this repository").option("--include-dependencies", "promote the build\u2019s dependencies too").option("--no-fail-fast", "promote what can be promoted even if some artifacts are missing").option("--allow-empty", "promote (record the status) even when the build has nothing to move").option("--approver <who>", "who approved the promotion (recorded with the status; default $STOWAGE_APPROVER)").option("--ci-user <who>", "who asked for it (default: the CI run\u2019s user)").action(async (name, number, opts, cmd) => {
    await promote(new Session(ctx, cmd), name, number, opts);
  });
  build2.command("show").summary("show a published build").argument("<name>", "build name").argument("<number>", "build number").action(async (name, number, _opts, cmd) => {
    const s = new Session(ctx, cmd);
    const info = await s.withClient((c) => c.getBuild(name, number));
    if (s.json)
      s.printJson(info);
    else
      s.out(describeBuild(info));
  });
  build2.command("list").summary("list build names, or the runs of one build with their status").argument("[name]", "build name").action(async (name, _opts, cmd) => {
    await list(new Session(ctx, cmd), name);
  });
  build2.command("discard").summary("apply retention: keep the newest builds, discard the rest").argument("<name>", "build name").option("--max-builds <n>", "keep at most this many runs (newest first)").option("--max-days <n>", "discard runs started more than this many days ago").option("--exclude-builds <numbers>", "never discard these runs, e.g. 1,2").option("--delete-artifacts", "also delete the discarded runs\u2019 artifacts").action(async (name, opts, cmd) => {
    await discard(new Session(ctx, cmd), name, opts);
  });
  build2.command("delete").summary("delete runs of a build").argument("<name>", "build name").argument("<number...>", "build numbers").option("--delete-artifacts", "also delete their artifacts").action(async (name, numbers, opts, cmd) => {
    const s = new Session(ctx, cmd);
    const deleteArtifacts = opts.deleteArtifacts === true;
    await s.withClient((c) => c.deleteBuilds({ name, numbers, deleteArtifacts }));
    if (s.json)
      s.printJson({ name, deleted: numbers, deleteArtifacts });
    else
      s.out(`deleted build ${name} #${numbers.join(", #")}${deleteArtifacts ? " and its artifacts" : ""}`);
  });
}
function buildUrl(s, name, number) {
  return `${s.url.replace(/\/+$/, "")}/api/build/${encodeURIComponent(name)}/${encodeURIComponent(number)}`;
}
async function publish(s, name, number, opts) {
  const b = s.requireBuild(name, number);
  const store = s.store();
  if (opts.env) {
    await store.addPart(b.name, b.number, {
      properties: collectEnv({ env: s.ctx.env, exclude: [...DEFAULT_ENV_EXCLUDE] })
    });
  }
  const local = await store.load(b.name, b.number);
  const now = /* @__PURE__ */ new Date();
  const started = local?.started ? parseStarted(local.started) : now;
  const base = newBuildInfo({
    name: b.name,
    number: b.number,
    started,
    agent: s.ci.agent ?? { name: "stowage", version: VERSION },
    buildAgent: { name: "stowage", version: VERSION },
    ...s.ci.url ? { url: s.ci.url } : {},
    ...s.ci.principal ? { principal: s.ci.principal } : {}
  });
  const info = local ? mergeBuildInfo(base, local) : base;
  info.name = b.name;
  info.number = b.number;
  info.durationMillis = Math.max(0, now.getTime() - started.getTime());
  info.agent = base.agent;
  info.buildAgent = base.buildAgent;
  if (base.url)
    info.url = base.url;
  if (base.principal)
    info.principal = base.principal;
  if (opts.dryRun) {
    let unreachable = "";
    const parts2 = await s.withClient((c) => c.listBuildParts(b.name, b.number)).catch((err) => {
      if (!(isStowageError(err) && err.status === 404))
        unreachable = err instanceof Error ? err.message : String(err);
      return [];
    });
    if (unreachable && !s.json)
      s.err(`stowage: note: parts kept on the server are not included: ${unreachable}`);
    const preview = parts2.length ? mergeBuildInfo(info, ...parts2.map((p) => p.doc)) : info;
    if (s.json)
      s.printJson({ dryRun: true, serverParts: parts2.length, buildInfo: preview });
    else {
      s.out(`dry run: would publish build ${b.name} #${b.number} to ${s.url}${parts2.length ? ` (with ${parts2.length} part(s) kept on the server)` : ""}:`);
      s.out(JSON.stringify(preview, null, 2));
    }
    return;
  }
  const { published, parts } = await s.withClient(async (c) => {
    try {
      const r = await c.publishBuildParts(b.name, b.number, info);
      return { published: r.buildInfo, parts: r.parts };
    } catch (err) {
      if (!(isStowageError(err) && err.status === 404))
        throw err;
      return { published: await publishMerged(c, info), parts: 0 };
    }
  });
  await store.clear(b.name, b.number);
  const url = buildUrl(s, b.name, b.number);
  const modules = published.modules ?? [];
  const artifacts = modules.reduce((n, m) => n + (m.artifacts?.length ?? 0), 0);
  const dependencies = modules.reduce((n, m) => n + (m.dependencies?.length ?? 0), 0);
  if (artifacts + dependencies === 0) {
    s.err(`stowage: warning: build ${b.name} #${b.number} was published with no artifacts and no dependencies: nothing was recorded in ${store.dir}${parts ? "" : " nor pushed to the server"}. If the uploads ran on another agent or job, run \`stowage build push-part\` there first.`);
  }
  if (s.json) {
    s.printJson({
      published: true,
      name: b.name,
      number: b.number,
      url,
      artifacts,
      dependencies,
      serverParts: parts,
      localParts: local !== void 0
    });
    return;
  }
  s.out(`published build ${b.name} #${b.number} (${modules.length} module(s), ${artifacts} artifact(s), ${dependencies} dependenc${dependencies === 1 ? "y" : "ies"})`);
  s.out(url);
}
async function pushPart(s, name, number, opts) {
  const b = s.requireBuild(name, number);
  const store = s.store();
  const local = await store.load(b.name, b.number);
  if (!local) {
    if (s.json)
      s.printJson({ pushed: false, name: b.name, number: b.number });
    else
      s.out(`nothing recorded for build ${b.name} #${b.number} in ${store.dir}: nothing to push`);
    return;
  }
  const part = opts.part ?? defaultPartId();
  if (!/^[A-Za-z0-9._:-]{1,128}$/.test(part)) {
    throw new UsageError(`--part "${part}" is not usable: use letters, digits, ".", "_", ":" and "-" (at most 128)`);
  }
  const { name: _n, number: _v, ...doc } = local;
  await s.withClient((c) => c.putBuildPart(b.name, b.number, part, doc));
  await store.clear(b.name, b.number);
  const modules = local.modules ?? [];
  const artifacts = modules.reduce((n, m) => n + (m.artifacts?.length ?? 0), 0);
  const dependencies = modules.reduce((n, m) => n + (m.dependencies?.length ?? 0), 0);
  if (s.json) {
    s.printJson({ pushed: true, name: b.name, number: b.number, part, artifacts, dependencies });
  } else {
    s.out(`pushed part ${part} of build ${b.name} #${b.number} to the server (${artifacts} artifact(s), ${dependencies} dependenc${dependencies === 1 ? "y" : "ies"}); \`stowage build publish\` anywhere merges it`);
  }
}
function defaultPartId() {
  const host = hostname().replace(/[^A-Za-z0-9._-]/g, "-").slice(0, 60) || "host";
  return `${host}.${Date.now().toString(36)}.${randomBytes(4).toString("hex")}`;
}
async function resolveTarget(c, to) {
  const stages = await c.stages();
  const byName = stages.find((st) => st.name === to);
  if (byName)
    return { repo: byName.repo, stage: byName.name };
  const byRepo = stages.find((st) => st.repo === to);
  if (byRepo)
    return { repo: byRepo.repo, stage: byRepo.name };
  const repos = await c.listRepositories();
  if (!repos.some((r) => r.key === to)) {
    const names = stages.map((st) => st.name).join(", ");
    throw new CliError("ERR_CLI_UNKNOWN_TARGET", `"${to}" is neither a stage (${names || "none defined"}) nor a repository; pass one of the stages or a repository key`);
  }
  return { repo: to };
}
async function promote(s, name, number, opts) {
  const props = parseProps(opts.props);
  const result = await s.withClient(async (c) => {
    const target = await resolveTarget(c, opts.to);
    const status = opts.status ?? target.stage ?? target.repo;
    const body = {
      status,
      targetRepo: target.repo,
      copy: opts.copy === true,
      dryRun: opts.dryRun === true,
      artifacts: true,
      dependencies: opts.includeDependencies === true,
      failFast: opts.failFast !== false,
      timestamp: formatStarted(/* @__PURE__ */ new Date())
    };
    if (opts.comment !== void 0)
      body.comment = opts.comment;
    if (opts.sourceRepo !== void 0)
      body.sourceRepo = opts.sourceRepo;
    const ciUser = opts.ciUser ?? s.ci.principal;
    if (ciUser)
      body.ciUser = ciUser;
    const approver = opts.approver ?? s.ctx.env.STOWAGE_APPROVER;
    if (approver)
      body.approver = approver;
    if (opts.allowEmpty)
      body.allowEmpty = true;
    if (Object.keys(props).length > 0)
      body.properties = props;
    const res = await c.promote(name, number, body);
    return { target, status, res };
  });
  const errors = result.res.messages.filter((m) => m.level.toLowerCase() === "error");
  if (s.json) {
    s.printJson({
      name,
      number,
      status: result.status,
      targetRepo: result.target.repo,
      stage: result.target.stage ?? null,
      dryRun: opts.dryRun === true,
      copy: opts.copy === true,
      messages: result.res.messages
    });
  } else {
    for (const m of result.res.messages)
      s.out(`  ${m.level}: ${m.message}`);
    const verb = opts.copy ? "copied" : "moved";
    s.out(opts.dryRun ? `dry run: build ${name} #${number} can be promoted to ${result.target.repo} (status ${result.status}); nothing changed` : `promoted build ${name} #${number} to ${result.target.repo} (status ${result.status}; artifacts ${verb})`);
  }
  if (errors.length > 0) {
    throw new CliError("ERR_CLI_PROMOTION", `promotion of build ${name} #${number} reported ${errors.length} error(s); see the messages above`);
  }
}
function describeBuild(info) {
  const lines = [];
  const kv = [
    ["Build", `${info.name} #${info.number}`],
    ["Started", info.started],
    [
      "Duration",
      info.durationMillis !== void 0 ? formatDuration(info.durationMillis) : void 0
    ],
    ["Agent", info.agent ? `${info.agent.name} ${info.agent.version ?? ""}`.trim() : void 0],
    [
      "Build agent",
      info.buildAgent ? `${info.buildAgent.name} ${info.buildAgent.version ?? ""}`.trim() : void 0
    ],
    ["Principal", info.principal],
    ["URL", info.url]
  ];
  for (const v of info.vcs ?? []) {
    kv.push([
      "VCS",
      `${v.url ?? "(no remote)"} ${v.branch ?? ""} ${v.revision?.slice(0, 12) ?? ""}`.replace(/\s+/g, " ").trim()
    ]);
  }
  const props = Object.keys(info.properties ?? {}).length;
  if (props)
    kv.push(["Properties", `${props} (see --json)`]);
  for (const [k, v] of kv)
    if (v)
      lines.push(`${`${k}:`.padEnd(13)}${v}`);
  const artRows = [];
  const depRows = [];
  for (const m of info.modules ?? []) {
    for (const a of m.artifacts ?? []) {
      artRows.push([
        m.id,
        a.path ?? a.name,
        a.type ?? "",
        a.size !== void 0 ? formatBytes(a.size) : "",
        (a.sha256 ?? a.sha1 ?? "").slice(0, 12)
      ]);
    }
    for (const d of m.dependencies ?? []) {
      depRows.push([m.id, d.id, d.type ?? "", (d.sha256 ?? d.sha1 ?? "").slice(0, 12)]);
    }
  }
  if (artRows.length) {
    lines.push("", "Artifacts:");
    lines.push(formatTable(["MODULE", "PATH", "TYPE", "SIZE", "SHA256"], artRows).trimEnd());
  }
  if (depRows.length) {
    lines.push("", "Dependencies:");
    lines.push(formatTable(["MODULE", "ID", "TYPE", "SHA256"], depRows).trimEnd());
  }
  const statuses = info.statuses ?? [];
  if (statuses.length) {
    lines.push("", "Statuses:");
    lines.push(formatTable(["STATUS", "REPOSITORY", "TIMESTAMP", "REQUESTED BY", "APPROVED BY", "COMMENT"], statuses.map((st) => [
      st.status,
      st.repository ?? "",
      st.timestamp,
      st.ciUser ?? st.user ?? "",
      st.approver ?? "",
      st.comment ?? ""
    ])).trimEnd());
  }
  return lines.join("\n");
}
var byNumber = (a, b) => a.number.localeCompare(b.number, void 0, { numeric: true });
async function list(s, name) {
  if (name === void 0) {
    const builds = await s.withClient((c) => c.listBuilds());
    builds.sort((a, b) => a.name.localeCompare(b.name));
    if (s.json)
      s.printJson({ builds });
    else if (builds.length === 0)
      s.out("no builds published yet");
    else
      s.out(formatTable(["BUILD", "LAST STARTED"], builds.map((b) => [b.name, b.lastStarted])));
    return;
  }
  const runs = await s.withClient(async (c) => {
    const numbers = (await c.listBuildNumbers(name)).sort(byNumber);
    return mapLimit(numbers, 4, async (n) => {
      const info = await c.getBuild(name, n.number);
      const last = info.statuses?.[info.statuses.length - 1];
      return {
        number: n.number,
        started: n.started || info.started,
        status: last?.status ?? null,
        repository: last?.repository ?? null,
        statuses: (info.statuses ?? []).map((st) => st.status)
      };
    });
  });
  if (s.json) {
    s.printJson({ name, builds: runs });
    return;
  }
  s.out(formatTable(["NUMBER", "STARTED", "STATUS", "HISTORY"], runs.map((r) => [r.number, r.started, r.status ?? "-", r.statuses.join(" \u2192 ") || "-"])));
}
async function discard(s, name, opts) {
  if (opts.maxBuilds === void 0 && opts.maxDays === void 0) {
    throw new UsageError("say what to keep: pass --max-builds <n> and/or --max-days <n>");
  }
  const count = opts.maxBuilds !== void 0 ? nonNegativeInt(opts.maxBuilds, "--max-builds") : void 0;
  const days = opts.maxDays !== void 0 ? positiveInt(opts.maxDays, "--max-days") : void 0;
  const keep = parseList(opts.excludeBuilds);
  const discarded = await s.withClient(async (c) => {
    const before = (await c.listBuildNumbers(name)).map((b) => b.number);
    await c.retention(name, {
      ...count !== void 0 ? { count } : {},
      ...days !== void 0 ? { minimumBuildDate: Date.now() - days * 864e5 } : {},
      deleteBuildArtifacts: opts.deleteArtifacts === true,
      ...keep.length ? { buildNumbersNotToBeDiscarded: keep } : {}
    });
    const after = new Set((await c.listBuildNumbers(name).catch(() => [])).map((b) => b.number));
    return before.filter((n) => !after.has(n));
  });
  discarded.sort((a, b) => a.localeCompare(b, void 0, { numeric: true }));
  if (s.json)
    s.printJson({ name, discarded, deleteArtifacts: opts.deleteArtifacts === true });
  else if (discarded.length === 0)
    s.out(`nothing to discard for build ${name}`);
  else
    s.out(`discarded build ${name} #${discarded.join(", #")}${opts.deleteArtifacts ? " and their artifacts" : ""}`);
}

// dist/commands/dispatch.js
init_define_STOWAGE_UI_ASSETS();
function dispatchCommand(program2, ctx) {
  program2.command("promote").summary("ask GitHub to run the promotion workflow for a build (--dispatch)").description("Triggers the promotion workflow (workflow_dispatch) with the build name, number and\ntarget stage as its inputs; the workflow promotes through its GitHub Environment, so\nrequired reviewers approve it. Needs GITHUB_TOKEN (or GH_TOKEN) with actions:write.\nChecks first that the build exists on the Stowage server, and prints the URL of the\nrun it started. To promote directly, use `stowage build promote`.").argument("<name>", "build name").argument("<number>", "build number").requiredOption("--to <stage>", 'target stage (the workflow input "stage")').option("--dispatch", "trigger the promotion workflow on GitHub (required)").option("--workflow <file|id>", "the workflow file name or id", "promote.yml").option("--ref <ref>", "branch or tag to run the workflow on", "main").option("--repo <owner/name>", "GitHub repository (default $GITHUB_REPOSITORY)").option("--github-api-url <url>", "GitHub API URL (default $GITHUB_API_URL or api.github.com)").option("--comment <text>", 'passed as the workflow input "comment"').action(async (name, number, opts, cmd) => {
    const s = new Session(ctx, cmd);
    if (!opts.dispatch) {
      throw new UsageError("stowage promote only dispatches the promotion workflow: pass --dispatch, or use `stowage build promote` to promote directly");
    }
    const repository = opts.repo ?? ctx.env.GITHUB_REPOSITORY ?? "";
    if (!/^[^/]+\/[^/]+$/.test(repository)) {
      throw new UsageError("pass --repo owner/name (or set GITHUB_REPOSITORY)");
    }
    const token = ctx.env.GITHUB_TOKEN ?? ctx.env.GH_TOKEN;
    if (!token) {
      throw new UsageError("set GITHUB_TOKEN (or GH_TOKEN) to a token that may run workflows");
    }
    await s.withClient(async (c) => {
      try {
        await c.getBuild(name, number);
      } catch (err) {
        if (isStowageError(err) && err.status === 404) {
          throw new CliError("ERR_CLI_BUILD_NOT_FOUND", `build ${name} #${number} does not exist on ${s.url}; nothing was dispatched (list the runs with \`stowage build list ${name}\`)`);
        }
        throw err;
      }
    });
    const api = (opts.githubApiUrl ?? ctx.env.GITHUB_API_URL ?? "https://api.github.com").replace(/\/+$/, "");
    const inputs = {
      "build-name": name,
      "build-number": number,
      stage: opts.to,
      ...opts.comment ? { comment: opts.comment } : {}
    };
    const url = `${api}/repos/${repository}/actions/workflows/${encodeURIComponent(opts.workflow)}/dispatches`;
    let res;
    try {
      res = await fetch(url, {
        method: "POST",
        headers: {
          accept: "application/vnd.github+json",
          authorization: `Bearer ${token}`,
          "content-type": "application/json",
          "user-agent": "stowage-cli",
          "x-github-api-version": "2022-11-28"
        },
        body: JSON.stringify({ ref: opts.ref, inputs, return_run_details: true })
      });
    } catch (err) {
      throw new CliError("ERR_CLI_GITHUB_UNREACHABLE", `cannot reach GitHub at ${api}: ${err instanceof Error ? err.message : String(err)}; check --github-api-url`);
    }
    if (res.status !== 204 && res.status !== 200) {
      const text2 = (await res.text()).slice(0, 500);
      throw new CliError("ERR_CLI_GITHUB_DISPATCH", `GitHub refused to run ${opts.workflow} in ${repository} (HTTP ${res.status}): ${text2}; check the workflow has on: workflow_dispatch, the ref exists, and the token may run workflows`);
    }
    const run3 = res.status === 200 ? await runDetails(res) : {};
    const runUrl = run3.htmlUrl ?? `https://github.com/${repository}/actions/workflows/${opts.workflow}`;
    if (s.json)
      s.printJson({
        dispatched: true,
        repository,
        workflow: opts.workflow,
        ref: opts.ref,
        inputs,
        runId: run3.id ?? null,
        runUrl: run3.htmlUrl ?? null
      });
    else {
      s.out(`asked GitHub to run ${opts.workflow} on ${opts.ref} in ${repository}: promote ${name} #${number} to ${opts.to}`);
      s.out(run3.htmlUrl ? `run: ${runUrl}` : `runs: ${runUrl} (GitHub did not say which run)`);
    }
  });
}
async function runDetails(res) {
  let body;
  try {
    body = await res.json();
  } catch {
    return {};
  }
  if (typeof body !== "object" || body === null)
    return {};
  const o = body;
  return {
    ...typeof o.workflow_run_id === "number" ? { id: o.workflow_run_id } : {},
    ...typeof o.html_url === "string" && /^https?:\/\//.test(o.html_url) ? { htmlUrl: o.html_url } : {}
  };
}

// dist/commands/docker.js
init_define_STOWAGE_UI_ASSETS();
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join as join3 } from "node:path";
var collect2 = (v, prev) => [...prev, v];
function parseBuildRef(text2) {
  const slash = text2.lastIndexOf("/");
  const name = text2.slice(0, slash);
  const number = text2.slice(slash + 1);
  if (slash <= 0 || number === "")
    throw new UsageError(`"${text2}" is not a build: write it as name/number, e.g. img-job/7`);
  return { name, number };
}
var looksLikeImage = (text2) => /[:@]/.test(text2);
function dockerCommand(program2, ctx) {
  const docker = program2.command("docker").summary("container images: push/pull with skopeo, record them in build-info, layer sizes");
  const copyOptions = (c) => c.option("--all", "copy every platform of a multi-platform index (skopeo --multi-arch all)").option("--module <id>", "build-info module id (default: {image}:{tag})").option("--skopeo <path>", "the skopeo program (env STOWAGE_SKOPEO, default skopeo)").option("--skopeo-arg <arg>", "one more argument for skopeo copy (repeatable)", collect2, []);
  copyOptions(docker.command("push").summary("copy an image into Stowage with skopeo and record it in the build").description("Runs `skopeo copy <source> docker://{host}/{repo}/{image}:{tag}` with the Stowage token\n(in a temporary auth file, never on the command line), then reads the manifest back\nfrom the registry and, with a build (--build-name/--build-number or the CI run), adds a\nbuild-info module of type docker: id {image}:{tag}, the manifest digest, tag and\nplatform as properties, each layer and the config blob as an artifact sha256__{hex}.\n<source> is in skopeo transport syntax (oci:layout:tag, oci-archive:x.tar,\ndocker-archive:x.tar, docker-daemon:img:tag, dir:path); a bare path is an OCI layout.").argument("<source>", "the image to push, in skopeo transport syntax").argument("<image>", "where in Stowage: {repo}/{image}:{tag}")).addHelpText("after", "\nExamples:\n  stowage docker push oci:build/layout:app docker-local/etl:42 --build-name etl --build-number 42\n  stowage docker push docker-daemon:etl:42 docker-local/etl:42\n  stowage docker push docker-archive:etl.tar docker-local/etl:42\n").action(async (source, image, opts, cmd) => {
    await copy(new Session(ctx, cmd), "push", source, image, opts);
  });
  copyOptions(docker.command("pull").summary("copy an image out of Stowage with skopeo; its layers become build dependencies").description("Runs `skopeo copy docker://{host}/{repo}/{image}:{tag} <dest>` with the Stowage token and,\nwith a build, records the image as a docker module whose dependencies are its layers\nand config blob (sha256__{hex} with their sha256). <dest> is in skopeo transport syntax;\na bare path is an OCI layout (oci:path).").argument("<image>", "what to pull: {repo}/{image}:{tag} or {repo}/{image}@sha256:\u2026").argument("<dest>", "where to, in skopeo transport syntax")).addHelpText("after", "\nExamples:\n  stowage docker pull docker/etl:42 oci:out/layout:etl\n  stowage docker pull docker/etl:42 docker-daemon:etl:42\n").action(async (image, dest, opts, cmd) => {
    await copy(new Session(ctx, cmd), "pull", dest, image, opts);
  });
  docker.command("record").summary("record an image already in Stowage as a docker module of the build").description("For images pushed with docker, buildx or podman: reads {repo}/{image}:{tag} from the\nregistry and adds the same docker module `stowage docker push` adds (--as pull: the\nlayers as dependencies instead). Needs a build (--build-name/--build-number or the CI run).").argument("<image>", "{repo}/{image}:{tag}").option("--module <id>", "build-info module id (default: {image}:{tag})").option("--as <kind>", "push (layers are artifacts) or pull (layers are dependencies)", "push").addHelpText("after", "\nExample:\n  docker push 127.0.0.1:8081/docker-local/etl:42\n  stowage docker record docker-local/etl:42 --build-name etl --build-number 42\n").action(async (image, opts, cmd) => {
    const s = new Session(ctx, cmd);
    if (opts.as !== "push" && opts.as !== "pull")
      throw new UsageError(`--as must be push or pull, got "${opts.as}"`);
    const build2 = s.requireBuild();
    const ref = parseImageRef(image);
    const img = await s.withClient((c) => readRemoteImage(c, ref));
    const module = await record(s, build2, img, opts.as, opts.module);
    if (s.json)
      return s.printJson({ ...summary(img), build: { ...build2, module: module.id } });
    s.out(`${describe(img)}, recorded in build ${build2.name} #${build2.number}`);
  });
  docker.command("layers").summary("per-layer sizes of an image in Stowage, or of a build\u2019s docker modules").description('With {repo}/{image}:{tag} (anything holding ":" or "@"): the layers the registry keeps for\nthat manifest (each platform of an index). With a build written name/number: the layers\nof its docker modules, from the published build-info (else the local store).').argument("<image-or-build>", "{repo}/{image}:{tag}, or a build as name/number").addHelpText("after", "\nExamples:\n  stowage docker layers docker-local/etl:42\n  stowage docker layers etl/42\n").action(async (target, _opts, cmd) => {
    const s = new Session(ctx, cmd);
    if (looksLikeImage(target))
      await imageLayers(s, parseImageRef(target));
    else
      await buildLayers(s, parseBuildRef(target));
  });
  docker.command("diff").summary("shared and new layers, and the size change, between two builds\u2019 images").description("Compares the docker modules of two published builds (server analytics, images matched by\nname, tags ignored): the layers the newer build shares with the older, the new ones, the\nremoved ones, and the image size change. Builds are written name/number; the first is\nthe older.").argument("<from>", "the older build, name/number").argument("<to>", "the newer build, name/number").option("--layers", "list every layer").addHelpText("after", "\nExample:\n  stowage docker diff etl/41 etl/42\n").action(async (fromText, toText, opts, cmd) => {
    const s = new Session(ctx, cmd);
    const from = parseBuildRef(fromText);
    const to = parseBuildRef(toText);
    const d = await s.withClient((c) => c.imageDiff({ name: to.name, number: to.number, other: from.number, otherName: from.name }));
    const images = d.images.map((i) => {
      const before = i.shared.bytes + i.removed.bytes;
      const after = i.shared.bytes + i.new.bytes;
      return { ...i, fromBytes: before, toBytes: after, change: after - before };
    });
    if (s.json)
      return s.printJson({ ...d, images });
    if (images.length === 0)
      return s.out(`no docker modules in ${from.name} #${from.number} or ${to.name} #${to.number}`);
    s.out(`${from.name} #${from.number} \u2192 ${to.name} #${to.number}`);
    s.out(formatTable(["IMAGE", "FROM", "TO", "SHARED", "NEW", "REMOVED", "SIZE", "CHANGE"], images.map((i) => [
      i.image,
      i.from ?? "-",
      i.to ?? "-",
      `${i.shared.count} (${formatBytes(i.shared.bytes)})`,
      `${i.new.count} (${formatBytes(i.new.bytes)})`,
      `${i.removed.count} (${formatBytes(i.removed.bytes)})`,
      `${formatBytes(i.fromBytes)} \u2192 ${formatBytes(i.toBytes)}`,
      signedBytes(i.change)
    ])));
    if (!opts.layers)
      return;
    const rows = [];
    for (const i of images) {
      for (const [status, set] of [
        ["shared", i.shared],
        ["new", i.new],
        ["removed", i.removed]
      ]) {
        for (const l of set.layers)
          rows.push([i.image, status, l.digest, l.size === null ? "?" : String(l.size)]);
      }
    }
    s.out(formatTable(["IMAGE", "STATUS", "DIGEST", "BYTES"], rows));
  });
}
async function copy(s, direction, location, imageText, opts) {
  const ref = parseImageRef(imageText);
  if (direction === "push" && ref.reference.startsWith("sha256:"))
    throw new UsageError(`push to a tag, not a digest: ${imageText}`);
  const build2 = s.build();
  const token = s.globals.token ?? s.ctx.env.STOWAGE_TOKEN;
  const user = s.ctx.env.STOWAGE_USER;
  const other = skopeoLocation(location);
  const insecurePolicy = !hasPolicy(s);
  if (insecurePolicy && !s.json)
    s.err("no containers policy.json found: running skopeo with --insecure-policy");
  const res = await skopeoCopy({
    url: s.url,
    direction,
    location: other,
    ref,
    ...token ? { token } : {},
    ...user ? { user } : {},
    ...opts.all ? { all: true } : {},
    insecurePolicy,
    args: opts.skopeoArg,
    skopeo: opts.skopeo ?? s.ctx.env.STOWAGE_SKOPEO ?? "skopeo",
    env: { ...s.ctx.env }
  });
  const img = await s.withClient((c) => readRemoteImage(c, ref));
  if (direction === "push" && res.digest && res.digest !== img.digest) {
    s.err(`warning: skopeo wrote ${res.digest} but ${imageText} is now ${img.digest} (another push in between?)`);
  }
  const module = build2 ? await record(s, build2, img, direction, opts.module) : void 0;
  const registry = registryLocation(s.url, ref);
  if (s.json) {
    s.printJson({
      ...summary(img),
      source: direction === "push" ? other : registry,
      dest: direction === "push" ? registry : other,
      build: build2 && module ? { ...build2, module: module.id } : null
    });
    return;
  }
  const arrow = direction === "push" ? `${other} \u2192 ${registry}` : `${registry} \u2192 ${other}`;
  s.out(`${direction === "push" ? "pushed" : "pulled"} ${arrow}`);
  s.out(describe(img) + (build2 ? `, recorded in build ${build2.name} #${build2.number}` : ""));
}
async function record(s, build2, img, as, id) {
  const module = dockerModule(img, as, id);
  const store = s.store();
  const existing = await store.load(build2.name, build2.number);
  await store.addPart(build2.name, build2.number, {
    ...existing ? {} : { started: formatStarted(/* @__PURE__ */ new Date()) },
    modules: [module]
  });
  return module;
}
function summary(img) {
  return {
    image: `${img.ref.repo}/${img.ref.image}`,
    reference: img.ref.reference,
    module: moduleIdOf(img.ref),
    digest: img.digest,
    mediaType: img.mediaType,
    platforms: img.platforms.map((p) => ({
      platform: p.platform ?? null,
      digest: p.digest,
      config: p.config,
      layers: p.layers,
      size: p.config.size + p.layers.reduce((n, l) => n + l.size, 0)
    }))
  };
}
function describe(img) {
  const plats = img.platforms.map((p) => {
    const size = p.config.size + p.layers.reduce((n, l) => n + l.size, 0);
    return `${p.platform ?? "image"}: ${p.layers.length} layers, ${formatBytes(size)}`;
  });
  return `${img.ref.repo}/${moduleIdOf(img.ref)} ${img.digest} (${plats.join("; ")})`;
}
function hasPolicy(s) {
  const home = s.ctx.env.HOME ?? homedir();
  return existsSync(join3(home, ".config", "containers", "policy.json")) || existsSync("/etc/containers/policy.json");
}
async function imageLayers(s, ref) {
  const view = await s.withClient((c) => c.imageLayers(`${ref.repo}/${ref.image}`, ref.reference));
  if (s.json)
    return s.printJson(view);
  s.out(`${ref.repo}/${moduleIdOf(ref)} ${view.digest} (${view.mediaType}), stored in ${view.storedIn}, ${formatBytes(view.totalSize)}`);
  const rows = [];
  const add = (platform, config, layers) => {
    if (config)
      rows.push([platform, "config", config.digest, String(config.size), formatBytes(config.size)]);
    layers.forEach((l, i) => rows.push([platform, `layer ${i + 1}`, l.digest, String(l.size), formatBytes(l.size)]));
  };
  if (view.manifests) {
    for (const m of view.manifests) {
      const plat = platformOf(m.platform) ?? m.digest.slice(0, 19);
      if (m.missing)
        rows.push([plat, "missing", m.digest, "", ""]);
      else
        add(plat, void 0, m.layers ?? []);
    }
  } else {
    add("-", view.config, view.layers ?? []);
  }
  s.out(formatTable(["PLATFORM", "BLOB", "DIGEST", "BYTES", "SIZE"], rows));
}
async function buildLayers(s, build2) {
  let info;
  let from = "server";
  try {
    info = await s.withClient((c) => c.getBuild(build2.name, build2.number));
  } catch (err) {
    if (!(isStowageError(err) && err.status === 404))
      throw err;
    info = await s.store().load(build2.name, build2.number);
    from = "local store";
  }
  if (!info)
    throw new UsageError(`build ${build2.name} #${build2.number} was not found`);
  const modules = (info.modules ?? []).filter((m) => m.type === "docker");
  const images = modules.map((m) => {
    const blobs = [
      ...(m.artifacts ?? []).map((a) => ({
        name: a.name,
        type: a.type,
        sha256: a.sha256,
        size: a.size
      })),
      ...(m.dependencies ?? []).map((d) => ({
        name: d.id,
        type: d.type,
        sha256: d.sha256,
        size: void 0
      }))
    ];
    return {
      module: m.id,
      digest: m.properties?.["docker.image.digest"] ?? null,
      platform: m.properties?.["docker.image.platform"] ?? null,
      direction: m.artifacts?.length ? "push" : "pull",
      size: blobs.reduce((n, b) => n + (b.size ?? 0), 0),
      layers: blobs.map((b) => ({
        digest: b.sha256 ? `sha256:${b.sha256}` : b.name,
        type: b.type ?? null,
        size: b.size ?? null
      }))
    };
  });
  if (s.json)
    return s.printJson({ name: build2.name, number: build2.number, from, images });
  if (images.length === 0)
    return s.out(`build ${build2.name} #${build2.number} has no docker modules (${from})`);
  const rows = [];
  for (const i of images) {
    rows.push([i.module, i.direction, i.digest ?? "-", "", formatBytes(i.size)]);
    for (const l of i.layers)
      rows.push([
        "",
        `  ${l.type ?? ""}`,
        l.digest,
        l.size === null ? "?" : String(l.size),
        l.size === null ? "?" : formatBytes(l.size)
      ]);
  }
  s.out(`build ${build2.name} #${build2.number} (${from})`);
  s.out(formatTable(["MODULE", "BLOB", "DIGEST", "BYTES", "SIZE"], rows));
}
function platformOf(p) {
  if (!p || typeof p.os !== "string" || typeof p.architecture !== "string")
    return void 0;
  return `${p.os}/${p.architecture}${typeof p.variant === "string" ? `/${p.variant}` : ""}`;
}
function signedBytes(n) {
  return n === 0 ? "0 B" : `${n > 0 ? "+" : "-"}${formatBytes(Math.abs(n))}`;
}

// dist/commands/download.js
init_define_STOWAGE_UI_ASSETS();
import { stat, unlink } from "node:fs/promises";
import { basename as basename3 } from "node:path";

// dist/internal/paths.js
init_define_STOWAGE_UI_ASSETS();
import { basename as basename2, isAbsolute as isAbsolute2, relative, resolve as resolve2, sep } from "node:path";
function parseRepoPath(arg, what = "target") {
  const trimmed = arg.trim().replace(/^\/+/, "");
  const slash = trimmed.indexOf("/");
  const repo = slash < 0 ? trimmed : trimmed.slice(0, slash);
  const rest = slash < 0 ? "" : trimmed.slice(slash + 1);
  if (repo === "") {
    throw new UsageError(`${what} "${arg}" has no repository; write it as <repository>/<path>, e.g. generic-staging/reports/`);
  }
  const segments = rest.split("/").filter((s) => s !== "");
  if (segments.some((s) => s === "." || s === "..")) {
    throw new UsageError(`${what} "${arg}" must not contain "." or ".." segments`);
  }
  return { repo, path: segments.join("/"), folder: rest === "" || rest.endsWith("/") };
}
var GLOB_CHARS = /[*?[\]{}]/;
function globBase(pattern) {
  const parts = pattern.split(/[\\/]/);
  const fixed = [];
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i] ?? "";
    if (GLOB_CHARS.test(part))
      break;
    fixed.push(part);
  }
  if (fixed.length === 0)
    return ".";
  const joined = fixed.join("/");
  return joined === "" ? "/" : joined;
}
function mapUploadTargets(matches, target, opts) {
  if (!target.folder) {
    if (matches.length !== 1) {
      throw new UsageError(`target "${target.repo}/${target.path}" names one file but ${matches.length} files matched; end the target with "/" to upload into a folder`);
    }
    const only = matches[0];
    return only ? [{ file: only.file, path: target.path }] : [];
  }
  const prefix = target.path === "" ? "" : `${target.path}/`;
  return matches.map(({ file, pattern }) => {
    let rel;
    if (opts.flat) {
      rel = basename2(file);
    } else {
      const fromCwd = relative(opts.cwd, file);
      rel = fromCwd !== "" && !fromCwd.startsWith("..") && !isAbsolute2(fromCwd) ? fromCwd : relative(resolve2(opts.cwd, globBase(pattern)), file);
      if (rel.startsWith("..") || isAbsolute2(rel))
        rel = basename2(file);
    }
    return { file, path: prefix + rel.split(sep).join("/") };
  });
}
function remoteGlob(pattern) {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? "";
    if (c === "*") {
      if (pattern[i + 1] === "*") {
        i++;
        if (pattern[i + 1] === "/") {
          i++;
          re += "(?:.*/)?";
        } else
          re += ".*";
      } else
        re += "[^/]*";
    } else if (c === "?")
      re += "[^/]";
    else if (c === "{")
      re += "(?:";
    else if (c === "}")
      re += ")";
    else if (c === "," && re.includes("(?:"))
      re += "|";
    else
      re += c.replace(/[.+^$()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}
function remoteGlobBase(pattern) {
  const segs = pattern.split("/");
  const fixed = [];
  for (const s of segs.slice(0, -1)) {
    if (GLOB_CHARS.test(s))
      break;
    fixed.push(s);
  }
  return fixed.join("/");
}
function safeJoin(dir, rel) {
  const out = resolve2(dir, ...rel.split("/"));
  const back = relative(dir, out);
  if (back === "" || back.startsWith("..") || isAbsolute2(back)) {
    throw new UsageError(`refusing to write ${rel} outside ${dir}`);
  }
  return out;
}
var COMPOUND = ["tar.gz", "tar.bz2", "tar.xz", "tar.zst"];
function artifactType(name) {
  const lower = basename2(name).toLowerCase();
  for (const c of COMPOUND)
    if (lower.endsWith(`.${c}`))
      return c;
  const dot = lower.lastIndexOf(".");
  if (dot <= 0 || dot === lower.length - 1)
    return void 0;
  return lower.slice(dot + 1);
}

// dist/internal/progress.js
init_define_STOWAGE_UI_ASSETS();
var Progress = class {
  #out;
  #enabled;
  #label;
  #totalFiles;
  #totalBytes;
  #perFile = /* @__PURE__ */ new Map();
  #bytes = 0;
  #files = 0;
  #lastDraw = 0;
  constructor(out, opts) {
    this.#out = out;
    this.#enabled = opts.enabled;
    this.#label = opts.label;
    this.#totalFiles = opts.files;
    this.#totalBytes = opts.bytes;
  }
  /** A transfer reports its own running total; unknown totals (-1) are learned as they come. */
  update(index, done, total) {
    if (!this.#enabled)
      return;
    const before = this.#perFile.get(index) ?? 0;
    this.#perFile.set(index, done);
    this.#bytes += done - before;
    if (this.#totalBytes < this.#bytes && total > 0)
      this.#totalBytes = this.#bytes;
    this.#draw(false);
  }
  fileDone() {
    if (!this.#enabled)
      return;
    this.#files++;
    this.#draw(this.#files === this.#totalFiles);
  }
  /** Clears the line so that the summary that follows starts clean. */
  finish() {
    if (this.#enabled)
      this.#out.write("\r\x1B[K");
  }
  #draw(force) {
    const now = Date.now();
    if (!force && now - this.#lastDraw < 100)
      return;
    this.#lastDraw = now;
    const width = 24;
    const ratio = this.#totalBytes > 0 ? Math.min(1, this.#bytes / this.#totalBytes) : 0;
    const filled = Math.round(ratio * width);
    const bar = `${"#".repeat(filled)}${".".repeat(width - filled)}`;
    this.#out.write(`\r\x1B[K${this.#label} [${bar}] ${Math.round(ratio * 100)}%  ${this.#files}/${this.#totalFiles} files  ${formatBytes(this.#bytes)} / ${formatBytes(this.#totalBytes)}`);
  }
};
function progressEnabled(stderr, env, json) {
  const ci = env.CI !== void 0 && env.CI !== "" && env.CI !== "false" && env.CI !== "0";
  return stderr.isTTY === true && !ci && !json && env.TERM !== "dumb";
}

// dist/commands/download.js
function downloadCommand(program2, ctx) {
  program2.command("download").summary("download a file, a folder or a pattern, verifying checksums").description("Download one file, a whole folder (recursively) or the files matching a pattern\n(`*`, `**`, `?`, `{a,b}` in the path) into dest (default: the current directory).\nEvery file is checked against the checksums the server announces. With a build it\nis recorded as a dependency of that build in the local build-info store.").argument("<source>", "repo/path of a file or folder, or repo/path/with/*.globs").argument("[dest]", "destination folder (ending in /) or file name", ".").option("--module <id>", "build-info module id for the dependencies (default: the build name)").option("--flat", "put every file directly in dest instead of keeping folders").option("--threads <n>", "parallel downloads", "3").addHelpText("after", '\nExamples:\n  stowage download generic-release/nightly-report/report.csv\n  stowage download generic-release/nightly-report/ out/\n  stowage download "generic-qa/nightly-report/**/*.csv" out/ --flat\n').action(async (source, dest, opts, cmd) => {
    await download(new Session(ctx, cmd), source, dest, opts);
  });
}
async function isDirectory(p) {
  return (await stat(p).catch(() => void 0))?.isDirectory() === true;
}
async function plan(client, repo, path2, destArg, destAbs, flat) {
  const destIsDir = destArg.endsWith("/") || destArg === "." || await isDirectory(destAbs);
  const place = (repoPath, rel) => safeJoin(destAbs, flat ? basename3(repoPath) : rel);
  if (GLOB_CHARS.test(path2)) {
    const base = remoteGlobBase(path2);
    const re = remoteGlob(path2);
    const { files } = await client.list(repo, base, { deep: true });
    const prefix = base === "" ? "" : `${base}/`;
    const out = files.filter((f) => !f.folder).map((f) => ({ f, full: prefix + f.uri.replace(/^\/+/, "") })).filter(({ full }) => re.test(full)).map(({ f, full }) => ({
      path: full,
      dest: place(full, full.slice(prefix.length)),
      ...f.sha1 ? { sha1: f.sha1 } : {},
      ...f.sha2 ? { sha256: f.sha2 } : {}
    }));
    if (out.length === 0) {
      throw new CliError("ERR_CLI_NO_MATCH", `nothing in ${repo}/${base} matches "${path2}"; list the folder with \`stowage download ${repo}/${base}/ --json\` or check the pattern`);
    }
    return out;
  }
  const info = await client.storage(repo, path2);
  if (path2 === "" || Array.isArray(info.children)) {
    const { files } = await client.list(repo, path2, { deep: true });
    const prefix = path2 === "" ? "" : `${path2}/`;
    const out = files.filter((f) => !f.folder).map((f) => {
      const rel = f.uri.replace(/^\/+/, "");
      return {
        path: prefix + rel,
        dest: place(prefix + rel, rel),
        ...f.sha1 ? { sha1: f.sha1 } : {},
        ...f.sha2 ? { sha256: f.sha2 } : {}
      };
    });
    if (out.length === 0) {
      throw new CliError("ERR_CLI_NO_MATCH", `folder ${repo}/${path2} holds no files`);
    }
    return out;
  }
  const dest = destIsDir ? safeJoin(destAbs, basename3(path2)) : destAbs;
  return [
    {
      path: path2,
      dest,
      ...info.checksums?.sha1 ? { sha1: info.checksums.sha1 } : {},
      ...info.checksums?.sha256 ? { sha256: info.checksums.sha256 } : {}
    }
  ];
}
async function download(s, source, destArg, opts) {
  const src = parseRepoPath(source, "source");
  const threads = positiveInt(opts.threads, "--threads");
  const build2 = s.build();
  const destAbs = s.path(destArg);
  const results = await s.withClient(async (client) => {
    const items = await plan(client, src.repo, src.path, destArg, destAbs, opts.flat === true);
    const progress = new Progress(s.ctx.stderr, {
      enabled: progressEnabled(s.ctx.stderr, s.ctx.env, s.json),
      label: "downloading",
      files: items.length,
      bytes: 0
    });
    try {
      return await mapLimit(items, threads, async (item, i) => {
        const sums = await client.download({
          repo: src.repo,
          path: item.path,
          dest: item.dest,
          onProgress: (got, total2) => progress.update(i, got, total2)
        });
        const expected = item.sha256 ?? item.sha1;
        const actual = item.sha256 ? sums.sha256 : sums.sha1;
        if (expected && expected.toLowerCase() !== actual) {
          await unlink(item.dest).catch(() => {
          });
          throw new CliError("ERR_CLI_CHECKSUM", `${src.repo}/${item.path} does not match the checksum in the folder listing (${expected}); the file changed during the download or the server is inconsistent \u2014 download it again`);
        }
        progress.fileDone();
        return { ...item, ...sums };
      });
    } finally {
      progress.finish();
    }
  }, build2);
  if (build2) {
    const dependencies = results.map((r) => {
      const d = {
        id: `${src.repo}/${r.path}`,
        sha1: r.sha1,
        sha256: r.sha256,
        md5: r.md5
      };
      const type = artifactType(r.path);
      if (type)
        d.type = type;
      return d;
    });
    await s.store().addPart(build2.name, build2.number, {
      modules: [{ id: opts.module ?? build2.name, dependencies }]
    });
  }
  if (s.json) {
    s.printJson({
      files: results.map((r) => ({
        repo: src.repo,
        path: r.path,
        dest: r.dest,
        size: r.size,
        sha1: r.sha1,
        sha256: r.sha256,
        md5: r.md5
      })),
      build: build2 ? { ...build2, module: opts.module ?? build2.name } : null
    });
    return;
  }
  for (const r of results)
    s.out(`  ${src.repo}/${r.path} \u2192 ${r.dest}  ${formatBytes(r.size)}`);
  const total = results.reduce((a, r) => a + r.size, 0);
  s.out(`downloaded ${results.length} file(s), ${formatBytes(total)}, checksums verified` + (build2 ? `; recorded as dependencies of build ${build2.name} #${build2.number}` : ""));
}

// dist/commands/go.js
init_define_STOWAGE_UI_ASSETS();
function goCommand(program2, ctx) {
  const go = program2.command("go").summary("Go modules: publish a module version");
  go.command("publish").summary("build a module zip from a directory and publish it").description('Builds the module zip of <dir> (the directory holding go.mod) by the Go module zip\nrules \u2014 files under {module}@{version}/, without vendor/, nested modules or VCS\ndirectories \u2014 and publishes it to --repo; the server adds the .mod and .info.\nWith a build (--build-name/--build-number or the CI run) the files are stamped with it\nand recorded as a module of type "go" ({module}@{version}) in the local build-info store.').argument("<dir>", "module root").argument("<version>", "canonical version, e.g. v1.2.3").requiredOption("--repo <key>", "Go repository to publish to (local, or virtual with a default)").addHelpText("after", "\nExample:\n  stowage go publish ./greeter v1.0.0 --repo go-local\n").action(async (dir, version, opts, cmd) => {
    const s = new Session(ctx, cmd);
    const token = s.globals.token ?? ctx.env.STOWAGE_TOKEN;
    const build2 = s.build();
    const res = await publishGoModule({
      url: s.url,
      repo: opts.repo,
      dir: s.path(dir),
      version,
      ...token ? { token } : {},
      ...ctx.env.STOWAGE_USER ? { user: ctx.env.STOWAGE_USER } : {},
      ...build2 ? { build: build2 } : {}
    });
    if (build2) {
      const store = s.store();
      const existing = await store.load(build2.name, build2.number);
      await store.addPart(build2.name, build2.number, {
        ...existing ? {} : { started: formatStarted(/* @__PURE__ */ new Date()) },
        modules: [
          {
            id: `${res.module}@${res.version}`,
            type: "go",
            artifacts: res.files.map((f) => ({
              name: f.path.slice(f.path.lastIndexOf("/") + 1),
              path: f.path,
              type: f.path.slice(f.path.lastIndexOf(".") + 1),
              sha1: f.sha1,
              sha256: f.sha256,
              md5: f.md5,
              size: f.size
            }))
          }
        ]
      });
    }
    if (s.json)
      s.printJson({ ...res, build: build2 ?? null });
    else
      s.out(`published ${res.module}@${res.version} to ${res.repo} (${res.files.length} files)${build2 ? `, recorded in build ${build2.name} #${build2.number}` : ""}`);
  });
}

// dist/commands/helm.js
init_define_STOWAGE_UI_ASSETS();
import { createReadStream } from "node:fs";
function helmCommand(program2, ctx) {
  const helm = program2.command("helm").summary("Helm charts: push to a chart repository or, as OCI artifacts, to a docker repository");
  helm.command("push").summary("package a chart directory (or take a .tgz) and push it").description('Pushes a chart to the Helm repository --repo (ChartMuseum\u2019s POST /api/helm/{repo}/api/charts).\nA chart directory (holding Chart.yaml) is packaged first as `helm package` does:\n{name}-{version}.tgz with every file under {name}/, .helmignore honoured. The server\nchecks Chart.yaml and regenerates index.yaml; an existing version is refused unless the\narchive is identical. With a build (--build-name/--build-number or the CI run) the chart\nis stamped with it and recorded as a module of type "helm" in the local build-info store.\nWith --oci {repo}[/{path}] instead, the chart goes to the docker repository as an OCI\nartifact, as `helm push chart.tgz oci://host/{repo}/{path}` does: image {path}/{name},\ntag the version (+ as _), the Chart.yaml fields as the config, the .tgz as its layer;\nthe module gets properties helm.oci.reference and docker.image.digest.').argument("<chart>", "chart directory or packaged chart (.tgz)").option("--repo <key>", "Helm repository (local, or virtual with a default)").option("--oci <repo[/path]>", "push as an OCI artifact to this docker repository (and path)").option("--module <id>", "build-info module id (default: {chart name}:{version})").addHelpText("after", "\nExamples:\n  stowage helm push ./charts/nightly-report --repo helm-local\n  stowage helm push nightly-report-1.2.0.tgz --repo helm --build-name etl --build-number 42\n  stowage helm push ./charts/nightly-report --oci docker-local/charts\n").action(async (chart, opts, cmd) => {
    const s = new Session(ctx, cmd);
    if (opts.repo === void 0 === (opts.oci === void 0))
      throw new UsageError("pass either --repo <helm repository> or --oci <docker repository[/path]>");
    if (opts.oci !== void 0)
      return pushOci(s, chart, opts.oci, opts.module);
    const repo = opts.repo ?? "";
    const token = s.globals.token ?? ctx.env.STOWAGE_TOKEN;
    const build2 = s.build();
    const res = await pushHelmChart({
      url: s.url,
      repo,
      chart: s.path(chart),
      ...token ? { token } : {},
      ...ctx.env.STOWAGE_USER ? { user: ctx.env.STOWAGE_USER } : {},
      ...build2 ? { build: build2 } : {}
    });
    const moduleId = opts.module ?? `${res.name}:${res.version}`;
    if (build2) {
      const store = s.store();
      const existing = await store.load(build2.name, build2.number);
      const artifact = {
        name: res.file,
        path: res.path,
        type: "tgz",
        sha1: res.sha1,
        sha256: res.sha256,
        md5: res.md5,
        size: res.size
      };
      await store.addPart(build2.name, build2.number, {
        ...existing ? {} : { started: formatStarted(/* @__PURE__ */ new Date()) },
        modules: [{ id: moduleId, type: "helm", artifacts: [artifact] }]
      });
    }
    if (s.json) {
      s.printJson({ ...res, build: build2 ? { ...build2, module: moduleId } : null });
      return;
    }
    const how = res.created ? "pushed" : "already there (identical)";
    s.out(`${how}: ${res.name} ${res.version} \u2192 ${res.repo}/${res.path}  ${formatBytes(res.size)}` + (res.packaged ? " (packaged from the directory)" : "") + (build2 ? `, recorded in build ${build2.name} #${build2.number}` : ""));
  });
  helm.command("pull").summary("download a chart pushed as an OCI artifact").description("Reads the manifest of {repo}/{path}/{name}:{version} (or @sha256:\u2026) from the registry,\nchecks that it is a Helm chart and streams its chart layer to <dest>, checking its digest.").requiredOption("--oci <reference>", "{repo}/{path}/{name}:{version}").argument("<dest>", "where to write the chart archive (.tgz)").addHelpText("after", "\nExample:\n  stowage helm pull --oci docker-local/charts/nightly-report:1.2.0 nightly-report-1.2.0.tgz\n").action(async (dest, opts, cmd) => {
    const s = new Session(ctx, cmd);
    const res = await s.withClient((client) => pullHelmChartOci({ client, reference: opts.oci, dest: s.path(dest) }));
    if (s.json) {
      s.printJson({ ...res, dest: s.path(dest) });
      return;
    }
    s.out(`pulled: oci://${opts.oci} (${res.manifestDigest}) \u2192 ${dest}  ${formatBytes(res.size)}`);
  });
}
async function readMetadata(archive) {
  const entry = await readChart(createReadStream(archive));
  return { ...entry };
}
async function pushOci(s, chart, target, module) {
  const build2 = s.build();
  const res = await s.withClient((client) => pushHelmChartOci({ client, target, chart: s.path(chart), readMetadata }), build2);
  const moduleId = module ?? `${res.name}:${res.version}`;
  if (build2) {
    const store = s.store();
    const existing = await store.load(build2.name, build2.number);
    const hex = res.manifestDigest.replace(/^sha256:/, "");
    const inRepo = res.image.slice(res.image.indexOf("/") + 1);
    const m = {
      id: moduleId,
      type: "helm",
      properties: {
        "helm.oci.reference": res.reference,
        "docker.image.digest": res.manifestDigest
      },
      artifacts: [
        {
          name: res.file,
          path: `${inRepo}/_blobs/sha256/${res.sha256}`,
          type: "tgz",
          sha1: res.sha1,
          sha256: res.sha256,
          md5: res.md5,
          size: res.size
        },
        {
          name: "manifest.json",
          path: `${inRepo}/_manifests/sha256/${hex}`,
          type: "json",
          sha256: hex
        }
      ]
    };
    await store.addPart(build2.name, build2.number, {
      ...existing ? {} : { started: formatStarted(/* @__PURE__ */ new Date()) },
      modules: [m]
    });
  }
  if (s.json) {
    s.printJson({ ...res, build: build2 ? { ...build2, module: moduleId } : null });
    return;
  }
  s.out(`pushed: ${res.name} ${res.version} \u2192 oci://${res.reference} (${res.manifestDigest})  ${formatBytes(res.size)}` + (res.packaged ? " (packaged from the directory)" : "") + (build2 ? `, recorded in build ${build2.name} #${build2.number}` : ""));
}

// dist/commands/login.js
init_define_STOWAGE_UI_ASSETS();
import { readFile as readFile2 } from "node:fs/promises";
var ID_TOKEN_ENV = "STOWAGE_OIDC_ID_TOKEN";
async function idToken(s, given) {
  const spec = given ?? s.ctx.env[ID_TOKEN_ENV] ?? "";
  if (spec === "") {
    throw new UsageError(`pass the ID token as --id-token <jwt|@file> (or in ${ID_TOKEN_ENV}); prefer @file so the token is not in the process list`);
  }
  if (!spec.startsWith("@"))
    return spec.trim();
  const file = s.path(spec.slice(1));
  try {
    return (await readFile2(file, "utf8")).trim();
  } catch (err) {
    throw new CliError("ERR_CLI_FILE", `cannot read the ID token from ${file}: ${err.code ?? err.message}`);
  }
}
function loginCommand(program2, ctx) {
  program2.command("login").summary("exchange a CI OIDC ID token for a short-lived scoped token (--oidc)").description(`Exchanges a CI job's OIDC ID token at the server's POST /access/api/v1/oidc/token
(JFrog's token-exchange shape) and prints the minted token, e.g.
  export STOWAGE_TOKEN="$(stowage login --oidc gitlab --id-token @id_token.jwt)"
The server verifies the token against the named provider (issuer, audience, keys) and
scopes the new token by the identity mapping its claims match. No stored secret needed.`).option("--oidc <provider>", "the OIDC provider name configured on the server").option("--id-token <jwt|@file>", `the ID token, or @file holding it (default $${ID_TOKEN_ENV})`).action(async (opts, cmd) => {
    const s = new Session(ctx, cmd);
    if (!opts.oidc) {
      throw new UsageError("stowage login exchanges an OIDC ID token: pass --oidc <provider> and --id-token <jwt|@file>");
    }
    const provider = opts.oidc;
    const jwt = await idToken(s, opts.idToken);
    if (jwt.split(".").length !== 3) {
      throw new UsageError("the ID token is not a JWT (three dot-separated parts); pass the token as the CI system issued it");
    }
    const minted = await s.withClient((c) => c.exchangeOidcToken({
      provider,
      idToken: jwt,
      ...ctx.env.GITHUB_JOB ? { ghJobId: ctx.env.GITHUB_JOB } : {},
      ...ctx.env.GITHUB_RUN_ID ? { ghRunId: ctx.env.GITHUB_RUN_ID } : {},
      ...ctx.env.GITHUB_REPOSITORY ? { ghRepo: ctx.env.GITHUB_REPOSITORY } : {}
    }));
    if (s.json) {
      s.printJson({
        token: minted.token,
        user: minted.username,
        scopes: minted.scope ? minted.scope.split(" ") : [],
        ...minted.expiresIn !== void 0 ? { expiresIn: minted.expiresIn } : {}
      });
      return;
    }
    s.out(minted.token);
    s.err(`stowage: token for ${minted.username || "the mapped user"}${minted.expiresIn !== void 0 ? `, valid ${minted.expiresIn} s` : ""}; scopes: ${minted.scope || "(the user's grants)"}`);
  });
}

// dist/commands/ping.js
init_define_STOWAGE_UI_ASSETS();
function pingCommand(program2, ctx) {
  program2.command("ping").summary("check that the server answers and accepts the token").description("Pings the server (GET /api/system/ping), then asks for its version with the token\n(GET /api/system/version), which needs a valid token unless the server allows\nanonymous reads. Exits 1 with the reason when either fails.").action(async (_opts, cmd) => {
    const s = new Session(ctx, cmd);
    const version = await s.withClient(async (c) => {
      try {
        await c.ping();
        return await c.version();
      } catch (err) {
        if (isStowageError(err) && (err.status === 401 || err.status === 403)) {
          throw new CliError("ERR_CLI_TOKEN_REFUSED", `${s.url} answers, but ${s.hasToken ? "refuses the token" : "needs a token"} (${err.message}); ${s.hasToken ? "check STOWAGE_TOKEN (or --token): it may be revoked or expired" : "set STOWAGE_TOKEN or pass --token"}`);
        }
        throw err;
      }
    });
    if (s.json) {
      s.printJson({ url: s.url, reachable: true, authenticated: s.hasToken, version });
    } else {
      s.out(`${s.url}: Stowage ${version.version} answers${s.hasToken ? " and accepts the token" : " (no token given: anonymous)"}`);
    }
  });
}

// dist/commands/report.js
init_define_STOWAGE_UI_ASSETS();
var when = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
var signed = (n) => n === null ? "-" : `${n > 0 ? "+" : n < 0 ? "-" : ""}${formatBytes(Math.abs(n))}`;
var bytes = (n) => n === null ? "?" : formatBytes(n);
var short = (digest) => digest.replace(/^sha256:/, "").slice(0, 12);
function pair(name, number, other, otherName) {
  return { name, number, other, ...otherName ? { otherName } : {} };
}
function reportCommand(program2, ctx) {
  const report3 = program2.command("report").summary("build analytics: promotion funnel, dependencies, sizes, image layers, diffs").description("Reads the server's analytics (/api/stowage/v1/analytics/\u2026). Tables on a terminal,\nthe full report with --json.");
  report3.command("funnel").summary("builds published, promoted to each stage, rolled back; lead time to release").argument("[name]", "build name (default: every build name)").option("--from <date>", "builds started at or after (ISO date or epoch ms)").option("--to <date>", "builds started before (ISO date or epoch ms)").action(async (name, opts, cmd) => {
    const s = new Session(ctx, cmd);
    const r = await s.withClient((c) => c.funnel({
      ...name ? { name } : {},
      ...opts.from ? { from: opts.from } : {},
      ...opts.to ? { to: opts.to } : {}
    }));
    if (s.json)
      return s.printJson(r);
    if (r.funnels.length === 0)
      return s.out("no builds in that window");
    for (const f of r.funnels) {
      s.out(`${f.name}: ${f.published} build(s) published`);
      s.out(formatTable(["STAGE", "REPOSITORY", "REACHED", "PROMOTED", "% OF PUBLISHED"], f.stages.map((st) => [
        st.stage,
        st.repo,
        String(st.reached),
        String(st.promoted),
        f.published ? `${Math.round(100 * st.reached / f.published)}%` : "-"
      ])));
      s.out(`rolled back: ${f.rolledBack} build(s), ${f.rollbacks} rollback(s)`);
      s.out(`lead time to ${r.stages[r.stages.length - 1]?.name ?? "release"}: ${formatLeadTime(f.leadTimeMs)}
`);
    }
  });
  report3.command("deps").summary("how dependencies vary across builds, or between two builds").description("With <name> only: the dependencies that changed most often over the last builds, with\ntheir distinct versions, and every version seen with more than one checksum (a red flag).\nWith <number> <other>: what changed from build <other> to build <number>.").argument("<name>", "build name").argument("[number]", "the newer build").argument("[other]", "the older build").option("--other-name <name>", "the older build\u2019s name, when it differs").option("--last <n>", "how many recent builds to look at", "20").option("--limit <n>", "how many dependencies to list", "20").action(async (name, number, other, opts, cmd) => {
    const s = new Session(ctx, cmd);
    if (number !== void 0) {
      const d = await s.withClient((c) => c.dependencyDiff(pair(name, number, requireOther(other), opts.otherName)));
      if (s.json)
        return s.printJson(d);
      const rows = [
        ...d.checksumChanged.map((c) => [
          "CHECKSUM CHANGED!",
          c.module,
          c.id,
          `${short(c.fromSha256 ?? "")} \u2192 ${short(c.toSha256 ?? "")}`
        ]),
        ...d.versionChanged.map((c) => [
          "version",
          c.module,
          c.id,
          `${c.from ?? "?"} \u2192 ${c.to ?? "?"}`
        ]),
        ...d.added.map((c) => ["added", c.module, c.id, ""]),
        ...d.removed.map((c) => ["removed", c.module, c.id, ""])
      ];
      s.out(`dependencies of ${d.to.name} #${d.to.number} against ${d.from.name} #${d.from.number}: ${d.added.length} added, ${d.removed.length} removed, ${d.versionChanged.length} version(s) changed, ${d.checksumChanged.length} checksum(s) changed, ${d.unchanged} unchanged`);
      if (rows.length)
        s.out(formatTable(["CHANGE", "MODULE", "DEPENDENCY", "DETAIL"], rows));
      return;
    }
    const r = await s.withClient((c) => c.dependencyVariation({
      name,
      last: positiveInt(opts.last, "--last"),
      limit: positiveInt(opts.limit, "--limit")
    }));
    if (s.json)
      return s.printJson(r);
    s.out(`dependencies of ${name} over ${r.numbers.length} build(s) (#${r.numbers[0] ?? "?"} \u2026 #${r.numbers[r.numbers.length - 1] ?? "?"})`);
    s.out(formatTable(["DEPENDENCY", "VERSIONS", "VERSION CHANGES", "CHECKSUM CHANGES", "BUILDS", "LATEST"], r.dependencies.map((d) => [
      d.name,
      String(d.versions),
      String(d.versionChanges),
      String(d.checksumChanges),
      String(d.builds),
      d.latestVersion ?? ""
    ])));
    if (r.redFlags.length) {
      s.out("same version, different checksums (red flags):");
      s.out(formatTable(["DEPENDENCY", "VERSION", "CHECKSUMS", "BUILDS"], r.redFlags.map((f) => [
        f.name,
        f.version,
        f.checksums.map(short).join(", "),
        f.numbers.join(", ")
      ])));
    }
  });
  report3.command("size").summary("artifact size per build and what grew; without a name, stored bytes per repository").argument("[name]", "build name (default: storage per repository with deduplication)").option("--last <n>", "how many recent builds", "30").option("--top <n>", "how many builds, modules and artifacts that grew most", "5").action(async (name, opts, cmd) => {
    const s = new Session(ctx, cmd);
    if (name === void 0) {
      const r2 = await s.withClient((c) => c.storageReport());
      if (s.json)
        return s.printJson(r2);
      const rows = r2.repositories.map((x) => [
        x.repo,
        String(x.files),
        formatBytes(x.logicalBytes),
        formatBytes(x.physicalBytes),
        formatBytes(x.logicalBytes - x.physicalBytes)
      ]);
      rows.push([
        "total",
        String(r2.total.files),
        formatBytes(r2.total.logicalBytes),
        formatBytes(r2.total.physicalBytes),
        formatBytes(r2.total.savedBytes)
      ]);
      s.out(formatTable(["REPOSITORY", "FILES", "LOGICAL", "STORED", "SAVED BY DEDUP"], rows));
      return;
    }
    const top = positiveInt(opts.top, "--top");
    const r = await s.withClient((c) => c.sizeReport({ name, last: positiveInt(opts.last, "--last"), top }));
    if (s.json)
      return s.printJson(r);
    s.out(formatTable(["NUMBER", "STARTED", "ARTIFACTS", "SIZE", "CHANGE"], r.builds.map((b) => [
      b.number,
      when(b.started),
      b.unknown ? `${b.artifacts} (${b.unknown} unsized)` : String(b.artifacts),
      formatBytes(b.bytes),
      signed(b.delta)
    ])));
    if (r.topBuilds.length) {
      s.out("builds that grew it most:");
      s.out(formatTable(["NUMBER", "GREW BY"], r.topBuilds.map((b) => [b.number, signed(b.delta)])));
    }
    const growth = [
      ...r.topModules.map((g) => [
        g.module,
        "",
        formatBytes(g.firstBytes),
        formatBytes(g.lastBytes),
        signed(g.growth)
      ]),
      ...r.topArtifacts.map((g) => [
        g.module,
        g.artifact ?? "",
        formatBytes(g.firstBytes),
        formatBytes(g.lastBytes),
        signed(g.growth)
      ])
    ];
    if (growth.length) {
      s.out("modules and artifacts that grew most (oldest \u2192 newest build listed):");
      s.out(formatTable(["MODULE", "ARTIFACT", "FIRST", "LAST", "GROWTH"], growth));
    }
  });
  report3.command("layers").summary("Docker image and layer sizes per run, or shared/new layers between two builds").argument("<name>", "build name").argument("[number]", "the newer build (with <other>: compare two builds)").argument("[other]", "the older build").option("--other-name <name>", "the older build\u2019s name, when it differs").option("--last <n>", "how many recent runs", "20").option("--image <image>", "only this image").option("--layers", "list every layer of every run").action(async (name, number, other, opts, cmd) => {
    const s = new Session(ctx, cmd);
    if (number !== void 0) {
      const d = await s.withClient((c) => c.imageDiff(pair(name, number, requireOther(other), opts.otherName)));
      if (s.json)
        return s.printJson(d);
      s.out(formatTable(["IMAGE", "FROM", "TO", "SHARED", "NEW", "REMOVED"], d.images.map((i) => [
        i.image,
        i.from ?? "-",
        i.to ?? "-",
        `${i.shared.count} (${formatBytes(i.shared.bytes)})`,
        `${i.new.count} (${formatBytes(i.new.bytes)})`,
        `${i.removed.count} (${formatBytes(i.removed.bytes)})`
      ])));
      return;
    }
    const r = await s.withClient((c) => c.imageReport({
      name,
      last: positiveInt(opts.last, "--last"),
      ...opts.image ? { image: opts.image } : {}
    }));
    if (s.json)
      return s.printJson(r);
    if (r.runs.length === 0)
      return s.out(`no docker modules in the recent builds of ${name}`);
    const rows = [];
    for (const run3 of r.runs) {
      for (const i of run3.images) {
        rows.push([
          run3.number,
          when(run3.started),
          i.module,
          String(i.layers.length),
          formatBytes(i.size),
          `${i.newLayers} (${formatBytes(i.newBytes)})`
        ]);
        if (opts.layers)
          for (const l of i.layers)
            rows.push([
              "",
              "",
              `  ${short(l.digest)}${l.new ? " (new)" : ""}`,
              "",
              bytes(l.size),
              ""
            ]);
      }
    }
    s.out(formatTable(["NUMBER", "STARTED", "IMAGE", "LAYERS", "SIZE", "NEW LAYERS"], rows));
  });
  report3.command("diff").summary("artifacts and dependencies added, removed and changed between two builds").argument("<name>", "build name").argument("<number>", "the newer build").argument("<other>", "the older build").option("--other-name <name>", "the older build\u2019s name, when it differs").action(async (name, number, other, opts, cmd) => {
    const s = new Session(ctx, cmd);
    const d = await s.withClient((c) => c.buildDiff(pair(name, number, other, opts.otherName)));
    if (s.json)
      return s.printJson(d);
    const rows = [
      ...d.artifacts.added.map((a) => [
        "artifact",
        "added",
        a.module,
        a.path,
        bytes(a.toSize ?? null)
      ]),
      ...d.artifacts.removed.map((a) => [
        "artifact",
        "removed",
        a.module,
        a.path,
        bytes(a.fromSize ?? null)
      ]),
      ...d.artifacts.changed.map((a) => [
        "artifact",
        "changed",
        a.module,
        a.path,
        `${bytes(a.fromSize ?? null)} \u2192 ${bytes(a.toSize ?? null)}`
      ]),
      ...d.dependencies.checksumChanged.map((c) => [
        "dependency",
        "CHECKSUM CHANGED!",
        c.module,
        c.id,
        `${short(c.fromSha256 ?? "")} \u2192 ${short(c.toSha256 ?? "")}`
      ]),
      ...d.dependencies.versionChanged.map((c) => [
        "dependency",
        "version",
        c.module,
        c.id,
        `${c.from ?? "?"} \u2192 ${c.to ?? "?"}`
      ]),
      ...d.dependencies.added.map((c) => ["dependency", "added", c.module, c.id, ""]),
      ...d.dependencies.removed.map((c) => ["dependency", "removed", c.module, c.id, ""])
    ];
    s.out(`${d.to.name} #${d.to.number} against ${d.from.name} #${d.from.number}: ${rows.length} change(s)`);
    if (rows.length)
      s.out(formatTable(["KIND", "CHANGE", "MODULE", "NAME", "DETAIL"], rows));
  });
}
function requireOther(other) {
  if (other === void 0)
    throw new UsageError("give both builds: <name> <number> <other>");
  return other;
}

// dist/commands/serve.js
init_define_STOWAGE_UI_ASSETS();
import { homedir as homedir2 } from "node:os";
import { join as join4 } from "node:path";
var LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];
function serveCommand(program2, ctx) {
  program2.command("serve").summary("run the embedded repository server").description("Run the embedded Artifactory-compatible repository server until SIGINT/SIGTERM.\nOn the first start it creates an admin token, prints it once on stderr and stores it\nin <data-dir>/admin.token. Logs (JSON, pino) go to stdout. Without --config it has\ngeneric-staging/-qa/-release (the stages) and, for each format (npm, pypi, maven, go,\nnuget, docker, helm, conda, cran), {format}-local, {format}-remote (the public\nregistry, or --upstream) and the virtual {format} over both.").option("--port <port>", "port to listen on (0 picks a free one)", "8081").option("--host <host>", "interface to listen on", "127.0.0.1").option("--data-dir <dir>", "blobs, metadata and the admin token (default: $STOWAGE_DATA_DIR or ~/.stowage)").option("--config <file>", "YAML or JSON server configuration (repositories, stages, retention)").option("--admin-token-file <file>", "read the admin token from this file (or set $STOWAGE_ADMIN_TOKEN): every replica then accepts the same one").option("--upstream <format=url>", "without --config: the upstream of that format\u2019s default remote instead of its public registry (repeatable), e.g. npm=http://127.0.0.1:4873", (v, prev = []) => [...prev, v]).option("--temp-max-age <seconds>", "at start, remove temporary files (uploads a crash cut off) older than this; other replicas may be writing younger ones (0 for a single server)", "3600").option("--log-level <level>", `one of ${LEVELS.join(", ")}`, "info").option("--drain-timeout <seconds>", "on SIGINT/SIGTERM, how long requests in flight may finish before they are cut off", "10").action(async (opts, cmd) => {
    await serve(new Session(ctx, cmd), opts);
  });
}
async function loadServer() {
  const sqlite = process.getBuiltinModule?.("node:sqlite");
  if (!sqlite) {
    throw new CliError("ERR_CLI_NODE_TOO_OLD", `stowage serve needs Node 24 (or 22.13+) for its built-in node:sqlite; this is Node ${process.versions.node} \u2014 the other commands work on it`);
  }
  return import("./stowage-server-NP2Q74RH.mjs");
}
async function serve(s, opts) {
  const port = Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port must be a port number between 0 and 65535, got "${opts.port}"`);
  }
  if (!LEVELS.includes(opts.logLevel)) {
    throw new UsageError(`--log-level must be one of ${LEVELS.join(", ")}, got "${opts.logLevel}"`);
  }
  const drain = Number(opts.drainTimeout);
  if (!Number.isFinite(drain) || drain < 0) {
    throw new UsageError(`--drain-timeout must be a number of seconds >= 0, got "${opts.drainTimeout}"`);
  }
  const tempMaxAge = Number(opts.tempMaxAge);
  if (!Number.isFinite(tempMaxAge) || tempMaxAge < 0) {
    throw new UsageError(`--temp-max-age must be a number of seconds >= 0, got "${opts.tempMaxAge}"`);
  }
  const env = s.ctx.env;
  const dataDir = s.path(opts.dataDir ?? env.STOWAGE_DATA_DIR ?? join4(env.HOME || homedir2(), ".stowage"));
  const upstreams = {};
  for (const u of opts.upstream ?? []) {
    const eq = u.indexOf("=");
    const format = u.slice(0, eq).trim().toLowerCase();
    const url = u.slice(eq + 1).trim();
    if (eq <= 0 || !/^https?:\/\/[^/]/.test(url)) {
      throw new UsageError(`--upstream takes format=http(s)-url, e.g. npm=http://127.0.0.1:4873; got "${u}"`);
    }
    upstreams[format] = url;
  }
  if (opts.config && Object.keys(upstreams).length) {
    throw new UsageError("--upstream sets the default remotes; with --config, set url on the remotes in the file");
  }
  const { startServer } = await loadServer();
  const log2 = await s.ctx.serverLog?.();
  let server;
  try {
    server = await startServer({
      dataDir,
      host: opts.host,
      port,
      ...opts.config ? { configFile: s.path(opts.config) } : { upstreams },
      ...opts.adminTokenFile ? { adminTokenFile: s.path(opts.adminTokenFile) } : {},
      // Storage settings (STOWAGE_METADATA_URL, STOWAGE_BLOBS_TYPE, …), STOWAGE_ADMIN_TOKEN, and
      // the variables remote credentials name (`password: ${NEXUS_PASSWORD}`).
      env,
      logger: { level: opts.logLevel, stream: log2 ?? s.ctx.stdout },
      drainTimeoutMs: drain * 1e3,
      tempMaxAgeMs: tempMaxAge * 1e3
    });
  } catch (err) {
    if (err instanceof Error && (err.name === "ConfigError" || err.name === "MetaStoreError")) {
      const c = err.code;
      throw new CliError(typeof c === "string" ? c : "ERR_CONFIG_INVALID", err.message);
    }
    const code = err.code;
    if (code === "EADDRINUSE") {
      throw new CliError("ERR_CLI_PORT_IN_USE", `port ${port} on ${opts.host} is already in use \u2014 is another Stowage running? pick another with --port`);
    }
    if (code === "EACCES") {
      throw new CliError("ERR_CLI_PORT_DENIED", `not allowed to listen on ${opts.host}:${port}; use a port above 1023 with --port`);
    }
    throw err;
  }
  if (s.json) {
    s.out(JSON.stringify({
      url: server.url,
      port: server.port,
      dataDir,
      adminTokenFile: server.adminTokenFile,
      adminTokenCreated: server.adminTokenCreated
    }));
  } else {
    s.out(`Stowage is listening on ${server.url} (data in ${dataDir})`);
  }
  if (server.adminTokenCreated) {
    s.err(`
An admin token was created. It is shown only this once and stored in ${server.adminTokenFile}:

  ${server.adminToken}

Use it with: export STOWAGE_URL=${server.url} STOWAGE_TOKEN=<the token>
`);
  }
  if (server.cleanedTempFiles > 0) {
    s.err(`removed ${server.cleanedTempFiles} temporary file(s) left by interrupted uploads`);
  }
  const signal = s.ctx.waitForShutdown ? await s.ctx.waitForShutdown() : await new Promise(() => {
  });
  server.app.log.info({ signal }, "stopping");
  await server.close();
  log2?.flushSync?.();
  if (!s.json)
    s.out(`Stowage stopped (${signal})`);
}

// dist/commands/migrate.js
init_define_STOWAGE_UI_ASSETS();
import { homedir as homedir3 } from "node:os";
import { join as join5 } from "node:path";
function migrateCommand(program2, ctx) {
  program2.command("migrate").summary("copy an installation to other storage backends (SQLite+fs \u2192 PostgreSQL+S3)").description("Copy every blob (re-hashed and checked while copying), repository, artifact, property,\nbuild with its promotions, download record and token from a SQLite installation to\nthe PostgreSQL metadata and blob store named by the --to config, then verify the\ntarget. Running it again copies only what is missing. S3 credentials come from\nAWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or the AWS SDK default chain).").requiredOption("--from <config>", "the source server config (storage.metadata: sqlite)").requiredOption("--to <config>", "the target server config (storage.metadata: postgres)").option("--from-data-dir <dir>", "the source data directory (default: $STOWAGE_DATA_DIR or ~/.stowage)").option("--to-data-dir <dir>", "the target data directory, for an fs blob store (default: the source one)").action(async (opts, cmd) => {
    await run(new Session(ctx, cmd), opts);
  });
}
async function run(s, opts) {
  const env = s.ctx.env;
  const fromDir = s.path(opts.fromDataDir ?? env.STOWAGE_DATA_DIR ?? join5(env.HOME || homedir3(), ".stowage"));
  const toDir = opts.toDataDir ? s.path(opts.toDataDir) : fromDir;
  const { ConfigError, MetaStoreError, MigrationError, migrateStorage } = await import("./stowage-server-NP2Q74RH.mjs");
  try {
    const report3 = await migrateStorage({
      from: { configFile: s.path(opts.from), dataDir: fromDir },
      to: { configFile: s.path(opts.to), dataDir: toDir },
      env,
      ...s.json ? {} : { progress: (line) => s.err(line) }
    });
    if (s.json)
      s.printJson(report3);
    else
      s.out(`migrated: ${report3.blobs.copied} blobs copied (${report3.blobs.bytes} bytes), ${report3.blobs.present} already there; ${report3.artifacts} artifacts, ${report3.properties} properties, ${report3.builds} builds, ${report3.downloads} new download records, ${report3.tokens} tokens; verified ${report3.verified.artifacts} artifacts and ${report3.verified.blobs} blobs`);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof MetaStoreError || err instanceof MigrationError)
      throw new CliError(err.code, err.message);
    throw err;
  }
}

// dist/commands/setup.js
init_define_STOWAGE_UI_ASSETS();
import { appendFile, mkdir } from "node:fs/promises";
import { homedir as homedir4 } from "node:os";
function setupCommand(program2, ctx) {
  program2.command("setup").summary("configure package managers to resolve through Stowage").description("Writes each tool's own configuration (.npmrc, pip.conf, GOPROXY, settings.xml, a Gradle\ninit script, \u2026) so that it resolves through --repo (usually a virtual repository) and\npublishes to --deploy-repo. A user's existing file is left as it was unless --overwrite.\nEnvironment variables a tool needs are printed as `export` lines (secrets masked) or\nappended to --env-out (e.g. $GITHUB_ENV) with their real values. Checks first that the\nserver answers, takes the token and has the repositories, and writes nothing if not.").argument("<tool...>", "tools to configure (see the list below)").requiredOption("--repo <key>", "repository to resolve from").option("--deploy-repo <key>", "repository to publish to (default: --repo)").option("--dir <path>", "project directory for project-level files", ".").option("--home <path>", "home directory for user-level files (default: $HOME)").option("--overwrite", "replace the user's existing configuration files").option("--env-out <file>", "append NAME=value lines here instead of printing them").option("--no-build-token", "write the given token as it is, instead of a token scoped to the build (whose downloads the server then records for it)").addHelpText("after", () => `
Tools: ${setupTools().join(", ") || "(none yet)"}`).action(async (tools, opts, cmd) => {
    const s = new Session(ctx, cmd);
    const o = opts;
    const known = setupTools();
    const unknown = tools.filter((t) => !known.includes(t));
    if (unknown.length)
      throw new UsageError(`cannot set up ${unknown.join(", ")}: known tools are ${known.join(", ")}`);
    await checkRepositories(s, [o.repo, ...o.deployRepo ? [o.deployRepo] : []]);
    let token = s.globals.token ?? ctx.env.STOWAGE_TOKEN;
    const build2 = s.build();
    const notes = [];
    if (build2 && token && o.buildToken) {
      const t = await s.withClient((c) => tokenForBuild(c, { token, build: build2, repos: [o.repo] }));
      token = t.token;
      if (t.note)
        notes.push(t.note);
    }
    const base = {
      url: s.url,
      repo: o.repo,
      dir: s.path(o.dir),
      home: o.home ? s.path(o.home) : ctx.env.HOME ?? homedir4(),
      ...ctx.env.XDG_RUNTIME_DIR && !o.home ? { runtimeDir: ctx.env.XDG_RUNTIME_DIR } : {},
      ...o.deployRepo ? { deployRepo: o.deployRepo } : {},
      ...token ? { token } : {},
      ...ctx.env.STOWAGE_USER ? { user: ctx.env.STOWAGE_USER } : {},
      ...o.overwrite ? { overwrite: true } : {},
      ...build2 ? { build: build2 } : {}
    };
    await mkdir(base.dir, { recursive: true });
    const results = [];
    for (const tool of tools)
      results.push(await setupTool(tool, base));
    if (o.envOut) {
      const lines = results.flatMap((r) => r.env.map((e) => `${e.name}=${e.value}
`));
      if (lines.length)
        await appendFile(s.path(o.envOut), lines.join(""), { mode: 384 });
    }
    const masked = (r) => ({
      ...r,
      env: r.env.map((e) => e.secret ? { ...e, value: "***" } : e)
    });
    if (s.json)
      return s.printJson({ notes, results: results.map(masked) });
    for (const n of notes)
      s.err(n);
    for (const r of results.map(masked)) {
      s.out(`${r.tool}:`);
      for (const f of r.files)
        s.out(`  ${f.action === "written" ? "wrote" : "kept "} ${f.path}`);
      if (!o.envOut)
        for (const e of r.env)
          s.out(`  export ${e.name}=${e.value}`);
      else if (r.env.length)
        s.out(`  appended ${r.env.map((e) => e.name).join(", ")} to ${o.envOut}`);
      for (const n of r.notes)
        s.out(`  note: ${n}`);
    }
  });
}
async function checkRepositories(s, keys) {
  const repos = await s.withClient((c) => c.listRepositories());
  const known = repos.map((r) => r.key);
  const missing = keys.filter((k) => !known.includes(k));
  if (missing.length) {
    throw new CliError("ERR_CLI_REPO_NOT_FOUND", `${s.url} has no repository ${missing.map((k) => `"${k}"`).join(", ")}; nothing was written. Pass --repo one of: ${known.join(", ") || "(none)"}, or create it in the server configuration`);
  }
}

// dist/commands/upload.js
init_define_STOWAGE_UI_ASSETS();
import { stat as stat3 } from "node:fs/promises";
import { basename as basename5, isAbsolute as isAbsolute4, relative as relative3 } from "node:path";

// ../../node_modules/tinyglobby/dist/index.mjs
init_define_STOWAGE_UI_ASSETS();
import { readdir as readdir2, readdirSync, realpath, realpathSync, stat as stat2, statSync } from "fs";
import { isAbsolute as isAbsolute3, posix, resolve as resolve4 } from "path";
import { fileURLToPath } from "url";

// ../../node_modules/fdir/dist/index.mjs
init_define_STOWAGE_UI_ASSETS();
import { createRequire } from "module";
import { basename as basename4, dirname, normalize, relative as relative2, resolve as resolve3, sep as sep2 } from "path";
import * as nativeFs from "fs";
var __require = /* @__PURE__ */ createRequire(import.meta.url);
function cleanPath(path2) {
  let normalized = normalize(path2);
  if (normalized.length > 1 && normalized[normalized.length - 1] === sep2) normalized = normalized.substring(0, normalized.length - 1);
  return normalized;
}
var SLASHES_REGEX = /[\\/]/g;
function convertSlashes(path2, separator) {
  return path2.replace(SLASHES_REGEX, separator);
}
var WINDOWS_ROOT_DIR_REGEX = /^[a-z]:[\\/]$/i;
function isRootDirectory(path2) {
  return path2 === "/" || WINDOWS_ROOT_DIR_REGEX.test(path2);
}
function normalizePath(path2, options) {
  const { resolvePaths, normalizePath: normalizePath$1, pathSeparator } = options;
  const pathNeedsCleaning = process.platform === "win32" && path2.includes("/") || path2.startsWith(".");
  if (resolvePaths) path2 = resolve3(path2);
  if (normalizePath$1 || pathNeedsCleaning) path2 = cleanPath(path2);
  if (path2 === ".") return "";
  const needsSeperator = path2[path2.length - 1] !== pathSeparator;
  return convertSlashes(needsSeperator ? path2 + pathSeparator : path2, pathSeparator);
}
function joinPathWithBasePath(filename, directoryPath) {
  return directoryPath + filename;
}
function joinPathWithRelativePath(root, options) {
  return function(filename, directoryPath) {
    const sameRoot = directoryPath.startsWith(root);
    if (sameRoot) return directoryPath.slice(root.length) + filename;
    else return convertSlashes(relative2(root, directoryPath), options.pathSeparator) + options.pathSeparator + filename;
  };
}
function joinPath(filename) {
  return filename;
}
function joinDirectoryPath(filename, directoryPath, separator) {
  return directoryPath + filename + separator;
}
function build$7(root, options) {
  const { relativePaths, includeBasePath } = options;
  return relativePaths && root ? joinPathWithRelativePath(root, options) : includeBasePath ? joinPathWithBasePath : joinPath;
}
function pushDirectoryWithRelativePath(root) {
  return function(directoryPath, paths) {
    paths.push(directoryPath.substring(root.length) || ".");
  };
}
function pushDirectoryFilterWithRelativePath(root) {
  return function(directoryPath, paths, filters) {
    const relativePath = directoryPath.substring(root.length) || ".";
    if (filters.every((filter) => filter(relativePath, true))) paths.push(relativePath);
  };
}
var pushDirectory = (directoryPath, paths) => {
  paths.push(directoryPath || ".");
};
var pushDirectoryFilter = (directoryPath, paths, filters) => {
  const path2 = directoryPath || ".";
  if (filters.every((filter) => filter(path2, true))) paths.push(path2);
};
var empty$2 = () => {
};
function build$6(root, options) {
  const { includeDirs, filters, relativePaths } = options;
  if (!includeDirs) return empty$2;
  if (relativePaths) return filters && filters.length ? pushDirectoryFilterWithRelativePath(root) : pushDirectoryWithRelativePath(root);
  return filters && filters.length ? pushDirectoryFilter : pushDirectory;
}
var pushFileFilterAndCount = (filename, _paths, counts, filters) => {
  if (filters.every((filter) => filter(filename, false))) counts.files++;
};
var pushFileFilter = (filename, paths, _counts, filters) => {
  if (filters.every((filter) => filter(filename, false))) paths.push(filename);
};
var pushFileCount = (_filename, _paths, counts, _filters) => {
  counts.files++;
};
var pushFile = (filename, paths) => {
  paths.push(filename);
};
var empty$1 = () => {
};
function build$5(options) {
  const { excludeFiles, filters, onlyCounts } = options;
  if (excludeFiles) return empty$1;
  if (filters && filters.length) return onlyCounts ? pushFileFilterAndCount : pushFileFilter;
  else if (onlyCounts) return pushFileCount;
  else return pushFile;
}
var getArray = (paths) => {
  return paths;
};
var getArrayGroup = () => {
  return [""].slice(0, 0);
};
function build$4(options) {
  return options.group ? getArrayGroup : getArray;
}
var groupFiles = (groups, directory, files) => {
  groups.push({
    directory,
    files,
    dir: directory
  });
};
var empty = () => {
};
function build$3(options) {
  return options.group ? groupFiles : empty;
}
var resolveSymlinksAsync = function(path2, state, callback$1) {
  const { queue, fs: fs2, options: { suppressErrors } } = state;
  queue.enqueue();
  fs2.realpath(path2, (error, resolvedPath) => {
    if (error) return queue.dequeue(suppressErrors ? null : error, state);
    fs2.stat(resolvedPath, (error$1, stat4) => {
      if (error$1) return queue.dequeue(suppressErrors ? null : error$1, state);
      if (stat4.isDirectory() && isRecursive(path2, resolvedPath, state)) return queue.dequeue(null, state);
      callback$1(stat4, resolvedPath);
      queue.dequeue(null, state);
    });
  });
};
var resolveSymlinks = function(path2, state, callback$1) {
  const { queue, fs: fs2, options: { suppressErrors } } = state;
  queue.enqueue();
  try {
    const resolvedPath = fs2.realpathSync(path2);
    const stat4 = fs2.statSync(resolvedPath);
    if (stat4.isDirectory() && isRecursive(path2, resolvedPath, state)) return;
    callback$1(stat4, resolvedPath);
  } catch (e) {
    if (!suppressErrors) throw e;
  }
};
function build$2(options, isSynchronous) {
  if (!options.resolveSymlinks || options.excludeSymlinks) return null;
  return isSynchronous ? resolveSymlinks : resolveSymlinksAsync;
}
function isRecursive(path2, resolved, state) {
  if (state.options.useRealPaths) return isRecursiveUsingRealPaths(resolved, state);
  let parent = dirname(path2);
  let depth = 1;
  while (parent !== state.root && depth < 2) {
    const resolvedPath = state.symlinks.get(parent);
    const isSameRoot = !!resolvedPath && (resolvedPath === resolved || resolvedPath.startsWith(resolved) || resolved.startsWith(resolvedPath));
    if (isSameRoot) depth++;
    else parent = dirname(parent);
  }
  state.symlinks.set(path2, resolved);
  return depth > 1;
}
function isRecursiveUsingRealPaths(resolved, state) {
  return state.visited.includes(resolved + state.options.pathSeparator);
}
var onlyCountsSync = (state) => {
  return state.counts;
};
var groupsSync = (state) => {
  return state.groups;
};
var defaultSync = (state) => {
  return state.paths;
};
var limitFilesSync = (state) => {
  return state.paths.slice(0, state.options.maxFiles);
};
var onlyCountsAsync = (state, error, callback$1) => {
  report(error, callback$1, state.counts, state.options.suppressErrors);
  return null;
};
var defaultAsync = (state, error, callback$1) => {
  report(error, callback$1, state.paths, state.options.suppressErrors);
  return null;
};
var limitFilesAsync = (state, error, callback$1) => {
  report(error, callback$1, state.paths.slice(0, state.options.maxFiles), state.options.suppressErrors);
  return null;
};
var groupsAsync = (state, error, callback$1) => {
  report(error, callback$1, state.groups, state.options.suppressErrors);
  return null;
};
function report(error, callback$1, output, suppressErrors) {
  if (error && !suppressErrors) callback$1(error, output);
  else callback$1(null, output);
}
function build$1(options, isSynchronous) {
  const { onlyCounts, group, maxFiles } = options;
  if (onlyCounts) return isSynchronous ? onlyCountsSync : onlyCountsAsync;
  else if (group) return isSynchronous ? groupsSync : groupsAsync;
  else if (maxFiles) return isSynchronous ? limitFilesSync : limitFilesAsync;
  else return isSynchronous ? defaultSync : defaultAsync;
}
var readdirOpts = { withFileTypes: true };
var walkAsync = (state, crawlPath, directoryPath, currentDepth, callback$1) => {
  state.queue.enqueue();
  if (currentDepth < 0) return state.queue.dequeue(null, state);
  const { fs: fs2 } = state;
  state.visited.push(crawlPath);
  state.counts.directories++;
  fs2.readdir(crawlPath || ".", readdirOpts, (error, entries = []) => {
    callback$1(entries, directoryPath, currentDepth);
    state.queue.dequeue(state.options.suppressErrors ? null : error, state);
  });
};
var walkSync = (state, crawlPath, directoryPath, currentDepth, callback$1) => {
  const { fs: fs2 } = state;
  if (currentDepth < 0) return;
  state.visited.push(crawlPath);
  state.counts.directories++;
  let entries = [];
  try {
    entries = fs2.readdirSync(crawlPath || ".", readdirOpts);
  } catch (e) {
    if (!state.options.suppressErrors) throw e;
  }
  callback$1(entries, directoryPath, currentDepth);
};
function build(isSynchronous) {
  return isSynchronous ? walkSync : walkAsync;
}
var Queue = class {
  count = 0;
  constructor(onQueueEmpty) {
    this.onQueueEmpty = onQueueEmpty;
  }
  enqueue() {
    this.count++;
    return this.count;
  }
  dequeue(error, output) {
    if (this.onQueueEmpty && (--this.count <= 0 || error)) {
      this.onQueueEmpty(error, output);
      if (error) {
        output.controller.abort();
        this.onQueueEmpty = void 0;
      }
    }
  }
};
var Counter = class {
  _files = 0;
  _directories = 0;
  set files(num) {
    this._files = num;
  }
  get files() {
    return this._files;
  }
  set directories(num) {
    this._directories = num;
  }
  get directories() {
    return this._directories;
  }
  /**
  * @deprecated use `directories` instead
  */
  /* c8 ignore next 3 */
  get dirs() {
    return this._directories;
  }
};
var Aborter = class {
  aborted = false;
  abort() {
    this.aborted = true;
  }
};
var Walker = class {
  root;
  isSynchronous;
  state;
  joinPath;
  pushDirectory;
  pushFile;
  getArray;
  groupFiles;
  resolveSymlink;
  walkDirectory;
  callbackInvoker;
  constructor(root, options, callback$1) {
    this.isSynchronous = !callback$1;
    this.callbackInvoker = build$1(options, this.isSynchronous);
    this.root = normalizePath(root, options);
    this.state = {
      root: isRootDirectory(this.root) ? this.root : this.root.slice(0, -1),
      paths: [""].slice(0, 0),
      groups: [],
      counts: new Counter(),
      options,
      queue: new Queue((error, state) => this.callbackInvoker(state, error, callback$1)),
      symlinks: /* @__PURE__ */ new Map(),
      visited: [""].slice(0, 0),
      controller: new Aborter(),
      fs: options.fs || nativeFs
    };
    this.joinPath = build$7(this.root, options);
    this.pushDirectory = build$6(this.root, options);
    this.pushFile = build$5(options);
    this.getArray = build$4(options);
    this.groupFiles = build$3(options);
    this.resolveSymlink = build$2(options, this.isSynchronous);
    this.walkDirectory = build(this.isSynchronous);
  }
  start() {
    this.pushDirectory(this.root, this.state.paths, this.state.options.filters);
    this.walkDirectory(this.state, this.root, this.root, this.state.options.maxDepth, this.walk);
    return this.isSynchronous ? this.callbackInvoker(this.state, null) : null;
  }
  walk = (entries, directoryPath, depth) => {
    const { paths, options: { filters, resolveSymlinks: resolveSymlinks$1, excludeSymlinks, exclude, maxFiles, signal, useRealPaths, pathSeparator }, controller } = this.state;
    if (controller.aborted || signal && signal.aborted || maxFiles && paths.length > maxFiles) return;
    const files = this.getArray(this.state.paths);
    for (let i = 0; i < entries.length; ++i) {
      const entry = entries[i];
      if (entry.isFile() || entry.isSymbolicLink() && !resolveSymlinks$1 && !excludeSymlinks) {
        const filename = this.joinPath(entry.name, directoryPath);
        this.pushFile(filename, files, this.state.counts, filters);
      } else if (entry.isDirectory()) {
        let path2 = joinDirectoryPath(entry.name, directoryPath, this.state.options.pathSeparator);
        if (exclude && exclude(entry.name, path2)) continue;
        this.pushDirectory(path2, paths, filters);
        this.walkDirectory(this.state, path2, path2, depth - 1, this.walk);
      } else if (this.resolveSymlink && entry.isSymbolicLink()) {
        let path2 = joinPathWithBasePath(entry.name, directoryPath);
        this.resolveSymlink(path2, this.state, (stat4, resolvedPath) => {
          if (stat4.isDirectory()) {
            resolvedPath = normalizePath(resolvedPath, this.state.options);
            if (exclude && exclude(entry.name, useRealPaths ? resolvedPath : path2 + pathSeparator)) return;
            this.walkDirectory(this.state, resolvedPath, useRealPaths ? resolvedPath : path2 + pathSeparator, depth - 1, this.walk);
          } else {
            resolvedPath = useRealPaths ? resolvedPath : path2;
            const filename = basename4(resolvedPath);
            const directoryPath$1 = normalizePath(dirname(resolvedPath), this.state.options);
            resolvedPath = this.joinPath(filename, directoryPath$1);
            this.pushFile(resolvedPath, files, this.state.counts, filters);
          }
        });
      }
    }
    this.groupFiles(this.state.groups, directoryPath, files);
  };
};
function promise(root, options) {
  return new Promise((resolve$1, reject) => {
    callback(root, options, (err, output) => {
      if (err) return reject(err);
      resolve$1(output);
    });
  });
}
function callback(root, options, callback$1) {
  let walker = new Walker(root, options, callback$1);
  walker.start();
}
function sync(root, options) {
  const walker = new Walker(root, options);
  return walker.start();
}
var APIBuilder = class {
  constructor(root, options) {
    this.root = root;
    this.options = options;
  }
  withPromise() {
    return promise(this.root, this.options);
  }
  withCallback(cb) {
    callback(this.root, this.options, cb);
  }
  sync() {
    return sync(this.root, this.options);
  }
};
var pm = null;
try {
  __require.resolve("picomatch");
  pm = __require("picomatch");
} catch {
}
var Builder = class {
  globCache = {};
  options = {
    maxDepth: Infinity,
    suppressErrors: true,
    pathSeparator: sep2,
    filters: []
  };
  globFunction;
  constructor(options) {
    this.options = {
      ...this.options,
      ...options
    };
    this.globFunction = this.options.globFunction;
  }
  group() {
    this.options.group = true;
    return this;
  }
  withPathSeparator(separator) {
    this.options.pathSeparator = separator;
    return this;
  }
  withBasePath() {
    this.options.includeBasePath = true;
    return this;
  }
  withRelativePaths() {
    this.options.relativePaths = true;
    return this;
  }
  withDirs() {
    this.options.includeDirs = true;
    return this;
  }
  withMaxDepth(depth) {
    this.options.maxDepth = depth;
    return this;
  }
  withMaxFiles(limit) {
    this.options.maxFiles = limit;
    return this;
  }
  withFullPaths() {
    this.options.resolvePaths = true;
    this.options.includeBasePath = true;
    return this;
  }
  withErrors() {
    this.options.suppressErrors = false;
    return this;
  }
  withSymlinks({ resolvePaths = true } = {}) {
    this.options.resolveSymlinks = true;
    this.options.useRealPaths = resolvePaths;
    return this.withFullPaths();
  }
  withAbortSignal(signal) {
    this.options.signal = signal;
    return this;
  }
  normalize() {
    this.options.normalizePath = true;
    return this;
  }
  filter(predicate) {
    this.options.filters.push(predicate);
    return this;
  }
  onlyDirs() {
    this.options.excludeFiles = true;
    this.options.includeDirs = true;
    return this;
  }
  exclude(predicate) {
    this.options.exclude = predicate;
    return this;
  }
  onlyCounts() {
    this.options.onlyCounts = true;
    return this;
  }
  crawl(root) {
    return new APIBuilder(root || ".", this.options);
  }
  withGlobFunction(fn) {
    this.globFunction = fn;
    return this;
  }
  /**
  * @deprecated Pass options using the constructor instead:
  * ```ts
  * new fdir(options).crawl("/path/to/root");
  * ```
  * This method will be removed in v7.0
  */
  /* c8 ignore next 4 */
  crawlWithOptions(root, options) {
    this.options = {
      ...this.options,
      ...options
    };
    return new APIBuilder(root || ".", this.options);
  }
  glob(...patterns) {
    if (this.globFunction) return this.globWithOptions(patterns);
    return this.globWithOptions(patterns, ...[{ dot: true }]);
  }
  globWithOptions(patterns, ...options) {
    const globFn = this.globFunction || pm;
    if (!globFn) throw new Error("Please specify a glob function to use glob matching.");
    var isMatch = this.globCache[patterns.join("\0")];
    if (!isMatch) {
      isMatch = globFn(patterns, ...options);
      this.globCache[patterns.join("\0")] = isMatch;
    }
    this.options.filters.push((path2) => isMatch(path2));
    return this;
  }
};

// ../../node_modules/tinyglobby/dist/index.mjs
var import_picomatch = __toESM(require_picomatch2(), 1);
var isReadonlyArray = Array.isArray;
var BACKSLASHES = /\\/g;
var DRIVE_RELATIVE_PATH = /^[A-Za-z]:$/;
var isWin = process.platform === "win32";
var ONLY_PARENT_DIRECTORIES = /^(\/?\.\.)+$/;
function getPartialMatcher(patterns, options = {}) {
  const patternsCount = patterns.length;
  const patternsParts = Array(patternsCount);
  const matchers = Array(patternsCount);
  let i, j;
  for (i = 0; i < patternsCount; i++) {
    const parts = splitPattern(patterns[i]);
    patternsParts[i] = parts;
    const partsCount = parts.length;
    const partMatchers = Array(partsCount);
    for (j = 0; j < partsCount; j++) partMatchers[j] = (0, import_picomatch.default)(parts[j], options);
    matchers[i] = partMatchers;
  }
  return (input) => {
    const inputParts = input.split("/");
    if (inputParts[0] === ".." && ONLY_PARENT_DIRECTORIES.test(input)) return true;
    for (i = 0; i < patternsCount; i++) {
      const patternParts = patternsParts[i];
      const matcher = matchers[i];
      const inputPatternCount = inputParts.length;
      const minParts = Math.min(inputPatternCount, patternParts.length);
      j = 0;
      while (j < minParts) {
        const part = patternParts[j];
        if (part.includes("/")) return true;
        if (!matcher[j](inputParts[j])) break;
        if (!options.noglobstar && part === "**") return true;
        j++;
      }
      if (j === inputPatternCount) return true;
    }
    return false;
  };
}
var WIN32_ROOT_DIR = /^[A-Z]:\/$/i;
var isRoot = isWin ? (p) => WIN32_ROOT_DIR.test(p) : (p) => p === "/";
function buildFormat(cwd, root, absolute) {
  if (cwd === root || root.startsWith(`${cwd}/`)) {
    if (absolute) {
      const start = cwd.length + +!isRoot(cwd);
      return (p, isDir) => p.slice(start, isDir ? -1 : void 0) || ".";
    }
    const prefix = root.slice(cwd.length + 1);
    if (prefix) return (p, isDir) => {
      if (p === ".") return prefix;
      const result = `${prefix}/${p}`;
      return isDir ? result.slice(0, -1) : result;
    };
    return (p, isDir) => isDir && p !== "." ? p.slice(0, -1) : p;
  }
  if (absolute) return (p) => posix.relative(cwd, p) || ".";
  return (p) => posix.relative(cwd, `${root}/${p}`) || ".";
}
function buildRelative(cwd, root) {
  if (root.startsWith(`${cwd}/`)) {
    const prefix = root.slice(cwd.length + 1);
    return (p) => `${prefix}/${p}`;
  }
  return (p) => {
    const result = posix.relative(cwd, `${root}/${p}`);
    return p[p.length - 1] === "/" && result !== "" ? `${result}/` : result || ".";
  };
}
function ensureNonDriveRelativePath(path2) {
  return path2.replace(DRIVE_RELATIVE_PATH, (match) => `${match}/`);
}
var splitPatternOptions = { parts: true };
function splitPattern(path2) {
  var _result$parts;
  const result = import_picomatch.default.scan(path2, splitPatternOptions);
  return ((_result$parts = result.parts) === null || _result$parts === void 0 ? void 0 : _result$parts.length) ? result.parts : [path2];
}
var POSIX_UNESCAPED_GLOB_SYMBOLS = /(?<!\\)([()[\]{}*?|]|^!|[!+@](?=\()|\\(?![()[\]{}!*+?@|]))/g;
var WIN32_UNESCAPED_GLOB_SYMBOLS = /(?<!\\)([()[\]{}]|^!|[!+@](?=\())/g;
var escapePosixPath = (path2) => path2.replace(POSIX_UNESCAPED_GLOB_SYMBOLS, "\\$&");
var escapeWin32Path = (path2) => path2.replace(WIN32_UNESCAPED_GLOB_SYMBOLS, "\\$&");
var escapePath = isWin ? escapeWin32Path : escapePosixPath;
function isDynamicPattern(pattern, options) {
  if ((options === null || options === void 0 ? void 0 : options.caseSensitiveMatch) === false) return true;
  const scan = import_picomatch.default.scan(pattern);
  return scan.isGlob || scan.negated;
}
function log(...tasks) {
  console.log(`[tinyglobby ${(/* @__PURE__ */ new Date()).toLocaleTimeString("es")}]`, ...tasks);
}
function ensureStringArray(value) {
  return typeof value === "string" ? [value] : value !== null && value !== void 0 ? value : [];
}
var PARENT_DIRECTORY = /^(\/?\.\.)+/;
var ESCAPING_BACKSLASHES = /\\(?=[()[\]{}!*+?@|])/g;
function normalizePattern(pattern, opts, props, isIgnore) {
  var _PARENT_DIRECTORY$exe;
  const cwd = opts.cwd;
  let result = pattern;
  if (pattern[pattern.length - 1] === "/") result = pattern.slice(0, -1);
  if (result[result.length - 1] !== "*" && opts.expandDirectories) result += "/**";
  const escapedCwd = escapePath(cwd);
  result = isAbsolute3(result.replace(ESCAPING_BACKSLASHES, "")) ? posix.relative(escapedCwd, result) : posix.normalize(result);
  const parentDir = (_PARENT_DIRECTORY$exe = PARENT_DIRECTORY.exec(result)) === null || _PARENT_DIRECTORY$exe === void 0 ? void 0 : _PARENT_DIRECTORY$exe[0];
  const parts = splitPattern(result);
  if (parentDir) {
    const n = (parentDir.length + 1) / 3;
    let i = 0;
    const cwdParts = escapedCwd.split("/");
    while (i < n && parts[i + n] === cwdParts[cwdParts.length + i - n]) {
      result = result.slice(0, (n - i - 1) * 3) + result.slice((n - i) * 3 + parts[i + n].length + 1) || ".";
      i++;
    }
    const potentialRoot = posix.join(cwd, parentDir.slice(i * 3));
    if (potentialRoot[0] !== "." && props.root.length > potentialRoot.length) {
      props.root = ensureNonDriveRelativePath(potentialRoot);
      props.depthOffset = -n + i;
    }
  }
  if (!isIgnore && props.depthOffset >= 0) {
    var _props$commonPath;
    (_props$commonPath = props.commonPath) !== null && _props$commonPath !== void 0 || (props.commonPath = parts);
    const newCommonPath = [];
    const length = Math.min(props.commonPath.length, parts.length);
    for (let i = 0; i < length; i++) {
      const part = parts[i];
      if (part === "**" && !parts[i + 1]) {
        newCommonPath.pop();
        break;
      }
      if (i === parts.length - 1 || part !== props.commonPath[i] || isDynamicPattern(part)) break;
      newCommonPath.push(part);
    }
    props.depthOffset = newCommonPath.length;
    props.commonPath = newCommonPath;
    props.root = ensureNonDriveRelativePath(newCommonPath.length > 0 ? posix.join(cwd, ...newCommonPath) : cwd);
  }
  return result;
}
function processPatterns(options, patterns, props) {
  const matchPatterns = [];
  const ignorePatterns = [];
  for (const pattern of options.ignore) {
    if (!pattern) continue;
    if (pattern[0] !== "!" || pattern[1] === "(") ignorePatterns.push(normalizePattern(pattern, options, props, true));
  }
  for (const pattern of patterns) {
    if (!pattern) continue;
    if (pattern[0] !== "!" || pattern[1] === "(") matchPatterns.push(normalizePattern(pattern, options, props, false));
    else if (pattern[1] !== "!" || pattern[2] === "(") ignorePatterns.push(normalizePattern(pattern.slice(1), options, props, true));
  }
  return {
    match: matchPatterns,
    ignore: ignorePatterns
  };
}
function buildCrawler(options, patterns) {
  const cwd = options.cwd;
  const props = {
    root: cwd,
    depthOffset: 0
  };
  const processed = processPatterns(options, patterns, props);
  if (options.debug) log("internal processing patterns:", processed);
  const { absolute, caseSensitiveMatch, debug, dot, followSymbolicLinks, onlyDirectories } = options;
  const root = props.root.replace(BACKSLASHES, "");
  const matchOptions = {
    dot,
    nobrace: options.braceExpansion === false,
    nocase: !caseSensitiveMatch,
    noextglob: options.extglob === false,
    noglobstar: options.globstar === false,
    posix: true
  };
  const matcher = (0, import_picomatch.default)(processed.match, matchOptions);
  const ignore = (0, import_picomatch.default)(processed.ignore, matchOptions);
  const partialMatcher = getPartialMatcher(processed.match, matchOptions);
  const format = buildFormat(cwd, root, absolute);
  const excludeFormatter = absolute ? format : buildFormat(cwd, root, true);
  const excludePredicate = (_, p) => {
    const relativePath = excludeFormatter(p, true);
    return relativePath !== "." && !partialMatcher(relativePath) || ignore(relativePath);
  };
  let maxDepth;
  if (options.deep !== void 0) maxDepth = Math.round(options.deep - props.depthOffset);
  const crawler = new Builder({
    filters: [debug ? (p, isDirectory2) => {
      const path2 = format(p, isDirectory2);
      const matches = matcher(path2) && !ignore(path2);
      if (matches) log(`matched ${path2}`);
      return matches;
    } : (p, isDirectory2) => {
      const path2 = format(p, isDirectory2);
      return matcher(path2) && !ignore(path2);
    }],
    exclude: debug ? (_, p) => {
      const skipped = excludePredicate(_, p);
      log(`${skipped ? "skipped" : "crawling"} ${p}`);
      return skipped;
    } : excludePredicate,
    fs: options.fs,
    pathSeparator: "/",
    relativePaths: !absolute,
    resolvePaths: absolute,
    includeBasePath: absolute,
    resolveSymlinks: followSymbolicLinks,
    excludeSymlinks: !followSymbolicLinks,
    excludeFiles: onlyDirectories,
    includeDirs: onlyDirectories || !options.onlyFiles,
    maxDepth,
    signal: options.signal
  }).crawl(root);
  if (options.debug) log("internal properties:", {
    ...props,
    root
  });
  return [crawler, cwd !== root && !absolute && buildRelative(cwd, root)];
}
function formatPaths(paths, mapper) {
  if (mapper) for (let i = paths.length - 1; i >= 0; i--) paths[i] = mapper(paths[i]);
  return paths;
}
var defaultOptions = {
  caseSensitiveMatch: true,
  debug: !!process.env.TINYGLOBBY_DEBUG,
  expandDirectories: true,
  followSymbolicLinks: true,
  onlyFiles: true
};
function getOptions(options) {
  const opts = Object.assign({}, options);
  for (const key in defaultOptions) if (opts[key] === void 0) Object.assign(opts, { [key]: defaultOptions[key] });
  opts.cwd = (opts.cwd instanceof URL ? fileURLToPath(opts.cwd) : resolve4(opts.cwd || process.cwd())).replace(BACKSLASHES, "/");
  opts.ignore = ensureStringArray(opts.ignore);
  opts.fs && (opts.fs = {
    readdir: opts.fs.readdir || readdir2,
    readdirSync: opts.fs.readdirSync || readdirSync,
    realpath: opts.fs.realpath || realpath,
    realpathSync: opts.fs.realpathSync || realpathSync,
    stat: opts.fs.stat || stat2,
    statSync: opts.fs.statSync || statSync
  });
  if (opts.debug) log("globbing with options:", opts);
  return opts;
}
function getCrawler(globInput, inputOptions = {}) {
  var _ref;
  if (globInput && (inputOptions === null || inputOptions === void 0 ? void 0 : inputOptions.patterns)) throw new Error("Cannot pass patterns as both an argument and an option");
  const isModern = isReadonlyArray(globInput) || typeof globInput === "string";
  const patterns = ensureStringArray((_ref = isModern ? globInput : globInput.patterns) !== null && _ref !== void 0 ? _ref : "**/*");
  const options = getOptions(isModern ? inputOptions : globInput);
  return patterns.length > 0 ? buildCrawler(options, patterns) : [];
}
async function glob(globInput, options) {
  const [crawler, relative4] = getCrawler(globInput, options);
  return crawler ? formatPaths(await crawler.withPromise(), relative4) : [];
}

// dist/commands/upload.js
function uploadCommand(program2, ctx) {
  program2.command("upload").summary("upload files to a repository, stamped with the build").description("Upload local files matching one or more glob patterns to <repo/path/>. With a build\n(--build-name/--build-number, or the CI run) each file is stamped with build.name,\nbuild.number and build.timestamp and recorded as a module artifact in the local\nbuild-info store, ready for `stowage build publish`.").argument("<pattern...>", "local file globs (quote them), followed by the target repo/path/").usage("[options] <pattern...> <repo/path/>").option("--module <id>", "build-info module id (default: the build name)").option("--props <k=v;\u2026>", 'properties to set, e.g. "team=data;tier=gold,silver"').option("--flat", "upload into the target folder by base name (default)", true).option("--no-flat", "keep each file\u2019s path relative to the current directory").option("--threads <n>", "parallel uploads", "3").option("--dry-run", "show what would be uploaded; upload nothing").addHelpText("after", '\nExamples:\n  stowage upload "out/*.csv" generic-staging/nightly-report/ --build-name nightly-report --build-number 7\n  stowage upload app.tgz generic-staging/app/app-1.2.0.tgz --props "channel=beta"\n').action(async (args, opts, cmd) => {
    await upload(new Session(ctx, cmd), args, opts);
  });
}
async function upload(s, args, opts) {
  if (args.length < 2) {
    throw new UsageError('upload needs at least one file pattern and a target, e.g. stowage upload "out/*.csv" generic-staging/reports/');
  }
  const patterns = args.slice(0, -1);
  const target = parseRepoPath(args[args.length - 1] ?? "");
  const threads = positiveInt(opts.threads, "--threads");
  const userProps = parseProps(opts.props);
  const build2 = s.build();
  const matches = [];
  const seen = /* @__PURE__ */ new Set();
  for (const pattern of patterns) {
    const files = await glob(pattern, {
      cwd: s.ctx.cwd,
      absolute: true,
      onlyFiles: true,
      expandDirectories: false
    });
    if (files.length === 0) {
      throw new CliError("ERR_CLI_NO_MATCH", `no files match "${pattern}" (in ${s.ctx.cwd}); check the pattern, and quote it so the shell does not expand it`);
    }
    for (const file of files.sort()) {
      if (seen.has(file))
        continue;
      seen.add(file);
      matches.push({ file, pattern });
    }
  }
  const plan2 = mapUploadTargets(matches, target, { flat: opts.flat, cwd: s.ctx.cwd });
  const sizes = await Promise.all(plan2.map(async (p) => (await stat3(p.file)).size));
  let started;
  let newBuild = false;
  const properties = { ...userProps };
  if (build2) {
    const existing = await s.store().load(build2.name, build2.number);
    started = existing?.started ?? formatStarted(/* @__PURE__ */ new Date());
    newBuild = existing === void 0;
    Object.assign(properties, mergeProps(userProps, {
      "build.name": build2.name,
      "build.number": build2.number,
      "build.timestamp": String(parseStarted(started).getTime())
    }));
  }
  if (opts.dryRun) {
    const planned = plan2.map((p, i) => ({
      source: p.file,
      repo: target.repo,
      path: p.path,
      size: sizes[i]
    }));
    if (s.json)
      s.printJson({ dryRun: true, files: planned, properties, build: build2 ?? null });
    else {
      s.out(`dry run: would upload ${plan2.length} file(s):`);
      for (const p of planned)
        s.out(`  ${p.source} \u2192 ${p.repo}/${p.path}`);
    }
    return;
  }
  const progress = new Progress(s.ctx.stderr, {
    enabled: progressEnabled(s.ctx.stderr, s.ctx.env, s.json),
    label: "uploading",
    files: plan2.length,
    bytes: sizes.reduce((a, b) => a + b, 0)
  });
  let uploaded;
  try {
    uploaded = await s.withClient((client) => mapLimit(plan2, threads, async (p, i) => {
      const res = await client.upload({
        repo: target.repo,
        path: p.path,
        file: p.file,
        properties,
        onProgress: (sent, total2) => progress.update(i, sent, total2)
      });
      progress.fileDone();
      return { ...res, source: p.file };
    }), build2);
  } finally {
    progress.finish();
  }
  if (build2) {
    const moduleId = opts.module ?? build2.name;
    const artifacts = uploaded.map((u) => {
      const a = {
        name: basename5(u.path),
        path: u.path,
        sha1: u.sha1,
        sha256: u.sha256,
        md5: u.md5,
        size: u.size
      };
      const type = artifactType(u.path);
      if (type)
        a.type = type;
      return a;
    });
    await s.store().addPart(build2.name, build2.number, {
      ...newBuild && started ? { started } : {},
      modules: [{ id: moduleId, artifacts }]
    });
  }
  if (s.json) {
    s.printJson({
      files: uploaded.map((u) => ({
        source: u.source,
        repo: u.repo,
        path: u.path,
        size: u.size,
        sha1: u.sha1,
        sha256: u.sha256,
        md5: u.md5,
        downloadUri: u.downloadUri,
        deployedByChecksum: u.deployedByChecksum
      })),
      properties,
      build: build2 ? { ...build2, module: opts.module ?? build2.name } : null
    });
    return;
  }
  for (const u of uploaded) {
    const how = u.deployedByChecksum ? " (already stored; deployed by checksum)" : "";
    const rel = relative3(s.ctx.cwd, u.source);
    const shown = rel.startsWith("..") || isAbsolute4(rel) ? u.source : rel;
    s.out(`  ${shown} \u2192 ${u.repo}/${u.path}  ${formatBytes(u.size)}${how}`);
  }
  const total = uploaded.reduce((a, u) => a + u.size, 0);
  s.out(`uploaded ${uploaded.length} file(s), ${formatBytes(total)}` + (build2 ? `, recorded in build ${build2.name} #${build2.number}` : ""));
}

// dist/commands/token.js
init_define_STOWAGE_UI_ASSETS();
function duration(v) {
  const m = /^(\d+)([smhd]?)$/.exec(v.trim());
  if (!m)
    throw new UsageError(`--expires-in "${v}" must be seconds, or e.g. 30m, 12h, 7d`);
  const unit = { "": 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] ?? ""];
  return Number(m[1]) * unit;
}
var collect3 = (v, prev = []) => [...prev, v];
function tokenCommand(program2, ctx) {
  const token = program2.command("token").summary("issue, list and revoke scoped access tokens").description("A token acts for a user (default: the caller). With --scope it can do no more than its\nscopes say, and never more than its user. Scopes: admin, repo:<keyPattern>:<action>\n(read, annotate, deploy, delete, manage), build:<namePattern>:<action> (read, publish,\ndelete, promote:<stage>, promote:*). Patterns use *.");
  token.command("create").summary("issue a token (its secret is shown this once)").option("--user <name>", "the user it acts for (admins only; default: yourself)").option("--scope <scope>", "a scope; repeat for more", collect3).option("--description <text>", "what the token is for").option("--expires-in <duration>", "lifetime: seconds, or e.g. 30m, 12h, 7d").addHelpText("after", '\nExamples:\n  stowage token create --user ci --scope "repo:generic-staging:deploy" --scope "build:nightly-*:publish" --expires-in 30d\n  stowage token create --scope "build:*:promote:qa" --description "QA sign-off" --json\n').action(async (opts, cmd) => {
    const s = new Session(ctx, cmd);
    const issued = await s.withClient((c) => c.createToken({
      ...opts.user ? { user: opts.user } : {},
      ...opts.scope?.length ? { scopes: opts.scope } : {},
      ...opts.description ? { description: opts.description } : {},
      ...opts.expiresIn ? { expiresInSec: duration(opts.expiresIn) } : {}
    }));
    if (s.json)
      return s.printJson(issued);
    s.out(issued.token);
    s.err(`token ${issued.id} for ${issued.user}: ${issued.scopes.length ? issued.scopes.join(" ") : "the user's own grants"}${issued.expires ? `, expires ${issued.expires}` : ""}`);
  });
  token.command("list").summary("list tokens (never their secrets)").option("--user <name>", "only this user's tokens (admins)").action(async (opts, cmd) => {
    const s = new Session(ctx, cmd);
    const list2 = await s.withClient((c) => c.listTokens(opts.user ? { user: opts.user } : {}));
    if (s.json)
      return s.printJson({ tokens: list2 });
    if (list2.length === 0)
      return s.out("no tokens");
    for (const t of list2) {
      const scopes = t.scopes.length ? t.scopes.join(" ") : "(user grants)";
      s.out(`${t.id}  ${t.user}  ${scopes}  created ${t.created}${t.expires ? `  expires ${t.expires}` : ""}${t.lastUsed ? `  last used ${t.lastUsed}` : ""}${t.description ? `  "${t.description}"` : ""}`);
    }
  });
  token.command("revoke").summary("revoke a token by id; it stops working at once").argument("<id...>", "token ids (see `stowage token list`)").action(async (ids, _opts, cmd) => {
    const s = new Session(ctx, cmd);
    await s.withClient(async (c) => {
      for (const id of ids)
        await c.revokeToken(id);
    });
    if (s.json)
      return s.printJson({ revoked: ids });
    for (const id of ids)
      s.out(`revoked ${id}`);
  });
}
function auditCommand(program2, ctx) {
  program2.command("audit").summary("show the audit trail: who changed what, when, from where").option("--user <name>", "only changes by this user").option("--action <action>", 'e.g. build.promote, or a prefix ending in "." (artifact.)').option("--repo <key>", "only changes in this repository").option("--build-name <name>", "only changes of this build").option("--build-number <number>", "and this build number").option("--since <date>", "ISO date or epoch ms").option("--until <date>", "ISO date or epoch ms").option("--limit <n>", "at most this many entries (newest first)", "100").addHelpText("after", "\nExample: who promoted build 42 to release, and who approved it:\n  stowage audit --action build.promote --build-name nightly-report --build-number 42\n").action(async (opts, cmd) => {
    const s = new Session(ctx, cmd);
    const q = { limit: positiveInt(opts.limit, "--limit") };
    for (const k of [
      "user",
      "action",
      "repo",
      "buildName",
      "buildNumber",
      "since",
      "until"
    ])
      if (opts[k])
        q[k] = opts[k];
    const entries = await s.withClient((c) => c.audit(q));
    if (s.json)
      return s.printJson({ entries });
    if (entries.length === 0)
      return s.out("no entries");
    for (const e of entries) {
      const what = [
        e.repo ? `${e.repo}${e.path ? `/${e.path.replace(/^\//, "")}` : ""}` : "",
        e.buildName ? `${e.buildName}${e.buildNumber ? ` #${e.buildNumber}` : ""}` : "",
        e.details ? JSON.stringify(e.details) : ""
      ].filter(Boolean).join("  ");
      const by = `${e.user}${e.tokenId ? ` (token ${e.tokenId})` : ""}${e.ip ? ` from ${e.ip}` : ""}`;
      s.out(`${e.time}  ${e.action}  ${by}  ${what}`);
    }
  });
}

// dist/cli.js
function createProgram(ctx) {
  const program2 = new Command("stowage");
  program2.description("Stowage: a universal artifact repository for CI. Upload and download artifacts,\nrecord and publish build-info, promote builds through stages, or run the server.").version(VERSION, "-V, --version").option("--url <url>", `Stowage (or Artifactory) URL (env STOWAGE_URL, default ${DEFAULT_URL})`).option("--token <token>", "access token (env STOWAGE_TOKEN; never printed)").option("--json", "print machine-readable JSON on stdout").option("--build-name <name>", "build name (default: the CI run\u2019s, see `stowage build --help`)").option("--build-number <number>", "build number (default: the CI run\u2019s)").option("--store-dir <dir>", "local build-info store (env STOWAGE_BUILD_STORE, default .stowage/builds)").exitOverride().showHelpAfterError("(run with --help for usage)").configureHelp({ showGlobalOptions: true, sortSubcommands: false }).configureOutput({
    writeOut: (str) => ctx.stdout.write(str),
    writeErr: (str) => ctx.stderr.write(str),
    outputError: (str, write2) => write2(`stowage: ${str.replace(/^error: /, "")}`),
    getOutHelpWidth: () => ctx.stdout.columns ?? 100,
    getErrHelpWidth: () => ctx.stderr.columns ?? 100
  }).addHelpText("after", '\nExamples:\n  stowage serve\n  stowage upload "out/*.csv" generic-staging/nightly-report/ --build-name nightly-report --build-number 7\n  stowage build publish nightly-report 7\n  stowage build promote nightly-report 7 --to qa\n  stowage build list nightly-report\n');
  serveCommand(program2, ctx);
  pingCommand(program2, ctx);
  migrateCommand(program2, ctx);
  uploadCommand(program2, ctx);
  downloadCommand(program2, ctx);
  buildCommand(program2, ctx);
  dispatchCommand(program2, ctx);
  goCommand(program2, ctx);
  helmCommand(program2, ctx);
  setupCommand(program2, ctx);
  dockerCommand(program2, ctx);
  reportCommand(program2, ctx);
  tokenCommand(program2, ctx);
  auditCommand(program2, ctx);
  loginCommand(program2, ctx);
  return program2;
}
async function run2(argv, ctx) {
  const program2 = createProgram(ctx);
  try {
    await program2.parseAsync(argv, { from: "user" });
    return 0;
  } catch (err) {
    return report2(err, program2, ctx, argv.includes("--json"));
  }
}
function report2(err, program2, ctx, json) {
  if (err instanceof CommanderError) {
    return err.exitCode === 0 ? 0 : 2;
  }
  const debug = ctx.env.STOWAGE_DEBUG === "1" || ctx.env.STOWAGE_DEBUG === "true";
  let message = err instanceof Error ? err.message : String(err);
  let code = "ERR_CLI_UNEXPECTED";
  let exit = 1;
  if (err instanceof UsageError) {
    code = "ERR_CLI_USAGE";
    exit = 2;
  } else if (err instanceof CliError) {
    code = err.code;
  } else if (isStowageError(err)) {
    code = err.code;
    const g = program2.opts();
    if (err.status === 401 && !(g.token ?? ctx.env.STOWAGE_TOKEN)) {
      message += " (no token was given: set STOWAGE_TOKEN or pass --token)";
    }
  } else if (!debug) {
    message += " (this is unexpected; rerun with STOWAGE_DEBUG=1 to see where it happened)";
  }
  write(ctx.stderr, `stowage: ${message}
`);
  if (exit === 2)
    write(ctx.stderr, "(run with --help for usage)\n");
  if (debug && err instanceof Error && err.stack)
    write(ctx.stderr, `${err.stack}
`);
  if (json)
    write(ctx.stdout, `${JSON.stringify({ error: { code, message } })}
`);
  return exit;
}
function write(out, text2) {
  out.write(text2);
}
async function main() {
  process.exitCode = await run2(process.argv.slice(2), {
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: process.cwd(),
    // Request logs must not block on the terminal or a pipe: pino's asynchronous destination.
    // The server module is loaded here only when `serve` (which has loaded it) asks.
    serverLog: async () => (await import("./stowage-server-NP2Q74RH.mjs")).asyncLogDestination(1),
    waitForShutdown: () => new Promise((resolve5) => {
      process.once("SIGINT", () => resolve5("SIGINT"));
      process.once("SIGTERM", () => resolve5("SIGTERM"));
    })
  });
}
if (import.meta.main)
  await main();
export {
  VERSION,
  createProgram,
  main,
  run2 as run
};
