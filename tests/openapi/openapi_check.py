#!/usr/bin/python3
"""Checks docs/openapi.yaml: the document itself, against the binary's route list, and against recorded answers.

  openapi_check.py document DOC           every $ref resolves, every operation has responses, path parameters
                                          match the template, every schema is a valid JSON Schema (2020-12)
  openapi_check.py routes DOC BINARY      `BINARY --print-routes` for a configuration that enables every route
                                          group lists exactly the document's operations (both directions)
  openapi_check.py selftest DOC           the response validator rejects answers that drifted from the document
                                          (a missing key, an undocumented status or media type or path)
  openapi_check.py responses DOC FILE     each recorded exchange of FILE (JSON, written by
                                          openapi_responses_test) has a documented status, media type and a body
                                          valid against the document's schema; every GET operation was exercised
                                          (not checked with --partial, for a file that covers some routes only)

Exit status 0 when everything holds, 1 with one line per problem otherwise. Uses python3-yaml and
python3-jsonschema (Debian)."""

import json
import os
import re
import subprocess
import sys
import tempfile

import jsonschema
import yaml

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# Every route group on, the client connection configured (it is never connected: --print-routes stops before) and a
# brewery, without which /pin and /move-endpoints/* do not exist.
ALL_GROUPS_CONFIG = """
jicofo {
  xmpp.client {
    enabled = true
    hostname = "127.0.0.1"
    port = 9
    domain = "auth.meet.test"
    xmpp-domain = "meet.test"
    password = "unused"
  }
  bridge.brewery-jid = "jvbbrewery@internal.auth.meet.test"
  health.enabled = true
  rest {
    enabled = true
    prometheus.enabled = true
    conference-request.enabled = true
    move-endpoints.enabled = true
    debug.enabled = true
    pin.enabled = true
  }
}
"""


def load(path):
    with open(path) as f:
        try:
            return yaml.safe_load(f)
        except yaml.YAMLError as error:
            print(f"{path}: not YAML: {error}")
            sys.exit(1)


