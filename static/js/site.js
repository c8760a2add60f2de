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

// <form data-submit-once>: a second click (or Enter) while the form is posting sends nothing
// more, and its buttons are disabled so the user sees it is on its way. The buttons are
// disabled after the submit event, once the browser has taken the clicked button's
// name and value into what it sends.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.matches("[data-submit-once]")) {
    return;
  }
  if (form.dataset.submitting) {
    event.preventDefault();
    return;
  }
  form.dataset.submitting = "yes";
  window.setTimeout(function () {
    form.querySelectorAll("button, input[type=submit]").forEach(function (button) {
      button.disabled = true;
    });
  }, 0);
});
// Back to a page kept in the browser's cache: its forms can be sent again.
window.addEventListener("pageshow", function (event) {
  if (!event.persisted) {
    return;
  }
  document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
    delete form.dataset.submitting;
    form.querySelectorAll("button, input[type=submit]").forEach(function (button) {
      button.disabled = false;
    });
  });
});
