#!/usr/bin/env python3
"""Builds evidence bundles exactly as docs/bundle.md describes them, for the bundle tests.

An independent implementation of the format (standard library plus `cryptography` for Ed25519):
it shares no code with libevidence, so a bundle that libevidence verifies and this script built
shows that the two agree on the documented bytes. It also builds the broken and hostile variants
the tests need, each named after what is wrong with it.

  make_bundle.py OUT.(zip|tar|tar.gz) [--custody N] [--timestamp] [--order ORDER] [--zip-stream]
                 [--mutate M]... [--info FILE] [--keys DIR] [--flip-each DIR]

Mutations (--mutate, repeatable):
  export-hash            export.created records a wrong manifest_sha256 (properly signed)
  item-hash:EX           the file of EX differs from its item.ingested entry (properly signed)
  oversize:EX            items.json declares EX 1000 bytes (the file is larger)
  items-field:EX:F:JSON  items.json sets field F of EX to the JSON value (DELETE removes it),
                         properly signed: a sender editing the convenience copy
  incidents-field:INC:F:JSON  the same for an incident of incidents.json
  linked-messages:N,M... EX-0002 is an export of 3 messages (its item.metadata entry) and INC-0001
                         links its messages N, M... (an item.linked entry and incidents.json);
                         a number of 3 or more is beyond the export (properly signed)
  older-checkpoint       evidence/checkpoint is an older signed checkpoint (size N-1)
  proof-bit:SEQ          one bit of entry SEQ's inclusion path changed (properly signed)
  consistency-bit        one bit of the consistency proof changed (needs --consistency)
  received-checkpoint    the last bundle.received entry names another checkpoint (needs --custody)
  manifest-outside-data  manifest-sha256.txt also lists bagit.txt (properly signed)
  manifest-dotdot        manifest-sha256.txt lists data/../../etc/passwd (properly signed)
  resign-other-key       signer.pub.pem replaced by another key that re-signs the tag manifest
  swap-sig               tagmanifest-sha256.sig is a valid signature over another file
  flip:PATH              one byte of PATH (relative to the top folder) changed after signing
  remove:PATH            PATH left out of the archive
  add:PATH               PATH added to the archive (not in any manifest)
  hostile:KIND           one unsafe member added: absolute, dotdot, symlink, hardlink, fifo,
                         chardev, duplicate, two-tops, top-file
  zip-size:PATH          zip: PATH's headers declare 1000 bytes (it inflates to more)
  bomb:PATH:MIB          PATH (e.g. data/items/EX-0001/zeros.bin) is MIB MiB of zeros, written
                         first; deflated at ~1000:1 without ever holding the zeros in memory
"""

import argparse
import base64
import hashlib
import io
import json
import os
import random
import struct
import sys
import tarfile
import zipfile
import zlib

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

EXPORT_TIME = "2026-03-14T18:20:00.000Z"
MTIME = 1773512400  # 2026-03-14T18:20:00Z, every member's modification time


def sha256(b):
    return hashlib.sha256(b).digest()


