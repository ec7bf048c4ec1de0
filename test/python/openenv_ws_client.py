#!/usr/bin/env python3
"""A standard-library WebSocket client that speaks to /ws exactly as OpenEnv's Python
GenericEnvClient does (json.dumps frames with spaces, actions with "metadata": {}), and checks
the replies. Usage: openenv_ws_client.py http://127.0.0.1:PORT"""

import base64
import hashlib
import json
import os
import socket
import struct
import sys
from urllib.parse import urlparse


class WS:
    def __init__(self, url):
        u = urlparse(url)
        self.sock = socket.create_connection((u.hostname, u.port or 80), timeout=10)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            (f"GET /ws HTTP/1.1\r\nHost: {u.hostname}:{u.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
             f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            head += self.sock.recv(1)
        assert head.startswith(b"HTTP/1.1 101"), head
        accept = base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()).decode()
        assert f"Sec-WebSocket-Accept: {accept}".lower() in head.decode().lower(), "bad handshake"

    def send(self, obj):
        data = json.dumps(obj).encode()  # Python's default separators, like the OpenEnv client
        mask = os.urandom(4)
        n = len(data)
        header = bytes([0x81]) + (bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + struct.pack("!H", n) if n < 65536 else bytes([0x80 | 127]) + struct.pack("!Q", n))
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def _exact(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise ConnectionError("closed")
            buf += chunk
        return buf

    def recv(self):
        b0, b1 = self._exact(2)
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack("!H", self._exact(2))[0]
        elif n == 127:
            n = struct.unpack("!Q", self._exact(8))[0]
        payload = self._exact(n)
        opcode = b0 & 0x0F
        if opcode == 0x8:
            return {"closed": struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None}
        if opcode == 0x9:  # ping: answer and read on
            self.sock.sendall(bytes([0x8A, 0x80]) + os.urandom(4))
            return self.recv()
        return json.loads(payload.decode())


def main():
    url = sys.argv[1]
    passed = failed = 0

    def check(name, cond):
        nonlocal passed, failed
        if cond:
            passed += 1
        else:
            failed += 1
            print(f"FAIL {name}")

    ws = WS(url)
    ws.send({"type": "reset", "data": {"task_id": "task_easy", "seed": 3, "episode_id": "py-1"}})
    r = ws.recv()
    check("reset reply", r.get("type") == "observation" and r["data"]["reward"] is None and r["data"]["done"] is False)
    check("observation fields", {"alerts", "logs", "metrics", "available_actions"} <= set(r["data"]["observation"]))
    for action, reward in [({"action_type": "investigate", "target": "postgres-db", "details": None, "metadata": {}}, 0.3),
                           ({"action_type": "escalate", "target": "database-team", "details": "Root cause: postgres-db", "metadata": {}}, 0.3)]:
        ws.send({"type": "step", "data": action})
        r = ws.recv()
        check(f"step {action['action_type']}", r["type"] == "observation" and r["data"]["reward"] == reward)
    ws.send({"type": "step", "data": {"action_type": "apply_fix", "target": "increase_db_connections", "metadata": {}}})
    r = ws.recv()
    check("final step", r["data"]["done"] is True)
    ws.send({"type": "state"})
    r = ws.recv()
    check("state", r["type"] == "state" and r["data"]["episode_id"] == "py-1" and r["data"]["step_count"] == 3 and 0.95 <= r["data"]["score"] < 1)
    ws.send({"type": "step", "data": {"message": ""}})
    r = ws.recv()
    check("validation error keeps the connection", r["type"] == "error" and r["data"]["code"] == "VALIDATION_ERROR")
    ws.send({"type": "close"})
    r = ws.recv()
    check("close", r.get("closed") == 1000)
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
