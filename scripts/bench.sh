#!/usr/bin/env bash
# `make bench`: run every benchmark in bench/ and print its figures.
source "$(dirname "$0")/lib.sh"
ensure_bot_venv
ensure_nlu_venv
ensure_model
cd "$ROOT"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB"
token="bench-$RANDOM"
url="http://127.0.0.1:${BENCH_RASA_PORT:-5085}"
rasa_pid="$(start_rasa "$url" "$token")"
trap 'kill "$rasa_pid" 2>/dev/null || true' EXIT
say "bench/nlu_baseline.py: Rasa vs TF-IDF + logistic regression on data/test"
"$NLU_VENV/bin/python" bench/nlu_baseline.py --rasa-url "$url" --token "$token"
say "bench/nlu_folds.py: the intent classifier vs the baseline, 5-fold cross-validation on data/nlu"
PYTHONPATH="$ROOT" "$NLU_VENV/bin/python" bench/nlu_folds.py
say "bench/booking_concurrency.py: 50 concurrent requests for the last slot, SQLite and PostgreSQL"
"$BOT_VENV/bin/python" bench/booking_concurrency.py -n "${BENCH_BOOKINGS:-50}" --slots 1
say "bench/agenda_fanout.py: one day's agenda to ${BENCH_PARTICIPANTS:-5000} participants, fake Telegram at 30 msg/s"
"$BOT_VENV/bin/python" bench/agenda_fanout.py -n "${BENCH_PARTICIPANTS:-5000}"
users="${BENCH_USERS:-200}" messages="${BENCH_MESSAGES:-10000}"
message_path() { "$BOT_VENV/bin/python" bench/message_path.py --rasa-url "$url" --token "$token" "$@"; }
say "bench/message_path.py: $users users, $messages messages through aiogram + real Rasa, as fast as answered"
message_path --users "$users" --messages "$messages"
say "the same at a fixed ${BENCH_RATE:-150} msg/s (latency and overhead at that load)"
message_path --users "$users" --messages "$messages" --rate "${BENCH_RATE:-150}"
say "the same as fast as answered, every text to Rasa (NLU_CACHE_SIZE=0)"
message_path --users "$users" --messages "$messages" --nlu-cache-size 0
for burst in 50 200; do
  say "a burst: $burst users each writing 0.3 s after the answer, against a minimal aiogram bot first"
  message_path --users "$burst" --messages "$((burst * 20))" --think 0.3 --calibrate
done
say "one user at a time (the bot's own overhead without contention)"
message_path --users 1 --messages 300
say "bench/telegram_send.py: one sendMessage through aiogram against a bare HTTP post (CPU a send)"
PYTHONPATH="$ROOT" "$BOT_VENV/bin/python" bench/telegram_send.py
say "bench/noisy_neighbours.py: 50 users at 100 msg/s, alone and beside a flooder and a staff group answering 429"
"$BOT_VENV/bin/python" bench/noisy_neighbours.py --rasa-url "$url" --token "$token"
say "bench/desk_pages.py: every staff-desk page with 1,000 bookings and 20,000 participants, SQLite and PostgreSQL"
"$BOT_VENV/bin/python" bench/desk_pages.py
say "bench/certificates.py: a 500-participant visit's certificates numbered, printed and queued"
"$BOT_VENV/bin/python" bench/certificates.py -n "${BENCH_CERTIFICATES:-500}"
say "bench/rasa_capacity.py: texts/s of one Rasa, one with SANIC_WORKERS=2, two behind RASA_URL=a,b"
"$BOT_VENV/bin/python" bench/rasa_capacity.py
say "bench/processes.py: 1, 2 and 3 bot processes on PostgreSQL behind webhooks, 200 users"
"$BOT_VENV/bin/python" bench/processes.py
