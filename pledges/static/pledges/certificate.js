// The certificate's print button (no inline handler: the content-security policy forbids them).
(function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
