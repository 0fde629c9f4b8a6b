// Forms on cached pages: the page everyone gets holds no CSRF token and no submission token.
// When a form is first used, fetch a token for this visitor from /csrf/ (never cached), fill
// the empty fields, then send the form. Without this script (or when the fetch fails) the form
// is sent without a token and the site answers with the same form, filled in, with a token.
(function () {
  var script = document.currentScript;
  var url = (script && script.getAttribute("data-csrf-url")) || "/csrf/";
  var pending = null;

  function fetchToken() {
    if (!pending) {
      pending = fetch(url, {credentials: "same-origin", cache: "no-store", headers: {Accept: "application/json"}})
        .then(function (response) {
          if (!response.ok) throw new Error("no token");
          return response.json();
        })
        .then(function (data) { return data.token; });
      pending.catch(function () { pending = null; });
    }
    return pending;
  }

  function randomToken() {
    var bytes = new Uint8Array(18);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function emptyTokenField(form) {
    var field = form.querySelector("input[data-csrf-token]");
    return field && !field.value ? field : null;
  }

  function send(form, submitter) {
    // Not from inside the submit event (a resolved promise's callback runs before its dispatch
    // ends, and a form does not submit again while its submit event is being fired).
    setTimeout(function () { submitNow(form, submitter); }, 0);
  }

  function submitNow(form, submitter) {
    if (form.requestSubmit) {
      form.requestSubmit(submitter && submitter.form === form ? submitter : undefined);
      return;
    }
    if (submitter && submitter.name) {
      var copy = document.createElement("input");
      copy.type = "hidden";
      copy.name = submitter.name;
      copy.value = submitter.value;
      form.appendChild(copy);
    }
    form.submit();
  }

  if (!window.fetch) return;

  document.addEventListener("focusin", function (event) {
    var form = event.target.form;
    if (form && emptyTokenField(form)) fetchToken().catch(function () {});
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var field = emptyTokenField(form);
    if (!field) return;
    event.preventDefault();
    var submitter = event.submitter;
    fetchToken().then(function (token) {
      field.value = token;
      Array.prototype.forEach.call(form.querySelectorAll("input[data-fresh-token]"), function (input) {
        if (!input.value && window.crypto) input.value = randomToken();
      });
      send(form, submitter);
    }, function () {
      // No token: the site sends the form back with one (the path without JavaScript).
      field.removeAttribute("data-csrf-token");
      send(form, submitter);
    });
  });
})();
