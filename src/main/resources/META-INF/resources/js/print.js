// The access slip's print button (no inline script: the content security policy forbids it).
document.getElementById('print').addEventListener('click', function () { window.print(); });
