#!/usr/bin/env bash
# The README's curl walk-through: provision a cluster, run a command on it, delete it; three POSTs,
# one JSON-RPC message each, no MCP session needed. Against a running server (bin/antrieb-mcp http) with
# a key from `bin/antrieb-mcp key create --account NAME`:
#
#   ANTRIEB_URL=http://127.0.0.1:8470/mcp ANTRIEB_KEY=ant_... antrieb-mcp-adapter/src/test/resources/curl-walkthrough.sh
#
# McpCurlWalkthroughIT runs this file as it is.
set -euo pipefail
URL="${ANTRIEB_URL:-http://127.0.0.1:8470/mcp}"
: "${ANTRIEB_KEY:?set ANTRIEB_KEY to a key made by: bin/antrieb-mcp key create --account NAME}"

# call ID TOOL ARGUMENTS-JSON: POSTs one tools/call and prints the JSON-RPC reply (one line).
call() {
  local reply
  reply=$(curl -sS --fail-with-body -X POST "$URL" \
    -H "Authorization: Bearer $ANTRIEB_KEY" \
    -H 'Content-Type: application/json' \
    -H 'Accept: application/json, text/event-stream' \
    -d "{\"jsonrpc\":\"2.0\",\"id\":$1,\"method\":\"tools/call\",\"params\":{\"name\":\"$2\",\"arguments\":$3}}")
  echo "$reply"
  case "$reply" in *'"isError":true'* | *'"error":{'*) echo "$2 failed" >&2; return 1 ;; esac
}

# 1. provision: a one-node cluster. The result is in result.structuredContent (and, as JSON text, in
#    result.content[0].text); session_id names the cluster from now on.
reply=$(call 1 provision '{"cluster": ["debian12"]}')
echo "$reply"
session=$(echo "$reply" | grep -o '"session_id":"[^"]*"' | head -n 1 | cut -d '"' -f 4)
echo "session_id: $session"

# 2. exec: any shell command, as root on node1; exit_code, stdout and stderr come back.
call 2 exec "{\"session_id\": \"$session\", \"node\": \"node1\", \"command\": \"hostname && cat /etc/debian_version\"}"

# 3. delete: the VM and its disk are gone at once (otherwise at the cluster's TTL).
call 3 delete "{\"type\": \"cluster\", \"name\": \"$session\"}"
