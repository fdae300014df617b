#!/usr/bin/env python3
"""Exactly-once check: compares the task ids the service accepted (202, recorded by post-message.lua)
with the Message-IDs the SMTP sink received (<task_id@domain>, see MailComposer).

Usage: check_delivery.py DOMAIN SINK_DIR PHASE=IDS_PREFIX ...
Reads every dump file in SINK_DIR (one per phase, see bench/run), prints one line per phase:
  PHASE name accepted=N delivered=N duplicates=N missing=N html=N
and a last line
  EXTRA n=N   delivered ids that no 202 reported: tasks accepted while wrk was being stopped at the end
              of a timed run (their answer was never read); at most one per open connection.
"""
import collections
import glob
import re
import sys

domain, sink_dir, phases = sys.argv[1], sys.argv[2], sys.argv[3:]
mid = re.compile(r"^message-id:\s*<([^@>]+)@" + re.escape(domain) + r">", re.I)

# smtp-sink -D writes each message as: its own X-Client-Addr... header block, then the message as received
seen = collections.Counter()
html = set()
for path in sorted(glob.glob(sink_dir + "/dump*")):
    current = None
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.startswith("X-Client-Addr:"):
                current = None
            m = mid.match(line)
            if m:
                current = m.group(1)
                seen[current] += 1
            elif current and line.lower().startswith("content-type: text/html"):
                html.add(current)

known = set()
for phase in phases:
    name, prefix = phase.split("=", 1)
    ids = []
    for path in glob.glob(prefix + ".*"):
        if not path.endswith(".done"):
            ids += [l.strip() for l in open(path) if l.strip()]
    known.update(ids)
    delivered = [i for i in ids if seen[i] >= 1]
    print(f"PHASE {name} accepted={len(ids)} delivered={len(delivered)} "
          f"duplicates={sum(seen[i] - 1 for i in delivered)} missing={len(ids) - len(delivered)} "
          f"html={sum(1 for i in delivered if i in html)}")
extra = [i for i in seen if i not in known]
print(f"EXTRA n={len(extra)} duplicates={sum(seen[i] - 1 for i in extra)}")
