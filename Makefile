.PHONY: help docs docs-build

help: ## This list
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

docs: ## Serve the documentation site at http://127.0.0.1:8000 (rebuilt on every change)
	NO_MKDOCS_2_WARNING=1 .venv/bin/mkdocs serve

docs-build: ## Build the documentation site into build/site (strict: any warning fails)
	NO_MKDOCS_2_WARNING=1 .venv/bin/mkdocs build --strict
