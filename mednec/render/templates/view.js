(function () {
  'use strict';
  var marks = Array.prototype.slice.call(document.querySelectorAll('mark.ev'));
  var buttons = Array.prototype.slice.call(document.querySelectorAll('button.crit'));
  var status = document.getElementById('status');
  var position = {};
  var timer = null;

  function ids(el) { return (el.getAttribute('data-criteria') || '').split(' '); }
  function marksFor(target) { return marks.filter(function (m) { return ids(m).indexOf(target) >= 0; }); }
  function isHead(m) { var p = m.getAttribute('data-part'); return !p || p === '1'; }

  function clearFlash() {
    marks.forEach(function (m) { m.classList.remove('flash'); });
  }

  function show(button) {
    var target = button.getAttribute('data-target');
    var all = marksFor(target);
    var heads = (button.getAttribute('data-anchors') || '').split(' ').map(function (id) {
      return document.getElementById(id);
    }).filter(function (m) { return m !== null; });
    if (!heads.length) { heads = all.filter(isHead); }
    if (!heads.length) { return; }
    var i = position[target] === undefined ? 0 : (position[target] + 1) % heads.length;
    position[target] = i;
    var head = heads[i];
    var span = all.filter(function (m) {
      return m.getAttribute('data-start') === head.getAttribute('data-start') &&
        m.getAttribute('data-end') === head.getAttribute('data-end') &&
        m.getAttribute('data-document') === head.getAttribute('data-document');
    });
    clearFlash();
    buttons.forEach(function (b) { b.setAttribute('aria-pressed', b === button ? 'true' : 'false'); });
    head.scrollIntoView({block: 'center', inline: 'nearest'});
    all.forEach(function (m) { m.classList.add('flash'); });
    head.focus({preventScroll: true});
    if (status) {
      status.textContent = target + ': passage ' + (i + 1) + ' of ' + heads.length + ' (' +
        head.getAttribute('data-document') + ')' + (heads.length > 1 ? '. Activate again for the next one.' : '.');
    }
    span.forEach(function (m) { m.setAttribute('aria-current', 'true'); });
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(function () {
      clearFlash();
      marks.forEach(function (m) { m.removeAttribute('aria-current'); });
    }, 2500);
  }

  buttons.forEach(function (b) {
    b.addEventListener('click', function () { show(b); });
  });

  marks.forEach(function (m) {
    m.addEventListener('click', function (ev) {
      ev.stopPropagation();
      var own = ids(m);
      var first = null;
      buttons.forEach(function (b) {
        var on = own.indexOf(b.getAttribute('data-target')) >= 0;
        b.classList.toggle('linked', on);
        if (on && !first) { first = b; }
      });
      if (first) { first.scrollIntoView({block: 'nearest'}); }
    });
  });

  document.addEventListener('keydown', function (ev) {
    if (ev.key === 'Escape') {
      clearFlash();
      buttons.forEach(function (b) { b.classList.remove('linked'); });
    }
  });
  document.documentElement.setAttribute('data-view-ready', '1');
}());
