#!/usr/bin/env bash
# `make run`: set everything up, start the Rasa NLU server, then the bot in the foreground
# (console chat without TELEGRAM_BOT_TOKEN, Telegram with it). Ctrl-C stops both.
source "$(dirname "$0")/lib.sh"
load_dotenv
ensure_bot_venv
ensure_nlu_venv
ensure_model
export RASA_URL="${RASA_URL:-http://127.0.0.1:5005}"
export RASA_TOKEN="${RASA_TOKEN:-$(head -c 18 /dev/urandom | base64 | tr -d '/+=')}"
rasa_pid="$(start_rasa "$RASA_URL" "$RASA_TOKEN")"
stop_rasa() { kill "$rasa_pid" 2>/dev/null || true; while kill -0 "$rasa_pid" 2>/dev/null; do sleep 0.2; done; }
trap stop_rasa EXIT
trap 'exit 130' INT TERM
"$BOT_VENV/bin/python" -m bot
