// The share box of a campaign (campaigns/signing/share.html). Without this script the page's link
// is there to copy by hand. With it, a button: the system's share sheet (Web Share API) where the
// browser has one, else the link copied to the clipboard with a confirmation; inside WeChat, whose
// own menu at the top right shares the page, a hint to it.
(function () {
  var wechat = /MicroMessenger/i.test(navigator.userAgent);
  var canShare = typeof navigator.share === "function";
  var canCopy = !!(navigator.clipboard && navigator.clipboard.writeText && window.isSecureContext);

  Array.prototype.forEach.call(document.querySelectorAll("[data-share]"), function (box) {
    var button = box.querySelector("[data-share-button]");
    var status = box.querySelector("[data-share-status]");
    var url = box.getAttribute("data-url");

    if (wechat) box.querySelector("[data-share-wechat]").hidden = false;
    if (!canShare && !canCopy) return; // the plain link stays

    function say(text) { status.textContent = text; }

    function copy() {
      navigator.clipboard.writeText(url).then(
        function () { say(box.getAttribute("data-copied")); },
        function () { say(box.getAttribute("data-copy-failed")); }
      );
    }

    if (!canShare) button.textContent = button.getAttribute("data-copy-label");
    button.hidden = false;
    button.addEventListener("click", function () {
      say("");
      if (!canShare) { copy(); return; }
      navigator.share({title: box.getAttribute("data-title"), text: box.getAttribute("data-text"), url: url})
        .catch(function (error) {
          // Closed by the visitor: nothing to say. Refused (no share target): copy instead.
          if (error && error.name !== "AbortError" && canCopy) copy();
        });
    });
  });
})();
