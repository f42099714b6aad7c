#!/usr/bin/env bash
# Start the local Redis and PostgreSQL the generated projects' tests talk to, if they are down.
set -uo pipefail
if ! (redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG); then
    mkdir -p /var/lib/redis /var/log/redis
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
        --dir /var/lib/redis --logfile /var/log/redis/ci.log
fi
if command -v pg_isready >/dev/null && ! pg_isready -h 127.0.0.1 -p 5432 -q; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
fi
for _ in $(seq 1 30); do
    redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG \
        && pg_isready -h 127.0.0.1 -p 5432 -q && exit 0
    sleep 1
done
echo "Redis or PostgreSQL did not come up" >&2
exit 1
