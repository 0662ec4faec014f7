#!/usr/bin/env python3
# A stand-in OpenAI-compatible server for the systemd container test: answers every chat
# completion with the SQL for "total sales by region", but only when the request carries
# the key the unit's LoadCredential= provides; anything else gets HTTP 401.
# Usage: fake-llm.py PORT EXPECTED_KEY
import http.server, json, sys

PORT, KEY = int(sys.argv[1]), sys.argv[2]
SQL = "SELECT Region, SUM(Sales) AS total FROM data GROUP BY Region ORDER BY total DESC"

class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length", 0)))
        if self.headers.get("authorization") != "Bearer " + KEY:
            return self.reply(401, {"error": {"message": "wrong key"}})
        content = json.dumps({"sql": SQL, "interpretation": "total sales per region", "confidence": 0.9})
        self.reply(200, {"choices": [{"message": {"role": "assistant", "content": content}}],
                         "usage": {"prompt_tokens": 10, "completion_tokens": 5}})

    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass

http.server.HTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