def resolve(document, reference):
    """The value a local reference ("#/a/b") points at; KeyError when it points at nothing."""
    if not reference.startswith("#/"):
        raise KeyError(f"not a local reference: {reference}")
    node = document
    for part in reference[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            raise KeyError(reference)
        node = node[part]
    return node


def walk(node, where=""):
    """Every (location, dict) of the tree."""
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            yield from walk(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, f"{where}/{index}")


def deref(document, node):
    while isinstance(node, dict) and "$ref" in node:
        node = resolve(document, node["$ref"])
    return node


def operations(document):
    """(method upper-case, path template, operation) for every operation of the document."""
    for path, item in document.get("paths", {}).items():
        for method in HTTP_METHODS:
            if method in item:
                yield method.upper(), path, item[method]


def check_document(document):
    problems = []
    if not str(document.get("openapi", "")).startswith("3.1"):
        problems.append("openapi: not a 3.1 document")
    for key in ("info", "paths"):
        if key not in document:
            problems.append(f"missing top-level {key}")
    for where, node in walk(document):
        reference = node.get("$ref")
        if isinstance(reference, str):
            try:
                resolve(document, reference)
            except KeyError:
                problems.append(f"{where}: $ref {reference} resolves to nothing")
    if problems:
        return problems  # the rest dereferences
    operation_ids = set()
    for method, path, operation in operations(document):
        name = f"{method} {path}"
        responses = operation.get("responses")
        if not responses:
            problems.append(f"{name}: no responses")
            continue
        for status, response in responses.items():
            if not re.fullmatch(r"[1-5][0-9][0-9]|default", str(status)):
                problems.append(f"{name}: response key {status!r} is not a status code")
            if "description" not in deref(document, response):
                problems.append(f"{name} {status}: response without description")
        operation_id = operation.get("operationId")
        if not operation_id:
            problems.append(f"{name}: no operationId")
        elif operation_id in operation_ids:
            problems.append(f"{name}: operationId {operation_id} used twice")
        operation_ids.add(operation_id)
        templated = set(re.findall(r"\{([^}]+)\}", path))
        declared = {deref(document, p)["name"] for p in operation.get("parameters", [])
                    if deref(document, p).get("in") == "path"}
        if templated != declared:
            problems.append(f"{name}: path parameters {sorted(declared)} do not match the template {sorted(templated)}")
    # Each schema on its own, with the document's components reachable through its references.
    for where, node in walk(document):
        if where.endswith("/schema") or re.fullmatch(r"/components/schemas/[^/]+", where):
            try:
                jsonschema.Draft202012Validator.check_schema(node)
            except jsonschema.exceptions.SchemaError as error:
                problems.append(f"{where}: invalid schema: {error.message}")
    return problems


def router_pattern_to_template(pattern):
    """The router's `{name:int}` is the document's `{name}`."""
    return re.sub(r"\{([^}:]+):[a-z]+\}", r"{\1}", pattern)


def check_routes(document, binary):
    with tempfile.TemporaryDirectory(prefix="jicofo-routes-") as directory:
        config_path = os.path.join(directory, "jicofo.conf")
        with open(config_path, "w") as f:
            f.write(ALL_GROUPS_CONFIG)
        listing = subprocess.run([binary, "--config", config_path, "--print-routes"], capture_output=True, text=True,
                                 timeout=30)
    if listing.returncode != 0:
        return [f"--print-routes exited {listing.returncode}: {listing.stderr.strip()}"]
    served = set()
    for line in listing.stdout.splitlines():
        method, _, pattern = line.partition(" ")
        if not method or not pattern.startswith("/"):
            return [f"--print-routes printed an unexpected line: {line!r}"]
        served.add((method, router_pattern_to_template(pattern)))
    documented = {(method, path) for method, path, _ in operations(document)}
    problems = [f"served but not documented: {m} {p}" for m, p in sorted(served - documented)]
    problems += [f"documented but not served: {m} {p}" for m, p in sorted(documented - served)]
    if not served:
        problems.append("--print-routes listed no route")
    return problems


def template_regex(template):
    return re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$")


def find_operation(document, method, path):
    """The operation for a concrete path: literal templates win over parameterised ones, as in the router."""
    candidates = []
    for op_method, template, operation in operations(document):
        if op_method == method and template_regex(template).match(path):
            candidates.append((template.count("{"), template, operation))
    if not candidates:
        return None, None
    candidates.sort(key=lambda c: c[0])
    return candidates[0][1], candidates[0][2]


def validator_for(document, schema):
    # A copy of the components next to the schema, so that "#/components/..." resolves from inside it.
    wrapped = dict(schema) if isinstance(schema, dict) else {}
    wrapped["components"] = document.get("components", {})
    return jsonschema.Draft202012Validator(wrapped)


def check_exchange(document, exchange):
    method, target = exchange["method"], exchange["target"]
    path = target.split("?", 1)[0]
    name = f"{method} {target} -> {exchange['status']}"
    template, operation = find_operation(document, method, path)
    if operation is None:
        return None, [f"{name}: no operation documents {method} {path}"]
    responses = operation["responses"]
    status = str(exchange["status"])
    response = responses.get(status, responses.get("default"))
    if response is None:
        return template, [f"{name}: status {status} is not documented (documented: {sorted(responses)})"]
    response = deref(document, response)
    body = exchange["body"]
    content = response.get("content")
    if not content:
        return template, [] if body == "" else [f"{name}: documented without a body, answered {body[:200]!r}"]
    media_type = exchange["content_type"].split(";", 1)[0].strip().lower()
    if media_type not in content:
        return template, [f"{name}: media type {media_type} is not documented (documented: {sorted(content)})"]
    schema = content[media_type].get("schema", {})
    if media_type.endswith("json"):
        try:
            instance = json.loads(body)
        except ValueError as error:
            return template, [f"{name}: body is not JSON ({error}): {body[:200]!r}"]
    else:
        instance = body
    errors = sorted(validator_for(document, schema).iter_errors(instance), key=lambda e: list(e.absolute_path))
    problems = []
    for error in errors[:5]:
        location = "/".join(str(p) for p in error.absolute_path)
        problems.append(f"{name}: at /{location}: {error.message[:300]}")
    return template, problems


def check_responses(document, exchanges, every_get=True):
    problems = []
    exercised = set()
    for exchange in exchanges:
        template, found = check_exchange(document, exchange)
        problems += found
        if template:
            exercised.add((exchange["method"], template))
    for method, path, _ in operations(document) if every_get else []:
        if method == "GET" and (method, path) not in exercised:
            problems.append(f"GET {path} is documented but was not exercised")
    return problems


def selftest(document):
    """Answers the validator must accept and ones it must refuse, so that a lenient validator fails too."""
    version = {"method": "GET", "target": "/about/version", "status": 200, "content_type": "application/json",
               "body": '{"name":"JiCoFo","version":"1.0-1-gabc","os":"Linux"}'}
    drifted = [
        dict(version, body='{"name":"JiCoFo","version":"1.0-1-gabc"}'),
        dict(version, body='{"name":"JiCoFo","version":"1.0-1-gabc","os":"Linux","extra":1}'),
        dict(version, status=418),
        dict(version, content_type="text/plain; charset=utf-8", body="JiCoFo"),
        dict(version, target="/about/nothing"),
        {"method": "GET", "target": "/pin", "status": 200, "content_type": "application/json",
         "body": '[{"conferenceId":"a@b","jvbVersion":"1","expiresAt":"tomorrow"}]'},
        {"method": "POST", "target": "/pin", "status": 400, "content_type": "text/plain; charset=utf-8",
         "body": "Something else"},
    ]
    problems = []
    _, found = check_exchange(document, version)
    problems += [f"selftest: a valid answer was refused: {p}" for p in found]
    for exchange in drifted:
        _, found = check_exchange(document, exchange)
        if not found:
            problems.append(f"selftest: a drifted answer was accepted: {json.dumps(exchange)}")
    return problems


def main(arguments):
    if len(arguments) < 2 or arguments[0] not in ("document", "selftest", "routes", "responses"):
        print(__doc__, file=sys.stderr)
        return 2
    document = load(arguments[1])
    problems = check_document(document)
    if not problems and arguments[0] == "selftest":
        problems = selftest(document)
    elif not problems and arguments[0] == "routes":
        problems = check_routes(document, arguments[2])
    elif not problems and arguments[0] == "responses":
        with open(arguments[2]) as f:
            exchanges = json.load(f)
        problems = check_responses(document, exchanges, every_get="--partial" not in arguments[3:])
        print(f"{len(exchanges)} exchanges checked")
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
