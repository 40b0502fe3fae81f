// Keeps site-builder's build cache (SITE_BUILDER_CACHE, set in netlify.toml) from one deploy to
// the next, with Netlify's own cache utility: a deploy then re-indexes only the parts of the
// search index whose records changed. Saved only after a build that succeeded (onPostBuild
// does not run after a failed one), so a failed build never replaces a good cache.
// tests/test_netlify.py runs these handlers with a stand-in for Netlify's `utils`.

function cacheFolder() {
  const folder = process.env.SITE_BUILDER_CACHE;
  return folder && folder !== "off" ? folder : null;
}

module.exports = {
  async onPreBuild({ utils }) {
    const folder = cacheFolder();
    if (folder && (await utils.cache.restore(folder))) {
      console.log(`site-builder: restored the build cache ${folder}`);
    }
  },

  async onPostBuild({ utils }) {
    const folder = cacheFolder();
    if (folder && (await utils.cache.save(folder))) {
      console.log(`site-builder: saved the build cache ${folder}`);
    }
  },
};
