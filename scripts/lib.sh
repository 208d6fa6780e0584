# Shared set-up steps for the Makefile targets: find interpreters, build the two virtualenvs,
# train the NLU model when its inputs changed, start Rasa. Sourced, not executed.
# Everything here is idempotent and keyed by content hashes, so a second run costs seconds.

set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BOT_VENV="$ROOT/.venv"
NLU_VENV="$ROOT/.venv-nlu"
export RASA_TELEMETRY_ENABLED=false
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf '\033[1;31mERROR: %s\033[0m\n' "$*" >&2; exit 1; }

# find_python MAJOR.MINOR VAR: print a working interpreter of that version.
# Order: $VAR if set, a pythonX.Y on PATH that really runs (pyenv's shim does not unless the
# version is selected), pyenv's own builds under $(pyenv root)/versions, the usual prefixes.
find_python() {
  local want="$1" var="$2" candidate
  local -a candidates=()
  [[ -n "${!var:-}" ]] && candidates+=("${!var}")
  candidates+=("python$want")
  local pyenv_root="${PYENV_ROOT:-}"
  if [[ -z "$pyenv_root" ]] && command -v pyenv >/dev/null 2>&1; then
    pyenv_root="$(pyenv root 2>/dev/null || true)"
  fi
  [[ -z "$pyenv_root" ]] && pyenv_root="$HOME/.pyenv"
  if [[ -d "$pyenv_root/versions" ]]; then
    while IFS= read -r candidate; do candidates+=("$candidate"); done < <(
      find "$pyenv_root/versions" -maxdepth 3 -path "*/versions/$want.*/bin/python$want" 2>/dev/null | sort -rV
    )
  fi
  candidates+=("/usr/local/bin/python$want" "/usr/bin/python$want")
  if [[ "$want" == "3.11" ]]; then candidates+=("python3"); fi
  for candidate in "${candidates[@]}"; do
    if "$candidate" -c "import sys, venv; sys.exit(0 if sys.version_info[:2] == tuple(map(int, '$want'.split('.'))) else 1)" >/dev/null 2>&1; then
      command -v "$candidate" 2>/dev/null || echo "$candidate"
      return 0
    fi
  done
  return 1
}

hash_of() { cat "$@" | sha256sum | cut -c1-16; }

# pip_quiet DIR ARGS...: pip install without the machine's "find-links location ignored" noise.
pip_quiet() {
  local dir="$1"
  shift
  "$dir/bin/python" -m pip install --quiet "$@" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
}

