#!/usr/bin/env bash
# The HA example as plain commands on one host (what deploy/ha/compose.yaml
# runs, and what `npm run test:ha` runs with shorter timers): two Alertmanager
# peers in one cluster, a webhook receiver that prints each notification, and
# two supervisors with their own state. Ctrl-C stops them all.
#
#   deploy/ha/run-local.sh            (from the repository root, after npm run build)
#
# ALERTMANAGER: the binary (Debian's package: prometheus-alertmanager; upstream: alertmanager).
# CRYPTO_SUPERVISOR: how to start the supervisor (default: node dist/cli.js).
# HA_DIR: where the peers' and supervisors' state goes (default: a new temp dir).
set -euo pipefail
cd "$(dirname "$0")/../.."
ALERTMANAGER=${ALERTMANAGER:-prometheus-alertmanager}
CRYPTO_SUPERVISOR=${CRYPTO_SUPERVISOR:-node dist/cli.js}
HA_DIR=${HA_DIR:-$(mktemp -d -t crypto-supervisor-ha.XXXXXX)}
echo "state in $HA_DIR"
trap 'kill $(jobs -p) 2>/dev/null; wait' EXIT INT TERM

# Two Alertmanager peers: API on 9093 and 9095, gossip on 9094 and 9096. Each
# names every peer (itself included) with --cluster.peer.
"$ALERTMANAGER" \
  --config.file=deploy/ha/alertmanager.yml \
  --storage.path="$HA_DIR/alertmanager-1" \
  --web.listen-address=127.0.0.1:9093 \
  --cluster.listen-address=127.0.0.1:9094 \
  --cluster.peer=127.0.0.1:9094 \
  --cluster.peer=127.0.0.1:9096 &
"$ALERTMANAGER" \
  --config.file=deploy/ha/alertmanager.yml \
  --storage.path="$HA_DIR/alertmanager-2" \
  --web.listen-address=127.0.0.1:9095 \
  --cluster.listen-address=127.0.0.1:9096 \
  --cluster.peer=127.0.0.1:9094 \
  --cluster.peer=127.0.0.1:9096 &

# The receiver alertmanager.yml notifies (http://127.0.0.1:5001/alerts).
PORT=5001 node deploy/ha/receiver.mjs &

# Two supervisors, one config: each posts every alert to both peers.
STATE_DIR="$HA_DIR/supervisor-a" HTTP_LISTEN=127.0.0.1:9464 $CRYPTO_SUPERVISOR --config deploy/ha/supervisor.yaml &
STATE_DIR="$HA_DIR/supervisor-b" HTTP_LISTEN=127.0.0.1:9465 $CRYPTO_SUPERVISOR --config deploy/ha/supervisor.yaml &

wait
