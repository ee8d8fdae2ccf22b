#!/usr/bin/env python3
"""Builds a realm import file: the production realm, plus overlays (demo users, test clients),
with ${VAR} placeholders filled from the environment. Used by infra/portal only; docker-compose
imports realm-portal.json as it is and lets Keycloak fill the placeholders itself.

usage: compose-realm.py BASE [OVERLAY ...] > realm.json
"""
import json
import os
import re
import sys

LISTS_BY_KEY = {"clients": "clientId", "users": "username", "authenticationFlows": "alias",
                "authenticatorConfig": "alias"}


def merge(base, overlay):
    for key, value in overlay.items():
        if key.startswith("_"):
            continue
        if key in LISTS_BY_KEY and key in base:
            ident = LISTS_BY_KEY[key]
            names = {item[ident] for item in value}
            base[key] = [item for item in base[key] if item[ident] not in names] + value
        elif isinstance(value, dict) and isinstance(base.get(key), dict):
            merge(base[key], value)
        else:
            base[key] = value
    return base


def fill(text):
    def value(match):
        name = match.group(1)
        if name not in os.environ:
            sys.exit(f"compose-realm: environment variable {name} is not set")
        return json.dumps(os.environ[name])[1:-1]
    return re.sub(r"\$\{([A-Z0-9_]+)\}", value, text)


def main(paths):
    realm = {}
    for path in paths:
        with open(path, encoding="utf-8") as f:
            realm = merge(realm, json.loads(f.read()))
    print(fill(json.dumps(realm, indent=1)))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