# ensure_venv DIR PYTHON LOCKFILE: create DIR and install LOCKFILE when the lock changed.
ensure_venv() {
  local dir="$1" python="$2" lock="$3" stamp want
  stamp="$dir/.installed"
  want="$(hash_of "$lock")"
  if [[ -x "$dir/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    return 0
  fi
  say "Installing $(basename "$lock") into ${dir#"$ROOT"/} ($("$python" --version 2>&1))"
  [[ -x "$dir/bin/python" ]] || "$python" -m venv "$dir"
  pip_quiet "$dir" --upgrade pip setuptools wheel
  pip_quiet "$dir" -r "$lock"
  echo "$want" > "$stamp"
}

ensure_bot_venv() {
  local py
  py="$(find_python 3.11 PYTHON311)" || die "Python 3.11 not found. Install it (e.g. 'pyenv install 3.11') or set PYTHON311=/path/to/python3.11."
  ensure_venv "$BOT_VENV" "$py" "$ROOT/requirements.lock"
}

ensure_nlu_venv() {
  local py
  py="$(find_python 3.10 PYTHON310)" || die "Python 3.10 not found: Rasa 3.6 needs Python >=3.8,<3.11. Install it with 'pyenv install 3.10' (pyenv keeps it under \$(pyenv root)/versions) or set PYTHON310=/path/to/python3.10."
  ensure_venv "$NLU_VENV" "$py" "$ROOT/nlu/requirements.lock"
}

# The model's name carries the hash of everything that shapes it, so an unchanged model is
# found again and not retrained.
model_hash() {
  hash_of "$ROOT/config.yml" "$ROOT/domain.yml" "$ROOT"/data/nlu/*.yml "$ROOT"/nlu/*.py \
    "$ROOT/nlu/lexicon.yml" "$ROOT/nlu/requirements.lock" "$ROOT/data/knowledge/programs.yml"
}
model_path() { echo "$ROOT/models/nlu-$(model_hash).tar.gz"; }

# progress LABEL SECONDS: one live line on a terminal; a line every 15 s in logs (CI).
progress() {
  if [[ -t 2 ]]; then
    printf '\r%s… %ss ' "$1" "$2" >&2
  elif (( $2 % 15 == 0 )); then
    printf '%s… %ss\n' "$1" "$2" >&2
  fi
}

# with_progress LABEL LOGFILE CMD...: run CMD with its output in LOGFILE and one live line.
with_progress() {
  local label="$1" log="$2" pid start rc
  shift 2
  start=$SECONDS
  "$@" >"$log" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    progress "$label" "$((SECONDS - start))"
    sleep 1
  done
  wait "$pid" && rc=0 || rc=$?
  printf '\r%s… %ss, %s\n' "$label" "$((SECONDS - start))" "$([[ $rc == 0 ]] && echo done || echo FAILED)" >&2
  if [[ $rc != 0 ]]; then tail -n 30 "$log" >&2; die "$label failed (full log: $log)"; fi
}

ensure_model() {
  local target
  target="$(model_path)"
  [[ -f "$target" ]] && return 0
  mkdir -p "$ROOT/models"
  (cd "$ROOT" && with_progress "Training the NLU model (Rasa)" "$ROOT/models/train.log" \
    "$NLU_VENV/bin/rasa" train nlu --config config.yml --nlu data/nlu --out models \
    --fixed-model-name "$(basename "$target" .tar.gz)")
  find "$ROOT/models" -maxdepth 1 -name 'nlu-*.tar.gz' ! -name "$(basename "$target")" -delete
}

# launch_rasa URL TOKEN: start `rasa run` for the current model in the background, print its
# pid at once (it loads for a while; the bot answers by keywords and menus meanwhile).
launch_rasa() {
  local url="$1" token="$2" host port
  host="$(echo "$url" | sed -E 's#^https?://([^:/]+).*#\1#')"
  port="$(echo "$url" | sed -nE 's#^https?://[^:/]+:([0-9]+).*#\1#p')"
  port="${port:-5005}"
  (cd "$ROOT" && exec "$NLU_VENV/bin/rasa" run --enable-api -i "$host" -p "$port" \
    --auth-token "$token" --model "$(model_path)" >"$ROOT/models/rasa.log" 2>&1) &
  echo $!
}

# start_rasa URL TOKEN: launch Rasa, print its pid, return once /model/parse works.
start_rasa() {
  local url="$1" token="$2" pid start
  pid="$(launch_rasa "$url" "$token")"
  start=$SECONDS
  until curl -fsS -X POST "$url/model/parse?token=$token" -H 'Content-Type: application/json' \
      -d '{"text":"halo"}' >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { tail -n 30 "$ROOT/models/rasa.log" >&2; die "Rasa exited while starting (log: models/rasa.log)"; }
    (( SECONDS - start > 180 )) && { kill "$pid"; die "Rasa did not become ready in 180 s (log: models/rasa.log)"; }
    progress "Loading the NLU server (Rasa)" "$((SECONDS - start))"
    sleep 1
  done
  printf '\rLoading the NLU server (Rasa)… %ss, ready at %s\n' "$((SECONDS - start))" "$url" >&2
  echo "$pid"
}

load_dotenv() {
  if [[ -f "$ROOT/.env" ]]; then set -a; . "$ROOT/.env"; set +a; fi
}


# ensure_chromium: Debian's chromium for the desk's browser tests (Playwright drives it; a
# browser download from the internet is not possible here). Installed with apt-get as root or
# through sudo; without either, the browser tests say so (and fail in CI).
ensure_chromium() {
  [[ -x "${CHROMIUM:-/usr/bin/chromium}" ]] && return 0
  local sudo=""
  if [[ $EUID -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null && sudo="sudo -n" || {
      say "chromium is not installed and apt-get needs root: the browser tests will say so"
      return 0
    }
  fi
  command -v apt-get >/dev/null 2>&1 || { say "no apt-get: install chromium yourself for the browser tests"; return 0; }
  with_progress "Installing Debian's chromium (browser tests)" "$ROOT/models/apt.log" \
    bash -c "$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core fonts-noto-color-emoji"
}
