#!/bin/sh
# Runs before `npm start` and `npm test` (`ensure-deps.sh start|test`):
# installs the npm dependencies (Node 24 LTS among them, from the npm
# registry's `node` package) on a fresh checkout, then checks the system
# programs the command needs and installs the missing ones from Debian
# (scripts/prerequisites.ts), so the README's commands work as written.
set -e
if [ ! -x node_modules/.bin/node ] || [ ! -d node_modules/@platformatic/kafka ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "userstream: installing npm dependencies (first run)" >&2
  npm ci --no-audit --no-fund >&2
fi
node_modules/.bin/node scripts/prerequisites.ts "${1:-start}"
# The Spark Connect protobuf code is generated from the Spark Connect jar on
# Maven Central (needs Java and Maven; once, then it is up to date).
node_modules/.bin/node scripts/gen-spark-connect.ts >&2
