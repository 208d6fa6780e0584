# Kunjungan: every target sets up what it needs (virtualenvs, NLU model, database).
.DEFAULT_GOAL := help
.PHONY: help run test lint nlu-eval bench model check-data desk-screenshots doc-samples

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

run: ## Run the product: Rasa + the bot (console chat, or Telegram when TELEGRAM_BOT_TOKEN is set)
	@bash scripts/run.sh

test: ## Run every check: lint, types, NLU data, all tests (SQLite, PostgreSQL, real Rasa)
	@bash scripts/test.sh

model: ## Train the NLU model if config.yml, domain.yml, data/nlu or nlu/ changed
	@bash -c 'source scripts/lib.sh && ensure_nlu_venv && ensure_model && model_path'

nlu-eval: ## rasa test nlu on data/test + 3-fold cross-validation; prints accuracy and F1
	@bash scripts/nlu_eval.sh

bench: ## Run the benchmarks in bench/ and print their figures
	@bash scripts/bench.sh

check-data: ## List the facts and settings still to fill in before going live
	@bash -c 'source scripts/lib.sh && ensure_bot_venv && cd "$$ROOT" && load_dotenv && "$$BOT_VENV/bin/python" -m bot --check-data'

desk-screenshots: ## Screenshots of every staff-desk page from demo data, into docs/desk/
	@bash -c 'source scripts/lib.sh && ensure_bot_venv && ensure_chromium && cd "$$ROOT" && "$$BOT_VENV/bin/python" scripts/desk_screenshots.py'

doc-samples: ## Sample PDFs of every document (letter, attendance, receipt, certificate) into docs/samples/
	@bash -c 'source scripts/lib.sh && ensure_bot_venv && cd "$$ROOT" && "$$BOT_VENV/bin/python" scripts/doc_samples.py'
