#!/usr/bin/env bash
# `make test`: set everything up and run every check: lint, types, NLU data validation, pytest
# (unit, SQL on SQLite and PostgreSQL, end-to-end against the real Rasa server).
source "$(dirname "$0")/lib.sh"
ensure_bot_venv
ensure_nlu_venv
ensure_model
ensure_chromium

export TEST_POSTGRES_URL="${TEST_POSTGRES_URL:-postgresql+asyncpg://postgres@127.0.0.1:5432/test}"
pg_ready() { "$BOT_VENV/bin/python" "$ROOT/scripts/pg_ready.py" "$TEST_POSTGRES_URL"; }
if ! pg_ready; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [[ -d /etc/postgresql ]]; then
    say "Starting the local PostgreSQL server"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    sleep 2
  fi
fi
if pg_ready; then
  export TEST_POSTGRES=1
elif [[ "${CI:-}" == "true" ]]; then
  die "PostgreSQL is not reachable at $TEST_POSTGRES_URL; CI never skips the PostgreSQL tests."
else
  printf '\n\033[1;41m !!! PostgreSQL NOT REACHABLE at %s: its tests are SKIPPED !!! \033[0m\n\n' "$TEST_POSTGRES_URL" >&2
fi

say "Lint (ruff) and types (mypy)"
(cd "$ROOT" && "$BOT_VENV/bin/ruff" check . && "$BOT_VENV/bin/ruff" format --check . && "$BOT_VENV/bin/mypy")

say "NLU data validation (rasa data validate)"
# The bot owns the dialogue, so "intent not used in any story" is expected; any other warning
# (an example under two intents, an entity missing from the domain, ...) fails the build.
(cd "$ROOT" && "$NLU_VENV/bin/rasa" data validate --data data/nlu --domain domain.yml >"$ROOT/models/validate.log" 2>&1) \
  || { tail -n 30 "$ROOT/models/validate.log" >&2; die "rasa data validate failed"; }
if grep -E "UserWarning|ERROR" "$ROOT/models/validate.log" | grep -v "is not used in any story or rule" >&2; then
  die "rasa data validate found problems in the NLU data (models/validate.log)"
fi

say "pytest"
export TEST_RASA_BIN="$NLU_VENV/bin/rasa" TEST_RASA_MODEL="$(model_path)"
cd "$ROOT" && exec "$BOT_VENV/bin/python" -m pytest "$@"
