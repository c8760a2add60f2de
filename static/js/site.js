// Behaviour every page shares, without inline handlers (the Content Security Policy allows
// only the site's own script files).
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target.matches("[data-submit-on-change]")) {
    target.form.submit();
  } else if (target.matches("[data-go-on-change]") && target.value) {
    window.location.href = target.value;
  }
});
