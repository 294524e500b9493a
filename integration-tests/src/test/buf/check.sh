#!/usr/bin/env bash
# Polyglot check: `buf curl` (a grpcurl equivalent, npm @bufbuild/buf) against a running socialcheck
# server, through server reflection, the way the README shows it.
#
#   integration-tests/setup-polyglot.sh                        # once: npm ci installs buf
#   integration-tests/src/test/buf/check.sh 127.0.0.1:50051
#
# Runs the demo-catalog scenario (any --demo-time-scale) and prints what it got. Exit status: 0 every
# check passed, 1 some check got something else (each mismatch is printed), 2 bad usage or no buf.
# BUF=/path/to/buf overrides the buf binary (default: the one npm ci put in src/test/node).
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../../.." && pwd)"
buf="${BUF:-$here/../node/node_modules/.bin/buf}"

if [[ $# -ne 1 || "$1" == -* ]]; then
  echo "usage: $0 HOST:PORT   (a running socialcheck server)" >&2
  exit 2
fi
url="http://$1"
if ! buf_version="$("$buf" --version 2>&1)"; then
  echo "buf check: cannot run $buf: run integration-tests/setup-polyglot.sh once (npm ci in integration-tests/src/test/node)" >&2
  exit 2
fi
echo "buf check: buf $buf_version, target $1"

service=socialcheck.v1.SocialAccountService
failed=()
checks=0
out=""
rc=0

# bcurl ARGS...: buf curl speaking gRPC over cleartext HTTP/2; sets $out (stdout+stderr) and $rc.
bcurl() {
  out="$("$buf" curl --protocol grpc --http2-prior-knowledge "$@" 2>&1)"
  rc=$?
}

# summary: the fields that matter of buf's JSON output, in order, on one line
# (e.g. "verdict=VERDICT_FOUND foundOn=github platform=facebook status=PLATFORM_STATUS_CANCELLED").
summary() {
  grep -oE '"(verdict|hasAccount|foundOn|platform|status|id)": ("[^"]*"|true|false)' |
    sed -E 's/^"([^"]*)": "?([^"]*)"?$/\1=\2/' | paste -sd' ' -
}

check() {
  checks=$((checks + 1))
  echo "- $1"
}

# expect WHAT GOT WANT
expect() {
  if [[ "$2" == "$3" ]]; then
    echo "  $1: $2"
  else
    echo "  MISMATCH: $1: expected [$3], got [$2]"
    echo "$out" | sed 's/^/    | /'
    failed+=("$1")
  fi
}

check "list services by reflection"
bcurl --list-services "$url"
expect "exit status" "$rc" 0
expect "services" "$(echo "$out" | paste -sd' ' -)" \
  "grpc.health.v1.Health grpc.reflection.v1.ServerReflection grpc.reflection.v1alpha.ServerReflection $service"

check "list methods by reflection"
bcurl --list-methods "$url"
expect "methods of $service" "$(echo "$out" | grep "^$service/" | paste -sd' ' -)" \
  "$service/CheckEach $service/CheckMany $service/HasSocialAccount $service/ListPlatforms"

check "health is SERVING"
bcurl -d '{}' "$url/grpc.health.v1.Health/Check"
expect "exit status" "$rc" 0
expect "health" "$(echo "$out" | summary)" "status=SERVING"

check "ListPlatforms"
bcurl -d '{}' "$url/$service/ListPlatforms"
expect "exit status" "$rc" 0
expect "platforms, likeliest first" "$(echo "$out" | summary)" "id=facebook id=twitter id=github"
# The platforms' timeout, e.g. "0.500s": 10 s times the server's --demo-time-scale.
facebook_timeout="$(echo "$out" | grep -m1 -oE '"timeout": "[0-9.]+s"' | grep -oE '[0-9.]+')"

check "HasSocialAccount: found on github, the others cancelled"
bcurl -d '{"email":"user@email.com"}' "$url/$service/HasSocialAccount"
expect "exit status" "$rc" 0
expect "response" "$(echo "$out" | summary)" \
  "verdict=VERDICT_FOUND hasAccount=true foundOn=github platform=facebook status=PLATFORM_STATUS_CANCELLED platform=twitter status=PLATFORM_STATUS_CANCELLED platform=github status=PLATFORM_STATUS_FOUND"

check "HasSocialAccount with the schema from the .proto instead of reflection"
bcurl --schema "$repo/proto" -d '{"email":"user@email.com"}' "$url/$service/HasSocialAccount"
expect "exit status" "$rc" 0
expect "response" "$(echo "$out" | summary)" \
  "verdict=VERDICT_FOUND hasAccount=true foundOn=github platform=facebook status=PLATFORM_STATUS_CANCELLED platform=twitter status=PLATFORM_STATUS_CANCELLED platform=github status=PLATFORM_STATUS_FOUND"

check "HasSocialAccount: user+nobody is not found"
bcurl --emit-defaults -d '{"email":"user+nobody@email.com"}' "$url/$service/HasSocialAccount"
expect "exit status" "$rc" 0
expect "response" "$(echo "$out" | summary)" \
  "verdict=VERDICT_NOT_FOUND hasAccount=false foundOn= platform=facebook status=PLATFORM_STATUS_NOT_FOUND platform=twitter status=PLATFORM_STATUS_NOT_FOUND platform=github status=PLATFORM_STATUS_NOT_FOUND"

check "CheckEach: github, twitter, facebook"
bcurl -d '{"email":"user@email.com"}' "$url/$service/CheckEach"
expect "exit status" "$rc" 0
expect "stream, in completion order" "$(echo "$out" | summary)" \
  "platform=github status=PLATFORM_STATUS_FOUND platform=twitter status=PLATFORM_STATUS_NOT_FOUND platform=facebook status=PLATFORM_STATUS_FOUND"

check "CheckMany: one answer per item, by id; a malformed address is an item error"
bcurl -d @- "$url/$service/CheckMany" <<'ITEMS'
{"id":"found","email":"user@email.com"}
{"id":"bad","email":"not-an-address"}
ITEMS
expect "exit status" "$rc" 0
expect "answers, by id" "$(echo "$out" | grep -oE '"id": "[a-z]+"' | sort | paste -sd' ' -)" \
  '"id": "bad" "id": "found"'
expect "the item error" "$(echo "$out" | grep -oE '"message": "[^"]*"')" '"message": "email has no '"'"'@'"'"'"'
expect "the answer" "$(echo "$out" | grep -oE '"foundOn": "[a-z]+"')" '"foundOn": "github"'

check "malformed address: INVALID_ARGUMENT (buf exits with code 3 x 8)"
bcurl -d '{"email":"not-an-address"}' "$url/$service/HasSocialAccount"
expect "HasSocialAccount exit status" "$rc" 24
expect "HasSocialAccount error code" "$(echo "$out" | grep -oE '"code": "[a-z_]+"')" '"code": "invalid_argument"'
bcurl -d '{"email":"not-an-address"}' "$url/$service/CheckEach"
expect "CheckEach exit status" "$rc" 24
expect "CheckEach error code" "$(echo "$out" | grep -oE '"code": "[a-z_]+"')" '"code": "invalid_argument"'

check "deadline: DEADLINE_EXCEEDED (buf exits with code 4 x 8)"
# buf's --timeout also covers its own schema lookup (reflection) before the call is sent, which can
# take a few hundred ms on a busy machine, so the call must take much longer than that: SEQUENTIAL
# for user+nobody+slow answers only after facebook (T/2), twitter (0.3 T) and github's timeout (T),
# 1.8 T in all, where T is the platforms' timeout (10 s times the --demo-time-scale: 2 s at 0.2).
# A deadline of T, then 1.5 T, passes before that answer. Exit 1 with "context deadline exceeded"
# means buf spent the whole deadline before calling: inconclusive, so the longer deadline is tried.
if [[ -z "$facebook_timeout" ]]; then
  expect "the platforms' timeout from ListPlatforms" "" "a duration"
else
  for factor in 1 1.5; do
    deadline_ms="$(awk -v t="$facebook_timeout" -v f="$factor" 'BEGIN { printf "%d", t * 1000 * f }')"
    bcurl --timeout "${deadline_ms}ms" \
      -d '{"email":"user+nobody+slow@email.com","strategy":"STRATEGY_SEQUENTIAL"}' \
      "$url/$service/HasSocialAccount"
    if [[ $rc -eq 1 && "$out" == *"context deadline exceeded"* && "$factor" == 1 ]]; then
      echo "  --timeout ${deadline_ms}ms ran out before buf sent the call (busy machine?): trying a longer one"
      continue
    fi
    break
  done
  expect "exit status with --timeout ${deadline_ms}ms" "$rc" 32
  expect "error code" "$(echo "$out" | grep -oE '"code": "[a-z_]+"')" '"code": "deadline_exceeded"'
fi

check "health is still SERVING"
bcurl -d '{}' "$url/grpc.health.v1.Health/Check"
expect "health" "$(echo "$out" | summary)" "status=SERVING"

if ((${#failed[@]} > 0)); then
  echo "buf check: FAILED ${#failed[@]} expectations in $checks checks:$(printf ' [%s]' "${failed[@]}")"
  exit 1
fi
echo "buf check: all $checks checks passed"
