// The interface's words for the other scripts, in the site's language: the page carries them as
// data (#ui-strings, from render/i18n.py script_strings); this file only reads and fills them in.
//   siteWords.text('copied')                          -> "Copied."
//   siteWords.count('all_events', 15, {num: 15})      -> the form CLDR's plural rules pick for 15
(function () {
  'use strict';

  var data = null, rules = null;

  function load() {
    if (!data) {
      var block = document.getElementById('ui-strings');
      data = block ? JSON.parse(block.textContent) : { lang: 'en', texts: {}, counts: {} };
      rules = new Intl.PluralRules(data.lang);
    }
    return data;
  }

  // "%(num)d of %(total)d" with {num: 3, total: 15}: gettext's placeholders, as the catalogues write them.
  function fill(text, values) {
    return text.replace(/%\((\w+)\)[ds]/g, function (whole, name) {
      return values && name in values ? String(values[name]) : whole;
    });
  }

  window.siteWords = {
    text: function (key, values) {
      var text = load().texts[key];
      return fill(text === undefined ? key : text, values);
    },
    count: function (key, n, values) {
      var forms = load().counts[key] || {};
      var text = forms[rules.select(n)] || forms.other || forms[Object.keys(forms).pop()] || key;
      return fill(text, values);
    }
  };
})();
