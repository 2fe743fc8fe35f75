/* The visual builder (automation/builder.html). Every listener is delegated from the document, so it keeps working
   after htmx redraws the builder. Without this script the builder still works: the variable pickers are hidden and
   the Add menus are chosen then added with their button. */
(function () {
  'use strict';
  document.documentElement.classList.add('bld-js');

  // Where the caret was in each field when it lost focus (by id, which survives a redraw): a picker inserts there.
  var carets = {};
  document.addEventListener('focusout', function (event) {
    var field = event.target;
    if (field.id && field.closest && field.closest('.bld-param') && typeof field.selectionStart === 'number') {
      carets[field.id] = { start: field.selectionStart, end: field.selectionEnd, value: field.value };
    }
  });

  function insert(field, text) {
    // The field still has focus (the picker was used without taking it): its own selection is the place.
    var caret = document.activeElement === field
      ? { start: field.selectionStart, end: field.selectionEnd, value: field.value }
      : carets[field.id];
    // A caret recorded for other text (the field was redrawn with a new value) is no longer a place in it: append.
    var start = caret && caret.value === field.value ? caret.start : field.value.length;
    var end = caret && caret.value === field.value ? caret.end : field.value.length;
    field.value = field.value.slice(0, start) + text + field.value.slice(end);
    field.focus();
    field.setSelectionRange(start + text.length, start + text.length);
    carets[field.id] = { start: start + text.length, end: start + text.length, value: field.value };
    // The builder redraws on input, as if the text had been typed.
    field.dispatchEvent(new Event('input', { bubbles: true }));
  }

  // Every variable picker gets the trigger's variables (one list in the page, #bld-variables) and the outputs of the
  // steps before its field (data-outputs), after the first load and after every redraw.
  function fillPickers() {
    var list = document.getElementById('bld-variables');
    document.querySelectorAll('select.bld-vars:not([data-filled])').forEach(function (select) {
      if (list) {
        select.appendChild(list.content.cloneNode(true));
      }
      var outputs = (select.getAttribute('data-outputs') || '').split(' ').filter(Boolean);
      if (outputs.length) {
        var group = document.createElement('optgroup');
        group.label = 'Earlier steps';
        outputs.forEach(function (path) {
          group.appendChild(new Option('What ' + path.split('.')[1] + ' returned', '{{' + path + '}}'));
        });
        select.appendChild(group);
      }
      // Inside a loop's steps: the item the loop is on, and where it is in the list.
      if (select.hasAttribute('data-loop')) {
        var loop = document.createElement('optgroup');
        loop.label = 'This loop';
        loop.appendChild(new Option('The current item', '{{item}}'));
        loop.appendChild(new Option('Its position (0, 1, 2…)', '{{loop.index}}'));
        loop.appendChild(new Option('How many items there are', '{{loop.count}}'));
        select.prepend(loop);
        select.insertBefore(select.querySelector('option[value=""]'), loop);
      }
      select.setAttribute('data-filled', '');
    });
  }
  fillPickers();
  document.addEventListener('htmx:afterSettle', fillPickers);

  // "+" between two steps: the lane's Add control moves there and now adds at that place.
  document.addEventListener('click', function (event) {
    var plus = event.target.closest && event.target.closest('button.bld-between');
    if (!plus) {
      return;
    }
    var lane = plus.closest('.bld-lane');
    var add = lane && lane.querySelector(':scope > .bld-add');
    if (!add) {
      return;
    }
    var op = 'pick:' + add.getAttribute('data-lane') + ':' + plus.getAttribute('data-at');
    add.querySelector('select').name = op;
    add.querySelector('button').value = op;
    add.classList.add('bld-add-here');
    plus.after(add);
    add.querySelector('select').focus();
  });

  // A redraw answers the fields as they were sent. What was typed or chosen while it was on its way (a change in one
  // field sends a request, then the seller types in the next) is put back into the new form and sent again, and the
  // "If it fails" panels the seller opened stay open, so a redraw never takes a keystroke or a click back.
  var typed = {};
  var opened = [];
  function remember(field) {
    if (field.id && field.form && field.form.id === 'builder-form' && !field.matches('.bld-vars')) {
      typed[field.id] = field.type === 'checkbox' ? field.checked : field.value;
    }
  }
  document.addEventListener('htmx:configRequest', function () {
    typed = {};
  });
  document.addEventListener('input', function (event) {
    remember(event.target);
  });
  document.addEventListener('change', function (event) {
    remember(event.target);
  });
  document.addEventListener('htmx:beforeSwap', function () {
    opened = Array.prototype.map.call(document.querySelectorAll('details.bld-fails[open][id]'), function (d) {
      return d.id;
    });
  });
  document.addEventListener('htmx:afterSwap', function () {
    opened.forEach(function (id) {
      var details = document.getElementById(id);
      if (details) {
        details.open = true;
      }
    });
  });
  // After the settle, not the swap: htmx sets up the new form's triggers as it settles, and an input dispatched
  // before that would reach a form that does not listen yet, so what was typed would never be sent.
  document.addEventListener('htmx:afterSettle', function () {
    Object.keys(typed).forEach(function (id) {
      var field = document.getElementById(id);
      var was = typed[id];
      if (!field || (field.type === 'checkbox' ? field.checked : field.value) === was) {
        return;
      }
      if (field.type === 'checkbox') {
        field.checked = was;
      } else {
        field.value = was;
      }
      if (!field.matches('.bld-add-menu')) {
        field.dispatchEvent(new Event('input', { bubbles: true }));
      }
    });
  });

  // A variable picker or an Add menu is not part of the definition: choosing in it must not redraw the builder (which
  // would reset the menu), so its change and input events stop here, before they reach the form's htmx trigger.
  function menu(target) {
    return target.matches && target.matches('select.bld-vars, select.bld-add-menu');
  }
  document.addEventListener('input', function (event) {
    if (menu(event.target)) {
      remember(event.target);
      event.stopPropagation();
    }
  }, true);
  document.addEventListener('change', function (event) {
    var select = event.target;
    if (!menu(select)) {
      return;
    }
    event.stopPropagation();
    if (select.matches('.bld-vars') && select.value) {
      var field = document.getElementById(select.getAttribute('data-insert'));
      var text = select.value;
      select.value = '';
      if (field) {
        insert(field, text);
      }
    }
  }, true);

  // Edits live in the page until "Save as a new draft": leaving before it (a tab of the header, Activate, a link)
  // would drop them without a word. An edit sent to redraw the builder marks the page changed, and leaving it then
  // asks first (the browser's own question); the save itself does not ask.
  var changed = false;
  document.addEventListener('htmx:beforeRequest', function (event) {
    var source = event.target;
    if (source.closest && source.closest('#builder-form, #builder-json-form')) {
      changed = true;
    }
  });
  document.addEventListener('submit', function (event) {
    var button = event.submitter;
    if (button && button.name === 'op' && button.value === 'save') {
      changed = false;
    }
  }, true);
  window.addEventListener('beforeunload', function (event) {
    if (changed) {
      event.preventDefault();
      event.returnValue = '';
    }
  });
})();
