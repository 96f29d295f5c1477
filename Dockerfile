# Build the web app, which the binary embeds.
FROM node:20-bookworm-slim AS web
WORKDIR /src/frontend/web
COPY frontend/web/package.json frontend/web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/web ./
RUN npm run build

# Build: the Go binary (static, no cgo).
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=web /src/frontend/web/dist ./frontend/web/dist
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/stagecraft ./cmd/stagecraft

# Run: a small Debian image with the document tools: poppler (PDF text,
# thumbnails, page images) and, unless built with
# --build-arg WITH_LIBREOFFICE=0, headless LibreOffice and Office-compatible
# fonts for page previews of decks and documents (a few hundred MB more).
FROM debian:bookworm-slim
ARG WITH_LIBREOFFICE=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates poppler-utils \
 && if [ "$WITH_LIBREOFFICE" = 1 ]; then apt-get install -y --no-install-recommends \
      libreoffice-impress-nogui libreoffice-writer-nogui libreoffice-calc-nogui \
      fonts-liberation2 fonts-crosextra-carlito fonts-crosextra-caladea fonts-dejavu-core; fi \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home /var/lib/stagecraft --create-home stagecraft
COPY --from=build /out/stagecraft /usr/local/bin/stagecraft
USER stagecraft
ENV DATA_DIR=/var/lib/stagecraft LISTEN_ADDR=:8080
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s CMD ["/usr/local/bin/stagecraft", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/stagecraft"]
CMD ["serve"]
