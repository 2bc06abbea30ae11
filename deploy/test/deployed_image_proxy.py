"""Smoke target of the release test: plays "the image the stack deploys now".

Every request first asks CloudFormation (moto) for the stack's ImageTag, which on AWS is what the
tasks run once the stack update is complete (moto runs no tasks, and its stack update does not move
the ECS service, see docs/deploy-reference.md). While that tag ends in "-broken" it answers 503 like
a broken build would; otherwise it forwards the request unchanged to the real Move API. So a
release of a "-broken" tag fails its smoke test, and the smoke test after the automatic rollback,
once the stack is back on the previous tag, passes.

usage: python deployed_image_proxy.py UPSTREAM_URL STACK_NAME
Listens on an OS-chosen 127.0.0.1 port and prints it as the first line on stdout.
Needs AWS_ENDPOINT_URL (moto) and fake credentials in the environment, like the aws CLI.
"""
import sys
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3

UPSTREAM, STACK = sys.argv[1].rstrip("/"), sys.argv[2]
cloudformation = boto3.client("cloudformation")
FORWARDED_HEADERS = ("Content-Type", "Authorization", "Idempotency-Key", "X-Correlation-Id")


def deployed_image_tag():
    parameters = cloudformation.describe_stacks(StackName=STACK)["Stacks"][0]["Parameters"]
    return next(p["ParameterValue"] for p in parameters if p["ParameterKey"] == "ImageTag")


class Handler(BaseHTTPRequestHandler):
    def forward(self):
        tag = deployed_image_tag()
        if tag.endswith("-broken"):
            self.answer(503, b'{"ok":false,"error":{"code":"unavailable","message":"broken image ' + tag.encode() + b'"}}')
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
