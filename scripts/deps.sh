#!/usr/bin/env bash
# Installs the optional system tools Stagecraft uses when they are missing:
# poppler-utils (pdftotext, pdfinfo, pdftoppm) reads PDFs and renders their
# thumbnails. Without it PDFs are still stored and findable by title, tags
# and description, and their index_error says why. Needs root and apt-get;
# otherwise it only says what to install.
set -euo pipefail

log() { printf 'deps: %s\n' "$*" >&2; }

if command -v pdftotext >/dev/null && command -v pdftoppm >/dev/null && command -v pdfinfo >/dev/null; then
	exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
	log "poppler-utils is not installed: PDF text and thumbnails are off."
	log "install it with: sudo apt-get install poppler-utils"
	exit 0
fi
log "installing poppler-utils (PDF text and thumbnails)…"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -qq poppler-utils >/dev/null 2>&1; then
	apt-get update -qq >/dev/null 2>&1 || true
	apt-get install -y -qq poppler-utils >/dev/null 2>&1 || {
		log "could not install poppler-utils; PDF text and thumbnails stay off"
		exit 0
	}
fi
log "installed $(pdftotext -v 2>&1 | head -n 1)"
