#!/usr/bin/env python3
"""Webhook receiver for the benchmark: answers every POST with 204 at once and counts what it got.

Usage: webhook_receiver.py PORT SECRET   (prints "ready" once listening)
GET /stats answers {"received":N,"bad_signature":N,"types":{...}}: every POST's Standard Webhooks signature is checked
(v1, base64 HMAC-SHA256 of id.timestamp.body), so the figure counts only real, verifiable deliveries.
"""
import asyncio
import base64
import hashlib
import hmac
import json
import signal
import sys

PORT, SECRET = int(sys.argv[1]), sys.argv[2]
KEY = base64.b64decode(SECRET[6:]) if SECRET.startswith("whsec_") else SECRET.encode()
stats = {"received": 0, "bad_signature": 0, "types": {}}


def answer(status, body=b""):
    return (f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body


async def serve(reader, writer):
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, path = lines[0].split(" ")[:2]
            headers = {k.strip().lower(): v.strip() for k, v in (l.split(":", 1) for l in lines[1:] if ":" in l)}
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            if method == "GET" and path == "/stats":
                writer.write(answer("200 OK", json.dumps(stats).encode()))
            else:
                signed = f"{headers.get('webhook-id')}.{headers.get('webhook-timestamp')}.".encode() + body
                expected = "v1," + base64.b64encode(hmac.new(KEY, signed, hashlib.sha256).digest()).decode()
                if expected in headers.get("webhook-signature", "").split(" "):
                    stats["received"] += 1
                    kind = json.loads(body).get("type", "?")
                    stats["types"][kind] = stats["types"].get(kind, 0) + 1
                else:
                    stats["bad_signature"] += 1
                writer.write(answer("204 No Content"))
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def main():
    server = await asyncio.start_server(serve, "127.0.0.1", PORT, backlog=512)
    loop = asyncio.get_running_loop()
    stop = loop.create_future()
    loop.add_signal_handler(signal.SIGTERM, stop.set_result, None)
    print("ready", flush=True)
    async with server:
        await stop


asyncio.run(main())
