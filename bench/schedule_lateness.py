#!/usr/bin/env python3
"""Scheduled sending (issue 16), against a running service and its Redis.

Usage: schedule_lateness.py due   BASE_URL REDIS_PORT N LEAD_S IDS_FILE
       schedule_lateness.py idle  BASE_URL REDIS_PORT N SERVICE_PID SECONDS

due:  posts N tasks (batches of 1000) all with the same send_at, LEAD_S seconds after the first POST (an epoch
      second), writes their task ids to IDS_FILE, then samples Redis every 5 ms: ZCARD mailer:queue:delayed (what is
      not yet on the queue) and ZCARD mailer:index:status:sent (what is delivered). From those curves, the lateness
      after send_at of the q-th task to enter the queue, and to be delivered. Prints one line:
      RESULT posted_s=.. ready_p50=.. ready_p99=.. ready_max=.. sent_p50=.. sent_p99=.. sent_max=.. deliver_s=..
      (lateness in ms; deliver_s: send_at to the last delivery).
idle: posts N tasks scheduled 300 days ahead, waits 5 s, then reads the CPU time of SERVICE_PID and of the
      redis-server over SECONDS. Prints: RESULT service_cpu_pct=.. redis_cpu_pct=.. delayed=..
"""
import http.client
import json
import os
import re
import socket
import sys
import time

BATCH = 1000


def redis_cmd(sock, *args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = str(a).encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    sock.sendall(out)
    line = b""
    while not line.endswith(b"\r\n"):
        line += sock.recv(1)
    if line[:1] != b":":
        raise RuntimeError("unexpected Redis answer %r" % line)
    return int(line[1:-2])


def post_all(base, n, send_at, ids_file=None):
    host, port = base.split("//")[1].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    ids = []
    for start in range(0, n, BATCH):
        items = [{"to": "sched+%d@example.org" % i, "subject": "Programmé %d" % i, "text": "Bonjour %d" % i,
                  "send_at": send_at} for i in range(start, min(n, start + BATCH))]
        conn.request("POST", "/messages/batch", json.dumps({"messages": items}),
                     {"Content-Type": "application/json"})
        r = conn.getresponse()
        body = json.loads(r.read())
        if r.status != 200:
            sys.exit("batch answered %d: %s" % (r.status, body))
        for res in body["results"]:
            if res["status"] != "scheduled":
                sys.exit("not scheduled: %s" % res)
            ids.append(res["task_id"])
    if ids_file:
        with open(ids_file, "w") as f:
            f.write("\n".join(ids) + "\n")
    return ids


def percentile_ms(curve, total, q, t0):
    """curve: (time, done) samples; the first time at which done >= q * total, in ms after t0."""
    want = q * total
    for t, done in curve:
        if done >= want:
            return max(0.0, (t - t0) * 1000)
    return float("nan")


def due(base, port, n, lead, ids_file):
    sock = socket.create_connection(("127.0.0.1", int(port)))
    sent0 = redis_cmd(sock, "ZCARD", "mailer:index:status:sent")
    t_first = time.time()
    send_at = int(t_first + lead)
    post_all(base, n, send_at, ids_file)
    posted = time.time() - t_first
    if time.time() > send_at - 1:
        sys.exit("posting took %.1f s: raise LEAD_S past it" % posted)
    ready, sent = [], []
    while time.time() < send_at - 0.2:
        time.sleep(0.05)
    deadline = send_at + 900
    while time.time() < deadline:
        t = time.time()
        waiting = redis_cmd(sock, "ZCARD", "mailer:queue:delayed")
        delivered = redis_cmd(sock, "ZCARD", "mailer:index:status:sent") - sent0
        ready.append((t, n - waiting))
        sent.append((t, delivered))
        if delivered >= n:
            break
        time.sleep(0.005)
    fields = {"posted_s": "%.1f" % posted}
    for name, curve in (("ready", ready), ("sent", sent)):
        for label, q in (("p50", 0.5), ("p99", 0.99), ("max", 1.0)):
            fields["%s_%s" % (name, label)] = "%.0f" % percentile_ms(curve, n, q, send_at)
    fields["deliver_s"] = "%.1f" % (percentile_ms(sent, n, 1.0, send_at) / 1000)
    print("RESULT " + " ".join("%s=%s" % kv for kv in fields.items()))


def cpu_s(pid):
    with open("/proc/%s/stat" % pid) as f:
        parts = f.read().rsplit(")", 1)[1].split()
    return (int(parts[11]) + int(parts[12])) / os.sysconf("SC_CLK_TCK")


def redis_pid(port):
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open("/proc/%s/cmdline" % pid, "rb") as f:
                    cmd = f.read().replace(b"\0", b" ")
            except OSError:
                continue
            if cmd.startswith(b"redis-server") and re.search(rb"[ :]%s( |$)" % port.encode(), cmd.strip()):
                return pid
    return None


def idle(base, port, n, service_pid, seconds):
    post_all(base, n, int(time.time() + 300 * 86400))
    sock = socket.create_connection(("127.0.0.1", int(port)))
    waiting = redis_cmd(sock, "ZCARD", "mailer:queue:delayed")
    time.sleep(5)
    rpid = redis_pid(port)
    s0, r0, t0 = cpu_s(service_pid), cpu_s(rpid) if rpid else 0, time.time()
    time.sleep(float(seconds))
    s1, r1, t1 = cpu_s(service_pid), cpu_s(rpid) if rpid else 0, time.time()
    print("RESULT service_cpu_pct=%.2f redis_cpu_pct=%.2f delayed=%d" % (
        100 * (s1 - s0) / (t1 - t0), 100 * (r1 - r0) / (t1 - t0), waiting))


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "due":
        due(sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5]), sys.argv[6])
    elif mode == "idle":
        idle(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5], sys.argv[6])
    else:
        sys.exit(__doc__)
