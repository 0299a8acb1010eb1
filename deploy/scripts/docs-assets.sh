#!/usr/bin/env bash
# Refreshes the Swagger UI and ReDoc files that the binary embeds, from pinned
# npm packages, so that /docs and /redoc work with no internet.
set -euo pipefail

SWAGGER_UI_VERSION=5.35.0
REDOC_VERSION=3.0.1

root=$(cd "$(dirname "$0")/../.." && pwd)
dest="$root/api/docs/assets"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cd "$work"
npm pack --silent "swagger-ui-dist@$SWAGGER_UI_VERSION" "redoc@$REDOC_VERSION" >/dev/null
mkdir swagger redoc
tar xzf "swagger-ui-dist-$SWAGGER_UI_VERSION.tgz" -C swagger
tar xzf "redoc-$REDOC_VERSION.tgz" -C redoc

rm -rf "$dest"
mkdir -p "$dest/swagger-ui" "$dest/redoc"
cp swagger/package/{swagger-ui-bundle.js,swagger-ui.css,favicon-32x32.png,LICENSE} "$dest/swagger-ui/"
cp redoc/package/bundles/redoc.standalone.js redoc/package/LICENSE "$dest/redoc/"
printf 'swagger-ui-dist %s\nredoc %s\n' "$SWAGGER_UI_VERSION" "$REDOC_VERSION" >"$dest/VERSIONS"
echo "docs assets written to $dest"
