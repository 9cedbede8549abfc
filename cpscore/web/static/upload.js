// Progressive enhancement of the upload form: drag and drop, and a progress bar. Without
// JavaScript the form posts as usual and the browser follows the redirect to the result.
(function () {
  var form = document.getElementById("upload");
  if (!form || !window.XMLHttpRequest || !window.FormData) return;
  var zone = form.querySelector(".dropzone");
  var input = form.querySelector("input[type=file]");
  var bar = form.querySelector("progress");
  ["dragenter", "dragover"].forEach(function (ev) {
    zone.addEventListener(ev, function (e) { e.preventDefault(); zone.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (ev) {
    zone.addEventListener(ev, function (e) { e.preventDefault(); zone.classList.remove("over"); });
  });
  zone.addEventListener("drop", function (e) {
    if (e.dataTransfer && e.dataTransfer.files.length) {
      input.files = e.dataTransfer.files;
      zone.querySelector(".big").textContent = input.files[0].name;
    }
  });
  input.addEventListener("change", function () {
    if (input.files.length) zone.querySelector(".big").textContent = input.files[0].name;
  });
  form.addEventListener("submit", function (e) {
    if (!input.files.length) return;
    e.preventDefault();
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    bar.hidden = false;
    xhr.upload.onprogress = function (p) { if (p.lengthComputable) bar.value = 100 * p.loaded / p.total; };
    xhr.onload = function () {
      // The server answered with the result page (after its redirect) or the form with a problem.
      if (xhr.responseURL && xhr.responseURL !== location.href && xhr.status < 400) {
        location.href = xhr.responseURL;
      } else {
        document.open(); document.write(xhr.responseText); document.close();
      }
    };
    xhr.onerror = function () { form.submit(); };
    form.querySelector("button").disabled = true;
    xhr.send(new FormData(form));
  });
})();
