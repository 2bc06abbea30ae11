"""Smoke target of the release test: plays "the image the ECS service runs now".

Every request first asks ECS (moto) which image the service's task definition has. While that
image's tag ends in "-broken" it answers 503 like a broken build would; otherwise it forwards the
request unchanged to the real Move API. So a release of a "-broken" tag fails its smoke test, and
the automatic rollback's smoke test, run after ECS is back on the previous revision, passes.

usage: python deployed_image_proxy.py UPSTREAM_URL CLUSTER SERVICE
Listens on an OS-chosen 127.0.0.1 port and prints it as the first line on stdout.
Needs AWS_ENDPOINT_URL (moto) and fake credentials in the environment, like the aws CLI.
"""
import sys
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3

UPSTREAM, CLUSTER, SERVICE = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
ecs = boto3.client("ecs")
FORWARDED_HEADERS = ("Content-Type", "Authorization", "Idempotency-Key", "X-Correlation-Id")


def deployed_image():
    service = ecs.describe_services(cluster=CLUSTER, services=[SERVICE])["services"][0]
    definition = ecs.describe_task_definition(taskDefinition=service["taskDefinition"])
    return definition["taskDefinition"]["containerDefinitions"][0]["image"]


class Handler(BaseHTTPRequestHandler):
    def forward(self):
        image = deployed_image()
        if image.endswith("-broken"):
            self.answer(503, b'{"ok":false,"error":{"code":"unavailable","message":"broken image ' + image.encode() + b'"}}')
            return
        length = int(self.headers.get("Content-Length") or 0)
        request = urllib.request.Request(
            UPSTREAM + self.path,
            data=self.rfile.read(length) if length else None,
            method=self.command,
            headers={h: self.headers[h] for h in FORWARDED_HEADERS if self.headers[h]},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                self.answer(response.status, response.read())
        except urllib.error.HTTPError as error:  # 4xx/5xx are answers to pass on, not failures
            self.answer(error.code, error.read())

    def answer(self, status, body):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = forward

    def log_message(self, *args):  # the smoke test reports every request itself
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
