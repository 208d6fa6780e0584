#!/usr/bin/env bash
# `make run`: set everything up, start the Rasa NLU server and the bot in the foreground (console
# chat without TELEGRAM_BOT_TOKEN, Telegram with it). Someone at a terminal can chat at once:
# until Rasa has loaded the bot answers by keywords and menus and says so. Input from a pipe or a
# file waits for Rasa, so scripted chats always get the full understanding. Ctrl-C stops both.
source "$(dirname "$0")/lib.sh"
load_dotenv
ensure_bot_venv
ensure_nlu_venv
ensure_model
export RASA_URL="${RASA_URL:-http://127.0.0.1:5005}"
export RASA_TOKEN="${RASA_TOKEN:-$(head -c 18 /dev/urandom | base64 | tr -d '/+=')}"
if [[ -t 0 ]]; then
  rasa_pid="$(launch_rasa "$RASA_URL" "$RASA_TOKEN")"
  say "Rasa is loading in the background (log: models/rasa.log); the chat starts now"
else
  rasa_pid="$(start_rasa "$RASA_URL" "$RASA_TOKEN")"
fi
stop_rasa() { kill "$rasa_pid" 2>/dev/null || true; while kill -0 "$rasa_pid" 2>/dev/null; do sleep 0.2; done; }
trap stop_rasa EXIT
trap 'exit 130' INT TERM
"$BOT_VENV/bin/python" -m bot
