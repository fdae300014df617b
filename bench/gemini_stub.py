#!/usr/bin/env python3
"""Gemini generateContent stub for the benchmark: answers every POST .../models/<m>:generateContent
with the recorded 200-ok reply after a fixed delay, like a slow real model would.

Why asyncio: the delay (default 1 s) must not cost a thread; one process holds hundreds of
concurrent calls, so the stub is never what limits the enhanced delivery rate.
Usage: gemini_stub.py PORT DELAY_MS REPLY_JSON   (prints "ready" once listening)
GET /stats answers {"ok":N,"refused":N,"max_concurrent":N}: max_concurrent is how many calls the service
had open at once, which is what bounds the enhanced delivery rate (rate <= max_concurrent / delay).
"""
import asyncio
import signal
import sys

PORT, DELAY_S, REPLY_FILE = int(sys.argv[1]), int(sys.argv[2]) / 1000.0, sys.argv[3]
REPLY = open(REPLY_FILE, "rb").read()
calls = {"ok": 0, "refused": 0, "max_open": 0}
open_now = 0


def answer(status, body):
    head = (f"HTTP/1.1 {status}\r\nContent-Type: application/json; charset=UTF-8\r\n"
            f"Content-Length: {len(body)}\r\n\r\n")
    return head.encode() + body


async def serve(reader, writer):
    global open_now
    try:
        while True:  # keep-alive: the service's HTTP client reuses its connections
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, path = lines[0].split(" ")[:2]
            headers = {k.strip().lower(): v.strip() for k, v in (l.split(":", 1) for l in lines[1:] if ":" in l)}
            await reader.readexactly(int(headers.get("content-length", "0")))
            if method == "GET" and path == "/stats":  # bench/run reads how many calls overlapped
                body = ('{"ok":%d,"refused":%d,"max_concurrent":%d}' % (calls["ok"], calls["refused"], calls["max_open"]))
                writer.write(answer("200 OK", body.encode()))
            elif method != "POST" or not path.endswith(":generateContent") or "x-goog-api-key" not in headers:
                calls["refused"] += 1  # a wrong call shows up in the report, not as a slow success
                writer.write(answer("404 Not Found", b'{"error":{"code":404,"status":"NOT_FOUND"}}'))
            else:
                open_now += 1
                calls["max_open"] = max(calls["max_open"], open_now)
                await asyncio.sleep(DELAY_S)
                open_now -= 1
                calls["ok"] += 1
                writer.write(answer("200 OK", REPLY))
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, ValueError):
        pass
    finally:
        writer.close()


async def main():
    server = await asyncio.start_server(serve, "127.0.0.1", PORT, backlog=1024)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    print("ready", flush=True)
    async with server:
        await stop.wait()
    print(f"gemini-stub calls ok={calls['ok']} refused={calls['refused']} max_concurrent={calls['max_open']}",
          file=sys.stderr, flush=True)


asyncio.run(main())
