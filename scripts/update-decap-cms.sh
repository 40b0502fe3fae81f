#!/bin/sh
# Vendors Decap CMS's browser bundle (npm package decap-cms, dist/) into site_builder/vendor/decap-cms/,
# so /admin/ loads the CMS from the site itself (no CDN). Usage: scripts/update-decap-cms.sh [VERSION]
set -eu
version="${1:-3.16.3}"
here="$(cd "$(dirname "$0")/.." && pwd)"
target="$here/site_builder/vendor/decap-cms"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "decap-cms@$version" >/dev/null && tar xzf decap-cms-*.tgz)
rm -rf "$target" && mkdir -p "$target"
# The bundle, the chunks it loads on demand (next to itself) and its WebAssembly; no source maps.
cp "$work"/package/dist/*decap-cms.js "$work"/package/dist/*.wasm "$target/"
cp "$work/package/dist/decap-cms.js.LICENSE.txt" "$target/"
node -e 'const p=require(process.argv[1]);console.log(`decap-cms ${p.version}\nlicence: ${p.license} (${p.homepage})\nfrom: npm pack decap-cms@${p.version}, dist/ without source maps\nupdate: scripts/update-decap-cms.sh VERSION`)' \
  "$work/package/package.json" > "$target/VERSION"
echo "vendored decap-cms $version into $target"
