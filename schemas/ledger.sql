-- The custody ledger of one case (CASE/ledger.sqlite). Format version 1.
--
-- `entries` is the ledger itself: the exact canonical JSON bytes of each entry, in order. Every other
-- table is an index over what the entries say, kept for fast queries; `evidence verify` checks each
-- row against the entry that created it. Nothing here is ever updated or deleted: the triggers make
-- that an error for any client that goes through SQLite, and `verify` catches anyone who goes around
-- them.

PRAGMA journal_mode = WAL;

CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS entries (
  seq       INTEGER PRIMARY KEY,        -- 0-based Merkle leaf index
  entry     BLOB NOT NULL,              -- canonical JSON, the exact Merkle leaf bytes
  leaf_hash BLOB NOT NULL,              -- SHA-256(0x00 || entry), kept so proofs need no re-hashing
  time      TEXT NOT NULL,
  action    TEXT NOT NULL,
  item      TEXT,                       -- exhibit id the entry is about, if any
  incident  TEXT                        -- incident id the entry is about, if any
) STRICT;
CREATE INDEX IF NOT EXISTS entries_item ON entries(item);
CREATE INDEX IF NOT EXISTS entries_incident ON entries(incident);
CREATE INDEX IF NOT EXISTS entries_action ON entries(action);

-- A cache of the Merkle tree (docs/merkle.md): the root of every complete subtree of 2^level
-- leaves (level >= 1; level 0 is entries.leaf_hash), keyed by the tree size at which it completes,
-- (index + 1) * 2^level, so that rows sort in the order appends complete them. Written in the same
-- transaction as the entry that completes each node; rebuilt from the entries when missing. It
-- makes roots and proofs O(log n) reads. It is derived data and never trusted: `verify` recomputes
-- the tree from the entries and reports rows that differ.
CREATE TABLE IF NOT EXISTS nodes (
  size  INTEGER NOT NULL,               -- tree size at which the subtree completes
  level INTEGER NOT NULL,               -- the subtree covers 2^level leaves ending at size
  hash  BLOB NOT NULL,                  -- MTH of those leaves
  PRIMARY KEY (size, level)
) STRICT, WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS items (
  exhibit    TEXT PRIMARY KEY,          -- <PREFIX>-<NNNN>, never reused
  number     INTEGER NOT NULL,          -- the NNNN part (items received from another case keep theirs)
  sha256     TEXT NOT NULL UNIQUE,      -- lower-case hex; the object's name in objects/
  size       INTEGER NOT NULL,
  name       BLOB NOT NULL,             -- original file name, exact bytes (may be non-UTF-8)
  kind       TEXT NOT NULL,
  media_type TEXT NOT NULL,
  captured   TEXT,                      -- capture time from metadata, RFC 3339
  ingested   TEXT NOT NULL,
  note       TEXT,
  parent     TEXT REFERENCES items(exhibit),
  entry_seq  INTEGER NOT NULL REFERENCES entries(seq),
  metadata   TEXT                       -- canonical JSON of the extracted metadata
) STRICT;

-- Messages parsed out of a message export (WhatsApp, SMS backup, email). Derived from the export's
-- bytes; the item.metadata entry of the export records their count and the SHA-256 of their
-- canonical JSON lines, so `verify` can tell if a row was edited.
CREATE TABLE IF NOT EXISTS messages (
  item      TEXT NOT NULL REFERENCES items(exhibit),
  idx       INTEGER NOT NULL,           -- order within the export
  time      TEXT,                       -- RFC 3339, or local time without offset (WhatsApp)
  sender    TEXT NOT NULL,
  direction TEXT NOT NULL,
  system    INTEGER NOT NULL,
  message   TEXT NOT NULL,              -- canonical JSON of the whole parsed message
  PRIMARY KEY (item, idx)
) STRICT;
CREATE INDEX IF NOT EXISTS messages_sender ON messages(sender);
CREATE INDEX IF NOT EXISTS messages_time ON messages(time);

CREATE TABLE IF NOT EXISTS checkpoints (
  id      INTEGER PRIMARY KEY,
  size    INTEGER NOT NULL,             -- tree size the checkpoint commits to
  note    TEXT NOT NULL,                -- the signed note, exactly as signed
  created TEXT NOT NULL
) STRICT;

CREATE TRIGGER IF NOT EXISTS entries_append_only_update BEFORE UPDATE ON entries
BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;
CREATE TRIGGER IF NOT EXISTS entries_append_only_delete BEFORE DELETE ON entries
BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;
CREATE TRIGGER IF NOT EXISTS items_no_delete BEFORE DELETE ON items
BEGIN SELECT RAISE(ABORT, 'items are never deleted'); END;
CREATE TRIGGER IF NOT EXISTS messages_no_update BEFORE UPDATE ON messages
BEGIN SELECT RAISE(ABORT, 'messages are never changed'); END;
CREATE TRIGGER IF NOT EXISTS checkpoints_append_only_update BEFORE UPDATE ON checkpoints
BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;
CREATE TRIGGER IF NOT EXISTS checkpoints_append_only_delete BEFORE DELETE ON checkpoints
BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;
