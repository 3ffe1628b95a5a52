import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Database as SqliteConnection } from 'better-sqlite3';

/**
 * SQLite's default: after a commit that leaves the WAL at least this many pages long, the
 * committing connection checkpoints it. What the store's connection does without the thread.
 */
export const SQLITE_AUTOCHECKPOINT_PAGES = 1000;

/**
 * With the thread up, the store's connection checkpoints only past this many pages (16 MB of 4 KB
 * pages): a bound on the WAL file, for when commits never leave the thread a gap to finish in.
 * By then the thread has copied all but its last interval's frames, so little is left to do.
 */
export const BACKSTOP_AUTOCHECKPOINT_PAGES = 4000;

/** How often the thread checkpoints while commits come. */
export const CHECKPOINT_EVERY_MS = 50;

/**
 * The longest wait between passes when nothing is committed: each pass that finds the WAL as the
 * last one left it doubles the wait up to this (50 → 100 → 200 → 400 ms), and the first one that
 * finds a new frame goes back to CHECKPOINT_EVERY_MS. A pass with nothing to copy still costs
 * ~0.25 ms of CPU on a small VM (a wake-up, the timer, the pragma: 4–7 ms of CPU a second at 20
 * passes; bench/README.md, issue 8 seventh pass), so a server that only reads, or is idle, wakes
 * 2.5 times a second instead of 20. The first commits after a quiet spell wait at most this long
 * for a pass (the WAL holds them meanwhile, as always); a burst that fills the backstop's pages
 * before then is checkpointed once by the store's connection, as it was before the thread.
 */
export const CHECKPOINT_IDLE_MS = 400;

export interface WalCheckpointOptions {
  /** Told once if the thread fails; the store's connection checkpoints on its own from then on. */
  readonly onFailure: (error: unknown) => void;
  readonly everyMs?: number;
  /** The longest wait while nothing is committed (never below everyMs). */
  readonly idleMs?: number;
}

/** The checkpoint thread of one SQLite file. */
export interface WalCheckpointer {
  /** Ends the thread after its current pass and closes its connection; resolves once it has exited. */
  stop(): Promise<void>;
  /** The thread itself (tests end it to check the fallback). */
  readonly thread: Worker;
}

/**
 * The thread's whole program (CommonJS, evaluated as is: no TypeScript loader runs in it): its
 * own connection to the file, a PASSIVE checkpoint every `everyMs` while the WAL changes (backing
 * off to `idleMs` while it does not), closed on a message. PASSIVE
 * never waits for, nor blocks, the store's connection: it copies the frames committed before it
 * began into the database file while the store's connection keeps committing to the WAL. SQLite
 * fsyncs the database file only after a pass that reached the WAL's end; the thread fsyncs it after
 * every pass that copied something, so the pages it wrote never wait for a checkpoint on the event
 * loop to reach the disk. A pass that throws ends the thread (the store falls back).
 */
const THREAD = `
const { closeSync, fdatasyncSync, openSync } = require('node:fs');
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
const file = openSync(workerData.file, 'r');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
let copied = 0;
let frames = 0;
let wait = workerData.everyMs;
let timer;
function pass() {
  const { log, checkpointed } = checkpoint.get();
  if (checkpointed !== copied) fdatasyncSync(file);
  const unchanged = log === frames && checkpointed === copied;
  wait = unchanged ? Math.min(wait * 2, workerData.idleMs) : workerData.everyMs;
  frames = log;
  copied = checkpointed;
  timer = setTimeout(pass, wait);
}
timer = setTimeout(pass, wait);
parentPort.once('message', () => {
  clearTimeout(timer);
  closeSync(file);
  db.close();
  parentPort.close();
});
parentPort.postMessage('ready');
`;

const driver = createRequire(import.meta.url).resolve('better-sqlite3');

/**
 * Takes WAL checkpoints of `file` off the event loop. better-sqlite3 runs on the event loop, and
 * the checkpoint SQLite runs after a commit once the WAL holds SQLITE_AUTOCHECKPOINT_PAGES copies
 * those pages into the database file and fsyncs it, while no request and no SMTP reply is served
 * (bench/README.md, delivery, fifth pass). Here a worker thread with its own connection does that
 * work, and once it is up the store's `connection` checkpoints only as a backstop, past
 * BACKSTOP_AUTOCHECKPOINT_PAGES. If the thread fails, the connection checkpoints as SQLite does by
 * default and `onFailure` is told once. Readers anywhere (another process, a backup) see every
 * commit either way: a commit is in the WAL, which every connection reads; a checkpoint only moves
 * it into the main file.
 *
 * The WAL file is reused from its beginning by the first write after a checkpoint has copied all
 * of it. A pass that ends while commits keep coming leaves the rest to the next pass; if commits
 * never leave a gap, the backstop copies the rest on the event loop (only what the thread's last
 * pass did not reach), and the WAL starts over.
 */
export function checkpointInThread(
  connection: SqliteConnection,
  file: string,
  options: WalCheckpointOptions,
): WalCheckpointer {
  const thread = new Worker(THREAD, {
    eval: true,
    // No --import tsx or V8 flags of the server: this thread runs plain CommonJS.
    execArgv: [],
    workerData: {
      driver,
      file,
      everyMs: options.everyMs ?? CHECKPOINT_EVERY_MS,
      idleMs: Math.max(options.idleMs ?? CHECKPOINT_IDLE_MS, options.everyMs ?? CHECKPOINT_EVERY_MS),
    },
    // A few MB are all it allocates (one connection, one pragma statement).
    resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 },
  });
  // It must never keep a process alive that has nothing else to do.
  thread.unref();
  const autocheckpoint = (pages: number) => {
    if (connection.open) connection.pragma(`wal_autocheckpoint = ${pages}`);
  };
  let stopping = false;
  let failed = false;
  const fail = (error: unknown) => {
    if (stopping || failed) return;
    failed = true;
    autocheckpoint(SQLITE_AUTOCHECKPOINT_PAGES);
    options.onFailure(error);
  };
  thread.once('message', () => {
    if (!stopping && !failed) autocheckpoint(BACKSTOP_AUTOCHECKPOINT_PAGES);
  });
  thread.on('error', fail);
  const exited = new Promise<void>((resolve) => {
    thread.once('exit', (code) => {
      fail(new Error(`the WAL checkpoint thread exited (code ${code})`));
      resolve();
    });
  });
  return {
    thread,
    async stop() {
      if (!stopping) {
        stopping = true;
        autocheckpoint(SQLITE_AUTOCHECKPOINT_PAGES);
        // Held until it has exited: a process that stops its store waits for the thread's close.
        thread.ref();
        if (!failed) thread.postMessage('stop');
      }
      await exited;
    },
  };
}
