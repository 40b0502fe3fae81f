#!/bin/sh
# Vendors plotly.js's basic bundle (npm package plotly.js-basic-dist-min: scatter, bar, pie) into
# site_builder/vendor/plotly.js-basic/, the chart's script. Use the version the plotly Python package
# ships (plotly.offline.get_plotlyjs_version()). Usage: scripts/update-plotly-basic.sh [VERSION]
set -eu
version="${1:-4.1.1}"
here="$(cd "$(dirname "$0")/.." && pwd)"
target="$here/site_builder/vendor/plotly.js-basic"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "plotly.js-basic-dist-min@$version" >/dev/null && tar xzf plotly.js-basic-dist-min-*.tgz)
rm -rf "$target" && mkdir -p "$target"
cp "$work/package/plotly-basic.min.js" "$work/package/LICENSE" "$target/"
node -e 'const p=require(process.argv[1]);console.log(`plotly.js-basic-dist-min ${p.version}\nlicence: ${p.license} (LICENSE)\nfrom: npm pack plotly.js-basic-dist-min@${p.version}\nupdate: scripts/update-plotly-basic.sh VERSION`)' \
  "$work/package/package.json" > "$target/VERSION"
echo "vendored plotly.js-basic-dist-min $version into $target"
