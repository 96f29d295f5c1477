#!/usr/bin/env bash
# Installs the optional system tools Stagecraft uses when they are missing:
#   - poppler-utils (pdftotext, pdfinfo, pdftoppm) reads PDFs and renders
#     their thumbnails and page previews. Without it PDFs are still stored
#     and findable by title, tags and description, and their index_error
#     says why.
#   - LibreOffice (headless Impress, Writer and Calc, without recommends)
#     converts decks, documents and spreadsheets to PDF for page previews.
#     Without it those files are stored, indexed and downloadable; their
#     preview status is "unavailable".
#   - Fonts metric-compatible with Office's (Liberation for Arial, Times New
#     Roman and Courier New; Carlito for Calibri; Caladea for Cambria), so
#     converted decks keep their line breaks and layout.
# Needs root and apt-get; otherwise it only says what to install.
set -euo pipefail

log() { printf 'deps: %s\n' "$*" >&2; }

# apt_install PACKAGES... installs with apt-get, refreshing the package
# lists once if the first attempt fails (a fresh container has none).
apt_install() {
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1 && return 0
	apt-get update -qq >/dev/null 2>&1 || true
	apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1
}

can_apt() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; }

if ! { command -v pdftotext >/dev/null && command -v pdftoppm >/dev/null && command -v pdfinfo >/dev/null; }; then
	if ! can_apt; then
		log "poppler-utils is not installed: PDF text, thumbnails and page previews are off."
		log "install it with: sudo apt-get install poppler-utils"
	else
		log "installing poppler-utils (PDF text, thumbnails and page previews)…"
		if apt_install poppler-utils; then
			log "installed $(pdftotext -v 2>&1 | head -n 1)"
		else
			log "could not install poppler-utils; PDF text and previews stay off"
		fi
	fi
fi

office="libreoffice-impress-nogui libreoffice-writer-nogui libreoffice-calc-nogui"
if ! command -v soffice >/dev/null && ! command -v libreoffice >/dev/null; then
	if ! can_apt; then
		log "LibreOffice is not installed: decks and documents get no page previews (preview status \"unavailable\")."
		log "install it with: sudo apt-get install --no-install-recommends $office"
	else
		log "installing LibreOffice (page previews of decks and documents; a few hundred MB)…"
		# shellcheck disable=SC2086 # the list is meant to split into packages
		if apt_install $office; then
			log "installed $(soffice --version 2>/dev/null | head -n 1)"
		else
			log "could not install LibreOffice; decks and documents get no page previews"
		fi
	fi
fi

fonts="fonts-liberation2 fonts-crosextra-carlito fonts-crosextra-caladea"
if { command -v soffice >/dev/null || command -v libreoffice >/dev/null; } && command -v fc-list >/dev/null &&
	! fc-list | grep -qi carlito; then
	if ! can_apt; then
		log "Office-compatible fonts are missing: converted decks may lay out differently from PowerPoint."
		log "install them with: sudo apt-get install --no-install-recommends $fonts"
	else
		log "installing Office-compatible fonts for page previews…"
		# shellcheck disable=SC2086 # the list is meant to split into packages
		apt_install $fonts || log "could not install the fonts; previews use the fonts present"
	fi
fi
exit 0
