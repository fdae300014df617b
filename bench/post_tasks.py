#!/usr/bin/env python3
"""POST N plain messages to URL over T kept-alive connections (bench/ab delivery): exits 1 unless every one got 202."""
import http.client
import json
import sys
import threading
from urllib.parse import urlsplit

url, total, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
parts = urlsplit(url)
body = json.dumps({"destinataire": "bench@example.org", "sujet": "Benchmark camel-mailer",
                   "message": "Bonjour,\nceci est un message du benchmark.\nCordialement",
                   "enhance_content": False}).encode()
refused = []


def post(count):
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    for _ in range(count):
        conn.request("POST", parts.path, body, {"Content-Type": "application/json"})
        answer = conn.getresponse()
        answer.read()
        if answer.status != 202:
            refused.append(answer.status)
    conn.close()


workers = [threading.Thread(target=post, args=(total // threads + (1 if i < total % threads else 0),))
           for i in range(threads)]
for w in workers:
    w.start()
for w in workers:
    w.join()
if refused:
    sys.exit("%d of %d not accepted (%s)" % (len(refused), total, sorted(set(refused))))
