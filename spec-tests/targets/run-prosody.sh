#!/bin/sh
# Run the reference Prosody in the foreground on one loopback address, for the portable spec-tests.
# usage: run-prosody.sh [ADDR [DIR]]     (defaults: 127.0.0.9 /tmp/prosody-runner)
# Users: PROSODY_RUNNER_DIR=DIR prosodyctl --config spec-tests/targets/prosody.cfg.lua register romeo localhost pass
set -eu
ADDR="${1:-127.0.0.9}"
DIR="${2:-/tmp/prosody-runner}"
HERE="$(cd "$(dirname "$0")" && pwd)"
PROSODY="$(command -v prosody || echo /usr/bin/prosody)"

mkdir -p "$DIR/data" "$DIR/certs"
if [ ! -f "$DIR/certs/localhost.crt" ]; then
	openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj /CN=localhost \
		-addext "subjectAltName=DNS:localhost" \
		-keyout "$DIR/certs/localhost.key" -out "$DIR/certs/localhost.crt" 2>/dev/null
fi

export PROSODY_RUNNER_DIR="$DIR" PROSODY_RUNNER_ADDR="$ADDR"
exec "$PROSODY" --config "$HERE/prosody.cfg.lua" -F