def canonical(obj):
    # Keys sorted by code point, no whitespace, UTF-8; no floats are ever used.
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def when(minute):
    return "2026-03-%02dT%02d:%02d:00.000Z" % (1 + minute // 1440, (minute // 60) % 24, minute % 60)


# ---- RFC 6962 / 9162 Merkle tree ----

def leaf_hash(entry):
    return sha256(b"\x00" + entry)


def split(n):
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(leaves):
    if not leaves:
        return sha256(b"")
    if len(leaves) == 1:
        return leaves[0]
    k = split(len(leaves))
    return sha256(b"\x01" + mth(leaves[:k]) + mth(leaves[k:]))


def subproof(m, leaves, whole):
    # RFC 9162 section 2.1.4.1, SUBPROOF(m, D[0:n], b).
    n = len(leaves)
    if m == n:
        return [] if whole else [mth(leaves)]
    k = split(n)
    if m <= k:
        return subproof(m, leaves[:k], whole) + [mth(leaves[k:])]
    return subproof(m - k, leaves[k:], False) + [mth(leaves[:k])]


def inclusion_path(m, leaves):
    if len(leaves) <= 1:
        return []
    k = split(len(leaves))
    if m < k:
        return inclusion_path(m, leaves[:k]) + [mth(leaves[k:])]
    return inclusion_path(m - k, leaves[k:]) + [mth(leaves[:k])]


# ---- Keys and signed notes (docs/checkpoint.md) ----

class Key:
    def __init__(self, seed, name):
        self.priv = Ed25519PrivateKey.from_private_bytes(seed)
        self.name = name
        pub = self.priv.public_key()
        self.raw = pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        der = pub.public_bytes(serialization.Encoding.DER,
                               serialization.PublicFormat.SubjectPublicKeyInfo)
        self.pem = pub.public_bytes(serialization.Encoding.PEM,
                                    serialization.PublicFormat.SubjectPublicKeyInfo)
        self.fingerprint = "SHA256:" + hashlib.sha256(der).hexdigest()
        self.key_id = sha256(name.encode() + b"\n\x01" + self.raw)[:4]

    def sign(self, message):
        return self.priv.sign(message)

    def vkey(self):
        return "%s+%s+%s" % (self.name, self.key_id.hex(),
                             base64.b64encode(b"\x01" + self.raw).decode())

    def checkpoint(self, origin, size, root):
        body = ("%s\n%d\n%s\n" % (origin, size, base64.b64encode(root).decode())).encode()
        sig = base64.b64encode(self.key_id + self.sign(body)).decode()
        return body + ("\n\u2014 %s %s\n" % (self.name, sig)).encode()


# ---- A case: its ledger and its originals ----

class Case:
    def __init__(self, number, key, owner):
        self.uuid = "%08x-0000-4000-8000-%012x" % (0x0f8fad5b + number, number)
        self.origin = "evidence.case/" + self.uuid
        self.key = key
        self.owner = owner
        self.entries = []  # canonical bytes
        self.items = {}  # exhibit -> dict
        self.incidents = {}
        self.minute = number * 10000

    def append(self, action, data):
        self.minute += 7
        entry = {"v": 1, "seq": len(self.entries), "time": when(self.minute),
                 "actor": self.key.name, "action": action, "data": data}
        self.entries.append(canonical(entry))
        return len(self.entries) - 1

    def create(self):
        self.append("case.created", {"case": self.uuid, "name": "Case of " + self.owner,
                                     "owner": self.owner, "origin": self.origin,
                                     "exhibit_prefix": "EX", "format": 1})
        self.append("key.added", {"key": self.key.name,
                                  "public_key": base64.b64encode(self.key.raw).decode(),
                                  "fingerprint": self.key.fingerprint, "vkey": self.key.vkey()})

    def ingest(self, exhibit, name, content, kind, media_type, extra=None, metadata=None):
        data = {"item": exhibit, "sha256": hashlib.sha256(content).hexdigest(),
                "size": len(content), "kind": kind, "media_type": media_type}
        data.update(name_fields(name))
        data.update(extra or {})
        seq = self.append("item.ingested", data)
        item = {"exhibit": exhibit, "name": name, "content": content, "kind": kind,
                "media_type": media_type, "entry": seq, "ingested": when(self.minute),
                "captured": None, "metadata": {}}
        if metadata:
            item["captured"] = "2026-03-01T09:00:00.000Z"
            item["metadata"] = metadata
            self.append("item.metadata", {"item": exhibit, "sha256": data["sha256"],
                                          "metadata": metadata, "captured": item["captured"]})
        self.items[exhibit] = item
        return seq

    def entry(self, seq):
        return json.loads(self.entries[seq])

    def disclosed(self, exhibits, incidents):
        """docs/bundle.md "What is disclosed", for an export that was just appended."""
        out = []
        last = len(self.entries) - 1
        for seq in range(len(self.entries)):
            e = self.entry(seq)
            d = e["data"]
            # bundle.received names its items in "items": it is disclosed with them, so that the
            # custody folders it vouches for can be checked.
            received = e["action"] == "bundle.received" and set(d["items"]) & set(exhibits)
            if (seq == 0 or e["action"] == "key.added" or seq == last
                    or d.get("item") in exhibits or d.get("incident") in incidents or received):
                out.append(seq)
        return out

    def records(self, disclosed, size=None, checkpoint_size=None):
        """ledger.jsonl, proofs.json and checkpoint of the disclosed entries."""
        size = size or len(self.entries)
        leaves = [leaf_hash(e) for e in self.entries[:size]]
        ledger = b"".join(self.entries[s] + b"\n" for s in disclosed)
        proofs = {"tree_size": size, "entries": [
            {"seq": s, "leaf_hash": leaves[s].hex(),
             "inclusion_path": [h.hex() for h in inclusion_path(s, leaves)]} for s in disclosed]}
        cs = checkpoint_size or size
        checkpoint = self.key.checkpoint(self.origin, cs, mth(leaves[:cs]))
        return ledger, proofs, checkpoint


def payload_name(raw):
    """docs/bundle.md "Payload file names": the original name (bytes) when it is valid UTF-8
    without '/' or NUL and is not '.' or '..'; otherwise each offending byte as %XX and '%'
    itself as %25."""
    try:
        name = raw.decode("utf-8")
        if "/" not in name and "\x00" not in name and name not in (".", ".."):
            return name
    except UnicodeDecodeError:
        pass
    if raw in (b".", b".."):
        return "".join("%%%02X" % b for b in raw)
    out = []
    for ch in raw.decode("utf-8", "surrogateescape"):
        if ch in "%/\x00" or "\udc80" <= ch <= "\udcff":
            out.append("".join("%%%02X" % b for b in ch.encode("utf-8", "surrogateescape")))
        else:
            out.append(ch)
    return "".join(out)


def display_name(raw):
    return raw.decode("utf-8", "replace")


def name_fields(raw):
    """The name as item.ingested and items.json record it: display text, plus the exact bytes
    in hex when they are not UTF-8."""
    fields = {"name": display_name(raw)}
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        fields["name_hex"] = raw.hex()
    return fields


def bagit_encode(path):
    return path.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def manifest(files):
    return b"".join(
        ("%s  %s\n" % (hashlib.sha256(files[p]).hexdigest(), bagit_encode(p))).encode()
        for p in sorted(files, key=lambda p: p.encode()))


def content(seed, size):
    return random.Random(seed).randbytes(size)


# ---- The cases behind a bundle ----

ITEMS = [  # exhibit, name, size, kind, media type, metadata
    ("EX-0001", b"photo 1.jpg", 1536 * 1024 + 7, "image", "image/jpeg",
     {"camera": "Pixel 8", "gps": {"lat": "51.5007", "lon": "-0.1246"}}),
    ("EX-0002", "50% off, café.txt".encode(), 300, "document", "text/plain", None),
    ("EX-0003", b"voice\xffmail.m4a", 4096, "audio", "audio/mp4", None),  # not UTF-8
]


def rfc3161_token(data):
    """A TimeStampResp (DER) over SHA-256(data) from a throw-away `openssl ts -reply` TSA."""
    import subprocess
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        cnf = os.path.join(d, "openssl.cnf")
        with open(cnf, "w") as f:
            f.write("[ req ]\ndistinguished_name = dn\nprompt = no\n[ dn ]\nCN = x\n"
                    "[ v3_tsa ]\nbasicConstraints = critical, CA:false\n"
                    "keyUsage = critical, digitalSignature\n"
                    "extendedKeyUsage = critical, timeStamping\n"
                    "[ tsa ]\ndir = %s\nserial = $dir/serial\nsigner_cert = $dir/tsa.pem\n"
                    "signer_key = $dir/tsa.key\nsigner_digest = sha256\n"
                    "default_policy = 1.2.3.4.1\ndigests = sha256\ness_cert_id_alg = sha256\n" % d)
        with open(os.path.join(d, "serial"), "w") as f:
            f.write("01\n")
        run = lambda *a: subprocess.run(["openssl"] + list(a), check=True, capture_output=True)
        run("req", "-x509", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-keyout", os.path.join(d, "tsa.key"), "-out", os.path.join(d, "tsa.pem"),
            "-days", "3650", "-subj", "/CN=make_bundle TSA", "-config", cnf,
            "-extensions", "v3_tsa")
        run("ts", "-query", "-digest", hashlib.sha256(data).hexdigest(), "-sha256", "-cert",
            "-out", os.path.join(d, "q.tsq"))
        run("ts", "-reply", "-queryfile", os.path.join(d, "q.tsq"), "-config", cnf,
            "-section", "tsa", "-out", os.path.join(d, "r.tsr"))
        with open(os.path.join(d, "r.tsr"), "rb") as f:
            return f.read()


def build_chain(custody, wrong_received):
    """Cases 0..custody: case i receives EX-0001 from case i-1; the last one exports."""
    cases = []
    sent = []  # per sending case: (bundle name, manifest sha, checkpoint, disclosed, records)
    photo = content("EX-0001", ITEMS[0][2])
    for i in range(custody + 1):
        key = Key(bytes([0x11 + i]) * 32, "owner-%d" % i if i < custody else "jane-doe")
        case = Case(i, key, "Owner %d" % i if i < custody else "Jane Doe")
        case.create()
        _, name, _, kind, media, meta = ITEMS[0]
        if i == 0:
            case.ingest("EX-0001", name, photo, kind, media, metadata=meta)
        else:
            prev = cases[-1]
            bundle_name, manifest_sha, checkpoint, _, _ = sent[-1]
            case.ingest("EX-0001", name, photo, kind, media,
                        extra={"received_from": prev.uuid,
                               "source_entry": prev.items["EX-0001"]["entry"],
                               "bundle": bundle_name},
                        metadata=meta)
            case.append("bundle.received", {
                "bundle": bundle_name, "manifest_sha256": manifest_sha,
                "checkpoint_sha256": hashlib.sha256(
                    checkpoint + (b"x" if wrong_received else b"")).hexdigest(),
                "checkpoint_size": int(checkpoint.split(b"\n")[1]),
                "signer_fingerprint": prev.key.fingerprint, "sender_case": prev.uuid,
                "items": ["EX-0001"], "custody": i, "custody_carried": list(range(1, i))})
        if i < custody:
            bundle_name = "handover-%d" % i
            manifest_sha = hashlib.sha256(b"manifest of " + bundle_name.encode()).hexdigest()
            case.append("export.created", {"manifest_sha256": manifest_sha, "bundle": bundle_name,
                                           "items": ["EX-0001"], "incidents": [],
                                           "recipient": "Owner %d" % (i + 1)})
            disclosed = case.disclosed({"EX-0001"}, set())
            ledger, proofs, checkpoint = case.records(disclosed)
            sent.append((bundle_name, manifest_sha, checkpoint, disclosed,
                         (ledger, proofs, checkpoint, case.key.pem)))
        cases.append(case)
    return cases, sent


def build(args):
    out = args.out
    for ext in (".tar.gz", ".tgz", ".zip", ".tar"):
        if out.endswith(ext):
            fmt = {".tgz": "tar.gz"}.get(ext, ext[1:])
            top = os.path.basename(out)[: -len(ext)]
            break
    else:
        sys.exit("make_bundle.py: OUT must end in .zip, .tar or .tar.gz")
    mutations = {}
    for m in args.mutate:
        kind, _, arg = m.partition(":")
        mutations.setdefault(kind, []).append(arg)

    cases, sent = build_chain(args.custody, "received-checkpoint" in mutations)
    case = cases[-1]
    key = case.key
    other = Key(b"\x99" * 32, "mallory")

    # The exporter's own items (EX-0001 is the received photo when --custody > 0).
    for exhibit, name, size, kind, media, meta in ITEMS:
        if exhibit not in case.items:
            case.ingest(exhibit, name, content(exhibit, size), kind, media, metadata=meta)
    case.ingest("EX-0004", b"not disclosed.txt", b"never exported\n", "document", "text/plain")
    ex2_sha = hashlib.sha256(case.items["EX-0002"]["content"]).hexdigest()
    linked_messages = [sorted(int(n) for n in spec.split(","))
                       for spec in mutations.get("linked-messages", [])]
    if linked_messages:
        case.append("item.metadata", {"item": "EX-0002", "sha256": ex2_sha, "metadata": {},
                                      "messages": {"format": "whatsapp-text", "count": 3,
                                                   "sha256": "0" * 64, "complete": True}})
    inc = case.append("incident.recorded", {
        "incident": "INC-0001", "at": "2026-03-02T21:15:00+00:00", "behaviours": ["visit-home"],
        "what": "He waited outside the house.", "where": "home", "witnesses": ["a neighbour"]})
    link = case.append("item.linked", {"incident": "INC-0001", "item": "EX-0002",
                                       "sha256": hashlib.sha256(
                                           case.items["EX-0002"]["content"]).hexdigest()})
    for numbers in linked_messages:
        case.append("item.linked", {"incident": "INC-0001", "item": "EX-0002", "sha256": ex2_sha,
                                    "messages": numbers})
    amend = case.append("incident.amended", {"incident": "INC-0001",
                                             "changes": {"what": "He waited outside the house "
                                                                 "for an hour."},
                                             "reason": "remembered"})
    case.append("item.accessed", {"item": "EX-0004", "sha256": "00" * 32, "purpose": "extract",
                                  "to": "/tmp/x"})
    exhibits = ["EX-0001", "EX-0002", "EX-0003"]

    # Payload: what the bundle carries under data/.
    files = {}
    item_rows = []
    for exhibit in exhibits:
        it = case.items[exhibit]
        body = it["content"]
        if exhibit in mutations.get("item-hash", []):
            body = bytes([body[0] ^ 0xFF]) + body[1:]  # swapped after ingest, same size
        path = "data/items/%s/%s" % (exhibit, payload_name(it["name"]))
        files[path] = body
        size = len(body)
        if exhibit in mutations.get("oversize", []):
            size = 1000
        row = {"exhibit": exhibit, "path": path}
        row.update(name_fields(it["name"]))
        item_rows.append(dict(row, **{
                          "sha256": hashlib.sha256(body).hexdigest(), "size": size,
                          "media_type": it["media_type"], "kind": it["kind"],
                          "captured": it["captured"], "ingested": it["ingested"],
                          "entry": it["entry"], "metadata": it["metadata"]}))
    manifest_txt = manifest(files)
    if "manifest-outside-data" in mutations:
        manifest_txt += ("%s  bagit.txt\n" % hashlib.sha256(BAGIT_TXT).hexdigest()).encode()
    if "manifest-dotdot" in mutations:
        manifest_txt += ("%s  data/../../etc/passwd\n" % ("00" * 32)).encode()
    manifest_sha = hashlib.sha256(manifest_txt).hexdigest()
    if "export-hash" in mutations:
        manifest_sha = hashlib.sha256(b"some other manifest").hexdigest()
    export_seq = case.append("export.created", {
        "manifest_sha256": manifest_sha, "bundle": top, "items": exhibits,
        "incidents": ["INC-0001"], "recipient": "PC 1234"})

    disclosed = case.disclosed(set(exhibits), {"INC-0001"})
    size = len(case.entries)
    ledger, proofs, checkpoint = case.records(
        disclosed, checkpoint_size=size - 1 if "older-checkpoint" in mutations else None)
    for s in mutations.get("proof-bit", []):
        for p in proofs["entries"]:
            if p["seq"] == int(s):
                h = bytearray.fromhex(p["inclusion_path"][0])
                h[0] ^= 0x01
                p["inclusion_path"][0] = h.hex()

    incidents = [{"id": "INC-0001", "at": "2026-03-02T21:15:00+00:00", "until": None,
                  "behaviours": ["visit-home"], "what": "He waited outside the house for an hour.",
                  "where": "home", "witnesses": ["a neighbour"], "items": ["EX-0002"],
                  "versions": [
                      {"entry": inc, "recorded": case.entry(inc)["time"],
                       "action": "incident.recorded", "at": "2026-03-02T21:15:00+00:00",
                       "behaviours": ["visit-home"], "what": "He waited outside the house.",
                       "where": "home", "witnesses": ["a neighbour"]},
                      {"entry": amend, "recorded": case.entry(amend)["time"],
                       "action": "incident.amended", "at": "2026-03-02T21:15:00+00:00",
                       "behaviours": ["visit-home"],
                       "what": "He waited outside the house for an hour.", "where": "home",
                       "witnesses": ["a neighbour"], "reason": "remembered"}]}]
    assert link in disclosed
    if linked_messages:
        incidents[0]["messages"] = [{"item": "EX-0002", "index": n}
                                    for numbers in linked_messages for n in numbers]

    def edit(rows, key, spec):
        ident, field, value = spec.split(":", 2)
        for row in rows:
            if row[key] == ident:
                if value == "DELETE":
                    row.pop(field, None)
                else:
                    row[field] = json.loads(value)
    for spec in mutations.get("items-field", []):
        edit(item_rows, "exhibit", spec)
    for spec in mutations.get("incidents-field", []):
        edit(incidents, "id", spec)

    tags = {}
    tags["evidence/items.json"] = json.dumps(item_rows, indent=2, ensure_ascii=False).encode()
    tags["evidence/incidents.json"] = json.dumps(incidents, indent=2, ensure_ascii=False).encode()
    tags["evidence/ledger.jsonl"] = ledger
    tags["evidence/proofs.json"] = json.dumps(proofs, indent=2).encode()
    tags["evidence/checkpoint"] = checkpoint
    tags["evidence/signer.pub.pem"] = key.pem
    tags["evidence/report.html"] = b"<!doctype html><title>Report</title><p>3 exhibits</p>\n"
    tags["evidence/VERIFYING.txt"] = b"sha256sum -c manifest-sha256.txt\n"
    if args.consistency:
        # RFC 9162 consistency proof from older.checkpoint (size N-1) to the checkpoint (size N).
        leaves = [leaf_hash(e) for e in case.entries[:size]]
        path = [h.hex() for h in subproof(size - 1, leaves, True)]
        if "consistency-bit" in mutations:
            h = bytearray.fromhex(path[0])
            h[0] ^= 0x01
            path[0] = h.hex()
        tags["evidence/consistency.json"] = json.dumps(
            [{"from_size": size - 1, "from_root": mth(leaves[:size - 1]).hex(), "to_size": size,
              "path": path}], indent=2).encode()
    if args.timestamp:
        # A real RFC 3161 token over the exported checkpoint, from an openssl TSA made on the spot.
        size = int(checkpoint.split(b"\n")[1])
        body = b"\n".join(checkpoint.split(b"\n")[:3]) + b"\n"
        tags["evidence/timestamps/%d.tsr" % size] = rfc3161_token(body)
        tags["evidence/timestamps/%d.checkpoint" % size] = checkpoint
    for k, (bundle_name, _, _, _, (c_ledger, c_proofs, c_checkpoint, c_pem)) in enumerate(sent, 1):
        tags["evidence/custody/%d/ledger.jsonl" % k] = c_ledger
        tags["evidence/custody/%d/proofs.json" % k] = json.dumps(c_proofs).encode()
        tags["evidence/custody/%d/checkpoint" % k] = c_checkpoint
        tags["evidence/custody/%d/signer.pub.pem" % k] = c_pem

    payload_bytes = sum(len(b) for b in files.values())
    bag_info = [
        ("Bagging-Date", "2026-03-14"),
        ("Payload-Oxum", "%d.%d" % (payload_bytes, len(files))),
        ("Bag-Size", "%.1f MiB" % (payload_bytes / 1048576)),
        ("External-Identifier", case.uuid),
        ("Contact-Name", case.owner),
        ("Internal-Sender-Description", "Evidence exported from the case of " + case.owner),
        ("Bag-Software-Agent", "make_bundle.py 1"),
        ("Evidence-Recipient", "PC 1234"),
        ("Evidence-Checkpoint-Size", str(size)),
        ("Evidence-Signer-Fingerprint", key.fingerprint),
    ]
    root_tags = {"bagit.txt": BAGIT_TXT,
                 "bag-info.txt": "".join("%s: %s\n" % kv for kv in bag_info).encode(),
                 "manifest-sha256.txt": manifest_txt}
    signer = key
    if "resign-other-key" in mutations:
        tags["evidence/signer.pub.pem"] = other.pem
        signer = other
    covered = dict(root_tags)
    covered.update(tags)
    tagmanifest = manifest(covered)
    sig = signer.sign(tagmanifest)
    if "swap-sig" in mutations:
        sig = key.sign(manifest_txt)

    members = [("bagit.txt", root_tags["bagit.txt"]), ("bag-info.txt", root_tags["bag-info.txt"]),
               ("manifest-sha256.txt", manifest_txt), ("tagmanifest-sha256.txt", tagmanifest),
               ("tagmanifest-sha256.sig", sig)]
    members += [(p, tags[p]) for p in TAG_ORDER if p in tags]
    members += sorted((p, b) for p, b in tags.items() if p not in TAG_ORDER)
    members += sorted(files.items(), key=lambda kv: kv[0].encode())

    for p in mutations.get("flip", []):
        members = [(n, flip(b) if n == p else b) for n, b in members]
        assert any(n == p for n, _ in members), p
    for p in mutations.get("remove", []):
        assert any(n == p for n, _ in members), p
        members = [(n, b) for n, b in members if n != p]
    for p in mutations.get("add", []):
        members.append((p, b"added after signing\n"))
    if args.order == "payload-first":
        members = [m for m in members if m[0].startswith("data/")] + \
                  [m for m in members if not m[0].startswith("data/")]
    elif args.order == "reverse":
        members.reverse()

    if args.flip_each:
        # One bundle per member, each with one byte of that member changed: a whole family of
        # mutations for the price of one start of the interpreter.
        os.makedirs(args.flip_each, exist_ok=True)
        index = {}
        for i, (name, _) in enumerate(members):
            variant = os.path.join(args.flip_each, "flip-%d.%s" % (i, fmt))
            write_archive(variant, fmt, [(top + "/" + n, flip(b) if n == name else b, "file")
                                         for n, b in members])
            index[name] = variant
        with open(os.path.join(args.flip_each, "index.json"), "w") as f:
            json.dump(index, f, indent=2)

    entries = [(top + "/" + n, b, "file") for n, b in members]
    for h in mutations.get("hostile", []):
        entries += hostile(h, top, fmt)
    bombs = [b.rsplit(":", 1) for b in mutations.get("bomb", [])]
    if bombs:
        write_bomb(out, fmt, top, bombs[0][0], int(bombs[0][1]), entries)
    elif "zip-size" in mutations:
        write_zip_raw(out, [(n, d) for n, d, _ in entries],
                      lie=top + "/" + mutations["zip-size"][0])
    else:
        write_archive(out, fmt, entries, args.zip_stream)

    if args.keys:
        os.makedirs(args.keys, exist_ok=True)
        with open(os.path.join(args.keys, "signer.pub.pem"), "wb") as f:
            f.write(key.pem)
        with open(os.path.join(args.keys, "other.pub.pem"), "wb") as f:
            f.write(other.pem)
        _, _, older = case.records(disclosed, checkpoint_size=size - 1)
        with open(os.path.join(args.keys, "older.checkpoint"), "wb") as f:
            f.write(older)
        with open(os.path.join(args.keys, "same.checkpoint"), "wb") as f:
            f.write(checkpoint)
    if args.info:
        info = {"top": top, "format": fmt, "members": [n for n, _ in members],
                "payload": sorted(files), "exhibits": exhibits, "case_uuid": case.uuid,
                "fingerprint": key.fingerprint, "other_fingerprint": other.fingerprint,
                "key_name": key.name, "tree_size": size, "export_entry": export_seq,
                "payload_bytes": payload_bytes, "disclosed": disclosed,
                "custodians": [{"case_uuid": c.uuid, "fingerprint": c.key.fingerprint,
                                "key_name": c.key.name} for c in cases[:-1]]}
        with open(args.info, "w") as f:
            json.dump(info, f, indent=2)


BAGIT_TXT = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
TAG_ORDER = ["evidence/items.json", "evidence/incidents.json", "evidence/ledger.jsonl",
             "evidence/proofs.json", "evidence/checkpoint", "evidence/signer.pub.pem",
             "evidence/report.html", "evidence/VERIFYING.txt"]


def flip(b):
    i = len(b) // 2
    return b[:i] + bytes([b[i] ^ 0x01]) + b[i + 1:]


def hostile(kind, top, fmt):
    t = top + "/"
    if kind == "absolute":
        return [("/tmp/evil.txt", b"x", "file")]
    if kind == "dotdot":
        return [(t + "data/../../evil.txt", b"x", "file")]
    if kind == "symlink":
        return [(t + "data/items/EX-0001/link", b"/etc/passwd", "symlink")]
    if kind == "hardlink":
        return [(t + "data/items/EX-0001/hard", t + "bagit.txt", "hardlink")]
    if kind == "fifo":
        return [(t + "data/items/EX-0001/pipe", b"", "fifo")]
    if kind == "chardev":
        return [(t + "data/items/EX-0001/null", b"", "chardev")]
    if kind == "duplicate":
        return [(t + "bagit.txt", BAGIT_TXT, "file")]
    if kind == "two-tops":
        return [("other/bagit.txt", BAGIT_TXT, "file")]
    if kind == "top-file":
        return [("loose.txt", b"x", "file")]
    sys.exit("make_bundle.py: unknown hostile kind " + kind)


def dirs_of(entries):
    seen, out = set(), []
    for name, _, _ in entries:
        parts = name.strip("/").split("/")[:-1]
        for i in range(1, len(parts) + 1):
            d = "/".join(parts[:i])
            if ".." not in parts[:i] and d not in seen:
                seen.add(d)
                out.append(d)
    return out


def tar_info(name, kind, data):
    ti = tarfile.TarInfo(name)
    ti.mtime, ti.uid, ti.gid, ti.uname, ti.gname = MTIME, 0, 0, "", ""
    ti.mode = 0o644
    if kind == "file":
        ti.size = len(data)
    elif kind == "dir":
        ti.type, ti.mode = tarfile.DIRTYPE, 0o755
    elif kind == "symlink":
        ti.type, ti.linkname = tarfile.SYMTYPE, data.decode()
    elif kind == "hardlink":
        ti.type, ti.linkname = tarfile.LNKTYPE, data
    elif kind == "fifo":
        ti.type = tarfile.FIFOTYPE
    elif kind == "chardev":
        ti.type, ti.devmajor, ti.devminor = tarfile.CHRTYPE, 1, 3
    return ti


def write_tar_members(tf, entries):
    # Folders first, as `tar` would list them; then the members in the given order.
    for d in dirs_of([e for e in entries if not e[0].startswith("/")]):
        tf.addfile(tar_info(d, "dir", b""))
    for name, data, kind in entries:
        ti = tar_info(name, kind, data)
        tf.addfile(ti, io.BytesIO(data) if kind == "file" else None)


def zip_info(name, kind):
    zi = zipfile.ZipInfo(name, date_time=(2026, 3, 14, 18, 20, 0))
    zi.compress_type = zipfile.ZIP_DEFLATED
    zi.external_attr = ((0o120777 if kind == "symlink" else 0o100644) << 16)
    zi.create_system = 3
    return zi


class Unseekable(io.RawIOBase):
    """A write-only stream without tell/seek: zipfile then puts sizes in data descriptors after
    each member instead of in its local header, as streaming zip writers do."""

    def __init__(self, f):
        self.f = f

    def writable(self):
        return True

    def write(self, b):
        return self.f.write(b)

    def tell(self):
        raise OSError("unseekable")


def write_archive(out, fmt, entries, zip_stream=False):
    if fmt == "zip":
        with open(out, "wb") as raw, zipfile.ZipFile(Unseekable(raw) if zip_stream else raw,
                                                     "w") as zf:
            for name, data, kind in entries:
                if kind not in ("file", "symlink"):
                    sys.exit("make_bundle.py: a zip cannot hold a " + kind)
                zf.writestr(zip_info(name, kind), data)
    else:
        mode = "w:gz" if fmt == "tar.gz" else "w"
        with tarfile.open(out, mode, format=tarfile.PAX_FORMAT) as tf:
            write_tar_members(tf, entries)


# ---- Bombs: deflate streams of zeros built from one repeated block ----

ONE_MIB = 1 << 20


def crc32_of_zeros(crc, mib):
    """zlib.crc32(bytes(mib MiB), crc) without feeding the zeros: appending zeros is an affine
    map of the CRC register, so it is applied by repeated squaring of its 32x32 bit matrix."""
    zero = bytes(ONE_MIB)
    base = zlib.crc32(zero, 0)
    # op = (offset, columns): op(c) = offset ^ XOR of columns[i] for the bits i set in c.
    op = (base, [zlib.crc32(zero, 1 << i) ^ base for i in range(32)])

    def apply(op, c):
        v = op[0]
        for i in range(32):
            if c >> i & 1:
                v ^= op[1][i]
        return v

    def compose(a, b):  # a after b
        off = apply(a, b[0])
        return (off, [apply(a, b[0] ^ col) ^ off for col in b[1]])

    while mib:
        if mib & 1:
            crc = apply(op, crc)
        op = compose(op, op)
        mib >>= 1
    return crc


def deflated_zeros(mib):
    """Raw deflate blocks for `mib` MiB of zeros (not final) and the compressor to finish with."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = c.compress(bytes(ONE_MIB)) + c.flush(zlib.Z_FULL_FLUSH)
    # After a full flush the compressor forgets its history, so every further MiB of zeros
    # compresses to the same bytes.
    return block, c


def write_zip_raw(out, members, mib=0, lie=None):
    """A zip written field by field (APPNOTE 4.3): members are (name, bytes), or (name, None)
    for `mib` MiB of zeros; the member named `lie` declares 1000 bytes in both its headers."""
    block, c = deflated_zeros(mib) if mib else (b"", None)
    central = b""
    with open(out, "wb") as f:
        for n, data in members:
            offset = f.tell()
            nb = n.encode()
            if data is None:
                crc, size = crc32_of_zeros(0, mib), mib * ONE_MIB
                tail = c.flush()
                csize = len(block) * mib + len(tail)
            else:
                crc, size = zlib.crc32(data), len(data)
                cc = zlib.compressobj(6, zlib.DEFLATED, -15)
                comp = cc.compress(data) + cc.flush()
                csize = len(comp)
            if n == lie:
                size = 1000
            head = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0x9280, 0x5C6E, crc,
                               csize, size, len(nb), 0)
            f.write(head + nb)
            if data is None:
                for _ in range(mib):
                    f.write(block)
                f.write(tail)
            else:
                f.write(comp)
            central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 0x0314, 20, 0, 8,
                                   0x9280, 0x5C6E, crc, csize, size, len(nb), 0, 0, 0, 0,
                                   0o100644 << 16, offset) + nb
        start = f.tell()
        f.write(central)
        f.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members),
                            len(central), start, 0))


def write_bomb(out, fmt, top, path, mib, entries):
    name = top + "/" + path
    if fmt == "zip":
        write_zip_raw(out, [(name, None)] + [(n, d) for n, d, _ in entries], mib)
        return
    # tar / tar.gz: the bomb's header, then its zeros, then the rest of the bundle.
    ti = tar_info(name, "file", b"")
    ti.size = mib * ONE_MIB
    head = ti.tobuf(tarfile.PAX_FORMAT)
    rest = io.BytesIO()
    with tarfile.open(fileobj=rest, mode="w", format=tarfile.PAX_FORMAT) as tf:
        write_tar_members(tf, entries)
    rest = rest.getvalue()
    with open(out, "wb") as f:
        if fmt == "tar":
            f.write(head)
            zero = bytes(ONE_MIB)
            for _ in range(mib):
                f.write(zero)
            f.write(rest)
            return
        f.write(b"\x1f\x8b\x08\x00" + struct.pack("<I", MTIME) + b"\x02\x03")
        block, c = deflated_zeros(mib)
        f.write(c.compress(head) + c.flush(zlib.Z_FULL_FLUSH))
        for _ in range(mib):
            f.write(block)
        f.write(c.compress(rest) + c.flush())
        crc = zlib.crc32(rest, crc32_of_zeros(zlib.crc32(head), mib))
        total = len(head) + mib * ONE_MIB + len(rest)
        f.write(struct.pack("<II", crc, total & 0xFFFFFFFF))


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out")
    p.add_argument("--custody", type=int, default=0,
                   help="number of earlier custodians EX-0001 passed through")
    p.add_argument("--timestamp", action="store_true",
                   help="add an RFC 3161 token over the checkpoint (evidence/timestamps/N.tsr)")
    p.add_argument("--consistency", action="store_true",
                   help="add evidence/consistency.json: the proof from older.checkpoint")
    p.add_argument("--order", choices=["tags-first", "payload-first", "reverse"],
                   default="tags-first")
    p.add_argument("--mutate", action="append", default=[])
    p.add_argument("--zip-stream", action="store_true",
                   help="zip: sizes in data descriptors, not in the local headers")
    p.add_argument("--info", help="write a JSON description of the bundle here")
    p.add_argument("--flip-each", metavar="DIR",
                   help="also write DIR/flip-<i>.<ext>, one per member with one byte of it "
                        "changed, and DIR/index.json mapping each member to its variant")
    p.add_argument("--keys", help="write signer.pub.pem, other.pub.pem, older.checkpoint here")
    build(p.parse_args())


if __name__ == "__main__":
    main()
