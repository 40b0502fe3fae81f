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

  // A whole number as the page's templates write it (Language.number: Babel's groups for the
  // language, in the data as digits): 10,000; 10 000; 10.000; 12,34,567. Not the browser's
  // Intl.NumberFormat, which writes some languages otherwise (es 1234, ar-EG in Arabic digits).
  function number(n) {
    var groups = load().digits || { group: ',', primary: 3, secondary: 3 };
    var digits = String(Math.abs(Math.round(n))), written = '', size = groups.primary;
    while (digits.length > size) {
      written = groups.group + digits.slice(-size) + written;
      digits = digits.slice(0, -size);
      size = groups.secondary;
    }
    return (n < 0 ? '-' : '') + digits + written;
  }

  // "%(num)d of %(total)d" with {num: 3, total: 15}: gettext's placeholders, as the catalogues write them.
  function fill(text, values) {
    return text.replace(/%\((\w+)\)([ds])/g, function (whole, name, kind) {
      if (!values || !(name in values)) return whole;
      return kind === 'd' && isFinite(values[name]) ? number(+values[name]) : String(values[name]);
    });
  }

  window.siteWords = {
    text: function (key, values) {
      var text = load().texts[key];
      return fill(text === undefined ? key : text, values);
    },
    number: number,
    count: function (key, n, values) {
      var forms = load().counts[key] || {};
      var text = forms[rules.select(n)] || forms.other || forms[Object.keys(forms).pop()] || key;
      return fill(text, values);
    }
  };
})();
