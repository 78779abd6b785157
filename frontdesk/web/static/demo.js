/* Embeds the widget the way a customer's site would, with the key taken from ?key=. */
(function () {
  "use strict";
  var key = new URLSearchParams(location.search).get("key");
  if (!key) {
    document.getElementById("no-key").hidden = false;
    return;
  }
  var tag = document.createElement("script");
  tag.src = "/widget.js";
  tag.setAttribute("data-key", key);
  tag.setAttribute("data-title", "Parcelly Help");
  document.body.appendChild(tag);
})();
