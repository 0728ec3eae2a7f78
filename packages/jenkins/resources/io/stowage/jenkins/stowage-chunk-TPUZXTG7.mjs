// stowage 0.1.0: part of the Stowage CLI, loaded by stowage.mjs. Licenses: stowage.licenses.txt
import { createRequire as __stowageCreateRequire } from 'node:module';
const require = __stowageCreateRequire(import.meta.url);
import {
  __commonJS,
  __require,
  __toESM,
  init_define_STOWAGE_UI_ASSETS
} from "./stowage-chunk-PAFHW2OS.mjs";

// ../../node_modules/buffer-crc32/dist/index.cjs
var require_dist = __commonJS({
  "../../node_modules/buffer-crc32/dist/index.cjs"(exports, module) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    function getDefaultExportFromCjs(x) {
      return x && x.__esModule && Object.prototype.hasOwnProperty.call(x, "default") ? x["default"] : x;
    }
    var CRC_TABLE = new Int32Array([
      0,
      1996959894,
      3993919788,
      2567524794,
      124634137,
      1886057615,
      3915621685,
      2657392035,
      249268274,
      2044508324,
      3772115230,
      2547177864,
      162941995,
      2125561021,
      3887607047,
      2428444049,
      498536548,
      1789927666,
      4089016648,
      2227061214,
      450548861,
      1843258603,
      4107580753,
      2211677639,
      325883990,
      1684777152,
      4251122042,
      2321926636,
      335633487,
      1661365465,
      4195302755,
      2366115317,
      997073096,
      1281953886,
      3579855332,
      2724688242,
      1006888145,
      1258607687,
      3524101629,
      2768942443,
      901097722,
      1119000684,
      3686517206,
      2898065728,
      853044451,
      1172266101,
      3705015759,
      2882616665,
      651767980,
      1373503546,
      3369554304,
      3218104598,
      565507253,
      1454621731,
      3485111705,
      3099436303,
      671266974,
      1594198024,
      3322730930,
      2970347812,
      795835527,
      1483230225,
      3244367275,
      3060149565,
      1994146192,
      31158534,
      2563907772,
      4023717930,
      1907459465,
      112637215,
      2680153253,
      3904427059,
      2013776290,
      251722036,
      2517215374,
      3775830040,
      2137656763,
      141376813,
      2439277719,
      3865271297,
      1802195444,
      476864866,
      2238001368,
      4066508878,
      1812370925,
      453092731,
      2181625025,
      4111451223,
      1706088902,
      314042704,
      2344532202,
      4240017532,
      1658658271,
      366619977,
      2362670323,
      4224994405,
      1303535960,
      984961486,
      2747007092,
      3569037538,
      1256170817,
      1037604311,
      2765210733,
      3554079995,
      1131014506,
      879679996,
      2909243462,
      3663771856,
      1141124467,
      855842277,
      2852801631,
      3708648649,
      1342533948,
      654459306,
      3188396048,
      3373015174,
      1466479909,
      544179635,
      3110523913,
      3462522015,
      1591671054,
      702138776,
      2966460450,
      3352799412,
      1504918807,
      783551873,
      3082640443,
      3233442989,
      3988292384,
      2596254646,
      62317068,
      1957810842,
      3939845945,
      2647816111,
      81470997,
      1943803523,
      3814918930,
      2489596804,
      225274430,
      2053790376,
      3826175755,
      2466906013,
      167816743,
      2097651377,
      4027552580,
      2265490386,
      503444072,
      1762050814,
      4150417245,
      2154129355,
      426522225,
      1852507879,
      4275313526,
      2312317920,
      282753626,
      1742555852,
      4189708143,
      2394877945,
      397917763,
      1622183637,
      3604390888,
      2714866558,
      953729732,
      1340076626,
      3518719985,
      2797360999,
      1068828381,
      1219638859,
      3624741850,
      2936675148,
      906185462,
      1090812512,
      3747672003,
      2825379669,
      829329135,
      1181335161,
      3412177804,
      3160834842,
      628085408,
      1382605366,
      3423369109,
      3138078467,
      570562233,
      1426400815,
      3317316542,
      2998733608,
      733239954,
      1555261956,
      3268935591,
      3050360625,
      752459403,
      1541320221,
      2607071920,
      3965973030,
      1969922972,
      40735498,
      2617837225,
      3943577151,
      1913087877,
      83908371,
      2512341634,
      3803740692,
      2075208622,
      213261112,
      2463272603,
      3855990285,
      2094854071,
      198958881,
      2262029012,
      4057260610,
      1759359992,
      534414190,
      2176718541,
      4139329115,
      1873836001,
      414664567,
      2282248934,
      4279200368,
      1711684554,
      285281116,
      2405801727,
      4167216745,
      1634467795,
      376229701,
      2685067896,
      3608007406,
      1308918612,
      956543938,
      2808555105,
      3495958263,
      1231636301,
      1047427035,
      2932959818,
      3654703836,
      1088359270,
      936918e3,
      2847714899,
      3736837829,
      1202900863,
      817233897,
      3183342108,
      3401237130,
      1404277552,
      615818150,
      3134207493,
      3453421203,
      1423857449,
      601450431,
      3009837614,
      3294710456,
      1567103746,
      711928724,
      3020668471,
      3272380065,
      1510334235,
      755167117
    ]);
    function ensureBuffer(input) {
      if (Buffer.isBuffer(input)) {
        return input;
      }
      if (typeof input === "number") {
        return Buffer.alloc(input);
      } else if (typeof input === "string") {
        return Buffer.from(input);
      } else {
        throw new Error("input must be buffer, number, or string, received " + typeof input);
      }
    }
    function bufferizeInt(num) {
      const tmp = ensureBuffer(4);
      tmp.writeInt32BE(num, 0);
      return tmp;
    }
    function _crc32(buf, previous) {
      buf = ensureBuffer(buf);
      if (Buffer.isBuffer(previous)) {
        previous = previous.readUInt32BE(0);
      }
      let crc = ~~previous ^ -1;
      for (var n = 0; n < buf.length; n++) {
        crc = CRC_TABLE[(crc ^ buf[n]) & 255] ^ crc >>> 8;
      }
      return crc ^ -1;
    }
    function crc32() {
      return bufferizeInt(_crc32.apply(null, arguments));
    }
    crc32.signed = function() {
      return _crc32.apply(null, arguments);
    };
    crc32.unsigned = function() {
      return _crc32.apply(null, arguments) >>> 0;
    };
    var bufferCrc32 = crc32;
    var index = /* @__PURE__ */ getDefaultExportFromCjs(bufferCrc32);
    module.exports = index;
  }
});

// ../../node_modules/yazl/index.js
var require_yazl = __commonJS({
  "../../node_modules/yazl/index.js"(exports) {
    init_define_STOWAGE_UI_ASSETS();
    var fs = __require("fs");
    var Transform = __require("stream").Transform;
    var PassThrough = __require("stream").PassThrough;
    var zlib = __require("zlib");
    var util = __require("util");
    var EventEmitter = __require("events").EventEmitter;
    var errorMonitor = __require("events").errorMonitor;
    var crc32 = require_dist();
    exports.ZipFile = ZipFile;
    exports.dateToDosDateTime = dateToDosDateTime;
    util.inherits(ZipFile, EventEmitter);
    function ZipFile() {
      this.outputStream = new PassThrough();
      this.entries = [];
      this.outputStreamCursor = 0;
      this.ended = false;
      this.allDone = false;
      this.forceZip64Eocd = false;
      this.errored = false;
      this.on(errorMonitor, function() {
        this.errored = true;
      });
    }
    ZipFile.prototype.addFile = function(realPath, metadataPath, options) {
      var self = this;
      metadataPath = validateMetadataPath(metadataPath, false);
      if (options == null) options = {};
      if (shouldIgnoreAdding(self)) return;
      var entry2 = new Entry(metadataPath, false, options);
      self.entries.push(entry2);
      fs.stat(realPath, function(err, stats) {
        if (err) return self.emit("error", err);
        if (!stats.isFile()) return self.emit("error", new Error("not a file: " + realPath));
        entry2.uncompressedSize = stats.size;
        if (options.mtime == null) entry2.setLastModDate(stats.mtime);
        if (options.mode == null) entry2.setFileAttributesMode(stats.mode);
        entry2.setFileDataPumpFunction(function() {
          var readStream = fs.createReadStream(realPath);
          entry2.state = Entry.FILE_DATA_IN_PROGRESS;
          readStream.on("error", function(err2) {
            self.emit("error", err2);
          });
          pumpFileDataReadStream(self, entry2, readStream);
        });
        pumpEntries(self);
      });
    };
    ZipFile.prototype.addReadStream = function(readStream, metadataPath, options) {
      this.addReadStreamLazy(metadataPath, options, function(cb) {
        cb(null, readStream);
      });
    };
    ZipFile.prototype.addReadStreamLazy = function(metadataPath, options, getReadStreamFunction) {
      var self = this;
      if (typeof options === "function") {
        getReadStreamFunction = options;
        options = null;
      }
      if (options == null) options = {};
      metadataPath = validateMetadataPath(metadataPath, false);
      if (shouldIgnoreAdding(self)) return;
      var entry2 = new Entry(metadataPath, false, options);
      self.entries.push(entry2);
      entry2.setFileDataPumpFunction(function() {
        entry2.state = Entry.FILE_DATA_IN_PROGRESS;
        getReadStreamFunction(function(err, readStream) {
          if (err) return self.emit("error", err);
          pumpFileDataReadStream(self, entry2, readStream);
        });
      });
      pumpEntries(self);
    };
    ZipFile.prototype.addBuffer = function(buffer, metadataPath, options) {
      var self = this;
      metadataPath = validateMetadataPath(metadataPath, false);
      if (buffer.length > 1073741823) throw new Error("buffer too large: " + buffer.length + " > 1073741823");
      if (options == null) options = {};
      if (options.size != null) throw new Error("options.size not allowed");
      if (shouldIgnoreAdding(self)) return;
      var entry2 = new Entry(metadataPath, false, options);
      entry2.uncompressedSize = buffer.length;
      entry2.crc32 = crc32.unsigned(buffer);
      entry2.crcAndFileSizeKnown = true;
      self.entries.push(entry2);
      if (entry2.compressionLevel === 0) {
        setCompressedBuffer(buffer);
      } else {
        zlib.deflateRaw(buffer, { level: entry2.compressionLevel }, function(err, compressedBuffer) {
          setCompressedBuffer(compressedBuffer);
        });
      }
      function setCompressedBuffer(compressedBuffer) {
        entry2.compressedSize = compressedBuffer.length;
        entry2.setFileDataPumpFunction(function() {
          writeToOutputStream(self, compressedBuffer);
          writeToOutputStream(self, entry2.getDataDescriptor());
          entry2.state = Entry.FILE_DATA_DONE;
          setImmediate(function() {
            pumpEntries(self);
          });
        });
        pumpEntries(self);
      }
    };
    ZipFile.prototype.addEmptyDirectory = function(metadataPath, options) {
      var self = this;
      metadataPath = validateMetadataPath(metadataPath, true);
      if (options == null) options = {};
      if (options.size != null) throw new Error("options.size not allowed");
      if (options.compress != null) throw new Error("options.compress not allowed");
      if (options.compressionLevel != null) throw new Error("options.compressionLevel not allowed");
      if (shouldIgnoreAdding(self)) return;
      var entry2 = new Entry(metadataPath, true, options);
      self.entries.push(entry2);
      entry2.setFileDataPumpFunction(function() {
        writeToOutputStream(self, entry2.getDataDescriptor());
        entry2.state = Entry.FILE_DATA_DONE;
        pumpEntries(self);
      });
      pumpEntries(self);
    };
    var eocdrSignatureBuffer = bufferFrom([80, 75, 5, 6]);
    ZipFile.prototype.end = function(options, calculatedTotalSizeCallback) {
      if (typeof options === "function") {
        calculatedTotalSizeCallback = options;
        options = null;
      }
      if (options == null) options = {};
      if (this.ended) return;
      this.ended = true;
      if (this.errored) return;
      this.calculatedTotalSizeCallback = calculatedTotalSizeCallback;
      this.forceZip64Eocd = !!options.forceZip64Format;
      if (options.comment) {
        if (typeof options.comment === "string") {
          this.comment = encodeCp437(options.comment);
        } else {
          this.comment = options.comment;
        }
        if (this.comment.length > 65535) throw new Error("comment is too large");
        if (bufferIncludes(this.comment, eocdrSignatureBuffer)) throw new Error("comment contains end of central directory record signature");
      } else {
        this.comment = EMPTY_BUFFER;
      }
      pumpEntries(this);
    };
    function writeToOutputStream(self, buffer) {
      self.outputStream.write(buffer);
      self.outputStreamCursor += buffer.length;
    }
    function pumpFileDataReadStream(self, entry2, readStream) {
      var crc32Watcher = new Crc32Watcher();
      var uncompressedSizeCounter = new ByteCounter();
      var compressor = entry2.compressionLevel !== 0 ? new zlib.DeflateRaw({ level: entry2.compressionLevel }) : new PassThrough();
      var compressedSizeCounter = new ByteCounter();
      readStream.pipe(crc32Watcher).pipe(uncompressedSizeCounter).pipe(compressor).pipe(compressedSizeCounter).pipe(self.outputStream, { end: false });
      compressedSizeCounter.on("end", function() {
        entry2.crc32 = crc32Watcher.crc32;
        if (entry2.uncompressedSize == null) {
          entry2.uncompressedSize = uncompressedSizeCounter.byteCount;
        } else {
          if (entry2.uncompressedSize !== uncompressedSizeCounter.byteCount) return self.emit("error", new Error("file data stream has unexpected number of bytes"));
        }
        entry2.compressedSize = compressedSizeCounter.byteCount;
        self.outputStreamCursor += entry2.compressedSize;
        writeToOutputStream(self, entry2.getDataDescriptor());
        entry2.state = Entry.FILE_DATA_DONE;
        pumpEntries(self);
      });
    }
    function determineCompressionLevel(options) {
      if (options.compress != null && options.compressionLevel != null) {
        if (!!options.compress !== !!options.compressionLevel) throw new Error("conflicting settings for compress and compressionLevel");
      }
      if (options.compressionLevel != null) return options.compressionLevel;
      if (options.compress === false) return 0;
      return 6;
    }
    function pumpEntries(self) {
      if (self.allDone || self.errored) return;
      if (self.ended && self.calculatedTotalSizeCallback != null) {
        var calculatedTotalSize = calculateTotalSize(self);
        if (calculatedTotalSize != null) {
          self.calculatedTotalSizeCallback(calculatedTotalSize);
          self.calculatedTotalSizeCallback = null;
        }
      }
      var entry2 = getFirstNotDoneEntry();
      function getFirstNotDoneEntry() {
        for (var i = 0; i < self.entries.length; i++) {
          var entry3 = self.entries[i];
          if (entry3.state < Entry.FILE_DATA_DONE) return entry3;
        }
        return null;
      }
      if (entry2 != null) {
        if (entry2.state < Entry.READY_TO_PUMP_FILE_DATA) return;
        if (entry2.state === Entry.FILE_DATA_IN_PROGRESS) return;
        entry2.relativeOffsetOfLocalHeader = self.outputStreamCursor;
        var localFileHeader = entry2.getLocalFileHeader();
        writeToOutputStream(self, localFileHeader);
        entry2.doFileDataPump();
      } else {
        if (self.ended) {
          self.offsetOfStartOfCentralDirectory = self.outputStreamCursor;
          self.entries.forEach(function(entry3) {
            var centralDirectoryRecord = entry3.getCentralDirectoryRecord();
            writeToOutputStream(self, centralDirectoryRecord);
          });
          writeToOutputStream(self, getEndOfCentralDirectoryRecord(self));
          self.outputStream.end();
          self.allDone = true;
        }
      }
    }
    function calculateTotalSize(self) {
      var pretendOutputCursor = 0;
      var centralDirectorySize = 0;
      for (var i = 0; i < self.entries.length; i++) {
        var entry2 = self.entries[i];
        if (entry2.compressionLevel !== 0) return -1;
        if (entry2.state >= Entry.READY_TO_PUMP_FILE_DATA) {
          if (entry2.uncompressedSize == null) return -1;
        } else {
          if (entry2.uncompressedSize == null) return null;
        }
        entry2.relativeOffsetOfLocalHeader = pretendOutputCursor;
        var useZip64Format = entry2.useZip64Format();
        pretendOutputCursor += LOCAL_FILE_HEADER_FIXED_SIZE + entry2.utf8FileName.length;
        pretendOutputCursor += entry2.uncompressedSize;
        if (!entry2.crcAndFileSizeKnown) {
          if (useZip64Format) {
            pretendOutputCursor += ZIP64_DATA_DESCRIPTOR_SIZE;
          } else {
            pretendOutputCursor += DATA_DESCRIPTOR_SIZE;
          }
        }
        centralDirectorySize += CENTRAL_DIRECTORY_RECORD_FIXED_SIZE + entry2.utf8FileName.length + entry2.fileComment.length;
        if (!entry2.forceDosTimestamp) {
          centralDirectorySize += INFO_ZIP_UNIVERSAL_TIMESTAMP_EXTRA_FIELD_SIZE;
        }
        if (useZip64Format) {
          centralDirectorySize += ZIP64_EXTENDED_INFORMATION_EXTRA_FIELD_SIZE;
        }
      }
      var endOfCentralDirectorySize = 0;
      if (self.forceZip64Eocd || self.entries.length >= 65535 || centralDirectorySize >= 65535 || pretendOutputCursor >= 4294967295) {
        endOfCentralDirectorySize += ZIP64_END_OF_CENTRAL_DIRECTORY_RECORD_SIZE + ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR_SIZE;
      }
      endOfCentralDirectorySize += END_OF_CENTRAL_DIRECTORY_RECORD_SIZE + self.comment.length;
      return pretendOutputCursor + centralDirectorySize + endOfCentralDirectorySize;
    }
    function shouldIgnoreAdding(self) {
      if (self.ended) throw new Error("cannot add entries after calling end()");
      if (self.errored) return true;
      return false;
    }
    var ZIP64_END_OF_CENTRAL_DIRECTORY_RECORD_SIZE = 56;
    var ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR_SIZE = 20;
    var END_OF_CENTRAL_DIRECTORY_RECORD_SIZE = 22;
    function getEndOfCentralDirectoryRecord(self, actuallyJustTellMeHowLongItWouldBe) {
      var needZip64Format = false;
      var normalEntriesLength = self.entries.length;
      if (self.forceZip64Eocd || self.entries.length >= 65535) {
        normalEntriesLength = 65535;
        needZip64Format = true;
      }
      var sizeOfCentralDirectory = self.outputStreamCursor - self.offsetOfStartOfCentralDirectory;
      var normalSizeOfCentralDirectory = sizeOfCentralDirectory;
      if (self.forceZip64Eocd || sizeOfCentralDirectory >= 4294967295) {
        normalSizeOfCentralDirectory = 4294967295;
        needZip64Format = true;
      }
      var normalOffsetOfStartOfCentralDirectory = self.offsetOfStartOfCentralDirectory;
      if (self.forceZip64Eocd || self.offsetOfStartOfCentralDirectory >= 4294967295) {
        normalOffsetOfStartOfCentralDirectory = 4294967295;
        needZip64Format = true;
      }
      if (actuallyJustTellMeHowLongItWouldBe) {
        if (needZip64Format) {
          return ZIP64_END_OF_CENTRAL_DIRECTORY_RECORD_SIZE + ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR_SIZE + END_OF_CENTRAL_DIRECTORY_RECORD_SIZE;
        } else {
          return END_OF_CENTRAL_DIRECTORY_RECORD_SIZE;
        }
      }
      var eocdrBuffer = bufferAlloc(END_OF_CENTRAL_DIRECTORY_RECORD_SIZE + self.comment.length);
      eocdrBuffer.writeUInt32LE(101010256, 0);
      eocdrBuffer.writeUInt16LE(0, 4);
      eocdrBuffer.writeUInt16LE(0, 6);
      eocdrBuffer.writeUInt16LE(normalEntriesLength, 8);
      eocdrBuffer.writeUInt16LE(normalEntriesLength, 10);
      eocdrBuffer.writeUInt32LE(normalSizeOfCentralDirectory, 12);
      eocdrBuffer.writeUInt32LE(normalOffsetOfStartOfCentralDirectory, 16);
      eocdrBuffer.writeUInt16LE(self.comment.length, 20);
      self.comment.copy(eocdrBuffer, 22);
      if (!needZip64Format) return eocdrBuffer;
      var zip64EocdrBuffer = bufferAlloc(ZIP64_END_OF_CENTRAL_DIRECTORY_RECORD_SIZE);
      zip64EocdrBuffer.writeUInt32LE(101075792, 0);
      writeUInt64LE(zip64EocdrBuffer, ZIP64_END_OF_CENTRAL_DIRECTORY_RECORD_SIZE - 12, 4);
      zip64EocdrBuffer.writeUInt16LE(VERSION_MADE_BY, 12);
      zip64EocdrBuffer.writeUInt16LE(VERSION_NEEDED_TO_EXTRACT_ZIP64, 14);
      zip64EocdrBuffer.writeUInt32LE(0, 16);
      zip64EocdrBuffer.writeUInt32LE(0, 20);
      writeUInt64LE(zip64EocdrBuffer, self.entries.length, 24);
      writeUInt64LE(zip64EocdrBuffer, self.entries.length, 32);
      writeUInt64LE(zip64EocdrBuffer, sizeOfCentralDirectory, 40);
      writeUInt64LE(zip64EocdrBuffer, self.offsetOfStartOfCentralDirectory, 48);
      var zip64EocdlBuffer = bufferAlloc(ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR_SIZE);
      zip64EocdlBuffer.writeUInt32LE(117853008, 0);
      zip64EocdlBuffer.writeUInt32LE(0, 4);
      writeUInt64LE(zip64EocdlBuffer, self.outputStreamCursor, 8);
      zip64EocdlBuffer.writeUInt32LE(1, 16);
      return Buffer.concat([
        zip64EocdrBuffer,
        zip64EocdlBuffer,
        eocdrBuffer
      ]);
    }
    function validateMetadataPath(metadataPath, isDirectory) {
      if (metadataPath === "") throw new Error("empty metadataPath");
      metadataPath = metadataPath.replace(/\\/g, "/");
      if (/^[a-zA-Z]:/.test(metadataPath) || /^\//.test(metadataPath)) throw new Error("absolute path: " + metadataPath);
      if (metadataPath.split("/").indexOf("..") !== -1) throw new Error("invalid relative path: " + metadataPath);
      var looksLikeDirectory = /\/$/.test(metadataPath);
      if (isDirectory) {
        if (!looksLikeDirectory) metadataPath += "/";
      } else {
        if (looksLikeDirectory) throw new Error("file path cannot end with '/': " + metadataPath);
      }
      return metadataPath;
    }
    var EMPTY_BUFFER = bufferAlloc(0);
    function Entry(metadataPath, isDirectory, options) {
      this.utf8FileName = bufferFrom(metadataPath);
      if (this.utf8FileName.length > 65535) throw new Error("utf8 file name too long. " + utf8FileName.length + " > 65535");
      this.isDirectory = isDirectory;
      this.state = Entry.WAITING_FOR_METADATA;
      this.setLastModDate(options.mtime != null ? options.mtime : /* @__PURE__ */ new Date());
      this.forceDosTimestamp = !!options.forceDosTimestamp;
      if (options.mode != null) {
        this.setFileAttributesMode(options.mode);
      } else {
        this.setFileAttributesMode(isDirectory ? 16893 : 33204);
      }
      if (isDirectory) {
        this.crcAndFileSizeKnown = true;
        this.crc32 = 0;
        this.uncompressedSize = 0;
        this.compressedSize = 0;
      } else {
        this.crcAndFileSizeKnown = false;
        this.crc32 = null;
        this.uncompressedSize = null;
        this.compressedSize = null;
        if (options.size != null) this.uncompressedSize = options.size;
      }
      if (isDirectory) {
        this.compressionLevel = 0;
      } else {
        this.compressionLevel = determineCompressionLevel(options);
      }
      this.forceZip64Format = !!options.forceZip64Format;
      if (options.fileComment) {
        if (typeof options.fileComment === "string") {
          this.fileComment = bufferFrom(options.fileComment, "utf-8");
        } else {
          this.fileComment = options.fileComment;
        }
        if (this.fileComment.length > 65535) throw new Error("fileComment is too large");
      } else {
        this.fileComment = EMPTY_BUFFER;
      }
    }
    Entry.WAITING_FOR_METADATA = 0;
    Entry.READY_TO_PUMP_FILE_DATA = 1;
    Entry.FILE_DATA_IN_PROGRESS = 2;
    Entry.FILE_DATA_DONE = 3;
    Entry.prototype.setLastModDate = function(date) {
      this.mtime = date;
      var dosDateTime = dateToDosDateTime(date);
      this.lastModFileTime = dosDateTime.time;
      this.lastModFileDate = dosDateTime.date;
    };
    Entry.prototype.setFileAttributesMode = function(mode) {
      if ((mode & 65535) !== mode) throw new Error("invalid mode. expected: 0 <= " + mode + " <= 65535");
      this.externalFileAttributes = mode << 16 >>> 0;
    };
    Entry.prototype.setFileDataPumpFunction = function(doFileDataPump) {
      this.doFileDataPump = doFileDataPump;
      this.state = Entry.READY_TO_PUMP_FILE_DATA;
    };
    Entry.prototype.useZip64Format = function() {
      return this.forceZip64Format || this.uncompressedSize != null && this.uncompressedSize > 4294967294 || this.compressedSize != null && this.compressedSize > 4294967294 || this.relativeOffsetOfLocalHeader != null && this.relativeOffsetOfLocalHeader > 4294967294;
    };
    var LOCAL_FILE_HEADER_FIXED_SIZE = 30;
    var VERSION_NEEDED_TO_EXTRACT_UTF8 = 20;
    var VERSION_NEEDED_TO_EXTRACT_ZIP64 = 45;
    var VERSION_MADE_BY = 3 << 8 | 63;
    var FILE_NAME_IS_UTF8 = 1 << 11;
    var UNKNOWN_CRC32_AND_FILE_SIZES = 1 << 3;
    Entry.prototype.getLocalFileHeader = function() {
      var crc322 = 0;
      var compressedSize = 0;
      var uncompressedSize = 0;
      if (this.crcAndFileSizeKnown) {
        crc322 = this.crc32;
        compressedSize = this.compressedSize;
        uncompressedSize = this.uncompressedSize;
      }
      var fixedSizeStuff = bufferAlloc(LOCAL_FILE_HEADER_FIXED_SIZE);
      var generalPurposeBitFlag = FILE_NAME_IS_UTF8;
      if (!this.crcAndFileSizeKnown) generalPurposeBitFlag |= UNKNOWN_CRC32_AND_FILE_SIZES;
      fixedSizeStuff.writeUInt32LE(67324752, 0);
      fixedSizeStuff.writeUInt16LE(VERSION_NEEDED_TO_EXTRACT_UTF8, 4);
      fixedSizeStuff.writeUInt16LE(generalPurposeBitFlag, 6);
      fixedSizeStuff.writeUInt16LE(this.getCompressionMethod(), 8);
      fixedSizeStuff.writeUInt16LE(this.lastModFileTime, 10);
      fixedSizeStuff.writeUInt16LE(this.lastModFileDate, 12);
      fixedSizeStuff.writeUInt32LE(crc322, 14);
      fixedSizeStuff.writeUInt32LE(compressedSize, 18);
      fixedSizeStuff.writeUInt32LE(uncompressedSize, 22);
      fixedSizeStuff.writeUInt16LE(this.utf8FileName.length, 26);
      fixedSizeStuff.writeUInt16LE(0, 28);
      return Buffer.concat([
        fixedSizeStuff,
        // file name (variable size)
        this.utf8FileName
        // extra field (variable size)
        // no extra fields
      ]);
    };
    var DATA_DESCRIPTOR_SIZE = 16;
    var ZIP64_DATA_DESCRIPTOR_SIZE = 24;
    Entry.prototype.getDataDescriptor = function() {
      if (this.crcAndFileSizeKnown) {
        return EMPTY_BUFFER;
      }
      if (!this.useZip64Format()) {
        var buffer = bufferAlloc(DATA_DESCRIPTOR_SIZE);
        buffer.writeUInt32LE(134695760, 0);
        buffer.writeUInt32LE(this.crc32, 4);
        buffer.writeUInt32LE(this.compressedSize, 8);
        buffer.writeUInt32LE(this.uncompressedSize, 12);
        return buffer;
      } else {
        var buffer = bufferAlloc(ZIP64_DATA_DESCRIPTOR_SIZE);
        buffer.writeUInt32LE(134695760, 0);
        buffer.writeUInt32LE(this.crc32, 4);
        writeUInt64LE(buffer, this.compressedSize, 8);
        writeUInt64LE(buffer, this.uncompressedSize, 16);
        return buffer;
      }
    };
    var CENTRAL_DIRECTORY_RECORD_FIXED_SIZE = 46;
    var INFO_ZIP_UNIVERSAL_TIMESTAMP_EXTRA_FIELD_SIZE = 9;
    var ZIP64_EXTENDED_INFORMATION_EXTRA_FIELD_SIZE = 28;
    Entry.prototype.getCentralDirectoryRecord = function() {
      var fixedSizeStuff = bufferAlloc(CENTRAL_DIRECTORY_RECORD_FIXED_SIZE);
      var generalPurposeBitFlag = FILE_NAME_IS_UTF8;
      if (!this.crcAndFileSizeKnown) generalPurposeBitFlag |= UNKNOWN_CRC32_AND_FILE_SIZES;
      var izutefBuffer = EMPTY_BUFFER;
      if (!this.forceDosTimestamp) {
        izutefBuffer = bufferAlloc(INFO_ZIP_UNIVERSAL_TIMESTAMP_EXTRA_FIELD_SIZE);
        izutefBuffer.writeUInt16LE(21589, 0);
        izutefBuffer.writeUInt16LE(INFO_ZIP_UNIVERSAL_TIMESTAMP_EXTRA_FIELD_SIZE - 4, 2);
        var EB_UT_FL_MTIME = 1 << 0;
        var EB_UT_FL_ATIME = 1 << 1;
        izutefBuffer.writeUInt8(EB_UT_FL_MTIME | EB_UT_FL_ATIME, 4);
        var timestamp = Math.floor(this.mtime.getTime() / 1e3);
        if (timestamp < -2147483648) timestamp = -2147483648;
        if (timestamp > 2147483647) timestamp = 2147483647;
        izutefBuffer.writeUInt32LE(timestamp, 5);
      }
      var normalCompressedSize = this.compressedSize;
      var normalUncompressedSize = this.uncompressedSize;
      var normalRelativeOffsetOfLocalHeader = this.relativeOffsetOfLocalHeader;
      var versionNeededToExtract = VERSION_NEEDED_TO_EXTRACT_UTF8;
      var zeiefBuffer = EMPTY_BUFFER;
      if (this.useZip64Format()) {
        normalCompressedSize = 4294967295;
        normalUncompressedSize = 4294967295;
        normalRelativeOffsetOfLocalHeader = 4294967295;
        versionNeededToExtract = VERSION_NEEDED_TO_EXTRACT_ZIP64;
        zeiefBuffer = bufferAlloc(ZIP64_EXTENDED_INFORMATION_EXTRA_FIELD_SIZE);
        zeiefBuffer.writeUInt16LE(1, 0);
        zeiefBuffer.writeUInt16LE(ZIP64_EXTENDED_INFORMATION_EXTRA_FIELD_SIZE - 4, 2);
        writeUInt64LE(zeiefBuffer, this.uncompressedSize, 4);
        writeUInt64LE(zeiefBuffer, this.compressedSize, 12);
        writeUInt64LE(zeiefBuffer, this.relativeOffsetOfLocalHeader, 20);
      }
      fixedSizeStuff.writeUInt32LE(33639248, 0);
      fixedSizeStuff.writeUInt16LE(VERSION_MADE_BY, 4);
      fixedSizeStuff.writeUInt16LE(versionNeededToExtract, 6);
      fixedSizeStuff.writeUInt16LE(generalPurposeBitFlag, 8);
      fixedSizeStuff.writeUInt16LE(this.getCompressionMethod(), 10);
      fixedSizeStuff.writeUInt16LE(this.lastModFileTime, 12);
      fixedSizeStuff.writeUInt16LE(this.lastModFileDate, 14);
      fixedSizeStuff.writeUInt32LE(this.crc32, 16);
      fixedSizeStuff.writeUInt32LE(normalCompressedSize, 20);
      fixedSizeStuff.writeUInt32LE(normalUncompressedSize, 24);
      fixedSizeStuff.writeUInt16LE(this.utf8FileName.length, 28);
      fixedSizeStuff.writeUInt16LE(izutefBuffer.length + zeiefBuffer.length, 30);
      fixedSizeStuff.writeUInt16LE(this.fileComment.length, 32);
      fixedSizeStuff.writeUInt16LE(0, 34);
      fixedSizeStuff.writeUInt16LE(0, 36);
      fixedSizeStuff.writeUInt32LE(this.externalFileAttributes, 38);
      fixedSizeStuff.writeUInt32LE(normalRelativeOffsetOfLocalHeader, 42);
      return Buffer.concat([
        fixedSizeStuff,
        // file name (variable size)
        this.utf8FileName,
        // extra field (variable size)
        izutefBuffer,
        zeiefBuffer,
        // file comment (variable size)
        this.fileComment
      ]);
    };
    Entry.prototype.getCompressionMethod = function() {
      var NO_COMPRESSION = 0;
      var DEFLATE_COMPRESSION = 8;
      return this.compressionLevel === 0 ? NO_COMPRESSION : DEFLATE_COMPRESSION;
    };
    var minDosDate = new Date(1980, 0, 1);
    var maxDosDate = new Date(2107, 11, 31, 23, 59, 58);
    function dateToDosDateTime(jsDate) {
      if (jsDate < minDosDate) jsDate = minDosDate;
      else if (jsDate > maxDosDate) jsDate = maxDosDate;
      var date = 0;
      date |= jsDate.getDate() & 31;
      date |= (jsDate.getMonth() + 1 & 15) << 5;
      date |= (jsDate.getFullYear() - 1980 & 127) << 9;
      var time = 0;
      time |= Math.floor(jsDate.getSeconds() / 2);
      time |= (jsDate.getMinutes() & 63) << 5;
      time |= (jsDate.getHours() & 31) << 11;
      return { date, time };
    }
    function writeUInt64LE(buffer, n, offset) {
      var high = Math.floor(n / 4294967296);
      var low = n % 4294967296;
      buffer.writeUInt32LE(low, offset);
      buffer.writeUInt32LE(high, offset + 4);
    }
    util.inherits(ByteCounter, Transform);
    function ByteCounter(options) {
      Transform.call(this, options);
      this.byteCount = 0;
    }
    ByteCounter.prototype._transform = function(chunk, encoding, cb) {
      this.byteCount += chunk.length;
      cb(null, chunk);
    };
    util.inherits(Crc32Watcher, Transform);
    function Crc32Watcher(options) {
      Transform.call(this, options);
      this.crc32 = 0;
    }
    Crc32Watcher.prototype._transform = function(chunk, encoding, cb) {
      this.crc32 = crc32.unsigned(chunk, this.crc32);
      cb(null, chunk);
    };
    var cp437 = "\0\u263A\u263B\u2665\u2666\u2663\u2660\u2022\u25D8\u25CB\u25D9\u2642\u2640\u266A\u266B\u263C\u25BA\u25C4\u2195\u203C\xB6\xA7\u25AC\u21A8\u2191\u2193\u2192\u2190\u221F\u2194\u25B2\u25BC !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\u2302\xC7\xFC\xE9\xE2\xE4\xE0\xE5\xE7\xEA\xEB\xE8\xEF\xEE\xEC\xC4\xC5\xC9\xE6\xC6\xF4\xF6\xF2\xFB\xF9\xFF\xD6\xDC\xA2\xA3\xA5\u20A7\u0192\xE1\xED\xF3\xFA\xF1\xD1\xAA\xBA\xBF\u2310\xAC\xBD\xBC\xA1\xAB\xBB\u2591\u2592\u2593\u2502\u2524\u2561\u2562\u2556\u2555\u2563\u2551\u2557\u255D\u255C\u255B\u2510\u2514\u2534\u252C\u251C\u2500\u253C\u255E\u255F\u255A\u2554\u2569\u2566\u2560\u2550\u256C\u2567\u2568\u2564\u2565\u2559\u2558\u2552\u2553\u256B\u256A\u2518\u250C\u2588\u2584\u258C\u2590\u2580\u03B1\xDF\u0393\u03C0\u03A3\u03C3\xB5\u03C4\u03A6\u0398\u03A9\u03B4\u221E\u03C6\u03B5\u2229\u2261\xB1\u2265\u2264\u2320\u2321\xF7\u2248\xB0\u2219\xB7\u221A\u207F\xB2\u25A0\xA0";
    if (cp437.length !== 256) throw new Error("assertion failure");
    var reverseCp437 = null;
    function encodeCp437(string) {
      if (/^[\x20-\x7e]*$/.test(string)) {
        return bufferFrom(string, "utf-8");
      }
      if (reverseCp437 == null) {
        reverseCp437 = {};
        for (var i = 0; i < cp437.length; i++) {
          reverseCp437[cp437[i]] = i;
        }
      }
      var result = bufferAlloc(string.length);
      for (var i = 0; i < string.length; i++) {
        var b = reverseCp437[string[i]];
        if (b == null) throw new Error("character not encodable in CP437: " + JSON.stringify(string[i]));
        result[i] = b;
      }
      return result;
    }
    function bufferAlloc(size) {
      bufferAlloc = modern;
      try {
        return bufferAlloc(size);
      } catch (e) {
        bufferAlloc = legacy;
        return bufferAlloc(size);
      }
      function modern(size2) {
        return Buffer.allocUnsafe(size2);
      }
      function legacy(size2) {
        return new Buffer(size2);
      }
    }
    function bufferFrom(something, encoding) {
      bufferFrom = modern;
      try {
        return bufferFrom(something, encoding);
      } catch (e) {
        bufferFrom = legacy;
        return bufferFrom(something, encoding);
      }
      function modern(something2, encoding2) {
        return Buffer.from(something2, encoding2);
      }
      function legacy(something2, encoding2) {
        return new Buffer(something2, encoding2);
      }
    }
    function bufferIncludes(buffer, content) {
      bufferIncludes = modern;
      try {
        return bufferIncludes(buffer, content);
      } catch (e) {
        bufferIncludes = legacy;
        return bufferIncludes(buffer, content);
      }
      function modern(buffer2, content2) {
        return buffer2.includes(content2);
      }
      function legacy(buffer2, content2) {
        for (var i = 0; i <= buffer2.length - content2.length; i++) {
          for (var j = 0; ; j++) {
            if (j === content2.length) return true;
            if (buffer2[i + j] !== content2[j]) break;
          }
        }
        return false;
      }
    }
  }
});

// ../../node_modules/yaml/dist/nodes/identity.js
var require_identity = __commonJS({
  "../../node_modules/yaml/dist/nodes/identity.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var ALIAS = /* @__PURE__ */ Symbol.for("yaml.alias");
    var DOC = /* @__PURE__ */ Symbol.for("yaml.document");
    var MAP = /* @__PURE__ */ Symbol.for("yaml.map");
    var PAIR = /* @__PURE__ */ Symbol.for("yaml.pair");
    var SCALAR = /* @__PURE__ */ Symbol.for("yaml.scalar");
    var SEQ = /* @__PURE__ */ Symbol.for("yaml.seq");
    var NODE_TYPE = /* @__PURE__ */ Symbol.for("yaml.node.type");
    var isAlias = (node) => !!node && typeof node === "object" && node[NODE_TYPE] === ALIAS;
    var isDocument = (node) => !!node && typeof node === "object" && node[NODE_TYPE] === DOC;
    var isMap = (node) => !!node && typeof node === "object" && node[NODE_TYPE] === MAP;
    var isPair = (node) => !!node && typeof node === "object" && node[NODE_TYPE] === PAIR;
    var isScalar = (node) => !!node && typeof node === "object" && node[NODE_TYPE] === SCALAR;
    var isSeq = (node) => !!node && typeof node === "object" && node[NODE_TYPE] === SEQ;
    function isCollection(node) {
      if (node && typeof node === "object")
        switch (node[NODE_TYPE]) {
          case MAP:
          case SEQ:
            return true;
        }
      return false;
    }
    function isNode(node) {
      if (node && typeof node === "object")
        switch (node[NODE_TYPE]) {
          case ALIAS:
          case MAP:
          case SCALAR:
          case SEQ:
            return true;
        }
      return false;
    }
    var hasAnchor = (node) => (isScalar(node) || isCollection(node)) && !!node.anchor;
    exports.ALIAS = ALIAS;
    exports.DOC = DOC;
    exports.MAP = MAP;
    exports.NODE_TYPE = NODE_TYPE;
    exports.PAIR = PAIR;
    exports.SCALAR = SCALAR;
    exports.SEQ = SEQ;
    exports.hasAnchor = hasAnchor;
    exports.isAlias = isAlias;
    exports.isCollection = isCollection;
    exports.isDocument = isDocument;
    exports.isMap = isMap;
    exports.isNode = isNode;
    exports.isPair = isPair;
    exports.isScalar = isScalar;
    exports.isSeq = isSeq;
  }
});

// ../../node_modules/yaml/dist/visit.js
var require_visit = __commonJS({
  "../../node_modules/yaml/dist/visit.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var identity = require_identity();
    var BREAK = /* @__PURE__ */ Symbol("break visit");
    var SKIP = /* @__PURE__ */ Symbol("skip children");
    var REMOVE = /* @__PURE__ */ Symbol("remove node");
    function visit(node, visitor) {
      const visitor_ = initVisitor(visitor);
      if (identity.isDocument(node)) {
        const cd = visit_(null, node.contents, visitor_, Object.freeze([node]));
        if (cd === REMOVE)
          node.contents = null;
      } else
        visit_(null, node, visitor_, Object.freeze([]));
    }
    visit.BREAK = BREAK;
    visit.SKIP = SKIP;
    visit.REMOVE = REMOVE;
    function visit_(key, node, visitor, path) {
      const ctrl = callVisitor(key, node, visitor, path);
      if (identity.isNode(ctrl) || identity.isPair(ctrl)) {
        replaceNode(key, path, ctrl);
        return visit_(key, ctrl, visitor, path);
      }
      if (typeof ctrl !== "symbol") {
        if (identity.isCollection(node)) {
          path = Object.freeze(path.concat(node));
          for (let i = 0; i < node.items.length; ++i) {
            const ci = visit_(i, node.items[i], visitor, path);
            if (typeof ci === "number")
              i = ci - 1;
            else if (ci === BREAK)
              return BREAK;
            else if (ci === REMOVE) {
              node.items.splice(i, 1);
              i -= 1;
            }
          }
        } else if (identity.isPair(node)) {
          path = Object.freeze(path.concat(node));
          const ck = visit_("key", node.key, visitor, path);
          if (ck === BREAK)
            return BREAK;
          else if (ck === REMOVE)
            node.key = null;
          const cv = visit_("value", node.value, visitor, path);
          if (cv === BREAK)
            return BREAK;
          else if (cv === REMOVE)
            node.value = null;
        }
      }
      return ctrl;
    }
    async function visitAsync(node, visitor) {
      const visitor_ = initVisitor(visitor);
      if (identity.isDocument(node)) {
        const cd = await visitAsync_(null, node.contents, visitor_, Object.freeze([node]));
        if (cd === REMOVE)
          node.contents = null;
      } else
        await visitAsync_(null, node, visitor_, Object.freeze([]));
    }
    visitAsync.BREAK = BREAK;
    visitAsync.SKIP = SKIP;
    visitAsync.REMOVE = REMOVE;
    async function visitAsync_(key, node, visitor, path) {
      const ctrl = await callVisitor(key, node, visitor, path);
      if (identity.isNode(ctrl) || identity.isPair(ctrl)) {
        replaceNode(key, path, ctrl);
        return visitAsync_(key, ctrl, visitor, path);
      }
      if (typeof ctrl !== "symbol") {
        if (identity.isCollection(node)) {
          path = Object.freeze(path.concat(node));
          for (let i = 0; i < node.items.length; ++i) {
            const ci = await visitAsync_(i, node.items[i], visitor, path);
            if (typeof ci === "number")
              i = ci - 1;
            else if (ci === BREAK)
              return BREAK;
            else if (ci === REMOVE) {
              node.items.splice(i, 1);
              i -= 1;
            }
          }
        } else if (identity.isPair(node)) {
          path = Object.freeze(path.concat(node));
          const ck = await visitAsync_("key", node.key, visitor, path);
          if (ck === BREAK)
            return BREAK;
          else if (ck === REMOVE)
            node.key = null;
          const cv = await visitAsync_("value", node.value, visitor, path);
          if (cv === BREAK)
            return BREAK;
          else if (cv === REMOVE)
            node.value = null;
        }
      }
      return ctrl;
    }
    function initVisitor(visitor) {
      if (typeof visitor === "object" && (visitor.Collection || visitor.Node || visitor.Value)) {
        return Object.assign({
          Alias: visitor.Node,
          Map: visitor.Node,
          Scalar: visitor.Node,
          Seq: visitor.Node
        }, visitor.Value && {
          Map: visitor.Value,
          Scalar: visitor.Value,
          Seq: visitor.Value
        }, visitor.Collection && {
          Map: visitor.Collection,
          Seq: visitor.Collection
        }, visitor);
      }
      return visitor;
    }
    function callVisitor(key, node, visitor, path) {
      if (typeof visitor === "function")
        return visitor(key, node, path);
      if (identity.isMap(node))
        return visitor.Map?.(key, node, path);
      if (identity.isSeq(node))
        return visitor.Seq?.(key, node, path);
      if (identity.isPair(node))
        return visitor.Pair?.(key, node, path);
      if (identity.isScalar(node))
        return visitor.Scalar?.(key, node, path);
      if (identity.isAlias(node))
        return visitor.Alias?.(key, node, path);
      return void 0;
    }
    function replaceNode(key, path, node) {
      const parent = path[path.length - 1];
      if (identity.isCollection(parent)) {
        parent.items[key] = node;
      } else if (identity.isPair(parent)) {
        if (key === "key")
          parent.key = node;
        else
          parent.value = node;
      } else if (identity.isDocument(parent)) {
        parent.contents = node;
      } else {
        const pt = identity.isAlias(parent) ? "alias" : "scalar";
        throw new Error(`Cannot replace node with ${pt} parent`);
      }
    }
    exports.visit = visit;
    exports.visitAsync = visitAsync;
  }
});

// ../../node_modules/yaml/dist/doc/directives.js
var require_directives = __commonJS({
  "../../node_modules/yaml/dist/doc/directives.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var identity = require_identity();
    var visit = require_visit();
    var escapeChars = {
      "!": "%21",
      ",": "%2C",
      "[": "%5B",
      "]": "%5D",
      "{": "%7B",
      "}": "%7D"
    };
    var escapeTagName = (tn) => tn.replace(/[!,[\]{}]/g, (ch) => escapeChars[ch]);
    var Directives = class _Directives {
      constructor(yaml, tags) {
        this.docStart = null;
        this.docEnd = false;
        this.yaml = Object.assign({}, _Directives.defaultYaml, yaml);
        this.tags = Object.assign({}, _Directives.defaultTags, tags);
      }
      clone() {
        const copy = new _Directives(this.yaml, this.tags);
        copy.docStart = this.docStart;
        return copy;
      }
      /**
       * During parsing, get a Directives instance for the current document and
       * update the stream state according to the current version's spec.
       */
      atDocument() {
        const res = new _Directives(this.yaml, this.tags);
        switch (this.yaml.version) {
          case "1.1":
            this.atNextDocument = true;
            break;
          case "1.2":
            this.atNextDocument = false;
            this.yaml = {
              explicit: _Directives.defaultYaml.explicit,
              version: "1.2"
            };
            this.tags = Object.assign({}, _Directives.defaultTags);
            break;
        }
        return res;
      }
      /**
       * @param onError - May be called even if the action was successful
       * @returns `true` on success
       */
      add(line, onError) {
        if (this.atNextDocument) {
          this.yaml = { explicit: _Directives.defaultYaml.explicit, version: "1.1" };
          this.tags = Object.assign({}, _Directives.defaultTags);
          this.atNextDocument = false;
        }
        const parts = line.trim().split(/[ \t]+/);
        const name = parts.shift();
        switch (name) {
          case "%TAG": {
            if (parts.length !== 2) {
              onError(0, "%TAG directive should contain exactly two parts");
              if (parts.length < 2)
                return false;
            }
            const [handle, prefix] = parts;
            this.tags[handle] = prefix;
            return true;
          }
          case "%YAML": {
            this.yaml.explicit = true;
            if (parts.length !== 1) {
              onError(0, "%YAML directive should contain exactly one part");
              return false;
            }
            const [version] = parts;
            if (version === "1.1" || version === "1.2") {
              this.yaml.version = version;
              return true;
            } else {
              const isValid = /^\d+\.\d+$/.test(version);
              onError(6, `Unsupported YAML version ${version}`, isValid);
              return false;
            }
          }
          default:
            onError(0, `Unknown directive ${name}`, true);
            return false;
        }
      }
      /**
       * Resolves a tag, matching handles to those defined in %TAG directives.
       *
       * @returns Resolved tag, which may also be the non-specific tag `'!'` or a
       *   `'!local'` tag, or `null` if unresolvable.
       */
      tagName(source, onError) {
        if (source === "!")
          return "!";
        if (source[0] !== "!") {
          onError(`Not a valid tag: ${source}`);
          return null;
        }
        if (source[1] === "<") {
          const verbatim = source.slice(2, -1);
          if (verbatim === "!" || verbatim === "!!") {
            onError(`Verbatim tags aren't resolved, so ${source} is invalid.`);
            return null;
          }
          if (source[source.length - 1] !== ">")
            onError("Verbatim tags must end with a >");
          return verbatim;
        }
        const [, handle, suffix] = source.match(/^(.*!)([^!]*)$/s);
        if (!suffix)
          onError(`The ${source} tag has no suffix`);
        const prefix = this.tags[handle];
        if (prefix) {
          try {
            return prefix + decodeURIComponent(suffix);
          } catch (error) {
            onError(String(error));
            return null;
          }
        }
        if (handle === "!")
          return source;
        onError(`Could not resolve tag: ${source}`);
        return null;
      }
      /**
       * Given a fully resolved tag, returns its printable string form,
       * taking into account current tag prefixes and defaults.
       */
      tagString(tag) {
        for (const [handle, prefix] of Object.entries(this.tags)) {
          if (tag.startsWith(prefix))
            return handle + escapeTagName(tag.substring(prefix.length));
        }
        return tag[0] === "!" ? tag : `!<${tag}>`;
      }
      toString(doc) {
        const lines = this.yaml.explicit ? [`%YAML ${this.yaml.version || "1.2"}`] : [];
        const tagEntries = Object.entries(this.tags);
        let tagNames;
        if (doc && tagEntries.length > 0 && identity.isNode(doc.contents)) {
          const tags = {};
          visit.visit(doc.contents, (_key, node) => {
            if (identity.isNode(node) && node.tag)
              tags[node.tag] = true;
          });
          tagNames = Object.keys(tags);
        } else
          tagNames = [];
        for (const [handle, prefix] of tagEntries) {
          if (handle === "!!" && prefix === "tag:yaml.org,2002:")
            continue;
          if (!doc || tagNames.some((tn) => tn.startsWith(prefix)))
            lines.push(`%TAG ${handle} ${prefix}`);
        }
        return lines.join("\n");
      }
    };
    Directives.defaultYaml = { explicit: false, version: "1.2" };
    Directives.defaultTags = { "!!": "tag:yaml.org,2002:" };
    exports.Directives = Directives;
  }
});

// ../../node_modules/yaml/dist/doc/anchors.js
var require_anchors = __commonJS({
  "../../node_modules/yaml/dist/doc/anchors.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var identity = require_identity();
    var visit = require_visit();
    function anchorIsValid(anchor) {
      if (/[\x00-\x19\s,[\]{}]/.test(anchor)) {
        const sa = JSON.stringify(anchor);
        const msg = `Anchor must not contain whitespace or control characters: ${sa}`;
        throw new Error(msg);
      }
      return true;
    }
    function anchorNames(root) {
      const anchors = /* @__PURE__ */ new Set();
      visit.visit(root, {
        Value(_key, node) {
          if (node.anchor)
            anchors.add(node.anchor);
        }
      });
      return anchors;
    }
    function findNewAnchor(prefix, exclude) {
      for (let i = 1; true; ++i) {
        const name = `${prefix}${i}`;
        if (!exclude.has(name))
          return name;
      }
    }
    function createNodeAnchors(doc, prefix) {
      const aliasObjects = [];
      const sourceObjects = /* @__PURE__ */ new Map();
      let prevAnchors = null;
      return {
        onAnchor: (source) => {
          aliasObjects.push(source);
          prevAnchors ?? (prevAnchors = anchorNames(doc));
          const anchor = findNewAnchor(prefix, prevAnchors);
          prevAnchors.add(anchor);
          return anchor;
        },
        /**
         * With circular references, the source node is only resolved after all
         * of its child nodes are. This is why anchors are set only after all of
         * the nodes have been created.
         */
        setAnchors: () => {
          for (const source of aliasObjects) {
            const ref = sourceObjects.get(source);
            if (typeof ref === "object" && ref.anchor && (identity.isScalar(ref.node) || identity.isCollection(ref.node))) {
              ref.node.anchor = ref.anchor;
            } else {
              const error = new Error("Failed to resolve repeated object (this should not happen)");
              error.source = source;
              throw error;
            }
          }
        },
        sourceObjects
      };
    }
    exports.anchorIsValid = anchorIsValid;
    exports.anchorNames = anchorNames;
    exports.createNodeAnchors = createNodeAnchors;
    exports.findNewAnchor = findNewAnchor;
  }
});

// ../../node_modules/yaml/dist/doc/applyReviver.js
var require_applyReviver = __commonJS({
  "../../node_modules/yaml/dist/doc/applyReviver.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    function applyReviver(reviver, obj, key, val) {
      if (val && typeof val === "object") {
        if (Array.isArray(val)) {
          for (let i = 0, len = val.length; i < len; ++i) {
            const v0 = val[i];
            const v1 = applyReviver(reviver, val, String(i), v0);
            if (v1 === void 0)
              delete val[i];
            else if (v1 !== v0)
              val[i] = v1;
          }
        } else if (val instanceof Map) {
          for (const k of Array.from(val.keys())) {
            const v0 = val.get(k);
            const v1 = applyReviver(reviver, val, k, v0);
            if (v1 === void 0)
              val.delete(k);
            else if (v1 !== v0)
              val.set(k, v1);
          }
        } else if (val instanceof Set) {
          for (const v0 of Array.from(val)) {
            const v1 = applyReviver(reviver, val, v0, v0);
            if (v1 === void 0)
              val.delete(v0);
            else if (v1 !== v0) {
              val.delete(v0);
              val.add(v1);
            }
          }
        } else {
          for (const [k, v0] of Object.entries(val)) {
            const v1 = applyReviver(reviver, val, k, v0);
            if (v1 === void 0)
              delete val[k];
            else if (v1 !== v0)
              val[k] = v1;
          }
        }
      }
      return reviver.call(obj, key, val);
    }
    exports.applyReviver = applyReviver;
  }
});

// ../../node_modules/yaml/dist/nodes/toJS.js
var require_toJS = __commonJS({
  "../../node_modules/yaml/dist/nodes/toJS.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var identity = require_identity();
    function toJS(value, arg, ctx) {
      if (Array.isArray(value))
        return value.map((v, i) => toJS(v, String(i), ctx));
      if (value && typeof value.toJSON === "function") {
        if (!ctx || !identity.hasAnchor(value))
          return value.toJSON(arg, ctx);
        const data = { aliasCount: 0, count: 1, res: void 0 };
        ctx.anchors.set(value, data);
        ctx.onCreate = (res2) => {
          data.res = res2;
          delete ctx.onCreate;
        };
        const res = value.toJSON(arg, ctx);
        if (ctx.onCreate)
          ctx.onCreate(res);
        return res;
      }
      if (typeof value === "bigint" && !ctx?.keep)
        return Number(value);
      return value;
    }
    exports.toJS = toJS;
  }
});

// ../../node_modules/yaml/dist/nodes/Node.js
var require_Node = __commonJS({
  "../../node_modules/yaml/dist/nodes/Node.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var applyReviver = require_applyReviver();
    var identity = require_identity();
    var toJS = require_toJS();
    var NodeBase = class {
      constructor(type) {
        Object.defineProperty(this, identity.NODE_TYPE, { value: type });
      }
      /** Create a copy of this node.  */
      clone() {
        const copy = Object.create(Object.getPrototypeOf(this), Object.getOwnPropertyDescriptors(this));
        if (this.range)
          copy.range = this.range.slice();
        return copy;
      }
      /** A plain JavaScript representation of this node. */
      toJS(doc, { mapAsMap, maxAliasCount, onAnchor, reviver } = {}) {
        if (!identity.isDocument(doc))
          throw new TypeError("A document argument is required");
        const ctx = {
          anchors: /* @__PURE__ */ new Map(),
          doc,
          keep: true,
          mapAsMap: mapAsMap === true,
          mapKeyWarned: false,
          maxAliasCount: typeof maxAliasCount === "number" ? maxAliasCount : 100
        };
        const res = toJS.toJS(this, "", ctx);
        if (typeof onAnchor === "function")
          for (const { count, res: res2 } of ctx.anchors.values())
            onAnchor(res2, count);
        return typeof reviver === "function" ? applyReviver.applyReviver(reviver, { "": res }, "", res) : res;
      }
    };
    exports.NodeBase = NodeBase;
  }
});

// ../../node_modules/yaml/dist/nodes/Alias.js
var require_Alias = __commonJS({
  "../../node_modules/yaml/dist/nodes/Alias.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var anchors = require_anchors();
    var visit = require_visit();
    var identity = require_identity();
    var Node = require_Node();
    var toJS = require_toJS();
    var Alias = class extends Node.NodeBase {
      constructor(source) {
        super(identity.ALIAS);
        this.source = source;
        Object.defineProperty(this, "tag", {
          set() {
            throw new Error("Alias nodes cannot have tags");
          }
        });
      }
      /**
       * Resolve the value of this alias within `doc`, finding the last
       * instance of the `source` anchor before this node.
       */
      resolve(doc, ctx) {
        if (ctx?.maxAliasCount === 0)
          throw new ReferenceError("Alias resolution is disabled");
        let nodes;
        if (ctx?.aliasResolveCache) {
          nodes = ctx.aliasResolveCache;
        } else {
          nodes = [];
          visit.visit(doc, {
            Node: (_key, node) => {
              if (identity.isAlias(node) || identity.hasAnchor(node))
                nodes.push(node);
            }
          });
          if (ctx)
            ctx.aliasResolveCache = nodes;
        }
        let found = void 0;
        for (const node of nodes) {
          if (node === this)
            break;
          if (node.anchor === this.source)
            found = node;
        }
        if (found && ctx) {
          const { anchors: anchors2, doc: doc2, maxAliasCount } = ctx;
          let data = anchors2.get(found);
          if (!data) {
            toJS.toJS(found, null, ctx);
            data = anchors2.get(found);
          }
          if (data?.res === void 0) {
            const msg = "This should not happen: Alias anchor was not resolved?";
            throw new ReferenceError(msg);
          }
          if (maxAliasCount >= 0) {
            data.count += 1;
            if (data.aliasCount === 0)
              data.aliasCount = getAliasCount(doc2, found, anchors2);
            if (data.count * data.aliasCount > maxAliasCount) {
              const msg = "Excessive alias count indicates a resource exhaustion attack";
              throw new ReferenceError(msg);
            }
          }
        }
        return found;
      }
      toJSON(_arg, ctx) {
        if (!ctx)
          return { source: this.source };
        const source = this.resolve(ctx.doc, ctx);
        if (!source) {
          const msg = `Unresolved alias (the anchor must be set before the alias): ${this.source}`;
          throw new ReferenceError(msg);
        }
        return ctx.anchors.get(source).res;
      }
      toString(ctx, _onComment, _onChompKeep) {
        const src = `*${this.source}`;
        if (ctx) {
          anchors.anchorIsValid(this.source);
          if (ctx.options.verifyAliasOrder && !ctx.anchors.has(this.source)) {
            const msg = `Unresolved alias (the anchor must be set before the alias): ${this.source}`;
            throw new Error(msg);
          }
          if (ctx.implicitKey)
            return `${src} `;
        }
        return src;
      }
    };
    function getAliasCount(doc, node, anchors2) {
      if (identity.isAlias(node)) {
        const source = node.resolve(doc);
        const anchor = anchors2 && source && anchors2.get(source);
        return anchor ? anchor.count * anchor.aliasCount : 0;
      } else if (identity.isCollection(node)) {
        let count = 0;
        for (const item of node.items) {
          const c = getAliasCount(doc, item, anchors2);
          if (c > count)
            count = c;
        }
        return count;
      } else if (identity.isPair(node)) {
        const kc = getAliasCount(doc, node.key, anchors2);
        const vc = getAliasCount(doc, node.value, anchors2);
        return Math.max(kc, vc);
      }
      return 1;
    }
    exports.Alias = Alias;
  }
});

// ../../node_modules/yaml/dist/nodes/Scalar.js
var require_Scalar = __commonJS({
  "../../node_modules/yaml/dist/nodes/Scalar.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var identity = require_identity();
    var Node = require_Node();
    var toJS = require_toJS();
    var isScalarValue = (value) => !value || typeof value !== "function" && typeof value !== "object";
    var Scalar = class extends Node.NodeBase {
      constructor(value) {
        super(identity.SCALAR);
        this.value = value;
      }
      toJSON(arg, ctx) {
        return ctx?.keep ? this.value : toJS.toJS(this.value, arg, ctx);
      }
      toString() {
        return String(this.value);
      }
    };
    Scalar.BLOCK_FOLDED = "BLOCK_FOLDED";
    Scalar.BLOCK_LITERAL = "BLOCK_LITERAL";
    Scalar.PLAIN = "PLAIN";
    Scalar.QUOTE_DOUBLE = "QUOTE_DOUBLE";
    Scalar.QUOTE_SINGLE = "QUOTE_SINGLE";
    exports.Scalar = Scalar;
    exports.isScalarValue = isScalarValue;
  }
});

// ../../node_modules/yaml/dist/doc/createNode.js
var require_createNode = __commonJS({
  "../../node_modules/yaml/dist/doc/createNode.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var Alias = require_Alias();
    var identity = require_identity();
    var Scalar = require_Scalar();
    var defaultTagPrefix = "tag:yaml.org,2002:";
    function findTagObject(value, tagName, tags) {
      if (tagName) {
        const match = tags.filter((t) => t.tag === tagName);
        const tagObj = match.find((t) => !t.format) ?? match[0];
        if (!tagObj)
          throw new Error(`Tag ${tagName} not found`);
        return tagObj;
      }
      return tags.find((t) => t.identify?.(value) && !t.format);
    }
    function createNode(value, tagName, ctx) {
      if (identity.isDocument(value))
        value = value.contents;
      if (identity.isNode(value))
        return value;
      if (identity.isPair(value)) {
        const map = ctx.schema[identity.MAP].createNode?.(ctx.schema, null, ctx);
        map.items.push(value);
        return map;
      }
      if (value instanceof String || value instanceof Number || value instanceof Boolean || typeof BigInt !== "undefined" && value instanceof BigInt) {
        value = value.valueOf();
      }
      const { aliasDuplicateObjects, onAnchor, onTagObj, schema, sourceObjects } = ctx;
      let ref = void 0;
      if (aliasDuplicateObjects && value && typeof value === "object") {
        ref = sourceObjects.get(value);
        if (ref) {
          ref.anchor ?? (ref.anchor = onAnchor(value));
          return new Alias.Alias(ref.anchor);
        } else {
          ref = { anchor: null, node: null };
          sourceObjects.set(value, ref);
        }
      }
      if (tagName?.startsWith("!!"))
        tagName = defaultTagPrefix + tagName.slice(2);
      let tagObj = findTagObject(value, tagName, schema.tags);
      if (!tagObj) {
        if (value && typeof value.toJSON === "function") {
          value = value.toJSON();
        }
        if (!value || typeof value !== "object") {
          const node2 = new Scalar.Scalar(value);
          if (ref)
            ref.node = node2;
          return node2;
        }
        tagObj = value instanceof Map ? schema[identity.MAP] : Symbol.iterator in Object(value) ? schema[identity.SEQ] : schema[identity.MAP];
      }
      if (onTagObj) {
        onTagObj(tagObj);
        delete ctx.onTagObj;
      }
      const node = tagObj?.createNode ? tagObj.createNode(ctx.schema, value, ctx) : typeof tagObj?.nodeClass?.from === "function" ? tagObj.nodeClass.from(ctx.schema, value, ctx) : new Scalar.Scalar(value);
      if (tagName)
        node.tag = tagName;
      else if (!tagObj.default)
        node.tag = tagObj.tag;
      if (ref)
        ref.node = node;
      return node;
    }
    exports.createNode = createNode;
  }
});

// ../../node_modules/yaml/dist/nodes/Collection.js
var require_Collection = __commonJS({
  "../../node_modules/yaml/dist/nodes/Collection.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var createNode = require_createNode();
    var identity = require_identity();
    var Node = require_Node();
    function collectionFromPath(schema, path, value) {
      let v = value;
      for (let i = path.length - 1; i >= 0; --i) {
        const k = path[i];
        if (typeof k === "number" && Number.isInteger(k) && k >= 0) {
          const a = [];
          a[k] = v;
          v = a;
        } else {
          v = /* @__PURE__ */ new Map([[k, v]]);
        }
      }
      return createNode.createNode(v, void 0, {
        aliasDuplicateObjects: false,
        keepUndefined: false,
        onAnchor: () => {
          throw new Error("This should not happen, please report a bug.");
        },
        schema,
        sourceObjects: /* @__PURE__ */ new Map()
      });
    }
    var isEmptyPath = (path) => path == null || typeof path === "object" && !!path[Symbol.iterator]().next().done;
    var Collection = class extends Node.NodeBase {
      constructor(type, schema) {
        super(type);
        Object.defineProperty(this, "schema", {
          value: schema,
          configurable: true,
          enumerable: false,
          writable: true
        });
      }
      /**
       * Create a copy of this collection.
       *
       * @param schema - If defined, overwrites the original's schema
       */
      clone(schema) {
        const copy = Object.create(Object.getPrototypeOf(this), Object.getOwnPropertyDescriptors(this));
        if (schema)
          copy.schema = schema;
        copy.items = copy.items.map((it) => identity.isNode(it) || identity.isPair(it) ? it.clone(schema) : it);
        if (this.range)
          copy.range = this.range.slice();
        return copy;
      }
      /**
       * Adds a value to the collection. For `!!map` and `!!omap` the value must
       * be a Pair instance or a `{ key, value }` object, which may not have a key
       * that already exists in the map.
       */
      addIn(path, value) {
        if (isEmptyPath(path))
          this.add(value);
        else {
          const [key, ...rest] = path;
          const node = this.get(key, true);
          if (identity.isCollection(node))
            node.addIn(rest, value);
          else if (node === void 0 && this.schema)
            this.set(key, collectionFromPath(this.schema, rest, value));
          else
            throw new Error(`Expected YAML collection at ${key}. Remaining path: ${rest}`);
        }
      }
      /**
       * Removes a value from the collection.
       * @returns `true` if the item was found and removed.
       */
      deleteIn(path) {
        const [key, ...rest] = path;
        if (rest.length === 0)
          return this.delete(key);
        const node = this.get(key, true);
        if (identity.isCollection(node))
          return node.deleteIn(rest);
        else
          throw new Error(`Expected YAML collection at ${key}. Remaining path: ${rest}`);
      }
      /**
       * Returns item at `key`, or `undefined` if not found. By default unwraps
       * scalar values from their surrounding node; to disable set `keepScalar` to
       * `true` (collections are always returned intact).
       */
      getIn(path, keepScalar) {
        const [key, ...rest] = path;
        const node = this.get(key, true);
        if (rest.length === 0)
          return !keepScalar && identity.isScalar(node) ? node.value : node;
        else
          return identity.isCollection(node) ? node.getIn(rest, keepScalar) : void 0;
      }
      hasAllNullValues(allowScalar) {
        return this.items.every((node) => {
          if (!identity.isPair(node))
            return false;
          const n = node.value;
          return n == null || allowScalar && identity.isScalar(n) && n.value == null && !n.commentBefore && !n.comment && !n.tag;
        });
      }
      /**
       * Checks if the collection includes a value with the key `key`.
       */
      hasIn(path) {
        const [key, ...rest] = path;
        if (rest.length === 0)
          return this.has(key);
        const node = this.get(key, true);
        return identity.isCollection(node) ? node.hasIn(rest) : false;
      }
      /**
       * Sets a value in this collection. For `!!set`, `value` needs to be a
       * boolean to add/remove the item from the set.
       */
      setIn(path, value) {
        const [key, ...rest] = path;
        if (rest.length === 0) {
          this.set(key, value);
        } else {
          const node = this.get(key, true);
          if (identity.isCollection(node))
            node.setIn(rest, value);
          else if (node === void 0 && this.schema)
            this.set(key, collectionFromPath(this.schema, rest, value));
          else
            throw new Error(`Expected YAML collection at ${key}. Remaining path: ${rest}`);
        }
      }
    };
    exports.Collection = Collection;
    exports.collectionFromPath = collectionFromPath;
    exports.isEmptyPath = isEmptyPath;
  }
});

// ../../node_modules/yaml/dist/stringify/stringifyComment.js
var require_stringifyComment = __commonJS({
  "../../node_modules/yaml/dist/stringify/stringifyComment.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var stringifyComment = (str) => str.replace(/^(?!$)(?: $)?/gm, "#");
    function indentComment(comment, indent) {
      if (/^\n+$/.test(comment))
        return comment.substring(1);
      return indent ? comment.replace(/^(?! *$)/gm, indent) : comment;
    }
    var lineComment = (str, indent, comment) => str.endsWith("\n") ? indentComment(comment, indent) : comment.includes("\n") ? "\n" + indentComment(comment, indent) : (str.endsWith(" ") ? "" : " ") + comment;
    exports.indentComment = indentComment;
    exports.lineComment = lineComment;
    exports.stringifyComment = stringifyComment;
  }
});

// ../../node_modules/yaml/dist/stringify/foldFlowLines.js
var require_foldFlowLines = __commonJS({
  "../../node_modules/yaml/dist/stringify/foldFlowLines.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var FOLD_FLOW = "flow";
    var FOLD_BLOCK = "block";
    var FOLD_QUOTED = "quoted";
    function foldFlowLines(text, indent, mode = "flow", { indentAtStart, lineWidth = 80, minContentWidth = 20, onFold, onOverflow } = {}) {
      if (!lineWidth || lineWidth < 0)
        return text;
      if (lineWidth < minContentWidth)
        minContentWidth = 0;
      const endStep = Math.max(1 + minContentWidth, 1 + lineWidth - indent.length);
      if (text.length <= endStep)
        return text;
      const folds = [];
      const escapedFolds = {};
      let end = lineWidth - indent.length;
      if (typeof indentAtStart === "number") {
        if (indentAtStart > lineWidth - Math.max(2, minContentWidth))
          folds.push(0);
        else
          end = lineWidth - indentAtStart;
      }
      let split = void 0;
      let prev = void 0;
      let overflow = false;
      let i = -1;
      let escStart = -1;
      let escEnd = -1;
      if (mode === FOLD_BLOCK) {
        i = consumeMoreIndentedLines(text, i, indent.length);
        if (i !== -1)
          end = i + endStep;
      }
      for (let ch; ch = text[i += 1]; ) {
        if (mode === FOLD_QUOTED && ch === "\\") {
          escStart = i;
          switch (text[i + 1]) {
            case "x":
              i += 3;
              break;
            case "u":
              i += 5;
              break;
            case "U":
              i += 9;
              break;
            default:
              i += 1;
          }
          escEnd = i;
        }
        if (ch === "\n") {
          if (mode === FOLD_BLOCK)
            i = consumeMoreIndentedLines(text, i, indent.length);
          end = i + indent.length + endStep;
          split = void 0;
        } else {
          if (ch === " " && prev && prev !== " " && prev !== "\n" && prev !== "	") {
            const next = text[i + 1];
            if (next && next !== " " && next !== "\n" && next !== "	")
              split = i;
          }
          if (i >= end) {
            if (split) {
              folds.push(split);
              end = split + endStep;
              split = void 0;
            } else if (mode === FOLD_QUOTED) {
              while (prev === " " || prev === "	") {
                prev = ch;
                ch = text[i += 1];
                overflow = true;
              }
              const j = i > escEnd + 1 ? i - 2 : escStart - 1;
              if (escapedFolds[j])
                return text;
              folds.push(j);
              escapedFolds[j] = true;
              end = j + endStep;
              split = void 0;
            } else {
              overflow = true;
            }
          }
        }
        prev = ch;
      }
      if (overflow && onOverflow)
        onOverflow();
      if (folds.length === 0)
        return text;
      if (onFold)
        onFold();
      let res = text.slice(0, folds[0]);
      for (let i2 = 0; i2 < folds.length; ++i2) {
        const fold = folds[i2];
        const end2 = folds[i2 + 1] || text.length;
        if (fold === 0)
          res = `
${indent}${text.slice(0, end2)}`;
        else {
          if (mode === FOLD_QUOTED && escapedFolds[fold])
            res += `${text[fold]}\\`;
          res += `
${indent}${text.slice(fold + 1, end2)}`;
        }
      }
      return res;
    }
    function consumeMoreIndentedLines(text, i, indent) {
      let end = i;
      let start = i + 1;
      let ch = text[start];
      while (ch === " " || ch === "	") {
        if (i < start + indent) {
          ch = text[++i];
        } else {
          do {
            ch = text[++i];
          } while (ch && ch !== "\n");
          end = i;
          start = i + 1;
          ch = text[start];
        }
      }
      return end;
    }
    exports.FOLD_BLOCK = FOLD_BLOCK;
    exports.FOLD_FLOW = FOLD_FLOW;
    exports.FOLD_QUOTED = FOLD_QUOTED;
    exports.foldFlowLines = foldFlowLines;
  }
});

// ../../node_modules/yaml/dist/stringify/stringifyString.js
var require_stringifyString = __commonJS({
  "../../node_modules/yaml/dist/stringify/stringifyString.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var Scalar = require_Scalar();
    var foldFlowLines = require_foldFlowLines();
    var getFoldOptions = (ctx, isBlock) => ({
      indentAtStart: isBlock ? ctx.indent.length : ctx.indentAtStart,
      lineWidth: ctx.options.lineWidth,
      minContentWidth: ctx.options.minContentWidth
    });
    var containsDocumentMarker = (str) => /^(%|---|\.\.\.)/m.test(str);
    function lineLengthOverLimit(str, lineWidth, indentLength) {
      if (!lineWidth || lineWidth < 0)
        return false;
      const limit = lineWidth - indentLength;
      const strLen = str.length;
      if (strLen <= limit)
        return false;
      for (let i = 0, start = 0; i < strLen; ++i) {
        if (str[i] === "\n") {
          if (i - start > limit)
            return true;
          start = i + 1;
          if (strLen - start <= limit)
            return false;
        }
      }
      return true;
    }
    function doubleQuotedString(value, ctx) {
      const json = JSON.stringify(value);
      if (ctx.options.doubleQuotedAsJSON)
        return json;
      const { implicitKey } = ctx;
      const minMultiLineLength = ctx.options.doubleQuotedMinMultiLineLength;
      const indent = ctx.indent || (containsDocumentMarker(value) ? "  " : "");
      let str = "";
      let start = 0;
      for (let i = 0, ch = json[i]; ch; ch = json[++i]) {
        if (ch === " " && json[i + 1] === "\\" && json[i + 2] === "n") {
          str += json.slice(start, i) + "\\ ";
          i += 1;
          start = i;
          ch = "\\";
        }
        if (ch === "\\")
          switch (json[i + 1]) {
            case "u":
              {
                str += json.slice(start, i);
                const code = json.substr(i + 2, 4);
                switch (code) {
                  case "0000":
                    str += "\\0";
                    break;
                  case "0007":
                    str += "\\a";
                    break;
                  case "000b":
                    str += "\\v";
                    break;
                  case "001b":
                    str += "\\e";
                    break;
                  case "0085":
                    str += "\\N";
                    break;
                  case "00a0":
                    str += "\\_";
                    break;
                  case "2028":
                    str += "\\L";
                    break;
                  case "2029":
                    str += "\\P";
                    break;
                  default:
                    if (code.substr(0, 2) === "00")
                      str += "\\x" + code.substr(2);
                    else
                      str += json.substr(i, 6);
                }
                i += 5;
                start = i + 1;
              }
              break;
            case "n":
              if (implicitKey || json[i + 2] === '"' || json.length < minMultiLineLength) {
                i += 1;
              } else {
                str += json.slice(start, i) + "\n\n";
                while (json[i + 2] === "\\" && json[i + 3] === "n" && json[i + 4] !== '"') {
                  str += "\n";
                  i += 2;
                }
                str += indent;
                if (json[i + 2] === " ")
                  str += "\\";
                i += 1;
                start = i + 1;
              }
              break;
            default:
              i += 1;
          }
      }
      str = start ? str + json.slice(start) : json;
      return implicitKey ? str : foldFlowLines.foldFlowLines(str, indent, foldFlowLines.FOLD_QUOTED, getFoldOptions(ctx, false));
    }
    function singleQuotedString(value, ctx) {
      if (ctx.options.singleQuote === false || ctx.implicitKey && value.includes("\n") || /[ \t]\n|\n[ \t]/.test(value))
        return doubleQuotedString(value, ctx);
      const indent = ctx.indent || (containsDocumentMarker(value) ? "  " : "");
      const res = "'" + value.replace(/'/g, "''").replace(/\n+/g, `$&
${indent}`) + "'";
      return ctx.implicitKey ? res : foldFlowLines.foldFlowLines(res, indent, foldFlowLines.FOLD_FLOW, getFoldOptions(ctx, false));
    }
    function quotedString(value, ctx) {
      const { singleQuote } = ctx.options;
      let qs;
      if (singleQuote === false)
        qs = doubleQuotedString;
      else {
        const hasDouble = value.includes('"');
        const hasSingle = value.includes("'");
        if (hasDouble && !hasSingle)
          qs = singleQuotedString;
        else if (hasSingle && !hasDouble)
          qs = doubleQuotedString;
        else
          qs = singleQuote ? singleQuotedString : doubleQuotedString;
      }
      return qs(value, ctx);
    }
    var blockEndNewlines;
    try {
      blockEndNewlines = new RegExp("(^|(?<!\n))\n+(?!\n|$)", "g");
    } catch {
      blockEndNewlines = /\n+(?!\n|$)/g;
    }
    function blockString({ comment, type, value }, ctx, onComment, onChompKeep) {
      const { blockQuote, commentString, lineWidth } = ctx.options;
      if (!blockQuote || /\n[\t ]+$/.test(value)) {
        return quotedString(value, ctx);
      }
      const indent = ctx.indent || (ctx.forceBlockIndent || containsDocumentMarker(value) ? "  " : "");
      const literal = blockQuote === "literal" ? true : blockQuote === "folded" || type === Scalar.Scalar.BLOCK_FOLDED ? false : type === Scalar.Scalar.BLOCK_LITERAL ? true : !lineLengthOverLimit(value, lineWidth, indent.length);
      if (!value)
        return literal ? "|\n" : ">\n";
      let chomp;
      let endStart;
      for (endStart = value.length; endStart > 0; --endStart) {
        const ch = value[endStart - 1];
        if (ch !== "\n" && ch !== "	" && ch !== " ")
          break;
      }
      let end = value.substring(endStart);
      const endNlPos = end.indexOf("\n");
      if (endNlPos === -1) {
        chomp = "-";
      } else if (value === end || endNlPos !== end.length - 1) {
        chomp = "+";
        if (onChompKeep)
          onChompKeep();
      } else {
        chomp = "";
      }
      if (end) {
        value = value.slice(0, -end.length);
        if (end[end.length - 1] === "\n")
          end = end.slice(0, -1);
        end = end.replace(blockEndNewlines, `$&${indent}`);
      }
      let startWithSpace = false;
      let startEnd;
      let startNlPos = -1;
      for (startEnd = 0; startEnd < value.length; ++startEnd) {
        const ch = value[startEnd];
        if (ch === " ")
          startWithSpace = true;
        else if (ch === "\n")
          startNlPos = startEnd;
        else
          break;
      }
      let start = value.substring(0, startNlPos < startEnd ? startNlPos + 1 : startEnd);
      if (start) {
        value = value.substring(start.length);
        start = start.replace(/\n+/g, `$&${indent}`);
      }
      const indentSize = indent ? "2" : "1";
      let header2 = (startWithSpace ? indentSize : "") + chomp;
      if (comment) {
        header2 += " " + commentString(comment.replace(/ ?[\r\n]+/g, " "));
        if (onComment)
          onComment();
      }
      if (!literal) {
        const foldedValue = value.replace(/\n+/g, "\n$&").replace(/(?:^|\n)([\t ].*)(?:([\n\t ]*)\n(?![\n\t ]))?/g, "$1$2").replace(/\n+/g, `$&${indent}`);
        let literalFallback = false;
        const foldOptions = getFoldOptions(ctx, true);
        if (blockQuote !== "folded" && type !== Scalar.Scalar.BLOCK_FOLDED) {
          foldOptions.onOverflow = () => {
            literalFallback = true;
          };
        }
        const body = foldFlowLines.foldFlowLines(`${start}${foldedValue}${end}`, indent, foldFlowLines.FOLD_BLOCK, foldOptions);
        if (!literalFallback)
          return `>${header2}
${indent}${body}`;
      }
      value = value.replace(/\n+/g, `$&${indent}`);
      return `|${header2}
${indent}${start}${value}${end}`;
    }
    function plainString(item, ctx, onComment, onChompKeep) {
      const { type, value } = item;
      const { actualString, implicitKey, indent, indentStep, inFlow } = ctx;
      if (implicitKey && value.includes("\n") || inFlow && /[[\]{},]/.test(value)) {
        return quotedString(value, ctx);
      }
      if (/^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/.test(value)) {
        return implicitKey || inFlow || !value.includes("\n") ? quotedString(value, ctx) : blockString(item, ctx, onComment, onChompKeep);
      }
      if (!implicitKey && !inFlow && type !== Scalar.Scalar.PLAIN && value.includes("\n")) {
        return blockString(item, ctx, onComment, onChompKeep);
      }
      if (containsDocumentMarker(value)) {
        if (indent === "") {
          ctx.forceBlockIndent = true;
          return blockString(item, ctx, onComment, onChompKeep);
        } else if (implicitKey && indent === indentStep) {
          return quotedString(value, ctx);
        }
      }
      const str = value.replace(/\n+/g, `$&
${indent}`);
      if (actualString) {
        const test = (tag) => tag.default && tag.tag !== "tag:yaml.org,2002:str" && tag.test?.test(str);
        const { compat, tags } = ctx.doc.schema;
        if (tags.some(test) || compat?.some(test))
          return quotedString(value, ctx);
      }
      return implicitKey ? str : foldFlowLines.foldFlowLines(str, indent, foldFlowLines.FOLD_FLOW, getFoldOptions(ctx, false));
    }
    function stringifyString(item, ctx, onComment, onChompKeep) {
      const { implicitKey, inFlow } = ctx;
      const ss = typeof item.value === "string" ? item : Object.assign({}, item, { value: String(item.value) });
      let { type } = item;
      if (type !== Scalar.Scalar.QUOTE_DOUBLE) {
        if (/[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u.test(ss.value))
          type = Scalar.Scalar.QUOTE_DOUBLE;
      }
      const _stringify = (_type) => {
        switch (_type) {
          case Scalar.Scalar.BLOCK_FOLDED:
          case Scalar.Scalar.BLOCK_LITERAL:
            return implicitKey || inFlow ? quotedString(ss.value, ctx) : blockString(ss, ctx, onComment, onChompKeep);
          case Scalar.Scalar.QUOTE_DOUBLE:
            return doubleQuotedString(ss.value, ctx);
          case Scalar.Scalar.QUOTE_SINGLE:
            return singleQuotedString(ss.value, ctx);
          case Scalar.Scalar.PLAIN:
            return plainString(ss, ctx, onComment, onChompKeep);
          default:
            return null;
        }
      };
      let res = _stringify(type);
      if (res === null) {
        const { defaultKeyType, defaultStringType } = ctx.options;
        const t = implicitKey && defaultKeyType || defaultStringType;
        res = _stringify(t);
        if (res === null)
          throw new Error(`Unsupported default string type ${t}`);
      }
      return res;
    }
    exports.stringifyString = stringifyString;
  }
});

// ../../node_modules/yaml/dist/stringify/stringify.js
var require_stringify = __commonJS({
  "../../node_modules/yaml/dist/stringify/stringify.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var anchors = require_anchors();
    var identity = require_identity();
    var stringifyComment = require_stringifyComment();
    var stringifyString = require_stringifyString();
    function createStringifyContext(doc, options) {
      const opt = Object.assign({
        blockQuote: true,
        commentString: stringifyComment.stringifyComment,
        defaultKeyType: null,
        defaultStringType: "PLAIN",
        directives: null,
        doubleQuotedAsJSON: false,
        doubleQuotedMinMultiLineLength: 40,
        falseStr: "false",
        flowCollectionPadding: true,
        indentSeq: true,
        lineWidth: 80,
        minContentWidth: 20,
        nullStr: "null",
        simpleKeys: false,
        singleQuote: null,
        trailingComma: false,
        trueStr: "true",
        verifyAliasOrder: true
      }, doc.schema.toStringOptions, options);
      let inFlow;
      switch (opt.collectionStyle) {
        case "block":
          inFlow = false;
          break;
        case "flow":
          inFlow = true;
          break;
        default:
          inFlow = null;
      }
      return {
        anchors: /* @__PURE__ */ new Set(),
        doc,
        flowCollectionPadding: opt.flowCollectionPadding ? " " : "",
        indent: "",
        indentStep: typeof opt.indent === "number" ? " ".repeat(opt.indent) : "  ",
        inFlow,
        options: opt
      };
    }
    function getTagObject(tags, item) {
      if (item.tag) {
        const match = tags.filter((t) => t.tag === item.tag);
        if (match.length > 0)
          return match.find((t) => t.format === item.format) ?? match[0];
      }
      let tagObj = void 0;
      let obj;
      if (identity.isScalar(item)) {
        obj = item.value;
        let match = tags.filter((t) => t.identify?.(obj));
        if (match.length > 1) {
          const testMatch = match.filter((t) => t.test);
          if (testMatch.length > 0)
            match = testMatch;
        }
        tagObj = match.find((t) => t.format === item.format) ?? match.find((t) => !t.format);
      } else {
        obj = item;
        tagObj = tags.find((t) => t.nodeClass && obj instanceof t.nodeClass);
      }
      if (!tagObj) {
        const name = obj?.constructor?.name ?? (obj === null ? "null" : typeof obj);
        throw new Error(`Tag not resolved for ${name} value`);
      }
      return tagObj;
    }
    function stringifyProps(node, tagObj, { anchors: anchors$1, doc }) {
      if (!doc.directives)
        return "";
      const props = [];
      const anchor = (identity.isScalar(node) || identity.isCollection(node)) && node.anchor;
      if (anchor && anchors.anchorIsValid(anchor)) {
        anchors$1.add(anchor);
        props.push(`&${anchor}`);
      }
      const tag = node.tag ?? (tagObj.default ? null : tagObj.tag);
      if (tag)
        props.push(doc.directives.tagString(tag));
      return props.join(" ");
    }
    function stringify(item, ctx, onComment, onChompKeep) {
      if (identity.isPair(item))
        return item.toString(ctx, onComment, onChompKeep);
      if (identity.isAlias(item)) {
        if (ctx.doc.directives)
          return item.toString(ctx);
        if (ctx.resolvedAliases?.has(item)) {
          throw new TypeError(`Cannot stringify circular structure without alias nodes`);
        } else {
          if (ctx.resolvedAliases)
            ctx.resolvedAliases.add(item);
          else
            ctx.resolvedAliases = /* @__PURE__ */ new Set([item]);
          item = item.resolve(ctx.doc);
        }
      }
      let tagObj = void 0;
      const node = identity.isNode(item) ? item : ctx.doc.createNode(item, { onTagObj: (o) => tagObj = o });
      tagObj ?? (tagObj = getTagObject(ctx.doc.schema.tags, node));
      const props = stringifyProps(node, tagObj, ctx);
      if (props.length > 0)
        ctx.indentAtStart = (ctx.indentAtStart ?? 0) + props.length + 1;
      const str = typeof tagObj.stringify === "function" ? tagObj.stringify(node, ctx, onComment, onChompKeep) : identity.isScalar(node) ? stringifyString.stringifyString(node, ctx, onComment, onChompKeep) : node.toString(ctx, onComment, onChompKeep);
      if (!props)
        return str;
      return identity.isScalar(node) || str[0] === "{" || str[0] === "[" ? `${props} ${str}` : `${props}
${ctx.indent}${str}`;
    }
    exports.createStringifyContext = createStringifyContext;
    exports.stringify = stringify;
  }
});

// ../../node_modules/yaml/dist/stringify/stringifyPair.js
var require_stringifyPair = __commonJS({
  "../../node_modules/yaml/dist/stringify/stringifyPair.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var identity = require_identity();
    var Scalar = require_Scalar();
    var stringify = require_stringify();
    var stringifyComment = require_stringifyComment();
    function stringifyPair({ key, value }, ctx, onComment, onChompKeep) {
      const { allNullValues, doc, indent, indentStep, options: { commentString, indentSeq, simpleKeys } } = ctx;
      let keyComment = identity.isNode(key) && key.comment || null;
      if (simpleKeys) {
        if (keyComment) {
          throw new Error("With simple keys, key nodes cannot have comments");
        }
        if (identity.isCollection(key) || !identity.isNode(key) && typeof key === "object") {
          const msg = "With simple keys, collection cannot be used as a key value";
          throw new Error(msg);
        }
      }
      let explicitKey = !simpleKeys && (!key || keyComment && value == null && !ctx.inFlow || identity.isCollection(key) || (identity.isScalar(key) ? key.type === Scalar.Scalar.BLOCK_FOLDED || key.type === Scalar.Scalar.BLOCK_LITERAL : typeof key === "object"));
      ctx = Object.assign({}, ctx, {
        allNullValues: false,
        implicitKey: !explicitKey && (simpleKeys || !allNullValues),
        indent: indent + indentStep
      });
      let keyCommentDone = false;
      let chompKeep = false;
      let str = stringify.stringify(key, ctx, () => keyCommentDone = true, () => chompKeep = true);
      if (!explicitKey && !ctx.inFlow && str.length > 1024) {
        if (simpleKeys)
          throw new Error("With simple keys, single line scalar must not span more than 1024 characters");
        explicitKey = true;
      }
      if (ctx.inFlow) {
        if (allNullValues || value == null) {
          if (keyCommentDone && onComment)
            onComment();
          return str === "" ? "?" : explicitKey ? `? ${str}` : str;
        }
      } else if (allNullValues && !simpleKeys || value == null && explicitKey) {
        str = `? ${str}`;
        if (keyComment && !keyCommentDone) {
          str += stringifyComment.lineComment(str, ctx.indent, commentString(keyComment));
        } else if (chompKeep && onChompKeep)
          onChompKeep();
        return str;
      }
      if (keyCommentDone)
        keyComment = null;
      if (explicitKey) {
        if (keyComment)
          str += stringifyComment.lineComment(str, ctx.indent, commentString(keyComment));
        str = `? ${str}
${indent}:`;
      } else {
        str = `${str}:`;
        if (keyComment)
          str += stringifyComment.lineComment(str, ctx.indent, commentString(keyComment));
      }
      let vsb, vcb, valueComment;
      if (identity.isNode(value)) {
        vsb = !!value.spaceBefore;
        vcb = value.commentBefore;
        valueComment = value.comment;
      } else {
        vsb = false;
        vcb = null;
        valueComment = null;
        if (value && typeof value === "object")
          value = doc.createNode(value);
      }
      ctx.implicitKey = false;
      if (!explicitKey && !keyComment && identity.isScalar(value))
        ctx.indentAtStart = str.length + 1;
      chompKeep = false;
      if (!indentSeq && indentStep.length >= 2 && !ctx.inFlow && !explicitKey && identity.isSeq(value) && !value.flow && !value.tag && !value.anchor) {
        ctx.indent = ctx.indent.substring(2);
      }
      let valueCommentDone = false;
      const valueStr = stringify.stringify(value, ctx, () => valueCommentDone = true, () => chompKeep = true);
      let ws = " ";
      if (keyComment || vsb || vcb) {
        ws = vsb ? "\n" : "";
        if (vcb) {
          const cs = commentString(vcb);
          ws += `
${stringifyComment.indentComment(cs, ctx.indent)}`;
        }
        if (valueStr === "" && !ctx.inFlow) {
          if (ws === "\n" && valueComment)
            ws = "\n\n";
        } else {
          ws += `
${ctx.indent}`;
        }
      } else if (!explicitKey && identity.isCollection(value)) {
        const vs0 = valueStr[0];
        const nl0 = valueStr.indexOf("\n");
        const hasNewline = nl0 !== -1;
        const flow = ctx.inFlow ?? value.flow ?? value.items.length === 0;
        if (hasNewline || !flow) {
          let hasPropsLine = false;
          if (hasNewline && (vs0 === "&" || vs0 === "!")) {
            let sp0 = valueStr.indexOf(" ");
            if (vs0 === "&" && sp0 !== -1 && sp0 < nl0 && valueStr[sp0 + 1] === "!") {
              sp0 = valueStr.indexOf(" ", sp0 + 1);
            }
            if (sp0 === -1 || nl0 < sp0)
              hasPropsLine = true;
          }
          if (!hasPropsLine)
            ws = `
${ctx.indent}`;
        }
      } else if (valueStr === "" || valueStr[0] === "\n") {
        ws = "";
      }
      str += ws + valueStr;
      if (ctx.inFlow) {
        if (valueCommentDone && onComment)
          onComment();
      } else if (valueComment && !valueCommentDone) {
        str += stringifyComment.lineComment(str, ctx.indent, commentString(valueComment));
      } else if (chompKeep && onChompKeep) {
        onChompKeep();
      }
      return str;
    }
    exports.stringifyPair = stringifyPair;
  }
});

// ../../node_modules/yaml/dist/log.js
var require_log = __commonJS({
  "../../node_modules/yaml/dist/log.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var node_process = __require("process");
    function debug(logLevel, ...messages) {
      if (logLevel === "debug")
        console.log(...messages);
    }
    function warn(logLevel, warning) {
      if (logLevel === "debug" || logLevel === "warn") {
        if (typeof node_process.emitWarning === "function")
          node_process.emitWarning(warning);
        else
          console.warn(warning);
      }
    }
    exports.debug = debug;
    exports.warn = warn;
  }
});

// ../../node_modules/yaml/dist/schema/yaml-1.1/merge.js
var require_merge = __commonJS({
  "../../node_modules/yaml/dist/schema/yaml-1.1/merge.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var identity = require_identity();
    var Scalar = require_Scalar();
    var MERGE_KEY = "<<";
    var merge = {
      identify: (value) => value === MERGE_KEY || typeof value === "symbol" && value.description === MERGE_KEY,
      default: "key",
      tag: "tag:yaml.org,2002:merge",
      test: /^<<$/,
      resolve: () => Object.assign(new Scalar.Scalar(Symbol(MERGE_KEY)), {
        addToJSMap: addMergeToJSMap
      }),
      stringify: () => MERGE_KEY
    };
    var isMergeKey = (ctx, key) => (merge.identify(key) || identity.isScalar(key) && (!key.type || key.type === Scalar.Scalar.PLAIN) && merge.identify(key.value)) && ctx?.doc.schema.tags.some((tag) => tag.tag === merge.tag && tag.default);
    function addMergeToJSMap(ctx, map, value) {
      const source = resolveAliasValue(ctx, value);
      if (identity.isSeq(source))
        for (const it of source.items)
          mergeValue(ctx, map, it);
      else if (Array.isArray(source))
        for (const it of source)
          mergeValue(ctx, map, it);
      else
        mergeValue(ctx, map, source);
    }
    function mergeValue(ctx, map, value) {
      const source = resolveAliasValue(ctx, value);
      if (!identity.isMap(source))
        throw new Error("Merge sources must be maps or map aliases");
      const srcMap = source.toJSON(null, ctx, Map);
      for (const [key, value2] of srcMap) {
        if (map instanceof Map) {
          if (!map.has(key))
            map.set(key, value2);
        } else if (map instanceof Set) {
          map.add(key);
        } else if (!Object.prototype.hasOwnProperty.call(map, key)) {
          Object.defineProperty(map, key, {
            value: value2,
            writable: true,
            enumerable: true,
            configurable: true
          });
        }
      }
      return map;
    }
    function resolveAliasValue(ctx, value) {
      return ctx && identity.isAlias(value) ? value.resolve(ctx.doc, ctx) : value;
    }
    exports.addMergeToJSMap = addMergeToJSMap;
    exports.isMergeKey = isMergeKey;
    exports.merge = merge;
  }
});

// ../../node_modules/yaml/dist/nodes/addPairToJSMap.js
var require_addPairToJSMap = __commonJS({
  "../../node_modules/yaml/dist/nodes/addPairToJSMap.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var log = require_log();
    var merge = require_merge();
    var stringify = require_stringify();
    var identity = require_identity();
    var toJS = require_toJS();
    function addPairToJSMap(ctx, map, { key, value }) {
      if (identity.isNode(key) && key.addToJSMap)
        key.addToJSMap(ctx, map, value);
      else if (merge.isMergeKey(ctx, key))
        merge.addMergeToJSMap(ctx, map, value);
      else {
        const jsKey = toJS.toJS(key, "", ctx);
        if (map instanceof Map) {
          map.set(jsKey, toJS.toJS(value, jsKey, ctx));
        } else if (map instanceof Set) {
          map.add(jsKey);
        } else {
          const stringKey = stringifyKey(key, jsKey, ctx);
          const jsValue = toJS.toJS(value, stringKey, ctx);
          if (stringKey in map)
            Object.defineProperty(map, stringKey, {
              value: jsValue,
              writable: true,
              enumerable: true,
              configurable: true
            });
          else
            map[stringKey] = jsValue;
        }
      }
      return map;
    }
    function stringifyKey(key, jsKey, ctx) {
      if (jsKey === null)
        return "";
      if (typeof jsKey !== "object")
        return String(jsKey);
      if (identity.isNode(key) && ctx?.doc) {
        const strCtx = stringify.createStringifyContext(ctx.doc, {});
        strCtx.anchors = /* @__PURE__ */ new Set();
        for (const node of ctx.anchors.keys())
          strCtx.anchors.add(node.anchor);
        strCtx.inFlow = true;
        strCtx.inStringifyKey = true;
        const strKey = key.toString(strCtx);
        if (!ctx.mapKeyWarned) {
          let jsonStr = JSON.stringify(strKey);
          if (jsonStr.length > 40)
            jsonStr = jsonStr.substring(0, 36) + '..."';
          log.warn(ctx.doc.options.logLevel, `Keys with collection values will be stringified due to JS Object restrictions: ${jsonStr}. Set mapAsMap: true to use object keys.`);
          ctx.mapKeyWarned = true;
        }
        return strKey;
      }
      return JSON.stringify(jsKey);
    }
    exports.addPairToJSMap = addPairToJSMap;
  }
});

// ../../node_modules/yaml/dist/nodes/Pair.js
var require_Pair = __commonJS({
  "../../node_modules/yaml/dist/nodes/Pair.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var createNode = require_createNode();
    var stringifyPair = require_stringifyPair();
    var addPairToJSMap = require_addPairToJSMap();
    var identity = require_identity();
    function createPair(key, value, ctx) {
      const k = createNode.createNode(key, void 0, ctx);
      const v = createNode.createNode(value, void 0, ctx);
      return new Pair(k, v);
    }
    var Pair = class _Pair {
      constructor(key, value = null) {
        Object.defineProperty(this, identity.NODE_TYPE, { value: identity.PAIR });
        this.key = key;
        this.value = value;
      }
      clone(schema) {
        let { key, value } = this;
        if (identity.isNode(key))
          key = key.clone(schema);
        if (identity.isNode(value))
          value = value.clone(schema);
        return new _Pair(key, value);
      }
      toJSON(_, ctx) {
        const pair = ctx?.mapAsMap ? /* @__PURE__ */ new Map() : {};
        return addPairToJSMap.addPairToJSMap(ctx, pair, this);
      }
      toString(ctx, onComment, onChompKeep) {
        return ctx?.doc ? stringifyPair.stringifyPair(this, ctx, onComment, onChompKeep) : JSON.stringify(this);
      }
    };
    exports.Pair = Pair;
    exports.createPair = createPair;
  }
});

// ../../node_modules/yaml/dist/stringify/stringifyCollection.js
var require_stringifyCollection = __commonJS({
  "../../node_modules/yaml/dist/stringify/stringifyCollection.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var identity = require_identity();
    var stringify = require_stringify();
    var stringifyComment = require_stringifyComment();
    function stringifyCollection(collection, ctx, options) {
      const flow = ctx.inFlow ?? collection.flow;
      const stringify2 = flow ? stringifyFlowCollection : stringifyBlockCollection;
      return stringify2(collection, ctx, options);
    }
    function stringifyBlockCollection({ comment, items }, ctx, { blockItemPrefix, flowChars, itemIndent, onChompKeep, onComment }) {
      const { indent, options: { commentString } } = ctx;
      const itemCtx = Object.assign({}, ctx, { indent: itemIndent, type: null });
      let chompKeep = false;
      const lines = [];
      for (let i = 0; i < items.length; ++i) {
        const item = items[i];
        let comment2 = null;
        if (identity.isNode(item)) {
          if (!chompKeep && item.spaceBefore)
            lines.push("");
          addCommentBefore(ctx, lines, item.commentBefore, chompKeep);
          if (item.comment)
            comment2 = item.comment;
        } else if (identity.isPair(item)) {
          const ik = identity.isNode(item.key) ? item.key : null;
          if (ik) {
            if (!chompKeep && ik.spaceBefore)
              lines.push("");
            addCommentBefore(ctx, lines, ik.commentBefore, chompKeep);
          }
        }
        chompKeep = false;
        let str2 = stringify.stringify(item, itemCtx, () => comment2 = null, () => chompKeep = true);
        if (comment2)
          str2 += stringifyComment.lineComment(str2, itemIndent, commentString(comment2));
        if (chompKeep && comment2)
          chompKeep = false;
        lines.push(blockItemPrefix + str2);
      }
      let str;
      if (lines.length === 0) {
        str = flowChars.start + flowChars.end;
      } else {
        str = lines[0];
        for (let i = 1; i < lines.length; ++i) {
          const line = lines[i];
          str += line ? `
${indent}${line}` : "\n";
        }
      }
      if (comment) {
        str += "\n" + stringifyComment.indentComment(commentString(comment), indent);
        if (onComment)
          onComment();
      } else if (chompKeep && onChompKeep)
        onChompKeep();
      return str;
    }
    function stringifyFlowCollection({ items }, ctx, { flowChars, itemIndent }) {
      const { indent, indentStep, flowCollectionPadding: fcPadding, options: { commentString } } = ctx;
      itemIndent += indentStep;
      const itemCtx = Object.assign({}, ctx, {
        indent: itemIndent,
        inFlow: true,
        type: null
      });
      let reqNewline = false;
      let linesAtValue = 0;
      const lines = [];
      for (let i = 0; i < items.length; ++i) {
        const item = items[i];
        let comment = null;
        if (identity.isNode(item)) {
          if (item.spaceBefore)
            lines.push("");
          addCommentBefore(ctx, lines, item.commentBefore, false);
          if (item.comment)
            comment = item.comment;
        } else if (identity.isPair(item)) {
          const ik = identity.isNode(item.key) ? item.key : null;
          if (ik) {
            if (ik.spaceBefore)
              lines.push("");
            addCommentBefore(ctx, lines, ik.commentBefore, false);
            if (ik.comment)
              reqNewline = true;
          }
          const iv = identity.isNode(item.value) ? item.value : null;
          if (iv) {
            if (iv.comment)
              comment = iv.comment;
            if (iv.commentBefore)
              reqNewline = true;
          } else if (item.value == null && ik?.comment) {
            comment = ik.comment;
          }
        }
        if (comment)
          reqNewline = true;
        let str = stringify.stringify(item, itemCtx, () => comment = null);
        reqNewline || (reqNewline = lines.length > linesAtValue || str.includes("\n"));
        if (i < items.length - 1) {
          str += ",";
        } else if (ctx.options.trailingComma) {
          if (ctx.options.lineWidth > 0) {
            reqNewline || (reqNewline = lines.reduce((sum, line) => sum + line.length + 2, 2) + (str.length + 2) > ctx.options.lineWidth);
          }
          if (reqNewline) {
            str += ",";
          }
        }
        if (comment)
          str += stringifyComment.lineComment(str, itemIndent, commentString(comment));
        lines.push(str);
        linesAtValue = lines.length;
      }
      const { start, end } = flowChars;
      if (lines.length === 0) {
        return start + end;
      } else {
        if (!reqNewline) {
          const len = lines.reduce((sum, line) => sum + line.length + 2, 2);
          reqNewline = ctx.options.lineWidth > 0 && len > ctx.options.lineWidth;
        }
        if (reqNewline) {
          let str = start;
          for (const line of lines)
            str += line ? `
${indentStep}${indent}${line}` : "\n";
          return `${str}
${indent}${end}`;
        } else {
          return `${start}${fcPadding}${lines.join(" ")}${fcPadding}${end}`;
        }
      }
    }
    function addCommentBefore({ indent, options: { commentString } }, lines, comment, chompKeep) {
      if (comment && chompKeep)
        comment = comment.replace(/^\n+/, "");
      if (comment) {
        const ic = stringifyComment.indentComment(commentString(comment), indent);
        lines.push(ic.trimStart());
      }
    }
    exports.stringifyCollection = stringifyCollection;
  }
});

// ../../node_modules/yaml/dist/nodes/YAMLMap.js
var require_YAMLMap = __commonJS({
  "../../node_modules/yaml/dist/nodes/YAMLMap.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var stringifyCollection = require_stringifyCollection();
    var addPairToJSMap = require_addPairToJSMap();
    var Collection = require_Collection();
    var identity = require_identity();
    var Pair = require_Pair();
    var Scalar = require_Scalar();
    function findPair(items, key) {
      const k = identity.isScalar(key) ? key.value : key;
      for (const it of items) {
        if (identity.isPair(it)) {
          if (it.key === key || it.key === k)
            return it;
          if (identity.isScalar(it.key) && it.key.value === k)
            return it;
        }
      }
      return void 0;
    }
    var YAMLMap = class extends Collection.Collection {
      static get tagName() {
        return "tag:yaml.org,2002:map";
      }
      constructor(schema) {
        super(identity.MAP, schema);
        this.items = [];
      }
      /**
       * A generic collection parsing method that can be extended
       * to other node classes that inherit from YAMLMap
       */
      static from(schema, obj, ctx) {
        const { keepUndefined, replacer } = ctx;
        const map = new this(schema);
        const add = (key, value) => {
          if (typeof replacer === "function")
            value = replacer.call(obj, key, value);
          else if (Array.isArray(replacer) && !replacer.includes(key))
            return;
          if (value !== void 0 || keepUndefined)
            map.items.push(Pair.createPair(key, value, ctx));
        };
        if (obj instanceof Map) {
          for (const [key, value] of obj)
            add(key, value);
        } else if (obj && typeof obj === "object") {
          for (const key of Object.keys(obj))
            add(key, obj[key]);
        }
        if (typeof schema.sortMapEntries === "function") {
          map.items.sort(schema.sortMapEntries);
        }
        return map;
      }
      /**
       * Adds a value to the collection.
       *
       * @param overwrite - If not set `true`, using a key that is already in the
       *   collection will throw. Otherwise, overwrites the previous value.
       */
      add(pair, overwrite) {
        let _pair;
        if (identity.isPair(pair))
          _pair = pair;
        else if (!pair || typeof pair !== "object" || !("key" in pair)) {
          _pair = new Pair.Pair(pair, pair?.value);
        } else
          _pair = new Pair.Pair(pair.key, pair.value);
        const prev = findPair(this.items, _pair.key);
        const sortEntries = this.schema?.sortMapEntries;
        if (prev) {
          if (!overwrite)
            throw new Error(`Key ${_pair.key} already set`);
          if (identity.isScalar(prev.value) && Scalar.isScalarValue(_pair.value))
            prev.value.value = _pair.value;
          else
            prev.value = _pair.value;
        } else if (sortEntries) {
          const i = this.items.findIndex((item) => sortEntries(_pair, item) < 0);
          if (i === -1)
            this.items.push(_pair);
          else
            this.items.splice(i, 0, _pair);
        } else {
          this.items.push(_pair);
        }
      }
      delete(key) {
        const it = findPair(this.items, key);
        if (!it)
          return false;
        const del = this.items.splice(this.items.indexOf(it), 1);
        return del.length > 0;
      }
      get(key, keepScalar) {
        const it = findPair(this.items, key);
        const node = it?.value;
        return (!keepScalar && identity.isScalar(node) ? node.value : node) ?? void 0;
      }
      has(key) {
        return !!findPair(this.items, key);
      }
      set(key, value) {
        this.add(new Pair.Pair(key, value), true);
      }
      /**
       * @param ctx - Conversion context, originally set in Document#toJS()
       * @param {Class} Type - If set, forces the returned collection type
       * @returns Instance of Type, Map, or Object
       */
      toJSON(_, ctx, Type) {
        const map = Type ? new Type() : ctx?.mapAsMap ? /* @__PURE__ */ new Map() : {};
        if (ctx?.onCreate)
          ctx.onCreate(map);
        for (const item of this.items)
          addPairToJSMap.addPairToJSMap(ctx, map, item);
        return map;
      }
      toString(ctx, onComment, onChompKeep) {
        if (!ctx)
          return JSON.stringify(this);
        for (const item of this.items) {
          if (!identity.isPair(item))
            throw new Error(`Map items must all be pairs; found ${JSON.stringify(item)} instead`);
        }
        if (!ctx.allNullValues && this.hasAllNullValues(false))
          ctx = Object.assign({}, ctx, { allNullValues: true });
        return stringifyCollection.stringifyCollection(this, ctx, {
          blockItemPrefix: "",
          flowChars: { start: "{", end: "}" },
          itemIndent: ctx.indent || "",
          onChompKeep,
          onComment
        });
      }
    };
    exports.YAMLMap = YAMLMap;
    exports.findPair = findPair;
  }
});

// ../../node_modules/yaml/dist/schema/common/map.js
var require_map = __commonJS({
  "../../node_modules/yaml/dist/schema/common/map.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var identity = require_identity();
    var YAMLMap = require_YAMLMap();
    var map = {
      collection: "map",
      default: true,
      nodeClass: YAMLMap.YAMLMap,
      tag: "tag:yaml.org,2002:map",
      resolve(map2, onError) {
        if (!identity.isMap(map2))
          onError("Expected a mapping for this tag");
        return map2;
      },
      createNode: (schema, obj, ctx) => YAMLMap.YAMLMap.from(schema, obj, ctx)
    };
    exports.map = map;
  }
});

// ../../node_modules/yaml/dist/nodes/YAMLSeq.js
var require_YAMLSeq = __commonJS({
  "../../node_modules/yaml/dist/nodes/YAMLSeq.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var createNode = require_createNode();
    var stringifyCollection = require_stringifyCollection();
    var Collection = require_Collection();
    var identity = require_identity();
    var Scalar = require_Scalar();
    var toJS = require_toJS();
    var YAMLSeq = class extends Collection.Collection {
      static get tagName() {
        return "tag:yaml.org,2002:seq";
      }
      constructor(schema) {
        super(identity.SEQ, schema);
        this.items = [];
      }
      add(value) {
        this.items.push(value);
      }
      /**
       * Removes a value from the collection.
       *
       * `key` must contain a representation of an integer for this to succeed.
       * It may be wrapped in a `Scalar`.
       *
       * @returns `true` if the item was found and removed.
       */
      delete(key) {
        const idx = asItemIndex(key);
        if (typeof idx !== "number")
          return false;
        const del = this.items.splice(idx, 1);
        return del.length > 0;
      }
      get(key, keepScalar) {
        const idx = asItemIndex(key);
        if (typeof idx !== "number")
          return void 0;
        const it = this.items[idx];
        return !keepScalar && identity.isScalar(it) ? it.value : it;
      }
      /**
       * Checks if the collection includes a value with the key `key`.
       *
       * `key` must contain a representation of an integer for this to succeed.
       * It may be wrapped in a `Scalar`.
       */
      has(key) {
        const idx = asItemIndex(key);
        return typeof idx === "number" && idx < this.items.length;
      }
      /**
       * Sets a value in this collection. For `!!set`, `value` needs to be a
       * boolean to add/remove the item from the set.
       *
       * If `key` does not contain a representation of an integer, this will throw.
       * It may be wrapped in a `Scalar`.
       */
      set(key, value) {
        const idx = asItemIndex(key);
        if (typeof idx !== "number")
          throw new Error(`Expected a valid index, not ${key}.`);
        const prev = this.items[idx];
        if (identity.isScalar(prev) && Scalar.isScalarValue(value))
          prev.value = value;
        else
          this.items[idx] = value;
      }
      toJSON(_, ctx) {
        const seq = [];
        if (ctx?.onCreate)
          ctx.onCreate(seq);
        let i = 0;
        for (const item of this.items)
          seq.push(toJS.toJS(item, String(i++), ctx));
        return seq;
      }
      toString(ctx, onComment, onChompKeep) {
        if (!ctx)
          return JSON.stringify(this);
        return stringifyCollection.stringifyCollection(this, ctx, {
          blockItemPrefix: "- ",
          flowChars: { start: "[", end: "]" },
          itemIndent: (ctx.indent || "") + "  ",
          onChompKeep,
          onComment
        });
      }
      static from(schema, obj, ctx) {
        const { replacer } = ctx;
        const seq = new this(schema);
        if (obj && Symbol.iterator in Object(obj)) {
          let i = 0;
          for (let it of obj) {
            if (typeof replacer === "function") {
              const key = obj instanceof Set ? it : String(i++);
              it = replacer.call(obj, key, it);
            }
            seq.items.push(createNode.createNode(it, void 0, ctx));
          }
        }
        return seq;
      }
    };
    function asItemIndex(key) {
      let idx = identity.isScalar(key) ? key.value : key;
      if (idx && typeof idx === "string")
        idx = Number(idx);
      return typeof idx === "number" && Number.isInteger(idx) && idx >= 0 ? idx : null;
    }
    exports.YAMLSeq = YAMLSeq;
  }
});

// ../../node_modules/yaml/dist/schema/common/seq.js
var require_seq = __commonJS({
  "../../node_modules/yaml/dist/schema/common/seq.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var identity = require_identity();
    var YAMLSeq = require_YAMLSeq();
    var seq = {
      collection: "seq",
      default: true,
      nodeClass: YAMLSeq.YAMLSeq,
      tag: "tag:yaml.org,2002:seq",
      resolve(seq2, onError) {
        if (!identity.isSeq(seq2))
          onError("Expected a sequence for this tag");
        return seq2;
      },
      createNode: (schema, obj, ctx) => YAMLSeq.YAMLSeq.from(schema, obj, ctx)
    };
    exports.seq = seq;
  }
});

// ../../node_modules/yaml/dist/schema/common/string.js
var require_string = __commonJS({
  "../../node_modules/yaml/dist/schema/common/string.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var stringifyString = require_stringifyString();
    var string = {
      identify: (value) => typeof value === "string",
      default: true,
      tag: "tag:yaml.org,2002:str",
      resolve: (str) => str,
      stringify(item, ctx, onComment, onChompKeep) {
        ctx = Object.assign({ actualString: true }, ctx);
        return stringifyString.stringifyString(item, ctx, onComment, onChompKeep);
      }
    };
    exports.string = string;
  }
});

// ../../node_modules/yaml/dist/schema/common/null.js
var require_null = __commonJS({
  "../../node_modules/yaml/dist/schema/common/null.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var Scalar = require_Scalar();
    var nullTag = {
      identify: (value) => value == null,
      createNode: () => new Scalar.Scalar(null),
      default: true,
      tag: "tag:yaml.org,2002:null",
      test: /^(?:~|[Nn]ull|NULL)?$/,
      resolve: () => new Scalar.Scalar(null),
      stringify: ({ source }, ctx) => typeof source === "string" && nullTag.test.test(source) ? source : ctx.options.nullStr
    };
    exports.nullTag = nullTag;
  }
});

// ../../node_modules/yaml/dist/schema/core/bool.js
var require_bool = __commonJS({
  "../../node_modules/yaml/dist/schema/core/bool.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var Scalar = require_Scalar();
    var boolTag = {
      identify: (value) => typeof value === "boolean",
      default: true,
      tag: "tag:yaml.org,2002:bool",
      test: /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/,
      resolve: (str) => new Scalar.Scalar(str[0] === "t" || str[0] === "T"),
      stringify({ source, value }, ctx) {
        if (source && boolTag.test.test(source)) {
          const sv = source[0] === "t" || source[0] === "T";
          if (value === sv)
            return source;
        }
        return value ? ctx.options.trueStr : ctx.options.falseStr;
      }
    };
    exports.boolTag = boolTag;
  }
});

// ../../node_modules/yaml/dist/stringify/stringifyNumber.js
var require_stringifyNumber = __commonJS({
  "../../node_modules/yaml/dist/stringify/stringifyNumber.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    function stringifyNumber({ format, minFractionDigits, tag, value }) {
      if (typeof value === "bigint")
        return String(value);
      const num = typeof value === "number" ? value : Number(value);
      if (!isFinite(num))
        return isNaN(num) ? ".nan" : num < 0 ? "-.inf" : ".inf";
      let n = Object.is(value, -0) ? "-0" : JSON.stringify(value);
      if (!format && minFractionDigits && (!tag || tag === "tag:yaml.org,2002:float") && /^-?\d/.test(n) && !n.includes("e")) {
        let i = n.indexOf(".");
        if (i < 0) {
          i = n.length;
          n += ".";
        }
        let d = minFractionDigits - (n.length - i - 1);
        while (d-- > 0)
          n += "0";
      }
      return n;
    }
    exports.stringifyNumber = stringifyNumber;
  }
});

// ../../node_modules/yaml/dist/schema/core/float.js
var require_float = __commonJS({
  "../../node_modules/yaml/dist/schema/core/float.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var Scalar = require_Scalar();
    var stringifyNumber = require_stringifyNumber();
    var floatNaN = {
      identify: (value) => typeof value === "number",
      default: true,
      tag: "tag:yaml.org,2002:float",
      test: /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
      resolve: (str) => str.slice(-3).toLowerCase() === "nan" ? NaN : str[0] === "-" ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY,
      stringify: stringifyNumber.stringifyNumber
    };
    var floatExp = {
      identify: (value) => typeof value === "number",
      default: true,
      tag: "tag:yaml.org,2002:float",
      format: "EXP",
      test: /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
      resolve: (str) => parseFloat(str),
      stringify(node) {
        const num = Number(node.value);
        return isFinite(num) ? num.toExponential() : stringifyNumber.stringifyNumber(node);
      }
    };
    var float = {
      identify: (value) => typeof value === "number",
      default: true,
      tag: "tag:yaml.org,2002:float",
      test: /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
      resolve(str) {
        const node = new Scalar.Scalar(parseFloat(str));
        const dot = str.indexOf(".");
        if (dot !== -1 && str[str.length - 1] === "0")
          node.minFractionDigits = str.length - dot - 1;
        return node;
      },
      stringify: stringifyNumber.stringifyNumber
    };
    exports.float = float;
    exports.floatExp = floatExp;
    exports.floatNaN = floatNaN;
  }
});

// ../../node_modules/yaml/dist/schema/core/int.js
var require_int = __commonJS({
  "../../node_modules/yaml/dist/schema/core/int.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var stringifyNumber = require_stringifyNumber();
    var intIdentify = (value) => typeof value === "bigint" || Number.isInteger(value);
    var intResolve = (str, offset, radix, { intAsBigInt }) => intAsBigInt ? BigInt(str) : parseInt(str.substring(offset), radix);
    function intStringify(node, radix, prefix) {
      const { value } = node;
      if (intIdentify(value) && value >= 0)
        return prefix + value.toString(radix);
      return stringifyNumber.stringifyNumber(node);
    }
    var intOct = {
      identify: (value) => intIdentify(value) && value >= 0,
      default: true,
      tag: "tag:yaml.org,2002:int",
      format: "OCT",
      test: /^0o[0-7]+$/,
      resolve: (str, _onError, opt) => intResolve(str, 2, 8, opt),
      stringify: (node) => intStringify(node, 8, "0o")
    };
    var int = {
      identify: intIdentify,
      default: true,
      tag: "tag:yaml.org,2002:int",
      test: /^[-+]?[0-9]+$/,
      resolve: (str, _onError, opt) => intResolve(str, 0, 10, opt),
      stringify: stringifyNumber.stringifyNumber
    };
    var intHex = {
      identify: (value) => intIdentify(value) && value >= 0,
      default: true,
      tag: "tag:yaml.org,2002:int",
      format: "HEX",
      test: /^0x[0-9a-fA-F]+$/,
      resolve: (str, _onError, opt) => intResolve(str, 2, 16, opt),
      stringify: (node) => intStringify(node, 16, "0x")
    };
    exports.int = int;
    exports.intHex = intHex;
    exports.intOct = intOct;
  }
});

// ../../node_modules/yaml/dist/schema/core/schema.js
var require_schema = __commonJS({
  "../../node_modules/yaml/dist/schema/core/schema.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var map = require_map();
    var _null = require_null();
    var seq = require_seq();
    var string = require_string();
    var bool = require_bool();
    var float = require_float();
    var int = require_int();
    var schema = [
      map.map,
      seq.seq,
      string.string,
      _null.nullTag,
      bool.boolTag,
      int.intOct,
      int.int,
      int.intHex,
      float.floatNaN,
      float.floatExp,
      float.float
    ];
    exports.schema = schema;
  }
});

// ../../node_modules/yaml/dist/schema/json/schema.js
var require_schema2 = __commonJS({
  "../../node_modules/yaml/dist/schema/json/schema.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var Scalar = require_Scalar();
    var map = require_map();
    var seq = require_seq();
    function intIdentify(value) {
      return typeof value === "bigint" || Number.isInteger(value);
    }
    var stringifyJSON = ({ value }) => JSON.stringify(value);
    var jsonScalars = [
      {
        identify: (value) => typeof value === "string",
        default: true,
        tag: "tag:yaml.org,2002:str",
        resolve: (str) => str,
        stringify: stringifyJSON
      },
      {
        identify: (value) => value == null,
        createNode: () => new Scalar.Scalar(null),
        default: true,
        tag: "tag:yaml.org,2002:null",
        test: /^null$/,
        resolve: () => null,
        stringify: stringifyJSON
      },
      {
        identify: (value) => typeof value === "boolean",
        default: true,
        tag: "tag:yaml.org,2002:bool",
        test: /^true$|^false$/,
        resolve: (str) => str === "true",
        stringify: stringifyJSON
      },
      {
        identify: intIdentify,
        default: true,
        tag: "tag:yaml.org,2002:int",
        test: /^-?(?:0|[1-9][0-9]*)$/,
        resolve: (str, _onError, { intAsBigInt }) => intAsBigInt ? BigInt(str) : parseInt(str, 10),
        stringify: ({ value }) => intIdentify(value) ? value.toString() : JSON.stringify(value)
      },
      {
        identify: (value) => typeof value === "number",
        default: true,
        tag: "tag:yaml.org,2002:float",
        test: /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?$/,
        resolve: (str) => parseFloat(str),
        stringify: stringifyJSON
      }
    ];
    var jsonError = {
      default: true,
      tag: "",
      test: /^/,
      resolve(str, onError) {
        onError(`Unresolved plain scalar ${JSON.stringify(str)}`);
        return str;
      }
    };
    var schema = [map.map, seq.seq].concat(jsonScalars, jsonError);
    exports.schema = schema;
  }
});

// ../../node_modules/yaml/dist/schema/yaml-1.1/binary.js
var require_binary = __commonJS({
  "../../node_modules/yaml/dist/schema/yaml-1.1/binary.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var node_buffer = __require("buffer");
    var Scalar = require_Scalar();
    var stringifyString = require_stringifyString();
    var binary = {
      identify: (value) => value instanceof Uint8Array,
      // Buffer inherits from Uint8Array
      default: false,
      tag: "tag:yaml.org,2002:binary",
      /**
       * Returns a Buffer in node and an Uint8Array in browsers
       *
       * To use the resulting buffer as an image, you'll want to do something like:
       *
       *   const blob = new Blob([buffer], { type: 'image/jpeg' })
       *   document.querySelector('#photo').src = URL.createObjectURL(blob)
       */
      resolve(src, onError) {
        if (typeof node_buffer.Buffer === "function") {
          return node_buffer.Buffer.from(src, "base64");
        } else if (typeof atob === "function") {
          const str = atob(src.replace(/[\n\r]/g, ""));
          const buffer = new Uint8Array(str.length);
          for (let i = 0; i < str.length; ++i)
            buffer[i] = str.charCodeAt(i);
          return buffer;
        } else {
          onError("This environment does not support reading binary tags; either Buffer or atob is required");
          return src;
        }
      },
      stringify({ comment, type, value }, ctx, onComment, onChompKeep) {
        if (!value)
          return "";
        const buf = value;
        let str;
        if (typeof node_buffer.Buffer === "function") {
          str = buf instanceof node_buffer.Buffer ? buf.toString("base64") : node_buffer.Buffer.from(buf.buffer).toString("base64");
        } else if (typeof btoa === "function") {
          let s = "";
          for (let i = 0; i < buf.length; ++i)
            s += String.fromCharCode(buf[i]);
          str = btoa(s);
        } else {
          throw new Error("This environment does not support writing binary tags; either Buffer or btoa is required");
        }
        type ?? (type = Scalar.Scalar.BLOCK_LITERAL);
        if (type !== Scalar.Scalar.QUOTE_DOUBLE) {
          const lineWidth = Math.max(ctx.options.lineWidth - ctx.indent.length, ctx.options.minContentWidth);
          const n = Math.ceil(str.length / lineWidth);
          const lines = new Array(n);
          for (let i = 0, o = 0; i < n; ++i, o += lineWidth) {
            lines[i] = str.substr(o, lineWidth);
          }
          str = lines.join(type === Scalar.Scalar.BLOCK_LITERAL ? "\n" : " ");
        }
        return stringifyString.stringifyString({ comment, type, value: str }, ctx, onComment, onChompKeep);
      }
    };
    exports.binary = binary;
  }
});

// ../../node_modules/yaml/dist/schema/yaml-1.1/pairs.js
var require_pairs = __commonJS({
  "../../node_modules/yaml/dist/schema/yaml-1.1/pairs.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var identity = require_identity();
    var Pair = require_Pair();
    var Scalar = require_Scalar();
    var YAMLSeq = require_YAMLSeq();
    function resolvePairs(seq, onError) {
      if (identity.isSeq(seq)) {
        for (let i = 0; i < seq.items.length; ++i) {
          let item = seq.items[i];
          if (identity.isPair(item))
            continue;
          else if (identity.isMap(item)) {
            if (item.items.length > 1)
              onError("Each pair must have its own sequence indicator");
            const pair = item.items[0] || new Pair.Pair(new Scalar.Scalar(null));
            if (item.commentBefore)
              pair.key.commentBefore = pair.key.commentBefore ? `${item.commentBefore}
${pair.key.commentBefore}` : item.commentBefore;
            if (item.comment) {
              const cn = pair.value ?? pair.key;
              cn.comment = cn.comment ? `${item.comment}
${cn.comment}` : item.comment;
            }
            item = pair;
          }
          seq.items[i] = identity.isPair(item) ? item : new Pair.Pair(item);
        }
      } else
        onError("Expected a sequence for this tag");
      return seq;
    }
    function createPairs(schema, iterable, ctx) {
      const { replacer } = ctx;
      const pairs2 = new YAMLSeq.YAMLSeq(schema);
      pairs2.tag = "tag:yaml.org,2002:pairs";
      let i = 0;
      if (iterable && Symbol.iterator in Object(iterable))
        for (let it of iterable) {
          if (typeof replacer === "function")
            it = replacer.call(iterable, String(i++), it);
          let key, value;
          if (Array.isArray(it)) {
            if (it.length === 2) {
              key = it[0];
              value = it[1];
            } else
              throw new TypeError(`Expected [key, value] tuple: ${it}`);
          } else if (it && it instanceof Object) {
            const keys = Object.keys(it);
            if (keys.length === 1) {
              key = keys[0];
              value = it[key];
            } else {
              throw new TypeError(`Expected tuple with one key, not ${keys.length} keys`);
            }
          } else {
            key = it;
          }
          pairs2.items.push(Pair.createPair(key, value, ctx));
        }
      return pairs2;
    }
    var pairs = {
      collection: "seq",
      default: false,
      tag: "tag:yaml.org,2002:pairs",
      resolve: resolvePairs,
      createNode: createPairs
    };
    exports.createPairs = createPairs;
    exports.pairs = pairs;
    exports.resolvePairs = resolvePairs;
  }
});

// ../../node_modules/yaml/dist/schema/yaml-1.1/omap.js
var require_omap = __commonJS({
  "../../node_modules/yaml/dist/schema/yaml-1.1/omap.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var identity = require_identity();
    var toJS = require_toJS();
    var YAMLMap = require_YAMLMap();
    var YAMLSeq = require_YAMLSeq();
    var pairs = require_pairs();
    var YAMLOMap = class _YAMLOMap extends YAMLSeq.YAMLSeq {
      constructor() {
        super();
        this.add = YAMLMap.YAMLMap.prototype.add.bind(this);
        this.delete = YAMLMap.YAMLMap.prototype.delete.bind(this);
        this.get = YAMLMap.YAMLMap.prototype.get.bind(this);
        this.has = YAMLMap.YAMLMap.prototype.has.bind(this);
        this.set = YAMLMap.YAMLMap.prototype.set.bind(this);
        this.tag = _YAMLOMap.tag;
      }
      /**
       * If `ctx` is given, the return type is actually `Map<unknown, unknown>`,
       * but TypeScript won't allow widening the signature of a child method.
       */
      toJSON(_, ctx) {
        if (!ctx)
          return super.toJSON(_);
        const map = /* @__PURE__ */ new Map();
        if (ctx?.onCreate)
          ctx.onCreate(map);
        for (const pair of this.items) {
          let key, value;
          if (identity.isPair(pair)) {
            key = toJS.toJS(pair.key, "", ctx);
            value = toJS.toJS(pair.value, key, ctx);
          } else {
            key = toJS.toJS(pair, "", ctx);
          }
          if (map.has(key))
            throw new Error("Ordered maps must not include duplicate keys");
          map.set(key, value);
        }
        return map;
      }
      static from(schema, iterable, ctx) {
        const pairs$1 = pairs.createPairs(schema, iterable, ctx);
        const omap2 = new this();
        omap2.items = pairs$1.items;
        return omap2;
      }
    };
    YAMLOMap.tag = "tag:yaml.org,2002:omap";
    var omap = {
      collection: "seq",
      identify: (value) => value instanceof Map,
      nodeClass: YAMLOMap,
      default: false,
      tag: "tag:yaml.org,2002:omap",
      resolve(seq, onError) {
        const pairs$1 = pairs.resolvePairs(seq, onError);
        const seenKeys = [];
        for (const { key } of pairs$1.items) {
          if (identity.isScalar(key)) {
            if (seenKeys.includes(key.value)) {
              onError(`Ordered maps must not include duplicate keys: ${key.value}`);
            } else {
              seenKeys.push(key.value);
            }
          }
        }
        return Object.assign(new YAMLOMap(), pairs$1);
      },
      createNode: (schema, iterable, ctx) => YAMLOMap.from(schema, iterable, ctx)
    };
    exports.YAMLOMap = YAMLOMap;
    exports.omap = omap;
  }
});

// ../../node_modules/yaml/dist/schema/yaml-1.1/bool.js
var require_bool2 = __commonJS({
  "../../node_modules/yaml/dist/schema/yaml-1.1/bool.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var Scalar = require_Scalar();
    function boolStringify({ value, source }, ctx) {
      const boolObj = value ? trueTag : falseTag;
      if (source && boolObj.test.test(source))
        return source;
      return value ? ctx.options.trueStr : ctx.options.falseStr;
    }
    var trueTag = {
      identify: (value) => value === true,
      default: true,
      tag: "tag:yaml.org,2002:bool",
      test: /^(?:Y|y|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/,
      resolve: () => new Scalar.Scalar(true),
      stringify: boolStringify
    };
    var falseTag = {
      identify: (value) => value === false,
      default: true,
      tag: "tag:yaml.org,2002:bool",
      test: /^(?:N|n|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/,
      resolve: () => new Scalar.Scalar(false),
      stringify: boolStringify
    };
    exports.falseTag = falseTag;
    exports.trueTag = trueTag;
  }
});

// ../../node_modules/yaml/dist/schema/yaml-1.1/float.js
var require_float2 = __commonJS({
  "../../node_modules/yaml/dist/schema/yaml-1.1/float.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var Scalar = require_Scalar();
    var stringifyNumber = require_stringifyNumber();
    var floatNaN = {
      identify: (value) => typeof value === "number",
      default: true,
      tag: "tag:yaml.org,2002:float",
      test: /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
      resolve: (str) => str.slice(-3).toLowerCase() === "nan" ? NaN : str[0] === "-" ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY,
      stringify: stringifyNumber.stringifyNumber
    };
    var floatExp = {
      identify: (value) => typeof value === "number",
      default: true,
      tag: "tag:yaml.org,2002:float",
      format: "EXP",
      test: /^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+$/,
      resolve: (str) => parseFloat(str.replace(/_/g, "")),
      stringify(node) {
        const num = Number(node.value);
        return isFinite(num) ? num.toExponential() : stringifyNumber.stringifyNumber(node);
      }
    };
    var float = {
      identify: (value) => typeof value === "number",
      default: true,
      tag: "tag:yaml.org,2002:float",
      test: /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*$/,
      resolve(str) {
        const node = new Scalar.Scalar(parseFloat(str.replace(/_/g, "")));
        const dot = str.indexOf(".");
        if (dot !== -1) {
          const f = str.substring(dot + 1).replace(/_/g, "");
          if (f[f.length - 1] === "0")
            node.minFractionDigits = f.length;
        }
        return node;
      },
      stringify: stringifyNumber.stringifyNumber
    };
    exports.float = float;
    exports.floatExp = floatExp;
    exports.floatNaN = floatNaN;
  }
});

// ../../node_modules/yaml/dist/schema/yaml-1.1/int.js
var require_int2 = __commonJS({
  "../../node_modules/yaml/dist/schema/yaml-1.1/int.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var stringifyNumber = require_stringifyNumber();
    var intIdentify = (value) => typeof value === "bigint" || Number.isInteger(value);
    function intResolve(str, offset, radix, { intAsBigInt }) {
      const sign = str[0];
      if (sign === "-" || sign === "+")
        offset += 1;
      str = str.substring(offset).replace(/_/g, "");
      if (intAsBigInt) {
        switch (radix) {
          case 2:
            str = `0b${str}`;
            break;
          case 8:
            str = `0o${str}`;
            break;
          case 16:
            str = `0x${str}`;
            break;
        }
        const n2 = BigInt(str);
        return sign === "-" ? BigInt(-1) * n2 : n2;
      }
      const n = parseInt(str, radix);
      return sign === "-" ? -1 * n : n;
    }
    function intStringify(node, radix, prefix) {
      const { value } = node;
      if (intIdentify(value)) {
        const str = value.toString(radix);
        return value < 0 ? "-" + prefix + str.substr(1) : prefix + str;
      }
      return stringifyNumber.stringifyNumber(node);
    }
    var intBin = {
      identify: intIdentify,
      default: true,
      tag: "tag:yaml.org,2002:int",
      format: "BIN",
      test: /^[-+]?0b[0-1_]+$/,
      resolve: (str, _onError, opt) => intResolve(str, 2, 2, opt),
      stringify: (node) => intStringify(node, 2, "0b")
    };
    var intOct = {
      identify: intIdentify,
      default: true,
      tag: "tag:yaml.org,2002:int",
      format: "OCT",
      test: /^[-+]?0[0-7_]+$/,
      resolve: (str, _onError, opt) => intResolve(str, 1, 8, opt),
      stringify: (node) => intStringify(node, 8, "0")
    };
    var int = {
      identify: intIdentify,
      default: true,
      tag: "tag:yaml.org,2002:int",
      test: /^[-+]?[0-9][0-9_]*$/,
      resolve: (str, _onError, opt) => intResolve(str, 0, 10, opt),
      stringify: stringifyNumber.stringifyNumber
    };
    var intHex = {
      identify: intIdentify,
      default: true,
      tag: "tag:yaml.org,2002:int",
      format: "HEX",
      test: /^[-+]?0x[0-9a-fA-F_]+$/,
      resolve: (str, _onError, opt) => intResolve(str, 2, 16, opt),
      stringify: (node) => intStringify(node, 16, "0x")
    };
    exports.int = int;
    exports.intBin = intBin;
    exports.intHex = intHex;
    exports.intOct = intOct;
  }
});

// ../../node_modules/yaml/dist/schema/yaml-1.1/set.js
var require_set = __commonJS({
  "../../node_modules/yaml/dist/schema/yaml-1.1/set.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var identity = require_identity();
    var Pair = require_Pair();
    var YAMLMap = require_YAMLMap();
    var YAMLSet = class _YAMLSet extends YAMLMap.YAMLMap {
      constructor(schema) {
        super(schema);
        this.tag = _YAMLSet.tag;
      }
      add(key) {
        let pair;
        if (identity.isPair(key))
          pair = key;
        else if (key && typeof key === "object" && "key" in key && "value" in key && key.value === null)
          pair = new Pair.Pair(key.key, null);
        else
          pair = new Pair.Pair(key, null);
        const prev = YAMLMap.findPair(this.items, pair.key);
        if (!prev)
          this.items.push(pair);
      }
      /**
       * If `keepPair` is `true`, returns the Pair matching `key`.
       * Otherwise, returns the value of that Pair's key.
       */
      get(key, keepPair) {
        const pair = YAMLMap.findPair(this.items, key);
        return !keepPair && identity.isPair(pair) ? identity.isScalar(pair.key) ? pair.key.value : pair.key : pair;
      }
      set(key, value) {
        if (typeof value !== "boolean")
          throw new Error(`Expected boolean value for set(key, value) in a YAML set, not ${typeof value}`);
        const prev = YAMLMap.findPair(this.items, key);
        if (prev && !value) {
          this.items.splice(this.items.indexOf(prev), 1);
        } else if (!prev && value) {
          this.items.push(new Pair.Pair(key));
        }
      }
      toJSON(_, ctx) {
        return super.toJSON(_, ctx, Set);
      }
      toString(ctx, onComment, onChompKeep) {
        if (!ctx)
          return JSON.stringify(this);
        if (this.hasAllNullValues(true))
          return super.toString(Object.assign({}, ctx, { allNullValues: true }), onComment, onChompKeep);
        else
          throw new Error("Set items must all have null values");
      }
      static from(schema, iterable, ctx) {
        const { replacer } = ctx;
        const set2 = new this(schema);
        if (iterable && Symbol.iterator in Object(iterable))
          for (let value of iterable) {
            if (typeof replacer === "function")
              value = replacer.call(iterable, value, value);
            set2.items.push(Pair.createPair(value, null, ctx));
          }
        return set2;
      }
    };
    YAMLSet.tag = "tag:yaml.org,2002:set";
    var set = {
      collection: "map",
      identify: (value) => value instanceof Set,
      nodeClass: YAMLSet,
      default: false,
      tag: "tag:yaml.org,2002:set",
      createNode: (schema, iterable, ctx) => YAMLSet.from(schema, iterable, ctx),
      resolve(map, onError) {
        if (identity.isMap(map)) {
          if (map.hasAllNullValues(true))
            return Object.assign(new YAMLSet(), map);
          else
            onError("Set items must all have null values");
        } else
          onError("Expected a mapping for this tag");
        return map;
      }
    };
    exports.YAMLSet = YAMLSet;
    exports.set = set;
  }
});

// ../../node_modules/yaml/dist/schema/yaml-1.1/timestamp.js
var require_timestamp = __commonJS({
  "../../node_modules/yaml/dist/schema/yaml-1.1/timestamp.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var stringifyNumber = require_stringifyNumber();
    function parseSexagesimal(str, asBigInt) {
      const sign = str[0];
      const parts = sign === "-" || sign === "+" ? str.substring(1) : str;
      const num = (n) => asBigInt ? BigInt(n) : Number(n);
      const res = parts.replace(/_/g, "").split(":").reduce((res2, p) => res2 * num(60) + num(p), num(0));
      return sign === "-" ? num(-1) * res : res;
    }
    function stringifySexagesimal(node) {
      let { value } = node;
      let num = (n) => n;
      if (typeof value === "bigint")
        num = (n) => BigInt(n);
      else if (isNaN(value) || !isFinite(value))
        return stringifyNumber.stringifyNumber(node);
      let sign = "";
      if (value < 0) {
        sign = "-";
        value *= num(-1);
      }
      const _60 = num(60);
      const parts = [value % _60];
      if (value < 60) {
        parts.unshift(0);
      } else {
        value = (value - parts[0]) / _60;
        parts.unshift(value % _60);
        if (value >= 60) {
          value = (value - parts[0]) / _60;
          parts.unshift(value);
        }
      }
      return sign + parts.map((n) => String(n).padStart(2, "0")).join(":").replace(/000000\d*$/, "");
    }
    var intTime = {
      identify: (value) => typeof value === "bigint" || Number.isInteger(value),
      default: true,
      tag: "tag:yaml.org,2002:int",
      format: "TIME",
      test: /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+$/,
      resolve: (str, _onError, { intAsBigInt }) => parseSexagesimal(str, intAsBigInt),
      stringify: stringifySexagesimal
    };
    var floatTime = {
      identify: (value) => typeof value === "number",
      default: true,
      tag: "tag:yaml.org,2002:float",
      format: "TIME",
      test: /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*$/,
      resolve: (str) => parseSexagesimal(str, false),
      stringify: stringifySexagesimal
    };
    var timestamp = {
      identify: (value) => value instanceof Date,
      default: true,
      tag: "tag:yaml.org,2002:timestamp",
      // If the time zone is omitted, the timestamp is assumed to be specified in UTC. The time part
      // may be omitted altogether, resulting in a date format. In such a case, the time part is
      // assumed to be 00:00:00Z (start of day, UTC).
      test: RegExp("^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:(?:t|T|[ \\t]+)([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2}(\\.[0-9]+)?)(?:[ \\t]*(Z|[-+][012]?[0-9](?::[0-9]{2})?))?)?$"),
      resolve(str) {
        const match = str.match(timestamp.test);
        if (!match)
          throw new Error("!!timestamp expects a date, starting with yyyy-mm-dd");
        const [, year, month, day, hour, minute, second] = match.map(Number);
        const millisec = match[7] ? Number((match[7] + "00").substr(1, 3)) : 0;
        let date = Date.UTC(year, month - 1, day, hour || 0, minute || 0, second || 0, millisec);
        const tz = match[8];
        if (tz && tz !== "Z") {
          let d = parseSexagesimal(tz, false);
          if (Math.abs(d) < 30)
            d *= 60;
          date -= 6e4 * d;
        }
        return new Date(date);
      },
      stringify: ({ value }) => value?.toISOString().replace(/(T00:00:00)?\.000Z$/, "") ?? ""
    };
    exports.floatTime = floatTime;
    exports.intTime = intTime;
    exports.timestamp = timestamp;
  }
});

// ../../node_modules/yaml/dist/schema/yaml-1.1/schema.js
var require_schema3 = __commonJS({
  "../../node_modules/yaml/dist/schema/yaml-1.1/schema.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var map = require_map();
    var _null = require_null();
    var seq = require_seq();
    var string = require_string();
    var binary = require_binary();
    var bool = require_bool2();
    var float = require_float2();
    var int = require_int2();
    var merge = require_merge();
    var omap = require_omap();
    var pairs = require_pairs();
    var set = require_set();
    var timestamp = require_timestamp();
    var schema = [
      map.map,
      seq.seq,
      string.string,
      _null.nullTag,
      bool.trueTag,
      bool.falseTag,
      int.intBin,
      int.intOct,
      int.int,
      int.intHex,
      float.floatNaN,
      float.floatExp,
      float.float,
      binary.binary,
      merge.merge,
      omap.omap,
      pairs.pairs,
      set.set,
      timestamp.intTime,
      timestamp.floatTime,
      timestamp.timestamp
    ];
    exports.schema = schema;
  }
});

// ../../node_modules/yaml/dist/schema/tags.js
var require_tags = __commonJS({
  "../../node_modules/yaml/dist/schema/tags.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var map = require_map();
    var _null = require_null();
    var seq = require_seq();
    var string = require_string();
    var bool = require_bool();
    var float = require_float();
    var int = require_int();
    var schema = require_schema();
    var schema$1 = require_schema2();
    var binary = require_binary();
    var merge = require_merge();
    var omap = require_omap();
    var pairs = require_pairs();
    var schema$2 = require_schema3();
    var set = require_set();
    var timestamp = require_timestamp();
    var schemas = /* @__PURE__ */ new Map([
      ["core", schema.schema],
      ["failsafe", [map.map, seq.seq, string.string]],
      ["json", schema$1.schema],
      ["yaml11", schema$2.schema],
      ["yaml-1.1", schema$2.schema]
    ]);
    var tagsByName = {
      binary: binary.binary,
      bool: bool.boolTag,
      float: float.float,
      floatExp: float.floatExp,
      floatNaN: float.floatNaN,
      floatTime: timestamp.floatTime,
      int: int.int,
      intHex: int.intHex,
      intOct: int.intOct,
      intTime: timestamp.intTime,
      map: map.map,
      merge: merge.merge,
      null: _null.nullTag,
      omap: omap.omap,
      pairs: pairs.pairs,
      seq: seq.seq,
      set: set.set,
      timestamp: timestamp.timestamp
    };
    var coreKnownTags = {
      "tag:yaml.org,2002:binary": binary.binary,
      "tag:yaml.org,2002:merge": merge.merge,
      "tag:yaml.org,2002:omap": omap.omap,
      "tag:yaml.org,2002:pairs": pairs.pairs,
      "tag:yaml.org,2002:set": set.set,
      "tag:yaml.org,2002:timestamp": timestamp.timestamp
    };
    function getTags(customTags, schemaName, addMergeTag) {
      const schemaTags = schemas.get(schemaName);
      if (schemaTags && !customTags) {
        return addMergeTag && !schemaTags.includes(merge.merge) ? schemaTags.concat(merge.merge) : schemaTags.slice();
      }
      let tags = schemaTags;
      if (!tags) {
        if (Array.isArray(customTags))
          tags = [];
        else {
          const keys = Array.from(schemas.keys()).filter((key) => key !== "yaml11").map((key) => JSON.stringify(key)).join(", ");
          throw new Error(`Unknown schema "${schemaName}"; use one of ${keys} or define customTags array`);
        }
      }
      if (Array.isArray(customTags)) {
        for (const tag of customTags)
          tags = tags.concat(tag);
      } else if (typeof customTags === "function") {
        tags = customTags(tags.slice());
      }
      if (addMergeTag)
        tags = tags.concat(merge.merge);
      return tags.reduce((tags2, tag) => {
        const tagObj = typeof tag === "string" ? tagsByName[tag] : tag;
        if (!tagObj) {
          const tagName = JSON.stringify(tag);
          const keys = Object.keys(tagsByName).map((key) => JSON.stringify(key)).join(", ");
          throw new Error(`Unknown custom tag ${tagName}; use one of ${keys}`);
        }
        if (!tags2.includes(tagObj))
          tags2.push(tagObj);
        return tags2;
      }, []);
    }
    exports.coreKnownTags = coreKnownTags;
    exports.getTags = getTags;
  }
});

// ../../node_modules/yaml/dist/schema/Schema.js
var require_Schema = __commonJS({
  "../../node_modules/yaml/dist/schema/Schema.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var identity = require_identity();
    var map = require_map();
    var seq = require_seq();
    var string = require_string();
    var tags = require_tags();
    var sortMapEntriesByKey = (a, b) => a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
    var Schema = class _Schema {
      constructor({ compat, customTags, merge, resolveKnownTags, schema, sortMapEntries, toStringDefaults }) {
        this.compat = Array.isArray(compat) ? tags.getTags(compat, "compat") : compat ? tags.getTags(null, compat) : null;
        this.name = typeof schema === "string" && schema || "core";
        this.knownTags = resolveKnownTags ? tags.coreKnownTags : {};
        this.tags = tags.getTags(customTags, this.name, merge);
        this.toStringOptions = toStringDefaults ?? null;
        Object.defineProperty(this, identity.MAP, { value: map.map });
        Object.defineProperty(this, identity.SCALAR, { value: string.string });
        Object.defineProperty(this, identity.SEQ, { value: seq.seq });
        this.sortMapEntries = typeof sortMapEntries === "function" ? sortMapEntries : sortMapEntries === true ? sortMapEntriesByKey : null;
      }
      clone() {
        const copy = Object.create(_Schema.prototype, Object.getOwnPropertyDescriptors(this));
        copy.tags = this.tags.slice();
        return copy;
      }
    };
    exports.Schema = Schema;
  }
});

// ../../node_modules/yaml/dist/stringify/stringifyDocument.js
var require_stringifyDocument = __commonJS({
  "../../node_modules/yaml/dist/stringify/stringifyDocument.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var identity = require_identity();
    var stringify = require_stringify();
    var stringifyComment = require_stringifyComment();
    function stringifyDocument(doc, options) {
      const lines = [];
      let hasDirectives = options.directives === true;
      if (options.directives !== false && doc.directives) {
        const dir = doc.directives.toString(doc);
        if (dir) {
          lines.push(dir);
          hasDirectives = true;
        } else if (doc.directives.docStart)
          hasDirectives = true;
      }
      if (hasDirectives)
        lines.push("---");
      const ctx = stringify.createStringifyContext(doc, options);
      const { commentString } = ctx.options;
      if (doc.commentBefore) {
        if (lines.length !== 1)
          lines.unshift("");
        const cs = commentString(doc.commentBefore);
        lines.unshift(stringifyComment.indentComment(cs, ""));
      }
      let chompKeep = false;
      let contentComment = null;
      if (doc.contents) {
        if (identity.isNode(doc.contents)) {
          if (doc.contents.spaceBefore && hasDirectives)
            lines.push("");
          if (doc.contents.commentBefore) {
            const cs = commentString(doc.contents.commentBefore);
            lines.push(stringifyComment.indentComment(cs, ""));
          }
          ctx.forceBlockIndent = !!doc.comment;
          contentComment = doc.contents.comment;
        }
        const onChompKeep = contentComment ? void 0 : () => chompKeep = true;
        let body = stringify.stringify(doc.contents, ctx, () => contentComment = null, onChompKeep);
        if (contentComment)
          body += stringifyComment.lineComment(body, "", commentString(contentComment));
        if ((body[0] === "|" || body[0] === ">") && lines[lines.length - 1] === "---") {
          lines[lines.length - 1] = `--- ${body}`;
        } else
          lines.push(body);
      } else {
        lines.push(stringify.stringify(doc.contents, ctx));
      }
      if (doc.directives?.docEnd) {
        if (doc.comment) {
          const cs = commentString(doc.comment);
          if (cs.includes("\n")) {
            lines.push("...");
            lines.push(stringifyComment.indentComment(cs, ""));
          } else {
            lines.push(`... ${cs}`);
          }
        } else {
          lines.push("...");
        }
      } else {
        let dc = doc.comment;
        if (dc && chompKeep)
          dc = dc.replace(/^\n+/, "");
        if (dc) {
          if ((!chompKeep || contentComment) && lines[lines.length - 1] !== "")
            lines.push("");
          lines.push(stringifyComment.indentComment(commentString(dc), ""));
        }
      }
      return lines.join("\n") + "\n";
    }
    exports.stringifyDocument = stringifyDocument;
  }
});

// ../../node_modules/yaml/dist/doc/Document.js
var require_Document = __commonJS({
  "../../node_modules/yaml/dist/doc/Document.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var Alias = require_Alias();
    var Collection = require_Collection();
    var identity = require_identity();
    var Pair = require_Pair();
    var toJS = require_toJS();
    var Schema = require_Schema();
    var stringifyDocument = require_stringifyDocument();
    var anchors = require_anchors();
    var applyReviver = require_applyReviver();
    var createNode = require_createNode();
    var directives = require_directives();
    var Document = class _Document {
      constructor(value, replacer, options) {
        this.commentBefore = null;
        this.comment = null;
        this.errors = [];
        this.warnings = [];
        Object.defineProperty(this, identity.NODE_TYPE, { value: identity.DOC });
        let _replacer = null;
        if (typeof replacer === "function" || Array.isArray(replacer)) {
          _replacer = replacer;
        } else if (options === void 0 && replacer) {
          options = replacer;
          replacer = void 0;
        }
        const opt = Object.assign({
          intAsBigInt: false,
          keepSourceTokens: false,
          logLevel: "warn",
          prettyErrors: true,
          strict: true,
          stringKeys: false,
          uniqueKeys: true,
          version: "1.2"
        }, options);
        this.options = opt;
        let { version } = opt;
        if (options?._directives) {
          this.directives = options._directives.atDocument();
          if (this.directives.yaml.explicit)
            version = this.directives.yaml.version;
        } else
          this.directives = new directives.Directives({ version });
        this.setSchema(version, options);
        this.contents = value === void 0 ? null : this.createNode(value, _replacer, options);
      }
      /**
       * Create a deep copy of this Document and its contents.
       *
       * Custom Node values that inherit from `Object` still refer to their original instances.
       */
      clone() {
        const copy = Object.create(_Document.prototype, {
          [identity.NODE_TYPE]: { value: identity.DOC }
        });
        copy.commentBefore = this.commentBefore;
        copy.comment = this.comment;
        copy.errors = this.errors.slice();
        copy.warnings = this.warnings.slice();
        copy.options = Object.assign({}, this.options);
        if (this.directives)
          copy.directives = this.directives.clone();
        copy.schema = this.schema.clone();
        copy.contents = identity.isNode(this.contents) ? this.contents.clone(copy.schema) : this.contents;
        if (this.range)
          copy.range = this.range.slice();
        return copy;
      }
      /** Adds a value to the document. */
      add(value) {
        if (assertCollection(this.contents))
          this.contents.add(value);
      }
      /** Adds a value to the document. */
      addIn(path, value) {
        if (assertCollection(this.contents))
          this.contents.addIn(path, value);
      }
      /**
       * Create a new `Alias` node, ensuring that the target `node` has the required anchor.
       *
       * If `node` already has an anchor, `name` is ignored.
       * Otherwise, the `node.anchor` value will be set to `name`,
       * or if an anchor with that name is already present in the document,
       * `name` will be used as a prefix for a new unique anchor.
       * If `name` is undefined, the generated anchor will use 'a' as a prefix.
       */
      createAlias(node, name) {
        if (!node.anchor) {
          const prev = anchors.anchorNames(this);
          node.anchor = // eslint-disable-next-line @typescript-eslint/prefer-nullish-coalescing
          !name || prev.has(name) ? anchors.findNewAnchor(name || "a", prev) : name;
        }
        return new Alias.Alias(node.anchor);
      }
      createNode(value, replacer, options) {
        let _replacer = void 0;
        if (typeof replacer === "function") {
          value = replacer.call({ "": value }, "", value);
          _replacer = replacer;
        } else if (Array.isArray(replacer)) {
          const keyToStr = (v) => typeof v === "number" || v instanceof String || v instanceof Number;
          const asStr = replacer.filter(keyToStr).map(String);
          if (asStr.length > 0)
            replacer = replacer.concat(asStr);
          _replacer = replacer;
        } else if (options === void 0 && replacer) {
          options = replacer;
          replacer = void 0;
        }
        const { aliasDuplicateObjects, anchorPrefix, flow, keepUndefined, onTagObj, tag } = options ?? {};
        const { onAnchor, setAnchors, sourceObjects } = anchors.createNodeAnchors(
          this,
          // eslint-disable-next-line @typescript-eslint/prefer-nullish-coalescing
          anchorPrefix || "a"
        );
        const ctx = {
          aliasDuplicateObjects: aliasDuplicateObjects ?? true,
          keepUndefined: keepUndefined ?? false,
          onAnchor,
          onTagObj,
          replacer: _replacer,
          schema: this.schema,
          sourceObjects
        };
        const node = createNode.createNode(value, tag, ctx);
        if (flow && identity.isCollection(node))
          node.flow = true;
        setAnchors();
        return node;
      }
      /**
       * Convert a key and a value into a `Pair` using the current schema,
       * recursively wrapping all values as `Scalar` or `Collection` nodes.
       */
      createPair(key, value, options = {}) {
        const k = this.createNode(key, null, options);
        const v = this.createNode(value, null, options);
        return new Pair.Pair(k, v);
      }
      /**
       * Removes a value from the document.
       * @returns `true` if the item was found and removed.
       */
      delete(key) {
        return assertCollection(this.contents) ? this.contents.delete(key) : false;
      }
      /**
       * Removes a value from the document.
       * @returns `true` if the item was found and removed.
       */
      deleteIn(path) {
        if (Collection.isEmptyPath(path)) {
          if (this.contents == null)
            return false;
          this.contents = null;
          return true;
        }
        return assertCollection(this.contents) ? this.contents.deleteIn(path) : false;
      }
      /**
       * Returns item at `key`, or `undefined` if not found. By default unwraps
       * scalar values from their surrounding node; to disable set `keepScalar` to
       * `true` (collections are always returned intact).
       */
      get(key, keepScalar) {
        return identity.isCollection(this.contents) ? this.contents.get(key, keepScalar) : void 0;
      }
      /**
       * Returns item at `path`, or `undefined` if not found. By default unwraps
       * scalar values from their surrounding node; to disable set `keepScalar` to
       * `true` (collections are always returned intact).
       */
      getIn(path, keepScalar) {
        if (Collection.isEmptyPath(path))
          return !keepScalar && identity.isScalar(this.contents) ? this.contents.value : this.contents;
        return identity.isCollection(this.contents) ? this.contents.getIn(path, keepScalar) : void 0;
      }
      /**
       * Checks if the document includes a value with the key `key`.
       */
      has(key) {
        return identity.isCollection(this.contents) ? this.contents.has(key) : false;
      }
      /**
       * Checks if the document includes a value at `path`.
       */
      hasIn(path) {
        if (Collection.isEmptyPath(path))
          return this.contents !== void 0;
        return identity.isCollection(this.contents) ? this.contents.hasIn(path) : false;
      }
      /**
       * Sets a value in this document. For `!!set`, `value` needs to be a
       * boolean to add/remove the item from the set.
       */
      set(key, value) {
        if (this.contents == null) {
          this.contents = Collection.collectionFromPath(this.schema, [key], value);
        } else if (assertCollection(this.contents)) {
          this.contents.set(key, value);
        }
      }
      /**
       * Sets a value in this document. For `!!set`, `value` needs to be a
       * boolean to add/remove the item from the set.
       */
      setIn(path, value) {
        if (Collection.isEmptyPath(path)) {
          this.contents = value;
        } else if (this.contents == null) {
          this.contents = Collection.collectionFromPath(this.schema, Array.from(path), value);
        } else if (assertCollection(this.contents)) {
          this.contents.setIn(path, value);
        }
      }
      /**
       * Change the YAML version and schema used by the document.
       * A `null` version disables support for directives, explicit tags, anchors, and aliases.
       * It also requires the `schema` option to be given as a `Schema` instance value.
       *
       * Overrides all previously set schema options.
       */
      setSchema(version, options = {}) {
        if (typeof version === "number")
          version = String(version);
        let opt;
        switch (version) {
          case "1.1":
            if (this.directives)
              this.directives.yaml.version = "1.1";
            else
              this.directives = new directives.Directives({ version: "1.1" });
            opt = { resolveKnownTags: false, schema: "yaml-1.1" };
            break;
          case "1.2":
          case "next":
            if (this.directives)
              this.directives.yaml.version = version;
            else
              this.directives = new directives.Directives({ version });
            opt = { resolveKnownTags: true, schema: "core" };
            break;
          case null:
            if (this.directives)
              delete this.directives;
            opt = null;
            break;
          default: {
            const sv = JSON.stringify(version);
            throw new Error(`Expected '1.1', '1.2' or null as first argument, but found: ${sv}`);
          }
        }
        if (options.schema instanceof Object)
          this.schema = options.schema;
        else if (opt)
          this.schema = new Schema.Schema(Object.assign(opt, options));
        else
          throw new Error(`With a null YAML version, the { schema: Schema } option is required`);
      }
      // json & jsonArg are only used from toJSON()
      toJS({ json, jsonArg, mapAsMap, maxAliasCount, onAnchor, reviver } = {}) {
        const ctx = {
          anchors: /* @__PURE__ */ new Map(),
          doc: this,
          keep: !json,
          mapAsMap: mapAsMap === true,
          mapKeyWarned: false,
          maxAliasCount: typeof maxAliasCount === "number" ? maxAliasCount : 100
        };
        const res = toJS.toJS(this.contents, jsonArg ?? "", ctx);
        if (typeof onAnchor === "function")
          for (const { count, res: res2 } of ctx.anchors.values())
            onAnchor(res2, count);
        return typeof reviver === "function" ? applyReviver.applyReviver(reviver, { "": res }, "", res) : res;
      }
      /**
       * A JSON representation of the document `contents`.
       *
       * @param jsonArg Used by `JSON.stringify` to indicate the array index or
       *   property name.
       */
      toJSON(jsonArg, onAnchor) {
        return this.toJS({ json: true, jsonArg, mapAsMap: false, onAnchor });
      }
      /** A YAML representation of the document. */
      toString(options = {}) {
        if (this.errors.length > 0)
          throw new Error("Document with errors cannot be stringified");
        if ("indent" in options && (!Number.isInteger(options.indent) || Number(options.indent) <= 0)) {
          const s = JSON.stringify(options.indent);
          throw new Error(`"indent" option must be a positive integer, not ${s}`);
        }
        return stringifyDocument.stringifyDocument(this, options);
      }
    };
    function assertCollection(contents) {
      if (identity.isCollection(contents))
        return true;
      throw new Error("Expected a YAML collection as document contents");
    }
    exports.Document = Document;
  }
});

// ../../node_modules/yaml/dist/errors.js
var require_errors = __commonJS({
  "../../node_modules/yaml/dist/errors.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var YAMLError = class extends Error {
      constructor(name, pos, code, message) {
        super();
        this.name = name;
        this.code = code;
        this.message = message;
        this.pos = pos;
      }
    };
    var YAMLParseError = class extends YAMLError {
      constructor(pos, code, message) {
        super("YAMLParseError", pos, code, message);
      }
    };
    var YAMLWarning = class extends YAMLError {
      constructor(pos, code, message) {
        super("YAMLWarning", pos, code, message);
      }
    };
    var prettifyError = (src, lc) => (error) => {
      if (error.pos[0] === -1)
        return;
      error.linePos = error.pos.map((pos) => lc.linePos(pos));
      const { line, col } = error.linePos[0];
      error.message += ` at line ${line}, column ${col}`;
      let ci = col - 1;
      let lineStr = src.substring(lc.lineStarts[line - 1], lc.lineStarts[line]).replace(/[\n\r]+$/, "");
      if (ci >= 60 && lineStr.length > 80) {
        const trimStart = Math.min(ci - 39, lineStr.length - 79);
        lineStr = "\u2026" + lineStr.substring(trimStart);
        ci -= trimStart - 1;
      }
      if (lineStr.length > 80)
        lineStr = lineStr.substring(0, 79) + "\u2026";
      if (line > 1 && /^ *$/.test(lineStr.substring(0, ci))) {
        let prev = src.substring(lc.lineStarts[line - 2], lc.lineStarts[line - 1]);
        if (prev.length > 80)
          prev = prev.substring(0, 79) + "\u2026\n";
        lineStr = prev + lineStr;
      }
      if (/[^ ]/.test(lineStr)) {
        let count = 1;
        const end = error.linePos[1];
        if (end?.line === line && end.col > col) {
          count = Math.max(1, Math.min(end.col - col, 80 - ci));
        }
        const pointer = " ".repeat(ci) + "^".repeat(count);
        error.message += `:

${lineStr}
${pointer}
`;
      }
    };
    exports.YAMLError = YAMLError;
    exports.YAMLParseError = YAMLParseError;
    exports.YAMLWarning = YAMLWarning;
    exports.prettifyError = prettifyError;
  }
});

// ../../node_modules/yaml/dist/compose/resolve-props.js
var require_resolve_props = __commonJS({
  "../../node_modules/yaml/dist/compose/resolve-props.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    function resolveProps(tokens, { flow, indicator, next, offset, onError, parentIndent, startOnNewline }) {
      let spaceBefore = false;
      let atNewline = startOnNewline;
      let hasSpace = startOnNewline;
      let comment = "";
      let commentSep = "";
      let hasNewline = false;
      let reqSpace = false;
      let tab = null;
      let anchor = null;
      let tag = null;
      let newlineAfterProp = null;
      let comma = null;
      let found = null;
      let start = null;
      for (const token of tokens) {
        if (reqSpace) {
          if (token.type !== "space" && token.type !== "newline" && token.type !== "comma")
            onError(token.offset, "MISSING_CHAR", "Tags and anchors must be separated from the next token by white space");
          reqSpace = false;
        }
        if (tab) {
          if (atNewline && token.type !== "comment" && token.type !== "newline") {
            onError(tab, "TAB_AS_INDENT", "Tabs are not allowed as indentation");
          }
          tab = null;
        }
        switch (token.type) {
          case "space":
            if (!flow && (indicator !== "doc-start" || next?.type !== "flow-collection") && token.source.includes("	")) {
              tab = token;
            }
            hasSpace = true;
            break;
          case "comment": {
            if (!hasSpace)
              onError(token, "MISSING_CHAR", "Comments must be separated from other tokens by white space characters");
            const cb = token.source.substring(1) || " ";
            if (!comment)
              comment = cb;
            else
              comment += commentSep + cb;
            commentSep = "";
            atNewline = false;
            break;
          }
          case "newline":
            if (atNewline) {
              if (comment)
                comment += token.source;
              else if (!found || indicator !== "seq-item-ind")
                spaceBefore = true;
            } else
              commentSep += token.source;
            atNewline = true;
            hasNewline = true;
            if (anchor || tag)
              newlineAfterProp = token;
            hasSpace = true;
            break;
          case "anchor":
            if (anchor)
              onError(token, "MULTIPLE_ANCHORS", "A node can have at most one anchor");
            if (token.source.endsWith(":"))
              onError(token.offset + token.source.length - 1, "BAD_ALIAS", "Anchor ending in : is ambiguous", true);
            anchor = token;
            start ?? (start = token.offset);
            atNewline = false;
            hasSpace = false;
            reqSpace = true;
            break;
          case "tag": {
            if (tag)
              onError(token, "MULTIPLE_TAGS", "A node can have at most one tag");
            tag = token;
            start ?? (start = token.offset);
            atNewline = false;
            hasSpace = false;
            reqSpace = true;
            break;
          }
          case indicator:
            if (anchor || tag)
              onError(token, "BAD_PROP_ORDER", `Anchors and tags must be after the ${token.source} indicator`);
            if (found)
              onError(token, "UNEXPECTED_TOKEN", `Unexpected ${token.source} in ${flow ?? "collection"}`);
            found = token;
            atNewline = indicator === "seq-item-ind" || indicator === "explicit-key-ind";
            hasSpace = false;
            break;
          case "comma":
            if (flow) {
              if (comma)
                onError(token, "UNEXPECTED_TOKEN", `Unexpected , in ${flow}`);
              comma = token;
              atNewline = false;
              hasSpace = false;
              break;
            }
          // else fallthrough
          default:
            onError(token, "UNEXPECTED_TOKEN", `Unexpected ${token.type} token`);
            atNewline = false;
            hasSpace = false;
        }
      }
      const last = tokens[tokens.length - 1];
      const end = last ? last.offset + last.source.length : offset;
      if (reqSpace && next && next.type !== "space" && next.type !== "newline" && next.type !== "comma" && (next.type !== "scalar" || next.source !== "")) {
        onError(next.offset, "MISSING_CHAR", "Tags and anchors must be separated from the next token by white space");
      }
      if (tab && (atNewline && tab.indent <= parentIndent || next?.type === "block-map" || next?.type === "block-seq"))
        onError(tab, "TAB_AS_INDENT", "Tabs are not allowed as indentation");
      return {
        comma,
        found,
        spaceBefore,
        comment,
        hasNewline,
        anchor,
        tag,
        newlineAfterProp,
        end,
        start: start ?? end
      };
    }
    exports.resolveProps = resolveProps;
  }
});

// ../../node_modules/yaml/dist/compose/util-contains-newline.js
var require_util_contains_newline = __commonJS({
  "../../node_modules/yaml/dist/compose/util-contains-newline.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    function containsNewline(key) {
      if (!key)
        return null;
      switch (key.type) {
        case "alias":
        case "scalar":
        case "double-quoted-scalar":
        case "single-quoted-scalar":
          if (key.source.includes("\n"))
            return true;
          if (key.end) {
            for (const st of key.end)
              if (st.type === "newline")
                return true;
          }
          return false;
        case "flow-collection":
          for (const it of key.items) {
            for (const st of it.start)
              if (st.type === "newline")
                return true;
            if (it.sep) {
              for (const st of it.sep)
                if (st.type === "newline")
                  return true;
            }
            if (containsNewline(it.key) || containsNewline(it.value))
              return true;
          }
          return false;
        default:
          return true;
      }
    }
    exports.containsNewline = containsNewline;
  }
});

// ../../node_modules/yaml/dist/compose/util-flow-indent-check.js
var require_util_flow_indent_check = __commonJS({
  "../../node_modules/yaml/dist/compose/util-flow-indent-check.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var utilContainsNewline = require_util_contains_newline();
    function flowIndentCheck(indent, fc, onError) {
      if (fc?.type === "flow-collection") {
        const end = fc.end[0];
        if (end.indent === indent && (end.source === "]" || end.source === "}") && utilContainsNewline.containsNewline(fc)) {
          const msg = "Flow end indicator should be more indented than parent";
          onError(end, "BAD_INDENT", msg, true);
        }
      }
    }
    exports.flowIndentCheck = flowIndentCheck;
  }
});

// ../../node_modules/yaml/dist/compose/util-map-includes.js
var require_util_map_includes = __commonJS({
  "../../node_modules/yaml/dist/compose/util-map-includes.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var identity = require_identity();
    function mapIncludes(ctx, items, search) {
      const { uniqueKeys } = ctx.options;
      if (uniqueKeys === false)
        return false;
      const isEqual = typeof uniqueKeys === "function" ? uniqueKeys : (a, b) => a === b || identity.isScalar(a) && identity.isScalar(b) && a.value === b.value;
      return items.some((pair) => isEqual(pair.key, search));
    }
    exports.mapIncludes = mapIncludes;
  }
});

// ../../node_modules/yaml/dist/compose/resolve-block-map.js
var require_resolve_block_map = __commonJS({
  "../../node_modules/yaml/dist/compose/resolve-block-map.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var Pair = require_Pair();
    var YAMLMap = require_YAMLMap();
    var resolveProps = require_resolve_props();
    var utilContainsNewline = require_util_contains_newline();
    var utilFlowIndentCheck = require_util_flow_indent_check();
    var utilMapIncludes = require_util_map_includes();
    var startColMsg = "All mapping items must start at the same column";
    function resolveBlockMap({ composeNode, composeEmptyNode }, ctx, bm, onError, tag) {
      const NodeClass = tag?.nodeClass ?? YAMLMap.YAMLMap;
      const map = new NodeClass(ctx.schema);
      if (ctx.atRoot)
        ctx.atRoot = false;
      let offset = bm.offset;
      let commentEnd = null;
      for (const collItem of bm.items) {
        const { start, key, sep: sep3, value } = collItem;
        const keyProps = resolveProps.resolveProps(start, {
          indicator: "explicit-key-ind",
          next: key ?? sep3?.[0],
          offset,
          onError,
          parentIndent: bm.indent,
          startOnNewline: true
        });
        const implicitKey = !keyProps.found;
        if (implicitKey) {
          if (key) {
            if (key.type === "block-seq")
              onError(offset, "BLOCK_AS_IMPLICIT_KEY", "A block sequence may not be used as an implicit map key");
            else if ("indent" in key && key.indent !== bm.indent)
              onError(offset, "BAD_INDENT", startColMsg);
          }
          if (!keyProps.anchor && !keyProps.tag && !sep3) {
            commentEnd = keyProps.end;
            if (keyProps.comment) {
              if (map.comment)
                map.comment += "\n" + keyProps.comment;
              else
                map.comment = keyProps.comment;
            }
            continue;
          }
          if (keyProps.newlineAfterProp || utilContainsNewline.containsNewline(key)) {
            onError(key ?? start[start.length - 1], "MULTILINE_IMPLICIT_KEY", "Implicit keys need to be on a single line");
          }
        } else if (keyProps.found?.indent !== bm.indent) {
          onError(offset, "BAD_INDENT", startColMsg);
        }
        ctx.atKey = true;
        const keyStart = keyProps.end;
        const keyNode = key ? composeNode(ctx, key, keyProps, onError) : composeEmptyNode(ctx, keyStart, start, null, keyProps, onError);
        if (ctx.schema.compat)
          utilFlowIndentCheck.flowIndentCheck(bm.indent, key, onError);
        ctx.atKey = false;
        if (utilMapIncludes.mapIncludes(ctx, map.items, keyNode))
          onError(keyStart, "DUPLICATE_KEY", "Map keys must be unique");
        const valueProps = resolveProps.resolveProps(sep3 ?? [], {
          indicator: "map-value-ind",
          next: value,
          offset: keyNode.range[2],
          onError,
          parentIndent: bm.indent,
          startOnNewline: !key || key.type === "block-scalar"
        });
        offset = valueProps.end;
        if (valueProps.found) {
          if (implicitKey) {
            if (value?.type === "block-map" && !valueProps.hasNewline)
              onError(offset, "BLOCK_AS_IMPLICIT_KEY", "Nested mappings are not allowed in compact mappings");
            if (ctx.options.strict && keyProps.start < valueProps.found.offset - 1024)
              onError(keyNode.range, "KEY_OVER_1024_CHARS", "The : indicator must be at most 1024 chars after the start of an implicit block mapping key");
          }
          const valueNode = value ? composeNode(ctx, value, valueProps, onError) : composeEmptyNode(ctx, offset, sep3, null, valueProps, onError);
          if (ctx.schema.compat)
            utilFlowIndentCheck.flowIndentCheck(bm.indent, value, onError);
          offset = valueNode.range[2];
          const pair = new Pair.Pair(keyNode, valueNode);
          if (ctx.options.keepSourceTokens)
            pair.srcToken = collItem;
          map.items.push(pair);
        } else {
          if (implicitKey)
            onError(keyNode.range, "MISSING_CHAR", "Implicit map keys need to be followed by map values");
          if (valueProps.comment) {
            if (keyNode.comment)
              keyNode.comment += "\n" + valueProps.comment;
            else
              keyNode.comment = valueProps.comment;
          }
          const pair = new Pair.Pair(keyNode);
          if (ctx.options.keepSourceTokens)
            pair.srcToken = collItem;
          map.items.push(pair);
        }
      }
      if (commentEnd && commentEnd < offset)
        onError(commentEnd, "IMPOSSIBLE", "Map comment with trailing content");
      map.range = [bm.offset, offset, commentEnd ?? offset];
      return map;
    }
    exports.resolveBlockMap = resolveBlockMap;
  }
});

// ../../node_modules/yaml/dist/compose/resolve-block-seq.js
var require_resolve_block_seq = __commonJS({
  "../../node_modules/yaml/dist/compose/resolve-block-seq.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var YAMLSeq = require_YAMLSeq();
    var resolveProps = require_resolve_props();
    var utilFlowIndentCheck = require_util_flow_indent_check();
    function resolveBlockSeq({ composeNode, composeEmptyNode }, ctx, bs, onError, tag) {
      const NodeClass = tag?.nodeClass ?? YAMLSeq.YAMLSeq;
      const seq = new NodeClass(ctx.schema);
      if (ctx.atRoot)
        ctx.atRoot = false;
      if (ctx.atKey)
        ctx.atKey = false;
      let offset = bs.offset;
      let commentEnd = null;
      for (const { start, value } of bs.items) {
        const props = resolveProps.resolveProps(start, {
          indicator: "seq-item-ind",
          next: value,
          offset,
          onError,
          parentIndent: bs.indent,
          startOnNewline: true
        });
        if (!props.found) {
          if (props.anchor || props.tag || value) {
            if (value?.type === "block-seq")
              onError(props.end, "BAD_INDENT", "All sequence items must start at the same column");
            else
              onError(offset, "MISSING_CHAR", "Sequence item without - indicator");
          } else {
            commentEnd = props.end;
            if (props.comment)
              seq.comment = props.comment;
            continue;
          }
        }
        const node = value ? composeNode(ctx, value, props, onError) : composeEmptyNode(ctx, props.end, start, null, props, onError);
        if (ctx.schema.compat)
          utilFlowIndentCheck.flowIndentCheck(bs.indent, value, onError);
        offset = node.range[2];
        seq.items.push(node);
      }
      seq.range = [bs.offset, offset, commentEnd ?? offset];
      return seq;
    }
    exports.resolveBlockSeq = resolveBlockSeq;
  }
});

// ../../node_modules/yaml/dist/compose/resolve-end.js
var require_resolve_end = __commonJS({
  "../../node_modules/yaml/dist/compose/resolve-end.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    function resolveEnd(end, offset, reqSpace, onError) {
      let comment = "";
      if (end) {
        let hasSpace = false;
        let sep3 = "";
        for (const token of end) {
          const { source, type } = token;
          switch (type) {
            case "space":
              hasSpace = true;
              break;
            case "comment": {
              if (reqSpace && !hasSpace)
                onError(token, "MISSING_CHAR", "Comments must be separated from other tokens by white space characters");
              const cb = source.substring(1) || " ";
              if (!comment)
                comment = cb;
              else
                comment += sep3 + cb;
              sep3 = "";
              break;
            }
            case "newline":
              if (comment)
                sep3 += source;
              hasSpace = true;
              break;
            default:
              onError(token, "UNEXPECTED_TOKEN", `Unexpected ${type} at node end`);
          }
          offset += source.length;
        }
      }
      return { comment, offset };
    }
    exports.resolveEnd = resolveEnd;
  }
});

// ../../node_modules/yaml/dist/compose/resolve-flow-collection.js
var require_resolve_flow_collection = __commonJS({
  "../../node_modules/yaml/dist/compose/resolve-flow-collection.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var identity = require_identity();
    var Pair = require_Pair();
    var YAMLMap = require_YAMLMap();
    var YAMLSeq = require_YAMLSeq();
    var resolveEnd = require_resolve_end();
    var resolveProps = require_resolve_props();
    var utilContainsNewline = require_util_contains_newline();
    var utilMapIncludes = require_util_map_includes();
    var blockMsg = "Block collections are not allowed within flow collections";
    var isBlock = (token) => token && (token.type === "block-map" || token.type === "block-seq");
    function resolveFlowCollection({ composeNode, composeEmptyNode }, ctx, fc, onError, tag) {
      const isMap = fc.start.source === "{";
      const fcName = isMap ? "flow map" : "flow sequence";
      const NodeClass = tag?.nodeClass ?? (isMap ? YAMLMap.YAMLMap : YAMLSeq.YAMLSeq);
      const coll = new NodeClass(ctx.schema);
      coll.flow = true;
      const atRoot = ctx.atRoot;
      if (atRoot)
        ctx.atRoot = false;
      if (ctx.atKey)
        ctx.atKey = false;
      let offset = fc.offset + fc.start.source.length;
      for (let i = 0; i < fc.items.length; ++i) {
        const collItem = fc.items[i];
        const { start, key, sep: sep3, value } = collItem;
        const props = resolveProps.resolveProps(start, {
          flow: fcName,
          indicator: "explicit-key-ind",
          next: key ?? sep3?.[0],
          offset,
          onError,
          parentIndent: fc.indent,
          startOnNewline: false
        });
        if (!props.found) {
          if (!props.anchor && !props.tag && !sep3 && !value) {
            if (i === 0 && props.comma)
              onError(props.comma, "UNEXPECTED_TOKEN", `Unexpected , in ${fcName}`);
            else if (i < fc.items.length - 1)
              onError(props.start, "UNEXPECTED_TOKEN", `Unexpected empty item in ${fcName}`);
            if (props.comment) {
              if (coll.comment)
                coll.comment += "\n" + props.comment;
              else
                coll.comment = props.comment;
            }
            offset = props.end;
            continue;
          }
          if (!isMap && ctx.options.strict && utilContainsNewline.containsNewline(key))
            onError(
              key,
              // checked by containsNewline()
              "MULTILINE_IMPLICIT_KEY",
              "Implicit keys of flow sequence pairs need to be on a single line"
            );
        }
        if (i === 0) {
          if (props.comma)
            onError(props.comma, "UNEXPECTED_TOKEN", `Unexpected , in ${fcName}`);
        } else {
          if (!props.comma)
            onError(props.start, "MISSING_CHAR", `Missing , between ${fcName} items`);
          if (props.comment) {
            let prevItemComment = "";
            loop: for (const st of start) {
              switch (st.type) {
                case "comma":
                case "space":
                  break;
                case "comment":
                  prevItemComment = st.source.substring(1);
                  break loop;
                default:
                  break loop;
              }
            }
            if (prevItemComment) {
              let prev = coll.items[coll.items.length - 1];
              if (identity.isPair(prev))
                prev = prev.value ?? prev.key;
              if (prev.comment)
                prev.comment += "\n" + prevItemComment;
              else
                prev.comment = prevItemComment;
              props.comment = props.comment.substring(prevItemComment.length + 1);
            }
          }
        }
        if (!isMap && !sep3 && !props.found) {
          const valueNode = value ? composeNode(ctx, value, props, onError) : composeEmptyNode(ctx, props.end, sep3, null, props, onError);
          coll.items.push(valueNode);
          offset = valueNode.range[2];
          if (isBlock(value))
            onError(valueNode.range, "BLOCK_IN_FLOW", blockMsg);
        } else {
          ctx.atKey = true;
          const keyStart = props.end;
          const keyNode = key ? composeNode(ctx, key, props, onError) : composeEmptyNode(ctx, keyStart, start, null, props, onError);
          if (isBlock(key))
            onError(keyNode.range, "BLOCK_IN_FLOW", blockMsg);
          ctx.atKey = false;
          const valueProps = resolveProps.resolveProps(sep3 ?? [], {
            flow: fcName,
            indicator: "map-value-ind",
            next: value,
            offset: keyNode.range[2],
            onError,
            parentIndent: fc.indent,
            startOnNewline: false
          });
          if (valueProps.found) {
            if (!isMap && !props.found && ctx.options.strict) {
              if (sep3)
                for (const st of sep3) {
                  if (st === valueProps.found)
                    break;
                  if (st.type === "newline") {
                    onError(st, "MULTILINE_IMPLICIT_KEY", "Implicit keys of flow sequence pairs need to be on a single line");
                    break;
                  }
                }
              if (props.start < valueProps.found.offset - 1024)
                onError(valueProps.found, "KEY_OVER_1024_CHARS", "The : indicator must be at most 1024 chars after the start of an implicit flow sequence key");
            }
          } else if (value) {
            if ("source" in value && value.source?.[0] === ":")
              onError(value, "MISSING_CHAR", `Missing space after : in ${fcName}`);
            else
              onError(valueProps.start, "MISSING_CHAR", `Missing , or : between ${fcName} items`);
          }
          const valueNode = value ? composeNode(ctx, value, valueProps, onError) : valueProps.found ? composeEmptyNode(ctx, valueProps.end, sep3, null, valueProps, onError) : null;
          if (valueNode) {
            if (isBlock(value))
              onError(valueNode.range, "BLOCK_IN_FLOW", blockMsg);
          } else if (valueProps.comment) {
            if (keyNode.comment)
              keyNode.comment += "\n" + valueProps.comment;
            else
              keyNode.comment = valueProps.comment;
          }
          const pair = new Pair.Pair(keyNode, valueNode);
          if (ctx.options.keepSourceTokens)
            pair.srcToken = collItem;
          if (isMap) {
            const map = coll;
            if (utilMapIncludes.mapIncludes(ctx, map.items, keyNode))
              onError(keyStart, "DUPLICATE_KEY", "Map keys must be unique");
            map.items.push(pair);
          } else {
            const map = new YAMLMap.YAMLMap(ctx.schema);
            map.flow = true;
            map.items.push(pair);
            const endRange = (valueNode ?? keyNode).range;
            map.range = [keyNode.range[0], endRange[1], endRange[2]];
            coll.items.push(map);
          }
          offset = valueNode ? valueNode.range[2] : valueProps.end;
        }
      }
      const expectedEnd = isMap ? "}" : "]";
      const [ce, ...ee] = fc.end;
      let cePos = offset;
      if (ce?.source === expectedEnd)
        cePos = ce.offset + ce.source.length;
      else {
        const name = fcName[0].toUpperCase() + fcName.substring(1);
        const msg = atRoot ? `${name} must end with a ${expectedEnd}` : `${name} in block collection must be sufficiently indented and end with a ${expectedEnd}`;
        onError(offset, atRoot ? "MISSING_CHAR" : "BAD_INDENT", msg);
        if (ce && ce.source.length !== 1)
          ee.unshift(ce);
      }
      if (ee.length > 0) {
        const end = resolveEnd.resolveEnd(ee, cePos, ctx.options.strict, onError);
        if (end.comment) {
          if (coll.comment)
            coll.comment += "\n" + end.comment;
          else
            coll.comment = end.comment;
        }
        coll.range = [fc.offset, cePos, end.offset];
      } else {
        coll.range = [fc.offset, cePos, cePos];
      }
      return coll;
    }
    exports.resolveFlowCollection = resolveFlowCollection;
  }
});

// ../../node_modules/yaml/dist/compose/compose-collection.js
var require_compose_collection = __commonJS({
  "../../node_modules/yaml/dist/compose/compose-collection.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var identity = require_identity();
    var Scalar = require_Scalar();
    var YAMLMap = require_YAMLMap();
    var YAMLSeq = require_YAMLSeq();
    var resolveBlockMap = require_resolve_block_map();
    var resolveBlockSeq = require_resolve_block_seq();
    var resolveFlowCollection = require_resolve_flow_collection();
    function resolveCollection(CN, ctx, token, onError, tagName, tag) {
      const coll = token.type === "block-map" ? resolveBlockMap.resolveBlockMap(CN, ctx, token, onError, tag) : token.type === "block-seq" ? resolveBlockSeq.resolveBlockSeq(CN, ctx, token, onError, tag) : resolveFlowCollection.resolveFlowCollection(CN, ctx, token, onError, tag);
      const Coll = coll.constructor;
      if (tagName === "!" || tagName === Coll.tagName) {
        coll.tag = Coll.tagName;
        return coll;
      }
      if (tagName)
        coll.tag = tagName;
      return coll;
    }
    function composeCollection(CN, ctx, token, props, onError) {
      const tagToken = props.tag;
      const tagName = !tagToken ? null : ctx.directives.tagName(tagToken.source, (msg) => onError(tagToken, "TAG_RESOLVE_FAILED", msg));
      if (token.type === "block-seq") {
        const { anchor, newlineAfterProp: nl } = props;
        const lastProp = anchor && tagToken ? anchor.offset > tagToken.offset ? anchor : tagToken : anchor ?? tagToken;
        if (lastProp && (!nl || nl.offset < lastProp.offset)) {
          const message = "Missing newline after block sequence props";
          onError(lastProp, "MISSING_CHAR", message);
        }
      }
      const expType = token.type === "block-map" ? "map" : token.type === "block-seq" ? "seq" : token.start.source === "{" ? "map" : "seq";
      if (!tagToken || !tagName || tagName === "!" || tagName === YAMLMap.YAMLMap.tagName && expType === "map" || tagName === YAMLSeq.YAMLSeq.tagName && expType === "seq") {
        return resolveCollection(CN, ctx, token, onError, tagName);
      }
      let tag = ctx.schema.tags.find((t) => t.tag === tagName && t.collection === expType);
      if (!tag) {
        const kt = ctx.schema.knownTags[tagName];
        if (kt?.collection === expType) {
          ctx.schema.tags.push(Object.assign({}, kt, { default: false }));
          tag = kt;
        } else {
          if (kt) {
            onError(tagToken, "BAD_COLLECTION_TYPE", `${kt.tag} used for ${expType} collection, but expects ${kt.collection ?? "scalar"}`, true);
          } else {
            onError(tagToken, "TAG_RESOLVE_FAILED", `Unresolved tag: ${tagName}`, true);
          }
          return resolveCollection(CN, ctx, token, onError, tagName);
        }
      }
      const coll = resolveCollection(CN, ctx, token, onError, tagName, tag);
      const res = tag.resolve?.(coll, (msg) => onError(tagToken, "TAG_RESOLVE_FAILED", msg), ctx.options) ?? coll;
      const node = identity.isNode(res) ? res : new Scalar.Scalar(res);
      node.range = coll.range;
      node.tag = tagName;
      if (tag?.format)
        node.format = tag.format;
      return node;
    }
    exports.composeCollection = composeCollection;
  }
});

// ../../node_modules/yaml/dist/compose/resolve-block-scalar.js
var require_resolve_block_scalar = __commonJS({
  "../../node_modules/yaml/dist/compose/resolve-block-scalar.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var Scalar = require_Scalar();
    function resolveBlockScalar(ctx, scalar, onError) {
      const start = scalar.offset;
      const header2 = parseBlockScalarHeader(scalar, ctx.options.strict, onError);
      if (!header2)
        return { value: "", type: null, comment: "", range: [start, start, start] };
      const type = header2.mode === ">" ? Scalar.Scalar.BLOCK_FOLDED : Scalar.Scalar.BLOCK_LITERAL;
      const lines = scalar.source ? splitLines(scalar.source) : [];
      let chompStart = lines.length;
      for (let i = lines.length - 1; i >= 0; --i) {
        const content = lines[i][1];
        if (content === "" || content === "\r")
          chompStart = i;
        else
          break;
      }
      if (chompStart === 0) {
        const value2 = header2.chomp === "+" && lines.length > 0 ? "\n".repeat(Math.max(1, lines.length - 1)) : "";
        let end2 = start + header2.length;
        if (scalar.source)
          end2 += scalar.source.length;
        return { value: value2, type, comment: header2.comment, range: [start, end2, end2] };
      }
      let trimIndent = scalar.indent + header2.indent;
      let offset = scalar.offset + header2.length;
      let contentStart = 0;
      for (let i = 0; i < chompStart; ++i) {
        const [indent, content] = lines[i];
        if (content === "" || content === "\r") {
          if (header2.indent === 0 && indent.length > trimIndent)
            trimIndent = indent.length;
        } else {
          if (indent.length < trimIndent) {
            const message = "Block scalars with more-indented leading empty lines must use an explicit indentation indicator";
            onError(offset + indent.length, "MISSING_CHAR", message);
          }
          if (header2.indent === 0)
            trimIndent = indent.length;
          contentStart = i;
          if (trimIndent === 0 && !ctx.atRoot) {
            const message = "Block scalar values in collections must be indented";
            onError(offset, "BAD_INDENT", message);
          }
          break;
        }
        offset += indent.length + content.length + 1;
      }
      for (let i = lines.length - 1; i >= chompStart; --i) {
        if (lines[i][0].length > trimIndent)
          chompStart = i + 1;
      }
      let value = "";
      let sep3 = "";
      let prevMoreIndented = false;
      for (let i = 0; i < contentStart; ++i)
        value += lines[i][0].slice(trimIndent) + "\n";
      for (let i = contentStart; i < chompStart; ++i) {
        let [indent, content] = lines[i];
        offset += indent.length + content.length + 1;
        const crlf = content[content.length - 1] === "\r";
        if (crlf)
          content = content.slice(0, -1);
        if (content && indent.length < trimIndent) {
          const src = header2.indent ? "explicit indentation indicator" : "first line";
          const message = `Block scalar lines must not be less indented than their ${src}`;
          onError(offset - content.length - (crlf ? 2 : 1), "BAD_INDENT", message);
          indent = "";
        }
        if (type === Scalar.Scalar.BLOCK_LITERAL) {
          value += sep3 + indent.slice(trimIndent) + content;
          sep3 = "\n";
        } else if (indent.length > trimIndent || content[0] === "	") {
          if (sep3 === " ")
            sep3 = "\n";
          else if (!prevMoreIndented && sep3 === "\n")
            sep3 = "\n\n";
          value += sep3 + indent.slice(trimIndent) + content;
          sep3 = "\n";
          prevMoreIndented = true;
        } else if (content === "") {
          if (sep3 === "\n")
            value += "\n";
          else
            sep3 = "\n";
        } else {
          value += sep3 + content;
          sep3 = " ";
          prevMoreIndented = false;
        }
      }
      switch (header2.chomp) {
        case "-":
          break;
        case "+":
          for (let i = chompStart; i < lines.length; ++i)
            value += "\n" + lines[i][0].slice(trimIndent);
          if (value[value.length - 1] !== "\n")
            value += "\n";
          break;
        default:
          value += "\n";
      }
      const end = start + header2.length + scalar.source.length;
      return { value, type, comment: header2.comment, range: [start, end, end] };
    }
    function parseBlockScalarHeader({ offset, props }, strict, onError) {
      if (props[0].type !== "block-scalar-header") {
        onError(props[0], "IMPOSSIBLE", "Block scalar header not found");
        return null;
      }
      const { source } = props[0];
      const mode = source[0];
      let indent = 0;
      let chomp = "";
      let error = -1;
      for (let i = 1; i < source.length; ++i) {
        const ch = source[i];
        if (!chomp && (ch === "-" || ch === "+"))
          chomp = ch;
        else {
          const n = Number(ch);
          if (!indent && n)
            indent = n;
          else if (error === -1)
            error = offset + i;
        }
      }
      if (error !== -1)
        onError(error, "UNEXPECTED_TOKEN", `Block scalar header includes extra characters: ${source}`);
      let hasSpace = false;
      let comment = "";
      let length = source.length;
      for (let i = 1; i < props.length; ++i) {
        const token = props[i];
        switch (token.type) {
          case "space":
            hasSpace = true;
          // fallthrough
          case "newline":
            length += token.source.length;
            break;
          case "comment":
            if (strict && !hasSpace) {
              const message = "Comments must be separated from other tokens by white space characters";
              onError(token, "MISSING_CHAR", message);
            }
            length += token.source.length;
            comment = token.source.substring(1);
            break;
          case "error":
            onError(token, "UNEXPECTED_TOKEN", token.message);
            length += token.source.length;
            break;
          /* istanbul ignore next should not happen */
          default: {
            const message = `Unexpected token in block scalar header: ${token.type}`;
            onError(token, "UNEXPECTED_TOKEN", message);
            const ts = token.source;
            if (ts && typeof ts === "string")
              length += ts.length;
          }
        }
      }
      return { mode, indent, chomp, comment, length };
    }
    function splitLines(source) {
      const split = source.split(/\n( *)/);
      const first = split[0];
      const m = first.match(/^( *)/);
      const line0 = m?.[1] ? [m[1], first.slice(m[1].length)] : ["", first];
      const lines = [line0];
      for (let i = 1; i < split.length; i += 2)
        lines.push([split[i], split[i + 1]]);
      return lines;
    }
    exports.resolveBlockScalar = resolveBlockScalar;
  }
});

// ../../node_modules/yaml/dist/compose/resolve-flow-scalar.js
var require_resolve_flow_scalar = __commonJS({
  "../../node_modules/yaml/dist/compose/resolve-flow-scalar.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var Scalar = require_Scalar();
    var resolveEnd = require_resolve_end();
    function resolveFlowScalar(scalar, strict, onError) {
      const { offset, type, source, end } = scalar;
      let _type;
      let value;
      const _onError = (rel, code, msg) => onError(offset + rel, code, msg);
      switch (type) {
        case "scalar":
          _type = Scalar.Scalar.PLAIN;
          value = plainValue(source, _onError);
          break;
        case "single-quoted-scalar":
          _type = Scalar.Scalar.QUOTE_SINGLE;
          value = singleQuotedValue(source, _onError);
          break;
        case "double-quoted-scalar":
          _type = Scalar.Scalar.QUOTE_DOUBLE;
          value = doubleQuotedValue(source, _onError);
          break;
        /* istanbul ignore next should not happen */
        default:
          onError(scalar, "UNEXPECTED_TOKEN", `Expected a flow scalar value, but found: ${type}`);
          return {
            value: "",
            type: null,
            comment: "",
            range: [offset, offset + source.length, offset + source.length]
          };
      }
      const valueEnd = offset + source.length;
      const re = resolveEnd.resolveEnd(end, valueEnd, strict, onError);
      return {
        value,
        type: _type,
        comment: re.comment,
        range: [offset, valueEnd, re.offset]
      };
    }
    function plainValue(source, onError) {
      let badChar = "";
      switch (source[0]) {
        /* istanbul ignore next should not happen */
        case "	":
          badChar = "a tab character";
          break;
        case ",":
          badChar = "flow indicator character ,";
          break;
        case "%":
          badChar = "directive indicator character %";
          break;
        case "|":
        case ">": {
          badChar = `block scalar indicator ${source[0]}`;
          break;
        }
        case "@":
        case "`": {
          badChar = `reserved character ${source[0]}`;
          break;
        }
      }
      if (badChar)
        onError(0, "BAD_SCALAR_START", `Plain value cannot start with ${badChar}`);
      return unfoldLines(source);
    }
    function singleQuotedValue(source, onError) {
      if (source[source.length - 1] !== "'" || source.length === 1)
        onError(source.length, "MISSING_CHAR", "Missing closing 'quote");
      return unfoldLines(source.slice(1, -1)).replace(/''/g, "'");
    }
    function unfoldLines(source) {
      const line = /(.*?)\r?\n/sy;
      let match = line.exec(source);
      if (!match)
        return source;
      let trimEnd, trimBoth;
      try {
        trimEnd = new RegExp("(?<![ 	])[ 	]+$");
        trimBoth = new RegExp("^[ 	]+|(?<![ 	])[ 	]+$", "g");
      } catch {
        trimEnd = /[ \t]+$/;
        trimBoth = /^[ \t]+|[ \t]+$/g;
      }
      let res = match[1].replace(trimEnd, "");
      let sep3 = " ";
      let pos = line.lastIndex;
      while (match = line.exec(source)) {
        const lm = match[1].replace(trimBoth, "");
        if (lm === "") {
          if (sep3 === "\n")
            res += sep3;
          else
            sep3 = "\n";
        } else {
          res += sep3 + lm;
          sep3 = " ";
        }
        pos = line.lastIndex;
      }
      const last = /[ \t]*(.*)/sy;
      last.lastIndex = pos;
      match = last.exec(source);
      return res + sep3 + (match?.[1] ?? "");
    }
    function doubleQuotedValue(source, onError) {
      let res = "";
      for (let i = 1; i < source.length - 1; ++i) {
        const ch = source[i];
        if (ch === "\r" && source[i + 1] === "\n")
          continue;
        if (ch === "\n") {
          const { fold, offset } = foldNewline(source, i);
          res += fold;
          i = offset;
        } else if (ch === "\\") {
          let next = source[++i];
          const cc = escapeCodes[next];
          if (cc)
            res += cc;
          else if (next === "\n") {
            next = source[i + 1];
            while (next === " " || next === "	")
              next = source[++i + 1];
          } else if (next === "\r" && source[i + 1] === "\n") {
            next = source[++i + 1];
            while (next === " " || next === "	")
              next = source[++i + 1];
          } else if (next === "x" || next === "u" || next === "U") {
            const length = next === "x" ? 2 : next === "u" ? 4 : 8;
            res += parseCharCode(source, i + 1, length, onError);
            i += length;
          } else {
            const raw = source.substr(i - 1, 2);
            onError(i - 1, "BAD_DQ_ESCAPE", `Invalid escape sequence ${raw}`);
            res += raw;
          }
        } else if (ch === " " || ch === "	") {
          const wsStart = i;
          let next = source[i + 1];
          while (next === " " || next === "	")
            next = source[++i + 1];
          if (next !== "\n" && !(next === "\r" && source[i + 2] === "\n"))
            res += i > wsStart ? source.slice(wsStart, i + 1) : ch;
        } else {
          res += ch;
        }
      }
      if (source[source.length - 1] !== '"' || source.length === 1)
        onError(source.length, "MISSING_CHAR", 'Missing closing "quote');
      return res;
    }
    function foldNewline(source, offset) {
      let fold = "";
      let ch = source[offset + 1];
      while (ch === " " || ch === "	" || ch === "\n" || ch === "\r") {
        if (ch === "\r" && source[offset + 2] !== "\n")
          break;
        if (ch === "\n")
          fold += "\n";
        offset += 1;
        ch = source[offset + 1];
      }
      if (!fold)
        fold = " ";
      return { fold, offset };
    }
    var escapeCodes = {
      "0": "\0",
      // null character
      a: "\x07",
      // bell character
      b: "\b",
      // backspace
      e: "\x1B",
      // escape character
      f: "\f",
      // form feed
      n: "\n",
      // line feed
      r: "\r",
      // carriage return
      t: "	",
      // horizontal tab
      v: "\v",
      // vertical tab
      N: "\x85",
      // Unicode next line
      _: "\xA0",
      // Unicode non-breaking space
      L: "\u2028",
      // Unicode line separator
      P: "\u2029",
      // Unicode paragraph separator
      " ": " ",
      '"': '"',
      "/": "/",
      "\\": "\\",
      "	": "	"
    };
    function parseCharCode(source, offset, length, onError) {
      const cc = source.substr(offset, length);
      const ok = cc.length === length && /^[0-9a-fA-F]+$/.test(cc);
      const code = ok ? parseInt(cc, 16) : NaN;
      try {
        return String.fromCodePoint(code);
      } catch {
        const raw = source.substr(offset - 2, length + 2);
        onError(offset - 2, "BAD_DQ_ESCAPE", `Invalid escape sequence ${raw}`);
        return raw;
      }
    }
    exports.resolveFlowScalar = resolveFlowScalar;
  }
});

// ../../node_modules/yaml/dist/compose/compose-scalar.js
var require_compose_scalar = __commonJS({
  "../../node_modules/yaml/dist/compose/compose-scalar.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var identity = require_identity();
    var Scalar = require_Scalar();
    var resolveBlockScalar = require_resolve_block_scalar();
    var resolveFlowScalar = require_resolve_flow_scalar();
    function composeScalar(ctx, token, tagToken, onError) {
      const { value, type, comment, range } = token.type === "block-scalar" ? resolveBlockScalar.resolveBlockScalar(ctx, token, onError) : resolveFlowScalar.resolveFlowScalar(token, ctx.options.strict, onError);
      const tagName = tagToken ? ctx.directives.tagName(tagToken.source, (msg) => onError(tagToken, "TAG_RESOLVE_FAILED", msg)) : null;
      let tag;
      if (ctx.options.stringKeys && ctx.atKey) {
        tag = ctx.schema[identity.SCALAR];
      } else if (tagName)
        tag = findScalarTagByName(ctx.schema, value, tagName, tagToken, onError);
      else if (token.type === "scalar")
        tag = findScalarTagByTest(ctx, value, token, onError);
      else
        tag = ctx.schema[identity.SCALAR];
      let scalar;
      try {
        const res = tag.resolve(value, (msg) => onError(tagToken ?? token, "TAG_RESOLVE_FAILED", msg), ctx.options);
        scalar = identity.isScalar(res) ? res : new Scalar.Scalar(res);
      } catch (error) {
        const msg = error instanceof Error ? error.message : String(error);
        onError(tagToken ?? token, "TAG_RESOLVE_FAILED", msg);
        scalar = new Scalar.Scalar(value);
      }
      scalar.range = range;
      scalar.source = value;
      if (type)
        scalar.type = type;
      if (tagName)
        scalar.tag = tagName;
      if (tag.format)
        scalar.format = tag.format;
      if (comment)
        scalar.comment = comment;
      return scalar;
    }
    function findScalarTagByName(schema, value, tagName, tagToken, onError) {
      if (tagName === "!")
        return schema[identity.SCALAR];
      const matchWithTest = [];
      for (const tag of schema.tags) {
        if (!tag.collection && tag.tag === tagName) {
          if (tag.default && tag.test)
            matchWithTest.push(tag);
          else
            return tag;
        }
      }
      for (const tag of matchWithTest)
        if (tag.test?.test(value))
          return tag;
      const kt = schema.knownTags[tagName];
      if (kt && !kt.collection) {
        schema.tags.push(Object.assign({}, kt, { default: false, test: void 0 }));
        return kt;
      }
      onError(tagToken, "TAG_RESOLVE_FAILED", `Unresolved tag: ${tagName}`, tagName !== "tag:yaml.org,2002:str");
      return schema[identity.SCALAR];
    }
    function findScalarTagByTest({ atKey, directives, schema }, value, token, onError) {
      const tag = schema.tags.find((tag2) => (tag2.default === true || atKey && tag2.default === "key") && tag2.test?.test(value)) || schema[identity.SCALAR];
      if (schema.compat) {
        const compat = schema.compat.find((tag2) => tag2.default && tag2.test?.test(value)) ?? schema[identity.SCALAR];
        if (tag.tag !== compat.tag) {
          const ts = directives.tagString(tag.tag);
          const cs = directives.tagString(compat.tag);
          const msg = `Value may be parsed as either ${ts} or ${cs}`;
          onError(token, "TAG_RESOLVE_FAILED", msg, true);
        }
      }
      return tag;
    }
    exports.composeScalar = composeScalar;
  }
});

// ../../node_modules/yaml/dist/compose/util-empty-scalar-position.js
var require_util_empty_scalar_position = __commonJS({
  "../../node_modules/yaml/dist/compose/util-empty-scalar-position.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    function emptyScalarPosition(offset, before, pos) {
      if (before) {
        pos ?? (pos = before.length);
        for (let i = pos - 1; i >= 0; --i) {
          let st = before[i];
          switch (st.type) {
            case "space":
            case "comment":
            case "newline":
              offset -= st.source.length;
              continue;
          }
          st = before[++i];
          while (st?.type === "space") {
            offset += st.source.length;
            st = before[++i];
          }
          break;
        }
      }
      return offset;
    }
    exports.emptyScalarPosition = emptyScalarPosition;
  }
});

// ../../node_modules/yaml/dist/compose/compose-node.js
var require_compose_node = __commonJS({
  "../../node_modules/yaml/dist/compose/compose-node.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var Alias = require_Alias();
    var identity = require_identity();
    var composeCollection = require_compose_collection();
    var composeScalar = require_compose_scalar();
    var resolveEnd = require_resolve_end();
    var utilEmptyScalarPosition = require_util_empty_scalar_position();
    var CN = { composeNode, composeEmptyNode };
    function composeNode(ctx, token, props, onError) {
      const atKey = ctx.atKey;
      const { spaceBefore, comment, anchor, tag } = props;
      let node;
      let isSrcToken = true;
      switch (token.type) {
        case "alias":
          node = composeAlias(ctx, token, onError);
          if (anchor || tag)
            onError(token, "ALIAS_PROPS", "An alias node must not specify any properties");
          break;
        case "scalar":
        case "single-quoted-scalar":
        case "double-quoted-scalar":
        case "block-scalar":
          node = composeScalar.composeScalar(ctx, token, tag, onError);
          if (anchor)
            node.anchor = anchor.source.substring(1);
          break;
        case "block-map":
        case "block-seq":
        case "flow-collection":
          try {
            node = composeCollection.composeCollection(CN, ctx, token, props, onError);
            if (anchor)
              node.anchor = anchor.source.substring(1);
          } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            onError(token, "RESOURCE_EXHAUSTION", message);
          }
          break;
        default: {
          const message = token.type === "error" ? token.message : `Unsupported token (type: ${token.type})`;
          onError(token, "UNEXPECTED_TOKEN", message);
          isSrcToken = false;
        }
      }
      node ?? (node = composeEmptyNode(ctx, token.offset, void 0, null, props, onError));
      if (anchor && node.anchor === "")
        onError(anchor, "BAD_ALIAS", "Anchor cannot be an empty string");
      if (atKey && ctx.options.stringKeys && (!identity.isScalar(node) || typeof node.value !== "string" || node.tag && node.tag !== "tag:yaml.org,2002:str")) {
        const msg = "With stringKeys, all keys must be strings";
        onError(tag ?? token, "NON_STRING_KEY", msg);
      }
      if (spaceBefore)
        node.spaceBefore = true;
      if (comment) {
        if (token.type === "scalar" && token.source === "")
          node.comment = comment;
        else
          node.commentBefore = comment;
      }
      if (ctx.options.keepSourceTokens && isSrcToken)
        node.srcToken = token;
      return node;
    }
    function composeEmptyNode(ctx, offset, before, pos, { spaceBefore, comment, anchor, tag, end }, onError) {
      const token = {
        type: "scalar",
        offset: utilEmptyScalarPosition.emptyScalarPosition(offset, before, pos),
        indent: -1,
        source: ""
      };
      const node = composeScalar.composeScalar(ctx, token, tag, onError);
      if (anchor) {
        node.anchor = anchor.source.substring(1);
        if (node.anchor === "")
          onError(anchor, "BAD_ALIAS", "Anchor cannot be an empty string");
      }
      if (spaceBefore)
        node.spaceBefore = true;
      if (comment) {
        node.comment = comment;
        node.range[2] = end;
      }
      return node;
    }
    function composeAlias({ options }, { offset, source, end }, onError) {
      const alias = new Alias.Alias(source.substring(1));
      if (alias.source === "")
        onError(offset, "BAD_ALIAS", "Alias cannot be an empty string");
      if (alias.source.endsWith(":"))
        onError(offset + source.length - 1, "BAD_ALIAS", "Alias ending in : is ambiguous", true);
      const valueEnd = offset + source.length;
      const re = resolveEnd.resolveEnd(end, valueEnd, options.strict, onError);
      alias.range = [offset, valueEnd, re.offset];
      if (re.comment)
        alias.comment = re.comment;
      return alias;
    }
    exports.composeEmptyNode = composeEmptyNode;
    exports.composeNode = composeNode;
  }
});

// ../../node_modules/yaml/dist/compose/compose-doc.js
var require_compose_doc = __commonJS({
  "../../node_modules/yaml/dist/compose/compose-doc.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var Document = require_Document();
    var composeNode = require_compose_node();
    var resolveEnd = require_resolve_end();
    var resolveProps = require_resolve_props();
    function composeDoc(options, directives, { offset, start, value, end }, onError) {
      const opts = Object.assign({ _directives: directives }, options);
      const doc = new Document.Document(void 0, opts);
      const ctx = {
        atKey: false,
        atRoot: true,
        directives: doc.directives,
        options: doc.options,
        schema: doc.schema
      };
      const props = resolveProps.resolveProps(start, {
        indicator: "doc-start",
        next: value ?? end?.[0],
        offset,
        onError,
        parentIndent: 0,
        startOnNewline: true
      });
      if (props.found) {
        doc.directives.docStart = true;
        if (value && (value.type === "block-map" || value.type === "block-seq") && !props.hasNewline)
          onError(props.end, "MISSING_CHAR", "Block collection cannot start on same line with directives-end marker");
      }
      doc.contents = value ? composeNode.composeNode(ctx, value, props, onError) : composeNode.composeEmptyNode(ctx, props.end, start, null, props, onError);
      const contentEnd = doc.contents.range[2];
      const re = resolveEnd.resolveEnd(end, contentEnd, false, onError);
      if (re.comment)
        doc.comment = re.comment;
      doc.range = [offset, contentEnd, re.offset];
      return doc;
    }
    exports.composeDoc = composeDoc;
  }
});

// ../../node_modules/yaml/dist/compose/composer.js
var require_composer = __commonJS({
  "../../node_modules/yaml/dist/compose/composer.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var node_process = __require("process");
    var directives = require_directives();
    var Document = require_Document();
    var errors = require_errors();
    var identity = require_identity();
    var composeDoc = require_compose_doc();
    var resolveEnd = require_resolve_end();
    function getErrorPos(src) {
      if (typeof src === "number")
        return [src, src + 1];
      if (Array.isArray(src))
        return src.length === 2 ? src : [src[0], src[1]];
      const { offset, source } = src;
      return [offset, offset + (typeof source === "string" ? source.length : 1)];
    }
    function parsePrelude(prelude) {
      let comment = "";
      let atComment = false;
      let afterEmptyLine = false;
      for (let i = 0; i < prelude.length; ++i) {
        const source = prelude[i];
        switch (source[0]) {
          case "#":
            comment += (comment === "" ? "" : afterEmptyLine ? "\n\n" : "\n") + (source.substring(1) || " ");
            atComment = true;
            afterEmptyLine = false;
            break;
          case "%":
            if (prelude[i + 1]?.[0] !== "#")
              i += 1;
            atComment = false;
            break;
          default:
            if (!atComment)
              afterEmptyLine = true;
            atComment = false;
        }
      }
      return { comment, afterEmptyLine };
    }
    var Composer = class {
      constructor(options = {}) {
        this.doc = null;
        this.atDirectives = false;
        this.prelude = [];
        this.errors = [];
        this.warnings = [];
        this.onError = (source, code, message, warning) => {
          const pos = getErrorPos(source);
          if (warning)
            this.warnings.push(new errors.YAMLWarning(pos, code, message));
          else
            this.errors.push(new errors.YAMLParseError(pos, code, message));
        };
        this.directives = new directives.Directives({ version: options.version || "1.2" });
        this.options = options;
      }
      decorate(doc, afterDoc) {
        const { comment, afterEmptyLine } = parsePrelude(this.prelude);
        if (comment) {
          const dc = doc.contents;
          if (afterDoc) {
            doc.comment = doc.comment ? `${doc.comment}
${comment}` : comment;
          } else if (afterEmptyLine || doc.directives.docStart || !dc) {
            doc.commentBefore = comment;
          } else if (identity.isCollection(dc) && !dc.flow && dc.items.length > 0) {
            let it = dc.items[0];
            if (identity.isPair(it))
              it = it.key;
            const cb = it.commentBefore;
            it.commentBefore = cb ? `${comment}
${cb}` : comment;
          } else {
            const cb = dc.commentBefore;
            dc.commentBefore = cb ? `${comment}
${cb}` : comment;
          }
        }
        if (afterDoc) {
          for (let i = 0; i < this.errors.length; ++i)
            doc.errors.push(this.errors[i]);
          for (let i = 0; i < this.warnings.length; ++i)
            doc.warnings.push(this.warnings[i]);
        } else {
          doc.errors = this.errors;
          doc.warnings = this.warnings;
        }
        this.prelude = [];
        this.errors = [];
        this.warnings = [];
      }
      /**
       * Current stream status information.
       *
       * Mostly useful at the end of input for an empty stream.
       */
      streamInfo() {
        return {
          comment: parsePrelude(this.prelude).comment,
          directives: this.directives,
          errors: this.errors,
          warnings: this.warnings
        };
      }
      /**
       * Compose tokens into documents.
       *
       * @param forceDoc - If the stream contains no document, still emit a final document including any comments and directives that would be applied to a subsequent document.
       * @param endOffset - Should be set if `forceDoc` is also set, to set the document range end and to indicate errors correctly.
       */
      *compose(tokens, forceDoc = false, endOffset = -1) {
        for (const token of tokens)
          yield* this.next(token);
        yield* this.end(forceDoc, endOffset);
      }
      /** Advance the composer by one CST token. */
      *next(token) {
        if (node_process.env.LOG_STREAM)
          console.dir(token, { depth: null });
        switch (token.type) {
          case "directive":
            this.directives.add(token.source, (offset, message, warning) => {
              const pos = getErrorPos(token);
              pos[0] += offset;
              this.onError(pos, "BAD_DIRECTIVE", message, warning);
            });
            this.prelude.push(token.source);
            this.atDirectives = true;
            break;
          case "document": {
            const doc = composeDoc.composeDoc(this.options, this.directives, token, this.onError);
            if (this.atDirectives && !doc.directives.docStart)
              this.onError(token, "MISSING_CHAR", "Missing directives-end/doc-start indicator line");
            this.decorate(doc, false);
            if (this.doc)
              yield this.doc;
            this.doc = doc;
            this.atDirectives = false;
            break;
          }
          case "byte-order-mark":
          case "space":
            break;
          case "comment":
          case "newline":
            this.prelude.push(token.source);
            break;
          case "error": {
            const msg = token.source ? `${token.message}: ${JSON.stringify(token.source)}` : token.message;
            const error = new errors.YAMLParseError(getErrorPos(token), "UNEXPECTED_TOKEN", msg);
            if (this.atDirectives || !this.doc)
              this.errors.push(error);
            else
              this.doc.errors.push(error);
            break;
          }
          case "doc-end": {
            if (!this.doc) {
              const msg = "Unexpected doc-end without preceding document";
              this.errors.push(new errors.YAMLParseError(getErrorPos(token), "UNEXPECTED_TOKEN", msg));
              break;
            }
            this.doc.directives.docEnd = true;
            const end = resolveEnd.resolveEnd(token.end, token.offset + token.source.length, this.doc.options.strict, this.onError);
            this.decorate(this.doc, true);
            if (end.comment) {
              const dc = this.doc.comment;
              this.doc.comment = dc ? `${dc}
${end.comment}` : end.comment;
            }
            this.doc.range[2] = end.offset;
            break;
          }
          default:
            this.errors.push(new errors.YAMLParseError(getErrorPos(token), "UNEXPECTED_TOKEN", `Unsupported token ${token.type}`));
        }
      }
      /**
       * Call at end of input to yield any remaining document.
       *
       * @param forceDoc - If the stream contains no document, still emit a final document including any comments and directives that would be applied to a subsequent document.
       * @param endOffset - Should be set if `forceDoc` is also set, to set the document range end and to indicate errors correctly.
       */
      *end(forceDoc = false, endOffset = -1) {
        if (this.doc) {
          this.decorate(this.doc, true);
          yield this.doc;
          this.doc = null;
        } else if (forceDoc) {
          const opts = Object.assign({ _directives: this.directives }, this.options);
          const doc = new Document.Document(void 0, opts);
          if (this.atDirectives)
            this.onError(endOffset, "MISSING_CHAR", "Missing directives-end indicator line");
          doc.range = [0, endOffset, endOffset];
          this.decorate(doc, false);
          yield doc;
        }
      }
    };
    exports.Composer = Composer;
  }
});

// ../../node_modules/yaml/dist/parse/cst-scalar.js
var require_cst_scalar = __commonJS({
  "../../node_modules/yaml/dist/parse/cst-scalar.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var resolveBlockScalar = require_resolve_block_scalar();
    var resolveFlowScalar = require_resolve_flow_scalar();
    var errors = require_errors();
    var stringifyString = require_stringifyString();
    function resolveAsScalar(token, strict = true, onError) {
      if (token) {
        const _onError = (pos, code, message) => {
          const offset = typeof pos === "number" ? pos : Array.isArray(pos) ? pos[0] : pos.offset;
          if (onError)
            onError(offset, code, message);
          else
            throw new errors.YAMLParseError([offset, offset + 1], code, message);
        };
        switch (token.type) {
          case "scalar":
          case "single-quoted-scalar":
          case "double-quoted-scalar":
            return resolveFlowScalar.resolveFlowScalar(token, strict, _onError);
          case "block-scalar":
            return resolveBlockScalar.resolveBlockScalar({ options: { strict } }, token, _onError);
        }
      }
      return null;
    }
    function createScalarToken(value, context) {
      const { implicitKey = false, indent, inFlow = false, offset = -1, type = "PLAIN" } = context;
      const source = stringifyString.stringifyString({ type, value }, {
        implicitKey,
        indent: indent > 0 ? " ".repeat(indent) : "",
        inFlow,
        options: { blockQuote: true, lineWidth: -1 }
      });
      const end = context.end ?? [
        { type: "newline", offset: -1, indent, source: "\n" }
      ];
      switch (source[0]) {
        case "|":
        case ">": {
          const he = source.indexOf("\n");
          const head = source.substring(0, he);
          const body = source.substring(he + 1) + "\n";
          const props = [
            { type: "block-scalar-header", offset, indent, source: head }
          ];
          if (!addEndtoBlockProps(props, end))
            props.push({ type: "newline", offset: -1, indent, source: "\n" });
          return { type: "block-scalar", offset, indent, props, source: body };
        }
        case '"':
          return { type: "double-quoted-scalar", offset, indent, source, end };
        case "'":
          return { type: "single-quoted-scalar", offset, indent, source, end };
        default:
          return { type: "scalar", offset, indent, source, end };
      }
    }
    function setScalarValue(token, value, context = {}) {
      let { afterKey = false, implicitKey = false, inFlow = false, type } = context;
      let indent = "indent" in token ? token.indent : null;
      if (afterKey && typeof indent === "number")
        indent += 2;
      if (!type)
        switch (token.type) {
          case "single-quoted-scalar":
            type = "QUOTE_SINGLE";
            break;
          case "double-quoted-scalar":
            type = "QUOTE_DOUBLE";
            break;
          case "block-scalar": {
            const header2 = token.props[0];
            if (header2.type !== "block-scalar-header")
              throw new Error("Invalid block scalar header");
            type = header2.source[0] === ">" ? "BLOCK_FOLDED" : "BLOCK_LITERAL";
            break;
          }
          default:
            type = "PLAIN";
        }
      const source = stringifyString.stringifyString({ type, value }, {
        implicitKey: implicitKey || indent === null,
        indent: indent !== null && indent > 0 ? " ".repeat(indent) : "",
        inFlow,
        options: { blockQuote: true, lineWidth: -1 }
      });
      switch (source[0]) {
        case "|":
        case ">":
          setBlockScalarValue(token, source);
          break;
        case '"':
          setFlowScalarValue(token, source, "double-quoted-scalar");
          break;
        case "'":
          setFlowScalarValue(token, source, "single-quoted-scalar");
          break;
        default:
          setFlowScalarValue(token, source, "scalar");
      }
    }
    function setBlockScalarValue(token, source) {
      const he = source.indexOf("\n");
      const head = source.substring(0, he);
      const body = source.substring(he + 1) + "\n";
      if (token.type === "block-scalar") {
        const header2 = token.props[0];
        if (header2.type !== "block-scalar-header")
          throw new Error("Invalid block scalar header");
        header2.source = head;
        token.source = body;
      } else {
        const { offset } = token;
        const indent = "indent" in token ? token.indent : -1;
        const props = [
          { type: "block-scalar-header", offset, indent, source: head }
        ];
        if (!addEndtoBlockProps(props, "end" in token ? token.end : void 0))
          props.push({ type: "newline", offset: -1, indent, source: "\n" });
        for (const key of Object.keys(token))
          if (key !== "type" && key !== "offset")
            delete token[key];
        Object.assign(token, { type: "block-scalar", indent, props, source: body });
      }
    }
    function addEndtoBlockProps(props, end) {
      if (end)
        for (const st of end)
          switch (st.type) {
            case "space":
            case "comment":
              props.push(st);
              break;
            case "newline":
              props.push(st);
              return true;
          }
      return false;
    }
    function setFlowScalarValue(token, source, type) {
      switch (token.type) {
        case "scalar":
        case "double-quoted-scalar":
        case "single-quoted-scalar":
          token.type = type;
          token.source = source;
          break;
        case "block-scalar": {
          const end = token.props.slice(1);
          let oa = source.length;
          if (token.props[0].type === "block-scalar-header")
            oa -= token.props[0].source.length;
          for (const tok of end)
            tok.offset += oa;
          delete token.props;
          Object.assign(token, { type, source, end });
          break;
        }
        case "block-map":
        case "block-seq": {
          const offset = token.offset + source.length;
          const nl = { type: "newline", offset, indent: token.indent, source: "\n" };
          delete token.items;
          Object.assign(token, { type, source, end: [nl] });
          break;
        }
        default: {
          const indent = "indent" in token ? token.indent : -1;
          const end = "end" in token && Array.isArray(token.end) ? token.end.filter((st) => st.type === "space" || st.type === "comment" || st.type === "newline") : [];
          for (const key of Object.keys(token))
            if (key !== "type" && key !== "offset")
              delete token[key];
          Object.assign(token, { type, indent, source, end });
        }
      }
    }
    exports.createScalarToken = createScalarToken;
    exports.resolveAsScalar = resolveAsScalar;
    exports.setScalarValue = setScalarValue;
  }
});

// ../../node_modules/yaml/dist/parse/cst-stringify.js
var require_cst_stringify = __commonJS({
  "../../node_modules/yaml/dist/parse/cst-stringify.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var stringify = (cst) => "type" in cst ? stringifyToken(cst) : stringifyItem(cst);
    function stringifyToken(token) {
      switch (token.type) {
        case "block-scalar": {
          let res = "";
          for (const tok of token.props)
            res += stringifyToken(tok);
          return res + token.source;
        }
        case "block-map":
        case "block-seq": {
          let res = "";
          for (const item of token.items)
            res += stringifyItem(item);
          return res;
        }
        case "flow-collection": {
          let res = token.start.source;
          for (const item of token.items)
            res += stringifyItem(item);
          for (const st of token.end)
            res += st.source;
          return res;
        }
        case "document": {
          let res = stringifyItem(token);
          if (token.end)
            for (const st of token.end)
              res += st.source;
          return res;
        }
        default: {
          let res = token.source;
          if ("end" in token && token.end)
            for (const st of token.end)
              res += st.source;
          return res;
        }
      }
    }
    function stringifyItem({ start, key, sep: sep3, value }) {
      let res = "";
      for (const st of start)
        res += st.source;
      if (key)
        res += stringifyToken(key);
      if (sep3)
        for (const st of sep3)
          res += st.source;
      if (value)
        res += stringifyToken(value);
      return res;
    }
    exports.stringify = stringify;
  }
});

// ../../node_modules/yaml/dist/parse/cst-visit.js
var require_cst_visit = __commonJS({
  "../../node_modules/yaml/dist/parse/cst-visit.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var BREAK = /* @__PURE__ */ Symbol("break visit");
    var SKIP = /* @__PURE__ */ Symbol("skip children");
    var REMOVE = /* @__PURE__ */ Symbol("remove item");
    function visit(cst, visitor) {
      if ("type" in cst && cst.type === "document")
        cst = { start: cst.start, value: cst.value };
      _visit(Object.freeze([]), cst, visitor);
    }
    visit.BREAK = BREAK;
    visit.SKIP = SKIP;
    visit.REMOVE = REMOVE;
    visit.itemAtPath = (cst, path) => {
      let item = cst;
      for (const [field, index] of path) {
        const tok = item?.[field];
        if (tok && "items" in tok) {
          item = tok.items[index];
        } else
          return void 0;
      }
      return item;
    };
    visit.parentCollection = (cst, path) => {
      const parent = visit.itemAtPath(cst, path.slice(0, -1));
      const field = path[path.length - 1][0];
      const coll = parent?.[field];
      if (coll && "items" in coll)
        return coll;
      throw new Error("Parent collection not found");
    };
    function _visit(path, item, visitor) {
      let ctrl = visitor(item, path);
      if (typeof ctrl === "symbol")
        return ctrl;
      for (const field of ["key", "value"]) {
        const token = item[field];
        if (token && "items" in token) {
          for (let i = 0; i < token.items.length; ++i) {
            const ci = _visit(Object.freeze(path.concat([[field, i]])), token.items[i], visitor);
            if (typeof ci === "number")
              i = ci - 1;
            else if (ci === BREAK)
              return BREAK;
            else if (ci === REMOVE) {
              token.items.splice(i, 1);
              i -= 1;
            }
          }
          if (typeof ctrl === "function" && field === "key")
            ctrl = ctrl(item, path);
        }
      }
      return typeof ctrl === "function" ? ctrl(item, path) : ctrl;
    }
    exports.visit = visit;
  }
});

// ../../node_modules/yaml/dist/parse/cst.js
var require_cst = __commonJS({
  "../../node_modules/yaml/dist/parse/cst.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var cstScalar = require_cst_scalar();
    var cstStringify = require_cst_stringify();
    var cstVisit = require_cst_visit();
    var BOM = "\uFEFF";
    var DOCUMENT = "";
    var FLOW_END = "";
    var SCALAR = "";
    var isCollection = (token) => !!token && "items" in token;
    var isScalar = (token) => !!token && (token.type === "scalar" || token.type === "single-quoted-scalar" || token.type === "double-quoted-scalar" || token.type === "block-scalar");
    function prettyToken(token) {
      switch (token) {
        case BOM:
          return "<BOM>";
        case DOCUMENT:
          return "<DOC>";
        case FLOW_END:
          return "<FLOW_END>";
        case SCALAR:
          return "<SCALAR>";
        default:
          return JSON.stringify(token);
      }
    }
    function tokenType(source) {
      switch (source) {
        case BOM:
          return "byte-order-mark";
        case DOCUMENT:
          return "doc-mode";
        case FLOW_END:
          return "flow-error-end";
        case SCALAR:
          return "scalar";
        case "---":
          return "doc-start";
        case "...":
          return "doc-end";
        case "":
        case "\n":
        case "\r\n":
          return "newline";
        case "-":
          return "seq-item-ind";
        case "?":
          return "explicit-key-ind";
        case ":":
          return "map-value-ind";
        case "{":
          return "flow-map-start";
        case "}":
          return "flow-map-end";
        case "[":
          return "flow-seq-start";
        case "]":
          return "flow-seq-end";
        case ",":
          return "comma";
      }
      switch (source[0]) {
        case " ":
        case "	":
          return "space";
        case "#":
          return "comment";
        case "%":
          return "directive-line";
        case "*":
          return "alias";
        case "&":
          return "anchor";
        case "!":
          return "tag";
        case "'":
          return "single-quoted-scalar";
        case '"':
          return "double-quoted-scalar";
        case "|":
        case ">":
          return "block-scalar-header";
      }
      return null;
    }
    exports.createScalarToken = cstScalar.createScalarToken;
    exports.resolveAsScalar = cstScalar.resolveAsScalar;
    exports.setScalarValue = cstScalar.setScalarValue;
    exports.stringify = cstStringify.stringify;
    exports.visit = cstVisit.visit;
    exports.BOM = BOM;
    exports.DOCUMENT = DOCUMENT;
    exports.FLOW_END = FLOW_END;
    exports.SCALAR = SCALAR;
    exports.isCollection = isCollection;
    exports.isScalar = isScalar;
    exports.prettyToken = prettyToken;
    exports.tokenType = tokenType;
  }
});

// ../../node_modules/yaml/dist/parse/lexer.js
var require_lexer = __commonJS({
  "../../node_modules/yaml/dist/parse/lexer.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var cst = require_cst();
    function isEmpty(ch) {
      switch (ch) {
        case void 0:
        case " ":
        case "\n":
        case "\r":
        case "	":
          return true;
        default:
          return false;
      }
    }
    var hexDigits = new Set("0123456789ABCDEFabcdef");
    var tagChars = new Set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-#;/?:@&=+$_.!~*'()");
    var flowIndicatorChars = new Set(",[]{}");
    var invalidAnchorChars = new Set(" ,[]{}\n\r	");
    var isNotAnchorChar = (ch) => !ch || invalidAnchorChars.has(ch);
    var Lexer = class {
      constructor() {
        this.atEnd = false;
        this.blockScalarIndent = -1;
        this.blockScalarKeep = false;
        this.buffer = "";
        this.flowKey = false;
        this.flowLevel = 0;
        this.indentNext = 0;
        this.indentValue = 0;
        this.lineEndPos = null;
        this.next = null;
        this.pos = 0;
      }
      /**
       * Generate YAML tokens from the `source` string. If `incomplete`,
       * a part of the last line may be left as a buffer for the next call.
       *
       * @returns A generator of lexical tokens
       */
      *lex(source, incomplete = false) {
        if (source) {
          if (typeof source !== "string")
            throw TypeError("source is not a string");
          this.buffer = this.buffer ? this.buffer + source : source;
          this.lineEndPos = null;
        }
        this.atEnd = !incomplete;
        let next = this.next ?? "stream";
        while (next && (incomplete || this.hasChars(1)))
          next = yield* this.parseNext(next);
      }
      atLineEnd() {
        let i = this.pos;
        let ch = this.buffer[i];
        while (ch === " " || ch === "	")
          ch = this.buffer[++i];
        if (!ch || ch === "#" || ch === "\n")
          return true;
        if (ch === "\r")
          return this.buffer[i + 1] === "\n";
        return false;
      }
      charAt(n) {
        return this.buffer[this.pos + n];
      }
      continueScalar(offset) {
        let ch = this.buffer[offset];
        if (this.indentNext > 0) {
          let indent = 0;
          while (ch === " ")
            ch = this.buffer[++indent + offset];
          if (ch === "\r") {
            const next = this.buffer[indent + offset + 1];
            if (next === "\n" || !next && !this.atEnd)
              return offset + indent + 1;
          }
          return ch === "\n" || indent >= this.indentNext || !ch && !this.atEnd ? offset + indent : -1;
        }
        if (ch === "-" || ch === ".") {
          const dt = this.buffer.substr(offset, 3);
          if ((dt === "---" || dt === "...") && isEmpty(this.buffer[offset + 3]))
            return -1;
        }
        return offset;
      }
      getLine() {
        let end = this.lineEndPos;
        if (typeof end !== "number" || end !== -1 && end < this.pos) {
          end = this.buffer.indexOf("\n", this.pos);
          this.lineEndPos = end;
        }
        if (end === -1)
          return this.atEnd ? this.buffer.substring(this.pos) : null;
        if (this.buffer[end - 1] === "\r")
          end -= 1;
        return this.buffer.substring(this.pos, end);
      }
      hasChars(n) {
        return this.pos + n <= this.buffer.length;
      }
      setNext(state) {
        this.buffer = this.buffer.substring(this.pos);
        this.pos = 0;
        this.lineEndPos = null;
        this.next = state;
        return null;
      }
      peek(n) {
        return this.buffer.substr(this.pos, n);
      }
      *parseNext(next) {
        switch (next) {
          case "stream":
            return yield* this.parseStream();
          case "line-start":
            return yield* this.parseLineStart();
          case "block-start":
            return yield* this.parseBlockStart();
          case "doc":
            return yield* this.parseDocument();
          case "flow":
            return yield* this.parseFlowCollection();
          case "quoted-scalar":
            return yield* this.parseQuotedScalar();
          case "block-scalar":
            return yield* this.parseBlockScalar();
          case "plain-scalar":
            return yield* this.parsePlainScalar();
        }
      }
      *parseStream() {
        let line = this.getLine();
        if (line === null)
          return this.setNext("stream");
        if (line[0] === cst.BOM) {
          yield* this.pushCount(1);
          line = line.substring(1);
        }
        if (line[0] === "%") {
          let dirEnd = line.length;
          let cs = line.indexOf("#");
          while (cs !== -1) {
            const ch = line[cs - 1];
            if (ch === " " || ch === "	") {
              dirEnd = cs - 1;
              break;
            } else {
              cs = line.indexOf("#", cs + 1);
            }
          }
          while (true) {
            const ch = line[dirEnd - 1];
            if (ch === " " || ch === "	")
              dirEnd -= 1;
            else
              break;
          }
          const n = (yield* this.pushCount(dirEnd)) + (yield* this.pushSpaces(true));
          yield* this.pushCount(line.length - n);
          this.pushNewline();
          return "stream";
        }
        if (this.atLineEnd()) {
          const sp = yield* this.pushSpaces(true);
          yield* this.pushCount(line.length - sp);
          yield* this.pushNewline();
          return "stream";
        }
        yield cst.DOCUMENT;
        return yield* this.parseLineStart();
      }
      *parseLineStart() {
        const ch = this.charAt(0);
        if (!ch && !this.atEnd)
          return this.setNext("line-start");
        if (ch === "-" || ch === ".") {
          if (!this.atEnd && !this.hasChars(4))
            return this.setNext("line-start");
          const s = this.peek(3);
          if ((s === "---" || s === "...") && isEmpty(this.charAt(3))) {
            yield* this.pushCount(3);
            this.indentValue = 0;
            this.indentNext = 0;
            return s === "---" ? "doc" : "stream";
          }
        }
        this.indentValue = yield* this.pushSpaces(false);
        if (this.indentNext > this.indentValue && !isEmpty(this.charAt(1)))
          this.indentNext = this.indentValue;
        return yield* this.parseBlockStart();
      }
      *parseBlockStart() {
        const [ch0, ch1] = this.peek(2);
        if (!ch1 && !this.atEnd)
          return this.setNext("block-start");
        if ((ch0 === "-" || ch0 === "?" || ch0 === ":") && isEmpty(ch1)) {
          const n = (yield* this.pushCount(1)) + (yield* this.pushSpaces(true));
          this.indentNext = this.indentValue + 1;
          this.indentValue += n;
          return "block-start";
        }
        return "doc";
      }
      *parseDocument() {
        yield* this.pushSpaces(true);
        const line = this.getLine();
        if (line === null)
          return this.setNext("doc");
        let n = yield* this.pushIndicators();
        switch (line[n]) {
          case "#":
            yield* this.pushCount(line.length - n);
          // fallthrough
          case void 0:
            yield* this.pushNewline();
            return yield* this.parseLineStart();
          case "{":
          case "[":
            yield* this.pushCount(1);
            this.flowKey = false;
            this.flowLevel = 1;
            return "flow";
          case "}":
          case "]":
            yield* this.pushCount(1);
            return "doc";
          case "*":
            yield* this.pushUntil(isNotAnchorChar);
            return "doc";
          case '"':
          case "'":
            return yield* this.parseQuotedScalar();
          case "|":
          case ">":
            n += yield* this.parseBlockScalarHeader();
            n += yield* this.pushSpaces(true);
            yield* this.pushCount(line.length - n);
            yield* this.pushNewline();
            return yield* this.parseBlockScalar();
          default:
            return yield* this.parsePlainScalar();
        }
      }
      *parseFlowCollection() {
        let nl, sp;
        let indent = -1;
        do {
          nl = yield* this.pushNewline();
          if (nl > 0) {
            sp = yield* this.pushSpaces(false);
            this.indentValue = indent = sp;
          } else {
            sp = 0;
          }
          sp += yield* this.pushSpaces(true);
        } while (nl + sp > 0);
        const line = this.getLine();
        if (line === null)
          return this.setNext("flow");
        if (indent !== -1 && indent < this.indentNext && line[0] !== "#" || indent === 0 && (line.startsWith("---") || line.startsWith("...")) && isEmpty(line[3])) {
          const atFlowEndMarker = indent === this.indentNext - 1 && this.flowLevel === 1 && (line[0] === "]" || line[0] === "}");
          if (!atFlowEndMarker) {
            this.flowLevel = 0;
            yield cst.FLOW_END;
            return yield* this.parseLineStart();
          }
        }
        let n = 0;
        while (line[n] === ",") {
          n += yield* this.pushCount(1);
          n += yield* this.pushSpaces(true);
          this.flowKey = false;
        }
        n += yield* this.pushIndicators();
        switch (line[n]) {
          case void 0:
            return "flow";
          case "#":
            yield* this.pushCount(line.length - n);
            return "flow";
          case "{":
          case "[":
            yield* this.pushCount(1);
            this.flowKey = false;
            this.flowLevel += 1;
            return "flow";
          case "}":
          case "]":
            yield* this.pushCount(1);
            this.flowKey = true;
            this.flowLevel -= 1;
            return this.flowLevel ? "flow" : "doc";
          case "*":
            yield* this.pushUntil(isNotAnchorChar);
            return "flow";
          case '"':
          case "'":
            this.flowKey = true;
            return yield* this.parseQuotedScalar();
          case ":": {
            const next = this.charAt(1);
            if (this.flowKey || isEmpty(next) || next === ",") {
              this.flowKey = false;
              yield* this.pushCount(1);
              yield* this.pushSpaces(true);
              return "flow";
            }
          }
          // fallthrough
          default:
            this.flowKey = false;
            return yield* this.parsePlainScalar();
        }
      }
      *parseQuotedScalar() {
        const quote = this.charAt(0);
        let end = this.buffer.indexOf(quote, this.pos + 1);
        if (quote === "'") {
          while (end !== -1 && this.buffer[end + 1] === "'")
            end = this.buffer.indexOf("'", end + 2);
        } else {
          while (end !== -1) {
            let n = 0;
            while (this.buffer[end - 1 - n] === "\\")
              n += 1;
            if (n % 2 === 0)
              break;
            end = this.buffer.indexOf('"', end + 1);
          }
        }
        const qb = this.buffer.substring(0, end);
        let nl = qb.indexOf("\n", this.pos);
        if (nl !== -1) {
          while (nl !== -1) {
            const cs = this.continueScalar(nl + 1);
            if (cs === -1)
              break;
            nl = qb.indexOf("\n", cs);
          }
          if (nl !== -1) {
            end = nl - (qb[nl - 1] === "\r" ? 2 : 1);
          }
        }
        if (end === -1) {
          if (!this.atEnd)
            return this.setNext("quoted-scalar");
          end = this.buffer.length;
        }
        yield* this.pushToIndex(end + 1, false);
        return this.flowLevel ? "flow" : "doc";
      }
      *parseBlockScalarHeader() {
        this.blockScalarIndent = -1;
        this.blockScalarKeep = false;
        let i = this.pos;
        while (true) {
          const ch = this.buffer[++i];
          if (ch === "+")
            this.blockScalarKeep = true;
          else if (ch > "0" && ch <= "9")
            this.blockScalarIndent = Number(ch) - 1;
          else if (ch !== "-")
            break;
        }
        return yield* this.pushUntil((ch) => isEmpty(ch) || ch === "#");
      }
      *parseBlockScalar() {
        let nl = this.pos - 1;
        let indent = 0;
        let ch;
        loop: for (let i2 = this.pos; ch = this.buffer[i2]; ++i2) {
          switch (ch) {
            case " ":
              indent += 1;
              break;
            case "\n":
              nl = i2;
              indent = 0;
              break;
            case "\r": {
              const next = this.buffer[i2 + 1];
              if (!next && !this.atEnd)
                return this.setNext("block-scalar");
              if (next === "\n")
                break;
            }
            // fallthrough
            default:
              break loop;
          }
        }
        if (!ch && !this.atEnd)
          return this.setNext("block-scalar");
        if (indent >= this.indentNext) {
          if (this.blockScalarIndent === -1)
            this.indentNext = indent;
          else {
            this.indentNext = this.blockScalarIndent + (this.indentNext === 0 ? 1 : this.indentNext);
          }
          do {
            const cs = this.continueScalar(nl + 1);
            if (cs === -1)
              break;
            nl = this.buffer.indexOf("\n", cs);
          } while (nl !== -1);
          if (nl === -1) {
            if (!this.atEnd)
              return this.setNext("block-scalar");
            nl = this.buffer.length;
          }
        }
        let i = nl + 1;
        ch = this.buffer[i];
        while (ch === " ")
          ch = this.buffer[++i];
        if (ch === "	") {
          while (ch === "	" || ch === " " || ch === "\r" || ch === "\n")
            ch = this.buffer[++i];
          nl = i - 1;
        } else if (!this.blockScalarKeep) {
          do {
            let i2 = nl - 1;
            let ch2 = this.buffer[i2];
            if (ch2 === "\r")
              ch2 = this.buffer[--i2];
            const lastChar = i2;
            while (ch2 === " ")
              ch2 = this.buffer[--i2];
            if (ch2 === "\n" && i2 >= this.pos && i2 + 1 + indent > lastChar)
              nl = i2;
            else
              break;
          } while (true);
        }
        yield cst.SCALAR;
        yield* this.pushToIndex(nl + 1, true);
        return yield* this.parseLineStart();
      }
      *parsePlainScalar() {
        const inFlow = this.flowLevel > 0;
        let end = this.pos - 1;
        let i = this.pos - 1;
        let ch;
        while (ch = this.buffer[++i]) {
          if (ch === ":") {
            const next = this.buffer[i + 1];
            if (isEmpty(next) || inFlow && flowIndicatorChars.has(next))
              break;
            end = i;
          } else if (isEmpty(ch)) {
            let next = this.buffer[i + 1];
            if (ch === "\r") {
              if (next === "\n") {
                i += 1;
                ch = "\n";
                next = this.buffer[i + 1];
              } else
                end = i;
            }
            if (next === "#" || inFlow && flowIndicatorChars.has(next))
              break;
            if (ch === "\n") {
              const cs = this.continueScalar(i + 1);
              if (cs === -1)
                break;
              i = Math.max(i, cs - 2);
            }
          } else {
            if (inFlow && flowIndicatorChars.has(ch))
              break;
            end = i;
          }
        }
        if (!ch && !this.atEnd)
          return this.setNext("plain-scalar");
        yield cst.SCALAR;
        yield* this.pushToIndex(end + 1, true);
        return inFlow ? "flow" : "doc";
      }
      *pushCount(n) {
        if (n > 0) {
          yield this.buffer.substr(this.pos, n);
          this.pos += n;
          return n;
        }
        return 0;
      }
      *pushToIndex(i, allowEmpty) {
        const s = this.buffer.slice(this.pos, i);
        if (s) {
          yield s;
          this.pos += s.length;
          return s.length;
        } else if (allowEmpty)
          yield "";
        return 0;
      }
      *pushIndicators() {
        let n = 0;
        loop: while (true) {
          switch (this.charAt(0)) {
            case "!":
              n += yield* this.pushTag();
              n += yield* this.pushSpaces(true);
              continue loop;
            case "&":
              n += yield* this.pushUntil(isNotAnchorChar);
              n += yield* this.pushSpaces(true);
              continue loop;
            case "-":
            // this is an error
            case "?":
            // this is an error outside flow collections
            case ":": {
              const inFlow = this.flowLevel > 0;
              const ch1 = this.charAt(1);
              if (isEmpty(ch1) || inFlow && flowIndicatorChars.has(ch1)) {
                if (!inFlow)
                  this.indentNext = this.indentValue + 1;
                else if (this.flowKey)
                  this.flowKey = false;
                n += yield* this.pushCount(1);
                n += yield* this.pushSpaces(true);
                continue loop;
              }
            }
          }
          break loop;
        }
        return n;
      }
      *pushTag() {
        if (this.charAt(1) === "<") {
          let i = this.pos + 2;
          let ch = this.buffer[i];
          while (!isEmpty(ch) && ch !== ">")
            ch = this.buffer[++i];
          return yield* this.pushToIndex(ch === ">" ? i + 1 : i, false);
        } else {
          let i = this.pos + 1;
          let ch = this.buffer[i];
          while (ch) {
            if (tagChars.has(ch))
              ch = this.buffer[++i];
            else if (ch === "%" && hexDigits.has(this.buffer[i + 1]) && hexDigits.has(this.buffer[i + 2])) {
              ch = this.buffer[i += 3];
            } else
              break;
          }
          return yield* this.pushToIndex(i, false);
        }
      }
      *pushNewline() {
        const ch = this.buffer[this.pos];
        if (ch === "\n")
          return yield* this.pushCount(1);
        else if (ch === "\r" && this.charAt(1) === "\n")
          return yield* this.pushCount(2);
        else
          return 0;
      }
      *pushSpaces(allowTabs) {
        let i = this.pos - 1;
        let ch;
        do {
          ch = this.buffer[++i];
        } while (ch === " " || allowTabs && ch === "	");
        const n = i - this.pos;
        if (n > 0) {
          yield this.buffer.substr(this.pos, n);
          this.pos = i;
        }
        return n;
      }
      *pushUntil(test) {
        let i = this.pos;
        let ch = this.buffer[i];
        while (!test(ch))
          ch = this.buffer[++i];
        return yield* this.pushToIndex(i, false);
      }
    };
    exports.Lexer = Lexer;
  }
});

// ../../node_modules/yaml/dist/parse/line-counter.js
var require_line_counter = __commonJS({
  "../../node_modules/yaml/dist/parse/line-counter.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var LineCounter = class {
      constructor() {
        this.lineStarts = [];
        this.addNewLine = (offset) => this.lineStarts.push(offset);
        this.linePos = (offset) => {
          let low = 0;
          let high = this.lineStarts.length;
          while (low < high) {
            const mid = low + high >> 1;
            if (this.lineStarts[mid] < offset)
              low = mid + 1;
            else
              high = mid;
          }
          if (this.lineStarts[low] === offset)
            return { line: low + 1, col: 1 };
          if (low === 0)
            return { line: 0, col: offset };
          const start = this.lineStarts[low - 1];
          return { line: low, col: offset - start + 1 };
        };
      }
    };
    exports.LineCounter = LineCounter;
  }
});

// ../../node_modules/yaml/dist/parse/parser.js
var require_parser = __commonJS({
  "../../node_modules/yaml/dist/parse/parser.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var node_process = __require("process");
    var cst = require_cst();
    var lexer = require_lexer();
    function includesToken(list, type) {
      for (let i = 0; i < list.length; ++i)
        if (list[i].type === type)
          return true;
      return false;
    }
    function findNonEmptyIndex(list) {
      for (let i = 0; i < list.length; ++i) {
        switch (list[i].type) {
          case "space":
          case "comment":
          case "newline":
            break;
          default:
            return i;
        }
      }
      return -1;
    }
    function isFlowToken(token) {
      switch (token?.type) {
        case "alias":
        case "scalar":
        case "single-quoted-scalar":
        case "double-quoted-scalar":
        case "flow-collection":
          return true;
        default:
          return false;
      }
    }
    function getPrevProps(parent) {
      switch (parent.type) {
        case "document":
          return parent.start;
        case "block-map": {
          const it = parent.items[parent.items.length - 1];
          return it.sep ?? it.start;
        }
        case "block-seq":
          return parent.items[parent.items.length - 1].start;
        /* istanbul ignore next should not happen */
        default:
          return [];
      }
    }
    function getFirstKeyStartProps(prev) {
      if (prev.length === 0)
        return [];
      let i = prev.length;
      loop: while (--i >= 0) {
        switch (prev[i].type) {
          case "doc-start":
          case "explicit-key-ind":
          case "map-value-ind":
          case "seq-item-ind":
          case "newline":
            break loop;
        }
      }
      while (prev[++i]?.type === "space") {
      }
      return prev.splice(i, prev.length);
    }
    function arrayPushArray(target, source) {
      if (source.length < 1e5)
        Array.prototype.push.apply(target, source);
      else
        for (let i = 0; i < source.length; ++i)
          target.push(source[i]);
    }
    function fixFlowSeqItems(fc) {
      if (fc.start.type === "flow-seq-start") {
        for (const it of fc.items) {
          if (it.sep && !it.value && !includesToken(it.start, "explicit-key-ind") && !includesToken(it.sep, "map-value-ind")) {
            if (it.key)
              it.value = it.key;
            delete it.key;
            if (isFlowToken(it.value)) {
              if (it.value.end)
                arrayPushArray(it.value.end, it.sep);
              else
                it.value.end = it.sep;
            } else
              arrayPushArray(it.start, it.sep);
            delete it.sep;
          }
        }
      }
    }
    var Parser = class {
      /**
       * @param onNewLine - If defined, called separately with the start position of
       *   each new line (in `parse()`, including the start of input).
       */
      constructor(onNewLine) {
        this.atNewLine = true;
        this.atScalar = false;
        this.indent = 0;
        this.offset = 0;
        this.onKeyLine = false;
        this.stack = [];
        this.source = "";
        this.type = "";
        this.lexer = new lexer.Lexer();
        this.onNewLine = onNewLine;
      }
      /**
       * Parse `source` as a YAML stream.
       * If `incomplete`, a part of the last line may be left as a buffer for the next call.
       *
       * Errors are not thrown, but yielded as `{ type: 'error', message }` tokens.
       *
       * @returns A generator of tokens representing each directive, document, and other structure.
       */
      *parse(source, incomplete = false) {
        if (this.onNewLine && this.offset === 0)
          this.onNewLine(0);
        for (const lexeme of this.lexer.lex(source, incomplete))
          yield* this.next(lexeme);
        if (!incomplete)
          yield* this.end();
      }
      /**
       * Advance the parser by the `source` of one lexical token.
       */
      *next(source) {
        this.source = source;
        if (node_process.env.LOG_TOKENS)
          console.log("|", cst.prettyToken(source));
        if (this.atScalar) {
          this.atScalar = false;
          yield* this.step();
          this.offset += source.length;
          return;
        }
        const type = cst.tokenType(source);
        if (!type) {
          const message = `Not a YAML token: ${source}`;
          yield* this.pop({ type: "error", offset: this.offset, message, source });
          this.offset += source.length;
        } else if (type === "scalar") {
          this.atNewLine = false;
          this.atScalar = true;
          this.type = "scalar";
        } else {
          this.type = type;
          yield* this.step();
          switch (type) {
            case "newline":
              this.atNewLine = true;
              this.indent = 0;
              if (this.onNewLine)
                this.onNewLine(this.offset + source.length);
              break;
            case "space":
              if (this.atNewLine && source[0] === " ")
                this.indent += source.length;
              break;
            case "explicit-key-ind":
            case "map-value-ind":
            case "seq-item-ind":
              if (this.atNewLine)
                this.indent += source.length;
              break;
            case "doc-mode":
            case "flow-error-end":
              return;
            default:
              this.atNewLine = false;
          }
          this.offset += source.length;
        }
      }
      /** Call at end of input to push out any remaining constructions */
      *end() {
        while (this.stack.length > 0)
          yield* this.pop();
      }
      get sourceToken() {
        const st = {
          type: this.type,
          offset: this.offset,
          indent: this.indent,
          source: this.source
        };
        return st;
      }
      *step() {
        const top = this.peek(1);
        if (this.type === "doc-end" && top?.type !== "doc-end") {
          while (this.stack.length > 0)
            yield* this.pop();
          this.stack.push({
            type: "doc-end",
            offset: this.offset,
            source: this.source
          });
          return;
        }
        if (!top)
          return yield* this.stream();
        switch (top.type) {
          case "document":
            return yield* this.document(top);
          case "alias":
          case "scalar":
          case "single-quoted-scalar":
          case "double-quoted-scalar":
            return yield* this.scalar(top);
          case "block-scalar":
            return yield* this.blockScalar(top);
          case "block-map":
            return yield* this.blockMap(top);
          case "block-seq":
            return yield* this.blockSequence(top);
          case "flow-collection":
            return yield* this.flowCollection(top);
          case "doc-end":
            return yield* this.documentEnd(top);
        }
        yield* this.pop();
      }
      peek(n) {
        return this.stack[this.stack.length - n];
      }
      *pop(error) {
        const token = error ?? this.stack.pop();
        if (!token) {
          const message = "Tried to pop an empty stack";
          yield { type: "error", offset: this.offset, source: "", message };
        } else if (this.stack.length === 0) {
          yield token;
        } else {
          const top = this.peek(1);
          if (token.type === "block-scalar") {
            token.indent = "indent" in top ? top.indent : 0;
          } else if (token.type === "flow-collection" && top.type === "document") {
            token.indent = 0;
          }
          if (token.type === "flow-collection")
            fixFlowSeqItems(token);
          switch (top.type) {
            case "document":
              top.value = token;
              break;
            case "block-scalar":
              top.props.push(token);
              break;
            case "block-map": {
              const it = top.items[top.items.length - 1];
              if (it.value) {
                top.items.push({ start: [], key: token, sep: [] });
                this.onKeyLine = true;
                return;
              } else if (it.sep) {
                it.value = token;
              } else {
                Object.assign(it, { key: token, sep: [] });
                this.onKeyLine = !it.explicitKey;
                return;
              }
              break;
            }
            case "block-seq": {
              const it = top.items[top.items.length - 1];
              if (it.value)
                top.items.push({ start: [], value: token });
              else
                it.value = token;
              break;
            }
            case "flow-collection": {
              const it = top.items[top.items.length - 1];
              if (!it || it.value)
                top.items.push({ start: [], key: token, sep: [] });
              else if (it.sep)
                it.value = token;
              else
                Object.assign(it, { key: token, sep: [] });
              return;
            }
            /* istanbul ignore next should not happen */
            default:
              yield* this.pop();
              yield* this.pop(token);
          }
          if ((top.type === "document" || top.type === "block-map" || top.type === "block-seq") && (token.type === "block-map" || token.type === "block-seq")) {
            const last = token.items[token.items.length - 1];
            if (last && !last.sep && !last.value && last.start.length > 0 && findNonEmptyIndex(last.start) === -1 && (token.indent === 0 || last.start.every((st) => st.type !== "comment" || st.indent < token.indent))) {
              if (top.type === "document")
                top.end = last.start;
              else
                top.items.push({ start: last.start });
              token.items.splice(-1, 1);
            }
          }
        }
      }
      *stream() {
        switch (this.type) {
          case "directive-line":
            yield { type: "directive", offset: this.offset, source: this.source };
            return;
          case "byte-order-mark":
          case "space":
          case "comment":
          case "newline":
            yield this.sourceToken;
            return;
          case "doc-mode":
          case "doc-start": {
            const doc = {
              type: "document",
              offset: this.offset,
              start: []
            };
            if (this.type === "doc-start")
              doc.start.push(this.sourceToken);
            this.stack.push(doc);
            return;
          }
        }
        yield {
          type: "error",
          offset: this.offset,
          message: `Unexpected ${this.type} token in YAML stream`,
          source: this.source
        };
      }
      *document(doc) {
        if (doc.value)
          return yield* this.lineEnd(doc);
        switch (this.type) {
          case "doc-start": {
            if (findNonEmptyIndex(doc.start) !== -1) {
              yield* this.pop();
              yield* this.step();
            } else
              doc.start.push(this.sourceToken);
            return;
          }
          case "anchor":
          case "tag":
          case "space":
          case "comment":
          case "newline":
            doc.start.push(this.sourceToken);
            return;
        }
        const bv = this.startBlockValue(doc);
        if (bv)
          this.stack.push(bv);
        else {
          yield {
            type: "error",
            offset: this.offset,
            message: `Unexpected ${this.type} token in YAML document`,
            source: this.source
          };
        }
      }
      *scalar(scalar) {
        if (this.type === "map-value-ind") {
          const prev = getPrevProps(this.peek(2));
          const start = getFirstKeyStartProps(prev);
          let sep3;
          if (scalar.end) {
            sep3 = scalar.end;
            sep3.push(this.sourceToken);
            delete scalar.end;
          } else
            sep3 = [this.sourceToken];
          const map = {
            type: "block-map",
            offset: scalar.offset,
            indent: scalar.indent,
            items: [{ start, key: scalar, sep: sep3 }]
          };
          this.onKeyLine = true;
          this.stack[this.stack.length - 1] = map;
        } else
          yield* this.lineEnd(scalar);
      }
      *blockScalar(scalar) {
        switch (this.type) {
          case "space":
          case "comment":
          case "newline":
            scalar.props.push(this.sourceToken);
            return;
          case "scalar":
            scalar.source = this.source;
            this.atNewLine = true;
            this.indent = 0;
            if (this.onNewLine) {
              let nl = this.source.indexOf("\n") + 1;
              while (nl !== 0) {
                this.onNewLine(this.offset + nl);
                nl = this.source.indexOf("\n", nl) + 1;
              }
            }
            yield* this.pop();
            break;
          /* istanbul ignore next should not happen */
          default:
            yield* this.pop();
            yield* this.step();
        }
      }
      *blockMap(map) {
        const it = map.items[map.items.length - 1];
        switch (this.type) {
          case "newline":
            this.onKeyLine = false;
            if (it.value) {
              const end = "end" in it.value ? it.value.end : void 0;
              const last = Array.isArray(end) ? end[end.length - 1] : void 0;
              if (last?.type === "comment")
                end?.push(this.sourceToken);
              else
                map.items.push({ start: [this.sourceToken] });
            } else if (it.sep) {
              it.sep.push(this.sourceToken);
            } else {
              it.start.push(this.sourceToken);
            }
            return;
          case "space":
          case "comment":
            if (it.value) {
              map.items.push({ start: [this.sourceToken] });
            } else if (it.sep) {
              it.sep.push(this.sourceToken);
            } else {
              if (this.atIndentedComment(it.start, map.indent)) {
                const prev = map.items[map.items.length - 2];
                const end = prev?.value?.end;
                if (Array.isArray(end)) {
                  arrayPushArray(end, it.start);
                  end.push(this.sourceToken);
                  map.items.pop();
                  return;
                }
              }
              it.start.push(this.sourceToken);
            }
            return;
        }
        if (this.indent >= map.indent) {
          const atMapIndent = !this.onKeyLine && this.indent === map.indent;
          const atNextItem = atMapIndent && (it.sep || it.explicitKey) && this.type !== "seq-item-ind";
          let start = [];
          if (atNextItem && it.sep && !it.value) {
            const nl = [];
            for (let i = 0; i < it.sep.length; ++i) {
              const st = it.sep[i];
              switch (st.type) {
                case "newline":
                  nl.push(i);
                  break;
                case "space":
                  break;
                case "comment":
                  if (st.indent > map.indent)
                    nl.length = 0;
                  break;
                default:
                  nl.length = 0;
              }
            }
            if (nl.length >= 2)
              start = it.sep.splice(nl[1]);
          }
          switch (this.type) {
            case "anchor":
            case "tag":
              if (atNextItem || it.value) {
                start.push(this.sourceToken);
                map.items.push({ start });
                this.onKeyLine = true;
              } else if (it.sep) {
                it.sep.push(this.sourceToken);
              } else {
                it.start.push(this.sourceToken);
              }
              return;
            case "explicit-key-ind":
              if (!it.sep && !it.explicitKey) {
                it.start.push(this.sourceToken);
                it.explicitKey = true;
              } else if (atNextItem || it.value) {
                start.push(this.sourceToken);
                map.items.push({ start, explicitKey: true });
              } else {
                this.stack.push({
                  type: "block-map",
                  offset: this.offset,
                  indent: this.indent,
                  items: [{ start: [this.sourceToken], explicitKey: true }]
                });
              }
              this.onKeyLine = true;
              return;
            case "map-value-ind":
              if (it.explicitKey) {
                if (!it.sep) {
                  if (includesToken(it.start, "newline")) {
                    Object.assign(it, { key: null, sep: [this.sourceToken] });
                  } else {
                    const start2 = getFirstKeyStartProps(it.start);
                    this.stack.push({
                      type: "block-map",
                      offset: this.offset,
                      indent: this.indent,
                      items: [{ start: start2, key: null, sep: [this.sourceToken] }]
                    });
                  }
                } else if (it.value) {
                  map.items.push({ start: [], key: null, sep: [this.sourceToken] });
                } else if (includesToken(it.sep, "map-value-ind")) {
                  this.stack.push({
                    type: "block-map",
                    offset: this.offset,
                    indent: this.indent,
                    items: [{ start, key: null, sep: [this.sourceToken] }]
                  });
                } else if (isFlowToken(it.key) && !includesToken(it.sep, "newline")) {
                  const start2 = getFirstKeyStartProps(it.start);
                  const key = it.key;
                  const sep3 = it.sep;
                  sep3.push(this.sourceToken);
                  delete it.key;
                  delete it.sep;
                  this.stack.push({
                    type: "block-map",
                    offset: this.offset,
                    indent: this.indent,
                    items: [{ start: start2, key, sep: sep3 }]
                  });
                } else if (start.length > 0) {
                  it.sep = it.sep.concat(start, this.sourceToken);
                } else {
                  it.sep.push(this.sourceToken);
                }
              } else {
                if (!it.sep) {
                  Object.assign(it, { key: null, sep: [this.sourceToken] });
                } else if (it.value || atNextItem) {
                  map.items.push({ start, key: null, sep: [this.sourceToken] });
                } else if (includesToken(it.sep, "map-value-ind")) {
                  this.stack.push({
                    type: "block-map",
                    offset: this.offset,
                    indent: this.indent,
                    items: [{ start: [], key: null, sep: [this.sourceToken] }]
                  });
                } else {
                  it.sep.push(this.sourceToken);
                }
              }
              this.onKeyLine = true;
              return;
            case "alias":
            case "scalar":
            case "single-quoted-scalar":
            case "double-quoted-scalar": {
              const fs = this.flowScalar(this.type);
              if (atNextItem || it.value) {
                map.items.push({ start, key: fs, sep: [] });
                this.onKeyLine = true;
              } else if (it.sep) {
                this.stack.push(fs);
              } else {
                Object.assign(it, { key: fs, sep: [] });
                this.onKeyLine = true;
              }
              return;
            }
            default: {
              const bv = this.startBlockValue(map);
              if (bv) {
                if (bv.type === "block-seq") {
                  if (!it.explicitKey && it.sep && !includesToken(it.sep, "newline")) {
                    yield* this.pop({
                      type: "error",
                      offset: this.offset,
                      message: "Unexpected block-seq-ind on same line with key",
                      source: this.source
                    });
                    return;
                  }
                } else if (atMapIndent) {
                  map.items.push({ start });
                }
                this.stack.push(bv);
                return;
              }
            }
          }
        }
        yield* this.pop();
        yield* this.step();
      }
      *blockSequence(seq) {
        const it = seq.items[seq.items.length - 1];
        switch (this.type) {
          case "newline":
            if (it.value) {
              const end = "end" in it.value ? it.value.end : void 0;
              const last = Array.isArray(end) ? end[end.length - 1] : void 0;
              if (last?.type === "comment")
                end?.push(this.sourceToken);
              else
                seq.items.push({ start: [this.sourceToken] });
            } else
              it.start.push(this.sourceToken);
            return;
          case "space":
          case "comment":
            if (it.value)
              seq.items.push({ start: [this.sourceToken] });
            else {
              if (this.atIndentedComment(it.start, seq.indent)) {
                const prev = seq.items[seq.items.length - 2];
                const end = prev?.value?.end;
                if (Array.isArray(end)) {
                  arrayPushArray(end, it.start);
                  end.push(this.sourceToken);
                  seq.items.pop();
                  return;
                }
              }
              it.start.push(this.sourceToken);
            }
            return;
          case "anchor":
          case "tag":
            if (it.value || this.indent <= seq.indent)
              break;
            it.start.push(this.sourceToken);
            return;
          case "seq-item-ind":
            if (this.indent !== seq.indent)
              break;
            if (it.value || includesToken(it.start, "seq-item-ind"))
              seq.items.push({ start: [this.sourceToken] });
            else
              it.start.push(this.sourceToken);
            return;
        }
        if (this.indent > seq.indent) {
          const bv = this.startBlockValue(seq);
          if (bv) {
            this.stack.push(bv);
            return;
          }
        }
        yield* this.pop();
        yield* this.step();
      }
      *flowCollection(fc) {
        const it = fc.items[fc.items.length - 1];
        if (this.type === "flow-error-end") {
          let top;
          do {
            yield* this.pop();
            top = this.peek(1);
          } while (top?.type === "flow-collection");
        } else if (fc.end.length === 0) {
          switch (this.type) {
            case "comma":
            case "explicit-key-ind":
              if (!it || it.sep)
                fc.items.push({ start: [this.sourceToken] });
              else
                it.start.push(this.sourceToken);
              return;
            case "map-value-ind":
              if (!it || it.value)
                fc.items.push({ start: [], key: null, sep: [this.sourceToken] });
              else if (it.sep)
                it.sep.push(this.sourceToken);
              else
                Object.assign(it, { key: null, sep: [this.sourceToken] });
              return;
            case "space":
            case "comment":
            case "newline":
            case "anchor":
            case "tag":
              if (!it || it.value)
                fc.items.push({ start: [this.sourceToken] });
              else if (it.sep)
                it.sep.push(this.sourceToken);
              else
                it.start.push(this.sourceToken);
              return;
            case "alias":
            case "scalar":
            case "single-quoted-scalar":
            case "double-quoted-scalar": {
              const fs = this.flowScalar(this.type);
              if (!it || it.value)
                fc.items.push({ start: [], key: fs, sep: [] });
              else if (it.sep)
                this.stack.push(fs);
              else
                Object.assign(it, { key: fs, sep: [] });
              return;
            }
            case "flow-map-end":
            case "flow-seq-end":
              fc.end.push(this.sourceToken);
              return;
          }
          const bv = this.startBlockValue(fc);
          if (bv)
            this.stack.push(bv);
          else {
            yield* this.pop();
            yield* this.step();
          }
        } else {
          const parent = this.peek(2);
          if (parent.type === "block-map" && (this.type === "map-value-ind" && parent.indent === fc.indent || this.type === "newline" && !parent.items[parent.items.length - 1].sep)) {
            yield* this.pop();
            yield* this.step();
          } else if (this.type === "map-value-ind" && parent.type !== "flow-collection") {
            const prev = getPrevProps(parent);
            const start = getFirstKeyStartProps(prev);
            fixFlowSeqItems(fc);
            const sep3 = fc.end.splice(1, fc.end.length);
            sep3.push(this.sourceToken);
            const map = {
              type: "block-map",
              offset: fc.offset,
              indent: fc.indent,
              items: [{ start, key: fc, sep: sep3 }]
            };
            this.onKeyLine = true;
            this.stack[this.stack.length - 1] = map;
          } else {
            yield* this.lineEnd(fc);
          }
        }
      }
      flowScalar(type) {
        if (this.onNewLine) {
          let nl = this.source.indexOf("\n") + 1;
          while (nl !== 0) {
            this.onNewLine(this.offset + nl);
            nl = this.source.indexOf("\n", nl) + 1;
          }
        }
        return {
          type,
          offset: this.offset,
          indent: this.indent,
          source: this.source
        };
      }
      startBlockValue(parent) {
        switch (this.type) {
          case "alias":
          case "scalar":
          case "single-quoted-scalar":
          case "double-quoted-scalar":
            return this.flowScalar(this.type);
          case "block-scalar-header":
            return {
              type: "block-scalar",
              offset: this.offset,
              indent: this.indent,
              props: [this.sourceToken],
              source: ""
            };
          case "flow-map-start":
          case "flow-seq-start":
            return {
              type: "flow-collection",
              offset: this.offset,
              indent: this.indent,
              start: this.sourceToken,
              items: [],
              end: []
            };
          case "seq-item-ind":
            return {
              type: "block-seq",
              offset: this.offset,
              indent: this.indent,
              items: [{ start: [this.sourceToken] }]
            };
          case "explicit-key-ind": {
            this.onKeyLine = true;
            const prev = getPrevProps(parent);
            const start = getFirstKeyStartProps(prev);
            start.push(this.sourceToken);
            return {
              type: "block-map",
              offset: this.offset,
              indent: this.indent,
              items: [{ start, explicitKey: true }]
            };
          }
          case "map-value-ind": {
            this.onKeyLine = true;
            const prev = getPrevProps(parent);
            const start = getFirstKeyStartProps(prev);
            return {
              type: "block-map",
              offset: this.offset,
              indent: this.indent,
              items: [{ start, key: null, sep: [this.sourceToken] }]
            };
          }
        }
        return null;
      }
      atIndentedComment(start, indent) {
        if (this.type !== "comment")
          return false;
        if (this.indent <= indent)
          return false;
        return start.every((st) => st.type === "newline" || st.type === "space");
      }
      *documentEnd(docEnd) {
        if (this.type !== "doc-mode") {
          if (docEnd.end)
            docEnd.end.push(this.sourceToken);
          else
            docEnd.end = [this.sourceToken];
          if (this.type === "newline")
            yield* this.pop();
        }
      }
      *lineEnd(token) {
        switch (this.type) {
          case "comma":
          case "doc-start":
          case "doc-end":
          case "flow-seq-end":
          case "flow-map-end":
          case "map-value-ind":
            yield* this.pop();
            yield* this.step();
            break;
          case "newline":
            this.onKeyLine = false;
          // fallthrough
          case "space":
          case "comment":
          default:
            if (token.end)
              token.end.push(this.sourceToken);
            else
              token.end = [this.sourceToken];
            if (this.type === "newline")
              yield* this.pop();
        }
      }
    };
    exports.Parser = Parser;
  }
});

// ../../node_modules/yaml/dist/public-api.js
var require_public_api = __commonJS({
  "../../node_modules/yaml/dist/public-api.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var composer = require_composer();
    var Document = require_Document();
    var errors = require_errors();
    var log = require_log();
    var identity = require_identity();
    var lineCounter = require_line_counter();
    var parser = require_parser();
    function parseOptions(options) {
      const prettyErrors = options.prettyErrors !== false;
      const lineCounter$1 = options.lineCounter || prettyErrors && new lineCounter.LineCounter() || null;
      return { lineCounter: lineCounter$1, prettyErrors };
    }
    function parseAllDocuments(source, options = {}) {
      const { lineCounter: lineCounter2, prettyErrors } = parseOptions(options);
      const parser$1 = new parser.Parser(lineCounter2?.addNewLine);
      const composer$1 = new composer.Composer(options);
      const docs = Array.from(composer$1.compose(parser$1.parse(source)));
      if (prettyErrors && lineCounter2)
        for (const doc of docs) {
          doc.errors.forEach(errors.prettifyError(source, lineCounter2));
          doc.warnings.forEach(errors.prettifyError(source, lineCounter2));
        }
      if (docs.length > 0)
        return docs;
      return Object.assign([], { empty: true }, composer$1.streamInfo());
    }
    function parseDocument(source, options = {}) {
      const { lineCounter: lineCounter2, prettyErrors } = parseOptions(options);
      const parser$1 = new parser.Parser(lineCounter2?.addNewLine);
      const composer$1 = new composer.Composer(options);
      let doc = null;
      for (const _doc of composer$1.compose(parser$1.parse(source), true, source.length)) {
        if (!doc)
          doc = _doc;
        else if (doc.options.logLevel !== "silent") {
          doc.errors.push(new errors.YAMLParseError(_doc.range.slice(0, 2), "MULTIPLE_DOCS", "Source contains multiple documents; please use YAML.parseAllDocuments()"));
          break;
        }
      }
      if (prettyErrors && lineCounter2) {
        doc.errors.forEach(errors.prettifyError(source, lineCounter2));
        doc.warnings.forEach(errors.prettifyError(source, lineCounter2));
      }
      return doc;
    }
    function parse(src, reviver, options) {
      let _reviver = void 0;
      if (typeof reviver === "function") {
        _reviver = reviver;
      } else if (options === void 0 && reviver && typeof reviver === "object") {
        options = reviver;
      }
      const doc = parseDocument(src, options);
      if (!doc)
        return null;
      doc.warnings.forEach((warning) => log.warn(doc.options.logLevel, warning));
      if (doc.errors.length > 0) {
        if (doc.options.logLevel !== "silent")
          throw doc.errors[0];
        else
          doc.errors = [];
      }
      return doc.toJS(Object.assign({ reviver: _reviver }, options));
    }
    function stringify(value, replacer, options) {
      let _replacer = null;
      if (typeof replacer === "function" || Array.isArray(replacer)) {
        _replacer = replacer;
      } else if (options === void 0 && replacer) {
        options = replacer;
      }
      if (typeof options === "string")
        options = options.length;
      if (typeof options === "number") {
        const indent = Math.round(options);
        options = indent < 1 ? void 0 : indent > 8 ? { indent: 8 } : { indent };
      }
      if (value === void 0) {
        const { keepUndefined } = options ?? replacer ?? {};
        if (!keepUndefined)
          return void 0;
      }
      if (identity.isDocument(value) && !_replacer)
        return value.toString(options);
      return new Document.Document(value, _replacer, options).toString(options);
    }
    exports.parse = parse;
    exports.parseAllDocuments = parseAllDocuments;
    exports.parseDocument = parseDocument;
    exports.stringify = stringify;
  }
});

// ../../node_modules/yaml/dist/index.js
var require_dist2 = __commonJS({
  "../../node_modules/yaml/dist/index.js"(exports) {
    "use strict";
    init_define_STOWAGE_UI_ASSETS();
    var composer = require_composer();
    var Document = require_Document();
    var Schema = require_Schema();
    var errors = require_errors();
    var Alias = require_Alias();
    var identity = require_identity();
    var Pair = require_Pair();
    var Scalar = require_Scalar();
    var YAMLMap = require_YAMLMap();
    var YAMLSeq = require_YAMLSeq();
    var cst = require_cst();
    var lexer = require_lexer();
    var lineCounter = require_line_counter();
    var parser = require_parser();
    var publicApi = require_public_api();
    var visit = require_visit();
    exports.Composer = composer.Composer;
    exports.Document = Document.Document;
    exports.Schema = Schema.Schema;
    exports.YAMLError = errors.YAMLError;
    exports.YAMLParseError = errors.YAMLParseError;
    exports.YAMLWarning = errors.YAMLWarning;
    exports.Alias = Alias.Alias;
    exports.isAlias = identity.isAlias;
    exports.isCollection = identity.isCollection;
    exports.isDocument = identity.isDocument;
    exports.isMap = identity.isMap;
    exports.isNode = identity.isNode;
    exports.isPair = identity.isPair;
    exports.isScalar = identity.isScalar;
    exports.isSeq = identity.isSeq;
    exports.Pair = Pair.Pair;
    exports.Scalar = Scalar.Scalar;
    exports.YAMLMap = YAMLMap.YAMLMap;
    exports.YAMLSeq = YAMLSeq.YAMLSeq;
    exports.CST = cst;
    exports.Lexer = lexer.Lexer;
    exports.LineCounter = lineCounter.LineCounter;
    exports.Parser = parser.Parser;
    exports.parse = publicApi.parse;
    exports.parseAllDocuments = publicApi.parseAllDocuments;
    exports.parseDocument = publicApi.parseDocument;
    exports.stringify = publicApi.stringify;
    exports.visit = visit.visit;
    exports.visitAsync = visit.visitAsync;
  }
});

// ../core/dist/errors.js
init_define_STOWAGE_UI_ASSETS();
var StowageError = class extends Error {
  name = "StowageError";
  code;
  status;
  hint;
  constructor(code, message, opts = {}) {
    super(message, opts.cause === void 0 ? void 0 : { cause: opts.cause });
    this.code = code;
    if (opts.status !== void 0)
      this.status = opts.status;
    if (opts.hint !== void 0)
      this.hint = opts.hint;
  }
};
function isStowageError(err, code) {
  return err instanceof StowageError && (code === void 0 || err.code === code);
}
var ErrorCodes = {
  /** A build-info document (or part of one) does not match the build-info 1.0.1 layout. */
  BUILDINFO_INVALID: "ERR_BUILDINFO_INVALID",
  /** A local file to upload or hash does not exist. */
  FILE_NOT_FOUND: "ERR_FILE_NOT_FOUND",
  /** A local file could not be read or written (permissions, disk full, …). */
  FILE_IO: "ERR_FILE_IO",
  /** The local build-info store could not be read or written. */
  STORE_IO: "ERR_STORE_IO",
  /** A part file in the local build-info store is not valid JSON. */
  STORE_CORRUPT: "ERR_STORE_CORRUPT",
  /** A build name or number cannot be used as a store key (empty or too long). */
  STORE_KEY: "ERR_STORE_KEY",
  /** `git` is not installed, or refused to read the repository. */
  COLLECT_GIT: "ERR_COLLECT_GIT",
  /** The client was given a URL it cannot use. */
  CLIENT_URL: "ERR_CLIENT_URL",
  /** Connection refused, or the host name does not resolve. */
  CLIENT_UNREACHABLE: "ERR_CLIENT_UNREACHABLE",
  /** The server did not answer within `timeoutMs`. */
  CLIENT_TIMEOUT: "ERR_CLIENT_TIMEOUT",
  /** The connection broke (reset, closed early, TLS failure). */
  CLIENT_NETWORK: "ERR_CLIENT_NETWORK",
  /** Downloaded content does not match the checksums the server announced. */
  CLIENT_CHECKSUM: "ERR_CLIENT_CHECKSUM",
  /** The server answered with something that is not what the API documents. */
  CLIENT_BAD_RESPONSE: "ERR_CLIENT_BAD_RESPONSE",
  /** HTTP 400 without a server-specific code. */
  CLIENT_BAD_REQUEST: "ERR_CLIENT_BAD_REQUEST",
  /** HTTP 401 without a server-specific code. */
  CLIENT_UNAUTHORIZED: "ERR_CLIENT_UNAUTHORIZED",
  /** HTTP 403 without a server-specific code. */
  CLIENT_FORBIDDEN: "ERR_CLIENT_FORBIDDEN",
  /** HTTP 404 without a server-specific code. */
  CLIENT_NOT_FOUND: "ERR_CLIENT_NOT_FOUND",
  /** HTTP 409 without a server-specific code. */
  CLIENT_CONFLICT: "ERR_CLIENT_CONFLICT",
  /** HTTP 5xx without a server-specific code (after retries, for idempotent calls). */
  CLIENT_SERVER: "ERR_CLIENT_SERVER",
  /** Any other unexpected HTTP status. */
  CLIENT_HTTP: "ERR_CLIENT_HTTP"
};

// ../core/dist/checksums.js
init_define_STOWAGE_UI_ASSETS();
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";

// ../core/dist/internal/files.js
init_define_STOWAGE_UI_ASSETS();
function fileError(err, path, doing) {
  const code = err?.code;
  if (code === "ENOENT") {
    return new StowageError(ErrorCodes.FILE_NOT_FOUND, `cannot ${doing} ${path}: no such file`, {
      hint: "check the path (relative paths are resolved from the working directory)",
      cause: err
    });
  }
  if (code === "EISDIR") {
    return new StowageError(ErrorCodes.FILE_IO, `cannot ${doing} ${path}: it is a directory`, {
      hint: "pass a file, not a directory",
      cause: err
    });
  }
  const reason = err instanceof Error ? err.message : String(err);
  return new StowageError(ErrorCodes.FILE_IO, `cannot ${doing} ${path}: ${reason}`, {
    hint: "check that the file exists and is readable",
    cause: err
  });
}

// ../core/dist/checksums.js
var MultiHash = class {
  #sha1 = createHash("sha1");
  #sha256 = createHash("sha256");
  #md5 = createHash("md5");
  #size = 0;
  update(chunk) {
    const buf = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    this.#sha1.update(buf);
    this.#sha256.update(buf);
    this.#md5.update(buf);
    this.#size += buf.byteLength;
    return this;
  }
  /** Bytes fed so far. */
  get size() {
    return this.#size;
  }
  digest() {
    return {
      sha1: this.#sha1.digest("hex"),
      sha256: this.#sha256.digest("hex"),
      md5: this.#md5.digest("hex")
    };
  }
};
async function hashStream(readable) {
  const hash = new MultiHash();
  for await (const chunk of readable)
    hash.update(chunk);
  return { ...hash.digest(), size: hash.size };
}
async function hashFile(path) {
  try {
    return await hashStream(createReadStream(path));
  } catch (err) {
    throw fileError(err, path, "hash");
  }
}

// ../core/dist/core.js
init_define_STOWAGE_UI_ASSETS();

// ../core/dist/buildinfo.js
init_define_STOWAGE_UI_ASSETS();
var BUILD_INFO_VERSION = "1.0.1";
var STARTED_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}(Z|[+-]\d{4})$/;
var pad = (n, width = 2) => String(n).padStart(width, "0");
function formatStarted(date, offsetMinutes = 0) {
  if (Number.isNaN(date.getTime())) {
    throw new StowageError(ErrorCodes.BUILDINFO_INVALID, "cannot format an invalid Date as a build start time", {
      hint: "pass a valid Date (for example new Date())"
    });
  }
  if (!Number.isInteger(offsetMinutes) || Math.abs(offsetMinutes) >= 24 * 60) {
    throw new StowageError(ErrorCodes.BUILDINFO_INVALID, `time-zone offset ${offsetMinutes} is not a whole number of minutes between -1439 and 1439`, { hint: "pass the offset east of UTC in minutes, e.g. 60 for +0100" });
  }
  const local = new Date(date.getTime() + offsetMinutes * 6e4);
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  return `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}.${pad(local.getUTCMilliseconds(), 3)}${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
}
var PARSE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})$/;
function parseStarted(s) {
  const m = typeof s === "string" ? PARSE_PATTERN.exec(s) : null;
  const invalid2 = () => new StowageError(ErrorCodes.BUILDINFO_INVALID, `build start time ${JSON.stringify(s)} is not of the form yyyy-MM-dd'T'HH:mm:ss.SSSZ (e.g. 2026-11-25T07:27:22.123+0000)`, { hint: "produce it with formatStarted(new Date())" });
  if (!m)
    throw invalid2();
  const [, y, mo, d, h, mi, sec, frac = "0", zone = "Z"] = m;
  const ms = Number(frac.padEnd(3, "0").slice(0, 3));
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec), ms);
  const check = new Date(utc);
  if (check.getUTCFullYear() !== Number(y) || check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(sec) > 59) {
    throw invalid2();
  }
  let offset = 0;
  if (zone !== "Z") {
    const digits = zone.slice(1).replace(":", "");
    const oh = Number(digits.slice(0, 2));
    const om = Number(digits.slice(2, 4));
    if (om > 59)
      throw invalid2();
    offset = (zone.startsWith("-") ? -1 : 1) * (oh * 60 + om);
  }
  return new Date(utc - offset * 6e4);
}
function newBuildInfo(opts) {
  requireKey(opts.name, "name");
  requireKey(opts.number, "number");
  const info = {
    version: BUILD_INFO_VERSION,
    name: opts.name,
    number: opts.number,
    started: formatStarted(opts.started ?? /* @__PURE__ */ new Date())
  };
  if (opts.url !== void 0)
    info.url = opts.url;
  if (opts.principal !== void 0)
    info.principal = opts.principal;
  if (opts.agent !== void 0)
    info.agent = { ...opts.agent };
  if (opts.buildAgent !== void 0)
    info.buildAgent = { ...opts.buildAgent };
  return info;
}
function requireKey(value, field) {
  if (typeof value !== "string" || value.trim() === "") {
    throw new StowageError(ErrorCodes.BUILDINFO_INVALID, `build ${field} must be a non-empty string, got ${JSON.stringify(value)}`, { hint: `pass the build ${field}${field === "number" ? ' as a string, e.g. "42"' : ""}` });
  }
}
var artifactKey = (a) => a.sha256 ? `sha256:${a.sha256.toLowerCase()}` : a.sha1 ? `sha1:${a.sha1.toLowerCase()}` : `name:${a.name}\0${a.path ?? ""}`;
var dependencyKey = (d) => `${d.id}\0${(d.sha256 ?? d.sha1 ?? d.md5 ?? "").toLowerCase()}`;
var vcsKey = (v) => `${v.url ?? ""}\0${v.revision ?? ""}`;
var statusKey = (s) => JSON.stringify([s.status, s.timestamp, s.repository ?? "", s.user ?? "", s.ciUser ?? ""]);
function assignDefined(into, from) {
  for (const [k, v] of Object.entries(from)) {
    if (v !== void 0)
      into[k] = v;
  }
}
function mergeList(into, more, key, combine) {
  if (!more || more.length === 0)
    return into;
  const out = into ?? [];
  const index = /* @__PURE__ */ new Map();
  for (const x of out)
    index.set(key(x), x);
  for (const incoming of more) {
    const k = key(incoming);
    const existing = index.get(k);
    if (existing) {
      combine(existing, incoming);
    } else {
      const copy = structuredClone(incoming);
      out.push(copy);
      index.set(k, copy);
    }
  }
  return out;
}
function unionStrings(a, b) {
  if (!b || b.length === 0)
    return a;
  const out = a ?? [];
  for (const s of b)
    if (!out.includes(s))
      out.push(s);
  return out;
}
function mergeDependency(into, from) {
  const scopes = unionStrings(into.scopes, from.scopes);
  const requestedBy = mergeList(into.requestedBy, from.requestedBy, (p) => JSON.stringify(p), () => {
  });
  const { scopes: _s, requestedBy: _r, ...rest } = from;
  assignDefined(into, structuredClone(rest));
  if (scopes)
    into.scopes = scopes;
  if (requestedBy)
    into.requestedBy = requestedBy;
}
function mergeModule(into, from) {
  if (from.type !== void 0)
    into.type = from.type;
  if (from.properties)
    into.properties = { ...into.properties, ...from.properties };
  const artifacts = mergeList(into.artifacts, from.artifacts, artifactKey, (a, b) => assignDefined(a, b));
  if (artifacts)
    into.artifacts = artifacts;
  const dependencies = mergeList(into.dependencies, from.dependencies, dependencyKey, mergeDependency);
  if (dependencies)
    into.dependencies = dependencies;
}
function earlierStarted(a, b) {
  if (a === void 0)
    return b;
  if (b === void 0)
    return a;
  let ta;
  let tb;
  try {
    ta = parseStarted(a).getTime();
  } catch {
    return b;
  }
  try {
    tb = parseStarted(b).getTime();
  } catch {
    return a;
  }
  return tb < ta ? b : a;
}
function mergeBuildInfo(base2, ...parts) {
  return mergeParts(base2, parts);
}
function mergeParts(base2, parts) {
  const out = structuredClone(base2);
  out.version ??= BUILD_INFO_VERSION;
  for (const part of parts) {
    const { started, properties, vcs, modules, statuses, version: _v, ...scalars } = part;
    assignDefined(out, structuredClone(scalars));
    const s = earlierStarted(out.started, started);
    if (s !== void 0)
      out.started = s;
    if (properties)
      out.properties = { ...out.properties, ...properties };
    const mergedVcs = mergeList(out.vcs, vcs, vcsKey, (a, b) => assignDefined(a, b));
    if (mergedVcs)
      out.vcs = mergedVcs;
    const mergedModules = mergeList(out.modules, modules, (m) => m.id, mergeModule);
    if (mergedModules)
      out.modules = mergedModules;
    const mergedStatuses = mergeList(out.statuses, statuses, statusKey, () => {
    });
    if (mergedStatuses)
      out.statuses = mergedStatuses;
  }
  return out;
}
var HEX_LENGTH = { sha1: 40, sha256: 64, md5: 32 };
var isObject = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
var describe = (v) => v === null ? "null" : Array.isArray(v) ? "an array" : `a ${typeof v}`;
var Problems = class {
  list = [];
  add(path, what) {
    this.list.push(`${path} ${what}`);
  }
  optionalString(obj, key, path) {
    const v = obj[key];
    if (v !== void 0 && typeof v !== "string")
      this.add(`${path}${key}`, `must be a string, got ${describe(v)}`);
  }
  requiredString(obj, key, path, example) {
    const v = obj[key];
    if (v === void 0)
      this.add(`${path}${key}`, `is missing (e.g. ${example})`);
    else if (typeof v !== "string")
      this.add(`${path}${key}`, `must be a string, got ${describe(v)} (e.g. ${example})`);
    else if (v.trim() === "")
      this.add(`${path}${key}`, `must not be empty (e.g. ${example})`);
  }
  stringMap(obj, key, path) {
    const v = obj[key];
    if (v === void 0)
      return;
    if (!isObject(v)) {
      this.add(`${path}${key}`, `must be an object of string values, got ${describe(v)}`);
      return;
    }
    for (const [k, val] of Object.entries(v)) {
      if (typeof val !== "string")
        this.add(`${path}${key}.${k}`, `must be a string, got ${describe(val)}`);
    }
  }
  checksums(obj, path) {
    for (const algo of ["sha1", "sha256", "md5"]) {
      const v = obj[algo];
      if (v === void 0)
        continue;
      if (typeof v !== "string" || !new RegExp(`^[0-9a-fA-F]{${HEX_LENGTH[algo]}}$`).test(v)) {
        this.add(`${path}${algo}`, `must be ${HEX_LENGTH[algo]} hex digits, got ${JSON.stringify(v)} (compute it with hashFile())`);
      }
    }
  }
  array(obj, key, path, each) {
    const v = obj[key];
    if (v === void 0)
      return;
    if (!Array.isArray(v)) {
      this.add(`${path}${key}`, `must be an array, got ${describe(v)}`);
      return;
    }
    v.forEach((item, i) => {
      const itemPath = `${path}${key}[${i}]`;
      if (!isObject(item))
        this.add(itemPath, `must be an object, got ${describe(item)}`);
      else
        each(item, `${itemPath}.`);
    });
  }
  agent(obj, key, path) {
    const v = obj[key];
    if (v === void 0)
      return;
    if (!isObject(v)) {
      this.add(`${path}${key}`, `must be an object { name, version }, got ${describe(v)}`);
      return;
    }
    this.optionalString(v, "name", `${path}${key}.`);
    this.optionalString(v, "version", `${path}${key}.`);
  }
};
function validateBuildInfo(doc) {
  if (!isObject(doc)) {
    throw new StowageError(ErrorCodes.BUILDINFO_INVALID, `build-info must be a JSON object, got ${describe(doc)}`, {
      hint: 'send one build-info object, e.g. {"version":"1.0.1","name":"app","number":"42","started":"\u2026"}'
    });
  }
  const p = new Problems();
  p.optionalString(doc, "version", "");
  p.requiredString(doc, "name", "", '"nightly-etl"');
  if (typeof doc.number === "number") {
    p.add("number", `must be a string, got the number ${doc.number} (send it as "${doc.number}")`);
  } else {
    p.requiredString(doc, "number", "", '"42"');
  }
  if (doc.started === void 0) {
    p.add("started", 'is missing (e.g. "2026-11-25T07:27:22.123+0000"; produce it with formatStarted())');
  } else if (typeof doc.started !== "string" || !STARTED_PATTERN.test(doc.started)) {
    p.add("started", `must look like yyyy-MM-dd'T'HH:mm:ss.SSSZ (e.g. "2026-11-25T07:27:22.123+0000"), got ${JSON.stringify(doc.started)}`);
  } else {
    try {
      parseStarted(doc.started);
    } catch {
      p.add("started", `is not a real date and time: ${JSON.stringify(doc.started)}`);
    }
  }
  for (const key of ["type", "principal", "url"])
    p.optionalString(doc, key, "");
  const d = doc.durationMillis;
  if (d !== void 0 && !(typeof d === "number" && Number.isInteger(d) && d >= 0)) {
    p.add("durationMillis", `must be a non-negative integer, got ${JSON.stringify(d)}`);
  }
  p.agent(doc, "agent", "");
  p.agent(doc, "buildAgent", "");
  p.stringMap(doc, "properties", "");
  p.array(doc, "vcs", "", (v, path) => {
    for (const key of ["url", "branch", "revision", "message"])
      p.optionalString(v, key, path);
  });
  p.array(doc, "modules", "", (m, path) => {
    p.requiredString(m, "id", path, '"org.example:app:1.0"');
    p.optionalString(m, "type", path);
    p.stringMap(m, "properties", path);
    p.array(m, "artifacts", path, (a, apath) => {
      p.requiredString(a, "name", apath, '"app-1.0.tgz"');
      p.optionalString(a, "type", apath);
      p.optionalString(a, "path", apath);
      p.checksums(a, apath);
      const size = a.size;
      if (size !== void 0 && !(typeof size === "number" && Number.isInteger(size) && size >= 0)) {
        p.add(`${apath}size`, `must be a non-negative integer, got ${JSON.stringify(size)}`);
      }
    });
    p.array(m, "dependencies", path, (dep, dpath) => {
      p.requiredString(dep, "id", dpath, '"lodash:4.17.21"');
      p.optionalString(dep, "type", dpath);
      p.checksums(dep, dpath);
      const scopes = dep.scopes;
      if (scopes !== void 0 && !(Array.isArray(scopes) && scopes.every((s) => typeof s === "string"))) {
        p.add(`${dpath}scopes`, "must be an array of strings");
      }
      const rb = dep.requestedBy;
      if (rb !== void 0 && !(Array.isArray(rb) && rb.every((chain) => Array.isArray(chain) && chain.every((s) => typeof s === "string")))) {
        p.add(`${dpath}requestedBy`, "must be an array of arrays of dependency ids");
      }
    });
  });
  p.array(doc, "statuses", "", (s, path) => {
    p.requiredString(s, "status", path, '"released"');
    p.requiredString(s, "timestamp", path, '"2026-11-25T07:27:22.123+0000"');
    for (const key of ["comment", "repository", "user", "ciUser", "approver"])
      p.optionalString(s, key, path);
  });
  if (p.list.length > 0) {
    const shown = p.list.slice(0, 10);
    const more = p.list.length > shown.length ? `; and ${p.list.length - shown.length} more` : "";
    throw new StowageError(ErrorCodes.BUILDINFO_INVALID, `invalid build-info: ${shown.join("; ")}${more}`, { hint: "fix the fields named above; the layout is JFrog build-info 1.0.1" });
  }
  const out = { ...doc };
  out.version ??= BUILD_INFO_VERSION;
  return out;
}

// ../core/dist/collectors.js
init_define_STOWAGE_UI_ASSETS();
import { execFile } from "node:child_process";
import { stat } from "node:fs/promises";
var DEFAULT_ENV_EXCLUDE = [
  "*pass*",
  "*psw*",
  "*pwd*",
  "*secret*",
  "*token*",
  "*key*",
  "*auth*",
  "*credential*",
  "*cookie*",
  "*session*"
];
var SECRET_VALUE_PATTERNS = [
  /(?<![A-Za-z0-9])gh[pousr]_[A-Za-z0-9]{20,}/,
  /(?<![A-Za-z0-9])github_pat_[A-Za-z0-9_]{20,}/,
  /(?<![A-Za-z0-9])stw_[A-Za-z0-9_-]{16,}/,
  /(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}\b/,
  /(?<![A-Za-z0-9])eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/,
  /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/,
  /(?<![A-Za-z0-9])xox[abposr]-[A-Za-z0-9-]{10,}/,
  /(?<![A-Za-z0-9])npm_[A-Za-z0-9]{36}\b/,
  /(?<![A-Za-z0-9])glpat-[A-Za-z0-9_-]{20,}/,
  /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:[^/\s@]+@/i
];
function looksLikeSecret(value) {
  return SECRET_VALUE_PATTERNS.some((re) => re.test(value));
}
function globToRegExp(glob) {
  const body = glob.split("").map((c) => c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")).join("");
  return new RegExp(`^${body}$`, "i");
}
function collectEnvDetailed(opts) {
  const include = (opts.include ?? ["*"]).map(globToRegExp);
  const exclude = (opts.exclude ?? DEFAULT_ENV_EXCLUDE).map(globToRegExp);
  const allow = (opts.allow ?? []).map(globToRegExp);
  const out = { properties: {}, excludedByName: [], excludedByValue: [] };
  for (const name of Object.keys(opts.env).sort()) {
    const value = opts.env[name];
    if (value === void 0)
      continue;
    if (!include.some((re) => re.test(name)))
      continue;
    if (exclude.some((re) => re.test(name)) && !allow.some((re) => re.test(name))) {
      out.excludedByName.push(name);
      continue;
    }
    if (opts.checkValues !== false && looksLikeSecret(value)) {
      out.excludedByValue.push(name);
      continue;
    }
    out.properties[`buildInfo.env.${name}`] = value;
  }
  return out;
}
function collectEnv(opts) {
  return collectEnvDetailed(opts).properties;
}
function stripCredentials(url) {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url))
    return url;
  try {
    const u = new URL(url);
    if (u.username === "" && u.password === "")
      return url;
    u.username = "";
    u.password = "";
    return u.toString();
  } catch {
    return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, "$1");
  }
}
function git(cwd, args) {
  return new Promise((resolve, reject) => {
    execFile("git", args, { cwd, timeout: 3e4, maxBuffer: 4 * 1024 * 1024, windowsHide: true }, (err, stdout, stderr) => {
      const code = err?.code;
      if (code === "ENOENT") {
        reject(new StowageError(ErrorCodes.COLLECT_GIT, `cannot collect VCS information in ${cwd}: the git command was not found`, { hint: "install git and put it on PATH, or skip VCS collection", cause: err }));
        return;
      }
      resolve({ ok: err === null, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}
async function collectGit(opts) {
  const dir = await stat(opts.cwd).catch(() => void 0);
  if (!dir?.isDirectory()) {
    throw new StowageError(ErrorCodes.COLLECT_GIT, `cannot collect VCS information: ${opts.cwd} is not a directory`, { hint: "pass the directory of the checked-out sources" });
  }
  const inside = await git(opts.cwd, ["rev-parse", "--is-inside-work-tree"]);
  if (!inside.ok) {
    if (/not a git repository/i.test(inside.stderr))
      return void 0;
    if (/dubious ownership/i.test(inside.stderr)) {
      throw new StowageError(ErrorCodes.COLLECT_GIT, `git refuses to read ${opts.cwd}: the repository is owned by another user`, { hint: `mark it safe with: git config --global --add safe.directory ${opts.cwd}` });
    }
    throw new StowageError(ErrorCodes.COLLECT_GIT, `git failed in ${opts.cwd}: ${inside.stderr.trim()}`, {
      hint: "run `git status` there to see what git objects to"
    });
  }
  if (inside.stdout.trim() !== "true")
    return void 0;
  const vcs = {};
  let url = (await git(opts.cwd, ["config", "--get", "remote.origin.url"])).stdout.trim();
  if (url === "") {
    const first = (await git(opts.cwd, ["remote"])).stdout.split("\n")[0]?.trim();
    if (first)
      url = (await git(opts.cwd, ["config", "--get", `remote.${first}.url`])).stdout.trim();
  }
  if (url !== "")
    vcs.url = stripCredentials(url);
  const branch = await git(opts.cwd, ["symbolic-ref", "--quiet", "--short", "HEAD"]);
  if (branch.ok && branch.stdout.trim() !== "")
    vcs.branch = branch.stdout.trim();
  const revision = await git(opts.cwd, ["rev-parse", "--verify", "--quiet", "HEAD"]);
  if (revision.ok && revision.stdout.trim() !== "") {
    vcs.revision = revision.stdout.trim();
    const message = await git(opts.cwd, ["log", "-1", "--format=%B", "HEAD"]);
    if (message.ok)
      vcs.message = message.stdout.trim();
  }
  return vcs;
}
function detectCi(env) {
  const out = {};
  const set = (key, value) => {
    if (value !== void 0 && value !== "")
      out[key] = value;
  };
  if (env.GITHUB_ACTIONS === "true") {
    set("name", env.GITHUB_WORKFLOW);
    set("number", env.GITHUB_RUN_NUMBER);
    if (env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID) {
      out.url = `${env.GITHUB_SERVER_URL.replace(/\/+$/, "")}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`;
    }
    out.agent = env.RUNNER_VERSION ? { name: "GitHub Actions", version: env.RUNNER_VERSION } : { name: "GitHub Actions" };
    set("principal", env.GITHUB_TRIGGERING_ACTOR || env.GITHUB_ACTOR);
    return out;
  }
  if (env.JENKINS_URL || env.JOB_NAME && env.BUILD_NUMBER) {
    set("name", env.JOB_NAME);
    set("number", env.BUILD_NUMBER);
    set("url", env.BUILD_URL);
    out.agent = env.JENKINS_VERSION ? { name: "Jenkins", version: env.JENKINS_VERSION } : { name: "Jenkins" };
    set("principal", env.BUILD_USER_ID);
    return out;
  }
  return out;
}

// ../core/dist/store.js
init_define_STOWAGE_UI_ASSETS();
import { randomUUID } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, rmdir, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
var PART_FILE = /^part-(\d{15})-.*\.json$/;
var MAX_SEGMENT = 200;
function encodeKey(value, field) {
  if (typeof value !== "string" || value === "") {
    throw new StowageError(ErrorCodes.STORE_KEY, `build ${field} must be a non-empty string`, {
      hint: `pass the build ${field}`
    });
  }
  const encoded = encodeURIComponent(value).replace(/\./g, "%2E").replace(/\*/g, "%2A");
  if (encoded.length > MAX_SEGMENT) {
    throw new StowageError(ErrorCodes.STORE_KEY, `build ${field} is too long to store locally (${encoded.length} characters once encoded, at most ${MAX_SEGMENT})`, { hint: `use a shorter build ${field}` });
  }
  return encoded;
}
function storeError(err, doing, path) {
  if (err instanceof StowageError)
    return err;
  const reason = err instanceof Error ? err.message : String(err);
  return new StowageError(ErrorCodes.STORE_IO, `cannot ${doing} in the build-info store at ${path}: ${reason}`, {
    hint: "check that the directory is writable and the disk is not full",
    cause: err
  });
}
var isNotFound = (err) => err?.code === "ENOENT";
var sequence = 0;
var BuildStore = class {
  dir;
  constructor(opts) {
    this.dir = opts.dir;
  }
  #buildDir(name, number) {
    return join(this.dir, encodeKey(name, "name"), encodeKey(number, "number"));
  }
  /** Adds one part to the build; the part's own name/number, if any, are ignored. */
  async addPart(name, number, part) {
    const dir = this.#buildDir(name, number);
    const now = String(Date.now()).padStart(15, "0");
    sequence = (sequence + 1) % 1e6;
    const id = `${now}-${process.pid}-${String(sequence).padStart(6, "0")}-${randomUUID()}`;
    const tmp = join(dir, `.tmp-${id}.json`);
    const final = join(dir, `part-${id}.json`);
    const { name: _n, number: _m, ...rest } = part;
    try {
      await mkdir(dir, { recursive: true });
      await writeFile(tmp, JSON.stringify(rest), { flag: "wx" });
      await rename(tmp, final);
    } catch (err) {
      await unlink(tmp).catch(() => {
      });
      throw storeError(err, `add a part to build ${name} #${number}`, dir);
    }
  }
  /** All parts of the build merged in the order they were added; undefined if there are none. */
  async load(name, number) {
    const dir = this.#buildDir(name, number);
    let files;
    try {
      files = (await readdir(dir)).filter((f) => PART_FILE.test(f)).sort();
    } catch (err) {
      if (isNotFound(err))
        return void 0;
      throw storeError(err, `read build ${name} #${number}`, dir);
    }
    if (files.length === 0)
      return void 0;
    const parts = [];
    for (const file of files) {
      const path = join(dir, file);
      let text;
      try {
        text = await readFile(path, "utf8");
      } catch (err) {
        if (isNotFound(err))
          continue;
        throw storeError(err, `read build ${name} #${number}`, dir);
      }
      let parsed;
      try {
        parsed = JSON.parse(text);
      } catch (err) {
        throw new StowageError(ErrorCodes.STORE_CORRUPT, `build-info part ${path} is not valid JSON`, {
          hint: "delete that file (the rest of the build is kept) or clear the build and collect it again",
          cause: err
        });
      }
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        throw new StowageError(ErrorCodes.STORE_CORRUPT, `build-info part ${path} is not a JSON object`, {
          hint: "delete that file or clear the build and collect it again"
        });
      }
      parts.push(parsed);
    }
    if (parts.length === 0)
      return void 0;
    const merged = mergeParts({ version: "1.0.1", name, number }, parts);
    if (merged.started === void 0) {
      const first = PART_FILE.exec(files[0] ?? "");
      merged.started = formatStarted(new Date(Number(first?.[1] ?? Date.now())));
    }
    merged.name = name;
    merged.number = number;
    return merged;
  }
  /** Removes every part of the build (no error if there are none). */
  async clear(name, number) {
    const dir = this.#buildDir(name, number);
    try {
      await rm(dir, { recursive: true, force: true });
      await rmdir(join(dir, "..")).catch(() => {
      });
    } catch (err) {
      throw storeError(err, `clear build ${name} #${number}`, dir);
    }
  }
  /** Builds that have at least one part, sorted by name then number. */
  async list() {
    const out = [];
    try {
      const names = await readdir(this.dir, { withFileTypes: true }).catch((err) => {
        if (isNotFound(err))
          return [];
        throw err;
      });
      for (const n of names) {
        if (!n.isDirectory())
          continue;
        const numbers = await readdir(join(this.dir, n.name), { withFileTypes: true }).catch(() => []);
        for (const m of numbers) {
          if (!m.isDirectory())
            continue;
          const files = await readdir(join(this.dir, n.name, m.name)).catch(() => []);
          if (!files.some((f) => PART_FILE.test(f)))
            continue;
          out.push({ name: safeDecode(n.name), number: safeDecode(m.name) });
        }
      }
    } catch (err) {
      throw storeError(err, "list builds", this.dir);
    }
    return out.sort((a, b) => a.name === b.name ? a.number.localeCompare(b.number, void 0, { numeric: true }) : a.name.localeCompare(b.name));
  }
};
function safeDecode(s) {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

// ../core/dist/client.js
init_define_STOWAGE_UI_ASSETS();

// ../core/dist/client/analytics.js
init_define_STOWAGE_UI_ASSETS();
var AnalyticsClient = class {
  #t;
  constructor(transport) {
    this.#t = transport;
  }
  async #analytics(endpoint, params, what) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params))
      if (v !== void 0)
        q.set(k, String(v));
    const qs = q.toString();
    const res = await this.#t.json({
      method: "GET",
      path: `/api/stowage/v1/analytics/${endpoint}${qs ? `?${qs}` : ""}`,
      what
    });
    if (typeof res !== "object" || res === null)
      throw this.#t.badResponse(what, "a report");
    return res;
  }
  /** Promotion funnel per build name; `from`/`to` are epoch ms or ISO dates (builds started in [from, to)). */
  async funnel(opts = {}) {
    return this.#analytics("funnel", opts, "the promotion funnel");
  }
  /** How dependencies varied across the last `last` builds of a name. */
  async dependencyVariation(opts) {
    return this.#analytics("deps", opts, `the dependency variation of ${opts.name}`);
  }
  async dependencyDiff(opts) {
    return this.#analytics("deps/diff", { ...opts }, `the dependency diff of ${opts.name}`);
  }
  /** Artifacts and dependencies added, removed and changed between two builds. */
  async buildDiff(opts) {
    return this.#analytics("diff", { ...opts }, `the diff of ${opts.name}`);
  }
  async sizeReport(opts) {
    return this.#analytics("size", opts, `the sizes of ${opts.name}`);
  }
  async storageReport() {
    return this.#analytics("storage", {}, "the storage report");
  }
  async imageReport(opts) {
    return this.#analytics("images", opts, `the images of ${opts.name}`);
  }
  async imageDiff(opts) {
    return this.#analytics("images/diff", { ...opts }, `the image diff of ${opts.name}`);
  }
};

// ../core/dist/client/artifacts.js
init_define_STOWAGE_UI_ASSETS();
import { createWriteStream } from "node:fs";
import { mkdir as mkdir2, rename as rename2, unlink as unlink2 } from "node:fs/promises";
import { dirname } from "node:path";
import { pipeline } from "node:stream/promises";

// ../core/dist/internal/http.js
init_define_STOWAGE_UI_ASSETS();
function errnoCode(err) {
  let e = err;
  for (let depth = 0; depth < 5 && e !== null && typeof e === "object"; depth++) {
    const code = e.code;
    if (typeof code === "string")
      return code;
    e = e.cause;
  }
  return void 0;
}
function networkError(err, base2, what, timeoutMs) {
  const code = errnoCode(err);
  const reason = err instanceof Error ? err.message : String(err);
  if (code === "ECONNREFUSED") {
    return new StowageError(ErrorCodes.CLIENT_UNREACHABLE, `cannot reach Stowage at ${base2}: connection refused (${what}) \u2014 is the server running? start one with \`stowage serve\``, { hint: "start the server with `stowage serve`, or check the URL and port", cause: err });
  }
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") {
    return new StowageError(ErrorCodes.CLIENT_UNREACHABLE, `cannot reach Stowage at ${base2}: host name not found (${what}) \u2014 check the URL`, { hint: "check the host name in the Stowage URL", cause: err });
  }
  if (code === "ENETUNREACH" || code === "EHOSTUNREACH") {
    return new StowageError(ErrorCodes.CLIENT_UNREACHABLE, `cannot reach Stowage at ${base2}: network unreachable (${what}) \u2014 check the network and any proxy or firewall`, { hint: "check the network path to the server", cause: err });
  }
  if (code === "UND_ERR_CONNECT_TIMEOUT" || code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT" || code === "ETIMEDOUT") {
    return new StowageError(ErrorCodes.CLIENT_TIMEOUT, `Stowage at ${base2} did not answer within ${timeoutMs} ms (${what}) \u2014 the server is overloaded or unreachable; retry later or raise the timeout`, { hint: "retry later, or raise timeoutMs", cause: err });
  }
  return new StowageError(ErrorCodes.CLIENT_NETWORK, `connection to Stowage at ${base2} failed (${what}): ${reason} \u2014 check the network and retry`, { hint: "check the network and retry", cause: err });
}
function isTransient(err) {
  if (!(err instanceof StowageError))
    return false;
  if (err.status !== void 0)
    return err.status >= 500 || err.status === 429;
  const network = [
    ErrorCodes.CLIENT_UNREACHABLE,
    ErrorCodes.CLIENT_TIMEOUT,
    ErrorCodes.CLIENT_NETWORK
  ];
  return network.includes(err.code) && errnoCode(err.cause) !== "ENOTFOUND";
}
var STATUS_CODES = {
  400: { code: ErrorCodes.CLIENT_BAD_REQUEST, hint: "check the arguments of the request" },
  401: {
    code: ErrorCodes.CLIENT_UNAUTHORIZED,
    hint: "configure a valid access token (and user name, for basic authentication)"
  },
  403: {
    code: ErrorCodes.CLIENT_FORBIDDEN,
    hint: "use a token whose user has permission for this repository or action"
  },
  404: { code: ErrorCodes.CLIENT_NOT_FOUND, hint: "check the repository key, path or build name" },
  409: {
    code: ErrorCodes.CLIENT_CONFLICT,
    hint: "the item changed or already exists; check and retry"
  }
};
function httpError(status, bodyText, base2, what) {
  let serverMessage;
  let serverCode;
  try {
    const parsed = JSON.parse(bodyText);
    const first = parsed?.errors;
    if (Array.isArray(first) && first.length > 0) {
      const e = first[0];
      if (typeof e.message === "string")
        serverMessage = e.message;
      if (typeof e.code === "string" && e.code !== "")
        serverCode = e.code;
    } else if (typeof parsed?.message === "string") {
      serverMessage = parsed.message;
    }
  } catch {
    const text = bodyText.trim();
    if (text !== "" && text.length < 500 && !text.startsWith("<"))
      serverMessage = text;
  }
  const known = STATUS_CODES[status];
  const code = serverCode ?? known?.code ?? (status >= 500 ? ErrorCodes.CLIENT_SERVER : status === 429 ? ErrorCodes.CLIENT_SERVER : ErrorCodes.CLIENT_HTTP);
  const hint = known?.hint ?? (status >= 500 || status === 429 ? "the server failed; retry later and check its log" : "check the request and the server log");
  const message = serverMessage ? `Stowage at ${base2} answered ${status} to ${what}: ${serverMessage}` : `Stowage at ${base2} answered ${status} to ${what} \u2014 ${hint}`;
  return new StowageError(code, message, { status, hint });
}
function backoffDelay(attempt, baseMs, maxMs) {
  const exp = Math.min(maxMs, baseMs * 2 ** attempt);
  return Math.round(exp * (0.5 + Math.random() * 0.5));
}
function retryAfterMs(header2, now = Date.now()) {
  const value = Array.isArray(header2) ? header2[0] : header2;
  if (!value)
    return void 0;
  if (/^\d+$/.test(value.trim()))
    return Number(value.trim()) * 1e3;
  const date = Date.parse(value);
  return Number.isNaN(date) ? void 0 : Math.max(0, date - now);
}
function encodePath(path) {
  return path.replace(/^\/+/, "").split("/").map((segment) => encodeURIComponent(segment)).join("/");
}
function encodeValue(value) {
  return encodeURIComponent(value.replace(/,/g, "\\,"));
}
function encodeProperties(props, separator = ";") {
  return Object.entries(props).map(([key, value]) => {
    const values = Array.isArray(value) ? value : [value];
    return `${encodeURIComponent(key)}=${values.map(encodeValue).join(",")}`;
  }).join(separator);
}
async function readText(body, limit = 64 * 1024) {
  const chunks = [];
  let size = 0;
  for await (const chunk of body) {
    if (size < limit) {
      const buf = Buffer.from(chunk);
      chunks.push(buf.subarray(0, limit - size));
      size += buf.length;
    }
  }
  return Buffer.concat(chunks).toString("utf8");
}
var sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ../core/dist/client/transport.js
init_define_STOWAGE_UI_ASSETS();
import { createReadStream as createReadStream2 } from "node:fs";
import { Readable } from "node:stream";
var IDEMPOTENT = /* @__PURE__ */ new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]);
var MAX_DELAY_MS = 1e4;
var undiciModule;
function loadUndici() {
  undiciModule ??= import("./stowage-undici-GW2AXSXJ.mjs").then((m) => m.default);
  return undiciModule;
}
var Transport = class {
  /** The base URL, without a trailing slash. */
  url;
  timeoutMs;
  #headers;
  #retries;
  #retryDelayMs;
  #onRetry;
  /** The connection pool, made by the first request; `closed` once close() ran. */
  #agent;
  constructor(opts) {
    let parsed;
    try {
      parsed = new URL(opts.url);
    } catch (err) {
      throw new StowageError(ErrorCodes.CLIENT_URL, `${JSON.stringify(opts.url)} is not a URL`, {
        hint: "pass the server URL, e.g. http://127.0.0.1:8081",
        cause: err
      });
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
      throw new StowageError(ErrorCodes.CLIENT_URL, `Stowage URL ${opts.url} must start with http:// or https://`, {
        hint: "pass the server URL, e.g. http://127.0.0.1:8081"
      });
    }
    if (parsed.username || parsed.password) {
      throw new StowageError(ErrorCodes.CLIENT_URL, "the Stowage URL must not contain credentials", { hint: "pass the user and token as options instead of inside the URL" });
    }
    this.url = `${parsed.origin}${parsed.pathname.replace(/\/+$/, "")}`;
    this.#retries = Math.max(0, Math.floor(opts.retries ?? 3));
    this.timeoutMs = opts.timeoutMs ?? 6e4;
    this.#retryDelayMs = opts.retryDelayMs ?? 500;
    this.#onRetry = opts.onRetry;
    const headers = {
      "user-agent": opts.userAgent ?? "stowage-core/0.1.0"
    };
    if (opts.user !== void 0) {
      const basic = Buffer.from(`${opts.user}:${opts.token ?? ""}`).toString("base64");
      headers.authorization = `Basic ${basic}`;
    } else if (opts.token !== void 0 && opts.token !== "") {
      headers.authorization = `Bearer ${opts.token}`;
    }
    if (opts.build) {
      headers["x-stowage-build-name"] = encodeHeader(opts.build.name);
      headers["x-stowage-build-number"] = encodeHeader(opts.build.number);
    }
    this.#headers = headers;
  }
  /** Closes pooled connections. The transport cannot be used afterwards. */
  async close() {
    const agent = this.#agent;
    this.#agent = "closed";
    if (agent !== void 0 && agent !== "closed")
      await agent.close();
  }
  /** Runs `attempt` with the retry policy: idempotent methods retry transient failures. */
  async retrying(method, attempt) {
    const retries = IDEMPOTENT.has(method) ? this.#retries : 0;
    for (let n = 0; ; n++) {
      try {
        return await attempt();
      } catch (err) {
        if (!(err instanceof StowageError) || n >= retries || !isTransient(err))
          throw err;
        const advised = err.retryAfterMs;
        const delayMs = advised !== void 0 ? Math.min(advised, MAX_DELAY_MS) : backoffDelay(n, this.#retryDelayMs, MAX_DELAY_MS);
        this.#onRetry?.({ attempt: n + 1, delayMs, error: err });
        await sleep(delayMs);
      }
    }
  }
  /** One request, not retried; non-accepted statuses are read and thrown as StowageError. */
  async send(call) {
    let res;
    try {
      const undici = await loadUndici();
      if (this.#agent === "closed")
        throw new Error("the client is closed");
      this.#agent ??= new undici.Agent({
        connectTimeout: this.timeoutMs,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs
      });
      res = await undici.request(`${this.url}${call.path}`, {
        method: call.method,
        headers: { ...this.#headers, ...call.headers },
        body: call.body?.() ?? null,
        dispatcher: this.#agent
      });
    } catch (err) {
      if (err instanceof StowageError)
        throw err;
      const local = findLocalFileError(err);
      if (local)
        throw local;
      throw this.networkError(err, call.what);
    }
    const ok = res.statusCode >= 200 && res.statusCode < 300;
    if (ok || call.accept?.includes(res.statusCode))
      return res;
    let text = "";
    try {
      text = await readText(res.body);
    } catch {
    }
    const error = httpError(res.statusCode, text, this.url, call.what);
    const advised = retryAfterMs(res.headers["retry-after"]);
    if (advised !== void 0)
      Object.assign(error, { retryAfterMs: advised });
    throw error;
  }
  /** `send` under the retry policy, with the body consumed as JSON. */
  async json(call) {
    return this.retrying(call.method, async () => {
      const res = await this.send(call);
      return await this.readJson(res, call.what);
    });
  }
  /** `send` under the retry policy, with the body discarded. */
  async empty(call) {
    return this.retrying(call.method, async () => {
      const res = await this.send(call);
      await res.body.dump().catch(() => {
      });
      return res;
    });
  }
  /** The body as JSON; ERR_CLIENT_BAD_RESPONSE (saying what went wrong) when it is not. */
  async readJson(res, what) {
    let text;
    try {
      text = await res.body.text();
    } catch (err) {
      throw this.networkError(err, what);
    }
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new StowageError(ErrorCodes.CLIENT_BAD_RESPONSE, `Stowage at ${this.url} answered ${what} with something that is not JSON \u2014 is the URL that of a Stowage or Artifactory server (and not a web page or proxy)?`, { hint: "check the server URL", cause: err });
    }
  }
  /** JSON when the body is JSON, undefined otherwise (deploy answers vary between servers). */
  async readJsonLenient(res) {
    const text = await res.body.text().catch(() => "");
    try {
      return JSON.parse(text);
    } catch {
      return void 0;
    }
  }
  /**
   * Sends a file from disk (re-opened for each attempt) to a path of the server and reads the JSON
   * it answers: the one transport the format publishers (Go modules, Helm charts) share with
   * every other call — the client's credentials and build headers, timeouts, bounded retries for
   * idempotent methods (PUT; never POST), statuses mapped to StowageError, and a JSON parse that
   * says what went wrong instead of throwing a SyntaxError.
   */
  async sendFile(o) {
    return this.retrying(o.method, async () => {
      const res = await this.send({
        method: o.method,
        path: o.path,
        ...o.headers ? { headers: o.headers } : {},
        body: () => createReadStream2(o.file),
        what: o.what
      });
      return { status: res.statusCode, body: await this.readJson(res, o.what) };
    });
  }
  /** A failure with no HTTP answer (refused, timed out, reset) as the StowageError that says so. */
  networkError(err, what) {
    return networkError(err, this.url, what, this.timeoutMs);
  }
  /** The server answered, but not with what a Stowage or Artifactory server sends. */
  badResponse(what, expected) {
    return new StowageError(ErrorCodes.CLIENT_BAD_RESPONSE, `Stowage at ${this.url} answered ${what} without ${expected} \u2014 is the URL that of a Stowage or Artifactory server?`, { hint: "check the server URL and version" });
  }
};
function fileBody(file, total, onProgress) {
  async function* chunks() {
    let sent = 0;
    try {
      for await (const chunk of createReadStream2(file)) {
        const buf = chunk;
        sent += buf.length;
        onProgress?.(sent, total);
        yield buf;
      }
    } catch (err) {
      throw Object.assign(new Error(`cannot read ${file}`), {
        localFileError: fileError(err, file, "upload")
      });
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}
function findLocalFileError(err) {
  let e = err;
  for (let depth = 0; depth < 5 && typeof e === "object" && e !== null; depth++) {
    const local = e.localFileError;
    if (local instanceof StowageError)
      return local;
    e = e.cause;
  }
  return void 0;
}
function encodeHeader(value) {
  return /^[\x20-\x7e]*$/.test(value) ? value : encodeURIComponent(value);
}

// ../core/dist/client/artifacts.js
var ArtifactsClient = class {
  #t;
  constructor(transport) {
    this.#t = transport;
  }
  /**
   * Deploys a file: hashes it (streaming), tries a checksum deploy, and on 404 streams the body
   * with its checksums so the server can verify what it received.
   */
  async upload(opts) {
    const sums = await hashFile(opts.file);
    const target = `${opts.repo}/${opts.path.replace(/^\/+/, "")}`;
    const matrix = opts.properties && Object.keys(opts.properties).length > 0 ? `;${encodeProperties(opts.properties)}` : "";
    const path = `/${encodeURIComponent(opts.repo)}/${encodePath(opts.path)}${matrix}`;
    const checksumHeaders = {
      "x-checksum-sha1": sums.sha1,
      "x-checksum-sha256": sums.sha256,
      "x-checksum-md5": sums.md5
    };
    const result = (deployedByChecksum, body2) => {
      const uri = body2?.downloadUri;
      return {
        repo: opts.repo,
        path: opts.path.replace(/^\/+/, ""),
        size: sums.size,
        sha1: sums.sha1,
        sha256: sums.sha256,
        md5: sums.md5,
        downloadUri: typeof uri === "string" ? uri : `${this.#t.url}/${encodeURIComponent(opts.repo)}/${encodePath(opts.path)}`,
        deployedByChecksum
      };
    };
    if (opts.checksumDeploy !== false) {
      const deployed = await this.#t.retrying("PUT", async () => {
        const res = await this.#t.send({
          method: "PUT",
          path,
          headers: { ...checksumHeaders, "x-checksum-deploy": "true", "content-length": "0" },
          accept: [404],
          what: `checksum deploy of ${target}`
        });
        if (res.statusCode === 404) {
          const text = await readText(res.body).catch(() => "");
          if (/"code"\s*:\s*"ERR_(?!CHECKSUM_DEPLOY_MISSING")[A-Z_]+"/.test(text)) {
            throw httpError(404, text, this.#t.url, `checksum deploy of ${target}`);
          }
          return void 0;
        }
        return { body: await this.#t.readJsonLenient(res) };
      });
      if (deployed) {
        opts.onProgress?.(sums.size, sums.size);
        return result(true, deployed.body);
      }
    }
    const body = await this.#t.retrying("PUT", async () => {
      const res = await this.#t.send({
        method: "PUT",
        path,
        headers: {
          ...checksumHeaders,
          "content-length": String(sums.size),
          "content-type": "application/octet-stream"
        },
        body: () => fileBody(opts.file, sums.size, opts.onProgress),
        what: `upload of ${target}`
      });
      return this.#t.readJsonLenient(res);
    });
    return result(false, body);
  }
  /**
   * Streams an artifact to `dest` (via `dest.part`), hashing on the way, and checks the result
   * against the checksum headers the server sent. On mismatch nothing is left at `dest` or
   * `dest.part` and ERR_CLIENT_CHECKSUM is thrown.
   */
  async download(opts) {
    const target = `${opts.repo}/${opts.path.replace(/^\/+/, "")}`;
    const part = `${opts.dest}.part`;
    try {
      await mkdir2(dirname(opts.dest), { recursive: true });
    } catch (err) {
      throw fileError(err, dirname(opts.dest), "create the directory");
    }
    const what = `download of ${target}`;
    const sums = await this.#t.retrying("GET", async () => {
      const res = await this.#t.send({
        method: "GET",
        path: `/${encodeURIComponent(opts.repo)}/${encodePath(opts.path)}`,
        what
      });
      const total = Number(res.headers["content-length"] ?? -1);
      const hash = new MultiHash();
      const onProgress = opts.onProgress;
      let writeFailed;
      const out = createWriteStream(part);
      out.on("error", (err) => {
        writeFailed = err;
      });
      try {
        await pipeline(res.body, async function* (source) {
          for await (const chunk of source) {
            hash.update(chunk);
            onProgress?.(hash.size, Number.isFinite(total) ? total : -1);
            yield chunk;
          }
        }, out);
      } catch (err) {
        await unlink2(part).catch(() => {
        });
        if (writeFailed !== void 0)
          throw fileError(writeFailed, part, "write");
        throw this.#t.networkError(err, what);
      }
      const got = { ...hash.digest(), size: hash.size };
      const problem = checkDownload(got, res.headers, total);
      if (problem) {
        await unlink2(part).catch(() => {
        });
        throw new StowageError(ErrorCodes.CLIENT_CHECKSUM, `downloaded ${target} from ${this.#t.url} but ${problem} \u2014 the transfer was corrupted or the stored file is damaged; nothing was written to ${opts.dest}. Retry, and if it persists, re-upload the artifact`, { hint: "retry the download; if it fails again, re-upload the artifact" });
      }
      return got;
    });
    try {
      await rename2(part, opts.dest);
    } catch (err) {
      await unlink2(part).catch(() => {
      });
      throw fileError(err, opts.dest, "write");
    }
    return sums;
  }
  /** File or folder information (GET /api/storage/{repo}/{path}). */
  async storage(repo, path) {
    return this.#t.json({
      method: "GET",
      path: `/api/storage/${encodeURIComponent(repo)}/${encodePath(path)}`,
      what: `storage info of ${repo}/${path}`
    });
  }
  /** Files under a folder; `deep` lists the whole subtree (files only). */
  async list(repo, path, opts = {}) {
    const query = opts.deep ? "list&deep=1&listFolders=0" : "list&deep=0&listFolders=1";
    const res = await this.#t.json({
      method: "GET",
      path: `/api/storage/${encodeURIComponent(repo)}/${encodePath(path)}?${query}`,
      what: `listing of ${repo}/${path}`
    });
    if (!Array.isArray(res?.files))
      throw this.#t.badResponse(`the listing of ${repo}/${path}`, "a files list");
    return { files: res.files };
  }
  /** Properties of an item; `{}` when it exists but has none. */
  async getProperties(repo, path) {
    const what = `properties of ${repo}/${path}`;
    const res = await this.#t.retrying("GET", async () => {
      const r = await this.#t.send({
        method: "GET",
        path: `/api/storage/${encodeURIComponent(repo)}/${encodePath(path)}?properties`,
        accept: [404],
        what
      });
      if (r.statusCode === 404) {
        await r.body.dump().catch(() => {
        });
        return void 0;
      }
      return await this.#t.readJson(r, what);
    });
    if (res === void 0) {
      await this.storage(repo, path);
      return {};
    }
    return res.properties ?? {};
  }
  async setProperties(repo, path, props, opts = {}) {
    const query = `properties=${encodeProperties(props, "|")}&recursive=${opts.recursive ? 1 : 0}`;
    await this.#t.empty({
      method: "PUT",
      path: `/api/storage/${encodeURIComponent(repo)}/${encodePath(path)}?${query}`,
      what: `setting properties on ${repo}/${path}`
    });
  }
  async deleteProperties(repo, path, keys, opts = {}) {
    const query = `properties=${keys.map(encodeURIComponent).join(",")}&recursive=${opts.recursive ? 1 : 0}`;
    await this.#t.empty({
      method: "DELETE",
      path: `/api/storage/${encodeURIComponent(repo)}/${encodePath(path)}?${query}`,
      what: `deleting properties of ${repo}/${path}`
    });
  }
};
function checkDownload(got, headers, total) {
  const header2 = (name) => {
    const v = headers[name];
    return (Array.isArray(v) ? v[0] : v)?.trim().toLowerCase();
  };
  for (const [algo, name] of [
    ["sha256", "x-checksum-sha256"],
    ["sha1", "x-checksum-sha1"],
    ["md5", "x-checksum-md5"]
  ]) {
    const expected = header2(name);
    if (expected && expected !== got[algo]) {
      return `its ${algo} is ${got[algo]} while the server announced ${expected}`;
    }
  }
  if (Number.isFinite(total) && total >= 0 && total !== got.size) {
    return `it has ${got.size} bytes while the server announced ${total}`;
  }
  return void 0;
}

// ../core/dist/client/builds.js
init_define_STOWAGE_UI_ASSETS();
var buildPath = (name, number) => `/api/stowage/v1/builds/${encodeURIComponent(name)}/${encodeURIComponent(number)}`;
var BuildsClient = class {
  #t;
  constructor(transport) {
    this.#t = transport;
  }
  /**
   * Validates and publishes a build-info (PUT /api/build). With `ifMatch` (a revision from
   * getBuildRevision) or `ifNoneMatch` the write is conditional: Stowage answers 412 (a
   * StowageError with status 412) when the build changed in between, or already exists.
   */
  async publishBuild(info, opts = {}) {
    const doc = validateBuildInfo(info);
    const json = JSON.stringify(doc);
    await this.#t.empty({
      method: "PUT",
      path: "/api/build",
      headers: {
        "content-type": "application/json",
        ...opts.ifMatch ? { "if-match": opts.ifMatch } : {},
        ...opts.ifNoneMatch ? { "if-none-match": "*" } : {}
      },
      body: () => json,
      what: `publishing build ${doc.name} #${doc.number}`
    });
  }
  async getBuild(name, number) {
    return (await this.getBuildRevision(name, number)).info;
  }
  /**
   * The build and its revision: the ETag Stowage answers (undefined from a server without one,
   * such as Artifactory), for a conditional publishBuild.
   */
  async getBuildRevision(name, number) {
    const what = `build ${name} #${number}`;
    const call = {
      method: "GET",
      path: `/api/build/${encodeURIComponent(name)}/${encodeURIComponent(number)}`,
      what
    };
    return this.#t.retrying("GET", async () => {
      const res = await this.#t.send(call);
      const etag = res.headers.etag;
      const body = await this.#t.readJson(res, what);
      const doc = body && typeof body === "object" && "buildInfo" in body ? body.buildInfo : body;
      if (typeof doc !== "object" || doc === null)
        throw this.#t.badResponse(what, "a build-info");
      return typeof etag === "string" ? { info: doc, revision: etag } : { info: doc };
    });
  }
  /**
   * Stores one part of a build in progress on the server (Stowage's own API), under `part`
   * (replacing a part of that id): what one agent or job recorded, merged when the build is
   * published from anywhere.
   */
  async putBuildPart(name, number, part, doc) {
    const json = JSON.stringify(doc);
    await this.#t.empty({
      method: "PUT",
      path: `${buildPath(name, number)}/parts/${encodeURIComponent(part)}`,
      headers: { "content-type": "application/json" },
      body: () => json,
      what: `storing part ${part} of build ${name} #${number}`
    });
  }
  /** The parts of a build in progress kept on the server, oldest first. */
  async listBuildParts(name, number) {
    const what = `the parts of build ${name} #${number}`;
    const res = await this.#t.json({
      method: "GET",
      path: `${buildPath(name, number)}/parts`,
      what
    });
    if (!Array.isArray(res?.parts))
      throw this.#t.badResponse(what, "a list of parts");
    return res.parts;
  }
  /**
   * Publishes a build in progress (Stowage's own API): the server merges, in one transaction,
   * the build it already has, the parts kept for it and `info` (this publisher's own part), and
   * deletes the parts. Never retried (not idempotent). 404 from a server without the API.
   */
  async publishBuildParts(name, number, info) {
    const what = `publishing build ${name} #${number}`;
    const json = JSON.stringify(info ?? {});
    const res = await this.#t.json({
      method: "POST",
      path: `${buildPath(name, number)}/publish`,
      headers: { "content-type": "application/json" },
      body: () => json,
      what
    });
    if (typeof res?.buildInfo !== "object" || res.buildInfo === null)
      throw this.#t.badResponse(what, "the published build-info");
    return { buildInfo: res.buildInfo, parts: Number(res.parts ?? 0) };
  }
  async listBuilds() {
    const res = await this.#t.json({
      method: "GET",
      path: "/api/build",
      what: "the build list"
    });
    return (res?.builds ?? []).map((b) => ({
      name: decodeUri(b.uri ?? ""),
      lastStarted: b.lastStarted ?? ""
    }));
  }
  async listBuildNumbers(name) {
    const res = await this.#t.json({
      method: "GET",
      path: `/api/build/${encodeURIComponent(name)}`,
      what: `the runs of build ${name}`
    });
    return (res?.buildsNumbers ?? res?.buildNumbers ?? []).map((b) => ({
      number: decodeUri(b.uri ?? ""),
      started: b.started ?? ""
    }));
  }
  /** POST /api/build/promote/{name}/{number}; never retried (not idempotent). */
  async promote(name, number, body) {
    const json = JSON.stringify(body);
    const res = await this.#t.json({
      method: "POST",
      path: `/api/build/promote/${encodeURIComponent(name)}/${encodeURIComponent(number)}`,
      headers: { "content-type": "application/json" },
      body: () => json,
      what: `promotion of build ${name} #${number}`
    });
    return {
      messages: Array.isArray(res?.messages) ? res.messages : []
    };
  }
  async deleteBuilds(opts) {
    const json = JSON.stringify({
      buildName: opts.name,
      buildNumbers: opts.numbers ?? [],
      deleteArtifacts: opts.deleteArtifacts ?? false,
      deleteAll: opts.deleteAll ?? false
    });
    await this.#t.empty({
      method: "POST",
      path: "/api/build/delete",
      headers: { "content-type": "application/json" },
      body: () => json,
      what: `deleting runs of build ${opts.name}`
    });
  }
  /** Applies retention; returns the build numbers the server discarded (when it says). */
  async retention(name, opts) {
    const json = JSON.stringify(opts);
    const res = await this.#t.retrying("POST", async () => this.#t.readJsonLenient(await this.#t.send({
      method: "POST",
      path: `/api/build/retention/${encodeURIComponent(name)}?async=false`,
      headers: { "content-type": "application/json" },
      body: () => json,
      what: `retention of build ${name}`
    })));
    return Array.isArray(res?.discarded) ? res.discarded.map(String) : [];
  }
  /** Files the server served to a build, recorded from the build headers on downloads (Stowage's own API). */
  async buildDownloads(name, number) {
    const res = await this.#t.json({
      method: "GET",
      path: `/api/stowage/v1/builds/${encodeURIComponent(name)}/${encodeURIComponent(number)}/downloads`,
      what: `the downloads recorded for ${name}#${number}`
    });
    if (!Array.isArray(res?.downloads))
      throw this.#t.badResponse("the download records", "a list of downloads");
    return res.downloads;
  }
};
function decodeUri(uri) {
  const s = uri.replace(/^\/+/, "");
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

// ../core/dist/client/registry.js
init_define_STOWAGE_UI_ASSETS();
import { createHash as createHash2 } from "node:crypto";
import { createWriteStream as createWriteStream2 } from "node:fs";
import { mkdir as mkdir3, rename as rename3, unlink as unlink3 } from "node:fs/promises";
import { dirname as dirname2 } from "node:path";
import { Readable as Readable2 } from "node:stream";
import { pipeline as pipeline2 } from "node:stream/promises";
var MANIFEST_ACCEPT = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.docker.distribution.manifest.v2+json"
].join(", ");
var MAX_REGISTRY_DOCUMENT = 4 * 1024 * 1024;
var encodeImageName = (name) => name.split("/").map(encodeURIComponent).join("/");
var RegistryClient = class {
  #t;
  constructor(transport) {
    this.#t = transport;
  }
  // -------------------------------------------------------------------------------------------
  // System
  /** Resolves when the server answers its ping; throws ERR_CLIENT_UNREACHABLE etc. otherwise. */
  async ping() {
    await this.#t.empty({ method: "GET", path: "/api/system/ping", what: "ping" });
  }
  async version() {
    const v = await this.#t.json({
      method: "GET",
      path: "/api/system/version",
      what: "the version request"
    });
    if (typeof v?.version !== "string")
      throw this.#t.badResponse("the version request", "a version");
    return typeof v.revision === "string" ? { version: v.version, revision: v.revision } : { version: v.version };
  }
  // -------------------------------------------------------------------------------------------
  // Repositories, stages, tokens, audit, OIDC (Stowage's own namespace)
  async listRepositories() {
    const res = await this.#t.json({
      method: "GET",
      path: "/api/repositories",
      what: "the repository list"
    });
    if (!Array.isArray(res))
      throw this.#t.badResponse("the repository list", "a list");
    return res;
  }
  async stages() {
    const res = await this.#t.json({
      method: "GET",
      path: "/api/stowage/v1/stages",
      what: "the stage list"
    });
    const list = Array.isArray(res) ? res : res?.stages;
    if (!Array.isArray(list))
      throw this.#t.badResponse("the stage list", "a list of stages");
    return list;
  }
  /**
   * Issues a token (Stowage's own API). With `scopes` it can do no more than they say (and
   * never more than its user); with `build`, every download made with it is recorded for that
   * build — for package managers that cannot send build headers. A non-admin issues only for
   * itself.
   */
  async createToken(opts) {
    const body = JSON.stringify({
      ...opts.user ? { user: opts.user } : {},
      ...opts.build ? { buildName: opts.build.name, buildNumber: opts.build.number } : {},
      ...opts.scopes?.length ? { scopes: opts.scopes } : {},
      ...opts.description ? { description: opts.description } : {},
      ...opts.expiresInSec ? { expiresInSec: opts.expiresInSec } : {}
    });
    const res = await this.#t.retrying("POST", async () => this.#t.readJson(await this.#t.send({
      method: "POST",
      path: "/api/stowage/v1/tokens",
      headers: { "content-type": "application/json" },
      body: () => body,
      what: "a token request"
    }), "a token request"));
    const token = res?.token;
    if (typeof token !== "string")
      throw this.#t.badResponse("a token request", "a token");
    return res;
  }
  /** Tokens (never their secrets): an admin sees every user's (or `user`'s), others their own. */
  async listTokens(opts = {}) {
    const q = opts.user ? `?user=${encodeURIComponent(opts.user)}` : "";
    const res = await this.#t.json({
      method: "GET",
      path: `/api/stowage/v1/tokens${q}`,
      what: "the token list"
    });
    if (!Array.isArray(res?.tokens))
      throw this.#t.badResponse("the token list", "a list of tokens");
    return res.tokens;
  }
  /** Revokes a token by id; it stops working at once. */
  async revokeToken(id) {
    await this.#t.empty({
      method: "DELETE",
      path: `/api/stowage/v1/tokens/${encodeURIComponent(id)}`,
      what: `revoking token ${id}`
    });
  }
  /** The audit trail, newest first (Stowage's own API; admin, or a build's entries for its readers). */
  async audit(filter = {}) {
    const q = Object.entries(filter).filter(([, v]) => v !== void 0 && v !== "").map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`).join("&");
    const res = await this.#t.json({
      method: "GET",
      path: `/api/stowage/v1/audit${q ? `?${q}` : ""}`,
      what: "the audit trail"
    });
    if (!Array.isArray(res?.entries))
      throw this.#t.badResponse("the audit trail", "a list of entries");
    return res.entries;
  }
  /**
   * Exchanges a CI job's OIDC ID token for a short-lived scoped token (JFrog's
   * `POST /access/api/v1/oidc/token`; no credentials needed). `provider` is the provider name
   * configured on the server; the GitHub fields are informational, as setup-jfrog-cli sends them.
   */
  async exchangeOidcToken(opts) {
    const body = JSON.stringify({
      grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
      subject_token_type: "urn:ietf:params:oauth:token-type:id_token",
      subject_token: opts.idToken,
      provider_name: opts.provider,
      ...opts.projectKey ? { project_key: opts.projectKey } : {},
      ...opts.ghJobId ? { gh_job_id: opts.ghJobId } : {},
      ...opts.ghRunId ? { gh_run_id: opts.ghRunId } : {},
      ...opts.ghRepo ? { gh_repo: opts.ghRepo } : {}
    });
    const res = await this.#t.readJson(await this.#t.send({
      method: "POST",
      path: "/access/api/v1/oidc/token",
      headers: { "content-type": "application/json" },
      body: () => body,
      what: "the OIDC token exchange"
    }), "the OIDC token exchange");
    const token = res?.access_token;
    if (typeof token !== "string" || token === "")
      throw this.#t.badResponse("the OIDC token exchange", "an access_token");
    const out = {
      token,
      scope: typeof res?.scope === "string" ? res.scope : "",
      username: typeof res?.username === "string" ? res.username : ""
    };
    if (typeof res?.expires_in === "number")
      out.expiresIn = res.expires_in;
    return out;
  }
  // -------------------------------------------------------------------------------------------
  // OCI registry (`/v2/{repo}/{image}/…`, Stowage's server only)
  /**
   * A manifest or index by tag or digest, as the registry serves it (bytes unchanged, so their
   * sha256 is the digest). `name` is `{repo}/{image}`.
   */
  async registryManifest(name, reference) {
    const what = `manifest ${name}:${reference}`;
    return this.#t.retrying("GET", async () => {
      const res = await this.#t.send({
        method: "GET",
        path: `/v2/${encodeImageName(name)}/manifests/${encodeURIComponent(reference)}`,
        headers: { accept: MANIFEST_ACCEPT },
        what
      });
      const body = await this.#readSmall(res, what);
      const digest = `sha256:${createHash2("sha256").update(body).digest("hex")}`;
      const header2 = res.headers["docker-content-digest"];
      if (typeof header2 === "string" && header2 !== digest) {
        throw this.#t.badResponse(what, `a body matching its Docker-Content-Digest ${header2}`);
      }
      const type = res.headers["content-type"];
      return {
        digest,
        mediaType: (typeof type === "string" ? type : "").split(";")[0]?.trim() ?? "",
        body
      };
    });
  }
  /** A small blob (an image config) by digest; refused above 4 MiB. */
  async registryBlob(name, digest) {
    const what = `blob ${name}@${digest}`;
    return this.#t.retrying("GET", async () => {
      const res = await this.#t.send({
        method: "GET",
        path: `/v2/${encodeImageName(name)}/blobs/${encodeURIComponent(digest)}`,
        what
      });
      return this.#readSmall(res, what);
    });
  }
  /**
   * Pushes a blob unless the image already has it: HEAD, then one monolithic
   * `POST /v2/{name}/blobs/uploads/?digest=` streaming the file (or the small buffer). The
   * registry verifies the digest. Returns true when the blob was sent.
   */
  async registryPushBlob(name, blob) {
    const base2 = `/v2/${encodeImageName(name)}/blobs`;
    const what = `blob ${name}@${blob.digest}`;
    const head = await this.#t.empty({
      method: "HEAD",
      path: `${base2}/${encodeURIComponent(blob.digest)}`,
      accept: [404],
      what
    });
    if (head.statusCode === 200)
      return false;
    await this.#t.retrying("PUT", async () => {
      const res = await this.#t.send({
        method: "POST",
        path: `${base2}/uploads/?digest=${encodeURIComponent(blob.digest)}`,
        headers: {
          "content-type": "application/octet-stream",
          "content-length": String(blob.size)
        },
        body: () => "file" in blob ? fileBody(blob.file, blob.size) : Readable2.from([blob.data]),
        what: `upload of ${what}`
      });
      await res.body.dump().catch(() => {
      });
    });
    return true;
  }
  /** `PUT /v2/{name}/manifests/{reference}`; returns the digest the registry answered. */
  async registryPutManifest(name, reference, mediaType, body) {
    const res = await this.#t.empty({
      method: "PUT",
      path: `/v2/${encodeImageName(name)}/manifests/${encodeURIComponent(reference)}`,
      headers: { "content-type": mediaType, "content-length": String(body.length) },
      body: () => Readable2.from([body]),
      what: `manifest ${name}:${reference}`
    });
    const digest = res.headers["docker-content-digest"];
    return typeof digest === "string" ? digest : `sha256:${createHash2("sha256").update(body).digest("hex")}`;
  }
  /** Streams a blob to `dest` (via `dest.part`), checking its sha256 against the digest. */
  async registryDownloadBlob(name, digest, dest) {
    const what = `blob ${name}@${digest}`;
    const part = `${dest}.part`;
    await mkdir3(dirname2(dest), { recursive: true });
    await this.#t.retrying("GET", async () => {
      const res = await this.#t.send({
        method: "GET",
        path: `/v2/${encodeImageName(name)}/blobs/${encodeURIComponent(digest)}`,
        what
      });
      const hash = createHash2("sha256");
      try {
        await pipeline2(res.body, async function* (source) {
          for await (const chunk of source) {
            hash.update(chunk);
            yield chunk;
          }
        }, createWriteStream2(part));
      } catch (err) {
        await unlink3(part).catch(() => {
        });
        throw this.#t.networkError(err, what);
      }
      const got = `sha256:${hash.digest("hex")}`;
      if (got !== digest) {
        await unlink3(part).catch(() => {
        });
        throw new StowageError(ErrorCodes.CLIENT_CHECKSUM, `${what} arrived with sha256 ${got}; nothing was written`, { hint: "retry; if it persists the stored blob is damaged" });
      }
    });
    await rename3(part, dest);
  }
  /** Stowage's layer view of a manifest: layers, sizes, tags (`/api/stowage/v1/docker/…/layers`). */
  async imageLayers(name, reference) {
    const what = `the layers of ${name}:${reference}`;
    const res = await this.#t.json({
      method: "GET",
      path: `/api/stowage/v1/docker/${encodeImageName(name)}/manifests/${encodeURIComponent(reference)}/layers`,
      what
    });
    if (typeof res !== "object" || res === null || !("digest" in res))
      throw this.#t.badResponse(what, "a layer view");
    return res;
  }
  async #readSmall(res, what) {
    const chunks = [];
    let size = 0;
    try {
      for await (const chunk of res.body) {
        const b = chunk;
        size += b.length;
        if (size > MAX_REGISTRY_DOCUMENT) {
          res.body.destroy();
          throw this.#t.badResponse(what, `a document under ${MAX_REGISTRY_DOCUMENT} bytes`);
        }
        chunks.push(b);
      }
    } catch (err) {
      if (err instanceof StowageError)
        throw err;
      throw this.#t.networkError(err, what);
    }
    return Buffer.concat(chunks);
  }
};

// ../core/dist/client.js
var RepositoryClient = class {
  /** The server's base URL, without a trailing slash. */
  url;
  #transport;
  #artifacts;
  #builds;
  #analytics;
  #registry;
  /** Throws ERR_CLIENT_URL for a URL that is not http(s) or that carries credentials. */
  constructor(opts) {
    this.#transport = new Transport(opts);
    this.url = this.#transport.url;
    this.#artifacts = new ArtifactsClient(this.#transport);
    this.#builds = new BuildsClient(this.#transport);
    this.#analytics = new AnalyticsClient(this.#transport);
    this.#registry = new RegistryClient(this.#transport);
  }
  /** Closes pooled connections. The client cannot be used afterwards. */
  close() {
    return this.#transport.close();
  }
  /** A file sent to any path of the server, under the transport's policy (Go and Helm publishers). */
  sendFile(o) {
    return this.#transport.sendFile(o);
  }
  // -------------------------------------------------------------------------------------------
  // Artifacts (client/artifacts.ts)
  upload(opts) {
    return this.#artifacts.upload(opts);
  }
  download(opts) {
    return this.#artifacts.download(opts);
  }
  storage(repo, path) {
    return this.#artifacts.storage(repo, path);
  }
  list(repo, path, opts = {}) {
    return this.#artifacts.list(repo, path, opts);
  }
  getProperties(repo, path) {
    return this.#artifacts.getProperties(repo, path);
  }
  setProperties(repo, path, props, opts = {}) {
    return this.#artifacts.setProperties(repo, path, props, opts);
  }
  deleteProperties(repo, path, keys, opts = {}) {
    return this.#artifacts.deleteProperties(repo, path, keys, opts);
  }
  // -------------------------------------------------------------------------------------------
  // Builds (client/builds.ts)
  publishBuild(info, opts = {}) {
    return this.#builds.publishBuild(info, opts);
  }
  getBuild(name, number) {
    return this.#builds.getBuild(name, number);
  }
  getBuildRevision(name, number) {
    return this.#builds.getBuildRevision(name, number);
  }
  putBuildPart(name, number, part, doc) {
    return this.#builds.putBuildPart(name, number, part, doc);
  }
  listBuildParts(name, number) {
    return this.#builds.listBuildParts(name, number);
  }
  publishBuildParts(name, number, info) {
    return this.#builds.publishBuildParts(name, number, info);
  }
  listBuilds() {
    return this.#builds.listBuilds();
  }
  listBuildNumbers(name) {
    return this.#builds.listBuildNumbers(name);
  }
  promote(name, number, body) {
    return this.#builds.promote(name, number, body);
  }
  deleteBuilds(opts) {
    return this.#builds.deleteBuilds(opts);
  }
  retention(name, opts) {
    return this.#builds.retention(name, opts);
  }
  buildDownloads(name, number) {
    return this.#builds.buildDownloads(name, number);
  }
  // -------------------------------------------------------------------------------------------
  // Analytics (client/analytics.ts)
  funnel(opts = {}) {
    return this.#analytics.funnel(opts);
  }
  dependencyVariation(opts) {
    return this.#analytics.dependencyVariation(opts);
  }
  dependencyDiff(opts) {
    return this.#analytics.dependencyDiff(opts);
  }
  buildDiff(opts) {
    return this.#analytics.buildDiff(opts);
  }
  sizeReport(opts) {
    return this.#analytics.sizeReport(opts);
  }
  storageReport() {
    return this.#analytics.storageReport();
  }
  imageReport(opts) {
    return this.#analytics.imageReport(opts);
  }
  imageDiff(opts) {
    return this.#analytics.imageDiff(opts);
  }
  // -------------------------------------------------------------------------------------------
  // Server, tokens, audit and OCI registry (client/registry.ts)
  ping() {
    return this.#registry.ping();
  }
  version() {
    return this.#registry.version();
  }
  listRepositories() {
    return this.#registry.listRepositories();
  }
  stages() {
    return this.#registry.stages();
  }
  createToken(opts) {
    return this.#registry.createToken(opts);
  }
  listTokens(opts = {}) {
    return this.#registry.listTokens(opts);
  }
  revokeToken(id) {
    return this.#registry.revokeToken(id);
  }
  audit(filter = {}) {
    return this.#registry.audit(filter);
  }
  exchangeOidcToken(opts) {
    return this.#registry.exchangeOidcToken(opts);
  }
  registryManifest(name, reference) {
    return this.#registry.registryManifest(name, reference);
  }
  registryBlob(name, digest) {
    return this.#registry.registryBlob(name, digest);
  }
  registryPushBlob(name, blob) {
    return this.#registry.registryPushBlob(name, blob);
  }
  registryPutManifest(name, reference, mediaType, body) {
    return this.#registry.registryPutManifest(name, reference, mediaType, body);
  }
  registryDownloadBlob(name, digest, dest) {
    return this.#registry.registryDownloadBlob(name, digest, dest);
  }
  imageLayers(name, reference) {
    return this.#registry.imageLayers(name, reference);
  }
};

// ../core/dist/setup/index.js
init_define_STOWAGE_UI_ASSETS();

// ../core/dist/setup/pip.js
init_define_STOWAGE_UI_ASSETS();
import { join as join2 } from "node:path";

// ../core/dist/setup/files.js
init_define_STOWAGE_UI_ASSETS();
import { access, chmod, readFile as readFile2, writeFile as writeFile2 } from "node:fs/promises";
function formatUrl(opts, format) {
  const u = new URL(opts.url);
  const secret = opts.token !== void 0 && opts.token !== "";
  if (secret) {
    u.username = encodeURIComponent(opts.user ?? "token");
    u.password = encodeURIComponent(opts.token ?? "");
  }
  const matrix = opts.build ? `;build.name=${encodeURIComponent(opts.build.name)};build.number=${encodeURIComponent(opts.build.number)}` : "";
  u.pathname = `${u.pathname.replace(/\/+$/, "")}/api/${format}/${encodeURIComponent(opts.repo)}${matrix}`;
  return { value: u.toString(), secret };
}
var MANAGED_BEGIN = ">>> stowage setup: managed block, rewritten by each run; edit outside it >>>";
var MANAGED_END = "<<< stowage setup <<<";
var OWNED_MARK = "written by stowage setup; rewritten by each run";
async function readIfPresent(file) {
  try {
    return await readFile2(file, "utf8");
  } catch (err) {
    if (err.code === "ENOENT")
      return void 0;
    throw err;
  }
}
function markOwned(text, comment) {
  if (comment === "xml") {
    const mark = `<!-- ${OWNED_MARK}: settings of your own go in another file, or pass overwrite -->`;
    const decl = /^<\?xml[^>]*\?>\n/.exec(text);
    return decl ? `${decl[0]}${mark}
${text.slice(decl[0].length)}` : `${mark}
${text}`;
  }
  return `${comment} ${MANAGED_BEGIN}
${text.replace(/\n+$/, "")}
${comment} ${MANAGED_END}
`;
}
async function writeManaged(result, file, text, opts) {
  const existing = await readIfPresent(file);
  let next;
  let how = "wrote";
  if (existing === void 0 || opts.overwrite) {
    next = markOwned(text, opts.comment);
  } else if (opts.comment === "xml") {
    if (existing.includes(OWNED_MARK)) {
      next = markOwned(text, opts.comment);
      how = "rewrote";
    }
  } else {
    const lines = existing.split("\n");
    const begin = lines.findIndex((l) => l.trim() === `${opts.comment} ${MANAGED_BEGIN}`);
    const end = lines.findIndex((l, i) => i > begin && l.trim() === `${opts.comment} ${MANAGED_END}`);
    if (begin >= 0 && end > begin) {
      const block = markOwned(text, opts.comment).replace(/\n$/, "").split("\n");
      next = [...lines.slice(0, begin), ...block, ...lines.slice(end + 1)].join("\n");
      how = "updated the stowage block of";
    }
  }
  if (next === void 0) {
    result.files.push({ path: file, action: "kept" });
    result.notes.push(`${file} exists and is not one stowage setup wrote (no stowage block); it was left as it was: pass overwrite to replace it${opts.hint ? `, or ${opts.hint}` : ""}`);
    return false;
  }
  const mode = opts.secret ? 384 : 420;
  await writeFile2(file, next, { mode });
  await chmod(file, mode);
  result.files.push({ path: file, action: "written" });
  if (how !== "wrote")
    result.notes.push(`${how} ${file}`);
  return true;
}

// ../core/dist/setup/pip.js
async function setupPip(opts) {
  const base2 = opts.url.replace(/\/+$/, "");
  const index = `${base2}/api/pypi/${encodeURIComponent(opts.repo)}/simple/`;
  const upload = `${base2}/api/pypi/${encodeURIComponent(opts.deployRepo ?? opts.repo)}/`;
  const file = join2(opts.dir, "pip.conf");
  const result = { tool: "pip", files: [], env: [], notes: [] };
  const u = new URL(index);
  const lines = ["[global]", `index-url = ${index}`];
  if (u.protocol === "http:")
    lines.push(`trusted-host = ${u.hostname}`);
  await writeManaged(result, file, `${lines.join("\n")}
`, {
    overwrite: opts.overwrite,
    secret: false,
    comment: "#",
    hint: `set index-url = ${index}`
  });
  result.env.push({ name: "PIP_CONFIG_FILE", value: file });
  if (opts.token) {
    const withAuth = new URL(index);
    withAuth.username = encodeURIComponent(opts.user ?? "token");
    withAuth.password = encodeURIComponent(opts.token);
    result.env.push({ name: "PIP_INDEX_URL", value: withAuth.href, secret: true });
    result.env.push({ name: "TWINE_REPOSITORY_URL", value: upload }, { name: "TWINE_USERNAME", value: opts.user ?? "token" }, { name: "TWINE_PASSWORD", value: opts.token, secret: true });
  } else {
    result.notes.push("no token given: only anonymous reads will work");
  }
  result.notes.push(`pip resolves from ${index}; twine uploads to ${upload}`);
  return result;
}

// ../core/dist/setup/gradle.js
init_define_STOWAGE_UI_ASSETS();
import { mkdir as mkdir5 } from "node:fs/promises";
import { join as join4 } from "node:path";

// ../core/dist/setup/maven.js
init_define_STOWAGE_UI_ASSETS();
import { mkdir as mkdir4 } from "node:fs/promises";
import { join as join3 } from "node:path";
var MAVEN_MIRROR_ID = "stowage";
var MAVEN_DEPLOY_ID = "stowage-deploy";
function esc(s) {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
function repoUrl(url, repo) {
  return `${url.replace(/\/+$/, "")}/${encodeURIComponent(repo)}`;
}
function mavenSettings(opts) {
  const resolve = repoUrl(opts.url, opts.repo);
  const deploy = repoUrl(opts.url, opts.deployRepo ?? opts.repo);
  const headers = opts.build ? `
      <configuration>
        <httpHeaders>
          <property><name>X-Stowage-Build-Name</name><value>${esc(opts.build.name)}</value></property>
          <property><name>X-Stowage-Build-Number</name><value>${esc(opts.build.number)}</value></property>
        </httpHeaders>
      </configuration>` : "";
  const server = (id) => {
    const cred = opts.token ? `
      <username>${esc(opts.user ?? "token")}</username>
      <password>${esc(opts.token)}</password>` : "";
    return `
    <server>
      <id>${id}</id>${cred}${headers}
    </server>`;
  };
  const repos = (kind) => `
          <${kind}>
            <id>central</id>
            <url>${esc(resolve)}</url>
            <releases><enabled>true</enabled></releases>
            <snapshots><enabled>true</enabled></snapshots>
          </${kind}>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by stowage setup maven: resolve through ${esc(opts.repo)}, deploy to ${esc(opts.deployRepo ?? opts.repo)}. -->
<settings xmlns="http://maven.apache.org/SETTINGS/1.0.0"
          xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
          xsi:schemaLocation="http://maven.apache.org/SETTINGS/1.0.0 https://maven.apache.org/xsd/settings-1.0.0.xsd">
  <servers>${server(MAVEN_MIRROR_ID)}${server(MAVEN_DEPLOY_ID)}
  </servers>
  <mirrors>
    <mirror>
      <id>${MAVEN_MIRROR_ID}</id>
      <mirrorOf>*</mirrorOf>
      <url>${esc(resolve)}</url>
    </mirror>
  </mirrors>
  <profiles>
    <profile>
      <id>stowage</id>
      <properties>
        <altDeploymentRepository>${MAVEN_DEPLOY_ID}::default::${esc(deploy)}</altDeploymentRepository>
      </properties>
      <repositories>${repos("repository")}
      </repositories>
      <pluginRepositories>${repos("pluginRepository")}
      </pluginRepositories>
    </profile>
  </profiles>
  <activeProfiles>
    <activeProfile>stowage</activeProfile>
  </activeProfiles>
</settings>
`;
}
async function setupMaven(opts) {
  const dir = join3(opts.home, ".m2");
  const path = join3(dir, "settings.xml");
  const result = { tool: "maven", files: [], env: [], notes: [] };
  const notes = result.notes;
  await mkdir4(dir, { recursive: true });
  const written = await writeManaged(result, path, mavenSettings(opts), {
    overwrite: opts.overwrite,
    secret: true,
    comment: "xml",
    hint: "run mvn -s with a settings file of your own"
  });
  if (!written)
    return result;
  notes.push(`mvn resolves everything through ${opts.repo} (mirror of *) and mvn deploy publishes to ${opts.deployRepo ?? opts.repo}`);
  if (opts.token)
    notes.push(`${path} holds the token (mode 600)`);
  return result;
}

// ../core/dist/setup/gradle.js
function lit(s) {
  return `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}
function gradleInitScript(opts) {
  const resolve = repoUrl(opts.url, opts.repo);
  const deploy = repoUrl(opts.url, opts.deployRepo ?? opts.repo);
  const insecure = new URL(opts.url).protocol === "http:";
  const creds = opts.token ? `
      credentials {
        username = STOWAGE_USER
        password = STOWAGE_TOKEN
      }` : "";
  const repo = (name, url) => `maven {
      name = ${lit(name)}
      url = ${url}${insecure ? "\n      allowInsecureProtocol = true" : ""}${creds}
    }`;
  return `// Written by stowage setup gradle: resolve through ${opts.repo}, publish to ${opts.deployRepo ?? opts.repo}.
def STOWAGE_URL = ${lit(resolve)}
def STOWAGE_DEPLOY_URL = ${lit(deploy)}
def STOWAGE_USER = ${lit(opts.user ?? "token")}
def STOWAGE_TOKEN = ${lit(opts.token ?? "")}

def onlyStowage = { RepositoryHandler handler ->
  handler.all { ArtifactRepository r ->
    if (!(r instanceof MavenArtifactRepository) || r.url.toString() != STOWAGE_URL) {
      handler.remove r
    }
  }
  handler.${repo("stowage", "STOWAGE_URL")}
}

settingsEvaluated { settings ->
  onlyStowage(settings.pluginManagement.repositories)
}

allprojects { project ->
  onlyStowage(project.buildscript.repositories)
  onlyStowage(project.repositories)
  project.plugins.withId('maven-publish') {
    project.publishing.repositories.${repo("stowage", "STOWAGE_DEPLOY_URL")}
  }
}
`;
}
async function setupGradle(opts) {
  const dir = join4(opts.home, ".gradle", "init.d");
  const path = join4(dir, "stowage.gradle");
  const result = { tool: "gradle", files: [], env: [], notes: [] };
  await mkdir5(dir, { recursive: true });
  const written = await writeManaged(result, path, gradleInitScript(opts), {
    overwrite: opts.overwrite,
    secret: true,
    comment: "//"
  });
  if (!written)
    return result;
  result.notes.push(`every Gradle build resolves through ${opts.repo}; maven-publish projects publish with publishAllPublicationsToStowageRepository`);
  if (opts.token)
    result.notes.push(`${path} holds the token (mode 600)`);
  return result;
}

// ../core/dist/setup/go.js
init_define_STOWAGE_UI_ASSETS();
function goProxyUrl(opts) {
  return formatUrl(opts, "go");
}
async function setupGo(opts) {
  const proxy = goProxyUrl(opts);
  const env = [
    { name: "GOPROXY", value: proxy.value, ...proxy.secret ? { secret: true } : {} }
  ];
  const notes = [
    `go resolves every module through ${opts.repo} (GOPROXY, no fallback to direct)`
  ];
  if (opts.sumdbOff) {
    env.push({ name: "GOSUMDB", value: "off" });
    notes.push("checksum database off (GOSUMDB=off): go.sum alone guards module contents");
  } else if (opts.privateModules?.length) {
    env.push({ name: "GONOSUMDB", value: opts.privateModules.join(",") });
    notes.push(`modules matching ${opts.privateModules.join(",")} skip the checksum database`);
  } else {
    notes.push("modules published only to Stowage are unknown to sum.golang.org: list them in GONOSUMDB (or set GOSUMDB=off)");
  }
  if (proxy.secret)
    notes.push("GOPROXY holds the token: export it as a secret, never echo it");
  if (proxy.secret && new URL(opts.url).protocol === "http:") {
    notes.push("the go command refuses credentials over http://: use https, or anonymous read");
  }
  return { tool: "go", files: [], env, notes };
}

// ../core/dist/setup/npm.js
init_define_STOWAGE_UI_ASSETS();
import { join as join5 } from "node:path";
async function setupNpm(opts) {
  const registry = `${opts.url.replace(/\/+$/, "")}/api/npm/${encodeURIComponent(opts.repo)}/`;
  const file = join5(opts.dir, ".npmrc");
  const result = { tool: "npm", files: [], env: [], notes: [] };
  const lines = [`registry=${registry}`];
  const deploy = opts.deployRepo ?? opts.repo;
  const deployRegistry = `${opts.url.replace(/\/+$/, "")}/api/npm/${encodeURIComponent(deploy)}/`;
  if (opts.token) {
    for (const r of /* @__PURE__ */ new Set([registry, deployRegistry])) {
      lines.push(`${r.replace(/^https?:/, "")}:_authToken=${opts.token}`);
    }
  }
  if (deploy !== opts.repo) {
    lines.push(`# npm publish --registry ${deployRegistry}`);
    result.notes.push(`publish with: npm publish --registry ${deployRegistry}`);
  }
  const written = await writeManaged(result, file, `${lines.join("\n")}
`, {
    overwrite: opts.overwrite,
    secret: true,
    comment: "#",
    hint: `add: registry=${registry}`
  });
  if (!written)
    return result;
  result.notes.push(`npm resolves from ${registry}`);
  if (!opts.token)
    result.notes.push("no token given: only anonymous reads will work");
  return result;
}

// ../core/dist/setup/r.js
init_define_STOWAGE_UI_ASSETS();
import { join as join6 } from "node:path";
function cranRepoUrl(opts) {
  return formatUrl(opts, "cran");
}
async function setupR(opts) {
  const repo = cranRepoUrl(opts);
  const file = join6(opts.dir, ".Rprofile");
  const result = { tool: "r", files: [], env: [], notes: [] };
  const text = `# Written by stowage setup r: resolve R packages through Stowage.
local({
  options(repos = c(STOWAGE = ${JSON.stringify(repo.value)}))
})
`;
  if (!await writeManaged(result, file, text, {
    overwrite: opts.overwrite,
    secret: repo.secret,
    comment: "#"
  })) {
    return result;
  }
  const deploy = opts.deployRepo ?? opts.repo;
  result.notes.push(`R resolves from ${opts.repo}; upload source packages with PUT ${opts.url.replace(/\/+$/, "")}/api/cran/${encodeURIComponent(deploy)}/sources`);
  if (repo.secret)
    result.notes.push(`${file} holds the token: keep it out of version control`);
  return result;
}

// ../core/dist/setup/conda.js
init_define_STOWAGE_UI_ASSETS();
import { join as join7 } from "node:path";
async function setupConda(opts) {
  const { value: channel, secret } = formatUrl(opts, "conda");
  const file = join7(opts.home, ".condarc");
  const result = { tool: "conda", files: [], env: [], notes: [] };
  const text = [
    "# Written by stowage setup conda: resolve conda packages through Stowage only.",
    "channels:",
    `  - ${JSON.stringify(channel)}`,
    "default_channels: []",
    "custom_channels: {}",
    "channel_priority: strict",
    "show_channel_urls: true",
    ""
  ].join("\n");
  if (!await writeManaged(result, file, text, { overwrite: opts.overwrite, secret, comment: "#" })) {
    return result;
  }
  const deploy = opts.deployRepo ?? opts.repo;
  result.notes.push(`conda resolves from ${opts.repo}; upload with PUT ${opts.url.replace(/\/+$/, "")}/api/conda/${encodeURIComponent(deploy)}/{subdir}/{file}.conda`);
  if (secret)
    result.notes.push(`${file} holds the token in the channel URL`);
  return result;
}

// ../core/dist/setup/helm.js
init_define_STOWAGE_UI_ASSETS();
import { mkdir as mkdir6, readFile as readFile3, writeFile as writeFile3 } from "node:fs/promises";
import { join as join8 } from "node:path";
var HELM_REPO_NAME = "stowage";
function helmRepoUrl(opts) {
  const matrix = opts.build ? `;build.name=${encodeURIComponent(opts.build.name)};build.number=${encodeURIComponent(opts.build.number)}` : "";
  return `${opts.url.replace(/\/+$/, "")}/api/helm/${encodeURIComponent(opts.repo)}${matrix}`;
}
function entry(url, user, password) {
  const q = (s) => JSON.stringify(s);
  return [
    `- caFile: ""`,
    `  certFile: ""`,
    `  insecure_skip_tls_verify: false`,
    `  keyFile: ""`,
    `  name: ${HELM_REPO_NAME}`,
    `  pass_credentials_all: false`,
    `  password: ${q(password)}`,
    `  url: ${q(url)}`,
    `  username: ${q(user)}`
  ].join("\n");
}
function mergeRepositories(text, item) {
  const lines = text.replace(/\r\n/g, "\n").replace(/\n+$/, "").split("\n");
  const at = lines.findIndex((l) => /^repositories:\s*(\[\]\s*)?$/.test(l));
  if (at < 0)
    return void 0;
  const head = lines.slice(0, at);
  const items = [];
  let rest = at + 1;
  if (!/\[\]/.test(lines[at] ?? "")) {
    for (; rest < lines.length; rest++) {
      const l = lines[rest] ?? "";
      if (l.startsWith("- "))
        items.push([l]);
      else if (l.startsWith("  ") && items.length)
        items[items.length - 1]?.push(l);
      else if (l.trim() !== "")
        break;
    }
  }
  const tail = lines.slice(rest);
  const kept = items.filter((it) => !it.some((l) => /^(- | {2})name:\s*["']?stowage["']?\s*$/.test(l)));
  return `${[...head, "repositories:", ...kept.map((it) => it.join("\n")), item, ...tail].join("\n")}
`;
}
async function setupHelm(opts) {
  const url = helmRepoUrl(opts);
  const user = opts.user ?? "token";
  const dir = join8(opts.home, ".config", "helm");
  const file = join8(dir, "repositories.yaml");
  const result = { tool: "helm", files: [], env: [], notes: [] };
  const item = entry(url, opts.token ? user : "", opts.token ?? "");
  result.notes.push(opts.token ? `or let Helm write it: echo "$STOWAGE_TOKEN" | helm repo add ${HELM_REPO_NAME} ${url} --username ${user} --password-stdin` : `or let Helm write it: helm repo add ${HELM_REPO_NAME} ${url}`);
  const existing = await readFile3(file, "utf8").catch(() => void 0);
  let text;
  if (existing === void 0) {
    text = `apiVersion: ""
generated: "0001-01-01T00:00:00Z"
repositories:
${item}
`;
  } else if (opts.overwrite) {
    text = mergeRepositories(existing, item);
    if (text === void 0) {
      result.files.push({ path: file, action: "kept" });
      result.notes.push(`${file} is not laid out as Helm writes it and was left as it was`);
      return result;
    }
  } else {
    result.files.push({ path: file, action: "kept" });
    result.notes.unshift(`${file} exists and was left as it was; pass overwrite to add the ${HELM_REPO_NAME} repository to it`);
    return result;
  }
  await mkdir6(dir, { recursive: true });
  await writeFile3(file, text, { mode: 384 });
  result.files.push({ path: file, action: "written" });
  result.notes.unshift(`Helm resolves charts from ${HELM_REPO_NAME} (${url}); run helm repo update to fetch its index`);
  const deploy = opts.deployRepo ?? opts.repo;
  result.notes.push(`push charts with: stowage helm push <chart-dir|chart.tgz> --repo ${deploy}`);
  if (opts.token)
    result.notes.push(`${file} holds the token (as Helm keeps it): mode 0600`);
  return result;
}

// ../core/dist/setup/docker.js
init_define_STOWAGE_UI_ASSETS();
import { chmod as chmod2, mkdir as mkdir7, readFile as readFile4, writeFile as writeFile4 } from "node:fs/promises";
import { dirname as dirname3, join as join9 } from "node:path";
function registryHost(url) {
  return new URL(url).host;
}
function authEntry(user, token) {
  return { auth: Buffer.from(`${user}:${token}`).toString("base64") };
}
function mergeAuths(existing, host, entry2, overwrite) {
  let doc = {};
  if (existing !== void 0 && existing.trim() !== "") {
    let parsed;
    try {
      parsed = JSON.parse(existing);
    } catch {
      return { action: "kept", reason: "invalid" };
    }
    if (!isObject2(parsed))
      return { action: "kept", reason: "invalid" };
    doc = parsed;
  }
  if (doc.auths !== void 0 && !isObject2(doc.auths))
    return { action: "kept", reason: "invalid" };
  const auths = isObject2(doc.auths) ? doc.auths : {};
  if (auths[host] !== void 0 && !overwrite)
    return { action: "kept", reason: "exists" };
  const next = { ...doc, auths: { ...auths, [host]: entry2 } };
  return { action: "written", text: `${JSON.stringify(next, null, 2)}
` };
}
function credentialHelper(text, host) {
  if (text === void 0)
    return void 0;
  try {
    const doc = JSON.parse(text);
    if (!isObject2(doc))
      return void 0;
    const helpers = isObject2(doc.credHelpers) ? doc.credHelpers : {};
    const h = helpers[host] ?? doc.credsStore;
    return typeof h === "string" && h !== "" ? h : void 0;
  } catch {
    return void 0;
  }
}
async function setupDocker(opts) {
  const result = { tool: "docker", files: [], env: [], notes: [] };
  const host = registryHost(opts.url);
  const repo = opts.deployRepo ?? opts.repo;
  const insecure = new URL(opts.url).protocol === "http:";
  if (!opts.token) {
    result.notes.push(`no token given: nothing written; the registry at ${host} needs one unless anonymous reads are on (docker login ${host} -u token)`);
    return result;
  }
  const entry2 = authEntry(opts.user ?? "token", opts.token);
  const files = [
    join9(opts.home, ".docker", "config.json"),
    opts.runtimeDir ? join9(opts.runtimeDir, "containers", "auth.json") : join9(opts.home, ".config", "containers", "auth.json")
  ];
  for (const file of files) {
    const existing = await readFile4(file, "utf8").catch(() => void 0);
    const outcome = mergeAuths(existing, host, entry2, opts.overwrite === true);
    if (outcome.action === "kept") {
      result.files.push({ path: file, action: "kept" });
      result.notes.push(outcome.reason === "exists" ? `${file} already has credentials for ${host} and was left as it was; pass overwrite to replace them` : `${file} is not a JSON object with an "auths" object and was left as it was`);
      continue;
    }
    await mkdir7(dirname3(file), { recursive: true, mode: 448 });
    await writeFile4(file, outcome.text, { mode: 384 });
    await chmod2(file, 384);
    result.files.push({ path: file, action: "written" });
    const helper = credentialHelper(existing, host);
    if (helper) {
      result.notes.push(`${file} names the credential helper "${helper}", which docker asks before "auths": run docker login ${host} if it does not find Stowage`);
    }
  }
  result.notes.unshift(`registry ${host}: images are ${host}/${repo}/<image>:<tag> (push with stowage docker push, or docker/podman/skopeo)`);
  if (insecure) {
    result.notes.push(`${opts.url} is plain http: pass --tls-verify=false to podman/skopeo (skopeo copy --dest-tls-verify=false), and add "${host}" to docker's "insecure-registries" in /etc/docker/daemon.json (127.0.0.1 is allowed by default)`);
  }
  result.notes.push("the credential files hold the token: mode 0600");
  return result;
}
function isObject2(v) {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

// ../core/dist/setup/nuget.js
init_define_STOWAGE_UI_ASSETS();
import { join as join10 } from "node:path";
var SOURCE = "Stowage";
function xmlAttr(s) {
  return s.replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c] ?? c);
}
function nugetSourceUrl(opts) {
  return `${opts.url.replace(/\/+$/, "")}/api/nuget/v3/${encodeURIComponent(opts.repo)}/index.json`;
}
async function setupNuget(opts) {
  const file = join10(opts.dir, "NuGet.Config");
  const result = { tool: "nuget", files: [], env: [], notes: [] };
  const secret = opts.token !== void 0 && opts.token !== "";
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    "<!-- Written by stowage setup nuget: resolve NuGet packages through Stowage. -->",
    "<configuration>",
    "  <packageSources>",
    "    <clear />",
    `    <add key="${SOURCE}" value="${xmlAttr(nugetSourceUrl(opts))}" protocolVersion="3" />`,
    "  </packageSources>"
  ];
  if (secret) {
    lines.push("  <packageSourceCredentials>", `    <${SOURCE}>`, `      <add key="Username" value="${xmlAttr(opts.user ?? "token")}" />`, `      <add key="ClearTextPassword" value="${xmlAttr(opts.token ?? "")}" />`, `    </${SOURCE}>`, "  </packageSourceCredentials>");
  }
  lines.push("</configuration>", "");
  const written = await writeManaged(result, file, lines.join("\n"), {
    overwrite: opts.overwrite,
    secret,
    comment: "xml"
  });
  if (!written)
    return result;
  const deploy = nugetSourceUrl({ url: opts.url, repo: opts.deployRepo ?? opts.repo });
  result.notes.push(`NuGet resolves from ${opts.repo}; push with \`dotnet nuget push <pkg>.nupkg --source ${deploy} --api-key <token>\``);
  if (secret)
    result.notes.push(`${file} holds the token: keep it out of version control`);
  return result;
}

// ../core/dist/setup/index.js
var SETUP_WRITERS = {
  pip: setupPip,
  gradle: setupGradle,
  maven: setupMaven,
  npm: setupNpm,
  go: setupGo,
  r: setupR,
  conda: setupConda,
  helm: setupHelm,
  docker: setupDocker,
  nuget: setupNuget
};
function setupTools() {
  return Object.keys(SETUP_WRITERS).sort();
}
async function setupTool(tool, opts) {
  const writer = SETUP_WRITERS[tool];
  if (!writer) {
    const known = setupTools();
    throw new StowageError("ERR_SETUP_UNKNOWN_TOOL", `cannot set up "${tool}": ${known.length ? `known tools are ${known.join(", ")}` : "no tools are supported yet"}`);
  }
  return writer(opts);
}

// ../core/dist/setup/token.js
init_define_STOWAGE_UI_ASSETS();
async function tokenForBuild(client, opts) {
  const given = opts.token === void 0 ? {} : { token: opts.token };
  if (!opts.build || !opts.token)
    return { ...given, scoped: false };
  const days = Math.round((opts.expiresInSec ?? 7 * 86400) / 86400);
  try {
    const issued = await client.createToken({
      build: opts.build,
      ...opts.repos?.length ? { scopes: opts.repos.map((r) => `repo:${r}:read`) } : {},
      description: `stowage setup for ${opts.build.name} #${opts.build.number}`,
      expiresInSec: opts.expiresInSec ?? 7 * 86400
    });
    return {
      token: issued.token,
      scoped: true,
      note: `using a token scoped to build ${opts.build.name} #${opts.build.number} (valid ${days} days)`
    };
  } catch (err) {
    return {
      ...given,
      scoped: false,
      note: `kept the given token: could not issue a build-scoped one (${err.message})`
    };
  }
}

// ../core/dist/deps/index.js
init_define_STOWAGE_UI_ASSETS();

// ../core/dist/deps/pip.js
init_define_STOWAGE_UI_ASSETS();
import { readFile as readFile5 } from "node:fs/promises";
import { join as join11 } from "node:path";
function normalize(name) {
  return name.replace(/[-_.]+/g, "-").toLowerCase();
}
function fromJson(text, file) {
  let doc;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new StowageError("ERR_DEPS_LOCKFILE", `${file} is not JSON: ${err.message}`);
  }
  const items = doc.install ?? doc.installed;
  if (!Array.isArray(items)) {
    throw new StowageError("ERR_DEPS_LOCKFILE", `${file} is neither a pip install report nor pip inspect output`, { hint: "write it with `pip install --report <file>` or `pip inspect > <file>`" });
  }
  const out = [];
  for (const it of items) {
    const name = it.metadata?.name;
    const version = it.metadata?.version;
    if (!name || !version)
      continue;
    const d = { id: `${normalize(name)}:${version}`, type: "pypi" };
    const a = it.download_info?.archive_info;
    const sha256 = a?.hashes?.sha256 ?? /^sha256=([0-9a-f]{64})$/i.exec(a?.hash ?? "")?.[1];
    if (sha256)
      d.sha256 = sha256.toLowerCase();
    const url = it.download_info?.url;
    if (url) {
      const filename = decodeURIComponent(new URL(url).pathname.split("/").pop() ?? "");
      d.type = filename.endsWith(".whl") ? "whl" : filename.endsWith(".tar.gz") ? "tar.gz" : "pypi";
    }
    if (it.requested === false)
      d.requestedBy = [];
    out.push(d);
  }
  return out;
}
function fromRequirements(text) {
  const out = [];
  const logical = text.replace(/\\\r?\n/g, " ").split(/\r?\n/);
  for (const raw of logical) {
    const line = raw.replace(/(^|\s)#.*$/, "").trim();
    if (!line || line.startsWith("-"))
      continue;
    const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*===?\s*([^\s;]+)/.exec(line);
    if (!m?.[1] || !m[2])
      continue;
    const d = { id: `${normalize(m[1])}:${m[2]}`, type: "pypi" };
    const hashes = [...line.matchAll(/--hash[=\s]sha256:([0-9a-f]{64})/gi)].map((h) => (h[1] ?? "").toLowerCase());
    if (hashes.length === 1)
      d.sha256 = hashes[0];
    out.push(d);
  }
  return out;
}
async function collectPip(opts) {
  const file = opts.file ? join11(opts.dir, opts.file) : join11(opts.dir, "requirements.txt");
  let text;
  try {
    text = await readFile5(file, "utf8");
  } catch (err) {
    throw new StowageError("ERR_DEPS_LOCKFILE", `cannot read ${file}: ${err.message}`, {
      hint: "pass a requirements.txt, or the JSON of `pip install --report <file>`"
    });
  }
  return file.endsWith(".json") ? fromJson(text, file) : fromRequirements(text);
}

// ../core/dist/deps/maven.js
init_define_STOWAGE_UI_ASSETS();
import { readFile as readFile6 } from "node:fs/promises";
import { join as join12 } from "node:path";
var SCOPES = /* @__PURE__ */ new Set(["compile", "provided", "runtime", "test", "system", "import"]);
function parseCoordinate(text) {
  const parts = text.trim().split(/\s+/)[0]?.split(":") ?? [];
  if (parts.length < 4)
    return void 0;
  const [groupId, artifactId, type] = parts;
  let rest = parts.slice(3);
  let scope;
  if (rest.length >= 2 && SCOPES.has(rest[rest.length - 1])) {
    scope = rest[rest.length - 1];
    rest = rest.slice(0, -1);
  }
  const c = { groupId, artifactId, type, version: "" };
  if (rest.length === 2) {
    c.classifier = rest[0];
    c.version = rest[1];
  } else if (rest.length === 1) {
    c.version = rest[0];
  } else {
    return void 0;
  }
  if (scope)
    c.scope = scope;
  return c;
}
function coordinateId(c) {
  return `${c.groupId}:${c.artifactId}:${c.version}${c.classifier ? `:${c.classifier}` : ""}`;
}
function localPath(localRepo, c) {
  const ext = ["jar", "pom", "war", "ear", "zip", "aar"].includes(c.type) ? c.type : "jar";
  const classifier = c.classifier ?? (c.type === "test-jar" ? "tests" : void 0);
  const name = `${c.artifactId}-${c.version}${classifier ? `-${classifier}` : ""}.${ext}`;
  return join12(localRepo, ...c.groupId.split("."), c.artifactId, c.version, name);
}
function parseTgf(text) {
  const lines = text.split(/\r?\n/);
  const sep3 = lines.findIndex((l) => l.trim() === "#");
  const nodes = /* @__PURE__ */ new Map();
  const parent = /* @__PURE__ */ new Map();
  let root;
  for (const line of lines.slice(0, sep3)) {
    const m = /^(\S+)\s+(.+)$/.exec(line.trim());
    const c = m && parseCoordinate(m[2]);
    if (!m || !c)
      continue;
    nodes.set(m[1], c);
    root ??= m[1];
  }
  for (const line of lines.slice(sep3 + 1)) {
    const [from, to, scope] = line.trim().split(/\s+/);
    if (!from || !to)
      continue;
    parent.set(to, from);
    const c = nodes.get(to);
    if (c && scope && !c.scope)
      c.scope = scope;
  }
  const out = [];
  for (const [key, c] of nodes) {
    if (key === root)
      continue;
    const chain = [];
    for (let p = parent.get(key); p !== void 0; p = parent.get(p)) {
      const pc = nodes.get(p);
      if (pc)
        chain.push(coordinateId(pc));
      if (chain.length > 100)
        break;
    }
    out.push({ coordinate: c, requestedBy: chain.length ? [chain] : [] });
  }
  return out;
}
function parseList(text) {
  const out = [];
  for (const line of text.split(/\r?\n/)) {
    if (!/^\s+\S+:\S+:\S+:\S+/.test(line))
      continue;
    const c = parseCoordinate(line);
    if (c)
      out.push({ coordinate: c, requestedBy: [] });
  }
  return out;
}
async function collectMaven(opts) {
  const candidates = opts.file ? [opts.file] : [join12(opts.dir, "target", "dependencies.tgf"), join12(opts.dir, "target", "dependencies.txt")];
  let text;
  let file = "";
  for (const f of candidates) {
    try {
      text = await readFile6(f, "utf8");
      file = f;
      break;
    } catch {
    }
  }
  if (text === void 0) {
    throw new StowageError("ERR_DEPS_LOCKFILE", `no Maven dependency file at ${candidates.join(" or ")}: run mvn dependency:tree -DoutputType=tgf -DoutputFile=target/dependencies.tgf first`);
  }
  const parsed = /^\s*#\s*$/m.test(text) ? parseTgf(text) : parseList(text);
  const byId = /* @__PURE__ */ new Map();
  for (const { coordinate: c, requestedBy } of parsed) {
    const id = coordinateId(c);
    const prev = byId.get(id);
    if (prev) {
      if (c.scope && !prev.scopes?.includes(c.scope))
        prev.scopes = [...prev.scopes ?? [], c.scope];
      if (requestedBy.length)
        prev.requestedBy = [...prev.requestedBy ?? [], ...requestedBy];
      continue;
    }
    const d = { id, type: c.type };
    if (c.scope)
      d.scopes = [c.scope];
    if (requestedBy.length)
      d.requestedBy = requestedBy;
    if (opts.localRepo) {
      try {
        const h = await hashFile(localPath(opts.localRepo, c));
        d.sha1 = h.sha1;
        d.sha256 = h.sha256;
        d.md5 = h.md5;
      } catch {
      }
    }
    byId.set(id, d);
  }
  if (byId.size === 0 && !text.includes("none")) {
    throw new StowageError("ERR_DEPS_LOCKFILE", `${file} holds no Maven coordinates`);
  }
  return [...byId.values()];
}

// ../core/dist/deps/go.js
init_define_STOWAGE_UI_ASSETS();
import { readFile as readFile7 } from "node:fs/promises";
import { join as join13 } from "node:path";
function parseGoSum(text) {
  const out = [];
  for (const line of text.split("\n")) {
    const [module, version, hash] = line.trim().split(/\s+/);
    if (!module || !version || !hash || version.endsWith("/go.mod"))
      continue;
    out.push({ module, version, h1: hash });
  }
  return out;
}
function directRequires(gomod) {
  const out = /* @__PURE__ */ new Set();
  let inBlock = false;
  for (const raw of gomod.split("\n")) {
    const line = raw.trim();
    if (/^require\s*\($/.test(line))
      inBlock = true;
    else if (inBlock && line === ")")
      inBlock = false;
    else {
      const m = inBlock ? /^(\S+)\s+(\S+)(.*)$/.exec(line) : /^require\s+(\S+)\s+(\S+)(.*)$/.exec(line);
      if (m?.[1] && !/\/\/\s*indirect/.test(m[3] ?? "") && !m[1].startsWith("//"))
        out.add(m[1]);
    }
  }
  return out;
}
var escape = (s) => s.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);
async function collectGo(opts) {
  const sumFile = opts.file ?? join13(opts.dir, "go.sum");
  let sum;
  try {
    sum = await readFile7(sumFile, "utf8");
  } catch (err) {
    throw new StowageError("ERR_FILE_NOT_FOUND", `cannot read ${sumFile}`, {
      cause: err,
      hint: "run `go mod download` (or a build) first so that go.sum exists"
    });
  }
  const gomod = await readFile7(join13(opts.dir, "go.mod"), "utf8").catch(() => "");
  const direct = directRequires(gomod);
  const deps = [];
  for (const e of parseGoSum(sum)) {
    const d = {
      id: `${e.module}:${e.version}`,
      type: "go",
      scopes: [direct.has(e.module) ? "direct" : "indirect"]
    };
    if (opts.modCache) {
      const zip = join13(opts.modCache, "cache", "download", escape(e.module), "@v", `${escape(e.version)}.zip`);
      const sums = await hashFile(zip).catch(() => void 0);
      if (sums)
        Object.assign(d, { sha1: sums.sha1, sha256: sums.sha256, md5: sums.md5 });
    }
    deps.push(d);
  }
  return deps;
}

// ../core/dist/deps/npm.js
init_define_STOWAGE_UI_ASSETS();
import { readFile as readFile8 } from "node:fs/promises";
import { join as join14 } from "node:path";
function nameOfKey(key) {
  const at = key.lastIndexOf("node_modules/");
  return key.slice(at + "node_modules/".length);
}
function locate(pkgs, from, dep) {
  let base2 = from;
  for (; ; ) {
    const key = base2 === "" ? `node_modules/${dep}` : `${base2}/node_modules/${dep}`;
    if (pkgs[key])
      return key;
    if (base2 === "")
      return void 0;
    const at = base2.lastIndexOf("/node_modules/");
    base2 = at < 0 ? "" : base2.slice(0, at);
  }
}
function sha1Of(integrity) {
  for (const e of (integrity ?? "").trim().split(/\s+/)) {
    if (e.startsWith("sha1-"))
      return Buffer.from(e.slice(5), "base64").toString("hex");
  }
  return void 0;
}
async function collectNpm(opts) {
  const file = opts.file ?? join14(opts.dir, "package-lock.json");
  let lock;
  try {
    lock = JSON.parse(await readFile8(file, "utf8"));
  } catch (err) {
    throw new StowageError("ERR_DEPS_LOCKFILE", `cannot read ${file}: ${err.message}`, {
      cause: err
    });
  }
  if (!lock.packages || (lock.lockfileVersion ?? 0) < 2) {
    throw new StowageError("ERR_DEPS_LOCKFILE", `${file} is lockfileVersion ${String(lock.lockfileVersion)}; npm 7 or later writes 2 or 3`);
  }
  const pkgs = lock.packages;
  const idOf = (key) => {
    const e = pkgs[key];
    return `${e?.name ?? nameOfKey(key)}:${e?.version ?? ""}`;
  };
  const rootId = `${pkgs[""]?.name ?? lock.name ?? "project"}:${pkgs[""]?.version ?? lock.version ?? ""}`;
  const parents = /* @__PURE__ */ new Map();
  for (const [key, e] of Object.entries(pkgs)) {
    if (e.link)
      continue;
    const deps = { ...e.dependencies, ...e.optionalDependencies, ...e.peerDependencies };
    for (const dep of Object.keys(deps)) {
      const at = locate(pkgs, key, dep);
      if (!at)
        continue;
      let set = parents.get(at);
      if (!set)
        parents.set(at, set = /* @__PURE__ */ new Set());
      set.add(key);
    }
  }
  const chains = (key) => {
    const out2 = [];
    const walk = (k, path, seen) => {
      if (out2.length >= 10)
        return;
      const ps = [...parents.get(k) ?? []];
      if (ps.length === 0 || ps.includes("")) {
        out2.push([...path, rootId]);
        return;
      }
      for (const p of ps) {
        if (seen.has(p))
          continue;
        walk(p, [...path, idOf(p)], new Set(seen).add(p));
      }
    };
    walk(key, [], /* @__PURE__ */ new Set([key]));
    return out2;
  };
  const out = [];
  for (const [key, e] of Object.entries(pkgs)) {
    if (key === "" || e.link || !key.includes("node_modules/") || !e.version)
      continue;
    const d = { id: idOf(key), type: "tgz", scopes: [e.dev ? "dev" : "prod"] };
    const sha1 = sha1Of(e.integrity);
    if (sha1)
      d.sha1 = sha1;
    const by = chains(key);
    if (by.length)
      d.requestedBy = by;
    out.push(d);
  }
  return out;
}

// ../core/dist/deps/r.js
init_define_STOWAGE_UI_ASSETS();
import { readFile as readFile9 } from "node:fs/promises";
import { join as join15 } from "node:path";
async function collectR(opts) {
  const file = opts.file ?? join15(opts.dir, "renv.lock");
  let lock;
  try {
    lock = JSON.parse(await readFile9(file, "utf8"));
  } catch (err) {
    throw new StowageError("ERR_DEPS_LOCKFILE", `cannot read ${file}: ${err.message}`, {
      cause: err
    });
  }
  if (!lock.Packages || typeof lock.Packages !== "object") {
    throw new StowageError("ERR_DEPS_LOCKFILE", `${file} has no "Packages" object`);
  }
  const pkgs = Object.entries(lock.Packages).map(([key, p]) => ({
    name: p.Package ?? key,
    version: p.Version ?? "",
    requires: p.Requirements ?? []
  }));
  const idOf = new Map(pkgs.map((p) => [p.name, `${p.name}:${p.version}`]));
  return pkgs.map((p) => {
    const dep = { id: `${p.name}:${p.version}`, type: "tar.gz" };
    const by = pkgs.filter((q) => q.requires.includes(p.name)).map((q) => [idOf.get(q.name) ?? q.name]);
    if (by.length)
      dep.requestedBy = by;
    return dep;
  });
}

// ../core/dist/deps/conda.js
init_define_STOWAGE_UI_ASSETS();
import { readFile as readFile10 } from "node:fs/promises";
import { join as join16 } from "node:path";
function parseFile(url) {
  const file = url.split(/[?#]/)[0]?.split("/").pop() ?? "";
  const m = /^(.+)-([^-]+)-([^-]+)\.(conda|tar\.bz2)$/.exec(file);
  return m ? { id: `${m[1]}:${m[2]}:${m[3]}`, type: m[4] ?? "conda" } : void 0;
}
async function collectConda(opts) {
  const file = opts.file ?? join16(opts.dir, "conda-explicit.txt");
  let text;
  try {
    text = await readFile10(file, "utf8");
  } catch (err) {
    throw new StowageError("ERR_DEPS_LOCKFILE", `cannot read ${file}: ${err.message}`, {
      cause: err
    });
  }
  const out = [];
  if (/^\s*@EXPLICIT\s*$/m.test(text)) {
    for (const line of text.split("\n").map((l) => l.trim())) {
      if (!line || line.startsWith("#") || line.startsWith("@"))
        continue;
      const [url = "", md5] = line.split("#");
      const p = parseFile(url);
      if (!p)
        continue;
      const dep = { id: p.id, type: p.type };
      if (md5 && /^[0-9a-f]{32}$/i.test(md5))
        dep.md5 = md5.toLowerCase();
      out.push(dep);
    }
    return out;
  }
  let cur;
  for (const line of text.split("\n")) {
    const url = /^\s*url:\s*["']?([^"'\s]+)/.exec(line)?.[1];
    if (url) {
      const p = parseFile(url);
      if (p)
        out.push(cur = { id: p.id, type: p.type });
      continue;
    }
    const md5 = /^\s*md5:\s*["']?([0-9a-f]{32})/i.exec(line)?.[1];
    if (md5 && cur)
      cur.md5 = md5.toLowerCase();
    const sha256 = /^\s*sha256:\s*["']?([0-9a-f]{64})/i.exec(line)?.[1];
    if (sha256 && cur)
      cur.sha256 = sha256.toLowerCase();
    if (/^\s*-\s/.test(line) && !url)
      cur = void 0;
  }
  if (out.length === 0) {
    throw new StowageError("ERR_DEPS_LOCKFILE", `${file} is neither \`conda list --explicit --md5\` output nor a lock file with package urls`);
  }
  return out;
}

// ../core/dist/deps/nuget.js
init_define_STOWAGE_UI_ASSETS();
import { readFile as readFile11 } from "node:fs/promises";
import { join as join17 } from "node:path";
async function collectNuget(opts) {
  const file = opts.file ?? join17(opts.dir, "packages.lock.json");
  let lock;
  try {
    lock = JSON.parse(await readFile11(file, "utf8"));
  } catch (err) {
    throw new StowageError("ERR_DEPS_LOCKFILE", `cannot read ${file}: ${err.message}`, {
      cause: err
    });
  }
  if (!lock.dependencies || typeof lock.dependencies !== "object") {
    throw new StowageError("ERR_DEPS_LOCKFILE", `${file} has no "dependencies" object`);
  }
  const pkgs = /* @__PURE__ */ new Map();
  const edges = [];
  for (const frameworkDeps of Object.values(lock.dependencies)) {
    for (const [name, p] of Object.entries(frameworkDeps ?? {})) {
      if (!p.resolved || p.type === "Project")
        continue;
      const key = name.toLowerCase();
      const entry2 = pkgs.get(key) ?? { name, version: p.resolved, scopes: /* @__PURE__ */ new Set() };
      if (p.type === "Direct" || p.type === "Transitive")
        entry2.scopes.add(p.type);
      pkgs.set(key, entry2);
      for (const child of Object.keys(p.dependencies ?? {}))
        edges.push([key, child.toLowerCase()]);
    }
  }
  const idOf = (key) => {
    const p = pkgs.get(key);
    return p ? `${p.name}:${p.version}` : void 0;
  };
  const out = [];
  for (const [key, p] of pkgs) {
    const dep = { id: `${p.name}:${p.version}`, type: "nupkg" };
    if (p.scopes.size)
      dep.scopes = [...p.scopes].sort();
    const by = [
      ...new Set(edges.filter(([, c]) => c === key).map(([parent]) => idOf(parent) ?? parent))
    ].map((id) => [id]);
    if (by.length)
      dep.requestedBy = by;
    out.push(dep);
  }
  return out;
}

// ../core/dist/deps/index.js
var DEPS_COLLECTORS = {
  pip: collectPip,
  maven: collectMaven,
  go: collectGo,
  npm: collectNpm,
  r: collectR,
  conda: collectConda,
  nuget: collectNuget
};
async function collectDependencies(tool, opts) {
  const collect = DEPS_COLLECTORS[tool];
  if (!collect) {
    const known = Object.keys(DEPS_COLLECTORS).sort();
    throw new StowageError("ERR_DEPS_UNKNOWN_TOOL", `cannot collect dependencies of "${tool}": ${known.length ? `known tools are ${known.join(", ")}` : "no tools are supported yet"}`);
  }
  return collect(opts);
}
function mergeWithDownloads(deps, downloads, idOf = (path) => path) {
  const byChecksum = /* @__PURE__ */ new Map();
  const byId = /* @__PURE__ */ new Map();
  for (const dl of downloads) {
    for (const sum of [dl.sha256, dl.sha1, dl.md5])
      byChecksum.set(sum, dl);
    const id = idOf(dl.path);
    const key = id?.toLowerCase();
    if (key !== void 0 && !byId.has(key))
      byId.set(key, dl);
  }
  const out = [];
  const seen = /* @__PURE__ */ new Set();
  const claimed = /* @__PURE__ */ new Set();
  const add = (d) => {
    const key = d.sha256 ?? d.sha1 ?? d.md5 ?? `id:${d.id}`;
    if (seen.has(key))
      return;
    seen.add(key);
    out.push(d);
  };
  for (const d of deps) {
    const dl = d.sha256 && byChecksum.get(d.sha256) || d.sha1 && byChecksum.get(d.sha1) || d.md5 && byChecksum.get(d.md5) || byId.get(d.id.toLowerCase());
    if (!dl) {
      add(d);
      continue;
    }
    claimed.add(dl);
    add({ ...d, sha1: dl.sha1, sha256: dl.sha256, md5: dl.md5 });
  }
  for (const dl of downloads) {
    const id = idOf(dl.path);
    if (claimed.has(dl) || id === void 0)
      continue;
    add({ id, sha1: dl.sha1, sha256: dl.sha256, md5: dl.md5 });
  }
  return out;
}

// ../core/dist/deps/downloads.js
init_define_STOWAGE_UI_ASSETS();
var base = (path) => path.slice(path.lastIndexOf("/") + 1);
function npmDownloadId(path) {
  const at = path.lastIndexOf("/-/");
  if (at < 0 || !path.endsWith(".tgz"))
    return void 0;
  const name = path.slice(0, at);
  const short = name.slice(name.lastIndexOf("/") + 1);
  const file = path.slice(at + 3, -".tgz".length);
  return file.startsWith(`${short}-`) ? `${name}:${file.slice(short.length + 1)}` : void 0;
}
function pipDownloadId(path) {
  const file = base(path);
  const wheel = /^([^-]+)-([^-]+)-.*\.whl$/.exec(file);
  const sdist = /^(.+)-([^-]+)\.(?:tar\.gz|zip)$/.exec(file);
  const m = wheel ?? sdist;
  if (!m)
    return void 0;
  return `${(m[1] ?? "").replace(/[-_.]+/g, "-").toLowerCase()}:${m[2] ?? ""}`;
}
function goDownloadId(path) {
  const m = /^(.+)\/@v\/([^/]+)\.zip$/.exec(path);
  if (!m)
    return void 0;
  const unescape = (s) => s.replace(/!([a-z])/g, (_, c) => c.toUpperCase());
  return `${unescape(m[1] ?? "")}:${unescape(m[2] ?? "")}`;
}
function mavenDownloadId(path) {
  const parts = path.split("/");
  if (parts.length < 4)
    return void 0;
  const file = parts[parts.length - 1] ?? "";
  const version = parts[parts.length - 2] ?? "";
  const artifact = parts[parts.length - 3] ?? "";
  const group = parts.slice(0, -3).join(".");
  if (!file.startsWith(`${artifact}-`) || /\.(pom|sha1|sha256|sha512|md5|asc|xml)$/.test(file))
    return void 0;
  const rest = file.slice(artifact.length + 1);
  const snapshotBase = version.endsWith("-SNAPSHOT") ? version.slice(0, -"SNAPSHOT".length) : void 0;
  let tail;
  if (rest.startsWith(`${version}`))
    tail = rest.slice(version.length);
  else if (snapshotBase && rest.startsWith(snapshotBase))
    tail = rest.slice(rest.indexOf("-", snapshotBase.length) + 1).replace(/^\d+/, "");
  else
    return void 0;
  const classifier = /^-([^.]+)\./.exec(tail)?.[1];
  return `${group}:${artifact}:${version}${classifier ? `:${classifier}` : ""}`;
}
function rDownloadId(path) {
  const m = /^([A-Za-z0-9.]+)_([0-9][0-9.-]*)\.(?:tar\.gz|tgz|zip)$/.exec(base(path));
  return m ? `${m[1]}:${m[2]}` : void 0;
}
function condaDownloadId(path) {
  const m = /^(.+)-([^-]+)-([^-]+)\.(?:conda|tar\.bz2)$/.exec(base(path));
  return m ? `${m[1]}:${m[2]}:${m[3]}` : void 0;
}
function nugetDownloadId(path) {
  const m = /^([^/]+)\/([^/]+)\/([^/]+)\.nupkg$/.exec(path);
  if (!m || m[3] !== `${m[1]}.${m[2]}`)
    return void 0;
  return `${m[1]}:${m[2]}`;
}
var DOWNLOAD_IDS = {
  npm: npmDownloadId,
  pip: pipDownloadId,
  go: goDownloadId,
  maven: mavenDownloadId,
  r: rDownloadId,
  conda: condaDownloadId,
  nuget: nugetDownloadId
};

// ../core/dist/publish/go.js
init_define_STOWAGE_UI_ASSETS();
var import_yazl = __toESM(require_yazl(), 1);
import { createReadStream as createReadStream3, createWriteStream as createWriteStream3 } from "node:fs";
import { lstat, mkdtemp, readdir as readdir2, readFile as readFile12, rm as rm2, stat as stat2 } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join as join18, relative, sep } from "node:path";
import { pipeline as pipeline3 } from "node:stream/promises";
var VCS_DIRS = /* @__PURE__ */ new Set([".git", ".hg", ".svn", ".bzr"]);
var VERSION = /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+incompatible)?$/;
var fail = (message, hint) => new StowageError("ERR_GO_MODULE", message, hint ? { hint } : {});
function escapeGoPath(s) {
  return s.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);
}
function goModulePath(gomod) {
  for (const raw of gomod.split("\n")) {
    const line = raw.replace(/\/\/.*$/, "").trim();
    const m = /^module\s+(?:"([^"]+)"|`([^`]+)`|(\S+))$/.exec(line);
    if (m)
      return m[1] ?? m[2] ?? m[3];
  }
  return void 0;
}
async function goModuleFiles(dir) {
  const out = [];
  const walk = async (d, top) => {
    const entries = await readdir2(d, { withFileTypes: true });
    if (!top && entries.some((e) => e.isFile() && e.name === "go.mod"))
      return;
    for (const e of entries) {
      const full = join18(d, e.name);
      if (e.isDirectory()) {
        if (VCS_DIRS.has(e.name) || e.name === "vendor")
          continue;
        await walk(full, false);
      } else if (e.isFile()) {
        out.push(relative(dir, full).split(sep).join("/"));
      }
    }
  };
  await walk(dir, true);
  return out.sort();
}
async function writeGoModuleZip(dir, version, file) {
  let gomod;
  try {
    gomod = await readFile12(join18(dir, "go.mod"), "utf8");
  } catch {
    throw fail(`${dir} has no go.mod`, "pass the module root (the directory holding go.mod)");
  }
  const module = goModulePath(gomod);
  if (!module)
    throw fail(`${join18(dir, "go.mod")} has no module line`);
  if (!VERSION.test(version)) {
    throw fail(`"${version}" is not a canonical module version`, "use vMAJOR.MINOR.PATCH, e.g. v1.2.3");
  }
  const files = await goModuleFiles(dir);
  const zip = new import_yazl.default.ZipFile();
  const done = pipeline3(zip.outputStream, createWriteStream3(file));
  for (const f of files) {
    const full = join18(dir, ...f.split("/"));
    if (!(await lstat(full)).isFile())
      continue;
    zip.addReadStream(createReadStream3(full), `${module}@${version}/${f}`, {
      mtime: /* @__PURE__ */ new Date(0),
      mode: 420
    });
  }
  zip.end();
  await done;
  return { module, files };
}
async function publishGoModule(opts) {
  if (!(await stat2(opts.dir).catch(() => void 0))?.isDirectory()) {
    throw fail(`${opts.dir} is not a directory`);
  }
  const tmp = await mkdtemp(join18(tmpdir(), "stowage-go-"));
  try {
    const file = join18(tmp, "module.zip");
    const { module } = await writeGoModuleZip(opts.dir, opts.version, file);
    const sums = await hashFile(file);
    const matrix = opts.build ? `;build.name=${encodeURIComponent(opts.build.name)};build.number=${encodeURIComponent(opts.build.number)}` : "";
    const client = new RepositoryClient({
      url: opts.url,
      ...opts.token ? { token: opts.token } : {},
      ...opts.user !== void 0 ? { user: opts.user } : {}
    });
    let res;
    try {
      res = await client.sendFile({
        method: "PUT",
        path: `/api/go/${encodeURIComponent(opts.repo)}${matrix}/${escapeGoPath(module)}/@v/${escapeGoPath(opts.version)}.zip`,
        file,
        headers: {
          "content-type": "application/zip",
          "content-length": String(sums.size),
          "x-checksum-sha256": sums.sha256,
          "x-checksum-sha1": sums.sha1
        },
        what: `publish of ${module}@${opts.version}`
      });
    } finally {
      await client.close();
    }
    const body = res.body ?? {};
    return { module, version: opts.version, repo: body.repo ?? opts.repo, files: body.files ?? [] };
  } finally {
    await rm2(tmp, { recursive: true, force: true });
  }
}

// ../core/dist/publish/helm.js
init_define_STOWAGE_UI_ASSETS();
import { createHash as createHash3 } from "node:crypto";
import { createWriteStream as createWriteStream4 } from "node:fs";
import { mkdtemp as mkdtemp2, readdir as readdir3, readFile as readFile13, rm as rm3, stat as stat3 } from "node:fs/promises";
import { tmpdir as tmpdir2 } from "node:os";
import { join as join19, relative as relative2, sep as sep2 } from "node:path";
import { pipeline as pipeline4 } from "node:stream/promises";
import { createGzip } from "node:zlib";

// ../core/dist/helm/chart.js
init_define_STOWAGE_UI_ASSETS();
var import_yaml = __toESM(require_dist2(), 1);
import { createGunzip } from "node:zlib";

// ../core/dist/internal/tar.js
init_define_STOWAGE_UI_ASSETS();
import { createReadStream as createReadStream4 } from "node:fs";
import { Readable as Readable3 } from "node:stream";
function header(name, size, mode, mtime, type) {
  const h = Buffer.alloc(512);
  let prefix = "";
  let base2 = name;
  if (Buffer.byteLength(name) > 100) {
    for (let i = name.indexOf("/"); i > 0; i = name.indexOf("/", i + 1)) {
      if (Buffer.byteLength(name.slice(i + 1)) <= 100 && Buffer.byteLength(name.slice(0, i)) <= 155) {
        prefix = name.slice(0, i);
        base2 = name.slice(i + 1);
        break;
      }
    }
  }
  h.write(base2.slice(0, 100), 0, 100, "utf8");
  h.write(`${(mode & 4095).toString(8).padStart(7, "0")}\0`, 100);
  h.write("0000000\0", 108);
  h.write("0000000\0", 116);
  h.write(`${size.toString(8).padStart(11, "0")}\0`, 124);
  h.write(`${Math.floor(mtime.getTime() / 1e3).toString(8).padStart(11, "0")}\0`, 136);
  h.write("        ", 148);
  h.write(type, 156);
  h.write("ustar\0", 257);
  h.write("00", 263);
  h.write(prefix, 345, 155, "utf8");
  let sum = 0;
  for (const b of h)
    sum += b;
  h.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
  return h;
}
var pad2 = (size) => Buffer.alloc((512 - size % 512) % 512);
function fitsUstar(name) {
  if (Buffer.byteLength(name) <= 100)
    return true;
  for (let i = name.indexOf("/"); i > 0; i = name.indexOf("/", i + 1)) {
    if (Buffer.byteLength(name.slice(i + 1)) <= 100 && Buffer.byteLength(name.slice(0, i)) <= 155)
      return true;
  }
  return false;
}
function paxPath(name) {
  const body = ` path=${name}
`;
  const n = Buffer.byteLength(body);
  let len = n + String(n).length;
  while (String(len).length + n !== len)
    len = String(len).length + n;
  return Buffer.from(`${len}${body}`);
}
function tarStream(files) {
  return Readable3.from((async function* () {
    for (const f of files) {
      const mtime = f.mtime ?? /* @__PURE__ */ new Date();
      const mode = f.mode ?? 420;
      if (!fitsUstar(f.name)) {
        const pax = paxPath(f.name);
        yield header("PaxHeader", pax.length, 420, mtime, "x");
        yield pax;
        yield pad2(pax.length);
      }
      yield header(f.name, f.size, mode, mtime, "0");
      let sent = 0;
      for await (const chunk of createReadStream4(f.source)) {
        const b = chunk;
        const room = f.size - sent;
        if (room <= 0)
          break;
        const part = b.length > room ? b.subarray(0, room) : b;
        sent += part.length;
        yield part;
      }
      if (sent !== f.size)
        throw new Error(`${f.source} changed size while it was archived`);
      yield pad2(f.size);
    }
    yield Buffer.alloc(1024);
  })());
}
var MAX_MEMBER = 16 * 1024 * 1024;
async function walkTar(stream, match, limits) {
  let buf = Buffer.alloc(0);
  let skip = 0;
  let entries = 0;
  let want;
  let longName;
  for await (const chunk of stream) {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    for (; ; ) {
      if (skip > 0) {
        const n = Math.min(skip, buf.length);
        buf = buf.subarray(n);
        skip -= n;
        if (skip > 0)
          break;
      }
      if (want) {
        const padded = Math.ceil(want.size / 512) * 512;
        if (buf.length < padded)
          break;
        const data = Buffer.from(buf.subarray(0, want.size));
        buf = buf.subarray(padded);
        const w = want;
        want = void 0;
        if (w.keep === "member")
          return { name: w.name, data };
        if (w.keep === "longname")
          longName = data.toString("utf8").replace(/\0.*$/s, "");
        else
          longName = paxRecordPath(data) ?? longName;
        continue;
      }
      if (buf.length < 512)
        break;
      const h = buf.subarray(0, 512);
      buf = buf.subarray(512);
      if (h.every((b) => b === 0))
        return void 0;
      if (++entries > limits.entries) {
        limits.onLimit?.("entries");
        return void 0;
      }
      const size = parseOctal(h.subarray(124, 136));
      const type = String.fromCharCode(h[156] ?? 0);
      const field = (a, b) => h.subarray(a, b).toString("utf8").replace(/\0.*$/s, "");
      const prefix = h.subarray(257, 262).toString("latin1") === "ustar" ? field(345, 500) : "";
      let name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
      if (type === "L" || type === "x") {
        if (size > limits.entryBytes) {
          limits.onLimit?.("entryBytes");
          return void 0;
        }
        want = { name: "", size, keep: type === "L" ? "longname" : "pax" };
        continue;
      }
      longName = void 0;
      name = name.replace(/^\.\//, "");
      if ((type === "0" || type === "\0") && match(name)) {
        if (size > limits.entryBytes) {
          limits.onLimit?.("entryBytes", name);
          return void 0;
        }
        want = { name, size, keep: "member" };
        continue;
      }
      skip = Math.ceil(size / 512) * 512;
    }
  }
  return void 0;
}
async function extractTarMember(stream, match) {
  try {
    return await walkTar(stream, match, { entries: Infinity, entryBytes: MAX_MEMBER });
  } finally {
    stream.destroy();
  }
}
function parseOctal(b) {
  const first = b[0] ?? 0;
  if (first & 128) {
    let n = 0;
    for (let i = 1; i < b.length; i++)
      n = n * 256 + (b[i] ?? 0);
    return n;
  }
  const s = b.toString("latin1").replace(/\0.*$/s, "").trim();
  return s ? parseInt(s, 8) : 0;
}
function paxRecordPath(data) {
  for (const line of data.toString("utf8").split("\n")) {
    const m = /^\d+ path=(.*)$/.exec(line);
    if (m)
      return m[1];
  }
  return void 0;
}

// ../core/dist/helm/chart.js
var SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
var CHART_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,249}$/;
var CHART_INVALID = "ERR_HELM_CHART_INVALID";
var invalid = (message, cause) => new StowageError(CHART_INVALID, message, {
  hint: "fix Chart.yaml as `helm lint` would ask",
  ...cause === void 0 ? {} : { cause }
});
var STRING_FIELDS = [
  "description",
  "type",
  "kubeVersion",
  "home",
  "icon",
  "condition",
  "tags"
];
var LIST_FIELDS = ["sources", "keywords"];
function chartEntry(doc) {
  if (typeof doc !== "object" || doc === null || Array.isArray(doc))
    throw invalid("Chart.yaml is not a mapping");
  const d = doc;
  const name = d.name;
  if (typeof name !== "string" || name === "")
    throw invalid("Chart.yaml has no name");
  if (!CHART_NAME.test(name) || name.includes(".."))
    throw invalid(`chart name "${name}" is invalid: use letters, digits, ".", "_" and "-"`);
  const version = typeof d.version === "number" ? String(d.version) : d.version;
  if (typeof version !== "string" || !SEMVER.test(version))
    throw invalid(`chart version "${String(version ?? "")}" is not SemVer 2 (e.g. 1.2.3)`);
  const apiVersion = d.apiVersion;
  if (apiVersion !== "v1" && apiVersion !== "v2")
    throw invalid(`Chart.yaml apiVersion is "${String(apiVersion ?? "")}", not v1 or v2`);
  const out = { apiVersion, name, version };
  if (d.appVersion !== void 0 && d.appVersion !== null) {
    if (!["string", "number"].includes(typeof d.appVersion))
      throw invalid("Chart.yaml appVersion is not a string");
    out.appVersion = String(d.appVersion);
  }
  for (const f of STRING_FIELDS) {
    const v = d[f];
    if (v === void 0 || v === null)
      continue;
    if (typeof v !== "string")
      throw invalid(`Chart.yaml ${f} is not a string`);
    out[f] = v;
  }
  if (out.type !== void 0 && !["application", "library"].includes(out.type))
    throw invalid(`chart type "${out.type}" is neither application nor library`);
  for (const f of LIST_FIELDS) {
    const v = d[f];
    if (v === void 0 || v === null)
      continue;
    if (!Array.isArray(v) || v.some((x) => typeof x !== "string"))
      throw invalid(`Chart.yaml ${f} is not a list of strings`);
    out[f] = v;
  }
  if (d.maintainers !== void 0 && d.maintainers !== null) {
    if (!Array.isArray(d.maintainers))
      throw invalid("Chart.yaml maintainers is not a list");
    out.maintainers = d.maintainers.map((m, i) => {
      const o = m;
      if (typeof o !== "object" || o === null || typeof o.name !== "string" || o.name === "")
        throw invalid(`Chart.yaml maintainers[${i}] has no name`);
      const r = { name: o.name };
      if (typeof o.email === "string")
        r.email = o.email;
      if (typeof o.url === "string")
        r.url = o.url;
      return r;
    });
  }
  if (d.dependencies !== void 0 && d.dependencies !== null) {
    if (!Array.isArray(d.dependencies))
      throw invalid("Chart.yaml dependencies is not a list");
    out.dependencies = d.dependencies.map((x, i) => {
      const o = x;
      if (typeof o !== "object" || o === null || typeof o.name !== "string" || o.name === "")
        throw invalid(`Chart.yaml dependencies[${i}] has no name`);
      for (const k of ["version", "repository", "condition", "alias"]) {
        if (o[k] !== void 0 && o[k] !== null && typeof o[k] !== "string")
          throw invalid(`Chart.yaml dependencies[${i}].${k} is not a string`);
      }
      return o;
    });
  }
  if (d.annotations !== void 0 && d.annotations !== null) {
    const a = d.annotations;
    if (typeof a !== "object" || Array.isArray(a) || Object.values(a).some((v) => typeof v !== "string"))
      throw invalid("Chart.yaml annotations is not a map of strings");
    out.annotations = a;
  }
  if (d.deprecated !== void 0 && d.deprecated !== null) {
    if (typeof d.deprecated !== "boolean")
      throw invalid("Chart.yaml deprecated is not a boolean");
    out.deprecated = d.deprecated;
  }
  return out;
}
async function readChart(archive) {
  let member;
  try {
    const gunzip = createGunzip();
    archive.once("error", (err) => gunzip.destroy(err));
    member = await extractTarMember(archive.pipe(gunzip), (n) => /^[^/]+\/Chart\.yaml$/.test(n));
  } catch (err) {
    throw invalid(`the chart archive cannot be read as a .tgz (${err.message})`, err);
  }
  if (!member)
    throw invalid("the archive has no {chart}/Chart.yaml");
  return parseChartYaml(member.data.toString("utf8"));
}
function parseChartYaml(text) {
  let doc;
  try {
    doc = (0, import_yaml.parse)(text, { maxAliasCount: 50 });
  } catch (err) {
    throw invalid(`Chart.yaml is not YAML (${err.message})`, err);
  }
  return chartEntry(doc);
}

// ../core/dist/publish/helm.js
var fail2 = (message, hint) => new StowageError("ERR_HELM_CHART", message, hint ? { hint } : {});
function ignoreRule(line) {
  let p = line.trim();
  if (p === "" || p.startsWith("#") || p.startsWith("!"))
    return void 0;
  const dirOnly = p.endsWith("/");
  p = p.replace(/\/+$/, "").replace(/^\/+/, "");
  const source = p.split("").map((c) => c === "*" ? "[^/]*" : c === "?" ? "[^/]" : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")).join("");
  const re = new RegExp(`^${source}$`);
  const byPath = p.includes("/");
  return (rel, isDir) => {
    if (dirOnly && !isDir)
      return false;
    return re.test(byPath ? rel : rel.slice(rel.lastIndexOf("/") + 1));
  };
}
async function chartFiles(dir) {
  const ignore = (await readFile13(join19(dir, ".helmignore"), "utf8").catch(() => "") || "").split("\n").map(ignoreRule).filter((r) => r !== void 0);
  const skip = (rel, isDir) => isDir && rel.split("/").pop() === ".git" || ignore.some((r) => r(rel, isDir));
  const out = [];
  const walk = async (d) => {
    for (const e of await readdir3(d, { withFileTypes: true })) {
      const full = join19(d, e.name);
      const rel = relative2(dir, full).split(sep2).join("/");
      if (e.isDirectory()) {
        if (!skip(rel, true))
          await walk(full);
      } else if (e.isFile() && !skip(rel, false))
        out.push(rel);
    }
  };
  await walk(dir);
  return out.sort();
}
async function packageChart(dir, outDir) {
  let yaml;
  try {
    yaml = await readFile13(join19(dir, "Chart.yaml"), "utf8");
  } catch {
    throw fail2(`${dir} has no Chart.yaml`, "pass a chart directory or a packaged .tgz");
  }
  const { name, version } = parseChartYaml(yaml);
  const files = [];
  for (const rel of await chartFiles(dir)) {
    const source = join19(dir, ...rel.split("/"));
    const st = await stat3(source);
    files.push({ name: `${name}/${rel}`, source, size: st.size, mode: 420, mtime: st.mtime });
  }
  const file = join19(outDir, `${name}-${version}.tgz`);
  await pipeline4(tarStream(files), createGzip(), createWriteStream4(file));
  return { file, name, version };
}
async function pushHelmChart(opts) {
  const st = await stat3(opts.chart).catch(() => void 0);
  if (!st)
    throw fail2(`${opts.chart} does not exist`);
  const tmp = st.isDirectory() ? await mkdtemp2(join19(tmpdir2(), "stowage-helm-")) : void 0;
  try {
    const file = tmp ? (await packageChart(opts.chart, tmp)).file : opts.chart;
    const sums = await hashFile(file);
    const shown = file.slice(file.lastIndexOf(sep2) + 1);
    const client = new RepositoryClient({
      url: opts.url,
      ...opts.token ? { token: opts.token } : {},
      ...opts.user !== void 0 ? { user: opts.user } : {},
      ...opts.build ? { build: opts.build } : {}
    });
    let res;
    try {
      res = await client.sendFile({
        method: "POST",
        path: `/api/helm/${encodeURIComponent(opts.repo)}/api/charts`,
        file,
        headers: {
          "content-type": "application/gzip",
          "content-length": String(sums.size),
          "x-checksum-sha256": sums.sha256,
          "x-checksum-sha1": sums.sha1
        },
        what: `push of ${shown}`
      });
    } finally {
      await client.close();
    }
    const body = res.body ?? {};
    return {
      name: body.name ?? "",
      version: body.version ?? "",
      repo: body.repo ?? opts.repo,
      path: body.path ?? "",
      file: body.path ? body.path.slice(body.path.lastIndexOf("/") + 1) : shown,
      packaged: tmp !== void 0,
      created: res.status === 201,
      ...sums
    };
  } finally {
    if (tmp)
      await rm3(tmp, { recursive: true, force: true });
  }
}
var HELM_OCI_MEDIA = {
  manifest: "application/vnd.oci.image.manifest.v1+json",
  config: "application/vnd.cncf.helm.config.v1+json",
  chart: "application/vnd.cncf.helm.chart.content.v1.tar+gzip",
  provenance: "application/vnd.cncf.helm.chart.provenance.v1.prov"
};
async function pushHelmChartOci(opts) {
  const st = await stat3(opts.chart).catch(() => void 0);
  if (!st)
    throw fail2(`${opts.chart} does not exist`);
  const target = opts.target.replace(/^oci:\/\//, "").replace(/\/+$/, "");
  if (target === "" || target.startsWith("/"))
    throw fail2(`"${opts.target}" is not {repo}[/{path}]`, "e.g. --oci docker-local/charts");
  const tmp = st.isDirectory() ? await mkdtemp2(join19(tmpdir2(), "stowage-helm-")) : void 0;
  try {
    const file = tmp ? (await packageChart(opts.chart, tmp)).file : opts.chart;
    const meta = await opts.readMetadata(file);
    const sums = await hashFile(file);
    const config = Buffer.from(JSON.stringify(meta));
    const configDigest = `sha256:${createHash3("sha256").update(config).digest("hex")}`;
    const chartDigest = `sha256:${sums.sha256}`;
    const image = `${target}/${meta.name}`;
    const tag = meta.version.replaceAll("+", "_");
    await opts.client.registryPushBlob(image, {
      digest: configDigest,
      size: config.length,
      data: config
    });
    await opts.client.registryPushBlob(image, { digest: chartDigest, size: sums.size, file });
    const annotations = {
      "org.opencontainers.image.title": meta.name,
      "org.opencontainers.image.version": meta.version
    };
    if (typeof meta.description === "string")
      annotations["org.opencontainers.image.description"] = meta.description;
    const manifest = Buffer.from(JSON.stringify({
      schemaVersion: 2,
      mediaType: HELM_OCI_MEDIA.manifest,
      config: { mediaType: HELM_OCI_MEDIA.config, digest: configDigest, size: config.length },
      layers: [{ mediaType: HELM_OCI_MEDIA.chart, digest: chartDigest, size: sums.size }],
      annotations
    }));
    const manifestDigest = await opts.client.registryPutManifest(image, tag, HELM_OCI_MEDIA.manifest, manifest);
    return {
      name: meta.name,
      version: meta.version,
      image,
      tag,
      reference: `${image}:${tag}`,
      manifestDigest,
      configDigest,
      file: file.slice(file.lastIndexOf(sep2) + 1),
      packaged: tmp !== void 0,
      ...sums
    };
  } finally {
    if (tmp)
      await rm3(tmp, { recursive: true, force: true });
  }
}
async function pullHelmChartOci(opts) {
  const ref = opts.reference.replace(/^oci:\/\//, "");
  const m = /^(.+?)(?:@(sha256:[a-f0-9]{64})|:([^:/@]+))$/.exec(ref);
  if (!m?.[1] || !m[1].includes("/"))
    throw fail2(`"${opts.reference}" is not {repo}/{name}:{version}`, "e.g. docker-local/charts/app:1.2.0");
  const image = m[1];
  const reference = m[2] ?? (m[3] ?? "").replaceAll("+", "_");
  const got = await opts.client.registryManifest(image, reference);
  let doc;
  try {
    doc = JSON.parse(got.body.toString("utf8"));
  } catch {
    throw fail2(`${ref} is not an OCI manifest`);
  }
  if (doc.config?.mediaType !== HELM_OCI_MEDIA.config)
    throw fail2(`${ref} is not a Helm chart (its config is not ${HELM_OCI_MEDIA.config})`);
  const layer = (Array.isArray(doc.layers) ? doc.layers : []).find((l) => typeof l === "object" && l !== null && l.mediaType === HELM_OCI_MEDIA.chart && typeof l.digest === "string");
  if (!layer)
    throw fail2(`${ref} has no chart layer`);
  await opts.client.registryDownloadBlob(image, layer.digest, opts.dest);
  return { image, manifestDigest: got.digest, chartDigest: layer.digest, size: layer.size };
}

// ../core/dist/publish/docker.js
init_define_STOWAGE_UI_ASSETS();
import { execFile as execFile2 } from "node:child_process";
import { mkdtemp as mkdtemp3, readFile as readFile14, rm as rm4, writeFile as writeFile5 } from "node:fs/promises";
import { tmpdir as tmpdir3 } from "node:os";
import { join as join20 } from "node:path";
var COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
var TAG = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;
var DIGEST = /^sha256:[a-f0-9]{64}$/;
function parseImageRef(text) {
  const bad = (why) => new StowageError("ERR_DOCKER_REFERENCE", `"${text}" is not {repo}/{image}:{tag}: ${why}`, {
    hint: "write the Stowage repository, the image and the tag, e.g. docker-local/etl:42"
  });
  let name = text;
  let reference = "latest";
  const at = text.indexOf("@");
  if (at >= 0) {
    name = text.slice(0, at);
    reference = text.slice(at + 1);
    if (!DIGEST.test(reference))
      throw bad(`"${reference}" is not a sha256 digest`);
  } else {
    const colon = text.lastIndexOf(":");
    if (colon > text.lastIndexOf("/")) {
      name = text.slice(0, colon);
      reference = text.slice(colon + 1);
      if (!TAG.test(reference))
        throw bad(`"${reference}" is not a tag`);
    }
  }
  const slash = name.indexOf("/");
  if (slash <= 0)
    throw bad("the repository is missing");
  const repo = name.slice(0, slash);
  const image = name.slice(slash + 1);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(repo))
    throw bad(`"${repo}" is not a repository key`);
  if (image === "" || !image.split("/").every((c) => COMPONENT.test(c)))
    throw bad("image name components are lowercase letters and digits separated by . _ __ or -");
  return { repo, image, reference };
}
var isDigestRef = (ref) => ref.reference.startsWith("sha256:");
function moduleIdOf(ref) {
  return `${ref.image}${isDigestRef(ref) ? "@" : ":"}${ref.reference}`;
}
var TRANSPORTS = [
  "oci:",
  "oci-archive:",
  "docker://",
  "docker-archive:",
  "docker-daemon:",
  "dir:",
  "containers-storage:"
];
function skopeoLocation(text) {
  return TRANSPORTS.some((t) => text.startsWith(t)) ? text : `oci:${text}`;
}
function registryLocation(url, ref) {
  const sep3 = isDigestRef(ref) ? "@" : ":";
  return `docker://${registryHost(url)}/${ref.repo}/${ref.image}${sep3}${ref.reference}`;
}
async function skopeoCopy(opts) {
  const side = opts.direction === "push" ? "dest" : "src";
  const registry = registryLocation(opts.url, opts.ref);
  const tmp = await mkdtemp3(join20(tmpdir3(), "stowage-skopeo-"));
  try {
    const args = ["copy"];
    const global = opts.insecurePolicy ? ["--insecure-policy"] : [];
    if (opts.token) {
      const auth = join20(tmp, "auth.json");
      const host = registryHost(opts.url);
      const doc = { auths: { [host]: authEntry(opts.user ?? "token", opts.token) } };
      await writeFile5(auth, JSON.stringify(doc), { mode: 384 });
      args.push(`--${side}-authfile`, auth);
    }
    if (new URL(opts.url).protocol === "http:")
      args.push(`--${side}-tls-verify=false`);
    if (opts.all)
      args.push("--multi-arch", "all");
    const digestFile = join20(tmp, "digest");
    args.push("--digestfile", digestFile, ...opts.args ?? []);
    args.push(...opts.direction === "push" ? [opts.location, registry] : [registry, opts.location]);
    const command = [opts.skopeo ?? "skopeo", ...global, ...args];
    await new Promise((resolve, reject) => {
      execFile2(command[0] ?? "skopeo", command.slice(1), {
        maxBuffer: 16 * 1024 * 1024,
        timeout: opts.timeoutMs ?? 30 * 6e4,
        ...opts.env ? { env: opts.env } : {}
      }, (err, _stdout, stderr) => {
        if (!err)
          return resolve();
        const missing = err.code === "ENOENT";
        reject(new StowageError(missing ? "ERR_DOCKER_SKOPEO_MISSING" : "ERR_DOCKER_COPY", missing ? `${command[0]} is not installed (or not on PATH)` : `skopeo copy ${opts.direction === "push" ? `${opts.location} \u2192 ${registry}` : `${registry} \u2192 ${opts.location}`} failed: ${String(stderr).trim() || err.message}`, {
          hint: missing ? "install skopeo (apt-get install -y skopeo, dnf install skopeo, brew install skopeo)" : "check the source/destination (skopeo transport syntax, e.g. oci:dir:tag, docker-archive:file.tar) and the token",
          cause: err
        }));
      });
    });
    const digest = (await readFile14(digestFile, "utf8").catch(() => "")).trim() || void 0;
    return {
      digest,
      command: command.map((a) => a.startsWith(tmp) ? "<temporary auth file>" : a)
    };
  } finally {
    await rm4(tmp, { recursive: true, force: true });
  }
}
async function readRemoteImage(client, ref) {
  const name = `${ref.repo}/${ref.image}`;
  const top = await client.registryManifest(name, ref.reference);
  const doc = parseJson(top.body, `manifest ${name}:${ref.reference}`);
  const mediaType = typeof doc.mediaType === "string" ? doc.mediaType : top.mediaType;
  const index = Array.isArray(doc.manifests);
  const out = { ref, digest: top.digest, mediaType, index, platforms: [] };
  if (!index) {
    out.platforms.push(await platformOf(client, name, top.digest, doc, void 0));
    return out;
  }
  for (const d of doc.manifests.map((m) => descriptor(m, name))) {
    if (d.platform?.os === "unknown" || d.platform?.architecture === "unknown")
      continue;
    const child = await client.registryManifest(name, d.digest).catch((err) => {
      if (err instanceof StowageError && err.status === 404)
        return void 0;
      throw err;
    });
    if (!child)
      continue;
    const cdoc = parseJson(child.body, `manifest ${name}@${d.digest}`);
    if (Array.isArray(cdoc.manifests))
      continue;
    out.platforms.push(await platformOf(client, name, child.digest, cdoc, platformText(d.platform)));
  }
  return out;
}
async function platformOf(client, name, digest, doc, platform) {
  const config = descriptor(doc.config, name);
  const layers = Array.isArray(doc.layers) ? doc.layers.map((l) => descriptor(l, name)) : [];
  if (platform === void 0 && /image\.config|container\.image/.test(config.mediaType)) {
    const cfg = parseJson(await client.registryBlob(name, config.digest), `config ${name}`);
    platform = platformText(cfg);
  }
  return {
    platform,
    digest,
    config: {
      digest: config.digest,
      size: config.size,
      mediaType: config.mediaType,
      type: "config"
    },
    layers: layers.map((l) => ({
      digest: l.digest,
      size: l.size,
      mediaType: l.mediaType,
      type: "layer"
    }))
  };
}
var blobArtifactName = (digest) => digest.replace(":", "__");
function dockerModule(img, as, id) {
  const properties = {
    "docker.image.digest": img.digest,
    "docker.repo": img.ref.repo,
    "docker.image.mediaType": img.mediaType
  };
  if (!isDigestRef(img.ref))
    properties["docker.image.tag"] = img.ref.reference;
  const platforms = img.platforms.map((p) => p.platform).filter((p) => !!p);
  if (platforms.length)
    properties["docker.image.platform"] = platforms.join(",");
  if (img.index) {
    properties["docker.image.manifests"] = img.platforms.map((p) => `${p.platform ?? "?"}=${p.digest}`).join(",");
  }
  const seen = /* @__PURE__ */ new Set();
  const blobs = [];
  for (const p of img.platforms) {
    for (const b of [p.config, ...p.layers]) {
      if (seen.has(b.digest))
        continue;
      seen.add(b.digest);
      blobs.push(b);
    }
  }
  const hex = (d) => d.slice(d.indexOf(":") + 1);
  const module = { id: id ?? moduleIdOf(img.ref), type: "docker", properties };
  if (as === "push") {
    module.artifacts = blobs.map((b) => ({
      name: blobArtifactName(b.digest),
      type: b.type,
      path: `${img.ref.repo}/${img.ref.image}/_blobs/sha256/${hex(b.digest)}`,
      sha256: hex(b.digest),
      size: b.size
    }));
  } else {
    module.dependencies = blobs.map((b) => ({
      id: blobArtifactName(b.digest),
      type: b.type,
      sha256: hex(b.digest)
    }));
  }
  return module;
}
function platformText(p) {
  if (typeof p !== "object" || p === null)
    return void 0;
  const { os, architecture, variant } = p;
  if (typeof os !== "string" || typeof architecture !== "string")
    return void 0;
  return [os, architecture, ...typeof variant === "string" && variant ? [variant] : []].join("/");
}
function parseJson(body, what) {
  let doc;
  try {
    doc = JSON.parse(body.toString("utf8"));
  } catch (err) {
    throw new StowageError("ERR_DOCKER_MANIFEST", `${what} is not JSON`, { cause: err });
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc))
    throw new StowageError("ERR_DOCKER_MANIFEST", `${what} is not a JSON object`);
  return doc;
}
function descriptor(d, name) {
  const o = typeof d === "object" && d !== null ? d : {};
  if (typeof o.digest !== "string" || typeof o.size !== "number" || typeof o.mediaType !== "string") {
    throw new StowageError("ERR_DOCKER_MANIFEST", `a manifest of ${name} has a descriptor without digest, size or mediaType`);
  }
  const out = { digest: o.digest, size: o.size, mediaType: o.mediaType };
  if (typeof o.platform === "object" && o.platform !== null)
    out.platform = o.platform;
  return out;
}

// ../core/dist/builds.js
init_define_STOWAGE_UI_ASSETS();
function mergePublished(existing, info) {
  if (!existing)
    return info;
  const merged = mergeBuildInfo(existing, info);
  const end = Math.max(endOf(existing), endOf(info));
  merged.durationMillis = Math.max(0, end - Date.parse(isoOf(merged.started)));
  return merged;
}
var MERGE_ATTEMPTS = 20;
async function publishMerged(client, info) {
  for (let attempt = 1; ; attempt++) {
    let existing;
    try {
      existing = await client.getBuildRevision(info.name, info.number);
    } catch (err) {
      if (!(isStowageError(err) && err.status === 404))
        throw err;
    }
    const merged = mergePublished(existing?.info, info);
    try {
      await client.publishBuild(merged, existing ? existing.revision ? { ifMatch: existing.revision } : {} : { ifNoneMatch: true });
      return merged;
    } catch (err) {
      if (!(isStowageError(err) && err.status === 412) || attempt >= MERGE_ATTEMPTS)
        throw err;
    }
  }
}
function isoOf(started) {
  return started.replace(/([+-]\d{2})(\d{2})$/, "$1:$2");
}
function endOf(info) {
  return Date.parse(isoOf(info.started)) + (info.durationMillis ?? 0);
}
function splitDependencyId(id) {
  const at = id.lastIndexOf("@");
  if (at > 0)
    return { pkg: id.slice(0, at), version: id.slice(at + 1) };
  const colon = id.lastIndexOf(":");
  if (colon > 0)
    return { pkg: id.slice(0, colon), version: id.slice(colon + 1) };
  return { pkg: id };
}
var checksumOf = (x) => x.sha256 ?? x.sha1 ?? x.md5;
function diffBuilds(a, b) {
  const diff = {
    from: { name: a.name, number: a.number },
    to: { name: b.name, number: b.number },
    dependencies: { added: [], removed: [], versionChanged: [], checksumChanged: [] },
    artifacts: { added: [], removed: [], changed: [] }
  };
  const deps = (info) => {
    const out = /* @__PURE__ */ new Map();
    for (const m of info.modules ?? []) {
      for (const dep of m.dependencies ?? []) {
        const key = `${m.id}\0${splitDependencyId(dep.id).pkg}`;
        const list = out.get(key) ?? [];
        list.push({ module: m.id, dep });
        out.set(key, list);
      }
    }
    return out;
  };
  const before = deps(a);
  const after = deps(b);
  const change = (module, x, y) => {
    const c = { id: (y ?? x)?.id ?? "", module };
    const vx = x ? splitDependencyId(x.id).version : void 0;
    const vy = y ? splitDependencyId(y.id).version : void 0;
    if (vx !== void 0)
      c.from = vx;
    if (vy !== void 0)
      c.to = vy;
    const sx = x ? checksumOf(x) : void 0;
    const sy = y ? checksumOf(y) : void 0;
    if (sx !== void 0)
      c.fromSha256 = sx;
    if (sy !== void 0)
      c.toSha256 = sy;
    return c;
  };
  for (const [key, olds] of before) {
    const news = after.get(key) ?? [];
    const newIds = new Map(news.map((n) => [n.dep.id, n.dep]));
    const oldIds = new Map(olds.map((o) => [o.dep.id, o.dep]));
    const module = olds[0]?.module ?? "";
    const gone = olds.filter((o) => !newIds.has(o.dep.id));
    const came = news.filter((n) => !oldIds.has(n.dep.id));
    if (gone.length === 1 && came.length === 1) {
      diff.dependencies.versionChanged.push(change(module, gone[0]?.dep, came[0]?.dep));
    } else {
      for (const g of gone)
        diff.dependencies.removed.push(change(module, g.dep));
      for (const c of came)
        diff.dependencies.added.push(change(module, void 0, c.dep));
    }
    for (const o of olds) {
      const n = newIds.get(o.dep.id);
      if (!n)
        continue;
      const sx = checksumOf(o.dep);
      const sy = checksumOf(n);
      if (sx !== void 0 && sy !== void 0 && sx !== sy) {
        diff.dependencies.checksumChanged.push(change(module, o.dep, n));
      }
    }
  }
  for (const [key, news] of after) {
    if (before.has(key))
      continue;
    for (const n of news)
      diff.dependencies.added.push(change(n.module, void 0, n.dep));
  }
  const arts = (info) => {
    const out = /* @__PURE__ */ new Map();
    for (const m of info.modules ?? []) {
      for (const art of m.artifacts ?? []) {
        const path = art.path ?? art.name;
        out.set(`${m.id}\0${art.name}`, { module: m.id, path, art });
      }
    }
    return out;
  };
  const artChange = (x, y, module = "", path = "") => {
    const c = { module, path };
    if (x?.size !== void 0)
      c.fromSize = x.size;
    if (y?.size !== void 0)
      c.toSize = y.size;
    const sx = x ? checksumOf(x) : void 0;
    const sy = y ? checksumOf(y) : void 0;
    if (sx !== void 0)
      c.fromSha256 = sx;
    if (sy !== void 0)
      c.toSha256 = sy;
    return c;
  };
  const oldArts = arts(a);
  const newArts = arts(b);
  for (const [key, o] of oldArts) {
    const n = newArts.get(key);
    if (!n)
      diff.artifacts.removed.push(artChange(o.art, void 0, o.module, o.path));
    else if (checksumOf(o.art) !== checksumOf(n.art) || o.art.size !== n.art.size)
      diff.artifacts.changed.push(artChange(o.art, n.art, n.module, n.path));
  }
  for (const [key, n] of newArts) {
    if (!oldArts.has(key))
      diff.artifacts.added.push(artChange(void 0, n.art, n.module, n.path));
  }
  for (const list of [
    diff.dependencies.added,
    diff.dependencies.removed,
    diff.dependencies.versionChanged,
    diff.dependencies.checksumChanged
  ]) {
    list.sort((x, y) => x.module.localeCompare(y.module) || x.id.localeCompare(y.id));
  }
  for (const list of [diff.artifacts.added, diff.artifacts.removed, diff.artifacts.changed]) {
    list.sort((x, y) => x.module.localeCompare(y.module) || x.path.localeCompare(y.path));
  }
  return diff;
}

// ../core/dist/format.js
init_define_STOWAGE_UI_ASSETS();
var MISSING = "\u2014";
function formatBytes(n) {
  if (n === void 0 || !Number.isFinite(n))
    return MISSING;
  const sign = n < 0 ? "-" : "";
  let v = Math.abs(n);
  if (v < 1024)
    return `${sign}${Math.round(v)} B`;
  const units = ["KiB", "MiB", "GiB", "TiB", "PiB"];
  let i = -1;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${sign}${v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)} ${units[i]}`;
}
function formatDuration(ms) {
  if (ms === void 0 || ms === null || !Number.isFinite(ms) || ms < 0)
    return MISSING;
  if (ms < 1e3)
    return `${Math.round(ms)} ms`;
  if (ms < 6e4)
    return `${(ms / 1e3).toFixed(1)} s`;
  const s = Math.round(ms / 1e3);
  const m = Math.floor(s / 60);
  if (m < 60)
    return `${m} min ${s % 60} s`;
  const h = Math.floor(m / 60);
  if (h < 48)
    return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}
function formatLeadTime(s) {
  if (s.count === 0 || s.min === null || s.median === null || s.p90 === null)
    return "no release yet";
  return `median ${formatDuration(s.median)} (min ${formatDuration(s.min)}, p90 ${formatDuration(s.p90)}, ${s.count} release${s.count === 1 ? "" : "s"})`;
}

export {
  isStowageError,
  MultiHash,
  formatStarted,
  parseStarted,
  newBuildInfo,
  mergeBuildInfo,
  validateBuildInfo,
  DEFAULT_ENV_EXCLUDE,
  collectEnvDetailed,
  collectEnv,
  collectGit,
  detectCi,
  BuildStore,
  RepositoryClient,
  setupTools,
  setupTool,
  tokenForBuild,
  DEPS_COLLECTORS,
  collectDependencies,
  mergeWithDownloads,
  DOWNLOAD_IDS,
  publishGoModule,
  require_dist2 as require_dist,
  walkTar,
  SEMVER,
  CHART_NAME,
  CHART_INVALID,
  chartEntry,
  readChart,
  parseChartYaml,
  pushHelmChart,
  pushHelmChartOci,
  pullHelmChartOci,
  parseImageRef,
  moduleIdOf,
  skopeoLocation,
  registryLocation,
  skopeoCopy,
  readRemoteImage,
  dockerModule,
  mergePublished,
  publishMerged,
  splitDependencyId,
  diffBuilds,
  formatBytes,
  formatDuration,
  formatLeadTime
};
