#!/usr/bin/env python3
"""Reads the Dockerfile's last (runtime) stage, so that .ci/image-check.sh runs exactly what the
image would run: its ENV, USER, WORKDIR, ENTRYPOINT, HEALTHCHECK, LABELs and COPY --from lines.

It understands only the forms this project's Dockerfile uses, and refuses anything else with a
message naming the line, rather than guessing: ENV/LABEL as KEY=VALUE pairs, ENTRYPOINT and
HEALTHCHECK CMD in exec (JSON) form, USER as numeric uid:gid, ${NAME} references to ARGs.

Usage: runtime_stage.py DOCKERFILE [--build-arg NAME=VALUE]... FIELD
FIELD is one of: env, labels, user, workdir, entrypoint, healthcheck-cmd, healthcheck-options,
copies, base-images. List fields are printed NUL-separated (for bash's mapfile -d ''); copies
as SOURCE NUL DESTINATION pairs, with SOURCE relative to the build stage's WORKDIR.
"""
import argparse
import json
import re
import shlex
import sys

FIELDS = ["env", "labels", "user", "workdir", "entrypoint", "healthcheck-cmd", "healthcheck-options", "copies", "base-images"]


class DockerfileError(Exception):
    pass


def instructions(text):
    """(line number, INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    result, pending, start = [], "", 0
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if pending and line.startswith("#"):
            continue
        if not pending:
            start = number
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        whole = (pending + line).strip()
        pending = ""
        keyword, _, args = whole.partition(" ")
        result.append((start, keyword.upper(), args.strip()))
    if pending:
        raise DockerfileError(f"line {start}: continuation runs past the end of the file")
    return result


def substitute(value, args, line):
    def lookup(match):
        name = match.group(1)
        if name not in args:
            raise DockerfileError(f"line {line}: ${{{name}}} is not an ARG of this stage")
        return args[name]
    return re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", lookup, value)


def pairs(text, args, line):
    result = {}
    for word in shlex.split(text):
        key, sep, value = word.partition("=")
        if not sep:
            raise DockerfileError(f"line {line}: expected KEY=VALUE, got '{word}'")
        result[key] = substitute(value, args, line)
    return result


def exec_form(text, line, what):
    try:
        argv = json.loads(text)
    except json.JSONDecodeError:
        argv = None
    if not isinstance(argv, list) or not argv or not all(isinstance(a, str) for a in argv):
        raise DockerfileError(f"line {line}: {what} must be in exec form, a JSON array of strings")
    return argv


def read_stage(text, build_args):
    stages = []
    for line, keyword, rest in instructions(text):
        if keyword == "FROM":
            words = rest.split()
            stages.append({"from": words[0], "name": words[2] if len(words) == 3 and words[1].upper() == "AS" else None,
                           "args": {}, "env": {}, "labels": {}, "copies": [], "workdir": "/",
                           "user": None, "entrypoint": None, "healthcheck": None})
            continue
        if not stages:
            raise DockerfileError(f"line {line}: {keyword} before the first FROM")
        stage = stages[-1]
        if keyword == "ARG":
            name, sep, default = rest.partition("=")
            if name not in build_args and not sep:
                raise DockerfileError(f"line {line}: ARG {name} has no default; pass --build-arg {name}=…")
            stage["args"][name] = build_args.get(name, default)
        elif keyword == "ENV":
            stage["env"].update(pairs(rest, stage["args"], line))
        elif keyword == "LABEL":
            stage["labels"].update(pairs(rest, stage["args"], line))
        elif keyword == "WORKDIR":
            stage["workdir"] = rest
        elif keyword == "USER":
            if not re.fullmatch(r"[0-9]+:[0-9]+", rest):
                raise DockerfileError(f"line {line}: USER must be a numeric uid:gid, got '{rest}'")
            stage["user"] = rest
        elif keyword == "ENTRYPOINT":
            stage["entrypoint"] = exec_form(rest, line, "ENTRYPOINT")
        elif keyword == "HEALTHCHECK":
            options, sep, command = rest.partition("CMD ")
            if not sep:
                raise DockerfileError(f"line {line}: HEALTHCHECK needs CMD")
            stage["healthcheck"] = {"options": options.split(), "cmd": exec_form(command, line, "HEALTHCHECK CMD")}
        elif keyword == "COPY" and rest.startswith("--from="):
            words = rest.split()
            if len(words) != 3:
                raise DockerfileError(f"line {line}: expected COPY --from=STAGE SOURCE DESTINATION")
            source_stage, source, destination = words
            build = next((s for s in stages if s["name"] == source_stage[len("--from="):]), None)
            if build is None or not source.startswith(build["workdir"].rstrip("/") + "/"):
                raise DockerfileError(f"line {line}: COPY must come from a named earlier stage's WORKDIR")
            stage["copies"].append((source[len(build["workdir"].rstrip("/")) + 1:], destination))
    if not stages:
        raise DockerfileError("no FROM: not a Dockerfile")
    runtime = stages[-1]
    for needed in ("user", "entrypoint", "healthcheck"):
        if runtime[needed] is None:
            raise DockerfileError(f"the runtime stage has no {needed.upper()}")
    runtime["base-images"] = [s["from"] for s in stages]
    return runtime


def field(runtime, name):
    if name in ("env", "labels"):
        return [f"{k}={v}" for k, v in runtime[name].items()]
    if name in ("user", "workdir"):
        return runtime[name]
    if name == "entrypoint":
        return runtime["entrypoint"]
    if name == "healthcheck-cmd":
        return runtime["healthcheck"]["cmd"]
    if name == "healthcheck-options":
        return runtime["healthcheck"]["options"]
    if name == "copies":
        return [part for pair in runtime["copies"] for part in pair]
    return runtime["base-images"]


def main():
    parser = argparse.ArgumentParser(description="Print one field of a Dockerfile's runtime stage.")
    parser.add_argument("dockerfile")
    parser.add_argument("--build-arg", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("field", choices=FIELDS)
    options = parser.parse_args()
    build_args = {}
    for pair in options.build_arg:
        name, sep, value = pair.partition("=")
        if not sep:
            parser.error(f"--build-arg expects NAME=VALUE, got '{pair}'")
        build_args[name] = value
    try:
        with open(options.dockerfile, encoding="utf-8") as f:
            runtime = read_stage(f.read(), build_args)
    except (OSError, DockerfileError) as ex:
        print(f"runtime_stage.py: {options.dockerfile}: {ex}", file=sys.stderr)
        sys.exit(1)
    value = field(runtime, options.field)
    sys.stdout.write(value + "\n" if isinstance(value, str) else "".join(v + "\0" for v in value))


if __name__ == "__main__":
    main()
