(function () {
  'use strict';
  var rows = Array.prototype.slice.call(document.querySelectorAll('tbody tr[data-case]'));
  var code = document.getElementById('code');
  var search = document.getElementById('search');
  var shown = document.getElementById('shown');
  function outcome() {
    var checked = document.querySelector('input[name=outcome]:checked');
    return checked ? checked.value : '';
  }
  function apply() {
    var o = outcome(), c = code.value, s = search.value.trim().toLowerCase(), n = 0;
    rows.forEach(function (r) {
      var ok = (!o || r.getAttribute('data-outcomes').split(' ').indexOf(o) >= 0) &&
        (!c || r.getAttribute('data-codes').split(' ').indexOf(c) >= 0) &&
        (!s || r.getAttribute('data-case').toLowerCase().indexOf(s) >= 0);
      r.hidden = !ok;
      if (ok) { n += 1; }
    });
    shown.textContent = 'Showing ' + n + ' of ' + rows.length + ' cases';
  }
  Array.prototype.forEach.call(document.querySelectorAll('input[name=outcome]'), function (i) {
    i.addEventListener('change', apply);
  });
  code.addEventListener('change', apply);
  search.addEventListener('input', apply);
  document.getElementById('filters').hidden = false;
  apply();
  document.documentElement.setAttribute('data-index-ready', '1');
}());
